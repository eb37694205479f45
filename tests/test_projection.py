"""course_lib.use.projection: quiet, reproducible 2-D maps and their trustworthiness."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from course_lib.use.projection import project, trustworthiness_table

X = np.random.default_rng(0).normal(size=(60, 6))


def test_pca_map_matches_sklearn():
    from sklearn.decomposition import PCA

    assert np.allclose(project(X, "PCA"), PCA(2).fit_transform(X))


def test_tsne_is_reproducible_quiet_and_accepts_any_spelling():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = project(X, "t-SNE", seed=1, perplexity=10)
    b = project(X, "tsne", seed=1, perplexity=10)
    assert a.shape == (60, 2) and a.dtype == np.float64
    assert np.array_equal(a, b)


def test_umap_runs_single_threaded_with_its_seed(monkeypatch):
    # A stand-in for umap.UMAP: a real first run compiles numba code for half a minute.
    import umap

    made = []

    class FakeUMAP:
        def __init__(self, **kwargs):
            made.append(kwargs)

        def fit_transform(self, x):
            return np.zeros((len(x), 2), dtype=np.float32)

    monkeypatch.setattr(umap, "UMAP", FakeUMAP)
    out = project(X, "UMAP", seed=3, n_neighbors=7, min_dist=0.5)
    assert out.shape == (60, 2) and out.dtype == np.float64
    assert made == [{"n_components": 2, "n_neighbors": 7, "random_state": 3, "n_jobs": 1, "min_dist": 0.5}]


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "MDS"}, "method must be one of PCA, t-SNE, UMAP"),
    ({"method": "t-SNE", "perplexity": 60}, "perplexity must be"),
    ({"method": "UMAP", "n_neighbors": 1}, "n_neighbors must be"),
    ({"method": "PCA", "n_components": 3}, "must not set 'n_components'"),
    ({"method": "PCA", "seed": -1}, "seed must be"),
])
def test_project_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        project(X, **kwargs)


def test_project_rejects_bad_data():
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        project(np.ones(5))
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="row 3"):
        project(bad)


def test_trustworthiness_table_scores_good_and_random_maps():
    rng = np.random.default_rng(1)
    table = trustworthiness_table(X, {"pca": project(X, "PCA"), "random": rng.normal(size=(60, 2))},
                                  n_neighbors=(3, 10))
    lines = table.splitlines()
    assert lines[0].split() == ["map", "k=3", "k=10"]
    pca, random = (float(v) for v in (lines[1].split()[1], lines[2].split()[1]))
    assert pca > random and 0.3 < random < 0.7


@pytest.mark.parametrize("maps, ks, message", [
    ({}, (5,), "maps must be a non-empty dict"),
    ({"m": np.zeros((60, 3))}, (5,), r"must have shape \(60, 2\)"),
    ({"m": np.zeros((60, 2))}, (30,), "n_neighbors must hold integers"),
])
def test_trustworthiness_table_rejects_bad_arguments(maps, ks, message):
    with pytest.raises(ValueError, match=message):
        trustworthiness_table(X, maps, n_neighbors=ks)
