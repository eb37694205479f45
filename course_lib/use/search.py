"""Exact nearest-neighbour search: top-k by cosine similarity, dot product or distance.

Lesson 11 writes exact top-k by hand (a score matrix, then a sort); :func:`top_k` is the
same search made fast and memory-bounded, and it is the ground truth that approximate
FAISS indexes are measured against with :func:`recall_at_k`. Built on it:
:func:`nearest_neighbours`, each row's neighbours among the other rows (leave-one-out),
and :func:`rank_neighbours` / :func:`format_neighbours`, ranked lists that print the same
on every machine. (The course design calls this module ``course_lib.search``; both names
are this one module.)

How :func:`top_k` works
-----------------------
The corpus is processed in blocks of :data:`CORPUS_BLOCK` rows and the queries in
blocks of :data:`QUERY_BLOCK` rows, so the extra memory is one score block (plus the
k best so far per query), never the whole ``n_q x n`` score matrix. With few queries
the corpus blocks grow, within the same memory bound, so that one query at a time
(as a search service answers) is not dominated by per-block Python steps. Each block of scores
is one BLAS matrix product (``numpy @``, in float32 when the inputs are float32). A
query keeps its k best (score, index) pairs so far; because corpus blocks arrive in
index order, a later row enters the list only if it scores *strictly* better than the
current k-th best (on a tie the earlier, lower index wins), so one vectorised
comparison per block finds the few candidates and only those are sorted.
"""
from __future__ import annotations

import numpy as np

from course_lib._utils import as_matrix, check_choice, check_int, is_integer, zero_vector_error


#: Query rows per block. With :data:`CORPUS_BLOCK` this bounds the score block, and so
#: the extra memory, to ``QUERY_BLOCK * CORPUS_BLOCK`` floats (16 MiB in float32).
QUERY_BLOCK = 1024
#: Corpus rows per block. Large enough that each matrix product runs at full BLAS
#: speed and the per-block Python overhead is negligible; larger blocks measured no
#: faster (100,000 x 384 corpus, 1,000 queries).
CORPUS_BLOCK = 4096
#: The metrics :func:`top_k` understands.
METRICS = ("cosine", "dot", "euclidean")

__all__ = ["METRICS", "format_neighbours", "nearest_neighbours", "normalize", "rank_neighbours", "recall_at_k",
           "top_k"]


def top_k(queries, corpus, k: int, metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """Find the k corpus vectors nearest to each query, exactly.

    Parameters
    ----------
    queries : array_like, shape (n_q, d) or (d,)
        Query vectors (a list or a float32 / float64 array).
    corpus : array_like, shape (n, d)
        The vectors searched.
    k : int
        How many neighbours per query, 1 <= k <= n.
    metric : {"cosine", "dot", "euclidean"}
        ``"cosine"`` and ``"dot"`` return similarities, largest first;
        ``"euclidean"`` returns distances, smallest first.

    Returns
    -------
    indices : ndarray of int, shape (n_q, k) or (k,) for a 1-D query
        Corpus rows, best first. Equal scores are ordered by corpus index, and at the
        k-th place the lower index wins.
    scores : ndarray of float, same shape
        Similarities or distances, in float32 when both inputs are float32, else
        float64.

    Raises
    ------
    ValueError
        If k is not in 1..n, the dimensions differ, a value is NaN or infinite (or so
        large that its square overflows), the metric is unknown, or, for cosine, a row
        is all zeros.

    Notes
    -----
    Euclidean distances are computed as ``sqrt(max(|q|^2 - 2 q.c + |c|^2, 0))``, which
    is what makes them a matrix product. The subtraction cancels when q and c are close:
    the squared distance carries an absolute error of about ``eps * |q|^2``, so a
    distance much below ``sqrt(eps) * |q|`` (about ``3e-4 * |q|`` in float32,
    ``1e-8 * |q|`` in float64) is noise, and an exact duplicate may show a small
    non-zero distance. Pass float64 vectors when tiny distances matter. Neighbours are
    chosen on the clipped squared distances; two of them that become equal only after
    the square root are listed lower index first.

    Scores come from BLAS, whose last bits depend on the CPU, the thread count and the
    shape of the product: two vectors whose scores differ only in the last bits may
    swap places on another machine. Even identical corpus rows can score one unit in
    the last place apart (OpenBLAS's float64 product computes the edge columns of a
    block with another kernel), and then they are not tied. Ties are exact whenever
    the arithmetic is, for example with small integer vectors.

    Examples
    --------
    >>> corpus = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    >>> indices, scores = top_k([1.0, 0.2], corpus, k=2)
    >>> indices.tolist(), scores.round(3).tolist()
    ([0, 2], [0.981, 0.832])
    >>> top_k([[0.0, 2.0]], corpus, k=1, metric="euclidean")[0].tolist()
    [[1]]
    """
    metric = check_choice(metric, "metric", METRICS)
    q = _as_array(queries, "queries", ndims=(1, 2))
    c = _as_array(corpus, "corpus", ndims=(2,))
    single = q.ndim == 1
    q = q.reshape(1, -1) if single else q
    _check_shapes(q, c)
    _check_k(k, c.shape[0])
    dtype = _work_dtype(q.dtype, c.dtype)
    qw, qq = _prepare_queries(q, metric, dtype, single)
    best_s, best_i = _search(qw, qq, c, int(k), metric, dtype)
    indices, scores = _finish(best_s, best_i, metric)
    return (indices[0], scores[0]) if single else (indices, scores)


def recall_at_k(found, truth, k: int) -> float:
    """Fraction of the true k nearest neighbours that a search found, averaged over queries.

    For query i this is ``|set(found[i, :k]) & set(truth[i, :k])| / k``; the result is
    the mean over queries, between 0 and 1.

    Parameters
    ----------
    found : array_like of int, shape (n_q, >= k)
        Indices returned by the search being evaluated (for example a FAISS index).
        A 1-D array is one query.
    truth : array_like of int, shape (n_q, >= k)
        The exact neighbours, for example from :func:`top_k`.
    k : int
        How many neighbours count, at least 1.

    Raises
    ------
    ValueError
        If an argument is not an integer array, the numbers of queries differ, k < 1,
        or either array has fewer than k columns.

    Examples
    --------
    >>> recall_at_k([[1, 2, 3], [4, 5, 6]], [[3, 2, 9], [4, 5, 6]], k=3)
    0.8333333333333334
    >>> recall_at_k([7, 8], [8, 1], k=1)
    0.0
    """
    if not is_integer(k) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    f = _as_index_array(found, "found")
    t = _as_index_array(truth, "truth")
    if f.shape[0] != t.shape[0]:
        raise ValueError(
            f"found has {f.shape[0]} rows (queries) but truth has {t.shape[0]}; "
            "they must describe the same queries"
        )
    for name, a in (("found", f), ("truth", t)):
        if a.shape[1] < k:
            raise ValueError(f"{name} has {a.shape[1]} columns but k={k}; it needs at least k")
    hits = _hits_per_row(f[:, :k], t[:, :k])
    return float(hits.sum() / (hits.size * k))


def normalize(vectors) -> np.ndarray:
    """Scale each row to unit length, so dot products become cosine similarities.

    Parameters
    ----------
    vectors : array_like, shape (n, d) or (d,)
        Finite vectors, none all zeros.

    Returns
    -------
    ndarray
        A new array, float32 if the input is float32, else float64.

    Examples
    --------
    >>> normalize([[3.0, 4.0], [0.0, 2.0]]).tolist()
    [[0.6, 0.8], [0.0, 1.0]]
    """
    x = _as_array(vectors, "vectors", ndims=(1, 2))
    single = x.ndim == 1
    x = x.reshape(1, -1) if single else x
    if x.shape[1] == 0:
        raise ValueError(f"vectors must have at least one column (dimension), got shape {x.shape}")
    x = np.asarray(x, dtype=_work_dtype(x.dtype))
    sq = _squared_norms(x, "vectors", single=single)
    unit = _unit_rows(x, sq, "vectors", single=single)
    return unit[0] if single else unit


def nearest_neighbours(embeddings, k: int = 10, metric: str = "cosine") -> np.ndarray:
    """Each row's k nearest other rows (leave-one-out), best first.

    :func:`top_k` of every row against all rows, with the row itself left out: the
    neighbours that label-based scores (:mod:`course_lib.use.metrics`) and lessons
    06, 12 and 13 look at.

    Parameters
    ----------
    embeddings : array_like, shape (n, d)
        One vector per item.
    k : int
        Neighbours per item, 1 <= k <= n - 1.
    metric : {"cosine", "dot", "euclidean"}
        As for :func:`top_k`.

    Returns
    -------
    ndarray of int64, shape (n, k)
        Row ``i`` never contains ``i`` itself. Ties go to the lower index.

    Examples
    --------
    >>> nearest_neighbours([[0.0, 1.0], [0.1, 1.0], [1.0, 0.0]], k=1, metric="euclidean").ravel().tolist()
    [1, 0, 1]
    """
    x = as_matrix(embeddings, "embeddings", min_rows=2)
    k = check_int(k, "k", 1, len(x) - 1)
    check_choice(metric, "metric", METRICS)
    # top_k's own cosine: an all-zero row is refused with the same message everywhere.
    found = np.asarray(top_k(x, x, k + 1, metric=metric)[0], dtype=np.int64)
    own = found == np.arange(len(x))[:, None]
    # Drop each row's own index; a row that did not find itself (exact duplicates
    # ahead of it, or a longer vector under "dot") drops its last, weakest neighbour instead.
    missing = ~own.any(axis=1)
    own[missing, -1] = True
    return found[~own].reshape(len(x), k)


def rank_neighbours(neighbours, k: int | None = None, digits: int = 2) -> list[tuple[str, float]]:
    """Order ``(name, score)`` pairs by the score as printed, then by name, and keep k.

    Two neighbours whose scores differ only in the last bits swap places from one CPU (or
    BLAS library, or thread count) to another. Ordering by the score rounded to ``digits``
    (the precision it is printed at), then by name, gives the same list on every machine.
    Ask the model for a few more neighbours than you keep: the cut after the k-th then
    falls on rounded scores too.

    Parameters
    ----------
    neighbours : iterable of (name, score)
        For example gensim's ``most_similar(word, topn=k + 5)``; larger scores are better.
    k : int or None
        How many to keep; None keeps all.
    digits : int
        Decimals the scores are printed at.

    Examples
    --------
    >>> rank_neighbours([("kongo", 0.6562), ("britain", 0.6571), ("spain", 0.8)], k=2)
    [('spain', 0.8), ('britain', 0.6571)]
    """
    if k is not None and (not is_integer(k) or k < 1):
        raise ValueError(f"k must be None or an integer >= 1, got {k!r}")
    if not is_integer(digits) or digits < 0:
        raise ValueError(f"digits must be an integer >= 0, got {digits!r}")
    try:
        pairs = [(str(name), float(score)) for name, score in neighbours]
    except (TypeError, ValueError):
        raise ValueError("neighbours must be (name, score) pairs with numeric scores, "
                         "such as gensim's most_similar(...) returns") from None
    return sorted(pairs, key=lambda pair: (-round(pair[1], digits), pair[0]))[:k]


def format_neighbours(neighbours, k: int | None = None, digits: int = 2, scores: bool = True) -> str:
    """A ranked list of ``(name, score)`` pairs as one line, the same on every machine.

    The order is :func:`rank_neighbours`'s: by the score as printed, then by name.

    Parameters
    ----------
    neighbours : iterable of (name, score)
        For example gensim's ``most_similar(word, topn=k + 5)``; larger scores are better.
    k : int or None
        How many to show; None shows all.
    digits : int
        Decimals of the printed score.
    scores : bool
        Print ``name (score)`` (True) or the names alone.

    Examples
    --------
    >>> format_neighbours([("kongo", 0.6562), ("britain", 0.6571), ("spain", 0.8)], k=2)
    'spain (0.80), britain (0.66)'
    >>> format_neighbours([("kongo", 0.6562), ("britain", 0.6571)], scores=False)
    'britain, kongo'
    """
    ranked = rank_neighbours(neighbours, k, digits)
    if scores:
        return ", ".join(f"{name} ({score:.{digits}f})" for name, score in ranked)
    return ", ".join(name for name, _ in ranked)


# --- validation -------------------------------------------------------------------------


def _as_array(x, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    """``x`` as a real-valued array of one of the allowed numbers of dimensions."""
    try:
        a = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {err}") from None
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got an array of dtype {a.dtype}")
    if a.ndim not in ndims:
        shapes = " or ".join({1: "(d,)", 2: "(n, d)"}[n] for n in ndims)
        raise ValueError(f"{name} must have shape {shapes}, got shape {a.shape}")
    return a


def _check_shapes(q: np.ndarray, c: np.ndarray) -> None:
    if c.shape[1] == 0:
        raise ValueError(f"corpus must have at least one column (dimension), got shape {c.shape}")
    if q.shape[1] != c.shape[1]:
        raise ValueError(
            f"queries have dimension {q.shape[1]} but corpus has dimension {c.shape[1]}; "
            "they must be equal"
        )


def _check_k(k, n: int) -> None:
    if not is_integer(k) or not 1 <= k <= n:
        raise ValueError(
            f"k must be an integer from 1 to {n} (the number of corpus rows), got {k!r}"
        )


def _work_dtype(*dtypes: np.dtype) -> np.dtype:
    # float32 stays float32 (BLAS sgemm, half the memory); everything else is float64.
    common = np.result_type(*dtypes, np.float32)
    return np.dtype(np.float32 if common == np.float32 else np.float64)


def _row_label(name: str, row: int, single: bool) -> str:
    return f"{name} (a single vector)" if single else f"{name} row {row}"


def _squared_norms(x: np.ndarray, name: str, offset: int = 0, single: bool = False) -> np.ndarray:
    """Squared length of each row; also rejects non-finite and overflowing rows.

    One pass finds both: a NaN or infinity anywhere in a row makes its sum of squares
    non-finite, and no |n| x d boolean mask is ever allocated.
    """
    sq = np.einsum("ij,ij->i", x, x)
    # Below max/4 both |q|^2 + |c|^2 and 2|q.c| stay finite, so no score can overflow.
    bad = np.flatnonzero(~(sq <= np.finfo(x.dtype).max / 4))
    if bad.size:
        row = int(bad[0])
        label = _row_label(name, offset + row, single)
        if not np.isfinite(x[row]).all():
            raise ValueError(f"{label} contains NaN or infinity; all values must be finite")
        raise ValueError(
            f"{label} is too large (its squared length overflows {x.dtype}); "
            "rescale the vectors"
        )
    return sq


def _unit_rows(
    x: np.ndarray, sq: np.ndarray, name: str, offset: int = 0, single: bool = False
) -> np.ndarray:
    """A copy of ``x`` with rows scaled to length 1; rejects all-zero rows."""
    norms = np.sqrt(sq)
    tiny = np.flatnonzero(sq < np.finfo(x.dtype).tiny)
    for row in tiny:
        scale = np.abs(x[row]).max()
        if scale == 0:
            raise zero_vector_error(_row_label(name, offset + int(row), single), "remove it, or use metric='dot'")
        # The square underflowed: measure the length of the rescaled row instead.
        norms[row] = scale * np.linalg.norm(x[row] / scale)
    return x / norms[:, None]


# --- the search -------------------------------------------------------------------------


def _prepare_queries(
    q: np.ndarray, metric: str, dtype: np.dtype, single: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Queries ready for the product, and |q|^2 for euclidean.

    For euclidean the queries are doubled once (exact in binary floating point), so the
    block product is already ``2 q.c``.
    """
    q = np.ascontiguousarray(q, dtype=dtype)
    sq = _squared_norms(q, "queries", single=single)
    if metric == "cosine":
        return _unit_rows(q, sq, "queries", single=single), None
    if metric == "euclidean":
        return q * 2, sq
    return q, None


def _prepare_corpus_block(
    c: np.ndarray, start: int, stop: int, metric: str, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray | None]:
    """Corpus rows ``start:stop`` ready for the product, and their squared lengths.

    Converting one block at a time means an integer or float16 corpus is never copied
    whole; cosine gets unit rows, euclidean uses the squared lengths.
    """
    block = np.ascontiguousarray(c[start:stop], dtype=dtype)
    sq = _squared_norms(block, "corpus", offset=start)
    if metric == "cosine":
        return _unit_rows(block, sq, "corpus", offset=start), None
    return block, sq


def _search(
    qw: np.ndarray, qq: np.ndarray | None, c: np.ndarray, k: int, metric: str, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray]:
    """The k best (score, index) per query, best first; larger scores are better.

    For euclidean the score is minus the clipped squared distance, so one selection
    routine serves all metrics.
    """
    n_q, n = qw.shape[0], c.shape[0]
    best_s = np.full((n_q, k), -np.inf, dtype=dtype)
    best_i = np.full((n_q, k), -1, dtype=np.intp)
    q_block = max(1, min(QUERY_BLOCK, n_q))
    # Fewer queries leave room for wider corpus blocks: fewer Python-level steps, while
    # neither the score block nor a converted corpus block exceeds QUERY_BLOCK * CORPUS_BLOCK
    # values. The first block stays narrow: it sets each query's k-th best score, so
    # that in the wide blocks after it only a few scores pass the comparison.
    budget = QUERY_BLOCK * CORPUS_BLOCK
    wide = min(budget // q_block, budget // max(1, c.shape[1]))
    c_block = max(1, min(CORPUS_BLOCK, n))
    wide_block = max(c_block, min(wide, n))
    # One buffer for every score block: no fresh pages to fault in per block.
    buffer = np.empty(q_block * wide_block, dtype=dtype)
    starts = [0, *range(c_block, n, wide_block)]
    for start, stop in zip(starts, [*starts[1:], n]):
        cb, cc = _prepare_corpus_block(c, start, stop, metric, dtype)
        for q0 in range(0, n_q, q_block):
            q1 = min(q0 + q_block, n_q)
            scores = buffer[: (q1 - q0) * cb.shape[0]].reshape(q1 - q0, cb.shape[0])
            np.matmul(qw[q0:q1], cb.T, out=scores)
            if metric == "euclidean":
                _to_negative_sq_distance(scores, qq[q0:q1], cc)
            _update(best_s[q0:q1], best_i[q0:q1], scores, start)
        # Drop this block before the next one is made, so only one is ever held.
        del cb, cc
    return best_s, best_i


def _to_negative_sq_distance(scores: np.ndarray, qq: np.ndarray, cc: np.ndarray) -> None:
    """In place: ``2 q.c`` becomes ``-max(|q|^2 - 2 q.c + |c|^2, 0)``."""
    scores -= cc[None, :]
    scores -= qq[:, None]
    # Rounding can make a tiny squared distance negative; clip so it reads as 0 (and
    # such ties then go to the lower index like any other).
    np.minimum(scores, 0, out=scores)


def _update(best_s: np.ndarray, best_i: np.ndarray, scores: np.ndarray, offset: int) -> None:
    """Merge one block of scores (rows = queries) into the k best so far, in place."""
    width = scores.shape[1]
    k = best_s.shape[1]
    flat = _candidates(scores, best_s[:, -1], k)
    if flat.size == 0:
        return
    rows = flat // width
    counts = np.bincount(rows, minlength=scores.shape[0])
    heavy = max(8 * k, 512)
    if width > k and counts.max() > heavy:
        # Rare (a corpus sorted from worst to best, massive ties): cut the rows with many
        # candidates down to those scoring at least their k-th best in this block.
        many = np.flatnonzero(counts > heavy)
        limit = np.full(scores.shape[0], -np.inf, dtype=scores.dtype)
        limit[many] = _kth_largest(scores[many], k)
        keep = scores.ravel()[flat] >= limit[rows]
        flat, rows = flat[keep], rows[keep]
        counts = np.bincount(rows, minlength=scores.shape[0])
    _merge(best_s, best_i, scores.ravel()[flat], flat % width + offset, rows, counts)


def _candidates(scores: np.ndarray, kth_best: np.ndarray, k: int) -> np.ndarray:
    """Flat positions in ``scores`` that may enter their row's top k (row-major order).

    A row that already holds k entries needs a score strictly above its k-th best: an
    equal score comes from a later corpus row, so it loses the tie. A row that does not
    (only in the first block) gets a lower bound instead: the k-th best of a sample of
    the block's columns, which no true top-k member can fall below.
    """
    threshold = np.nextafter(kth_best, np.inf)
    cold = np.flatnonzero(np.isneginf(kth_best))
    width = scores.shape[1]
    if cold.size and width > k:
        sample = min(width, max(8 * k, 256))
        threshold[cold] = _kth_largest(scores[cold, :sample], k)
    return np.flatnonzero(scores >= threshold[:, None])


def _kth_largest(rows: np.ndarray, k: int) -> np.ndarray:
    width = rows.shape[1]
    return np.partition(rows, width - k, axis=1)[:, width - k]


def _merge(
    best_s: np.ndarray,
    best_i: np.ndarray,
    values: np.ndarray,
    indices: np.ndarray,
    rows: np.ndarray,
    counts: np.ndarray,
) -> None:
    """Merge candidates (sorted by row, then index) into the k best so far, in place.

    Each row touched is laid out as [its current k best | its candidates | padding] and
    stably sorted by score. Equal scores then stay in index order, because the current
    list is already ordered that way and every candidate has a higher index than it.
    """
    k = best_s.shape[1]
    active = np.flatnonzero(counts)
    per_row = counts[active]
    width = k + int(per_row.max())
    s = np.full((active.size, width), -np.inf, dtype=best_s.dtype)
    i = np.full((active.size, width), -1, dtype=np.intp)
    s[:, :k] = best_s[active]
    i[:, :k] = best_i[active]
    slot = np.repeat(np.arange(active.size), per_row)
    column = k + np.arange(rows.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    s[slot, column] = values
    i[slot, column] = indices
    order = np.argsort(-s, axis=1, kind="stable")[:, :k]
    best_s[active] = np.take_along_axis(s, order, axis=1)
    best_i[active] = np.take_along_axis(i, order, axis=1)


def _finish(
    best_s: np.ndarray, best_i: np.ndarray, metric: str
) -> tuple[np.ndarray, np.ndarray]:
    """Public (indices, scores) from the internal larger-is-better scores."""
    if metric != "euclidean":
        return best_i, best_s
    distances = np.sqrt(-best_s + 0)  # + 0 turns -0.0 into 0.0
    # The square root can merge two neighbouring squared distances: keep such ties in
    # index order like every other tie.
    order = np.lexsort((best_i, distances), axis=-1)
    return np.take_along_axis(best_i, order, -1), np.take_along_axis(distances, order, -1)


# --- recall -----------------------------------------------------------------------------


def _as_index_array(x, name: str) -> np.ndarray:
    try:
        a = np.asarray(x)
    except ValueError as err:
        raise ValueError(f"{name} must be a rectangular array of integer indices: {err}") from None
    if a.dtype.kind not in "iu":
        raise ValueError(f"{name} must be an array of integer indices, got dtype {a.dtype}")
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2 or a.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n_queries, k) with n_queries >= 1, got {a.shape}")
    return a.astype(np.int64, copy=False)


def _hits_per_row(found: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """|set(found[i]) & set(truth[i])| for every row i, without a Python loop.

    Each side is reduced to its distinct values per row; after sorting all
    (row, value) pairs together, a value present on both sides appears twice in a row.
    """
    rf, vf = _distinct_per_row(found)
    rt, vt = _distinct_per_row(truth)
    rows = np.concatenate([rf, rt])
    values = np.concatenate([vf, vt])
    order = np.lexsort((values, rows))
    rows, values = rows[order], values[order]
    twice = (rows[1:] == rows[:-1]) & (values[1:] == values[:-1])
    return np.bincount(rows[1:][twice], minlength=found.shape[0])


def _distinct_per_row(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = np.sort(a, axis=1)
    first = np.ones(s.shape, dtype=bool)
    first[:, 1:] = s[:, 1:] != s[:, :-1]
    rows = np.broadcast_to(np.arange(s.shape[0])[:, None], s.shape)
    return rows[first], s[first]
