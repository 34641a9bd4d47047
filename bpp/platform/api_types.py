"""Parameter types and response descriptions shared by the staff and worker APIs."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import annotated_types
from pydantic import Field, WithJsonSchema

# A row id as the databases store it (BIGINT, SQLite INTEGER): anything larger names no row and would make the
# driver raise instead of answering "not found", so it is refused as a wrong field before any query.
RowId = Annotated[int, annotated_types.Interval(ge=1, le=2**63 - 1)]

# Rupees and paise as the ledger stores them (NUMERIC(14, 2); sums of amounts below 10^10 still fit). The
# document asks for a string, which keeps every paisa exact ("499.00"); a JSON number is accepted as well.
_RUPEES_RULES = {"max_digits": 12, "decimal_places": 2}
Rupees = Annotated[Decimal, Field(ge=0, **_RUPEES_RULES),
                   WithJsonSchema({"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$", "examples": ["499.00"]})]
PositiveRupees = Annotated[Decimal, Field(gt=0, **_RUPEES_RULES), WithJsonSchema({
    "type": "string", "pattern": r"^(0{0,10}[1-9]\d{0,9}(\.\d{1,2})?|0{1,10}\.(0[1-9]|[1-9]\d?))$",
    "examples": ["500.00"]})]

# For `responses=` of a route that answers a spreadsheet (as well as, or instead of, JSON).
CSV_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {"description": "A spreadsheet, UTF-8", "content": {"text/csv": {"schema": {"type": "string"}}}},
}

# For `openapi_extra=` of a route whose body is a spreadsheet (a CSV upload), read from the request itself.
CSV_BODY: dict[str, object] = {
    "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}},
}
