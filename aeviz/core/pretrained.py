"""Models shipped with aeviz (``resources/models/*.aeviz``), ready before any training.

They let a lesson start with a good latent map instead of a blank screen. They
are produced by ``bench/make_pretrained.py`` (fixed seeds) and loaded through
the same validated bundle reader as user files.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .bundle import BUNDLE_SUFFIX, Bundle, BundleError, load, read_meta
from .models import ModelConfig
from .paths import resource_path

__all__ = ["PretrainedModel", "PRETRAINED_DESCRIPTIONS", "models_dir", "list_pretrained", "load_pretrained"]

#: Known ids, in display order, with what each one is for in class.
PRETRAINED_DESCRIPTIONS = {
    "mlp_latent2": "MLP autoencoder with a 2-D code: the digits as a map",
    "vae_latent2": "Variational autoencoder with a 2-D code: a smooth map you can sample",
    "conv_latent16": "Convolutional autoencoder with 16 numbers: sharp reconstructions",
    "linear_latent16": "Linear autoencoder without bias, 16 numbers: the PCA of the digits",
    "conv_latent30": "Deep convolutional autoencoder with 30 numbers: record-class reconstructions "
                     "(Hinton & Salakhutdinov 2006)",
    "conv_denoiser": "Convolutional denoising autoencoder (Gaussian noise and masking): noisy in, clean out",
}


class PretrainedModel(NamedTuple):
    """One shipped model: ``(id, path, summary)``; ``config`` and ``description`` on demand."""

    id: str
    path: Path
    summary: str

    @property
    def config(self) -> ModelConfig:
        return ModelConfig.from_dict(read_meta(self.path)["model"])

    @property
    def description(self) -> str:
        return PRETRAINED_DESCRIPTIONS.get(self.id, self.summary)


def models_dir() -> Path:
    return resource_path("models")


def list_pretrained() -> list[PretrainedModel]:
    """The shipped models that are present and valid (known ids first, then any others)."""
    folder = models_dir()
    if not folder.is_dir():
        return []
    files = {p.stem: p for p in folder.glob(f"*{BUNDLE_SUFFIX}") if p.is_file()}
    order = [i for i in PRETRAINED_DESCRIPTIONS if i in files] + sorted(set(files) - set(PRETRAINED_DESCRIPTIONS))
    out = []
    for model_id in order:
        try:
            meta = read_meta(files[model_id])
        except BundleError:
            continue  # a damaged resource must not break the model list
        out.append(PretrainedModel(model_id, files[model_id], ModelConfig.from_dict(meta["model"]).summary()))
    return out


def load_pretrained(model_id: str) -> Bundle:
    """Load a shipped model by id, e.g. ``load_pretrained("mlp_latent2")``."""
    path = models_dir() / f"{model_id}{BUNDLE_SUFFIX}"
    if not path.is_file():
        known = ", ".join(m.id for m in list_pretrained()) or "none installed"
        raise KeyError(f"no pretrained model {model_id!r} (available: {known})")
    return load(path)
