"""The high-contrast theme keeps every control's outline and arrows visible.

Each control is rendered under the theme and the pixels of its parts are read back:
an outline must be bright on the black window, an arrow must be bright pixels shaped
like a triangle pointing the right way (wide at its base, narrow at its tip).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QRadioButton, QScrollBar, QSlider,
                               QSpinBox, QStyle, QStyleOptionButton, QStyleOptionComboBox, QStyleOptionSlider, QStyleOptionSpinBox,
                               QTabWidget, QWidget)

from aeviz.ui import themes

BRIGHT = 160  # luminance (0-255) that reads as "drawn" on the black window


@pytest.fixture
def high_contrast(qapp):
    themes.apply_theme(qapp, "high-contrast")
    yield qapp
    themes.apply_theme(qapp, "light")


def rendered(qtbot, widget: QWidget, width: int, height: int) -> np.ndarray:
    """The widget as a luminance array (rows, columns), drawn as on screen."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    image = widget.grab().toImage().convertToFormat(QImage.Format_RGB888)
    array = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = array[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(float)
    widget.close()
    return rgb @ np.array([0.299, 0.587, 0.114])


def inner(lum: np.ndarray, rect: QRect, inset: int) -> np.ndarray:
    return lum[rect.top() + inset: rect.bottom() + 1 - inset, rect.left() + inset: rect.right() + 1 - inset]


def assert_arrow(region: np.ndarray, direction: str) -> None:
    """Bright pixels forming a triangle that points ``direction``."""
    bright = region >= BRIGHT
    assert bright.sum() >= 6, f"no {direction} arrow drawn: {bright.sum()} bright pixels"
    along = bright.sum(axis=1) if direction in ("up", "down") else bright.sum(axis=0)
    drawn = along[along > 0]
    base, tip = (drawn[-1], drawn[0]) if direction in ("up", "left") else (drawn[0], drawn[-1])
    assert base > tip, f"the {direction} arrow is not a triangle pointing {direction}: widths {drawn.tolist()}"


def assert_outlined(lum: np.ndarray, rect: QRect) -> None:
    """The rectangle's four edges are bright at their middles (within 3 pixels of the edge)."""
    mid_y, mid_x = rect.center().y(), rect.center().x()
    edges = {"left": lum[mid_y, rect.left(): rect.left() + 3], "right": lum[mid_y, rect.right() - 2: rect.right() + 1],
             "top": lum[rect.top(): rect.top() + 3, mid_x], "bottom": lum[rect.bottom() - 2: rect.bottom() + 1, mid_x]}
    faint = [name for name, pixels in edges.items() if pixels.max() < BRIGHT]
    assert not faint, f"no visible outline on the {', '.join(faint)} edge(s)"


@pytest.mark.parametrize("kind", [QSpinBox, QDoubleSpinBox])
@pytest.mark.parametrize("enabled", [True, False])
def test_spin_boxes_keep_their_arrows_and_outline(qtbot, high_contrast, kind, enabled):
    box = kind()
    box.setValue(1)
    box.setEnabled(enabled)
    lum = rendered(qtbot, box, 140, 40)
    option = QStyleOptionSpinBox()
    box.initStyleOption(option)
    for control, direction in ((QStyle.SC_SpinBoxUp, "up"), (QStyle.SC_SpinBoxDown, "down")):
        button = box.style().subControlRect(QStyle.CC_SpinBox, option, control, box)
        assert button.width() >= 8 and button.height() >= 6, f"{direction} button squeezed to {button}"
        if enabled:
            assert_arrow(inner(lum, button, 3), direction)
        else:  # dimmed, but still there: brighter than the black background
            assert inner(lum, button, 3).max() > 80, f"no {direction} arrow on a disabled spin box"
    assert_outlined(lum, box.rect())


def test_combo_box_keeps_its_arrow_and_outline(qtbot, high_contrast):
    combo = QComboBox()
    combo.addItems(["MNIST", "Fashion-MNIST"])
    lum = rendered(qtbot, combo, 200, 36)
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    arrow = combo.style().subControlRect(QStyle.CC_ComboBox, option, QStyle.SC_ComboBoxArrow, combo)
    assert_arrow(inner(lum, arrow, 3), "down")
    assert_outlined(lum, combo.rect())


@pytest.mark.parametrize("orientation", [Qt.Vertical, Qt.Horizontal])
def test_scroll_bars_keep_arrows_handle_and_outline(qtbot, high_contrast, orientation):
    bar = QScrollBar(orientation)
    bar.setRange(0, 100)
    bar.setPageStep(20)
    width, height = (18, 200) if orientation == Qt.Vertical else (200, 18)
    lum = rendered(qtbot, bar, width, height)
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    style = bar.style()
    ends = (((QStyle.SC_ScrollBarSubLine, "up"), (QStyle.SC_ScrollBarAddLine, "down")) if orientation == Qt.Vertical
            else ((QStyle.SC_ScrollBarSubLine, "left"), (QStyle.SC_ScrollBarAddLine, "right")))
    for control, direction in ends:
        assert_arrow(inner(lum, style.subControlRect(QStyle.CC_ScrollBar, option, control, bar), 3), direction)
    handle = style.subControlRect(QStyle.CC_ScrollBar, option, QStyle.SC_ScrollBarSlider, bar)
    assert np.median(inner(lum, handle, 2)) >= BRIGHT, "the handle does not stand out from the trough"
    assert_outlined(lum, bar.rect())


@pytest.mark.parametrize("kind", [QCheckBox, QRadioButton])
def test_unticked_boxes_are_outlined_and_ticked_ones_filled(qtbot, high_contrast, kind):
    for checked in (False, True):
        box = kind("x")
        box.setChecked(checked)
        lum = rendered(qtbot, box, 80, 30)
        element = QStyle.SE_CheckBoxIndicator if kind is QCheckBox else QStyle.SE_RadioButtonIndicator
        option = QStyleOptionButton()
        box.initStyleOption(option)
        indicator = box.style().subElementRect(element, option, box)
        assert_outlined(lum, indicator)
        centre = inner(lum, indicator, indicator.width() // 3)
        assert (centre.mean() >= BRIGHT) == checked, f"{kind.__name__} checked={checked}: centre {centre.mean():.0f}"


@pytest.mark.parametrize("orientation", [Qt.Horizontal, Qt.Vertical])
def test_sliders_show_groove_and_handle(qtbot, high_contrast, orientation):
    slider = QSlider(orientation)
    slider.setValue(30)
    lum = rendered(qtbot, slider, *((200, 30) if orientation == Qt.Horizontal else (30, 200)))
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    handle = slider.style().subControlRect(QStyle.CC_Slider, option, QStyle.SC_SliderHandle, slider)
    assert handle.isValid() and lum[handle.top(): handle.bottom() + 1, handle.left(): handle.right() + 1].max() >= BRIGHT
    groove = slider.style().subControlRect(QStyle.CC_Slider, option, QStyle.SC_SliderGroove, slider)
    far_end = (lum[groove.center().y(), groove.right() - 4] if orientation == Qt.Horizontal
               else lum[groove.top() + 4, groove.center().x()])
    assert far_end >= BRIGHT, "the groove is not visible away from the handle"


def test_line_edits_and_tabs_are_outlined(qtbot, high_contrast):
    edit = QLineEdit("28")
    assert_outlined(rendered(qtbot, edit, 120, 30), edit.rect())
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "A")
    tabs.addTab(QWidget(), "B")
    lum = rendered(qtbot, tabs, 200, 120)
    pane_top = tabs.tabBar().geometry().bottom() + 1
    pane = QRect(0, pane_top, tabs.width(), tabs.height() - pane_top)
    assert_outlined(lum, pane)
    for index in range(tabs.count()):
        tab = tabs.tabBar().tabRect(index).translated(tabs.tabBar().pos())
        assert lum[tab.top(): tab.top() + 3, tab.center().x()].max() >= BRIGHT, f"tab {index} has no outline"
