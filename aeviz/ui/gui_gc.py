"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, a collection runs in whichever thread happens to allocate when a threshold is
passed: a training worker allocating tensors can collect a reference cycle that holds a Qt object
(a finished task's QThread, a closed page's widget) and so destroy that object from the wrong
thread, which Qt does not allow: it crashes or deadlocks at random, long after the cause.
pyqtgraph documents the same trap (``pyqtgraph.util.GarbageCollector``). Here automatic collection
is off, and a timer on the GUI thread collects each generation once its threshold is passed, as
Python itself would, only in the right thread. Reference counting still frees everything else at
once, in every thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects the generations whose thresholds are passed, every ``INTERVAL_MS`` on the GUI thread."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start(INTERVAL_MS)

    def collect_due(self) -> int | None:
        """Collect the oldest generation that is due; the generation collected, or None."""
        counts = gc.get_count()
        due = None
        for generation, (count, threshold) in enumerate(zip(counts, self._thresholds)):
            if count <= threshold:
                break
            due = generation
        if due is not None:
            gc.collect(due)
        return due


def install(app: QApplication) -> GuiThreadCollector:
    """Move collection to ``app``'s thread (once per application)."""
    existing = app.findChild(GuiThreadCollector)
    return existing if existing is not None else GuiThreadCollector(app)
