"""Lesson player timings: changing step, drawing the overview's thumbnails, idle and under training.

Run from the repository root (offscreen, about a minute)::

    python bench/lesson_player.py                    # French, 1920×1080, presentation off and on
    python bench/lesson_player.py --rounds 5 --size 1280x720

The lesson is built from the presets of every page that has a state module (the
exercises page's own states when it is the only one), so the figures cover whatever pages
this checkout has. For each setting it prints:

- step change: ``player.go(i)`` (open the state, show the page) plus a synchronous repaint
  of the whole window, min / median / max over every step of ``--rounds`` passes
  (target ≤ 0.5 s), idle and while a training loop runs in a background thread (plain torch,
  MLP 784-256-64-2, Adam, batch 128 on random images: the CPU and GIL load of a live run;
  0.1 s between two changes there, so that the run is in full swing at each change);
- thumbnail: one hidden page set to a step's state, grabbed and scaled (the work of one
  timer tick of the overview), the first of each page (which builds it) apart;
- the worst lateness of a 10 ms timer while the overview draws all its thumbnails (what a
  person feels while it fills): the first time (each page's hidden copy is built) and again.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="passes through the lesson per measure")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--lang", default="fr")
    return ap.parse_args(argv)


def preset_lesson():
    """One step per preset of every page whose state module exists."""
    from aeviz.state.lesson import STATE_PAGES, Lesson, Step

    steps = []
    for page in STATE_PAGES:
        try:
            module = importlib.import_module(f"aeviz.state.{page}")
        except ModuleNotFoundError:
            continue
        for name, make in module.PRESETS.items():
            steps.append(Step(page, make(), f"{page} · {name}", f"{page} · {name}"))
    if len(steps) < 8:  # only the exercises page: add its states a class would step through
        from aeviz.core.exercises import KINDS
        from aeviz.state.exercises import ExercisesState

        steps += [Step("exercises", ExercisesState(choice=kind, level=1, seed=seed), kind, kind)
                  for seed in (3, 4) for kind in KINDS]
    return Lesson("Banc d'essai", "Bench", tuple(steps))


class TrainingLoad:
    """A live-run-like load: an autoencoder training in a Python thread until stopped."""

    def __init__(self):
        self.stop = threading.Event()
        self.steps = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import torch

        from aeviz.core.models import ModelConfig, build_model

        model = build_model(ModelConfig("mlp", 2, hidden=(256, 64)), seed=0)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.rand(128, 1, 28, 28)
        while not self.stop.is_set():
            loss = model.loss(x, x, "mse")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            self.steps += 1

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 60
        while self.steps < 20 and time.monotonic() < deadline:  # past the first steps' warm-up
            time.sleep(0.05)
        self.steps_before = self.steps
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def step_changes(app, window, rounds: int, pause: float = 0.0, per_page: dict | None = None) -> list[float]:
    """Seconds per step change; ``pause`` between two changes, as a presenter talks (the load runs on).
    ``per_page`` collects the times by the page of the step."""
    player = window.lesson_player
    times = []
    for _ in range(rounds):
        for index in range(len(player)):
            start = time.perf_counter()
            player.go(index)
            window.repaint()
            times.append(time.perf_counter() - start)
            if per_page is not None:
                per_page.setdefault(player.step.page, []).append(times[-1])
            app.processEvents()
            time.sleep(pause)
    return times


def thumbnails(window) -> tuple[dict, list[float]]:
    """(seconds of the first thumbnail of each page, which builds the hidden page; the others)."""
    from aeviz.ui.lesson_overview import ThumbnailCache

    cache = ThumbnailCache(window.state, window)  # new hidden pages: their building is timed
    cache.set_geometry(window.stack.size(), 400)
    first, rest = {}, []
    for step in window.lesson_player.lesson.steps:
        start = time.perf_counter()
        cache.draw(step)
        elapsed = time.perf_counter() - start
        rest.append(elapsed) if step.page in first else first.setdefault(step.page, elapsed)
    cache.shutdown()
    return first, rest


def overview_lateness(app, window) -> float:
    """Worst lateness (s) of a 10 ms timer while the overview fills."""
    from PySide6.QtCore import QTimer

    window.thumbnails.clear()  # the hidden pages are built already: this times the drawing only
    overview = window.lesson_menu.show_overview()
    last, worst = [time.perf_counter()], [0.0]

    def tick():
        now = time.perf_counter()
        worst[0] = max(worst[0], now - last[0] - 0.010)
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    steps = len(window.lesson_player)
    deadline = time.monotonic() + 120
    while overview.shown_thumbnails() < steps and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    overview.reject()
    return worst[0]


def ms(values) -> str:
    return f"{min(values) * 1000:6.1f} / {statistics.median(values) * 1000:6.1f} / {max(values) * 1000:6.1f} ms"


def main(argv=None) -> int:
    args = parse_args(argv)
    width, height = (int(v) for v in args.size.split("x"))
    from aeviz.ui.app import create_application, make_state
    from aeviz.ui.main_window import MainWindow

    import torch  # noqa: F401  (imported once here, not inside the measured load)

    app = create_application()
    lesson = preset_lesson()
    pages = sorted({s.page for s in lesson.steps})
    print(f"lesson: {len(lesson.steps)} steps on {', '.join(pages)}; window {width}×{height}, {args.lang}")
    for presentation in (False, True):
        state, _ = make_state(app, args.lang, None, None, False, persist=False)
        state.set_presentation(presentation)
        window = MainWindow(state)
        window.resize(width, height)
        window.show()
        app.processEvents()
        window.lesson_player.start(lesson)
        step_changes(app, window, 1)  # every page built once
        print(f"\npresentation {'on' if presentation else 'off'}          min / median / max   (target)")
        per_page: dict[str, list[float]] = {}
        print(f"  step change, idle         {ms(step_changes(app, window, args.rounds, per_page=per_page))}   (≤ 500 ms)")
        for page, values in sorted(per_page.items()):
            print(f"    {page:<22}  {ms(values)}")
        with TrainingLoad() as load:
            during = step_changes(app, window, args.rounds, pause=0.1)
        print(f"  step change, training     {ms(during)}   (≤ 500 ms; {load.steps - load.steps_before} training steps ran)")
        first, rest = thumbnails(window)
        print(f"  thumbnail, page built     {ms(list(first.values()))}")
        print("    " + ", ".join(f"{page} {seconds * 1000:.0f} ms" for page, seconds in sorted(first.items())))
        print(f"  thumbnail, page reused    {ms(rest)}")
        first_fill = overview_lateness(app, window)
        print(f"  overview fill, worst 10 ms-timer lateness: first {first_fill * 1000:.0f} ms (hidden pages built), "
              f"again {overview_lateness(app, window) * 1000:.0f} ms (pages reused)")
        window.lesson_player.leave()
        window.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
