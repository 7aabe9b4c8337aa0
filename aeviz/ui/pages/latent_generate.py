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
from aeviz.state.latent import GEN_COUNT_RANGE, SEED_RANGE
from aeviz.ui.pages.latent_session import DATA_FIELDS, MAP_FIELDS, LatentTab, blocked
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


#: grid cell (at zoom 1), by folded (presentation: larger, fitted to the tab's width)
GRID_CELL = {False: 52, True: 64}


class GenerateTab(LatentTab):
    name = "generate"
    fields = DATA_FIELDS | MAP_FIELDS | frozenset({"gen_source", "gen_seed", "gen_count"})

    def __init__(self, state, session, scatter, store, edit, parent=None):
        super().__init__(state, session, scatter, store, edit, parent)
        self.codes = np.zeros((0, 2), np.float32)
        self._drawn_for = None
        intro, note = QLabel(), QLabel()
        intro.setWordWrap(True)
        note.setWordWrap(True)
        self.bind(intro.setText, "gen.intro")
        self.bind(note.setText, "gen.note")
        self.source = QComboBox()
        self.seed = QSpinBox()
        self.seed.setRange(*SEED_RANGE)
        self.count = QSpinBox()
        self.count.setRange(*GEN_COUNT_RANGE)
        self.count.setValue(32)
        self.resample = QPushButton()
        self.bind(self.resample.setText, "gen.resample")
        self.grid = ImageGrid(state, columns=8, cell=GRID_CELL[False])
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
        self.controls = [intro, *labels, self.source, self.seed, self.count, self.resample]
        self.source.activated.connect(lambda i: self.edit(gen_source=("gaussian", "prior")[i]))
        self.seed.valueChanged.connect(lambda v: self.edit(gen_seed=v))
        self.count.valueChanged.connect(lambda v: self.edit(gen_count=v))
        self.resample.clicked.connect(lambda: self.edit(gen_seed=(self.store.value.gen_seed + 1) % (SEED_RANGE[1] + 1)))
        self.retranslate()

    def stage(self) -> list:
        return [self.grid]

    def fold(self, folded: bool) -> None:
        """Folded, the cells grow (the grid then fits them to the tab's width)."""
        super().fold(folded)
        self.grid.set_cell(GRID_CELL[folded])

    def uses_prior(self, value) -> bool:
        """The VAE prior only exists for a VAE; any other model draws from the fitted Gaussian."""
        return value.gen_source == "prior" and self.session.is_vae

    def sample(self, value) -> np.ndarray:
        s = self.session
        if self.uses_prior(value):
            return s.sample_prior(value.gen_count, value.gen_seed)
        return s.gaussian().sample(value.gen_count, value.gen_seed)

    def render(self, value, changed: frozenset) -> None:
        self._fill_sources()
        with blocked(self.source, self.seed, self.count):
            self.source.setCurrentIndex(1 if self.uses_prior(value) else 0)
            self.seed.setValue(value.gen_seed)
            self.count.setValue(value.gen_count)
        drawn_for = (self.session.key, self.uses_prior(value), value.gen_seed, value.gen_count)
        if drawn_for != self._drawn_for:
            self._drawn_for = drawn_for
            self.codes = self.sample(value)
            self.grid.set_images(self.session.decode(self.codes))
        s = self.session
        show = self.active and s.linear_view and len(self.codes) and self.codes.shape[1] == s.k
        self.scatter.set_samples(s.project(self.codes) if show else None)

    def _fill_sources(self) -> None:
        with blocked(self.source):
            index = max(0, self.source.currentIndex())
            self.source.clear()
            self.source.addItem(tr("gen.gaussian"))
            if self.session.is_vae:
                self.source.addItem(tr("gen.prior"))
            self.source.setCurrentIndex(min(index, self.source.count() - 1))

    def retranslate(self) -> None:
        self._fill_sources()
        super().retranslate()
