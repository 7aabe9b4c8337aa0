"""CSV exports: quoted, formula cells neutralised, numbers machine-readable."""

from __future__ import annotations

import csv
import io

import numpy as np

from aeviz.core import latent as L
from aeviz.core.csv_safe import csv_text, write_csv


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_cells_that_a_spreadsheet_would_run_are_neutralised():
    names = ['=HYPERLINK("http://evil","x")', "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "plain", "a,b", 'q"uote',
             "two\nlines"]
    rows = parse(csv_text(["name"], [[n] for n in names]))
    cells = [r[0] for r in rows[1:]]
    assert len(rows) == len(names) + 1  # the newline and the comma did not make extra rows or columns
    assert all(c.startswith("'") for c in cells[:6])
    assert cells[6:] == ["plain", "a,b", 'q"uote', "two\nlines"]


def test_numbers_stay_numbers_with_a_dot():
    rows = parse(csv_text(["i", "x", "y"], [[np.int64(3), np.float32(-1.25), -0.5e-7], [True, 2.0, float("nan")]]))
    assert rows[1] == ["3", "-1.25", "-5e-08"] and rows[2] == ["true", "2", "nan"]
    assert float(rows[1][1]) == -1.25


def test_latent_codes_export_is_safe_and_parses_back(tmp_path):
    codes = np.array([[0.5, -1.25], [2.0, 3.0]], np.float32)
    text = L.codes_csv(codes, np.array([0, 1]), ["=cmd|' /C calc'!A0", "deux\nlignes"])
    rows = parse(text)
    assert rows[0] == ["index", "label", "class", "z1", "z2"] and len(rows) == 3
    assert rows[1][2].startswith("'=") and rows[2][2] == "deux\nlignes"
    assert [float(v) for v in rows[1][3:]] == [0.5, -1.25]
    path = write_csv(tmp_path / "t.csv", ["a"], [["=1+1"]])
    assert path.read_bytes() == b"a\r\n'=1+1\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
