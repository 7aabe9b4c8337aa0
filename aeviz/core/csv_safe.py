"""CSV files that open safely in a spreadsheet and parse back exactly.

Fields are quoted by the :mod:`csv` module (a class name with a comma, a quote or a
newline stays one cell), and text cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: CSV injection)
get a leading apostrophe, which spreadsheets show as plain text. Numbers are written
as numbers, with a dot whatever the language, so scripts read them back; a negative
number is not mistaken for a formula because it is never treated as text.
"""

from __future__ import annotations

import csv
import io
import os
from numbers import Integral, Real
from pathlib import Path
from typing import Iterable, Sequence

from .persist import atomic_write_bytes

__all__ = ["csv_text", "write_csv", "safe_cell"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object, float_format: str = ".6g") -> str:
    """One cell: numbers formatted with a dot, text neutralised if it could be a formula."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        return format(float(value), float_format)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]], float_format: str = ".6g") -> str:
    """The whole table as text, lines ending with CRLF as RFC 4180 says (so a CR inside a cell gets quoted)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h, float_format) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v, float_format) for v in row])
    return out.getvalue()


def write_csv(path: str | os.PathLike, header: Sequence[object], rows: Iterable[Sequence[object]],
              float_format: str = ".6g", encoding: str = "utf-8") -> Path:
    """Write the table to ``path`` atomically; ``utf-8-sig`` for files meant for a spreadsheet
    (its byte-order mark makes spreadsheets read accented text right)."""
    return atomic_write_bytes(path, csv_text(header, rows, float_format).encode(encoding))
