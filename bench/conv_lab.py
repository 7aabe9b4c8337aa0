"""Edit one cell → both views recomputed and redrawn, offscreen (not a test).

Run from the checkout: ``python bench/conv_lab.py``. Prints the median time over
repeated edits for the convolution page (8×8 ⋆ 3×3 and 10×10 ⋆ 5×5: target ≤ 16 ms)
and, for information, the transposed page. The page is shown in a 1440×900 window
and two figures are given: an edit followed by one turn of the event loop (the
recomputation, relayout and the paints Qt schedules for what changed), and the same
with a forced ``repaint()`` of both views, every visible cell drawn.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("AEVIZ_CONFIG_DIR", "/tmp/aeviz-bench-config")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from aeviz.ui.app_state import AppState  # noqa: E402
from aeviz.ui.settings import Settings  # noqa: E402


def bench(page, n_in: int, n_k: int, repeats: int = 40) -> tuple[float, float]:
    """Median ms of (edit + event loop turn) and of (edit + forced repaint of both views)."""
    rng = np.random.default_rng(0)
    page.kernel_editor.set_values(rng.integers(-2, 3, (n_k, n_k)))
    page.input_editor.set_values(rng.integers(0, 10, (n_in, n_in)))
    page.stepper.set_index(0)   # highlights on, as in class
    app = QApplication.instance()
    app.processEvents()
    results = []
    for force in (False, True):
        times = []
        for i in range(repeats):
            r, c = divmod(i % (n_in * n_in), n_in)
            text = str(int(rng.integers(0, 100)) + 100 * (i % 2))
            t0 = time.perf_counter()
            page.input_editor.set_cell_text(r, c, text)
            if force:
                page.split.repaint()    # both views (direct + matrix), every visible cell painted now
            app.processEvents()         # layouts and the pending paints, as the event loop would
            times.append((time.perf_counter() - t0) * 1e3)
        results.append(statistics.median(times))
    return results[0], results[1]


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    state = AppState(Settings(language="en"), base_point_size=10.0)
    state.persist = False
    state.apply_font()
    from aeviz.ui.pages.convolution import ConvolutionPage
    from aeviz.ui.pages.transposed import TransposedPage

    for name, cls, cases in (("convolution", ConvolutionPage, ((8, 3), (10, 5))),
                             ("transposed", TransposedPage, ((2, 3), (4, 3)))):
        page = cls(state)
        page.resize(1440, 900)
        page.show()
        app.processEvents()
        for n_in, n_k in cases:
            loop_ms, forced_ms = bench(page, n_in, n_k)
            print(f"{name:<12} {n_in:>2}×{n_in:<2} input, {n_k}×{n_k} kernel: edit → event loop {loop_ms:6.2f} ms, "
                  f"edit → both views fully repainted {forced_ms:6.2f} ms (median)")
        page.close()
        page.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
