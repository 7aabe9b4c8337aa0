"""One number format per language: French "10 000" and "0,5", English "10,000" and "0.5"."""

import re

import pytest

from aeviz.ui import i18n
from aeviz.ui import numbers as N

NNBSP = "\u202f"


@pytest.fixture(params=["fr", "en"])
def language(request):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


EXPECTED = {
    "fr": {"int": f"10{NNBSP}000", "float": "0,989", "neg": "\u22122,50", "sig": "0,000123", "pct": f"42,5{NNBSP}%",
           "num": "0,11", "big": f"1{NNBSP}234{NNBSP}567,9"},
    "en": {"int": "10,000", "float": "0.989", "neg": "\u22122.50", "sig": "0.000123", "pct": "42.5%",
           "num": "0.11", "big": "1,234,567.9"},
}


def test_formats(language):
    e = EXPECTED[language]
    assert N.fmt_int(10000) == e["int"]
    assert N.fmt_float(0.9889, 3) == e["float"]
    assert N.fmt_float(-2.5, 2) == e["neg"]
    assert N.fmt_sig(0.000123, 3) == e["sig"]
    assert N.fmt_percent(0.425, 1) == e["pct"]
    assert N.fmt_num(0.11) == e["num"]
    assert N.fmt_float(1234567.89, 1) == e["big"]
    assert N.fmt_float(-0.001, 2) == ("0,00" if language == "fr" else "0.00")  # no "−0"
    assert N.fmt_sig(float("nan")) == N.fmt_float(float("inf")) == N.DASH


def test_translated_sentences_group_integers_and_never_mix_separators(language):
    from aeviz.ui.pages import latent_attributes  # noqa: F401  (registers the strings)

    # the sentence that once read "0.989" then "0,5" in French
    text = i18n.tr("attr.result", norm=N.fmt_sig(12.3456, 3), na=1200, nb=800, auc=N.fmt_float(0.9889, 3))
    decimal, group = N.separators()
    other_decimal = "." if decimal == "," else ","
    assert f"1{group}200" in text and f"0{decimal}989" in text
    # every decimal number of the sentence uses the language's separator
    assert not re.search(rf"\d\{other_decimal}\d", text.replace(f"1{group}200", "")), text


def test_qlocale_matches(language):
    loc = N.qlocale()
    decimal, group = N.separators()
    assert loc.decimalPoint() == decimal and loc.groupSeparator() == group


def test_grid_cells_read_what_they_show(language):
    from aeviz.ui.widgets.grid_editor import parse_cell

    for v in (0.5, -2.25, 1234.0, 12345.0, 0.001):  # values fmt_num writes exactly
        assert parse_cell(N.fmt_num(v))[0] == pytest.approx(v), N.fmt_num(v)
    assert parse_cell("0,5")[0] == 0.5 and parse_cell("0.5")[0] == 0.5


def test_progress_bars_write_percent_as_the_language_does(language):
    assert N.percent_format() == ("%p\u202f%" if language == "fr" else "%p%")
