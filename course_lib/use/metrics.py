"""How good is an embedding? Scores that use known class labels.

Each question is answered with a number between 0 and 1 (higher is better):

- :func:`knn_accuracy`: does a vector's k nearest neighbours' majority label match its
  own label? (leave-one-out, or queries against a separate corpus)
- :func:`label_precision_at_k`: of the k nearest neighbours, what share has the query's
  label? (retrieval, "precision@k with class labels")
- :func:`mean_average_precision`: every item queries all the others; how early do the
  items of its class come in the ranking? (:func:`average_precision` scores one ranked list)
- :func:`course_lib.use.clustering.cluster_agreement`: do k-means clusters of the vectors
  agree with the labels? (adjusted Rand index)

:func:`evaluate_embeddings` computes k-NN accuracy, precision@k and ARI for several
representations and :func:`evaluation_table` prints them side by side;
:func:`retrieval_metrics` gives precision@k and mAP together (print several with
:func:`course_lib.show.tables.format_table`). Neighbours come from
:func:`course_lib.use.search.nearest_neighbours` (exact search, ties to the lower index), in
float64 so that near-ties resolve the same way on every machine as far as possible.

Lesson 14 (:mod:`course_lib.use.retrieval`) defines both ranking scores of the course:
recall@k = relevant items found in the top k / all relevant items; precision@k = relevant
items in the top k / k. The label scores here are precision@k; the recall of lesson 11
(:func:`course_lib.search.recall_at_k`) is recall@k against exact search.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from course_lib._utils import as_labels, as_matrix, check_choice, check_int
from course_lib.show.tables import format_table
from course_lib.use.clustering import KMEANS_METRICS, cluster_agreement
from course_lib.use.search import METRICS, nearest_neighbours, top_k

__all__ = [
    "average_precision",
    "evaluate_embeddings",
    "evaluation_table",
    "knn_accuracy",
    "label_precision_at_k",
    "mean_average_precision",
    "retrieval_metrics",
]

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
    metric : {"cosine", "dot", "euclidean"}
        As for :func:`course_lib.use.search.top_k`.
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
    check_choice(metric, "metric", METRICS)
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
        return _knn_score(top_k(q, x, k, metric=metric)[0], y, truth)


def _knn_score(neighbours: np.ndarray, labels: np.ndarray, truth: np.ndarray) -> float:
    predicted = _vote(labels[neighbours], np.unique(labels))
    return float(np.mean(predicted == truth))


def label_precision_at_k(embeddings, labels, k: int = 10, metric: str = "cosine") -> float:
    """Precision@k with class labels: the share of each item's k nearest neighbours that share its label.

    Search each row among the *other* rows (leave-one-out); the relevant items are those
    with the same label. Per query, precision@k is the number of relevant items among the
    k found divided by k, as in lesson 14 (:func:`course_lib.use.retrieval.precision_at_k`,
    trec_eval's convention), averaged over the queries. Items alone in their class have
    nothing to find and are skipped (trec_eval skips queries without a relevant item).

    Lesson 14 defines both ranking scores: *precision@k* divides the relevant items found in
    the top k by k, *recall@k* divides them by the number of relevant items there are. With
    class labels a query has a whole class of relevant items (hundreds of digits), so its
    recall@10 would be tiny whatever the embedding; precision@k is the score that says how
    clean the top of the list is. The other recall of the course,
    :func:`course_lib.search.recall_at_k`, is *recall@k against exact search*: an
    approximate search's share of the true k nearest neighbours.

    Parameters
    ----------
    embeddings : array_like, shape (n, d)
    labels : array_like, shape (n,)
    k : int
        Neighbours retrieved per query, 1 <= k <= n - 1.
    metric : {"cosine", "dot", "euclidean"}
        As for :func:`course_lib.use.search.top_k`.

    Returns
    -------
    float
        Mean over queries, between 0 and 1.

    Examples
    --------
    >>> x = [[0, 1], [0, 2], [0, 3], [5, 0], [6, 0], [7, 0]]
    >>> label_precision_at_k(x, [0, 0, 0, 1, 1, 1], k=2, metric="euclidean")
    1.0
    >>> round(label_precision_at_k(x, [0, 1, 0, 1, 0, 1], k=2, metric="euclidean"), 3)  # labels unlike the geometry
    0.333
    """
    x = as_matrix(embeddings, "embeddings", min_rows=2)
    y = as_labels(labels, n=len(x))
    k = check_int(k, "k", 1, len(x) - 1)
    check_choice(metric, "metric", METRICS)
    _precision_score(None, y, k)  # fails early when no item has a class-mate
    return _precision_score(nearest_neighbours(x, k, metric), y, k)


def _precision_score(neighbours: np.ndarray | None, labels: np.ndarray, k: int) -> float:
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    keep = counts[inverse.ravel()] > 1
    if not keep.any():
        raise ValueError("labels: every item is alone in its class, so there is nothing to retrieve")
    if neighbours is None:
        return float("nan")
    hits = (labels[neighbours[:, :k]] == labels[:, None]).sum(axis=1)
    return float(np.mean(hits[keep] / k))


def evaluate_embeddings(
    embeddings,
    labels,
    *,
    k: int = 5,
    precision_k: int = 10,
    metric: str = "cosine",
    n_clusters: int | None = None,
    seed: int = 0,
    n_init: int = 4,
) -> dict[str, dict[str, float]]:
    """k-NN accuracy, precision@k and ARI for one or several representations of the same items.

    Parameters
    ----------
    embeddings : array_like (n, d), or dict {name: array (n, d_name)}
        The representations to compare (pixels, PCA, each layer of a network...).
    labels : array_like, shape (n,)
    k : int
        Voters of :func:`knn_accuracy` (leave-one-out).
    precision_k : int
        Neighbours of :func:`label_precision_at_k`.
    metric : {"cosine", "euclidean"}
        As for :func:`course_lib.use.clustering.cluster_agreement`, whose k-means knows no "dot".
    n_clusters, seed, n_init
        As for :func:`course_lib.use.clustering.cluster_agreement`.

    Returns
    -------
    dict
        ``{name: {"dims", "knn_accuracy", "precision", "ari"}}`` in the order given (a
        single array is named ``"embedding"``). Print it with :func:`evaluation_table`.

    Examples
    --------
    >>> x = np.array([[0, 1], [0, 2], [0, 3], [5, 0], [6, 0], [7, 0]])
    >>> scores = evaluate_embeddings({"toy": x}, [0, 0, 0, 1, 1, 1], k=1, precision_k=2)
    >>> scores["toy"]
    {'dims': 2, 'knn_accuracy': 1.0, 'precision': 1.0, 'ari': 1.0}
    """
    items = embeddings if isinstance(embeddings, Mapping) else {"embedding": embeddings}
    if not items:
        raise ValueError("embeddings is empty: give an array or a dict of arrays")
    check_choice(metric, "metric", KMEANS_METRICS)  # the ARI needs k-means
    results: dict[str, dict[str, float]] = {}
    n = None
    for name, value in items.items():
        x = as_matrix(value, f"embeddings[{name!r}]", min_rows=2)
        if n is not None and len(x) != n:
            raise ValueError(f"embeddings[{name!r}] has {len(x)} rows but the first representation has {n}")
        n = len(x)
        y = as_labels(labels, n=n)
        k = check_int(k, "k", 1, n - 1)
        precision_k = check_int(precision_k, "precision_k", 1, n - 1)
        # One search serves both scores: the first k of the best max(k, precision_k) are the best k.
        neighbours = nearest_neighbours(x, max(k, precision_k), metric)
        results[str(name)] = {
            "dims": int(x.shape[1]),
            "knn_accuracy": _knn_score(neighbours[:, :k], y, y),
            "precision": _precision_score(neighbours, y, precision_k),
            "ari": cluster_agreement(x, y, n_clusters=n_clusters, metric=metric, seed=seed, n_init=n_init),
        }
    return results


def evaluation_table(
    results: Mapping[str, Mapping[str, float]],
    *,
    k: int = 5,
    precision_k: int = 10,
    digits: int = 3,
    title: str | None = None,
) -> str:
    """A plain-text table of :func:`evaluate_embeddings` results, one row per representation.

    ``k`` and ``precision_k`` only name the columns: give the values the results were
    computed with.

    Examples
    --------
    >>> print(evaluation_table({"pixels": {"dims": 784, "knn_accuracy": 0.91234, "precision": 0.8, "ari": 0.4}}))
    representation  dims  5-NN accuracy  precision@10    ARI
    pixels           784          0.912         0.800  0.400
    """
    columns = {"dims": "dims", "knn_accuracy": f"{k}-NN accuracy", "precision": f"precision@{precision_k}", "ari": "ARI"}
    return format_table(results, columns, label="representation", digits=digits, title=title, label_gap=2)


def average_precision(relevant) -> float:
    """Average precision of one ranked result list.

    At each rank where a relevant item appears, take the precision of the list cut there
    (relevant items so far / rank); average those precisions over the relevant items.
    1.0 when every relevant item comes before every other one.

    Parameters
    ----------
    relevant : array_like of bool or 0/1, shape (n,)
        Whether the result at each rank (best first) is relevant; the list should hold
        every relevant item, or the score only covers those it holds.

    Examples
    --------
    >>> average_precision([1, 0, 1, 0])  # (1/1 + 2/3) / 2
    0.8333333333333333
    """
    flags = np.asarray(relevant)
    if flags.ndim != 1 or len(flags) == 0:
        raise ValueError(f"relevant must be a non-empty 1-D list of hits (1) and misses (0); got shape {flags.shape}")
    if flags.dtype.kind not in "biuf" or not np.isin(flags, (0, 1)).all():
        raise ValueError("relevant must hold only 0/1 or True/False")
    flags = flags.astype(bool)
    if not flags.any():
        raise ValueError("relevant has no relevant item, so its average precision is undefined")
    hits = np.cumsum(flags)
    precision = hits / np.arange(1, len(flags) + 1)
    return float(precision[flags].mean())


def mean_average_precision(embeddings, labels, metric: str = "cosine") -> float:
    """Mean average precision: every item queries all the others; relevant = same label.

    The whole ranking counts, not only the top k, so it rewards an embedding whose
    classes are compact all the way down. Items alone in their class are skipped.
    Ties go to the lower index, as in :func:`course_lib.use.search.nearest_neighbours`.

    Parameters
    ----------
    embeddings : array_like, shape (n, d)
    labels : array_like, shape (n,)
    metric : {"cosine", "dot", "euclidean"}
        As for :func:`course_lib.use.search.top_k`.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> x = [[0, 1], [0, 2], [5, 0], [6, 0]]
    >>> mean_average_precision(x, [0, 0, 1, 1], metric="euclidean")
    1.0
    """
    x = as_matrix(embeddings, "embeddings", min_rows=2)
    y = as_labels(labels, n=len(x))
    check_choice(metric, "metric", METRICS)
    ranked = nearest_neighbours(x, k=len(x) - 1, metric=metric)
    relevant = y[ranked] == y[:, None]
    counts = relevant.sum(axis=1)
    keep = counts > 0
    if not keep.any():
        raise ValueError("labels: every item is alone in its class, so there is nothing to retrieve")
    precision = np.cumsum(relevant, axis=1) / np.arange(1, relevant.shape[1] + 1)
    ap = (precision * relevant).sum(axis=1)[keep] / counts[keep]
    return float(ap.mean())


def retrieval_metrics(embeddings, labels, k: int = 10, metric: str = "cosine") -> dict[str, float]:
    """Precision@k and mean average precision of an embedding, leave-one-out.

    ``precision@k`` is :func:`label_precision_at_k` (the share of each query's k nearest
    other items with its label); ``mAP`` is :func:`mean_average_precision` over the whole ranking.
    Print several with :func:`course_lib.show.tables.format_table`.

    Examples
    --------
    >>> x = [[0, 1], [0, 2], [0, 3], [5, 0], [6, 0], [7, 0]]
    >>> retrieval_metrics(x, [0, 0, 0, 1, 1, 1], k=2)
    {'precision@2': 1.0, 'mAP': 1.0}
    """
    precision = label_precision_at_k(embeddings, labels, k=k, metric=metric)
    return {f"precision@{int(k)}": precision, "mAP": mean_average_precision(embeddings, labels, metric=metric)}
