"""How many CPU threads torch trains with, and how its OpenMP threads wait (no torch import here).

One rule for the training page and ``aeviz train``; the measurements behind it come from
bench/threads.py and bench/training_gui.py (issue 16's closing note).
"""

from __future__ import annotations

import os

__all__ = ["usable_cores", "default_threads", "configure_openmp"]


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask, e.g. under taskset or a container limit)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity API in os
        return os.cpu_count() or 1


def default_threads(cores: int) -> int:
    """Both cores of a 2-core laptop; all cores but one from 3 cores up.

    Measured on a 2-core machine (issue 16): quiet, two threads trained 1.22-1.39× faster than
    one and the window stayed fluid (event-loop p99 11.6 ms); with other programs busy, two
    passive threads (see :func:`configure_openmp`) did 0.77-4.9× one thread (bench/threads.py;
    noisy: two runnable threads also get a bigger share of a busy machine), while more threads
    than cores was always slower (0.79-0.93× on 1 core). From three cores up
    one core is left to the window and the rest of the system, as before: more cores could not
    be measured here.
    """
    return max(1, cores if cores <= 2 else cores - 1)


def configure_openmp() -> None:
    """Make torch's idle OpenMP threads sleep instead of spinning (unless the user chose otherwise).

    Must run before torch is imported: OpenMP reads ``OMP_WAIT_POLICY`` once, when its library
    loads. A spinning thread burns the core another thread of the app (or another program)
    needs, and a parallel region then waits for a descheduled teammate.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
