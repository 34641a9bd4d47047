"""The application factory: the network endpoints, onboarding, staff and worker APIs, and the demo extras."""

from __future__ import annotations

import gc
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError

from bpp.agencies import pages as agency_pages
from bpp.agencies import router as agency_router
from bpp.assisted import router as helpline_api
from bpp.catalogue import images as category_images
from bpp.demo.registry import DemoRegistry
from bpp.demo.registry import router as demo_registry_router
from bpp.departments import invoice_page as department_invoices
from bpp.departments import pages as department_pages
from bpp.departments import router as department_api
from bpp.departments import staff_api as department_staff_api
from bpp.kiosks import pages as kiosk_pages
from bpp.kiosks import router as kiosk_api
from bpp.network import onboarding
from bpp.network.body_limit import BodyLimit
from bpp.network.gateway.endpoint import BecknDoor
from bpp.ops import health
from bpp.orders import invoices
from bpp.platform.http_errors import (
    FieldErrors,
    field_errors_handler,
    refusal_handler,
    unstorable_text_handler,
    validation_error_handler,
)
from bpp.platform.settings import Settings
from bpp.signup import pages as signup_pages
from bpp.signup import router as signup_router
from bpp.staff import (
    agencies_api,
    auth_api,
    catalog_api,
    complaints_api,
    dashboard_api,
    documents_api,
    order_page_api,
    orders_api,
    signup_api,
    txlog_api,
    wallet_api,
    workers_api,
)
from bpp.staff import pages as staff_pages
from bpp.storage.migrate import upgrade_database
from bpp.wiring.openapi_errors import serve_true_errors
from bpp.wiring.services import Services, build_services
from bpp.worker_app import api as worker_api
from bpp.worker_app import engagements_api as worker_engagements_api
from bpp.worker_app import pages as worker_pages
from bpp.worker_app import push_api as worker_push_api
from bpp.worker_app import wallet_api as worker_wallet_api
from bpp.worker_sms import router as worker_sms_api
from schemas.refusal import Refusal

STAFF_AND_WORKER_ROUTERS = (
    auth_api.router, catalog_api.router, workers_api.router, complaints_api.router, wallet_api.router,
    txlog_api.router, worker_api.router, worker_wallet_api.router, orders_api.router, helpline_api.router,
    order_page_api.router,  # after orders_api: its /orders/{order_id} must not shadow /orders/channels
    kiosk_api.router, department_api.router, department_staff_api.router, worker_engagements_api.router,
    dashboard_api.router, documents_api.router, signup_api.router, signup_router.router, worker_push_api.router,
    agencies_api.router, agency_router.router, worker_sms_api.router,
)


# What routes may read from `request.app.state`, each part on its own
ROUTE_PARTS = (
    "department_accounts", "work_orders", "department_billing",
    "settings", "keys", "clock", "db", "redis", "tokens", "txlog", "gateway", "dispatcher", "catalog",
    "fulfillment", "ledger", "engagement_visits", "complaints", "assisted", "kiosks",
    "documents", "order_desk", "signup", "signup_queue", "agencies", "worker_sms",
)


def publish_parts(app: FastAPI, services: Services) -> None:
    """Put each part a route uses on `app.state` under its own name, so no route reaches the whole container."""
    for name in ROUTE_PARTS:
        setattr(app.state, name, getattr(services, name))


def create_app(settings: Settings, *, registry_url: str | None = None, migrate: bool | None = None) -> FastAPI:
    """A BPP app; `registry_url` overrides the configured registry (the demo points it at itself)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate if migrate is not None else settings.is_embedded:
            await upgrade_database(settings.database_url)
        services = build_services(settings, registry_url=registry_url)
        app.state.services = services  # for the tests and the demo; routes read only their own parts below
        publish_parts(app, services)
        await services.start(run_dispatcher=settings.embedded_dispatcher)
        if settings.demo or registry_url is not None:
            keys = services.keys
            app.state.demo_registry.add(settings.subscriber_id, settings.unique_key_id, keys.signing_public_key,
                                        keys.encryption_public_key, settings.subscriber_url, "sellerApp")
        if settings.demo:
            from bpp.demo.setup import start_demo

            app.state.demo_registry.publish_token()  # for `simulate`, run from this folder
            services.background.append(await start_demo(
                services.db, services.catalog, services.fulfillment, services.clock, settings,
                services.lease("demo-workers"),
            ))
        gc.collect()
        gc.freeze()  # start-up objects live as long as the process; the collector need not scan them again
        gc.set_threshold(20_000, 20, 20)  # requests allocate many short-lived objects; collect less often
        try:
            yield
        finally:
            await services.stop()

    app = FastAPI(
        title="Seva Mitra BPP",
        description="Seva Mitra home services on ONDC: network endpoints, staff and worker APIs.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.demo_registry = DemoRegistry()
    # document uploads stream against document_max_bytes themselves
    upload_paths = (documents_api.UPLOAD_PATH, signup_router.UPLOAD_PATH, agency_router.UPLOAD_PATH)
    uploads = re.compile("|".join(path.pattern for path in upload_paths))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, own_limit=uploads)
    app.add_middleware(BecknDoor, subscriber_path=settings.subscriber_path)  # outermost: before BodyLimit
    app.include_router(invoices.router)
    app.include_router(category_images.router)
    app.include_router(onboarding.router)  # site verification lives at the site root
    if settings.subscriber_path:
        app.include_router(onboarding.router, prefix=settings.subscriber_path)  # {subscriber_url}/on_subscribe
    for router in STAFF_AND_WORKER_ROUTERS:
        app.include_router(router)
    app.include_router(staff_pages.router)
    app.include_router(worker_pages.router)
    app.include_router(signup_pages.router)
    app.include_router(agency_pages.router)
    app.include_router(kiosk_pages.router)
    app.include_router(department_pages.router)
    app.include_router(department_invoices.router)
    app.include_router(health.router)
    if settings.demo or registry_url is not None:
        app.include_router(demo_registry_router)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(FieldErrors, field_errors_handler)
    app.add_exception_handler(DBAPIError, unstorable_text_handler)
    app.add_exception_handler(Refusal, refusal_handler)  # a rule's refusal in any staff or worker route
    serve_true_errors(app, api_prefixes=("/staff/api/", "/worker/api/", "/signup/api/", "/department/api/",
                                        "/agency/api/"))

    return app
