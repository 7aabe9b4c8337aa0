"""Morphing (morphing d'images): walk from the code of A to the code of B and decode each step.

Beside the decoded code, the pixel blend (1−α)·A + α·B shows the difference between a
semantic average (a plausible digit) and a superposition (two ghosts). The distance
to the nearest data code says whether the path leaves the region the decoder learnt.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QSlider, QSpinBox, QVBoxLayout, QWidget)

from aeviz.core import latent as L
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.numbers import fmt_float, fmt_sig
from aeviz.ui.pages.latent_export import ask_and_write
from aeviz.state.latent import STEPS_RANGE
from aeviz.ui.pages.latent_session import DATA_FIELDS, MAP_FIELDS, LatentTab, blocked, fit_views
from aeviz.ui.widgets.digit_view import DigitView
from aeviz.ui.widgets.flow_layout import FlowLayout
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


PATH_KINDS = ("lerp", "slerp")
#: sides (at zoom 1) of A, the decoded code, the blend and B; folded, they grow up to MAX_GROWTH×
VIEW_SIDES = (64, 112, 112, 64)
MAX_GROWTH = 1.8
#: strip cell (at zoom 1), by folded
STRIP_CELL = {False: 38, True: 64}
#: fields that change the path (and so the strip and the drawing on the map)
PATH_FIELDS = frozenset({"row_a", "row_b", "path_kind", "morph_steps", "image_set", "model_source", "pretrained_id", "model_path"})


class MorphTab(LatentTab):
    name = "morph"
    fields = DATA_FIELDS | MAP_FIELDS | frozenset({"row_a", "row_b", "morph_pick", "morph_alpha", "path_kind", "morph_steps"})

    def __init__(self, state, session, scatter, store, edit, parent=None):
        super().__init__(state, session, scatter, store, edit, parent)
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
        self._folded = False
        self.view_a, self.view_b = DigitView(state, VIEW_SIDES[0]), DigitView(state, VIEW_SIDES[3])
        self.decoded, self.blend = DigitView(state, VIEW_SIDES[1]), DigitView(state, VIEW_SIDES[2])
        self.big_views = (self.view_a, self.decoded, self.blend, self.view_b)
        for view in self.big_views:  # squeezable, so a narrow tab shrinks (and then refits) them
            view.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.alpha = QSlider(Qt.Horizontal)
        self.alpha.setRange(0, 100)
        self.alpha.setValue(50)
        self.alpha_label = QLabel()
        self.method = QComboBox()
        self.distance = QLabel()
        self.distance.setWordWrap(True)
        self.steps = QSpinBox()
        self.steps.setRange(*STEPS_RANGE)
        self.steps.setValue(9)
        self.steps_label = QLabel()
        self.bind(self.steps_label.setText, "morph.steps")
        self.strip = ImageGrid(state, columns=9, cell=STRIP_CELL[False])
        self.png_button, self.gif_button = QPushButton(), QPushButton()
        self.bind(self.png_button.setText, "morph.save_png")
        self.bind(self.gif_button.setText, "morph.save_gif")
        self.gallery_label = QLabel()
        self.bind(self.gallery_label.setText, "morph.gallery")
        self.gallery = ImageGrid(state, columns=10, cell=30)
        self.gallery_rows = np.zeros(0, np.int64)
        self._fill_method()
        # --- layout
        indices = QWidget()   # the indices go under the buttons when the tab is too narrow for both
        index_row = QHBoxLayout(indices)
        index_row.setContentsMargins(0, 0, 0, 0)
        for w in (self.index_label, *self.spins):
            index_row.addWidget(w)
        picks = QWidget()
        FlowLayout(picks).add_widgets(*self.pick_buttons, indices)
        big = QGridLayout()
        for col, w in enumerate(self.big_views):
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
        self.controls = [intro, picks, *self.pick_buttons, self.index_label, *self.spins, self.steps_label,
                         self.steps, self.png_button, self.gif_button, self.gallery_label, self.gallery]
        self.scale_font(self.alpha_label, 1.2, bold=True)
        # --- wiring: every edit goes into the store
        self.spins[0].valueChanged.connect(lambda v: self.edit(row_a=v))
        self.spins[1].valueChanged.connect(lambda v: self.edit(row_b=v))
        self.pick_group.idClicked.connect(lambda i: self.edit(morph_pick="ab"[i]))
        self.alpha.valueChanged.connect(lambda v: self.edit(morph_alpha=v / 100.0))
        self.method.activated.connect(lambda i: self.edit(path_kind=PATH_KINDS[i]))
        self.steps.valueChanged.connect(lambda v: self.edit(morph_steps=v))
        self.png_button.clicked.connect(self._save_png)
        self.gif_button.clicked.connect(self._save_gif)
        self.gallery.clicked.connect(self._on_gallery)
        self.retranslate()

    def stage(self) -> list:
        return [self.view_a, self.decoded, self.blend, self.view_b, self.strip]

    def fold(self, folded: bool) -> None:
        """Folded (presentation), A, B, the decoded code and the blend grow into the room the
        settings leave, as far as the tab's width allows; the strip's cells grow and fit that width."""
        super().fold(folded)
        self._folded = folded
        self.strip.set_cell(STRIP_CELL[folded])
        self._fit_views()

    def _fit_views(self) -> None:
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right() - 3 * self.layout().spacing() - self.state.px(8)
        fit_views(self.big_views, VIEW_SIDES, room, MAX_GROWTH if self._folded else 1.0)

    def rescale(self) -> None:
        super().rescale()
        self._fit_views()  # the same room holds fewer pixels of a larger scale

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_views()

    def _on_gallery(self, index: int) -> None:
        if 0 <= index < len(self.gallery_rows):
            self.store.replace(self.store.value.with_click(int(self.gallery_rows[index])))

    # --- computing ----------------------------------------------------------------------------
    def rows(self, value=None) -> tuple[int, int]:
        """Rows of A and B in the codes shown."""
        value = value or self.store.value
        return self.session.clamp(value.row_a), self.session.clamp(value.row_b)

    def codes_ab(self):
        a, b = self.rows()
        return self.session.codes[a], self.session.codes[b]

    def code_at(self, alpha: float) -> np.ndarray:
        za, zb = self.codes_ab()
        if self.store.value.path_kind == "slerp":
            return L.slerp(za, zb, alpha, self.center)
        return L.lerp(za, zb, alpha)

    def path(self) -> np.ndarray:
        za, zb = self.codes_ab()
        value = self.store.value
        return L.interpolation_path(za, zb, value.morph_steps, value.path_kind, self.center)

    def strip_images(self) -> np.ndarray:
        return self.session.decode(self.path())

    # --- showing ------------------------------------------------------------------------------
    def render(self, value, changed: frozenset) -> None:
        s = self.session
        if changed & {"image_set", "model_source", "pretrained_id", "model_path"} or self.center is None:
            self._on_codes()
        a, b = self.rows(value)
        with blocked(*self.spins, self.alpha, self.steps, self.method, *self.pick_buttons):
            for spin, row in zip(self.spins, (a, b)):
                spin.setRange(0, len(s.codes) - 1)
                spin.setValue(row)
            self.pick_buttons["ab".index(value.morph_pick)].setChecked(True)
            self.alpha.setValue(round(value.morph_alpha * 100))
            self.steps.setValue(value.morph_steps)
            self.method.setCurrentIndex(PATH_KINDS.index(value.path_kind))
        self.view_a.set_caption(tr("morph.a", i=a))
        self.view_b.set_caption(tr("morph.b", i=b))
        if changed & PATH_FIELDS:
            self.view_a.set_image(s.image(a))
            self.view_b.set_image(s.image(b))
            self.strip.columns = value.morph_steps
            self.strip.set_images(self.strip_images())
        self._show_alpha(value)
        self.draw_on_scatter()

    def _on_codes(self) -> None:
        s = self.session
        self.center = s.codes.mean(axis=0)
        labels = s.dataset.labels
        picks = [np.flatnonzero(labels == c)[:2] for c in range(len(s.dataset.class_names))]
        self.gallery_rows = np.concatenate([p[:1] for p in picks] + [p[1:2] for p in picks]).astype(np.int64)
        self.gallery.set_images(s.dataset.images[self.gallery_rows])

    def _show_alpha(self, value) -> None:
        """α: one decoded code and one pixel blend (fast enough for every slider tick)."""
        s, alpha = self.session, value.morph_alpha
        a, b = self.rows(value)
        z = self.code_at(alpha)
        self.decoded.set_image(s.decode(z[None])[0])
        self.blend.set_image((1 - alpha) * s.image(a) + alpha * s.image(b))
        self.alpha_label.setText(tr("morph.alpha", a=fmt_float(alpha, 2)))
        d = s.distance_to_data(z)
        ratio = d / max(s.spacing, 1e-12)
        verdict = "morph.near" if ratio < 3 else "morph.edge" if ratio < 10 else "morph.far"
        self.distance.setText(tr("morph.distance", d=fmt_sig(d, 3), r=fmt_float(ratio, 1), verdict=tr(verdict)))

    def draw_on_scatter(self) -> None:
        """A, B, the path and the current code on the map while this tab is shown; nothing otherwise."""
        s = self.session
        if not self.active:
            self.scatter.set_path(None)
            for name in ("A", "B", "now"):
                self.scatter.set_mark(name, None)
            return
        self.scatter.set_path(s.project(self.path()) if s.linear_view else None)
        for name, row, symbol in zip(("A", "B"), self.rows(), ("t", "s")):
            self.scatter.set_mark(name, s.view_point_of_row(row), symbol)
        self.scatter.set_mark("now", s.project(self.code_at(self.store.value.morph_alpha))[0] if s.linear_view else None, "+")

    # --- files and texts ----------------------------------------------------------------------
    def _save_png(self) -> None:
        ask_and_write(self, "morph.png", "latent.filter_png", ".png", lambda: L.strip_png(self.strip_images()))

    def _save_gif(self) -> None:
        ask_and_write(self, "morph.gif", "latent.filter_gif", ".gif", lambda: L.strip_gif(self.strip_images()))

    def _fill_method(self) -> None:
        with blocked(self.method):
            index = max(0, self.method.currentIndex())
            self.method.clear()
            self.method.addItem(tr("morph.lerp"))
            self.method.addItem(tr("morph.slerp"))
            self.method.setCurrentIndex(index)

    def retranslate(self) -> None:
        self._fill_method()
        self.decoded.set_caption(tr("morph.decoded"))
        self.blend.set_caption(tr("morph.blend"))
        super().retranslate()
