"""Lesson 00's checks, audited: typical wrong answers are told what is wrong without the
answer, right answers in other forms are accepted, blanks are "not attempted"."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from course_lib.exercises import ____
from course_lib.exercises.lesson00 import q1, q2, q3

SENTENCE = "similar things get nearby vectors"
POINTS = {"cat": [1.0, 1.0], "dog": [1.5, 1.2], "lion": [2.5, 0.5], "car": [6.0, 4.0], "bus": [7.0, 5.5]}
CONTEXT = {"q1": {}, "q2": {"sentence": SENTENCE}, "q3": {"points": POINTS}}
QUESTIONS = {"q1": q1, "q2": q2, "q3": q3}
MEAN = np.mean([len(w) for w in SENTENCE.split()])

# (question, answers, words the message must hold, the right answer it must not show)
WRONG = [
    pytest.param("q1", {"vector": np.array([3.0, 4.0, 12.0])}, "length 1", None, id="q1-not-normalised"),
    pytest.param("q1", {"vector": np.zeros(3)}, "all zeros", None, id="q1-zero-vector"),
    pytest.param("q1", {"vector": np.array([0.6, 0.8])}, "shape (3,)", None, id="q1-two-numbers"),
    pytest.param("q1", {"vector": np.array([3.0, 4.0, 12.0]) / 19}, "length 1", None, id="q1-divided-by-sum"),
    pytest.param("q1", {"vector": np.linalg.norm}, "not called", None, id="q1-function"),
    pytest.param("q2", {"mean_word_length": len(SENTENCE) / 5}, "spaces included", f"{MEAN:.4g}",
                 id="q2-spaces-counted"),
    pytest.param("q2", {"mean_word_length": 5}, "number of words", f"{MEAN:.4g}", id="q2-word-count"),
    pytest.param("q2", {"mean_word_length": sum(len(w) for w in SENTENCE.split())}, "total number of letters",
                 f"{MEAN:.4g}", id="q2-total"),
    pytest.param("q2", {"mean_word_length": sum(len(w) for w in SENTENCE.split()) // 5}, "integer division",
                 f"{MEAN:.4g}", id="q2-floor-division"),
    pytest.param("q2", {"mean_word_length": [len(w) for w in SENTENCE.split()]}, "single number", f"{MEAN:.4g}",
                 id="q2-list-of-lengths"),
    pytest.param("q3", {"nearest": "cat"}, "itself", "'dog'", id="q3-cat-itself"),
    pytest.param("q3", {"nearest": "bus"}, "farthest", "'dog'", id="q3-farthest"),
    pytest.param("q3", {"nearest": "lion"}, "not the closest", "'dog'", id="q3-another-word"),
    pytest.param("q3", {"nearest": 1}, "should be a string, but it is an int", "dog", id="q3-index"),
    pytest.param("q3", {"nearest": np.array([1.5, 1.2])}, "should be a string", "dog", id="q3-vector"),
    pytest.param("q3", {"nearest": ["dog"]}, "the word itself", None, id="q3-list-of-one"),
    pytest.param("q3", {"nearest": "tiger"}, "not one of the words", "dog", id="q3-unknown-word"),
]

RIGHT_FORMS = [
    pytest.param("q1", {"vector": np.array([1.0, 0.0, 0.0])}, id="q1-axis"),
    pytest.param("q1", {"vector": [0.6, 0.8, 0.0]}, id="q1-list"),
    pytest.param("q1", {"vector": np.array([0.6, 0.8, 0.0], dtype=np.float32)}, id="q1-float32"),
    pytest.param("q1", {"vector": torch.tensor([0.0, 0.6, 0.8])}, id="q1-tensor"),
    pytest.param("q2", {"mean_word_length": float(MEAN)}, id="q2-float"),
    pytest.param("q2", {"mean_word_length": np.float64(MEAN)}, id="q2-numpy"),
    pytest.param("q2", {"mean_word_length": np.array(MEAN)}, id="q2-0d-array"),
    pytest.param("q2", {"mean_word_length": torch.tensor(MEAN)}, id="q2-0d-tensor"),
    pytest.param("q2", {"mean_word_length": sum(len(w) for w in SENTENCE.split()) / len(SENTENCE.split())},
                 id="q2-sum-over-count"),
    pytest.param("q3", {"nearest": "dog"}, id="q3-str"),
    pytest.param("q3", {"nearest": np.str_("dog")}, id="q3-numpy-str"),
]

BLANKS = [pytest.param("q1", {"vector": ____}, id="q1"), pytest.param("q2", {"mean_word_length": ____}, id="q2"),
          pytest.param("q3", {"nearest": ____}, id="q3")]


def _evaluate(key, answers):
    return QUESTIONS[key].evaluate({**CONTEXT[key], **answers})


@pytest.mark.parametrize("key, answers, words, answer", WRONG)
def test_wrong_answers_are_told_what_is_wrong(key, answers, words, answer):
    result = _evaluate(key, answers)
    assert result.outcome == "incorrect", result.message
    assert any(re.search(rf"\b{name}\b", result.message) for name in answers), result.message
    assert words in result.message
    if answer is not None:
        assert answer not in result.message


@pytest.mark.parametrize("key, answers", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(key, answers):
    result = _evaluate(key, answers)
    assert result.outcome == "correct", result.message


@pytest.mark.parametrize("key, answers", BLANKS)
def test_blanks_are_not_attempted(key, answers):
    assert _evaluate(key, answers).outcome == "not attempted"
