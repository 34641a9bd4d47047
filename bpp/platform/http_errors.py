"""The HTTP edge of the staff and worker APIs: wrong fields and refusals answered in English and Hindi."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import JSONResponse

from schemas.errors import INVALID_OTP
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

SUMMARY = {"en": "Some fields are wrong; correct them and send again.",
           "hi": "कुछ फ़ील्ड गलत हैं; उन्हें ठीक करके फिर भेजें।"}


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    en: str
    hi: str | None = None


class FieldErrors(Exception):
    """Raised by a route whose input breaks a rule; answered 422 with every wrong field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.en}" for p in problems))
        self.problems = problems


def _answer(problems: list[FieldProblem]) -> JSONResponse:
    errors = [{"field": p.field, "error": p.en, "en": p.en, **({"hi": p.hi} if p.hi else {})} for p in problems]
    return JSONResponse(status_code=422, content={"detail": SUMMARY, "errors": errors})


async def field_errors_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FieldErrors)
    return _answer(exc.problems)


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own input validation, in the same shape."""
    assert isinstance(exc, RequestValidationError)
    return _answer([
        FieldProblem(".".join(str(p) for p in err["loc"] if p != "body"), err["msg"], f"यह फ़ील्ड जाँचें: {err['msg']}")
        for err in exc.errors()
    ])


NOT_IN_REPERTOIRE = "22021"  # PostgreSQL's SQLSTATE for text it cannot hold: a NUL character (SQLite keeps it)


async def unstorable_text_handler(request: Request, exc: Exception) -> JSONResponse:
    """A NUL in any text the staff or worker APIs store or look up is the sender's mistake: 422, not 500."""
    assert isinstance(exc, DBAPIError)
    if getattr(exc.orig, "sqlstate", None) != NOT_IN_REPERTOIRE:
        raise exc
    return _answer([FieldProblem("", "Remove the NUL character (\\u0000) from the text and send again.",
                                 "पाठ से NUL वर्ण (\\u0000) हटाकर फिर भेजें।")])


RATE_LIMITED: Final = "rate_limited"

# A refusal is 409 "not now" unless its input is at fault (422) or its code says otherwise.
_STATUS_OF_CODE: Final = {
    NOT_FOUND: 404,
    "not_your_job": 404,  # another worker's job: as if it did not exist
    NOT_ALLOWED: 403,
    INVALID_OTP.code: 422,  # the worker typed the customer's OTP wrong
    RATE_LIMITED: 429,  # too many tries from one phone or address (worker sign-up's OTPs)
}
# What to do, in Hindi, for the refusals that carry English only (mostly ledger rules).
_HINDI_BY_STATUS: Final = {
    403: "आपको यह करने की अनुमति नहीं है।",
    404: "यह रिकॉर्ड नहीं मिला। आईडी जाँचकर फिर कोशिश करें।",
    409: "यह बदलाव नहीं हो सकता; स्थिति दोबारा देखें।",
    429: "बहुत सारे प्रयास; थोड़ी देर बाद फिर कोशिश करें।",
    422: SUMMARY["hi"],
}


def refusal_status(refusal: Refusal) -> int:
    return _STATUS_OF_CODE.get(refusal.code, 422 if refusal.field is not None else 409)


async def refusal_handler(request: Request, exc: Exception) -> JSONResponse:
    """Any rule's refusal that reaches a route: `{detail: {code, en, hi[, field]}}` with its status."""
    assert isinstance(exc, Refusal)
    status = refusal_status(exc)
    detail = {"code": exc.code, "en": exc.message, "hi": exc.message_hi or _HINDI_BY_STATUS[status]}
    if exc.field is not None:
        detail["field"] = exc.field
    return JSONResponse({"detail": detail}, status_code=status)
