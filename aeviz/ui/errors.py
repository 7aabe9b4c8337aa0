"""An unexpected exception never kills the app: it is logged and explained.

The log file lives in the user's log directory. The dialog says what happened in
one sentence and keeps the traceback in its (selectable, copyable) details.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from aeviz.core.paths import log_dir, migrate_user_files
from aeviz.ui.i18n import add_strings, tr

add_strings({
    "error.title": {"en": "Something went wrong", "fr": "Une erreur s'est produite"},
    "error.text": {
        "en": "aeviz hit an unexpected problem and carried on. Your work is kept.\n\n{message}\n\n"
              "The details below were also written to {log}.",
        "fr": "aeviz a rencontré un problème inattendu et continue de fonctionner. Votre travail est conservé.\n\n"
              "{message}\n\nLes détails ci-dessous ont aussi été écrits dans {log}.",
    },
})

_log = logging.getLogger("aeviz")


def log_file() -> Path:
    return log_dir() / "aeviz.log"


def setup_logging() -> Path | None:
    """Log to a rotating file in the log directory; None when it cannot be written.

    First moves the logs and the cache from where earlier versions kept them (the log folder
    itself may have changed), then logs what moved."""
    moved = migrate_user_files()
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for sentence in moved:
        _log.info("user files: %s", sentence)
    return path


class _Reporter(QObject):
    """Lives in the GUI thread; exceptions from other threads are queued to it."""

    report = Signal(str, str)

    def __init__(self):
        super().__init__()
        self.report.connect(self.show_dialog)
        self.showing = False
        self.shown_count = 0

    @Slot(str, str)
    def show_dialog(self, message: str, details: str) -> None:
        self.shown_count += 1
        if self.showing or QApplication.instance() is None:
            return
        self.showing = True
        try:
            box = QMessageBox(QMessageBox.Warning, tr("error.title"),
                              tr("error.text", message=message, log=str(log_file())))
            box.setDetailedText(details)
            if QApplication.platformName() not in ("offscreen", "minimal"):
                box.exec()
        finally:
            self.showing = False


_reporter: _Reporter | None = None


def report_exception(exc_type, exc_value, exc_tb) -> None:
    details = "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
    _log.error("unexpected exception\n%s", details)
    message = f"{exc_type.__name__}: {exc_value}"
    if _reporter is None:
        sys.__stderr__.write(details)
        return
    if QThread.currentThread() is _reporter.thread():
        _reporter.show_dialog(message, details)
    else:
        _reporter.report.emit(message, details)


def install_exception_hooks() -> _Reporter:
    """Route uncaught exceptions (GUI thread, Qt slots, Python threads) to the dialog."""
    global _reporter
    if _reporter is None:
        _reporter = _Reporter()
    sys.excepthook = report_exception
    threading.excepthook = lambda args: report_exception(args.exc_type, args.exc_value, args.exc_traceback)
    return _reporter
