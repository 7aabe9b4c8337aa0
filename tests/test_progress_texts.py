"""The training page's progress bar and status line tell the same epoch as the loss plot,
through every way a run goes on: continuing an opened model, pause and resume, train further.

Every time the page draws its progress bar, the test reads the bar's text, its value and
the plot's last x (in epochs): the epoch shown must be the one the plot is in, the total
must count the earlier runs, and the percentage must be that epoch count's fraction.
"""

from __future__ import annotations

import math
import re

import pytest
import torch

from aeviz.core import bundle
from aeviz.core.models import ModelConfig, build_model
from aeviz.core.training import TrainConfig

EARLIER = 12  # epochs in the opened file's history
PROGRESS = re.compile(r"^Epoch (\d+)/(\d+) · (\d+)\s?%")


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.training import TrainingPage

    torch.set_num_threads(1)
    page = TrainingPage(app_state)
    qtbot.addWidget(page)
    page.form.subset.setValue(2000)
    page.form.threads.setValue(1)
    qtbot.waitUntil(lambda: page.run.data is not None and len(page.run.data.train) == 2000, timeout=10000)
    qtbot.wait(400)  # the form's own settling is over
    yield page
    page.shutdown()


@pytest.fixture
def drawn(page):
    """(bar text, bar fraction, plot's last x) at every progress-bar update."""
    records = []
    show = page.panel.show_snapshot

    def recording(snap, epoch_offset=0):
        show(snap, epoch_offset)
        bar = page.panel.progress
        records.append((bar.format(), bar.value() / bar.maximum(), page.curves.last_x()))
    page.panel.show_snapshot = recording
    return records


def _opened_model(path):
    model = build_model(ModelConfig("mlp", 2, hidden=(64,)), seed=1)
    history = [{"epoch": float(e), "step": 16 * e, "train_loss": 0.07 - 0.001 * e, "val_loss": 0.07 - 0.001 * e,
                "elapsed": 1.0 * e} for e in range(1, EARLIER + 1)]
    return bundle.save(path, model, model.config, history=history, dataset_name="MNIST (2000)",
                       train_config=TrainConfig(epochs=200, batch_size=128))


def check_consistent(records, total: int) -> None:
    assert records, "the progress bar was never drawn"
    for text, fraction, x in records:
        match = PROGRESS.match(text)
        assert match, text
        epoch, epochs, pct = map(int, match.groups())
        assert epochs == total, f"{text!r}: the total does not count the earlier epochs ({total})"
        assert epoch - 1 < x <= epoch + 1e-6, f"{text!r} while the plot is at epoch {x:.3f}"
        assert abs(fraction - x / total) < 0.02, f"bar at {fraction:.0%} while the plot is at {x:.2f}/{total}"
        assert abs(pct - 100 * x / total) <= 2, f"{text!r}: {pct} % while the plot is at {x:.2f}/{total}"


def test_continuing_an_opened_model_counts_its_epochs(page, qtbot, tmp_path, drawn):
    assert page.open_bundle(_opened_model(tmp_path / "twelve.aeviz"))
    assert page.curves.last_x() == pytest.approx(EARLIER)
    page.form.epochs.setValue(3)
    page.panel.start_button.click()
    qtbot.waitUntil(lambda: page.curves.last_x() > EARLIER + 1.2, timeout=60000)
    page.panel.pause_button.click()
    qtbot.waitUntil(lambda: not page.run.running(), timeout=20000)
    x = page.curves.last_x()
    status = page.panel.status.text()
    assert f"Paused at epoch {math.ceil(x - 1e-6)}/{EARLIER + 3}" in status, (status, x)

    page.form.epochs.setValue(4)  # resume with one epoch more
    page.panel.start_button.click()
    qtbot.waitUntil(lambda: not page.run.running() and len(page.history) == EARLIER + 4, timeout=60000)
    page.refresh()
    paused_at = next(i for i, (text, _, _) in enumerate(drawn) if f"/{EARLIER + 4}" in text)
    check_consistent(drawn[:paused_at], EARLIER + 3)
    check_consistent(drawn[paused_at:], EARLIER + 4)
    assert drawn[-1][0].startswith(f"Epoch {EARLIER + 4}/{EARLIER + 4} · 100%"), drawn[-1][0]
    assert f"Finished: {EARLIER + 4} epochs" in page.panel.status.text()

    drawn.clear()
    page.form.epochs.setValue(1)
    page.panel.start_button.click()  # train further: one more epoch on the same model
    qtbot.waitUntil(lambda: not page.run.running() and len(page.history) == EARLIER + 5, timeout=60000)
    page.refresh()
    check_consistent(drawn, EARLIER + 5)
