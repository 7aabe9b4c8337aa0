"""Closing the window from every busy state: exit codes and close-to-exit times.

Each try launches the real app (``python -m aeviz`` code path, offscreen) in a fresh
process, drives it into one state through its widgets, closes the main window and
measures the wall time from the close request to the process being gone. States:

    idle         nothing running (baseline)
    early-start  Start pressed 0.8 s after launch (the warm-up thread is still importing torch)
    training     a training run going on
    loading      an image folder being read (a few seconds of work)
    encoding     the latent page encoding the data set
    tsne         the latent page computing a t-SNE
    pretraining  the pretraining experiment running
    compression  the compression page training a point

Target: exit code 0 in every try, close-to-exit <= 1 s.

    python bench/shutdown.py [--tries 50] [--states training,loading]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATES = ("idle", "early-start", "training", "loading", "encoding", "tsne", "pretraining", "compression")

# The child: schedules its steps on the Qt event loop, then runs the app's own entry point.
CHILD = r"""
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from aeviz.ui.app import create_application

# Quitting with a model trained but never saved asks first; the user here answers "Discard"
# at once, and the timing starts from the close that follows.
QMessageBox.question = staticmethod(lambda *args, **kwargs: QMessageBox.Discard)

state, folder = sys.argv[1], sys.argv[2]
app = create_application()
t0 = time.monotonic()

def window():
    return next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")

def close():
    print(f"closing {time.time():.6f}", flush=True)
    window().close()

def when(condition, then, timeout_s=60.0):
    '''Run ``then`` once ``condition()`` holds (polled every 20 ms).'''
    deadline = time.monotonic() + timeout_s
    def poll():
        try:
            ok = condition()
        except Exception:
            ok = False
        if ok:
            then()
        elif time.monotonic() > deadline:
            print("state never reached", flush=True)
            close()
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(20, poll)

def later(seconds, then):
    QTimer.singleShot(int(seconds * 1000), then)

def drive():
    w = window()
    if state == "idle":
        later(1.0, close)
    elif state == "early-start":
        def press():
            w.show_page("training")
            w.page("training").panel.start_button.click()
            later(0.3, close)
        later(max(0.0, 0.8 - (time.monotonic() - t0)), press)
    elif state == "training":
        w.show_page("training")
        page = w.page("training")
        when(lambda: page.run.data is not None, page.panel.start_button.click)
        when(lambda: page.last_snap is not None, lambda: later(0.5, close))
    elif state == "loading":
        w.show_page("training")
        page = w.page("training")
        def to_folder():
            page.store.set(source="folder", data_path=str(folder))
            later(1.0, close)
        when(lambda: page.run.data is not None, to_folder)
    elif state in ("encoding", "tsne"):
        w.show_page("latent")
        page = w.page("latent")
        if state == "encoding":
            when(lambda: page.encode_slot.busy, lambda: later(0.3, close))
        else:
            def tsne():
                page.store.set(map_kind="tsne")  # no shipped map for 2,000 images: computed in a worker
                later(1.0, close)
            page.store.replace(page.store.value.with_image_set("test_2000"))
            when(lambda: page.ready and len(page.session.codes) == 2000, tsne)
    elif state == "pretraining":
        w.show_page("pretraining")
        page = w.page("pretraining")
        page.run_button.click()
        later(1.5, close)
    elif state == "compression":
        w.show_page("compression")
        page = w.page("compression")
        page.recompute_button.click()  # the curves for every k: tens of seconds of training
        later(1.5, close)

def drive_or_close():
    try:
        drive()
    except Exception as exc:
        print(f"driver failed: {exc!r}", flush=True)
        close()

QTimer.singleShot(0, drive_or_close)
from aeviz.__main__ import main
sys.exit(main(["--lang", "fr"]))
"""


def make_image_folder(root: Path, per_class: int) -> Path:
    """Ten class folders of 64×64 greyscale PNGs: reading them takes a few seconds."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for c in range(10):
        folder = root / f"class{c}"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            Image.fromarray(rng.integers(0, 256, (64, 64), dtype=np.uint8)).save(folder / f"{i}.png")
    return root


def one_try(state: str, folder: Path, env: dict, start_timeout_s: float = 180.0,
            exit_timeout_s: float = 30.0) -> tuple[int, float | None, str]:
    """(exit code, seconds from the close request to the process being gone, stderr tail).

    A hang is a child still there ``exit_timeout_s`` after it asked its window to close, or
    one that never got as far as closing within ``start_timeout_s`` of its launch (on a
    loaded machine, start-up alone can take tens of seconds: the two are told apart)."""
    process = subprocess.Popen([sys.executable, "-c", CHILD, state, str(folder)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    closing, errors = [], []

    def read_stdout():
        for line in process.stdout:
            if line.startswith("closing "):
                closing.append(float(line.split()[1]))
            elif line.startswith(("driver failed", "state never reached")):
                print("   ", line.strip(), flush=True)

    readers = [threading.Thread(target=read_stdout, daemon=True),
               threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True)]  # a full pipe would block the child
    for reader in readers:
        reader.start()
    launched = time.time()
    while process.poll() is None:
        now = time.time()
        if (closing and now > closing[0] + exit_timeout_s) or (not closing and now > launched + start_timeout_s):
            break
        time.sleep(0.005)
    gone_at = time.time()
    if process.poll() is None:
        stacks = _stacks(process.pid)
        process.kill()
        process.wait()
        what = (f"did not exit within {exit_timeout_s:.0f} s of closing" if closing
                else f"never closed its window within {start_timeout_s:.0f} s of launch")
        return -9, None, f"killed: {what}\n" + stacks
    for reader in readers:
        reader.join(1.0)
    closing_at = closing[0] if closing else None
    return process.returncode, (gone_at - closing_at) if closing_at else None, "".join(errors).strip()[-300:]


def _stacks(pid: int) -> str:
    """Where a hung child is stuck: every thread's Python and native frames (py-spy, if installed),
    the whole dump also written to a file named in the first line."""
    if shutil.which("py-spy") is None:
        return ""
    dumps = []
    for extra in (["--native"], []):  # native frames show Qt/torch waits; fall back to Python only
        result = subprocess.run(["py-spy", "dump", "--pid", str(pid), *extra], capture_output=True, text=True, timeout=60)
        dumps.append(result.stdout + result.stderr)
    fd, name = tempfile.mkstemp(prefix=f"aeviz-hang-{pid}-", suffix=".txt")
    with os.fdopen(fd, "w") as out:
        out.write("\n\n".join(dumps))
    return f"stacks in {name}\n" + dumps[-1][-3000:]


def _distribution(times: list[float]) -> str:
    """min / median / p90 / p99 / max of the close-to-exit times."""
    if not times:
        return "no times"
    ordered = sorted(times)

    def q(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
    return (f"min {ordered[0]:.3f} median {statistics.median(ordered):.3f} p90 {q(0.9):.3f} "
            f"p99 {q(0.99):.3f} max {ordered[-1]:.3f}")


def child_env(private: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               AEVIZ_CONFIG_DIR=str(private / "config"), AEVIZ_DATA_DIR=str(private / "data"))
    return env


def run(states, tries: int, per_class: int, verbose: bool = False) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="aeviz-shutdown-") as tmp:
        private = Path(tmp)
        folder = make_image_folder(private / "images", per_class)
        env = child_env(private)
        for state in states:
            codes, times, notes = [], [], []
            load_before = os.getloadavg()[0]
            for _ in range(tries):
                code, seconds, stderr = one_try(state, folder, env)
                codes.append(code)
                if seconds is not None:
                    times.append(seconds)
                if code != 0 and stderr:
                    notes.append(stderr.splitlines()[0] if code == -9 else stderr.splitlines()[-1])
                    if code == -9 or verbose:
                        print(f"  {state}: exit {code}\n{stderr}", flush=True)
                if verbose:
                    print(f"  {state}: exit {code}, {seconds if seconds is None else round(seconds, 3)} s", flush=True)
            results[state] = (codes, times, notes)
            bad = sum(c != 0 for c in codes)
            hangs = sum(c == -9 for c in codes)
            print(f"{state:12s} tries {len(codes):3d}  non-zero exits {bad:3d} (hangs {hangs})  close->exit s: "
                  f"{_distribution(times)}  over 1 s {sum(t > 1.0 for t in times)}  "
                  f"load avg {load_before:.1f}->{os.getloadavg()[0]:.1f}"
                  + (f"  e.g. {notes[0]!r}" if notes else ""), flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tries", type=int, default=50)
    parser.add_argument("--states", default=",".join(STATES))
    parser.add_argument("--per-class", type=int, default=600, help="images per class in the folder to load")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    states = [s for s in args.states.split(",") if s]
    unknown = set(states) - set(STATES)
    if unknown:
        parser.error(f"unknown states: {', '.join(sorted(unknown))}")
    results = run(states, args.tries, args.per_class, args.verbose)
    failed = any(any(c != 0 for c in codes) or any(t > 1.0 for t in times) for codes, times, _ in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
