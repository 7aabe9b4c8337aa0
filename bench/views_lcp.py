"""Save and restore times of the linear, compression and pretraining pages' views.

Prints, per page, the median of 5 runs of ``current_view()`` + ``save_view`` and of
``load_view`` + ``open_view`` (the page's own work that follows, such as replaying a
fit, runs in the background and is timed apart: "ready"), and the view file's size.

    PYTHONPATH=$PWD QT_QPA_PLATFORM=offscreen python bench/views_lcp.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    import numpy as np
    import torch
    from PySide6.QtWidgets import QApplication

    from aeviz.core import compression as cp
    from aeviz.core.viewfile import load_view, save_view
    from aeviz.state import compression as cstate, linear as lstate, pretraining as pstate
    from aeviz.ui.app_state import AppState
    from aeviz.ui.pages.compression import CompressionPage
    from aeviz.ui.pages.linear import LinearPage
    from aeviz.ui.pages.pretraining import PretrainingPage
    from aeviz.ui.settings import Settings

    torch.set_num_threads(1)
    app = QApplication.instance() or QApplication([])
    state = AppState(Settings(language="fr"), base_point_size=10.0)
    rng = np.random.default_rng(0)
    full = cstate.CompressionState(k=8)
    for method in cstate.TRAINABLE:   # every short run the page can hold: the largest compression view
        for k in cp.K_GRID:
            images = rng.integers(0, 256, (8, 28, 28), dtype=np.uint8)
            full = full.with_point(cp.Point(method, k, 0.02, "trained", images, {"seconds": 60.0, "epochs": 3,
                                                                                  "n_train": 10000}))
    cases = [("linear (MNIST preset)", LinearPage, lstate.PRESETS["linear"]()),
             ("linear (stopped small matrix)", LinearPage, lstate.LinearState(k=3, fit="stopped", fit_step=149)),
             ("compression (24 short runs)", CompressionPage, full),
             ("pretraining (preset)", PretrainingPage, pstate.PRESETS["pretraining"]())]
    print(f"{'page':32s} {'save ms':>8s} {'open ms':>8s} {'ready s':>8s} {'file KB':>8s}")
    with tempfile.TemporaryDirectory() as folder:
        for name, cls, value in cases:
            page, other = cls(state), cls(state)
            page.store.replace(value)
            page.wait_until_idle(600)
            path = Path(folder) / f"{page.page_id}.aevizview"
            saves, opens = [], []
            for _ in range(5):
                t0 = time.perf_counter()
                save_view(path, page.current_view())
                saves.append(1000 * (time.perf_counter() - t0))
                t0 = time.perf_counter()
                other.open_view(load_view(path))
                opens.append(1000 * (time.perf_counter() - t0))
                t1 = time.perf_counter()
                other.wait_until_idle(600)
                ready = time.perf_counter() - t1
                other.store.replace(type(value)())   # the next open starts from another state
                other.wait_until_idle(600)
            print(f"{name:32s} {statistics.median(saves):8.1f} {statistics.median(opens):8.1f} {ready:8.2f} "
                  f"{path.stat().st_size / 1024:8.1f}")
            for p in (page, other):
                p.shutdown()
                p.wait_until_idle(60)
    app.processEvents()


if __name__ == "__main__":
    main()
