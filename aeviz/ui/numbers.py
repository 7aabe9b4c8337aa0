"""Numbers as the current language writes them: one decimal separator and one grouping.

French writes ``10 000`` (narrow no-break space) and ``0,5``; English ``10,000`` and
``0.5``. Every number a user reads (labels, tables, plot ticks, status texts, spin
boxes) goes through here, so one sentence never mixes ``0.989`` and ``0,5``. Negative
numbers take a true minus sign (U+2212). Files written for machines (CSV) do not use
this module: they keep Python's dot decimals.
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QLocale

from aeviz.ui.i18n import NUMBER_SEPARATORS, current_language

MINUS = "\u2212"
NARROW_NBSP = "\u202f"
DASH = "–"  # a missing value (no loss yet, a diverged run)

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?|-?\.\d+|-?inf|nan", re.IGNORECASE)


def separators(language: str | None = None) -> tuple[str, str]:
    """(decimal separator, group separator) of ``language`` (default: the current one)."""
    return NUMBER_SEPARATORS[language or current_language()]


def localize(text: str) -> str:
    """Rewrite a number formatted by Python (``-1,234.5``) in the current language's style.

    Meant for number strings (a tick label, ``f"{v:,.2f}"``), not sentences: a hyphen
    before a digit becomes a minus sign."""
    decimal, group = separators()

    def one(match: re.Match) -> str:
        number = match.group(0)
        return (number.replace(",", "\0").replace(".", decimal).replace("\0", group)
                .replace("-", MINUS))

    return _NUMBER.sub(one, text)


def fmt_int(n) -> str:
    """``12345`` → ``12 345`` (fr) / ``12,345`` (en)."""
    return localize(f"{int(n):,}")


def fmt_float(v, digits: int = 2) -> str:
    """Fixed decimals: ``fmt_float(0.5, 2)`` → ``0,50`` (fr) / ``0.50`` (en); grouped thousands."""
    v = float(v)
    if not math.isfinite(v):
        return DASH
    text = f"{v:,.{digits}f}"
    if re.fullmatch(r"-0(\.0*)?", text):  # no "−0,00"
        text = text[1:]
    return localize(text)


def fmt_sig(v, digits: int = 3) -> str:
    """Significant digits (Python's ``g``): ``0.000123`` → ``0,000123``; ``1.5e-07`` stays short."""
    if v is None:
        return DASH
    v = float(v)
    if not math.isfinite(v):
        return DASH
    text = f"{v:.{digits}g}"
    if "e" not in text and "." not in text:
        text = f"{int(text):,}"
    return localize(text)


def fmt_percent(fraction, digits: int = 0) -> str:
    """``0.425`` → ``42,5 %`` (fr, narrow no-break space before %) / ``42.5%`` (en)."""
    number = fmt_float(100 * float(fraction), digits)
    return f"{number}{NARROW_NBSP}%" if current_language() == "fr" else f"{number}%"


def percent_format() -> str:
    """A QProgressBar format: Qt's default "%p%" is English spacing; French writes "42 %"."""
    return f"%p{NARROW_NBSP}%" if current_language() == "fr" else "%p%"


def fmt_num(v) -> str:
    """A number as a student reads it: ``122``, ``0,11``, ``−2,5``; tiny values in scientific notation."""
    v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        return fmt_int(v) if v != 0 else "0"
    if abs(v) >= 100:
        return fmt_float(v, 1)
    if abs(v) >= 1e-2:
        return localize(f"{v:.2f}".rstrip("0").rstrip("."))
    return localize(f"{v:.1e}")


def fmt_factor(v) -> str:
    """A factor inside a sum: negatives in parentheses, ``(−2)``."""
    text = fmt_num(v)
    return f"({text})" if text.startswith(MINUS) else text


def qlocale(language: str | None = None) -> QLocale:
    """The Qt locale for spin boxes and other Qt-formatted numbers of ``language``."""
    language = language or current_language()
    locale = (QLocale(QLocale.French, QLocale.France) if language == "fr"
              else QLocale(QLocale.English, QLocale.UnitedStates))
    locale.setNumberOptions(QLocale.DefaultNumberOptions)
    return locale
