"""The review pack as a file a translator opens: CSV (any spreadsheet) or XLSX (openpyxl).

Pure core: texts in, text or bytes out, and back. One row per text: its id,
the English, the language's text (the column the translator edits, named by
the language's code), the placeholders it must keep, where it is written and a
note. CSV is UTF-8 with a byte-order mark (so Excel shows every script) and
CRLF line ends; the same texts always give the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from ivr.phonetree.reviewpack import Entry

BOM = "\ufeff"
WIDTHS = {"A": 28, "B": 50, "C": 50, "D": 18, "E": 30, "F": 40}


def rows(entries: Sequence[Entry], lang: str, root: str = "menus") -> list[list[str]]:
    """The table: a header, then one row per text."""
    table = [["id", "english", lang, "placeholders", "where", "note"]]
    for entry in entries:
        table.append([entry.id, entry.english, entry.text or "",
                      " ".join("{" + slot + "}" for slot in entry.slots),
                      f"{root}/{entry.file}:{entry.line}", entry.note])
    return table


def to_csv(table: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    return BOM + out.getvalue()


def from_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


def to_xlsx(table: Sequence[Sequence[str]], lang: str) -> bytes:
    """A workbook of one sheet, every cell text (never a formula), the header frozen."""
    book = Workbook()
    sheet = book.active
    sheet.title = lang
    for r, row in enumerate(table, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"  # "=..." stays text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(bold=r == 1)
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def from_xlsx(data: bytes) -> list[list[str]]:
    """The first sheet's cells as text (a number typed in a cell reads as it shows)."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
