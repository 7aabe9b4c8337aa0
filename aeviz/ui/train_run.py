"""One training run driven from the GUI: data, model and Trainer in a worker thread.

``TrainRun`` lives in the GUI thread and owns the current model. While a run goes on,
the model belongs to the worker: the GUI never reads its weights, it receives
snapshots (with reconstructions made in the worker) and deep copies of the model
made between two steps (``with_model_copies``). Pausing asks the trainer to stop at
the next step; the Trainer keeps its position so ``resume()`` continues exactly there.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot

from aeviz.core.models import build_model
from aeviz.core.session import (TrainingData, load_training_data, noisy_preview, warm_up_optimizers,
                                with_model_copies)
from aeviz.core.training import Trainer
from aeviz.ui.workers import Task

COPY_EVERY_S = 2.0


class _Holder:
    """Shared between the GUI and the worker: the trainer once built, and the pause flag."""

    def __init__(self):
        self.trainer: Trainer | None = None
        self.pause = threading.Event()
        self.cancelled = threading.Event()  # the run is abandoned (window closing), not merely paused

    def request_pause(self) -> None:
        self.pause.set()  # the worker checks it right after storing the trainer...
        trainer = self.trainer
        if trainer is not None:  # ...and we check the trainer after setting it: no lost pause
            trainer.request_stop()

    def cancel(self) -> None:
        self.cancelled.set()
        self.request_pause()


class TrainRun(QObject):
    data_loaded = Signal(object)    # TrainingData
    started = Signal(object)        # the model input preview images (noisy when denoising)
    snapshot = Signal(object)       # Snapshot
    model_copy = Signal(object, bool)  # a frozen copy of the model, still training?
    failed = Signal(str)
    data_ready = Signal(object)     # TrainingData loaded while idle (to preview, or to validate user files)
    data_failed = Signal(str)
    ended = Signal()                # the worker finished (paused, finished, diverged, stopped or failed)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.model = None                     # the current model (None before the first one)
        self.trainer: Trainer | None = None   # set while a run can be resumed
        self.data: TrainingData | None = None
        self.task: Task | None = None
        self._holder: _Holder | None = None
        self.previews_wanted = True           # the page clears it while hidden: no reconstructions then
        self._load_task: Task | None = None
        self._old_loads: list[Task] = []   # replaced loads still finishing (stopped at shutdown too)

    def running(self) -> bool:
        """True until the GUI thread has handled the run's end (not merely until the thread exits:
        its last signals may still be queued)."""
        return self.task is not None

    def resumable(self) -> bool:
        return self.trainer is not None and not self.trainer.done and not self.running()

    # --- control ------------------------------------------------------------------------------
    def start(self, spec, model_config, train_config) -> None:
        """A new Trainer around the current model (built from ``model_config`` if there is none)."""
        data = self.data if self.data is not None and self.data.spec == spec else None
        model = self.model
        holder = _Holder()

        def work():
            d = data or load_training_data(spec)
            yield ("data", d)
            m = model
            if m is None:
                h, w = d.train.image_shape
                m = build_model(replace(model_config, image_shape=(1, h, w)), seed=train_config.seed)
            preview_in = noisy_preview(d.preview, train_config.noise, train_config.seed)
            if not warm_up_optimizers(holder.cancelled.is_set):  # no-op once done (usually by the app's warm-up thread)
                return  # cancelled (the window closes) while the warm-up thread still imports
            trainer = Trainer(m, d.train, train_config, val_data=d.val, preview_images=preview_in)
            holder.trainer = trainer  # then read the flag: set_previews_wanted sets it, then reads the trainer
            trainer.previews_wanted = self.previews_wanted
            yield ("trainer", trainer, m, preview_in)
            if holder.pause.is_set():
                trainer.request_stop()
            yield from _drive(trainer, m)

        self.trainer = None
        self._launch(work, holder)

    def resume(self, lr: float, epochs: int, threads: int) -> None:
        trainer, model, holder = self.trainer, self.model, _Holder()
        holder.trainer = trainer
        trainer.set_learning_rate(lr)
        trainer.set_epochs(max(epochs, trainer.epoch + 1))
        trainer.config = replace(trainer.config, num_threads=threads)  # read by run() at start
        trainer.previews_wanted = self.previews_wanted

        def work():
            yield from _drive(trainer, model)

        self._launch(work, holder)

    def set_previews_wanted(self, wanted: bool) -> None:
        """Reconstructions ride on snapshots only while someone can see them (a forward pass each)."""
        self.previews_wanted = wanted
        trainer = self._holder.trainer if self._holder is not None else self.trainer
        if trainer is not None:
            trainer.previews_wanted = wanted

    def pause(self) -> None:
        if self._holder is not None:
            self._holder.request_pause()

    def forget_trainer(self) -> None:
        """Stop/reset: the model stays, the optimizer and position go."""
        if not self.running():
            self.trainer = None

    def load_data(self, spec) -> None:
        """Read data in a worker; ``data_ready`` or ``data_failed``."""
        if self._load_task is not None:
            self._load_task.cancel()
            self._old_loads.append(self._load_task)
        self._load_task = Task(lambda: load_training_data(spec), parent=self)
        self._load_task.result.connect(self._on_loaded)
        self._load_task.error.connect(self._on_load_error)
        self._load_task.start()

    def loading(self) -> bool:
        return self._load_task is not None and self._load_task.is_running()

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        self.pause()
        ok = True
        tasks = [t for t in (self.task, self._load_task, *self._old_loads) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            ok = task.wait(timeout_ms) and ok
        self.task = self._load_task = None
        self._old_loads.clear()
        return ok

    @Slot(object)
    def _on_loaded(self, data) -> None:
        self.data_ready.emit(data)

    @Slot(str, str)
    def _on_load_error(self, message: str, _details: str) -> None:
        self.data_failed.emit(message)

    def _launch(self, work, holder: _Holder) -> None:
        self._holder = holder
        self.task = Task(work, on_cancel=holder.cancel, parent=self)
        self.task.progress.connect(self._on_progress)
        self.task.error.connect(self._on_error)
        self.task.finished.connect(self._on_finished)
        self.task.start()

    # --- from the worker (re-emitted on the GUI thread by Task) ----------------------------
    @Slot(object)
    def _on_progress(self, item) -> None:
        kind = item[0]
        if kind == "snap":
            _kind, snap, clone = item
            self.snapshot.emit(snap)
            if clone is not None:
                self.model_copy.emit(clone, not (snap.stopped or snap.done))
        elif kind == "data":
            self.data = item[1]
            self.data_loaded.emit(item[1])
        elif kind == "trainer":
            _kind, self.trainer, self.model, preview_in = item
            self.started.emit(preview_in)

    @Slot(str, str)
    def _on_error(self, message: str, _details: str) -> None:
        self.failed.emit(message)

    @Slot()
    def _on_finished(self) -> None:
        if self.sender() is self.task:
            self.task = None
        self.ended.emit()


def _drive(trainer: Trainer, model):
    for snap, clone in with_model_copies(trainer.run(), model, COPY_EVERY_S):
        yield ("snap", snap, clone)
