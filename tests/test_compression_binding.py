"""The compression page bound to its state: model → view, view → model, saved views, bad views, and
its background work (short run, recompute, original digits) never touching a widget off the GUI thread."""

import numpy as np
import pytest
import torch

from aeviz.core import compression as cp
from aeviz.core.viewfile import View
from aeviz.state.base import StateError
from aeviz.state.compression import PRESETS, CompressionState
from aeviz.ui.workers import running_tasks
from page_pixels import differing, reopened


@pytest.fixture(autouse=True)
def _private_data(tmp_path, monkeypatch):
    """Short runs are cached on disk: each test starts from an empty cache, with one torch thread."""
    monkeypatch.setenv("AEVIZ_DATA_DIR", str(tmp_path / "data"))
    torch.set_num_threads(1)


@pytest.fixture
def quick_short_runs(monkeypatch):
    """A short run of a few hundred images and one epoch: the same code path, in seconds."""
    from aeviz.core.models import ModelConfig
    from aeviz.core.training import TrainConfig

    monkeypatch.setattr(cp, "SHORT_RUN_TRAIN", 300)
    monkeypatch.setattr(cp, "recipe", lambda method, k: (ModelConfig("linear", k, bias=False),
                                                         TrainConfig(epochs=1, lr=3e-3, batch_size=100, seed=4)))


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.compression import CompressionPage

    page = CompressionPage(app_state)
    yield page
    page.shutdown()
    qtbot.waitUntil(lambda: not page.busy() and not running_tasks(), timeout=60000)
    page.deleteLater()   # not given to qtbot: it would delete the page before this teardown stops its work


def a_point(method="mlp", k=4, mse=0.0234):
    images = np.random.default_rng(1).integers(0, 256, (8, 28, 28), dtype=np.uint8)
    return cp.Point(method, k, mse, "trained", images, {"seconds": 42.0, "epochs": 6, "n_train": 10000})


def test_model_to_view(page):
    value = CompressionState(k=4).with_point(a_point()).with_changes(short_run="stopped", short_run_method="mlp",
                                                                     short_run_k=4, short_run_progress=0.25)
    page.store.replace(value)
    assert page.k_combo.currentText() == "4" and "ratio 49 : 1" in page.ratio_label.text()
    assert page.train_buttons["conv"].text().endswith("k = 4")
    assert "short run here: MSE 0.02" in page.example_labels["mlp"].text()
    assert len(page.short_marks[False].points()) == 1
    assert page.progress.value() == 25 and "stopped (MLP autoencoder, k = 4)" in page.status.text()
    np.testing.assert_array_equal(page.example_grids["pca"].images(), cp.load_curves()[("pca", 4)].examples)
    page.store.set(short_runs=())
    assert "short run here" not in page.example_labels["mlp"].text() and len(page.short_marks[False].points()) == 0


def test_view_to_model(page, qtbot, quick_short_runs):
    page.k_combo.setCurrentIndex(cp.K_GRID.index(8))
    assert page.store.value.k == 8
    qtbot.mouseClick(page.train_buttons["linear"], left())
    value = page.store.value
    assert (value.short_run, value.short_run_method, value.short_run_k) == ("running", "linear", 8)
    assert page.stop_button.isEnabled() and not page.recompute_button.isEnabled()
    qtbot.waitUntil(lambda: page.store.value.short_run == "done" and not page.busy(), timeout=120000)
    point = page.store.value.short_points()[("linear", 8)]
    assert point.cost["n_train"] == 300 and 0 < point.mse < 0.2
    assert page.progress.value() == 100 and "short run here" in page.example_labels["linear"].text()
    qtbot.mouseClick(page.train_buttons["mlp"], left())
    qtbot.mouseClick(page.stop_button, left())
    assert page.store.value.short_run == "stopped" and ("mlp", 8) not in page.store.value.short_points()


def left():
    from PySide6.QtCore import Qt
    return Qt.LeftButton


def test_a_saved_view_with_a_short_run_reopens_with_the_same_pixels(page, qtbot, app_state, tmp_path):
    from aeviz.ui.pages.compression import CompressionPage

    page.store.replace(PRESETS["compression"]().with_point(a_point("conv", 8)).with_changes(
        short_run="done", short_run_method="conv", short_run_k=8, short_run_progress=1.0))
    with reopened(page, CompressionPage, app_state, qtbot, tmp_path) as (before, _other, after):
        assert differing(before, after) <= 0.005


@pytest.mark.parametrize("state", [{"k": 3}, {"k": "16"}, {"short_runs": "none"}, {"short_run_progress": 2},
                                   {"short_runs": [["mlp", 16, 0.01, 1.0, 6.0, 10000, "%%%"]]}])
def test_a_bad_view_is_refused_and_changes_nothing(page, state):
    before = page.store.value
    with pytest.raises(StateError):
        page.open_view(View(page="compression", state=state))
    assert page.store.value == before


def test_background_work_never_touches_a_widget(page, qtbot, quick_short_runs, monkeypatch,
                                                widget_calls_off_gui_thread):
    """A short run, a recompute (on a smaller evaluation set) and the original digits, all from copies."""
    page.load_originals()
    qtbot.mouseClick(page.train_buttons["conv"], left())
    qtbot.waitUntil(lambda: page.store.value.short_run == "done" and not page.busy(), timeout=120000)
    monkeypatch.setitem(cp.EVAL, "pca_train", 1000)
    monkeypatch.setitem(cp.EVAL, "n_test", 300)
    qtbot.mouseClick(page.recompute_button, left())
    qtbot.waitUntil(lambda: not page.busy(), timeout=120000)
    assert page.status.text() == "Done." and ("pca", 16) in page.curves
    assert widget_calls_off_gui_thread == []


@pytest.mark.parametrize("changes, words", [
    ({"k": 3}, ["taille du code k"]),
    ({"short_runs": (("mlp", 16, 0.01, 1.0, 6.0, 10000, "AAAA"),)}, ["exemples", "28×28"]),
    ({"short_run_progress": 3.0}, ["avancement de l'entraînement court"]),
])
def test_state_errors_read_in_french(page, app_state, changes, words):
    from aeviz.ui.error_texts import describe_error

    app_state.set_language("fr")
    with pytest.raises(StateError) as info:
        page.store.set(**changes)
    text = describe_error(info.value)
    assert all(word in text for word in words), text
    assert not any(english in text for english in ("outside", "is not", "expected", "allowed", "short run"))
