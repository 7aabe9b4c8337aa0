"""Image datasets for the training pages: bundled MNIST, IDX pairs, image folders.

Everything is returned as a :class:`Dataset` holding raw ``uint8`` pixels, because
that is what the files contain, what is cheapest to keep in memory (60k MNIST
images = 47 MB) and what the UI draws directly. Models see ``float32`` in [0, 1]
via :meth:`Dataset.as_float`.

The IDX parser is strict on purpose: students load their own files in class,
and a clear "this file is truncated" beats a reshape error three screens later.
All randomness takes an explicit seed, so a lesson can be replayed exactly.
"""

from __future__ import annotations

import functools
import gzip
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .paths import resource_path

__all__ = [
    "DatasetError",
    "Dataset",
    "parse_idx",
    "read_idx",
    "load_mnist",
    "load_idx_pair",
    "load_image_folder",
    "train_val_split",
    "MNIST_CLASS_NAMES",
]

MNIST_CLASS_NAMES = [str(i) for i in range(10)]
IDX_IMAGES_MAGIC = 0x00000803
IDX_LABELS_MAGIC = 0x00000801
_UBYTE = 0x08
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm"}


class DatasetError(ValueError):
    """A data file or folder cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class Dataset:
    """Labelled grayscale images.

    ``images`` is ``uint8`` shaped (N, H, W); ``labels`` is ``int64`` shaped (N,)
    with values indexing ``class_names``. ``skipped`` counts input files that
    could not be read (only image folders can have some).
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: list[str]
    name: str
    skipped: int = 0
    source: str = ""

    def __post_init__(self) -> None:
        if self.images.ndim != 3 or self.images.dtype != np.uint8:
            raise DatasetError(f"{self.name}: images must be uint8 (N, H, W), got {self.images.dtype} {self.images.shape}")
        if self.labels.shape != (self.images.shape[0],) or self.labels.dtype != np.int64:
            raise DatasetError(f"{self.name}: labels must be int64 ({self.images.shape[0]},), got {self.labels.dtype} {self.labels.shape}")

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def image_shape(self) -> tuple[int, int]:
        return int(self.images.shape[1]), int(self.images.shape[2])

    def class_counts(self) -> np.ndarray:
        """Number of images per class, indexed like ``class_names``."""
        return np.bincount(self.labels, minlength=len(self.class_names))

    def take(self, indices: np.ndarray, name: str | None = None) -> "Dataset":
        """A new dataset with the given rows (in the given order)."""
        idx = np.asarray(indices, dtype=np.int64)
        return Dataset(self.images[idx], self.labels[idx], list(self.class_names), name or self.name, 0, self.source)

    def subset(self, n: int, seed: int = 0) -> "Dataset":
        """``n`` images with the class proportions of the whole set (deterministic).

        Used to make classroom demos fast (1k…60k images). Each class gets its
        proportional share (largest remainders break ties), drawn at random with
        ``seed``; the kept rows stay in their original order.
        """
        total = len(self)
        if n < 1:
            raise ValueError(f"subset size must be at least 1, got {n}")
        if n >= total:
            return self
        return self.take(_stratified_indices(self.labels, n, np.random.default_rng(seed)), f"{self.name} ({n})")

    def as_float(self) -> np.ndarray:
        """Pixels as float32 in [0, 1], shaped (N, H, W) – what the models expect."""
        return self.images.astype(np.float32) / np.float32(255.0)


def _stratified_indices(labels: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    classes, counts = np.unique(labels, return_counts=True)
    share = counts * (n / len(labels))
    quota = np.floor(share).astype(np.int64)
    remainder = n - int(quota.sum())
    if remainder > 0:
        order = np.argsort(-(share - quota), kind="stable")
        quota[order[:remainder]] += 1
    picked = []
    for cls, q in zip(classes, quota):
        members = np.flatnonzero(labels == cls)
        picked.append(rng.permutation(members)[:q])
    return np.sort(np.concatenate(picked))


def train_val_split(dataset: Dataset, val_fraction: float = 0.1, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Split into (train, validation), stratified by class, deterministic for ``seed``."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be between 0 and 1 (exclusive), got {val_fraction}")
    n_val = int(round(len(dataset) * val_fraction))
    if n_val < 1 or n_val >= len(dataset):
        raise ValueError(f"{dataset.name}: {len(dataset)} images are too few to split with val_fraction={val_fraction}")
    val_idx = _stratified_indices(dataset.labels, n_val, np.random.default_rng(seed))
    mask = np.ones(len(dataset), dtype=bool)
    mask[val_idx] = False
    return (dataset.take(np.flatnonzero(mask), f"{dataset.name} train"),
            dataset.take(val_idx, f"{dataset.name} val"))


# --------------------------------------------------------------------------- IDX

def _read_bytes(path: Path) -> bytes:
    """File content, gunzipped when it starts with the gzip magic."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a folder, expected an IDX file") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise DatasetError(f"{path}: damaged or truncated gzip data ({exc})") from None
    return raw


def parse_idx(data: bytes, source: str = "<bytes>", expected_magic: int | None = None) -> np.ndarray:
    """Decode an unsigned-byte IDX blob into an array, checking every field.

    The header is ``0x00 0x00 <dtype> <ndim>`` then ``ndim`` big-endian uint32
    sizes; the payload must be exactly the product of the sizes (no more, no less).
    """
    if len(data) < 4:
        raise DatasetError(f"{source}: too short to be an IDX file ({len(data)} bytes)")
    zero0, zero1, dtype_code, ndim = data[0], data[1], data[2], data[3]
    magic = struct.unpack(">I", data[:4])[0]
    if zero0 != 0 or zero1 != 0:
        raise DatasetError(f"{source}: not an IDX file (magic number 0x{magic:08X})")
    if dtype_code != _UBYTE:
        raise DatasetError(f"{source}: IDX data type 0x{dtype_code:02X} is not supported (only unsigned bytes, 0x08)")
    if expected_magic is not None and magic != expected_magic:
        want = "images (3 dimensions)" if expected_magic == IDX_IMAGES_MAGIC else "labels (1 dimension)"
        raise DatasetError(f"{source}: magic number 0x{magic:08X} has {ndim} dimension(s), expected {want}, 0x{expected_magic:08X}")
    if ndim == 0:
        raise DatasetError(f"{source}: IDX header declares 0 dimensions")
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise DatasetError(f"{source}: truncated header ({len(data)} bytes, need {header_len})")
    dims = struct.unpack(f">{ndim}I", data[4:header_len])
    expected = int(np.prod(dims, dtype=np.int64))
    actual = len(data) - header_len
    if actual < expected:
        raise DatasetError(f"{source}: truncated, the header announces {'×'.join(map(str, dims))} = {expected} bytes "
                           f"of data but only {actual} are present")
    if actual > expected:
        raise DatasetError(f"{source}: {actual - expected} unexpected bytes after the {expected} bytes of data")
    return np.frombuffer(data, dtype=np.uint8, offset=header_len).reshape(dims)


def read_idx(path: str | os.PathLike, expected_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (raw or ``.gz``); see :func:`parse_idx`."""
    p = Path(path)
    return parse_idx(_read_bytes(p), str(p), expected_magic)


def _pair_to_dataset(images_path: Path, labels_path: Path, name: str, class_names: list[str] | None) -> Dataset:
    images = read_idx(images_path, IDX_IMAGES_MAGIC)
    labels = read_idx(labels_path, IDX_LABELS_MAGIC).astype(np.int64)
    if images.shape[0] != labels.shape[0]:
        raise DatasetError(f"{images_path} has {images.shape[0]} images but {labels_path} has {labels.shape[0]} labels")
    if images.shape[0] == 0 or images.shape[1] == 0 or images.shape[2] == 0:
        raise DatasetError(f"{images_path}: contains no image ({'×'.join(map(str, images.shape))})")
    n_classes = int(labels.max()) + 1
    if class_names is None:
        class_names = [str(i) for i in range(n_classes)]
    elif n_classes > len(class_names):
        raise DatasetError(f"{labels_path}: label {n_classes - 1} is out of range for {len(class_names)} classes")
    return Dataset(np.ascontiguousarray(images), labels, list(class_names), name, 0, str(images_path))


def load_idx_pair(images_path: str | os.PathLike, labels_path: str | os.PathLike,
                  name: str | None = None, class_names: list[str] | None = None) -> Dataset:
    """Any images/labels IDX pair in the MNIST format (e.g. Fashion-MNIST)."""
    images_path, labels_path = Path(images_path), Path(labels_path)
    stem = images_path.name.split(".")[0]
    return _pair_to_dataset(images_path, labels_path, name or stem, class_names)


def mnist_dir() -> Path:
    return resource_path("datasets", "mnist")


@functools.lru_cache(maxsize=2)
def _load_mnist_cached(split: str) -> Dataset:
    prefix = "train" if split == "train" else "t10k"
    folder = mnist_dir()
    ds = _pair_to_dataset(folder / f"{prefix}-images-idx3-ubyte.gz", folder / f"{prefix}-labels-idx1-ubyte.gz",
                          f"MNIST {split}", MNIST_CLASS_NAMES)
    ds.images.flags.writeable = False   # shared by every caller through the cache
    ds.labels.flags.writeable = False
    return ds


def load_mnist(split: str = "train", limit: int | None = None, seed: int = 0) -> Dataset:
    """The bundled MNIST split ("train": 60k, "test": 10k), cached after the first call.

    ``limit`` keeps a stratified subset of that many images (see :meth:`Dataset.subset`).
    The returned arrays are read-only because they are shared by the cache.
    """
    if split not in ("train", "test"):
        raise ValueError(f'split must be "train" or "test", got {split!r}')
    ds = _load_mnist_cached(split)
    return ds.subset(limit, seed) if limit is not None else ds


# ------------------------------------------------------------------ image folder

def _to_array(path: Path, size: int, invert: bool | None) -> np.ndarray:
    from PIL import Image  # pillow is only needed for user folders

    with Image.open(path) as img:
        img.load()
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            # Transparent background → white, as a drawing on paper.
            rgba = img.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            img = Image.alpha_composite(background, rgba)
        gray = img.convert("L").resize((size, size), Image.Resampling.LANCZOS)
    arr = np.asarray(gray, dtype=np.uint8)
    if invert is None:
        # MNIST is a light digit on a dark background; photos and scans are usually
        # the opposite. A bright border means a light background → invert.
        border = np.concatenate([arr[0], arr[-1], arr[:, 0], arr[:, -1]])
        invert = bool(border.mean() > 127)
    return 255 - arr if invert else arr


def load_image_folder(path: str | os.PathLike, size: int = 28, invert: bool | None = None,
                      name: str | None = None) -> Dataset:
    """Images from ``path/<class name>/*.png|jpg|…``, grayscale, resized to size×size.

    Subfolder names (sorted) become the class names; a folder without subfolders
    is one class. ``invert=None`` flips light-background images so they look like
    MNIST (light strokes on black). Unreadable files are skipped and counted in
    ``Dataset.skipped``; a folder with no usable image raises :class:`DatasetError`.
    """
    root = Path(path)
    if not root.is_dir():
        raise DatasetError(f"{root}: not a folder")
    if not 4 <= size <= 256:
        raise ValueError(f"image size must be between 4 and 256 pixels, got {size}")
    subdirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    groups = [(d.name, d) for d in subdirs] if subdirs else [(root.name, root)]
    images, labels, class_names, skipped = [], [], [], 0
    for cls_name, folder in groups:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        label = len(class_names)
        count = 0
        for f in files:
            if f.suffix.lower() not in _IMAGE_SUFFIXES:
                continue
            try:
                images.append(_to_array(f, size, invert))
            except Exception:  # pillow raises many types for broken files
                skipped += 1
                continue
            labels.append(label)
            count += 1
        if count:
            class_names.append(cls_name)
    if not images:
        extra = f" ({skipped} unreadable)" if skipped else ""
        raise DatasetError(f"{root}: no readable image found{extra}; expected {root}/<class>/<image>.png")
    return Dataset(np.stack(images), np.asarray(labels, dtype=np.int64), class_names,
                   name or root.name, skipped, str(root))
