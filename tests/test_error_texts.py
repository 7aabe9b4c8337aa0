"""Every error code the core can raise has a French and an English sentence."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import aeviz
from aeviz.core import files, images
from aeviz.core.bundle import BundleError
from aeviz.core.datasets import DatasetError
from aeviz.ui import i18n
from aeviz.ui.error_texts import ERROR_TEXTS, describe_error

ROOT = Path(aeviz.__file__).parent
CODE = re.compile(r"^(bundle|data|image|conv|state|run|view|exercises|convolution|transposed|lab|training|"
                  r"linear|compression|pretraining|latent|lesson)\.(?!json$|aeviz$|png$|csv$)[a-z_]+$")


def raised_codes() -> set[str]:
    """Codes written in the source: in the core and the page states any code-like string (tables of codes
    included), elsewhere the first arguments of *Error(…) calls; and f"prefix.{reason}" built from a
    REASONS list."""
    codes = set()
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.parent.name in ("core", "state"):
            codes.update(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                         and CODE.match(n.value))
        for node in ast.walk(tree):
            name = getattr(node.func, "id", getattr(node.func, "attr", "")) if isinstance(node, ast.Call) else ""
            if not name.endswith("Error"):
                continue
            for arg in node.args[:3]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.match(arg.value):
                    codes.add(arg.value)
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    prefix = arg.values[0].value
                    if prefix in ("bundle.", "data.", "image.", "view.", "lesson."):
                        reasons = images.REASONS if prefix == "image." else files.REASONS
                        codes.update(prefix + r for r in reasons)
    return codes


def test_every_raised_code_has_both_languages():
    import importlib

    from aeviz.ui.pages import PAGES

    for spec in PAGES:  # page modules add the texts of their own state's codes
        importlib.import_module(spec.module)
    codes = raised_codes()
    assert len(codes) > 50 and {"bundle.nonfinite", "data.limit", "bundle.not_regular", "image.not_image",
                                "conv.kernel_too_big"} <= codes
    catalog = i18n.catalog()
    missing = sorted(c for c in codes if f"err.{c}" not in catalog)
    assert not missing, missing
    unused = sorted(set(ERROR_TEXTS) - codes)
    assert not unused, f"texts for codes never raised: {unused}"


def test_french_error_text_is_french_and_filled_in():
    exc = BundleError("bundle.limit", "m.aeviz: the model is too large", name="m.aeviz", limit="layers",
                      value=64, max=8)
    i18n.set_language("fr")
    try:
        assert describe_error(exc) == ("m.aeviz : ce modèle est trop grand pour aeviz : le nombre de couches cachées "
                                       "64 dépasse la limite de 8. Rien n'a été chargé.")
        data = DatasetError("data.limit", "x", path="big.gz", limit="count", value=3_000_000, max=2_000_000)
        assert "3\u202f000\u202f000" in describe_error(data) and "le nombre d'images" in describe_error(data)
    finally:
        i18n.set_language("en")
    assert "the number of hidden layers 64 exceeds the limit of 8" in describe_error(exc)


@pytest.mark.parametrize("exc", [OSError("disk full"), ValueError(""), BundleError("bundle.unknown_code", "as is")])
def test_other_errors_keep_their_own_message(exc):
    assert describe_error(exc) == (str(exc) or type(exc).__name__)


def test_errors_keep_code_and_params_through_pickle():
    import pickle

    exc = DatasetError("data.too_few", "x: at least 2", path="x", count=1)
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is DatasetError and back.code == "data.too_few" and back.params == {"path": "x", "count": 1}
    assert str(back) == "x: at least 2"


def test_a_worker_reports_a_core_error_in_the_users_language(qtbot, tmp_path):
    """Data loading and model opening run in workers: their errors reach the page already translated."""
    import os

    from aeviz.core.datasets import read_idx
    from aeviz.ui.workers import Task

    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo(tmp_path / "pipe.gz")
    messages = []
    i18n.set_language("fr")
    try:
        task = Task(lambda: read_idx(tmp_path / "pipe.gz"))
        task.error.connect(lambda message, _details: messages.append(message))
        with qtbot.waitSignal(task.finished, timeout=5000):
            task.start()
    finally:
        i18n.set_language("en")
    assert messages == [f"{tmp_path / 'pipe.gz'} n'est pas un fichier ordinaire (un tube ou un périphérique ?) ; "
                        "il n'a pas été ouvert."]
