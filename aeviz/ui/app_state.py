"""The shared, observable state of the classroom controls.

Pages never read the settings file: they hold an ``AppState`` and react to its
signals (language, theme, scale). The main window is the only writer.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, Qt, QTranslator, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from aeviz.ui import i18n, themes
from aeviz.ui.model_hub import ModelHub
from aeviz.ui.numbers import qlocale
from aeviz.ui.settings import ZOOM_MAX, ZOOM_MIN, Settings

ZOOM_STEPS = (0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
PRESENTATION_POINT_SIZE = 20.0  # text at least 20 pt in presentation mode (1080p projector)
#: In presentation the stage is designed for the screen, so the user's zoom only nudges it.
PRESENTATION_ZOOM = (0.8, 1.25)
#: Below 1080 lines the presentation text shrinks with the screen, down to this share (720p: 2/3).
PRESENTATION_MIN_SHARE = 0.65


class AppState(QObject):
    language_changed = Signal(str)
    theme_changed = Signal(str)
    scale_changed = Signal(float)
    presentation_changed = Signal(bool)
    notice = Signal(str)  # a short confirmation for the status bar ("Saved …")

    def __init__(self, settings: Settings, base_point_size: float = 10.0, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings.validated()
        self.base_point_size = base_point_size
        self.screen_height = 1080  # lines of the screen presentation fills (the main window sets it)
        self.persist = True  # False for screenshots: they never touch the user's settings file
        self.models = ModelHub(self)  # models shared between pages (the live training run)
        self._applied_scale = self.scale  # the scale the widgets show
        if not self.settings.language:
            self.settings.language = i18n.system_language()
        self._use_language(self.settings.language)

    @staticmethod
    def _use_language(language: str) -> None:
        """Strings and numbers (Qt's spin boxes too, through the default QLocale) in ``language``,
        and Qt's own words (the buttons of message boxes, file dialogs) through its translator."""
        i18n.set_language(language)
        QLocale.setDefault(qlocale(language))
        install_qt_translator(language)

    # --- read side -------------------------------------------------------------------------
    @property
    def language(self) -> str:
        return self.settings.language

    @property
    def theme(self) -> str:
        return self.settings.theme

    @property
    def colors(self) -> themes.ThemeColors:
        return themes.colors(self.settings.theme)

    @property
    def scale(self) -> float:
        """Factor for every size on screen: fonts, grid cells, plot text."""
        zoom = self.settings.zoom
        if self.settings.presentation:
            share = min(1.0, max(PRESENTATION_MIN_SHARE, self.screen_height / 1080))
            nudge = min(PRESENTATION_ZOOM[1], max(PRESENTATION_ZOOM[0], zoom))
            return PRESENTATION_POINT_SIZE / self.base_point_size * share * nudge
        return zoom

    def point_size(self, relative: float = 1.0) -> float:
        return self.base_point_size * self.scale * relative

    def font(self, relative: float = 1.0, bold: bool = False) -> QFont:
        font = QFont(QApplication.font())
        font.setPointSizeF(self.point_size(relative))
        font.setBold(bold)
        return font

    def px(self, size: float) -> int:
        """A length in pixels at the current scale (cell sizes, margins)."""
        return max(1, round(size * self.scale))

    # --- write side ------------------------------------------------------------------------
    def notify(self, text: str) -> None:
        """Confirm something the user did (an export, a save) in the window's status bar."""
        self.notice.emit(text)

    def set_language(self, language: str) -> None:
        if language == self.settings.language:
            return
        self._use_language(language)
        self.settings.language = language
        self.language_changed.emit(language)

    def set_theme(self, theme: str) -> None:
        if theme not in themes.theme_names() or theme == self.settings.theme:
            return
        self.settings.theme = theme
        app = QApplication.instance()
        if app is not None:
            themes.apply_theme(app, theme)
        self.theme_changed.emit(theme)

    def set_zoom(self, zoom: float) -> None:
        zoom = min(ZOOM_MAX, max(ZOOM_MIN, float(zoom)))
        if abs(zoom - self.settings.zoom) < 1e-9:
            return
        self.settings.zoom = zoom
        self._emit_scale()

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.settings.zoom + 1e-6), ZOOM_MAX))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.settings.zoom - 1e-6), ZOOM_MIN))

    def set_presentation(self, on: bool) -> None:
        if bool(on) == self.settings.presentation:
            return
        self.settings.presentation = bool(on)
        self.presentation_changed.emit(bool(on))
        self._emit_scale()

    def set_screen_height(self, lines: int) -> None:
        """The height presentation designs for; a change that moves the scale redraws at the new size."""
        if lines <= 0 or lines == self.screen_height:
            return
        before = self.scale
        self.screen_height = lines
        if abs(self.scale - before) > 1e-6:
            self._emit_scale()

    def apply_font(self) -> None:
        """Scale the application font: every widget without its own font follows."""
        app = QApplication.instance()
        if app is not None:
            font = QFont(app.font())
            font.setPointSizeF(self.point_size())
            app.setFont(font)

    def _emit_scale(self) -> None:
        """The new font for every widget (the stylesheet's sizes follow it), then the views redraw."""
        if self.scale == self._applied_scale:  # e.g. the full-screen window's height, already known
            return
        self._applied_scale = self.scale
        self.apply_font()
        app = QApplication.instance()
        if app is not None:
            for window in app.topLevelWidgets():
                if _polished_when_shown(window):
                    continue
                if window.isVisible() or window.windowType() != Qt.Popup:
                    themes.repolish(window, skip=_polished_when_shown)
                else:  # a menu or a drop-down list (fonts the views set come after: see repolish_when_shown)
                    themes.repolish_when_shown(window, skip=_polished_when_shown)
        self.scale_changed.emit(self.scale)


def _polished_when_shown(widget: QWidget) -> bool:
    """A hidden page: it re-polishes itself when shown (``Page.catch_up``)."""
    return getattr(widget, "polish_when_shown", False) and not widget.isVisible()


_qt_translator: QTranslator | None = None


def install_qt_translator(language: str) -> bool:
    """Qt's catalogue for ``language`` (qtbase_fr.qm ships with PySide6 and in the bundle); True if loaded."""
    global _qt_translator
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if language == "en":
        return True
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        return False
    app.installTranslator(translator)
    _qt_translator = translator
    return True
