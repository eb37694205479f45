"""course_lib.metric_learning: P x K batches and ranking metrics."""
from __future__ import annotations

import numpy as np
import pytest

from course_lib.embedding_metrics import label_recall_at_k
from course_lib.metric_learning import (
    PKSampler,
    average_precision,
    format_retrieval_table,
    mean_average_precision,
    retrieval_metrics,
)


def test_pk_sampler_batches_hold_p_classes_of_k():
    labels = np.repeat(np.arange(5), 10)
    sampler = PKSampler(labels, classes_per_batch=3, per_class=4, batches=20, seed=1)
    batches = list(sampler)
    assert len(batches) == len(sampler) == 20
    for batch in batches:
        assert len(batch) == 12 and len(set(batch)) == 12
        classes, counts = np.unique(labels[batch], return_counts=True)
        assert len(classes) == 3 and set(counts.tolist()) == {4}


def test_pk_sampler_is_reproducible_and_validates():
    labels = np.repeat(np.arange(3), 5)
    assert list(PKSampler(labels, 2, 2, 5, seed=3)) == list(PKSampler(labels, 2, 2, 5, seed=3))
    with pytest.raises(ValueError, match="per_class"):
        PKSampler(labels, 2, 1, 5)
    with pytest.raises(ValueError, match="classes_per_batch"):
        PKSampler(labels, 4, 2, 5)
    with pytest.raises(ValueError, match="classes_per_batch"):
        PKSampler(labels, 2, 6, 5)  # no class has 6 examples
    with pytest.raises(ValueError, match="labels"):
        PKSampler(np.zeros((2, 2)), 2, 2, 5)


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
    with pytest.raises(ValueError, match="metric"):
        mean_average_precision(x, [0, 0, 1], metric="dot")


def test_retrieval_metrics_uses_label_recall():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 5))
    y = rng.integers(0, 4, size=40)
    scores = retrieval_metrics(x, y, k=5)
    assert list(scores) == ["recall@5", "mAP"]
    assert scores["recall@5"] == label_recall_at_k(x, y, k=5)


def test_format_retrieval_table():
    text = format_retrieval_table({"a": {"recall@10": 0.5, "mAP": 0.25}, "bb": {"mAP": 1.0}}, title="t")
    lines = text.splitlines()
    assert lines[0] == "t" and "recall@10" in lines[1]
    assert lines[2].split() == ["a", "0.500", "0.250"]
    assert lines[3].split() == ["bb", "-", "1.000"]
    with pytest.raises(ValueError):
        format_retrieval_table({})
