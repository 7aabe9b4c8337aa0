"""2-D maps (t-SNE) of the 10,000 MNIST test codes of each shipped model, computed at build time.

A t-SNE of 10,000 points takes minutes on a classroom laptop, and the fast libraries
(openTSNE needs scipy and scikit-learn, ~190 MB) do not fit the installer. So
``bench/make_maps.py`` computes one map per shipped model when aeviz is built and
stores it as ``resources/maps/<model id>.tsne.npy`` (float16, 40 kB), listed in
``resources/maps/index.json`` with the SHA-256 of the model file it was made from:
a map is only used for the very model file it describes. Files are read with
``numpy.load(allow_pickle=False)``: nothing is unpickled.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .paths import resource_path

__all__ = ["MAP_IMAGES", "MAP_POINTS", "maps_dir", "map_info", "shipped_map", "file_sha256"]

#: the image set every shipped map covers, in the order of ``load_mnist("test")``
MAP_IMAGES = "MNIST test (10000)"
MAP_POINTS = 10000
INDEX_NAME = "index.json"


def maps_dir() -> Path:
    return resource_path("maps")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _index() -> dict:
    try:
        data = json.loads((maps_dir() / INDEX_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def map_info(model_id: str) -> dict | None:
    """What the index says about the map of ``model_id`` (method, seconds, ...), or None."""
    info = _index().get(model_id)
    return info if isinstance(info, dict) else None


def shipped_map(model_id: str, model_path: Path) -> np.ndarray | None:
    """The (10000, 2) float32 t-SNE map of the test codes of ``model_id``, or None.

    None when there is no map, when it was made from another version of the model
    file, or when the file is damaged: the caller then computes a map itself.
    """
    info = map_info(model_id)
    if info is None or info.get("images") != MAP_IMAGES:
        return None
    try:
        if info.get("model_sha256") != file_sha256(Path(model_path)):
            return None
        xy = np.load(maps_dir() / str(info.get("file", "")), allow_pickle=False)
    except (OSError, ValueError):
        return None
    if xy.shape != (MAP_POINTS, 2) or xy.dtype.kind != "f":
        return None
    xy = xy.astype(np.float32)
    return xy if np.isfinite(xy).all() else None
