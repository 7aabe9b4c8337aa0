"""The grid editor: typing, navigation, refusals with a message, size, buttons."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from aeviz.ui.widgets import fmt_num
from aeviz.ui.widgets.grid_editor import GridEditor, parse_cell


@pytest.mark.parametrize("text, value", [("3", 3), ("-2.5", -2.5), ("−4", -4), ("2,5", 2.5), (" 7 ", 7),
                                         ("1e6", 1e6), ("-1000000", -1e6)])
def test_parse_accepts_numbers(text, value):
    assert parse_cell(text) == (value, None)


@pytest.mark.parametrize("text, reason", [("", "grid.empty"), ("  ", "grid.empty"), ("abc", "grid.not_number"),
                                          ("3x", "grid.not_number"), ("nan", "grid.not_finite"),
                                          ("inf", "grid.not_finite"), ("-Infinity", "grid.not_finite"),
                                          ("1e7", "grid.too_big"), ("-1000001", "grid.too_big")])
def test_parse_refuses(text, reason):
    assert parse_cell(text) == (None, reason)


def test_fmt_num():
    assert [fmt_num(v) for v in (122, 3.0, -2, 0.1111, 2.5, -0.0)] == ["122", "3", "−2", "0.11", "2.5", "0"]


@pytest.fixture
def editor(qtbot, app_state):
    ed = GridEditor(app_state, "grid.rows", 10, 10, [[1, 2], [3, 4]])
    qtbot.addWidget(ed)
    return ed


@pytest.mark.parametrize("bad", ["abc", "", "nan", "inf", "2e6"])
def test_invalid_text_is_refused_with_a_message(editor, qtbot, bad):
    seen = []
    editor.changed.connect(lambda: seen.append(1))
    assert not editor.set_cell_text(0, 1, bad)
    assert editor.values()[0, 1] == 2 and editor.table.item(0, 1).text() == "2"
    assert editor.message.text() and "2" in editor.message.text()
    assert not seen
    assert editor.set_cell_text(0, 1, "-1,5")
    assert editor.values()[0, 1] == -1.5 and editor.message.text() == "" and seen


def test_values_stay_integer_when_whole(editor):
    assert editor.values().dtype == np.int64
    editor.set_cell_text(0, 0, "0.5")
    assert editor.values().dtype == np.float64


def test_typing_and_tab_navigation(editor, qtbot):
    editor.show()
    qtbot.waitExposed(editor)
    table = editor.table
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key_9)
    editors = [w for w in table.findChildren(QLineEdit) if w.isVisible()]
    assert editors, "typing a digit opens the cell editor"
    line = editors[0]
    qtbot.keyClicks(line, "7")
    qtbot.keyClick(line, Qt.Key_Tab)
    assert editor.values()[0, 0] == 97
    assert (table.currentRow(), table.currentColumn()) == (0, 1)
    qtbot.keyClick(table, Qt.Key_Down)
    assert (table.currentRow(), table.currentColumn()) == (1, 1)
    editor.close()


def test_rows_and_columns_set_separately_and_buttons(editor):
    editor.rows_spin.setValue(3)
    editor.cols_spin.setValue(5)
    v = editor.values()
    assert v.shape == (3, 5) and v[1, 1] == 4 and v[2].sum() == 0
    assert editor.rows_spin.maximum() == 10 and editor.cols_spin.maximum() == 10
    editor.fill_ones()
    assert (editor.values() == 1).all()
    editor.fill_zeros()
    assert (editor.values() == 0).all()
    editor.fill_random()
    v = editor.values()
    assert v.shape == (3, 5) and v.dtype == np.int64 and v.min() >= 0 and v.max() <= 9


def test_zoom_changes_cell_size(editor, app_state):
    before = editor.cell_size()
    app_state.set_zoom(2.0)
    editor.rescale()
    after = editor.cell_size()
    assert after[0] > before[0] and after[1] > before[1]
