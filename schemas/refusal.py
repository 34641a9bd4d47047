"""The one shape of "a rule said no", for every layer: the Beckn and HTTP edges each translate it once.

It lives beside the ONDC error codes, at the lowest layer, so that catalogue, fulfillment and application
rules can all raise it without knowing who reads the answer (a buyer app's `error` object, or a person
using the staff console or the worker app).
"""

from __future__ import annotations

from schemas.errors import ERROR_CODES

# Codes of refusals that only people see (staff console, worker app): no ONDC code means these.
NOT_FOUND = "not_found"  # the thing asked for does not exist (or is not the asker's to see)
NOT_ALLOWED = "not_allowed"  # the asker may not do this at all


class Refusal(Exception):
    """A rule refused the request.

    `code` is the ONDC error code (schemas/errors.py) when a buyer app can receive it, else a short name
    the apps can branch on (`offer_gone`); `message` says in English what to do instead; `field` names
    the input at fault (a Beckn path such as `message.order.items[0].id`, or an API field); `message_hi`
    is the Hindi text for people, when the refusal can reach one.
    """

    def __init__(self, code: str, message: str, field: str | None = None, message_hi: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.message_hi = message_hi

    def as_error(self) -> dict[str, str]:
        """The Beckn `error` object of a callback: the spec's type for the code, our message, the path at fault."""
        error = ERROR_CODES[self.code].as_error(self.message)
        if self.field is not None:
            error["path"] = self.field
        return error
