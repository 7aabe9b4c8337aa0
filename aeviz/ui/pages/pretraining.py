"""Lesson 1, unsupervised pretraining: few labels, many unlabelled images.

The plot shows test accuracy against L (labels per class) for a classifier trained
from scratch, on the frozen pretrained encoder, and fine-tuned. The shipped curve
appears at once; Run computes the chosen L (or the whole curve) in a worker with
progress, and every point is cached so a class never waits twice.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QLabel, QProgressBar, QPushButton, QSlider, QVBoxLayout,
                               QWidget, QSplitter)

from aeviz.core import pretraining as ptr
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.base import Page
from aeviz.ui.numbers import percent_format
from aeviz.ui.widgets import enable, fmt_num
from aeviz.ui.widgets.lab_layout import vcol, controls_column
from aeviz.ui.widgets.plots import ThemedPlot
from aeviz.ui.workers import Task

add_strings({
    "pt.title": {"en": "Unsupervised pretraining: learn from images, then from a few labels",
                 "fr": "Pré-entraînement non supervisé : apprendre des images, puis de quelques étiquettes"},
    "pt.intro": {
        "en": "An autoencoder was trained on the 60 000 MNIST training images without their labels. Its encoder "
              "becomes the first layers of a digit classifier trained with only L labelled images per class, "
              "three ways, with the same architecture (conv encoder + one linear layer):",
        "fr": "Un auto-encodeur a été entraîné sur les 60 000 images d'entraînement MNIST sans leurs étiquettes. "
              "Son encodeur devient les premières couches d'un classifieur de chiffres entraîné avec seulement L "
              "images étiquetées par classe, de trois façons, avec la même architecture (encodeur convolutif + "
              "une couche linéaire) :"},
    "pt.ways": {
        "en": "• from scratch: random weights, everything learnt from the L·10 labels;\n"
              "• frozen encoder: pretrained encoder kept, only the last layer learnt;\n"
              "• fine-tuned: starts from the pretrained encoder, everything learnt.",
        "fr": "• à partir de zéro : poids aléatoires, tout appris des L·10 étiquettes ;\n"
              "• encodeur figé : encodeur pré-entraîné gardé, seule la dernière couche est apprise ;\n"
              "• affiné : part de l'encodeur pré-entraîné, tout est appris."},
    "pt.protocol": {"en": "Accuracy on 1 000 test images, mean of 3 seeds (fixed), 150 training steps.",
                    "fr": "Précision sur 1 000 images de test, moyenne de 3 graines (fixes), 150 pas d'entraînement."},
    "pt.L": {"en": "Labels per class L = {L} ({total} labelled images)",
             "fr": "Étiquettes par classe L = {L} ({total} images étiquetées)"},
    "pt.encoder": {"en": "Pretrained encoder", "fr": "Encodeur pré-entraîné"},
    "pt.enc_shipped": {"en": "Shipped (60 000 unlabelled images)", "fr": "Fourni (60 000 images non étiquetées)"},
    "pt.enc_pool": {"en": "Pretrain now on 10 000 unlabelled images", "fr": "Pré-entraîner maintenant sur 10 000 images"},
    "pt.run": {"en": "Run for this L", "fr": "Lancer pour ce L"},
    "pt.run_all": {"en": "Run the whole curve", "fr": "Lancer toute la courbe"},
    "pt.stop": {"en": "Stop", "fr": "Arrêter"},
    "pt.scratch": {"en": "from scratch", "fr": "à partir de zéro"},
    "pt.frozen": {"en": "frozen pretrained encoder", "fr": "encodeur pré-entraîné figé"},
    "pt.finetune": {"en": "pretrained, fine-tuned", "fr": "pré-entraîné, affiné"},
    "pt.acc_axis": {"en": "test accuracy (%)", "fr": "précision en test (%)"},
    "pt.L_axis": {"en": "labels per class L (log scale)", "fr": "étiquettes par classe L (échelle log)"},
    "pt.pretraining": {"en": "Pretraining the autoencoder… {pct} %", "fr": "Pré-entraînement de l'auto-encodeur… {pct} %"},
    "pt.classifying": {"en": "Classifier {done} / {total} (L = {L}, {way}): {acc} %",
                       "fr": "Classifieur {done} / {total} (L = {L}, {way}) : {acc} %"},
    "pt.result": {"en": "L = {L}: scratch {scratch} %, frozen {frozen} %, fine-tuned {finetune} %",
                  "fr": "L = {L} : zéro {scratch} %, figé {frozen} %, affiné {finetune} %"},
    "pt.not_run": {"en": "L = {L} not computed yet: press Run.", "fr": "L = {L} pas encore calculé : lancez."},
    "pt.error": {"en": "Failed: {msg}", "fr": "Échec : {msg}"},
})

WAY_COLORS = {"scratch": 5, "frozen": 0, "finetune": 2}
WAY_SYMBOLS = {"scratch": "s", "frozen": "o", "finetune": "t"}


class PretrainingPage(Page):
    page_id = "pretraining"
    title_key = "page.pretraining"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.task: Task | None = None
        self.results: dict[int, dict[str, list[float]]] = {}
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(1, 500)
        self.slider.setValue(10)
        self.L_label = QLabel()
        self.scale_font(self.L_label, 1.15, bold=True)
        self.encoder_combo = QComboBox()
        enc_label = QLabel()
        self.bind_text(enc_label.setText, "pt.encoder")
        self.run_button, self.run_all_button, self.stop_button = QPushButton(), QPushButton(), QPushButton()
        for button, key in ((self.run_button, "pt.run"), (self.run_all_button, "pt.run_all"),
                            (self.stop_button, "pt.stop")):
            self.bind_text(button.setText, key)
        self.stop_button.setEnabled(False)
        buttons = QWidget()
        row = QVBoxLayout(buttons)   # stacked: the left column stays narrow at zoom 2
        row.setContentsMargins(0, 0, 0, 0)
        for b in (self.run_button, self.run_all_button, self.stop_button):
            row.addWidget(b)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status, self.result_label = QLabel(), QLabel()
        for label in (self.status, self.result_label):
            label.setWordWrap(True)
        self.scale_font(self.result_label, 1.15, bold=True)
        texts = []
        for key in ("pt.intro", "pt.ways", "pt.protocol"):
            label = QLabel()
            label.setWordWrap(True)
            self.bind_text(label.setText, key)
            texts.append(label)
        left = vcol(self.heading("pt.title", 1.3), *texts, self.L_label, self.slider, enc_label, self.encoder_combo,
                    buttons, self.progress, self.status, self.result_label)
        self.plot = ThemedPlot(state)
        self.plot.setLogMode(x=True, y=False)
        self.plot.getAxis("bottom").setTicks([[(float(np.log10(L)), str(L)) for L in ptr.DEFAULT_LS], []])
        self.plot.setYRange(0, 100)
        self.lines = {}
        self._names = {}
        for way in ptr.WAYS:
            line = self.plot.line(tr(f"pt.{way}"), WAY_COLORS[way])
            line.setSymbol(WAY_SYMBOLS[way])
            line.setSymbolSize(state.px(10))
            self.lines[way] = line
            self._names[way] = tr(f"pt.{way}")
        self.L_marker = self.plot.addLine(x=1.0)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(controls_column(left))
        split.addWidget(self.plot)
        split.setSizes([1300, 2300])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self.slider.valueChanged.connect(self.refresh)
        self.encoder_combo.currentIndexChanged.connect(self.reload)
        self.run_button.clicked.connect(lambda: self.run([self.slider.value()]))
        self.run_all_button.clicked.connect(lambda: self.run(list(ptr.DEFAULT_LS)))
        self.stop_button.clicked.connect(self.stop)
        self.retranslate()
        self.rescale()
        self.reload()

    def settings(self) -> ptr.PretrainSettings:
        return ptr.PretrainSettings(encoder="shipped" if self.encoder_combo.currentIndex() <= 0 else "pool10000")

    def reload(self, *_args) -> None:
        """Shipped defaults (for the default settings) overlaid with what this computer cached."""
        settings = self.settings()
        self.results = ptr.load_defaults() if settings == ptr.PretrainSettings() else {}
        self.results.update(ptr.cached_results(settings))
        self.refresh()

    # --- work ---------------------------------------------------------------------------------
    def run(self, Ls) -> None:
        if self.task is not None and self.task.is_running():
            return
        settings = self.settings()
        self._stop_flag = False
        self.task = Task(lambda: ptr.run_experiment(Ls, settings, stop=lambda: self._stop_flag),
                         on_cancel=self._request_stop)
        self.task.progress.connect(self._on_progress)
        self.task.result.connect(self._on_result)
        self.task.error.connect(self._on_error)
        self.task.finished.connect(self._on_finished)
        self._busy(True)
        self.progress.setValue(0)
        self.task.start()

    def _request_stop(self) -> None:
        self._stop_flag = True

    def stop(self) -> None:
        if self.task is not None:
            self.task.stop(1000)

    def _busy(self, busy: bool) -> None:
        for widget in (self.run_button, self.run_all_button, self.encoder_combo):
            enable(widget, not busy, "why.busy")
        enable(self.stop_button, busy, "why.idle")

    def _on_progress(self, p) -> None:
        pct = int(round(100 * p.fraction))
        self.progress.setValue(pct)
        if p.stage == "pretrain":
            self.status.setText(tr("pt.pretraining", pct=pct))
        else:
            self.status.setText(tr("pt.classifying", done=p.done, total=p.total, L=p.L, way=tr(f"pt.{p.way}"),
                                   acc=fmt_num(round(100 * p.accuracy, 1))))

    def _on_result(self, results) -> None:
        if results:
            self.results.update({L: row for L, row in results.items() if all(row.values())})
        self.progress.setValue(100)
        self.refresh()

    def _on_error(self, message: str, _details: str = "") -> None:
        self.status.setText(tr("pt.error", msg=message))

    def _on_finished(self) -> None:
        self._busy(False)

    # --- display ------------------------------------------------------------------------------
    def refresh(self, *_args) -> None:
        L = self.slider.value()
        self.L_label.setText(tr("pt.L", L=L, total=10 * L))
        self.L_marker.setPen(self.state.colors.muted, width=self.state.px(2))
        self.L_marker.setValue(np.log10(L))
        summary = ptr.summarise(self.results)
        for way in ptr.WAYS:
            self.lines[way].setData(summary["L"], 100 * summary[way])
        row = self.results.get(L)
        if row:
            self.result_label.setText(tr("pt.result", L=L, **{w: fmt_num(round(100 * float(np.mean(row[w])), 1))
                                                              for w in ptr.WAYS}))
        else:
            self.result_label.setText(tr("pt.not_run", L=L))

    def retranslate(self) -> None:
        super().retranslate()
        self.progress.setFormat(percent_format())
        index = self.encoder_combo.currentIndex()
        self.encoder_combo.blockSignals(True)
        self.encoder_combo.clear()
        self.encoder_combo.addItem(tr("pt.enc_shipped"))
        self.encoder_combo.addItem(tr("pt.enc_pool"))
        self.encoder_combo.setCurrentIndex(max(0, index))
        self.encoder_combo.blockSignals(False)
        for way in ptr.WAYS:
            self.plot.rename_line(self._names[way], tr(f"pt.{way}"))
            self._names[way] = tr(f"pt.{way}")
        self.plot.set_axis_labels(tr("pt.acc_axis"), tr("pt.L_axis"))
        self.refresh()

    def prepare_for_screenshot(self) -> None:
        self.reload()

    def shutdown(self) -> None:
        self.stop()
