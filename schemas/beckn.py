"""Inbound Beckn 1.1.0 / ONDC SRV 2.0.0 request models, one per action, and `parse_request`.

`parse_request` checks shape only.  The context rules (action matches the path, domain, city,
version, bpp_id, expiry) come after it, so they can answer with their own ONDC error codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Final

import orjson
from pydantic import BaseModel, BeforeValidator, Field, StringConstraints, ValidationError, model_validator

from schemas.fields import BecknModel, Id, parse_iso_duration
from schemas.igm import IssueRequest, IssueStatusRequest
from schemas.objects import (
    ConfirmOrder,
    Context,
    Descriptor,
    HttpUrl,
    InitOrder,
    Payment,
    SelectOrder,
    Stop,
    TagGroup,
    UpdateOrder,
)

__all__ = [
    "REQUEST_MODELS",
    "Context",
    "SchemaError",
    "json_path",
    "parse_iso_duration",
    "parse_request",
]


# --- search (the hot path: keep it small) -------------------------------------------------
class IntentRef(BecknModel):
    """A category, item or provider asked for by id (may be a wildcard like `SRV11-*`) or name."""

    id: str | None = None
    descriptor: Descriptor | None = None


class IntentFulfillment(BecknModel):
    type: str | None = None
    stops: list[Stop] | None = None


class Intent(BecknModel):
    category: IntentRef | None = None
    item: IntentRef | None = None
    provider: IntentRef | None = None
    fulfillment: IntentFulfillment | None = None
    payment: Payment | None = None
    tags: list[TagGroup] | None = None


# --- messages -----------------------------------------------------------------------------
class SearchMessage(BecknModel):
    intent: Intent


class SelectMessage(BecknModel):
    order: SelectOrder


class InitMessage(BecknModel):
    order: InitOrder


class ConfirmMessage(BecknModel):
    order: ConfirmOrder


class OrderIdMessage(BecknModel):
    order_id: Id


class TrackMessage(OrderIdMessage):
    callback_url: HttpUrl | None = None


class CancelMessage(OrderIdMessage):
    cancellation_reason_id: Id
    descriptor: Descriptor | None = None


class UpdateMessage(BecknModel):
    update_target: Id
    order: UpdateOrder


def _rating_value(value: object) -> object:
    """Ratings are strings in Beckn 1.1; some buyer apps send a JSON number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


RatingValue = Annotated[
    str,
    BeforeValidator(_rating_value),
    StringConstraints(strip_whitespace=True, pattern=r"^\d+(\.\d+)?$"),
]


class Rating(BecknModel):
    rating_category: str | None = None
    id: Id
    value: RatingValue


class RatingMessage(BecknModel):
    """Beckn 1.1 sends `ratings: [...]`; ONDC TRV10 2.0.1 sends one rating inline."""

    ratings: Annotated[list[Rating], Field(min_length=1)] | None = None
    id: Id | None = None
    rating_category: str | None = None
    value: RatingValue | None = None

    @model_validator(mode="after")
    def _one_form(self) -> RatingMessage:
        if self.ratings is None and (self.id is None or self.value is None):
            raise ValueError("either ratings[] or an inline id and value are required")
        return self

    def all_ratings(self) -> list[Rating]:
        """The ratings in either form."""
        if self.ratings is not None:
            return self.ratings
        assert self.id is not None and self.value is not None
        return [Rating(id=self.id, rating_category=self.rating_category, value=self.value)]


class SupportInfo(BecknModel):
    ref_id: Id | None = None
    order_id: Id | None = None
    callback_phone: str | None = None


class SupportMessage(BecknModel):
    """Beckn 1.1 nests `support`; ONDC TRV10 2.0.1 sends `ref_id` inline."""

    support: SupportInfo | None = None
    ref_id: Id | None = None

    @model_validator(mode="after")
    def _has_reference(self) -> SupportMessage:
        if self.reference is None:
            raise ValueError("support.ref_id, support.order_id or ref_id is required")
        return self

    @property
    def reference(self) -> str | None:
        if self.support is not None:
            return self.support.ref_id or self.support.order_id or self.ref_id
        return self.ref_id


# --- requests -----------------------------------------------------------------------------
class SearchRequest(BecknModel):
    context: Context
    message: SearchMessage


class SelectRequest(BecknModel):
    context: Context
    message: SelectMessage


class InitRequest(BecknModel):
    context: Context
    message: InitMessage


class ConfirmRequest(BecknModel):
    context: Context
    message: ConfirmMessage


class StatusRequest(BecknModel):
    context: Context
    message: OrderIdMessage


class TrackRequest(BecknModel):
    context: Context
    message: TrackMessage


class CancelRequest(BecknModel):
    context: Context
    message: CancelMessage


class UpdateRequest(BecknModel):
    context: Context
    message: UpdateMessage


class RatingRequest(BecknModel):
    context: Context
    message: RatingMessage


class SupportRequest(BecknModel):
    context: Context
    message: SupportMessage


REQUEST_MODELS: Final[Mapping[str, type[BaseModel]]] = MappingProxyType(
    {
        "search": SearchRequest,
        "select": SelectRequest,
        "init": InitRequest,
        "confirm": ConfirmRequest,
        "status": StatusRequest,
        "track": TrackRequest,
        "cancel": CancelRequest,
        "update": UpdateRequest,
        "rating": RatingRequest,
        "support": SupportRequest,
        "issue": IssueRequest,
        "issue_status": IssueStatusRequest,
    }
)


class SchemaError(ValueError):
    """A request body that is not JSON or does not fit its model; `path` names the field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def json_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic `loc` as `message.order.items[0].id`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _nul_path(value: object, path: tuple[int | str, ...] = ()) -> tuple[int | str, ...] | None:
    """Where the first NUL character sits in a parsed body (a key or a string), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = (*path, key) if "\x00" in key else _nul_path(item, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, (*path, index))
            if found is not None:
                return found
    return None


def parse_request(action: str, raw: bytes) -> tuple[BaseModel, dict[str, Any]]:
    """Parse and validate one inbound request; raise `SchemaError` on the first problem."""
    model = REQUEST_MODELS.get(action)
    if model is None:
        raise ValueError(f"no request model for action {action!r}")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise SchemaError("", f"body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SchemaError("", "body must be a JSON object")
    # PostgreSQL text cannot hold NUL, so one would fail the insert after the ACK; JSON can only carry it escaped,
    # which keeps the walk off the hot path
    nul_at = _nul_path(data) if b"\\u0000" in raw else None
    if nul_at is not None:
        raise SchemaError(json_path(nul_at), "must not contain a NUL character (\\u0000)")
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_context=False, include_input=False)[0]
        raise SchemaError(json_path(first["loc"]), first["msg"]) from None
