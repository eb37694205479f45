"""Lesson 11's checks: right answers pass, typical mistakes get their own message, blanks are
"not attempted", and no message gives the answer away."""
from __future__ import annotations

import numpy as np
import pytest

from course_lib.use.ann import clustered_vectors
from course_lib.exercises import ____
from course_lib.exercises.lesson11 import q1, q2, q3, q4


def _outcome(question, namespace):
    result = question.evaluate(namespace)
    return result.outcome, result.message


# ---------------------------------------------------------------------------- q1


@pytest.fixture(scope="module")
def search():
    corpus, _ = clustered_vectors(3000, dim=16, n_clusters=10, intrinsic_dim=6, seed=0)
    query = clustered_vectors(1, dim=16, n_clusters=10, intrinsic_dim=6, seed=2, centres_seed=0)[0][0]
    return {"corpus": corpus, "query": query}


def _best(search, k=5):
    scores = search["corpus"] @ search["query"]
    return np.argsort(-scores, kind="stable")[:k], scores


def test_q1_right_answers_pass(search):
    best, scores = _best(search)
    assert _outcome(q1, {**search, "top5": best})[0] == "correct"
    candidates = np.argpartition(-scores, 5)[:5]
    by_hand = candidates[np.argsort(-scores[candidates])]
    assert _outcome(q1, {**search, "top5": by_hand})[0] == "correct"
    assert _outcome(q1, {**search, "top5": best.tolist()})[0] == "correct"


def test_q1_ties_may_come_in_either_order():
    corpus = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.6, 0.8], [0.8, 0.6], [1.0, 0.0], [-1.0, 0.0]])
    ns = {"corpus": corpus, "query": np.array([1.0, 0.0])}
    assert _outcome(q1, {**ns, "top5": np.array([5, 0, 2, 4, 3])})[0] == "correct"
    assert _outcome(q1, {**ns, "top5": np.array([0, 2, 5, 4, 3])})[0] == "correct"


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda best, s: best[::-1], "least similar of them first"),
        (lambda best, s: best[[2, 0, 4, 1, 3]], "np.argpartition only guarantees"),
        (lambda best, s: np.argsort(s, kind="stable")[:5], "five *least* similar"),
        (lambda best, s: np.argsort(-s, kind="stable")[1:6], "only 4 of the indices"),
        (lambda best, s: s[best], "fractional numbers, probably scores"),
        (lambda best, s: best[:4], "exactly 5"),
        (lambda best, s: np.array([best[0]] * 5), "same index twice"),
        (lambda best, s: np.array([0, 1, 2, 3, 10**6]), "outside 0.."),
        (lambda best, s: best.reshape(1, 5), "flat array"),
    ],
)
def test_q1_typical_mistakes(search, make, words):
    best, scores = _best(search)
    outcome, message = _outcome(q1, {**search, "top5": make(best, scores)})
    assert outcome == "incorrect" and words in message
    assert str(best[0]) not in message.split("`top5`")[-1].split()  # the answer's indices are never shown


def test_q1_blank(search):
    assert _outcome(q1, {**search, "top5": ____})[0] == "not attempted"


# ---------------------------------------------------------------------------- q2


@pytest.fixture(scope="module")
def neighbours():
    rng = np.random.default_rng(0)
    exact = np.array([rng.permutation(100)[:10] for _ in range(50)])
    approx = exact.copy()
    for row in approx:  # replace some true neighbours, and shuffle the order
        # by ids that are no true neighbour of this query, some of them true neighbours of others,
        # so that looking ids up among every query's neighbours (np.isin on whole arrays) is caught
        row[rng.choice(10, size=3, replace=False)] = rng.choice(np.setdiff1d(np.arange(150), row), 3, replace=False)
        rng.shuffle(row)
    expected = np.mean([len(set(a) & set(e)) for a, e in zip(approx, exact)]) / 10
    return {"approx_ids": approx, "exact_ids": exact}, expected


def test_q2_right_answer_passes(neighbours):
    ns, expected = neighbours
    assert _outcome(q2, {**ns, "recall": expected})[0] == "correct"
    assert _outcome(q2, {**ns, "recall": np.float32(expected)})[0] == "correct"


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda a, e, r: float(np.mean(a == e)), "position by position"),
        (lambda a, e, r: 10 * r * len(a), "counts neighbours found"),
        (lambda a, e, r: 10 * r, "counts neighbours found"),
        (lambda a, e, r: 100 * r, "percentage"),
        (lambda a, e, r: float(np.mean([x[0] in y for x, y in zip(e, a)])), "single nearest neighbour"),
        (lambda a, e, r: np.array([len(set(x) & set(y)) / 10 for x, y in zip(a, e)]), "one value per query"),
        (lambda a, e, r: 0.123, "not recall@10"),
    ],
)
def test_q2_typical_mistakes(neighbours, make, words):
    ns, expected = neighbours
    outcome, message = _outcome(q2, {**ns, "recall": make(ns["approx_ids"], ns["exact_ids"], expected)})
    assert outcome == "incorrect" and words in message
    assert f"{expected:.3g}" not in message


def test_q2_blank_and_zero_recall(neighbours):
    ns, _ = neighbours
    assert _outcome(q2, {**ns, "recall": ____})[0] == "not attempted"
    disjoint = {"approx_ids": ns["exact_ids"] + 1000, "exact_ids": ns["exact_ids"]}
    assert _outcome(q2, {**disjoint, "recall": 0.0})[0] == "correct"


# ---------------------------------------------------------------------------- q3


@pytest.fixture(scope="module")
def documents():
    docs, _ = clustered_vectors(300, dim=32, n_clusters=8, intrinsic_dim=8, seed=0)
    query = clustered_vectors(1, dim=32, n_clusters=8, intrinsic_dim=8, seed=3, centres_seed=0)[0][0]
    scores = docs @ query
    return {"doc_vectors": docs, "query_vector": query}, scores


def test_q3_right_answers_pass(documents):
    ns, scores = documents
    best = int(np.argmax(scores))
    assert _outcome(q3, {**ns, "best": best})[0] == "correct"
    assert _outcome(q3, {**ns, "best": np.int64(best)})[0] == "correct"
    assert _outcome(q3, {**ns, "best": np.array([best])})[0] == "correct"


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda s: int(np.argmin(s)), "*least* similar"),
        (lambda s: float(s.max()), "looks like a similarity score"),
        (lambda s: np.argsort(-s)[:3], "several values"),
        (lambda s: int(np.argsort(-s)[1]), "ranked 2"),
        (lambda s: 300, "outside 0..299"),
        (lambda s: "doc 5", "single number"),
    ],
)
def test_q3_typical_mistakes(documents, make, words):
    ns, scores = documents
    outcome, message = _outcome(q3, {**ns, "best": make(scores)})
    assert outcome == "incorrect" and words in message
    assert str(int(np.argmax(scores))) not in message.replace("0..299", "")


# ---------------------------------------------------------------------------- q4


@pytest.fixture(scope="module")
def recommendations():
    rng = np.random.default_rng(1)
    recommended = np.array([rng.permutation(50)[:20] for _ in range(40)])
    held_out = rng.integers(0, 50, size=40)
    hits = (recommended[:, :10] == held_out[:, None]).any(axis=1)
    return {"recommended": recommended, "held_out": held_out}, float(hits.mean())


def test_q4_right_answer_passes(recommendations):
    ns, expected = recommendations
    assert _outcome(q4, {**ns, "hit_rate": expected})[0] == "correct"


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda r, h: (r == h[:, None]).any(axis=1).mean(), "first 20 recommendations"),
        (lambda r, h: (r[:, :1] == h[:, None]).any(axis=1).mean(), "first 1 recommendation of"),
        (lambda r, h: float((r[:, :10] == h[:, None]).any(axis=1).sum()), "number of sessions"),
        (lambda r, h: 100 * (r[:, :10] == h[:, None]).any(axis=1).mean(), "percentage"),
        (lambda r, h: (r[:, :10] == h[:, None]).any(axis=1), "one value per session"),
        (lambda r, h: 2.5, "outside the range"),
    ],
)
def test_q4_typical_mistakes(recommendations, make, words):
    ns, expected = recommendations
    outcome, message = _outcome(q4, {**ns, "hit_rate": make(ns["recommended"], ns["held_out"])})
    assert outcome == "incorrect" and words in message
    assert f"{expected:.3g}" not in message


def test_q4_blank(recommendations):
    ns, _ = recommendations
    assert _outcome(q4, {**ns, "hit_rate": ____})[0] == "not attempted"
    assert _outcome(q4, {"hit_rate": 0.5})[0] == "not attempted"


# ---------------------------------------------------------------------------- audit tables
# WRONG: typical wrong answers, each told what is wrong, the variable named, the answer never shown.
# RIGHT_FORMS: right answers in other forms than the worked solution, each accepted.

import torch  # noqa: E402

from course_lib.use.search import recall_at_k, top_k  # noqa: E402


def test_q1_test_data_exposes_an_unsorted_partial_sort(search):
    """argpartition's first five must come out of order here, or the mistake would pass unseen."""
    scores = search["corpus"] @ search["query"]
    candidates = np.argpartition(-scores, 5)[:5]
    assert not np.all(np.diff(scores[candidates]) <= 0)
    outcome, message = _outcome(q1, {**search, "top5": candidates})
    assert outcome == "incorrect" and "np.argpartition only guarantees" in message and "`top5`" in message


Q1_RIGHT_FORMS = [
    pytest.param(lambda best, s, ns: tuple(int(i) for i in best), id="tuple"),
    pytest.param(lambda best, s, ns: torch.tensor(best), id="tensor"),
    pytest.param(lambda best, s, ns: best.astype(np.int32), id="int32"),
    pytest.param(lambda best, s, ns: top_k(ns["query"], ns["corpus"], 5, metric="dot")[0], id="top_k"),
    pytest.param(lambda best, s, ns: np.argsort(np.linalg.norm(ns["corpus"] - ns["query"], axis=1))[:5],
                 id="euclidean-on-unit-vectors"),
]


@pytest.mark.parametrize("make", Q1_RIGHT_FORMS)
def test_q1_right_answers_in_other_forms_are_accepted(search, make):
    best, scores = _best(search)
    outcome, message = _outcome(q1, {**search, "top5": make(best, scores, search)})
    assert outcome == "correct", message


Q2_WRONG = [
    pytest.param(lambda a, e: float(np.isin(a, e).mean()), "*every* query", id="pooled-isin"),
    pytest.param(lambda a, e: float(np.mean(a == e)), "position by position", id="positional"),
    pytest.param(lambda a, e: float(np.mean([x[0] in y for x, y in zip(e, a)])), "single nearest", id="first-only"),
    pytest.param(lambda a, e: np.mean, "not called", id="uncalled"),
]


@pytest.mark.parametrize("make, words", Q2_WRONG)
def test_q2_wrong_answers_are_told_what_is_wrong(neighbours, make, words):
    ns, expected = neighbours
    value = make(ns["approx_ids"], ns["exact_ids"])
    assert callable(value) or not np.isclose(value, expected)  # the data tells this mistake apart
    outcome, message = _outcome(q2, {**ns, "recall": value})
    assert outcome == "incorrect", message
    assert "`recall`" in message and words in message, message
    assert f"{expected:.3f}" not in message and f"{expected:.3g}" not in message


Q2_RIGHT_FORMS = [
    pytest.param(lambda a, e, r: round(r, 3), id="printed-3-decimals"),
    pytest.param(lambda a, e, r: torch.tensor(r), id="0-d-tensor"),
    pytest.param(lambda a, e, r: recall_at_k(a, e, 10), id="recall_at_k"),
    pytest.param(lambda a, e, r: np.mean([len(np.intersect1d(x, y)) / 10 for x, y in zip(a, e)]), id="intersect1d"),
]


@pytest.mark.parametrize("make", Q2_RIGHT_FORMS)
def test_q2_right_answers_in_other_forms_are_accepted(neighbours, make):
    ns, expected = neighbours
    outcome, message = _outcome(q2, {**ns, "recall": make(ns["approx_ids"], ns["exact_ids"], expected)})
    assert outcome == "correct", message


Q3_RIGHT_FORMS = [
    pytest.param(lambda ns, s: torch.tensor(ns["doc_vectors"]) @ torch.tensor(ns["query_vector"]), id="tensor-argmax"),
    pytest.param(lambda ns, s: float(np.argmax(s)), id="float-index"),
    pytest.param(lambda ns, s: top_k(ns["query_vector"], ns["doc_vectors"], 1, metric="dot")[0][0], id="top_k"),
]


@pytest.mark.parametrize("make", Q3_RIGHT_FORMS)
def test_q3_right_answers_in_other_forms_are_accepted(documents, make):
    ns, scores = documents
    answer = make(ns, scores)
    if hasattr(answer, "argmax") and getattr(answer, "ndim", 0) == 1:
        answer = answer.argmax()  # a 0-d tensor index
    outcome, message = _outcome(q3, {**ns, "best": answer})
    assert outcome == "correct", message


Q4_WRONG = [
    pytest.param(lambda r, h: float(np.isin(h, r[:, :10]).mean()), "*every* session", id="pooled-isin"),
    pytest.param(lambda r, h: float((r[:, :10] == h[:, None]).mean()), "all 10 positions", id="mean-over-positions"),
    pytest.param(lambda r, h: float((r[:, :8] == h[:, None]).any(axis=1).mean()), "first 8", id="first-eight"),
]


@pytest.mark.parametrize("make, words", Q4_WRONG)
def test_q4_wrong_answers_are_told_what_is_wrong(recommendations, make, words):
    ns, expected = recommendations
    value = make(ns["recommended"], ns["held_out"])
    assert not np.isclose(value, expected)  # the data tells this mistake apart
    outcome, message = _outcome(q4, {**ns, "hit_rate": value})
    assert outcome == "incorrect", message
    assert "`hit_rate`" in message and words in message, message
    assert f"{expected:.3f}" not in message and f"{expected:.3g}" not in message


Q4_RIGHT_FORMS = [
    pytest.param(lambda r, h, e: round(e, 3), id="printed-3-decimals"),
    pytest.param(lambda r, h, e: np.float32(e), id="float32"),
    pytest.param(lambda r, h, e: torch.tensor(e), id="0-d-tensor"),
    pytest.param(lambda r, h, e: np.mean([item in row[:10] for row, item in zip(r, h)]), id="loop"),
]


@pytest.mark.parametrize("make", Q4_RIGHT_FORMS)
def test_q4_right_answers_in_other_forms_are_accepted(recommendations, make):
    ns, expected = recommendations
    outcome, message = _outcome(q4, {**ns, "hit_rate": make(ns["recommended"], ns["held_out"], expected)})
    assert outcome == "correct", message
