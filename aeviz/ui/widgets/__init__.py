"""Reusable widgets of the lab pages: grids, matrices, stepper, shape panel, colour bar.

Widgets are not pages: a page calls their ``retranslate`` / ``rescale`` / ``retheme``
from its own hooks.
"""

from __future__ import annotations

import math
from typing import Callable

from aeviz.ui.i18n import tr
from aeviz.ui.numbers import MINUS, fmt_factor, fmt_num  # noqa: F401  (the pages import them from here)


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
