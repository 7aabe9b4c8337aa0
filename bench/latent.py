"""Latent page: slider → decoded image redrawn, scatter setData and hover at 60k points (not a test).

Run from the checkout: ``python bench/latent.py``. Prints medians (ms):

* slider moved → decoded image redrawn, with the pretrained MLP (target ≤ 16 ms): the
  slider's setValue (decode of one code on the GUI thread, image update) followed by a
  forced ``repaint()`` of the decoded view; same for the morph α slider;
* scatter ``set_points`` with the 60 000 MNIST training codes (target ≤ 150 ms);
* a full repaint and a pan frame of that map (target ≤ 33 ms each), side by side with
  pyqtgraph's own ScatterPlotItem drawing the same points in a plot of the same size
  (the map must never be slower);
* hover lookup among 60 000 visible points (target ≤ 5 ms): the numpy argmin in screen
  pixels, as the mouse-move handler runs it;
* encoding 60 000 images in the worker body (for information; never on the GUI thread).
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


def median_ms(fn, repeats: int) -> float:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def compare_with_scatter_plot_item(app, state, scatter, codes, labels) -> None:
    """Repaint and pan-frame times of the map and of a ScatterPlotItem plot, alternated in one run."""
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF

    from aeviz.ui.widgets.scatter import class_colors

    from aeviz.ui.widgets.scatter import LatentScatter

    # The same plot (axes, grid, class names), with the cloud swapped for a ScatterPlotItem.
    reference = LatentScatter(state)
    reference.resize(scatter.size())
    reference.set_points(codes, labels, [str(i) for i in range(10)])
    reference.cloud.hide()
    colors = class_colors(state, 10)
    brushes = [pg.mkBrush(pg.mkColor(colors[c]).red(), pg.mkColor(colors[c]).green(),
                          pg.mkColor(colors[c]).blue(), 190) for c in range(10)]
    item = pg.ScatterPlotItem(x=codes[:, 0], y=codes[:, 1], size=scatter.cloud._size, pen=None,
                              brush=[brushes[c] for c in labels], pxMode=True)
    reference.addItem(item)
    reference.show()
    reference.getPlotItem().vb.setRange(rect=scatter.getPlotItem().vb.viewRect(), padding=0)
    app.processEvents()

    def pan(widget, i):
        vb = widget.getPlotItem().vb
        step = vb.viewPixelSize()[0] * (7 if i % 2 else -7)
        vb.translateBy(QPointF(step, 0))
        widget.viewport().repaint()

    widgets = (("map", scatter), ("ScatterPlotItem", reference))
    for _name, widget in widgets:
        widget.viewport().repaint()  # the first paint builds caches
    samples = {name: ([], []) for name, _w in widgets}
    for i in range(9):  # alternate the two, so a busy spell of the machine hits both
        for name, widget in widgets:
            samples[name][0].append(median_ms(lambda _i: widget.viewport().repaint(), 1))
            samples[name][1].append(median_ms(lambda _i: pan(widget, i), 1))
    figures = {name: (statistics.median(full), statistics.median(frame)) for name, (full, frame) in samples.items()}
    for name, (full, frame) in figures.items():
        print(f"{name:>16}, 60 000 points: full repaint {full:6.1f} ms, pan frame {frame:6.1f} ms (target ≤ 33)")
    ratio = figures["map"][0] / figures["ScatterPlotItem"][0], figures["map"][1] / figures["ScatterPlotItem"][1]
    print(f"map / ScatterPlotItem: repaint {ratio[0]:.2f}×, pan frame {ratio[1]:.2f}× (must be ≤ 1)")
    reference.close()


def main() -> None:
    import torch

    torch.set_num_threads(1)
    app = QApplication.instance() or QApplication([])
    state = AppState(Settings(language="en"))
    from aeviz.core import latent as L
    from aeviz.core.datasets import load_mnist
    from aeviz.core.pretrained import load_pretrained
    from aeviz.ui.pages.latent import LatentPage

    page = LatentPage(state)
    page.resize(1440, 860)
    page.show()
    page.prepare_for_screenshot()  # mlp_latent2 on MNIST test (10k), synchronously
    app.processEvents()

    sliders = page.tab_pages[1]
    page.tabs.setCurrentIndex(1)
    app.processEvents()

    def move_slider(i):
        sliders.sliders[i % 2].setValue((i * 37) % 1000)
        sliders.decoded.repaint()

    print(f"slider → decoded image redrawn (MLP, k=2): {median_ms(move_slider, 200):.2f} ms (target ≤ 16)")
    morph = page.tab_pages[0]
    page.tabs.setCurrentIndex(0)
    app.processEvents()

    def move_alpha(i):
        morph.alpha.setValue((i * 7) % 101)
        morph.decoded.repaint()
        morph.blend.repaint()

    print(f"morph α → decoded + blend redrawn:        {median_ms(move_alpha, 200):.2f} ms")

    model = load_pretrained("mlp_latent2").model
    train = load_mnist("train")
    start = time.perf_counter()
    gen = L.encode_iter(model, train.images)
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        codes = stop.value
    print(f"encode 60 000 images (worker body, 1 thread): {time.perf_counter() - start:.2f} s")

    scatter = page.scatter
    names = [str(i) for i in range(10)]
    set_ms = median_ms(lambda _i: scatter.set_points(codes, train.labels, names), 7)
    print(f"scatter set_points, 60 000 points:        {set_ms:.1f} ms (target ≤ 150)")
    assert scatter.cloud.point_count() == 60000
    compare_with_scatter_plot_item(app, page.state, scatter, codes, train.labels)
    rng = np.random.default_rng(0)
    queries = codes[rng.integers(0, len(codes), 200)] + rng.normal(0, 0.3, (200, 2))
    hover_ms = median_ms(lambda i: scatter.nearest(*queries[i]), 200)
    print(f"hover lookup among 60 000 points:         {hover_ms:.2f} ms (target ≤ 5)")
    vb = scatter.getPlotItem().vb
    from PySide6.QtCore import QPointF
    scene = [vb.mapViewToScene(QPointF(float(x), float(y))) for x, y in queries]
    move_ms = median_ms(lambda i: scatter._on_mouse_moved(scene[i]), 200)
    print(f"mouse move → hover + image/recon shown:   {move_ms:.2f} ms")
    page.shutdown()
    page.close()


if __name__ == "__main__":
    main()
