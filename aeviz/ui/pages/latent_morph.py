"""Morphing (morphing d'images): walk from the code of A to the code of B and decode each step.

Beside the decoded code, the pixel blend (1−α)·A + α·B shows the difference between a
semantic average (a plausible digit) and a superposition (two ghosts). The distance
to the nearest data code says whether the path leaves the region the decoder learnt.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSlider,
                               QSpinBox, QVBoxLayout)

from aeviz.core import latent as L
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.numbers import fmt_float, fmt_sig
from aeviz.ui.pages.latent_export import ask_and_write
from aeviz.ui.pages.latent_session import LatentTab
from aeviz.ui.widgets.digit_view import DigitView
from aeviz.ui.widgets.image_grid import ImageGrid

add_strings({
    "morph.intro": {"en": "Pick A and B: the button says which one the next click (a point on the map or a digit below) "
                          "sets; or type an index. Then move α.",
                    "fr": "Choisissez A et B : le bouton indique lequel le prochain clic (un point de la carte ou un "
                          "chiffre ci-dessous) choisit ; ou tapez un numéro. Puis déplacez α."},
    "morph.pick_a": {"en": "Pick A", "fr": "Choisir A"},
    "morph.pick_b": {"en": "Pick B", "fr": "Choisir B"},
    "morph.a": {"en": "A (#{i})", "fr": "A (n° {i})"},
    "morph.b": {"en": "B (#{i})", "fr": "B (n° {i})"},
    "morph.index": {"en": "Index of A, of B:", "fr": "Numéro de A, de B :"},
    "morph.alpha": {"en": "α = {a}", "fr": "α = {a}"},
    "morph.lerp": {"en": "Straight line (lerp)", "fr": "Ligne droite (lerp)"},
    "morph.slerp": {"en": "Arc around the mean code (slerp)", "fr": "Arc autour du code moyen (slerp)"},
    "morph.decoded": {"en": "Decoded code", "fr": "Code décodé"},
    "morph.blend": {"en": "Pixel blend", "fr": "Mélange des pixels"},
    "morph.distance": {"en": "Distance to the nearest data code: {d} ({r}× the usual gap between "
                             "neighbours) — {verdict}",
                       "fr": "Distance au code de données le plus proche : {d} ({r}× l'écart habituel "
                             "entre voisins) — {verdict}"},
    "morph.near": {"en": "among the data", "fr": "au milieu des données"},
    "morph.edge": {"en": "at the edge of the data", "fr": "au bord des données"},
    "morph.far": {"en": "far from the data: the decoder is guessing",
                  "fr": "loin des données : le décodeur extrapole"},
    "morph.steps": {"en": "Steps in the strip:", "fr": "Étapes de la bande :"},
    "morph.save_png": {"en": "Strip as PNG…", "fr": "Bande en PNG…"},
    "morph.save_gif": {"en": "Animated GIF…", "fr": "GIF animé…"},
    "morph.gallery": {"en": "Gallery (two of each class):", "fr": "Galerie (deux par classe) :"},
})


LERP, SLERP = "lerp", "slerp"  # combo data, not shown

class MorphTab(LatentTab):
    def __init__(self, state, session, scatter, parent=None):
        super().__init__(state, session, scatter, parent)
        self.rows = [-1, -1]  # dataset rows of A and B
        self.center = None
        intro = QLabel()
        intro.setWordWrap(True)
        self.bind(intro.setText, "morph.intro")
        self.pick_buttons = [QPushButton(), QPushButton()]
        self.pick_group = QButtonGroup(self)
        for i, (button, key) in enumerate(zip(self.pick_buttons, ("morph.pick_a", "morph.pick_b"))):
            button.setCheckable(True)
            self.bind(button.setText, key)
            self.pick_group.addButton(button, i)
        self.pick_buttons[0].setChecked(True)
        self.index_label = QLabel()
        self.bind(self.index_label.setText, "morph.index")
        self.spins = [QSpinBox(), QSpinBox()]
        self.view_a, self.view_b = DigitView(state, 64), DigitView(state, 64)
        self.decoded, self.blend = DigitView(state, 112), DigitView(state, 112)
        self.alpha = QSlider(Qt.Horizontal)
        self.alpha.setRange(0, 100)
        self.alpha.setValue(50)
        self.alpha_label = QLabel()
        self.method = QComboBox()
        self.distance = QLabel()
        self.distance.setWordWrap(True)
        self.steps = QSpinBox()
        self.steps.setRange(3, 15)
        self.steps.setValue(9)
        self.steps_label = QLabel()
        self.bind(self.steps_label.setText, "morph.steps")
        self.strip = ImageGrid(state, columns=9, cell=38)
        self.png_button, self.gif_button = QPushButton(), QPushButton()
        self.bind(self.png_button.setText, "morph.save_png")
        self.bind(self.gif_button.setText, "morph.save_gif")
        self.gallery_label = QLabel()
        self.bind(self.gallery_label.setText, "morph.gallery")
        self.gallery = ImageGrid(state, columns=10, cell=30)
        self.gallery_rows = np.zeros(0, np.int64)
        self.retranslate()
        # --- layout
        picks = QHBoxLayout()
        for w in (self.pick_buttons[0], self.pick_buttons[1], self.index_label, self.spins[0], self.spins[1]):
            picks.addWidget(w)
        picks.addStretch(1)
        big = QGridLayout()
        for col, w in enumerate((self.view_a, self.decoded, self.blend, self.view_b)):
            big.addWidget(w, 0, col, Qt.AlignHCenter | Qt.AlignBottom)
        alpha_row = QHBoxLayout()
        alpha_row.addWidget(self.alpha_label)
        alpha_row.addWidget(self.alpha, 1)
        alpha_row.addWidget(self.method)
        strip_row = QHBoxLayout()
        for w in (self.steps_label, self.steps, self.png_button, self.gif_button):
            strip_row.addWidget(w)
        strip_row.addStretch(1)
        col = QVBoxLayout(self)
        for item in (intro, picks, big, alpha_row, self.distance, strip_row, self.strip, self.gallery_label,
                     self.gallery):
            (col.addLayout if not hasattr(item, "show") else col.addWidget)(item)
        col.addStretch(1)
        self.scale_font(self.alpha_label, 1.2, bold=True)
        # --- wiring
        for i, spin in enumerate(self.spins):
            spin.valueChanged.connect(self._on_spin)
        self.alpha.valueChanged.connect(self.update_morph)
        self.method.activated.connect(self.update_all)
        self.steps.valueChanged.connect(self.update_all)
        self.png_button.clicked.connect(self._save_png)
        self.gif_button.clicked.connect(self._save_gif)
        self.gallery.clicked.connect(self._on_gallery)
        session.codes_changed.connect(self._on_codes)
        session.view_changed.connect(self._draw_on_scatter)
        session.selection_changed.connect(self._on_selected)

    # --- endpoints ----------------------------------------------------------------------------
    def _on_codes(self) -> None:
        s = self.session
        self.center = s.codes.mean(axis=0)
        for spin in self.spins:
            spin.blockSignals(True)
            spin.setRange(0, len(s.codes) - 1)
            spin.blockSignals(False)
        labels = s.dataset.labels
        picks = [np.flatnonzero(labels == c)[:2] for c in range(len(s.dataset.class_names))]
        self.gallery_rows = np.concatenate([p[:1] for p in picks] + [p[1:2] for p in picks])
        self.gallery.set_images(s.dataset.images[self.gallery_rows])
        if not all(0 <= r < len(s.codes) for r in self.rows):
            first = [int(p[0]) for p in picks if len(p)]
            self.rows = [first[0], first[min(1, len(first) - 1)]]
        self.set_endpoint(0, self.rows[0], advance=False)
        self.set_endpoint(1, self.rows[1], advance=False)

    def set_endpoint(self, which: int, row: int, advance: bool = True) -> None:
        if not self.session.ready or not 0 <= row < len(self.session.codes):
            return
        self.rows[which] = int(row)
        self.spins[which].blockSignals(True)
        self.spins[which].setValue(int(row))
        self.spins[which].blockSignals(False)
        if advance:
            self.pick_buttons[1 - which].setChecked(True)
        self.retranslate()
        self.update_all()

    def _on_spin(self, _value: int) -> None:
        which = 0 if self.sender() is self.spins[0] else 1
        self.set_endpoint(which, self.spins[which].value(), advance=False)

    def _on_selected(self, row: int) -> None:
        if self.active:
            self.set_endpoint(self.pick_group.checkedId(), row)

    def _on_gallery(self, index: int) -> None:
        if 0 <= index < len(self.gallery_rows):
            self.set_endpoint(self.pick_group.checkedId(), int(self.gallery_rows[index]))

    # --- computing ----------------------------------------------------------------------------
    def codes_ab(self):
        return self.session.codes[self.rows[0]], self.session.codes[self.rows[1]]

    def code_at(self, alpha: float) -> np.ndarray:
        za, zb = self.codes_ab()
        if self.method.currentData() == "slerp":
            return L.slerp(za, zb, alpha, self.center)
        return L.lerp(za, zb, alpha)

    def path(self) -> np.ndarray:
        za, zb = self.codes_ab()
        return L.interpolation_path(za, zb, self.steps.value(), self.method.currentData() or "lerp", self.center)

    def strip_images(self) -> np.ndarray:
        return self.session.decode(self.path())

    def update_all(self, *_args) -> None:
        if not self.session.ready:
            return
        s = self.session
        self.view_a.set_image(s.image(self.rows[0]))
        self.view_b.set_image(s.image(self.rows[1]))
        self.strip.columns = self.steps.value()
        self.strip.set_images(self.strip_images())
        self.update_morph()
        self._draw_on_scatter()

    def update_morph(self, *_args) -> None:
        """α moved: decode one code and blend two images (fast enough for every slider tick)."""
        if not self.session.ready:
            return
        s, a = self.session, self.alpha.value() / 100.0
        z = self.code_at(a)
        self.decoded.set_image(s.decode(z[None])[0])
        self.blend.set_image((1 - a) * s.image(self.rows[0]) + a * s.image(self.rows[1]))
        self.alpha_label.setText(tr("morph.alpha", a=fmt_float(a, 2)))
        d = s.distance_to_data(z)
        ratio = d / max(s.spacing, 1e-12)
        verdict = "morph.near" if ratio < 3 else "morph.edge" if ratio < 10 else "morph.far"
        self.distance.setText(tr("morph.distance", d=fmt_sig(d, 3), r=fmt_float(ratio, 1), verdict=tr(verdict)))
        if self.active and s.linear_view:
            self.scatter.set_mark("now", s.project(z)[0], "+")

    def _draw_on_scatter(self) -> None:
        s = self.session
        if not self.active or not s.ready:
            return
        self.scatter.set_path(s.project(self.path()) if s.linear_view else None)
        for name, row, symbol in (("A", self.rows[0], "t"), ("B", self.rows[1], "s")):
            self.scatter.set_mark(name, s.view_point_of_row(row), symbol)
        if not s.linear_view:
            self.scatter.set_mark("now", None)

    def set_active(self, on: bool) -> None:
        super().set_active(on)
        if on:
            self._draw_on_scatter()
            self.update_morph()
        else:
            self.scatter.set_path(None)
            for name in ("A", "B", "now"):
                self.scatter.set_mark(name, None)

    # --- files and texts ----------------------------------------------------------------------
    def _save_png(self) -> None:
        if self.session.ready:
            ask_and_write(self, "morph.png", "latent.filter_png", ".png", lambda: L.strip_png(self.strip_images()))

    def _save_gif(self) -> None:
        if self.session.ready:
            ask_and_write(self, "morph.gif", "latent.filter_gif", ".gif", lambda: L.strip_gif(self.strip_images()))

    def retranslate(self) -> None:
        super().retranslate()
        index = max(0, self.method.currentIndex())
        self.method.clear()
        self.method.addItem(tr("morph.lerp"), LERP)
        self.method.addItem(tr("morph.slerp"), SLERP)
        self.method.setCurrentIndex(index)
        self.view_a.set_caption(tr("morph.a", i=self.rows[0]))
        self.view_b.set_caption(tr("morph.b", i=self.rows[1]))
        self.decoded.set_caption(tr("morph.decoded"))
        self.blend.set_caption(tr("morph.blend"))
        self.update_morph()

    def prepare_for_screenshot(self) -> None:
        s = self.session
        if s.ready:
            labels = s.dataset.labels
            self.set_endpoint(0, int(np.flatnonzero(labels == 1)[0]), advance=False)
            self.set_endpoint(1, int(np.flatnonzero(labels == 7)[0]), advance=False)
            self.alpha.setValue(50)
