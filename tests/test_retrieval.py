"""course_lib.use.retrieval: the metrics agree with trec_eval (through pytrec_eval) and with
scikit-learn's nDCG on random runs and graded judgements, and reject bad input by name."""
from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from course_lib import search
from course_lib.use import retrieval
from course_lib.use.retrieval import evaluate, ndcg_at_k, precision_at_k, ranking_recall_at_k, reciprocal_rank


def test_doctests():
    assert doctest.testmod(retrieval).failed == 0


def _random_case(seed: int, n_queries: int = 40, n_docs: int = 60):
    """Random runs (distinct scores, so no tie-breaking question) and graded judgements."""
    rng = np.random.default_rng(seed)
    rankings, qrels = [], []
    for _ in range(n_queries):
        depth = int(rng.integers(1, 30))
        rankings.append([int(d) for d in rng.permutation(n_docs)[:depth]])
        judged = rng.permutation(n_docs)[: int(rng.integers(1, 15))]
        grades = {int(d): int(rng.integers(0, 4)) for d in judged}
        grades[int(judged[0])] = int(rng.integers(1, 4))  # at least one relevant item
        qrels.append(grades)
    return rankings, qrels


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 5, 10])
def test_agrees_with_trec_eval(seed, k):
    pytrec_eval = pytest.importorskip(
        "pytrec_eval", reason="pytrec-eval-terrier ships no wheel for this platform (Linux aarch64)")
    rankings, qrels = _random_case(seed)
    run = {f"q{i}": {f"d{d}": float(len(r) - rank) for rank, d in enumerate(r)} for i, r in enumerate(rankings)}
    judged = {f"q{i}": {f"d{d}": g for d, g in grades.items()} for i, grades in enumerate(qrels)}
    measures = {f"recall.{k}", f"P.{k}", "recip_rank", f"ndcg_cut.{k}"}
    reference = pytrec_eval.RelevanceEvaluator(judged, measures).evaluate(run)
    ours = evaluate(rankings, qrels, k=k)
    for i in range(len(rankings)):
        ref = reference[f"q{i}"]
        assert ours[f"recall@{k}"][i] == pytest.approx(ref[f"recall_{k}"], abs=1e-9)
        assert ours[f"precision@{k}"][i] == pytest.approx(ref[f"P_{k}"], abs=1e-9)
        assert ours["rr"][i] == pytest.approx(ref["recip_rank"], abs=1e-9)
        assert ours[f"ndcg@{k}"][i] == pytest.approx(ref[f"ndcg_cut_{k}"], abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_ndcg_agrees_with_scikit_learn(seed):
    """A second reference that installs everywhere: sklearn's ndcg_score, linear gains too."""
    rankings, qrels = _random_case(seed, n_docs=30)
    for ranking, grades in zip(rankings, qrels):
        y_true = np.zeros(30)
        for d, g in grades.items():
            y_true[d] = g
        y_score = np.full(30, -1000.0)  # not retrieved: below every retrieved item
        y_score[ranking] = np.arange(len(ranking), 0, -1)
        unranked = [d for d in range(30) if d not in ranking]
        if any(y_true[d] > 0 for d in unranked):
            # sklearn averages the gains of tied (unretrieved) items; give them distinct low scores,
            # worst grade first, which places none of them in a top-k that the ranking fills.
            y_score[unranked] = -1000.0 - np.arange(len(unranked))
        k = min(10, len(ranking))
        assert ndcg_at_k(ranking, grades, k) == pytest.approx(ndcg_score([y_true], [y_score], k=k), abs=1e-9)


def test_recall_agrees_with_search_recall_at_k():
    """With the true k nearest neighbours as the relevant items, both recalls are the same number."""
    rng = np.random.default_rng(0)
    truth = np.array([rng.permutation(100)[:10] for _ in range(30)])
    found = np.array([rng.permutation(100)[:10] for _ in range(30)])
    found[:10] = truth[:10]
    for k in (1, 5, 10):
        per_query = [ranking_recall_at_k(f, t[:k], k) for f, t in zip(found, truth)]
        assert np.mean(per_query) == pytest.approx(search.recall_at_k(found, truth, k))


def test_hand_computed_values():
    ranking = ["a", "b", "c", "d"]
    grades = {"b": 2, "d": 1, "e": 3}
    assert ranking_recall_at_k(ranking, grades, 4) == pytest.approx(2 / 3)
    assert precision_at_k(ranking, grades, 2) == pytest.approx(0.5)
    assert precision_at_k(ranking, grades, 10) == pytest.approx(0.2)  # divisor k, even past the ranking
    assert reciprocal_rank(ranking, grades) == pytest.approx(0.5)
    assert reciprocal_rank(ranking, grades, k=1) == 0.0
    dcg = 2 / np.log2(3) + 1 / np.log2(5)
    ideal = 3 + 2 / np.log2(3) + 1 / np.log2(4)
    assert ndcg_at_k(ranking, grades, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["e", "b", "d"], grades) == pytest.approx(1.0)


def test_accepts_every_form():
    grades = {1: 1, 2: 2}
    for ranking in ([2, 5, 1], (2, 5, 1), np.array([2, 5, 1]), np.array([2, 5, 1], dtype=np.int32)):
        assert ndcg_at_k(ranking, grades, 3) == pytest.approx(ndcg_at_k([2, 5, 1], grades, 3))
    assert ranking_recall_at_k([1, 2], {1, 2}, 1) == 0.5
    assert ranking_recall_at_k([1, 2], np.array([1, 2]), 1) == 0.5
    assert ranking_recall_at_k([1, 2], {1: 0.5, 2: np.int64(2)}, 2) == 1.0
    scores = evaluate({"q": [1, 2]}, {"q": {2: 1}}, k=2)
    assert scores["rr"].tolist() == [0.5]


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: ranking_recall_at_k([1, 2], {1: 1}, 0), "k must be a positive integer"),
        (lambda: ranking_recall_at_k([1, 2], {1: 1}, 2.0), "k must be a positive integer"),
        (lambda: ndcg_at_k([1, 1], {1: 1}), "ranking lists item 1 twice"),
        (lambda: ndcg_at_k("abc", {"a": 1}), "ranking must be a sequence"),
        (lambda: ndcg_at_k(np.zeros((2, 2), dtype=int), {0: 1}), "ranking must be one query's ids"),
        (lambda: ndcg_at_k([1], {1: -1}), "relevance grade of item 1"),
        (lambda: ndcg_at_k([1], {1: float("nan")}), "relevance grade of item 1"),
        (lambda: ndcg_at_k([1], {1: 0}), "relevance names no relevant item"),
        (lambda: precision_at_k([1], "a", 1), "relevance must be a mapping"),
        (lambda: reciprocal_rank([1], {1: 1}, k=-2), "k must be a positive integer"),
        (lambda: evaluate([[1]], [{1: 1}, {2: 1}]), "rankings has 1 queries but qrels has 2"),
        (lambda: evaluate({"a": [1]}, [{1: 1}]), "both be mappings"),
        (lambda: evaluate({"a": [1]}, {"b": {1: 1}}), "qrels has no judgements for query 'a'"),
        (lambda: evaluate([], []), "at least one query"),
        (lambda: evaluate([[1], [2]], [{1: 1}, {2: 0}]), "query 1: relevance names no relevant item"),
    ],
)
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
