"""The torch thread rule shared by the training page and ``aeviz train``, and the OpenMP wait policy."""

import os
import subprocess
import sys

import pytest

from aeviz.core.constants import default_num_threads
from aeviz.core.threads import configure_openmp, default_threads, usable_cores


def test_default_threads_rule():
    assert [default_threads(c) for c in (1, 2, 3, 4, 8, 16)] == [1, 2, 2, 3, 7, 15]
    assert default_num_threads() == default_threads(usable_cores())


def test_usable_cores_follows_the_affinity_mask():
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no affinity API on this platform")
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from aeviz.core.threads import usable_cores; print(usable_cores())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


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
