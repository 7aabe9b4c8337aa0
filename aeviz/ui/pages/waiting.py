"""Letting a page's background work finish while events flow: for screenshots, saved views and tests."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QCoreApplication


def wait_until(done: Callable[[], bool], timeout_s: float) -> bool:
    """Process events until ``done()`` (then once more, so its last signals are drawn); False on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if done():
            QCoreApplication.processEvents()
            return True
        time.sleep(0.01)
    return False
