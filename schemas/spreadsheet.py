"""CSV that is safe to open in a spreadsheet: cells that would run as a formula are written as text.

Excel, LibreOffice Calc and Google Sheets evaluate a cell that begins with `=`, `+`, `-` or `@` (some also
after a leading tab or carriage return), so a name such as `=HYPERLINK(…)` or `=cmd|' /C calc'!A0` in a file
that staff download could run when the file is opened (CSV or formula injection). Every CSV the BPP writes
goes through `csv_text`, which puts `'` before such a cell: spreadsheets read that as "this is text" and do not
show the mark. Reading our own files back, `read_cell` takes the mark off again.

A cell that is exactly a decimal number (`-12.50`, `+3`) is left alone: it is a number, a spreadsheet must read
it as one (a negative balance in a numeric column stays summable), and no formula can hide in it.

Names people type (catalogue items and providers, workers, payout account holders) are refused when they
begin like a formula, with `formula_refusal` saying why; other text is only neutralised on the way out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK: Final = "'"
_NUMBER: Final = re.compile(r"[+-]?\d+(?:\.\d+)?")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would evaluate `text` as a formula (a plain signed number is not one)."""
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def spreadsheet_cell(value: object) -> str:
    """`value` as a CSV cell a spreadsheet shows as written; None is an empty cell."""
    text = "" if value is None else str(value)
    return TEXT_MARK + text if looks_like_formula(text) else text


def read_cell(text: str) -> str:
    """A cell of a CSV we wrote, as it was before `spreadsheet_cell` marked it."""
    unmarked = text.removeprefix(TEXT_MARK)
    return unmarked if unmarked != text and looks_like_formula(unmarked) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """A CSV file: a header of `columns`, then one line per row, every cell through `spreadsheet_cell`."""
    out = io.StringIO()
    # RFC 4180 line ends: the writer then quotes a cell holding a CR as well as one holding a LF
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({name: spreadsheet_cell(row.get(name)) for name in columns} for row in rows)
    return out.getvalue()


def formula_refusal(field: str) -> tuple[str, str]:
    """Why a name that begins like a formula is refused, and what to do, in English and Hindi."""
    return (
        f"{field} cannot begin with =, +, -, @, a tab or a line break: spreadsheets would run it as a formula. "
        "Start it with a letter or a digit.",
        f"{field} की शुरुआत =, +, -, @, टैब या नई पंक्ति से नहीं हो सकती: स्प्रेडशीट इसे सूत्र (formula) की तरह "
        "चलाएगी। इसे किसी अक्षर या अंक से शुरू करें।",
    )
