"""Lesson 1: train an autoencoder live and watch the loss fall and the digits appear.

The page is a view of :class:`aeviz.state.training.TrainingState` (settings, where the
model comes from, the run's phase and the epochs reached): user edits go into the store,
the widgets follow it. The model, its history and the loaded data are caches of that
state held by ``TrainRun``; the weights trained here travel in saved views.

Training runs in a worker; the GUI only buffers what arrives and redraws on a timer, so
the window stays fluid and training keeps its speed. While a run goes on the GUI never
touches the model: it shows the worker's reconstructions and publishes / saves the
copies the worker makes between two steps.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFileDialog, QSplitter, QTabWidget, QVBoxLayout, QWidget

from aeviz.core import bundle
from aeviz.core.errors import AevizError
from aeviz.core.inference import reconstruct
from aeviz.core.models import build_model, describe_layers
from aeviz.core.session import model_changes, noisy_preview, run_changes
from aeviz.core.viewfile import View, load_view_model, model_bytes
from aeviz.state.base import StateError, Store
from aeviz.state.run import advance, is_active
from aeviz.state.training import TrainingState, settings_of
from aeviz.ui.dataset_names import dataset_label, model_summary, safe_name
from aeviz.ui.error_texts import describe_error
from aeviz.ui.i18n import tr
from aeviz.ui.numbers import fmt_percent, fmt_sig
from aeviz.ui.pages.base import Page
from aeviz.ui.train_run import TrainRun
from aeviz.ui.widgets import enable, train_texts  # noqa: F401  (the page's texts and error texts)
from aeviz.ui.widgets.architecture import ArchitectureDrawing, LayersTable
from aeviz.ui.widgets.bundle_bar import BundleBar
from aeviz.ui.widgets.lab_layout import controls_column, let_combos_shrink, scroll, vcol
from aeviz.ui.widgets.live_view import LossCurves, PreviewRows
from aeviz.ui.widgets.run_panel import RunPanel, divergence_text, fmt_loss
from aeviz.ui.widgets.train_form import TrainForm


# Redraws hold the GIL and slow the training thread: reconstructions (one cheap drawImage)
# every 150 ms (6.7/s, the eye wants 5-7), the plot and progress bar (pyqtgraph axes, ~10 ms)
# every 6th tick (0.9 s) only. The trainer is asked for a snapshot as often as the fast
# redraw, so each tick has new reconstructions to show.
REFRESH_MS = 150
SLOW_EVERY = 6
TABS = ("live", "layers")
#: Fields whose change means other data, another untrained model or other preview inputs.
DATA_FIELDS = frozenset({"source", "data_path", "labels_path", "subset", "seed"})
REBUILD_FIELDS = frozenset({"kind", "latent", "hidden", "bias", "seed", "origin"})
PREVIEW_FIELDS = frozenset({"denoising", "noise_kind", "noise_level", "seed"})


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
        self.store = Store(TrainingState())
        self.run = TrainRun(self)
        self.history: list[dict] = []   # per-epoch losses of the current model, across runs and files
        self.model_data = ""            # the data the current model was trained on, as its file says
        self.saved_epoch: float | None = None  # the epoch the weights had when last saved to a model file
        self.last_snap = None
        self.last_copy = None           # latest frozen copy of the model (published, saved while running)
        self._untrained_key = None      # (config, seed) the untrained model was built from
        self._view_opened = False       # a saved view chose the model: the screenshot keeps it
        self._weights_version = 0       # bumped whenever the current model or its weights change
        self._previews_key = None       # what the shown reconstructions were computed from,
        self._previews_data = None      # with these data
        self._pending = None            # "stop" | "reset": what to do when the worker ends
        self._pausing = False
        self._failed = False
        self._new_output = None
        self._message = ("", {})        # (i18n key or callable, values) of the error/warning line
        self._ticks = 0
        self._points_in_epoch = 0
        self.form = TrainForm()
        self.form.edited.connect(self._on_edited)
        self.form.refused.connect(lambda text: self._set_message(lambda: text))
        self.panel = RunPanel(state)
        for signal, slot in ((self.panel.start, self.on_start), (self.panel.pause, self.on_pause),
                             (self.panel.stop, self.on_stop), (self.panel.reset, self.on_reset)):
            signal.connect(slot)
        self.files = BundleBar()
        self.files.open_path.connect(self.open_bundle)
        self.files.use_pretrained.connect(self.open_pretrained)
        self.files.save_path.connect(self.save_bundle)
        self.drawing = ArchitectureDrawing(state)
        self.layers = LayersTable(state)
        self.curves = LossCurves(state)
        self.curves.log.toggled.connect(lambda on: self._edit(log_scale=bool(on)))
        self.previews = PreviewRows(state)
        self._assemble()
        self.tabs.currentChanged.connect(lambda index: self._edit(tab=TABS[index]))
        # load_slot.finished reaches the page after TrainRun has marked the read as over
        for signal, slot in ((self.run.data_ready, self._on_data_ready), (self.run.data_failed, self._on_data_failed),
                             (self.run.started, self._on_started), (self.run.snapshot, self._on_snapshot),
                             (self.run.model_copy, self._on_model_copy), (self.run.failed, self._on_failed),
                             (self.run.ended, self._on_ended), (self.run.load_slot.finished, self._show_run)):
            signal.connect(slot)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.settle = QTimer(self)  # let edits settle before reloading data or rebuilding the model
        self.settle.setSingleShot(True)
        self.settle.setInterval(300)
        self.settle.timeout.connect(self._apply_settled)
        self.store.observe(self._render)
        self.retranslate()
        self._new_model()
        self._render(self.store.value, frozenset())
        self.left_scroll.installEventFilter(self)  # the presentation drawer opening or closing
        self.previews.installEventFilter(self)     # new images (another size): the stage pane follows
        state.presentation_changed.connect(self._arrange_stage)
        self._arrange_stage()
        self._load_data()

    def _assemble(self) -> None:
        """Left: title, model files, settings. Right: controls, drawing, tabs (curves over images, layers)."""
        self.live = QSplitter(Qt.Vertical)  # the curves get the full width (the stage: side by side)
        self.live.addWidget(self.curves)
        self.preview_scroll = scroll(self.previews)
        self.live.addWidget(self.preview_scroll)
        self.live.setStretchFactor(0, 1)
        self.live.setCollapsible(0, False)
        self.live.setCollapsible(1, False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.live, "")
        self.tabs.addTab(self.layers, "")
        right = vcol(self.panel, self.drawing, self.tabs, stretch=False)
        left = vcol(self.heading("train.title", 1.25), self.files, self.form, stretch=False)
        self.split = QSplitter()
        self.left_scroll = controls_column(left)
        let_combos_shrink(left)
        self.split.addWidget(self.left_scroll)
        self.split.addWidget(right)
        self.split.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        side = outer.contentsMargins().left()  # no margin above and below: at 1280×720 the run controls,
        outer.setContentsMargins(side, 0, side, 0)  # drawing, curves and images fit the height, unscrolled
        outer.addWidget(self.split)

    # --- the state ----------------------------------------------------------------------------
    def _edit(self, **changes) -> bool:
        """A user's edit: into the store if valid, else the reason on the page and nothing changes."""
        try:
            self.store.set(**changes)
        except StateError as exc:
            self._set_message("train.bad_settings", error=lambda e=exc: describe_error(e))
            self.form.show_value(self.store.value)
            return False
        return True

    def _on_edited(self, changes: dict) -> None:
        if self._edit(**changes):
            self._set_message()

    def _move(self, target: str, **changes) -> None:
        """The run goes to ``target`` (a legal move of aeviz.state.run) with whatever else changes with it."""
        self.store.set(phase=advance(self.store.value.phase, target), **changes)

    def _render(self, value: TrainingState, changed: frozenset) -> None:
        self.form.show_value(value)
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(TABS.index(value.tab))
        self.tabs.blockSignals(False)
        self.curves.set_log(value.log_scale)
        if value.origin == "pretrained":
            self.files.show_pretrained(value.pretrained_id)
        if changed & PREVIEW_FIELDS:
            self._show_idle_previews()  # six small images: at once
        if changed & (DATA_FIELDS | REBUILD_FIELDS):
            self.settle.start()
        self._show_run()

    def _trained(self) -> bool:
        """The current model is one to keep (trained here, or opened): form edits do not replace it."""
        return self.store.value.origin != "untrained"

    # --- status and message lines -----------------------------------------------------------------
    @staticmethod
    def _text(key, values: dict) -> str:
        """``key`` is an i18n key or a callable making the whole text; ``values`` may hold callables.
        Callables are evaluated now: translated words and numbers come out in the current language."""
        if callable(key):
            return key()
        return tr(key, **{k: v() if callable(v) else v for k, v in values.items()}) if key else ""

    def _set_message(self, key="", **values) -> None:
        self._message = (key, values)
        self.panel.set_message(self._text(key, values))

    def _epoch_shown(self, v: TrainingState) -> int:
        """The epoch a stopped run was in (a finished one: its last), counted like the plot's x axis."""
        return min(round(v.run_end), max(math.ceil(v.epoch - 1e-9), math.floor(v.run_start) + 1))

    def status_text(self) -> str:
        """What the run is doing, from the state (and what the current model's file says)."""
        v, run = self.store.value, self.run
        if v.phase == "running":
            return tr("train.loading") if run.trainer is None else ""
        if v.phase == "paused":
            return tr("train.paused", epoch=self._epoch_shown(v), epochs=round(v.run_end))
        if v.phase == "done":
            val = next((h["val_loss"] for h in reversed(self.history) if h.get("val_loss") is not None), None)
            return tr("train.finished", epochs=fmt_sig(v.epoch, 6), val=fmt_loss(val))
        if v.phase == "stopped":
            return tr("train.stopped")
        if v.phase == "diverged":
            return tr("train.diverged_status")
        if run.loading() or run.data is None:  # idle: the data of the next run are being read
            return tr("train.loading")
        if v.origin == "untrained":
            return tr("train.idle")
        name = f"{v.pretrained_id}.aeviz" if v.origin == "pretrained" else v.model_file
        return tr("train.loaded", name=safe_name(name), summary=model_summary(run.model.config.summary()), epochs=len(self.history),
                  data=dataset_label(self.model_data))

    def _show_progress(self) -> None:
        v = self.store.value
        if self.run.running():
            if self.last_snap is not None:
                self.panel.show_snapshot(self.last_snap, round(v.run_start))
            return
        span = v.run_end - v.run_start
        if span <= 0:
            self.panel.progress.setValue(0)
            self.panel.progress.setFormat("")
            return
        fraction = min(1.0, max(0.0, (v.epoch - v.run_start) / span))
        self.panel.progress.setValue(int(1000 * fraction))
        self.panel.progress.setFormat(tr("train.progress_at", epoch=self._epoch_shown(v), epochs=round(v.run_end),
                                         pct=fmt_percent(int(100 * fraction) / 100)))

    def _image_shape(self):
        data = self.run.data
        return (1, *data.train.image_shape) if data is not None else (1, 28, 28)

    def _new_model(self) -> None:
        """A fresh untrained model from the state (cheap: built on the GUI thread while idle)."""
        v = self.store.value
        try:
            config = v.model_config(self._image_shape())
            self.run.model = build_model(config, seed=v.seed)
        except ValueError as exc:
            self._set_message("train.bad_settings", error=lambda e=exc: describe_error(e))
            return
        self._untrained_key = (config, v.seed)
        self._weights_version += 1
        self.run.trainer, self.history, self.last_copy, self.model_data, self.last_snap = None, [], None, "", None
        self.curves.clear()
        self._show_model()

    def _show_model(self) -> None:
        rows = describe_layers(self.run.model)  # only while idle: it runs the model once
        self.drawing.set_rows(rows)
        self.layers.set_rows(rows)
        self._show_idle_previews()

    def _show_idle_previews(self) -> None:
        """The fixed images through the current model (skipped when nothing they depend on changed)."""
        data, model, v = self.run.data, self.run.model, self.store.value
        if data is None or model is None or self.run.running():
            return
        noise = v.noise_config()
        key = (self._weights_version, noise, v.seed)
        if data is self._previews_data and key == self._previews_key:
            return
        self._previews_key, self._previews_data = key, data
        preview_in = noisy_preview(data.preview, noise, v.seed)
        self.previews.set_inputs(data.preview, preview_in, noise is not None)
        if tuple(model.image_shape) == (1, *data.preview.shape[1:]):
            self.previews.set_output(reconstruct(model, preview_in))

    def _load_data(self) -> None:
        try:
            spec = self.store.value.data_spec()
        except ValueError:
            return
        if self.run.data is None or self.run.data.spec != spec:
            self.run.load_data(spec)
            self._show_run()

    def _on_data_ready(self, data) -> None:
        self.form.show_data(data)
        if self.run.running() or self.run.trainer is not None:
            return  # a paused run keeps its data; the banner says a new run will use the new one
        shape_changed = self.run.data is None or self.run.data.train.image_shape != data.train.image_shape
        self.run.data = data
        if shape_changed and not self._trained():
            self._new_model()
        self._show_idle_previews()
        self._show_run()

    def _on_data_failed(self, message: str) -> None:
        """The message stays until the user acts (edits the form, starts, opens a file); the source goes
        back to MNIST without clearing it."""
        self._set_message("train.data_failed", error=message)
        if self.store.value.source != "mnist":  # the bundled digits failing too is not retried in a loop
            self.store.set(source="mnist", data_path="", labels_path="")
            self._load_data()

    def _apply_settled(self) -> None:
        if self.run.running():
            return
        v = self.store.value
        if not self._trained():
            try:
                key = (v.model_config(self._image_shape()), v.seed)
            except ValueError as exc:
                self._set_message("train.bad_settings", error=lambda e=exc: describe_error(e))
                key = self._untrained_key
            if key != self._untrained_key:
                self._new_model()
        self._load_data()
        self._show_run()

    def pending_changes(self) -> tuple[list[str], list[str]]:
        """(model fields needing a reset, data/run fields needing a new Trainer) that differ from the current ones."""
        v = self.store.value
        try:
            cfg, tc, spec = v.model_config(self._image_shape()), v.train_config(self.form.device_to_use()), v.data_spec()
        except ValueError:
            return [], []
        model = model_changes(self.run.model.config, cfg) if self.run.model is not None and self._trained() else []
        trainer = self.run.trainer
        run = [] if trainer is None else run_changes(trainer.config, tc)
        if trainer is not None and self.run.data is not None and self.run.data.spec != spec:
            run.insert(0, "data")
        return model, run

    def _show_run(self, *_args) -> None:
        """Buttons, banner, status and progress from the state and what the run caches hold."""
        running = self.run.running()
        model_diff, run_diff = self.pending_changes()
        names = ", ".join(tr(f"what.{k.replace('_size', '')}") for k in (model_diff or run_diff))
        self.panel.set_banner(tr("train.needs_reset", what=names) if model_diff else
                              tr("train.needs_new_run", what=names) if run_diff else "")
        key = (None if running else "train.reset_start" if model_diff else "train.new_run" if run_diff  # None: keep
               else "train.resume" if self.run.resumable() else "train.further" if self._trained() else "train.start")
        idle = not running and self._pending is None
        self.panel.set_buttons(key, idle, running and self._pending is None and not self._pausing,
                               running or self.run.resumable(), self._trained() or running)
        enable(self.form, not running, "why.running")
        self.files.set_busy(running, self.run.model is not None and (not running or self.last_copy is not None))
        self.panel.set_status(self.status_text())
        self._show_progress()

    # --- buttons ------------------------------------------------------------------------------
    def on_start(self) -> None:
        if self.run.running():
            return
        v = self.store.value
        model_diff, run_diff = self.pending_changes()
        try:
            cfg, tc, spec = v.model_config(self._image_shape()), v.train_config(self.form.device_to_use()), v.data_spec()
        except ValueError as exc:
            self._set_message("train.bad_settings", error=lambda e=exc: describe_error(e))
            return
        self._set_message()
        if model_diff:
            self.on_reset()
            v = self.store.value
        self._failed = False
        with self.store.batch():
            if self.run.resumable() and not run_diff:
                trainer = self.run.trainer
                self.run.resume(tc.lr, tc.epochs, tc.num_threads)
                self._move("running", run_end=v.run_start + trainer.config.epochs)
            else:
                self.last_snap = None
                self.last_copy = copy.deepcopy(self.run.model)  # what a view or a file saves until the first copy
                self.run.start(spec, cfg, tc)
                self._move("running", origin="trained", run_start=v.epoch, run_end=v.epoch + tc.epochs)
        self.timer.start()
        self._show_run()

    def on_pause(self) -> None:
        self._pausing = True
        self.run.pause()
        self._show_run()

    def on_stop(self) -> None:
        if self.run.running():
            self._pending = "stop"
            self.run.pause()
        else:  # a paused run ends; a diverged one only drops its optimizer (it has already ended)
            self.run.forget_trainer()
            if is_active(self.store.value.phase):
                self._move("stopped")
        self._show_run()

    def on_reset(self) -> None:
        if self.run.running():
            self._pending = "reset"
            self.run.pause()
            self._show_run()
            return
        self._set_message()
        self.run.forget_trainer()
        with self.store.batch():
            self._to_idle(origin="untrained", pretrained_id="", model_file="", epoch=0.0, run_start=0.0, run_end=0.0)
        self._new_model()
        self.state.models.clear_live()
        self._show_run()

    def _to_idle(self, **changes) -> None:
        """Back to no run (a paused one is stopped first: the machine has no shortcut)."""
        phase = self.store.value.phase
        if phase == "paused":
            self._move("stopped")
        if self.store.value.phase != "idle":
            self._move("idle", **changes)
        else:
            self.store.set(**changes)

    # --- from the run -------------------------------------------------------------------------
    def _on_started(self, preview_in) -> None:
        self._previews_key = None  # the rows now show the run's images
        self.previews.set_inputs(self.run.data.preview, preview_in, self.run.trainer.config.noise is not None)
        self._show_run()

    def _x(self, snap) -> float:
        """A snapshot's place on the plot's x axis: epochs since the model's first training."""
        return self.store.value.run_start + snap.step / max(1.0, snap.total_steps / max(1, snap.epochs))

    def _on_snapshot(self, snap) -> None:
        """Buffer only (up to ~10 a second); ``refresh`` draws. The state hears of epoch ends only."""
        self.last_snap = snap
        x = self._x(snap)
        if snap.train_loss is not None and not snap.diverged and not (snap.epoch_end and self._points_in_epoch):
            self.curves.add_train(x, snap.train_loss)  # an epoch mean only for epochs too short for live points
        self._points_in_epoch = 0 if snap.epoch_end else self._points_in_epoch + 1
        if snap.val_loss is not None:
            self.curves.add_val(x, snap.val_loss)
        if snap.epoch_end:
            self.history.append({"epoch": round(x, 3), "step": snap.step, "train_loss": snap.train_loss,
                                 "val_loss": snap.val_loss, "elapsed": round(snap.elapsed, 3)})
            self.store.set(epoch=round(x, 3))
        if snap.preview is not None and not snap.diverged:
            self._new_output = snap.preview
        if snap.diverged:
            config = self.run.trainer.config
            self._set_message(lambda: divergence_text(snap, config))

    def _on_model_copy(self, model, training: bool) -> None:
        self.last_copy = model
        self._publish(model, training)

    def _publish(self, model, training: bool) -> None:
        epochs = self.store.value.epoch
        label = tr("train.live_label", kind=tr(f"kind.{model.config.kind}"), k=model.config.latent, epoch=fmt_sig(epochs, 6))
        self.state.models.publish_live(model, model.config, label, self.run.data.name if self.run.data else "", training)

    def _on_failed(self, message: str) -> None:
        self._failed = True
        self._set_message("train.failed", error=message)

    def _on_ended(self) -> None:
        self.timer.stop()
        self.refresh()
        pending, self._pending, self._pausing = self._pending, None, False
        self._weights_version += 1
        snap = self.last_snap
        reached = {"epoch": round(self._x(snap), 3)} if snap is not None and not snap.diverged else {}
        if snap is not None and snap.done:
            reached = {"epoch": self.store.value.run_end}
        if self.run.data is not None:
            self.model_data = self.run.data.name
        if pending is not None or self._failed or snap is None:
            self.run.forget_trainer()
            self._move("stopped", **reached)
            if pending == "reset":
                self.on_reset()
        elif snap.done:
            self.run.forget_trainer()
            self._move("done", **reached)
        elif snap.diverged:
            self._move("diverged")
        else:
            self._move("paused", **reached)
        self._show_idle_previews()  # the model as it ended: what a saved view of it shows too
        self._show_run()

    def refresh(self, everything: bool = True) -> None:
        """Redraw reconstructions; curves and progress too when ``everything`` (cheap if unchanged)."""
        if self._new_output is not None:
            self.previews.set_output(self._new_output)
            self._new_output = None
        if everything:
            self.curves.refresh()
            self._show_progress()

    def _tick(self) -> None:
        self._ticks += 1
        self.refresh(self._ticks % SLOW_EVERY == 0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.run.set_previews_wanted(True)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.run.set_previews_wanted(False)  # another page, or the window minimised

    # --- model files --------------------------------------------------------------------------
    def run_step_action(self, action: str) -> None:
        """A lesson step's "train": start the run the step's settings describe, live."""
        if action == "train" and self.store.value.phase in ("idle", "done", "stopped"):
            self.on_start()

    def open_pretrained(self, model_id: str) -> bool:
        """A shipped model, referenced by its id (a saved view names it, it does not copy it)."""
        match = next((m for m in self.files.models if m.id == model_id), None)
        if match is None:
            self._set_message("train.load_failed", error=lambda: describe_error(
                AevizError("train.no_pretrained", f"no shipped model {model_id!r}", value=model_id)))
            return False
        return self.open_bundle(match.path, pretrained_id=model_id)

    def open_bundle(self, path, pretrained_id: str = "") -> bool:
        """Make a file's model the current one, all or nothing.

        Everything is read and checked first (weights, training settings, history, the state
        the form will show); only then does the page change. The model is marked as opened,
        so the form's settling never replaces it: its weights stay until the user resets or
        trains them.
        """
        if self.run.running():
            return False
        try:
            b = bundle.load(path)
            history = checked_history(b.history)
            epoch = history[-1]["epoch"] if history else 0.0
            origin = {"origin": "pretrained", "pretrained_id": pretrained_id, "model_file": ""} if pretrained_id \
                else {"origin": "file", "pretrained_id": "", "model_file": Path(path).name}
            changes = dict(settings_of(b.config, b.train_config), **origin, epoch=epoch, run_start=epoch, run_end=epoch)
            target = self.store.value.with_changes(**changes, phase="idle")  # checks every value before any change
        except (bundle.BundleError, OSError, ValueError) as exc:
            self._set_message("train.load_failed", error=lambda e=exc: describe_error(e))
            return False
        self.settle.stop()
        self.run.forget_trainer()
        self._use_model(b, history)
        with self.store.batch():
            self._to_idle(**{k: getattr(target, k) for k in changes})
        self._set_message()
        self._show_run()
        return True

    def _use_model(self, b, history: list[dict]) -> None:
        """``b``'s model, history and curves become the page's (already checked)."""
        self.run.model, self.run.trainer = b.model, None
        self._weights_version += 1
        self.last_snap = None
        self.history = history
        self.model_data = b.dataset_name or ""
        curves = b.meta.get("extra", {}).get("curves") if isinstance(b.meta.get("extra"), dict) else None
        if not self.curves.set_points(curves):
            self.curves.set_history(history)
        self._show_model()
        self.last_copy = copy.deepcopy(b.model)  # the published copy: b.model itself may be trained next
        self._publish(self.last_copy, False)

    def _saved_model(self):
        return self.last_copy if self.run.running() else self.run.model  # never weights being trained

    def _bundle_fields(self) -> dict:
        v = self.store.value
        return {"train_config": v.train_config(self.form.device_to_use()), "history": self.history,
                "dataset_name": self.model_data or (self.run.data.name if self.run.data else None),
                "extra": {"curves": self.curves.points()}}

    def save_bundle(self, path) -> bool:
        model = self._saved_model()
        try:
            bundle.save(path, model, model.config, **self._bundle_fields())
        except (OSError, ValueError) as exc:
            self._set_message("train.save_failed", error=lambda e=exc: describe_error(e))
            return False
        self.state.notify(tr("train.saved", path=str(path)))
        self.saved_epoch = self.store.value.epoch
        return True

    def unsaved_work(self) -> str | None:
        """Weights trained here (even mid-run) that no model file holds yet."""
        v = self.store.value
        if v.origin != "trained" or v.epoch <= 0 or self.saved_epoch == v.epoch:
            return None
        return tr("train.unsaved", epochs=fmt_sig(v.epoch))

    def save_unsaved_work(self) -> bool:
        if self.run.running():
            self.on_pause()
        path, _ = QFileDialog.getSaveFileName(self, tr("train.save"), f"autoencoder{bundle.BUNDLE_SUFFIX}",
                                              tr("train.filter"))
        if not path:
            return False
        return self.save_bundle(path if path.endswith(bundle.BUNDLE_SUFFIX) else path + bundle.BUNDLE_SUFFIX)

    # --- saved views --------------------------------------------------------------------------
    def view_model_bytes(self) -> bytes | None:
        """Weights trained here or opened from a file travel in the view; untrained and shipped ones are
        rebuilt from the seed or opened by id."""
        if self.store.value.origin not in ("file", "trained") or self._saved_model() is None:
            return None
        model = self._saved_model()
        return model_bytes(model, model.config, **self._bundle_fields())

    def open_view_model(self, view, value: TrainingState) -> None:
        if self.run.running():
            raise AevizError("train.busy", "pause or stop the training before opening a view")
        if value.origin == "untrained":
            b = None
        elif value.origin == "pretrained":
            match = next((m for m in self.files.models if m.id == value.pretrained_id), None)
            if match is None:
                raise AevizError("train.no_pretrained", f"no shipped model {value.pretrained_id!r}",
                                 value=value.pretrained_id)
            b = bundle.load(match.path)
        else:
            b = load_view_model(view)
            if b is None:
                raise AevizError("train.view_without_model", "the view holds no weights")
        history = checked_history(b.history) if b is not None else []
        self.settle.stop()
        self.run.forget_trainer()
        self._set_message()
        if b is None:
            self._untrained_key = None  # rebuilt from the restored settings by open_view
            self.history, self.model_data, self.last_snap = [], "", None
            self.curves.clear()
            self.state.models.clear_live()
        else:
            self._use_model(b, history)

    def open_view(self, view) -> None:
        super().open_view(view)
        self._view_opened = True
        self._apply_settled()  # the restored data and untrained model now, not after the settling delay

    def open_state(self, value: TrainingState) -> None:
        """A preset or a lesson step: its shipped model opened by id, or an untrained one from its seed.
        A state naming weights trained here or a file (a step holds no weights) starts untrained."""
        if value.origin in ("file", "trained"):
            value = value.with_changes(origin="untrained", model_file="", phase="idle", epoch=0.0, run_start=0.0,
                                       run_end=0.0)
        self.open_view(View(page=self.page_id, state=value.to_dict(), state_version=value.version))

    # --- hooks --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        for widget in (self.form, self.curves, self.previews, self.layers, self.files, self.panel):
            widget.retranslate()
        self.drawing.update()
        self.tabs.setTabText(0, tr("train.tab_live"))
        self.tabs.setTabText(1, tr("train.tab_layers"))
        self.panel.set_message(self._text(*self._message))
        self._show_run()

    def rescale(self) -> None:
        super().rescale()
        self._fit_columns()

    # --- presentation ---------------------------------------------------------------------------
    def controls_panel(self) -> QWidget:
        return self.left_scroll

    def stage_widgets(self) -> list[QWidget]:
        return [self.drawing, self.curves, self.previews]

    def _on_stage(self) -> bool:
        """Presentation with the settings folded away: the stage layout."""
        return self.state.settings.presentation and self.left_scroll.isHidden()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.left_scroll and event.type() in (QEvent.ShowToParent, QEvent.HideToParent):
            self._arrange_stage()
        elif watched is self.previews and event.type() == QEvent.LayoutRequest and self._on_stage():
            self._size_previews_pane()
        return super().eventFilter(watched, event)

    def _arrange_stage(self, *_args) -> None:
        """On the stage the run controls shrink to one strip and the curves sit beside the images, each
        the full height left under the drawing; otherwise the curves are over the images."""
        on = self._on_stage()
        self.panel.set_compact(on)
        self.live.setOrientation(Qt.Horizontal if on else Qt.Vertical)
        self._fit_columns()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._on_stage():
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Every preview row visible beside (stage) or under the curves; the curves take the rest.

        On the stage the images grow to fill half the width or the height under the drawing,
        whichever is less, computed from the page's size (not the splitter's, which follows it)."""
        if not self._on_stage():
            self.previews.set_cell(self.previews.cell)
            self.preview_scroll.setMinimumWidth(0)
            self.preview_scroll.setMinimumHeight(self.previews.sizeHint().height() + self.state.px(8))
            return
        px = self.state.px
        metrics = QFontMetrics(self.state.font())
        words = [w for label in self.previews.labels for w in label.text().split()]
        label_w = max(metrics.horizontalAdvance(w) for w in words) + px(12)
        above = (self.panel.sizeHint().height() + self.drawing.sizeHint().height()
                 + self.tabs.tabBar().sizeHint().height() + 3 * metrics.height() + px(48))
        step_h = (self.height() - above) / 3
        step_w = (self.width() / 2 - label_w - px(24)) / self.previews.columns
        cell_px = max(px(self.previews.cell), min(step_h, step_w) - px(4))
        self.previews.set_cell(cell_px / self.state.scale)
        self.preview_scroll.setMinimumHeight(0)
        self._size_previews_pane()

    def _size_previews_pane(self) -> None:
        """The images' pane as wide as the images; the curves get the rest."""
        width = self.previews.sizeHint().width() + self.state.px(8)
        if width != self.preview_scroll.minimumWidth():
            self.preview_scroll.setMinimumWidth(width)
            self.live.setSizes([max(1, self.live.width() - width), width])

    def prepare_for_screenshot(self) -> None:
        """The data read now (the page shows exactly its state: a screenshot opens a preset or a view first)."""
        if self.run.data is None or self.run.loading():
            self._on_data_ready(self.run.load_now(self.store.value.data_spec()))

    def shutdown(self) -> None:
        self.timer.stop()
        self.settle.stop()
        self.run.shutdown(1000)
