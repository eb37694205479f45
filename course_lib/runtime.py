"""Reproducibility and hardware: seeds, thread counts and the torch device.

Every lesson calls :func:`setup` once, so a learner's run matches the stored outputs.
"""
from __future__ import annotations

import os
import random
import sys

import numpy as np

from course_lib._utils import is_integer


#: Threads torch may use. Pinned (not "all cores") because floating-point sums are
#: reduced in a different order with a different thread count, which changes the last
#: digits of results; two threads keep lessons quick on a 2-core Binder or laptop.
DEFAULT_THREADS = 2


def set_seed(seed: int = 0) -> None:
    """Seed Python's, NumPy's and torch's random number generators.

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Examples
    --------
    >>> set_seed(42)
    >>> a = np.random.rand()
    >>> set_seed(42)
    >>> a == np.random.rand()
    True
    """
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed))
    try:
        import torch
    except ImportError:  # the course always has torch; keep the helper usable without it
        return
    torch.manual_seed(int(seed))


class limit_threads:
    """Run torch, NumPy's linear algebra (BLAS) and FAISS on ``threads`` threads.

    It takes effect at once; used in a ``with`` block, the previous thread counts come
    back at its end. Small models and matrices run faster on one thread (threads spend
    more time waiting for each other than computing), and timings and FAISS's index
    builds then do not depend on how many cores a machine has.

    Parameters
    ----------
    threads : int
        At least 1.

    Examples
    --------
    >>> import torch
    >>> before = torch.get_num_threads()
    >>> with limit_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """

    def __init__(self, threads: int) -> None:
        if not is_integer(threads) or threads < 1:
            raise ValueError(f"threads must be a positive integer, got {threads!r}")
        import torch
        from threadpoolctl import threadpool_limits

        # FAISS only if the lesson uses it: importing it here would slow every other lesson.
        self._faiss = sys.modules.get("faiss")
        # Read every count before changing any: torch, FAISS and the BLAS may share one
        # OpenMP runtime, so setting one can change what another reports. For the same
        # reason torch is set last and restored last.
        self.threads = int(threads)
        self._torch_before = torch.get_num_threads()
        self._faiss_before = self._faiss.omp_get_max_threads() if self._faiss is not None else None
        self._blas = threadpool_limits(limits=self.threads, user_api="blas")
        if self._faiss is not None:
            self._faiss.omp_set_num_threads(self.threads)
        torch.set_num_threads(self.threads)

    def __repr__(self) -> str:
        # A notebook shows this when the call ends a cell: say what it did, not an address.
        libraries = "torch, NumPy's BLAS and FAISS" if self._faiss is not None else "torch and NumPy's BLAS"
        plural = "s" if self.threads > 1 else ""
        return f"{libraries} now use {self.threads} thread{plural} (restore() gives back the previous counts)"

    def __enter__(self) -> "limit_threads":
        return self

    def __exit__(self, *exc_info) -> None:
        self.restore()

    def restore(self) -> None:
        """Give torch, BLAS and FAISS their thread counts from before."""
        import torch

        self._blas.restore_original_limits()
        if self._faiss is not None:
            self._faiss.omp_set_num_threads(self._faiss_before)
        torch.set_num_threads(self._torch_before)


def device(prefer: str | None = None):
    """The torch device lessons train on: the GPU when one is present, else the CPU.

    Parameters
    ----------
    prefer : {"cuda", "cpu"} or None
        Force a device; ``None`` picks CUDA when available.

    Examples
    --------
    >>> device("cpu")
    device(type='cpu')
    """
    import torch

    if prefer not in (None, "cuda", "cpu"):
        raise ValueError(f"prefer must be None, 'cuda' or 'cpu', got {prefer!r}")
    if prefer == "cpu":
        return torch.device("cpu")
    if prefer == "cuda" and not torch.cuda.is_available():
        raise ValueError("prefer='cuda' but no CUDA GPU is available; use None or 'cpu'")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def setup(seed: int = 0, threads: int = DEFAULT_THREADS) -> None:
    """Prepare a lesson: seed every generator and pin torch's thread count.

    Call it at the top of every notebook (and again before a cell whose randomness
    must not depend on the cells run before it).

    Parameters
    ----------
    seed : int
        Seed for Python, NumPy and torch.
    threads : int
        Threads torch may use for intra-op parallelism (at least 1).

    Examples
    --------
    >>> setup(seed=0)
    """
    if not is_integer(threads) or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    set_seed(seed)
    # Hugging Face libraries must never try the network: the course's models are packaged.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Idle OpenMP threads sleep instead of spinning. On a shared or busy machine (Binder, a
    # workshop laptop running JupyterLab and a browser) spinning threads stall each other and a
    # training cell runs several times slower; results are identical either way. It only takes
    # effect if torch is not imported yet, which is why the setup cell comes first.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(int(threads))
    import matplotlib as mpl

    # Same figure size and resolution everywhere, so stored images match what learners see.
    mpl.rcParams.update({"figure.figsize": (6.4, 4.0), "figure.dpi": 80, "savefig.dpi": 80})
