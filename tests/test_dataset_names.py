"""The data set stored in a model file is shown in the interface language, and a foreign
file's name is shown safely (one printable line, cut when long)."""

from __future__ import annotations

import unicodedata

import pytest
import torch

from aeviz.core import bundle
from aeviz.core.models import ModelConfig, build_model
from aeviz.ui import i18n
from aeviz.ui.dataset_names import MAX_SHOWN_CHARS, dataset_label, safe_name

NNBSP = "\u202f"


@pytest.fixture
def french():
    i18n.set_language("fr")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("stored, fr, en", [
    ("MNIST train (60000)", f"60{NNBSP}000 images d'entraînement MNIST", "60,000 MNIST training images"),
    ("MNIST (10000)", f"10{NNBSP}000 images d'entraînement MNIST", "10,000 MNIST training images"),
    ("MNIST train", "les images d'entraînement MNIST", "the MNIST training images"),
    ("MNIST test (1000)", f"1{NNBSP}000 images de test MNIST", "1,000 MNIST test images"),
    ("chiffres (1800)", f"« chiffres » (1{NNBSP}800 images)", "“chiffres” (1,800 images)"),
    ("Fashion-MNIST", "« Fashion-MNIST »", "“Fashion-MNIST”"),
    (None, "données inconnues", "unknown data"),
    ("", "données inconnues", "unknown data"),
    ({"not": "text"}, "données inconnues", "unknown data"),
])
def test_stored_names_read_in_each_language(stored, fr, en):
    try:
        i18n.set_language("fr")
        assert dataset_label(stored) == fr
        i18n.set_language("en")
        assert dataset_label(stored) == en
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("hostile", [
    "line one\nline two",
    "\u202eevil\u202c.png",          # right-to-left override
    "bell\x07 and nul\x00",
    "caf\udce9",                      # an undecodable byte kept by surrogateescape
    "x" * 5000 + " (3)",
    "\u2028" * 10 + "y",
])
def test_foreign_names_are_one_printable_bounded_line(hostile):
    shown = safe_name(hostile)
    assert len(shown) <= MAX_SHOWN_CHARS
    assert all(unicodedata.category(ch)[0] != "C" and ch not in "\u2028\u2029" for ch in shown), repr(shown)
    shown.encode("utf-8")  # nothing a widget or a log file cannot take
    label = dataset_label(hostile)
    assert "\n" not in label and len(label) <= MAX_SHOWN_CHARS + 20


def test_the_training_page_shows_the_stored_name_in_french(qtbot, app_state, tmp_path, french):
    from aeviz.ui.pages.training import TrainingPage

    torch.set_num_threads(1)
    model = build_model(ModelConfig("mlp", 2, hidden=(32,)), seed=0)
    internal = bundle.save(tmp_path / "interne.aeviz", model, model.config, dataset_name="MNIST train (60000)")
    crafted = bundle.save(tmp_path / "etranger.aeviz", model, model.config,
                          dataset_name="mes\nchiffres\u202e" + "z" * 300 + " (1200)")
    page = TrainingPage(app_state)
    qtbot.addWidget(page)
    try:
        assert page.open_bundle(internal)
        qtbot.waitUntil(lambda: "MNIST" in page.panel.status.text(), timeout=60_000)  # once the data are read
        status = page.panel.status.text()
        assert f"60{NNBSP}000 images d'entraînement MNIST" in status and "MNIST train" not in status, status
        i18n.set_language("en")
        page.retranslate()
        assert "60,000 MNIST training images" in page.panel.status.text()
        i18n.set_language("fr")
        page.retranslate()
        assert page.open_bundle(crafted)
        qtbot.waitUntil(lambda: "mes" in page.panel.status.text(), timeout=60_000)
        status = page.panel.status.text()
        assert "« mes\ufffdchiffres\ufffd" in status and f"(1{NNBSP}200 images)" in status, status
        assert "\n" not in status and "\u202e" not in status and "z" * (MAX_SHOWN_CHARS + 1) not in status
    finally:
        page.shutdown()
