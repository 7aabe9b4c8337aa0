"""``aeviz --self-test``: prove that this installation works, from source or frozen.

Stages, in order (the first failure stops the run):

* ``data``   – the bundled MNIST test split loads (10 000 images 28×28, labels 0–9);
* ``conv``   – the numpy convolution engine gives the lesson-2 slide answer;
* ``torch``  – torch imports (timed apart: it dominates a cold start);
* ``train``  – a tiny autoencoder takes a few Adam steps on real MNIST images and its
  loss stays finite and goes down;
* ``models`` – every bundled pretrained model (resources/models/*.aeviz) loads, when the
  loader and models exist;
* ``plot``   – pyqtgraph draws a curve and a digit offscreen;
* ``pages``  – every registered page renders offscreen to a PNG that is not blank.

Success prints one line starting with "OK" and the time of each stage, and returns 0.
A failure prints ``FAILED <stage>: <message>`` (the traceback only with ``--verbose``)
and returns 1. Qt is forced to the offscreen platform: nothing appears on screen.
"""

from __future__ import annotations

import gzip
import logging
import os
import struct
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

# Lesson 2's worked example: input ⋆ kernel (cross-correlation, stride 1, no padding).
SLIDE_INPUT = [[4, 5, 8, 7], [1, 8, 8, 8], [3, 6, 6, 4], [6, 5, 7, 8]]
SLIDE_KERNEL = [[1, 4, 1], [1, 4, 3], [3, 3, 1]]
SLIDE_OUTPUT = [[122, 148], [126, 134]]

TRAIN_STEPS = 30
TRAIN_IMAGES = 512


class SelfTestError(Exception):
    """A check failed; the message says what was expected and what was found."""


# ----------------------------------------------------------------------------- stages

def _read_idx_gz(path: Path, magic: int, ndim: int) -> np.ndarray:
    """Strict reader of a gzipped IDX file of unsigned bytes (fallback without core.datasets)."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise SelfTestError(f"cannot read {path}: {exc}") from exc
    header = 4 + 4 * ndim
    if len(data) < header or struct.unpack(">I", data[:4])[0] != magic:
        raise SelfTestError(f"{path.name}: not an IDX file of {ndim}-D unsigned bytes")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    if len(data) != header + int(np.prod(shape)):
        raise SelfTestError(f"{path.name}: {len(data) - header} bytes of data for shape {shape}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def load_test_images() -> tuple[np.ndarray, np.ndarray]:
    """MNIST test images (uint8, N×28×28) and labels, through the app's loader when present."""
    try:
        from aeviz.core.datasets import load_mnist
    except ImportError:
        load_mnist = None
    if load_mnist is not None:
        ds = load_mnist("test")
        images, labels = np.asarray(ds.images), np.asarray(ds.labels)
    else:
        from aeviz.core.paths import resource_path
        folder = resource_path("datasets", "mnist")
        images = _read_idx_gz(folder / "t10k-images-idx3-ubyte.gz", 0x0803, 3)
        labels = _read_idx_gz(folder / "t10k-labels-idx1-ubyte.gz", 0x0801, 1)
    if images.shape != (10000, 28, 28) or images.dtype != np.uint8:
        raise SelfTestError(f"MNIST test images: expected uint8 (10000, 28, 28), got {images.dtype} {images.shape}")
    if labels.shape != (10000,) or labels.min() < 0 or labels.max() > 9:
        raise SelfTestError(f"MNIST test labels: expected 10000 digits 0-9, got shape {labels.shape}")
    if len(np.unique(labels)) != 10 or images.max() == 0:
        raise SelfTestError("MNIST test set looks wrong (missing digits or blank images)")
    return images, labels


def check_conv() -> None:
    from aeviz.core.conv import conv2d

    got = conv2d(np.array(SLIDE_INPUT), np.array(SLIDE_KERNEL))
    if got.tolist() != SLIDE_OUTPUT:
        raise SelfTestError(f"conv2d on the slide example gave {got.tolist()}, expected {SLIDE_OUTPUT}")


def import_torch():
    import torch
    return torch


def train_tiny_autoencoder(images: np.ndarray) -> tuple[float, float]:
    """A few Adam steps of 784-32-784 on real digits; returns (first loss, last loss)."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    x = torch.from_numpy(images[:TRAIN_IMAGES].reshape(TRAIN_IMAGES, -1).astype(np.float32) / 255.0)
    model = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 784), nn.Sigmoid())
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for step in range(TRAIN_STEPS):
        batch = x[(step * 128) % TRAIN_IMAGES:][:128]
        loss = nn.functional.mse_loss(model(batch), batch)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    first, last = losses[0], losses[-1]
    if not all(np.isfinite(losses)):
        raise SelfTestError(f"training loss is not finite: {losses}")
    if not last < first:
        raise SelfTestError(f"training loss did not decrease: {first:.4f} -> {last:.4f}")
    return first, last


def load_bundled_models() -> int:
    """Load every resources/models/*.aeviz with the app's loader; returns how many loaded."""
    from aeviz.core.paths import resource_path

    files = sorted(resource_path("models").glob("*.aeviz"))
    if not files:
        return 0
    try:
        from aeviz.core.bundle import load  # the .aeviz reader (zip + weights, validated)
    except ImportError:
        raise SelfTestError(f"{len(files)} pretrained model(s) bundled but no loader (aeviz.core.bundle)") from None
    for path in files:
        try:
            load(path)
        except Exception as exc:
            raise SelfTestError(f"pretrained model {path.name} does not load: {exc}") from exc
    return len(files)


def _check_not_blank(image, what: str) -> None:
    from PySide6.QtGui import QImage

    if image.isNull() or image.width() < 100 or image.height() < 100:
        raise SelfTestError(f"{what}: missing or not a valid image")
    gray = image.convertToFormat(QImage.Format_Grayscale8)
    pixels = np.frombuffer(gray.constBits(), dtype=np.uint8, count=gray.sizeInBytes())
    if int(pixels.max()) - int(pixels.min()) < 32:
        raise SelfTestError(f"{what}: the rendered image is blank")


def render_plot(images: np.ndarray) -> None:
    """pyqtgraph (every plotting page's base) draws a curve and a digit offscreen."""
    import pyqtgraph as pg

    from aeviz.ui.app import create_application

    create_application()
    widget = pg.GraphicsLayoutWidget()
    try:
        widget.resize(400, 200)
        plot = widget.addPlot()
        plot.plot(np.linspace(0, 1, 50) ** 2, pen=pg.mkPen("r", width=2))
        view = widget.addViewBox()
        view.addItem(pg.ImageItem(images[0].T))
        widget.show()
        _check_not_blank(widget.grab().toImage(), "pyqtgraph plot")
    finally:
        widget.close()
        widget.deleteLater()


def render_pages(out_dir: Path) -> list[Path]:
    """Render every registered page; fail on a missing, blank PNG or an exception in a page."""
    from PySide6.QtGui import QImage

    from aeviz.ui import errors
    from aeviz.ui.app import create_application, render_screenshots
    from aeviz.ui.pages import page_ids

    create_application()
    reporter = errors.install_exception_hooks()
    reported_before = reporter.shown_count
    files = [p for p in render_screenshots(out_dir, language="fr") if p.suffix == ".png"]
    if reporter.shown_count != reported_before:
        raise SelfTestError(f"{reporter.shown_count - reported_before} unexpected exception(s) while "
                            f"rendering the pages (see {errors.log_file()})")
    expected = list(page_ids())
    if [p.stem for p in files] != expected:
        raise SelfTestError(f"rendered {[p.stem for p in files]}, expected {expected}")
    for path in files:
        _check_not_blank(QImage(str(path)), f"page {path.stem} ({path})")
    return files


# ----------------------------------------------------------------------------- runner

def _attach_windows_console() -> None:
    """A windowed .exe has no stdout: write to the console it was started from, if any."""
    if sys.platform != "win32" or (sys.stdout is not None and sys.stderr is not None):
        return
    try:
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            sys.stdout = sys.stdout or open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
            sys.stderr = sys.stderr or open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
    except (OSError, AttributeError):
        pass


def run(verbose: bool = False, keep_dir: str | None = None) -> int:
    """Run every stage; print one "OK ..." line (stdout) or "FAILED ..." (stderr)."""
    _attach_windows_console()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists
    scratch = Path(tempfile.mkdtemp(prefix="aeviz-selftest-"))
    # Keep the user's settings and logs untouched.
    os.environ.setdefault("AEVIZ_CONFIG_DIR", str(scratch / "config"))
    os.environ.setdefault("AEVIZ_DATA_DIR", str(scratch / "data"))
    if not verbose:
        logging.getLogger().setLevel(logging.CRITICAL)

    timings: list[tuple[str, float]] = []
    notes: list[str] = []
    stage = "start"
    total_start = time.perf_counter()

    def timed(name, fn, *args):
        nonlocal stage
        stage = name
        start = time.perf_counter()
        result = fn(*args)
        timings.append((name, time.perf_counter() - start))
        return result

    try:
        images, _labels = timed("data", load_test_images)
        timed("conv", check_conv)
        timed("torch", import_torch)
        first, last = timed("train", train_tiny_autoencoder, images)
        notes.append(f"loss {first:.4f}->{last:.4f}")
        n_models = timed("models", load_bundled_models)
        notes.append(f"{n_models} model(s)")
        timed("plot", render_plot, images)
        out_dir = Path(keep_dir) if keep_dir else scratch / "pages"
        files = timed("pages", render_pages, out_dir)
        notes.append(f"{len(files)} page(s)")
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        message = str(exc) if isinstance(exc, SelfTestError) else f"{type(exc).__name__}: {exc}"
        print(f"FAILED {stage}: {message}", file=sys.stderr, flush=True)
        if verbose:
            traceback.print_exc()
        return 1
    total = time.perf_counter() - total_start
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    stages = "  ".join(f"{name} {seconds:.2f}s" for name, seconds in timings)
    print(f"OK aeviz self-test ({frozen}): {stages}  total {total:.2f}s  [{', '.join(notes)}]", flush=True)
    return 0
