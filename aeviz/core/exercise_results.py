"""A session's exercise results and their CSV export.

The file is opened by teachers in a spreadsheet, and one column holds whatever a
student typed, so it goes through :mod:`aeviz.core.csv_safe` (quoted, formula cells
neutralised, atomic), with a byte-order mark so spreadsheets read French accents.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .csv_safe import csv_text, write_csv

__all__ = ["Result", "COLUMNS", "results_csv", "write_results_csv"]

COLUMNS = ("kind", "seed", "level", "answer_given", "right", "seconds")


@dataclass(frozen=True)
class Result:
    kind: str
    seed: int
    level: int
    answer_given: str
    right: bool
    seconds: float


def results_rows(results) -> list[list[object]]:
    return [[r.kind, r.seed, r.level, r.answer_given.replace("\n", " "), 1 if r.right else 0, round(r.seconds, 1)]
            for r in results]


def results_csv(results) -> str:
    return csv_text(COLUMNS, results_rows(results))


def write_results_csv(path: str | os.PathLike, results) -> Path:
    return write_csv(path, COLUMNS, results_rows(results), encoding="utf-8-sig")
