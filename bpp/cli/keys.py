"""`keys generate`: a new signing and encryption key pair; `keys vapid`: a new VAPID key for Web Push. Private keys go
to a 0600 file, never to stdout."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bpp.platform.private_files import write_private
from bpp.platform.vapid import new_vapid_private_key, vapid_public_key
from signing import generate_encryption_keypair, generate_signing_keypair


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = subparsers.add_parser(
        "keys",
        help="create this subscriber's signing and encryption keys",
        description="Manage the ed25519 signing and X25519 encryption keys this BPP registers with ONDC.",
    )
    actions = keys.add_subparsers(dest="keys_action", required=True, metavar="ACTION")
    generate = actions.add_parser(
        "generate",
        help="write new private keys to a file and print the public keys",
        description=(
            "Generate an ed25519 signing key pair and an X25519 encryption key pair. The private keys "
            "(signing: base64 64-byte seed+public; encryption: base64 PKCS#8 DER) are written to PATH "
            "with mode 0600; the public keys to register (signing_public_key, encr_public_key) are "
            "printed as JSON."
        ),
    )
    generate.add_argument("--out", required=True, type=Path, metavar="PATH", help="file to write the private keys to")
    generate.add_argument(
        "--format",
        choices=("json", "env"),
        help="json (keys named like the settings) or env (SEVAMITRA_*=... lines); default: env if PATH ends "
        "in .env, else json",
    )
    generate.add_argument("--force", action="store_true", help="replace PATH if it already exists")
    generate.set_defaults(func=generate_keys)
    vapid = actions.add_parser(
        "vapid",
        help="write a new VAPID private key (Web Push of offers to the worker app) and print its public key",
        description=(
            "Generate the P-256 key that signs Web Push requests (RFC 8292). The private key (base64url of its "
            "32-byte scalar) is written to PATH with mode 0600 as vapid_private_key (JSON, to merge into key_file) "
            "or SEVAMITRA_VAPID_PRIVATE_KEY (env); the public key is printed. Changing it silences every phone "
            "subscribed with the old one until its app subscribes again."
        ),
    )
    vapid.add_argument("--out", required=True, type=Path, metavar="PATH", help="file to write the private key to")
    vapid.add_argument("--format", choices=("json", "env"), help="default: env if PATH ends in .env, else json")
    vapid.add_argument("--force", action="store_true", help="replace PATH if it already exists")
    vapid.set_defaults(func=generate_vapid_key)


def generate_keys(args: argparse.Namespace) -> int:
    signing_private, signing_public = generate_signing_keypair()
    encryption_private, encryption_public = generate_encryption_keypair()
    path: Path = args.out
    file_format = args.format or ("env" if path.suffix == ".env" else "json")
    if file_format == "env":
        content = (
            f"# signing_public_key={signing_public}\n# encr_public_key={encryption_public}\n"
            f"SEVAMITRA_SIGNING_PRIVATE_KEY={signing_private}\n"
            f"SEVAMITRA_ENCRYPTION_PRIVATE_KEY={encryption_private}\n"
        )
    else:
        keys = {
            "signing_private_key": signing_private,
            "signing_public_key": signing_public,
            "encryption_private_key": encryption_private,
            "encryption_public_key": encryption_public,
        }
        content = json.dumps(keys, indent=2) + "\n"
    if not _write(path, content, replace=args.force):
        return 1
    print(json.dumps({"signing_public_key": signing_public, "encr_public_key": encryption_public}, indent=2))
    print(f"private keys written to {path} (mode 0600)", file=sys.stderr)
    return 0


def generate_vapid_key(args: argparse.Namespace) -> int:
    private = new_vapid_private_key()
    path: Path = args.out
    if (args.format or ("env" if path.suffix == ".env" else "json")) == "env":
        content = f"SEVAMITRA_VAPID_PRIVATE_KEY={private}\n"
    else:
        content = json.dumps({"vapid_private_key": private}, indent=2) + "\n"
    if not _write(path, content, replace=args.force):
        return 1
    print(json.dumps({"vapid_public_key": vapid_public_key(private)}, indent=2))
    print(f"private key written to {path} (mode 0600)", file=sys.stderr)
    return 0


def _write(path: Path, content: str, *, replace: bool) -> bool:
    try:
        write_private(path, content, replace=replace)
    except FileExistsError:
        print(f"error: {path} already exists; pass --force to replace it", file=sys.stderr)
        return False
    except OSError as exc:
        print(f"error: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return False
    return True
