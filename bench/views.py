"""Saving and restoring each page's view: the time of each half, per page.

For every page with a state, in a real main window (offscreen): "save" is
``page.current_view()`` + writing the ``.aevizview`` file; "restore" is reading it back
+ ``open_view`` on a freshly built page of the same kind + processing the events the change
posts (the redraw); building the page is not counted. Training
is not counted: the pages are in their start-up state (the training page saves no
weights then) and, with ``--trained``, the training page's view also carries a model.

Target: each ≤ 100 ms.

    python bench/views.py [--reps 7] [--lang fr]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--lang", default="fr")
    args = ap.parse_args(argv)

    from aeviz.core.viewfile import load_view, save_view
    from aeviz.ui.app import create_application, make_state
    from aeviz.ui.main_window import MainWindow
    from aeviz.ui.pages import page_ids

    app = create_application()
    state, _ = make_state(app, args.lang, None, None, False, persist=False)
    window = MainWindow(state)
    window.resize(1440, 900)
    window.show()
    folder = Path(tempfile.mkdtemp(prefix="aeviz-bench-views-"))
    print(f"{'page':<12} {'save ms (min/median/max)':>26} {'restore ms (min/median/max)':>29}  size")
    worst = 0.0
    for page_id in page_ids():
        window.show_page(page_id)
        page = window.page(page_id)
        page.prepare_for_screenshot()
        app.processEvents()
        if not page.can_save_view():
            continue
        # A state that differs from a fresh page's, so that restoring has something to redraw.
        import importlib
        default = type(page.store.value)()
        presets = importlib.import_module(f"aeviz.state.{page_id}").PRESETS
        chosen = next((make() for make in presets.values() if make() != default), None)
        if chosen is not None:
            page.open_state(chosen)
            page.prepare_for_screenshot()
            app.processEvents()
        saves, restores = [], []
        path = folder / f"{page_id}.aevizview"
        for _ in range(args.reps):
            t0 = time.perf_counter()
            save_view(path, page.current_view())
            saves.append(1000 * (time.perf_counter() - t0))
            fresh = type(page)(state)
            fresh.resize(page.size())
            fresh.show()
            app.processEvents()
            t0 = time.perf_counter()
            fresh.open_view(load_view(path))
            app.processEvents()
            restores.append(1000 * (time.perf_counter() - t0))
            fresh.shutdown()
            fresh.close()
            fresh.deleteLater()
        fmt = lambda xs: f"{min(xs):6.1f} {statistics.median(xs):6.1f} {max(xs):6.1f}"
        worst = max(worst, statistics.median(saves), statistics.median(restores))
        print(f"{page_id:<12} {fmt(saves):>26} {fmt(restores):>29}  {path.stat().st_size:,} B")
    print(f"worst median: {worst:.1f} ms (target ≤ 100 ms)")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
