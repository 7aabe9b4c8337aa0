"""The convolution lab's state without Qt: the slide's numbers, the engine's rules, presets, JSON."""

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from aeviz.state.base import StateError
from aeviz.state.convolution import PRESETS, ConvolutionState
from aeviz.state.lab import Cell, as_grid, grid_array

# The slide's unrolled matrix C (lesson 2), typed from the course text.
SLIDE_C = [[1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0, 0],
           [0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0, 0, 0, 0],
           [0, 0, 0, 0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1, 0],
           [0, 0, 0, 0, 0, 1, 4, 1, 0, 1, 4, 3, 0, 3, 3, 1]]


def torch_conv(value: ConvolutionState) -> np.ndarray:
    t = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))[None, None]
    return F.conv2d(t(value.input_grid), t(value.kernel), **value.params())[0, 0].numpy()


def test_defaults_are_the_slide_example_as_torch_computes_it():
    value = ConvolutionState()
    assert torch_conv(value).tolist() == [[122, 148], [126, 134]]
    assert value.geometry().output_shape == (2, 2) and value.step_count() == 4
    assert value.selection is None and value.step == -1 and value.tab == "linked"
    C = torch.zeros(4, 16, dtype=torch.float64)   # C from torch: the convolution of each basis image
    for n in range(16):
        basis = np.zeros(16)
        basis[n] = 1
        C[:, n] = torch.tensor(torch_conv(value.with_changes(input_grid=as_grid(basis.reshape(4, 4)))).ravel())
    assert C.tolist() == SLIDE_C


def test_presets_are_valid_and_what_their_names_say():
    conv, matrix = PRESETS["convolution"](), PRESETS["matrix"]()
    assert conv.input_grid == matrix.input_grid == ConvolutionState().input_grid
    assert conv.selection == matrix.selection == Cell("output", 0, 0) and conv.step == matrix.step == 0
    assert (conv.tab, conv.section) == ("linked", "direct") and (matrix.tab, matrix.section) == ("linked", "matrix")
    assert conv.step_cell(conv.step) == conv.selection


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_survive_json(name):
    value = PRESETS[name]()
    text = json.dumps(value.to_dict())
    assert ConvolutionState.from_dict(json.loads(text), ConvolutionState.version) == value


def test_grids_keep_whole_numbers_exact_and_decimals_as_floats():
    value = ConvolutionState(input_grid=((1, 2.5), (3, 4)), kernel=((1,),))
    again = ConvolutionState.from_dict(json.loads(json.dumps(value.to_dict())))
    assert again == value and again.x().dtype == np.float64 and ConvolutionState().x().dtype == np.int64
    assert as_grid(np.array([[1.0, -2.0], [0.5, 3.0]])) == ((1, -2), (0.5, 3))
    assert grid_array(((1, 2), (3, 4))).dtype == np.int64


@pytest.mark.parametrize("changes, code, params", [
    (dict(kernel=((1,) * 5,) * 5), "conv.kernel_too_big", {"kernel": "5×5", "input": "4×4", "padding": "0"}),
    (dict(dilation=2), "conv.dilated_kernel_too_big", {"span": "5×5", "dilation": "2"}),
    (dict(stride=0), "state.out_of_range", {"field": "stride", "lo": 1, "hi": 4}),
    (dict(padding=5), "state.out_of_range", {"field": "padding"}),
    (dict(stride=True), "state.bad_type", {"field": "stride"}),
    (dict(tab="matrix"), "state.bad_type", {"field": "tab"}),
    (dict(input_grid=((1, 2), (3,))), "state.bad_grid", {"field": "input_grid"}),
    (dict(input_grid=((0,) * 11,) * 4), "state.bad_grid", {"field": "input_grid", "rows": 10}),
    (dict(kernel=((2e6,),)), "state.out_of_range", {"field": "kernel"}),
    (dict(selected="output", selected_row=2), "lab.output_cell_outside", {"row": 2, "shape": "2×2"}),
    (dict(selected="input", selected_col=4), "lab.input_cell_outside", {"col": 4, "shape": "4×4"}),
    (dict(step=4), "state.out_of_range", {"field": "step", "lo": -1, "hi": 3}),
    (dict(matrix_zoom=20), "state.out_of_range", {"field": "matrix_zoom"}),
    (dict(speed=11), "state.out_of_range", {"field": "speed"}),
    (dict(real_digit=10_000), "state.out_of_range", {"field": "real_digit", "hi": 9999}),
    (dict(real_source="file"), "lab.no_image_file", {"field": "real_file"}),
])
def test_refused_values_carry_a_code_and_parameters(changes, code, params):
    with pytest.raises(StateError) as info:
        ConvolutionState().with_changes(**changes)
    assert info.value.code == code
    assert params.items() <= info.value.params.items()


def test_fitted_drops_a_selection_and_a_step_the_new_grid_no_longer_has():
    value = ConvolutionState().with_changes(step=3, **ConvolutionState.select(Cell("output", 1, 1)))
    smaller = value.fitted(input_grid=((1, 2, 3),) * 3)             # 3×3 ⋆ 3×3: a single output cell
    shrunk = value.with_changes(**smaller)
    assert shrunk.selection is None and shrunk.step == -1
    kept = ConvolutionState().with_changes(**ConvolutionState.select(Cell("input", 2, 2)))
    assert kept.with_changes(**kept.fitted(padding=1)).selection == Cell("input", 2, 2)
    bad = value.fitted(kernel=((1,) * 5,) * 5)                       # impossible: left for validation to refuse
    with pytest.raises(StateError, match="does not fit"):
        value.with_changes(**bad)


def test_the_stepper_walks_the_output_cells_row_by_row():
    value = ConvolutionState(input_grid=((0,) * 6,) * 5)              # 5×6 ⋆ 3×3 → 3×4
    assert value.step_count() == 12
    assert [value.step_cell(i) for i in (-1, 0, 5, 11)] == [None, Cell("output", 0, 0), Cell("output", 1, 1),
                                                              Cell("output", 2, 3)]


def test_the_state_modules_do_not_import_qt():
    code = ("import sys, aeviz.state.convolution, aeviz.state.transposed; "
            "sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_fitted_leaves_an_explicit_selection_or_step_to_validation():
    value = ConvolutionState()
    for changes, code in ((dict(selected="output", selected_row=5), "lab.output_cell_outside"),
                          (dict(step=4), "state.out_of_range")):
        with pytest.raises(StateError) as info:
            value.with_changes(**value.fitted(**changes))
        assert info.value.code == code
