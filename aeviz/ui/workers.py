"""Run core work (a plain function or a generator) in a QThread, report through signals.

The core knows nothing of Qt: it exposes generators that yield progress and return a
result. ``Task`` drives one in a worker thread and re-emits what it yields on the GUI
thread. Signals are connected to methods of ``Task`` itself, a QObject living in the
GUI thread: in PySide6 a worker signal connected to a lambda or a plain function runs
in the worker thread, where touching widgets crashes the interpreter.

Cancelling sets a flag checked between two yields and calls an optional callback (for
instance ``Trainer.request_stop``) so long steps end early too.

Closing the window cancels everything at once and bounds every wait by one shared
deadline (``shutdown_deadline``): however many pages wait on stuck tasks, closing takes
at most that long. A step that cannot be interrupted (reading a big folder) may still be
running then; the application ends the process after saving (see ``aeviz.ui.app``).
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import time
import traceback
import weakref
from typing import Any, Callable, Iterator

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from aeviz.ui.error_texts import describe_error

_log = logging.getLogger(__name__)
_live_tasks: "weakref.WeakSet[Task]" = weakref.WeakSet()
_running: set["Task"] = set()  # keeps running tasks alive even if their owner forgets them
_deadline: float | None = None  # monotonic time after which waits give up (while closing)
#: Called first thing in every worker thread when set: tests install a profiler there that
#: fails on any widget method called off the GUI thread.
worker_probe: Callable[[], None] | None = None


class _Runner(QObject):
    yielded = Signal(object)
    returned = Signal(object)
    failed = Signal(str, str)
    done = Signal()

    def __init__(self, work: Callable[[], Any]):
        super().__init__()
        self._work = work
        self.cancelled = False

    @Slot()
    def run(self) -> None:
        if worker_probe is not None:
            worker_probe()
        try:
            result = self._work()
            if inspect.isgenerator(result):
                result = self._drive(result)
            if not self.cancelled:
                self.returned.emit(result)
        except Exception as exc:  # reported to the page, which shows a message
            _log.exception("background task failed")
            self.failed.emit(describe_error(exc), traceback.format_exc())
        finally:
            self.done.emit()

    def _drive(self, generator) -> Any:
        try:
            while True:
                if self.cancelled:
                    generator.close()
                    return None
                self.yielded.emit(next(generator))
        except StopIteration as stop:
            return stop.value


class Task(QObject):
    """One background computation. Connect to its signals, then ``start()``."""

    progress = Signal(object)  # each value the generator yields
    result = Signal(object)    # the return value (not emitted when cancelled)
    error = Signal(str, str)   # message, traceback text
    finished = Signal()        # always, last

    def __init__(self, work: Callable[[], Any], on_cancel: Callable[[], None] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._on_cancel = on_cancel
        self._thread = QThread()
        self._runner = _Runner(work)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.yielded.connect(self._on_yielded)
        self._runner.returned.connect(self._on_returned)
        self._runner.failed.connect(self._on_failed)
        # Direct: quit from the worker itself, so wait() works even while the GUI thread blocks.
        self._runner.done.connect(self._thread.quit, Qt.DirectConnection)
        self._thread.finished.connect(self._on_thread_finished)
        self._started = False
        _live_tasks.add(self)

    def start(self) -> "Task":
        self._started = True
        _running.add(self)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._runner.cancelled = True
        if self._on_cancel is not None:
            try:
                self._on_cancel()
            except Exception:
                _log.exception("cancel callback failed")

    @property
    def cancelled(self) -> bool:
        return self._runner.cancelled

    def is_running(self) -> bool:
        return self._started and self._thread.isRunning()

    def wait(self, timeout_ms: int = 2000) -> bool:
        """Block until the thread ends; True if it did within the time (and the shutdown deadline)."""
        if not self._started:
            return True
        if _deadline is not None:
            timeout_ms = max(0, min(timeout_ms, int(1000 * (_deadline - time.monotonic()))))
        return self._thread.wait(timeout_ms)

    def stop(self, timeout_ms: int = 1000) -> bool:
        self.cancel()
        return self.wait(timeout_ms)

    @Slot(object)
    def _on_yielded(self, value: object) -> None:
        if not self._runner.cancelled:
            self.progress.emit(value)

    @Slot(object)
    def _on_returned(self, value: object) -> None:
        self.result.emit(value)

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        self.error.emit(message, details)

    @Slot()
    def _on_thread_finished(self) -> None:
        _running.discard(self)
        self.finished.emit()


class TaskSlot(QObject):
    """A page's one background job at a time: the guard, the wiring and the busy flag, once.

    ``start(work)`` refuses while a job runs (or, with ``replace=True``, cancels it and
    forgets its late signals); the slot's own signals carry only the current job's
    progress, result and error, then ``finished``. ``busy_changed`` lets the view enable
    or disable its buttons from one place. ``work`` must not read widgets: build it from
    copies (a page's state value is immutable, so passing it is enough).
    """

    busy_changed = Signal(bool)
    progress = Signal(object)
    result = Signal(object)
    error = Signal(str, str)
    finished = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._task: Task | None = None

    @property
    def busy(self) -> bool:
        """True from ``start`` until the GUI thread has handled the job's end (its last result
        may still be queued after the thread itself has stopped)."""
        return self._task is not None

    @property
    def task(self) -> Task | None:
        return self._task

    def start(self, work: Callable[[], Any], on_cancel: Callable[[], None] | None = None,
              replace: bool = False) -> bool:
        """Run ``work`` (a function or a generator function); False if refused because busy."""
        if self.busy:
            if not replace:
                return False
            self._task.cancel()
        task = Task(work, on_cancel=on_cancel, parent=self)
        self._task = task
        task.progress.connect(lambda value: self._forward(task, self.progress, value))
        task.result.connect(lambda value: self._forward(task, self.result, value))
        task.error.connect(lambda message, details: self._forward(task, self.error, message, details))
        task.finished.connect(lambda: self._on_finished(task))
        task.start()
        self.busy_changed.emit(True)
        return True

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def stop(self, timeout_ms: int = 1000) -> bool:
        """Cancel and wait; True if the job ended in time."""
        return self._task is None or self._task.stop(timeout_ms)

    def abandon(self, timeout_ms: int = 1000) -> bool:
        """Cancel and wait, then forget the job at once: its signals still queued are dropped (no late
        result, no ``finished``) and the slot is free for the next start; True if the job ended in time."""
        if self._task is None:
            return True
        ended = self._task.stop(timeout_ms)
        self._task = None
        self.busy_changed.emit(False)
        return ended

    def _forward(self, task: Task, signal, *args) -> None:
        if task is self._task:
            signal.emit(*args)

    def _on_finished(self, task: Task) -> None:
        if task is self._task:
            self._task = None
            self.busy_changed.emit(False)
            self.finished.emit()


def running_tasks() -> list[Task]:
    return [task for task in list(_live_tasks) if task.is_running()]


@contextlib.contextmanager
def shutdown_deadline(budget_ms: int) -> Iterator[None]:
    """Cancel every running task, then let all waits inside share ``budget_ms`` in total."""
    global _deadline
    for task in running_tasks():
        task.cancel()
    _deadline = time.monotonic() + budget_ms / 1000
    try:
        yield
    finally:
        _deadline = None


def stop_all(timeout_ms: int = 1000) -> bool:
    """Cancel every running task and wait for them; True if all ended in time."""
    tasks = running_tasks()
    for task in tasks:
        task.cancel()
    return all(task.wait(timeout_ms) for task in tasks)
