"""The pretraining page bound to its state: model → view, view → model, saved views, bad views, and
the experiment never touching a widget off the GUI thread."""

import pytest
import torch

from aeviz.core import pretraining as ptr
from aeviz.core.viewfile import View
from aeviz.state import pretraining as state_module
from aeviz.state.base import StateError
from aeviz.state.pretraining import PRESETS, PretrainingState, results_of
from aeviz.ui.workers import running_tasks
from page_pixels import differing, reopened

ROWS = {1: {"scratch": [0.3], "frozen": [0.45], "finetune": [0.4]},
        20: {"scratch": [0.8], "frozen": [0.85], "finetune": [0.9]}}


@pytest.fixture(autouse=True)
def _private_data(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_DATA_DIR", str(tmp_path / "data"))
    torch.set_num_threads(1)


@pytest.fixture
def quick_experiment(monkeypatch):
    """Two steps per classifier, one seed, 50 test images: the same code path, in seconds."""
    monkeypatch.setattr(state_module, "settings_of", lambda encoder: ptr.PretrainSettings(
        encoder=encoder, steps=2, head_steps=2, n_test=50, seeds=(0,)))


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.pretraining import PretrainingPage

    page = PretrainingPage(app_state)
    yield page
    page.shutdown()
    qtbot.waitUntil(lambda: not page.busy() and not running_tasks(), timeout=60000)
    page.deleteLater()   # not given to qtbot: it would delete the page before this teardown stops its work


def left():
    from PySide6.QtCore import Qt
    return Qt.LeftButton


def test_the_page_opens_on_the_shipped_curve(page):
    assert page.store.value == PRESETS["pretraining"]()
    assert len(page.lines["frozen"].getData()[0]) == len(ptr.DEFAULT_LS)


def test_model_to_view(page):
    page.store.replace(PretrainingState(L=20, encoder="pool10000", results=results_of(ROWS), experiment="stopped",
                                        experiment_Ls=(1, 20), experiment_progress=0.5))
    assert page.slider.value() == 20 and page.encoder_combo.currentIndex() == 1
    assert page.L_label.text() == "Labels per class L = 20 (200 labelled images)"
    assert page.result_label.text() == "L = 20: scratch 80 %, frozen 85 %, fine-tuned 90 %"
    assert list(page.lines["finetune"].getData()[1]) == pytest.approx([40, 90])
    assert page.progress.value() == 50 and "stopped (L = 1, 20)" in page.status.text()
    assert page.run_button.isEnabled() and not page.stop_button.isEnabled()


def test_view_to_model(page, qtbot, quick_experiment):
    page.slider.setValue(7)
    assert page.store.value.L == 7 and "L = 7 not computed yet" in page.result_label.text()
    page.encoder_combo.setCurrentIndex(1)
    assert page.store.value.encoder == "pool10000" and page.store.value.results == ()
    page.encoder_combo.setCurrentIndex(0)
    qtbot.mouseClick(page.run_button, left())
    assert page.store.value.experiment == "running" and page.store.value.experiment_Ls == (7,)
    assert not page.run_button.isEnabled() and page.stop_button.isEnabled()
    qtbot.waitUntil(lambda: page.store.value.experiment == "done" and not page.busy(), timeout=120000)
    row = page.store.value.results_dict()[7]
    assert set(row) == set(ptr.WAYS) and all(len(accs) == 1 for accs in row.values())
    assert page.progress.value() == 100 and page.result_label.text().startswith("L = 7: scratch")


def test_stop_keeps_the_state_consistent(page, qtbot, quick_experiment):
    qtbot.mouseClick(page.run_all_button, left())
    qtbot.mouseClick(page.stop_button, left())
    assert page.store.value.experiment == "stopped" and page.store.value.experiment_Ls == ptr.DEFAULT_LS
    assert not page.stop_button.isEnabled()


def test_a_saved_view_reopens_with_the_same_pixels(page, qtbot, app_state, tmp_path):
    from aeviz.ui.pages.pretraining import PretrainingPage

    page.store.replace(PretrainingState(L=5, results=results_of(ROWS), experiment="done", experiment_Ls=(1, 20),
                                        experiment_progress=1.0))
    with reopened(page, PretrainingPage, app_state, qtbot, tmp_path) as (before, _other, after):
        assert differing(before, after) <= 0.005


@pytest.mark.parametrize("state", [{"L": 0}, {"L": "10"}, {"encoder": "mine"}, {"results": [[1, [2.0], [0.5], [0.5]]]},
                                   {"experiment": "running"}])
def test_a_bad_view_is_refused_and_changes_nothing(page, state):
    before = page.store.value
    with pytest.raises(StateError):
        page.open_view(View(page="pretraining", state=state))
    assert page.store.value == before


def test_the_experiment_never_touches_a_widget(page, qtbot, quick_experiment, widget_calls_off_gui_thread):
    page.slider.setValue(2)
    qtbot.mouseClick(page.run_button, left())
    qtbot.waitUntil(lambda: page.store.value.experiment == "done" and not page.busy(), timeout=120000)
    assert 2 in page.store.value.results_dict()
    assert widget_calls_off_gui_thread == []


@pytest.mark.parametrize("changes, words", [
    ({"L": 0}, ["étiquettes par classe L"]),
    ({"results": ((10, (0.5,), (0.5,), (0.5,)), (5, (0.5,), (0.5,), (0.5,)))}, ["ordre croissant"]),
    ({"experiment": "running"}, ["au moins une valeur de L"]),
])
def test_state_errors_read_in_french(page, app_state, changes, words):
    from aeviz.ui.error_texts import describe_error

    app_state.set_language("fr")
    with pytest.raises(StateError) as info:
        page.store.set(**changes)
    text = describe_error(info.value)
    assert all(word in text for word in words), text
    assert not any(english in text for english in ("outside", "is not", "expected", "allowed", "results"))
