"""Graph embeddings: random walks (DeepWalk, node2vec), spectral embedding, link prediction.

The central helper is :func:`random_walks`. Lesson 07 explains the idea with small graphs;
this module makes the same walks fast enough for graphs with millions of edges:

* the graph is stored once in compressed sparse row (CSR) form: for every node, a sorted
  run of neighbour indices (and, for weighted graphs, a per-node alias table), so memory
  grows with the number of edges;
* the walks run in compiled code (numba, cached to ``__pycache__`` after the first call);
* the node2vec second-order step uses *rejection sampling* (as in KnightKing and
  fastnode2vec): a candidate is drawn from the ordinary weighted neighbour distribution of
  the current node and accepted with probability ``bias / max_bias``; whether the
  candidate is adjacent to the previous node is a binary search in a sorted neighbour
  list. This is exact, and it needs no table per (previous, current) pair, unlike the
  ``node2vec`` package, whose memory grows with the sum of squared degrees.

Random numbers come from a small counter-based generator (SplitMix64) seeded per walk from
``(seed, walk number)``, so the walks depend only on ``seed``: not on the thread count,
the machine or anything run before.
"""
from __future__ import annotations

import gc
import math
import numbers
from typing import Any, NamedTuple

import networkx as nx
import numpy as np

from numba import njit, prange

from course_lib._utils import check_int, is_integer

__all__ = [
    "EdgeSplit",
    "deepwalk_embedding",
    "edge_features",
    "node2vec_embedding",
    "random_walk_indices",
    "random_walks",
    "spectral_embedding",
    "train_test_edge_split",
]

# --------------------------------------------------------------------------------------
# Compiled kernels
# --------------------------------------------------------------------------------------

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
#: Rejection rounds before the exact O(degree) fallback of one second-order step.
_MAX_TRIALS = 32
#: Node entries per chunk when random_walks converts walks to lists.
_CHUNK_ENTRIES = 1_000_000


@njit(cache=True)
def _mix64(z):  # pragma: no cover - compiled
    """SplitMix64's finaliser: a bijective, well-mixing hash of a 64-bit integer."""
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _uniform(state):  # pragma: no cover - compiled
    """Advance a SplitMix64 state; return (new state, a double uniform in [0, 1))."""
    state = state + _GAMMA
    return state, (_mix64(state) >> np.uint64(11)) * _TO_UNIT


@njit(cache=True)
def _find(indices, lo, hi, x):  # pragma: no cover - compiled
    """Position of ``x`` in the sorted ``indices[lo:hi]``, or -1."""
    end = hi
    while lo < hi:
        mid = (lo + hi) >> 1
        if indices[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    if lo < end and indices[lo] == x:
        return lo
    return -1


@njit(cache=True)
def _adjacent(indptr, indices, t, ts, te, x, undirected):  # pragma: no cover - compiled
    """Whether the edge t -> x exists; undirected graphs search the shorter of both rows."""
    if undirected:
        xs = indptr[x]
        xe = indptr[x + 1]
        if xe - xs < te - ts:
            return _find(indices, xs, xe, t) >= 0
    return _find(indices, ts, te, x) >= 0


@njit(cache=True)
def _neighbour(state, v, indptr, indices, alias_prob, alias_idx, weighted):  # pragma: no cover
    """First-order step: a neighbour of ``v`` with probability w(v, x) / sum of w(v, .)."""
    start = indptr[v]
    deg = indptr[v + 1] - start
    state, u = _uniform(state)
    k = np.int64(u * deg)
    if k >= deg:  # u * deg can round up to deg for huge degrees
        k = deg - 1
    if weighted:
        state, u = _uniform(state)
        if u >= alias_prob[start + k]:
            k = alias_idx[start + k]
    return state, indices[start + k]


@njit(cache=True)
def _second_order(state, cur, prev, indptr, indices, wnorm, alias_prob, alias_idx,
                  weighted, undirected, inv_p, inv_q):  # pragma: no cover - compiled
    """node2vec step from ``cur`` having come from ``prev``, by exact rejection sampling.

    Target: P(x) proportional to w(cur, x) * b(x), with b = 1/p if x == prev, 1 if x is an
    out-neighbour of prev, 1/q otherwise. Envelope: w(cur, x) * M with M = max(1, 1/q),
    plus, when 1/p > M, an extra slice of mass w(cur, prev) * (1/p - M) that always
    returns to prev ("outlier folding", KnightKing), so a tiny p does not make almost all
    proposals fail. After _MAX_TRIALS rejections the step is drawn from the exact
    distribution computed over all neighbours; the value a rejection sampler accepts is
    independent of how many rounds it took, so the mixture is still exact.
    """
    s = indptr[cur]
    e = indptr[cur + 1]
    ps = indptr[prev]
    pe = indptr[prev + 1]
    env = max(1.0, inv_q)
    extra = 0.0
    if inv_p > env:
        j = _find(indices, s, e, prev)
        if j >= 0:
            w_back = wnorm[j] if weighted else 1.0 / (e - s)
            extra = w_back * (inv_p - env)
    total = env + extra
    b_min = min(inv_p, 1.0, inv_q)
    for _ in range(_MAX_TRIALS):
        if extra > 0.0:
            state, u = _uniform(state)
            if u * total < extra:
                return state, prev
        state, x = _neighbour(state, cur, indptr, indices, alias_prob, alias_idx, weighted)
        state, u = _uniform(state)
        height = u * env
        if height < b_min:  # under every bias: accept without looking at x
            return state, x
        if x == prev:
            b = inv_p
        elif _adjacent(indptr, indices, prev, ps, pe, x, undirected):
            b = 1.0
        else:
            b = inv_q
        if height < b:
            return state, x
    # Exact fallback: O(degree * log(degree of prev)).
    acc = 0.0
    for j in range(s, e):
        x = indices[j]
        w = wnorm[j] if weighted else 1.0
        if x == prev:
            acc += w * inv_p
        elif _adjacent(indptr, indices, prev, ps, pe, x, undirected):
            acc += w
        else:
            acc += w * inv_q
    state, u = _uniform(state)
    target = u * acc
    acc = 0.0
    for j in range(s, e):
        x = indices[j]
        w = wnorm[j] if weighted else 1.0
        if x == prev:
            acc += w * inv_p
        elif _adjacent(indptr, indices, prev, ps, pe, x, undirected):
            acc += w
        else:
            acc += w * inv_q
        if target < acc:
            return state, x
    return state, indices[e - 1]


@njit(cache=True)
def _one_walk(out, lengths, r, w, base_seed, indptr, indices, wnorm, alias_prob, alias_idx,
              weighted, undirected, inv_p, inv_q, second_order):  # pragma: no cover - compiled
    """Write walk number ``w`` (start node ``w % n``) into row ``r`` of ``out`` (-1 padded).

    The walk depends only on ``w`` and ``base_seed``: not on the row, the chunk or the thread.
    """
    n = indptr.size - 1
    walk_length = out.shape[1]
    state = _mix64(base_seed ^ _mix64(np.uint64(w)))
    cur = w % n
    out[r, 0] = cur
    prev = -1
    length = 1
    for i in range(1, walk_length):
        if indptr[cur + 1] == indptr[cur]:  # dead end
            break
        if second_order and prev >= 0:
            state, nxt = _second_order(state, cur, prev, indptr, indices, wnorm, alias_prob,
                                       alias_idx, weighted, undirected, inv_p, inv_q)
        else:
            state, nxt = _neighbour(state, cur, indptr, indices, alias_prob, alias_idx,
                                    weighted)
        out[r, i] = nxt
        prev = cur
        cur = nxt
        length += 1
    for i in range(length, walk_length):
        out[r, i] = -1
    lengths[r] = length


@njit(cache=True, nogil=True)
def _walks_serial(out, lengths, first, base_seed, indptr, indices, wnorm, alias_prob,
                  alias_idx, weighted, undirected, inv_p, inv_q,
                  second_order):  # pragma: no cover - compiled
    """Walks ``first, first + 1, ...`` into the rows of ``out``."""
    for r in range(out.shape[0]):
        _one_walk(out, lengths, r, first + r, base_seed, indptr, indices, wnorm, alias_prob,
                  alias_idx, weighted, undirected, inv_p, inv_q, second_order)


@njit(cache=True, nogil=True, parallel=True)
def _walks_parallel(out, lengths, first, base_seed, indptr, indices, wnorm, alias_prob,
                    alias_idx, weighted, undirected, inv_p, inv_q,
                    second_order):  # pragma: no cover - compiled
    """As :func:`_walks_serial`, the rows shared among numba's threads."""
    for r in prange(out.shape[0]):
        _one_walk(out, lengths, r, first + r, base_seed, indptr, indices, wnorm, alias_prob,
                  alias_idx, weighted, undirected, inv_p, inv_q, second_order)


@njit(cache=True, nogil=True)
def _alias_tables(indptr, weights):  # pragma: no cover - compiled
    """Per-node normalised weights and Vose alias tables, all O(E)."""
    n = indptr.size - 1
    size = weights.size
    wnorm = np.empty(size, np.float64)
    prob = np.empty(size, np.float64)
    alias = np.empty(size, np.int32)
    max_deg = 0
    for v in range(n):
        max_deg = max(max_deg, indptr[v + 1] - indptr[v])
    scaled = np.empty(max_deg, np.float64)
    small = np.empty(max_deg, np.int64)
    large = np.empty(max_deg, np.int64)
    for v in range(n):
        s = indptr[v]
        deg = indptr[v + 1] - s
        if deg == 0:
            continue
        top = 0.0
        for j in range(deg):
            top = max(top, weights[s + j])
        total = 0.0
        for j in range(deg):
            total += weights[s + j] / top  # scaled by the maximum: no overflow
        n_small = 0
        n_large = 0
        for j in range(deg):
            pj = weights[s + j] / top / total
            wnorm[s + j] = pj
            scaled[j] = pj * deg
            if scaled[j] < 1.0:
                small[n_small] = j
                n_small += 1
            else:
                large[n_large] = j
                n_large += 1
        while n_small > 0 and n_large > 0:
            n_small -= 1
            lo = small[n_small]
            n_large -= 1
            hi = large[n_large]
            prob[s + lo] = scaled[lo]
            alias[s + lo] = hi
            scaled[hi] = (scaled[hi] + scaled[lo]) - 1.0
            if scaled[hi] < 1.0:
                small[n_small] = hi
                n_small += 1
            else:
                large[n_large] = hi
                n_large += 1
        while n_large > 0:
            n_large -= 1
            hi = large[n_large]
            prob[s + hi] = 1.0
            alias[s + hi] = hi
        while n_small > 0:  # only round-off leftovers
            n_small -= 1
            lo = small[n_small]
            prob[s + lo] = 1.0
            alias[s + lo] = lo
    return wnorm, prob, alias


# --------------------------------------------------------------------------------------
# Graph -> CSR
# --------------------------------------------------------------------------------------


class _CSR(NamedTuple):
    nodes: list
    indptr: np.ndarray  # int64, n + 1
    indices: np.ndarray  # int32, sorted within each row
    weights: np.ndarray  # float64, > 0 and finite


def _check_graph(G: Any, name: str = "G") -> None:
    if not isinstance(G, nx.Graph):
        raise ValueError(
            f"{name} must be a networkx graph (nx.Graph, nx.DiGraph, nx.MultiGraph, ...), "
            f"got {type(G).__name__}"
        )
    if G.number_of_nodes() == 0:
        raise ValueError(f"{name} is empty: it has no nodes, so there is nowhere to walk")


def _to_csr(G: nx.Graph) -> _CSR:
    """CSR adjacency of ``G`` in ``G.nodes`` order, with weights validated and merged.

    Undirected edges are stored in both directions (a self-loop once); parallel edges of a
    multigraph are merged by summing their weights; zero-weight edges are dropped.
    """
    _check_graph(G)
    nodes = list(G.nodes)
    n = len(nodes)
    if n >= 2**31 - 1:
        raise ValueError(f"G has {n} nodes; random walks support fewer than 2**31 - 1")
    index = {v: i for i, v in enumerate(nodes)}
    m = G.number_of_edges()
    rec = np.dtype([("u", np.int64), ("v", np.int64), ("w", np.float64)])
    try:
        arr = np.fromiter(
            ((index[u], index[v], w) for u, v, w in G.edges(data="weight", default=1.0)),
            dtype=rec, count=m,
        )
    except (TypeError, ValueError):
        for u, v, w in G.edges(data="weight", default=1.0):
            try:
                float(w)
            except (TypeError, ValueError):
                raise ValueError(
                    f"edge ({u!r}, {v!r}) of G has weight {w!r}; every 'weight' must be a "
                    "non-negative finite number"
                ) from None
        raise
    src, dst, wts = arr["u"], arr["v"], arr["w"]
    del arr
    bad = ~np.isfinite(wts) | (wts < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"edge ({nodes[src[k]]!r}, {nodes[dst[k]]!r}) of G has weight {wts[k]!r}; every "
            f"'weight' must be a non-negative finite number ({int(bad.sum())} edge(s) are not)"
        )
    if not G.is_directed():
        off = src != dst
        src, dst = np.concatenate([src, dst[off]]), np.concatenate([dst, src[off]])
        wts = np.concatenate([wts, wts[off]])
    keys = src * n + dst
    del src, dst
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    wts = wts[order]
    del order
    if keys.size > 1:
        first = np.empty(keys.size, dtype=bool)
        first[0] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        if not first.all():  # multigraph: sum the weights of parallel edges
            wts = np.add.reduceat(wts, np.flatnonzero(first))
            keys = keys[first]
    if not np.isfinite(wts).all():
        raise ValueError("G has parallel edges whose weights sum to infinity")
    keep = wts > 0
    if not keep.all():
        keys = keys[keep]
        wts = wts[keep]
    rows = keys // n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    indices = (keys - rows * n).astype(np.int32)
    return _CSR(nodes, indptr, indices, wts)


# --------------------------------------------------------------------------------------
# Random walks
# --------------------------------------------------------------------------------------


def _check_bias(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and value > 0 and math.isfinite(1.0 / value)):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def _base_seed(seed: Any) -> np.uint64:
    if seed is None:
        return np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0]
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be None or a non-negative integer, got {seed!r}")
    return np.random.SeedSequence(int(seed)).generate_state(1, dtype=np.uint64)[0]


class _Walker:
    """Validated arguments and the graph's tables; fills chunks of walks on demand."""

    def __init__(self, G, num_walks, walk_length, p, q, seed, workers):
        self.num_walks = check_int(num_walks, "num_walks", 1)
        self.walk_length = check_int(walk_length, "walk_length", 1)
        p = _check_bias(p, "p")
        q = _check_bias(q, "q")
        self.workers = check_int(workers, "workers", 1)
        base = _base_seed(seed)
        csr = _to_csr(G)
        self.nodes = csr.nodes
        self.total = self.num_walks * len(csr.nodes)
        # Constant weights within every row (the unweighted case): uniform choice, no tables.
        deg = np.diff(csr.indptr)
        row_first = np.repeat(csr.weights[csr.indptr[:-1][deg > 0]], deg[deg > 0])
        weighted = bool(csr.weights.size) and not np.array_equal(csr.weights, row_first)
        del row_first
        if weighted:
            wnorm, alias_prob, alias_idx = _alias_tables(csr.indptr, csr.weights)
        else:
            wnorm = alias_prob = np.empty(0, np.float64)
            alias_idx = np.empty(0, np.int32)
        self._tables = (base, csr.indptr, csr.indices, wnorm, alias_prob, alias_idx, weighted,
                        not G.is_directed(), 1.0 / p, 1.0 / q, not (p == 1.0 and q == 1.0))

    def fill(self, out: np.ndarray, lengths: np.ndarray, first: int) -> None:
        """Walks ``first ... first + len(out) - 1`` into ``out`` (rows) and ``lengths``."""
        if self.workers == 1:
            _walks_serial(out, lengths, first, *self._tables)
            return
        import numba

        before = numba.get_num_threads()
        numba.set_num_threads(min(self.workers, numba.config.NUMBA_NUM_THREADS))
        try:
            _walks_parallel(out, lengths, first, *self._tables)
        finally:
            numba.set_num_threads(before)


def random_walk_indices(
    G: nx.Graph,
    num_walks: int,
    walk_length: int,
    p: float = 1.0,
    q: float = 1.0,
    seed: int | None = None,
    *,
    workers: int = 1,
) -> np.ndarray:
    """The walks of :func:`random_walks` as one integer array of node positions.

    Cheaper than :func:`random_walks` for large outputs: no Python list per walk.

    Parameters
    ----------
    G, num_walks, walk_length, p, q, seed, workers
        As in :func:`random_walks`.

    Returns
    -------
    numpy.ndarray
        ``int32`` array of shape ``(num_walks * n, walk_length)``. Entry ``[w, i]`` is the
        position in ``list(G.nodes)`` of the ``i``-th node of walk ``w``; a walk that
        stopped at a dead end is padded with ``-1``. Row ``w`` starts at node ``w % n``.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> walks = random_walk_indices(G, num_walks=2, walk_length=4, seed=0)
    >>> walks.shape
    (6, 4)
    >>> walks[:3, 0].tolist()
    [0, 1, 2]
    """
    walker = _Walker(G, num_walks, walk_length, p, q, seed, workers)
    out = np.empty((walker.total, walker.walk_length), dtype=np.int32)
    walker.fill(out, np.empty(walker.total, dtype=np.int32), 0)
    return out


def random_walks(
    G: nx.Graph,
    num_walks: int,
    walk_length: int,
    p: float = 1.0,
    q: float = 1.0,
    seed: int | None = None,
    *,
    workers: int = 1,
) -> list[list]:
    """Random walks over ``G``: DeepWalk (``p = q = 1``) or node2vec (any ``p``, ``q``).

    ``num_walks`` rounds; each round starts one walk at every node of ``G``, in
    ``G.nodes`` order. From node ``v`` the walk moves to a neighbour ``x`` with probability
    proportional to the edge weight ``w(v, x)`` (attribute ``"weight"``, default 1). After
    the first step, node2vec's second-order bias multiplies that weight by ``1/p`` to go
    back to the previous node ``t``, by 1 when ``x`` is a neighbour of ``t``, and by
    ``1/q`` otherwise (Grover & Leskovec, 2016): a small ``p`` keeps the walk local
    (breadth-first-like), a small ``q`` pushes it outwards (depth-first-like).

    Parameters
    ----------
    G : networkx.Graph
        Any networkx graph with at least one node. Directed graphs are walked along their
        out-edges, and "``x`` is a neighbour of ``t``" means the edge ``t -> x`` exists.
        A self-loop is an ordinary edge (the walk may stay put). Parallel edges of a
        multigraph count as one edge whose weight is their sum. An edge of weight 0 is
        never taken; a node whose edges all weigh 0 is a dead end.
    num_walks : int
        Number of rounds (walks per node), at least 1.
    walk_length : int
        Nodes per walk, at least 1 (the start node counts). A walk is shorter only when it
        reaches a node without (out-)neighbours.
    p, q : float
        node2vec return and in-out parameters, positive and finite.
    seed : int or None
        Non-negative integer: the same seed gives the same walks (on any machine and for
        any ``workers``). ``None``: fresh randomness.
    workers : int
        Threads that run walks in parallel (capped at numba's thread count). The walks do
        not depend on it.

    Returns
    -------
    list of list
        ``num_walks * len(G)`` walks; walk ``r * len(G) + i`` starts at the ``i``-th node of
        round ``r``. The walks hold the original node labels of ``G`` (the very objects);
        use ``[[str(v) for v in walk] for walk in walks]`` before gensim's Word2Vec.

    Raises
    ------
    ValueError
        For ``p <= 0``, ``q <= 0``, ``num_walks < 1``, ``walk_length < 1``, an empty graph,
        or an edge whose weight is negative, infinite or not a number.

    Notes
    -----
    The graph is converted to CSR (one pass over its edges): 4 bytes per stored
    (directed) edge, 20 more for a weighted graph's alias tables. The walks run in compiled
    numba code, compiled on first use (seconds) and cached on disk, and are converted to
    lists in chunks, so beyond the result itself memory stays small.

    The node2vec step is rejection sampling: a candidate from the first-order distribution
    is kept with probability ``bias / max(1, 1/q)``; going back to ``t`` when ``1/p`` is
    larger than that is drawn directly with its exact extra probability. Acceptance is
    high for moderate ``q``; for extreme ``q`` many candidates are rejected, and after 32
    rejections the step is drawn from the exact distribution computed over all
    neighbours. Either way the walk follows the node2vec probabilities exactly.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> walks = random_walks(G, num_walks=2, walk_length=3, seed=1)
    >>> len(walks), [walk[0] for walk in walks]
    (6, ['a', 'b', 'c', 'a', 'b', 'c'])
    >>> walks[0]
    ['a', 'b', 'c']
    >>> random_walks(G, 2, 3, p=0.5, q=2.0, seed=1) == random_walks(G, 2, 3, p=0.5, q=2.0, seed=1)
    True
    """
    walker = _Walker(G, num_walks, walk_length, p, q, seed, workers)
    labels = np.empty(len(walker.nodes), dtype=object)
    for i, v in enumerate(walker.nodes):  # item by item: tuple labels must stay tuples
        labels[i] = v
    # Chunks of walks: the int buffer and the temporary object array stay small; only the
    # lists (the result) grow with the output.
    chunk = min(walker.total, max(1, _CHUNK_ENTRIES // walker.walk_length))
    out = np.empty((chunk, walker.walk_length), dtype=np.int32)
    lengths = np.empty(chunk, dtype=np.int32)
    walks: list[list] = []
    # Millions of new lists would trigger the cyclic garbage collector over and over (it
    # walks every list each time); lists of labels form no cycles, so pause it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for first in range(0, walker.total, chunk):
            count = min(chunk, walker.total - first)
            walker.fill(out[:count], lengths[:count], first)
            block = labels[out[:count]].tolist()
            for r in np.flatnonzero(lengths[:count] < walker.walk_length).tolist():
                del block[r][lengths[r]:]
            walks.extend(block)
    finally:
        if collecting:
            gc.enable()
    return walks


# --------------------------------------------------------------------------------------
# Embeddings
# --------------------------------------------------------------------------------------


def node2vec_embedding(
    G: nx.Graph,
    dim: int = 64,
    *,
    p: float = 1.0,
    q: float = 1.0,
    num_walks: int = 10,
    walk_length: int = 40,
    window: int = 5,
    epochs: int = 5,
    seed: int = 0,
    **word2vec_kwargs: Any,
) -> np.ndarray:
    """node2vec: random walks, then skip-gram word2vec (gensim) over the walks.

    Parameters
    ----------
    G : networkx.Graph
        The graph (see :func:`random_walks`).
    dim : int
        Embedding dimension.
    p, q, num_walks, walk_length
        Passed to :func:`random_walks`.
    window : int
        Skip-gram context window (nodes on each side).
    epochs : int
        Passes of word2vec over the walks.
    seed : int
        Seed for the walks and for word2vec; training uses one worker, so a seed gives the
        same vectors on the same machine.
    **word2vec_kwargs
        More arguments for ``gensim.models.Word2Vec`` (``negative``, ``sample``, ...).

    Returns
    -------
    numpy.ndarray
        ``float32`` array of shape ``(len(G), dim)``; row ``i`` is the ``i``-th node of
        ``G.nodes``.

    Examples
    --------
    >>> emb = node2vec_embedding(nx.karate_club_graph(), dim=8, q=0.5, seed=0)
    >>> emb.shape
    (34, 8)
    """
    from gensim.models import Word2Vec

    dim = check_int(dim, "dim", 1)
    window = check_int(window, "window", 1)
    epochs = check_int(epochs, "epochs", 1)
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    for key in ("vector_size", "workers", "seed", "sentences", "corpus_file", "min_count"):
        if key in word2vec_kwargs:
            raise ValueError(f"word2vec_kwargs must not set {key!r}: node2vec_embedding sets it")
    walks = random_walk_indices(G, num_walks, walk_length, p=p, q=q, seed=seed)
    # Tokens are node positions ("0", "1", ...): labels such as 1 and "1" cannot collide.
    names = np.array([str(i) for i in range(len(G))], dtype=object)
    sentences = [names[row[row >= 0]].tolist() for row in walks]
    params = {"sg": 1, "negative": 5}
    params.update(word2vec_kwargs)
    model = Word2Vec(sentences, vector_size=dim, window=window, epochs=epochs, min_count=1,
                     workers=1, seed=int(seed), **params)
    return np.asarray(model.wv[names.tolist()], dtype=np.float32)


def deepwalk_embedding(
    G: nx.Graph,
    dim: int = 64,
    *,
    num_walks: int = 10,
    walk_length: int = 40,
    window: int = 5,
    epochs: int = 5,
    seed: int = 0,
    **word2vec_kwargs: Any,
) -> np.ndarray:
    """DeepWalk (Perozzi et al., 2014): uniform random walks, then skip-gram word2vec.

    The same as :func:`node2vec_embedding` with ``p = q = 1``; see it for the parameters.

    Examples
    --------
    >>> emb = deepwalk_embedding(nx.karate_club_graph(), dim=8, seed=0)
    >>> emb.shape, emb.dtype
    ((34, 8), dtype('float32'))
    """
    return node2vec_embedding(G, dim, p=1.0, q=1.0, num_walks=num_walks,
                              walk_length=walk_length, window=window, epochs=epochs,
                              seed=seed, **word2vec_kwargs)


def spectral_embedding(G: nx.Graph, dim: int = 2) -> np.ndarray:
    """Laplacian eigenmaps: the smoothest non-trivial eigenvectors of the graph Laplacian.

    Solves ``L y = lambda D y`` (``L = D - A``, weights from ``"weight"``) and keeps the
    eigenvectors of the ``dim`` smallest eigenvalues after the trivial constant one, so
    nodes joined by heavy edges get close coordinates. Each column's sign is fixed (its
    largest entry in absolute value is positive). Isolated nodes get zeros.

    Parameters
    ----------
    G : networkx.Graph
        An undirected graph with at least ``dim + 1`` nodes (multigraph weights are summed).
    dim : int
        Number of coordinates, between 1 and ``len(G) - 1``.

    Returns
    -------
    numpy.ndarray
        ``float64`` array of shape ``(len(G), dim)`` in ``G.nodes`` order.

    Examples
    --------
    >>> emb = spectral_embedding(nx.karate_club_graph(), dim=2)
    >>> emb.shape
    (34, 2)
    """
    import scipy.sparse as sp

    _check_graph(G)
    if G.is_directed():
        raise ValueError("G must be undirected for spectral_embedding; use G.to_undirected()")
    n = G.number_of_nodes()
    if not is_integer(dim) or not 1 <= dim <= n - 1:
        raise ValueError(f"dim must be an integer between 1 and len(G) - 1 = {n - 1}, got {dim!r}")
    csr = _to_csr(G)
    A = sp.csr_array((csr.weights, csr.indices, csr.indptr), shape=(n, n))
    deg = np.asarray(A.sum(axis=1)).ravel()
    d_inv_sqrt = np.zeros(n)
    d_inv_sqrt[deg > 0] = 1.0 / np.sqrt(deg[deg > 0])
    S = sp.diags(d_inv_sqrt) @ A @ sp.diags(d_inv_sqrt)  # D^-1/2 A D^-1/2 = I - L_sym
    if n <= 2000:
        vals, vecs = np.linalg.eigh(S.toarray())
    else:
        from scipy.sparse.linalg import eigsh

        v0 = np.sqrt(deg + 1.0)
        vals, vecs = eigsh(S, k=dim + 1, which="LA", v0=v0 / np.linalg.norm(v0))
    order = np.argsort(-vals, kind="stable")[1:dim + 1]  # largest of S = smallest of L_sym
    Y = vecs[:, order] * d_inv_sqrt[:, None]
    norms = np.linalg.norm(Y, axis=0)
    Y = Y / np.where(norms > 0, norms, 1.0)
    signs = np.sign(Y[np.abs(Y).argmax(axis=0), np.arange(dim)])
    return Y * np.where(signs == 0, 1.0, signs)


# --------------------------------------------------------------------------------------
# Link prediction
# --------------------------------------------------------------------------------------


class EdgeSplit(NamedTuple):
    """Edges for link prediction. Edge arrays are ``(m, 2)`` int arrays of positions in
    ``list(G.nodes)`` (the rows of an embedding), not node labels."""

    train_graph: nx.Graph
    train_edges: np.ndarray
    train_non_edges: np.ndarray
    test_edges: np.ndarray
    test_non_edges: np.ndarray


def _sample_non_edges(n: int, edge_set: set, count: int, rng: np.random.Generator) -> np.ndarray:
    available = n * (n - 1) // 2 - len(edge_set)
    if count > available:
        raise ValueError(
            f"the graph has only {available} non-edges but {count} are needed; use a smaller "
            "test_fraction or a sparser graph"
        )
    if count == 0:
        return np.empty((0, 2), dtype=np.int64)
    if n <= 2000 or count > available // 2:  # enumerate, then choose
        iu, ju = np.triu_indices(n, k=1)
        code = iu.astype(np.int64) * n + ju
        taken = np.fromiter((a * n + b for a, b in edge_set), dtype=np.int64, count=len(edge_set))
        code = code[~np.isin(code, taken)]
        pick = np.sort(rng.choice(code.size, size=count, replace=False))
        code = code[pick]
        return np.stack([code // n, code % n], axis=1)[rng.permutation(count)]
    chosen: dict[tuple[int, int], None] = {}
    while len(chosen) < count:
        a = rng.integers(0, n, size=2 * count)
        b = rng.integers(0, n, size=2 * count)
        for x, y in zip(a.tolist(), b.tolist()):
            if x == y:
                continue
            key = (x, y) if x < y else (y, x)
            if key not in edge_set and key not in chosen:
                chosen[key] = None
                if len(chosen) == count:
                    break
    return np.array(list(chosen), dtype=np.int64)


def train_test_edge_split(
    G: nx.Graph,
    test_fraction: float = 0.2,
    *,
    seed: int = 0,
    keep_connected: bool = True,
) -> EdgeSplit:
    """Hide a fraction of the edges of ``G`` for link prediction, with as many non-edges.

    The training graph is a copy of ``G`` (same nodes, in the same order, and attributes)
    without the test edges. With ``keep_connected``, edges of a random spanning forest are
    never hidden, so every connected component of ``G`` stays connected and every node
    keeps at least one edge, as in the node2vec paper. Non-edges are node pairs that are not
    edges of ``G`` (no self-pairs), sampled uniformly; train and test non-edges are
    disjoint, and each set has as many pairs as the matching edge set. Self-loops stay in
    the training graph and appear in no edge array.

    Parameters
    ----------
    G : networkx.Graph
        An undirected simple graph (not directed, not a multigraph).
    test_fraction : float
        Fraction of the (non-loop) edges to hide, strictly between 0 and 1.
    seed : int
        Non-negative integer seed.
    keep_connected : bool
        Never hide an edge whose removal would disconnect a component.

    Returns
    -------
    EdgeSplit
        ``(train_graph, train_edges, train_non_edges, test_edges, test_non_edges)``;
        the arrays hold positions in ``list(G.nodes)``, ready for :func:`edge_features`.

    Examples
    --------
    >>> split = train_test_edge_split(nx.karate_club_graph(), test_fraction=0.2, seed=0)
    >>> len(split.test_edges), len(split.test_non_edges), split.train_graph.number_of_edges()
    (16, 16, 62)
    """
    _check_graph(G)
    if G.is_directed() or G.is_multigraph():
        raise ValueError(
            "G must be an undirected simple graph (nx.Graph) for train_test_edge_split"
        )
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real) or not (
        0.0 < float(test_fraction) < 1.0
    ):
        raise ValueError(
            f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}"
        )
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    rng = np.random.default_rng(int(seed))
    nodes = list(G.nodes)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array(
        [(index[u], index[v]) for u, v in G.edges() if u != v], dtype=np.int64
    ).reshape(-1, 2)
    edges.sort(axis=1)
    m = len(edges)
    n_test = int(round(float(test_fraction) * m))
    if n_test < 1 or n_test >= m:
        raise ValueError(
            f"test_fraction={test_fraction!r} of {m} edges hides {n_test} edges; it must hide "
            "at least one edge and keep at least one"
        )
    perm = rng.permutation(m)
    if keep_connected:
        parent = list(range(n))

        def root(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        removable = []
        for k in rng.permutation(m).tolist():  # Kruskal in random order: a random forest
            ra, rb = root(int(edges[k, 0])), root(int(edges[k, 1]))
            if ra != rb:
                parent[ra] = rb
            else:
                removable.append(k)
        removable_set = set(removable)
        candidates = [k for k in perm.tolist() if k in removable_set]
        if len(candidates) < n_test:
            raise ValueError(
                f"test_fraction={test_fraction!r} needs {n_test} hidden edges but only "
                f"{len(candidates)} can be hidden without disconnecting G; use a smaller "
                "test_fraction or keep_connected=False"
            )
        test_idx = np.array(candidates[:n_test], dtype=np.int64)
    else:
        test_idx = perm[:n_test]
    is_test = np.zeros(m, dtype=bool)
    is_test[test_idx] = True
    test_edges = edges[test_idx]
    train_edges = edges[~is_test]
    train_graph = G.copy()
    train_graph.remove_edges_from((nodes[a], nodes[b]) for a, b in test_edges.tolist())
    edge_set = {(int(a), int(b)) for a, b in edges.tolist()}
    non_edges = _sample_non_edges(n, edge_set, n_test + len(train_edges), rng)
    return EdgeSplit(train_graph, train_edges, non_edges[n_test:], test_edges, non_edges[:n_test])


_EDGE_OPS = ("hadamard", "average", "l1", "l2")


def edge_features(emb: np.ndarray, edges: np.ndarray, op: str = "hadamard") -> np.ndarray:
    """Features of node pairs from node embeddings (node2vec paper, Table 1).

    Parameters
    ----------
    emb : array_like
        Node embeddings, shape ``(n, d)``; row ``i`` is node ``i``.
    edges : array_like
        Integer array of shape ``(m, 2)``: pairs of row numbers of ``emb``.
    op : {"hadamard", "average", "l1", "l2"}
        ``a * b``, ``(a + b) / 2``, ``|a - b|`` or ``(a - b) ** 2``, elementwise.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, d)``. Every op is symmetric: the pair ``(u, v)`` gives the same row as
        ``(v, u)``.

    Examples
    --------
    >>> emb = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> edge_features(emb, [[0, 1]], op="hadamard")
    array([[3., 8.]])
    >>> edge_features(emb, [[0, 1]], op="l1")
    array([[2., 2.]])
    """
    if op not in _EDGE_OPS:
        raise ValueError(f"op must be one of {', '.join(map(repr, _EDGE_OPS))}; got {op!r}")
    emb = np.asarray(emb)
    if emb.ndim != 2 or not np.issubdtype(emb.dtype, np.number):
        raise ValueError(f"emb must be a numeric array of shape (n, d), got shape {emb.shape}")
    edges = np.asarray(edges)
    if edges.size == 0:
        edges = edges.reshape(0, 2)
    if edges.ndim != 2 or edges.shape[1] != 2 or not (
        edges.size == 0 or np.issubdtype(edges.dtype, np.integer)
    ):
        raise ValueError(f"edges must be an integer array of shape (m, 2), got shape {edges.shape}")
    edges = edges.astype(np.int64, copy=False)
    if edges.size and (edges.min() < 0 or edges.max() >= emb.shape[0]):
        raise ValueError(
            f"edges must hold row numbers of emb, between 0 and {emb.shape[0] - 1}; "
            f"found {int(edges.min())}..{int(edges.max())}"
        )
    a = emb[edges[:, 0]]
    b = emb[edges[:, 1]]
    if op == "hadamard":
        return a * b
    if op == "average":
        return (a + b) / 2
    if op == "l1":
        return np.abs(a - b)
    return (a - b) ** 2
