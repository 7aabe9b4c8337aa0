import threading
import time

from aeviz.ui.workers import Task, running_tasks


def _counting(n, delay=0.0):
    for i in range(n):
        time.sleep(delay)
        yield i
    return "done"


def test_progress_then_result_on_the_gui_thread(qtbot):
    seen, results, threads = [], [], []
    task = Task(lambda: _counting(5))
    task.progress.connect(seen.append)
    task.result.connect(results.append)
    task.progress.connect(lambda _v: threads.append(threading.current_thread()))
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert seen == [0, 1, 2, 3, 4] and results == ["done"]
    assert not running_tasks()


def test_plain_function_result(qtbot):
    results = []
    task = Task(lambda: 6 * 7)
    task.result.connect(results.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert results == [42]


def test_cancel_stops_between_yields_and_calls_back(qtbot):
    stopped = []
    task = Task(lambda: _counting(10_000, 0.01), on_cancel=lambda: stopped.append(True))
    results = []
    task.result.connect(results.append)
    task.start()
    qtbot.wait(50)
    assert task.stop(timeout_ms=2000)
    qtbot.wait(20)
    assert stopped == [True] and results == []
    assert not task.is_running()


def test_error_is_reported_not_raised(qtbot):
    def broken():
        yield 1
        raise ValueError("bad input file")

    errors = []
    task = Task(broken)
    task.error.connect(lambda message, details: errors.append((message, details)))
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert errors[0][0] == "bad input file" and "ValueError" in errors[0][1]


def test_task_slot_runs_one_job_and_reports_busy(qtbot):
    from aeviz.ui.workers import TaskSlot

    slot = TaskSlot()
    busy, seen, results = [], [], []
    slot.busy_changed.connect(busy.append)
    slot.progress.connect(seen.append)
    slot.result.connect(results.append)
    with qtbot.waitSignal(slot.finished, timeout=5000):
        assert slot.start(lambda: _counting(3, 0.05))
        assert not slot.start(lambda: _counting(3))  # refused while busy
    assert busy == [True, False] and seen == [0, 1, 2] and results == ["done"] and not slot.busy


def test_task_slot_replace_forgets_the_old_jobs_late_signals(qtbot):
    from aeviz.ui.workers import TaskSlot

    slot = TaskSlot()
    results = []
    slot.result.connect(results.append)
    slot.start(lambda: _counting(10_000, 0.01))
    with qtbot.waitSignal(slot.finished, timeout=5000):
        slot.start(lambda: 7, replace=True)
    qtbot.waitUntil(lambda: not running_tasks(), timeout=5000)
    assert results == [7]


def test_task_slot_abandon_frees_the_slot_at_once_and_drops_what_is_queued(qtbot):
    from aeviz.ui.workers import TaskSlot

    slot = TaskSlot()
    results, finished = [], []
    slot.result.connect(results.append)
    slot.finished.connect(lambda: finished.append(True))
    done = threading.Event()

    def quick():
        done.set()
        return "stale"

    slot.start(quick)
    assert done.wait(5)
    time.sleep(0.05)  # the result is queued for the GUI thread, not handled yet
    assert slot.abandon(2000) and not slot.busy
    assert slot.start(lambda: "fresh")
    qtbot.waitUntil(lambda: not slot.busy and not running_tasks(), timeout=5000)
    assert results == ["fresh"] and finished == [True]


def test_the_probe_sees_a_widget_touched_from_a_worker(qtbot, widget_calls_off_gui_thread):
    from PySide6.QtWidgets import QLabel

    label = QLabel("x")
    task = Task(lambda: label.text())
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.start()
    assert any(call.startswith("QLabel.text") for call in widget_calls_off_gui_thread)
