"""CSV import and export of service items, with a per-row error report (line, field, error).

Columns: id, provider_id, category_id, name_en, name_hi, description_en, description_hi, fee,
duration_minutes, tax_percent, days, opens, closes, holidays (`;`-separated dates), slot_minutes,
cancel_fee_in_transit, cancel_fee_at_location (`10%` for a percentage or `50.00` for an amount;
cancelling while Pending is always free), reschedule_eligible, reschedule_fee, reschedule_within,
images (space-separated URLs), published (true/false); then kind (`visit`, the default, or `engagement`) and, for an
engagement item only, its terms: schedule_days (e.g. `1,2,3,4,5,6,7` for daily), schedule_time (`07:00`),
term_min_months, term_max_months, notice_days, employment_basis (`part-time`, `full-time`, `contract`) and billing
(`advance` or `arrears`); an engagement's fee is one visit's, its duration_minutes one visit's length. Files without
the engagement columns import as before.

Cells that would run as a spreadsheet formula are exported with a leading `'` (see schemas/spreadsheet.py),
which the import takes off again; names that begin like a formula are refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from catalog.codec import item_to_json
from catalog.model import ENGAGEMENT, ITEM_KINDS, VISIT, ServiceItem
from catalog.validation import FieldError, parse_item
from schemas.spreadsheet import csv_text, read_cell

# engagement terms column -> field of the item's `engagement` JSON (catalog.codec.engagement_to_json)
_ENGAGEMENT_FIELDS: Final = {
    "schedule_days": "days",
    "schedule_time": "time",
    "term_min_months": "min_months",
    "term_max_months": "max_months",
    "notice_days": "notice_days",
    "employment_basis": "basis",
    "billing": "billing",
}
ENGAGEMENT_COLUMNS: Final = tuple(_ENGAGEMENT_FIELDS)
_WHOLE_NUMBERS: Final = frozenset({"term_min_months", "term_max_months", "notice_days"})
_CSV_COLUMN_OF: Final = {f"engagement.{name}": column for column, name in _ENGAGEMENT_FIELDS.items()}
COLUMNS: Final = (
    "id",
    "provider_id",
    "category_id",
    "name_en",
    "name_hi",
    "description_en",
    "description_hi",
    "fee",
    "duration_minutes",
    "tax_percent",
    "days",
    "opens",
    "closes",
    "holidays",
    "slot_minutes",
    "cancel_fee_in_transit",
    "cancel_fee_at_location",
    "reschedule_eligible",
    "reschedule_fee",
    "reschedule_within",
    "images",
    "published",
    "kind",
    *ENGAGEMENT_COLUMNS,
)
_REQUIRED: Final = frozenset(COLUMNS) - {"description_en", "description_hi", "holidays", "images", "kind",
                                         *ENGAGEMENT_COLUMNS}
_TRUE: Final = frozenset({"true", "yes", "1", "हाँ"})


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    error: str  # English
    error_hi: str

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "error": self.error, "error_hi": self.error_hi}


@dataclass(slots=True)
class ParsedCsv:
    items: list[tuple[int, ServiceItem]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _integer(text: str) -> int | str:
    return int(text) if text.strip().lstrip("-").isdigit() else text


def _fee(text: str) -> tuple[str | None, str | None]:
    """`10%` -> percent 10; `50` -> amount 50 (returned as strings for the validator)."""
    text = text.strip()
    return (text[:-1].strip(), None) if text.endswith("%") else (None, text)


def _term(state: str, text: str, reason_required: bool) -> dict[str, Any]:
    percent, amount = _fee(text)
    return {"state": state, "fee_percent": percent, "fee_amount": amount, "reason_required": reason_required}


def row_to_json(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row in the item JSON form the validator reads (version comes from storage)."""
    return {
        "id": row["id"].strip(),
        "provider_id": row["provider_id"].strip(),
        "category_id": row["category_id"].strip(),
        "name_en": row["name_en"].strip(),
        "name_hi": row["name_hi"].strip(),
        "description_en": row.get("description_en", "").strip(),
        "description_hi": row.get("description_hi", "").strip(),
        "fee": row["fee"].strip(),
        "duration_minutes": _integer(row["duration_minutes"]),
        "tax_percent": row["tax_percent"].strip(),
        "availability": {
            "days": row["days"].strip(),
            "opens": row["opens"].strip(),
            "closes": row["closes"].strip(),
            "holidays": [day.strip() for day in row.get("holidays", "").split(";") if day.strip()],
            "slot_minutes": _integer(row["slot_minutes"]),
        },
        "cancellation_terms": [
            {"state": "Pending", "fee_percent": None, "fee_amount": "0", "reason_required": False},
            _term("In-Transit", row["cancel_fee_in_transit"], True),
            _term("At-Location", row["cancel_fee_at_location"], True),
        ],
        "reschedule_terms": {
            "eligible": row["reschedule_eligible"].strip().lower() in _TRUE,
            "fee": row["reschedule_fee"].strip(),
            "within": row["reschedule_within"].strip(),
        },
        "images": row.get("images", "").split(),
        "published": row["published"].strip().lower() in _TRUE,
        "engagement": _engagement(row) if _kind(row) == ENGAGEMENT else None,
    }


def _kind(row: dict[str, str]) -> str:
    return (row.get("kind") or "").strip().lower() or VISIT


def _engagement(row: dict[str, str]) -> dict[str, Any]:
    def cell(column: str) -> int | str:
        text = (row.get(column) or "").strip()
        return _integer(text) if column in _WHOLE_NUMBERS else text

    return {name: cell(column) for column, name in _ENGAGEMENT_FIELDS.items()}


def _csv_field(name: str) -> str:
    """A validator field path as the CSV column it came from."""
    if name.startswith("engagement"):
        return _CSV_COLUMN_OF.get(name, "kind")
    head = name.split(".")[-1].split("[")[0]
    if name.startswith("cancellation_terms[1]"):
        return "cancel_fee_in_transit"
    if name.startswith("cancellation_terms[2]"):
        return "cancel_fee_at_location"
    if name.startswith("reschedule_terms."):
        return f"reschedule_{head}"
    return "holidays" if name.startswith("availability.holidays") else head


def parse_csv(text: str) -> ParsedCsv:
    """Read items from CSV text; good rows become items, bad rows become RowErrors by line."""
    result = ParsedCsv()
    # newline="": the csv module then reads a bare CR as a line end instead of raising on it
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    missing = [name for name in sorted(_REQUIRED) if name not in (reader.fieldnames or ())]
    if missing:
        result.errors.append(
            RowError(
                1, ",".join(missing), "The header lacks these columns; add them.", "शीर्ष पंक्ति में ये कॉलम जोड़ें।"
            )
        )
        return result
    for raw_row in reader:
        line = reader.line_num
        row = {name: read_cell(value) for name, value in raw_row.items() if isinstance(value, str)}
        kind = _kind(row)
        if kind not in ITEM_KINDS:
            result.errors.append(RowError(line, "kind", "kind must be visit or engagement.",
                                          "kind visit या engagement हो।"))
            continue
        needed = sorted(_REQUIRED | (set(ENGAGEMENT_COLUMNS) if kind == ENGAGEMENT else set()))
        empty = [name for name in needed if not (row.get(name) or "").strip()]
        if empty:
            result.errors.extend(
                RowError(line, name, "Fill in this column.", "यह कॉलम भरें।") for name in empty
            )
            continue
        item, errors = parse_item(row_to_json(row))
        if item is None:
            result.errors.extend(_row_error(line, error) for error in errors)
        else:
            result.items.append((line, item))
    return result


def _row_error(line: int, error: FieldError) -> RowError:
    return RowError(line, _csv_field(error.field), error.en, error.hi)


def _fee_text(term: dict[str, Any] | None) -> str:
    if term is None:
        return "0"
    return f"{term['fee_percent']}%" if term["fee_percent"] is not None else str(term["fee_amount"])


def _export_row(item: ServiceItem) -> dict[str, Any]:
    data = item_to_json(item)
    terms = {term["state"]: term for term in data["cancellation_terms"]}
    availability, reschedule = data["availability"], data["reschedule_terms"]
    return {
        **{name: data[name] for name in COLUMNS if name in data and name not in ("images", "published", "kind")},
        **{name: availability[name] for name in ("days", "opens", "closes", "slot_minutes")},
        "holidays": ";".join(availability["holidays"]),
        "cancel_fee_in_transit": _fee_text(terms.get("In-Transit")),
        "cancel_fee_at_location": _fee_text(terms.get("At-Location")),
        "reschedule_eligible": "true" if reschedule["eligible"] else "false",
        "reschedule_fee": reschedule["fee"],
        "reschedule_within": reschedule["within"],
        "images": " ".join(data["images"]),
        "published": "true" if data["published"] else "false",
        "kind": item.kind,
        **{column: (data["engagement"] or {}).get(name, "") for column, name in _ENGAGEMENT_FIELDS.items()},
    }


def export_csv(items: Iterable[ServiceItem]) -> str:
    """Items as CSV in the import format (Pending cancellation is implied free), safe to open in a spreadsheet."""
    return csv_text(COLUMNS, (_export_row(item) for item in items))
