"""Live training in the GUI versus a plain loop: throughput ratios, event-loop lateness, redraw rates.

Run from the repository root (offscreen; about 40 s per rep at 1 thread on a 2-core machine)::

    python bench/training_gui.py --threads 1 --reps 3
    python bench/training_gui.py --threads 2 --reps 3
    python bench/training_gui.py --threads 2 --reps 1 --limit 20000 --epochs 1   # a quick look

Each rep measures, in this order and in this one process, for the MLP autoencoder
784-256-64-2 (Adam, batch 128, MSE) on the full MNIST training set:

1. a plain torch loop over the same model, data and number of steps: no Trainer, no GUI;
2. the core Trainer driven exactly as the page drives it (the form's TrainConfig: snapshots
   with reconstructions every 0.15 s, a model copy every 2 s, validation at each epoch end),
   without any GUI;
3. the plain loop again;
4. the real training page, shown offscreen at 1440×900, training live with its curves,
   reconstructions and progress bar (wall clock between the first and the last snapshot
   the GUI receives), while a 10 ms precise QTimer records how late it fires;
5. the plain loop again;
6. the headless Trainer and the plain loop again, taking turns at each of the Trainer's
   snapshots (same steps on each side): the ratio least disturbed by a changing load.

Each contender is compared with the mean of the plain loops just before and just after it
(the headless Trainer with 1 and 3, the GUI with 3 and 5), so a machine that gets busier or
quieter during the rep weighs on both sides alike; the three plain loops are printed. The summary gives min / median /
max over the reps of headless / plain and GUI / plain (targets ≥ 0.97 and ≥ 0.95), the
lateness p50 / p99 / max (target p99 ≤ 30 ms) and how often the reconstructions and the
curves were really redrawn (targets ≥ 5/s and ≥ 1/s).

On a shared machine the wall-clock ratios move with whatever else runs, so each rep also
prints CPU milliseconds per 1000 training samples (``time.process_time``: every thread of this
process, torch's OpenMP threads included) over the same window as its samples/s: the plain loop,
the headless Trainer, and the GUI run split into the GUI thread (``time.thread_time`` there) and
the rest (the training thread and its OpenMP threads). The CPU ratios plain / headless and
plain / GUI-training say how much work the Trainer and the live page add to each training
sample whatever the load; plain / GUI-total also charges the drawing, which a second core
absorbs when one is free.

The thread count is applied the way the app applies it: ``OMP_WAIT_POLICY`` from
:func:`aeviz.core.threads.configure_openmp` before torch is imported (``--wait-policy`` overrides).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BATCH = 128


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads of every side (a fixed count; bench/threads.py measures the app's Auto)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--limit", type=int, default=60000, help="training images (default: full MNIST)")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--wait-policy", choices=("PASSIVE", "ACTIVE", "unset"), default=None,
                    help="OMP_WAIT_POLICY (default: what the app sets)")
    return ap.parse_args(argv)


def plain_loop(x, epochs: int, threads: int) -> tuple[float, float]:
    """The reference: the same model, optimizer and steps, nothing else (samples/s, CPU ms per 1000 samples)."""
    import torch

    from aeviz.core.models import ModelConfig, build_model

    torch.set_num_threads(threads)
    model = build_model(ModelConfig("mlp", 2, hidden=(256, 64)), seed=0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    gen = torch.Generator().manual_seed(0)
    n = x.shape[0]
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        for pos in range(0, n, BATCH):
            xb = x[perm[pos:pos + BATCH]]
            loss = model.loss(xb, xb, "mse")
            value = loss.item()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert value == value
    return epochs * n / elapsed, 1e6 * cpu / (epochs * n)


def headless_trainer(data, config) -> tuple[float, float]:
    """The core Trainer as the page drives it, timed like the GUI run (first to last snapshot):
    samples/s and CPU ms per 1000 samples."""
    from aeviz.core.models import ModelConfig, build_model
    from aeviz.core.session import noisy_preview, with_model_copies
    from aeviz.core.training import Trainer
    from aeviz.ui.train_run import COPY_EVERY_S

    model = build_model(ModelConfig("mlp", 2, hidden=(256, 64)), seed=config.seed)
    trainer = Trainer(model, data.train, config, val_data=data.val,
                      preview_images=noisy_preview(data.preview, config.noise, config.seed))
    marks = [(time.perf_counter(), time.process_time(), snap.step)
             for snap, _copy in with_model_copies(trainer.run(), model, COPY_EVERY_S)]
    (t0, c0, s0), (t1, c1, s1) = marks[0], marks[-1]
    samples = (s1 - s0) * BATCH
    return samples / (t1 - t0), 1e6 * (c1 - c0) / samples


def interleaved(data, config, x, threads: int) -> tuple[float, float]:
    """The headless Trainer and the plain loop taking turns at each of the Trainer's snapshots
    (~0.15 s): after each stretch of Trainer steps the plain loop does as many steps, so both
    see the same load to within a fraction of a second. Returns (plain / Trainer) for wall time
    and for process CPU time over the whole run (its snapshots, previews, copies and validations
    included)."""
    import torch

    from aeviz.core.models import ModelConfig, build_model
    from aeviz.core.session import noisy_preview, with_model_copies
    from aeviz.core.training import Trainer
    from aeviz.ui.train_run import COPY_EVERY_S

    plain_model = build_model(ModelConfig("mlp", 2, hidden=(256, 64)), seed=0)
    opt = torch.optim.Adam(plain_model.parameters(), lr=1e-3, fused=True)
    gen = torch.Generator().manual_seed(0)
    n, where = x.shape[0], {"perm": None, "pos": 0}

    def plain_steps(count: int) -> None:
        for _ in range(count):
            if where["perm"] is None or where["pos"] >= n:
                where["perm"], where["pos"] = torch.randperm(n, generator=gen), 0
            xb = x[where["perm"][where["pos"]:where["pos"] + BATCH]]
            where["pos"] += BATCH
            loss = plain_model.loss(xb, xb, "mse")
            loss.item()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    model = build_model(ModelConfig("mlp", 2, hidden=(256, 64)), seed=config.seed)
    trainer = Trainer(model, data.train, config, val_data=data.val,
                      preview_images=noisy_preview(data.preview, config.noise, config.seed))
    torch.set_num_threads(threads)
    snapshots = with_model_copies(trainer.run(), model, COPY_EVERY_S)
    wall = {"trainer": 0.0, "plain": 0.0}
    cpu = {"trainer": 0.0, "plain": 0.0}
    done_steps = 0
    while True:
        w, c = time.perf_counter(), time.process_time()
        item = next(snapshots, None)
        wall["trainer"] += time.perf_counter() - w
        cpu["trainer"] += time.process_time() - c
        if item is None:
            break
        steps, done_steps = item[0].step - done_steps, item[0].step
        w, c = time.perf_counter(), time.process_time()
        plain_steps(steps)
        wall["plain"] += time.perf_counter() - w
        cpu["plain"] += time.process_time() - c
    return wall["plain"] / wall["trainer"], cpu["plain"] / cpu["trainer"]


class Lateness:
    """A 10 ms precise timer that records how late it fires (ms)."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.late: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.last = 0.0

    def start(self):
        self.last = time.perf_counter()
        self.timer.start()

    def tick(self):
        now = time.perf_counter()
        self.late.append(max(0.0, (now - self.last) * 1000 - 10))
        self.last = now

    def stop(self):
        self.timer.stop()


class Counter:
    """Counts calls of one method of one object (GUI thread only), then calls it."""

    def __init__(self, obj, name: str):
        self.n = 0
        original = getattr(obj, name)

        def counting(*args, **kwargs):
            self.n += 1
            return original(*args, **kwargs)

        setattr(obj, name, counting)


def gui_run(app, page, state) -> dict:
    """One live run on the page from a fresh model; throughput, lateness, redraw counts."""
    from PySide6.QtCore import QEventLoop

    page.on_reset()
    marks: list[tuple[float, float, float, int]] = []  # wall, process CPU, GUI thread CPU, step
    recon = Counter(page.previews, "set_output")
    curves = Counter(page.curves.train_line, "setData")
    published = [0]

    def mark(snap):  # TrainRun emits on the GUI thread
        marks.append((time.perf_counter(), time.process_time(), time.thread_time(), snap.step))

    def count_published():
        published[0] += 1

    page.run.snapshot.connect(mark)
    state.models.live_model_changed.connect(count_published)
    late = Lateness()
    loop = QEventLoop()
    page.run.ended.connect(loop.quit)
    late.start()
    page.on_start()
    loop.exec()
    late.stop()
    page.run.snapshot.disconnect(mark)
    page.run.ended.disconnect(loop.quit)
    state.models.live_model_changed.disconnect(count_published)
    (t0, p0, g0, s0), (t1, p1, g1, s1) = marks[0], marks[-1]
    seconds, samples, gui_cpu = t1 - t0, (s1 - s0) * BATCH, g1 - g0
    return {"rate": samples / seconds, "seconds": seconds, "snapshots": len(marks),
            "late": late.late, "recon_per_s": recon.n / seconds, "curves_per_s": curves.n / seconds,
            "published": published[0], "gui_cpu": gui_cpu / seconds, "val_loss": page.history[-1]["val_loss"],
            "cpu_gui_thread": 1e6 * gui_cpu / samples, "cpu_training": 1e6 * (p1 - p0 - gui_cpu) / samples}


#: (printed name, key of a rep's row, scale) of the summary's lines
SUMMARY = (("headless / plain (>= 0.97)", "headless", 1), ("GUI / plain (>= 0.95)", "gui", 1),
           ("lateness p50 (ms)", "p50", 1), ("lateness p99 (ms, <= 30)", "p99", 1), ("lateness max (ms)", "max", 1),
           ("reconstructions/s (>= 5)", "recon", 1), ("curve redraws/s (>= 1)", "curves", 1),
           ("GUI thread CPU (% of run)", "gui_cpu", 100), ("CPU: plain / headless", "cpu_headless", 1),
           ("CPU: plain / GUI training", "cpu_gui_training", 1), ("CPU: plain / GUI total", "cpu_gui_total", 1),
           ("turns: headless / plain wall", "turns_wall", 1), ("turns: headless / plain CPU", "turns_cpu", 1),
           ("load average (1 min)", "load", 1))


def summary(name: str, values) -> str:
    import numpy as np

    v = np.asarray(values, float)
    return f"{name:<28} {v.min():8.3f} {np.median(v):8.3f} {v.max():8.3f}"


def main(argv=None) -> int:
    args = parse_args(argv)
    from aeviz.core.threads import configure_openmp, usable_cores

    if args.wait_policy == "unset":
        os.environ.pop("OMP_WAIT_POLICY", None)
    elif args.wait_policy:
        os.environ["OMP_WAIT_POLICY"] = args.wait_policy
    else:
        configure_openmp()
    threads = args.threads

    import numpy as np
    import torch
    from PySide6.QtWidgets import QApplication

    from aeviz.core.session import DataSpec, load_training_data
    from aeviz.ui import gui_gc
    from aeviz.ui.app_state import AppState
    from aeviz.ui.pages.training import TrainingPage
    from aeviz.ui.settings import Settings

    app = QApplication([])
    gui_gc.install(app)  # as the app does: no collection of the whole heap in the training thread
    state = AppState(Settings(language="en"))
    state.persist = False
    state.apply_font()
    data = load_training_data(DataSpec(limit=args.limit))
    x = torch.from_numpy(data.train.as_float()).reshape(-1, 1, 28, 28)
    print(f"torch {torch.__version__}, {threads} torch thread(s) on {usable_cores()} usable core(s), "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}; {len(x)} MNIST images, "
          f"{len(data.val)} for validation, {args.epochs} epochs; MLP 784-256-64-2, Adam, batch {BATCH}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)

    page = TrainingPage(state)
    page.resize(1440, 900)
    page.show()
    page.store.set(subset=args.limit, kind="mlp", latent=2, hidden=(256, 64), epochs=args.epochs, threads=threads)
    deadline = time.time() + 60
    while (page.run.data is None or page.run.data.spec.limit != args.limit) and time.time() < deadline:
        app.processEvents()
        time.sleep(0.01)
    config = page.store.value.train_config()
    assert config.num_threads == threads

    plain_loop(x[:128 * 50], 1, threads)  # warm-up: imports the optimizer machinery
    rows = []
    for rep in range(1, args.reps + 1):
        load = os.getloadavg()[0]
        before, cpu_before = plain_loop(x, args.epochs, threads)
        headless, cpu_headless = headless_trainer(data, config)
        between, cpu_between = plain_loop(x, args.epochs, threads)
        gui = gui_run(app, page, state)
        after, cpu_after = plain_loop(x, args.epochs, threads)
        turns_wall, turns_cpu = interleaved(data, config, x, threads)
        ref_headless, cpu_ref_headless = (before + between) / 2, (cpu_before + cpu_between) / 2
        reference, cpu_plain = (between + after) / 2, (cpu_between + cpu_after) / 2
        late = np.asarray(gui["late"])
        row = {"headless": headless / ref_headless, "gui": gui["rate"] / reference, "p50": np.percentile(late, 50),
               "p99": np.percentile(late, 99), "max": late.max(), "recon": gui["recon_per_s"],
               "curves": gui["curves_per_s"], "gui_cpu": gui["gui_cpu"], "load": (load + os.getloadavg()[0]) / 2,
               "cpu_headless": cpu_ref_headless / cpu_headless, "cpu_gui_training": cpu_plain / gui["cpu_training"],
               "cpu_gui_total": cpu_plain / (gui["cpu_training"] + gui["cpu_gui_thread"]),
               "turns_wall": turns_wall, "turns_cpu": turns_cpu}
        rows.append(row)
        print(f"rep {rep}: plain {before:,.0f} → {between:,.0f} → {after:,.0f} samples/s (around the headless "
              f"Trainer, then the GUI run); "
              f"headless Trainer {headless:,.0f} ({row['headless']:.3f}×); GUI {gui['rate']:,.0f} over "
              f"{gui['seconds']:.1f} s ({row['gui']:.3f}×); lateness p50 {row['p50']:.1f} / p99 {row['p99']:.1f} / "
              f"max {row['max']:.1f} ms; {row['recon']:.1f} reconstructions/s, {row['curves']:.2f} curve redraws/s, "
              f"GUI thread busy {100 * gui['gui_cpu']:.1f} % of the run; {gui['snapshots']} snapshots, {gui['published']} live models published; "
              f"validation loss {gui['val_loss']:.4f}; load average {os.getloadavg()[0]:.2f}\n"
              f"       CPU ms per 1000 samples: plain {cpu_before:.1f} → {cpu_between:.1f} → {cpu_after:.1f}; headless {cpu_headless:.1f} "
              f"({row['cpu_headless']:.3f}×); GUI run: training {gui['cpu_training']:.1f} ({row['cpu_gui_training']:.3f}×) "
              f"+ GUI thread {gui['cpu_gui_thread']:.1f} (total {row['cpu_gui_total']:.3f}×)\n"
              f"       headless Trainer and plain loop taking turns every snapshot: {turns_wall:.3f}× in wall time, "
              f"{turns_cpu:.3f}× in CPU time", flush=True)
    print(f"\n{'over ' + str(len(rows)) + ' reps':<28} {'min':>8} {'median':>8} {'max':>8}")
    for name, key, scale in SUMMARY:
        print(summary(name, [scale * r[key] for r in rows]))
    page.grab().save(os.environ.get("AEVIZ_BENCH_PNG", "/tmp/aeviz-training-gui.png"))
    page.shutdown()
    page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
