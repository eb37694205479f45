"""Lesson 01's checks: right answers pass, typical mistakes get their own message, blanks are
"not attempted", and no message gives the answer away."""
from __future__ import annotations

import numpy as np
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
        (lambda right, scores: right.astype(float), "integer indices"),
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
