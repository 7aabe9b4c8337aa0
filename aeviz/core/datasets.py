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
import io
import os
import stat
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from . import limits
from .errors import AevizError
from .files import FileRefused, display_path, open_regular, printable, read_capped
from .images import ImageRefused, read_gray
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


class DatasetError(AevizError):
    """A data file or folder cannot be used; the message names it and says why, ``code``/``params`` for the UI."""


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
            raise DatasetError("data.bad_arrays", f"{self.name}: images must be uint8 (N, H, W), "
                               f"got {self.images.dtype} {self.images.shape}", name=self.name)
        if self.labels.shape != (self.images.shape[0],) or self.labels.dtype != np.int64:
            raise DatasetError("data.bad_arrays", f"{self.name}: labels must be int64 ({self.images.shape[0]},), "
                               f"got {self.labels.dtype} {self.labels.shape}", name=self.name)

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

def _open_file(path: Path, expected: str) -> BinaryIO:
    """``path`` opened for reading if it is a regular file; never blocks on a pipe."""
    shown = display_path(path)
    try:
        return open_regular(path)
    except FileRefused as refused:
        text = {"not_found": "file not found", "is_folder": f"is a folder, expected {expected}",
                "not_regular": "is not a regular file (a pipe or a device?)",
                "unreadable": f"cannot be read ({refused.detail})"}[refused.reason]
        raise DatasetError(f"data.{refused.reason}", f"{shown}: {text}", path=shown, detail=refused.detail) from None


def _exactly(stream: BinaryIO, n: int) -> bytes:
    data = stream.read(n)
    while len(data) < n:  # a raw pipe-like stream may return short reads
        more = stream.read(n - len(data))
        if not more:
            break
        data += more
    return data


def _parse_idx_stream(stream: BinaryIO, source: str, expected_magic: int | None, check_sides: bool) -> np.ndarray:
    """The IDX parser on a stream: the header is checked against the limits before the payload is read."""
    head = _exactly(stream, 4)
    if len(head) < 4:
        raise DatasetError("data.too_short", f"{source}: too short to be an IDX file ({len(head)} bytes)",
                           path=source, size=len(head))
    zero0, zero1, dtype_code, ndim = head
    magic = struct.unpack(">I", head)[0]
    if zero0 != 0 or zero1 != 0:
        raise DatasetError("data.not_idx", f"{source}: not an IDX file (magic number 0x{magic:08X})",
                           path=source, magic=f"0x{magic:08X}")
    if dtype_code != _UBYTE:
        raise DatasetError("data.idx_dtype", f"{source}: IDX data type 0x{dtype_code:02X} is not supported "
                           "(only unsigned bytes, 0x08)", path=source, dtype=f"0x{dtype_code:02X}")
    if expected_magic is not None and magic != expected_magic:
        images = expected_magic == IDX_IMAGES_MAGIC
        want = "images (3 dimensions)" if images else "labels (1 dimension)"
        raise DatasetError("data.idx_magic", f"{source}: magic number 0x{magic:08X} has {ndim} dimension(s), "
                           f"expected {want}, 0x{expected_magic:08X}", path=source, magic=f"0x{magic:08X}",
                           ndim=ndim, expected="images" if images else "labels", want=f"0x{expected_magic:08X}")
    if ndim == 0:
        raise DatasetError("data.idx_no_dims", f"{source}: IDX header declares 0 dimensions", path=source)
    raw_dims = _exactly(stream, 4 * ndim)
    if len(raw_dims) < 4 * ndim:
        have = 4 + len(raw_dims)
        raise DatasetError("data.idx_header_truncated", f"{source}: truncated header ({have} bytes, "
                           f"need {4 + 4 * ndim})", path=source, size=have, need=4 + 4 * ndim)
    dims = struct.unpack(f">{ndim}I", raw_dims)
    shown = "×".join(map(str, dims))
    if check_sides and ndim == 3 and max(dims[1:]) > limits.MAX_IMAGE_SIDE:
        raise DatasetError("data.limit", f"{source}: images of {dims[1]}×{dims[2]} pixels exceed the limit of "
                           f"{limits.MAX_IMAGE_SIDE} pixels per side", path=source, limit="image_side",
                           value=max(dims[1:]), max=limits.MAX_IMAGE_SIDE)
    if check_sides and dims[0] > limits.MAX_DATASET_IMAGES:
        raise DatasetError("data.limit", f"{source}: {dims[0]:,} images or labels exceed the limit of "
                           f"{limits.MAX_DATASET_IMAGES:,}", path=source, limit="count", value=dims[0],
                           max=limits.MAX_DATASET_IMAGES)
    expected = 1
    for d in dims:  # Python ints: no overflow whatever the header says
        expected *= d
    if expected == 0:  # a zero dimension beside huge ones: nothing to read, and numpy cannot shape it
        raise DatasetError("data.empty", f"{source}: contains no image ({shown})", path=source, dims=shown)
    if expected > limits.MAX_DATASET_BYTES:
        raise DatasetError("data.limit", f"{source}: the header announces {shown} = {expected:,} bytes, more than "
                           f"the limit of {limits.MAX_DATASET_BYTES:,}", path=source, limit="bytes",
                           value=expected, max=limits.MAX_DATASET_BYTES)
    payload = _exactly(stream, expected)
    if len(payload) < expected:
        raise DatasetError("data.idx_truncated", f"{source}: truncated, the header announces {shown} = {expected} "
                           f"bytes of data but only {len(payload)} are present", path=source, dims=shown,
                           expected=expected, actual=len(payload))
    if stream.read(1):
        raise DatasetError("data.idx_trailing", f"{source}: unexpected bytes after the {expected} bytes of data",
                           path=source, expected=expected)
    return np.frombuffer(payload, dtype=np.uint8).reshape(dims)


def parse_idx(data: bytes, source: str = "<bytes>", expected_magic: int | None = None) -> np.ndarray:
    """Decode an unsigned-byte IDX blob into an array, checking every field.

    The header is ``0x00 0x00 <dtype> <ndim>`` then ``ndim`` big-endian uint32
    sizes; the payload must be exactly the product of the sizes (no more, no less)
    and within :data:`aeviz.core.limits.MAX_DATASET_BYTES`.
    """
    return _parse_idx_stream(io.BytesIO(data), source, expected_magic, check_sides=False)


def read_idx(path: str | os.PathLike, expected_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (raw or ``.gz``) with bounded memory; see :func:`parse_idx`.

    Nothing is read whole: the header comes first and is checked against the limits,
    then exactly the announced payload is read (a gzip that inflates to gigabytes is
    refused after one byte too many). Image files (3 dimensions) are also held to
    :data:`aeviz.core.limits.MAX_IMAGE_SIDE`.
    """
    p = Path(path)
    source = display_path(p)
    with _open_file(p, "an IDX file") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        try:
            if not gzipped:
                return _parse_idx_stream(handle, source, expected_magic, check_sides=True)
            with gzip.GzipFile(fileobj=handle) as stream:
                return _parse_idx_stream(stream, source, expected_magic, check_sides=True)
        except (EOFError, OSError, zlib.error) as exc:
            raise DatasetError("data.gzip_damaged", f"{source}: damaged or truncated gzip data ({exc})",
                               path=source) from None


def _pair_to_dataset(images_path: Path, labels_path: Path, name: str, class_names: list[str] | None) -> Dataset:
    images = read_idx(images_path, IDX_IMAGES_MAGIC)
    labels = read_idx(labels_path, IDX_LABELS_MAGIC).astype(np.int64)
    shown_images, shown_labels = display_path(images_path), display_path(labels_path)
    if images.shape[0] != labels.shape[0]:
        raise DatasetError("data.count_mismatch", f"{shown_images} has {images.shape[0]} images but {shown_labels} "
                           f"has {labels.shape[0]} labels", images=shown_images, n_images=images.shape[0],
                           labels=shown_labels, n_labels=labels.shape[0])
    if images.shape[0] == 0 or images.shape[1] == 0 or images.shape[2] == 0:
        dims = "×".join(map(str, images.shape))
        raise DatasetError("data.empty", f"{shown_images}: contains no image ({dims})", path=shown_images, dims=dims)
    n_classes = int(labels.max()) + 1
    if class_names is None:
        class_names = [str(i) for i in range(n_classes)]
    elif n_classes > len(class_names):
        raise DatasetError("data.label_range", f"{shown_labels}: label {n_classes - 1} is out of range for "
                           f"{len(class_names)} classes", path=shown_labels, label=n_classes - 1,
                           classes=len(class_names))
    return Dataset(np.ascontiguousarray(images), labels, list(class_names), name, 0, str(images_path))


def load_idx_pair(images_path: str | os.PathLike, labels_path: str | os.PathLike,
                  name: str | None = None, class_names: list[str] | None = None) -> Dataset:
    """Any images/labels IDX pair in the MNIST format (e.g. Fashion-MNIST)."""
    images_path, labels_path = Path(images_path), Path(labels_path)
    stem = printable(images_path.name.split(".")[0])
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
    """One image file as size×size uint8 grey (see :mod:`aeviz.core.images`); ImageRefused if unusable."""
    from PIL import Image  # pillow is only needed for user folders

    grey = read_gray(path, draft_size=size)
    small = np.asarray(Image.fromarray(grey, "F").resize((size, size), Image.Resampling.LANCZOS))
    arr = np.rint(np.clip(small, 0.0, 1.0) * 255.0).astype(np.uint8)
    if invert is None:
        # MNIST is a light digit on a dark background; photos and scans are usually
        # the opposite. A bright border means a light background → invert.
        border = np.concatenate([arr[0], arr[-1], arr[:, 0], arr[:, -1]])
        invert = bool(border.mean() > 127)
    return 255 - arr if invert else arr


def _entries(folder: Path) -> list[os.DirEntry] | None:
    """Visible entries of ``folder`` sorted by name, or None when it cannot be listed."""
    try:
        with os.scandir(folder) as it:
            return sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:  # PermissionError, a folder removed meanwhile, an I/O error
        return None


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def load_image_folder(path: str | os.PathLike, size: int = 28, invert: bool | None = None,
                      name: str | None = None) -> Dataset:
    """Images from ``path/<class name>/*.png|jpg|…``, grayscale, resized to size×size.

    Subfolder names (sorted) become the class names; a folder without subfolders
    is one class. ``invert=None`` flips light-background images so they look like
    MNIST (light strokes on black). Files that cannot be used (damaged, not regular
    files, unreadable, too many pixels) and subfolders that cannot be listed are
    skipped and counted in ``Dataset.skipped``; a folder with no usable image, or with
    more images than :data:`aeviz.core.limits.MAX_DATASET_BYTES` allows at this size,
    raises :class:`DatasetError`.
    """
    root = Path(path)
    shown = display_path(root)
    try:
        is_folder = stat.S_ISDIR(os.stat(root).st_mode)
    except OSError:
        is_folder = False
    if not is_folder:
        raise DatasetError("data.folder_missing", f"{shown}: not a folder", path=shown)
    if not 4 <= size <= 256:
        raise ValueError(f"image size must be between 4 and 256 pixels, got {size}")
    top = _entries(root)
    if top is None:
        raise DatasetError("data.folder_unreadable", f"{shown}: the folder cannot be read", path=shown)
    subdirs = [Path(e.path) for e in top if _is_dir(e)]
    groups = [(d.name, d) for d in subdirs] if subdirs else [(root.name, root)]
    listed, skipped = [], 0
    for cls_name, folder in groups:
        entries = top if folder == root else _entries(folder)
        if entries is None:
            skipped += 1
            continue
        files = [Path(e.path) for e in entries if not _is_dir(e) and Path(e.name).suffix.lower() in _IMAGE_SUFFIXES]
        listed.append((printable(cls_name), files))
    count = sum(len(files) for _, files in listed)
    max_images = min(limits.MAX_DATASET_IMAGES, limits.MAX_DATASET_BYTES // (size * size))
    if count > max_images:
        raise DatasetError("data.limit", f"{shown}: {count:,} images exceed the limit of {max_images:,} at "
                           f"{size}×{size} pixels", path=shown, limit="count", value=count, max=max_images)
    images, labels, class_names = [], [], []
    for cls_name, files in listed:
        label = len(class_names)
        before = len(images)
        for f in files:
            try:
                images.append(_to_array(f, size, invert))
            except ImageRefused:
                skipped += 1
                continue
            labels.append(label)
        if len(images) > before:
            class_names.append(cls_name)
    if not images:
        extra = f" ({skipped} unreadable)" if skipped else ""
        raise DatasetError("data.no_images", f"{shown}: no readable image found{extra}; expected "
                           f"{shown}/<class>/<image>.png", path=shown, skipped=skipped)
    return Dataset(np.stack(images), np.asarray(labels, dtype=np.int64), class_names,
                   printable(name or root.name), skipped, str(root))
