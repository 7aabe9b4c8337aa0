"""Lesson 1, compression: reconstruction error against code size k, for PCA and three autoencoders.

Curves load at once (shipped defaults overlaid with the user's cache); a worker
recomputes PCA and the shipped bundles on request, and trains a small model for a
missing (method, k) point on request, with progress. The examples row shows the
same test digits reconstructed by each method at the chosen k.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGridLayout, QLabel, QProgressBar, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from aeviz.core import compression as cp
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.base import Page
from aeviz.ui.numbers import percent_format
from aeviz.ui.widgets import enable, fmt_num
from aeviz.ui.widgets.image_grid import ImageGrid
from aeviz.ui.widgets.lab_layout import scroll, vcol, controls_column
from aeviz.ui.widgets.plots import ThemedPlot
from aeviz.ui.workers import Task

add_strings({
    "comp.title": {"en": "Compression: how many numbers does a digit need?",
                   "fr": "Compression : combien de nombres faut-il pour un chiffre ?"},
    "comp.intro": {
        "en": "An MNIST image is 784 bytes (one byte per pixel). The encoder turns it into a code of k numbers; "
              "stored as float32 that is 4·k bytes, so the ratio is 784 / (4·k). The decoder, shared by all "
              "images, is not counted. Error measured on 1 000 test images never seen in training.",
        "fr": "Une image MNIST fait 784 octets (un octet par pixel). L'encodeur en fait un code de k nombres ; "
              "stockés en float32 cela fait 4·k octets, d'où un taux de 784 / (4·k). Le décodeur, commun à toutes "
              "les images, n'est pas compté. Erreur mesurée sur 1 000 images de test jamais vues à l'entraînement."},
    "comp.k": {"en": "Code size k", "fr": "Taille du code k"},
    "comp.ratio": {"en": "784 bytes → {k} numbers = {bytes} bytes (float32): ratio {ratio} : 1",
                   "fr": "784 octets → {k} nombres = {bytes} octets (float32) : taux {ratio} : 1"},
    "comp.pca": {"en": "PCA (SVD)", "fr": "ACP (SVD)"},
    "comp.linear": {"en": "linear autoencoder", "fr": "auto-encodeur linéaire"},
    "comp.mlp": {"en": "MLP autoencoder", "fr": "auto-encodeur MLP"},
    "comp.conv": {"en": "convolutional autoencoder", "fr": "auto-encodeur convolutif"},
    "comp.original": {"en": "original", "fr": "original"},
    "comp.train": {"en": "Train: {method}, k = {k}", "fr": "Entraîner : {method}, k = {k}"},
    "comp.recompute": {"en": "Recompute PCA and shipped models", "fr": "Recalculer l'ACP et les modèles fournis"},
    "comp.mse_axis": {"en": "MSE per pixel", "fr": "EQM par pixel"},
    "comp.psnr_axis": {"en": "PSNR (dB)", "fr": "PSNR (dB)"},
    "comp.k_axis": {"en": "code size k (log scale)", "fr": "taille du code k (échelle log)"},
    "comp.row": {"en": "{method}: MSE {mse}, PSNR {psnr} dB ({source})",
                 "fr": "{method} : EQM {mse}, PSNR {psnr} dB ({source})"},
    "comp.missing": {"en": "{method}: not computed at this k (train it with the button on the left)",
                     "fr": "{method} : pas calculé pour ce k (entraînez-le avec le bouton à gauche)"},
    "comp.source.pca": {"en": "exact", "fr": "exact"},
    "comp.source.pretrained": {"en": "shipped model", "fr": "modèle fourni"},
    "comp.source.trained": {"en": "trained here", "fr": "entraîné ici"},
    "comp.working": {"en": "Working… {pct} %", "fr": "Calcul… {pct} %"},
    "comp.done": {"en": "Done.", "fr": "Terminé."},
    "comp.error": {"en": "Failed: {msg}", "fr": "Échec : {msg}"},
})

METHOD_COLORS = {"pca": 5, "linear": 0, "mlp": 1, "conv": 2}


class CompressionPage(Page):
    page_id = "compression"
    title_key = "page.compression"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.curves = cp.load_curves()
        self.originals: np.ndarray | None = None
        self.task: Task | None = None
        self.k_combo = QComboBox()
        for k in cp.K_GRID:
            self.k_combo.addItem(str(k), k)
        self.k_combo.setCurrentIndex(cp.K_GRID.index(16))
        self.ratio_label = QLabel()
        self.ratio_label.setWordWrap(True)
        self.scale_font(self.ratio_label, 1.15, bold=True)
        self.train_buttons = {m: QPushButton() for m in ("linear", "mlp", "conv")}
        self.recompute_button = QPushButton()
        self.bind_text(self.recompute_button.setText, "comp.recompute")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel()
        self.status.setWordWrap(True)
        intro = QLabel()
        intro.setWordWrap(True)
        self.bind_text(intro.setText, "comp.intro")
        k_label = QLabel()
        self.bind_text(k_label.setText, "comp.k")
        form = QWidget()
        fl = QFormLayout(form)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addRow(k_label, self.k_combo)
        left = vcol(self.heading("comp.title", 1.3), intro, form, self.ratio_label, *self.train_buttons.values(),
                    self.recompute_button, self.progress, self.status)
        self.mse_plot, self.psnr_plot = ThemedPlot(state), ThemedPlot(state)
        for plot in (self.mse_plot, self.psnr_plot):
            plot.setLogMode(x=True, y=False)   # ticks only at the k values, no crowded minor ticks
            plot.getAxis("bottom").setTicks([[(float(np.log10(k)), str(k)) for k in cp.K_GRID], []])
        self.lines = {}
        for method in cp.METHODS:
            for plot in (self.mse_plot, self.psnr_plot):
                line = plot.line(tr(f"comp.{method}"), METHOD_COLORS[method], dashed=method == "pca")
                line.setSymbol("o" if method != "pca" else None)
                line.setSymbolSize(state.px(9))
                self.lines[(plot is self.psnr_plot, method)] = line
        self.k_marker = [plot.addLine(x=np.log10(16), pen=None) for plot in (self.mse_plot, self.psnr_plot)]
        self._names = {m: tr(f"comp.{m}") for m in cp.METHODS}
        plots = QSplitter(Qt.Horizontal)
        plots.addWidget(self.mse_plot)
        plots.addWidget(self.psnr_plot)
        examples = QWidget()
        grid = QGridLayout(examples)
        self.example_labels, self.example_grids = {}, {}
        for row, method in enumerate(("original",) + cp.METHODS):
            label = QLabel()
            label.setWordWrap(True)
            view = ImageGrid(state, columns=cp.EVAL["examples"], cell=48)
            grid.addWidget(label, 2 * row, 0)
            grid.addWidget(view, 2 * row + 1, 0)
            self.example_labels[method], self.example_grids[method] = label, view
        grid.setRowStretch(2 * len(cp.METHODS) + 2, 1)
        right = QSplitter(Qt.Vertical)
        right.addWidget(plots)
        right.addWidget(scroll(examples))
        right.setSizes([450, 550])
        split = QSplitter(Qt.Horizontal)
        split.addWidget(controls_column(left))
        split.addWidget(right)
        split.setSizes([1150, 2450])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self.k_combo.currentIndexChanged.connect(self.refresh)
        for method, button in self.train_buttons.items():
            button.clicked.connect(lambda _c=False, m=method: self.train(m))
        self.recompute_button.clicked.connect(self.recompute)
        self.retranslate()
        self.rescale()

    def k(self) -> int:
        return int(self.k_combo.currentData())

    # --- work ---------------------------------------------------------------------------------
    def _run(self, work) -> None:
        if self.task is not None and self.task.is_running():
            return
        self.task = Task(work)
        self.task.progress.connect(self._on_progress)
        self.task.result.connect(self._on_result)
        self.task.error.connect(self._on_error)
        self.task.finished.connect(self._on_finished)
        self._busy(True)
        self.task.start()

    def train(self, method: str) -> None:
        self._run(lambda: cp.train_point(method, self.k()))

    def recompute(self) -> None:
        self._run(cp.compute_curves)

    def load_originals(self) -> None:
        if self.originals is None and (self.task is None or not self.task.is_running()):
            self._run(lambda: ("originals", cp.eval_images()[:cp.EVAL["examples"]].reshape(-1, 28, 28)))

    def _busy(self, busy: bool) -> None:
        for button in (*self.train_buttons.values(), self.recompute_button):
            enable(button, not busy, "why.busy")
        if not busy:
            self._update_buttons()

    def _on_progress(self, fraction) -> None:
        pct = int(round(100 * float(fraction)))
        self.progress.setValue(pct)
        self.status.setText(tr("comp.working", pct=pct))

    def _on_result(self, value) -> None:
        if isinstance(value, tuple) and value and value[0] == "originals":
            self.originals = value[1]
        elif isinstance(value, cp.Point):
            self.curves[(value.method, value.k)] = value
            self.status.setText(tr("comp.done"))
        elif isinstance(value, dict):
            self.curves = value
            self.status.setText(tr("comp.done"))
        self.progress.setValue(100)
        self.refresh()

    def _on_error(self, message: str, _details: str = "") -> None:
        self.status.setText(tr("comp.error", msg=message))

    def _on_finished(self) -> None:
        self._busy(False)

    # --- display ------------------------------------------------------------------------------
    def refresh(self, *_args) -> None:
        k = self.k()
        self.ratio_label.setText(tr("comp.ratio", k=k, bytes=cp.code_bytes(k),
                                    ratio=fmt_num(round(cp.compression_ratio(k), 1))))
        for method in cp.METHODS:
            ks, mse = cp.series(self.curves, method)
            self.lines[(False, method)].setData(ks, mse)
            self.lines[(True, method)].setData(ks, [cp.psnr(v) for v in mse])
        for marker in self.k_marker:
            marker.setPen(self.state.colors.muted, width=self.state.px(2))
            marker.setValue(np.log10(k))
        if self.originals is not None:
            self.example_grids["original"].set_images(self.originals)
        self.example_labels["original"].setText(tr("comp.original"))
        for method in cp.METHODS:
            point = self.curves.get((method, k))
            name = tr(f"comp.{method}")
            if point is None:
                self.example_labels[method].setText(tr("comp.missing", method=name))
                self.example_grids[method].set_images(np.zeros((0, 28, 28), np.uint8))
            else:
                self.example_labels[method].setText(tr("comp.row", method=name, mse=fmt_num(round(point.mse, 4)),
                                                       psnr=fmt_num(round(point.psnr, 1)),
                                                       source=tr(f"comp.source.{point.source}")))
                self.example_grids[method].set_images(point.examples)
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.task is not None and self.task.is_running()
        for method, button in self.train_buttons.items():
            button.setText(tr("comp.train", method=tr(f"comp.{method}"), k=self.k()))
            enable(button, not busy and (method, self.k()) not in self.curves, "why.busy" if busy else "why.computed")

    def retranslate(self) -> None:
        super().retranslate()
        self.progress.setFormat(percent_format())
        for method in cp.METHODS:
            for plot in (self.mse_plot, self.psnr_plot):
                plot.rename_line(self._names[method], tr(f"comp.{method}"))
            self._names[method] = tr(f"comp.{method}")
        self.mse_plot.set_axis_labels(tr("comp.mse_axis"), tr("comp.k_axis"))
        self.psnr_plot.set_axis_labels(tr("comp.psnr_axis"), tr("comp.k_axis"))
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.load_originals()

    def prepare_for_screenshot(self) -> None:
        if self.task is not None:
            self.task.wait(10000)
        if self.originals is None:
            self.originals = cp.eval_images()[:cp.EVAL["examples"]].reshape(-1, 28, 28)
        self.refresh()

    def shutdown(self) -> None:
        if self.task is not None:
            self.task.stop(1000)
