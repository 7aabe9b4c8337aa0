"""Lesson 1, compression: reconstruction error against code size k, for PCA and three autoencoders.

Curves load at once: full runs computed when aeviz was built (60,000 training
images, each point with its training cost), plus the record-class deep autoencoder
as one marked point. A worker recomputes PCA and the shipped bundles on request,
and a button trains one point here as a *short run* (10,000 images, a few epochs),
drawn apart as hollow markers so it never passes for the full run. The examples
row shows the same test digits reconstructed by each method at the chosen k.
"""

from __future__ import annotations


import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGridLayout, QLabel, QProgressBar, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from aeviz.core import compression as cp
from aeviz.state.base import StateError, Store
from aeviz.state.compression import TRAINABLE, CompressionState, short_run_of
from aeviz.state.run import advance, is_active
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.base import Page
from aeviz.ui.pages.waiting import wait_until
from aeviz.ui.numbers import fmt_int, percent_format
from aeviz.ui.widgets import enable, fmt_num
from aeviz.ui.widgets.image_grid import ImageGrid
from aeviz.ui.widgets.lab_layout import scroll, vcol, controls_column
from aeviz.ui.widgets.plots import ThemedPlot
from aeviz.ui.workers import TaskSlot

add_strings({
    "comp.title": {"en": "Compression: how many numbers does a digit need?",
                   "fr": "Compression : combien de nombres faut-il pour un chiffre ?"},
    "comp.intro": {
        "en": "An MNIST image is 784 bytes (one byte per pixel). The encoder turns it into a code of k numbers; "
              "stored as float32 that is 4·k bytes, so the ratio is 784 / (4·k). The decoder, shared by all "
              "images, is not counted.",
        "fr": "Une image MNIST fait 784 octets (un octet par pixel). L'encodeur en fait un code de k nombres ; "
              "stockés en float32 cela fait 4·k octets, d'où un taux de 784 / (4·k). Le décodeur, commun à toutes "
              "les images, n'est pas compté."},
    "comp.protocol": {
        "en": "Error measured on the 10 000 test images, never seen in training. The curves come from models "
              "trained on the 60 000 training images when aeviz was built (cost of each point below the images). "
              "The buttons run a short training here ({n} images, a few epochs): hollow markers.",
        "fr": "Erreur mesurée sur les 10 000 images de test, jamais vues à l'entraînement. Les courbes viennent de "
              "modèles entraînés sur les 60 000 images d'entraînement à la construction d'aeviz (coût de chaque "
              "point sous les images). Les boutons lancent un entraînement court ici ({n} images, quelques "
              "époques) : marqueurs creux."},
    "comp.k": {"en": "Code size k", "fr": "Taille du code k"},
    "comp.ratio": {"en": "784 bytes → {k} numbers = {bytes} bytes (float32): ratio {ratio} : 1",
                   "fr": "784 octets → {k} nombres = {bytes} octets (float32) : taux {ratio} : 1"},
    "comp.pca": {"en": "PCA (SVD)", "fr": "ACP (SVD)"},
    "comp.linear": {"en": "linear autoencoder", "fr": "auto-encodeur linéaire"},
    "comp.mlp": {"en": "MLP autoencoder", "fr": "auto-encodeur MLP"},
    "comp.conv": {"en": "convolutional autoencoder", "fr": "auto-encodeur convolutif"},
    "comp.deep": {"en": "deep autoencoder (record, k = 30)", "fr": "auto-encodeur profond (record, k = 30)"},
    "comp.record": {
        "en": "★ Record: deep convolutional autoencoder, k = 30: MSE {mse} per pixel = {per_image} per image "
              "(Hinton & Salakhutdinov 2006: 3.00; PCA at k = 30: {pca}). {cost}",
        "fr": "★ Record : auto-encodeur convolutif profond, k = 30 : EQM {mse} par pixel = {per_image} par image "
              "(Hinton & Salakhutdinov 2006 : 3,00 ; ACP à k = 30 : {pca}). {cost}"},
    "comp.cost": {"en": "Trained on {n} images, {epochs} epochs, {seconds} s with {threads} thread(s){layers}.",
                  "fr": "Entraîné sur {n} images, {epochs} époques, {seconds} s avec {threads} fil(s) "
                        "d'exécution{layers}."},
    "comp.short_row": {"en": "short run here: MSE {mse}, PSNR {psnr} dB ({n} images, {epochs} epochs, {seconds} s)",
                       "fr": "entraînement court ici : EQM {mse}, PSNR {psnr} dB ({n} images, {epochs} époques, "
                             "{seconds} s)"},
    "comp.original": {"en": "original", "fr": "original"},
    "comp.short_title": {"en": "Short run here ({n} images, a few epochs):",
                         "fr": "Entraînement court ici ({n} images, quelques époques) :"},
    "comp.train": {"en": "{method}, k = {k}", "fr": "{method}, k = {k}"},
    "comp.recompute": {"en": "Recompute PCA and shipped models", "fr": "Recalculer l'ACP et les modèles fournis"},
    "comp.mse_axis": {"en": "MSE per pixel", "fr": "EQM par pixel"},
    "comp.psnr_axis": {"en": "PSNR (dB)", "fr": "PSNR (dB)"},
    "comp.k_axis": {"en": "code size k (log scale)", "fr": "taille du code k (échelle log)"},
    "comp.row": {"en": "{method}: MSE {mse}, PSNR {psnr} dB ({source})",
                 "fr": "{method} : EQM {mse}, PSNR {psnr} dB ({source})"},
    "comp.missing": {"en": "{method}: not computed at this k (train it with the button on the left)",
                     "fr": "{method} : pas calculé pour ce k (entraînez-le avec le bouton à gauche)"},
    "comp.source.pca": {"en": "exact", "fr": "exact"},
    "comp.source.built": {"en": "full run", "fr": "entraînement complet"},
    "comp.source.pretrained": {"en": "shipped model", "fr": "modèle fourni"},
    "comp.source.trained": {"en": "short run here", "fr": "entraînement court ici"},
    "comp.working": {"en": "Working… {pct} %", "fr": "Calcul… {pct} %"},
    "comp.done": {"en": "Done.", "fr": "Terminé."},
    "comp.error": {"en": "Failed: {msg}", "fr": "Échec : {msg}"},
    "comp.stop": {"en": "Stop the short run", "fr": "Arrêter l'entraînement court"},
    "comp.stopped": {"en": "Short run stopped ({method}, k = {k}): nothing kept.",
                     "fr": "Entraînement court arrêté ({method}, k = {k}) : rien n'est gardé."},
    "err.compression.bad_examples": {"en": "The examples of the short run ({method}, k = {k}) are not 28×28 images.",
                                     "fr": "Les exemples de l'entraînement court ({method}, k = {k}) ne sont pas des "
                                           "images 28×28."},
    "err.compression.duplicate_run": {"en": "Two short runs of the same model and k.",
                                      "fr": "Deux entraînements courts du même modèle et du même k."},
    "err.field.k": {"en": "code size k", "fr": "taille du code k"},   # as on the linear page
    "err.field.short_runs": {"en": "short runs", "fr": "entraînements courts"},
    "err.field.short_run": {"en": "state of the short run", "fr": "état de l'entraînement court"},
    "err.field.short_run_method": {"en": "model of the short run", "fr": "modèle de l'entraînement court"},
    "err.field.short_run_k": {"en": "k of the short run", "fr": "k de l'entraînement court"},
    "err.field.short_run_progress": {"en": "progress of the short run", "fr": "avancement de l'entraînement court"},
})

METHOD_COLORS = {"pca": 5, "linear": 0, "mlp": 1, "conv": 2, "deep": 3}
#: rows of example reconstructions (the record model has k = 30, off the k grid: its own line of text)
EXAMPLE_METHODS = ("pca", "linear", "mlp", "conv")


class CompressionPage(Page):
    page_id = "compression"
    title_key = "page.compression"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        cached = tuple(sorted(short_run_of(p) for p in cp.load_short_runs().values()))
        self.store: Store[CompressionState] = Store(CompressionState(short_runs=cached))
        self.work_slot, self.loader = TaskSlot(self), TaskSlot(self)
        # derived data: the full-run curve (shipped or recomputed), the original test digits
        self.curves = cp.load_curves()
        self.originals: np.ndarray | None = None
        self._job: str | None = None   # "train" or "recompute" while the work slot runs
        self._message = ""
        self.k_combo = QComboBox()
        for k in cp.K_GRID:
            self.k_combo.addItem(str(k), k)
        self.ratio_label = QLabel()
        self.ratio_label.setWordWrap(True)
        self.scale_font(self.ratio_label, 1.15, bold=True)
        self.train_buttons = {m: QPushButton() for m in TRAINABLE}
        self.recompute_button, self.stop_button = QPushButton(), QPushButton()
        self.bind_text(self.recompute_button.setText, "comp.recompute")
        self.bind_text(self.stop_button.setText, "comp.stop")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel()
        self.status.setWordWrap(True)
        intro = QLabel()
        intro.setWordWrap(True)
        self.bind_text(intro.setText, "comp.intro")
        protocol = QLabel()
        protocol.setWordWrap(True)
        self.bind_text(protocol.setText, "comp.protocol", n=fmt_int(cp.SHORT_RUN_TRAIN))
        short_title = QLabel()
        short_title.setWordWrap(True)
        self.bind_text(short_title.setText, "comp.short_title", n=fmt_int(cp.SHORT_RUN_TRAIN))
        k_label = QLabel()
        self.bind_text(k_label.setText, "comp.k")
        form = QWidget()
        fl = QFormLayout(form)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addRow(k_label, self.k_combo)
        left = vcol(self.heading("comp.title", 1.3), intro, protocol, form, self.ratio_label, short_title,
                    *self.train_buttons.values(), self.stop_button,
                    self.recompute_button, self.progress, self.status)
        self.mse_plot, self.psnr_plot = ThemedPlot(state), ThemedPlot(state)
        for plot in (self.mse_plot, self.psnr_plot):
            plot.setLogMode(x=True, y=False)   # ticks only at the k values, no crowded minor ticks
            plot.getAxis("bottom").setTicks([[(float(np.log10(k)), str(k)) for k in cp.K_GRID], []])
        self.lines = {}
        for method in cp.METHODS:
            for plot in (self.mse_plot, self.psnr_plot):
                line = plot.line(tr(f"comp.{method}"), METHOD_COLORS[method], dashed=method == "pca")
                line.setSymbol({"pca": None, "deep": "star"}.get(method, "o"))
                line.setSymbolSize(state.px(18 if method == "deep" else 9))
                self.lines[(plot is self.psnr_plot, method)] = line
        self.short_marks = {}
        for plot in (self.mse_plot, self.psnr_plot):   # hollow markers, explained in the protocol text
            marks = pg.ScatterPlotItem(size=state.px(11), brush=None)
            plot.addItem(marks)
            self.short_marks[plot is self.psnr_plot] = marks
        self.record_label = QLabel()
        self.record_label.setWordWrap(True)
        self.k_marker = [plot.addLine(x=np.log10(16), pen=None) for plot in (self.mse_plot, self.psnr_plot)]
        self._names = {m: tr(f"comp.{m}") for m in cp.METHODS}
        self.psnr_plot.legend.setVisible(False)   # same lines as the MSE plot, whose legend names them
        self.plots = QSplitter(Qt.Horizontal)
        self.plots.addWidget(self.mse_plot)
        self.plots.addWidget(self.psnr_plot)
        self.examples = examples = QWidget()
        grid = QGridLayout(examples)
        self.example_labels, self.example_grids = {}, {}
        for row, method in enumerate(("original",) + EXAMPLE_METHODS):
            label = QLabel()
            label.setWordWrap(True)
            view = ImageGrid(state, columns=cp.EVAL["examples"], cell=48)
            grid.addWidget(label, 2 * row, 0)
            grid.addWidget(view, 2 * row + 1, 0)
            self.example_labels[method], self.example_grids[method] = label, view
        grid.setRowStretch(2 * len(EXAMPLE_METHODS) + 2, 1)
        self.stage = QSplitter(Qt.Vertical)
        plots_box = QWidget()
        QVBoxLayout(plots_box).addWidget(self.plots, 1)
        plots_box.layout().addWidget(self.record_label)
        plots_box.layout().setContentsMargins(0, 0, 0, 0)
        self.stage.addWidget(plots_box)
        self.examples_area = scroll(examples)
        self.stage.addWidget(self.examples_area)
        self.stage.setSizes([450, 550])
        self.controls = controls_column(left)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.controls)
        split.addWidget(self.stage)
        split.setSizes([1150, 2450])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self.k_combo.currentIndexChanged.connect(self._on_k_edit)
        for method, button in self.train_buttons.items():
            button.clicked.connect(lambda _c=False, m=method: self.train(m))
        self.stop_button.clicked.connect(self.stop)
        self.recompute_button.clicked.connect(self.recompute)
        for signal, slot in ((self.work_slot.progress, self._on_progress), (self.work_slot.result, self._on_result),
                             (self.work_slot.error, self._on_error), (self.work_slot.finished, self._on_finished),
                             (self.loader.result, self._on_originals), (self.loader.error, self._on_error)):
            signal.connect(slot)
        state.presentation_changed.connect(self._arrange)
        self.store.observe(self._render)
        self._arrange(state.settings.presentation)
        self.retranslate()
        self.rescale()
        self._render(self.store.value, frozenset({"k"}))

    # --- presentation -------------------------------------------------------------------------
    def controls_panel(self) -> QWidget:
        return self.controls

    def stage_widgets(self) -> list[QWidget]:
        return [self.mse_plot, self.psnr_plot, *self.example_grids.values()]

    def _arrange(self, presentation: bool) -> None:
        """Presentation: the curves stacked on the left (full width for the k axis), the image rows
        beside them at their own width, their captions without the training cost, so the whole stage
        fits a projector screen; otherwise curves side by side above the images."""
        self.stage.setOrientation(Qt.Horizontal if presentation else Qt.Vertical)
        self.plots.setOrientation(Qt.Vertical if presentation else Qt.Horizontal)
        self.stage.setStretchFactor(0, 1)
        self.stage.setStretchFactor(1, 0 if presentation else 1)
        self.examples_area.setMinimumWidth(self._examples_width() if presentation else 0)
        if not presentation:
            self.stage.setSizes([450, 550])
        self.refresh()

    def _examples_width(self) -> int:
        return (self.examples.minimumSizeHint().width() + self.examples_area.verticalScrollBar().sizeHint().width()
                + self.state.px(4))

    def rescale(self) -> None:
        super().rescale()
        if self.state.settings.presentation:
            self.examples_area.setMinimumWidth(self._examples_width())

    # --- user edits → store ----------------------------------------------------------------------
    def _edit(self, **changes) -> bool:
        try:
            self.store.set(**changes)
        except StateError as exc:
            self._message = describe_error(exc)
            self._render(self.store.value, frozenset())
            return False
        return True

    def _on_k_edit(self, index: int) -> None:
        self._edit(k=cp.K_GRID[index])

    # --- work ---------------------------------------------------------------------------------
    def train(self, method: str) -> None:
        """A short run of ``method`` at the chosen k, trained in the worker from copies of its settings."""
        value = self.store.value
        if self.work_slot.busy:
            return
        k = value.k
        phase = advance(value.short_run, "stopped") if is_active(value.short_run) else value.short_run
        self._job = "train"
        self.work_slot.start(lambda: cp.train_point(method, k))
        if not self._edit(short_run=advance(phase, "running"), short_run_method=method, short_run_k=k,
                          short_run_progress=0.0):
            self.work_slot.cancel()
            self._job = None

    def recompute(self) -> None:
        if self.work_slot.start(cp.compute_curves):
            self._job = "recompute"
            self._message = ""
            self.progress.setValue(0)
            self._update_buttons()

    def stop(self) -> None:
        """Stop the short run: nothing is kept, the phase says it stopped."""
        value = self.store.value
        if self._job == "train" and value.short_run == "running":
            self.work_slot.cancel()
            self._job = None
            self._edit(short_run=advance("running", "stopped"))

    def load_originals(self) -> None:
        if self.originals is None and not self.loader.busy:
            self.loader.start(lambda: cp.eval_images()[:cp.EVAL["examples"]].reshape(-1, 28, 28))

    def _on_progress(self, fraction) -> None:
        if self._job == "train":
            self._edit(short_run_progress=min(1.0, max(0.0, float(fraction))))
        elif self._job == "recompute":
            pct = int(round(100 * float(fraction)))
            self.progress.setValue(pct)
            self.status.setText(tr("comp.working", pct=pct))

    def _on_result(self, value) -> None:
        if isinstance(value, cp.Point) and self._job == "train":
            state = self.store.value
            self._edit_value(state.with_point(value).with_changes(short_run=advance(state.short_run, "done"),
                                                                  short_run_progress=1.0))
        elif isinstance(value, dict):
            self.curves = value
            state = self.store.value
            merged = {(run[0], run[1]): run for run in state.short_runs}
            merged.update({key: short_run_of(p) for key, p in cp.load_short_runs().items()})
            if not self._edit(short_runs=tuple(sorted(merged.values()))):
                return
            self._message = tr("comp.done")
            self._render(self.store.value, frozenset({"curves"}))

    def _edit_value(self, value: CompressionState) -> None:
        try:
            self.store.replace(value)
        except StateError as exc:
            self._message = describe_error(exc)
            self._render(self.store.value, frozenset())

    def _on_originals(self, images) -> None:
        self.originals = images
        self.example_grids["original"].set_images(self.originals)

    def _on_error(self, message: str, _details: str = "") -> None:
        if self._job == "train" and self.store.value.short_run == "running":
            self._edit(short_run=advance("running", "stopped"))
        self._message = tr("comp.error", msg=message)
        self._show_progress()

    def _on_finished(self) -> None:
        self._job = None
        self._update_buttons()
        self._show_progress()

    def busy(self) -> bool:
        """Work is under way, or its last results are not drawn yet."""
        return self.work_slot.task is not None or self.loader.task is not None

    def wait_until_idle(self, timeout_s: float = 600.0) -> bool:
        """Let the work finish while the events flow (for screenshots and tests); True if it did."""
        return wait_until(lambda: not self.busy(), timeout_s)

    # --- display ------------------------------------------------------------------------------
    def _render(self, value: CompressionState, changed: frozenset) -> None:
        """Show ``value``; a progress step redraws only the bar and the status."""
        if changed and changed <= {"short_run_progress"}:
            self._show_progress()
            return
        self.k_combo.blockSignals(True)
        self.k_combo.setCurrentIndex(cp.K_GRID.index(value.k))
        self.k_combo.blockSignals(False)
        self._message = self._message if not changed or changed == {"curves"} else ""
        self.refresh()
        self._show_progress()

    def _show_progress(self) -> None:
        value = self.store.value
        if self._job == "recompute":
            return
        self.progress.setValue(int(round(100 * value.short_run_progress)))
        method, k = tr(f"comp.{value.short_run_method}"), value.short_run_k
        if self._message:
            self.status.setText(self._message)
        elif value.short_run == "running":
            self.status.setText(tr("comp.working", pct=int(round(100 * value.short_run_progress))))
        elif value.short_run == "done":
            self.status.setText(tr("comp.done"))
        elif value.short_run in ("stopped", "diverged"):
            self.status.setText(tr("comp.stopped", method=method, k=k))
        else:
            self.status.clear()

    def refresh(self, *_args) -> None:
        """Draw the curves, the short runs and the examples at the state's k."""
        value = self.store.value
        k = value.k
        short_runs = value.short_points()
        self.ratio_label.setText(tr("comp.ratio", k=k, bytes=cp.code_bytes(k),
                                    ratio=fmt_num(round(cp.compression_ratio(k), 1))))
        for method in cp.METHODS:
            ks, mse = cp.series(self.curves, method)
            self.lines[(False, method)].setData(ks, mse)
            self.lines[(True, method)].setData(ks, [cp.psnr(v) for v in mse])
        self._refresh_short_runs(short_runs)
        for marker in self.k_marker:
            marker.setPen(self.state.colors.muted, width=self.state.px(2))
            marker.setValue(np.log10(k))
        if self.originals is not None:
            self.example_grids["original"].set_images(self.originals)
        self.example_labels["original"].setText(tr("comp.original"))
        for method in EXAMPLE_METHODS:
            point = self.curves.get((method, k))
            name = tr(f"comp.{method}")
            short = short_runs.get((method, k))
            if point is None:
                text = tr("comp.missing", method=name)
                self.example_grids[method].set_images(short.examples if short else np.zeros((0, 28, 28), np.uint8))
            else:
                text = tr("comp.row", method=name, mse=fmt_num(round(point.mse, 4)),
                          psnr=fmt_num(round(point.psnr, 1)), source=tr(f"comp.source.{point.source}"))
                if point.cost and not self.state.settings.presentation:   # the cost is for students' reading
                    text += " — " + self._cost_text(point.cost)
                self.example_grids[method].set_images(point.examples)
            if short is not None:
                text += "\n" + tr("comp.short_row", mse=fmt_num(round(short.mse, 4)), psnr=fmt_num(round(short.psnr, 1)),
                                  n=fmt_int(short.cost["n_train"]) if short.cost else "?",
                                  epochs=fmt_num(short.cost["epochs"]) if short.cost else "?",
                                  seconds=fmt_int(round(short.cost["seconds"])) if short.cost else "?")
            self.example_labels[method].setText(text)
        self._refresh_record()
        self._update_buttons()

    @staticmethod
    def _cost_text(cost: dict) -> str:
        """Training cost; CPU time where it was measured (wall time on a busy machine says little)."""
        layers = cost.get("layers")
        return tr("comp.cost", n=fmt_int(cost["n_train"]), epochs=fmt_num(round(cost["epochs"], 2)),
                  seconds=fmt_int(round(cost.get("cpu_seconds", cost["seconds"]))), threads=cost.get("threads", 1),
                  layers=f" ({layers})" if layers else "")

    def _refresh_short_runs(self, short_runs: dict) -> None:
        colors = self.state.colors.series
        for psnr_axis, marks in self.short_marks.items():
            spots = [{"pos": (float(np.log10(p.k)), p.psnr if psnr_axis else p.mse), "symbol": "o",
                      "pen": pg.mkPen(colors[METHOD_COLORS[p.method] % len(colors)], width=self.state.px(2)),
                      "brush": None} for p in short_runs.values()]
            marks.setData(spots)
            marks.setVisible(bool(spots))

    def _refresh_record(self) -> None:
        record = next((p for (m, _k), p in self.curves.items() if m == "deep"), None)
        self.record_label.setVisible(record is not None)
        if record is None:
            return
        pca = self.curves.get(("pca", record.k))
        self.record_label.setText(tr("comp.record", mse=fmt_num(round(record.mse, 5)),
                                     per_image=fmt_num(round(record.mse * 784, 2)),
                                     pca=fmt_num(round(pca.mse * 784, 2)) if pca is not None else "?",
                                     cost=self._cost_text(record.cost) if record.cost else ""))

    def _update_buttons(self) -> None:
        busy = self.work_slot.busy
        for method, button in self.train_buttons.items():
            button.setText(tr("comp.train", method=tr(f"comp.{method}"), k=self.store.value.k))
            enable(button, not busy, "why.busy")  # a short run never replaces a full-run point
        enable(self.recompute_button, not busy, "why.busy")
        enable(self.stop_button, self.store.value.short_run == "running" and self._job == "train", "why.not_running")

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
        self._show_progress()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.load_originals()

    def prepare_for_screenshot(self) -> None:
        """Load the original digits and let any work end, so the picture is the state's."""
        self.load_originals()
        self.wait_until_idle()
        self.refresh()

    def shutdown(self) -> None:
        self._job = None
        self.work_slot.stop(1000)
        self.loader.stop(1000)
