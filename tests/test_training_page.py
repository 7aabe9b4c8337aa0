"""The training page through its buttons: start/pause/resume/stop, closing mid-run,
divergence, bundles, reset banner, language, live model. Small data, one thread."""

import time

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from aeviz.ui import workers


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.training import TrainingPage

    torch.set_num_threads(1)
    page = TrainingPage(app_state)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.form.subset.setValue(1000)
    page.form.threads.setValue(1)
    page.form.epochs.setValue(2)
    qtbot.waitUntil(lambda: page.run.data is not None and len(page.run.data.train) == 1000, timeout=10000)
    yield page
    page.shutdown()


def _train_until(qtbot, page, condition, timeout=20000):
    qtbot.waitUntil(condition, timeout=timeout)


def _params(model):
    return [p.detach().clone() for p in model.parameters()]


def test_start_pause_resume_stop_with_buttons(qtbot, page):
    page.form.epochs.setValue(200)  # long enough to pause in the middle
    qtbot.mouseClick(page.panel.start_button, Qt.LeftButton)
    assert page.run.running() and not page.form.isEnabled()
    _train_until(qtbot, page, lambda: len(page.curves.train_x) >= 2)
    qtbot.mouseClick(page.panel.pause_button, Qt.LeftButton)
    _train_until(qtbot, page, lambda: not page.run.running())
    step = page.run.trainer.global_step
    assert page.panel.start_button.text() == "Resume"
    assert "Paused" in page.panel.status.text()
    qtbot.mouseClick(page.panel.start_button, Qt.LeftButton)
    _train_until(qtbot, page, lambda: page.last_snap.step > step + 2)
    qtbot.mouseClick(page.panel.stop_button, Qt.LeftButton)
    _train_until(qtbot, page, lambda: not page.run.running())
    assert page.run.trainer is None and page.run.model is not None
    assert page.panel.start_button.text() == "Train further"
    assert page.previews.output().max() > 0  # reconstructions were drawn live


def test_run_to_the_end_publishes_a_frozen_copy(qtbot, page, app_state):
    seen = []
    app_state.models.live_model_changed.connect(lambda: seen.append(app_state.models.live()))
    qtbot.mouseClick(page.panel.start_button, Qt.LeftButton)
    _train_until(qtbot, page, lambda: not page.run.running() and page.last_snap is not None and page.last_snap.done)
    assert [h["epoch"] for h in page.history] == [1.0, 2.0]
    live = app_state.models.live()
    assert live is not None and not live.training and live.model is not page.run.model
    assert any(s.training for s in seen)  # published while the run went on, too
    for a, b in zip(live.model.parameters(), page.run.model.parameters()):
        assert torch.equal(a, b)
    assert "Finished" in page.panel.status.text()


def test_closing_the_window_mid_training_stops_within_a_second(qtbot, main_window):
    page = main_window.page("training")
    main_window.show_page("training")
    page.form.subset.setValue(1000)
    page.form.threads.setValue(1)
    page.form.epochs.setValue(500)
    qtbot.waitUntil(lambda: page.run.data is not None and len(page.run.data.train) == 1000, timeout=10000)
    page.on_start()
    qtbot.waitUntil(lambda: page.last_snap is not None, timeout=10000)
    start = time.perf_counter()
    main_window.close()
    assert time.perf_counter() - start < 1.0
    assert not workers.running_tasks()


def test_absurd_learning_rate_is_caught_and_weights_stay_finite(qtbot, page):
    page.form.kind.setCurrentIndex(0)  # linear: identity output, so the loss can really explode
    page.form.optimizer.setCurrentIndex(1)  # SGD
    page.form.lr.setValue(90.0)
    page.form.epochs.setValue(5)
    page._apply_settled()
    qtbot.mouseClick(page.panel.start_button, Qt.LeftButton)
    _train_until(qtbot, page, lambda: not page.run.running() and page.last_snap is not None)
    assert page.last_snap.diverged
    assert "exploded" in page.panel.message.text() and page.panel.message.isVisibleTo(page)
    assert all(torch.isfinite(p).all() for p in page.run.model.parameters())
    assert page.panel.start_button.text() == "Resume"  # lower the rate and resume
    page.form.lr.setValue(0.001)
    qtbot.mouseClick(page.panel.start_button, Qt.LeftButton)
    _train_until(qtbot, page, lambda: not page.run.running())
    assert not page.last_snap.diverged


def test_corrupt_bundle_is_refused_and_nothing_changes(page, tmp_path):
    bad = tmp_path / "broken.aeviz"
    bad.write_bytes(b"PK\x03\x04 this is not a real bundle" * 10)
    model, value = page.run.model, page.store.value
    before = _params(model)
    assert not page.open_bundle(bad)
    assert page.panel.message.isVisibleTo(page) and "cannot be opened" in page.panel.message.text()
    assert page.run.model is model and page.store.value == value
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_save_then_open_round_trips(qtbot, page, tmp_path):
    qtbot.mouseClick(page.panel.start_button, Qt.LeftButton)
    _train_until(qtbot, page, lambda: not page.run.running() and page.last_snap is not None and page.last_snap.done)
    path = tmp_path / "mine.aeviz"
    assert page.save_bundle(str(path)) and path.exists()
    saved = _params(page.run.model)
    history = list(page.history)
    page.on_reset()
    assert not page.history
    assert page.open_bundle(path)
    assert all(torch.equal(a, b) for a, b in zip(saved, page.run.model.parameters()))
    assert [h["epoch"] for h in page.history] == [h["epoch"] for h in history]
    assert len(page.curves.val_x) == len(history) == 2


def test_shipped_denoiser_opens_with_noisy_output_and_clean_rows(qtbot, page):
    denoiser = next(m for m in page.files.models if m.id == "conv_denoiser")
    assert page.open_bundle(denoiser.path)
    assert page.store.value.denoising and page.previews.noisy
    noisy, output, clean = (grid.images().astype(float) for grid in page.previews.grids[:3])
    assert page.previews.grids[2].isVisibleTo(page.previews)
    # the output is much closer to the clean images than the noisy input is
    assert ((output - clean) ** 2).mean() < 0.5 * ((noisy - clean) ** 2).mean()


def test_shipped_deep_model_opens_with_its_dense_layers_and_trains_further(qtbot, page):
    """The form cannot show ``dense``; opening the record model must neither drop it nor ask for a reset."""
    deep = next(m for m in page.files.models if m.id == "conv_latent30")
    assert page.open_bundle(deep.path)
    model = page.run.model
    assert model.config.dense > 0 and page.form.latent.value() == 30
    assert not page.panel.banner.isVisibleTo(page)
    before = _params(model)
    page.form.epochs.setValue(1)
    page.on_start()
    _train_until(qtbot, page, lambda: page.store.value.phase == "done", timeout=120000)
    assert page.run.model is model and model.config.dense > 0
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_pretrained_start_and_changes_needing_a_reset_are_flagged(qtbot, page):
    assert page.open_bundle(page.files.models[0].path)  # mlp_latent2, with its history
    assert page.form.latent.value() == 2 and len(page.curves.train_x) > 3
    assert not page.panel.banner.isVisibleTo(page)
    page.form.latent.setValue(8)
    assert page.panel.banner.isVisibleTo(page) and "Reset" in page.panel.banner.text()
    assert page.panel.start_button.text() == "Reset and start"
    assert page.run.model.config.latent == 2  # nothing applied silently
    page.form.latent.setValue(2)
    assert not page.panel.banner.isVisibleTo(page)


def test_data_change_while_paused_is_flagged(qtbot, page):
    page.form.epochs.setValue(200)
    page.on_start()
    _train_until(qtbot, page, lambda: page.last_snap is not None)
    page.on_pause()
    _train_until(qtbot, page, lambda: not page.run.running())
    page.form.subset.setValue(2000)
    assert page.panel.banner.isVisibleTo(page) and page.panel.start_button.text() == "Start a new run"


def test_language_switch_retranslates(page, app_state):
    app_state.set_language("fr")
    assert page.panel.start_button.text() == "Lancer l'entraînement"
    assert page.tabs.tabText(0) == "Perte et reconstructions"
    assert page.form.kind.itemText(0) == "Linéaire"
    assert "perte d'entraînement" in [item.opts["name"] for item in page.curves.plot._lines.values()]
    app_state.set_language("en")
    assert page.panel.start_button.text() == "Start training"


def test_screenshot_state_shows_a_trained_model(page):
    assert page.open_pretrained("mlp_latent2")
    page.prepare_for_screenshot()
    assert len(page.curves.val_x) >= 5 and page.previews.output().mean() > 5
    assert "mlp_latent2" in page.panel.status.text()


def test_reading_now_replaces_the_read_in_flight(page, qtbot):
    """A screenshot reads the data at once: the page is not "loading" afterwards, even though the
    read it replaced has not reported its end yet (the status said "Loading the data…")."""
    spec = page.store.value.data_spec()
    page.run.load_data(spec)
    assert page.run.loading()
    assert page.run.load_now(spec) is not None and not page.run.loading()
    qtbot.wait(200)
    assert not page.run.loading()


def test_user_data_failure_reverts_to_mnist(qtbot, page, tmp_path):
    page.store.set(source="folder", data_path=str(tmp_path))  # an empty folder: no image
    qtbot.waitUntil(lambda: page.panel.message.isVisibleTo(page), timeout=5000)
    assert "cannot be used" in page.panel.message.text()
    assert page.store.value.source == "mnist" and page.form.source.currentIndex() == 0


def test_redraw_rates_reconstructions_every_tick_curves_every_slow_tick(page):
    """The rates the page promises, counted without timing: ≥ 5 reconstructions and ≥ 1 curve
    redraw per second of timer, and a snapshot (so new reconstructions) for every tick."""
    from aeviz.core.training import Snapshot
    from aeviz.ui.pages.training import REFRESH_MS, SLOW_EVERY

    assert page.timer.interval() == REFRESH_MS
    assert 1000 / REFRESH_MS >= 5 and 1000 / (REFRESH_MS * SLOW_EVERY) >= 1
    assert page.store.value.train_config().snapshot_every_s <= REFRESH_MS / 1000
    counts = {"recon": 0, "curves": 0}
    set_output, set_data = page.previews.set_output, page.curves.train_line.setData

    def counting_output(images):
        counts["recon"] += 1
        set_output(images)

    def counting_data(*args, **kwargs):
        counts["curves"] += 1
        set_data(*args, **kwargs)

    page.previews.set_output, page.curves.train_line.setData = counting_output, counting_data
    page._ticks = 0
    ticks = 4 * SLOW_EVERY
    for i in range(ticks):
        page._on_snapshot(Snapshot(epoch=1, epochs=2, step=i + 1, total_steps=1000, train_loss=0.1 - i / 1000,
                                   val_loss=None, samples_per_s=1.0, elapsed=0.1 * i, eta_s=1.0,
                                   preview=np.full((6, 28, 28), i / ticks, np.float32)))
        page._tick()
    assert counts == {"recon": ticks, "curves": 4}
    assert abs(int(page.previews.output()[0, 0, 0]) - round(255 * (ticks - 1) / ticks)) <= 1  # the last one shown


def test_no_reconstructions_while_the_page_is_hidden(qtbot, page):
    page.show()
    page.form.epochs.setValue(500)
    page.on_start()
    _train_until(qtbot, page, lambda: page.last_snap is not None and page.last_snap.preview is not None)
    page.hide()  # another page was chosen, or the window minimised
    assert not page.run.previews_wanted and not page.run.trainer.previews_wanted
    step = page.last_snap.step
    _train_until(qtbot, page, lambda: page.last_snap.step > step + 20 and page.last_snap.preview is None)
    page.show()
    _train_until(qtbot, page, lambda: page.last_snap.preview is not None)
    page.on_stop()
    _train_until(qtbot, page, lambda: not page.run.running())
