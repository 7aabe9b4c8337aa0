"""Reference cycles are collected on the GUI thread, never in a worker (aeviz.ui.gui_gc)."""

import gc
import threading

from aeviz.ui import gui_gc


class Cycle:
    """A reference cycle that records the thread that frees it."""

    freed_in: list[int] = []

    def __init__(self):
        self.me = self

    def __del__(self):
        Cycle.freed_in.append(threading.get_ident())


def test_cycles_made_by_a_worker_are_freed_on_the_gui_thread(qapp, qtbot):
    collector = gui_gc.install(qapp)
    assert gui_gc.install(qapp) is collector and not gc.isenabled()
    Cycle.freed_in.clear()

    def allocate():  # enough cycles to pass every generation's threshold many times over
        for _ in range(50_000):
            Cycle()

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert Cycle.freed_in == []
    qtbot.waitUntil(lambda: len(Cycle.freed_in) == 50_000, timeout=20_000)
    assert set(Cycle.freed_in) == {threading.get_ident()}


def test_only_the_generations_that_are_due_are_collected(qapp):
    collector = gui_gc.install(qapp)
    gc.collect()
    assert collector.collect_due() is None
    for _ in range(gc.get_threshold()[0] + 10):
        Cycle()
    assert collector.collect_due() == 0
