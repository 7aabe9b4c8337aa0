"""The Qt binding itself must not corrupt the interpreter.

PySide6 6.12.0 under Python 3.11 drops one reference to ``None`` on every Qt call that
returns void; after a few thousand calls (one repaint of the unrolled matrix makes
~40,000) Python aborts with "deallocating None". pyproject.toml excludes that release;
this test fails if such a binding is installed again.
"""

import sys

import pytest
from PySide6.QtWidgets import QLabel


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(5000):
        label.setText("x")
        label.update()
    assert sys.getrefcount(None) >= before - 50
