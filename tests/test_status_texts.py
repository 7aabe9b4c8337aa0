"""Texts that tell the state: disabled buttons say why, exports confirm, progress matches the plot."""

import pytest
import torch


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.training import TrainingPage

    torch.set_num_threads(1)
    page = TrainingPage(app_state)
    qtbot.addWidget(page)
    page.form.subset.setValue(1000)
    page.form.threads.setValue(1)
    qtbot.waitUntil(lambda: page.run.data is not None and len(page.run.data.train) == 1000, timeout=10000)
    yield page
    page.shutdown()


def test_idle_training_buttons_explain_why_they_are_disabled(page, app_state):
    panel = page.panel
    assert panel.start_button.isEnabled() and panel.start_button.toolTip() == ""
    assert not panel.pause_button.isEnabled() and panel.pause_button.toolTip() == "Nothing is training."
    assert not panel.stop_button.isEnabled() and panel.stop_button.toolTip() == "There is no run to stop."
    assert not panel.reset_button.isEnabled() and "untrained" in panel.reset_button.toolTip()
    app_state.set_language("fr")
    assert panel.pause_button.toolTip() == "Aucun entraînement en cours."


def test_a_running_training_explains_the_locked_form(page, qtbot):
    page.form.epochs.setValue(50)
    page.panel.start_button.click()
    qtbot.waitUntil(lambda: page.last_snap is not None, timeout=30000)
    assert not page.panel.start_button.isEnabled() and "pause or stop" in page.panel.start_button.toolTip()
    assert not page.form.isEnabled() and "pause or stop" in page.form.toolTip()
    page.panel.stop_button.click()
    qtbot.waitUntil(lambda: not page.run.running(), timeout=20000)
    assert page.form.isEnabled() and page.form.toolTip() == ""


def test_saving_a_model_is_confirmed_in_the_status_bar(page, app_state, tmp_path):
    notices = []
    app_state.notice.connect(notices.append)
    path = tmp_path / "m.aeviz"
    assert page.save_bundle(str(path))
    assert notices and str(path) in notices[-1]


def test_export_view_is_confirmed_in_the_status_bar(main_window, tmp_path, monkeypatch):
    from aeviz.ui import main_window as mw

    target = tmp_path / "view.png"
    monkeypatch.setattr(mw.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    main_window.export_view_dialog()
    assert target.exists()
    assert str(target) in main_window.statusBar().currentMessage()
    assert main_window.statusBar().isVisible()


def test_progress_after_training_further_counts_the_earlier_epochs(page, qtbot):
    page.form.epochs.setValue(1)
    page.panel.start_button.click()
    qtbot.waitUntil(lambda: not page.run.running() and bool(page.history), timeout=60000)
    assert page.panel.progress.format().startswith("Epoch 1/1")
    assert page.panel.start_button.text() == "Train further"
    page.panel.start_button.click()  # a second run of one epoch on the same model
    qtbot.waitUntil(lambda: not page.run.running() and len(page.history) == 2, timeout=60000)
    page.refresh()
    assert page.curves.last_x() == pytest.approx(2.0)
    assert page.panel.progress.format().startswith("Epoch 2/2"), page.panel.progress.format()
