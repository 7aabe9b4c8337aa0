"""What the two lesson-2 lab pages share: a controls column beside the views, sized once
the page has its width, and the direct view refitted whenever the page is resized."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from aeviz.ui.pages.base import Page
from aeviz.ui.widgets.lab_layout import size_controls_column
from aeviz.ui.widgets.matrix_view import MatrixView


class LabPage(Page):
    """Subclasses build ``self.main_split`` (controls | views) and implement ``_fit_split``."""

    def _fit_split(self) -> None:
        raise NotImplementedError

    def retheme(self) -> None:
        for view in self.findChildren(MatrixView):
            view.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fitted = None   # fit the direct view again, once the splitter has its new height
        QTimer.singleShot(0, self._fit_split)
        if not getattr(self, "_split_done", False) and event.size().width() > 0:
            self._split_done = True
            size_controls_column(self.main_split, event.size().width())
