"""Schemathesis against the app's own OpenAPI document: the staff and worker APIs keep every promise it makes.

A real run on each backend: the served document, generated requests with staff and worker tokens, no 5xx, every
status, content type and body as documented, and every request the document calls valid accepted. Bounded (a few
examples per operation) so the whole suite stays fast; the issue-10 probe ran 100,000 cases to find what this keeps
fixed.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from types import ModuleType

import httpx
import hypothesis
import requests
import schemathesis
from harness import RunningServer
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from bpp.staff.users import create_staff_user
from bpp.workforce import repo as worker_repo

EXAMPLES_PER_OPERATION = 15  # 53 operations: about 800 requests, ~20 s a backend
# PostgreSQL keeps no NUL in text: the app answers it 422 on every field (test_api_edges pins that), a rule the
# document does not repeat on each string, so generated text leaves it out.
NO_NUL = schemathesis.Config.from_dict({"generation": {"allow-x00": False}})
ALWAYS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Operations whose valid requests may be refused for what no schema can say: the body names live data (the
# catalogue's published categories, a batch line's state, the cash a worker holds, a cutoff not after now) or
# pairs fields (UPI, or an account with its IFSC). Their other promises are still checked.
DATA_DEPENDENT = {
    "POST /staff/api/workers",
    "PUT /staff/api/catalog/items/{item_id}",
    "PUT /staff/api/catalog/providers/{provider_id}",
    "PUT /staff/api/wallets/{worker_id}/payout-account",
    "POST /staff/api/wallets/{worker_id}/cash-deposits",
    "PUT /worker/api/wallet/payout-account",
    "POST /staff/api/payouts/{batch_id}/lines/{line_no}/{outcome}",
    "POST /staff/api/payouts",
    # the helpline desk answers per field, in Hindi and English, what a schema cannot say: a pincode India Post
    # lists in a district Seva Mitra serves, a mobile number, a slot still open, an order of the desk's
    "GET /staff/api/helpline/callers/{phone}",
    "GET /staff/api/helpline/places/{pincode}",
    "GET /staff/api/helpline/services",
    "POST /staff/api/helpline/quotes",
    "POST /staff/api/helpline/orders",
    "POST /staff/api/helpline/orders/{order_id}/cancel",
    "POST /staff/api/helpline/orders/{order_id}/reschedule",
    "POST /staff/api/helpline/orders/{order_id}/complaints",
    # departments: a GSTIN's check character and a district Seva Mitra serves, a month that is over, a payment no
    # larger than the invoice still asks
    "POST /staff/api/departments",
    "POST /staff/api/department-invoices",
    "POST /staff/api/department-invoices/{number}/payments",
    # the staff order list: a service category the taxonomy has, a first day no later than the last
    "GET /staff/api/orders",
    # a browser's push subscription: its key a point on the P-256 curve, its address HTTPS outside the demo
    "POST /worker/api/push/subscriptions",
}


@dataclass
class Findings:
    by_operation: dict[str, str] = field(default_factory=dict)

    def report(self) -> str:
        return "\n\n".join(f"{label}:\n{text}" for label, text in sorted(self.by_operation.items()))


def fuzz_operation(operation: schemathesis.APIOperation, session: requests.Session, token: str) -> int:
    """EXAMPLES_PER_OPERATION generated requests to `operation`; raises on the first broken promise."""
    checks = ALWAYS if operation.label in DATA_DEPENDENT else [*ALWAYS, positive_data_acceptance]
    cases = itertools.count()

    # derandomize: the same cases on every run, so a red suite always means a change broke a promise
    @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                         phases=[hypothesis.Phase.generate],  # the first failure, unshrunk: bounded time
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy())
    def one_case(case: schemathesis.Case) -> None:
        next(cases)
        case.call_and_validate(session=session, headers={"Authorization": f"Bearer {token}"}, checks=checks)

    one_case()
    return next(cases)


def fuzz(openapi_url: str, staff_token: str, worker_token: str) -> tuple[int, Findings]:
    """Every staff and worker operation in turn; (cases run, broken promises by operation)."""
    schema = schemathesis.openapi.from_url(openapi_url, config=NO_NUL).include(path_regex=r"^/(staff|worker)/api/")
    findings = Findings()
    cases = 0
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            token = staff_token if operation.path.startswith("/staff/") else worker_token
            try:
                cases += fuzz_operation(operation, session, token)
            except (FailureGroup, Exception) as exc:  # names the case, the check and a curl to replay it
                findings.by_operation[operation.label] = str(exc)
    return cases, findings


async def test_the_staff_and_worker_apis_keep_their_openapi_promises(server: RunningServer,
                                                                     fx: ModuleType) -> None:
    async with server.services.db.begin() as conn:
        await create_staff_user(conn, "admin", "correct horse battery", "admin", "Admin")
    worker_id = await fx.add_worker(server.services, "W-fuzz", *fx.HAZRATGANJ)
    async with server.services.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, worker_id)
    assert worker is not None
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        staff = await http.post("/staff/api/login", json={"username": "admin", "password": "correct horse battery"})
        work = await http.post("/worker/api/login", json={"phone": worker["phone"], "pin": fx.PIN})
    assert staff.status_code == 200 and work.status_code == 200, (staff.text, work.text)

    # schemathesis calls synchronously; the server answers on this event loop meanwhile
    cases, findings = await asyncio.to_thread(fuzz, f"{server.base_url}/openapi.json", staff.json()["token"],
                                              work.json()["token"])

    assert cases >= 50 * EXAMPLES_PER_OPERATION // 2, f"only {cases} cases ran"
    assert not findings.by_operation, findings.report()
