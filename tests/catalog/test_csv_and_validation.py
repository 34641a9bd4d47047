"""Staff input: field errors name the field in Hindi and English; CSV rows fail one by one."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from bpp.demo.catalog_seed import LUCKNOW, demo_items
from catalog.codec import item_to_json, provider_to_json
from catalog.csv_io import export_csv, parse_csv
from catalog.validation import parse_item, parse_provider


def test_valid_item_round_trips() -> None:
    item = demo_items()[0]
    parsed, errors = parse_item(item_to_json(item))
    assert errors == [] and parsed == item


def test_a_providers_district_name_round_trips_and_may_be_left_out() -> None:
    """`city_name` names the district on the worker's stop (docs/conformance.md); older providers have none."""
    assert parse_provider(provider_to_json(LUCKNOW)) == (LUCKNOW, [])
    without = {key: value for key, value in provider_to_json(LUCKNOW).items() if key != "city_name"}
    assert parse_provider(without) == (replace(LUCKNOW, city_name=""), [])
    _, errors = parse_provider({**provider_to_json(LUCKNOW), "city_name": "L" * 81})
    assert [error.field for error in errors] == ["city_name"]


def test_wrong_fields_are_named() -> None:
    data = item_to_json(demo_items()[0]) | {"fee": "-5", "category_id": "SRV99-1"}
    data["availability"] = {**data["availability"], "opens": "21:00"}
    _, errors = parse_item(data)
    fields = {error.field for error in errors}
    assert fields == {"fee", "category_id", "availability.closes"}
    assert all(error.en and error.hi for error in errors)


def test_pending_cancellation_must_be_free() -> None:
    data = item_to_json(demo_items()[0])
    data["cancellation_terms"][0] = {"state": "Pending", "fee_amount": "50", "fee_percent": None}
    _, errors = parse_item(data)
    assert [error.field for error in errors] == ["cancellation_terms[0].fee_amount"]


def test_csv_export_imports_back() -> None:
    items = demo_items()
    parsed = parse_csv(export_csv(items))
    assert parsed.errors == []
    assert [item for _, item in parsed.items] == items


def test_csv_bad_rows_are_reported_by_line_and_good_rows_kept() -> None:
    lines = export_csv(demo_items()[:4]).splitlines()
    lines[2] = lines[2].replace(",349,60,18,", ",abc,60,18,")  # file line 3: fee is not a number
    lines[3] = lines[3].replace("SRV10-1022", "SRV10-XXXX")  # file line 4: unknown category
    parsed = parse_csv("\n".join(lines) + "\n")
    assert [(error.line, error.field) for error in parsed.errors] == [(3, "fee"), (4, "category_id")]
    assert [line for line, _ in parsed.items] == [2, 5]
    assert all(error.error and error.error_hi for error in parsed.errors)


def test_csv_missing_column_is_one_header_error() -> None:
    parsed = parse_csv("id,name_en\nX,Y\n")
    assert parsed.items == [] and parsed.errors[0].line == 1 and "fee" in parsed.errors[0].field


FORMULAS = ("=cmd|' /C calc'!A0", '+HYPERLINK("http://evil.example","x")', "@SUM(A1:A9)", "-2+3", "\t=1+1", "\r=1+1")


def test_formula_cells_are_exported_as_text_and_imported_back_unchanged() -> None:
    items = [replace(demo_items()[0], id=f"SM-F-{n}", description_en=text) for n, text in enumerate(FORMULAS)]
    exported = export_csv(items)
    cells = [row["description_en"] for row in csv.DictReader(io.StringIO(exported))]
    assert cells == ["'" + text for text in FORMULAS], "a spreadsheet must show these, not run them"
    imported = {item.id: item for _, item in parse_csv(exported).items}
    kept = [item for item in items if not item.description_en[0].isspace()]  # the import strips a cell's spaces
    assert len(kept) == 4 and all(imported[item.id] == item for item in kept), "the import takes the mark off"


def test_names_that_begin_like_a_formula_are_refused_row_by_row() -> None:
    [good] = csv.DictReader(io.StringIO(export_csv(demo_items()[:1])))
    rows = [good | {"name_en": text} for text in FORMULAS] + [good | {"name_en": "-5"}]
    upload = io.StringIO()
    writer = csv.DictWriter(upload, fieldnames=list(good))
    writer.writeheader()
    writer.writerows(rows)
    parsed = parse_csv(upload.getvalue())
    assert [error.field for error in parsed.errors] == ["name_en"] * len(FORMULAS)
    assert len({error.line for error in parsed.errors}) == len(FORMULAS), "one error per row, by its line"
    assert all("formula" in error.error and "सूत्र" in error.error_hi for error in parsed.errors)
    assert [item.name_en for _, item in parsed.items] == ["-5"], "a name that is a plain number is no formula"
