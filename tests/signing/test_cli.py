"""The `keys`, `sign`, `verify` and `subscribe` subcommands, run in process through their register() hooks."""

from __future__ import annotations

import argparse
import io
import json
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bpp import cli
from bpp.cli import keys, signature_tools, subscribe
from bpp.platform.settings import Settings
from bpp.platform.vapid import vapid_public_key
from signing import encryption_public_key_b64, generate_encryption_keypair, signing_public_key_b64

ServeApp = Callable[[Any], AbstractContextManager[str]]  # the `serve_app` fixture of conftest.py


Run = Callable[..., tuple[int, str, str]]


MY_COMMANDS = (keys.register, signature_tools.register, subscribe.register)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`bpp.cli.main(argv)` with `stdin` bytes, limited to these commands; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli, "COMMANDS", MY_COMMANDS)

    def _run(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def _bap(vectors: dict[str, Any]) -> dict[str, Any]:
    return vectors["bap_auth_header_official"]


def test_every_command_has_help_and_description(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "COMMANDS", MY_COMMANDS)
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in subparsers._choices_actions}
    assert set(helps) == {"keys", "sign", "verify", "subscribe"}
    assert all(helps.values())
    assert all(p.description for p in subparsers.choices.values())


def test_sign_prints_the_published_header_exactly(run: Run, vectors: dict[str, Any]) -> None:
    vector = _bap(vectors)
    code, out, _ = run(
        "sign",
        "--private-key", vector["signing_private_key_b64"],
        "--subscriber-id", "example-bap.com",
        "--unique-key-id", "bap1234",
        "--created", str(vector["created"]),
        "--expires", str(vector["expires"]),
        stdin=vector["body_utf8"].encode(),
    )  # fmt: skip
    assert code == 0
    assert out == vector["expected_authorization_header"] + "\n"


def test_sign_keeps_every_byte_of_stdin(run: Run, vectors: dict[str, Any]) -> None:
    vector = _bap(vectors)
    argv = (
        "sign",
        "--private-key",
        vector["signing_private_key_b64"],
        "--subscriber-id",
        "s",
        "--unique-key-id",
        "k",
    )
    times = ("--created", "100", "--expires", "200")
    _, exact, _ = run(*argv, *times, stdin=b"{}")
    _, with_newline, _ = run(*argv, *times, stdin=b"{}\n")
    assert exact != with_newline
    code, out, _ = run(*argv, stdin=b"{}")
    assert code == 0 and out.startswith('Signature keyId="s|k|ed25519"')


def test_sign_refuses_a_bad_key_in_one_line(run: Run) -> None:
    code, out, err = run("sign", "--private-key", "AAAA", "--subscriber-id", "s", "--unique-key-id", "k")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "32 bytes" in err


def test_verify_accepts_the_published_header_at_its_time(run: Run, vectors: dict[str, Any]) -> None:
    vector = _bap(vectors)
    code, out, _ = run(
        "verify",
        "--public-key", vector["signing_public_key_b64"],
        "--header", vector["expected_authorization_header"],
        "--now", str(vector["created"] + 60),
        stdin=vector["body_utf8"].encode(),
    )  # fmt: skip
    assert code == 0
    assert out == "valid: keyId=example-bap.com|bap1234|ed25519 created=1641287875 expires=1641291475\n"


def test_verify_refuses_the_published_header_today_as_expired(run: Run, vectors: dict[str, Any]) -> None:
    vector = _bap(vectors)
    code, out, _ = run(
        "verify",
        "--public-key", vector["signing_public_key_b64"],
        "--header", vector["expected_authorization_header"],
        stdin=vector["body_utf8"].encode(),
    )  # fmt: skip
    assert code == 1
    assert out.startswith("invalid (window): header expired at 1641291475, now is 17")
    assert out.count("\n") == 1


@pytest.mark.parametrize(
    ("edit_header", "body", "reason"),
    [
        (lambda h: h, b"{}", "signature"),
        (lambda h: h.replace("Signature ", "Bearer "), None, "format"),
        (
            lambda h: h.replace('algorithm="ed25519"', 'algorithm="rsa"').replace("|ed25519", "|rsa"),
            None,
            "algorithm",
        ),
        (lambda h: h.replace("(created) (expires) digest", "(created) (expires)"), None, "digest"),
    ],
)
def test_verify_says_why(
    run: Run, vectors: dict[str, Any], edit_header: Callable[[str], str], body: bytes | None, reason: str
) -> None:
    vector = _bap(vectors)
    code, out, _ = run(
        "verify",
        "--public-key", vector["signing_public_key_b64"],
        "--header", edit_header(vector["expected_authorization_header"]),
        "--now", str(vector["created"]),
        stdin=vector["body_utf8"].encode() if body is None else body,
    )  # fmt: skip
    assert code == 1
    assert out.startswith(f"invalid ({reason}): ")


def test_keys_generate_writes_private_keys_0600_and_prints_public_keys(run: Run, tmp_path: Path) -> None:
    out_file = tmp_path / "var" / "keys.json"
    code, out, err = run("keys", "generate", "--out", str(out_file))
    assert code == 0
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    stored = json.loads(out_file.read_text())
    printed = json.loads(out)
    assert set(printed) == {"signing_public_key", "encr_public_key"}
    assert signing_public_key_b64(stored["signing_private_key"]) == printed["signing_public_key"]
    assert encryption_public_key_b64(stored["encryption_private_key"]) == printed["encr_public_key"]
    for secret in (stored["signing_private_key"], stored["encryption_private_key"]):
        assert secret not in out and secret not in err

    code, _, err = run("keys", "generate", "--out", str(out_file))
    assert code == 1 and "--force" in err
    code, out_again, _ = run("keys", "generate", "--out", str(out_file), "--force")
    assert code == 0 and out_again != out
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600


def test_keys_generate_env_file(run: Run, tmp_path: Path) -> None:
    out_file = tmp_path / "keys.env"
    code, out, _ = run("keys", "generate", "--out", str(out_file))
    assert code == 0
    lines = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if line and not line.startswith("#"))
    assert set(lines) == {"SEVAMITRA_SIGNING_PRIVATE_KEY", "SEVAMITRA_ENCRYPTION_PRIVATE_KEY"}
    assert signing_public_key_b64(lines["SEVAMITRA_SIGNING_PRIVATE_KEY"]) == json.loads(out)["signing_public_key"]


def test_keys_vapid_writes_the_private_key_0600_and_prints_its_public_key(run: Run, tmp_path: Path) -> None:
    out_file = tmp_path / "vapid.json"
    code, out, err = run("keys", "vapid", "--out", str(out_file))
    assert code == 0
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    private = json.loads(out_file.read_text())["vapid_private_key"]
    assert json.loads(out) == {"vapid_public_key": vapid_public_key(private)}
    assert private not in out and private not in err
    code, _, err = run("keys", "vapid", "--out", str(out_file))
    assert code == 1 and "--force" in err

    env_file = tmp_path / "vapid.env"
    assert run("keys", "vapid", "--out", str(env_file))[0] == 0
    [line] = env_file.read_text().splitlines()
    assert line.startswith("SEVAMITRA_VAPID_PRIVATE_KEY=") and vapid_public_key(line.split("=", 1)[1])


class _OnboardingSettings(Settings):
    """Settings plus the entity fields /subscribe needs (to be added to bpp.platform.settings.Settings)."""

    legal_entity_name: str = "Seva Mitra Lucknow"
    business_address: str = "Hazratganj, Lucknow 226001"
    gst_no: str | None = "09AAAGS1234F1Z5"
    pan_no: str | None = "AAAGS1234F"
    date_of_incorporation: str | None = "01/04/2020"
    authorised_signatory_name: str | None = "District Officer"
    authorised_signatory_address: str | None = "Collectorate, Lucknow"
    contact_mobile: str | None = "9999999999"


@pytest.fixture
def onboarding_settings(monkeypatch: pytest.MonkeyPatch, vectors: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Settings for `subscribe`; tests edit the dict before running."""
    encryption_private, _ = generate_encryption_keypair()
    values: dict[str, Any] = {
        "subscriber_id": "sevamitra.example.org",
        "subscriber_url": "https://sevamitra.example.org/ondc",
        "unique_key_id": "sm-key-1",
        "signing_private_key": _bap(vectors)["signing_private_key_b64"],
        "encryption_private_key": encryption_private,
        "registry_url": None,
        "domains": ["ONDC:SRV10", "ONDC:SRV11"],
        "cities": ["std:0522"],
    }
    monkeypatch.setattr(subscribe, "settings_from", lambda args: _OnboardingSettings(**values))
    yield values


def test_subscribe_prints_the_seller_payload(
    run: Run, onboarding_settings: dict[str, Any], vectors: dict[str, Any]
) -> None:
    code, out, _ = run("subscribe")
    assert code == 0
    payload = json.loads(out)
    assert payload["context"] == {"operation": {"ops_no": 2}}
    message = payload["message"]
    assert message["request_id"] and message["timestamp"].endswith("Z")
    entity = message["entity"]
    assert entity["subscriber_id"] == "sevamitra.example.org"
    assert entity["unique_key_id"] == "sm-key-1"
    assert entity["callback_url"] == "/"
    assert entity["country"] == "IND"
    assert entity["gst"]["gst_no"] == "09AAAGS1234F1Z5" and entity["pan"]["pan_no"] == "AAAGS1234F"
    assert entity["mobile_no"] == 9999999999
    key_pair = entity["key_pair"]
    assert key_pair["signing_public_key"] == _bap(vectors)["signing_public_key_b64"]
    expected_encryption = encryption_public_key_b64(onboarding_settings["encryption_private_key"])
    assert key_pair["encryption_public_key"] == expected_encryption
    assert key_pair["valid_from"] < key_pair["valid_until"]
    assert message["network_participant"] == [
        {"subscriber_url": "/ondc", "domain": d, "type": "sellerApp", "msn": False, "city_code": ["std:0522"]}
        for d in ("ONDC:SRV10", "ONDC:SRV11")
    ]


def test_subscribe_send_needs_a_registry_url(run: Run, onboarding_settings: dict[str, Any]) -> None:
    code, out, err = run("subscribe", "--send")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "setting registry_url (SEVAMITRA_REGISTRY_URL): not set" in err


def test_subscribe_needs_the_private_keys(run: Run, onboarding_settings: dict[str, Any]) -> None:
    onboarding_settings["encryption_private_key"] = None
    code, _, err = run("subscribe")
    assert code == 2 and "encryption_private_key" in err


def test_subscribe_send_posts_to_the_registry(
    run: Run, onboarding_settings: dict[str, Any], serve_app: ServeApp
) -> None:
    received: list[dict[str, Any]] = []

    async def subscribe_endpoint(request: Request) -> JSONResponse:
        received.append(orjson.loads(await request.body()))
        return JSONResponse({"message": {"ack": {"status": "ACK"}}, "error": None})

    app = Starlette(routes=[Route("/subscribe", subscribe_endpoint, methods=["POST"])])
    with serve_app(app) as base_url:
        onboarding_settings["registry_url"] = base_url
        code, out, _ = run("subscribe", "--send")
    assert code == 0
    assert received[0]["message"]["entity"]["subscriber_id"] == "sevamitra.example.org"
    assert out.rstrip().endswith('registry answered HTTP 200: {"message":{"ack":{"status":"ACK"}},"error":null}')


def test_python_m_bpp_signs_the_stdin_bytes(vectors: dict[str, Any]) -> None:
    vector = _bap(vectors)
    command = [
        sys.executable, "-m", "bpp", "sign",
        "--private-key", vector["signing_private_key_b64"],
        "--subscriber-id", "example-bap.com",
        "--unique-key-id", "bap1234",
        "--created", str(vector["created"]),
        "--expires", str(vector["expires"]),
    ]  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    signed = subprocess.run(command, input=vector["body_utf8"].encode(), capture_output=True, cwd=root, timeout=60)
    assert signed.returncode == 0, signed.stderr
    assert signed.stdout == vector["expected_authorization_header"].encode() + b"\n"
