"""The torch thread count: measured while training (ThreadChooser), the candidates it compares,
and the OpenMP wait policy."""

import functools
import os
import subprocess
import sys

import pytest
import torch

from aeviz.core.datasets import load_mnist
from aeviz.core.models import ModelConfig, build_model
from aeviz.core.threads import (REPROBE_EVERY_S, ThreadChooser, configure_openmp, default_threads, thread_candidates,
                                usable_cores)
from aeviz.core.training import TrainConfig, Trainer


def test_the_most_threads_tried_and_the_candidates():
    assert [default_threads(c) for c in (1, 2, 3, 4, 8, 16)] == [1, 2, 2, 3, 7, 15]
    assert [thread_candidates(c) for c in (1, 2, 3, 4, 8)] == [(1,), (1, 2), (1, 2), (1, 2, 3), (1, 2, 7)]


def probe(chooser, seconds_per_step, first_step_extra=0.0):
    """Drive a probe with simulated step times; returns the thread count of every step."""
    seen, previous = [], None
    while chooser.probing:
        t = chooser.threads
        seen.append(t)
        chooser.step_done(seconds_per_step[t] + (first_step_extra if t != previous else 0.0), 128)
        previous = t
    return seen


def test_the_chooser_keeps_the_fastest_count_after_timing_each_back_and_forth():
    chooser = ThreadChooser((1, 2, 4), block_s=0.02)
    seen = probe(chooser, {1: 0.010, 2: 0.006, 4: 0.005})
    blocks = [t for i, t in enumerate(seen) if i == 0 or seen[i - 1] != t]
    assert blocks == [1, 2, 4, 2, 1, 2, 4]  # 1 2 4 | 4 2 1 | 1 2 4, equal neighbours merged
    assert chooser.threads == 4 and chooser.rates[4] == pytest.approx(128 / 0.005)


def test_more_threads_must_be_clearly_faster_to_be_kept():
    chooser = ThreadChooser((1, 2), block_s=0.02)
    probe(chooser, {1: 0.010, 2: 0.0095})  # 5 % faster: not worth a second busy core
    assert chooser.threads == 1
    chooser = ThreadChooser((1, 2), block_s=0.02)
    probe(chooser, {1: 0.010, 2: 0.0085})  # 18 % faster
    assert chooser.threads == 2


def test_the_first_step_after_a_switch_is_not_counted():
    """Waking or starting a thread pool makes that step slow; it says nothing about the count."""
    chooser = ThreadChooser((1, 2), block_s=0.02)
    probe(chooser, {1: 0.010, 2: 0.006}, first_step_extra=1.0)
    assert chooser.threads == 2 and chooser.rates[2] == pytest.approx(128 / 0.006)


def test_the_chooser_measures_again_after_a_while_of_training():
    chooser = ThreadChooser((1, 2), block_s=0.02)
    probe(chooser, {1: 0.005, 2: 0.010})
    assert chooser.threads == 1 and not chooser.probing
    chooser.trained(REPROBE_EVERY_S - 1)
    assert not chooser.probing
    chooser.trained(2)
    assert chooser.probing
    probe(chooser, {1: 0.010, 2: 0.005})  # the load changed: now two are faster
    assert chooser.threads == 2


def test_one_candidate_means_no_probe():
    chooser = ThreadChooser((1,))
    assert not chooser.probing and chooser.threads == 1
    with pytest.raises(ValueError):
        ThreadChooser(())


def test_the_trainer_measures_and_then_trains_with_the_count_it_chose(monkeypatch):
    """With no count given, the real trainer times 1 and 2 threads on MNIST, reports the count
    on its snapshots, and torch really runs with it."""
    import aeviz.core.training as training

    monkeypatch.setattr(training, "thread_candidates", lambda cores: (1, 2))
    monkeypatch.setattr(training, "ThreadChooser", functools.partial(ThreadChooser, block_s=0.005))
    seen = set()
    real_set = torch.set_num_threads
    monkeypatch.setattr(training.torch, "set_num_threads", lambda n: (seen.add(n), real_set(n)))
    previous = torch.get_num_threads()
    try:
        model = build_model(ModelConfig("mlp", 2, hidden=(64,)), seed=0)
        trainer = Trainer(model, load_mnist("train", limit=6000), TrainConfig(epochs=2, snapshot_every_s=0.05))
        snaps = list(trainer.run())
        assert seen == {1, 2}
        assert set(trainer.thread_rates) == {1, 2} and all(r > 0 for r in trainer.thread_rates.values())
        assert trainer.threads in (1, 2) and torch.get_num_threads() == trainer.threads
        assert snaps[-1].done and snaps[-1].threads == trainer.threads
    finally:
        real_set(previous)


def test_a_given_thread_count_is_used_without_measuring(monkeypatch):
    import aeviz.core.training as training

    monkeypatch.setattr(training, "ThreadChooser", None)  # would raise if called
    model = build_model(ModelConfig("mlp", 2, hidden=(16,)), seed=0)
    trainer = Trainer(model, load_mnist("train", limit=500), TrainConfig(epochs=1, num_threads=1))
    assert all(s.threads == 1 for s in trainer.run()) and trainer.thread_rates == {}


def test_usable_cores_follows_the_affinity_mask():
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no affinity API on this platform")
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from aeviz.core.threads import usable_cores; print(usable_cores())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
    assert usable_cores() >= 1


def test_openmp_waits_passively_unless_the_user_chose(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    configure_openmp()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    configure_openmp()
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_the_command_line_sets_the_policy_before_torch_loads(tmp_path):
    """``aeviz`` (GUI and ``aeviz train``) must set it before the first ``import torch``."""
    code = ("import os, sys; os.environ.pop('OMP_WAIT_POLICY', None)\n"
            "from aeviz.__main__ import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(os.environ.get('OMP_WAIT_POLICY'), 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.split()[-2:] == ["PASSIVE", "False"]
