"""course_lib.use.clustering: scores against known labels, agreement with labels, choosing k, naming clusters."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import silhouette_score

from course_lib.use.clustering import choose_k, cluster_agreement, cluster_scores, clustering_table, top_terms

rng = np.random.default_rng(0)
CENTRES = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
TRUTH = np.repeat([0, 1, 2], 20)
X = CENTRES[TRUTH] + rng.normal(size=(60, 2))


def test_perfect_clustering_up_to_renaming():
    scores = cluster_scores(TRUTH, (TRUTH + 1) % 3, X)
    assert scores["ari"] == pytest.approx(1.0) and scores["nmi"] == pytest.approx(1.0)
    assert scores["clusters"] == 3 and scores["noise"] == 0.0
    assert scores["silhouette"] == pytest.approx(silhouette_score(X, TRUTH))


def test_noise_counts_in_ari_but_not_in_the_silhouette():
    pred = TRUTH.copy()
    pred[:10] = -1
    scores = cluster_scores(TRUTH, pred, X)
    assert scores["clusters"] == 3 and scores["noise"] == pytest.approx(10 / 60)
    assert scores["ari"] < 1.0
    assert scores["silhouette"] == pytest.approx(silhouette_score(X[10:], pred[10:]))


def test_silhouette_is_nan_without_data_or_with_one_cluster():
    assert np.isnan(cluster_scores(TRUTH, TRUTH)["silhouette"])
    assert np.isnan(cluster_scores(TRUTH, np.zeros(60, int), X)["silhouette"])


def test_cluster_scores_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="labels_pred must be 1-D with one label per item \\(60 of them\\)"):
        cluster_scores(TRUTH, TRUTH[:-1])
    with pytest.raises(ValueError, match="X must have one row per label"):
        cluster_scores(TRUTH, TRUTH, X[:-1])


def test_clustering_table_prints_three_decimals_and_a_dash_for_nan():
    table = clustering_table({"a": cluster_scores(TRUTH, TRUTH, X), "b": cluster_scores(TRUTH, TRUTH)}, title="t")
    lines = table.splitlines()
    assert lines[0] == "t" and lines[1].split()[0] == "clustering"
    assert lines[2].split()[3] == "1.000" and lines[3].split()[-1] == "-"
    with pytest.raises(ValueError, match="results must be"):
        clustering_table({})


def test_choose_k_finds_three_blobs_and_inertia_falls():
    table = choose_k(X, range(2, 6))
    assert list(table) == [2, 3, 4, 5]
    assert max(table, key=lambda k: table[k]["silhouette"]) == 3
    inertia = [table[k]["inertia"] for k in table]
    assert all(a >= b for a, b in zip(inertia, inertia[1:]))
    with pytest.raises(ValueError, match="ks must hold integers between 2"):
        choose_k(X, [1])


def test_top_terms_dense_and_sparse_agree_and_skip_noise():
    w = np.array([[3.0, 0.0, 1.0], [2.0, 0.0, 0.0], [0.0, 5.0, 1.0], [9.0, 9.0, 9.0]])
    expected = {0: ["cat", "pet"], 1: ["dog", "pet"]}
    assert top_terms(w, ["cat", "dog", "pet"], [0, 0, 1, -1], n=2) == expected
    assert top_terms(sp.csr_matrix(w), ["cat", "dog", "pet"], [0, 0, 1, -1], n=2) == expected
    with pytest.raises(ValueError, match="terms must name every column"):
        top_terms(w, ["cat"], [0, 0, 1, -1])
    with pytest.raises(ValueError, match="n must be"):
        top_terms(w, ["cat", "dog", "pet"], [0, 0, 1, -1], n=4)


# --- cluster_agreement -------------------------------------------------------------------


def test_cluster_agreement_perfect_chance_and_reproducible(blobs):
    x, y = blobs(per_class=30)
    assert cluster_agreement(x, y) == 1.0
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((90, 5))
    low = cluster_agreement(noise, y, seed=3)
    assert -0.1 < low < 0.1
    assert cluster_agreement(noise, y, seed=3) == low


def test_cluster_agreement_cosine_groups_by_direction():
    # Two directions at very different lengths: cosine sees 2 groups, Euclidean splits by length.
    rng = np.random.default_rng(0)
    direction = np.repeat([[1.0, 0.0], [0.0, 1.0]], 20, axis=0) + 0.01 * rng.standard_normal((40, 2))
    scale = np.tile(np.r_[np.full(10, 1.0), np.full(10, 100.0)], 2)[:, None]
    y = np.repeat([0, 1], 20)
    assert cluster_agreement(direction * scale, y, metric="cosine") == 1.0
    assert cluster_agreement(direction * scale, y, metric="euclidean") < 0.5


@pytest.mark.parametrize("kwargs, message", [
    ({"n_clusters": 0}, "n_clusters must be an integer"),
    ({"n_init": 0}, "n_init must be an integer"),
    ({"seed": -2}, "seed must be a non-negative integer"),
])
def test_cluster_agreement_validation(kwargs, message, blobs):
    x, y = blobs()
    with pytest.raises(ValueError, match=message):
        cluster_agreement(x, y, **kwargs)


def test_cluster_agreement_emits_no_warning(blobs):
    import warnings

    x, y = blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cluster_agreement(x, y)


def test_cluster_agreement_leaves_torch_threads_alone(blobs):
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    x, y = blobs()
    cluster_agreement(x, y)
    assert torch.get_num_threads() == before
