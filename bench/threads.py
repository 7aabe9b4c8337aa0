"""Which torch thread count trains fastest, on 1 or 2 cores, quiet or with another busy program.

Run from the repository root (about 20 s per scenario)::

    python bench/threads.py                                   # 1 and 2 cores, quiet and with 1 busy program
    python bench/threads.py --cores 2 --busy 0 --wait-policy unset   # libgomp's own spin-then-sleep
    python bench/threads.py --model conv --threads 1,2,auto           # the small convolutional autoencoder

Each scenario runs in a child process pinned to the first ``cores`` cores of this machine
(``os.sched_setaffinity``), with ``OMP_WAIT_POLICY`` set before torch loads, exactly as the
app does. ``--busy N`` also starts N pure-Python spinning processes on the same cores (another
program on the student's laptop). Inside the child a thread imitates the GUI (6 ms of Python
every 150 ms, about what the training page costs its GUI thread) while the MLP autoencoder
784-256-64-2 (or the small conv autoencoder) trains (Adam, batch 128, the plain loop of
bench/training_gui.py). Thread counts alternate round by round so a change of load hits them all;
the median samples/s per count is printed, and relative to 1 thread. "auto" runs the same loop
with the trainer's ThreadChooser picking the count (its first round pays the probe), and prints
what it chose each round. A machine with more cores than this one cannot be simulated.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_NAMES = ("mlp", "conv")  # the page's default MLP, and its small convolutional autoencoder


def child(args) -> None:
    import threading

    import numpy as np
    import torch

    sys.path.insert(0, str(ROOT))
    from aeviz.core.datasets import load_mnist
    from aeviz.core.models import ModelConfig, build_model

    MODELS = {"mlp": ModelConfig("mlp", 2, hidden=(256, 64)), "conv": ModelConfig("conv", 2)}
    x = torch.from_numpy(load_mnist("train", limit=20000).as_float()).reshape(-1, 1, 28, 28)
    model = build_model(MODELS[args.model], seed=0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    gen = torch.Generator().manual_seed(0)
    stop = threading.Event()

    def gui():  # Python work holding the GIL, like the page's redraws
        while not stop.wait(0.150):
            end = time.perf_counter() + 0.006
            while time.perf_counter() < end:
                pass

    threading.Thread(target=gui, daemon=True).start()

    from aeviz.core.threads import ThreadChooser, thread_candidates, usable_cores

    chooser = ThreadChooser(thread_candidates(usable_cores()))  # "auto": one chooser for the child's whole life
    chosen: list[int] = []

    def rate(threads, seconds: float) -> float:
        auto = threads == "auto"
        torch.set_num_threads(chooser.threads if auto else threads)
        steps, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            t_step = time.perf_counter()
            idx = torch.randint(0, x.shape[0], (128,), generator=gen)
            xb = x[idx]
            loss = model.loss(xb, xb, "mse")
            loss.item()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            steps += 1
            if auto:  # what the Trainer does with no thread count
                dt = time.perf_counter() - t_step
                if chooser.probing:
                    chooser.step_done(dt, 128)
                else:
                    chooser.trained(dt)
                torch.set_num_threads(chooser.threads)
        if auto:
            chosen.append(chooser.threads)
        return steps * 128 / (time.perf_counter() - start)

    counts = [t if t == "auto" else int(t) for t in args.threads.split(",")]
    for t in counts:
        if t != "auto":  # auto's first round pays its probe, as a real run does
            rate(t, 0.3)  # warm-up
    results = {t: [] for t in counts}
    for _ in range(args.rounds):
        for t in counts:
            results[t].append(rate(t, args.seconds))
    stop.set()
    base = np.median(results[counts[0]])
    print("  ".join(f"{t} thr {np.median(results[t]):7,.0f}/s ({np.median(results[t]) / base:.2f}×)" for t in counts)
          + (f"  [auto chose {', '.join(map(str, chosen))}]" if chosen else ""))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cores", default="1,2", help="scenarios: how many cores the process may use")
    ap.add_argument("--busy", default="0,1", help="scenarios: spinning programs on those cores")
    ap.add_argument("--threads", default="1,2,auto",
                    help="torch thread counts to compare; auto: the trainer's ThreadChooser (its probe included)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0, help="per thread count and round")
    ap.add_argument("--wait-policy", choices=("PASSIVE", "ACTIVE", "unset"), default="PASSIVE")
    ap.add_argument("--model", choices=MODEL_NAMES, default="mlp")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args)
        return 0
    available = sorted(os.sched_getaffinity(0))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OMP_WAIT_POLICY", None)
    if args.wait_policy != "unset":
        env["OMP_WAIT_POLICY"] = args.wait_policy
    print(f"{len(available)} cores here, {args.model} model, OMP_WAIT_POLICY={args.wait_policy}, load average {os.getloadavg()[0]:.2f}")
    for cores in (int(c) for c in args.cores.split(",")):
        cpu_set = set(available[:cores])
        for busy in (int(b) for b in args.busy.split(",")):
            spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
            try:
                for p in spinners:
                    os.sched_setaffinity(p.pid, cpu_set)
                cmd = [sys.executable, __file__, "--child", "--threads", args.threads, "--rounds", str(args.rounds),
                       "--seconds", str(args.seconds), "--model", args.model]
                out = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                     preexec_fn=lambda: os.sched_setaffinity(0, cpu_set))
            finally:
                for p in spinners:
                    p.kill()
                    p.wait()
            print(f"{cores} core(s), {busy} busy program(s): {out.stdout.strip() or out.stderr.strip()[-500:]}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
