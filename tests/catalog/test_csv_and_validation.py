"""Staff input: field errors name the field in Hindi and English; CSV rows fail one by one."""

from __future__ import annotations

from bpp.demo.catalog_seed import demo_items
from catalog.codec import item_to_json
from catalog.csv_io import export_csv, parse_csv
from catalog.validation import parse_item


def test_valid_item_round_trips() -> None:
    item = demo_items()[0]
    parsed, errors = parse_item(item_to_json(item))
    assert errors == [] and parsed == item


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
