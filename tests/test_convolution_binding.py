"""The convolution page bound to its state: model → view, view → model, save and restore, refusals."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch.nn.functional as F
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from aeviz.core.sample_images import mnist_digit
from aeviz.core.viewfile import View, load_view, save_view
from aeviz.state.base import StateError
from aeviz.state.convolution import PRESETS, ConvolutionState
from aeviz.state.lab import Cell
from aeviz.ui.widgets.answer_mask import CellMask
from lab_helpers import click, page_factory, round_trip, settle, show, torch_reference
from page_pixels import differing, grab


@pytest.fixture
def make_page(qtbot, app_state):
    from aeviz.ui.pages.convolution import ConvolutionPage

    return page_factory(qtbot, app_state, ConvolutionPage)


@pytest.fixture
def page(make_page):
    return make_page()


def torch_conv(x, k, **params):
    return torch_reference(F.conv2d, x, k, **params)


def hidden(view):
    mask = view.findChild(CellMask)
    return set() if mask is None else mask.cells


# --- model → view ---------------------------------------------------------------------------
def test_model_to_view_grids_and_parameters(page):
    x = (np.arange(36).reshape(6, 6) % 7).tolist()
    page.store.set(input_grid=x, kernel=[[1, 0], [-2, 0.5]], stride=2, padding=1, dilation=2)
    assert page.input_editor.values().tolist() == x
    assert page.kernel_editor.values().tolist() == [[1, 0], [-2, 0.5]]
    assert page.params.values() == {"stride": 2, "padding": 1, "dilation": 2}
    expected = torch_conv(x, [[1, 0], [-2, 0.5]], stride=2, padding=1, dilation=2)
    np.testing.assert_allclose(page.output_view.data(), expected)
    np.testing.assert_allclose(page.out2_view.data(), expected)
    assert page.c_view.data().shape == (expected.size, 36)
    assert "⌊(6 + 2·1 − 2·(2−1) − 1) / 2⌋ + 1" in page.shape_panel.text()


def test_model_to_view_selection_and_step(page):
    page.store.replace(PRESETS["convolution"]())
    assert page.output_view.current == (0, 0) and page.c_view.rows == {0}
    assert page.stepper.index == 0 and page.stepper.position.text() == "Cell 1 / 4"
    assert page.sum_label.text() == "y(0, 0) = 4×1 + 5×4 + 8×1 + 1×1 + 8×4 + 8×3 + 3×3 + 6×3 + 6×1 = 122"
    page.store.set(selected="input", selected_row=1, selected_col=2)
    assert page.c_view.cols == {6} and page.output_view.hl2 == {(0, 0), (0, 1), (1, 0), (1, 1)}
    page.store.set(selected="none", step=-1)
    assert page.output_view.current is None and not page.c_view.cols and page.stepper.index == -1


def test_model_to_view_tab_zoom_exercise_speed(page):
    page.store.set(**PRESETS["convolution"]().to_dict())
    page.store.set(matrix_zoom=200, exercise=True, speed=7)
    assert page.zoom_slider.value() == 200 and page.c_view.zoom == page.vecx_view.zoom == 2.0
    assert page.exercise_switch.isChecked() and hidden(page.output_view) == {(0, 0)} and "?" in page.sum_label.text()
    assert page.stepper.speed.value() == 7
    page.store.set(tab="real", real_digit=7)
    assert page.tabs.currentIndex() == 1 and page.real.digit.value() == 7
    page.real.finish_loading()
    np.testing.assert_allclose(page.real.source.data(), mnist_digit(7) / 255.0)
    np.testing.assert_allclose(page.real.feature, torch_conv(mnist_digit(7) / 255.0, page.kernel_editor.values()))


def test_model_to_view_section_folds_the_direct_view(page, qtbot):
    show(page, qtbot)
    assert page.split.sizes()[0] > 0
    page.store.replace(PRESETS["matrix"]())
    settle(qtbot)
    assert page.split.sizes()[0] == 0 and page.split.sizes()[1] > 0 and page.c_view.rows == {0}
    page.store.set(section="direct")
    settle(qtbot)
    assert page.split.sizes()[0] > 0
    page.close()


# --- view → model ---------------------------------------------------------------------------
def test_view_to_model_typing_resizing_and_spinning(page):
    assert page.input_editor.set_cell_text(1, 2, "2,5")
    assert page.store.value.input_grid[1][2] == 2.5
    page.kernel_editor.cols_spin.setValue(2)
    assert page.store.value.kernel == ((1, 4), (1, 4), (3, 3))
    page.params.spins["stride"].stepBy(1)
    page.params.spins["padding"].stepBy(1)
    assert (page.store.value.stride, page.store.value.padding) == (2, 1)
    page.kernel_editor.load_preset("preset.sobel_x")
    assert page.store.value.kernel == ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))


def test_view_to_model_clicks_and_stepper(page, qtbot):
    show(page, qtbot)
    click(qtbot, page.output_view, 1, 0)
    assert page.store.value.selection == Cell("output", 1, 0) and page.store.value.step == 2
    click(qtbot, page.padded_view, 0, 3)
    assert page.store.value.selection == Cell("input", 0, 3) and page.store.value.step == 2
    click(qtbot, page.c_view, 0, 5)                          # a column of C: its input cell
    assert page.store.value.selection == Cell("input", 1, 1)
    qtbot.mouseClick(page.stepper.forward_button, Qt.LeftButton)
    assert page.store.value.step == 3 and page.store.value.selection == Cell("output", 1, 1)
    qtbot.mouseClick(page.stepper.reset_button, Qt.LeftButton)
    assert page.store.value.step == -1 and page.store.value.selection is None
    page.output_view.cellHovered.emit(0, 1)                  # hovering lights a cell but is not state
    assert page.c_view.rows == {1} and page.store.value.selection is None
    page.close()


def test_view_to_model_tab_zoom_exercise_speed_section(page, qtbot):
    show(page, qtbot)
    page.tabs.setCurrentIndex(1)
    assert page.store.value.tab == "real"
    page.real.digit.setValue(3)
    assert page.store.value.real_digit == 3 and page.store.value.real_source == "mnist"
    page.tabs.setCurrentIndex(0)
    page.zoom_slider.setValue(150)
    assert page.store.value.matrix_zoom == 150
    event = QWheelEvent(QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, 120), Qt.NoButton,
                        Qt.ControlModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(page.c_view, event)
    assert page.store.value.matrix_zoom == round(150 * 1.15) and page.vecy_view.zoom == page.c_view.zoom
    qtbot.mouseClick(page.exercise_switch, Qt.LeftButton, pos=QPoint(5, page.exercise_switch.height() // 2))
    assert page.store.value.exercise
    page.stepper.speed.setValue(9)
    assert page.store.value.speed == 9
    page.split.moveSplitter(0, 1)                            # a person drags the handle to the top
    assert page.store.value.section == "matrix"
    page.split.moveSplitter(200, 1)
    assert page.store.value.section == "direct"
    page.close()


def test_refused_edit_changes_nothing_and_is_said_in_french(page, app_state):
    app_state.set_language("fr")
    page.store.set(**PRESETS["convolution"]().to_dict())
    before = page.store.value
    page.kernel_editor.rows_spin.setValue(5)
    assert page.store.value == before and page.kernel_editor.values().shape == (3, 3)
    text = page.error_label.text()
    assert text == ("Combinaison impossible : un noyau 5×3 ne tient pas dans une entrée 4×4 avec un "
                    "remplissage de 0.")
    page.params.spins["dilation"].setValue(2)
    assert page.store.value == before and page.params.values()["dilation"] == 1
    assert page.error_label.text() == ("Combinaison impossible : un noyau 3×3 avec une dilatation de 2 couvre 5×5 "
                                       "et ne tient pas dans une entrée 4×4 avec un remplissage de 0.")
    page.params.spins["padding"].setValue(1)                 # an accepted edit clears the message
    assert page.error_label.isHidden() and page.store.value.padding == 1


def test_french_never_shows_the_engines_english(page, app_state):
    """Every refusal the labs can meet, and a file that is missing, read in French."""
    app_state.set_language("fr")
    english = ("kernel", "input", "does not", "fit", "padding of", "must", "outside", "file not found")
    for n, changes in enumerate((dict(kernel=((1,) * 5,) * 5), dict(dilation=3), dict(stride=9),
                                 dict(selected="output", selected_row=5), dict(step=9), dict(real_digit=-1),
                                 dict(real_source="file"))):
        page.edit(speed=3 + n % 2)                           # an accepted edit: no message
        assert page.error_label.isHidden()
        assert not page.edit(**changes) and not page.error_label.isHidden()
        assert not any(word in page.error_label.text() for word in english), page.error_label.text()
    page.store.set(tab="real", real_source="file", real_file="/nonexistent/digit.png")
    page.real.finish_loading()
    assert page.real.message.text() == "/nonexistent/digit.png : fichier introuvable."


# --- save and restore -----------------------------------------------------------------------
CUSTOM = dict(input_grid=((1, 2, 3, 4, 5), (5, 4, 3, 2, 1), (0, 1, 0, 1, 0), (2.5, 2, 2, 2, 2), (9, 8, 7, 6, 5)),
              kernel=((1, -1), (0, 2)), stride=2, padding=1, selected="input", selected_row=3, selected_col=0,
              step=2, matrix_zoom=140, exercise=True, speed=5)


@pytest.mark.parametrize("setup", ["convolution", "matrix", "custom", "real"])
def test_save_and_restore_gives_the_same_value_and_picture(page, make_page, qtbot, tmp_path, setup):
    show(page, qtbot)
    if setup == "custom":
        page.store.set(**CUSTOM)
    elif setup == "real":
        page.store.set(tab="real", real_digit=12, kernel=((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)))
        page.real.finish_loading()
    else:
        page.store.replace(PRESETS[setup]())
    settle(qtbot)
    again = round_trip(page, make_page, qtbot, tmp_path)
    assert again.store.value == page.store.value
    assert differing(grab(page), grab(again)) <= 0.005
    page.close()
    again.close()


def test_a_user_image_is_saved_relative_to_the_view(page, make_page, tmp_path):
    from PIL import Image
    (tmp_path / "pics").mkdir()
    Image.fromarray(np.tile(np.arange(32, dtype=np.uint8) * 8, (20, 1))).save(tmp_path / "pics" / "ramp.png")
    page.store.set(tab="real", real_source="file", real_file=str(tmp_path / "pics" / "ramp.png"))
    page.real.finish_loading()
    assert page.real.source.data().shape == (20, 32)
    (tmp_path / "views").mkdir()
    path = save_view(tmp_path / "views" / "mine.aevizview", page.current_view())
    assert json.loads(zipfile.ZipFile(path).read("view.json"))["state"]["real_file"] == "../pics/ramp.png"
    view = load_view(path)
    assert view.missing_files == [] and Path(view.state["real_file"]).resolve() == tmp_path / "pics" / "ramp.png"
    again = make_page()
    again.open_view(view)
    again.real.finish_loading()
    np.testing.assert_array_equal(again.real.source.data(), page.real.source.data())


@pytest.mark.parametrize("state, code", [({"stride": "2"}, "state.bad_type"), ({"stride": 9}, "state.out_of_range"),
                                         ({"kernel": [[1] * 5] * 5}, "conv.kernel_too_big"),
                                         ({"selected": "output", "selected_row": 7}, "lab.output_cell_outside"),
                                         ({"zoom": 3}, "state.unknown_field")])
def test_restoring_a_bad_state_is_refused_and_changes_nothing(page, state, code):
    page.store.replace(PRESETS["matrix"]())
    before, shown = page.store.value, page.output_view.current
    with pytest.raises(StateError) as info:
        page.open_view(View(page="convolution", state=state, state_version=ConvolutionState.version))
    assert info.value.code == code
    assert page.store.value == before and page.output_view.current == shown and page.params.values()["stride"] == 1


def test_images_are_read_off_the_gui_thread_without_touching_widgets(page, qtbot, tmp_path,
                                                                      widget_calls_off_gui_thread):
    from PIL import Image
    Image.fromarray(np.full((8, 8), 200, np.uint8)).save(tmp_path / "grey.png")
    page.store.set(tab="real", real_digit=4)
    assert page.real.loading and page.real.message.text() == "Reading the image…"
    qtbot.waitUntil(lambda: not page.real.loading, timeout=5000)
    np.testing.assert_allclose(page.real.source.data(), mnist_digit(4) / 255.0)
    page.store.set(real_source="file", real_file=str(tmp_path / "grey.png"))
    qtbot.waitUntil(lambda: not page.real.loading, timeout=5000)
    assert page.real.source.data().shape == (8, 8) and page.real.message.text() == ""
    page.store.set(real_file=str(tmp_path / "missing.png"))
    qtbot.waitUntil(lambda: not page.real.loading, timeout=5000)
    assert "missing.png: file not found" in page.real.message.text()
    assert widget_calls_off_gui_thread == []
