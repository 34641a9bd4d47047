"""The running BPP's parts, built from settings and started and stopped together."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import orjson
from redis.asyncio import Redis

from bpp import places
from bpp.agencies.service import AgencyDesk
from bpp.assisted.notices import CitizenSms
from bpp.assisted.service import AssistedDesk
from bpp.catalogue.service import CatalogService, settlement_account
from bpp.complaints.deps import ComplaintDeps
from bpp.complaints.desk import ComplaintOffice
from bpp.demo.keys import demo_key_file, ensure_demo_keys, ensure_demo_vapid_key
from bpp.departments.billing import DepartmentBilling
from bpp.departments.service import DepartmentAccounts, WorkOrderDesk
from bpp.kiosks.service import KioskOffice
from bpp.money.department_ledger import DepartmentLedger
from bpp.money.kiosk_ledger import KioskLedger
from bpp.money.service import LedgerService
from bpp.network.delivery import CallbackSender
from bpp.network.dispatcher import Dispatcher
from bpp.network.gateway.admission import SEEN_TTL_SECONDS, Admitter, LocalAdmitter, RedisAdmitter, SourceLimiter
from bpp.network.gateway.pipeline import Gateway
from bpp.network.gateway.search_path import SearchPath
from bpp.network.gateway.search_stream import SearchAnswerer, SearchPublisher
from bpp.network.gateway.txlog import TransactionLog
from bpp.network.inbox import Inbox
from bpp.network.outbox import Outbox
from bpp.notify import SmsNotifier, check_sms_settings, new_notifier
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers import search
from bpp.orders.handlers.status import status_message
from bpp.orders.invoices import invoice_url
from bpp.orders.lost_replies import LostReplyFollowUp
from bpp.orders.unit_of_work import UnitOfWork
from bpp.platform.auth import TokenSigner
from bpp.platform.background import BackgroundLoop
from bpp.platform.keys import KeyMaterial
from bpp.platform.leader import Lease
from bpp.platform.settings import ConfigError, Settings
from bpp.platform.vapid import VapidKeys
from bpp.signup.queue import SignupQueue
from bpp.signup.service import SignupDesk
from bpp.staff.order_desk import OrderDesk
from bpp.storage.db import Database
from bpp.storage.redis import create_redis
from bpp.wiring.handlers import bind_handlers
from bpp.worker_sms.desk import WorkerSms
from bpp.workforce.coverage import Coverage
from bpp.workforce.documents import WorkerDocuments
from bpp.workforce.engagement_visits import EngagementVisits
from bpp.workforce.job_steps import JobSteps
from bpp.workforce.matching import GeoIndex
from bpp.workforce.matching_loop import CancelForNoWorker, MatchingLoop
from bpp.workforce.offer_alerts import OfferAlerts
from bpp.workforce.offer_feed import OfferFeed
from bpp.workforce.offers import Offers
from bpp.workforce.presence import Presence
from bpp.workforce.push import PushSubscriptions, WebPush
from bpp.workforce.workforce import Workforce
from signing import RegistryClient, encryption_public_key_b64, signing_public_key_b64

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def load_key_material(settings: Settings) -> KeyMaterial:
    """Keys from the environment or key_file; the demo keeps its own in its data folder; otherwise stop with a
    hint."""
    signing = settings.signing_private_key.get_secret_value() if settings.signing_private_key else None
    encryption = settings.encryption_private_key.get_secret_value() if settings.encryption_private_key else None
    key_file = settings.key_file
    if settings.demo and key_file is None and not (signing and encryption):
        key_file = ensure_demo_keys(demo_key_file(settings.database_url))
    if key_file and not (signing and encryption):
        stored = _read_key_file(key_file)
        signing = signing or stored.get("signing_private_key")
        encryption = encryption or stored.get("encryption_private_key")
    if not signing or not encryption:
        raise ConfigError(
            "setting signing_private_key / encryption_private_key (SEVAMITRA_SIGNING_PRIVATE_KEY, "
            "SEVAMITRA_ENCRYPTION_PRIVATE_KEY or key_file): not set; run `sevamitra-bpp keys generate --out "
            "var/keys.json` and set key_file: var/keys.json, or start with --demo"
        )
    try:
        signing_public = signing_public_key_b64(signing)
        encryption_public = encryption_public_key_b64(encryption)
    except ValueError as exc:
        raise ConfigError(f"setting signing_private_key / encryption_private_key: {exc}") from None
    return KeyMaterial(signing, encryption, signing_public, encryption_public)


def load_vapid_keys(settings: Settings) -> VapidKeys | None:
    """The VAPID key from the environment or key_file; the demo keeps its own; None: offers are not pushed."""
    private = settings.vapid_private_key.get_secret_value() if settings.vapid_private_key else None
    if not private and settings.key_file:
        private = _read_key_file(settings.key_file).get("vapid_private_key")
    if not private and settings.demo:
        private = ensure_demo_vapid_key(demo_key_file(settings.database_url).parent)
    if not private:
        return None
    try:
        return VapidKeys.of(private, settings.vapid_subject)
    except ValueError as exc:
        raise ConfigError(f"setting vapid_private_key (SEVAMITRA_VAPID_PRIVATE_KEY or key_file): {exc}") from None


def _read_key_file(path: Path) -> dict[str, Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ConfigError(f"setting key_file: cannot read {path} as JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"setting key_file: {path} must hold a JSON object")
    return data


@dataclass
class Services:
    """Everything a handler or route needs, in one place."""

    settings: Settings
    keys: KeyMaterial
    db: Database
    redis: Redis
    http: httpx.AsyncClient
    registry: RegistryClient
    outbox: Outbox
    txlog: TransactionLog
    tokens: TokenSigner
    admitter: Admitter
    clock: Callable[[], datetime] = utc_now
    sender: CallbackSender = field(init=False)
    dispatcher: Dispatcher = field(init=False)
    inbox: Inbox = field(init=False)
    search_path: SearchPath = field(init=False)
    gateway: Gateway = field(init=False)
    source_limiter: SourceLimiter = field(init=False)
    catalog: CatalogService = field(init=False)
    fulfillment: Workforce = field(init=False)
    ledger: LedgerService = field(init=False)
    engagement_visits: EngagementVisits = field(init=False)  # engagements' staffing, attendance, billing
    complaints: ComplaintOffice = field(init=False)
    documents: WorkerDocuments = field(init=False)  # workers' onboarding documents, files outside the database
    sms: SmsNotifier = field(init=False)  # SMS to citizens, queued in business transactions (bpp/notify)
    citizen_sms: CitizenSms = field(init=False)  # what an assisted order's citizen is told, through `sms`
    assisted: AssistedDesk = field(init=False)  # booking for citizens (the helpline desk)
    kiosks: KioskOffice = field(init=False)  # kiosks booking at their counters, and their money
    signup: SignupDesk = field(init=False)  # worker sign-up: applicants prove their phone and apply
    signup_queue: SignupQueue = field(init=False)  # worker sign-up: district staff decide and verify
    agencies: AgencyDesk = field(init=False)  # service-provider agencies: apply, approval, their own desk
    department_accounts: DepartmentAccounts = field(init=False)  # government departments and their officers
    work_orders: WorkOrderDesk = field(init=False)  # departments' work orders and the visits they book
    department_billing: DepartmentBilling = field(init=False)  # departments' monthly invoices and payments
    order_desk: OrderDesk = field(init=False)  # what district offices do to an order that went wrong
    worker_sms: WorkerSms = field(init=False)  # workers in SMS mode: offers and their replies by SMS
    order_deps: OrderDeps = field(init=False)  # what the order handlers get instead of this container
    background: list[BackgroundLoop] = field(default_factory=list)  # e.g. the demo's simulated workers

    def __post_init__(self) -> None:
        settings = self.settings
        self.sender = CallbackSender(
            self.txlog, settings.subscriber_id, settings.unique_key_id, self.keys.signing_private_key,
            settings.callback_timeout_seconds,
        )
        self.dispatcher = self.new_dispatcher()
        self.catalog = CatalogService(self.db, self.redis, self.clock, settings)
        self.complaints = ComplaintOffice(settings, self.clock, self.outbox)
        self.ledger = LedgerService(self.db, self.clock, settings.platform_commission_percent)
        self.engagement_visits = EngagementVisits(self.db, self.ledger, lambda: self.clock())
        self.documents = WorkerDocuments(
            self.db, settings.documents_dir, settings.document_max_bytes, lambda: self.clock()
        )
        self.sms = new_notifier(settings, self.db, self.clock)
        self.citizen_sms = CitizenSms(self.sms)
        self.fulfillment = self.new_workforce()
        self.order_deps = OrderDeps(
            catalog=self.catalog, fulfillment=self.fulfillment, ledger=self.ledger, unit_of_work=self.unit_of_work,
            redis=self.redis, clock=self.clock, invoice_url=self.fulfillment.invoice_url,
            settlement=settlement_account(settings), helpline_phone=settings.helpline_phone,
            support_email=settings.support_email,
        )
        self.assisted = AssistedDesk(
            self.unit_of_work, self.catalog, self.fulfillment, self.ledger, self.complaints, self.citizen_sms,
            places.lookup, lambda: self.clock(),  # read at each call, as the workforce's
        )
        self.kiosks = KioskOffice(
            self.db, self.unit_of_work, self.assisted, self.catalog, KioskLedger(self.db, lambda: self.clock()),
            settings.kiosk_commission_per_booking, lambda: self.clock(),
        )
        self.department_accounts = DepartmentAccounts(self.db, self.catalog, lambda: self.clock())
        self.work_orders = WorkOrderDesk(
            self.unit_of_work, self.catalog, self.fulfillment.coverage, self.assisted, lambda: self.clock(),
            self.fulfillment.matching.wake,
        )
        self.department_billing = DepartmentBilling(
            self.unit_of_work, DepartmentLedger(self.db, lambda: self.clock()), settings.gst_no, lambda: self.clock()
        )
        self.order_desk = OrderDesk(
            self.unit_of_work, self.fulfillment, self.ledger, self.citizen_sms, lambda: self.clock()
        )
        self.signup = SignupDesk(
            self.db, self.redis, self.sms, self.documents, self.catalog, places.lookup, lambda: self.clock()
        )
        self.signup_queue = SignupQueue(self.db, self.documents, self.fulfillment, lambda: self.clock())
        self.worker_sms = WorkerSms(
            self.db, self.unit_of_work, self.fulfillment.offers, self.fulfillment.job_steps, self.sms,
            lambda: self.clock(), offer_timeout_seconds=settings.offer_timeout_seconds,
        )
        # SMS mode: each offer by SMS; any other worker gets the same SMS when push did not reach her
        self.fulfillment.matching.offer_listeners.append(self.worker_sms.offer_made)
        self.fulfillment.offer_alerts.sms = self.worker_sms.offer_sms
        self.agencies = AgencyDesk(self.db, self.signup, self.catalog, lambda: self.clock())
        handlers = bind_handlers(self.order_deps, ComplaintDeps(self.complaints, self.unit_of_work))
        self.inbox = Inbox(self.db, self.txlog, self.outbox, self.clock, handlers, self.dispatcher.wake)
        self.search_path = SearchPath(
            partial(search.handle, self.order_deps), self.outbox, self.sender, self.clock,
            max_backoff_seconds=settings.callback_max_backoff_seconds,
        )
        self.source_limiter = SourceLimiter(settings.source_rate_limit_per_minute)
        self.gateway = Gateway(
            settings, self.registry, self.admitter, self.source_limiter, self.txlog,
            store_in_inbox=self.inbox.accept,
            answer_search=(SearchPublisher(self.redis).publish if settings.search_answers == "dispatcher"
                           else self.search_path.submit),
        )

    def new_workforce(self) -> Workforce:
        """A workforce area of this process, each part with the narrow dependencies it uses (after the ledger:
        completions and cancellations settle there)."""
        settings, db = self.settings, self.db

        def clock() -> datetime:  # read at each call: tests move `self.clock` while the area runs
            return self.clock()

        geo = GeoIndex(self.redis)
        coverage = Coverage(db, self.redis, default_radius_km=settings.serviceability_radius_km)
        no_worker = CancelForNoWorker(
            self.outbox, lambda: self.dispatcher.wake(), self.ledger, self.citizen_sms, clock, lock_rows=db.is_postgres
        )
        matching = MatchingLoop(
            db, geo, clock, radius_for=coverage.radius_for, offer_timeout_seconds=settings.offer_timeout_seconds,
            no_worker=no_worker,
        )
        presence = Presence(db, geo, clock, matching.wake)
        offers = Offers(self.unit_of_work, db, geo, presence, clock, matching.wake)
        offer_feed = OfferFeed(self.redis)  # the worker app's offer streams, in whichever process holds them
        matching.offer_listeners.append(offer_feed.offer_made)
        vapid, push_subscriptions = load_vapid_keys(settings), PushSubscriptions(db, clock)
        push = WebPush(vapid, push_subscriptions) if vapid is not None else None
        offer_alerts = OfferAlerts(offers, push_subscriptions, push, clock)  # a closed app: push, else SMS
        matching.offer_listeners.append(offer_alerts.offer_made)
        invoice_link = partial(invoice_url, settings, self.keys)
        job_steps = JobSteps(
            self.unit_of_work, presence, self.ledger, self.citizen_sms, clock, matching.wake, invoice_link
        )
        return Workforce(coverage, presence, matching, offers, offer_feed, offer_alerts, job_steps, invoice_link)

    def new_dispatcher(self, batch: int = 50) -> Dispatcher:
        """A dispatcher of this process's outbox (several may run side by side on PostgreSQL)."""
        settings = self.settings
        return Dispatcher(
            self.db, self.sender, self.clock, LostReplyFollowUp(
                self.outbox, partial(status_message, partial(invoice_url, settings, self.keys))
            ),
            poll_seconds=settings.dispatcher_poll_seconds, max_backoff_seconds=settings.callback_max_backoff_seconds,
            batch=batch,
        )

    def lease(self, name: str) -> Lease:
        """The Redis lease `name` of this deployment: the processes sharing its database share the lease, while
        another deployment on the same Redis (staging beside production, or one test after another) has its own."""
        deployment = hashlib.sha256(self.settings.database_url.encode()).hexdigest()[:12]
        return Lease(self.redis, f"{deployment}:{name}")

    def unit_of_work(self) -> UnitOfWork:
        """A new business transaction with the orders, the outbox, and the dispatcher woken after its commit."""
        return UnitOfWork(self.db, self.outbox, self.dispatcher.wake)

    async def start(self, *, run_dispatcher: bool = True) -> None:
        """Start background work: the log writer, the area services, the inbox sweeper, the SMS sender, the
        dispatcher.

        Every loop runs in every process of the deployment (each writes its own log buffer, answers its own
        searches, reloads its own catalogue copy; matching jobs and callbacks are claimed row by row) except the
        inbox sweeper and the SMS sender, each run by one process under a Redis lease (docs/operations.md,
        "Several processes")."""
        self.txlog.start()
        if self.settings.search_answers == "serve":
            self.search_path.start()
        await self.catalog.start()
        await self.fulfillment.start()
        await self.ledger.start()
        self.inbox.start(self.lease("inbox-sweeper"))
        self.engagement_visits.start(self.lease("engagement-visits"))
        self.sms.start(self.lease("sms-sender"))
        if run_dispatcher:
            self.dispatcher.start()

    async def start_dispatching(self) -> SearchAnswerer | None:
        """What a `dispatcher` process runs: the log writer, the outbox dispatcher and the SMS sender (under its
        lease); with `search_answers: dispatcher` also the stream's search answerer, with the catalogue and
        coverage copies a search reads."""
        self.txlog.start()
        self.dispatcher.start()
        self.sms.start(self.lease("sms-sender"))
        if self.settings.search_answers != "dispatcher":
            return None
        await self.catalog.start()
        await self.fulfillment.coverage.start()
        answerer = SearchAnswerer(self.redis, self.search_path, self.clock)
        await answerer.start()
        return answerer

    async def stop(self) -> None:
        for loop in self.background:
            await loop.stop()
        await self.dispatcher.stop()
        await self.engagement_visits.stop()
        await self.worker_sms.stop()
        await self.sms.stop()
        await self.search_path.stop()
        await self.inbox.stop()
        await self.ledger.stop()
        await self.fulfillment.stop()
        await self.catalog.stop()
        await self.txlog.stop()
        await self.sender.close()
        await self.http.aclose()
        await self.redis.aclose()
        await self.db.dispose()


def check_configuration(settings: Settings, registry_url: str | None = None) -> tuple[KeyMaterial, str]:
    """Our keys and the registry to use; a ConfigError naming the setting when either is missing."""
    keys = load_key_material(settings)
    check_sms_settings(settings)
    registry_base = registry_url or settings.registry_url
    if not registry_base:
        raise ConfigError("setting registry_url (SEVAMITRA_REGISTRY_URL): not set; give the ONDC registry URL, "
                          "or start with --demo to use the built-in demo registry")
    return keys, registry_base


def build_services(settings: Settings, *, registry_url: str | None = None, redis: Redis | None = None) -> Services:
    """Wire the parts; nothing runs until `start()`."""
    keys, registry_base = check_configuration(settings, registry_url)
    db = Database(settings.database_url, settings.database_pool_size)
    redis = redis or create_redis(settings.redis_url)
    http = httpx.AsyncClient(
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        timeout=httpx.Timeout(settings.callback_timeout_seconds),
    )
    registry = RegistryClient(
        registry_base, redis, http, settings.registry_cache_ttl_seconds, settings.registry_negative_ttl_seconds,
        settings.registry_timeout_seconds,
    )
    secret = (settings.session_secret.get_secret_value().encode() if settings.session_secret
              else secrets.token_bytes(32))
    # a de-duplication mark lives as long as a captured copy could still verify, so no replay gets through
    seen_ttl = max(SEEN_TTL_SECONDS, settings.replay_window_seconds)
    if settings.session_secret is None and not settings.is_embedded:
        log.warning("session_secret is not set: logins will not survive a restart or work across processes")
    return Services(
        settings=settings, keys=keys, db=db, redis=redis, http=http, registry=registry,
        outbox=Outbox(settings, utc_now), txlog=TransactionLog(db),
        tokens=TokenSigner(secret, settings.session_ttl_seconds),
        admitter=(LocalAdmitter(seen_ttl) if settings.redis_url.startswith("memory://")
                  else RedisAdmitter(redis, seen_ttl)),
    )
