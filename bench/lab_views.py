"""Save and restore a lab page's view, offscreen (not a test): target ≤ 100 ms each.

Run from the checkout: ``python bench/lab_views.py``. For each preset of the convolution
and transposed-convolution pages, and for a large custom state (10×10 input, 64×100
matrix), prints the median over repeats of ``current_view()`` + ``save_view`` and of
``load_view`` + ``open_view`` into a new page (the page redrawn from the state), and, for
information, the same plus one turn of the event loop (the repaint it schedules).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("AEVIZ_CONFIG_DIR", "/tmp/aeviz-bench-config")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from aeviz.core.viewfile import load_view, save_view  # noqa: E402
from aeviz.ui.app_state import AppState  # noqa: E402
from aeviz.ui.settings import Settings  # noqa: E402

REPEATS = 15


def ms(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def bench(app, make_page, value, folder: Path) -> tuple[float, float, float]:
    page = make_page()
    page.resize(1440, 900)
    page.show()
    page.store.replace(value)
    app.processEvents()
    target = page.store.value.__class__()
    readers = []
    for _ in range(2):
        reader = make_page()
        reader.resize(1440, 900)
        reader.show()
        app.processEvents()
        readers.append(reader)
    save, load, load_paint = [], [], []
    for i in range(REPEATS):
        path = folder / f"v{i}.aevizview"
        save.append(ms(lambda: save_view(path, page.current_view())))
        reader = readers[i % 2]
        reader.store.replace(target)   # the reader shows something else before each restore
        app.processEvents()
        load.append(ms(lambda: reader.open_view(load_view(path))))
        reader.store.replace(target)
        app.processEvents()
        load_paint.append(ms(lambda: (reader.open_view(load_view(path)), app.processEvents())))
    for p in [page] + readers:
        p.close()
        p.deleteLater()
    app.processEvents()
    return statistics.median(save), statistics.median(load), statistics.median(load_paint)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    state = AppState(Settings(language="fr"), base_point_size=10.0)
    state.persist = False
    state.apply_font()
    from aeviz.state import convolution, transposed
    from aeviz.ui.pages.convolution import ConvolutionPage
    from aeviz.ui.pages.transposed import TransposedPage

    big = tuple(tuple((r * 10 + c) % 9 for c in range(10)) for r in range(10))
    cases = [("convolution", ConvolutionPage, name, make()) for name, make in convolution.PRESETS.items()]
    cases.append(("convolution", ConvolutionPage, "10×10 ⋆ 3×3",
                  convolution.ConvolutionState(input_grid=big, step=40, selected="output", selected_row=5,
                                               selected_col=0, section="matrix")))
    cases += [("transposed", TransposedPage, name, make()) for name, make in transposed.PRESETS.items()]
    cases.append(("transposed", TransposedPage, "4×4 → 9×9",
                  transposed.TransposedState(input_grid=tuple(r[:4] for r in big[:4]), stride=2,
                                             step=5, selected="input", selected_row=1, selected_col=1)))
    print(f"median of {REPEATS}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        for page_id, cls, name, value in cases:
            save, load, painted = bench(app, lambda: cls(state), value, Path(folder))
            print(f"{page_id:<12} {name:<14} current_view+save_view {save:6.1f} ms | load_view+open_view {load:6.1f} ms "
                  f"| + event loop (repaint) {painted:6.1f} ms")


if __name__ == "__main__":
    main()
