"""Generation (lesson 1, "générer de nouvelles données"): draw new codes, decode them.

For a plain autoencoder the codes are drawn from a Gaussian fitted to the data's codes
(its mean and covariance); for a VAE also from the prior N(0, I) it was trained to
match. A fixed seed gives the same grid again; "Re-sample" moves to the next seed. The
samples are drawn on the scatter, so students see where the new images come from.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QVBoxLayout

from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.latent_session import LatentTab
from aeviz.ui.widgets.image_grid import ImageGrid
from aeviz.ui.widgets.lab_layout import two_rows

add_strings({
    "gen.intro": {"en": "New images that are in no data set: draw codes, then decode them.",
                  "fr": "De nouvelles images qui ne sont dans aucune base : tirer des codes, puis les décoder."},
    "gen.source": {"en": "Codes drawn from:", "fr": "Codes tirés de :"},
    "gen.gaussian": {"en": "a Gaussian fitted to the data's codes", "fr": "une gaussienne ajustée aux codes des données"},
    "gen.prior": {"en": "the VAE prior N(0, I)", "fr": "la loi a priori du VAE N(0, I)"},
    "gen.seed": {"en": "Seed:", "fr": "Graine :"},
    "gen.count": {"en": "Images:", "fr": "Images :"},
    "gen.resample": {"en": "Re-sample", "fr": "Nouveau tirage"},
    "gen.note": {"en": "The codes drawn are marked × on the map (linear views only).",
                 "fr": "Les codes tirés sont marqués × sur la carte (vues linéaires seulement)."},
})


GAUSSIAN, PRIOR = "gaussian", "prior"  # combo data, not shown

class GenerateTab(LatentTab):
    def __init__(self, state, session, scatter, parent=None):
        super().__init__(state, session, scatter, parent)
        self.codes = np.zeros((0, 2), np.float32)
        intro, note = QLabel(), QLabel()
        intro.setWordWrap(True)
        note.setWordWrap(True)
        self.bind(intro.setText, "gen.intro")
        self.bind(note.setText, "gen.note")
        self.source = QComboBox()
        self.seed = QSpinBox()
        self.seed.setRange(0, 999_999)
        self.count = QSpinBox()
        self.count.setRange(4, 64)
        self.count.setValue(32)
        self.resample = QPushButton()
        self.bind(self.resample.setText, "gen.resample")
        self.grid = ImageGrid(state, columns=8, cell=52)
        labels = [QLabel(), QLabel(), QLabel()]
        for label, key in zip(labels, ("gen.source", "gen.seed", "gen.count")):
            self.bind(label.setText, key)
        row, row2 = two_rows((labels[0], self.source), (labels[1], self.seed, labels[2], self.count, self.resample))
        col = QVBoxLayout(self)
        col.addWidget(intro)
        col.addLayout(row)
        col.addLayout(row2)
        col.addWidget(self.grid)
        col.addWidget(note)
        col.addStretch(1)
        self.source.activated.connect(self.generate)
        self.seed.valueChanged.connect(self.generate)
        self.count.valueChanged.connect(self.generate)
        self.resample.clicked.connect(lambda: self.seed.setValue(self.seed.value() + 1))
        session.codes_changed.connect(self._on_codes)
        session.view_changed.connect(self._draw)
        self.retranslate()

    def _on_codes(self) -> None:
        self.retranslate()
        self.generate()

    def sample(self) -> np.ndarray:
        s, n, seed = self.session, self.count.value(), self.seed.value()
        if self.source.currentData() == PRIOR and s.is_vae:
            return s.sample_prior(n, seed)
        return s.gaussian().sample(n, seed)

    def generate(self, *_args) -> None:
        if not self.session.ready:
            return
        self.codes = self.sample()
        self.grid.set_images(self.session.decode(self.codes))
        self._draw()

    def _draw(self) -> None:
        s = self.session
        show = self.active and s.ready and s.linear_view and len(self.codes) and self.codes.shape[1] == s.k
        self.scatter.set_samples(s.project(self.codes) if show else None)

    def set_active(self, on: bool) -> None:
        super().set_active(on)
        self._draw()

    def retranslate(self) -> None:
        super().retranslate()
        index = max(0, self.source.currentIndex())
        self.source.clear()
        self.source.addItem(tr("gen.gaussian"), GAUSSIAN)
        if self.session.is_vae:
            self.source.addItem(tr("gen.prior"), PRIOR)
        self.source.setCurrentIndex(min(index, self.source.count() - 1))
