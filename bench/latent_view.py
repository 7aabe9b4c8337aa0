"""Saving and reopening a view of the latent page: time of each half (target ≤ 100 ms).

    PYTHONPATH=$PWD QT_QPA_PLATFORM=offscreen python bench/latent_view.py

"save" is ``page.current_view()`` + ``save_view``; "open" is ``load_view`` + ``open_view`` on
another page showing the default state (validation, opening the model the view names,
drawing what changed; an encoding that follows runs in a worker and is not counted,
like training). Medians of 5.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication


def main() -> None:
    app = QApplication.instance() or QApplication([])
    from aeviz.core.models import ModelConfig, build_model
    from aeviz.core.viewfile import load_view, save_view
    from aeviz.state.latent import PRESETS, LatentState
    from aeviz.ui.app_state import AppState
    from aeviz.ui.pages.latent import LatentPage
    from aeviz.ui.settings import Settings

    state = AppState(Settings(language="fr"), base_point_size=10.0)
    config = ModelConfig("mlp", 2)
    state.models.publish_live(build_model(config, seed=0).eval(), config, "MLP", "mnist", training=False)
    cases = {"same model: pair, α, zoom, tab": LatentState(row_a=32, row_b=110, morph_alpha=0.3, hidden_classes=(5,),
                                                           map_range=(-10.0, 10.0, -5.0, 8.0), tab="sliders",
                                                           slider_code=(1.0, -1.0), gen_seed=4),
             "preset morphing (conv_latent16)": PRESETS["morphing"](),
             "live model, weights embedded": LatentState(model_source="live")}
    folder = Path(tempfile.mkdtemp(prefix="aeviz-bench-"))
    print(f"{'view':32} {'save ms':>8} {'open ms':>8} {'file kB':>8}")
    for name, value in cases.items():
        source = LatentPage(state)
        source.resize(1300, 800)
        source.store.replace(value)
        source.prepare_for_screenshot()
        saves, opens = [], []
        for i in range(5):
            path = folder / f"v{i}.aevizview"
            start = time.perf_counter()
            save_view(path, source.current_view())
            saves.append(time.perf_counter() - start)
            target = LatentPage(state)
            target.resize(1300, 800)
            target.prepare_for_screenshot()          # showing the default state, as a page does
            start = time.perf_counter()
            target.open_view(load_view(path))
            opens.append(time.perf_counter() - start)
            target.shutdown()
            target.deleteLater()
        size = path.stat().st_size / 1024
        print(f"{name:32} {1000 * statistics.median(saves):8.1f} {1000 * statistics.median(opens):8.1f} {size:8.1f}")
        source.shutdown()
        app.processEvents()


if __name__ == "__main__":
    main()
