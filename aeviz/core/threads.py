"""How many CPU threads torch trains with, and how its OpenMP threads wait (no torch import here).

One rule for the training page and ``aeviz train``: by default the trainer *measures*. It times its
own first steps with one thread and with every count in :func:`thread_candidates`, keeps the
fastest, and measures again every :data:`REPROBE_EVERY_S` seconds of training, because the answer
depends on the model and on what else the computer is doing (bench/threads.py, 2 cores, passive
OpenMP threads, samples/s of two threads over one):

=========================  =====  ===================
model                      quiet  one busy program
=========================  =====  ===================
MLP 784-256-64-2            0.69        0.83
small conv autoencoder      1.32        0.93
=========================  =====  ===================

A fixed count is wrong for one of them on every 2-core laptop; a machine with more cores could
not be measured here, which the measurement at run time covers too.
"""

from __future__ import annotations

import os

__all__ = ["usable_cores", "default_threads", "thread_candidates", "configure_openmp", "ThreadChooser",
           "PROBE_BLOCK_S", "REPROBE_EVERY_S", "MORE_THREADS_GAIN"]

#: Each probe block times at least this much training (and at least two steps after a switch).
PROBE_BLOCK_S = 0.06
#: Training seconds between two measurements: the load of a laptop changes (a browser opens).
REPROBE_EVERY_S = 30.0
#: More threads must be this much faster to be kept: fewer leave a core to the window and to
#: other programs, and a parallel step suffers most when something else wakes up.
MORE_THREADS_GAIN = 1.10


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask, e.g. under taskset or a container limit)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity API in os
        return os.cpu_count() or 1


def default_threads(cores: int) -> int:
    """The most threads worth trying: both cores of a 2-core laptop, all but one from 3 cores up
    (one core stays with the window and the rest of the system)."""
    return max(1, cores if cores <= 2 else cores - 1)


def thread_candidates(cores: int) -> tuple[int, ...]:
    """The counts the trainer compares: one thread, two, and the most (see :func:`default_threads`)."""
    most = default_threads(cores)
    return tuple(sorted({1, min(2, most), most}))


def configure_openmp() -> None:
    """Make torch's idle OpenMP threads sleep instead of spinning (unless the user chose otherwise).

    Must run before torch is imported: OpenMP reads ``OMP_WAIT_POLICY`` once, when its library
    loads. A spinning thread burns the core another thread of the app (or another program)
    needs, and a parallel region then waits for a descheduled teammate: with one busy program on
    a 2-core machine, two spinning threads trained at 0.05-0.32× one thread (bench/threads.py).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class ThreadChooser:
    """Picks the thread count that trains fastest here and now, from the trainer's own steps.

    While :attr:`probing`, the trainer runs each step with :attr:`threads` threads and reports it
    with :meth:`step_done`; otherwise it only reports its training time with :meth:`trained`,
    which starts the next probe after :data:`REPROBE_EVERY_S`. Candidates are timed in blocks in a
    back-and-forth order (1 2 4 4 2 1 1 2 4), so a load that rises or falls during the probe
    weighs on each of them alike; the first step after a switch is not counted (a thread pool
    may have to wake or start). Every step trains the model: nothing is thrown away, only some
    steps run at a slower setting, for well under a second per probe on MNIST.
    """

    def __init__(self, candidates, block_s: float = PROBE_BLOCK_S, reprobe_every_s: float = REPROBE_EVERY_S,
                 gain: float = MORE_THREADS_GAIN):
        self.candidates = tuple(sorted(set(candidates)))
        if not self.candidates or self.candidates[0] < 1:
            raise ValueError(f"thread counts must be positive, got {candidates!r}")
        self.block_s, self.reprobe_every_s, self.gain = block_s, reprobe_every_s, gain
        forth = list(self.candidates)
        self._order = forth + forth[::-1] + forth
        #: samples/s measured for each count at the last probe (empty before the first one ends)
        self.rates: dict[int, float] = {}
        self.threads = self.candidates[0]
        self._settled_for = 0.0
        self._start_probe()

    @property
    def probing(self) -> bool:
        return self._block is not None

    def _start_probe(self) -> None:
        self._block = None
        if len(self.candidates) == 1:
            return
        self._seconds = dict.fromkeys(self.candidates, 0.0)
        self._samples = dict.fromkeys(self.candidates, 0)
        self._block = 0
        self._enter_block()

    def _enter_block(self) -> None:
        self.threads = self._order[self._block]
        self._skip, self._block_s, self._block_steps = True, 0.0, 0

    def trained(self, seconds: float) -> None:
        """``seconds`` more of training went by (probe or not): time to measure again?"""
        if self._block is not None or len(self.candidates) == 1:
            return
        self._settled_for += seconds
        if self._settled_for >= self.reprobe_every_s:
            self._settled_for = 0.0
            self._start_probe()

    def step_done(self, seconds: float, samples: int) -> None:
        """One training step of ``samples`` images took ``seconds`` at :attr:`threads` threads."""
        if self._block is None:
            return
        if self._skip:
            self._skip = False
            return
        self._seconds[self.threads] += seconds
        self._samples[self.threads] += samples
        self._block_s += seconds
        self._block_steps += 1
        if self._block_s < self.block_s or self._block_steps < 2:
            return
        self._block += 1
        if self._block < len(self._order):
            self._enter_block()
            return
        self.rates = {t: self._samples[t] / self._seconds[t] for t in self.candidates if self._seconds[t] > 0}
        best = max(self.rates.values())
        self.threads = min(t for t, r in self.rates.items() if r * self.gain >= best)
        self._block = None
