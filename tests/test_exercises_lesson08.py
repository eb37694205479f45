"""Checks of lesson 08's exercises: right answers pass, typical mistakes get their message."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness

from course_lib.data import load_digits
from course_lib.exercises import ____
from course_lib.exercises.lesson08 import q1, q2, q3, q4

images, _ = load_digits()
X = images[:150].reshape(150, -1).astype(np.float64)
PCA_MAP = PCA(2).fit_transform(X)
RANDOM_MAP = np.random.default_rng(0).normal(size=(150, 2))

# ---------------------------------------------------------------- q1


def _q1(value):
    return q1.evaluate({"explained": value, "X": X})


def test_q1_right_answer_blank_and_mistakes():
    model = PCA(2).fit(X)
    assert _q1(model.explained_variance_ratio_.sum()).outcome == "correct"
    assert _q1(____).outcome == "not attempted"
    assert "add them up" in _q1(model.explained_variance_ratio_).message
    assert "percentage" in _q1(100 * model.explained_variance_ratio_.sum()).message
    assert "a variance rather than a share" in _q1(model.explained_variance_.sum()).message
    assert "only the first axis" in _q1(model.explained_variance_ratio_[0]).message
    assert "`explained`" in _q1(PCA(2).fit(X[:50]).explained_variance_ratio_.sum()).message


# ---------------------------------------------------------------- q2


def _q2(value):
    return q2.evaluate({"trust": value, "X": X, "given_map": PCA_MAP})


def test_q2_right_answer_blank_and_mistakes():
    assert _q2(trustworthiness(X, PCA_MAP, n_neighbors=10)).outcome == "correct"
    assert _q2(____).outcome == "not attempted"
    assert "n_neighbors=10" in _q2(trustworthiness(X, PCA_MAP)).message
    assert "swaps the two arrays" in _q2(trustworthiness(PCA_MAP, X, n_neighbors=10)).message
    result = _q2(trustworthiness(X, RANDOM_MAP, n_neighbors=10))
    assert result.outcome == "incorrect" and "`trust`" in result.message
    assert "between 0 and 1" in _q2(1.5).message


# ---------------------------------------------------------------- q3


def _q3(trust_a, trust_b, better):
    return q3.evaluate({"trust_a": trust_a, "trust_b": trust_b, "better": better, "X": X,
                        "map_a": RANDOM_MAP, "map_b": PCA_MAP})


def test_q3_right_answer_blank_and_mistakes():
    a = trustworthiness(X, RANDOM_MAP, n_neighbors=10)
    b = trustworthiness(X, PCA_MAP, n_neighbors=10)
    assert _q3(a, b, "b").outcome == "correct"
    assert _q3(a, b, "map_b").outcome == "correct"
    assert _q3(a, b, ____).outcome == "not attempted"
    assert "lower trustworthiness" in _q3(a, b, "a").message
    assert "`trust_a`" in _q3(b, b, "b").message
    assert '"a" or "b"' in _q3(a, b, "pca").message
    assert "`trust_b`" in _q3(a, trustworthiness(X, PCA_MAP), "b").message


# ---------------------------------------------------------------- q4


def _q4(coords):
    return q4.evaluate({"coords": coords, "X": X})


def test_q4_right_answer_up_to_sign_and_mistakes():
    centred = X - X.mean(axis=0)
    U, S, Vt = np.linalg.svd(centred, full_matrices=False)
    right = centred @ Vt[:2].T
    assert _q4(right).outcome == "correct"
    assert _q4(right * [-1, 1]).outcome == "correct"
    assert _q4(U[:, :2] * S[:2]).outcome == "correct"
    assert _q4(____).outcome == "not attempted"
    Ur, Sr, _ = np.linalg.svd(X, full_matrices=False)
    assert "centre it first" in _q4(Ur[:, :2] * Sr[:2]).message
    assert "*centred* data" in _q4(X @ Vt[:2].T).message
    assert "length 1" in _q4(U[:, :2]).message
    assert "*columns* of Vt" in _q4(centred @ Vt[:, :2]).message
    assert "shape (150, 2)" in _q4(right.T).message


@pytest.mark.parametrize("question", [q1, q2, q3, q4])
def test_every_question_has_hints_and_a_lesson(question):
    assert question.hints and question.lesson == "08"


# ---------------------------------------------------------------- audit tables
# WRONG: (question, answers, words the message must hold): "incorrect", the variable named,
# the mistake said, the answer never shown. RIGHT_FORMS: right answers in other forms.
# The maps tell mistakes apart: PCA_MAP and RANDOM_MAP differ far more than 5 and 10
# neighbours do, and swapping the embedding and the map changes the score.

import torch  # noqa: E402

CENTRED = X - X.mean(axis=0)
_U, _S, _VT = np.linalg.svd(CENTRED, full_matrices=False)
COORDS = CENTRED @ _VT[:2].T
TRUST_PCA = trustworthiness(X, PCA_MAP, n_neighbors=10)
TRUST_RANDOM = trustworthiness(X, RANDOM_MAP, n_neighbors=10)
EXPLAINED = PCA(2).fit(X).explained_variance_ratio_.sum()


def _evaluate(key, answers):
    context = {"q1": {"X": X}, "q2": {"X": X, "given_map": PCA_MAP},
               "q3": {"X": X, "map_a": RANDOM_MAP, "map_b": PCA_MAP}, "q4": {"X": X}}[key]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}[key].evaluate({**context, **answers})


WRONG = [
    pytest.param("q1", {"explained": PCA(2).fit(X).explained_variance_ratio_}, "add them up", id="q1-two-ratios"),
    pytest.param("q1", {"explained": torch.tensor(PCA(2).fit(X).explained_variance_ratio_)}, "add them up",
                 id="q1-two-ratios-tensor"),
    pytest.param("q1", {"explained": round(100 * EXPLAINED, 1)}, "percentage", id="q1-printed-percentage"),
    pytest.param("q1", {"explained": PCA(2).fit(X).explained_variance_.sum()}, "a variance rather than a share",
                 id="q1-variance"),
    pytest.param("q1", {"explained": PCA(2).fit(X).explained_variance_ratio_[0]}, "only the first axis",
                 id="q1-first-axis"),
    pytest.param("q1", {"explained": np.cumsum(PCA().fit(X).explained_variance_ratio_)}, "single number",
                 id="q1-cumulative"),
    pytest.param("q2", {"trust": trustworthiness(X, PCA_MAP)}, "n_neighbors=10", id="q2-default-k"),
    pytest.param("q2", {"trust": trustworthiness(PCA_MAP, X, n_neighbors=10)}, "swaps the two arrays",
                 id="q2-swapped"),
    pytest.param("q2", {"trust": round(TRUST_PCA, 2) + 0.01}, "not the trustworthiness", id="q2-other"),
    pytest.param("q2", {"trust": trustworthiness}, "not called", id="q2-uncalled"),
    pytest.param("q3", {"trust_a": TRUST_RANDOM, "trust_b": TRUST_PCA, "better": "a"}, "lower trustworthiness",
                 id="q3-wrong-choice"),
    pytest.param("q3", {"trust_a": TRUST_PCA, "trust_b": TRUST_RANDOM, "better": "a"}, "swapped",
                 id="q3-maps-swapped"),
    pytest.param("q3", {"trust_a": trustworthiness(X, RANDOM_MAP), "trust_b": TRUST_PCA, "better": "b"},
                 "not the trustworthiness of `map_a`", id="q3-default-k"),
    pytest.param("q3", {"trust_a": TRUST_RANDOM, "trust_b": TRUST_PCA, "better": PCA_MAP}, "not the map itself",
                 id="q3-the-map"),
    pytest.param("q3", {"trust_a": TRUST_RANDOM, "trust_b": TRUST_PCA, "better": "PCA"}, '"a" or "b"',
                 id="q3-method-name"),
    pytest.param("q4", {"coords": COORDS[:, ::-1]}, "wrong order", id="q4-columns-swapped"),
    pytest.param("q4", {"coords": PCA(2, whiten=True).fit_transform(X)}, "rescaled", id="q4-whitened"),
    pytest.param("q4", {"coords": _U[:, :2]}, "length 1", id="q4-U-only"),
    pytest.param("q4", {"coords": X @ _VT[:2].T}, "*centred* data", id="q4-not-centred"),
    pytest.param("q4", {"coords": CENTRED @ _VT[:, :2]}, "*columns* of Vt", id="q4-columns-of-Vt"),
    pytest.param("q4", {"coords": COORDS.T}, "shape (150, 2)", id="q4-transposed"),
]


@pytest.mark.parametrize("key, answers, words", WRONG)
def test_wrong_answers_are_told_what_is_wrong(key, answers, words):
    result = _evaluate(key, answers)
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message
    for right in (EXPLAINED, TRUST_PCA, TRUST_RANDOM):  # no right value is shown
        assert f"{right:.3f}" not in result.message and f"{right:.4g}" not in result.message, result.message


RIGHT_FORMS = [
    pytest.param("q1", {"explained": np.float32(EXPLAINED)}, id="q1-float32"),
    pytest.param("q1", {"explained": torch.tensor(EXPLAINED)}, id="q1-0d-tensor"),
    pytest.param("q1", {"explained": round(EXPLAINED, 3)}, id="q1-as-printed"),
    pytest.param("q1", {"explained": float(np.sum(PCA().fit(X).explained_variance_ratio_[:2]))}, id="q1-full-pca"),
    pytest.param("q2", {"trust": np.float32(TRUST_PCA)}, id="q2-float32"),
    pytest.param("q2", {"trust": round(TRUST_PCA, 3)}, id="q2-as-printed"),
    pytest.param("q2", {"trust": np.array([TRUST_PCA])}, id="q2-one-element-array"),
    pytest.param("q3", {"trust_a": np.float64(TRUST_RANDOM), "trust_b": torch.tensor(TRUST_PCA), "better": "B"},
                 id="q3-numpy-tensor-capital"),
    pytest.param("q3", {"trust_a": round(TRUST_RANDOM, 3), "trust_b": round(TRUST_PCA, 3), "better": " map_b "},
                 id="q3-as-printed-map_b"),
    pytest.param("q4", {"coords": torch.tensor(COORDS)}, id="q4-tensor"),
    pytest.param("q4", {"coords": (COORDS * [1, -1]).astype(np.float32)}, id="q4-float32-flipped"),
    pytest.param("q4", {"coords": (_U[:, :2] * _S[:2]).tolist()}, id="q4-list-from-U-S"),
    pytest.param("q4", {"coords": PCA(2, svd_solver="full").fit_transform(X)}, id="q4-sklearn"),
]


@pytest.mark.parametrize("key, answers", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(key, answers):
    result = _evaluate(key, answers)
    assert result.outcome == "correct", result.message


@pytest.mark.parametrize("key, answers", [("q1", {"explained": None}), ("q2", {"trust": None}),
                                          ("q3", {"trust_a": None, "trust_b": 0.5, "better": "a"}),
                                          ("q4", {"coords": None})])
def test_a_value_that_breaks_the_check_is_reported_as_incorrect(unconvertible, key, answers):
    name = next(iter(answers))
    result = _evaluate(key, {**answers, name: unconvertible})
    assert result.outcome == "incorrect" and f"`{name}`" in result.message, result.message
