"""Test set-up: offscreen Qt, private config/data directories, strict translations,
and a guard that fails any test leaving a worker thread or a window behind."""

from __future__ import annotations

import faulthandler
import os
import sys
import tempfile

# Before any QApplication exists (pytest-qt creates it lazily).
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["AEVIZ_STRICT_I18N"] = "1"
_private = tempfile.mkdtemp(prefix="aeviz-tests-")
os.environ["AEVIZ_CONFIG_DIR"] = os.path.join(_private, "config")
os.environ["AEVIZ_DATA_DIR"] = os.path.join(_private, "data")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

#: A test that runs longer than this is stuck (the slowest takes about a minute on a loaded 2-core
#: machine): the process prints every thread's stack and exits, so a deadlock fails CI with the
#: evidence instead of eating its whole time budget. faulthandler's timer needs no interpreter lock,
#: so it fires even when a deadlock holds it.
_STUCK_AFTER_S = float(os.environ.get("AEVIZ_TEST_STUCK_AFTER_S", "600"))
_stuck_report = None


def pytest_configure(config):
    global _stuck_report
    _stuck_report = os.fdopen(os.dup(sys.stderr.fileno()), "w")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    faulthandler.dump_traceback_later(_STUCK_AFTER_S, exit=True, file=_stuck_report)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def _no_leftovers(request):
    if "qapp" in request.fixturenames or "qtbot" in request.fixturenames:
        from aeviz.ui import gui_gc

        gui_gc.install(request.getfixturevalue("qapp"))  # as the application does
    yield
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        return
    from PySide6.QtWidgets import QApplication
    from aeviz.ui import workers

    leftover_tasks = workers.running_tasks()
    workers.stop_all(timeout_ms=3000)
    app = QApplication.instance()
    visible = [w for w in app.topLevelWidgets() if w.isVisible()] if app else []
    for widget in visible:
        widget.close()
    assert not leftover_tasks, f"test left {len(leftover_tasks)} worker thread(s) running"
    assert not visible, f"test left windows open: {[type(w).__name__ for w in visible]}"


@pytest.fixture
def settings_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


@pytest.fixture
def app_state(qapp, settings_dir):
    from aeviz.ui import i18n
    from aeviz.ui.app_state import AppState
    from aeviz.ui.settings import Settings

    state = AppState(Settings(language="en"), base_point_size=10.0)
    state.apply_font()
    yield state
    i18n.set_language("en")


@pytest.fixture
def main_window(qtbot, app_state):
    from aeviz.ui.main_window import MainWindow

    window = MainWindow(app_state)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    # Closing gives workers a short budget (the real app then ends the process); a test process
    # lives on, so it waits here for work that could not stop in that budget.
    from aeviz.ui import workers
    workers.stop_all(timeout_ms=10000)


@pytest.fixture
def widget_calls_off_gui_thread():
    """A list that collects every widget method called from a worker thread while the test runs.

    Each worker thread gets a profiler (``aeviz.ui.workers.worker_probe``) that sees every call
    into C code; a call bound to a QWidget is recorded. The test asserts the list is empty.
    """
    import sys

    from PySide6.QtWidgets import QWidget
    from aeviz.ui import workers

    found: list[str] = []

    def profile(frame, event, arg):
        if event == "c_call" and isinstance(getattr(arg, "__self__", None), QWidget):
            found.append(f"{type(arg.__self__).__name__}.{getattr(arg, '__name__', '?')} "
                         f"({frame.f_code.co_filename}:{frame.f_lineno})")

    workers.worker_probe = lambda: sys.setprofile(profile)
    yield found
    workers.worker_probe = None


@pytest.fixture(autouse=True)
def _no_modal_question(monkeypatch):
    """A question box would wait forever offscreen: it answers "Discard" (quitting after a training
    run asks whether to save the model). Tests that check the question patch it themselves."""
    try:
        from PySide6.QtWidgets import QMessageBox
    except ImportError:  # the no-Qt tests of the core
        return
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Discard)
