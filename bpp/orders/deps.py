"""What the order handlers need, and nothing more: `handle(deps: OrderDeps, request)`.

The other areas appear as ports (`typing.Protocol`) naming only the calls the handlers make, so a handler's
reader sees every cross-area step it can take, and tests or a later split of an area need only those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.repo import Draft
from bpp.orders.unit_of_work import UnitOfWork
from catalog.model import Provider, ServiceItem
from catalog.ordering import OrderRequest
from catalog.payment_terms import SettlementAccount
from catalog.snapshot import CatalogSnapshot
from fulfillment.order import Order


class CatalogPort(Protocol):
    """The catalogue as orders use it: the searchable snapshot and the checks of what is ordered."""

    @property
    def snapshot(self) -> CatalogSnapshot: ...

    async def orderable(
        self, conn: AsyncConnection, provider_id: str, item_id: str, *, engagement: bool = False
    ) -> tuple[Provider, ServiceItem]: ...

    async def agreed_draft(
        self, conn: AsyncConnection, bap_id: str, transaction_id: str, order: OrderRequest,
        *, engagement_quote: Callable[[ServiceItem], dict[str, Any]] | None = None,
    ) -> tuple[Provider, ServiceItem, Draft]: ...


class CoverageMap(Protocol):
    def categories_near(self, lat: float, lng: float, radius_km: float) -> set[str]: ...


class MatchingPort(Protocol):
    async def order_confirmed(self, conn: AsyncConnection, order_id: str) -> None: ...

    def wake(self) -> None: ...


class OffersPort(Protocol):
    async def booked_slots(self, conn: AsyncConnection, worker_id: str) -> list[tuple[datetime, datetime]]: ...

    async def order_cancelled(self, conn: AsyncConnection, order: Order) -> None: ...

    async def order_rescheduled(self, conn: AsyncConnection, order: Order) -> None: ...


class JobStepsPort(Protocol):
    async def worker_rated(self, conn: AsyncConnection, worker_id: str, value: Decimal) -> None: ...


class FulfillmentPort(Protocol):
    """The workforce as orders use it: who serves where, matching a new order, and what follows a change."""

    @property
    def coverage(self) -> CoverageMap: ...

    @property
    def matching(self) -> MatchingPort: ...

    @property
    def offers(self) -> OffersPort: ...

    @property
    def job_steps(self) -> JobStepsPort: ...


class LedgerPort(Protocol):
    """The ledger as orders use it: a cancellation's fee and refunds, of the order saved in `conn`'s transaction."""

    async def order_cancelled(self, conn: AsyncConnection, order: Order, fee: Decimal) -> None: ...


@dataclass(frozen=True, slots=True)
class OrderDeps:
    """The order handlers' dependencies, built once by the composition root (`bpp/wiring/services.py`)."""

    catalog: CatalogPort
    fulfillment: FulfillmentPort
    ledger: LedgerPort
    unit_of_work: Callable[[], UnitOfWork]
    redis: Redis  # the finder fee a search announced, kept for select (bpp/orders/handlers/search.py)
    clock: Callable[[], datetime]
    invoice_url: Callable[[str], str]
    settlement: SettlementAccount  # where buyer apps that collect the money settle it
    helpline_phone: str
    support_email: str
