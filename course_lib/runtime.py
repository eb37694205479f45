"""Reproducibility and hardware: seeds, thread counts and the torch device.

Every lesson calls :func:`setup` once, so a learner's run matches the stored outputs.
"""
from __future__ import annotations

import importlib.abc
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
    _configure_torch(seed=int(seed))


def _apply_torch_settings(torch, settings: dict) -> None:
    if "seed" in settings:
        torch.manual_seed(settings["seed"])
    if "threads" in settings and torch.get_num_threads() != settings["threads"]:
        torch.set_num_threads(settings["threads"])


class _ConfigureTorchOnImport(importlib.abc.MetaPathFinder):
    """Applies pending torch settings right after ``import torch`` has run.

    Importing torch costs about 500 MB, so lessons that never use it must not pay for it in
    their setup cell; those that do still get the seed and thread count that setup() asked
    for, exactly as if torch had been imported then.
    """

    def __init__(self) -> None:
        self.pending: dict = {}

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        run_module = spec.loader.exec_module

        def run_then_configure(module) -> None:
            run_module(module)
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            settings, self.pending = self.pending, {}
            _apply_torch_settings(module, settings)

        spec.loader.exec_module = run_then_configure
        return spec


def _configure_torch(**settings) -> None:
    """Apply ``settings`` to torch now if it is imported, else as soon as it is."""
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "manual_seed"):
        _apply_torch_settings(torch, settings)
        return
    hook = next((f for f in sys.meta_path if isinstance(f, _ConfigureTorchOnImport)), None)
    if hook is None:
        hook = _ConfigureTorchOnImport()
        sys.meta_path.insert(0, hook)
    hook.pending.update(settings)


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


def keep_hub_offline() -> None:
    """Make Hugging Face libraries never try the network: the course's models are packaged.

    ``setdefault``: a learner's own setting is respected. Called by :func:`setup` and by
    ``course_lib.embed.contextual`` before it loads the encoder.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def setup(seed: int = 0, threads: int = DEFAULT_THREADS) -> None:
    """Prepare a lesson: seed every generator and pin torch's thread count.

    Call it at the top of every notebook (and again before a cell whose randomness
    must not depend on the cells run before it). It does not import torch: a lesson that
    never uses torch saves its memory, and one that does gets the seed and thread count
    the moment it imports torch.

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
    keep_hub_offline()
    # Idle OpenMP threads sleep instead of spinning. On a shared or busy machine (Binder, a
    # workshop laptop running JupyterLab and a browser) spinning threads stall each other and a
    # training cell runs several times slower; results are identical either way. It only takes
    # effect if torch is not imported yet, which is why the setup cell comes first.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    set_seed(seed)
    _configure_torch(threads=int(threads))
    import matplotlib as mpl

    # Same figure size and resolution everywhere, so stored images match what learners see.
    mpl.rcParams.update({"figure.figsize": (6.4, 4.0), "figure.dpi": 80, "savefig.dpi": 80})
