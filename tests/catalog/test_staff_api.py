"""Staff catalogue API over HTTP: roles and districts, field errors, audit, CSV import."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bpp.demo.catalog_seed import LUCKNOW, seed_demo_catalog
from bpp.platform.auth import Principal

ITEM_ID = "SM-LKO-PLUMBER-TAP"


@pytest.fixture
async def staff(server: Any) -> Any:
    await seed_demo_catalog(server.services.db, server.services.catalog)

    def client(role: str, district: str | None = None) -> httpx.AsyncClient:
        token = server.services.tokens.issue(Principal(kind="staff", id=f"{role}-1", role=role, district=district))
        return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"})

    return client


async def test_district_officer_cannot_edit_another_district(staff: Any) -> None:
    async with staff("district_officer", "std:0121") as client:
        answer = await client.put(f"/staff/api/catalog/items/{ITEM_ID}", json={"fee": "249"})
    assert answer.status_code == 403
    assert answer.json()["detail"]["hi"]


async def test_helpline_operator_reads_but_cannot_edit(staff: Any) -> None:
    async with staff("helpline_operator") as client:
        assert (await client.get("/staff/api/catalog/items")).status_code == 200
        assert (await client.put(f"/staff/api/catalog/items/{ITEM_ID}", json={"fee": "249"})).status_code == 403


async def test_own_district_edit_bumps_version_and_is_audited(staff: Any, server: Any) -> None:
    async with staff("district_officer", LUCKNOW.city) as client:
        answer = await client.put(f"/staff/api/catalog/items/{ITEM_ID}", json={"fee": "249"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["version"] == 2 and answer.json()["fee"] == "249"
        detail = (await client.get(f"/staff/api/catalog/items/{ITEM_ID}")).json()
    last = detail["audit"][-1]
    assert last["actor"] == "staff:district_officer-1"
    assert last["before"]["fee"] == "199" and last["after"]["fee"] == "249"
    snapshot_item = server.services.catalog.snapshot.items[ITEM_ID]
    assert str(snapshot_item.fee) == "249" and snapshot_item.version == 2


async def test_wrong_fields_answer_422_naming_them(staff: Any) -> None:
    async with staff("admin") as client:
        answer = await client.put(f"/staff/api/catalog/items/{ITEM_ID}", json={"fee": "free", "duration_minutes": 5})
    assert answer.status_code == 422
    errors = answer.json()["detail"]["errors"]
    assert {error["field"] for error in errors} == {"fee", "duration_minutes"}
    assert all(error["hi"] and error["en"] for error in errors)


async def test_unpublish_removes_the_item_from_search(staff: Any, server: Any) -> None:
    async with staff("admin") as client:
        answer = await client.post(f"/staff/api/catalog/items/{ITEM_ID}/unpublish")
    assert answer.status_code == 200 and answer.json()["published"] is False
    assert ITEM_ID not in server.services.catalog.snapshot.items


async def test_csv_import_keeps_good_rows_and_reports_bad_ones(staff: Any) -> None:
    async with staff("admin") as client:
        exported = (await client.get("/staff/api/catalog/items.csv")).text
        header, *rows = exported.splitlines()
        ac_service = next(row for row in rows if row.startswith("SM-LKO-AC-SERVICE,"))
        ac_repair = next(row for row in rows if row.startswith("SM-LKO-AC-REPAIR,"))
        good = ac_service.replace("SM-LKO-AC-SERVICE", "SM-LKO-AC-GAS-REFILL", 1)
        bad_fee = ac_repair.replace("SM-LKO-AC-REPAIR", "SM-LKO-NEW-BAD", 1).replace(",349,", ",-1,", 1)
        bad_category = ac_service.replace("SM-LKO-AC-SERVICE", "SM-LKO-NEW-BAD2", 1).replace("SRV10-1000", "SRV77-1")
        body = "\n".join([header, good, bad_fee, bad_category]) + "\n"
        answer = await client.post(
            "/staff/api/catalog/items/import", content=body.encode(), headers={"Content-Type": "text/csv"}
        )
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert report["imported"] == ["SM-LKO-AC-GAS-REFILL"]
        assert [(e["line"], e["field"]) for e in report["errors"]] == [(3, "fee"), (4, "category_id")]
        listed = {item["id"] for item in (await client.get("/staff/api/catalog/items")).json()}
    assert "SM-LKO-AC-GAS-REFILL" in listed and "SM-LKO-NEW-BAD" not in listed


async def test_catalogue_api_is_in_openapi(server: Any) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/staff/api/catalog/items/{item_id}" in paths and "/staff/api/catalog/items/import" in paths


COOK_TERMS = {"days": "1,2,3,4,5,6,7", "time": "07:00", "min_months": 1, "max_months": 12, "notice_days": 7,
              "basis": "part-time", "billing": "advance"}


async def test_staff_manage_engagement_items_like_other_items_by_api_and_csv(staff: Any, server: Any) -> None:
    cook = {
        "provider_id": LUCKNOW.id, "category_id": "SM-1000", "name_en": "Cook, every morning",
        "name_hi": "रसोइया, हर सुबह", "fee": "250.00", "duration_minutes": 120, "tax_percent": "0",
        "availability": {"days": "1,2,3,4,5,6,7", "opens": "06:00", "closes": "21:00", "holidays": [],
                         "slot_minutes": 60},
        "cancellation_terms": [{"state": "Pending", "fee_amount": "0", "fee_percent": None}],
        "reschedule_terms": {"eligible": True, "fee": "0", "within": "PT2H"},
        "engagement": COOK_TERMS,
    }
    async with staff("district_officer", LUCKNOW.city) as client:
        created = await client.put("/staff/api/catalog/items/SM-LKO-COOK-MORNINGS", json=cook)
        assert created.status_code == 200, created.text
        assert (created.json()["kind"], created.json()["engagement"]) == ("engagement", COOK_TERMS)
        wrong = await client.put("/staff/api/catalog/items/SM-LKO-COOK-MORNINGS",
                                 json={"engagement": {**COOK_TERMS, "billing": "weekly"}})
        assert wrong.status_code == 422
        assert [error["field"] for error in wrong.json()["detail"]["errors"]] == ["engagement.billing"]
        published = await client.post("/staff/api/catalog/items/SM-LKO-COOK-MORNINGS/publish")
        assert published.status_code == 200 and published.json()["published"] is True
        listed = (await client.get("/staff/api/catalog/items", params={"kind": "engagement"})).json()
        assert [item["id"] for item in listed] == ["SM-LKO-COOK-MORNINGS"]
        visits = (await client.get("/staff/api/catalog/items", params={"kind": "visit"})).json()
        assert visits and all(item["engagement"] is None for item in visits)
        exported = (await client.get("/staff/api/catalog/items.csv", params={"kind": "engagement"})).text
        header, row = exported.splitlines()
        night = row.replace("SM-LKO-COOK-MORNINGS", "SM-LKO-COOK-EVENINGS", 1).replace(",07:00,1,12,", ",18:00,3,12,")
        answer = await client.post("/staff/api/catalog/items/import", content=f"{header}\n{night}\n".encode(),
                                   headers={"Content-Type": "text/csv"})
        assert answer.json() == {"imported": ["SM-LKO-COOK-EVENINGS"], "errors": []}
        evenings = (await client.get("/staff/api/catalog/items/SM-LKO-COOK-EVENINGS")).json()
    assert evenings["engagement"] == {**COOK_TERMS, "time": "18:00", "min_months": 3}
    assert "SM-LKO-COOK-MORNINGS" not in server.services.catalog.snapshot.items  # not a one-off visit on search
