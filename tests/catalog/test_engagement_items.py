"""Engagement items in the catalogue: their terms in the item's JSON, the checks on staff input naming each field, the
CSV columns (a file without them imports as before), and that search offers them with their schedule and terms
(booked as engagements, never as one visit)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal

from bpp.demo.catalog_seed import LUCKNOW, demo_items
from catalog.codec import item_to_json
from catalog.csv_io import COLUMNS, ENGAGEMENT_COLUMNS, export_csv, parse_csv
from catalog.engagement_terms import BillingMode, EmploymentBasis, EngagementTerms, VisitSchedule
from catalog.model import Availability, ServiceItem
from catalog.search_intent import SearchIntent
from catalog.snapshot import CatalogSnapshot
from catalog.validation import parse_item
from schemas.outgoing import validate_enums

COOK = ServiceItem(
    id="SM-LKO-COOK-MORNINGS",
    provider_id=LUCKNOW.id,
    category_id="SM-1000",
    name_en="Cook, every morning",
    name_hi="रसोइया, हर सुबह",
    fee=Decimal("250.00"),
    duration_minutes=120,
    tax_percent=Decimal("0"),
    availability=Availability(opens=time(6, 0), closes=time(21, 0)),
    published=True,
    engagement=EngagementTerms(
        VisitSchedule(frozenset(range(1, 8)), time(7, 0), 120), 1, 12, 7, EmploymentBasis.PART_TIME,
        BillingMode.ADVANCE,
    ),
)


def test_an_engagement_item_keeps_its_terms_in_its_json_with_the_visit_length_as_its_duration() -> None:
    data = item_to_json(COOK)
    assert (data["kind"], data["engagement"]) == ("engagement", {
        "days": "1,2,3,4,5,6,7", "time": "07:00", "min_months": 1, "max_months": 12, "notice_days": 7,
        "basis": "part-time", "billing": "advance",
    })
    assert parse_item(data) == (COOK, [])
    assert COOK.engagement is not None and COOK.engagement.schedule.hours == Decimal("2")
    visit = demo_items()[0]
    assert (item_to_json(visit)["kind"], item_to_json(visit)["engagement"]) == ("visit", None)


def test_wrong_engagement_terms_are_named_field_by_field_in_both_languages() -> None:
    data = item_to_json(COOK)
    data["engagement"] = {"days": "1,8", "time": "7am", "min_months": 6, "max_months": 3, "notice_days": 120,
                          "basis": "hourly", "billing": "monthly"}
    _, errors = parse_item(data)
    assert {error.field for error in errors} == {
        "engagement.days", "engagement.time", "engagement.notice_days", "engagement.basis", "engagement.billing"}
    assert all(error.en and error.hi for error in errors)
    data["engagement"] = {**item_to_json(COOK)["engagement"], "min_months": 6, "max_months": 3}
    assert [error.field for error in parse_item(data)[1]] == ["engagement.max_months"]


def test_the_schedule_must_fit_the_items_days_and_hours_and_a_visit_its_length() -> None:
    data = item_to_json(COOK)
    data["availability"] = {**data["availability"], "days": "1,2,3,4,5"}
    data["engagement"] = {**data["engagement"], "time": "05:00"}
    data["duration_minutes"] = 900
    _, errors = parse_item(data)
    assert {error.field for error in errors} == {"engagement.days", "engagement.time", "duration_minutes"}
    assert [error.field for error in parse_item({**item_to_json(COOK), "engagement": "daily"})[1]] == ["engagement"]


def test_engagement_items_export_and_import_back_beside_visits() -> None:
    caregiver = replace(COOK, id="SM-LKO-CAREGIVER-FULL", duration_minutes=600, engagement=EngagementTerms(
        VisitSchedule(frozenset(range(1, 7)), time(8, 0), 600), 1, 6, 30, EmploymentBasis.FULL_TIME,
        BillingMode.ARREARS))
    items = [*demo_items()[:2], COOK, caregiver]
    text = export_csv(items)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["kind"] for row in rows] == ["visit", "visit", "engagement", "engagement"]
    assert {column: rows[3][column] for column in ENGAGEMENT_COLUMNS} == {
        "schedule_days": "1,2,3,4,5,6", "schedule_time": "08:00", "term_min_months": "1", "term_max_months": "6",
        "notice_days": "30", "employment_basis": "full-time", "billing": "arrears"}
    assert all(rows[0][column] == "" for column in ENGAGEMENT_COLUMNS)
    parsed = parse_csv(text)
    assert (parsed.errors, [item for _, item in parsed.items]) == ([], items)


def test_a_file_without_the_engagement_columns_imports_visits_as_before() -> None:
    old_columns = COLUMNS[: COLUMNS.index("kind")]
    lines = export_csv(demo_items()[:3]).splitlines()
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=old_columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(reader)
    parsed = parse_csv(out.getvalue())
    assert (parsed.errors, [item for _, item in parsed.items]) == ([], demo_items()[:3])


def test_engagement_rows_missing_or_wrong_terms_are_reported_by_line_and_column() -> None:
    header, visit, cook = export_csv([demo_items()[0], COOK]).splitlines()
    no_notice = cook.replace("SM-LKO-COOK-MORNINGS", "SM-LKO-COOK-2", 1).replace(",7,part-time,", ",,part-time,")
    hourly = cook.replace("SM-LKO-COOK-MORNINGS", "SM-LKO-COOK-3", 1).replace(",part-time,", ",hourly,")
    weekly = visit.replace(",visit,", ",weekly,")
    parsed = parse_csv("\n".join([header, no_notice, hourly, weekly]) + "\n")
    assert [(error.line, error.field) for error in parsed.errors] == [
        (2, "notice_days"), (3, "employment_basis"), (4, "kind")]
    assert all(error.error and error.error_hi for error in parsed.errors)


def test_search_offers_an_engagement_item_with_its_schedule_and_terms_but_only_over_the_network() -> None:
    snapshot = CatalogSnapshot([LUCKNOW], [demo_items()[0], COOK])
    answer = snapshot.search(SearchIntent(), domain="ONDC:SRV11", city=LUCKNOW.city,
                             now=datetime(2027, 3, 1, 4, 0, tzinfo=UTC), coverage=None)
    assert answer is not None
    offered = {item["id"]: item for item in answer["catalog"]["providers"][0]["items"]}
    assert offered[COOK.id]["time"] == {
        "label": "schedule", "duration": "PT120M", "days": "1,2,3,4,5,6,7",
        "schedule": {"frequency": "P1D", "holidays": []}, "range": offered[COOK.id]["time"]["range"]}
    terms = next(tag for tag in offered[COOK.id]["tags"] if tag["descriptor"]["code"] == "engagement")
    assert {entry["descriptor"]["code"]: entry["value"] for entry in terms["list"]} == {
        "employment_basis": "part-time", "term_min_months": "1", "term_max_months": "12", "notice_days": "7",
        "billing": "advance", "rate_per_visit": "250.00", "visit_time": "07:00"}
    envelope = {"context": {"action": "on_search"}, "message": answer}
    assert validate_enums("on_search", envelope) == []
    # the assisted channels book one visit: they neither list nor find an engagement item
    assert list(snapshot.items) == [demo_items()[0].id]
    assert snapshot.find("cook every morning") == []
