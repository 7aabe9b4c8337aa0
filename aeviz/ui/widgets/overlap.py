"""Overlap map: how many kernel taps land on each output cell of a transposed convolution.

With a 3×3 kernel and stride 2 the counts alternate (1, 2, 4 in the interior): the
uneven overlap behind checkerboard artefacts (Odena, Dumoulin & Olah, 2016). Every
cell writes its count; the shading only repeats it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from aeviz.core.conv import overlap_count
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import Translatable
from aeviz.ui.widgets.matrix_view import MatrixView

add_strings({
    "overlap.explain": {
        "en": "Each cell shows how many kernel taps of the transposed convolution land on it. Uneven counts make "
              "the checkerboard artefacts described by Odena et al. (2016): try a 3×3 kernel with stride 2, "
              "then fill the input with ones — the output repeats the pattern.",
        "fr": "Chaque case indique combien de coefficients du noyau de la convolution transposée y tombent. Des "
              "nombres inégaux donnent les artefacts en damier décrits par Odena et al. (2016) : essayez un noyau "
              "3×3 avec un pas de 2, puis remplissez l'entrée de uns — la sortie reproduit le motif."},
    "overlap.map": {"en": "Overlap count", "fr": "Nombre de recouvrements"},
    "overlap.output": {"en": "Output y for the current input", "fr": "Sortie y pour l'entrée actuelle"},
    "overlap.ones": {"en": "Fill the input with ones", "fr": "Remplir l'entrée de uns"},
    "overlap.demo": {"en": "Checkerboard demo: 3×3 kernel of ones, stride 2",
                     "fr": "Démo du damier : noyau 3×3 de uns, pas de 2"},
    "overlap.none": {"en": "No map: the geometry is impossible.", "fr": "Pas de carte : la géométrie est impossible."},
})


class OverlapPanel(QWidget, Translatable):
    fill_ones = Signal()
    demo = Signal()

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self.state = state
        layout = QGridLayout(self)
        explain = QLabel()
        explain.setWordWrap(True)
        self.bind(explain.setText, "overlap.explain")
        layout.addWidget(explain, 0, 0, 1, 3)
        ones, demo = QPushButton(), QPushButton()
        self.bind(ones.setText, "overlap.ones")
        self.bind(demo.setText, "overlap.demo")
        ones.clicked.connect(self.fill_ones.emit)
        demo.clicked.connect(self.demo.emit)
        layout.addWidget(ones, 1, 0)
        layout.addWidget(demo, 1, 1)
        self.map_view = MatrixView(state, base_cell=34)
        self.map_view.color_mode = "heat"
        self.out_view = MatrixView(state, base_cell=34)
        self.out_view.color_mode = "heat"
        self.status = QLabel()
        layout.addWidget(self.status, 2, 0, 1, 3)
        layout.addWidget(self.map_view, 3, 0, Qt.AlignTop | Qt.AlignLeft)
        layout.addWidget(self.out_view, 3, 1, Qt.AlignTop | Qt.AlignLeft)
        layout.setRowStretch(4, 1)
        layout.setColumnStretch(2, 1)
        self.counts = None

    def update_map(self, geometry, output) -> None:
        if geometry is None:
            self.counts = None
            self.status.setText(tr("overlap.none"))
            return
        self.status.clear()
        self.counts = overlap_count(geometry.input_shape, geometry.kernel_shape, geometry.stride, geometry.padding,
                                    geometry.output_padding, geometry.dilation)
        self.map_view.set_data(self.counts)
        self.out_view.set_data(np.asarray(output))

    def retranslate(self) -> None:
        super().retranslate()
        self.map_view.set_caption(tr("overlap.map"))
        self.out_view.set_caption(tr("overlap.output"))

    def rescale(self) -> None:
        self.map_view.rescale()
        self.out_view.rescale()
