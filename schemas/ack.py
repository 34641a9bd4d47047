"""The synchronous ACK / NACK bodies of every Beckn endpoint."""

from __future__ import annotations

from typing import Final

import orjson

from schemas.errors import ERROR_CODES

_ACK: Final = orjson.dumps({"message": {"ack": {"status": "ACK"}}})
_DEFAULT_ERROR_TYPE: Final = "CORE-ERROR"


def ack_body() -> bytes:
    """Return the constant ACK body."""
    return _ACK


def nack_body(code: str, message: str, path: str | None = None, type: str | None = None) -> bytes:
    """Return a NACK body; `type` defaults to the code's type in the error table."""
    if type is None:
        known = ERROR_CODES.get(code)
        type = known.type if known is not None else _DEFAULT_ERROR_TYPE
    error: dict[str, str] = {"type": type, "code": code, "message": message}
    if path is not None:
        error["path"] = path
    return orjson.dumps({"message": {"ack": {"status": "NACK"}}, "error": error})
