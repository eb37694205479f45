"""Lesson 01's checks: right answers pass, typical mistakes get their own message, blanks are
"not attempted", and no message gives the answer away."""
from __future__ import annotations

import numpy as np
import torch
import pytest

from course_lib.data import load_digits
from course_lib.exercises import ____
from course_lib.exercises.lesson01 import loo_1nn_accuracy, q1, q2, q3, q4

QUERY = 24


@pytest.fixture(scope="module")
def digits():
    images, labels = load_digits()
    X = images.reshape(len(images), -1).astype(np.float64)
    return {"X": X, "labels": labels, "query_index": QUERY}


def _outcome(question, namespace):
    result = question.evaluate(namespace)
    return result.outcome, result.message


def _cosine_scores(X, index):
    return X @ X[index] / (np.linalg.norm(X, axis=1) * np.linalg.norm(X[index]))


# ---------------------------------------------------------------------------- q1


def _right_cosine(u, v):
    return (u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))


def test_q1_right_answers_pass():
    assert _outcome(q1, {"cosine": _right_cosine})[0] == "correct"
    assert _outcome(q1, {"cosine": lambda u, v: float(np.dot(u, v) / np.sqrt(np.dot(u, u) * np.dot(v, v)))})[0] == "correct"


def test_q1_blank_function_is_not_attempted():
    def cosine(u, v):
        """Stub as the practice notebook has it."""
        return ____

    outcome, message = _outcome(q1, {"cosine": cosine})
    assert outcome == "not attempted"
    assert "`cosine` still returns ____" in message
    assert _outcome(q1, {"cosine": ____})[0] == "not attempted"
    assert _outcome(q1, {})[0] == "not attempted"


@pytest.mark.parametrize(
    "wrong, expected_words",
    [
        (lambda u, v: u @ v, "that is the dot product"),
        (lambda u, v: u @ v / np.linalg.norm(u), "length of `u` only"),
        (lambda u, v: u @ v / np.linalg.norm(v), "length of `v` only"),
        (lambda u, v: u @ v / (np.sum(u**2) * np.sum(v**2)), "*squared* lengths"),
        (lambda u, v: u @ v / (np.linalg.norm(u) + np.linalg.norm(v)), "*sum* of the lengths"),
        (lambda u, v: np.linalg.norm(u - v), "Euclidean distance"),
    ],
)
def test_q1_typical_mistakes_get_specific_messages(wrong, expected_words):
    outcome, message = _outcome(q1, {"cosine": wrong})
    assert outcome == "incorrect"
    assert expected_words in message
    assert "`cosine(" in message  # names the function and the call that failed


def test_q1_case_failures_explain_the_property():
    outcome, message = _outcome(q1, {"cosine": lambda u, v: abs(_right_cosine(u, v))})
    assert outcome == "incorrect" and "opposite directions have cosine similarity -1" in message
    outcome, message = _outcome(q1, {"cosine": lambda u, v: 0.5})
    assert outcome == "incorrect" and "returned 0.5" in message


def test_q1_errors_and_non_numbers_are_reported_not_raised():
    outcome, message = _outcome(q1, {"cosine": lambda u: 1.0})
    assert outcome == "incorrect" and "raised TypeError" in message
    outcome, message = _outcome(q1, {"cosine": lambda u, v: np.array([1.0, 2.0])})
    assert outcome == "incorrect" and "should be a single number" in message
    outcome, message = _outcome(q1, {"cosine": 0.5})
    assert outcome == "incorrect" and "should be a function" in message


def test_q1_message_never_shows_the_right_value():
    right = f"{_right_cosine(np.array([1.0, 2.0, 2.0]), np.array([2.0, 0.0, 1.0])):.4g}"
    for wrong in (lambda u, v: u @ v, lambda u, v: 0.5, lambda u, v: abs(_right_cosine(u, v))):
        assert right not in _outcome(q1, {"cosine": wrong})[1]


# ---------------------------------------------------------------------------- q2


def test_q2_right_answers_pass(digits):
    X = digits["X"]
    for answer in (np.linalg.norm(X - X[QUERY], axis=1), list(np.sqrt(((X - X[QUERY]) ** 2).sum(axis=1))),
                   np.linalg.norm(X - X[QUERY], axis=1).astype(np.float32)):
        assert _outcome(q2, {**digits, "distances": answer})[0] == "correct"


def test_q2_follows_the_notebooks_query(digits):
    X = digits["X"]
    other = {**digits, "query_index": 7, "distances": np.linalg.norm(X - X[7], axis=1)}
    assert _outcome(q2, other)[0] == "correct"


def test_q2_blank_is_not_attempted(digits):
    outcome, message = _outcome(q2, {**digits, "distances": ____})
    assert outcome == "not attempted" and "`distances`" in message


@pytest.mark.parametrize(
    "make, expected_words",
    [
        (lambda X, q: np.sum((X - q) ** 2, axis=1), "*squared* distances"),
        (lambda X, q: np.abs(X - q).sum(axis=1), "Manhattan"),
        (lambda X, q: np.sqrt(np.sum((X - q) ** 2, axis=0)), "one value per *pixel*"),
        (lambda X, q: X - q, "differences per pixel"),
        (lambda X, q: X @ q / (np.linalg.norm(X, axis=1) * np.linalg.norm(q)), "looks like similarities"),
        (lambda X, q: np.linalg.norm(X - X[0], axis=1), "distance from the query to itself must be 0"),
        (lambda X, q: np.linalg.norm(X - q, axis=1)[:10], "should have shape (1797,)"),
        (lambda X, q: np.linalg.norm(X - q, axis=1) + 0.5 * (np.arange(len(X)) == 3), "1 of its 1797 values are off"),
    ],
)
def test_q2_typical_mistakes_get_specific_messages(digits, make, expected_words):
    X = digits["X"]
    outcome, message = _outcome(q2, {**digits, "distances": make(X, X[QUERY])})
    assert outcome == "incorrect"
    assert expected_words in message
    assert "`distances" in message


# ---------------------------------------------------------------------------- q3


def _right_top5(X, index=QUERY):
    scores = _cosine_scores(X, index)
    scores[index] = -np.inf
    return np.argsort(-scores, kind="stable")[:5]


def test_q3_right_answers_pass(digits):
    top5 = _right_top5(digits["X"])
    assert _outcome(q3, {**digits, "top5": top5})[0] == "correct"
    assert _outcome(q3, {**digits, "top5": [int(i) for i in top5]})[0] == "correct"


def test_q3_follows_the_notebooks_query(digits):
    other = {**digits, "query_index": 33, "top5": _right_top5(digits["X"], 33)}
    assert _outcome(q3, other)[0] == "correct"
    assert _outcome(q3, {**other, "top5": _right_top5(digits["X"], QUERY)})[0] == "incorrect"


def test_q3_blank_is_not_attempted(digits):
    assert _outcome(q3, {**digits, "top5": ____})[0] == "not attempted"


def test_q3_forgot_to_exclude_the_query(digits):
    scores = _cosine_scores(digits["X"], QUERY)
    outcome, message = _outcome(q3, {**digits, "top5": np.argsort(-scores, kind="stable")[:5]})
    assert outcome == "incorrect" and "includes `query_index`, the query itself" in message


def test_q3_sorted_ascending(digits):
    scores = _cosine_scores(digits["X"], QUERY)
    outcome, message = _outcome(q3, {**digits, "top5": np.argsort(scores, kind="stable")[:5]})
    assert outcome == "incorrect" and "*least* similar" in message
    # the right five, but least similar first
    outcome, message = _outcome(q3, {**digits, "top5": _right_top5(digits["X"])[::-1]})
    assert outcome == "incorrect" and "not most similar first" in message


def test_q3_used_dot_product_instead_of_cosine(digits):
    X = digits["X"]
    dots = X @ X[QUERY]
    for answer in (np.argsort(-np.where(np.arange(len(X)) == QUERY, -np.inf, dots), kind="stable")[:5],
                   np.argsort(-dots, kind="stable")[1:6]):  # skips the first instead of the query
        outcome, message = _outcome(q3, {**digits, "top5": answer})
        assert outcome == "incorrect" and "*dot products*" in message


def test_q3_used_euclidean_distance(digits):
    X = digits["X"]
    d = np.linalg.norm(X - X[QUERY], axis=1)
    d[QUERY] = np.inf
    nearest = np.argsort(d, kind="stable")[:5]
    assert set(nearest) != set(_right_top5(X)), "query 24 must tell Euclidean and cosine neighbours apart"
    outcome, message = _outcome(q3, {**digits, "top5": nearest})
    assert outcome == "incorrect" and "*Euclidean distance*" in message


@pytest.mark.parametrize(
    "make, expected_words",
    [
        (lambda right, scores: scores[right], "holds similarity values"),
        (lambda right, scores: right.astype(float) + 0.5, "integer indices"),
        (lambda right, scores: np.r_[right[:4], right[0]], "same index twice"),
        (lambda right, scores: np.r_[right[:4], 5000], "outside 0..1796"),
        (lambda right, scores: right[:4], "should have shape (5,)"),
        (lambda right, scores: np.r_[right[:4], 0], "only 4 of the digits"),
    ],
)
def test_q3_other_mistakes(digits, make, expected_words):
    right = _right_top5(digits["X"])
    outcome, message = _outcome(q3, {**digits, "top5": make(right, _cosine_scores(digits["X"], QUERY))})
    assert outcome == "incorrect" and expected_words in message


def test_q3_messages_never_list_the_right_indices(digits):
    right = _right_top5(digits["X"])
    scores = _cosine_scores(digits["X"], QUERY)
    for wrong in (np.argsort(scores)[:5], np.r_[right[:4], 0], right[::-1]):
        message = _outcome(q3, {**digits, "top5": wrong})[1]
        assert str(list(right)) not in message and np.array2string(right) not in message


# ---------------------------------------------------------------------------- q4


@pytest.fixture(scope="module")
def accuracies(digits):
    return {m: loo_1nn_accuracy(digits["X"], digits["labels"], m) for m in ("cosine", "euclidean", "dot")}


def test_loo_1nn_accuracy_matches_the_lesson(accuracies):
    assert {m: round(a, 3) for m, a in accuracies.items()} == {"cosine": 0.989, "euclidean": 0.988, "dot": 0.721}


def test_loo_1nn_accuracy_rejects_unknown_metric(digits):
    with pytest.raises(ValueError, match="metric"):
        loo_1nn_accuracy(digits["X"], digits["labels"], "manhattan")


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "dot"])
def test_q4_right_answers_pass_for_each_metric(digits, accuracies, metric):
    outcome, message = _outcome(q4, {**digits, "metric": metric, "accuracy": accuracies[metric]})
    assert outcome == "correct" and metric in message


def test_q4_learner_style_solution_passes(digits):
    X, labels = digits["X"], digits["labels"]
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    scores = unit @ unit.T
    np.fill_diagonal(scores, -np.inf)
    accuracy = np.mean(labels[scores.argmax(axis=1)] == labels)
    assert _outcome(q4, {**digits, "metric": "cosine", "accuracy": accuracy})[0] == "correct"


def test_q4_blank_is_not_attempted(digits):
    assert _outcome(q4, {**digits, "metric": ____, "accuracy": ____})[0] == "not attempted"
    assert _outcome(q4, {**digits, "metric": "cosine", "accuracy": ____})[0] == "not attempted"


@pytest.mark.parametrize(
    "metric, accuracy, expected_words",
    [
        ("euclidean", 1.0, "every digit found itself"),
        ("cosine", 98.9, "not a percentage"),
        ("cos", 0.9, "`metric` should be one of"),
        ("cosine", -0.1, "outside the range"),
        ("dot", 0.5, "not the leave-one-out 1-NN accuracy with 'dot'"),
        ("cosine", "0.989", "should be a single number"),
    ],
)
def test_q4_typical_mistakes(digits, metric, accuracy, expected_words):
    outcome, message = _outcome(q4, {**digits, "metric": metric, "accuracy": accuracy})
    assert outcome == "incorrect" and expected_words in message


def test_q4_accuracy_of_another_metric_is_named(digits, accuracies):
    outcome, message = _outcome(q4, {**digits, "metric": "cosine", "accuracy": accuracies["dot"]})
    assert outcome == "incorrect" and "matches the 'dot' metric" in message
    outcome, message = _outcome(q4, {**digits, "metric": "dot", "accuracy": accuracies["euclidean"]})
    assert outcome == "incorrect" and "but `metric` says 'dot'" in message


# ---------------------------------------------------------------------------- audit tables
# Each WRONG case: (question, answers made from the digits, words the message must hold).
# Each RIGHT_FORMS case: a right answer in another form than the worked solution.

QUESTIONS = {"q1": q1, "q2": q2, "q3": q3, "q4": q4}


def _distances(d):
    return np.linalg.norm(d["X"] - d["X"][QUERY], axis=1)


def _ranked(d):
    sims = _cosine_scores(d["X"], QUERY)
    sims[QUERY] = -np.inf
    return np.argsort(-sims, kind="stable")


def _accuracy(d, metric="cosine"):
    return loo_1nn_accuracy(d["X"], d["labels"], metric)


def _farthest_euclidean(d):
    X, y = d["X"], d["labels"]
    D = np.linalg.norm(X[:, None] - X[None], axis=2)
    np.fill_diagonal(D, -np.inf)
    return float(np.mean(y[D.argmax(axis=1)] == y))


_COS = lambda u, v: (u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))  # noqa: E731

WRONG = [
    pytest.param("q1", lambda d: {"cosine": lambda u, v: 1 - _COS(u, v)}, "cosine *distance*", id="q1-distance"),
    pytest.param("q1", lambda d: {"cosine": lambda u, v: u @ v / np.linalg.norm(u) * np.linalg.norm(v)},
                 "in parentheses", id="q1-precedence"),
    pytest.param("q1", lambda d: {"cosine": lambda u, v: round(float(_COS(u, v)), 2)}, "looks rounded",
                 id="q1-rounded"),
    pytest.param("q1", lambda d: {"cosine": lambda u, v: abs(_COS(u, v))}, "opposite directions", id="q1-abs"),
    pytest.param("q1", lambda d: {"cosine": lambda u, v: u * v / (np.linalg.norm(u) * np.linalg.norm(v))},
                 "one number", id="q1-elementwise"),
    pytest.param("q2", lambda d: {"distances": _distances(d)[:, None]}, "column", id="q2-column"),
    pytest.param("q2", lambda d: {"distances": _distances(d) ** 2}, "*squared*", id="q2-squared"),
    pytest.param("q2", lambda d: {"distances": np.abs(d["X"] - d["X"][QUERY]).sum(axis=1)}, "Manhattan",
                 id="q2-manhattan"),
    pytest.param("q2", lambda d: {"distances": np.linalg.norm(d["X"] - d["X"][QUERY], axis=0)}, "per *pixel*",
                 id="q2-axis0"),
    pytest.param("q2", lambda d: {"distances": np.linalg.norm(d["X"] - d["X"][0], axis=1)}, "to itself must be 0",
                 id="q2-other-query"),
    pytest.param("q2", lambda d: {"distances": float(np.linalg.norm(d["X"] - d["X"][QUERY]))}, "shape (1797,)",
                 id="q2-one-number"),
    pytest.param("q3", lambda d: {"top5": set(_ranked(d)[:5].tolist())}, "no order", id="q3-set"),
    pytest.param("q3", lambda d: {"top5": _ranked(d)[:5][::-1]}, "most similar first", id="q3-reversed"),
    pytest.param("q3", lambda d: {"top5": np.argpartition(-_cosine_scores(d["X"], QUERY), 6)[1:6]},
                 "not most similar first", id="q3-partial-sort"),
    pytest.param("q3", lambda d: {"top5": np.argsort(-_cosine_scores(d["X"], QUERY))[:5]}, "query itself",
                 id="q3-with-query"),
    pytest.param("q3", lambda d: {"top5": np.sort(_cosine_scores(d["X"], QUERY))[-6:-1]}, "similarity values",
                 id="q3-scores"),
    pytest.param("q4", lambda d: {"metric": "cosine", "accuracy": 1 - _accuracy(d)}, "error rate",
                 id="q4-error-rate"),
    pytest.param("q4", lambda d: {"metric": "cosine", "accuracy": round(_accuracy(d) * len(d["X"]))},
                 "a count of digits", id="q4-count"),
    pytest.param("q4", lambda d: {"metric": "cosine", "accuracy": 100 * _accuracy(d)}, "percentage",
                 id="q4-percent"),
    pytest.param("q4", lambda d: {"metric": "euclidean", "accuracy": _farthest_euclidean(d)}, "*farthest*",
                 id="q4-argmax-distance"),
    pytest.param("q4", lambda d: {"metric": "cosine", "accuracy": 1.0}, "found itself", id="q4-self"),
    pytest.param("q4", lambda d: {"metric": "cos", "accuracy": _accuracy(d)}, "should be one of",
                 id="q4-metric-name"),
]


@pytest.mark.parametrize("key, make, words", WRONG)
def test_wrong_answers_are_told_what_is_wrong(digits, key, make, words):
    answers = make(digits)
    result = QUESTIONS[key].evaluate({**digits, **answers})
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message
    if key == "q3":  # never the right indices
        assert not any(str(i) in result.message for i in _ranked(digits)[:5])
    if key == "q4":
        assert f"{_accuracy(digits):.3f}"[:4] not in result.message


RIGHT_FORMS = [
    pytest.param("q1", lambda d: {"cosine": lambda u, v: float(np.dot(u, v) / np.sqrt((u @ u) * (v @ v)))},
                 id="q1-float-of-dots"),
    pytest.param("q1", lambda d: {"cosine": lambda u, v: torch.nn.functional.cosine_similarity(
        torch.as_tensor(u, dtype=torch.float64), torch.as_tensor(v, dtype=torch.float64), dim=0)},
                 id="q1-0d-tensor"),
    pytest.param("q1", lambda d: {"cosine": lambda u, v: 1 - scipy_cosine(u, v)}, id="q1-scipy"),
    pytest.param("q2", lambda d: {"distances": _distances(d).tolist()}, id="q2-list"),
    pytest.param("q2", lambda d: {"distances": _distances(d).astype(np.float32)}, id="q2-float32"),
    pytest.param("q2", lambda d: {"distances": torch.tensor(_distances(d))}, id="q2-tensor"),
    pytest.param("q3", lambda d: {"top5": _ranked(d)[:5].tolist()}, id="q3-list"),
    pytest.param("q3", lambda d: {"top5": tuple(int(i) for i in _ranked(d)[:5])}, id="q3-tuple"),
    pytest.param("q3", lambda d: {"top5": torch.tensor(_ranked(d)[:5])}, id="q3-tensor"),
    pytest.param("q3", lambda d: {"top5": _ranked(d)[:5].astype(float)}, id="q3-float-indices"),
    pytest.param("q3", lambda d: {"top5": np.argsort(-_cosine_scores(d["X"], QUERY), kind="stable")[1:6]},
                 id="q3-skip-first"),
    pytest.param("q4", lambda d: {"metric": "cosine", "accuracy": np.float32(_accuracy(d))}, id="q4-float32"),
    pytest.param("q4", lambda d: {"metric": "cosine", "accuracy": round(_accuracy(d), 3)}, id="q4-printed"),
    pytest.param("q4", lambda d: {"metric": "dot", "accuracy": torch.tensor(_accuracy(d, "dot"))}, id="q4-tensor"),
    pytest.param("q4", lambda d: {"metric": "euclidean", "accuracy": np.array(_accuracy(d, "euclidean"))},
                 id="q4-0d-array"),
]


def scipy_cosine(u, v):
    from scipy.spatial.distance import cosine

    return cosine(u, v)


@pytest.mark.parametrize("key, make", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(digits, key, make):
    result = QUESTIONS[key].evaluate({**digits, **make(digits)})
    assert result.outcome == "correct", result.message


@pytest.mark.parametrize("key, names", [("q1", ["cosine"]), ("q2", ["distances"]), ("q3", ["top5"]),
                                        ("q4", ["metric", "accuracy"])])
def test_blanks_are_not_attempted(digits, key, names):
    assert QUESTIONS[key].evaluate({**digits, **{n: ____ for n in names}}).outcome == "not attempted"
