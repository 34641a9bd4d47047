"""What the helpline desk's pages send and get (`/staff/api/helpline/…`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from bpp.assisted.service import PincodeArea, Quotation
from bpp.platform.http_errors import FieldErrors, FieldProblem
from catalog.formats import money
from catalog.model import ServiceItem
from catalog.quote import quote_for
from fulfillment.complaints import Kind
from fulfillment.order import Slot

# Long enough for any real entry, short enough that nothing huge is read into a rule; the rules say what is wrong.
NAME = Field(max_length=200)
ADDRESS = Field(max_length=600)
PHONE = Field(max_length=20)
PINCODE = Field(max_length=12)


class PointFields(BaseModel):
    """The operator's refinement of the pincode's point: both or neither."""

    lat: float | None = None
    lng: float | None = None

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lat is not None and self.lng is not None:
            return self.lat, self.lng
        if self.lat is None and self.lng is None:
            return None
        raise FieldErrors([FieldProblem("point", "Give both latitude and longitude, or neither.",
                                        "अक्षांश और देशांतर दोनों दें, या दोनों खाली छोड़ें।")])


class QuoteRequest(PointFields):
    item_id: str = Field(max_length=64)
    pincode: str = PINCODE


class Booking(PointFields):
    item_id: str = Field(max_length=64)
    name: str = NAME
    phone: str = PHONE
    address: str = ADDRESS
    pincode: str = PINCODE
    slot: Literal["now"] | datetime = "now"  # "now": the first open arrival window
    language: Literal["hi", "en"] = "hi"  # of the citizen's SMS


class Consent(BaseModel):
    caller_consents: bool = False  # the operator ticks it once the caller agreed on the call

    def check(self) -> None:
        if not self.caller_consents:
            raise FieldErrors([FieldProblem("caller_consents", "Ask the caller, and tick that she agrees.",
                                            "कॉल करने वाले से पूछें, और उनकी सहमति पर निशान लगाएँ।")])


class Cancellation(Consent):
    reason_id: Literal["004", "006", "010", "012"] = "012"  # fulfillment.cancellation.BUYER_REASONS


class Rescheduling(Consent):
    slot: datetime


class CallerComplaint(BaseModel):
    kind: Kind
    short_desc: str = Field(min_length=3, max_length=500)
    long_desc: str | None = Field(default=None, max_length=4000)
    caller_name: str | None = Field(default=None, max_length=128)
    caller_phone: str | None = Field(default=None, max_length=20)


def item_view(item: ServiceItem) -> dict[str, Any]:
    return {
        "id": item.id, "name_hi": item.name_hi, "name_en": item.name_en, "category_id": item.category_id,
        "fee": money(item.fee), "total": money(quote_for(item).total), "duration_minutes": item.duration_minutes,
    }


def slot_view(slot: Slot) -> dict[str, str]:
    return {"start": slot.start.isoformat(), "end": slot.end.isoformat()}


def area_view(area: PincodeArea) -> dict[str, Any]:
    provider = area.provider
    return {
        "pincode": area.pincode, "district": area.district, "lat": area.lat, "lng": area.lng,
        "provider": {"id": provider.id, "name_hi": provider.name_hi, "name_en": provider.name_en},
    }


def quotation_view(quotation: Quotation) -> dict[str, Any]:
    quote = quotation.quote
    return {
        "item": item_view(quotation.item),
        "total": quote["price"]["value"],
        "lines": [{"title": line["title"], "amount": line["price"]["value"]} for line in quote["breakup"]
                  if line["price"]["value"] != "0.00"],
        "slots": [slot_view(slot) for slot in quotation.slots],
        "payment": "cash_at_visit",  # the citizen pays the worker this total in cash when the work is done
    }
