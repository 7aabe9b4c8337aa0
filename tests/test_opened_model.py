"""A model file the user opened is what the training page uses: its weights stay.

Files of every kind (linear, mlp, conv, vae), with and without a training history,
with settings that differ from the form, written by ``bundle.save(path, model)``
alone too. After opening, the page is left alone for a second (the form's settling
once replaced such a model with random weights) and the live weights are compared
with the file's, read independently with ``bundle.load``.
"""

import zipfile

import pytest
import torch

from aeviz.core import bundle
from aeviz.core.models import ModelConfig, build_model
from aeviz.core.training import TrainConfig


@pytest.fixture
def page(qtbot, app_state):
    from aeviz.ui.pages.training import TrainingPage

    torch.set_num_threads(1)
    page = TrainingPage(app_state)
    qtbot.addWidget(page)
    page.form.subset.setValue(1000)
    qtbot.waitUntil(lambda: page.run.data is not None and len(page.run.data.train) == 1000, timeout=10000)
    qtbot.wait(400)  # the form's own settling is over
    yield page
    page.shutdown()


# Every kind, with settings the form does not show by default (kind, latent, widths, bias).
CONFIGS = {
    "linear": ModelConfig("linear", 7, bias=False),
    "mlp": ModelConfig("mlp", 3, hidden=(48, 24)),
    "conv": ModelConfig("conv", 5, hidden=(8, 16)),
    "vae": ModelConfig("vae", 4, hidden=(40,)),
}
HISTORY = [{"epoch": 1.0, "step": 8, "train_loss": 0.07, "val_loss": 0.068, "elapsed": 1.5},
           {"epoch": 2.0, "step": 16, "train_loss": 0.05, "val_loss": 0.051, "elapsed": 3.0}]


def _write(path, kind: str, with_history: bool, bare: bool):
    model = build_model(CONFIGS[kind], seed=123)
    with torch.no_grad():  # weights no fresh model of any seed has
        for p in model.parameters():
            p.add_(0.25)
    if bare:
        bundle.save(path, model)
    else:
        bundle.save(path, model, model.config, history=HISTORY if with_history else [],
                    train_config=TrainConfig(optimizer="sgd", lr=0.02, batch_size=64), dataset_name="MNIST (1000)")
    return path


def _same_weights(a, b) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize("kind", sorted(CONFIGS))
@pytest.mark.parametrize("variant", ["bare", "no-history", "history"])
def test_opened_weights_stay(qtbot, page, tmp_path, kind, variant):
    path = _write(tmp_path / f"{kind}-{variant}.aeviz", kind, variant == "history", variant == "bare")
    assert page.open_bundle(path)
    qtbot.wait(1000)  # longer than the form's settling
    expected = bundle.load(path).model
    assert page.run.model.config.kind == kind
    assert _same_weights(page.run.model, expected), "the opened weights were replaced"
    assert page.store.value.kind == kind and page.form.latent.value() == CONFIGS[kind].latent
    assert page.store.value.origin == "file" and page.store.value.model_file == path.name
    assert "Loaded" in page.panel.status.text()
    published = page.state.models.live()
    assert published is not None and _same_weights(published.model, expected)
    # Starting trains the opened model itself (not a fresh one): same weights until the first step.
    assert page.panel.start_button.isEnabled()


def test_a_form_edit_after_opening_asks_before_replacing(qtbot, page, tmp_path):
    path = _write(tmp_path / "mlp.aeviz", "mlp", False, True)
    assert page.open_bundle(path)
    page.form.latent.setValue(CONFIGS["mlp"].latent + 1)
    qtbot.wait(1000)
    assert _same_weights(page.run.model, bundle.load(path).model)
    assert not page.panel.banner.isHidden() and page.panel.start_button.text() == "Reset and start"


def test_a_crafted_history_changes_nothing(qtbot, page, tmp_path):
    good = _write(tmp_path / "good.aeviz", "mlp", True, False)
    crafted = tmp_path / "crafted.aeviz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(crafted, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("meta.json"):
                data = data.replace(b'"epoch": 1.0', b'"epoch": null')
                assert b'"epoch": null' in data
            dst.writestr(item, data)
    before_value = page.store.value
    before = {k: v.clone() for k, v in page.run.model.state_dict().items()}
    try:
        refused = not page.open_bundle(crafted)
    except Exception as exc:  # noqa: BLE001 - a crash is the failure this test is about
        pytest.fail(f"opening a crafted file raised {exc!r}")
    assert refused
    assert not page.panel.message.isHidden() and page.panel.message.text()
    assert page.store.value == before_value
    assert all(torch.equal(before[k], v) for k, v in page.run.model.state_dict().items())


def test_a_data_error_stays_until_the_user_acts(qtbot, page, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    page.store.set(source="folder", data_path=str(empty))
    qtbot.waitUntil(lambda: not page.panel.message.isHidden(), timeout=10000)
    text = page.panel.message.text()
    qtbot.wait(1200)  # several settling periods
    assert not page.panel.message.isHidden() and page.panel.message.text() == text
    assert page.store.value.source == "mnist"
    page.form.latent.setValue(page.form.latent.value() + 1)  # the user acts
    qtbot.waitUntil(lambda: page.panel.message.isHidden(), timeout=3000)
