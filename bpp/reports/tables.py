"""A figure as a table people can read in the console and open in a spreadsheet (CSV or Excel).

The console, the CSV and the workbook are all drawn from the same `Table`, so a download always carries the
numbers on the screen. Every text cell is written so a spreadsheet shows it as text: a channel or name that
begins like a formula is never run.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font

from schemas.spreadsheet import csv_text

Cell = str | int | Decimal | None
Language = Literal["en", "hi"]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    en: str
    hi: str


@dataclass(frozen=True, slots=True)
class Table:
    """One figure: named columns (with English and Hindi headings) and rows of numbers and names."""

    name: str  # also the CSV's file name and the workbook's sheet name (at most 31 characters)
    en: str
    hi: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def as_json(self) -> dict[str, Any]:
        """Money and rates as decimal strings (every paisa exact), counts as numbers."""
        return {
            "name": self.name,
            "title": {"en": self.en, "hi": self.hi},
            "columns": [{"key": c.key, "en": c.en, "hi": c.hi} for c in self.columns],
            "rows": [[str(v) if isinstance(v, Decimal) else v for v in row] for row in self.rows],
        }

    def csv(self) -> str:
        """The table as CSV: a header of column keys, then the rows."""
        keys = [column.key for column in self.columns]
        return csv_text(keys, (dict(zip(keys, row, strict=True)) for row in self.rows))


def workbook(tables: Sequence[Table], about: Sequence[tuple[str, str]], language: Language) -> bytes:
    """An Excel workbook (.xlsx): a first sheet saying what it holds, then one sheet per table, numbers as numbers."""
    book = Workbook(write_only=True)
    cover = book.create_sheet("about")
    for label, value in about:
        cover.append([_text(cover, label, bold=True), _text(cover, value)])
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append([_text(sheet, getattr(column, language), bold=True) for column in table.columns])
        for row in table.rows:
            sheet.append([_text(sheet, value) if isinstance(value, str) else value for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(sheet: Any, value: str, *, bold: bool = False) -> SheetCell:
    """A text cell, never a formula (openpyxl would otherwise write a string beginning with `=` as one)."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell
