"""Live training in the GUI versus a plain loop: throughput ratio, event-loop lateness, epoch time.

Run from the repository root (offscreen, ~1-2 min on the shared 2-core machine)::

    python bench/training_gui.py                  # full MNIST (60k), 2 epochs in the GUI
    python bench/training_gui.py --limit 20000 --epochs 3

In one process it measures, for the MLP autoencoder 784-256-64-2 (Adam, batch 128,
MSE, the page's default thread count):

1. samples/s of a plain torch loop over the same model and data (no Trainer, no GUI),
   measured before and after the GUI run (their mean is the reference);
2. samples/s of the core Trainer driven as the page drives it, without GUI;
3. samples/s of the real training page, shown offscreen at 1440×900, with its loss
   curves, reconstructions and progress bar updating live (wall clock between the
   first snapshot and the end, as the GUI receives them) — and the ratio (target ≥ 0.95);
4. the GUI event loop's lateness during that run: a 10 ms precise QTimer records how
   late each tick fires (target p99 ≤ 30 ms);
5. the epoch times of the GUI run (full MNIST with the default --limit), how many times
   the reconstructions were redrawn per second, and how many live models were published.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402


def plain_loop(x: torch.Tensor, steps: int, batch: int, threads: int) -> float:
    """The reference: the same model and optimizer, nothing else (samples/s)."""
    from aeviz.core.models import ModelConfig, build_model

    torch.set_num_threads(threads)
    model = build_model(ModelConfig("mlp", 2, hidden=(256, 64)), seed=0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    gen = torch.Generator().manual_seed(0)
    perm = torch.randperm(x.shape[0], generator=gen)
    pos, start = 0, time.perf_counter()
    for _ in range(steps):
        if pos + batch > x.shape[0]:
            perm, pos = torch.randperm(x.shape[0], generator=gen), 0
        xb = x[perm[pos:pos + batch]]
        pos += batch
        loss = model.loss(xb, xb, "mse")
        value = loss.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    assert np.isfinite(value)
    return steps * batch / (time.perf_counter() - start)


def headless_trainer(data, steps: int, threads: int) -> float:
    """The core Trainer as the page drives it (previews, model copies), without any GUI."""
    from aeviz.core.models import ModelConfig, build_model
    from aeviz.core.session import with_model_copies
    from aeviz.core.training import TrainConfig, Trainer

    model = build_model(ModelConfig("mlp", 2, hidden=(256, 64)), seed=0)
    n = min(len(data.train), steps * 128)
    trainer = Trainer(model, data.train.images[:n], TrainConfig(epochs=1, num_threads=threads, snapshot_every_s=0.1),
                      preview_images=data.preview)
    start = time.perf_counter()
    for _ in with_model_copies(trainer.run(), model, 2.0):
        pass
    return n / (time.perf_counter() - start)


class Lateness:
    """A 10 ms timer that records how late it fires."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.late: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.last = None

    def start(self):
        self.last = time.perf_counter()
        self.timer.start()

    def tick(self):
        now = time.perf_counter()
        self.late.append(max(0.0, (now - self.last) * 1000 - 10))
        self.last = now

    def stop(self):
        self.timer.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=60000, help="training images (default: full MNIST)")
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args(argv)

    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from aeviz.core.constants import default_num_threads
    from aeviz.core.session import DataSpec, load_training_data
    from aeviz.ui.app_state import AppState
    from aeviz.ui.pages.training import TrainingPage
    from aeviz.ui.settings import Settings

    app = QApplication([])
    state = AppState(Settings(language="en"))
    state.persist = False
    state.apply_font()
    threads = default_num_threads()
    data = load_training_data(DataSpec(limit=args.limit))
    x = torch.from_numpy(data.train.as_float()).reshape(-1, 1, 28, 28)
    steps = min(1500, args.epochs * (len(x) // 128))
    print(f"torch {torch.__version__}, {threads} torch thread(s) (cores - 1), {len(x)} MNIST training images, "
          f"MLP 784-256-64-2, Adam, batch 128", flush=True)
    plain_loop(x, 50, 128, threads)  # warm-up (also imports the optimizer machinery)
    before = plain_loop(x, steps, 128, threads)
    print(f"plain loop (before): {before:,.0f} samples/s", flush=True)
    headless = headless_trainer(data, steps, threads)
    print(f"headless Trainer (snapshots with previews every 0.1 s, no GUI): {headless:,.0f} samples/s", flush=True)

    page = TrainingPage(state)
    page.resize(1440, 900)
    page.show()
    page.form.subset.setValue(args.limit)
    page.form.kind.setCurrentIndex(1)
    page.form.latent.setValue(2)
    page.form.hidden.setText("256, 64")
    page.form.epochs.setValue(args.epochs)
    page.form.threads.setValue(threads)
    deadline = time.time() + 30
    while (page.run.data is None or page.run.data.spec.limit != args.limit) and time.time() < deadline:
        app.processEvents()
        time.sleep(0.01)
    page._apply_settled()
    marks: list[tuple[float, int]] = []
    redraws = [0]
    published = [0]
    original_set_output = page.previews.set_output

    def counting_set_output(images):
        redraws[0] += 1
        original_set_output(images)

    page.previews.set_output = counting_set_output
    page.run.snapshot.connect(lambda s: marks.append((time.perf_counter(), s.step)))  # GUI thread (Task re-emits)
    state.models.live_model_changed.connect(lambda: published.__setitem__(0, published[0] + 1))
    late = Lateness()
    loop = QEventLoop()
    page.run.ended.connect(loop.quit)
    late.start()
    t0 = time.perf_counter()
    page.on_start()
    loop.exec()
    late.stop()
    wall = time.perf_counter() - t0
    page.grab().save(str(Path(os.environ.get("AEVIZ_BENCH_PNG", "/tmp/aeviz-training-gui.png"))))
    (t_first, s_first), (t_last, s_last) = marks[0], marks[-1]
    gui = (s_last - s_first) * 128 / (t_last - t_first)
    after = plain_loop(x, steps, 128, threads)
    print(f"plain loop (after):  {after:,.0f} samples/s", flush=True)
    reference = (before + after) / 2
    lateness = np.asarray(late.late)
    epochs = [h["elapsed"] for h in page.history]
    epoch_times = np.diff([0.0] + epochs)
    print(f"GUI live training: {gui:,.0f} samples/s over {t_last - t_first:.1f} s "
          f"({len(marks)} snapshots, {redraws[0] / (t_last - t_first):.1f} reconstruction redraws/s, "
          f"{published[0]} live models published); ratio to the plain loop: {gui / reference:.3f} (target >= 0.95), "
          f"to the headless Trainer: {gui / headless:.3f}")
    print(f"GUI event-loop lateness (10 ms timer, {len(lateness)} ticks): median {np.median(lateness):.1f} ms, "
          f"p99 {np.percentile(lateness, 99):.1f} ms (target <= 30), max {lateness.max():.1f} ms")
    print(f"epoch time in the GUI, {len(x)} images: " + ", ".join(f"{t:.1f} s" for t in epoch_times)
          + f" (wall {wall:.1f} s incl. data loading and validation)")
    print(f"final validation loss {page.history[-1]['val_loss']:.4f}")
    page.shutdown()
    page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
