"""The one shape of a rule's refusal: an ONDC error code and a message that says what to do instead."""

from __future__ import annotations

from schemas.errors import ERROR_CODES


class RuleRefused(Exception):
    """A domain rule said no; `code` is the ONDC error code the callback carries."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_error(self) -> dict[str, str]:
        """The Beckn `error` object for the callback."""
        return ERROR_CODES[self.code].as_error(self.message)
