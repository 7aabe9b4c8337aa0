"""Start the GUI, or render every page to PNG without showing a window."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import NoReturn

from PySide6.QtCore import QEvent, QObject, Qt, QtMsgType, QTimer, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from aeviz.ui import errors, gui_gc, themes
from aeviz.ui.app_state import AppState
from aeviz.ui.settings import Settings, load_settings


def _warm_up_heavy_imports() -> None:
    """Import torch off the GUI thread once the window is up, so pages open instantly."""
    def work():
        try:
            import torch  # noqa: F401

            from aeviz.core.session import warm_up_optimizers

            warm_up_optimizers()  # the first Adam imports torch._dynamo: seconds the first Start would wait
        except Exception:  # a page that needs torch reports the problem itself
            pass
    threading.Thread(target=work, name="aeviz-warm-up", daemon=True).start()


class FirstPaintProbe(QObject):
    """Prints "painted" when any widget of the window first paints (used by bench/startup.py)."""

    painted = Signal()

    def __init__(self, window):
        super().__init__(window)
        self._done = False
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj, event):
        if not self._done and event.type() == QEvent.Paint:
            self._done = True
            print("painted", flush=True)
            QTimer.singleShot(0, self.painted.emit)
        return False


_QT_NOISE = ("This plugin does not support propagateSizeHints()",)


def _qt_message_handler(mode, _context, message: str) -> None:
    """Send Qt's messages to the log, minus the offscreen plugin's harmless chatter."""
    if message in _QT_NOISE:
        return
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO}.get(mode, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", message)
    if level >= logging.WARNING:
        sys.stderr.write(message + "\n")


def create_application(argv: list[str] | None = None) -> QApplication:
    qInstallMessageHandler(_qt_message_handler)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("aeviz")
    app.setOrganizationName("aeviz")
    app.setWindowIcon(app_icon())
    gui_gc.install(app)
    return app


def app_icon():
    """The window icon, from resources/icons/aeviz-<size>.png (PNG: no image plugin needed)."""
    from PySide6.QtGui import QIcon
    from aeviz.core.paths import resource_path

    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        path = resource_path("icons", f"aeviz-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon


def make_state(app: QApplication, language: str | None, theme: str | None, zoom: float | None,
               presentation: bool | None, persist: bool = True) -> tuple[AppState, str | None]:
    """Settings from the file, overridden by command-line options."""
    settings, warning = load_settings() if persist else (Settings(), None)
    if language:
        settings.language = language
    if theme:
        settings.theme = theme
    if zoom is not None:
        settings.zoom = zoom
    if presentation is not None:
        settings.presentation = presentation
    state = AppState(settings, base_point_size=max(10.0, app.font().pointSizeF()))
    state.persist = persist
    themes.apply_theme(app, state.theme)
    state.apply_font()
    return state, warning


def run_gui(language=None, theme=None, zoom=None, presentation=None, view: str | None = None,
            lesson: str | None = None) -> NoReturn:
    from aeviz.ui.main_window import MainWindow

    app = create_application()
    errors.setup_logging()
    errors.install_exception_hooks()
    state, warning = make_state(app, language, theme, zoom, presentation)
    window = MainWindow(state, settings_warning=warning)
    window.resize(1280, 820)
    if state.settings.presentation:
        window.showFullScreen()
    else:
        window.show()
    QTimer.singleShot(0, _warm_up_heavy_imports)
    if view is not None:
        QTimer.singleShot(0, lambda: window.open_view_file(view))
    if lesson is not None:
        QTimer.singleShot(0, lambda: window.lesson_menu.open_source(lesson))
    if os.environ.get("AEVIZ_QUIT_AFTER_PAINT"):  # bench/startup.py: report the first paint, then quit
        probe = FirstPaintProbe(window)
        probe.painted.connect(app.quit)
    code = app.exec()
    end_process(code)


def end_process(code: int) -> NoReturn:
    """Leave at once once the window has closed (it has cancelled the workers and saved the settings).

    A normal interpreter exit takes 2-4 s after a training run: its final garbage collection
    walks the millions of objects torch._dynamo's import leaves behind (py-spy shows the main
    thread in gc_collect_main). It can also abort: a worker that cannot be interrupted (a big
    image folder being read, a t-SNE's first step) is still running when Python destroys its
    QThread ("QThread: Destroyed while thread is still running", SIGABRT). Nothing is left to
    save by then, and every write goes through a temporary file and a rename, so an
    interrupted worker leaves at most a stray temporary file, never a half-written one.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # closed or absent (a windowed bundle has no console)
            pass
    os._exit(code)


def render_screenshots(out_dir: str | os.PathLike, language=None, theme=None, zoom=None,
                       presentation: bool = False, pages: list[str] | None = None, view: str | None = None,
                       size: tuple[int, int] | None = None, lesson: str | None = None) -> list[Path]:
    """Render each page to ``out_dir/<page>.png`` offscreen, and its state to ``<page>.aevizview``
    (the file that renders the same picture again with ``view=``); returns the files written.

    With ``view``, only that saved view is rendered; a view that cannot be opened raises its
    :class:`aeviz.core.viewfile.ViewError` (or the page state's error). With ``lesson`` (a
    lesson file or "builtin"), every step is rendered with the lesson bar to ``step-NN.png``
    (steps' actions are not run: the image shows the state the step opens); a lesson that
    cannot be opened raises its :class:`aeviz.state.lesson.LessonError`.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from aeviz.core.persist import atomic_write_bytes
    from aeviz.core.viewfile import VIEW_SUFFIX, save_view
    from aeviz.state.lesson import open_lesson
    from aeviz.ui.main_window import MainWindow
    from aeviz.ui.pages import page_ids

    app = create_application()
    errors.install_exception_hooks()
    state, _warning = make_state(app, language or "en", theme, zoom, False, persist=False)
    state.set_presentation(presentation)
    window = MainWindow(state)
    width, height = size or ((1920, 1080) if presentation else (1440, 900))
    window.setWindowState(Qt.WindowNoState)  # the screenshot's size, not the (virtual) screen's
    window.resize(width, height)
    window.show()
    out = Path(out_dir)
    written = []
    try:
        if lesson is not None:
            return _render_lesson(app, window, open_lesson(lesson), out)
        if view is not None:
            window.open_view_file(view, interactive=False)
            targets = [window.current_page().page_id]
        else:
            targets = pages or page_ids()
        for page_id in targets:
            window.show_page(page_id)
            page = window.page(page_id)
            if view is None and page.can_save_view():  # each page as its home link shows it
                presets = importlib.import_module(f"aeviz.state.{page_id}").PRESETS
                page.open_state(next(iter(presets.values()))())
            page.prepare_for_screenshot()
            _settle(app, window)
            path = out / f"{page_id}.png"
            atomic_write_bytes(path, window_png(window))
            written.append(path)
            if view is None and page.can_save_view():
                written.append(save_view(out / f"{page_id}{VIEW_SUFFIX}", page.current_view()))
    finally:
        window.close()
        app.processEvents()
    return written


def _settle(app, window, seconds: float = 0.3, longest: float = 5.0) -> None:
    """Let layouts, deferred redraws and quick background results land before a grab: events flow
    for ``seconds``, then until two grabs a tenth of a second apart agree (a loaded machine delays
    deferred layouts past any fixed time), ``longest`` at most."""
    start = time.monotonic()
    previous = None
    wait = seconds
    while time.monotonic() - start < longest:
        until = time.monotonic() + wait
        while time.monotonic() < until:
            app.processEvents()
            time.sleep(0.01)
        current = window.grab().toImage()
        if previous is not None and current == previous:
            return
        previous, wait = current, 0.1


def _render_lesson(app, window, lesson, out: Path) -> list[Path]:
    from aeviz.core.persist import atomic_write_bytes

    window.lesson_player.start(lesson, run_actions=False)
    written = []
    for index in range(len(lesson.steps)):
        window.lesson_player.go(index, run_action=False)
        window.current_page().prepare_for_screenshot()
        _settle(app, window)
        written.append(atomic_write_bytes(out / f"step-{index + 1:02d}.png", window_png(window)))
    return written


def window_png(window) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    window.grab().save(buffer, "PNG")
    return bytes(buffer.data())
