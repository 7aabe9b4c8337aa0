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
from aeviz.core.linear import LinearFitReport, Spectrum, mnist_matrix, spectrum
from aeviz.state.base import StateError, Store
from aeviz.state.linear import DEFAULT_X, MNIST_SIZES, LinearState, clamp_k, fit_inputs, fit_reports, max_k
from aeviz.state.run import advance, is_active
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.base import Page
from aeviz.ui.pages.waiting import wait_until
from aeviz.ui.numbers import fmt_int
from aeviz.ui.widgets import enable, fmt_num
from aeviz.ui.widgets.factor_panel import FactorPanel
from aeviz.ui.widgets.grid_editor import GridEditor
from aeviz.ui.widgets.lab_layout import WholeCombo, controls_column, scroll, vcol
from aeviz.ui.widgets.plots import ThemedPlot
from aeviz.ui.workers import TaskSlot

__all__ = ["LinearPage", "DEFAULT_X", "MNIST_SIZES", "load_mnist_spectrum"]

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
    "linear.stopped": {"en": "Stopped at step {step} / {total}.", "fr": "Arrêté au pas {step} / {total}."},
    "err.linear.idle_with_steps": {"en": "A fit that has not started cannot have made {step} steps.",
                                   "fr": "Un entraînement non lancé ne peut pas avoir fait {step} pas."},
    "err.field.source": {"en": "data source", "fr": "source des données"},
    "err.field.matrix": {"en": "matrix X", "fr": "matrice X"},
    "err.field.n": {"en": "number of images n", "fr": "nombre d'images n"},
    "err.field.k": {"en": "code size k", "fr": "taille du code k"},
    "err.field.fit_seed": {"en": "seed of the fit", "fr": "graine de l'entraînement"},
    "err.field.fit": {"en": "state of the fit", "fr": "état de l'entraînement"},
    "err.field.fit_step": {"en": "step of the fit", "fr": "pas de l'entraînement"},
})


class LinearPage(Page):
    page_id = "linear"
    title_key = "page.linear"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.store: Store[LinearState] = Store(LinearState())
        self.spectrum_slot, self.fit_slot = TaskSlot(self), TaskSlot(self)
        # derived data, each a function of the state: the data and its spectrum, the fit on screen
        self._spectra: dict[int, tuple[np.ndarray, Spectrum]] = {}
        self._matrix_data: tuple[tuple, np.ndarray, Spectrum] | None = None
        self._loading_n: int | None = None
        self._job: tuple[str, tuple, int | None] | None = None   # (live|replay, fit inputs, last step)
        self._shown: tuple[tuple, int] | None = None              # (fit inputs, step) of the curves on screen
        self._points: list[tuple[int, float, float, float]] = []
        self.spec: Spectrum | None = None
        self.x: np.ndarray | None = None
        self.floor: float | None = None
        self.last_report: LinearFitReport | None = None
        self._message = ""
        # --- controls
        self.source = WholeCombo()
        self.editor = GridEditor(state, "linear.matrix", 8, 6, DEFAULT_X, (), (0, 9))
        self.n_combo = QComboBox()
        for n in MNIST_SIZES:
            self.n_combo.addItem(fmt_int(n), n)
        self.k_spin = QSpinBox()
        self.train_button, self.stop_button = QPushButton(), QPushButton()
        self.bind_text(self.train_button.setText, "linear.train")
        self.bind_text(self.stop_button.setText, "linear.stop")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)  # a laptop's narrow column: the field goes under its label
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
        self.controls = controls_column(left)
        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.addWidget(self.controls)
        self.main_split.addWidget(right)
        self.main_split.setSizes([1000, 2600])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.main_split)
        # --- wiring: widgets → store → view
        self.source.currentIndexChanged.connect(self._on_source_edit)
        self.n_combo.currentIndexChanged.connect(self._on_n_edit)
        self.editor.changed.connect(self._on_matrix_edit)
        self.k_spin.valueChanged.connect(self._on_k_edit)
        self.train_button.clicked.connect(self.start_fit)
        self.stop_button.clicked.connect(self.stop_fit)
        self.spectrum_slot.result.connect(self._on_spectrum)
        self.spectrum_slot.error.connect(self._on_spectrum_error)
        self.fit_slot.progress.connect(self._on_report)
        self.fit_slot.error.connect(self._on_fit_error)
        self.fit_slot.finished.connect(self._on_fit_finished)
        state.presentation_changed.connect(self.factors.set_one_row)
        self.factors.set_one_row(state.settings.presentation)
        self.store.observe(self._render)
        self.retranslate()
        self.rescale()
        self._render(self.store.value, frozenset({"source"}))
        self.start_fit()   # the small matrix trains at once: the page opens on a live fit

    # --- presentation -------------------------------------------------------------------------
    def controls_panel(self) -> QWidget:
        return self.controls

    def stage_widgets(self) -> list[QWidget]:
        factors = self.factors
        shown = ([factors.u_view, factors.vt_view, factors.xhat_view] if factors.currentIndex() == 0
                 else [factors.learnt, factors.pcs])
        return [self.loss_plot, self.angle_plot, *shown]

    # --- user edits → store ----------------------------------------------------------------------
    def _edit(self, **changes) -> bool:
        """Apply a user's edit to the state; a refused one is explained and the widgets show the state again."""
        try:
            self.store.set(**changes)
        except StateError as exc:
            self._message = describe_error(exc)
            self._render(self.store.value, frozenset())
            return False
        return True

    @staticmethod
    def _new_fit(current: str, target: str) -> str:
        """The phase of a fit that replaces the current one: an active fit stops first."""
        phase = advance(current, "stopped") if is_active(current) else current
        return phase if phase == target else advance(phase, target)

    def _with_fit(self, value: LinearState, **changes) -> dict:
        """``changes`` plus the fit they imply: the small matrix refits at once, MNIST waits for Train."""
        source = changes.get("source", value.source)
        matrix = changes.get("matrix", value.matrix)
        k = clamp_k(changes.get("k", value.k), source, matrix)
        target = "running" if source == "matrix" else "idle"
        return {**changes, "k": k, "fit": self._new_fit(value.fit, target), "fit_step": 0}

    def _on_source_edit(self, index: int) -> None:
        self._edit(**self._with_fit(self.store.value, source="mnist" if index == 1 else "matrix"))

    def _on_n_edit(self, _index: int) -> None:
        self._edit(**self._with_fit(self.store.value, n=int(self.n_combo.currentData())))

    def _on_matrix_edit(self) -> None:
        values = self.editor.values()
        matrix = tuple(tuple(v.item() for v in row) for row in values)
        if matrix != self.store.value.matrix:
            self._edit(**self._with_fit(self.store.value, matrix=matrix))

    def _on_k_edit(self, k: int) -> None:
        if k != self.store.value.k:
            self._edit(**self._with_fit(self.store.value, k=k))

    def start_fit(self) -> None:
        """Train the linear autoencoder from its seed (the Train button)."""
        value = self.store.value
        self._edit(fit=self._new_fit(value.fit, "running"), fit_step=0)

    def stop_fit(self) -> None:
        value = self.store.value
        if value.fit == "running":
            self.fit_slot.cancel()
            self._job = None
            self._edit(fit=advance(value.fit, "stopped"))

    # --- store → view ------------------------------------------------------------------------------
    def _render(self, value: LinearState, changed: frozenset) -> None:
        mnist = value.source == "mnist"
        for widget in (self.source, self.n_combo, self.k_spin):
            widget.blockSignals(True)
        self.source.setCurrentIndex(1 if mnist else 0)
        self.n_combo.setCurrentIndex(self.n_combo.findData(value.n))
        self.k_spin.setRange(1, max_k(value.source, value.matrix))
        self.k_spin.setValue(value.k)
        for widget in (self.source, self.n_combo, self.k_spin):
            widget.blockSignals(False)
        if not np.array_equal(self.editor.values(), np.array(value.matrix)):
            self.editor.set_values(value.matrix, notify=False)
        self.editor.setVisible(not mnist)
        self.n_combo.setEnabled(mnist)
        if changed & {"source", "matrix", "n", "k", "fit_seed", "fit", "fit_step"}:
            self._message = ""
            self._sync_work(value)
        self._show_floor()
        self._show_status()
        self._update_buttons()

    def _data(self, value: LinearState) -> tuple[np.ndarray, Spectrum] | None:
        """X and its spectrum: computed at once for the small matrix, from memory or a worker for MNIST."""
        if value.source == "matrix":
            if self._matrix_data is None or self._matrix_data[0] != value.matrix:
                x = np.array(value.matrix, dtype=np.float64)
                self._matrix_data = (value.matrix, *_read_only(x, spectrum(x)))   # a few entries: instant
            return self._matrix_data[1], self._matrix_data[2]
        return self._spectra.get(value.n)

    def _sync_work(self, value: LinearState) -> None:
        """Bring the derived data and the background work in line with ``value``."""
        inputs = fit_inputs(value)
        data = self._data(value)
        self.x, self.spec = data if data is not None else (None, None)
        if self._job is not None and self._job[1] != inputs:
            self.fit_slot.cancel()
            self._job = None
        if self._shown is not None and self._shown[0] != inputs:
            self._clear_curves()
        if data is None:
            self._request_spectrum(value.n)
            return
        if self._shown is None and value.source == "mnist":
            self.factors.show_images(None, self.spec.components[:value.k])
        if value.fit == "idle":
            if self._job is not None:
                self.fit_slot.cancel()
                self._job = None
            self._clear_curves()
            if value.source == "mnist":
                self.factors.show_images(None, self.spec.components[:value.k])
        elif value.fit == "running":
            if self._job is None or self._job[0] != "live":
                self._start_job("live", value, None)
        elif self._shown != (inputs, value.fit_step) and not (self._job is not None and self._job[0] == "replay"):
            self._start_job("replay", value, value.fit_step)

    def _request_spectrum(self, n: int) -> None:
        if self._loading_n == n and self.spectrum_slot.busy:
            return
        self._loading_n = n
        self.spectrum_slot.start(lambda: load_mnist_spectrum(n), replace=True)

    def _on_spectrum(self, value) -> None:
        n, x, spec = value
        self._spectra[n] = _read_only(x, spec)
        self._loading_n = None
        if self.store.value.source == "mnist" and self.store.value.n == n:
            self._render(self.store.value, frozenset({"n"}))

    def _on_spectrum_error(self, message: str, _details: str = "") -> None:
        self._loading_n = None
        self._message = tr("linear.error", msg=message)
        self._show_status()

    def _start_job(self, kind: str, value: LinearState, until: int | None) -> None:
        """Fit in the worker: the state value is immutable, X and its spectrum read-only (the worker copies X)."""
        self._clear_curves()
        x, spec = self.x, self.spec
        self._job = (kind, fit_inputs(value), until)
        self.fit_slot.start(lambda: fit_reports(value, np.array(x), spec, until), replace=True)

    def _clear_curves(self) -> None:
        self._shown = None
        self._points = []
        self.last_report = None
        self.loss_line.setData([], [])
        self.max_angle_line.setData([], [])
        self.mean_angle_line.setData([], [])

    def _on_report(self, report: LinearFitReport) -> None:
        if self._job is None:
            return
        kind, inputs, _until = self._job
        value = self.store.value
        self.last_report = report
        self._shown = (inputs, report.step)
        deg = np.degrees(report.angles)
        self._points.append((report.step, report.loss, float(deg.max()), float(deg.mean())))
        pts = np.array(self._points)
        self.loss_line.setData(pts[:, 0], pts[:, 1])
        self.max_angle_line.setData(pts[:, 0], pts[:, 2])
        self.mean_angle_line.setData(pts[:, 0], pts[:, 3])
        if report.u is not None and value.source == "matrix":
            self.factors.show_matrix(report.u, report.vt, self.x, self.spec.mean)
        elif value.source == "mnist" and (report.done or len(self._points) % 3 == 1 or
                                          (kind == "replay" and report.step >= value.fit_step)):
            self.factors.show_images(report.vt, self.spec.components[:value.k])
        if kind != "live":
            self._show_status()
            return
        if report.done:
            ended = "diverged" if report.message and report.message != "stopped" else "done"
            self._edit(fit=advance(value.fit, ended), fit_step=report.step)
        else:
            self._edit(fit_step=report.step)

    def _on_fit_error(self, message: str, _details: str = "") -> None:
        job, self._job = self._job, None
        if job is not None and job[0] == "live" and self.store.value.fit == "running":
            self._edit(fit=advance("running", "stopped"))
        self._message = tr("linear.error", msg=message)
        self._show_status()

    def _on_fit_finished(self) -> None:
        self._job = None
        self._update_buttons()

    def _show_floor(self) -> None:
        value = self.store.value
        if self.spec is None:
            if value.source == "mnist":
                self.floor_label.setText(tr("linear.computing", n=value.n))
            return
        k = value.k
        self.floor = self.spec.floor(k)
        self.floor_line.setData([0, max(1, value.total_steps)], [self.floor, self.floor])
        self.floor_label.setText(tr("linear.floor", k=k, floor=fmt_num(round(self.floor, 5)),
                                    kept=fmt_num(round(100 * self.spec.explained(k), 1))))

    def _show_status(self) -> None:
        value, report = self.store.value, self.last_report
        if self._message:
            self.status.setText(self._message)
        elif report is None:
            self.status.clear()
        elif value.fit == "stopped" and self._shown is not None and self._shown[1] >= value.fit_step:
            self.status.setText(tr("linear.stopped", step=value.fit_step, total=report.total_steps))
        else:
            deg = np.degrees(report.angles)
            ratio = report.loss / report.floor if report.floor > 0 else math.nan
            self.status.setText(tr("linear.status", step=report.step, total=report.total_steps,
                                   loss=fmt_num(round(report.loss, 5)),
                                   ratio=fmt_num(round(ratio, 4)) if math.isfinite(ratio) else "∞",
                                   angle=fmt_num(round(float(deg.max()), 2))))

    def _update_buttons(self) -> None:
        value = self.store.value
        running = value.fit == "running"
        if running:
            enable(self.train_button, False, "why.running")
        elif self.spec is None:
            enable(self.train_button, False, "why.busy")
        else:
            enable(self.train_button, True)
        enable(self.stop_button, running, "why.not_running")

    def busy(self) -> bool:
        """Work is under way (the spectrum, a fit, a replay), or its last results are not drawn yet."""
        return self.spectrum_slot.task is not None or self.fit_slot.task is not None

    def wait_until_idle(self, timeout_s: float = 600.0) -> bool:
        """Let the work finish while the events flow (for screenshots and tests); True if it did."""
        return wait_until(lambda: not self.busy() and self.store.value.fit != "running", timeout_s)

    # --- hooks ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem(tr("linear.data_matrix"))
        self.source.addItem(tr("linear.data_mnist"))
        self.source.setCurrentIndex(1 if self.store.value.source == "mnist" else 0)
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
        self._show_status()

    def rescale(self) -> None:
        super().rescale()
        self.editor.rescale()
        self.factors.rescale()

    def retheme(self) -> None:
        self.factors.retheme()

    def prepare_for_screenshot(self) -> None:
        """Finish the spectrum, the fit or its replay, so the picture is the state's."""
        self.wait_until_idle()

    def shutdown(self) -> None:
        self._job = None
        self.fit_slot.stop(1000)
        self.spectrum_slot.stop(1000)


def _read_only(x: np.ndarray, spec: Spectrum) -> tuple[np.ndarray, Spectrum]:
    """Data kept by the page and shared with workers: nobody may write to it."""
    for array in (x, spec.mean, spec.energy, spec.components):
        array.setflags(write=False)
    return x, spec


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
