"""Reusable widgets of the lab pages: grids, matrices, stepper, shape panel, colour bar.

Widgets are not pages: a page calls their ``retranslate`` / ``rescale`` / ``retheme``
from its own hooks.
"""

from __future__ import annotations

import math
from typing import Callable

from aeviz.ui.i18n import tr

MINUS = "\u2212"


def fmt_num(v: float) -> str:
    """A number as a student reads it: ``122``, ``0.11``, ``−2.5`` (true minus sign)."""
    v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        text = str(int(v))
    elif abs(v) >= 100:
        text = f"{v:.1f}"
    elif abs(v) >= 1e-2 or v == 0:
        text = f"{v:.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{v:.1e}"
    if text in ("-0", "0.0", "-0.0"):
        text = "0"
    return text.replace("-", MINUS)


def fmt_factor(v: float) -> str:
    """A factor inside a sum: negatives in parentheses, ``(−2)``."""
    text = fmt_num(v)
    return f"({text})" if text.startswith(MINUS) else text


class Translatable:
    """Mixin: texts bound to i18n keys, refreshed by ``retranslate``."""

    def _init_texts(self) -> None:
        self._texts: list[tuple[Callable[[str], None], str, dict]] = []

    def bind(self, setter: Callable[[str], None], key: str, **values) -> None:
        self._texts.append((setter, key, values))
        setter(tr(key, **values))

    def retranslate(self) -> None:
        for setter, key, values in self._texts:
            setter(tr(key, **values))


def finite(v: float) -> bool:
    return math.isfinite(v)
