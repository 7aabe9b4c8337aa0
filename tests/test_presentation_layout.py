"""Presentation at projector sizes: each page's stage (its key result) is on screen, whole.

For every page, at 1920×1080 and 1280×720, with the page list and the controls folded
away: every stage widget lies inside the visible part of the page (no scrolling needed),
nothing scrolls sideways, no two texts overlap, and text is at least 20 pt at 1080p.
"""

import itertools

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel

from aeviz.ui.pages import page_ids

SIZES = [(1920, 1080), (1280, 720)]


def _rect(widget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _shown(widget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


@pytest.fixture
def presentation_window(qtbot, app_state):
    from aeviz.ui.main_window import MainWindow

    app_state.set_presentation(True)
    window = MainWindow(app_state)
    qtbot.addWidget(window)
    yield window
    window.close()
    app_state.set_presentation(False)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("page_id", [p for p in page_ids() if p != "home"])
def test_the_stage_fills_the_screen_and_fits(presentation_window, qtbot, page_id, size):
    window = presentation_window
    window.setWindowState(Qt.WindowNoState)
    window.resize(*size)
    window.show()
    window.show_page(page_id)
    page = window.current_page()
    page.prepare_for_screenshot()
    qtbot.wait(300)
    area = window.page_scroll_area(page_id)
    seen = _rect(area.viewport(), window)
    stage = page.stage_widgets()
    assert stage, f"{page_id} names no stage widgets"
    for widget in stage:
        assert widget.isVisible(), (page_id, type(widget).__name__)
        assert seen.contains(_rect(widget, window)), (page_id, type(widget).__name__, _rect(widget, window), seen)
    scrollers = [area, *[w for w in page.findChildren(QAbstractScrollArea) if _shown(w)]]
    assert not any(s.horizontalScrollBar().isVisible() for s in scrollers), page_id
    texts = [w for w in page.findChildren(QLabel) if _shown(w) and w.text().strip()]
    texts += [w for w in page.findChildren(QAbstractButton) if _shown(w) and w.text().strip()]
    for a, b in itertools.combinations(texts, 2):
        if a.isAncestorOf(b) or b.isAncestorOf(a):
            continue
        overlap = _rect(a, window).intersected(_rect(b, window))
        assert overlap.isEmpty(), (page_id, a.text()[:30], b.text()[:30])
    if size[1] >= 1080:
        small = [w.text()[:30] for w in texts if w.font().pointSizeF() < 20]
        assert not small, (page_id, small)
