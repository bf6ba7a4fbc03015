"""CSV the app writes, made safe to open in a spreadsheet.

Excel, LibreOffice and Google Sheets take a cell that starts with ``=``, ``+``, ``-``
or ``@`` (or their full-width forms, which some of them read the same way) for a
formula, and a tab or carriage return at the start can hide one. Text people typed (a
story, an answer, a name) could then run as a formula on the researcher's computer, so
every CSV writer in the app puts its cells through ``spreadsheet_cell``, which starts
such a cell with a single quote: the spreadsheet shows it as the text it was.

A cell that is a plain number (a score, a count, a week: ``-1`` or ``+2.5``) is left
as it is, so the figures still add up; nothing after the number could run.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def spreadsheet_cell(value: object) -> object:
    """``value`` as it should go into a CSV cell: text a spreadsheet would take for a
    formula starts with a single quote; everything else is unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_bytes(rows: Iterable[Sequence[object]], *, for_excel: bool) -> bytes:
    """Rows as CSV with CRLF line ends, every cell through ``spreadsheet_cell``.

    ``for_excel`` adds a UTF-8 byte-order mark: without it Excel reads UTF-8 as the
    local code page and mangles names."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig" if for_excel else "utf-8")
