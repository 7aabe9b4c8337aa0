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
