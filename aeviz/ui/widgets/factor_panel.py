"""The factors of X − μ ≈ U·Vᵀ side by side: numbers for a small matrix, images for MNIST.

Small matrix: U, Vᵀ, X̂ = μ + U·Vᵀ and X − X̂ as diverging heat maps with their
numbers (MatrixView). MNIST: the rows of Vᵀ (decoder columns) as 28×28 images
beside the principal components, each image stretched to its own range so a sign
pattern is visible (grey = 0 for the components).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.widgets import Translatable
from aeviz.ui.widgets.image_grid import ImageGrid
from aeviz.ui.widgets.lab_layout import hrow, op_label, vcol
from aeviz.ui.widgets.matrix_view import MatrixView

add_strings({
    "factors.u": {"en": "U (codes, {n}×{k})", "fr": "U (codes, {n}×{k})"},
    "factors.vt": {"en": "Vᵀ (decoder, {k}×{d})", "fr": "Vᵀ (décodeur, {k}×{d})"},
    "factors.xhat": {"en": "X̂ = μ + U·Vᵀ", "fr": "X̂ = μ + U·Vᵀ"},
    "factors.resid": {"en": "X − X̂ (error)", "fr": "X − X̂ (erreur)"},
    "factors.decoder_rows": {"en": "Rows of Vᵀ learnt by the autoencoder (decoder columns)",
                             "fr": "Lignes de Vᵀ apprises par l'auto-encodeur (colonnes du décodeur)"},
    "factors.pcs": {"en": "Principal components (SVD): orthonormal, ordered by variance",
                    "fr": "Composantes principales (SVD) : orthonormées, rangées par variance"},
    "factors.images_hint": {"en": "Each image is stretched to its own range (grey = 0). Same subspace, different basis: "
                                  "each learnt row is a mix of the components.",
                            "fr": "Chaque image est étirée sur sa propre plage (gris = 0). Même sous-espace, base "
                                  "différente : chaque ligne apprise est un mélange des composantes."},
})


def signed_images(rows: np.ndarray) -> np.ndarray:
    """(k, 784) signed vectors → (k, 28, 28) floats in [0, 1] with 0 at mid-grey, per image."""
    rows = np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)
    scale = np.abs(rows).max(axis=1, keepdims=True)
    scale[scale == 0] = 1.0
    return (0.5 + 0.5 * rows / scale).reshape(-1, 28, 28)


class FactorPanel(QStackedWidget, Translatable):
    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(parent)
        self._init_texts()
        self.state = state
        self.u_view, self.vt_view = MatrixView(state, 36, 1.0), MatrixView(state, 36, 1.0)
        self.xhat_view, self.resid_view = MatrixView(state, 36, 1.0), MatrixView(state, 36, 1.0)
        for view in (self.u_view, self.vt_view, self.xhat_view, self.resid_view):
            view.color_mode = "diverging"
        self.ops = [op_label("·"), op_label("→")]
        small = vcol(hrow(self.u_view, self.ops[0], self.vt_view, align=Qt.AlignTop),
                     hrow(self.xhat_view, self.ops[1], self.resid_view, align=Qt.AlignTop))
        self.learnt = ImageGrid(state, columns=8, cell=48)
        self.pcs = ImageGrid(state, columns=8, cell=48)
        titles = [QLabel(), QLabel(), QLabel()]
        for label, key in zip(titles, ("factors.decoder_rows", "factors.pcs", "factors.images_hint")):
            label.setWordWrap(True)
            self.bind(label.setText, key)
        self.titles = titles
        images = QWidget()
        col = QVBoxLayout(images)
        col.setContentsMargins(0, 0, 0, 0)
        for w in (titles[0], self.learnt, titles[1], self.pcs, titles[2]):
            col.addWidget(w)
        col.addStretch(1)
        self._small_layout = small.layout()
        self.addWidget(small)
        self.addWidget(images)
        self._shape = (6, 2, 4)

    def set_one_row(self, on: bool) -> None:
        """U · Vᵀ → X̂, X − X̂ on one line (presentation: a wide screen, little height under the plots)
        or on two (a window beside the controls)."""
        self._small_layout.setDirection(QBoxLayout.LeftToRight if on else QBoxLayout.TopToBottom)

    def show_matrix(self, u: np.ndarray, vt: np.ndarray, x: np.ndarray, mean: np.ndarray) -> None:
        self.setCurrentIndex(0)
        u, vt = np.round(u, 2), np.round(vt, 2)
        xhat = mean + u @ vt
        self._shape = (u.shape[0], u.shape[1], vt.shape[1])
        self.u_view.set_data(u)
        self.vt_view.set_data(vt)
        self.xhat_view.set_data(np.round(mean + np.asarray(u) @ np.asarray(vt), 2))
        self.resid_view.set_data(np.round(x - xhat, 2))
        self.retranslate()

    def show_images(self, decoder_rows: np.ndarray | None, components: np.ndarray) -> None:
        self.setCurrentIndex(1)
        columns = 8 if len(components) > 8 else max(1, len(components))
        self.learnt.columns = self.pcs.columns = columns
        self.pcs.set_images(signed_images(components))
        if decoder_rows is not None:
            self.learnt.set_images(signed_images(decoder_rows))
        else:
            self.learnt.set_images(np.full((len(components), 28, 28), 0.5))

    def retranslate(self) -> None:
        super().retranslate()
        n, k, d = self._shape
        self.u_view.set_caption(tr("factors.u", n=n, k=k))
        self.vt_view.set_caption(tr("factors.vt", k=k, d=d))
        self.xhat_view.set_caption(tr("factors.xhat"))
        self.resid_view.set_caption(tr("factors.resid"))

    def rescale(self) -> None:
        for view in (self.u_view, self.vt_view, self.xhat_view, self.resid_view):
            view.rescale()
        for op in self.ops:
            op.setFont(self.state.font(2.2, bold=True))
        for label in self.titles[:2]:
            label.setFont(self.state.font(1.1, bold=True))

    def retheme(self) -> None:
        for view in (self.u_view, self.vt_view, self.xhat_view, self.resid_view):
            view.update()
