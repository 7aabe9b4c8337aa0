"""A session's exercise results and their CSV export.

The file is opened by teachers in a spreadsheet, and one column holds whatever a
student typed: every field is quoted, and a cell starting with ``= + - @`` (or a tab
or carriage return) gets a leading apostrophe so no spreadsheet runs it as a formula
(CSV injection). Written atomically, UTF-8 with a byte-order mark so spreadsheets
read the accents of French answers.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import astuple, dataclass
from pathlib import Path

from .persist import atomic_write_bytes

__all__ = ["Result", "COLUMNS", "results_csv", "write_results_csv", "neutralise"]

COLUMNS = ("kind", "seed", "level", "answer_given", "right", "seconds")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Result:
    kind: str
    seed: int
    level: int
    answer_given: str
    right: bool
    seconds: float


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as text, never evaluates."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def results_csv(results) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in results:
        kind, seed, level, given, right, seconds = astuple(r)
        writer.writerow([neutralise(str(kind)), seed, level, neutralise(given.replace("\n", " ")),
                         1 if right else 0, f"{seconds:.1f}"])
    return out.getvalue()


def write_results_csv(path: str | os.PathLike, results) -> Path:
    return atomic_write_bytes(path, results_csv(results).encode("utf-8-sig"))
