"""A few real images for the convolution lab: MNIST test digits and image files.

A stop-gap until ``aeviz.core.datasets.load_mnist`` lands: it reads one image of the
bundled ``t10k-images-idx3-ubyte.gz`` with strict checks of the IDX header, and
caches the decompressed file (7.8 MB) after the first call.
"""

from __future__ import annotations

import gzip
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

from aeviz.core import limits
from aeviz.core.errors import AevizError
from aeviz.core.files import display_path
from aeviz.core.images import ImageRefused, read_gray
from aeviz.core.paths import resource_path

MNIST_TEST_IMAGES = ("datasets", "mnist", "t10k-images-idx3-ubyte.gz")


class SampleImageError(AevizError):
    """A bundled or user-chosen image could not be read; ``code``/``params`` for the UI."""


@lru_cache(maxsize=2)
def _idx_images(path: str) -> np.ndarray:
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as exc:
        raise SampleImageError("image.sample_unreadable", f"cannot read {path}: {exc}", path=path) from exc
    if len(data) < 16:
        raise SampleImageError("image.sample_unreadable", f"{path} is too short to be an IDX image file", path=path)
    magic, count, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != 0x00000803:
        raise SampleImageError("image.sample_unreadable", f"{path} is not an IDX file of uint8 images "
                               f"(magic {magic:#x})", path=path)
    if not (count and rows and cols) or len(data) != 16 + count * rows * cols:
        raise SampleImageError("image.sample_unreadable", f"{path}: header says {count}×{rows}×{cols} but the "
                               f"file has {len(data) - 16} bytes of pixels", path=path)
    images = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows, cols)
    images.setflags(write=False)
    return images


def mnist_count(path: Path | None = None) -> int:
    return int(_idx_images(str(path or resource_path(*MNIST_TEST_IMAGES))).shape[0])


def mnist_digit(index: int, path: Path | None = None) -> np.ndarray:
    """MNIST test image ``index`` as a 28×28 ``uint8`` array (a copy)."""
    if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
        images = _idx_images(str(path or resource_path(*MNIST_TEST_IMAGES)))
        raise SampleImageError("image.index", f"the image index must be a whole number, got {index!r}",
                               index=repr(index), count=images.shape[0], last=images.shape[0] - 1)
    images = _idx_images(str(path or resource_path(*MNIST_TEST_IMAGES)))
    if not 0 <= index < images.shape[0]:
        raise SampleImageError("image.index", f"image {index} does not exist: there are {images.shape[0]} "
                               f"(0 to {images.shape[0] - 1})", index=int(index), count=images.shape[0],
                               last=images.shape[0] - 1)
    return images[int(index)].copy()


def digit_patch(index: int, rows: int = 10, cols: int = 10) -> np.ndarray:
    """The central ``rows×cols`` patch of a digit (int64, 0–255): small enough to edit."""
    img = mnist_digit(index)
    if not (1 <= rows <= img.shape[0] and 1 <= cols <= img.shape[1]):
        raise SampleImageError("image.patch", f"a {rows}×{cols} patch does not fit in a {img.shape[0]}×{img.shape[1]} "
                               "image", rows=rows, cols=cols, height=img.shape[0], width=img.shape[1])
    top, left = (img.shape[0] - rows) // 2, (img.shape[1] - cols) // 2
    return img[top:top + rows, left:left + cols].astype(np.int64)


def load_gray_image(path: str | Path, max_side: int = 64) -> np.ndarray:
    """An image file as grayscale floats in [0, 1], shrunk so its longest side is ≤ ``max_side``.

    Every Pillow mode is converted faithfully (16-bit, float, transparency: see
    :mod:`aeviz.core.images`); big, damaged or non-regular files raise SampleImageError.
    """
    from PIL import Image

    shown = display_path(path)
    try:
        grey = read_gray(path, draft_size=max_side)
    except ImageRefused as refused:
        texts = {"not_found": "file not found", "is_folder": "is a folder, not an image",
                 "not_regular": "is not a regular file (a pipe or a device?)", "unreadable": "cannot be read",
                 "not_image": "cannot be opened as an image", "too_many_pixels": "has too many pixels"}
        raise SampleImageError(f"image.{refused.reason}", f"{shown}: {texts[refused.reason]} ({refused.detail})",
                               path=shown, size=refused.detail, max=limits.MAX_IMAGE_PIXELS) from None
    if grey.ndim != 2 or min(grey.shape) < 1:
        raise SampleImageError("image.not_image", f"{shown} has no pixels", path=shown)
    im = Image.fromarray(grey, "F")
    im.thumbnail((max_side, max_side))
    return np.clip(np.asarray(im, dtype=np.float64), 0.0, 1.0)
