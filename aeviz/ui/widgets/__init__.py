"""Reusable widgets of the lab pages: grids, matrices, stepper, shape panel, colour bar.

Widgets are not pages: a page calls their ``retranslate`` / ``rescale`` / ``retheme``
from its own hooks.
"""

from __future__ import annotations

import math
from typing import Callable

from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.numbers import MINUS, fmt_factor, fmt_num  # noqa: F401  (the pages import them from here)


add_strings({
    "why.running": {"en": "Training is running: pause or stop it first.",
                    "fr": "Un entraînement est en cours : mettez-le en pause ou arrêtez-le d'abord."},
    "why.stopping": {"en": "The run is stopping…", "fr": "L'entraînement s'arrête…"},
    "why.not_running": {"en": "Nothing is training.", "fr": "Aucun entraînement en cours."},
    "why.no_run": {"en": "There is no run to stop.", "fr": "Il n'y a pas d'entraînement à arrêter."},
    "why.untrained": {"en": "The model is untrained: nothing to reset.",
                      "fr": "Le modèle n'est pas entraîné : rien à réinitialiser."},
    "why.no_copy": {"en": "The first copy of the model being trained is not ready yet.",
                    "fr": "La première copie du modèle en cours d'entraînement n'est pas encore prête."},
    "why.no_pretrained": {"en": "No pre-trained model is installed.", "fr": "Aucun modèle pré-entraîné n'est installé."},
    "why.busy": {"en": "A computation is running: wait for it or stop it.",
                 "fr": "Un calcul est en cours : attendez sa fin ou arrêtez-le."},
    "why.idle": {"en": "Nothing is running.", "fr": "Aucun calcul en cours."},
})

WHY = "aeviz_why"  # widget property: (i18n key, values) of why it is disabled


def enable(widget, enabled: bool, why_key: str | None = None, **values) -> None:
    """Enable ``widget``; when disabled, its tooltip says why (re-translated by ``retranslate_reasons``)."""
    widget.setEnabled(enabled)
    reason = None if enabled or why_key is None else (why_key, values)
    widget.setProperty(WHY, reason)
    widget.setToolTip(tr(why_key, **values) if reason else "")


def retranslate_reasons(root) -> None:
    """Re-render the disabled-because tooltips under ``root`` in the current language."""
    from PySide6.QtWidgets import QWidget

    for widget in root.findChildren(QWidget):
        reason = widget.property(WHY)
        if reason:
            key, values = reason
            widget.setToolTip(tr(key, **values))


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
