"""The data a model was trained on, as a person reads it, from the name stored in its file.

A model file records its data set as aeviz wrote it (``"MNIST train (60000)"``,
``"MNIST (10000)"``, ``"chiffres (1800)"``): an internal English id with a raw count.
The pages show the bundled MNIST in the interface language with a grouped count
(« 60 000 images d'entraînement MNIST »). Any other name (a user's folder, a file from
elsewhere) is shown as written, but made safe first: control and invisible formatting
characters (a newline, a right-to-left override) become a replacement mark and a long
name is cut, so a crafted file cannot garble or flood the status line.
"""

from __future__ import annotations

import re
import unicodedata

from aeviz.core.files import printable
from aeviz.ui.i18n import add_strings, tr

MAX_SHOWN_CHARS = 60

add_strings({
    "dataset.mnist_train": {"en": "the MNIST training images", "fr": "les images d'entraînement MNIST"},
    "dataset.mnist_train_n": {"en": "{n} MNIST training images", "fr": "{n} images d'entraînement MNIST"},
    "dataset.mnist_test": {"en": "the MNIST test images", "fr": "les images de test MNIST"},
    "dataset.mnist_test_n": {"en": "{n} MNIST test images", "fr": "{n} images de test MNIST"},
    "dataset.named": {"en": "“{name}”", "fr": "« {name} »"},
    "dataset.named_n": {"en": "“{name}” ({n} images)", "fr": "« {name} » ({n} images)"},
    "dataset.unknown": {"en": "unknown data", "fr": "données inconnues"},
})

# "<base>" or "<base> (<count>)", as aeviz.core.datasets and aeviz.core.session name their data.
_STORED = re.compile(r"^(?P<base>.*?)(?: \((?P<count>\d{1,12})\))?$", re.DOTALL)
# The bundled MNIST's names: "MNIST" and "MNIST train" are its training split.
_MNIST_KEYS = {"mnist": "dataset.mnist_train", "mnist train": "dataset.mnist_train",
               "mnist test": "dataset.mnist_test"}


def dataset_label(stored: object) -> str:
    """The stored data-set name in the current language (call again after a language switch)."""
    if not isinstance(stored, str) or not stored.strip():
        return tr("dataset.unknown")
    match = _STORED.match(stored.strip())
    base, count = match.group("base").strip(), match.group("count")
    key = _MNIST_KEYS.get(base.lower())
    if key is not None:
        return tr(f"{key}_n", n=int(count)) if count else tr(key)
    if not base:
        return tr("dataset.unknown")
    name = safe_name(base)
    return tr("dataset.named_n", name=name, n=int(count)) if count else tr("dataset.named", name=name)


def safe_name(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` fit for one line of the interface: undecodable bytes, control and invisible
    formatting characters shown as �, runs of spaces collapsed, cut to ``limit`` characters with …."""
    cleaned = "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") else ch
                      for ch in printable(text))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


add_strings({
    "model.channels": {"en": "channels", "fr": "canaux"},
    "model.no_bias": {"en": "no bias", "fr": "sans biais"},
})


def model_summary(summary: str) -> str:
    """A model's short label (``ModelConfig.summary()``, written by the core in English) in the
    interface language: "conv k=16 (conv 32-64 channels)" → « conv k=16 (conv 32-64 canaux) »."""
    return (safe_name(summary, 120).replace(" channels", " " + tr("model.channels"))
            .replace(", no bias", ", " + tr("model.no_bias")))
