"""The convolution lab pages: engine, matrix product and torch agree; presets; linking; stepper."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from aeviz.core.conv import conv2d, conv_transpose2d
from aeviz.core.sample_images import SampleImageError, digit_patch, mnist_digit
from aeviz.state.lab import Cell
from aeviz.ui.widgets.matrix_view import CROSS, HATCH

SLIDE_C_ROW0 = [1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0, 0]
SLIDE_T_Y = [[55, 162, 159, 52], [167, 323, 319, 154], [169, 264, 326, 204], [57, 107, 164, 100]]
SLIDE_PARTIALS = [
    [55, 110, 55, 0, 110, 55, 110, 0, 55, 55, 110, 0, 0, 0, 0, 0],
    [0, 52, 104, 52, 0, 104, 52, 104, 0, 52, 52, 104, 0, 0, 0, 0],
    [0, 0, 0, 0, 57, 114, 57, 0, 114, 57, 114, 0, 57, 57, 114, 0],
    [0, 0, 0, 0, 0, 50, 100, 50, 0, 100, 50, 100, 0, 50, 50, 100],
]


@pytest.fixture
def conv_page(qtbot, app_state):
    from aeviz.ui.pages.convolution import ConvolutionPage
    page = ConvolutionPage(app_state)
    qtbot.addWidget(page)
    return page


@pytest.fixture
def t_page(qtbot, app_state):
    from aeviz.ui.pages.transposed import TransposedPage
    page = TransposedPage(app_state)
    qtbot.addWidget(page)
    return page


def torch_conv(x, k, stride, padding, dilation):
    t = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))[None, None]
    return F.conv2d(t(x), t(k), stride=stride, padding=padding, dilation=dilation)[0, 0].numpy()


def torch_tconv(x, k, stride, padding, output_padding, dilation):
    t = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))[None, None]
    return F.conv_transpose2d(t(x), t(k), stride=stride, padding=padding, output_padding=output_padding,
                              dilation=dilation)[0, 0].numpy()


# --- convolution page ---------------------------------------------------------------------
def test_slide_example_by_default(conv_page):
    assert conv_page.y.tolist() == [[122, 148], [126, 134]]
    assert conv_page.C.shape == (4, 16) and conv_page.C[0].tolist() == SLIDE_C_ROW0
    assert conv_page.vecy_view.data().ravel().tolist() == [122, 148, 126, 134]
    assert conv_page.output_view.data().tolist() == [[122, 148], [126, 134]]


@pytest.mark.parametrize("params", [dict(stride=1, padding=0, dilation=1), dict(stride=2, padding=1, dilation=1),
                                    dict(stride=1, padding=2, dilation=2)])
def test_edit_makes_direct_matrix_engine_and_torch_agree(conv_page, params):
    conv_page.input_editor.set_values(np.arange(36).reshape(6, 6) % 7)
    conv_page.params.set_values(**params)
    assert conv_page.input_editor.set_cell_text(2, 3, "-3.5")
    x, k = conv_page.input_editor.values(), conv_page.kernel_editor.values()
    assert x[2, 3] == -3.5
    direct = conv_page.output_view.data()
    matrix = conv_page.out2_view.data()
    np.testing.assert_allclose(direct, conv2d(x, k, **params))
    np.testing.assert_allclose(matrix, direct)
    np.testing.assert_allclose(direct, torch_conv(x, k, **params))


def test_kernel_presets(conv_page):
    from aeviz.ui.pages.convolution import KERNEL_PRESETS
    assert len(KERNEL_PRESETS) == 6
    ed = conv_page.kernel_editor
    ed.load_preset("preset.sobel_x")
    assert ed.values().tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    ed.load_preset("preset.box")
    np.testing.assert_allclose(ed.values(), np.full((3, 3), 1 / 9))
    ed.load_preset("preset.laplacian")
    assert ed.values().sum() == 0
    ed.load_preset("preset.identity")
    np.testing.assert_array_equal(conv_page.y, conv_page.input_editor.values()[1:-1, 1:-1])
    ed.load_preset("preset.slide_kernel")
    conv_page.input_editor.load_preset("preset.slide_input")
    assert conv_page.y.tolist() == [[122, 148], [126, 134]]


def test_digit_preset_and_mnist_reader(conv_page):
    conv_page.input_editor.load_preset("preset.digit")
    x = conv_page.input_editor.values()
    assert x.shape == (10, 10) and x.max() > 100 and x.min() >= 0
    assert mnist_digit(0).shape == (28, 28) and mnist_digit(0).dtype == np.uint8
    np.testing.assert_array_equal(digit_patch(0), x)
    for bad in (-1, 10_000, True, 1.5):
        with pytest.raises(SampleImageError):
            mnist_digit(bad)


def test_output_linking_highlights_window_row_and_entries(conv_page):
    conv_page.select(Cell("output", 0, 1))
    assert conv_page.padded_view.window_rect == (0, 1, 2, 3)
    assert conv_page.c_view.rows == {1}
    assert conv_page.vecx_view.hl == {(n, 0) for n in (1, 2, 3, 5, 6, 7, 9, 10, 11)}
    assert conv_page.output_view.current == (0, 1) and conv_page.vecy_view.current == (1, 0)
    assert conv_page.sum_label.text().endswith("= 148")
    assert "5×1 + 8×4 + 7×1" in conv_page.sum_label.text()
    # hovering takes over, leaving restores the selection
    conv_page.output_view.cellHovered.emit(1, 0)
    assert conv_page.c_view.rows == {2} and conv_page.sum_label.text().endswith("= 126")
    conv_page.output_view.cellHovered.emit(-1, -1)
    assert conv_page.c_view.rows == {1}


def test_slide_sum_text(conv_page):
    conv_page.stepper.set_index(0)
    assert conv_page.sum_label.text() == "y(0, 0) = 4×1 + 5×4 + 8×1 + 1×1 + 8×4 + 8×3 + 3×3 + 6×3 + 6×1 = 122"


def test_padding_taps_are_hatched_and_excluded(conv_page):
    conv_page.params.set_values(padding=1)
    assert conv_page.padded_view.data().shape == (6, 6)
    assert conv_page.padded_view.marks()[0].tolist() == [HATCH] * 6
    conv_page.select(Cell("output", 0, 0))
    assert conv_page.vecx_view.hl == {(0, 0), (1, 0), (4, 0), (5, 0)}


def test_input_linking_highlights_outputs_and_column(conv_page):
    conv_page.select(Cell("input", 0, 0))
    assert conv_page.c_view.cols == {0}
    assert conv_page.output_view.hl2 == {(0, 0)}
    conv_page.padded_view.cellClicked.emit(1, 2)
    assert conv_page.c_view.cols == {6}
    assert conv_page.output_view.hl2 == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert conv_page.vecx_view.current == (6, 0)


def test_stepper_visits_every_output(conv_page, qtbot):
    conv_page.input_editor.set_values(np.ones((5, 6)))
    seen = []
    conv_page.stepper.indexChanged.connect(lambda i: seen.append(conv_page.output_view.current))
    for _ in range(conv_page.y.size):
        conv_page.stepper.step_forward()
    assert seen == [(i, j) for i in range(3) for j in range(4)]
    assert conv_page.c_view.rows == {11}
    conv_page.stepper.step_back()
    assert conv_page.c_view.rows == {10}
    conv_page.stepper.reset()
    assert conv_page.output_view.current is None and not conv_page.c_view.rows
    conv_page.stepper.speed.setValue(10)
    conv_page.input_editor.set_values(np.ones((4, 4)))
    conv_page.stepper.toggle_play()
    qtbot.waitUntil(lambda: not conv_page.stepper.playing(), timeout=5000)
    assert conv_page.stepper.index == 3 and conv_page.output_view.current == (1, 1)


def test_impossible_geometry_is_refused_with_a_message(conv_page):
    before = conv_page.store.value
    conv_page.kernel_editor.set_values(np.ones((7, 7)))
    assert conv_page.store.value == before and conv_page.y.tolist() == [[122, 148], [126, 134]]
    assert conv_page.kernel_editor.values().shape == (3, 3)          # the editor shows the state again
    assert not conv_page.error_label.isHidden() and "does not fit" in conv_page.error_label.text()
    conv_page.params.set_values(padding=2)
    assert conv_page.error_label.isHidden()
    conv_page.kernel_editor.set_values(np.ones((7, 7)))
    assert conv_page.geometry is not None and conv_page.y.shape == (2, 2)
    assert "⌊(4 + 2·2 − 1·(7−1) − 1) / 1⌋ + 1" in conv_page.shape_panel.text()


def test_language_switch_and_zoom(conv_page, app_state):
    assert conv_page.tabs.tabText(0) == "Direct ↔ matrix"
    app_state.set_language("fr")
    assert conv_page.tabs.tabText(0) == "Directe ↔ matricielle"
    assert "Taille de sortie" in conv_page.shape_panel.text()
    assert conv_page.output_view.caption == "Sortie y"
    conv_page.stepper.set_index(0)
    assert conv_page.stepper.position.text() == "Case 1 / 4"
    before = conv_page.output_view.cell_w
    app_state.set_zoom(2.0)
    assert conv_page.output_view.cell_w > before


def test_real_image_feature_map_keeps_negatives(conv_page):
    conv_page.kernel_editor.load_preset("preset.sobel_x")
    real = conv_page.real
    assert real.feature is None                      # nothing read until the tab is shown
    conv_page.tabs.setCurrentIndex(1)
    assert conv_page.store.value.tab == "real"
    conv_page.real.finish_loading()
    assert real.feature.shape == (26, 26)
    assert real.feature.min() < 0 < real.feature.max()
    assert real.output.data().min() == real.feature.min()
    assert real.bar.vmax == pytest.approx(np.abs(real.feature).max())


# --- transposed page ----------------------------------------------------------------------
def test_transposed_slide_example(t_page):
    assert t_page.y.tolist() == SLIDE_T_Y and t_page.y[3, 1] == 107
    assert t_page.M.shape == (16, 4)
    partials = t_page.parts.reshape(4, 16)
    assert partials.tolist() == SLIDE_PARTIALS
    assert [v.data().ravel().tolist() for v in t_page.column_views[:4]] == SLIDE_PARTIALS
    assert t_page.vecy_view.data().ravel().tolist() == np.ravel(SLIDE_T_Y).tolist()


def test_transposed_shows_c_beside_and_it_is_the_transpose(t_page):
    assert t_page.c_view.isHidden()
    t_page.show_c.setChecked(True)
    assert not t_page.c_view.isHidden()
    np.testing.assert_array_equal(t_page.c_view.data().T, t_page.M)
    assert "✓" in t_page.c_view.caption


@pytest.mark.parametrize("params", [dict(stride=2, padding=0, output_padding=1, dilation=1),
                                    dict(stride=2, padding=1, output_padding=0, dilation=1),
                                    dict(stride=1, padding=1, output_padding=0, dilation=2)])
def test_transposed_edit_agrees_with_engine_and_torch(t_page, params):
    t_page.input_editor.set_values([[1, 2, 0], [3, -1, 4]])
    t_page.params.set_values(**params)
    assert t_page.input_editor.set_cell_text(1, 1, "2.5")
    x, k = t_page.input_editor.values(), t_page.kernel_editor.values()
    np.testing.assert_allclose(t_page.output_view.data(), conv_transpose2d(x, k, **params))
    np.testing.assert_allclose(t_page.out2_view.data(), t_page.output_view.data())
    np.testing.assert_allclose(t_page.output_view.data(), torch_tconv(x, k, **params))


def test_transposed_crop_and_output_padding_are_drawn(t_page):
    t_page.params.set_values(stride=2, padding=1, output_padding=1)
    g = t_page.geometry
    assert g.full_shape == (6, 6) and t_page.y.shape == (4, 4)
    marks = t_page.sum_view.marks()
    assert marks[0, :5].tolist() == [HATCH] * 5 and marks[:5, 0].tolist() == [HATCH] * 5
    assert marks[1:5, 1:5].max() == 0
    assert marks[5, 1:5].tolist() == [HATCH | CROSS] * 4   # the extra row, then cropped away
    assert t_page.sum_view.data().shape == (6, 6)
    t_page.params.set_values(padding=0)
    marks = t_page.sum_view.marks()
    assert t_page.y.shape == (6, 6) and marks[5].tolist() == [CROSS] * 6 and marks[:5, :5].max() == 0


def test_transposed_stepper_adds_one_partial_at_a_time(t_page):
    t_page.input_editor.set_values(np.arange(1, 7).reshape(2, 3))
    seen, sums = [], []
    t_page.stepper.indexChanged.connect(lambda i: (seen.append(t_page.input_view.current),
                                                   sums.append(t_page.sum_view.data().copy())))
    for _ in range(6):
        t_page.stepper.step_forward()
    assert seen == [(i, j) for i in range(2) for j in range(3)]
    parts = t_page.parts.reshape((6,) + t_page.parts.shape[2:])
    for n, s in enumerate(sums):
        np.testing.assert_array_equal(s, parts[:n + 1].sum(axis=0))
    assert t_page.m_view.cols == {5}


def test_transposed_linking(t_page):
    t_page.select(Cell("input", 0, 1))
    assert t_page.m_view.cols == {1}
    assert t_page.output_view.hl2 == {(r, c) for r in range(3) for c in range(1, 4)}
    t_page.select(Cell("output", 3, 1))
    assert t_page.m_view.rows == {13}
    assert t_page.vecx_view.hl == {(2, 0), (3, 0)}


def test_transposed_impossible_geometry(t_page):
    before = t_page.store.value
    t_page.params.set_values(padding=3)
    assert t_page.store.value == before and t_page.params.values()["padding"] == 0
    assert "crops everything" in t_page.error_label.text()
    t_page.params.set_values(padding=0, stride=1, output_padding=2)
    assert t_page.store.value == before and "output padding (2)" in t_page.error_label.text()


def test_overlap_checkerboard(t_page):
    t_page.checkerboard_demo()
    counts = t_page.overlap.counts
    assert counts.shape == (9, 9)
    assert set(np.unique(counts[1:-1, 1:-1]).tolist()) == {1, 2, 4}
    np.testing.assert_array_equal(t_page.overlap.out_view.data(), counts)
    t_page.kernel_editor.load_preset("preset.slide_tkernel")
    t_page.input_editor.fill_zeros()
    t_page.overlap.fill_ones.emit()
    assert (t_page.input_editor.values() == 1).all()


def test_transposed_language(t_page, app_state):
    app_state.set_language("fr")
    assert t_page.tabs.tabText(1) == "Recouvrements (damier)"
    assert t_page.sum_view.caption.startswith("Somme")


def test_big_matrix_is_legible_zoomable_and_repaints_without_crashing(conv_page, qtbot):
    """10×10 ⋆ 3×3 gives a 64×100 C; repainting it makes ~40,000 Qt calls (see test_qt_binding.py)."""
    conv_page.input_editor.set_values(np.arange(100).reshape(10, 10) % 9)
    view = conv_page.c_view
    assert view.data().shape == (64, 100)
    from PySide6.QtGui import QFontMetrics
    assert view.cell_h >= QFontMetrics(view._font).height() and view._numbers_fit
    before = view.cell_w
    conv_page.zoom_slider.setValue(200)
    assert view.cell_w > before
    for _ in range(4):
        assert not view.grab().isNull()
    conv_page.zoom_slider.setValue(100)
