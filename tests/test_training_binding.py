"""The training page as a view of its state: model → view, view → model, save and restore.

Through public members only: the store, the form's and panel's widgets, ``current_view`` /
``open_view``, the page's run caches (``run.model``, ``history``) and ``grab()``.
"""

import re

import pytest
from page_pixels import differing, grab
import torch

from aeviz.core.viewfile import View, load_view, save_view
from aeviz.state.base import StateError
from aeviz.state.training import PRESETS, TrainingState

SMALL = {"subset": 1000, "threads": 1}


def _page(qtbot, app_state, **changes):
    from aeviz.ui.pages.training import TrainingPage

    torch.set_num_threads(1)
    page = TrainingPage(app_state)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.store.set(**{**SMALL, **changes})
    qtbot.waitUntil(lambda: page.run.data is not None and len(page.run.data.train) == 1000
                    and not page.run.loading(), timeout=20000)
    return page


@pytest.fixture
def page(qtbot, app_state):
    page = _page(qtbot, app_state)
    yield page
    page.shutdown()


def _wait_phase(qtbot, page, *phases, timeout=120000):
    qtbot.waitUntil(lambda: page.store.value.phase in phases and not page.run.running(), timeout=timeout)


# --- model → view -----------------------------------------------------------------------------
def test_the_form_shows_the_state(page):
    page.store.set(kind="conv", latent=5, hidden=(8, 16), lr=0.01, optimizer="sgd", batch_size=64, epochs=3, seed=7,
                   denoising=True, noise_kind="masking", noise_level=0.4, subset=2000, tab="layers", log_scale=True)
    f = page.form
    assert (f.kind.currentIndex(), f.latent.value(), f.hidden.text()) == (2, 5, "8, 16")
    assert (f.optimizer.currentIndex(), f.lr.value(), f.batch.value(), f.epochs.value(), f.seed.value()) == \
        (1, 0.01, 64, 3, 7)
    assert f.noise_box.isChecked() and f.noise_kind.currentIndex() == 1 and f.noise_level.value() == 0.4
    assert f.subset.value() == 2000 and not f.bias.isEnabled()
    assert page.tabs.currentIndex() == 1 and page.curves.log.isChecked()


def test_a_linear_state_frees_the_bias_and_locks_the_widths(page):
    page.store.set(kind="linear", hidden=(), bias=False)
    assert page.form.bias.isEnabled() and not page.form.bias.isChecked() and not page.form.hidden.isEnabled()


def test_the_status_and_buttons_follow_the_phase(page, qtbot):
    assert page.panel.status.text().startswith("Ready") and page.panel.start_button.text() == "Start training"
    page.store.set(epochs=1)
    page.panel.start_button.click()
    assert page.store.value.phase == "running" and page.store.value.origin == "trained"
    _wait_phase(qtbot, page, "done")
    assert page.panel.status.text().startswith("Finished: 1 epochs")
    assert page.panel.progress.format().startswith("Epoch 1/1")
    assert page.store.value.epoch == 1.0 and page.panel.start_button.text() == "Train further"


# --- view → model -----------------------------------------------------------------------------
def test_edits_go_into_the_state(page, qtbot):
    f = page.form
    f.latent.setValue(7)
    f.kind.setCurrentIndex(3)  # VAE: its own default widths
    f.lr.setValue(0.005)
    f.noise_box.setChecked(True)
    f.noise_kind.setCurrentIndex(2)
    page.curves.log.click()
    page.tabs.setCurrentIndex(1)
    v = page.store.value
    assert (v.latent, v.kind, v.hidden, v.lr) == (7, "vae", (256, 64), 0.005)
    assert v.denoising and v.noise_kind == "salt_pepper" and v.log_scale and v.tab == "layers"


def test_threads_auto_is_the_empty_state_and_a_number_is_kept(page, app_state):
    f = page.form
    f.threads.setValue(0)
    assert page.store.value.threads is None and f.threads.text() == "Auto"
    assert page.store.value.train_config().num_threads is None  # the trainer measures
    f.threads.setValue(1)
    assert page.store.value.threads == 1
    page.store.set(threads=None)
    assert f.threads.value() == 0
    app_state.set_language("fr")
    assert f.threads.text() == "Auto" and "chronométrées" in f.threads.toolTip()


def test_the_progress_bar_names_the_thread_count_in_use(page, qtbot, app_state):
    app_state.set_language("fr")
    page.store.set(epochs=2)
    shown, show = [], page.panel.show_snapshot
    page.panel.show_snapshot = lambda snap, offset=0: (show(snap, offset), shown.append(page.panel.progress.format()))
    page.panel.start_button.click()
    _wait_phase(qtbot, page, "done")
    assert shown and all(text.endswith(" images/s · 1 fil") for text in shown), shown


def test_typed_widths_go_in_and_bad_ones_are_refused_in_french(page, qtbot, app_state):
    app_state.set_language("fr")
    page.form.hidden.clear()
    qtbot.keyClicks(page.form.hidden, "128, 32")
    assert page.store.value.hidden == (128, 32)
    qtbot.keyClicks(page.form.hidden, ", x")
    assert page.store.value.hidden == (128, 32)
    assert page.panel.message.isVisibleTo(page) and "Les tailles cachées" in page.panel.message.text()


def test_only_a_linear_model_drops_its_biases(page):
    page.form.kind.setCurrentIndex(0)  # linear
    page.form.bias.setChecked(False)
    assert (page.store.value.kind, page.store.value.hidden, page.store.value.bias) == ("linear", (), False)
    page.form.kind.setCurrentIndex(1)  # back to an MLP: biases come back on, its widths too
    assert (page.store.value.kind, page.store.value.hidden, page.store.value.bias) == ("mlp", (256, 64), True)


def test_the_buttons_drive_the_run_machine(page, qtbot):
    page.store.set(epochs=200)
    page.panel.start_button.click()
    qtbot.waitUntil(lambda: page.last_snap is not None, timeout=60000)
    page.panel.pause_button.click()
    _wait_phase(qtbot, page, "paused")
    assert page.panel.start_button.text() == "Resume" and "Paused" in page.panel.status.text()
    page.panel.start_button.click()
    assert page.store.value.phase == "running"
    qtbot.waitUntil(lambda: page.last_snap is not None, timeout=60000)
    page.panel.stop_button.click()
    _wait_phase(qtbot, page, "stopped")
    assert page.store.value.epoch > 0
    page.panel.reset_button.click()
    v = page.store.value
    assert (v.phase, v.origin, v.epoch) == ("idle", "untrained", 0.0)


# --- save and restore ---------------------------------------------------------------------------
def _round_trip(page, tmp_path):
    path = save_view(tmp_path / "training.aevizview", page.current_view())
    return load_view(path)


def test_a_trained_page_comes_back_the_same(qtbot, app_state, page, tmp_path):
    page.store.set(epochs=2, kind="mlp", latent=2)
    page.panel.start_button.click()
    _wait_phase(qtbot, page, "done")
    view = _round_trip(page, tmp_path)
    assert view.model is not None
    other = _page(qtbot, app_state)
    try:
        other.open_view(view)
        qtbot.waitUntil(lambda: not other.run.loading(), timeout=20000)
        assert other.store.value == page.store.value
        a, b = page.run.model.state_dict(), other.run.model.state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a)
        assert other.history == page.history and other.curves.points() == page.curves.points()
        for p in (page, other):
            p.show()
        qtbot.wait(200)
        assert other.panel.status.text() == page.panel.status.text()
        assert other.panel.progress.format() == page.panel.progress.format()
        ratio = differing(grab(page), grab(other))
        print(f"restored page: {100 * ratio:.3f} % of pixels differ")
        assert ratio <= 0.005
    finally:
        other.shutdown()


def test_a_paused_run_is_restored_stopped(qtbot, app_state, page, tmp_path):
    page.store.set(epochs=200)
    page.panel.start_button.click()
    qtbot.waitUntil(lambda: page.last_snap is not None, timeout=60000)
    page.panel.pause_button.click()
    _wait_phase(qtbot, page, "paused")
    view = _round_trip(page, tmp_path)
    other = _page(qtbot, app_state)
    try:
        other.open_view(view)
        assert other.store.value.phase == "stopped"
        assert other.panel.start_button.text() == "Train further" and not other.panel.pause_button.isEnabled()
    finally:
        other.shutdown()


@pytest.mark.parametrize("bad", [{"latent": "two"}, {"subset": 10}, {"phase": "paused"}, {"kind": "rnn"},
                                 {"origin": "pretrained", "pretrained_id": "nope_not_shipped"}])
def test_a_bad_saved_state_is_refused_and_changes_nothing(page, bad):
    before = page.store.value
    model = page.run.model
    state = dict(before.to_dict(), **bad)
    with pytest.raises(Exception) as info:
        page.open_view(View(page="training", state=state))
    assert isinstance(info.value, (StateError, ValueError))
    assert page.store.value == before and page.run.model is model


def test_a_view_is_not_opened_over_a_running_training(page, qtbot):
    page.store.set(epochs=200)
    page.panel.start_button.click()
    before = page.store.value
    with pytest.raises(ValueError):
        page.open_view(View(page="training", state=PRESETS["what_is_ae"]().to_dict()))
    assert page.store.value == before and page.run.running()
    page.panel.stop_button.click()
    _wait_phase(qtbot, page, "stopped")


def test_a_trained_view_without_weights_is_refused(page):
    before = page.store.value
    state = TrainingState(origin="trained", phase="done", epoch=2.0, run_end=2.0).to_dict()
    with pytest.raises(ValueError):
        page.open_view(View(page="training", state=state))
    assert page.store.value == before


def test_the_denoising_preset_shows_the_shipped_denoiser_with_three_rows(page, qtbot):
    page.open_view(View(page="training", state=PRESETS["denoising"]().to_dict()))
    qtbot.waitUntil(lambda: not page.run.loading(), timeout=20000)
    v = page.store.value
    assert v.origin == "pretrained" and v.denoising and page.run.model.config.kind == "conv"
    assert page.previews.noisy and page.previews.grids[2].isVisibleTo(page.previews)
    assert not page.panel.banner.isVisibleTo(page) and page.panel.start_button.text() == "Train further"
    assert "conv_denoiser" in page.panel.status.text()
    assert page.files.models[page.files.combo.currentIndex()].id == "conv_denoiser"
    noisy, output, clean = (grid.images().astype(float) for grid in page.previews.grids[:3])
    assert noisy.shape == output.shape == clean.shape and len(clean) >= 6
    assert ((output - clean) ** 2).mean() < 0.5 * ((noisy - clean) ** 2).mean()


def test_the_what_is_ae_preset_is_ready_to_train(page, qtbot):
    page.open_view(View(page="training", state=PRESETS["what_is_ae"]().to_dict()))
    qtbot.waitUntil(lambda: not page.run.loading(), timeout=20000)
    assert page.run.model.config.latent == 2 and page.run.model.config.kind == "mlp"
    assert page.panel.start_button.text() == "Start training" and page.panel.status.text().startswith("Ready")


def test_background_work_never_touches_a_widget(qtbot, app_state, widget_calls_off_gui_thread):
    page = _page(qtbot, app_state, epochs=1)  # a data read in a worker
    try:
        page.panel.start_button.click()  # warm-up, trainer, training, copies, previews
        _wait_phase(qtbot, page, "done")
        page.store.set(subset=2000)  # another read
        qtbot.waitUntil(lambda: page.run.data is not None and len(page.run.data.train) == 2000, timeout=20000)
    finally:
        page.shutdown()
    assert widget_calls_off_gui_thread == []


@pytest.mark.parametrize("changes", [{"source": "folder"}, {"source": "idx", "data_path": "a"}, {"hidden": ()},
                                     {"bias": False}, {"subset": 5}, {"latent": "deux"}, {"epoch": 2.0},
                                     {"phase": "done"}, {"origin": "pretrained", "pretrained_id": "a/b"},
                                     {"origin": "trained", "epoch": 1.0, "run_start": 2.0, "run_end": 3.0}])
def test_state_errors_read_in_french(app_state, changes):
    from aeviz.ui.error_texts import describe_error

    app_state.set_language("fr")
    with pytest.raises(StateError) as info:
        TrainingState(**changes)
    text = describe_error(info.value)
    assert text != str(info.value) and "{" not in text
    assert not re.search(r"\b(choose|only|model|the|outside|invalid|must)\b", text.lower()), text


def test_quitting_after_training_asks_to_save_the_model(qtbot, app_state, monkeypatch, tmp_path):
    """The trained weights are unsaved work until a model file holds them; the question names them."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from aeviz.ui.main_window import MainWindow

    window = MainWindow(app_state)
    qtbot.addWidget(window)
    window.show()
    window.show_page("training")
    page = window.page("training")
    page.store.set(subset=1000, epochs=1)
    page.on_start()
    qtbot.waitUntil(lambda: page.store.value.phase == "done", timeout=120_000)
    assert page.unsaved_work() and "1" in page.unsaved_work()
    target = tmp_path / "kept.aeviz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: asked.append(text)
                        or QMessageBox.Save)
    window.close()
    assert asked and target.exists() and not window.isVisible()
    assert page.unsaved_work() is None
