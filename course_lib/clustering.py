"""Scoring clusters of embeddings, choosing k, and naming clusters by their words.

- :func:`cluster_scores`: adjusted Rand index (ARI) and normalised mutual information
  (NMI) against known labels, and the silhouette, which needs no labels.
- :func:`scores_table`: several such results printed side by side.
- :func:`choose_k`: k-means inertia and silhouette for a range of k.
- :func:`top_terms`: the words with the largest mean weight (TF-IDF) in each cluster.

HDBSCAN marks points that belong to no cluster with the label -1 ("noise"): ARI and NMI
count the noise as one more group (the honest score of the whole labelling), while the
silhouette is computed on the clustered points only.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from course_lib._utils import as_labels, as_matrix, is_integer

__all__ = ["choose_k", "cluster_scores", "scores_table", "top_terms"]


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


def scores_table(results: Mapping[str, Mapping[str, float]], digits: int = 3, title: str | None = None) -> str:
    """A plain-text table of :func:`cluster_scores` results, one row per clustering.

    Examples
    --------
    >>> print(scores_table({"k-means": {"clusters": 2, "noise": 0.0, "ari": 1.0, "nmi": 1.0,
    ...                                 "silhouette": 0.859}}))
    clustering  clusters  noise    ARI    NMI  silhouette
    k-means            2   0.00  1.000  1.000       0.859
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty dict {name: cluster_scores(...)}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative integer, got {digits!r}")
    header = ["clustering", "clusters", "noise", "ARI", "NMI", "silhouette"]
    rows = []
    for name, r in results.items():
        sil = "-" if np.isnan(r["silhouette"]) else f"{r['silhouette']:.{digits}f}"
        rows.append([str(name), str(int(r["clusters"])), f"{r['noise']:.2f}", f"{r['ari']:.{digits}f}",
                     f"{r['nmi']:.{digits}f}", sil])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [title] if title else []
    for row in [header, *rows]:
        lines.append("  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]))
    return "\n".join(lines)


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
