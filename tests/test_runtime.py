"""Seeds, thread pinning and the device choice."""
from __future__ import annotations

import random

import numpy as np
import pytest
import torch

import course_lib
from course_lib import runtime


def test_set_seed_makes_python_numpy_and_torch_repeat():
    course_lib.set_seed(7)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    course_lib.set_seed(7)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    course_lib.set_seed(8)
    assert np.random.rand() != first[1]


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True, None])
def test_set_seed_rejects_bad_seeds(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        course_lib.set_seed(bad)


def test_setup_pins_threads_and_keeps_the_network_off(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    before = torch.get_num_threads()
    try:
        course_lib.setup(seed=0, threads=1)
        assert torch.get_num_threads() == 1
        import os

        assert os.environ["HF_HUB_OFFLINE"] == "1"
        assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("bad", [0, -2, 2.0, True])
def test_setup_rejects_bad_thread_counts(bad):
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        course_lib.setup(threads=bad)


def test_device_prefers_gpu_when_present(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert course_lib.device().type == "cuda"
    assert course_lib.device("cpu").type == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert course_lib.device().type == "cpu"
    with pytest.raises(ValueError, match="no CUDA GPU is available"):
        course_lib.device("cuda")
    with pytest.raises(ValueError, match="prefer must be None, 'cuda' or 'cpu'"):
        course_lib.device("tpu")


def test_environment_report_finds_everything(capsys):
    from course_lib import environment

    assert environment.report() is True
    out = capsys.readouterr().out
    assert "torch" in out and "FAIL" not in out and "All set" in out


def test_environment_report_flags_a_missing_package(monkeypatch, capsys):
    from course_lib import environment

    monkeypatch.setattr(environment, "PACKAGES", environment.PACKAGES + [("not_a_module_xyz", "not-a-package-xyz")])
    assert environment.report() is False
    assert "not-a-package-xyz" in capsys.readouterr().out


def test_limit_threads_sets_torch_blas_and_faiss_and_restores_them():
    import faiss
    import torch
    from threadpoolctl import threadpool_info

    from course_lib import limit_threads

    def blas_threads():
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    torch.set_num_threads(2)
    faiss.omp_set_num_threads(2)
    blas_before = blas_threads()
    with limit_threads(1) as limited:
        assert repr(limited) == "torch, NumPy's BLAS and FAISS now use 1 thread (restore() gives back the previous counts)"
        assert torch.get_num_threads() == 1
        assert faiss.omp_get_max_threads() == 1
        assert blas_threads() == {1}
    assert torch.get_num_threads() == 2
    assert faiss.omp_get_max_threads() == 2
    assert blas_threads() == blas_before
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        limit_threads(0)


def test_runtime_doctests():
    import doctest

    assert doctest.testmod(runtime).failed == 0


def test_setup_leaves_torch_unimported_and_configures_it_on_import():
    """A lesson that never uses torch must not pay its ~500 MB; one that does gets the same seed and threads."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import sys
        import course_lib
        course_lib.setup(seed=3, threads=1)
        assert "torch" not in sys.modules, "setup() imported torch"
        import torch
        first = torch.rand(3).tolist()
        assert torch.get_num_threads() == 1, torch.get_num_threads()
        torch.manual_seed(3)
        assert torch.rand(3).tolist() == first, "torch was not seeded by setup()"
        course_lib.setup(seed=4, threads=2)  # torch imported now: applied at once
        assert torch.get_num_threads() == 2
        second = torch.rand(3).tolist()
        torch.manual_seed(4)
        assert torch.rand(3).tolist() == second
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "ok", result.stderr[-2000:]
