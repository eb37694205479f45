"""Lesson 14's checks: right answers pass in every form, typical mistakes get their own message,
blanks are "not attempted", and no check crashes."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from course_lib.use.ann import clustered_vectors
from course_lib.exercises import ____
from course_lib.exercises.lesson14 import q1, q2, q3, q4, q5


def _outcome(question, namespace):
    result = question.evaluate(namespace)
    return result.outcome, result.message


# ---------------------------------------------------------------------------- q1

GRADES = {"ranked_grades": [0, 2, 0, 0, 1, 0, 0, 0, 0, 0], "all_grades": [2, 1, 3]}


def _dcg(grades, log=math.log2, offset=1, gain=lambda g: g):
    return sum(gain(g) / log(r + offset) for r, g in enumerate(grades, start=1))


RIGHT_NDCG = _dcg(GRADES["ranked_grades"]) / _dcg([3, 2, 1])


@pytest.mark.parametrize("answer", [RIGHT_NDCG, np.float32(RIGHT_NDCG), np.float64(RIGHT_NDCG), torch.tensor(RIGHT_NDCG)])
def test_q1_right_answers_pass(answer):
    assert _outcome(q1, {**GRADES, "ndcg": answer})[0] == "correct"


@pytest.mark.parametrize(
    "answer, words",
    [
        (_dcg(GRADES["ranked_grades"]), "is the DCG itself"),
        (_dcg(GRADES["ranked_grades"]) / _dcg([2, 1]), "*every* judged grade"),
        (_dcg(GRADES["ranked_grades"], gain=lambda g: 2 ** g - 1) / _dcg([3, 2, 1], gain=lambda g: 2 ** g - 1),
         "2**grade - 1"),
        (_dcg(GRADES["ranked_grades"], offset=2) / _dcg([3, 2, 1], offset=2), "one place too far down"),
        (3 / 6, "without a discount"),
        (1.7, "outside 0..1"),
        (0.25, "is not the nDCG@10"),
        ("0.35", "should be a single number"),
    ],
)
def test_q1_typical_mistakes(answer, words):
    outcome, message = _outcome(q1, {**GRADES, "ndcg": answer})
    assert outcome == "incorrect" and words in message, message
    assert f"{RIGHT_NDCG:.3f}" not in message and f"{RIGHT_NDCG:.2f}" not in message


def test_q1_any_base_of_logarithm_passes():
    """The base cancels in the ratio: np.log gives the same nDCG as np.log2."""
    assert _outcome(q1, {**GRADES, "ndcg": _dcg(GRADES["ranked_grades"], log=math.log) / _dcg([3, 2, 1], log=math.log)})[0] == "correct"


def test_q1_blank():
    assert _outcome(q1, {**GRADES, "ndcg": ____})[0] == "not attempted"


# ---------------------------------------------------------------------------- q2


def rrf_right(rankings, k=60):
    score = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            score[item] = score.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(score, key=lambda item: -score[item])


def rrf_array(rankings, k=60):
    return np.array(rrf_right(rankings, k), dtype=object)


def rrf_tuple(rankings, k=60):
    return tuple(rrf_right(rankings, k))


def rrf_from_zero(rankings, k=60):
    score = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            score[item] = score.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(score, key=lambda item: -score[item])


def rrf_worst_first(rankings, k=60):
    return rrf_right(rankings, k)[::-1]


def rrf_first_only(rankings, k=60):
    first = set(rankings[0])
    return [item for item in rrf_right(rankings, k) if item in first]


def rrf_borda(rankings, k=60):
    score = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            score[item] = score.get(item, 0) - rank
    return sorted(score, key=lambda item: -score[item])


def rrf_scores(rankings, k=60):
    score = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            score[item] = score.get(item, 0.0) + 1.0 / (k + rank)
    return score


def rrf_pairs(rankings, k=60):
    scores = rrf_scores(rankings, k)
    return [(item, scores[item]) for item in rrf_right(rankings, k)]


def rrf_crashes(rankings, k=60):
    return 1 / 0


def rrf_blank(rankings, k=60):
    return ____


@pytest.mark.parametrize("answer", [rrf_right, rrf_array, rrf_tuple])
def test_q2_right_answers_pass(answer):
    assert _outcome(q2, {"rrf": answer}) == ("correct", _outcome(q2, {"rrf": rrf_right})[1])


@pytest.mark.parametrize(
    "answer, words",
    [
        (rrf_from_zero, "ranks start at 1"),
        (rrf_worst_first, "worst first"),
        (rrf_first_only, "leaves out an item"),
        (rrf_borda, "Borda count"),
        (rrf_scores, "returned a dict of scores"),
        (rrf_pairs, "returned pairs"),
        (rrf_crashes, "ZeroDivisionError"),
        (42, "should be a function"),
    ],
)
def test_q2_typical_mistakes(answer, words):
    outcome, message = _outcome(q2, {"rrf": answer})
    assert outcome == "incorrect" and words in message, message


def test_q2_blank_and_unwritten_body():
    assert _outcome(q2, {"rrf": ____})[0] == "not attempted"
    assert _outcome(q2, {"rrf": rrf_blank})[0] == "not attempted"


# ---------------------------------------------------------------------------- q3 and q4


@pytest.fixture(scope="module")
def data():
    corpus, _ = clustered_vectors(800, dim=32, n_clusters=10, intrinsic_dim=8, seed=0)
    queries, _ = clustered_vectors(20, dim=32, n_clusters=10, intrinsic_dim=8, seed=1, centres_seed=0)
    return {"corpus": corpus, "queries": queries}


@pytest.mark.parametrize("form", [lambda c: c, lambda c: torch.from_numpy(c), lambda c: c.tolist()])
def test_q3_right_answers_pass(data, form):
    codes = np.packbits(data["corpus"] > 0, axis=1)
    answer = form(codes) if not isinstance(form(codes), list) else codes  # lists lose the uint8 dtype
    assert _outcome(q3, {**data, "codes": answer})[0] == "correct"


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda c: c > 0, "one entry per dimension"),
        (lambda c: np.packbits(c > 0, axis=0), "down the columns"),
        (lambda c: np.packbits(c < 0, axis=1), "*negative* values"),
        (lambda c: np.packbits(c > c.mean(axis=0), axis=1), "compares each value with a mean"),
        (lambda c: np.packbits(c > 0, axis=1).astype(np.int64), "dtype int64"),
        (lambda c: np.packbits(c > 0.3, axis=1), "does not hold the signs"),
        (lambda c: np.packbits(c > 0, axis=1)[:10], "shape (10, 4)"),
    ],
)
def test_q3_typical_mistakes(data, make, words):
    outcome, message = _outcome(q3, {**data, "codes": make(data["corpus"])})
    assert outcome == "incorrect" and words in message, message


def test_q3_blank(data):
    assert _outcome(q3, {**data, "codes": ____})[0] == "not attempted"


POP = np.array([bin(b).count("1") for b in range(256)])


def _hamming(data, n):
    qc, cc = np.packbits(data["queries"] > 0, axis=1), np.packbits(data["corpus"] > 0, axis=1)
    distances = POP[np.bitwise_xor(qc[:, None, :], cc[None, :, :])].sum(axis=2)
    return np.argsort(distances, axis=1, kind="stable")[:, :n], distances


def _rescored(data, n=50):
    candidates, _ = _hamming(data, n)
    scores = np.einsum("qd,qcd->qc", data["queries"], data["corpus"][candidates])
    order = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    return np.take_along_axis(candidates, order, axis=1)


def _by_score(data, ids):
    scores = np.einsum("qd,qcd->qc", data["queries"], data["corpus"][ids])
    return np.take_along_axis(ids, np.argsort(-scores, axis=1), axis=1)


def test_q4_right_answers_pass(data):
    right = _rescored(data)
    for answer in (right, right.tolist(), torch.from_numpy(right), right.astype(np.int32)):
        assert _outcome(q4, {**data, "rescored": answer})[0] == "correct"


def test_q4_other_tie_breaking_passes(data):
    """Candidates tied with the 50th by Hamming distance may be taken in any order."""
    _, distances = _hamming(data, 50)
    order = np.lexsort((-np.arange(distances.shape[1])[None, :].repeat(len(distances), 0), distances), axis=1)
    candidates = order[:, :50]  # ties: higher id first
    scores = np.einsum("qd,qcd->qc", data["queries"], data["corpus"][candidates])
    best = np.take_along_axis(candidates, np.argsort(-scores, axis=1)[:, :10], axis=1)
    assert _outcome(q4, {**data, "rescored": best})[0] == "correct"


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda d: _hamming(d, 10)[0], "Hamming order itself"),
        (lambda d: np.argsort(-(d["queries"] @ d["corpus"].T), axis=1)[:, :10], "exact search over *all*"),
        (lambda d: _rescored(d)[:, ::-1], "worst first"),
        (lambda d: _rescored(d)[:, [1, 0, 2, 3, 4, 5, 6, 7, 8, 9]], "not ordered by the float score"),
        (lambda d: _by_score(d, _hamming(d, 50)[0][:, 40:50]), "not the 10 with the highest"),
        (lambda d: _rescored(d)[:, :5], "shape (20, 10)"),
        (lambda d: _rescored(d).astype(float) + 0.5, "fractional numbers"),
        (lambda d: _rescored(d) + 10_000, "outside 0..799"),
        (lambda d: np.repeat(_rescored(d)[:, :1], 10, axis=1), "same passage twice"),
    ],
)
def test_q4_typical_mistakes(data, make, words):
    outcome, message = _outcome(q4, {**data, "rescored": make(data)})
    assert outcome == "incorrect" and words in message, message


def test_q4_blank(data):
    assert _outcome(q4, {**data, "rescored": ____})[0] == "not attempted"


# ---------------------------------------------------------------------------- q5

BUDGET = {
    "n_vectors": 200_000_000,
    "memory_bytes": 32e9,
    "options": {"float32": (1536, 0.736), "int8": (384, 0.736), "binary + rescoring": (48, 0.736),
                "PQ 96": (48, 0.710), "PQ 48": (24, 0.690)},
}


@pytest.mark.parametrize("per_vector", [160, 160.0, np.float64(160), torch.tensor(160.0)])
def test_q5_right_answers_pass(per_vector):
    assert _outcome(q5, {**BUDGET, "per_vector": per_vector, "choice": "binary + rescoring"})[0] == "correct"


@pytest.mark.parametrize(
    "per_vector, choice, words",
    [
        (1280, "PQ 96", "in bits"),
        (200_000_000 / 32e9, "PQ 96", "upside down"),
        (32, "PQ 96", "how many bytes each vector may take"),
        (160, "int8", "more than the budget"),
        (160, "PQ 48", "another option that fits scores a higher"),
        (160, "binary", "not a key of `options`"),
        (160, 3, "should be a string"),
    ],
)
def test_q5_typical_mistakes(per_vector, choice, words):
    outcome, message = _outcome(q5, {**BUDGET, "per_vector": per_vector, "choice": choice})
    assert outcome == "incorrect" and words in message, message
    assert "binary + rescoring" not in message or "not a key" in message


def test_q5_blanks():
    assert _outcome(q5, {**BUDGET, "per_vector": ____, "choice": ____})[0] == "not attempted"
    assert _outcome(q5, {**BUDGET, "per_vector": 160, "choice": ____})[0] == "not attempted"
