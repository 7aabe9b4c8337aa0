"""Start-up time: process start to first painted main window, aeviz vs a bare window.

Both are measured in the same run, alternating, as wall time from spawning the
process to reading "painted" from it. The bare reference is a PySide6 QMainWindow
holding one pyqtgraph PlotWidget. Target: aeviz median <= 1.0 s on a 2-core machine.

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(pg.PlotWidget())
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint:
            print("painted", flush=True)
            QTimer.singleShot(0, app.quit)
        return False
probe = Probe()
app.installEventFilter(probe)
window.resize(1280, 820)
window.show()
app.exec()
"""


def time_to_paint(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    for line in process.stdout:
        if line.strip() == "painted":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{command} never painted")
    process.wait(timeout=60)
    return elapsed


def alternate(command_a: list[str], command_b: list[str], env: dict, runs: int) -> tuple[list[float], list[float]]:
    """Times to first paint of two commands, run alternately after one warm-up each (file cache)."""
    time_to_paint(command_a, env), time_to_paint(command_b, env)
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(time_to_paint(command_a, env))
        times_b.append(time_to_paint(command_b, env))
    return times_a, times_b


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="aeviz-bench-")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               AEVIZ_QUIT_AFTER_PAINT="1", AEVIZ_CONFIG_DIR=scratch, AEVIZ_DATA_DIR=scratch)
    aeviz_cmd = [sys.executable, "-m", "aeviz", "--lang", "fr"]
    bare_cmd = [sys.executable, "-c", BARE]
    aeviz_times, bare_times = alternate(aeviz_cmd, bare_cmd, env, args.runs)
    med_a, med_b = statistics.median(aeviz_times), statistics.median(bare_times)
    print(f"runs: {args.runs} (alternating), platform {env['QT_QPA_PLATFORM']}")
    print(f"aeviz first painted window:        median {med_a:.3f} s  (min {min(aeviz_times):.3f}, max {max(aeviz_times):.3f})")
    print(f"bare PySide6 + PlotWidget window:  median {med_b:.3f} s  (min {min(bare_times):.3f}, max {max(bare_times):.3f})")
    print(f"ratio aeviz / bare: {med_a / med_b:.2f}   target: aeviz median <= 1.0 s -> {'OK' if med_a <= 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
