"""A zoom (or entering presentation) reaches every widget without setting the stylesheet again.

Under an application stylesheet Qt does not pass ``QApplication.setFont`` on to the widgets
inside a window; the app re-polishes them instead (the sheet itself, in em, is set once per
theme). A hidden page is re-polished when it shows, not at the zoom."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSlider, QStackedWidget, QVBoxLayout, QWidget

from aeviz.ui import themes
from aeviz.ui.pages.base import Page


@pytest.fixture
def themed(qapp, app_state):
    themes.apply_theme(qapp, "light")
    yield app_state
    app_state.set_zoom(1.0)


class _Page(Page):
    def __init__(self, state):
        super().__init__(state)
        layout = QVBoxLayout(self)
        self.label = QLabel("texte", self)
        self.slider = QSlider(Qt.Horizontal, self)
        layout.addWidget(self.label)
        layout.addWidget(self.slider)


def test_zoom_reaches_plain_widgets_and_slider_sizes(qtbot, qapp, themed):
    window = QWidget()
    qtbot.addWidget(window)
    label, slider = QLabel("texte", window), QSlider(Qt.Horizontal, window)
    window.show()
    qtbot.waitExposed(window)
    sheet = qapp.styleSheet()
    size, slider_height = label.font().pointSizeF(), slider.minimumSizeHint().height()
    themed.set_zoom(2.0)
    assert label.font().pointSizeF() == pytest.approx(2 * size)
    assert slider.minimumSizeHint().height() >= 1.8 * slider_height  # the sheet's em sizes follow
    assert qapp.styleSheet() == sheet  # not set again
    themed.set_zoom(1.0)
    assert label.font().pointSizeF() == pytest.approx(size)
    assert slider.minimumSizeHint().height() == slider_height


def test_a_hidden_page_takes_the_zoom_when_shown(qtbot, themed):
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    shown, hidden = _Page(themed), _Page(themed)
    stack.addWidget(shown)
    stack.addWidget(hidden)
    stack.show()
    qtbot.waitExposed(stack)
    size = hidden.label.font().pointSizeF()
    themed.set_presentation(True)
    assert shown.label.font().pointSizeF() == pytest.approx(themed.point_size())
    assert hidden.label.font().pointSizeF() == pytest.approx(size)  # left for later
    stack.setCurrentWidget(hidden)
    assert hidden.label.font().pointSizeF() == pytest.approx(themed.point_size())
    themed.set_presentation(False)


def test_a_thumbnail_page_catches_up_before_it_is_drawn(qtbot, themed):
    page = _Page(themed)  # never shown, drawn by grab() as the overview's thumbnails are
    qtbot.addWidget(page)
    page.grab()
    themed.set_zoom(1.5)
    page.catch_up()
    assert page.label.font().pointSizeF() == pytest.approx(themed.point_size())


def test_a_hidden_pages_plot_redraws_once_when_the_page_shows(qtbot, themed):
    from aeviz.ui.widgets.plots import ThemedPlot

    stack = QStackedWidget()
    qtbot.addWidget(stack)
    shown, hidden = _Page(themed), _Page(themed)
    plot = ThemedPlot(themed, hidden)
    hidden.layout().addWidget(plot)
    stack.addWidget(shown)
    stack.addWidget(hidden)
    stack.show()
    qtbot.waitExposed(stack)
    calls = []
    restyle = plot._restyle
    plot._restyle = lambda *args: (calls.append(themed.scale), restyle())
    themed.set_zoom(1.5)
    themed.set_zoom(2.0)
    assert calls == []  # nothing drawn for a page nobody sees
    stack.setCurrentWidget(hidden)
    assert calls == [2.0]  # one redraw, at the scale it shows with
