"""``aeviz train``: train an autoencoder from a terminal and save a ``.aeviz`` bundle.

Meant for preparing models before class, on a machine without a display::

    aeviz train --dataset mnist --model conv --latent 16 --epochs 5 --out conv16.aeviz
    aeviz train --dataset ~/my_digits --model mlp --latent 2 --noise gaussian:0.3 --out mine.aeviz

``aeviz/__main__.py`` wires it in with :func:`add_train_parser` and
:func:`run_train`. Every user mistake ends with one ``aeviz train: error: …``
line and exit status 2 (never a traceback); a run that diverges or cannot write
its output exits with 1; Ctrl+C exits with 130 and writes nothing. The output path is
checked before the data are read, so a run is never lost for want of a place to save it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .core.constants import BUNDLE_SUFFIX, LATENT_RANGE, MODEL_KINDS
from .core.threads import thread_candidates, usable_cores

if TYPE_CHECKING:
    from .core.datasets import Dataset
    from .core.training import Snapshot

# The parser is built with the GUI's, before torch is loaded; the heavy modules load in run_train.

__all__ = ["add_train_parser", "run_train", "load_dataset_arg"]

PROG = "aeviz train"
MAX_SEED = 2 ** 63 - 1
DEVICES = ("cpu", "cuda", "mps", "auto")


class UsageError(Exception):
    """A mistake in the arguments or the data: reported in one line, exit status 2."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive number")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{value} must be between 0 and {MAX_SEED}")
    return value


def _device(text: str) -> str:
    """Only devices that can train (torch also knows "meta", which has no data, and others)."""
    kind, _, index = text.partition(":")
    if kind not in DEVICES or (index and (kind != "cuda" or not index.isdigit())):
        raise argparse.ArgumentTypeError(f"{text!r} is not a training device; use cpu, cuda, cuda:N, mps or auto")
    return text


def add_train_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``train`` sub-command on an ``add_subparsers()`` object and return it."""
    p = subparsers.add_parser("train", help="train an autoencoder without the GUI and save a .aeviz file",
                              description="Train an autoencoder headlessly and save it as a .aeviz bundle.")
    p.add_argument("--dataset", default="mnist", metavar="mnist|PATH",
                   help="'mnist' (bundled), a folder of images in one subfolder per class, "
                        "a folder holding an IDX pair, or an *images-idx3* file (default: mnist)")
    p.add_argument("--model", default="mlp", choices=MODEL_KINDS, help="architecture (default: mlp)")
    p.add_argument("--latent", type=_positive_int, default=2, metavar="K",
                   help=f"size of the code, {LATENT_RANGE[0]}-{LATENT_RANGE[1]} (default: 2)")
    p.add_argument("--hidden", default=None, metavar="N,N",
                   help="hidden layer widths (mlp/vae) or channels (conv), e.g. 256,64")
    p.add_argument("--no-bias", action="store_true", help="layers without bias (linear: pure PCA-like map)")
    p.add_argument("--epochs", type=_positive_int, default=5, metavar="E", help="passes over the data (default: 5)")
    p.add_argument("--limit", type=_positive_int, default=None, metavar="N",
                   help="use a class-balanced subset of N images (fast demos)")
    p.add_argument("--noise", default=None, metavar="TYPE:LEVEL",
                   help="denoising: gaussian:0.3, masking:0.5 or salt_pepper:0.1")
    p.add_argument("--seed", type=_seed, default=0, help="random seed; same seed, same result (default: 0)")
    p.add_argument("--lr", type=_positive_float, default=1e-3, help="learning rate (default: 0.001)")
    p.add_argument("--batch-size", type=_positive_int, default=128, help="images per step (default: 128)")
    p.add_argument("--optimizer", default="adam", choices=("adam", "sgd"))
    p.add_argument("--loss", default="auto", choices=("auto", "mse", "bce"),
                   help="auto = bce for vae, mse otherwise")
    p.add_argument("--val-fraction", type=float, default=0.1, help="share kept for validation (default: 0.1)")
    p.add_argument("--threads", type=_positive_int, default=None,
                   help=f"CPU threads (default: the fastest of {', '.join(map(str, thread_candidates(usable_cores())))}, "
                        "measured while training)")
    p.add_argument("--device", default="cpu", type=_device, help="cpu, cuda, cuda:N, mps or auto (default: cpu)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--out", required=True, metavar="FILE", help=f"where to write the model ({BUNDLE_SUFFIX})")
    p.set_defaults(handler=run_train)
    p.error = _one_line_error
    return p


def _one_line_error(message: str):
    """argparse's error without the usage block: one line, exit status 2, like every other mistake."""
    print(f"{PROG}: error: {message} (see {PROG} --help)", file=sys.stderr)
    raise SystemExit(2)


def load_dataset_arg(spec: str, size: int = 28) -> Dataset:
    """Resolve ``--dataset``: "mnist", an image folder, a folder with an IDX pair or an IDX images file."""
    from .core.datasets import load_idx_pair, load_image_folder, load_mnist

    if spec.lower() == "mnist":
        return load_mnist("train")
    path = Path(spec).expanduser()
    if not path.exists():
        raise UsageError(f"dataset {spec!r} not found (use 'mnist' or a path)")
    if path.is_file():
        labels = path.with_name(path.name.replace("images-idx3", "labels-idx1"))
        if labels == path or not labels.exists():
            raise UsageError(f"{path.name}: expected an *images-idx3* file with a matching *labels-idx1* file beside it")
        return load_idx_pair(path, labels)
    idx_images = sorted(path.glob("*images-idx3*"))
    if idx_images:
        train = [p for p in idx_images if "train" in p.name] or idx_images
        return load_dataset_arg(str(train[0]))
    return load_image_folder(path, size=size)


def _hidden(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        sizes = tuple(int(s) for s in text.replace(" ", "").split(",") if s)
    except ValueError:
        raise UsageError(f"--hidden {text!r}: expected whole numbers separated by commas, e.g. 256,64") from None
    if not sizes:
        raise UsageError("--hidden needs at least one size, e.g. 256,64")
    return sizes


def _fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class _Progress:
    """A one-line progress bar on stderr (only on a terminal), redrawn in place."""

    def __init__(self, enabled: bool, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled and getattr(self.stream, "isatty", lambda: False)()
        self.width = 0

    def draw(self, snap: Snapshot) -> None:
        if not self.enabled:
            return
        filled = int(30 * snap.progress)
        loss = "" if snap.train_loss is None else f" loss {snap.train_loss:.4f}"
        line = (f"epoch {snap.epoch}/{snap.epochs} [{'#' * filled}{'.' * (30 - filled)}] {100 * snap.progress:3.0f}%"
                f"{loss} {snap.samples_per_s / 1000:.1f}k img/s ETA {_fmt_time(snap.eta_s)}")
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def clear(self) -> None:
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def run_train(args: argparse.Namespace) -> int:
    """Execute ``aeviz train`` for parsed ``args``; returns the process exit status.

    Whatever happens, the user reads one line: a mistake in the arguments or the data
    exits with 2, a failure of the machine (memory, disk, a torch error) with 1.
    """
    try:
        return _run(args)
    except UsageError as exc:
        return _error(str(exc))
    except ValueError as exc:  # DatasetError and BundleError are ValueErrors with a readable message
        return _error(str(exc))
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted, nothing written", file=sys.stderr)
        return 130
    except MemoryError:
        print(f"{PROG}: not enough memory for this run; try --limit or a smaller model; nothing written",
              file=sys.stderr)
        return 1
    except Exception as exc:  # a torch or OS failure: still one line, never a traceback
        print(f"{PROG}: failed ({type(exc).__name__}: {exc}); nothing written", file=sys.stderr)
        return 1


def check_output_path(text: str) -> Path:
    """The bundle path for ``--out``, checked before any work so a run is never lost at the end."""
    out = Path(text).expanduser()
    if out.is_dir():
        raise UsageError(f"--out {text!r} is a folder; give a file name like model{BUNDLE_SUFFIX}")
    if not out.suffix:
        out = out.with_suffix(BUNDLE_SUFFIX)
    if out.is_dir():
        raise UsageError(f"--out {text!r}: {out} is a folder; give another file name")
    if out.exists() and not out.is_file():
        raise UsageError(f"--out {text!r}: {out} exists and is not a regular file")
    parent = out.parent
    if not parent.is_dir():
        raise UsageError(f"--out {text!r}: the folder {parent} does not exist")
    try:
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        raise UsageError(f"--out {text!r}: cannot write in {parent} ({exc.strerror or exc})") from None
    return out


def _run(args: argparse.Namespace) -> int:
    # What can be checked without torch (a second to import) is checked first: mistakes show at once.
    out = check_output_path(args.out)
    if not 0.0 <= args.val_fraction < 0.9:
        raise UsageError(f"--val-fraction must be between 0 and 0.9, got {args.val_fraction}")
    hidden = _hidden(args.hidden)
    started = time.perf_counter()
    dataset = load_dataset_arg(args.dataset)

    from .core.bundle import save
    from .core.datasets import train_val_split
    from .core.models import ModelConfig, build_model
    from .core.noise import parse_noise_spec
    from .core.training import TrainConfig, Trainer, resolve_device

    resolve_device(args.device)
    noise = parse_noise_spec(args.noise) if args.noise else None
    if dataset.skipped:
        print(f"{dataset.name}: skipped {dataset.skipped} unreadable image(s) or folder(s)", file=sys.stderr)
    if args.limit is not None:
        dataset = dataset.subset(args.limit, seed=args.seed)
    h, w = dataset.image_shape
    model_cfg = ModelConfig(kind=args.model, latent=args.latent, hidden=hidden,
                            bias=not args.no_bias, image_shape=(1, h, w))
    train_cfg = TrainConfig(optimizer=args.optimizer, lr=args.lr, batch_size=args.batch_size, epochs=args.epochs,
                            loss=args.loss, seed=args.seed, noise=noise, num_threads=args.threads,
                            device=args.device, snapshot_every_s=0.1)
    if args.val_fraction > 0 and len(dataset) >= 20:
        train_ds, val_ds = train_val_split(dataset, args.val_fraction, seed=args.seed)
    else:
        train_ds, val_ds = dataset, None
    model = build_model(model_cfg, seed=args.seed)
    trainer = Trainer(model, train_ds, train_cfg, val_data=val_ds)
    print(f"{model_cfg.summary()}, {model.num_params():,} parameters; {len(train_ds)} training / "
          f"{0 if val_ds is None else len(val_ds)} validation images from {dataset.name}"
          + (f"; noise {noise.spec()}" if noise else ""), flush=True)
    bar = _Progress(not args.quiet)
    last = None
    try:
        for snap in trainer.run():
            last = snap
            if snap.epoch_end or snap.stopped:
                bar.clear()
            if snap.epoch_end:
                val = "" if snap.val_loss is None else f"  val loss {snap.val_loss:.5f}"
                print(f"epoch {snap.epoch}/{snap.epochs}  train loss {snap.train_loss:.5f}{val}  "
                      f"({snap.samples_per_s:,.0f} img/s, {snap.threads} thread{'s' if snap.threads > 1 else ''}, "
                      f"{_fmt_time(snap.elapsed)})", flush=True)
            else:
                bar.draw(snap)
    finally:
        bar.clear()
    if last is None or last.diverged or not last.done:
        print(f"{PROG}: {last.message if last else 'training did not run'}; nothing written", file=sys.stderr)
        return 1
    try:
        save(out, model, model_cfg, train_config=train_cfg, history=trainer.history, dataset_name=dataset.name,
             extra={"train_images": len(train_ds), "val_images": 0 if val_ds is None else len(val_ds)})
    except OSError as exc:
        print(f"{PROG}: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"saved {out} ({out.stat().st_size / 1e6:.1f} MB) in {_fmt_time(time.perf_counter() - started)}")
    return 0
