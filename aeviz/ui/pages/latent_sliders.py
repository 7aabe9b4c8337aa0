"""Code sliders (curseurs du code): set each number of the code by hand and decode it live.

Slider ranges are the 1st–99th percentiles of the data's codes, so every position is
a value the encoder actually produces. With a 2-D code the whole plane is shown as a
manifold map (a grid of decoded codes) and a target on the scatter can be dragged:
the decoder's view of every place on the map.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QVBoxLayout, QWidget

from aeviz.core import latent as L
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.numbers import fmt_float
from aeviz.state.latent import round_code
from aeviz.ui.pages.latent_session import DATA_FIELDS, MAP_FIELDS, MAX_SLIDERS, LatentTab, blocked, fit_views
from aeviz.ui.widgets.digit_view import DigitView
from aeviz.ui.widgets.image_grid import mosaic, to_uint8

STEPS = 1000
MANIFOLD_N = 15
#: sides (at zoom 1) of the decoded code and the manifold map, before fitting the tab's width
VIEW_SIDES = (150, 300)

add_strings({
    "sliders.intro": {"en": "Each slider is one number of the code (range: 1st to 99th percentile of the data).",
                      "fr": "Chaque curseur est un nombre du code (plage : du 1er au 99e centile des données)."},
    "sliders.intro2": {"en": " Drag the target ⊕ on the map: the image decodes as it moves.",
                       "fr": " Faites glisser la cible ⊕ sur la carte : l'image se décode en direct."},
    "sliders.too_many": {"en": "Only the first {m} of {k} numbers have sliders; the others keep their value.",
                         "fr": "Seuls les {m} premiers des {k} nombres ont un curseur ; les autres gardent leur valeur."},
    "sliders.from_selection": {"en": "Start from the selected image", "fr": "Partir de l'image sélectionnée"},
    "sliders.mean": {"en": "Mean code", "fr": "Code moyen"},
    "sliders.dim": {"en": "z{i}", "fr": "z{i}"},
    "sliders.decoded": {"en": "Decoded", "fr": "Décodé"},
    "sliders.manifold": {"en": "Manifold map: decoded grid over the plane",
                         "fr": "Carte de la variété : grille décodée sur le plan"},
})


class SlidersTab(LatentTab):
    name = "sliders"
    fields = DATA_FIELDS | MAP_FIELDS | frozenset({"slider_code", "selected_image"})

    def __init__(self, state, session, scatter, store, edit, parent=None):
        super().__init__(state, session, scatter, store, edit, parent)
        self.z = np.zeros(2, np.float32)   # the code shown: the state's, or the selected image's
        self.lo = self.hi = np.zeros(2)
        self.sliders: list[QSlider] = []
        self.value_labels: list[QLabel] = []
        self._manifold_key = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.from_selection, self.mean_button = QPushButton(), QPushButton()
        self.bind(self.from_selection.setText, "sliders.from_selection")
        self.bind(self.mean_button.setText, "sliders.mean")
        self.decoded = DigitView(state, VIEW_SIDES[0])
        self.manifold = DigitView(state, VIEW_SIDES[1])
        for view in (self.decoded, self.manifold):  # squeezable, so a narrow tab shrinks (and then refits) them
            view.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.slider_box = QWidget()
        self.slider_grid = QGridLayout(self.slider_box)
        self.slider_grid.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.from_selection)
        buttons.addWidget(self.mean_button)
        buttons.addStretch(1)
        views = QHBoxLayout()
        views.addWidget(self.decoded, 0, Qt.AlignTop)
        views.addWidget(self.manifold, 1, Qt.AlignTop)
        col = QVBoxLayout(self)
        col.addWidget(self.intro)
        col.addLayout(buttons)
        col.addWidget(self.slider_box)
        col.addLayout(views)
        col.addStretch(1)
        self.controls = [self.intro, self.from_selection, self.mean_button]
        self.from_selection.clicked.connect(self._from_selection)
        self.mean_button.clicked.connect(lambda: self.edit(slider_code=round_code(self.session.codes.mean(axis=0))))
        scatter.target_moved.connect(self._on_target)
        self.retranslate()

    def stage(self) -> list:
        return [self.decoded, *([self.manifold] if not self.manifold.isHidden() else [])]

    def rescale(self) -> None:
        super().rescale()
        self._fit_views()  # the same room holds fewer pixels of a larger scale

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_views()

    def _fit_views(self) -> None:
        """The decoded code and the manifold map shrink to the tab's width rather than run off it."""
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right() - self.layout().spacing() - self.state.px(8)
        fit_views((self.decoded, self.manifold), VIEW_SIDES if not self.manifold.isHidden() else VIEW_SIDES[:1],
                  room, 1.0, 0.3)

    def _from_selection(self) -> None:
        s = self.session
        self.edit(slider_code=round_code(s.codes[s.clamp(self.store.value.selected_image)]))

    def code_of(self, value) -> np.ndarray:
        """The code the sliders show: the state's own, or else the selected image's."""
        s = self.session
        if len(value.slider_code) == s.k:
            return np.asarray(value.slider_code, np.float32)
        return s.codes[s.clamp(value.selected_image)].astype(np.float32)

    def render(self, value, changed: frozenset) -> None:
        s = self.session
        self.lo, self.hi = s.ranges()
        count = min(s.k, MAX_SLIDERS)
        if count != len(self.sliders):
            self._build_sliders(count)
        if self.manifold.isHidden() == (s.k == 2):
            self.manifold.setVisible(s.k == 2)
            self._fit_views()
        if s.k == 2 and self._manifold_key != s.key:
            self._manifold_key = s.key
            grid = s.decode(L.manifold_grid(self.lo, self.hi, MANIFOLD_N))
            self.manifold.set_image(mosaic(to_uint8(grid), MANIFOLD_N, gap=0)[None])
        self._show_intro()
        self.z = self.code_of(value)
        with blocked(*self.sliders):
            for i, slider in enumerate(self.sliders):
                slider.setValue(self._to_step(i, self.z[i]))
        self.decoded.set_image(s.decode(self.z[None])[0])
        for label, v in zip(self.value_labels, self.z):
            label.setText(("+" if v >= 0 else "") + fmt_float(v, 2))
        on = self.active and s.method == "direct"
        self.scatter.show_target(on, self.z[:2] if on else None)

    def _build_sliders(self, count: int) -> None:
        for widget in self.sliders + self.value_labels + self.slider_box.findChildren(QLabel):
            widget.setParent(None)  # off the grid now: deleteLater waits for an event loop
            widget.deleteLater()
        self.sliders, self.value_labels = [], []
        for i in range(count):
            name = QLabel(tr("sliders.dim", i=i + 1))
            slider = QSlider(Qt.Horizontal)
            slider.setRange(0, STEPS)
            slider.valueChanged.connect(lambda step, i=i: self._on_slider(i, step))
            value = QLabel()
            value.setMinimumWidth(self.state.px(56))
            self.slider_grid.addWidget(name, i // 2, 3 * (i % 2))
            self.slider_grid.addWidget(slider, i // 2, 3 * (i % 2) + 1)
            self.slider_grid.addWidget(value, i // 2, 3 * (i % 2) + 2)
            self.sliders.append(slider)
            self.value_labels.append(value)

    def _to_step(self, i: int, v: float) -> int:
        return int(round(np.clip((v - self.lo[i]) / (self.hi[i] - self.lo[i]), 0, 1) * STEPS))

    def _on_slider(self, i: int, step: int) -> None:
        z = self.z.copy()
        z[i] = self.lo[i] + (self.hi[i] - self.lo[i]) * step / STEPS
        self.edit(slider_code=round_code(z))

    def _on_target(self, x: float, y: float) -> None:
        if self.active and self.session.method == "direct":
            z = self.z.copy()
            z[:2] = (x, y)
            self.edit(slider_code=round_code(z))

    def _show_intro(self) -> None:
        k = self.session.k
        text = tr("sliders.intro") + (tr("sliders.intro2") if k == 2 else "")
        if k > MAX_SLIDERS:
            text += " " + tr("sliders.too_many", m=MAX_SLIDERS, k=k)
        self.intro.setText(text)

    def retranslate(self) -> None:
        self.decoded.set_caption(tr("sliders.decoded"))
        self.manifold.set_caption(tr("sliders.manifold"))
        super().retranslate()
