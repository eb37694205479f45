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
