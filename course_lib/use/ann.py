"""Benchmarking approximate nearest-neighbour (ANN) indexes, in the style of ann-benchmarks.

Lesson 11 builds FAISS indexes (Flat, IVF, HNSW) and asks of each: how many of the true
nearest neighbours does it find (recall@k), and how many queries does it answer per
second? Each index trades one for the other through a search parameter (``nprobe`` for
IVF, ``efSearch`` for HNSW), so the answer is a curve, drawn as ann-benchmarks draws it:
recall on the x axis, queries per second on a log scale on the y axis; up and to the
right is better. Build time and memory complete the picture.

- :func:`clustered_vectors`: synthetic unit-length vectors with cluster structure and a
  low intrinsic dimension, the shape real embeddings have, in any amount;
- :class:`ExactIndex`: :func:`course_lib.use.search.top_k` behind FAISS's ``search`` interface;
- :func:`benchmark_index`: build once, then search with each parameter setting;
- :func:`benchmark_table`, :func:`plot_recall_qps`, :func:`plot_costs`: report.

Example::

    import faiss
    corpus, _ = clustered_vectors(20_000, seed=0)
    queries, _ = clustered_vectors(500, seed=1, centres_seed=0)
    truth, _ = top_k(queries, corpus, 10, metric="dot")

    def build_ivf():
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(64), 64, 128, faiss.METRIC_INNER_PRODUCT)
        index.train(corpus)
        index.add(corpus)
        return index

    results = benchmark_index(build_ivf, queries, truth, k=10, name="IVF",
                              search_params={"nprobe": [1, 4, 16]})
    print(benchmark_table(results))

Timings depend on the machine and on what else it is doing: print them where they are
not compared (``benchmark_table(..., timings=False)`` prints only the stable columns).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np


from course_lib._utils import check_int, unit_rows
from course_lib.show.tables import format_table
from course_lib.use.search import recall_at_k, top_k

__all__ = [
    "BenchmarkResult",
    "ExactIndex",
    "benchmark_index",
    "benchmark_table",
    "clustered_vectors",
    "index_memory",
    "plot_costs",
    "plot_recall_qps",
    "set_search_param",
]


# ----------------------------------------------------------------------------- data


def clustered_vectors(
    n: int,
    dim: int = 64,
    n_clusters: int = 50,
    intrinsic_dim: int = 16,
    spread: float = 1.0,
    noise: float = 0.1,
    seed: int = 0,
    centres_seed: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic embedding-like vectors: clusters on a low-dimensional subspace, unit length.

    Each vector is a cluster centre plus Gaussian scatter, both in ``intrinsic_dim``
    dimensions, mapped to ``dim`` dimensions by a fixed random linear map; a little
    isotropic ``noise`` is added and the result is scaled to length 1, so the dot product
    is the cosine similarity. Real embeddings look like this too: a few directions carry
    most of the variation, and items form groups. Centres are standard normal in each
    intrinsic dimension; a larger ``spread`` makes clusters overlap and search harder.

    Parameters
    ----------
    n : int
        Number of vectors (>= 1).
    dim : int
        Dimension of the vectors (>= 1).
    n_clusters : int
        Number of clusters (>= 1); each vector's cluster is drawn uniformly.
    intrinsic_dim : int
        Dimension of the subspace, 1 <= intrinsic_dim <= dim.
    spread : float
        Standard deviation of the scatter around a centre (>= 0).
    noise : float
        Standard deviation of the isotropic noise in all ``dim`` dimensions (>= 0).
    seed : int
        Seed of the points (their clusters, scatter and noise).
    centres_seed : int, optional
        Seed of the centres and the linear map; default ``seed``. Give two calls the same
        ``centres_seed`` and different ``seed`` to draw queries from the same distribution
        as a corpus.

    Returns
    -------
    vectors : ndarray of float32, shape (n, dim)
        Unit-length rows.
    clusters : ndarray of int64, shape (n,)

    Examples
    --------
    >>> corpus, clusters = clustered_vectors(1000, dim=32, n_clusters=5, intrinsic_dim=8, seed=0)
    >>> corpus.shape, corpus.dtype, clusters.max()
    ((1000, 32), dtype('float32'), 4)
    >>> queries, _ = clustered_vectors(10, dim=32, n_clusters=5, intrinsic_dim=8, seed=1, centres_seed=0)
    >>> bool(np.allclose(np.linalg.norm(queries, axis=1), 1))
    True
    """
    n = check_int(n, "n", 1)
    dim = check_int(dim, "dim", 1)
    n_clusters = check_int(n_clusters, "n_clusters", 1)
    intrinsic_dim = check_int(intrinsic_dim, "intrinsic_dim", 1)
    if intrinsic_dim > dim:
        raise ValueError(f"intrinsic_dim must be at most dim ({dim}), got {intrinsic_dim}")
    spread = _check_float(spread, "spread")
    noise = _check_float(noise, "noise")
    seed = check_int(seed, "seed", 0)
    centres_seed = seed if centres_seed is None else check_int(centres_seed, "centres_seed", 0)
    structure = np.random.default_rng(centres_seed)
    centres = structure.standard_normal((n_clusters, intrinsic_dim))
    mapping = structure.standard_normal((intrinsic_dim, dim)) / np.sqrt(intrinsic_dim)
    rng = np.random.default_rng([seed, 1])  # not the centres' stream, even when seed == centres_seed
    clusters = rng.integers(n_clusters, size=n)
    latent = centres[clusters] + spread * rng.standard_normal((n, intrinsic_dim))
    vectors = latent @ mapping + noise * rng.standard_normal((n, dim))
    vectors = unit_rows(vectors)
    return vectors.astype(np.float32), clusters.astype(np.int64)


# ----------------------------------------------------------------------------- indexes


class ExactIndex:
    """Exact search with :func:`course_lib.use.search.top_k`, behind FAISS's interface.

    ``index.search(queries, k)`` returns ``(scores, indices)`` in FAISS's order, so exact
    search can take part in :func:`benchmark_index` next to FAISS indexes.

    Parameters
    ----------
    corpus : array_like, shape (n, d)
        The vectors searched (copied as float32).
    metric : {"dot", "cosine", "euclidean"}
        As for :func:`~course_lib.use.search.top_k`.

    Examples
    --------
    >>> index = ExactIndex([[1.0, 0.0], [0.0, 1.0]], metric="dot")
    >>> scores, ids = index.search(np.array([[0.9, 0.1]], dtype=np.float32), 1)
    >>> ids.tolist(), index.ntotal
    ([[0]], 2)
    """

    def __init__(self, corpus: Any, metric: str = "dot") -> None:
        corpus = np.array(corpus, dtype=np.float32)
        if corpus.ndim != 2 or len(corpus) == 0:
            raise ValueError(f"corpus must be a non-empty 2-D array (n, d), got shape {corpus.shape}")
        top_k(corpus[:1], corpus, 1, metric=metric)  # validates the metric and the values once
        self.corpus = corpus
        self.metric = metric

    @property
    def ntotal(self) -> int:
        """Number of vectors indexed (FAISS's name)."""
        return len(self.corpus)

    def search(self, queries: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(scores, indices)``, each of shape (n_q, k), best first."""
        indices, scores = top_k(np.atleast_2d(queries), self.corpus, k, metric=self.metric)
        return scores, indices


def set_search_param(index: Any, name: str, value: Any) -> None:
    """Set a search-time parameter: FAISS's ``ParameterSpace`` names, or an attribute.

    For FAISS indexes this understands ``"nprobe"`` (IVF), ``"efSearch"`` (HNSW) and the
    other names of ``faiss.ParameterSpace``; for other objects it sets the attribute.

    Examples
    --------
    >>> import faiss
    >>> index = faiss.IndexHNSWFlat(8, 16)
    >>> set_search_param(index, "efSearch", 64)
    >>> index.hnsw.efSearch
    64
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a parameter name such as 'nprobe' or 'efSearch', got {name!r}")
    if _is_faiss(index):
        import faiss

        try:
            faiss.ParameterSpace().set_index_parameter(index, name, value)
        except RuntimeError as exc:
            raise ValueError(f"FAISS index {type(index).__name__} has no search parameter {name!r} ({exc})") from None
        return
    if not hasattr(index, name):
        raise ValueError(f"index {type(index).__name__} has no attribute {name!r} to set")
    setattr(index, name, value)


def index_memory(index: Any) -> int | None:
    """Bytes an index takes: FAISS's serialized size, or the arrays an exact index holds.

    Returns ``None`` for an object it cannot measure.

    Examples
    --------
    >>> import faiss
    >>> flat = faiss.IndexFlatIP(4)
    >>> flat.add(np.zeros((10, 4), dtype=np.float32))
    >>> index_memory(flat) >= 10 * 4 * 4
    True
    """
    if _is_faiss(index):
        import faiss

        return int(len(faiss.serialize_index(index)))
    if isinstance(index, ExactIndex):
        return int(index.corpus.nbytes)
    return None


def _is_faiss(index: Any) -> bool:
    return type(index).__module__.startswith("faiss")


# ----------------------------------------------------------------------------- benchmark


@dataclass
class BenchmarkResult:
    """One index at one parameter setting.

    Attributes
    ----------
    name : str
        The index, such as ``"IVF"``.
    params : dict
        Search parameters of this run, such as ``{"nprobe": 4}`` (empty for none).
    k : int
    recall : float
        Recall@k against the exact neighbours (see :func:`~course_lib.use.search.recall_at_k`).
    qps : float
        Queries per second (best of the repeats).
    build_s : float
        Seconds to build the index (train and add), the same for every setting.
    memory_bytes : int or None
        Size of the index (see :func:`index_memory`).
    """

    name: str
    params: dict = field(default_factory=dict)
    k: int = 10
    recall: float = float("nan")
    qps: float = float("nan")
    build_s: float = float("nan")
    memory_bytes: int | None = None

    @property
    def label(self) -> str:
        """``"IVF nprobe=4"``: the name and the parameters."""
        settings = " ".join(f"{key}={value}" for key, value in self.params.items())
        return f"{self.name} {settings}".strip()


def benchmark_index(
    build_fn: Callable[[], Any],
    queries: Any,
    truth: Any,
    k: int = 10,
    *,
    name: str | None = None,
    search_params: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]] | None = None,
    batch: bool = False,
    repeats: int = 3,
) -> list[BenchmarkResult]:
    """Build an index once, then measure recall@k and queries per second for each setting.

    Parameters
    ----------
    build_fn : callable
        ``build_fn()`` returns a ready index (trained, vectors added) with
        ``index.search(queries, k) -> (scores, indices)``, as FAISS indexes have. It is
        timed: that is the build time.
    queries : array_like, shape (n_q, d)
        Query vectors (converted to C-contiguous float32, as FAISS wants).
    truth : array_like of int, shape (n_q, >= k)
        The exact neighbours of each query, best first (for example from ``top_k``).
    k : int
        Neighbours asked for, and the k of recall@k.
    name : str, optional
        Shown in tables and plots; default: the index's class name.
    search_params : mapping or list of mappings, optional
        ``{"nprobe": [1, 4, 16]}`` runs one setting per value; a list of dicts such as
        ``[{"nprobe": 4}, {"nprobe": 8}]`` gives every setting in full. Values are set with
        :func:`set_search_param`. Default: one run with the index as built.
    batch : bool
        ``False`` (the ann-benchmarks default): one ``search`` call per query, as a
        service answering users one at a time does; ``True``: one call with every query.
    repeats : int
        Each setting's searches are timed this many times; the fastest counts (the
        others met a busier machine).

    Returns
    -------
    list of BenchmarkResult
        One per setting, in the order given.

    Examples
    --------
    >>> corpus, _ = clustered_vectors(500, dim=8, intrinsic_dim=4, seed=0)
    >>> queries, _ = clustered_vectors(20, dim=8, intrinsic_dim=4, seed=1, centres_seed=0)
    >>> truth, _ = top_k(queries, corpus, 5, metric="dot")
    >>> [result] = benchmark_index(lambda: ExactIndex(corpus), queries, truth, k=5, name="exact")
    >>> result.label, result.recall
    ('exact', 1.0)
    """
    if not callable(build_fn):
        raise ValueError(f"build_fn must be a function that returns an index, got {type(build_fn).__name__}")
    q = np.ascontiguousarray(np.asarray(queries, dtype=np.float32))
    if q.ndim != 2 or len(q) == 0:
        raise ValueError(f"queries must be a non-empty 2-D array (n_q, d), got shape {q.shape}")
    k = check_int(k, "k", 1)
    truth = np.asarray(truth)
    if truth.ndim != 2 or truth.shape[0] != len(q) or truth.shape[1] < k:
        raise ValueError(
            f"truth must have one row per query and at least k={k} columns: shape ({len(q)}, >= {k}), "
            f"got {truth.shape}"
        )
    repeats = check_int(repeats, "repeats", 1)
    settings = _settings(search_params)
    start = time.perf_counter()
    index = build_fn()
    build_s = time.perf_counter() - start
    if not hasattr(index, "search"):
        raise ValueError(f"build_fn returned {type(index).__name__}, which has no search(queries, k) method")
    label = name if name is not None else type(index).__name__
    memory = index_memory(index)
    results = []
    for params in settings:
        for key, value in params.items():
            set_search_param(index, key, value)
        best = np.inf
        for _ in range(repeats):
            start = time.perf_counter()
            if batch:
                _, found = index.search(q, k)
            else:
                found = np.vstack([index.search(q[i:i + 1], k)[1] for i in range(len(q))])
            best = min(best, time.perf_counter() - start)
        results.append(BenchmarkResult(
            name=label, params=dict(params), k=k, recall=recall_at_k(found, truth, k),
            qps=len(q) / max(best, 1e-9), build_s=build_s, memory_bytes=memory,
        ))
    return results


def _settings(search_params: Any) -> list[dict]:
    if search_params is None:
        return [{}]
    if isinstance(search_params, Mapping):
        if len(search_params) != 1:
            raise ValueError(
                "search_params as a mapping must name one parameter, such as {'nprobe': [1, 4, 16]}; "
                "for several, pass a list of dicts"
            )
        [(key, values)] = search_params.items()
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise ValueError(f"search_params[{key!r}] must be a list of values, got {values!r}")
        values = list(values)
        if not values:
            raise ValueError(f"search_params[{key!r}] is empty; give at least one value")
        return [{key: v} for v in values]
    settings = list(search_params)
    if not settings or not all(isinstance(s, Mapping) for s in settings):
        raise ValueError("search_params must be a mapping {name: [values]} or a non-empty list of dicts")
    return [dict(s) for s in settings]


# ----------------------------------------------------------------------------- reporting


def benchmark_table(results: Sequence[BenchmarkResult], timings: bool = True) -> str:
    """A plain-text table: index, parameters, recall@k, [QPS, build time], memory.

    Parameters
    ----------
    results : list of BenchmarkResult
    timings : bool
        Include queries per second and build time. They change from run to run and
        machine to machine; ``timings=False`` prints only what a fixed seed reproduces.

    Examples
    --------
    >>> r = BenchmarkResult("IVF", {"nprobe": 4}, k=10, recall=0.9, qps=5000.0, build_s=0.2, memory_bytes=2**20)
    >>> print(benchmark_table([r], timings=False))
    index   parameters   recall@10   memory (MB)
    IVF     nprobe=4         0.900           1.0
    """
    results = list(results)
    if not results or not all(isinstance(r, BenchmarkResult) for r in results):
        raise ValueError("results must be a non-empty list of BenchmarkResult (from benchmark_index)")
    ks = {r.k for r in results}
    header = ["index", "parameters", f"recall@{results[0].k}" if len(ks) == 1 else "recall@k"]
    if timings:
        header += ["QPS", "build (s)"]
    header.append("memory (MB)")
    rows = []
    for r in results:
        params = " ".join(f"{key}={value}" for key, value in r.params.items()) or "-"
        row = [r.name, params, f"{r.recall:.3f}"]
        if timings:
            row += [f"{r.qps:,.0f}", f"{r.build_s:.2f}"]
        row.append(None if r.memory_bytes is None else f"{r.memory_bytes / 2**20:.1f}")
        rows.append(row)
    return format_table(rows, header, left=2, gap=3, label_gap=3)


def plot_recall_qps(results: Sequence[BenchmarkResult], ax: Any = None, title: str | None = None) -> Any:
    """ann-benchmarks' plot: recall@k (x) against queries per second (y, log scale).

    One line per index name through its parameter settings (in order of recall), each
    point labelled with its parameter values in the line's colour, the labels of one line
    above and to the left of its points and those of the next below and to the right, so
    that two curves that meet do not write over each other; an index with one setting is
    one marker. Up and to the right is better.

    Parameters
    ----------
    results : list of BenchmarkResult
    ax : matplotlib Axes, optional
        Draw here; default: a new figure.
    title : str, optional
        Default: "Recall@k against queries per second".

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    groups = _by_name(results)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    markers = "osD^vP*X"
    swept_lines = 0  # lines with labelled points so far: their labels alternate sides
    for number, (name, group) in enumerate(groups.items()):
        group = sorted(group, key=lambda r: r.recall)
        recall = [r.recall for r in group]
        qps = [r.qps for r in group]
        swept = sorted({key for r in group for key in r.params})
        shown = f"{name} ({', '.join(swept)})" if len(group) > 1 and swept else name
        (line,) = ax.plot(recall, qps, marker=markers[number % len(markers)], label=shown,
                          linestyle="-" if len(group) > 1 else "none")
        if len(group) > 1:
            above = swept_lines % 2 == 0
            for r in group:
                ax.annotate(",".join(str(v) for v in r.params.values()), (r.recall, r.qps),
                            textcoords="offset points", xytext=(-5, 5) if above else (5, -6),
                            ha="right" if above else "left", va="bottom" if above else "top",
                            fontsize=7, color=line.get_color())
            swept_lines += 1
    ax.set_yscale("log")
    k = results[0].k
    ax.set(xlabel=f"recall@{k}", ylabel="queries per second (log scale)",
           title=title or f"Recall@{k} against queries per second (up and right is better)")
    ax.grid(True, which="both", alpha=0.3)
    ax.margins(x=0.06)  # room for the labels of the points at recall 1
    ax.legend(fontsize=8)
    return ax


def plot_costs(results: Sequence[BenchmarkResult], axes: Any = None) -> Any:
    """Two bar charts side by side: build time and memory of each index (one bar per name).

    The names label the rows of the build-time panel only; the memory panel has the same
    rows in the same order, so it does not repeat them.

    Parameters
    ----------
    results : list of BenchmarkResult
    axes : pair of matplotlib Axes, optional
        Default: a new figure with two panels.

    Returns
    -------
    (Axes, Axes)
        The build-time panel and the memory panel.
    """
    import matplotlib.pyplot as plt

    groups = _by_name(results)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3))
    ax_build, ax_memory = axes
    names = list(groups)
    build = [groups[n][0].build_s for n in names]
    memory = [(groups[n][0].memory_bytes or 0) / 2**20 for n in names]
    ax_build.barh(names, build, color="tab:orange")
    ax_build.set(xlabel="seconds", title="Build time (train + add)")
    ax_build.invert_yaxis()
    ax_memory.barh(names, memory, color="tab:green")
    ax_memory.set(xlabel="MB", title="Index size in memory")
    ax_memory.invert_yaxis()
    ax_memory.tick_params(axis="y", labelleft=False)
    return ax_build, ax_memory


def _by_name(results: Sequence[BenchmarkResult]) -> dict[str, list[BenchmarkResult]]:
    results = list(results)
    if not results or not all(isinstance(r, BenchmarkResult) for r in results):
        raise ValueError("results must be a non-empty list of BenchmarkResult (from benchmark_index)")
    groups: dict[str, list[BenchmarkResult]] = {}
    for r in results:
        groups.setdefault(r.name, []).append(r)
    return groups


# ----------------------------------------------------------------------------- validation


def _check_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)
