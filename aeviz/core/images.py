"""Reading one image file as grey levels in [0, 1], whatever its Pillow mode.

Students bring scans, phone photos, drawings exported with a transparent background,
16-bit PNGs and float TIFFs. ``Image.convert("L")`` gets several of them wrong (it
clips a 16-bit gradient to 0/255, truncates floats in [0, 1] to 0, turns transparent
pixels into their hidden colour), so each family is handled here explicitly:

* 8-bit grey, bilevel, colour (RGB, CMYK, YCbCr, LAB, HSV) and palettes: Pillow's
  luminance conversion, divided by 255;
* 16- and 32-bit integers: divided by the full range of their values' width (255,
  65 535), or stretched between their minimum and maximum when they exceed 16 bits
  or are negative;
* floats: kept when already in [0, 1], divided by 255 when in [0, 255], stretched
  otherwise; NaN becomes 0;
* transparency (alpha channel, transparent palette entry): composited onto a
  background that contrasts with the drawing, black under light strokes and white
  under dark ones, so a stroke drawn on a transparent background never vanishes.

The pixel count is read from the header and checked against
:data:`aeviz.core.limits.MAX_IMAGE_PIXELS` before anything is decoded, and only
regular files are opened (see :mod:`aeviz.core.files`).
"""

from __future__ import annotations

import os
import struct
import warnings

import numpy as np

from . import limits
from .files import FileRefused, open_regular

__all__ = ["ImageRefused", "read_gray", "to_gray"]


#: Why an image was refused: the file reasons of :mod:`.files`, and two of its own.
REASONS = ("not_found", "is_folder", "not_regular", "unreadable", "too_many_pixels", "not_image")


class ImageRefused(Exception):
    """``reason``: "not_found", "is_folder", "not_regular", "unreadable", "too_many_pixels" or "not_image"."""

    def __init__(self, reason: str, detail: str = "", pixels: int = 0):
        super().__init__(reason, detail)
        self.reason, self.detail, self.pixels = reason, detail, pixels


_WIDE_INTEGER = {"I", "I;16", "I;16B", "I;16L", "I;16N"}
_ALPHA = {"RGBA", "LA", "RGBa", "PA"}


def _stretch(values: np.ndarray) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    return np.zeros_like(values) if hi <= lo else (values - lo) / (hi - lo)


def _scaled(values: np.ndarray, integer: bool) -> np.ndarray:
    """Values (as float32, exact up to 24 bits) to [0, 1] by the range their type or content really uses."""
    values = np.nan_to_num(values.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    if values.size == 0:
        return values
    lo, hi = float(values.min()), float(values.max())
    if not integer and lo >= 0.0 and hi <= 1.0:
        return values
    if lo >= 0.0 and hi <= 255.0:
        return values / 255.0
    if integer and lo >= 0.0 and hi <= 65535.0:
        return values / 65535.0
    return _stretch(values)


def _composite(grey: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``grey`` over a background contrasting with the visible strokes (alpha in [0, 1])."""
    weight = float(alpha.sum())
    ink = float(np.dot(grey.ravel(), alpha.ravel()) / weight) if weight > 0 else 0.0
    background = 0.0 if ink >= 0.5 else 1.0
    grey *= alpha  # in place: a large photo stays within a few copies of itself
    if background:
        grey += 1.0 - alpha
    return grey


def _plain(img):
    """Palettes expanded, a transparent colour (tRNS) turned into alpha, bilevel into 8-bit grey."""
    mode = img.mode
    if mode in ("P", "PA"):
        return img.convert("RGBA" if mode == "PA" or "transparency" in img.info else "RGB")
    if mode in ("L", "RGB") and "transparency" in img.info:
        return img.convert("RGBA")
    return img.convert("L") if mode == "1" else img


def _shrunk(img, target: int):
    """A large image box-filtered down to about twice ``target`` before any float copy is made.

    Colours are premultiplied by alpha first, so what hides under transparent pixels
    does not bleed into the average. A 16-megapixel RGBA image then adds ~130 MB
    instead of ~320 MB and takes 0.7 s instead of 3.8 s (bench/hostile_files.py).
    """
    factor = min(img.size) // (2 * target)
    if factor < 2:
        return img
    if img.mode in _ALPHA:
        img = (img if img.mode == "RGBA" else img.convert("RGBA")).convert("RGBa")
    elif img.mode in _WIDE_INTEGER:
        img = img.convert("I")
    try:
        return img.reduce(factor)
    except ValueError:  # a mode reduce() does not know: keep the full size
        return img


def to_gray(img) -> np.ndarray:
    """A decoded Pillow image as float32 grey in [0, 1], shaped (H, W)."""
    img = _plain(img)
    mode = img.mode
    if mode in _ALPHA:
        rgba = img.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / np.float32(255.0)
        grey = np.asarray(rgba.convert("RGB").convert("L"), dtype=np.float32) / np.float32(255.0)
        return _composite(grey, alpha)
    if mode in _WIDE_INTEGER:
        return _scaled(np.asarray(img), integer=True)
    if mode == "F":
        return _scaled(np.asarray(img), integer=False)
    if mode not in ("L", "RGB", "CMYK", "YCbCr"):
        img = img.convert("RGB")  # LAB, HSV, …: through RGB to the usual luminance
    return np.asarray(img.convert("L"), dtype=np.float32) / np.float32(255.0)


def read_gray(path: str | os.PathLike, draft_size: int | None = None) -> np.ndarray:
    """The image at ``path`` as float32 grey in [0, 1], or :class:`ImageRefused`.

    ``draft_size``: the caller will resize to about that size, so a large image may be
    shrunk first (JPEG decoding by 2, 4 or 8 on the fly; others by a box filter) to at
    least twice that size.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        handle = open_regular(path)
    except FileRefused as refused:
        raise ImageRefused(refused.reason, refused.detail) from None
    with handle, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(handle) as img:  # lazy: only the header is read here
                pixels = img.width * img.height
                if pixels > limits.MAX_IMAGE_PIXELS:
                    raise ImageRefused("too_many_pixels", f"{img.width}×{img.height}", pixels)
                if draft_size and img.format == "JPEG":
                    img.draft(img.mode, (draft_size, draft_size))
                img.load()
                return to_gray(_shrunk(_plain(img), draft_size) if draft_size else img)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRefused("too_many_pixels", str(exc)) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError,
                struct.error, IndexError, TypeError, KeyError, ZeroDivisionError) as exc:
            # Pillow's decoders raise many types on damaged files
            raise ImageRefused("not_image", f"{type(exc).__name__}: {exc}") from None

