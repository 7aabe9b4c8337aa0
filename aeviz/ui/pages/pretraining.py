"""Lesson 1, unsupervised pretraining: few labels, many unlabelled images.

The plot shows test accuracy against L (labels per class) for a classifier trained
from scratch, on the frozen pretrained encoder, and fine-tuned. The shipped curve
appears at once; Run computes the chosen L (or the whole curve) in a worker with
progress, and every point is cached so a class never waits twice.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QLabel, QProgressBar, QPushButton, QSlider, QVBoxLayout,
                               QWidget, QSplitter)

from aeviz.core import pretraining as ptr
from aeviz.state.base import StateError, Store
from aeviz.state.pretraining import ENCODERS, PretrainingState, results_of, settings_of
from aeviz.state.run import advance, is_active
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.pages.base import Page
from aeviz.ui.pages.waiting import wait_until
from aeviz.ui.numbers import percent_format
from aeviz.ui.widgets import enable, fmt_num
from aeviz.ui.widgets.lab_layout import vcol, controls_column
from aeviz.ui.widgets.plots import ThemedPlot
from aeviz.ui.workers import TaskSlot

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
    "pt.done": {"en": "Experiment finished (L = {Ls}).", "fr": "Expérience terminée (L = {Ls})."},
    "pt.stopped": {"en": "Experiment stopped (L = {Ls}): the points already computed are kept.",
                   "fr": "Expérience arrêtée (L = {Ls}) : les points déjà calculés sont gardés."},
    "pt.starting": {"en": "Starting (L = {Ls})…", "fr": "Démarrage (L = {Ls})…"},
    "err.pretraining.no_Ls": {"en": "An experiment needs at least one value of L.",
                              "fr": "Une expérience demande au moins une valeur de L."},
    "err.pretraining.bad_row": {"en": "The results for L = {L} need one accuracy per seed for each way.",
                                "fr": "Les résultats pour L = {L} demandent une précision par graine pour chaque "
                                      "façon."},
    "err.pretraining.bad_order": {"en": "The results must list each L once, in increasing order.",
                                  "fr": "Les résultats doivent donner chaque L une fois, dans l'ordre croissant."},
    "err.field.L": {"en": "labels per class L", "fr": "étiquettes par classe L"},
    "err.field.encoder": {"en": "pretrained encoder", "fr": "encodeur pré-entraîné"},
    "err.field.results": {"en": "results", "fr": "résultats"},
    "err.field.experiment": {"en": "state of the experiment", "fr": "état de l'expérience"},
    "err.field.experiment_Ls": {"en": "values of L of the experiment", "fr": "valeurs de L de l'expérience"},
    "err.field.experiment_progress": {"en": "progress of the experiment", "fr": "avancement de l'expérience"},
})

WAY_COLORS = {"scratch": 5, "frozen": 0, "finetune": 2}
WAY_SYMBOLS = {"scratch": "s", "frozen": "o", "finetune": "t"}


class PretrainingPage(Page):
    page_id = "pretraining"
    title_key = "page.pretraining"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.store: Store[PretrainingState] = Store(PretrainingState(results=results_of(stored_results("shipped"))))
        self.slot = TaskSlot(self)
        self._stop_event: threading.Event | None = None
        self._last_progress: ptr.Progress | None = None
        self._message = ""
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(1, 500)
        self.L_label = QLabel()
        self.scale_font(self.L_label, 1.15, bold=True)
        self.encoder_combo = QComboBox()
        enc_label = QLabel()
        self.bind_text(enc_label.setText, "pt.encoder")
        self.run_button, self.run_all_button, self.stop_button = QPushButton(), QPushButton(), QPushButton()
        for button, key in ((self.run_button, "pt.run"), (self.run_all_button, "pt.run_all"),
                            (self.stop_button, "pt.stop")):
            self.bind_text(button.setText, key)
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
        self.plot.legend.setOffset((-10, -10))   # bottom right: accuracies stay above 40 %, the curves stay clear
        self.L_marker = self.plot.addLine(x=1.0)
        self.controls = controls_column(left)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.controls)
        split.addWidget(self.plot)
        split.setSizes([1300, 2300])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self.slider.valueChanged.connect(self._on_L_edit)
        self.encoder_combo.currentIndexChanged.connect(self._on_encoder_edit)
        self.run_button.clicked.connect(lambda: self.run([self.store.value.L]))
        self.run_all_button.clicked.connect(lambda: self.run(list(ptr.DEFAULT_LS)))
        self.stop_button.clicked.connect(self.stop)
        self.slot.progress.connect(self._on_progress)
        self.slot.result.connect(self._on_result)
        self.slot.error.connect(self._on_error)
        self.slot.finished.connect(self._update_buttons)
        self.store.observe(self._render)
        self.retranslate()
        self.rescale()

    # --- user edits → store ----------------------------------------------------------------------
    def controls_panel(self) -> QWidget:
        return self.controls

    def stage_widgets(self) -> list[QWidget]:
        return [self.plot]

    def _edit(self, **changes) -> bool:
        try:
            self.store.set(**changes)
        except StateError as exc:
            self._message = describe_error(exc)
            self._render(self.store.value, frozenset())
            return False
        return True

    def _on_L_edit(self, L: int) -> None:
        self._edit(L=L)

    def _on_encoder_edit(self, index: int) -> None:
        """Another encoder: its results (shipped and cached on this computer) replace the shown ones."""
        encoder = ENCODERS[max(0, index)]
        self._edit(encoder=encoder, results=results_of(stored_results(encoder)))

    # --- work ---------------------------------------------------------------------------------
    def run(self, Ls) -> None:
        """Compute the accuracies for ``Ls`` in the worker (cached points are read, not recomputed)."""
        value = self.store.value
        if self.slot.busy:
            return
        Ls = tuple(sorted({int(L) for L in Ls}))
        phase = advance(value.experiment, "stopped") if is_active(value.experiment) else value.experiment
        if not self._edit(experiment=advance(phase, "running"), experiment_Ls=Ls, experiment_progress=0.0):
            return
        settings, stop_event = value.settings(), threading.Event()
        self._stop_event, self._last_progress = stop_event, None
        self.slot.start(lambda: ptr.run_experiment(Ls, settings, stop=stop_event.is_set), on_cancel=stop_event.set)

    def stop(self) -> None:
        """Stop the experiment; the points finished so far (cached on disk) join the results."""
        value = self.store.value
        if value.experiment != "running":
            return
        self.slot.cancel()
        self._last_progress = None
        merged = value.results_dict()
        merged.update(ptr.cached_results(value.settings()))
        self._edit(experiment=advance("running", "stopped"), results=results_of(merged))

    def _on_progress(self, p: ptr.Progress) -> None:
        self._last_progress = p
        self._edit(experiment_progress=min(1.0, max(0.0, p.fraction)))
        self._show_status()

    def _on_result(self, results) -> None:
        value = self.store.value
        if value.experiment != "running":
            return
        merged = value.results_dict()
        if results:
            merged.update({L: row for L, row in results.items() if all(row.values())})
        self._last_progress = None
        self._edit(experiment=advance("running", "done"), experiment_progress=1.0, results=results_of(merged))

    def _on_error(self, message: str, _details: str = "") -> None:
        if self.store.value.experiment == "running":
            self._edit(experiment=advance("running", "stopped"))
        self._message = tr("pt.error", msg=message)
        self._show_status()

    def busy(self) -> bool:
        """The experiment runs, or its last results are not drawn yet."""
        return self.slot.task is not None

    def wait_until_idle(self, timeout_s: float = 600.0) -> bool:
        """Let the work finish while the events flow (for screenshots and tests); True if it did."""
        return wait_until(lambda: not self.busy(), timeout_s)

    # --- store → view --------------------------------------------------------------------------
    def _render(self, value: PretrainingState, changed: frozenset) -> None:
        if changed and changed <= {"experiment_progress"}:
            self.progress.setValue(int(round(100 * value.experiment_progress)))
            return
        for widget in (self.slider, self.encoder_combo):
            widget.blockSignals(True)
        self.slider.setValue(value.L)
        self.encoder_combo.setCurrentIndex(ENCODERS.index(value.encoder))
        for widget in (self.slider, self.encoder_combo):
            widget.blockSignals(False)
        if changed and changed != {"L"}:
            self._message = ""
        self.progress.setValue(int(round(100 * value.experiment_progress)))
        self.refresh()
        self._show_status()
        self._update_buttons()

    def _show_status(self) -> None:
        value, p = self.store.value, self._last_progress
        Ls = ", ".join(str(L) for L in value.experiment_Ls)
        if self._message:
            self.status.setText(self._message)
        elif value.experiment == "running" and p is None:
            self.status.setText(tr("pt.starting", Ls=Ls))
        elif value.experiment == "running" and p.stage == "pretrain":
            self.status.setText(tr("pt.pretraining", pct=int(round(100 * p.fraction))))
        elif value.experiment == "running":
            self.status.setText(tr("pt.classifying", done=p.done, total=p.total, L=p.L, way=tr(f"pt.{p.way}"),
                                   acc=fmt_num(round(100 * p.accuracy, 1))))
        elif value.experiment == "done":
            self.status.setText(tr("pt.done", Ls=Ls))
        elif value.experiment in ("stopped", "diverged"):
            self.status.setText(tr("pt.stopped", Ls=Ls))
        else:
            self.status.clear()

    def _update_buttons(self) -> None:
        running = self.store.value.experiment == "running" or self.slot.busy
        for widget in (self.run_button, self.run_all_button, self.encoder_combo):
            enable(widget, not running, "why.busy")
        enable(self.stop_button, self.store.value.experiment == "running", "why.idle")

    def refresh(self, *_args) -> None:
        value = self.store.value
        L = value.L
        results = value.results_dict()
        self.L_label.setText(tr("pt.L", L=L, total=10 * L))
        self.L_marker.setPen(self.state.colors.muted, width=self.state.px(2))
        self.L_marker.setValue(np.log10(L))
        summary = ptr.summarise(results)
        for way in ptr.WAYS:
            self.lines[way].setData(summary["L"], 100 * summary[way])
        row = results.get(L)
        if row:
            self.result_label.setText(tr("pt.result", L=L, **{w: fmt_num(round(100 * float(np.mean(row[w])), 1))
                                                              for w in ptr.WAYS}))
        else:
            self.result_label.setText(tr("pt.not_run", L=L))

    def retranslate(self) -> None:
        super().retranslate()
        self.progress.setFormat(percent_format())
        self.encoder_combo.blockSignals(True)
        self.encoder_combo.clear()
        self.encoder_combo.addItem(tr("pt.enc_shipped"))
        self.encoder_combo.addItem(tr("pt.enc_pool"))
        self.encoder_combo.blockSignals(False)
        for way in ptr.WAYS:
            self.plot.rename_line(self._names[way], tr(f"pt.{way}"))
            self._names[way] = tr(f"pt.{way}")
        self.plot.set_axis_labels(tr("pt.acc_axis"), tr("pt.L_axis"))
        self._render(self.store.value, frozenset({"L"}))

    def prepare_for_screenshot(self) -> None:
        """Let a running experiment end, so the picture is the state's."""
        self.wait_until_idle()

    def shutdown(self) -> None:
        self.slot.stop(1000)


def stored_results(encoder: str) -> dict[int, dict[str, list[float]]]:
    """Results known without computing: the shipped curve (default settings) overlaid with this computer's cache."""
    settings = settings_of(encoder)
    results = ptr.load_defaults() if settings == ptr.PretrainSettings() else {}
    results.update(ptr.cached_results(settings))
    return results
