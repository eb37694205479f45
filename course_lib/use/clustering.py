"""Scoring clusters of embeddings, choosing k, and naming clusters by their words.

- :func:`cluster_scores`: adjusted Rand index (ARI) and normalised mutual information
  (NMI) against known labels, and the silhouette, which needs no labels.
- :func:`clustering_table`: several such results printed side by side.
- :func:`cluster_agreement`: the ARI of k-means clusters of an embedding against its
  labels, in one call (one of :func:`course_lib.use.metrics.evaluate_embeddings`' scores).
- :func:`choose_k`: k-means inertia and silhouette for a range of k.
- :func:`top_terms`: the words with the largest mean weight (TF-IDF) in each cluster.

HDBSCAN marks points that belong to no cluster with the label -1 ("noise"): ARI and NMI
count the noise as one more group (the honest score of the whole labelling), while the
silhouette is computed on the clustered points only.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from course_lib._utils import as_labels, as_matrix, check_choice, check_int, is_integer, unit_rows
from course_lib.show.tables import format_table

__all__ = ["KMEANS_METRICS", "choose_k", "cluster_agreement", "cluster_scores", "clustering_table", "top_terms"]

#: How :func:`cluster_agreement`'s k-means compares points: by direction (rows scaled to
#: length 1 first) or by position. A subset of :data:`course_lib.use.search.METRICS`.
KMEANS_METRICS = ("cosine", "euclidean")


def cluster_scores(labels_true: Any, labels_pred: Any, X: Any = None) -> dict[str, float]:
    """ARI and NMI of a clustering against known labels, and its silhouette on ``X``.

    Parameters
    ----------
    labels_true : array_like, shape (n,)
        The known classes.
    labels_pred : array_like of int, shape (n,)
        The clusters; -1 marks noise (HDBSCAN).
    X : array_like, shape (n, d), optional
        The embeddings that were clustered; without it the silhouette is NaN.

    Returns
    -------
    dict
        ``clusters`` (number of clusters, noise not counted), ``noise`` (fraction of
        points labelled -1), ``ari``, ``nmi`` (arithmetic normalisation, scikit-learn's
        default) and ``silhouette`` (Euclidean, on the non-noise points; NaN with fewer
        than two clusters).

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [5, 5], [5, 6]]
    >>> scores = cluster_scores([0, 0, 1, 1], [1, 1, 0, 0], X)
    >>> scores["ari"], scores["nmi"], round(scores["silhouette"], 3)
    (1.0, 1.0, 0.859)
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score

    truth = as_labels(labels_true, "labels_true")
    pred = as_labels(labels_pred, "labels_pred", len(truth))
    if len(truth) < 2:
        raise ValueError(f"labels_true needs at least 2 items, got {len(truth)}")
    clustered = pred != -1
    n_clusters = len(np.unique(pred[clustered]))
    silhouette = float("nan")
    if X is not None:
        x = as_matrix(X, "X")
        if len(x) != len(truth):
            raise ValueError(f"X must have one row per label ({len(truth)}), got {len(x)} rows")
        if 2 <= n_clusters < clustered.sum():
            silhouette = float(silhouette_score(x[clustered], pred[clustered]))
    return {
        "clusters": n_clusters,
        "noise": float(np.mean(~clustered)),
        "ari": float(adjusted_rand_score(truth, pred)),
        "nmi": float(normalized_mutual_info_score(truth, pred)),
        "silhouette": silhouette,
    }


def clustering_table(results: Mapping[str, Mapping[str, float]], digits: int = 3, title: str | None = None) -> str:
    """A plain-text table of :func:`cluster_scores` results, one row per clustering.

    Examples
    --------
    >>> print(clustering_table({"k-means": {"clusters": 2, "noise": 0.0, "ari": 1.0, "nmi": 1.0,
    ...                                     "silhouette": 0.859}}))
    clustering  clusters  noise    ARI    NMI  silhouette
    k-means            2   0.00  1.000  1.000       0.859
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty dict {name: cluster_scores(...)}")
    # The noise is a share of the points: two decimals say enough, whatever ``digits``.
    rows = {name: {**r, "clusters": int(r["clusters"]), "noise": f"{r['noise']:.2f}"} for name, r in results.items()}
    columns = {"clusters": "clusters", "noise": "noise", "ari": "ARI", "nmi": "NMI", "silhouette": "silhouette"}
    return format_table(rows, columns, label="clustering", digits=digits, title=title, label_gap=2)


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
    check_choice(metric, "metric", KMEANS_METRICS)
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


def choose_k(X: Any, ks: Sequence[int], seed: int = 0, n_init: int = 4) -> dict[int, dict[str, float]]:
    """k-means for each k: its inertia (the elbow plot) and its silhouette.

    Parameters
    ----------
    X : array_like, shape (n, d)
    ks : sequence of int
        Values of k, each between 2 and n - 1.
    seed : int
        ``random_state`` of k-means.
    n_init : int
        Restarts of k-means; the lowest inertia is kept.

    Returns
    -------
    dict
        ``{k: {"inertia": ..., "silhouette": ...}}`` in the order of ``ks``.

    Examples
    --------
    >>> X = np.r_[np.zeros((5, 2)), np.ones((5, 2)) * 10] + np.arange(10)[:, None] * 0.01
    >>> table = choose_k(X, [2, 3])
    >>> max(table, key=lambda k: table[k]["silhouette"])
    2
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    x = as_matrix(X, "X")
    ks = [ks] if isinstance(ks, (int, np.integer)) else list(ks)
    if not ks:
        raise ValueError("ks must hold at least one k")
    for k in ks:
        if not is_integer(k) or not 2 <= k < len(x):
            raise ValueError(f"ks must hold integers between 2 and n - 1 ({len(x) - 1}), got {k!r}")
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not is_integer(n_init) or n_init < 1:
        raise ValueError(f"n_init must be a positive integer, got {n_init!r}")
    from threadpoolctl import threadpool_limits

    table = {}
    # One OpenMP thread: the same sums in the same order everywhere, and no slowdown on a
    # busy machine (k-means' threads spin waiting for a free core).
    with threadpool_limits(limits=1, user_api="openmp"):
        for k in ks:
            model = KMeans(n_clusters=int(k), n_init=int(n_init), random_state=int(seed)).fit(x)
            table[int(k)] = {"inertia": float(model.inertia_),
                             "silhouette": float(silhouette_score(x, model.labels_))}
    return table


def top_terms(weights: Any, terms: Sequence[str], clusters: Any, n: int = 8) -> dict[int, list[str]]:
    """The ``n`` terms with the largest mean weight in each cluster: names for clusters.

    Parameters
    ----------
    weights : array_like or scipy.sparse matrix, shape (n_docs, n_terms)
        For example a TF-IDF matrix.
    terms : sequence of str
        The term of each column.
    clusters : array_like of int, shape (n_docs,)
        A cluster per document; -1 (noise) is skipped.
    n : int
        Terms per cluster. Ties go to the earlier column.

    Returns
    -------
    dict
        ``{cluster: [term, ...]}``, clusters in increasing order, terms largest first.

    Examples
    --------
    >>> w = np.array([[3.0, 0.0, 1.0], [2.0, 0.0, 0.0], [0.0, 5.0, 1.0]])
    >>> top_terms(w, ["cat", "dog", "pet"], [0, 0, 1], n=2)
    {0: ['cat', 'pet'], 1: ['dog', 'pet']}
    """
    import scipy.sparse as sp

    matrix = sp.csr_matrix(weights) if sp.issparse(weights) else as_matrix(weights, "weights")
    terms = list(terms)
    if matrix.shape[1] != len(terms):
        raise ValueError(f"terms must name every column of weights ({matrix.shape[1]}), got {len(terms)}")
    labels = as_labels(clusters, "clusters", matrix.shape[0])
    if not is_integer(n) or not 1 <= n <= len(terms):
        raise ValueError(f"n must be an integer between 1 and the number of terms ({len(terms)}), got {n!r}")
    names = {}
    for c in np.unique(labels[labels != -1]):
        mean = np.asarray(matrix[labels == c].mean(axis=0)).ravel()
        order = np.argsort(-mean, kind="stable")[:n]
        names[int(c)] = [terms[i] for i in order]
    return names
