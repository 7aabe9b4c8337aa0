"""The linear case's state without Qt: validation codes, presets, JSON round trips, and the replay
that lets a view show a finished or stopped fit again (checked against numpy's SVD)."""

import json
import sys

import numpy as np
import pytest
import torch

from aeviz.core.linear import spectrum
from aeviz.state.base import StateError
from aeviz.state.linear import PRESETS, DEFAULT_X, LinearState, fit_inputs, fit_reports, max_k, total_steps


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


def test_defaults_are_the_start_up_page():
    value = LinearState()
    assert value.source == "matrix" and value.matrix == DEFAULT_X and value.k == 2 and value.n == 10000
    assert value.fit == "idle" and value.fit_step == 0 and value.total_steps == 600


@pytest.mark.parametrize("changes, code", [
    ({"k": 4}, "state.out_of_range"),                      # a 6×4 matrix: k ≤ 3
    ({"k": 0}, "state.out_of_range"),
    ({"source": "mnist", "k": 65}, "state.out_of_range"),
    ({"n": 3000}, "state.bad_choice"),
    ({"matrix": ((1,) * 7,) * 2}, "state.bad_grid"),       # 7 columns, at most 6
    ({"matrix": ((1, 2), (3,))}, "state.bad_grid"),
    ({"matrix": ((1, 2e7),)}, "state.out_of_range"),
    ({"fit_step": 601}, "state.out_of_range"),
    ({"fit": "running", "fit_step": -1}, "state.out_of_range"),
    ({"fit_step": 10}, "linear.idle_with_steps"),
    ({"fit": "flying"}, "state.bad_type"),
    ({"k": 2.0}, "state.bad_type"),
    ({"fit_seed": -1}, "state.out_of_range"),
])
def test_invalid_values_are_refused_with_a_code(changes, code):
    with pytest.raises(StateError) as info:
        LinearState().with_changes(**changes)
    assert info.value.code == code


def test_k_range_follows_the_data():
    assert max_k("matrix", DEFAULT_X) == 3 and max_k("mnist", DEFAULT_X) == 64
    assert max_k("matrix", ((1, 2, 3),)) == 1
    LinearState(source="mnist", k=64)   # valid on MNIST
    assert total_steps("mnist", 10000) == 10 * 40 and total_steps("mnist", 1000) == 10 * 4


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_are_valid_and_survive_json(name):
    value = PRESETS[name]()
    assert LinearState.from_dict(json.loads(json.dumps(value.to_dict()))) == value


def test_the_mnist_preset_fit_finds_the_pca_subspace():
    """What the course says and the lesson step's caption repeats: minimising ‖X − U·Vᵀ‖ on MNIST
    reaches PCA's floor and its subspace (every principal angle small), checked with numpy's SVD."""
    from aeviz.core.linear import mnist_matrix

    value = PRESETS["linear"]()
    x = mnist_matrix(value.n)
    last = list(fit_reports(value, x, None))[-1]
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    floor = float((s[value.k:] ** 2).sum() / x.size)
    assert last.done and last.loss <= 1.03 * floor
    learnt, _ = np.linalg.qr(last.vt.T)                       # the decoder's k directions
    cosines = np.linalg.svd(learnt.T @ vt[:value.k].T, compute_uv=False)
    assert np.degrees(np.arccos(np.clip(cosines, -1, 1))).max() < 10


def test_linear_preset_is_the_mnist_demonstration():
    value = PRESETS["linear"]()
    assert value.source == "mnist" and value.fit == "done" and value.fit_step == value.total_steps


def test_round_trip_of_an_edited_value_and_a_running_fit_comes_back_stopped():
    value = LinearState(matrix=((1, 2.5, 3), (4, 5, 6), (7, 8, 10)), k=2, fit="running", fit_step=40, fit_seed=3)
    again = LinearState.from_dict(json.loads(json.dumps(value.to_dict())))
    assert again == value.with_changes(fit="stopped")
    assert fit_inputs(again) == fit_inputs(value)


def test_the_state_module_needs_neither_qt_nor_torch_at_import():
    import subprocess
    code = ("import sys, aeviz.state.linear, aeviz.state.compression, aeviz.state.pretraining;"
            "print('PySide6' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_a_replay_draws_the_points_of_the_run_up_to_its_step():
    """Restoring a stopped fit replays it: the same points as the run, up to where it stopped."""
    value = LinearState(fit="running")
    x = np.array(value.matrix, dtype=np.float64)
    spec = spectrum(x)
    run = list(fit_reports(value, x, spec))
    replay = list(fit_reports(value, x, spec, until=run[7].step))
    assert [r.step for r in replay] == [r.step for r in run[:8]]
    assert [r.loss for r in replay] == [r.loss for r in run[:8]]
    np.testing.assert_array_equal(replay[-1].vt, run[7].vt)
    # the full run ends on the Eckart–Young floor, computed independently with numpy's SVD
    s = np.linalg.svd(x - x.mean(0), compute_uv=False)
    floor = (s[value.k:] ** 2).sum() / x.size
    assert run[-1].done and run[-1].step == value.total_steps
    assert run[-1].loss == pytest.approx(floor, rel=0.01)
