"""2-D maps of embeddings: PCA, t-SNE and UMAP run the same way, and how trustworthy they are.

:func:`project` runs one of the three methods with a seed, quietly and reproducibly (t-SNE
starts from PCA and runs on one thread; UMAP runs single-threaded, the only way its seed gives the same map).
:func:`trustworthiness_table` scores several maps of the same points: how many of each
point's map neighbours are also its neighbours in the embedding
(:func:`sklearn.manifold.trustworthiness`: 1.0 when all are, about 0.5 for a random map).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from course_lib._utils import as_matrix, is_integer
from course_lib.show.tables import format_table

__all__ = ["METHODS", "project", "trustworthiness_table"]

#: The methods :func:`project` knows, with the name of their key parameter.
METHODS: Mapping[str, str | None] = {"PCA": None, "t-SNE": "perplexity", "UMAP": "n_neighbors"}


def _method_name(method: Any) -> str:
    names = {m.lower().replace("-", ""): m for m in METHODS}
    key = method.lower().replace("-", "").replace("_", "") if isinstance(method, str) else None
    if key not in names:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    return names[key]


def project(X: Any, method: str = "PCA", seed: int = 0, **params: Any) -> np.ndarray:
    """A 2-D map of the rows of ``X`` by PCA, t-SNE or UMAP.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The embeddings. t-SNE and UMAP take seconds for a thousand points: pass a sample.
        UMAP's first call in a session also compiles its code (about 20 s).
    method : {"PCA", "t-SNE", "UMAP"}
        Case and hyphens do not matter ("tsne" works).
    seed : int
        ``random_state`` of the method: the same seed draws the same map.
    **params
        More arguments for ``sklearn.decomposition.PCA``, ``sklearn.manifold.TSNE``
        (``perplexity``, default 30, must be below n) or ``umap.UMAP`` (``n_neighbors``,
        default 15, ``min_dist``...). ``n_components`` and ``random_state`` are set here.

    Returns
    -------
    ndarray of float64, shape (n, 2)

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(50, 5))
    >>> project(X, "PCA").shape
    (50, 2)
    >>> np.array_equal(project(X, "t-SNE", perplexity=10), project(X, "tsne", perplexity=10))
    True
    """
    method = _method_name(method)
    x = as_matrix(X, "X", min_rows=4, rows_for=" for a map")
    if not is_integer(seed) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer between 0 and 2**32 - 1, got {seed!r}")
    for key in ("n_components", "random_state"):
        if key in params:
            raise ValueError(f"params must not set {key!r}: project sets it")
    n = len(x)
    if method == "PCA":
        from sklearn.decomposition import PCA

        return PCA(n_components=2, random_state=int(seed), **params).fit_transform(x)
    if method == "t-SNE":
        from sklearn.manifold import TSNE

        perplexity = params.pop("perplexity", 30.0)
        if isinstance(perplexity, bool) or not isinstance(perplexity, (int, float, np.integer, np.floating)) \
                or not 0 < perplexity < n:
            raise ValueError(f"perplexity must be a number between 0 and the number of points ({n}), "
                             f"got {perplexity!r}")
        from threadpoolctl import threadpool_limits

        options = {"init": "pca", "learning_rate": "auto"}
        options.update(params)
        tsne = TSNE(n_components=2, perplexity=float(perplexity), random_state=int(seed), **options)
        # One OpenMP thread: the gradient's sums then run in the same order on every machine,
        # and a busy 2-core machine does not slow to a crawl (threads spinning for a core).
        with threadpool_limits(limits=1, user_api="openmp"):
            return tsne.fit_transform(x).astype(np.float64)
    import umap

    n_neighbors = params.pop("n_neighbors", 15)
    if not is_integer(n_neighbors) \
            or not 2 <= n_neighbors < n:
        raise ValueError(f"n_neighbors must be an integer between 2 and n - 1 ({n - 1}), got {n_neighbors!r}")
    # n_jobs=1 with a seed: umap-learn is reproducible only single-threaded (and warns otherwise).
    options = {"n_jobs": 1}
    options.update(params)
    return umap.UMAP(n_components=2, n_neighbors=int(n_neighbors), random_state=int(seed),
                     **options).fit_transform(x).astype(np.float64)


def trustworthiness_table(
    X: Any,
    maps: Mapping[str, Any],
    n_neighbors: Sequence[int] = (5, 30),
    digits: int = 2,
) -> str:
    """A table of the trustworthiness of several 2-D maps of the same points.

    Trustworthiness (Venna & Kaski 2001) with k neighbours penalises every point that
    shows up among a point's k nearest neighbours on the map without being among its
    k nearest in ``X``, the more the farther down it ranks in ``X``. 1.0: every map
    neighbour is a true neighbour; about 0.5: a random map.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The embeddings the maps were made from.
    maps : mapping of name -> array (n, 2)
    n_neighbors : sequence of int
        The k values, one column each; each must be below n / 2.
    digits : int
        Decimals printed (2: the last bits of t-SNE and UMAP differ across CPUs).

    Returns
    -------
    str

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> print(trustworthiness_table(X, {"first two": X[:, :2]}, n_neighbors=[5]))
    map         k=5
    first two  0.88
    """
    from sklearn.manifold import trustworthiness

    x = as_matrix(X, "X", min_rows=4, rows_for=" for a map")
    if not isinstance(maps, Mapping) or not maps:
        raise ValueError("maps must be a non-empty dict {name: array of shape (n, 2)}")
    ks = list(n_neighbors) if not isinstance(n_neighbors, (int, np.integer)) else [n_neighbors]
    if not ks:
        raise ValueError("n_neighbors must hold at least one k")
    for k in ks:
        if not is_integer(k) or not 1 <= k < len(x) / 2:
            raise ValueError(f"n_neighbors must hold integers between 1 and n / 2 ({len(x) / 2:g}), got {k!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative integer, got {digits!r}")
    scores: dict[str, dict[str, float]] = {}
    for name, points in maps.items():
        y = as_matrix(points, f"maps[{name!r}]", min_rows=4, rows_for=" for a map")
        if y.shape != (len(x), 2):
            raise ValueError(f"maps[{name!r}] must have shape ({len(x)}, 2), one 2-D point per row of X; "
                             f"got {y.shape}")
        scores[str(name)] = {f"k={k}": float(trustworthiness(x, y, n_neighbors=int(k))) for k in ks}
    return format_table(scores, label="map", digits=digits, label_gap=2)
