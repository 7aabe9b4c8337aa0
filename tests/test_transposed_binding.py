"""The transposed-convolution page bound to its state: model → view, view → model, save and restore."""

import numpy as np
import pytest
import torch.nn.functional as F
from PySide6.QtCore import QPoint, Qt

from aeviz.core.viewfile import View
from aeviz.state.base import StateError
from aeviz.state.lab import Cell
from aeviz.state.transposed import PRESETS, SLIDE_Y, TransposedState
from lab_helpers import click, page_factory, round_trip, settle, show, torch_reference
from page_pixels import differing, grab


@pytest.fixture
def make_page(qtbot, app_state):
    from aeviz.ui.pages.transposed import TransposedPage

    return page_factory(qtbot, app_state, TransposedPage)


@pytest.fixture
def page(make_page):
    return make_page()


def torch_tconv(x, k, **params):
    return torch_reference(F.conv_transpose2d, x, k, **params)


# --- model → view ---------------------------------------------------------------------------
def test_model_to_view_the_slide_partial_by_partial(page):
    page.store.replace(PRESETS["transposed"]())
    assert page.output_view.data().tolist() == [list(r) for r in SLIDE_Y]
    assert page.stepper.index == 1 and page.input_view.current == (0, 1) and page.m_view.cols == {1}
    parts = page.parts.reshape(4, -1)
    np.testing.assert_array_equal(page.sum_view.data().ravel(), parts[:2].sum(axis=0))
    assert [v.isEnabled() for v in page.partial_views[:4]] == [True, True, False, False]


def test_model_to_view_parameters_and_c_beside(page):
    x, k = [[1, 2, 0], [3, -1, 4]], [[1, 0, 2], [0, 1, 0], [2, 0, -1]]
    page.store.set(input_grid=x, kernel=k, stride=2, padding=1, output_padding=1, show_c=True)
    assert page.params.values() == {"stride": 2, "padding": 1, "output_padding": 1, "dilation": 1}
    np.testing.assert_allclose(page.output_view.data(), torch_tconv(x, k, stride=2, padding=1, output_padding=1))
    assert page.show_c.isChecked() and not page.c_view.isHidden()
    assert page.sum_view.data().shape == page.geometry.full_shape == (6, 8)
    page.store.set(show_c=False)
    assert not page.show_c.isChecked() and page.c_view.isHidden()


def test_model_to_view_columns_section_scrolls_to_the_decomposition(page, qtbot):
    show(page, qtbot)
    assert page.split.sizes()[0] > 0 and page.matrix_scroll.verticalScrollBar().value() == 0
    page.store.replace(PRESETS["ct_columns"]())
    settle(qtbot)
    assert page.split.sizes()[0] == 0
    bar = page.matrix_scroll.verticalScrollBar()
    assert bar.value() > 0 and bar.value() == min(page.columns_title.y(), bar.maximum())
    assert page.column_views[1].hl == {(o, 0) for o in np.flatnonzero(page.M[:, 1])}
    page.store.set(matrix_part="product")
    settle(qtbot)
    assert bar.value() == 0 and page.split.sizes()[0] == 0
    page.close()


def test_view_to_model_scrolling_to_the_columns(page, qtbot):
    show(page, qtbot)
    page.store.set(section="matrix")
    settle(qtbot)
    bar = page.matrix_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())                               # a person scrolls down to the decomposition
    assert page.store.value.matrix_part == "columns" and bar.value() == bar.maximum()
    settle(qtbot)
    assert bar.value() == bar.maximum()                       # the page does not jump back
    bar.setValue(0)
    assert page.store.value.matrix_part == "product"
    page.close()


# --- view → model ---------------------------------------------------------------------------
def test_view_to_model_clicks_steps_and_toggles(page, qtbot):
    show(page, qtbot)
    click(qtbot, page.output_view, 3, 1)
    assert page.store.value.selection == Cell("output", 3, 1) and page.store.value.step == -1
    click(qtbot, page.partial_views[2], 0, 0)
    assert page.store.value.selection == Cell("input", 1, 0)
    qtbot.mouseClick(page.stepper.forward_button, Qt.LeftButton)
    assert page.store.value.step == 0 and page.store.value.selection == Cell("input", 0, 0)
    qtbot.mouseClick(page.show_c, Qt.LeftButton, pos=QPoint(5, page.show_c.height() // 2))
    assert page.store.value.show_c
    page.params.spins["stride"].setValue(2)
    page.params.spins["output_padding"].setValue(1)
    assert (page.store.value.stride, page.store.value.output_padding) == (2, 1)
    page.zoom_slider.setValue(80)
    assert page.store.value.matrix_zoom == 80 and page.m_view.zoom == 0.8
    page.tabs.setCurrentIndex(1)
    assert page.store.value.tab == "overlap"
    page.close()


def test_view_to_model_overlap_buttons(page):
    page.overlap.demo.emit()
    value = page.store.value
    assert value.input_grid == ((1,) * 4,) * 4 and value.kernel == ((1,) * 3,) * 3 and value.stride == 2
    assert set(np.unique(page.overlap.counts[1:-1, 1:-1]).tolist()) == {1, 2, 4}
    page.input_editor.fill_zeros()
    page.overlap.fill_ones.emit()
    assert page.store.value.input_grid == ((1,) * 4,) * 4


def test_refusals_in_french(page, app_state):
    app_state.set_language("fr")
    before = page.store.value
    page.params.spins["padding"].setValue(3)
    assert page.store.value == before and page.params.values()["padding"] == 0
    assert page.error_label.text() == ("Combinaison impossible : un remplissage de 3 rogne tout : la convolution "
                                       "transposée d'une entrée 2×2 par un noyau 3×3 fait 4×4 avant rognage, et "
                                       "retirer 3 de chaque côté laisse -2×-2.")
    page.params.spins["output_padding"].setValue(1)
    assert page.store.value == before
    assert page.error_label.text() == ("Combinaison impossible : le remplissage de sortie (1) doit être plus petit "
                                       "que le pas (1) ou que la dilatation (1).")


# --- save and restore -----------------------------------------------------------------------
CUSTOM = dict(input_grid=((1, 2, 3), (4, 5, 6)), kernel=((1, -1, 0), (2, 0.5, 1)), stride=2, padding=1,
              output_padding=1, selected="output", selected_row=1, selected_col=2, step=3, exercise=True,
              show_c=True, matrix_zoom=120)


@pytest.mark.parametrize("setup", ["transposed", "ct_columns", "custom", "scrolled", "overlap"])
def test_save_and_restore_gives_the_same_value_and_picture(page, make_page, qtbot, tmp_path, setup):
    show(page, qtbot)
    if setup == "custom":
        page.store.set(**CUSTOM)
    elif setup == "scrolled":
        page.store.set(section="matrix")
        settle(qtbot)
        page.matrix_scroll.verticalScrollBar().setValue(page.matrix_scroll.verticalScrollBar().maximum())
    elif setup == "overlap":
        page.checkerboard_demo()
        page.store.set(tab="overlap")
    else:
        page.store.replace(PRESETS[setup]())
    settle(qtbot)
    again = round_trip(page, make_page, qtbot, tmp_path)
    assert again.store.value == page.store.value
    assert differing(grab(page), grab(again)) <= 0.005
    page.close()
    again.close()


@pytest.mark.parametrize("state, code", [({"output_padding": 1}, "conv.output_padding_too_big"),
                                         ({"padding": 3}, "conv.crops_everything"),
                                         ({"show_c": "yes"}, "state.bad_type"),
                                         ({"section": "columns"}, "state.bad_type"),
                                         ({"step": 4}, "state.out_of_range")])
def test_restoring_a_bad_state_is_refused_and_changes_nothing(page, state, code):
    page.store.replace(PRESETS["ct_columns"]())
    before = page.store.value
    with pytest.raises(StateError) as info:
        page.open_view(View(page="transposed", state=state, state_version=TransposedState.version))
    assert info.value.code == code
    assert page.store.value == before and page.stepper.index == 1
