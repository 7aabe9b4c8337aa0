"""One training run driven from the GUI: data, model and Trainer in a worker thread.

``TrainRun`` lives in the GUI thread and owns the current model (a cache of the page's
state: its origin and the weights trained here). While a run goes on,
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
from aeviz.ui.workers import TaskSlot

COPY_EVERY_S = 2.0


class _Holder:
    """Shared between the GUI and the worker: the trainer once built, and the pause flag."""

    def __init__(self):
        self.trainer: Trainer | None = None
        self.pause = threading.Event()
        self.cancelled = threading.Event()  # the run is abandoned (window closing), not merely paused
        self.previews_wanted = True

    def request_pause(self) -> None:
        self.pause.set()  # the worker checks it right after storing the trainer...
        trainer = self.trainer
        if trainer is not None:  # ...and we check the trainer after setting it: no lost pause
            trainer.request_stop()

    def cancel(self) -> None:
        self.cancelled.set()
        self.request_pause()


class TrainRun(QObject):
    """The page's two background jobs, each in its :class:`TaskSlot`: reading data, and training.

    Pausing is the training job ending early with its Trainer kept (``resume()`` starts a new
    job on it), so the slot itself needs no pause.
    """

    started = Signal(object)        # the model input preview images (noisy when denoising)
    snapshot = Signal(object)       # Snapshot
    model_copy = Signal(object, bool)  # a frozen copy of the model, still training?
    failed = Signal(str)
    data_ready = Signal(object)     # TrainingData read while idle (to preview, or to validate user files)
    data_failed = Signal(str)
    ended = Signal()                # the training job finished (paused, finished, diverged, stopped or failed)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.model = None                     # the current model (None before the first one)
        self.trainer: Trainer | None = None   # set while a run can be resumed
        self.data: TrainingData | None = None
        self.previews_wanted = True           # the page clears it while hidden: no reconstructions then
        self.train_slot = TaskSlot(self)
        self.load_slot = TaskSlot(self)
        self._holder: _Holder | None = None
        self._active = False                  # a training job whose end the GUI has not handled yet
        self._reading = False                 # a read whose end the GUI has not handled yet
        self._next_spec = None                # data asked for while an older read still runs
        self.train_slot.progress.connect(self._on_progress)
        self.train_slot.error.connect(self._on_error)
        self.train_slot.finished.connect(self._on_finished)
        self.load_slot.result.connect(self._on_loaded)
        self.load_slot.error.connect(self._on_load_error)
        self.load_slot.finished.connect(self._on_load_finished)

    def running(self) -> bool:
        """True until the GUI thread has handled the run's end (not merely until the thread exits:
        its last signals may still be queued)."""
        return self._active

    def resumable(self) -> bool:
        return self.trainer is not None and not self.trainer.done and not self.running()

    # --- control ------------------------------------------------------------------------------
    def start(self, spec, model_config, train_config) -> None:
        """A new Trainer around the current model (built from ``model_config`` if there is none)."""
        data = self.data if self.data is not None and self.data.spec == spec else None
        model = self.model
        holder = _Holder()
        previews_wanted = self.previews_wanted

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
            trainer.previews_wanted = previews_wanted
            holder.trainer = trainer  # then read the flags: pause and set_previews_wanted set them first
            trainer.previews_wanted = holder.previews_wanted
            yield ("trainer", trainer, m, preview_in)
            if holder.pause.is_set():
                trainer.request_stop()
            yield from _drive(trainer, m)

        self.trainer = None
        self._launch(work, holder)

    def resume(self, lr: float, epochs: int, threads: int | None) -> None:
        trainer, model, holder = self.trainer, self.model, _Holder()
        holder.trainer = trainer
        trainer.set_learning_rate(lr)
        trainer.set_epochs(max(epochs, trainer.epoch + 1))
        trainer.config = replace(trainer.config, num_threads=threads)  # read by run() at start (None: measured)
        trainer.previews_wanted = self.previews_wanted

        def work():
            yield from _drive(trainer, model)

        self._launch(work, holder)

    def set_previews_wanted(self, wanted: bool) -> None:
        """Reconstructions ride on snapshots only while someone can see them (a forward pass each)."""
        self.previews_wanted = wanted
        if self._holder is not None:
            self._holder.previews_wanted = wanted
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
        """Read data in a worker; ``data_ready`` or ``data_failed``. A newer request cancels an older one
        (its result is dropped) and starts once it ends: a read cannot be interrupted midway."""
        if self._reading:
            self._next_spec = spec
            self.load_slot.cancel()
            return
        self._next_spec = None
        self._reading = True
        self.load_slot.start(lambda: load_training_data(spec))

    def load_now(self, spec) -> TrainingData:
        """Read ``spec`` on the calling thread, dropping any read in flight (screenshots only)."""
        self._next_spec = None
        self.load_slot.abandon(60000)
        self._reading = False
        return load_training_data(spec)

    def loading(self) -> bool:
        """A read whose end the GUI has not handled yet (its result may still be queued)."""
        return self._reading

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        self.pause()
        self._next_spec = None
        for slot in (self.train_slot, self.load_slot):
            slot.cancel()
        ok = self.train_slot.stop(timeout_ms)
        ok = self.load_slot.stop(timeout_ms) and ok
        self._active = self._reading = False
        return ok

    @Slot(object)
    def _on_loaded(self, data) -> None:
        self.data_ready.emit(data)

    @Slot(str, str)
    def _on_load_error(self, message: str, _details: str) -> None:
        if self._next_spec is None:  # an error of a read already replaced by a newer one is moot
            self.data_failed.emit(message)

    @Slot()
    def _on_load_finished(self) -> None:
        self._reading = False
        if self._next_spec is not None:
            self.load_data(self._next_spec)

    def _launch(self, work, holder: _Holder) -> None:
        self._holder = holder
        self._active = True
        self.train_slot.start(work, on_cancel=holder.cancel)

    # --- from the worker (re-emitted on the GUI thread by the slot) -------------------------
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
            self.data_ready.emit(item[1])
        elif kind == "trainer":
            _kind, self.trainer, self.model, preview_in = item
            self.started.emit(preview_in)

    @Slot(str, str)
    def _on_error(self, message: str, _details: str) -> None:
        self.failed.emit(message)

    @Slot()
    def _on_finished(self) -> None:
        self._active = False
        self._holder = None
        self.ended.emit()


def _drive(trainer: Trainer, model):
    for snap, clone in with_model_copies(trainer.run(), model, COPY_EVERY_S):
        yield ("snap", snap, clone)
