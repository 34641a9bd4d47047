"""The edges schemathesis found in the staff and worker APIs (issue 10.10), each pinned by one request."""

from __future__ import annotations

from types import ModuleType

import httpx
import jsonschema
from harness import RunningServer

from bpp.platform.auth import Principal


def admin(server: RunningServer) -> httpx.AsyncClient:
    token = server.services.tokens.issue(Principal(kind="staff", id="admin-1", role="admin"))
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"})


async def test_matching_radius_needs_a_real_category_and_a_number(server: RunningServer) -> None:
    async with admin(server) as staff:
        unknown = await staff.put("/staff/api/workers/matching-radius/SRV99-9999", json={"radius_km": 5})
        boolean = await staff.put("/staff/api/workers/matching-radius/SRV11-1011", json={"radius_km": True})
        too_far = await staff.put("/staff/api/workers/matching-radius/SRV11-1011", json={"radius_km": 51})
        good = await staff.put("/staff/api/workers/matching-radius/SRV11-1011", json={"radius_km": 7.5})
    assert unknown.status_code == 404 and "categories" in unknown.json()["detail"]["en"]
    assert boolean.status_code == 422 and too_far.status_code == 422
    assert good.status_code == 200 and good.json() == {"category_id": "SRV11-1011", "radius_km": 7.5}


async def test_error_bodies_are_the_ones_the_openapi_document_describes(server: RunningServer) -> None:
    async with admin(server) as staff:
        document = (await staff.get("/openapi.json")).json()
        wrong = await staff.put("/staff/api/workers/matching-radius/SRV11-1011", json={"radius_km": "far"})
    operation = document["paths"]["/staff/api/workers/matching-radius/{category_id}"]["put"]
    problem = operation["responses"]["422"]["content"]["application/json"]["schema"]
    assert "4XX" in operation["responses"] and "HTTPValidationError" not in document["components"]["schemas"]
    jsonschema.validate(wrong.json(), {**problem, "components": document["components"]})
    assert wrong.json()["errors"][0]["field"] == "radius_km"


async def test_out_of_range_input_is_a_4xx_not_a_server_error(server: RunningServer, fx: ModuleType) -> None:
    worker_id = await fx.add_worker(server.services, "W-edge", *fx.HAZRATGANJ)
    worker_token = server.services.tokens.issue(Principal(kind="worker", id=worker_id, role="worker"))
    async with (admin(server) as staff,
                httpx.AsyncClient(base_url=server.base_url,
                                  headers={"Authorization": f"Bearer {worker_token}"}) as worker):
        near_the_pole = await worker.post("/worker/api/location", json={"lat": 89.0, "lng": 0.0})
        huge_offer = await worker.post(f"/worker/api/offers/{2**64}/accept")
        huge_page = await worker.get("/worker/api/wallet/statement", params={"before_id": 2**70})
        year_one = await staff.get("/staff/api/reconciliation", params={"end": "0001-01-02T00:00:05+00:00"})
        huge_minimum = await staff.post("/staff/api/payouts", json={"minimum": 7.5e307})
        bare_cr = await staff.post("/staff/api/catalog/items/import", content=b"id,name\rx,y",
                                   headers={"Content-Type": "text/csv"})
        nul_login = await staff.post("/staff/api/login", json={"username": "adm\u0000in", "password": "x"})
        nul_lookup = await staff.get("/staff/api/catalog/items", params={"provider_id": "SM\u0000"})
    assert [near_the_pole.status_code, huge_offer.status_code, huge_page.status_code] == [422, 422, 422]
    assert year_one.status_code == 200 and huge_minimum.status_code == 422
    assert bare_cr.status_code < 500 and nul_login.status_code == 422
    assert nul_lookup.status_code == (422 if server.services.settings.database_url.startswith("postgresql") else 200)
