"""How good is an embedding? Scores that use known class labels.

Three questions, each answered with a number between 0 and 1 (higher is better):

- :func:`knn_accuracy`: does a vector's k nearest neighbours' majority label match its
  own label? (leave-one-out, or queries against a separate corpus)
- :func:`label_recall_at_k`: of the k nearest neighbours, how many share the query's
  label? (retrieval, "recall@k with class labels")
- :func:`cluster_agreement`: do k-means clusters of the vectors agree with the labels?
  (adjusted Rand index, ARI; 0 for chance, 1 for a perfect match)

:func:`evaluate_embeddings` computes all three for several representations and
:func:`format_table` prints them side by side. Neighbours come from
:func:`course_lib.search.top_k` (exact search, ties to the lower index), in float64 so
that near-ties resolve the same way on every machine as far as possible.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from course_lib._utils import as_labels, as_matrix, check_choice, check_int, is_integer, unit_rows

__all__ = [
    "METRICS",
    "cluster_agreement",
    "evaluate_embeddings",
    "format_table",
    "knn_accuracy",
    "label_recall_at_k",
    "nearest_neighbours",
]

#: Similarities these scores understand.
METRICS = ("cosine", "euclidean")


def _check_metric(metric) -> str:
    return check_choice(metric, "metric", METRICS)


def _search(queries: np.ndarray, corpus: np.ndarray, k: int, metric: str) -> np.ndarray:
    from course_lib.search import top_k

    # top_k's own cosine: an all-zero row is refused with the same message everywhere.
    indices, _ = top_k(queries, corpus, k, metric=metric)
    return np.asarray(indices, dtype=np.int64)


def nearest_neighbours(embeddings, k: int = 10, metric: str = "cosine") -> np.ndarray:
    """Each row's k nearest other rows (leave-one-out), best first.

    Parameters
    ----------
    embeddings : array_like, shape (n, d)
        One vector per item.
    k : int
        Neighbours per item, 1 <= k <= n - 1.
    metric : {"cosine", "euclidean"}
        Largest cosine similarity, or smallest Euclidean distance.

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
    _check_metric(metric)
    found = _search(x, x, k + 1, metric)
    own = found == np.arange(len(x))[:, None]
    # Drop each row's own index; a row that did not find itself (exact duplicates
    # ahead of it) drops its last, weakest neighbour instead.
    missing = ~own.any(axis=1)
    own[missing, -1] = True
    return found[~own].reshape(len(x), k)


def _vote(neighbour_labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Majority label of each row; a tie goes to the tied label seen first (the nearest)."""
    n, k = neighbour_labels.shape
    codes = np.searchsorted(classes, neighbour_labels)
    counts = np.zeros((n, len(classes)))
    np.add.at(counts, (np.repeat(np.arange(n), k), codes.ravel()), 1.0)
    first_rank = np.full((n, len(classes)), k, dtype=float)
    for rank in range(k - 1, -1, -1):
        first_rank[np.arange(n), codes[:, rank]] = rank
    # A bonus below 1 breaks ties only: the earlier a label first appears, the larger.
    return classes[np.argmax(counts + (k - first_rank) / (k + 1), axis=1)]


def knn_accuracy(
    embeddings,
    labels,
    k: int = 5,
    metric: str = "cosine",
    *,
    queries=None,
    query_labels=None,
) -> float:
    """Accuracy of a k-nearest-neighbour vote: how well the embedding keeps classes together.

    Without ``queries``, leave-one-out: every row is classified by the majority label of
    its k nearest *other* rows. With ``queries``, each query is classified by its k
    nearest rows of ``embeddings`` (a train/test split). A tied vote goes to the label
    of the nearest neighbour among the tied ones.

    Parameters
    ----------
    embeddings : array_like, shape (n, d)
        The labelled vectors (the "training" set of the vote).
    labels : array_like, shape (n,)
        Their classes.
    k : int
        Neighbours that vote.
    metric : {"cosine", "euclidean"}
    queries : array_like, shape (m, d), optional
        Vectors to classify instead of leave-one-out.
    query_labels : array_like, shape (m,), optional
        Their true classes (required with ``queries``).

    Returns
    -------
    float
        Fraction classified correctly.

    Examples
    --------
    >>> x = [[0, 1], [0, 2], [0, 3], [5, 0], [6, 0], [7, 0]]
    >>> knn_accuracy(x, [0, 0, 0, 1, 1, 1], k=2, metric="euclidean")
    1.0
    >>> knn_accuracy(x, [0, 0, 0, 1, 1, 1], k=1, queries=[[1, 9]], query_labels=[1])
    0.0
    """
    x = as_matrix(embeddings, "embeddings", min_rows=2)
    y = as_labels(labels, n=len(x))
    _check_metric(metric)
    if queries is None:
        if query_labels is not None:
            raise ValueError("query_labels was given without queries; pass both, or neither for leave-one-out")
        k = check_int(k, "k", 1, len(x) - 1)
        return _knn_score(nearest_neighbours(x, k, metric), y, y)
    else:
        if query_labels is None:
            raise ValueError("queries needs query_labels, the true class of each query")
        q = as_matrix(queries, "queries")
        if q.shape[1] != x.shape[1]:
            raise ValueError(f"queries have {q.shape[1]} dimensions but embeddings have {x.shape[1]}")
        truth = as_labels(query_labels, "query_labels", n=len(q))
        k = check_int(k, "k", 1, len(x))
        return _knn_score(_search(q, x, k, metric), y, truth)


def _knn_score(neighbours: np.ndarray, labels: np.ndarray, truth: np.ndarray) -> float:
    predicted = _vote(labels[neighbours], np.unique(labels))
    return float(np.mean(predicted == truth))


def label_recall_at_k(embeddings, labels, k: int = 10, metric: str = "cosine") -> float:
    """Recall@k with class labels: how many of each item's k nearest neighbours share its label.

    Search each row among the *other* rows (leave-one-out); the relevant items are those
    with the same label. Per query, recall@k is the number of relevant items among the
    k found divided by ``min(k, number of relevant items)``, so a perfect ranking scores
    1 even for a small class; when every class has more than k members this is also the
    precision@k. Items alone in their class have nothing to find and are skipped.
    (Metric-learning papers sometimes call "Recall@K" the fraction of queries with *at
    least one* relevant item among k; that is a different, more lenient number.)

    Parameters
    ----------
    embeddings : array_like, shape (n, d)
    labels : array_like, shape (n,)
    k : int
        Neighbours retrieved per query, 1 <= k <= n - 1.
    metric : {"cosine", "euclidean"}

    Returns
    -------
    float
        Mean over queries, between 0 and 1.

    Examples
    --------
    >>> x = [[0, 1], [0, 2], [0, 3], [5, 0], [6, 0], [7, 0]]
    >>> label_recall_at_k(x, [0, 0, 0, 1, 1, 1], k=2, metric="euclidean")
    1.0
    >>> round(label_recall_at_k(x, [0, 1, 0, 1, 0, 1], k=2, metric="euclidean"), 3)  # labels unlike the geometry
    0.333
    """
    x = as_matrix(embeddings, "embeddings", min_rows=2)
    y = as_labels(labels, n=len(x))
    k = check_int(k, "k", 1, len(x) - 1)
    _check_metric(metric)
    _recall_score(None, y, k)  # fails early when no item has a class-mate
    return _recall_score(nearest_neighbours(x, k, metric), y, k)


def _recall_score(neighbours: np.ndarray | None, labels: np.ndarray, k: int) -> float:
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    relevant = counts[inverse.ravel()] - 1
    keep = relevant > 0
    if not keep.any():
        raise ValueError("labels: every item is alone in its class, so there is nothing to retrieve")
    if neighbours is None:
        return float("nan")
    hits = (labels[neighbours[:, :k]] == labels[:, None]).sum(axis=1)
    return float(np.mean(hits[keep] / np.minimum(k, relevant[keep])))


def cluster_agreement(
    embeddings,
    labels,
    n_clusters: int | None = None,
    metric: str = "cosine",
    seed: int = 0,
    n_init: int = 4,
) -> float:
    """Adjusted Rand index between k-means clusters of the embedding and the labels.

    With ``metric="cosine"`` the rows are scaled to length 1 first, so k-means groups
    by direction, the way cosine similarity does.

    Parameters
    ----------
    embeddings : array_like, shape (n, d)
    labels : array_like, shape (n,)
    n_clusters : int, optional
        Default: the number of distinct labels.
    metric : {"cosine", "euclidean"}
    seed : int
        ``random_state`` of k-means.
    n_init : int
        k-means runs from different k-means++ starts; the best (lowest inertia) is
        kept. A single run's ARI can move by a tenth with the seed; a few runs make
        the score steadier.

    Returns
    -------
    float
        ARI: 1 for clusters identical to the labels, about 0 for chance (it can be
        slightly negative).

    Examples
    --------
    >>> x = [[0, 1], [0, 2], [0, 3], [5, 0], [6, 0], [7, 0]]
    >>> cluster_agreement(x, [0, 0, 0, 1, 1, 1])
    1.0
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from threadpoolctl import threadpool_limits

    x = as_matrix(embeddings, "embeddings", min_rows=2)
    y = as_labels(labels, n=len(x))
    _check_metric(metric)
    n_clusters = len(np.unique(y)) if n_clusters is None else n_clusters
    n_clusters = check_int(n_clusters, "n_clusters", 1, len(x))
    n_init = check_int(n_init, "n_init", 1, 1000)
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if metric == "cosine":
        x = unit_rows(x)
    # One OpenMP thread: the clusters then come out the same on every machine, whatever
    # its number of cores (each cluster's sum is otherwise split across threads), and a
    # busy machine does not stall waiting for a second thread. It is also faster here.
    with threadpool_limits(limits=1, user_api="openmp"):
        clusters = KMeans(n_clusters=n_clusters, n_init=n_init, random_state=int(seed)).fit_predict(x)
    return float(adjusted_rand_score(y, clusters))


def evaluate_embeddings(
    embeddings,
    labels,
    *,
    k: int = 5,
    recall_k: int = 10,
    metric: str = "cosine",
    n_clusters: int | None = None,
    seed: int = 0,
    n_init: int = 4,
) -> dict[str, dict[str, float]]:
    """k-NN accuracy, recall@k and ARI for one or several representations of the same items.

    Parameters
    ----------
    embeddings : array_like (n, d), or dict {name: array (n, d_name)}
        The representations to compare (pixels, PCA, each layer of a network...).
    labels : array_like, shape (n,)
    k : int
        Voters of :func:`knn_accuracy` (leave-one-out).
    recall_k : int
        Neighbours of :func:`label_recall_at_k`.
    metric : {"cosine", "euclidean"}
    n_clusters, seed, n_init
        As for :func:`cluster_agreement`.

    Returns
    -------
    dict
        ``{name: {"dims", "knn_accuracy", "recall", "ari"}}`` in the order given (a
        single array is named ``"embedding"``). Print it with :func:`format_table`.

    Examples
    --------
    >>> x = np.array([[0, 1], [0, 2], [0, 3], [5, 0], [6, 0], [7, 0]])
    >>> scores = evaluate_embeddings({"toy": x}, [0, 0, 0, 1, 1, 1], k=1, recall_k=2)
    >>> scores["toy"]
    {'dims': 2, 'knn_accuracy': 1.0, 'recall': 1.0, 'ari': 1.0}
    """
    items = embeddings if isinstance(embeddings, Mapping) else {"embedding": embeddings}
    if not items:
        raise ValueError("embeddings is empty: give an array or a dict of arrays")
    _check_metric(metric)
    results: dict[str, dict[str, float]] = {}
    n = None
    for name, value in items.items():
        x = as_matrix(value, f"embeddings[{name!r}]", min_rows=2)
        if n is not None and len(x) != n:
            raise ValueError(f"embeddings[{name!r}] has {len(x)} rows but the first representation has {n}")
        n = len(x)
        y = as_labels(labels, n=n)
        k = check_int(k, "k", 1, n - 1)
        recall_k = check_int(recall_k, "recall_k", 1, n - 1)
        # One search serves both scores: the first k of the best max(k, recall_k) are the best k.
        neighbours = nearest_neighbours(x, max(k, recall_k), metric)
        results[str(name)] = {
            "dims": int(x.shape[1]),
            "knn_accuracy": _knn_score(neighbours[:, :k], y, y),
            "recall": _recall_score(neighbours, y, recall_k),
            "ari": cluster_agreement(x, y, n_clusters=n_clusters, metric=metric, seed=seed, n_init=n_init),
        }
    return results


def format_table(
    results: Mapping[str, Mapping[str, float]],
    *,
    k: int = 5,
    recall_k: int = 10,
    digits: int = 3,
    title: str | None = None,
) -> str:
    """A plain-text table of :func:`evaluate_embeddings` results, one row per representation.

    Examples
    --------
    >>> print(format_table({"pixels": {"dims": 784, "knn_accuracy": 0.91234, "recall": 0.8, "ari": 0.4}}))
    representation  dims  5-NN accuracy  recall@10    ARI
    pixels           784          0.912      0.800  0.400
    """
    if not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative integer, got {digits!r}")
    header = ["representation", "dims", f"{k}-NN accuracy", f"recall@{recall_k}", "ARI"]
    rows = [
        [str(name), str(r["dims"]), f"{r['knn_accuracy']:.{digits}f}", f"{r['recall']:.{digits}f}",
         f"{r['ari']:.{digits}f}"]
        for name, r in results.items()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    if title:
        lines.append(title)
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
