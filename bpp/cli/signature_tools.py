"""`sign` and `verify`: Beckn Authorization headers for a body read from stdin, byte for byte."""

from __future__ import annotations

import argparse
import sys

from signing import SignatureError, build_authorization_header, verify_authorization_header


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = subparsers.add_parser(
        "sign",
        help="print the Authorization header for the body on stdin",
        description=(
            "Sign the exact bytes on stdin (nothing is stripped or re-serialised) and print the Beckn "
            "Authorization header on one line. --created defaults to now, --expires to created + 300 s."
        ),
    )
    sign.add_argument(
        "--private-key",
        required=True,
        metavar="B64",
        help="base64 ed25519 seed (32 bytes) or seed+public (64)",
    )
    sign.add_argument("--subscriber-id", required=True, metavar="S", help="our subscriber id, the keyId's first part")
    sign.add_argument("--unique-key-id", required=True, metavar="K", help="the registered unique key id (ukId)")
    sign.add_argument("--created", type=int, metavar="N", help="created, unix seconds (default: now)")
    sign.add_argument("--expires", type=int, metavar="N", help="expires, unix seconds (default: created + 300)")
    sign.set_defaults(func=sign_body)

    verify = subparsers.add_parser(
        "verify",
        help="check an Authorization header against the body on stdin",
        description=(
            "Verify a Beckn Signature header against the exact bytes on stdin and a base64 ed25519 "
            "public key. Exit 0 and print 'valid: ...', or exit 1 and print 'invalid (REASON): why', "
            "REASON being format, algorithm, window, digest, signature or unknown_key. The "
            "created/expires window is checked against --now when given, else against the real clock: "
            "an old published header (such as the Beckn example, which expired in 2022) is refused as "
            "expired unless --now is inside its window."
        ),
    )
    verify.add_argument("--public-key", required=True, metavar="B64", help="the signer's base64 ed25519 public key")
    verify.add_argument("--header", required=True, metavar="H", help="the header value, starting with 'Signature '")
    verify.add_argument("--now", type=float, metavar="N", help="check the window at this unix time (default: now)")
    verify.set_defaults(func=verify_body)


def sign_body(args: argparse.Namespace) -> int:
    body = sys.stdin.buffer.read()
    try:
        header = build_authorization_header(
            body, args.private_key, args.subscriber_id, args.unique_key_id, args.created, args.expires
        )
    except ValueError as exc:  # a malformed key or a '|' in an id
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(header)
    return 0


def verify_body(args: argparse.Namespace) -> int:
    body = sys.stdin.buffer.read()
    try:
        params = verify_authorization_header(args.header, body, args.public_key, now=args.now)
    except SignatureError as exc:
        print(f"invalid ({exc.reason.value}): {exc.detail}")
        return 1
    print(f"valid: keyId={params.key_id} created={params.created} expires={params.expires}")
    return 0
