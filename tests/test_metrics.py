"""course_lib.use.metrics: k-NN accuracy, precision@k with labels, mAP, the report table."""
from __future__ import annotations

import numpy as np
import pytest

from course_lib.use.clustering import cluster_agreement
from course_lib.use.metrics import (
    average_precision,
    evaluate_embeddings,
    evaluation_table,
    knn_accuracy,
    label_precision_at_k,
    mean_average_precision,
    retrieval_metrics,
)


def brute_neighbours(x, k, metric):
    if metric == "cosine":
        u = x / np.linalg.norm(x, axis=1, keepdims=True)
        d = -(u @ u.T)
    else:
        d = np.linalg.norm(x[:, None] - x[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1, kind="stable")[:, :k]


# --- knn_accuracy --------------------------------------------------------------------------


def test_knn_accuracy_separated_blobs_and_random_labels(blobs):
    x, y = blobs()
    assert knn_accuracy(x, y, k=5) == 1.0
    shuffled = np.random.default_rng(0).permutation(y)
    assert knn_accuracy(x, shuffled, k=5) < 0.6


def test_knn_accuracy_matches_a_hand_vote():
    x = np.random.default_rng(2).standard_normal((40, 3))
    y = np.random.default_rng(3).integers(0, 3, 40)
    nb = brute_neighbours(x, 3, "euclidean")
    votes = [np.bincount(y[row], minlength=3) for row in nb]
    # With k=3 and 3 classes a tie means three different labels: the nearest wins.
    predicted = [row_votes.argmax() if row_votes.max() > 1 else y[row[0]] for row_votes, row in zip(votes, nb)]
    assert knn_accuracy(x, y, k=3, metric="euclidean") == pytest.approx(np.mean(np.array(predicted) == y))


def test_knn_accuracy_tie_goes_to_the_nearest_label():
    # Point 0's two nearest are labels 1 (closer) and 2: a tie, won by 1.
    x = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    y = np.array([1, 1, 2, 2, 1])
    assert knn_accuracy(x, y, k=2, metric="euclidean", queries=[[0.1]], query_labels=[1]) == 1.0
    assert knn_accuracy(x, y, k=2, metric="euclidean", queries=[[1.9]], query_labels=[2]) == 1.0


def test_knn_accuracy_with_a_split_and_string_labels(blobs):
    x, y = blobs()
    names = np.array(["a", "b", "c"])[y]
    q, qy = blobs(per_class=4, seed=5)
    assert knn_accuracy(x, names, k=3, queries=q, query_labels=np.array(["a", "b", "c"])[qy]) == 1.0


@pytest.mark.parametrize("kwargs, message", [
    ({"queries": np.zeros((2, 5))}, "queries needs query_labels"),
    ({"query_labels": [0, 1]}, "query_labels was given without queries"),
    ({"queries": np.zeros((2, 4)), "query_labels": [0, 1]}, "queries have 4 dimensions but embeddings have 5"),
    ({"queries": np.ones((2, 5)), "query_labels": [0]}, "query_labels must be 1-D with one label per item \\(2 of them\\)"),
])
def test_knn_accuracy_validation(kwargs, message, blobs):
    x, y = blobs()
    with pytest.raises(ValueError, match=message):
        knn_accuracy(x, y, **kwargs)


def test_labels_must_match_rows(blobs):
    x, y = blobs()
    with pytest.raises(ValueError, match="one label per item"):
        knn_accuracy(x, y[:-1])


# --- label_precision_at_k -------------------------------------------------------------------


def test_label_precision_perfect_and_chance(blobs):
    x, y = blobs(per_class=20)
    assert label_precision_at_k(x, y, k=10) == 1.0
    chance = label_precision_at_k(x, np.random.default_rng(0).permutation(y), k=10)
    assert 0.15 < chance < 0.55


def test_label_precision_matches_brute_force():
    x = np.random.default_rng(4).standard_normal((50, 3))
    y = np.random.default_rng(5).integers(0, 4, 50)
    nb = brute_neighbours(x, 10, "cosine")
    expected = np.mean([(y[row] == y[i]).sum() / 10 for i, row in enumerate(nb)])
    assert label_precision_at_k(x, y, k=10) == pytest.approx(expected)


def test_label_precision_small_class_and_singletons():
    # Class 0 has 3 members (2 to find per query); class 9 is a single item, skipped.
    x = np.array([[0.0, 1.0], [0.0, 1.1], [0.0, 1.2], [5.0, 0.0], [5.1, 0.0], [5.2, 0.0], [5.3, 0.0], [-9.0, -9.0]])
    y = np.array([0, 0, 0, 1, 1, 1, 1, 9])
    assert label_precision_at_k(x, y, k=2, metric="euclidean") == 1.0
    # precision@k divides by k: a query of class 0 finds its 2 class-mates among 4 (0.5),
    # one of class 1 its 3 class-mates among 4 (0.75); a perfect ranking, below 1.
    assert label_precision_at_k(x, y, k=4, metric="euclidean") == pytest.approx((3 * 0.5 + 4 * 0.75) / 7)
    with pytest.raises(ValueError, match="every item is alone in its class"):
        label_precision_at_k(x[:3], [0, 1, 2], k=1)


def test_label_precision_is_lesson_14s_precision_at_k():
    """One definition across the course: the mean of retrieval.precision_at_k over the queries."""
    from course_lib.use.retrieval import precision_at_k
    from course_lib.use.search import nearest_neighbours

    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 4))
    y = rng.integers(0, 5, size=40)
    y[0] = 9  # a singleton: no relevant item, skipped as trec_eval skips such queries
    neighbours = nearest_neighbours(x, k=6, metric="cosine")
    per_query = [precision_at_k(row, set(np.flatnonzero(y == y[i])) - {i}, k=6)
                 for i, row in enumerate(neighbours) if i != 0]
    assert label_precision_at_k(x, y, k=6) == pytest.approx(np.mean(per_query))


# --- evaluate_embeddings and evaluation_table --------------------------------------------------


def test_evaluate_embeddings_several_representations_in_order(blobs):
    x, y = blobs()
    noise = np.random.default_rng(0).standard_normal((60, 7))
    results = evaluate_embeddings({"good": x, "noise": noise}, y, k=3, precision_k=5)
    assert list(results) == ["good", "noise"]
    assert results["good"] == {"dims": 5, "knn_accuracy": 1.0, "precision": 1.0, "ari": 1.0}
    assert results["noise"]["dims"] == 7 and results["noise"]["knn_accuracy"] < 0.7


def test_evaluate_embeddings_single_array_and_validation(blobs):
    x, y = blobs()
    assert list(evaluate_embeddings(x, y)) == ["embedding"]
    with pytest.raises(ValueError, match="embeddings\\['b'\\] has 10 rows but the first representation has 60"):
        evaluate_embeddings({"a": x, "b": x[:10]}, y)
    with pytest.raises(ValueError, match="embeddings is empty"):
        evaluate_embeddings({}, y)


def test_evaluation_table_aligns_and_rounds():
    results = {
        "pixels": {"dims": 784, "knn_accuracy": 0.90449, "precision": 0.78, "ari": 0.3521},
        "block2": {"dims": 1568, "knn_accuracy": 0.9, "precision": 0.8, "ari": -0.01},
    }
    text = evaluation_table(results, k=5, precision_k=10, title="MNIST test set")
    lines = text.splitlines()
    assert lines[0] == "MNIST test set"
    assert lines[1].split() == ["representation", "dims", "5-NN", "accuracy", "precision@10", "ARI"]
    assert lines[2].split() == ["pixels", "784", "0.904", "0.780", "0.352"]
    assert lines[3].split() == ["block2", "1568", "0.900", "0.800", "-0.010"]
    assert len({len(line) for line in lines[1:]}) == 1  # columns aligned
    assert evaluation_table(results, digits=2).splitlines()[1].split()[-1] == "0.35"
    with pytest.raises(ValueError, match="digits"):
        evaluation_table(results, digits=-1)


def test_evaluate_embeddings_matches_the_single_scores():
    x = np.random.default_rng(7).standard_normal((80, 6))
    y = np.random.default_rng(8).integers(0, 4, 80)
    for metric in ("cosine", "euclidean"):
        scores = evaluate_embeddings({"x": x}, y, k=7, precision_k=3, metric=metric, seed=2)["x"]
        assert scores["knn_accuracy"] == knn_accuracy(x, y, k=7, metric=metric)
        assert scores["precision"] == label_precision_at_k(x, y, k=3, metric=metric)
        assert scores["ari"] == cluster_agreement(x, y, metric=metric, seed=2)


def test_evaluate_embeddings_validates_k(blobs):
    x, y = blobs()
    with pytest.raises(ValueError, match="precision_k must be an integer between 1 and 59"):
        evaluate_embeddings(x, y, precision_k=60)
    with pytest.raises(ValueError, match="metric must be one of"):
        evaluate_embeddings(x, y, metric="dot")


# --- ranking: average precision and mAP ---------------------------------------------------


def test_average_precision_by_hand():
    assert average_precision([1, 1, 0, 0]) == 1.0
    assert average_precision([0, 1]) == 0.5
    assert average_precision([True, False, True, False]) == pytest.approx((1 + 2 / 3) / 2)
    with pytest.raises(ValueError, match="no relevant"):
        average_precision([0, 0])
    with pytest.raises(ValueError, match="0/1"):
        average_precision([0, 2])


def test_mean_average_precision_matches_per_query_average_precision():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4))
    y = rng.integers(0, 3, size=30)
    expected = []
    for i in range(30):
        others = np.delete(np.arange(30), i)
        unit = x / np.linalg.norm(x, axis=1, keepdims=True)
        order = others[np.argsort(-(unit[others] @ unit[i]), kind="stable")]
        expected.append(average_precision(y[order] == y[i]))
    assert mean_average_precision(x, y) == pytest.approx(np.mean(expected))


def test_mean_average_precision_skips_singletons_and_validates():
    x = [[0, 1], [0, 2], [5, 0]]
    assert mean_average_precision(x, [0, 0, 1], metric="euclidean") == 1.0
    with pytest.raises(ValueError, match="alone"):
        mean_average_precision(x, [0, 1, 2])
    with pytest.raises(ValueError, match="metric must be one of 'cosine', 'dot', 'euclidean'"):
        mean_average_precision(x, [0, 0, 1], metric="manhattan")


def test_every_search_metric_is_a_label_metric():
    """One METRICS: the label scores accept what course_lib.use.search.top_k accepts."""
    from course_lib.use.search import METRICS, nearest_neighbours

    rng = np.random.default_rng(2)
    x = rng.normal(size=(30, 4))
    y = rng.integers(0, 3, size=30)
    for metric in METRICS:
        neighbours = nearest_neighbours(x, k=5, metric=metric)
        expected = np.mean([(y[row] == y[i]).sum() / 5 for i, row in enumerate(neighbours)])
        assert label_precision_at_k(x, y, k=5, metric=metric) == pytest.approx(expected)
        assert 0 <= mean_average_precision(x, y, metric=metric) <= 1
        assert 0 <= knn_accuracy(x, y, k=3, metric=metric) <= 1


def test_retrieval_metrics_uses_label_precision():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 5))
    y = rng.integers(0, 4, size=40)
    scores = retrieval_metrics(x, y, k=5)
    assert list(scores) == ["precision@5", "mAP"]
    assert scores["precision@5"] == label_precision_at_k(x, y, k=5)
