"""The linear case page bound to its state: model → view, view → model, saved views, bad views,
and its background work (spectrum loading, fits, replays) never touching a widget off the GUI thread."""

import numpy as np
import pytest
import torch

from aeviz.core.viewfile import load_view, save_view
from aeviz.state.base import StateError
from aeviz.state.linear import PRESETS, LinearState
from aeviz.ui.workers import running_tasks
from page_pixels import differing, reopened


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.linear import LinearPage

    page = LinearPage(app_state)
    yield page
    page.shutdown()
    # a replaced job (a spectrum no longer wanted) ends on its own, unobserved: wait for it too
    qtbot.waitUntil(lambda: not page.busy() and not running_tasks(), timeout=60000)
    page.deleteLater()   # not given to qtbot: it would delete the page before this teardown stops its work


def test_model_to_view(page, qtbot):
    value = LinearState(source="mnist", n=1000, k=5)
    page.store.replace(value)
    assert page.source.currentIndex() == 1 and page.n_combo.currentData() == 1000
    assert page.k_spin.value() == 5 and page.k_spin.maximum() == 64 and page.n_combo.isEnabled()
    assert page.editor.isHidden() and not page.stop_button.isEnabled()
    qtbot.waitUntil(lambda: page.spec is not None, timeout=60000)
    assert "k = 5" in page.floor_label.text()
    page.store.replace(LinearState(matrix=((1, 2, 3), (4, 5, 6.5), (0, 1, 0)), k=1))
    np.testing.assert_array_equal(page.editor.values(), [[1, 2, 3], [4, 5, 6.5], [0, 1, 0]])
    assert page.k_spin.maximum() == 2 and page.source.currentIndex() == 0 and not page.n_combo.isEnabled()


def test_view_to_model(page, qtbot):
    qtbot.waitUntil(lambda: page.store.value.fit == "done", timeout=60000)
    page.k_spin.setValue(3)
    assert page.store.value.k == 3 and page.store.value.fit == "running"   # the small matrix refits at once
    assert page.editor.set_cell_text(0, 0, "7,5")
    assert page.store.value.matrix[0][0] == 7.5
    page.editor.rows_spin.setValue(2)   # 2×4: k is clamped to 1
    assert len(page.store.value.matrix) == 2 and page.store.value.k == 1
    page.source.setCurrentIndex(1)
    assert page.store.value.source == "mnist" and page.store.value.fit == "idle"
    page.n_combo.setCurrentIndex(0)
    assert page.store.value.n == 1000
    qtbot.waitUntil(lambda: page.spec is not None and page.train_button.isEnabled(), timeout=60000)
    qtbot.mouseClick(page.train_button, qtbot_left())
    assert page.store.value.fit == "running" and page.stop_button.isEnabled()
    qtbot.mouseClick(page.stop_button, qtbot_left())
    assert page.store.value.fit == "stopped"


def qtbot_left():
    from PySide6.QtCore import Qt
    return Qt.LeftButton


def test_a_saved_stopped_fit_reopens_with_the_same_curves_and_pixels(page, qtbot, app_state, tmp_path):
    from aeviz.ui.pages.linear import LinearPage

    page.store.replace(LinearState(k=3, fit="stopped", fit_step=149, fit_seed=2))
    with reopened(page, LinearPage, app_state, qtbot, tmp_path) as (before, other, after):
        assert page.last_report.step == 149 and "149 / 600" in page.status.text()
        assert other.last_report.loss == page.last_report.loss
        for name in ("loss_line", "max_angle_line", "mean_angle_line"):
            np.testing.assert_array_equal(getattr(other, name).getData(), getattr(page, name).getData())
        # Same curves, same numbers; the pixels may still differ by a few columns: pyqtgraph shrinks an
        # axis's tick-label space only when it is 10 px too wide, so the page that showed its default
        # fit first can keep a wider axis (about 2 % of the page).
        assert differing(before, after) <= 0.03


def test_a_view_saved_while_running_reopens_stopped(page, qtbot, app_state, tmp_path):
    from aeviz.ui.pages.linear import LinearPage

    page.store.replace(LinearState(source="mnist", n=2000, k=4, fit="running"))
    qtbot.waitUntil(lambda: page.store.value.fit_step > 0, timeout=60000)
    path = save_view(tmp_path / "running.aevizview", page.current_view())
    other = LinearPage(app_state)
    qtbot.addWidget(other)
    try:
        other.open_view(load_view(path))
        assert other.store.value.fit == "stopped" and not other.stop_button.isEnabled()
        assert other.wait_until_idle(120)
        assert other.last_report.step >= other.store.value.fit_step
    finally:
        other.shutdown()
        qtbot.waitUntil(lambda: not other.busy(), timeout=60000)


@pytest.mark.parametrize("state", [{"k": "two"}, {"k": 9}, {"n": 1234}, {"matrix": [[1, "x"]]}, {"fit": "running",
                                                                                                "fit_step": 9999}])
def test_a_bad_view_is_refused_and_changes_nothing(page, state):
    from aeviz.core.viewfile import View

    before = page.store.value
    with pytest.raises(StateError):
        page.open_view(View(page="linear", state=state))
    assert page.store.value == before


def test_the_linear_preset_shows_learnt_rows_beside_the_components(page, qtbot):
    from aeviz.core.viewfile import View

    value = PRESETS["linear"]()
    page.open_view(View(page="linear", state=value.to_dict()))
    assert page.wait_until_idle(300)
    assert page.store.value == value and page.last_report.done
    assert page.factors.currentIndex() == 1 and len(page.factors.learnt.images()) == 16
    assert page.last_report.loss <= 1.25 * page.floor   # three epochs: close to the floor, not on it


def test_background_work_never_touches_a_widget(page, qtbot, widget_calls_off_gui_thread):
    """Spectrum loading, a live fit on each source and a replay, all from copies."""
    assert page.wait_until_idle(120)                      # the start-up fit on the small matrix
    page.store.replace(LinearState(source="mnist", n=1000, k=3, fit="running"))   # spectrum, then a fit
    assert page.wait_until_idle(120)
    page.store.replace(LinearState(source="mnist", n=1000, k=3, fit="stopped", fit_step=6))   # a replay
    assert page.wait_until_idle(120)
    assert page.store.value.fit == "stopped" and page.last_report.step >= 6
    assert widget_calls_off_gui_thread == []


@pytest.mark.parametrize("changes, words", [
    ({"k": 9}, ["taille du code k", "9"]),
    ({"fit_step": 5}, ["non lancé", "5 pas"]),
    ({"n": 3}, ["nombre d'images n"]),
    ({"fit": "x"}, ["état de l'entraînement"]),
])
def test_state_errors_read_in_french(page, app_state, changes, words):
    from aeviz.ui.error_texts import describe_error

    app_state.set_language("fr")
    with pytest.raises(StateError) as info:
        LinearState().with_changes(**changes)
    text = describe_error(info.value)
    assert all(word in text for word in words), text
    assert not any(english in text for english in ("outside", "is not", "expected", "allowed", " step"))
