"""One inbound request on its way through the pipeline, and the NACK that stops it."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from schemas.errors import ErrorCode
from signing import SignatureParams


class Nack(Exception):
    """Stop the pipeline and answer with a NACK carrying an ONDC error code."""

    def __init__(
        self,
        http_status: int,
        error: ErrorCode,
        message: str,
        path: str | None = None,
        www_authenticate: str | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.error = error
        self.message = message
        self.path = path
        self.www_authenticate = www_authenticate


@dataclass(slots=True)
class Exchange:
    """One inbound request as it moves through the steps."""

    action: str
    raw: bytes
    headers: Mapping[str, str]
    started: float = field(default_factory=time.perf_counter)
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    signer: SignatureParams | None = None
    signer_subscriber_url: str = ""  # from the registry record that gave the signer's key
    data: dict[str, Any] | None = None
    model: Any = None
    seen_key: str = ""  # its de-duplication mark, once admitted
    duplicate: bool = False
