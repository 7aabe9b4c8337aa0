"""Time saving and restoring the training page's view (target: at most 100 ms each, training not counted).

    PYTHONPATH=$PWD QT_QPA_PLATFORM=offscreen python bench/training_view.py [--reps 5]

Three views: the "what_is_ae" preset (an untrained MLP rebuilt from its seed), the
"denoising" preset (the shipped denoiser opened by id) and a model trained here for two
epochs (its weights, history and live curves embedded). For each: ``current_view()`` +
``save_view`` on the page that shows it, then ``load_view`` + ``open_view`` on a second
page that already has its data (reading MNIST is the data's cost, not the view's).
Medians of ``--reps`` runs, printed side by side with the file size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()

    import torch
    from PySide6.QtWidgets import QApplication

    from aeviz.core.viewfile import View, load_view, save_view
    from aeviz.state.training import PRESETS
    from aeviz.ui.app_state import AppState
    from aeviz.ui.pages.training import TrainingPage
    from aeviz.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    torch.set_num_threads(1)
    state = AppState(Settings(language="fr"), base_point_size=10.0)

    def wait(condition, timeout_s=300.0):
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("timed out")
            app.processEvents()
            time.sleep(0.005)

    def ready_page() -> TrainingPage:
        page = TrainingPage(state)
        page.resize(1280, 800)
        page.store.set(subset=1000, threads=1)
        wait(lambda: page.run.data is not None and len(page.run.data.train) == 1000 and not page.run.loading())
        return page

    source, target = ready_page(), ready_page()
    folder = Path(tempfile.mkdtemp(prefix="aeviz-bench-view-"))
    print(f"{'view':<12} {'save ms':>8} {'restore ms':>11} {'file KiB':>9}", flush=True)
    for name in ("what_is_ae", "denoising", "trained"):
        if name == "trained":
            source.store.set(epochs=2, latent=2)
            source.panel.start_button.click()
            wait(lambda: source.store.value.phase == "done" and not source.run.running())
        else:
            source.open_view(View(page="training", state=dict(PRESETS[name]().to_dict(), subset=1000, threads=1)))
            wait(lambda: not source.run.loading())
        saves, restores = [], []
        path = folder / f"{name}.aevizview"
        for _ in range(args.reps):
            t0 = time.perf_counter()
            save_view(path, source.current_view())
            t1 = time.perf_counter()
            target.open_view(load_view(path))
            t2 = time.perf_counter()
            saves.append(t1 - t0)
            restores.append(t2 - t1)
            assert target.store.value == source.store.value
        print(f"{name:<12} {1000 * statistics.median(saves):8.1f} {1000 * statistics.median(restores):11.1f} "
              f"{path.stat().st_size / 1024:9.1f}", flush=True)
    for page in (source, target):
        page.shutdown()


if __name__ == "__main__":
    main()
