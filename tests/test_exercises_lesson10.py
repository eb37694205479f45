"""Lesson 10's checks: right answers pass, typical mistakes get their own message, blanks are
"not attempted", and no message gives the answer away."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from torch import nn

from course_lib.use.classify import bag_of_words_pipeline
from course_lib.data import load_digits, load_polarity
from course_lib.exercises import ____
from course_lib.exercises.lesson10 import q1, q2, q3, q4


def _outcome(question, namespace):
    result = question.evaluate(namespace)
    return result.outcome, result.message


# ---------------------------------------------------------------------------- q1


@pytest.fixture(scope="module")
def polarity():
    sentences, labels = load_polarity()
    return {"sentences": sentences, "labels": labels, "pipeline": bag_of_words_pipeline("tfidf")}


def _cv(data, cv):
    return cross_val_score(data["pipeline"], data["sentences"], data["labels"], cv=cv)


def test_q1_right_answer_passes_and_reports_the_fold_range(polarity):
    right = _cv(polarity, StratifiedKFold(5, shuffle=True, random_state=0)).mean()
    outcome, message = _outcome(q1, {**polarity, "cv_accuracy": right})
    assert outcome == "correct" and "ranged from" in message
    assert _outcome(q1, {**polarity, "cv_accuracy": np.float64(right)})[0] == "correct"


def test_q1_other_stratified_shuffles_are_accepted(polarity):
    for cv in (StratifiedKFold(5, shuffle=True, random_state=3), StratifiedKFold(5)):
        outcome, message = _outcome(q1, {**polarity, "cv_accuracy": _cv(polarity, cv).mean()})
        assert outcome == "correct", message


@pytest.mark.parametrize(
    "mistake, words",
    [
        ("training", "the sentences the model was trained on"),
        ("kfold", "plain KFold without shuffling"),
        ("percent", "not a percentage"),
        ("folds", "one per fold; give their mean"),
        ("std", "spread (standard deviation)"),
        ("tiny", "far below the 0.5 of guessing"),
        ("wrong", "not what stratified 5-fold cross-validation"),
    ],
)
def test_q1_typical_mistakes(polarity, mistake, words):
    right = _cv(polarity, StratifiedKFold(5, shuffle=True, random_state=0))
    if mistake == "training":
        model = polarity["pipeline"].fit(polarity["sentences"], polarity["labels"])
        value = model.score(polarity["sentences"], polarity["labels"])
    elif mistake == "kfold":
        value = _cv(polarity, KFold(5)).mean()
    elif mistake == "percent":
        value = 100 * right.mean()
    elif mistake == "folds":
        value = right
    elif mistake == "std":
        value = right.std()
    elif mistake == "tiny":
        value = 0.1
    else:
        value = 0.95
    outcome, message = _outcome(q1, {**polarity, "cv_accuracy": value})
    assert outcome == "incorrect" and words in message
    assert f"{right.mean():.3f}" not in message  # never the answer


def test_q1_blank_and_missing(polarity):
    assert _outcome(q1, {**polarity, "cv_accuracy": ____})[0] == "not attempted"
    assert _outcome(q1, {"cv_accuracy": 0.5})[0] == "not attempted"


# ---------------------------------------------------------------------------- q2


def right_average(tokens, vectors):
    known = [vectors[w] for w in tokens if w in vectors]
    return np.mean(known, axis=0) if known else np.zeros(vectors.vector_size)


def test_q2_right_answers_pass():
    assert _outcome(q2, {"average_vector": right_average})[0] == "correct"

    def with_a_loop(tokens, vectors):
        total, count = np.zeros(vectors.vector_size), 0
        for word in tokens:
            if word in vectors:
                total += vectors[word]
                count += 1
        return total / max(count, 1)

    assert _outcome(q2, {"average_vector": with_a_loop})[0] == "correct"


def test_q2_blank_function_is_not_attempted():
    def average_vector(tokens, vectors):
        """Stub."""
        return ____

    outcome, message = _outcome(q2, {"average_vector": average_vector})
    assert outcome == "not attempted" and "still returns ____" in message
    assert _outcome(q2, {"average_vector": ____})[0] == "not attempted"


def _zeros_for_unknown(tokens, vectors):
    return np.mean([vectors[w] if w in vectors else np.zeros(vectors.vector_size) for w in tokens], axis=0) \
        if tokens else np.zeros(vectors.vector_size)


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda t, v: np.sum([v[w] for w in t if w in v], axis=0) if any(w in v for w in t)
         else np.zeros(v.vector_size), "*sum* of the vectors"),
        (_zeros_for_unknown, "counts the unknown word 'xyzzy' as a zero vector"),
        (lambda t, v: right_average(list(dict.fromkeys(t)), v), "appears twice"),
        (lambda t, v: np.mean([v[w] for w in t if w in v], axis=0), "returned NaN"),
        (lambda t, v: np.mean([v[w] for w in t], axis=0), "raised KeyError"),
        (lambda t, v: np.array([v[w] for w in t if w in v]), "shape"),
        (lambda t, v: right_average(t, v) if any(w in v for w in t) else np.array([]), "empty array"),
        (lambda t, v: right_average(t, v) if any(w in v for w in t) else np.ones(v.vector_size),
         "should be all zeros"),
        (lambda t, v: "a vector", "array of numbers"),
    ],
)
def test_q2_typical_mistakes(wrong, words):
    import warnings

    with warnings.catch_warnings():  # the NaN mistake warns about an empty mean
        warnings.simplefilter("ignore", RuntimeWarning)
        outcome, message = _outcome(q2, {"average_vector": wrong})
    assert outcome == "incorrect", message
    assert words in message
    assert "`average_vector(" in message


# ---------------------------------------------------------------------------- q3


@pytest.fixture(scope="module")
def sevens():
    _, labels = load_digits()
    return labels == 7


def test_q3_right_answers_pass(sevens):
    for value in (max(sevens.mean(), 1 - sevens.mean()), float(np.mean(~sevens)), np.mean(sevens == False)):  # noqa: E712
        assert _outcome(q3, {"is_seven": sevens, "majority_accuracy": value})[0] == "correct"


@pytest.mark.parametrize(
    "how, words",
    [
        (lambda y: y.mean(), "share of the *rarer* class"),
        (lambda y: float((~y).sum()), "a count of images"),
        (lambda y: 100 * (~y).mean(), "percentage"),
        (lambda y: 0.5, "chance level of a *balanced*"),
        (lambda y: 0.8, "not the accuracy of always predicting"),
        (lambda y: "0.9", "single number"),
    ],
)
def test_q3_typical_mistakes(sevens, how, words):
    outcome, message = _outcome(q3, {"is_seven": sevens, "majority_accuracy": how(sevens)})
    assert outcome == "incorrect" and words in message
    assert f"{(~sevens).mean():.3f}" not in message and f"{(~sevens).mean():.4g}" not in message


# ---------------------------------------------------------------------------- q4


@pytest.fixture(scope="module")
def gru_context():
    torch.manual_seed(0)
    return {"gru": nn.GRU(input_size=8, hidden_size=5, batch_first=True), "batch": torch.randn(3, 7, 8)}


def test_q4_right_answers_pass(gru_context):
    ns = {**gru_context, "output_shape": (3, 7, 5), "hidden_shape": (1, 3, 5)}
    assert _outcome(q4, ns)[0] == "correct"
    ns = {**gru_context, "output_shape": [3, 7, 5], "hidden_shape": torch.Size([1, 3, 5])}
    assert _outcome(q4, ns)[0] == "correct"


@pytest.mark.parametrize(
    "output_shape, hidden_shape, words",
    [
        ((1, 3, 5), (3, 7, 5), "swapped"),
        ((7, 3, 5), (1, 3, 5), "puts time first"),
        ((3, 7, 8), (1, 3, 5), "size of the input vectors"),
        ((3, 5), (1, 3, 5), "has two dimensions"),
        ((3, 7, 5), (3, 5), "leaves out the first dimension"),
        ((3, 7, 5), (3, 1, 5), "always (layers, batch, hidden)"),
        ((3, 7, 5), (1, 7, 5), "only the *last* hidden state"),
        ((3, 7, 5), (2, 3, 5), "not the shape of the GRU's last hidden state"),
        ("3, 7, 5", (1, 3, 5), "tuple of integers"),
        (torch.zeros(3, 7, 5), (1, 3, 5), "give its shape as a tuple"),
    ],
)
def test_q4_typical_mistakes(gru_context, output_shape, hidden_shape, words):
    ns = {**gru_context, "output_shape": output_shape, "hidden_shape": hidden_shape}
    outcome, message = _outcome(q4, ns)
    assert outcome == "incorrect" and words in message


def test_q4_blanks(gru_context):
    ns = {**gru_context, "output_shape": ____, "hidden_shape": (1, 3, 5)}
    outcome, message = _outcome(q4, ns)
    assert outcome == "not attempted" and "`output_shape`" in message


# ---------------------------------------------------------------------------- audit tables
# WRONG: typical wrong answers, each told what is wrong, the variable named, the answer never shown.
# RIGHT_FORMS: right answers in other forms than the worked solution, each accepted.


def _right_cv(data):
    return _cv(data, StratifiedKFold(5, shuffle=True, random_state=0))


Q1_WRONG = [
    pytest.param(lambda d: 1 - _right_cv(d).mean(), "*wrong* (the error rate)", id="error-rate"),
    pytest.param(lambda d: _right_cv(d).mean, "not called", id="uncalled-mean"),
    pytest.param(lambda d: torch.tensor(_right_cv(d)), "one per fold", id="fold-tensor"),
    pytest.param(lambda d: list(_right_cv(d)), "one per fold", id="fold-list"),
    pytest.param(lambda d: str(round(_right_cv(d).mean(), 3)), "single number", id="string"),
]


@pytest.mark.parametrize("make, words", Q1_WRONG)
def test_q1_wrong_answers_are_told_what_is_wrong(polarity, make, words):
    right = _right_cv(polarity).mean()
    outcome, message = _outcome(q1, {**polarity, "cv_accuracy": make(polarity)})
    assert outcome == "incorrect", message
    assert "`cv_accuracy`" in message and words in message, message
    assert f"{right:.3f}" not in message and f"{right:.4g}" not in message


Q1_RIGHT_FORMS = [
    pytest.param(lambda d: np.float32(_right_cv(d).mean()), id="float32"),
    pytest.param(lambda d: torch.tensor(_right_cv(d).mean()), id="0-d-tensor"),
    pytest.param(lambda d: np.array(_right_cv(d).mean()), id="0-d-array"),
    pytest.param(lambda d: round(float(_right_cv(d).mean()), 3), id="printed-3-decimals"),
    pytest.param(lambda d: __import__("course_lib.use.classify", fromlist=["x"]).cross_validated_accuracy(
        d["sentences"], d["labels"], d["pipeline"], repeats=1), id="cross_validated_accuracy-result"),
]


@pytest.mark.parametrize("make", Q1_RIGHT_FORMS)
def test_q1_right_answers_in_other_forms_are_accepted(polarity, make):
    outcome, message = _outcome(q1, {**polarity, "cv_accuracy": make(polarity)})
    assert outcome == "correct", message
    assert "differ from" not in message  # the asked-for folds, recognised as such


def _unit_mean(tokens, vectors):
    mean = right_average(tokens, vectors)
    return mean / np.linalg.norm(mean) if mean.any() else mean


Q2_RIGHT_FORMS = [
    pytest.param(lambda t, v: right_average(t, v).tolist(), id="list"),
    pytest.param(lambda t, v: torch.tensor(right_average(t, v)), id="tensor"),
    pytest.param(lambda t, v: right_average(t, v).astype(np.float32), id="float32"),
    pytest.param(lambda t, v: np.average([v[w] for w in t if w in v], axis=0) if any(w in v for w in t)
                 else np.zeros(v.vector_size), id="np.average"),
    pytest.param(lambda t, v: sum((v[w] for w in t if w in v), np.zeros(v.vector_size)) / max(1, sum(w in v for w in t)),
                 id="generator-sum"),
]


@pytest.mark.parametrize("func", Q2_RIGHT_FORMS)
def test_q2_right_answers_in_other_forms_are_accepted(func):
    outcome, message = _outcome(q2, {"average_vector": func})
    assert outcome == "correct", message


def test_q2_a_learners_exception_names_the_call_and_the_error():
    def average_vector(tokens, vectors):
        return np.mean([vectors[w] for w in tokens], axis=0)  # unknown words raise KeyError

    outcome, message = _outcome(q2, {"average_vector": average_vector})
    assert outcome == "incorrect"
    assert "`average_vector(['good', 'xyzzy'], vectors)`" in message and "KeyError" in message


def test_q2_a_unit_length_mean_is_not_the_mean():
    outcome, message = _outcome(q2, {"average_vector": _unit_mean})
    assert outcome == "incorrect" and "not the mean of the known words" in message


Q3_RIGHT_FORMS = [
    pytest.param(lambda y: round(float((~y).mean()), 3), id="printed-3-decimals"),
    pytest.param(lambda y: np.float32((~y).mean()), id="float32"),
    pytest.param(lambda y: torch.tensor((~y).mean()), id="0-d-tensor"),
    pytest.param(lambda y: 1 - y.mean(), id="one-minus-share"),
    pytest.param(lambda y: __import__("sklearn.dummy", fromlist=["x"]).DummyClassifier(strategy="most_frequent")
                 .fit(np.zeros((len(y), 1)), y).score(np.zeros((len(y), 1)), y), id="DummyClassifier-score"),
]


@pytest.mark.parametrize("make", Q3_RIGHT_FORMS)
def test_q3_right_answers_in_other_forms_are_accepted(sevens, make):
    outcome, message = _outcome(q3, {"is_seven": sevens, "majority_accuracy": make(sevens)})
    assert outcome == "correct", message


Q4_RIGHT_FORMS = [
    pytest.param(torch.Size([3, 7, 5]), torch.Size([1, 3, 5]), id="torch.Size"),
    pytest.param((np.int64(3), np.int64(7), np.int64(5)), (np.int64(1), np.int64(3), np.int64(5)), id="numpy-ints"),
    pytest.param([3, 7, 5], [1, 3, 5], id="lists"),
]


@pytest.mark.parametrize("output_shape, hidden_shape", Q4_RIGHT_FORMS)
def test_q4_right_answers_in_other_forms_are_accepted(gru_context, output_shape, hidden_shape):
    ns = {**gru_context, "output_shape": output_shape, "hidden_shape": hidden_shape}
    outcome, message = _outcome(q4, ns)
    assert outcome == "correct", message
