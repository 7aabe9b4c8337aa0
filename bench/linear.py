"""Time the SVD optimum for n MNIST images in the real linear page (offscreen).

Command (from the repository root)::

    python bench/linear.py            # n = 10000, cold (no cache) then from the disk cache

Measures from the request (choosing "MNIST images") to the floor line set in the
plot, with the event loop running, first with an empty cache, then with the
spectrum cached on disk (a new page, as after a restart), then from memory (k change).
MNIST itself is loaded once before timing, as the app does at start.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["AEVIZ_DATA_DIR"] = tempfile.mkdtemp(prefix="aeviz-bench-")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    from PySide6.QtWidgets import QApplication

    from aeviz.core.datasets import load_mnist
    from aeviz.ui.app_state import AppState
    from aeviz.ui.pages.linear import MNIST_SIZES, LinearPage
    from aeviz.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    import torch

    from aeviz.core.threads import default_threads, usable_cores
    torch.set_num_threads(default_threads(usable_cores()))   # the most threads the app tries
    t = time.perf_counter()
    load_mnist("train")
    print(f"MNIST train loaded (once per session): {time.perf_counter() - t:.2f} s")
    state = AppState(Settings(language="en"))
    for label in ("cold (SVD computed)", "disk cache (new page)"):
        page = LinearPage(state)
        page.shutdown()
        page.n_combo.setCurrentIndex(MNIST_SIZES.index(n))
        start = time.perf_counter()
        page.source.setCurrentIndex(1)
        while page.spec is None or page.spec.n != n:
            app.processEvents()
            time.sleep(0.002)
        floor_y = page.floor_line.getData()[1][0]
        print(f"{label:24s} n={n}: floor {floor_y:.6f} on screen after {time.perf_counter() - start:.3f} s")
        start = time.perf_counter()
        page.k_spin.setValue(32)
        print(f"{'k change (memory)':24s} k=32: floor {page.floor:.6f} after {time.perf_counter() - start:.4f} s")
        page.shutdown()
        page.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
