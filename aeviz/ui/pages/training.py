"""Lesson 1: train an autoencoder live and watch the loss fall and the digits appear.

Training runs in a worker (``TrainRun``); the GUI only buffers what arrives and redraws
on a timer, so the window stays fluid and training keeps its speed. While a run goes on
the GUI never touches the model: it shows the worker's reconstructions and publishes /
saves the copies the worker makes between two steps.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from aeviz.core import bundle
from aeviz.core.inference import reconstruct
from aeviz.core.models import build_model, describe_layers
from aeviz.core.session import load_training_data, model_changes, noisy_preview, run_changes
from aeviz.ui.dataset_names import dataset_label, safe_name
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import add_strings, tr
from aeviz.ui.numbers import fmt_sig
from aeviz.ui.pages.base import Page
from aeviz.ui.train_run import TrainRun
from aeviz.ui.widgets import enable
from aeviz.ui.widgets.architecture import ArchitectureDrawing, LayersTable
from aeviz.ui.widgets.bundle_bar import BundleBar
from aeviz.ui.widgets.lab_layout import controls_column, scroll, vcol
from aeviz.ui.widgets.live_view import LossCurves, PreviewRows
from aeviz.ui.widgets.run_panel import RunPanel, divergence_text, fmt_loss
from aeviz.ui.widgets.train_form import TrainForm

add_strings({
    "train.bad_history": {"en": "its training history is not a list of numbers per epoch.",
                          "fr": "son historique d'entraînement n'est pas une liste de nombres par époque."},
})

# Redraws hold the GIL and slow the training thread: reconstructions (one cheap drawImage)
# every 150 ms (6.7/s, the eye wants 5-7), the plot and progress bar (pyqtgraph axes, ~10 ms)
# every 6th tick (0.9 s) only. The form asks the trainer for a snapshot as often as the fast
# redraw, so each tick has new reconstructions to show.
REFRESH_MS = 150
SLOW_EVERY = 6


def checked_history(entries) -> list[dict]:
    """A file's per-epoch records with numbers where numbers belong; ValueError otherwise."""
    def number(v, optional: bool) -> float | None:
        if v is None and optional:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(tr("train.bad_history"))
        return float(v)

    if not isinstance(entries, (list, tuple)):
        raise ValueError(tr("train.bad_history"))
    history = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError(tr("train.bad_history"))
        history.append(dict(entry, epoch=number(entry.get("epoch"), False),
                            train_loss=number(entry.get("train_loss"), True),
                            val_loss=number(entry.get("val_loss"), True)))
    return history


class TrainingPage(Page):
    page_id = "training"
    title_key = "page.training"

    def __init__(self, state, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.run = TrainRun(self)
        self.history: list[dict] = []   # per-epoch losses of the current model, across runs and bundles
        self.offset = 0.0               # epochs done before the current Trainer started
        self.last_snap = None
        self.last_copy = None           # latest frozen copy of the model (published, saved while running)
        self._pending = None            # "stop" | "reset": what to do when the worker ends
        self._new_output = None
        self.opened = False             # the current model came from a file: kept until the user resets it
        self._status = ("", {})         # (i18n key, values) of the status line, re-rendered on a language switch
        self._message = ("", {})        # same for the error/warning line
        self._ticks = 0
        self._points_in_epoch = 0
        self.form = TrainForm()
        self.form.changed.connect(self._on_form_changed)
        self.panel = RunPanel(state)
        for signal, slot in ((self.panel.start, self.on_start), (self.panel.pause, self.on_pause),
                             (self.panel.stop, self.on_stop), (self.panel.reset, self.on_reset)):
            signal.connect(slot)
        self.files = BundleBar()
        self.files.open_path.connect(self.open_bundle)
        self.files.save_path.connect(self.save_bundle)
        self.drawing = ArchitectureDrawing(state)
        self.layers = LayersTable(state)
        self.curves = LossCurves(state)
        self.previews = PreviewRows(state)
        self._assemble()
        for signal, slot in ((self.run.data_loaded, self.form.show_data), (self.run.data_ready, self._on_data_ready),
                             (self.run.data_failed, self._on_data_failed), (self.run.started, self._on_started),
                             (self.run.snapshot, self._on_snapshot), (self.run.model_copy, self._on_model_copy),
                             (self.run.failed, self._on_failed), (self.run.ended, self._on_ended)):
            signal.connect(slot)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.settle = QTimer(self)  # let form edits settle before reloading data or rebuilding the model
        self.settle.setSingleShot(True)
        self.settle.setInterval(300)
        self.settle.timeout.connect(self._apply_settled)
        self.retranslate()
        self._new_model()
        self._fit_columns()
        self._load_data()
        self._set_status("train.loading")

    def _assemble(self) -> None:
        """Left: title, model files, settings. Right: controls, drawing, tabs (curves over images, layers)."""
        live = QSplitter(Qt.Vertical)  # the curves get the full width, even at presentation zoom
        live.addWidget(self.curves)
        self.preview_scroll = scroll(self.previews)
        live.addWidget(self.preview_scroll)
        live.setStretchFactor(0, 1)
        live.setCollapsible(1, False)
        self.tabs = QTabWidget()
        self.tabs.addTab(live, "")
        self.tabs.addTab(self.layers, "")
        right = vcol(self.panel, self.drawing, self.tabs, stretch=False)
        left = vcol(self.heading("train.title", 1.25), self.files, self.form, stretch=False)
        self.split = QSplitter()
        self.left_scroll = controls_column(left)
        self.split.addWidget(self.left_scroll)
        self.split.addWidget(right)
        self.split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(self.split)

    # --- model and data while idle ------------------------------------------------------------
    def _trained(self) -> bool:
        """The current model is one to keep (trained here, or opened from a file): form edits do not replace it."""
        return bool(self.opened or self.history or self.curves.train_x or self.run.trainer is not None)

    # --- status and message lines, kept as (key, values) so a language switch re-renders them -----
    @staticmethod
    def _render(key, values: dict) -> str:
        """``key`` is an i18n key or a callable making the whole text; ``values`` may hold callables.
        Callables are evaluated now: translated words and numbers come out in the current language."""
        if callable(key):
            return key()
        return tr(key, **{k: v() if callable(v) else v for k, v in values.items()}) if key else ""

    def _set_status(self, key: str = "", **values) -> None:
        self._status = (key, values)
        self.panel.set_status(self._render(key, values))

    def _set_message(self, key="", **values) -> None:
        self._message = (key, values)
        self.panel.set_message(self._render(key, values))

    def _image_shape(self):
        data = self.run.data
        return (1, *data.train.image_shape) if data is not None else (1, 28, 28)

    @staticmethod
    def _safe(getter):
        try:
            return getter()
        except ValueError:
            return None

    def _new_model(self) -> None:
        """A fresh untrained model from the form (cheap: built on the GUI thread while idle)."""
        try:
            self.run.model = build_model(self.form.model_config(self._image_shape()), seed=self.form.seed.value())
        except ValueError as exc:
            self._set_message("train.bad_settings", error=lambda e=exc: describe_error(e))
            return
        self.run.trainer, self.history, self.offset, self.last_copy, self.opened = None, [], 0.0, None, False
        self.curves.clear()
        self._show_model()

    def _show_model(self) -> None:
        rows = describe_layers(self.run.model)  # only while idle: it runs the model once
        self.drawing.set_rows(rows)
        self.layers.set_rows(rows)
        self._show_idle_previews()

    def _show_idle_previews(self) -> None:
        data, model = self.run.data, self.run.model
        if data is None or model is None or self.run.running():
            return
        noise = self._safe(self.form.noise)
        preview_in = noisy_preview(data.preview, noise, self.form.seed.value())
        self.previews.set_inputs(data.preview, preview_in, noise is not None)
        if tuple(model.image_shape) == (1, *data.preview.shape[1:]):
            self.previews.set_output(reconstruct(model, preview_in))

    def _load_data(self) -> None:
        spec = self._safe(self.form.data_spec)
        if spec is not None and (self.run.data is None or self.run.data.spec != spec):
            self.run.load_data(spec)

    def _on_data_ready(self, data) -> None:
        if self.run.running() or self.run.trainer is not None:
            return  # a paused run keeps its data; the banner says a new run will use the new one
        shape_changed = self.run.data is None or self.run.data.train.image_shape != data.train.image_shape
        self.run.data = data
        self.form.show_data(data)
        if shape_changed and not self._trained():
            self._new_model()
        self._show_idle_previews()
        if self._status[0] == "train.loading":
            self._set_status("" if self._trained() else "train.idle")
        self._update_state()

    def _on_data_failed(self, message: str) -> None:
        """The message stays until the user acts (edits the form, starts, opens a file): the form goes
        back to the data in use without announcing a change of its own, which would clear it."""
        self._set_message("train.data_failed", error=message)
        self.form.forget_user_data()
        self._load_data()

    # --- form changes -------------------------------------------------------------------------
    def _on_form_changed(self) -> None:
        self._update_state()
        self.settle.start()

    def _apply_settled(self) -> None:
        if self.run.running():
            return
        if not self._trained():
            cfg = self._safe(lambda: self.form.model_config(self._image_shape()))
            if cfg is not None and (self.run.model is None or cfg != self.run.model.config):
                self._new_model()
        self._set_message()
        self._load_data()
        self._show_idle_previews()
        self._update_state()

    def pending_changes(self) -> tuple[list[str], list[str]]:
        """(model fields needing a reset, data/run fields needing a new Trainer) that differ from the current ones."""
        try:
            cfg, tc, spec = self.form.model_config(self._image_shape()), self.form.train_config(), self.form.data_spec()
        except ValueError:
            return [], []
        model = model_changes(self.run.model.config, cfg) if self.run.model is not None and self._trained() else []
        trainer = self.run.trainer
        run = [] if trainer is None else run_changes(trainer.config, tc)
        if trainer is not None and self.run.data is not None and self.run.data.spec != spec:
            run.insert(0, "data")
        return model, run

    def _update_state(self) -> None:
        running = self.run.running()
        model_diff, run_diff = self.pending_changes()
        names = ", ".join(tr(f"what.{k.replace('_size', '')}") for k in (model_diff or run_diff))
        self.panel.set_banner(tr("train.needs_reset", what=names) if model_diff else
                              tr("train.needs_new_run", what=names) if run_diff else "")
        key = (None if running else "train.reset_start" if model_diff else "train.new_run" if run_diff  # None: keep
               else "train.resume" if self.run.resumable() else "train.further" if self._trained() else "train.start")
        idle = not running and self._pending is None
        self.panel.set_buttons(key, idle, running and self._pending is None,
                               running or self.run.trainer is not None, self._trained() or running)
        enable(self.form, not running, "why.running")
        self.files.set_busy(running, self.run.model is not None and (not running or self.last_copy is not None))

    # --- buttons ------------------------------------------------------------------------------
    def on_start(self) -> None:
        if self.run.running():
            return
        model_diff, run_diff = self.pending_changes()
        try:
            cfg, tc, spec = self.form.model_config(self._image_shape()), self.form.train_config(), self.form.data_spec()
        except ValueError as exc:
            self._set_message("train.bad_settings", error=lambda e=exc: describe_error(e))
            return
        self._set_message()
        if model_diff:
            self._new_model()
        if self.run.resumable() and not run_diff:
            self.run.resume(tc.lr, tc.epochs, tc.num_threads)
            self._set_status()
        else:
            self.offset = self.curves.last_x()
            self._set_status("train.loading")
            self.run.start(spec, cfg, tc)
        self.timer.start()
        self._update_state()

    def on_pause(self) -> None:
        self.run.pause()
        self.panel.pause_button.setEnabled(False)

    def on_stop(self) -> None:
        if self.run.running():
            self._pending = "stop"
            self.run.pause()
        else:
            self.run.forget_trainer()
            self._set_status("train.stopped")
        self._update_state()

    def on_reset(self) -> None:
        if self.run.running():
            self._pending = "reset"
            self.run.pause()
            self._update_state()
            return
        self._set_message()
        self.panel.progress.setValue(0)
        self.panel.progress.setFormat("")
        self.last_snap = None
        self._new_model()
        self.state.models.clear_live()
        self._set_status("train.idle")
        self._update_state()

    # --- from the run -------------------------------------------------------------------------
    def _on_started(self, preview_in) -> None:
        self.previews.set_inputs(self.run.data.preview, preview_in, self.run.trainer.config.noise is not None)
        self._set_status()

    def _on_snapshot(self, snap) -> None:
        """Buffer only (up to ~10 a second); ``refresh`` draws."""
        self.last_snap = snap
        x = self.offset + snap.step / max(1.0, snap.total_steps / max(1, snap.epochs))
        if snap.train_loss is not None and not snap.diverged and not (snap.epoch_end and self._points_in_epoch):
            self.curves.add_train(x, snap.train_loss)  # an epoch mean only for epochs too short for live points
        self._points_in_epoch = 0 if snap.epoch_end else self._points_in_epoch + 1
        if snap.val_loss is not None:
            self.curves.add_val(x, snap.val_loss)
        if snap.epoch_end:
            self.history.append({"epoch": round(x, 3), "step": snap.step, "train_loss": snap.train_loss,
                                 "val_loss": snap.val_loss, "elapsed": round(snap.elapsed, 3)})
        if snap.preview is not None and not snap.diverged:
            self._new_output = snap.preview
        if snap.diverged:
            config = self.run.trainer.config
            self._set_message(lambda: divergence_text(snap, config))

    def _on_model_copy(self, model, training: bool) -> None:
        self.last_copy = model
        self._publish(model, training)

    def _publish(self, model, training: bool) -> None:
        epochs = self.history[-1]["epoch"] if self.history else 0
        label = tr("train.live_label", kind=tr(f"kind.{model.config.kind}"), k=model.config.latent, epoch=fmt_sig(epochs, 6))
        self.state.models.publish_live(model, model.config, label, self.run.data.name if self.run.data else "", training)

    def _on_failed(self, message: str) -> None:
        self._set_message("train.failed", error=message)
        self._set_status()

    def _on_ended(self) -> None:
        self.timer.stop()
        self.refresh()
        pending, self._pending = self._pending, None
        snap = self.last_snap
        if pending is not None:
            self.run.forget_trainer()
            self._set_status("train.stopped")
            if pending == "reset":
                self.on_reset()
        elif snap is not None and snap.done:
            epochs, val = self.curves.last_x(), snap.val_loss
            self._set_status("train.finished", epochs=lambda: fmt_sig(epochs, 6), val=lambda: fmt_loss(val))
        elif snap is not None and snap.stopped and self.run.trainer is not None and not snap.diverged:
            offset = round(self.offset)  # epochs of earlier runs: the count matches the plot's x axis
            self._set_status("train.paused", epoch=offset + snap.epoch, epochs=offset + snap.epochs)
        self._update_state()

    def refresh(self, everything: bool = True) -> None:
        """Redraw reconstructions; curves and progress too when ``everything`` (cheap if unchanged)."""
        if self._new_output is not None:
            self.previews.set_output(self._new_output)
            self._new_output = None
        if everything:
            self.curves.refresh()
            if self.last_snap is not None:
                self.panel.show_snapshot(self.last_snap, round(self.offset))

    def _tick(self) -> None:
        self._ticks += 1
        self.refresh(self._ticks % SLOW_EVERY == 0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.run.set_previews_wanted(True)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.run.set_previews_wanted(False)  # another page, or the window minimised

    # --- bundles ------------------------------------------------------------------------------
    def open_bundle(self, path) -> bool:
        """Make a file's model the current one, all or nothing.

        Everything is read and checked first (weights, training settings, history, what the
        form can show); only then does the page change. The model is marked as opened, so
        the form's settling (which rebuilds an untrained model whose settings differ from the
        form) never replaces it: its weights stay until the user resets or trains them.
        """
        if self.run.running():
            return False
        try:
            b = bundle.load(path)
            train_config = b.train_config
            history = checked_history(b.history)
            self.form.check_bundle(b.config, train_config)
        except (bundle.BundleError, OSError, ValueError) as exc:
            self._set_message("train.load_failed", error=lambda e=exc: describe_error(e))
            return False
        self.settle.stop()
        self.run.model, self.run.trainer, self.opened = b.model, None, True
        self.last_snap = None
        self.form.show_bundle(b.config, train_config)
        self.history = history
        self.curves.set_history(self.history)
        self.offset = self.curves.last_x()
        self.panel.progress.setValue(0)
        self.panel.progress.setFormat("")
        self._show_model()
        self.last_copy = copy.deepcopy(b.model)  # the published copy: b.model itself may be trained next
        self._publish(self.last_copy, False)
        self._set_message()
        name, summary, epochs, data = safe_name(Path(path).name), b.config.summary(), len(self.history), b.dataset_name
        self._set_status("train.loaded", name=name, summary=summary, epochs=epochs, data=lambda: dataset_label(data))
        self._update_state()
        return True

    def save_bundle(self, path) -> bool:
        model = self.last_copy if self.run.running() else self.run.model  # never weights being trained
        try:
            bundle.save(path, model, model.config, train_config=self._safe(self.form.train_config),
                        history=self.history, dataset_name=self.run.data.name if self.run.data else None)
        except (OSError, ValueError) as exc:
            self._set_message("train.save_failed", error=lambda e=exc: describe_error(e))
            return False
        self._set_status("train.saved", path=str(path))
        self.state.notify(tr("train.saved", path=str(path)))
        return True

    # --- hooks --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        for widget in (self.form, self.curves, self.previews, self.layers, self.files, self.panel):
            widget.retranslate()
        self.drawing.update()
        self.tabs.setTabText(0, tr("train.tab_live"))
        self.tabs.setTabText(1, tr("train.tab_layers"))
        if self.run.trainer is None and not self.run.running() and not self._trained():
            self._set_status("train.loading" if self.run.loading() else "train.idle")
        else:
            self.panel.set_status(self._render(*self._status))
        self.panel.set_message(self._render(*self._message))
        if self.last_snap is not None:
            self.panel.show_snapshot(self.last_snap, round(self.offset))
        self._update_state()

    def rescale(self) -> None:
        super().rescale()
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Every preview row visible under the curves; the curves take the rest."""
        self.preview_scroll.setMinimumHeight(self.previews.sizeHint().height() + self.state.px(8))

    def prepare_for_screenshot(self) -> None:
        """A meaningful page: the pretrained MLP with its curves and reconstructions."""
        if self.run.data is None:
            self._on_data_ready(load_training_data(self.form.data_spec()))
        if self.files.models:
            self.open_bundle(self.files.models[0].path)

    def shutdown(self) -> None:
        self.timer.stop()
        self.settle.stop()
        self.run.shutdown(1000)
