"""Lesson 3, the linear case: X = U·Vᵀ, the SVD optimum, and a linear autoencoder reaching it.

Left: the data (a small matrix the student edits, or n MNIST images), k and the
training controls. Right: the loss of a bias-free linear autoencoder against the
Eckart–Young floor (same centring, same loss: mean((X − X̂)²) per entry), the
principal angles between its subspace and PCA's shrinking to 0, and the factors
themselves (numbers, or images for MNIST). The SVD runs in a worker for MNIST and
is kept in memory (and on disk) per n, so changing k moves the floor at once.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter,
                               QVBoxLayout, QWidget)

from aeviz.core import cache
from aeviz.core.linear import Spectrum, fit_linear_autoencoder, mnist_matrix, spectrum
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.base import Page
from aeviz.ui.numbers import fmt_int
from aeviz.ui.widgets import fmt_num
from aeviz.ui.widgets.factor_panel import FactorPanel
from aeviz.ui.widgets.grid_editor import GridEditor
from aeviz.ui.widgets.lab_layout import scroll, vcol, controls_column
from aeviz.ui.widgets.plots import ThemedPlot
from aeviz.ui.workers import Task

DEFAULT_X = [[4, 2, 3, 1], [2, 1, 2, 0], [6, 3, 5, 2], [1, 0, 1, 1], [5, 3, 4, 1], [3, 2, 2, 2]]
MNIST_SIZES = (1000, 2000, 5000, 10000)

add_strings({
    "linear.title": {"en": "Linear autoencoder = PCA: matrix factorisation X = U·Vᵀ",
                     "fr": "Auto-encodeur linéaire = ACP : factorisation de matrices X = U·Vᵀ"},
    "linear.intro": {
        "en": "Each row of X is one sample. A linear autoencoder without bias encodes a row into k numbers "
              "(a row of U) and decodes with Vᵀ: it solves min ‖X − U·Vᵀ‖ (on X centred by its column means μ, "
              "as PCA does). The best possible answer is given by the SVD (Eckart–Young): the dashed floor.",
        "fr": "Chaque ligne de X est un exemple. Un auto-encodeur linéaire sans biais encode une ligne en k nombres "
              "(une ligne de U) et décode avec Vᵀ : il résout min ‖X − U·Vᵀ‖ (sur X centrée par les moyennes μ de "
              "ses colonnes, comme l'ACP). La meilleure réponse possible est donnée par la SVD (Eckart–Young) : "
              "le plancher en pointillés."},
    "linear.same_subspace": {
        "en": "The autoencoder finds the same subspace as PCA, not the same basis: its decoder columns are not "
              "orthonormal nor ordered by variance. The principal angles between the two subspaces go to 0.",
        "fr": "L'auto-encodeur trouve le même sous-espace que l'ACP, pas la même base : les colonnes de son décodeur "
              "ne sont ni orthonormées ni rangées par variance. Les angles principaux entre les deux "
              "sous-espaces tendent vers 0."},
    "linear.data": {"en": "Data X", "fr": "Données X"},
    "linear.data_matrix": {"en": "Small matrix (edit it)", "fr": "Petite matrice (modifiable)"},
    "linear.data_mnist": {"en": "MNIST images (one per row)", "fr": "Images MNIST (une par ligne)"},
    "linear.matrix": {"en": "X (rows = samples)", "fr": "X (lignes = exemples)"},
    "linear.n": {"en": "Images n", "fr": "Images n"},
    "linear.k": {"en": "Code size k", "fr": "Taille du code k"},
    "linear.train": {"en": "Train the autoencoder", "fr": "Entraîner l'auto-encodeur"},
    "linear.stop": {"en": "Stop", "fr": "Arrêter"},
    "linear.loss_axis": {"en": "mean (X − X̂)²", "fr": "moyenne (X − X̂)²"},
    "linear.step_axis": {"en": "step", "fr": "pas"},
    "linear.angle_axis": {"en": "angle (degrees)", "fr": "angle (degrés)"},
    "linear.loss_line": {"en": "linear autoencoder", "fr": "auto-encodeur linéaire"},
    "linear.floor_line": {"en": "SVD optimum (floor)", "fr": "optimum SVD (plancher)"},
    "linear.max_angle": {"en": "largest angle", "fr": "plus grand angle"},
    "linear.mean_angle": {"en": "mean angle", "fr": "angle moyen"},
    "linear.computing": {"en": "Computing the SVD of {n} images…", "fr": "Calcul de la SVD de {n} images…"},
    "linear.floor": {"en": "Floor (SVD, k = {k}): {floor}  ·  variance kept: {kept} %",
                     "fr": "Plancher (SVD, k = {k}) : {floor}  ·  variance conservée : {kept} %"},
    "linear.status": {"en": "Step {step} / {total}: loss {loss} = floor × {ratio}  ·  largest angle {angle}°",
                      "fr": "Pas {step} / {total} : perte {loss} = plancher × {ratio}  ·  plus grand angle {angle}°"},
    "linear.error": {"en": "Cannot compute: {msg}", "fr": "Calcul impossible : {msg}"},
})


class LinearPage(Page):
    page_id = "linear"
    title_key = "page.linear"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.spec: Spectrum | None = None
        self.x: np.ndarray | None = None
        self._spectra: dict[int, tuple[np.ndarray, Spectrum]] = {}
        self.floor: float | None = None
        self.task: Task | None = None
        self.spec_task: Task | None = None
        self.last_report = None
        self._points: list[tuple[int, float, float, float]] = []
        # --- controls
        self.source = QComboBox()
        self.editor = GridEditor(state, "linear.matrix", 8, 6, DEFAULT_X, (), (0, 9))
        self.n_combo = QComboBox()
        for n in MNIST_SIZES:
            self.n_combo.addItem(fmt_int(n), n)
        self.n_combo.setCurrentIndex(len(MNIST_SIZES) - 1)
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 3)
        self.k_spin.setValue(2)
        self.train_button, self.stop_button = QPushButton(), QPushButton()
        self.bind_text(self.train_button.setText, "linear.train")
        self.bind_text(self.stop_button.setText, "linear.stop")
        self.stop_button.setEnabled(False)
        form = QFormLayout()
        self.labels = {key: QLabel() for key in ("linear.data", "linear.n", "linear.k")}
        for key, label in self.labels.items():
            self.bind_text(label.setText, key)
        form.addRow(self.labels["linear.data"], self.source)
        form.addRow(self.labels["linear.n"], self.n_combo)
        form.addRow(self.labels["linear.k"], self.k_spin)
        form_box = QWidget()
        form_box.setLayout(form)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.train_button)
        row.addWidget(self.stop_button)
        intro, note = QLabel(), QLabel()
        for label, key in ((intro, "linear.intro"), (note, "linear.same_subspace")):
            label.setWordWrap(True)
            self.bind_text(label.setText, key)
        self.scale_font(note, 1.05, bold=True)
        self.floor_label, self.status = QLabel(), QLabel()
        for label in (self.floor_label, self.status):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.scale_font(self.floor_label, 1.1, bold=True)
        left = vcol(self.heading("linear.title", 1.3), intro, form_box, self.editor, buttons, self.floor_label,
                    self.status, note)
        # --- plots and factors
        self.loss_plot, self.angle_plot = ThemedPlot(state), ThemedPlot(state)
        self.loss_line = self.loss_plot.line(tr("linear.loss_line"), 0)
        self.floor_line = self.loss_plot.line(tr("linear.floor_line"), 5, width=3, dashed=True)
        self.max_angle_line = self.angle_plot.line(tr("linear.max_angle"), 1)
        self.mean_angle_line = self.angle_plot.line(tr("linear.mean_angle"), 2, dashed=True)
        self._line_names = [(self.loss_plot, "linear.loss_line"), (self.loss_plot, "linear.floor_line"),
                            (self.angle_plot, "linear.max_angle"), (self.angle_plot, "linear.mean_angle")]
        self._names = {key: tr(key) for _p, key in self._line_names}
        self.factors = FactorPanel(state)
        plots = QSplitter(Qt.Horizontal)
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.angle_plot)
        right = QSplitter(Qt.Vertical)
        right.addWidget(plots)
        right.addWidget(scroll(self.factors))
        right.setSizes([400, 500])
        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.addWidget(controls_column(left))
        self.main_split.addWidget(right)
        self.main_split.setSizes([1000, 2600])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.main_split)
        # --- wiring
        self.source.currentIndexChanged.connect(self._on_source)
        self.n_combo.currentIndexChanged.connect(self._on_source)
        self.editor.changed.connect(self._on_matrix_edit)
        self.k_spin.valueChanged.connect(self._on_k)
        self.train_button.clicked.connect(self.start_training)
        self.stop_button.clicked.connect(self.stop_training)
        self.retranslate()
        self.rescale()
        self._on_source()

    # --- data and floor ------------------------------------------------------------------------
    def mnist_mode(self) -> bool:
        return self.source.currentIndex() == 1

    def _on_source(self, *_args) -> None:
        self.stop_training()
        mnist = self.mnist_mode()
        self.editor.setVisible(not mnist)
        self.n_combo.setEnabled(mnist)
        if mnist:
            self.k_spin.setRange(1, 64)
            self.request_floor()
        else:
            self._on_matrix_edit()

    def _on_matrix_edit(self) -> None:
        if self.mnist_mode():
            return
        self.stop_training()
        x = self.editor.values().astype(np.float64)
        self.x = x
        top = max(1, min(x.shape) - 1) if min(x.shape) > 1 else 1
        self.k_spin.blockSignals(True)
        self.k_spin.setRange(1, top)
        self.k_spin.blockSignals(False)
        self._set_spectrum(spectrum(x))   # a few entries: instant on the GUI thread
        self.start_training()

    def request_floor(self) -> None:
        """Show the SVD floor for the current n and k: from memory, or computed in a worker."""
        n = self.n_combo.currentData()
        if n in self._spectra:
            self.x, spec = self._spectra[n]
            self._set_spectrum(spec)
            return
        if self.spec_task is not None and self.spec_task.is_running():
            self.spec_task.cancel()
        self.spec = None
        self.floor_label.setText(tr("linear.computing", n=n))
        self.spec_task = Task(lambda: load_mnist_spectrum(n))
        self.spec_task.result.connect(self._on_spectrum)
        self.spec_task.error.connect(self._on_error)
        self.spec_task.start()

    def _on_spectrum(self, value) -> None:
        n, x, spec = value
        self._spectra[n] = (x, spec)
        if self.mnist_mode() and n == self.n_combo.currentData():
            self.x = x
            self._set_spectrum(spec)

    def _set_spectrum(self, spec: Spectrum) -> None:
        self.spec = spec
        self._reset_curves()
        self._show_floor()
        if self.mnist_mode():
            self.factors.show_images(None, spec.components[:self.k_spin.value()])

    def _on_k(self, *_args) -> None:
        self.stop_training()
        self._reset_curves()
        self._show_floor()
        if self.spec is not None and self.mnist_mode():
            self.factors.show_images(None, self.spec.components[:self.k_spin.value()])
        elif not self.mnist_mode():
            self.start_training()

    def _show_floor(self) -> None:
        if self.spec is None:
            return
        k = self.k_spin.value()
        self.floor = self.spec.floor(k)
        self.floor_line.setData([0, max(1, self._planned_steps())], [self.floor, self.floor])
        self.floor_label.setText(tr("linear.floor", k=k, floor=fmt_num(round(self.floor, 5)),
                                    kept=fmt_num(round(100 * self.spec.explained(k), 1))))

    def _planned_steps(self) -> int:
        if self.mnist_mode() and self.x is not None:
            return 3 * math.ceil(len(self.x) / 256)
        return 600

    def _reset_curves(self) -> None:
        self._points = []
        self.loss_line.setData([], [])
        self.max_angle_line.setData([], [])
        self.mean_angle_line.setData([], [])
        self.status.clear()

    # --- training ------------------------------------------------------------------------------
    def fit_generator(self):
        k = self.k_spin.value()
        if self.mnist_mode():
            return fit_linear_autoencoder(self.x, k, self.spec, steps=self._planned_steps(), batch_size=256,
                                          report_every_steps=10, report_every_s=0.15, with_factors=False,
                                          num_threads=None, stop=lambda: self._stop_flag)
        return fit_linear_autoencoder(self.x, k, self.spec, steps=600, report_every_steps=10,
                                      stop=lambda: self._stop_flag)

    def start_training(self) -> None:
        if self.spec is None or self.x is None:
            return
        self.stop_training()
        self._reset_curves()
        self._show_floor()
        self._stop_flag = False
        self.task = Task(self.fit_generator, on_cancel=self._request_stop)
        self.task.progress.connect(self._on_report)
        self.task.error.connect(self._on_error)
        self.task.finished.connect(self._on_finished)
        self.train_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.task.start()

    def _request_stop(self) -> None:
        self._stop_flag = True

    def stop_training(self) -> None:
        if self.task is not None:
            self.task.stop(1000)
            self.task = None
        self.train_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def _on_finished(self) -> None:
        self.train_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def _on_error(self, message: str, _details: str = "") -> None:
        self.status.setText(tr("linear.error", msg=message))

    def _on_report(self, report) -> None:
        self.last_report = report
        deg = np.degrees(report.angles)
        self._points.append((report.step, report.loss, float(deg.max()), float(deg.mean())))
        pts = np.array(self._points)
        self.loss_line.setData(pts[:, 0], pts[:, 1])
        self.max_angle_line.setData(pts[:, 0], pts[:, 2])
        self.mean_angle_line.setData(pts[:, 0], pts[:, 3])
        ratio = report.loss / report.floor if report.floor > 0 else math.nan
        self.status.setText(tr("linear.status", step=report.step, total=report.total_steps,
                               loss=fmt_num(round(report.loss, 5)),
                               ratio=fmt_num(round(ratio, 4)) if math.isfinite(ratio) else "∞",
                               angle=fmt_num(round(float(deg.max()), 2))))
        if report.u is not None and not self.mnist_mode():
            self.factors.show_matrix(report.u, report.vt, self.x, self.spec.mean)
        elif self.mnist_mode() and (report.done or len(self._points) % 3 == 1):
            self._show_learnt_rows()

    def _show_learnt_rows(self) -> None:
        report = self.last_report
        if report is None or self.spec is None:
            return
        self.factors.show_images(report.vt, self.spec.components[:self.k_spin.value()])

    # --- hooks ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        index = self.source.currentIndex()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem(tr("linear.data_matrix"))
        self.source.addItem(tr("linear.data_mnist"))
        self.source.setCurrentIndex(max(0, index))
        self.source.blockSignals(False)
        for i in range(self.n_combo.count()):
            self.n_combo.setItemText(i, fmt_int(self.n_combo.itemData(i)))
        for plot, key in self._line_names:
            plot.rename_line(self._names[key], tr(key))
            self._names[key] = tr(key)
        self.loss_plot.set_axis_labels(tr("linear.loss_axis"), tr("linear.step_axis"))
        self.angle_plot.set_axis_labels(tr("linear.angle_axis"), tr("linear.step_axis"))
        self.editor.retranslate()
        self.factors.retranslate()
        self._show_floor()

    def rescale(self) -> None:
        super().rescale()
        self.editor.rescale()
        self.factors.rescale()

    def retheme(self) -> None:
        self.factors.retheme()

    def prepare_for_screenshot(self) -> None:
        """Small matrix with the training run to the end synchronously (a few hundred steps)."""
        self.stop_training()
        if self.mnist_mode():
            self.source.setCurrentIndex(0)
            self.stop_training()
        self._reset_curves()
        self._stop_flag = False
        for report in self.fit_generator():
            self._on_report(report)
        self._on_finished()

    def shutdown(self) -> None:
        self.stop_training()
        if self.spec_task is not None:
            self.spec_task.stop(1000)


def load_mnist_spectrum(n: int):
    """(n, X, spectrum) for the first n stratified MNIST images; the spectrum is cached on disk."""
    x = mnist_matrix(n)
    path = cache.cache_path("linear", {"what": "mnist_spectrum", "n": n, "seed": 0}, ".npz", "spectrum-")
    data = cache.load_npz(path)
    if data is not None:
        try:
            spec = Spectrum(data["mean"], data["energy"], data["components"], int(data["n"]), int(data["d"]))
            if spec.components.shape == (784, 784) and spec.n == n:
                return n, x, spec
        except (KeyError, ValueError, TypeError):
            pass
    spec = spectrum(x)
    cache.save_npz(path, mean=spec.mean, energy=spec.energy, components=spec.components, n=np.array(spec.n),
                   d=np.array(spec.d))
    return n, x, spec
