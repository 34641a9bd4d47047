"""The one shape of a rule's refusal: an ONDC error code and a message that says what to do instead."""

from __future__ import annotations


class RuleRefused(Exception):
    """A domain rule said no; `code` is the ONDC error code the callback carries."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
