"""The keys of a lesson, and the black screen.

A presenter remote sends PageDown / PageUp; a keyboard offers the arrows, Space, Home
and End; B blanks the screen (any key or click brings the view back). These keys
belong to the page too (the arrows move a spin box's cursor, Space types a space), so
while the focus is in something that edits, only PageDown / PageUp go to the lesson.
An application event filter sees a key before any widget does, so a page's own
key handling never has to know about lessons.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox,
                               QLineEdit, QPlainTextEdit, QTextEdit, QWidget)

#: widgets whose keys are theirs: typing, spinning, choosing, sliding
EDITING_WIDGETS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox, QAbstractSlider)
#: keys the lesson takes even from an editing widget (what presenter remotes send)
ALWAYS = {Qt.Key_PageDown: "next", Qt.Key_PageUp: "previous"}
#: keys the lesson takes unless an editing widget has the focus
UNLESS_EDITING = {Qt.Key_Right: "next", Qt.Key_Space: "next", Qt.Key_Left: "previous", Qt.Key_Home: "first",
                  Qt.Key_End: "last", Qt.Key_B: "blank"}
_KEY_EVENTS = (QEvent.KeyPress, QEvent.ShortcutOverride)


def edits_keys(widget: QWidget | None) -> bool:
    """Whether ``widget`` uses the arrows, Space, Home, End and letters itself."""
    if widget is None:
        return False
    if isinstance(widget, EDITING_WIDGETS):
        return True
    # a grid editor: typing edits a cell, the arrows move between cells (a list of pages is not one)
    return isinstance(widget, QAbstractItemView) and bool(widget.editTriggers() & QAbstractItemView.AnyKeyPressed)


class BlackScreen(QWidget):
    """A black cover over the whole window (menus, page and lesson bar)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("blackScreen")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet("#blackScreen { background: black; }")
        self.setCursor(Qt.BlankCursor)
        self.hide()
        window.installEventFilter(self)

    def cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.parentWidget() and event.type() == QEvent.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False


class LessonKeys(QObject):
    """Routes the lesson keys of the main window to the player while a lesson plays."""

    def __init__(self, window, player):
        super().__init__(window)
        self.window = window
        self.player = player
        self.black = BlackScreen(window)
        player.changed.connect(self._follow_player)
        self._installed = False

    @property
    def blanked(self) -> bool:
        return self.black.isVisible()

    def blank(self) -> None:
        self.black.cover()

    def unblank(self) -> None:
        self.black.hide()

    def _follow_player(self) -> None:
        app = QApplication.instance()
        if self.player.active and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        elif not self.player.active and self._installed:
            app.removeEventFilter(self)
            self._installed = False
            self.unblank()

    def _in_window(self, obj) -> bool:
        return (isinstance(obj, QWidget) and obj.window() is self.window
                and QApplication.activeModalWidget() is None and QApplication.activePopupWidget() is None)

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if self.blanked:
            if kind in (*_KEY_EVENTS, QEvent.MouseButtonPress) and self._in_window(obj):
                if kind != QEvent.ShortcutOverride:  # the key press that follows brings the view back
                    self.unblank()
                event.accept()
                return True
            return False
        if kind not in _KEY_EVENTS or not self._in_window(obj):
            return False
        if event.modifiers() & ~(Qt.KeypadModifier | Qt.ShiftModifier):
            return False  # Ctrl+Home, Alt+Left… stay the page's and the menus'
        key = event.key()
        what = ALWAYS.get(key)
        if what is None and not edits_keys(QApplication.focusWidget()):
            what = UNLESS_EDITING.get(key)
        if what is None:
            return False
        event.accept()
        if kind == QEvent.KeyPress and not event.isAutoRepeat():
            self.blank() if what == "blank" else getattr(self.player, what)()
        return True
