"""A payout batch end to end over real HTTP: what each worker is owed, the batch and its bank file, the bank's
return file with one line failed (and one wrong row), the money back in her wallet, the ledger balanced."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import httpx
import pytest
from harness import RunningServer

from bpp.platform.auth import Principal
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import Journey

LUCKNOW = "std:0522"
TAP_REPAIR, ELECTRICIAN = "SRV11-1047", "SRV11-1044"


def client(server: RunningServer, role: str, district: str | None = None) -> httpx.AsyncClient:
    token = server.services.tokens.issue(Principal("staff", f"{role}-1", role, district))
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)


async def owed(staff: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    answer = await staff.get("/staff/api/wallets")
    assert answer.status_code == 200, answer.text
    return {row["worker_id"]: row for row in answer.json()}


@pytest.mark.settings(demo=True, demo_step_seconds=0.05)
async def test_a_batch_goes_to_the_bank_and_a_failed_line_comes_back_to_the_wallet(
    server: RunningServer, buyer: BuyerApp
) -> None:
    for category in (TAP_REPAIR, ELECTRICIAN):  # paid to the platform up front: the worker's share is owed to her
        journey = Journey(buyer, server.ondc_url, category=category, payment_type="PRE-FULFILLMENT",
                          callback_timeout=10, completion_timeout=30)
        assert (await journey.run())["status"] == "Completed"
    async with client(server, "district_officer", LUCKNOW) as officer, \
            client(server, "district_officer", "std:0121") as elsewhere:
        before = {w: row for w, row in (await owed(officer)).items() if Decimal(row["payable"]) > 0}
        assert len(before) == 2 and await owed(elsewhere) == {}
        for worker_id, row in before.items():
            assert row["district"] == LUCKNOW and row["name"] and row["payout_mode"] == "MISSING"
            saved = await officer.put(f"/staff/api/wallets/{worker_id}/payout-account",
                                      json={"holder_name": row["name"], "upi_vpa": f"{worker_id.lower()}@upi"})
            assert saved.status_code == 200, saved.text

        batch = (await officer.post("/staff/api/payouts", json={"minimum": "1"})).json()
        assert batch["line_count"] == 2
        bank_file = await officer.get(f"/staff/api/payouts/{batch['id']}/csv")
        lines = list(csv.DictReader(io.StringIO(bank_file.text)))
        assert {line["worker_id"] for line in lines} == set(before) and {line["mode"] for line in lines} == {"UPI"}
        reserved = await owed(officer)
        for line in lines:
            assert reserved[line["worker_id"]]["in_payout"] == line["amount"] == before[line["worker_id"]]["payable"]
            assert reserved[line["worker_id"]]["payable"] == "0.00"

        paid, failed = lines
        returned = [
            {**paid, "status": "SUCCESS", "bank_reference": "UTR0001"},
            {**failed, "status": "FAILED", "failure_reason": "Beneficiary account closed"},
            {**failed, "line_no": "9", "status": "paid", "bank_reference": "UTR0009"},  # no such line
        ]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=[*lines[0], "bank_reference", "failure_reason"])
        writer.writeheader()
        writer.writerows(returned)
        report = await officer.post(f"/staff/api/payouts/{batch['id']}/return-file", content=out.getvalue(),
                                    headers={"content-type": "text/csv"})
        assert report.status_code == 200, report.text
        body = report.json()
        assert (body["paid"], body["failed"]) == ([int(paid["line_no"])], [int(failed["line_no"])])
        assert body["unchanged"] == [] and body["pending"] == []
        [error] = body["errors"]
        assert (error["line"], error["field"]) == (4, "line_no") and "no line 9" in error["error"] and error["error_hi"]

        after = await owed(officer)
        assert after[failed["worker_id"]]["payable"] == failed["amount"]  # the money is back in her wallet
        assert after[failed["worker_id"]]["in_payout"] == after[paid["worker_id"]]["in_payout"] == "0.00"
        assert after[paid["worker_id"]]["payable"] == "0.00"
        statement = (await officer.get(f"/staff/api/wallets/{failed['worker_id']}", params={"limit": 2})).json()
        assert statement["payable"] == failed["amount"]
        assert [line["event"] for line in statement["statement"]] == ["payout_failed", "payout_reserved"]
        older = (await officer.get(f"/staff/api/wallets/{failed['worker_id']}",
                                   params={"before": statement["statement"][-1]["id"]})).json()["statement"]
        assert older and all(line["id"] < statement["statement"][-1]["id"] for line in older)

        again = (await officer.post(f"/staff/api/payouts/{batch['id']}/return-file", content=out.getvalue())).json()
        assert (again["paid"], again["failed"]) == ([], [])
        assert sorted(again["unchanged"]) == sorted([int(paid["line_no"]), int(failed["line_no"])])
        refused = await elsewhere.post(f"/staff/api/payouts/{batch['id']}/return-file", content=out.getvalue())
        assert refused.status_code == 403 and refused.json()["detail"]["hi"]
        detail = (await officer.get(f"/staff/api/payouts/{batch['id']}")).json()
    assert {line["status"] for line in detail["lines"]} == {"paid", "failed"}
    assert [line["bank_reference"] for line in detail["lines"] if line["status"] == "paid"] == ["UTR0001"]
    report_check = await server.services.ledger.check()
    assert report_check.balanced, report_check.as_dict()
