"""Assisted booking: a person who talks to a citizen (a helpline operator on a call) books for her.

The booking is the same `Order` an ONDC confirm makes (`Order.confirm` at the item's fixed-fee quote, its
cancellation and reschedule terms), stored by `OrderRepo`, matched to the nearest verified worker by the same
matching job, settled by the same ledger rules. Only the channel differs: no buyer app follows the order, so no
Beckn callback is sent, and the citizen is told by SMS (`CitizenSms`). She pays the worker in cash at the visit
(the ON-FULFILLMENT payment we collect, `catalog.payment_terms.cash_at_visit`): the worker records the cash at
completion exactly as for an ONDC cash order, and a cancellation costs her nothing (`Order.cancel_by_buyer`).
A kiosk books through the same desk as its own `Counter` (`bpp/kiosks`): in its district only, the fee paid at
its counter.

Every wrong input is answered per field, in Hindi and English (`FieldErrors`): a phone that is no 10-digit mobile
number, an unknown pincode or one outside Uttar Pradesh, a slot in the past.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.assisted.notices import LANGUAGE_KEY, CitizenSms, sms_language
from bpp.catalogue.repo import CatalogRepo
from bpp.complaints.desk import CallerDetails, ComplaintOffice
from bpp.complaints.repo import ComplaintsRepo
from bpp.notify import Language, normalise_phone
from bpp.orders.deps import CatalogPort, FulfillmentPort, LedgerPort
from bpp.orders.handlers.confirm import new_order_id
from bpp.orders.reschedule import reschedule_fee
from bpp.orders.unit_of_work import UnitOfWork
from bpp.places import UTTAR_PRADESH, PlaceLookup, is_in_uttar_pradesh
from bpp.platform.http_errors import FieldErrors, FieldProblem
from bpp.storage.db import Row
from catalog import ordering
from catalog.formats import timestamp
from catalog.model import Provider, ServiceItem
from catalog.payment_terms import cash_at_visit
from catalog.quote import quote_for
from catalog.schedule import bookable_at, open_slots
from catalog.taxonomy import CATEGORIES
from fulfillment.complaints import Kind
from fulfillment.geo import format_gps, haversine_km
from fulfillment.order import HELPLINE, BookedService, Channel, CustomerDetails, Order, PaymentTerms, Quote, Slot
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

MAX_REFINEMENT_KM: Final = 20.0  # an operator's point this far from the pincode's is a typing mistake
OPEN_SLOTS: Final = 8


@dataclass(frozen=True, slots=True)
class CitizenPlace:
    """Where the service is wanted: the pincode's district, the address as the citizen said it, and the point
    (the pincode's approximate one, or the operator's refinement)."""

    pincode: str
    district: str  # upper case, as India Post writes it
    address: str
    lat: float
    lng: float

    def end_location(self) -> dict[str, Any]:
        """The order's place in the Beckn shape every order keeps."""
        return {
            "gps": format_gps(self.lat, self.lng),
            "address": self.address,
            "area_code": self.pincode,
            "city": {"name": self.district.title()},
            "state": {"name": UTTAR_PRADESH.title()},
            "country": {"code": "IND"},
        }


@dataclass(frozen=True, slots=True)
class PincodeArea:
    """What a pincode tells the operator: its district, its approximate point, and the district's Seva Mitra unit."""

    pincode: str
    district: str
    lat: float | None
    lng: float | None
    provider: Provider


@dataclass(frozen=True, slots=True)
class Quotation:
    """The fixed fee of an item at a place, and the arrival windows still open (the first is "now")."""

    item: ServiceItem
    provider: Provider
    quote: dict[str, Any]  # the Beckn quote the order will lock
    slots: list[Slot]


@dataclass(frozen=True, slots=True)
class BookingRequest:
    """What an operator took down on the call."""

    item_id: str
    name: str
    phone: str
    address: str
    pincode: str
    point: tuple[float, float] | None  # the operator's refinement; None: the pincode's own point
    slot_start: datetime | None  # None: now, i.e. the first open window
    language: Language = "hi"  # of her SMS


@dataclass(frozen=True, slots=True)
class CallerHistory:
    phone: str
    orders: list[Order]
    complaints: Sequence[Row]


def _problem(field: str, en: str, hi: str) -> FieldErrors:
    return FieldErrors([FieldProblem(field, en, hi)])


def mobile_number(phone: str, field: str = "phone") -> str:
    """The ten digits of an Indian mobile number (an SMS can reach it), or the field's error."""
    number = normalise_phone(phone)
    if number is None:
        raise _problem(field, "Enter the caller's 10-digit mobile number (it starts with 6, 7, 8 or 9).",
                       "कॉल करने वाले का 10 अंकों का मोबाइल नंबर लिखें (6, 7, 8 या 9 से शुरू)।")
    return number


class Counter(Protocol):
    """Who books for the citizen, where, and how she pays: the helpline desk (`HELPLINE_DESK`: in cash to the worker
    at the visit) or a kiosk (`bpp/kiosks`: the fee at its counter)."""

    @property
    def channel(self) -> str:
        """The name of the orders it books (`fulfillment.order.channel_kind`)."""
        ...

    def check_area(self, area: PincodeArea) -> PincodeArea:
        """The area, or FieldErrors when this counter may not book there."""
        ...

    def payment(self, order_id: str, quote: Quote, item: ServiceItem) -> PaymentTerms:
        """How the citizen pays for the order."""
        ...

    async def booked(self, conn: AsyncConnection, order: Order) -> None:
        """What the counter does in the booking's transaction, after the order is stored."""
        ...


class HelplineDesk:
    """The helpline books in every district Seva Mitra serves; the citizen pays the worker in cash at the visit."""

    channel = HELPLINE

    def check_area(self, area: PincodeArea) -> PincodeArea:
        return area

    def payment(self, order_id: str, quote: Quote, item: ServiceItem) -> PaymentTerms:
        return PaymentTerms(cash_at_visit(quote.total))

    async def booked(self, conn: AsyncConnection, order: Order) -> None:
        """Nothing: the money moves at the visit."""


HELPLINE_DESK: Final = HelplineDesk()


def assisted_order(
    counter: Counter, provider: Provider, item: ServiceItem, details: CustomerDetails, slot: Slot, *, at: datetime,
    actor: str,
) -> Order:
    """The order `counter` books (not yet stored): `item` at its fixed fee now, paid as the counter says. Our order
    number stands for the buyer app's order id and the transaction id: no buyer app gave either."""
    order_id = new_order_id()
    quote = Quote.from_snapshot(quote_for(item).to_beckn())
    return Order.confirm(
        id=order_id,
        buyer_order_id=order_id,
        buyer_created_at=timestamp(at),
        transaction_id=order_id,
        channel=Channel(counter.channel, CATEGORIES[item.category_id].domain, provider.city),
        service=BookedService(provider.id, item.id, item.version, item.category_id),
        quote=quote,
        details=details,
        payment=counter.payment(order_id, quote, item),
        terms=ordering.order_terms(item),
        slot=slot,
        at=at,
        actor=actor,
    )


class AssistedDesk:
    """Booking, changing and complaining for a citizen, on behalf of a `Counter` (the helpline, a kiosk)."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        catalog: CatalogPort,
        fulfillment: FulfillmentPort,
        ledger: LedgerPort,
        complaints: ComplaintOffice,
        notices: CitizenSms,
        places: PlaceLookup,
        clock: Callable[[], datetime],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._catalog = catalog
        self._fulfillment = fulfillment
        self._ledger = ledger
        self._complaints = complaints
        self._notices = notices
        self._places = places
        self._clock = clock

    # ---- finding -------------------------------------------------------------------------------
    async def caller(self, phone: str) -> CallerHistory:
        """The caller's orders (any channel: an app user calls too) and the complaints about them."""
        number = mobile_number(phone)
        async with self._unit_of_work() as uow:
            orders = await uow.orders.of_customer_phone(number)
            complaints = await ComplaintsRepo(uow.conn).of_orders([order.id for order in orders])
        return CallerHistory(number, orders, complaints)

    def area(self, pincode: str) -> PincodeArea:
        """The pincode's district, point and Seva Mitra unit, or why it cannot be booked (field `pincode`)."""
        place = self._places(pincode)
        if place is None:
            raise _problem("pincode", f"Pincode {pincode.strip()!r} is not in India Post's list; check its six "
                           "digits with the caller.",
                           f"पिनकोड {pincode.strip()!r} इंडिया पोस्ट की सूची में नहीं है; कॉल करने वाले से छह अंक "
                           "दोबारा पूछें।")
        if not is_in_uttar_pradesh(place):
            raise _problem("pincode", f"Pincode {place.pincode} is in {place.state.title()}; Seva Mitra serves "
                           "Uttar Pradesh only.",
                           f"पिनकोड {place.pincode} {place.state.title()} में है; सेवा मित्र केवल उत्तर प्रदेश में "
                           "सेवा देता है।")
        names = {district.casefold() for district in place.districts}
        provider = next((unit for unit in self._catalog.snapshot.providers.values()
                         if unit.city_name.casefold() in names), None)
        if provider is None:
            raise _problem("pincode", f"Seva Mitra does not serve {place.district.title()} district yet.",
                           f"सेवा मित्र अभी {place.district.title()} ज़िले में सेवा नहीं देता।")
        return PincodeArea(place.pincode, place.district, place.latitude, place.longitude, provider)

    def services(self, query: str, pincode: str | None = None) -> list[ServiceItem]:
        """The published items the operator's words name, best first; only the pincode's district's when given."""
        providers = {self.area(pincode).provider.id} if pincode else None
        return self._catalog.snapshot.find(query, providers=providers)

    def quotation(self, item_id: str, pincode: str, point: tuple[float, float] | None) -> Quotation:
        """The item's fixed fee and open windows for a citizen at the pincode (or the operator's point)."""
        area = self.area(pincode)
        place = self.place(area, "-", point)
        return self._quotation(area, place, item_id)

    # ---- booking -------------------------------------------------------------------------------
    async def book(self, request: BookingRequest, *, actor: str, counter: Counter = HELPLINE_DESK) -> Order:
        """Book the item for the citizen: the order, its matching job, her SMS and what the counter does commit
        together."""
        problems: list[FieldProblem] = []
        phone = _collect(problems, lambda: mobile_number(request.phone))
        name, address = request.name.strip(), request.address.strip()
        if not 2 <= len(name) <= 128:
            problems.append(FieldProblem("name", "Write the caller's name (2 to 128 letters).",
                                         "कॉल करने वाले का नाम लिखें (2 से 128 अक्षर)।"))
        if not 5 <= len(address) <= 500:
            problems.append(FieldProblem("address", "Write the full address: house, street, area (5 to 500 letters).",
                                         "पूरा पता लिखें: मकान, गली, मोहल्ला (5 से 500 अक्षर)।"))
        area = _collect(problems, lambda: counter.check_area(self.area(request.pincode)))
        place = _collect(problems, lambda: self.place(area, address, request.point)) if area else None
        if problems:
            raise FieldErrors(problems)
        assert phone is not None and area is not None and place is not None
        now = self._clock()
        quotation = self._quotation(area, place, request.item_id)
        slot = _chosen_slot(quotation, request.slot_start, now)
        async with self._unit_of_work() as uow:
            provider, item = await self._catalog.orderable(uow.conn, area.provider.id, quotation.item.id)
            details = CustomerDetails(
                {"name": name, "phone": phone, LANGUAGE_KEY: request.language},
                place.end_location(),
                {"name": name, "phone": phone, "address": address},
            )
            order = assisted_order(counter, provider, item, details, slot, at=now, actor=actor)
            await uow.orders.add(order)
            await counter.booked(uow.conn, order)
            await self._fulfillment.matching.order_confirmed(uow.conn, order.id)
            await self._notices.booked(uow.conn, order)
            uow.after_commit(self._fulfillment.matching.wake)
            uow.after_commit(self._notices.wake)
            await uow.commit()
        return order

    async def cancel(self, order_id: str, reason_id: str, *, actor: str) -> Order:
        """Cancel the citizen's booking with her consent, under its terms (free for her: she pays at the visit)."""
        async with self._unit_of_work() as uow:
            order = await _assisted_order(uow, order_id)
            try:
                charge = order.cancel_by_buyer(reason_id, at=self._clock(), actor=actor)
            except Refusal as refused:
                raise _in_hindi(refused, "यह बुकिंग अब रद्द नहीं हो सकती: काम शुरू या पूरा हो चुका है। ज़रूरत हो तो "
                                         "शिकायत दर्ज करें।") from None
            await uow.orders.save(order)
            await self._fulfillment.offers.order_cancelled(uow.conn, order)
            await self._ledger.order_cancelled(uow.conn, order, charge.fee)
            await self._notices.cancelled(uow.conn, order)
            uow.after_commit(self._notices.wake)
            await uow.commit()
        return order

    async def reschedule(self, order_id: str, slot_start: datetime, *, actor: str) -> Order:
        """Move the citizen's booking to another open window with her consent, under its reschedule terms."""
        now = self._clock()
        async with self._unit_of_work() as uow:
            order = await _assisted_order(uow, order_id)
            item = await CatalogRepo(uow.conn).item(order.service.item_id)  # as stored, published or not
            if item is None:
                raise Refusal(NOT_FOUND, f"The service {order.service.item_id} of this order no longer exists.",
                              message_hi=f"इस ऑर्डर की सेवा {order.service.item_id} अब मौजूद नहीं है।")
            _check_slot_start(slot_start, item, now)
            wanted = Slot(slot_start, slot_start + timedelta(minutes=item.availability.slot_minutes))
            try:
                fee = await reschedule_fee(uow.conn, order, wanted, now, self._fulfillment.offers)
                order.reschedule(wanted, fee, at=now, actor=actor)
            except Refusal as refused:
                raise _in_hindi(refused, "इस समय पर बुकिंग नहीं बदली जा सकती; दिखाए गए समय में से कोई दूसरा चुनें।"
                                ) from None
            await uow.orders.save(order)
            await self._fulfillment.offers.order_rescheduled(uow.conn, order)
            await self._notices.rescheduled(uow.conn, order)
            uow.after_commit(self._notices.wake)
            await uow.commit()
        return order

    async def complain(
        self, order_id: str, kind: Kind, description: Mapping[str, str | None], caller: CallerDetails, *, actor: str
    ) -> Mapping[str, Any]:
        """Register the caller's complaint about an order at the complaint desk; she gets its number by SMS."""
        phone = mobile_number(caller.phone, "caller_phone") if caller.phone else None
        async with self._unit_of_work() as uow:
            order = await uow.orders.get(order_id)
            if order is None:
                raise Refusal(NOT_FOUND, "Order not found. Ask the caller for the order number.",
                              message_hi="ऑर्डर नहीं मिला। कॉल करने वाले से ऑर्डर संख्या पूछें।")
            desk = self._complaints.desk(uow.conn)
            complaint = await desk.file_for_caller(order, kind, description, CallerDetails(caller.name, phone), actor)
            to = phone or (order.details.customer.get("phone") if order.channel.buyer_app is None else None)
            if to:
                await self._notices.complaint_registered(uow.conn, str(to), complaint["id"], sms_language(order))
                uow.after_commit(self._notices.wake)
            await uow.commit()
        return complaint

    # ---- rules ---------------------------------------------------------------------------------
    def place(self, area: PincodeArea, address: str, point: tuple[float, float] | None) -> CitizenPlace:
        """The citizen's point: the operator's refinement when given (near the pincode), else the pincode's (field
        `point` when the refinement is no place near it)."""
        if point is None:
            if area.lat is None or area.lng is None:
                raise _problem("point", f"Pincode {area.pincode} has no map point; ask for a landmark and mark the "
                               "place on the map.",
                               f"पिनकोड {area.pincode} का नक्शे पर कोई बिंदु नहीं है; पास की कोई जगह पूछकर नक्शे पर "
                               "निशान लगाएँ।")
            return CitizenPlace(area.pincode, area.district, address, area.lat, area.lng)
        lat, lng = point
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise _problem("point", "Latitude goes from -90 to 90 and longitude from -180 to 180.",
                           "अक्षांश -90 से 90 और देशांतर -180 से 180 के बीच होता है।")
        if area.lat is not None and area.lng is not None:
            distance = haversine_km(lat, lng, area.lat, area.lng)
            if distance > MAX_REFINEMENT_KM:
                raise _problem("point", f"The point is {distance:.0f} km from pincode {area.pincode}; check it or "
                               "the pincode.",
                               f"यह बिंदु पिनकोड {area.pincode} से {distance:.0f} किमी दूर है; बिंदु या पिनकोड जाँचें।")
        return CitizenPlace(area.pincode, area.district, address, lat, lng)

    def _quotation(self, area: PincodeArea, place: CitizenPlace, item_id: str) -> Quotation:
        item = self._catalog.snapshot.items.get(item_id)
        if item is None or item.provider_id != area.provider.id:
            raise _problem("item_id", f"Choose a service Seva Mitra {area.district.title()} offers.",
                           f"सेवा मित्र {area.district.title()} की कोई सेवा चुनें।")
        radius = float(area.provider.serviceability_km)
        if item.category_id not in self._fulfillment.coverage.categories_near(place.lat, place.lng, radius):
            raise _problem("item_id", f"No verified worker for “{item.name_en}” lives within {radius:g} km of this "
                           "place yet; offer the caller another service.",
                           f"इस जगह से {radius:g} किमी के भीतर “{item.name_hi}” का कोई सत्यापित कर्मी अभी नहीं है; "
                           "कॉल करने वाले को कोई दूसरी सेवा बताएँ।")
        windows = open_slots(item.availability, item.duration_minutes, now=self._clock(), count=OPEN_SLOTS)
        return Quotation(item, area.provider, quote_for(item).to_beckn(),
                         [Slot(start, end) for start, end in windows])


def _collect(problems: list[FieldProblem], check: Callable[[], Any]) -> Any:
    """`check()`, or None with its field problems added to `problems` (every wrong field is answered at once)."""
    try:
        return check()
    except FieldErrors as wrong:
        problems.extend(wrong.problems)
        return None


def _check_slot_start(start: datetime, item: ServiceItem, now: datetime) -> None:
    if start.tzinfo is None:
        raise _problem("slot", "Give the time with its time zone.", "समय उसके समय-क्षेत्र सहित दें।")
    if start <= now:
        raise _problem("slot", "This time has already passed; choose one of the times shown.",
                       "यह समय बीत चुका है; दिखाए गए समय में से कोई चुनें।")
    if not bookable_at(item.availability, item.duration_minutes, start, now=now):
        raise _problem("slot", "The service is not offered at this time; choose one of the times shown.",
                       "इस समय यह सेवा नहीं मिलती; दिखाए गए समय में से कोई चुनें।")


def _chosen_slot(quotation: Quotation, start: datetime | None, now: datetime) -> Slot:
    """The window the caller chose, checked; "now" is the first open one."""
    if start is None:
        if not quotation.slots:
            raise _problem("slot", "No time is open in the coming month for this service.",
                           "अगले एक महीने में इस सेवा का कोई समय खाली नहीं है।")
        return quotation.slots[0]
    _check_slot_start(start, quotation.item, now)
    return Slot(start, start + timedelta(minutes=quotation.item.availability.slot_minutes))


async def _assisted_order(uow: UnitOfWork, order_id: str) -> Order:
    """An order the desk may change for its citizen: one no buyer app follows (an app's order is changed there)."""
    order = await uow.orders.get(order_id)
    if order is None:
        raise Refusal(NOT_FOUND, "Order not found. Ask the caller for the order number.",
                      message_hi="ऑर्डर नहीं मिला। कॉल करने वाले से ऑर्डर संख्या पूछें।")
    if order.channel.buyer_app is not None:
        app = order.channel.buyer_app.bap_id
        raise Refusal(NOT_ALLOWED, f"This order was booked in the app {app}; the caller changes it there.",
                      message_hi=f"यह बुकिंग ऐप {app} से हुई है; कॉल करने वाले उसे उसी ऐप में बदलें।")
    return order


def _in_hindi(refused: Refusal, hindi: str) -> Refusal:
    """A domain refusal (often English only, as the Beckn error it also is) with a Hindi line for the operator."""
    return Refusal(refused.code, refused.message, refused.field, refused.message_hi or hindi)
