"""Checks of lesson 16's exercises: right answers in every form pass, typical mistakes get their message."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.exercises import ____
from course_lib.exercises.lesson16 import q1, q2, q3, q4

# Vectors that are neither unit length nor symmetric in any way, so each mistake gives another matrix.
RNG = np.random.default_rng(3)
IMAGES = RNG.normal(size=(4, 3)) * [1.0, 2.0, 0.5] + 0.3
TEXTS = RNG.normal(size=(4, 3)) * [0.5, 1.0, 3.0] - 0.2
TAU = 0.1
UI = IMAGES / np.linalg.norm(IMAGES, axis=1, keepdims=True)
UT = TEXTS / np.linalg.norm(TEXTS, axis=1, keepdims=True)
LOGITS = UI @ UT.T / TAU
CONTEXT = {"image_vectors": IMAGES, "text_vectors": TEXTS, "temperature": TAU}


def test_data_tells_the_mistakes_apart():
    assert not np.allclose(LOGITS, LOGITS.T)
    assert not np.allclose(np.linalg.norm(IMAGES, axis=1), 1) and not np.allclose(np.linalg.norm(TEXTS, axis=1), 1)


# ---------------------------------------------------------------- q1


def _q1(value):
    return q1.evaluate({"logits": value, **CONTEXT})


def _torch_logits():
    return F.normalize(torch.tensor(IMAGES), dim=1) @ F.normalize(torch.tensor(TEXTS), dim=1).T / TAU


@pytest.mark.parametrize("answer", [LOGITS, LOGITS.tolist(), _torch_logits(), _torch_logits().requires_grad_(),
                                    LOGITS.astype(np.float32), _torch_logits().float()],
                         ids=["array", "list", "tensor", "tensor-with-grad", "float32", "tensor-float32"])
def test_q1_right_answers(answer):
    assert _q1(answer).outcome == "correct", _q1(answer).message


Q1_MISTAKES = [
    ("transposed", LOGITS.T, "transpose"),
    ("unnormalised", IMAGES @ TEXTS.T / TAU, "full length"),
    ("images only normalised", UI @ TEXTS.T / TAU, "only the picture vectors"),
    ("texts only normalised", IMAGES @ UT.T / TAU, "only the caption vectors"),
    ("no temperature", UI @ UT.T, "divide them by the temperature"),
    ("times temperature", UI @ UT.T * TAU, "multiplies by the temperature"),
    ("plain dot product", IMAGES @ TEXTS.T, "plain dot product"),
    ("wrong shape", LOGITS[:, :3], "shape"),
    ("one entry off", LOGITS + np.diag([0.5, 0, 0, 0]), "not the right values"),
]


@pytest.mark.parametrize("name,answer,expected", Q1_MISTAKES, ids=[m[0] for m in Q1_MISTAKES])
def test_q1_typical_mistakes(name, answer, expected):
    result = _q1(answer)
    assert result.outcome == "incorrect" and expected in result.message and "`logits`" in result.message, \
        result.message
    assert f"{LOGITS[0, 0]:.3f}" not in result.message


def test_q1_blank_and_nonsense():
    assert _q1(____).outcome == "not attempted"
    assert _q1("logits").outcome == "incorrect"
    assert _q1(np.full((4, 4), np.nan)).outcome == "incorrect"


# ---------------------------------------------------------------- q2


def _lse(x, axis):
    return np.log(np.exp(x).sum(axis=axis))


ROWS = float(np.mean(_lse(LOGITS, 1) - np.diag(LOGITS)))
COLUMNS = float(np.mean(_lse(LOGITS, 0) - np.diag(LOGITS)))
LOSS = (ROWS + COLUMNS) / 2
TARGETS = torch.arange(4)


def _q2(value):
    return q2.evaluate({"loss": value, **CONTEXT})


def test_q2_reference_is_torch_cross_entropy():
    S = _torch_logits()
    assert np.isclose(LOSS, float((F.cross_entropy(S, TARGETS) + F.cross_entropy(S.T, TARGETS)) / 2))
    assert not np.isclose(ROWS, COLUMNS)


@pytest.mark.parametrize("answer", [LOSS, np.float32(LOSS), torch.tensor(LOSS), torch.tensor(LOSS).float(),
                                    np.array(LOSS), (F.cross_entropy(_torch_logits().requires_grad_(), TARGETS)
                                                     + F.cross_entropy(_torch_logits().T, TARGETS)) / 2],
                         ids=["float", "numpy-float32", "tensor", "tensor-float32", "0-d array", "tensor-with-grad"])
def test_q2_right_answers(answer):
    assert _q2(answer).outcome == "correct", _q2(answer).message


def _sym(S):
    return float(np.mean(_lse(S, 1) - np.diag(S)) + np.mean(_lse(S, 0) - np.diag(S))) / 2


Q2_MISTAKES = [
    ("rows only", ROWS, "only one direction, pictures choosing captions"),
    ("columns only", COLUMNS, "only one direction, captions choosing pictures"),
    ("sum of both", 2 * LOSS, "averages them"),
    ("sum over batch", 4 * LOSS, "sums over the batch"),
    ("no minus sign", -LOSS, "minus sign"),
    ("no temperature", _sym(UI @ UT.T), "divide them by the temperature"),
    ("unnormalised", _sym(IMAGES @ TEXTS.T / TAU), "full length"),
    ("whole-matrix softmax", float(np.mean(_lse(LOGITS.ravel(), 0) - np.diag(LOGITS))), "whole matrix"),
    ("something else", LOSS + 0.3, "not the symmetric InfoNCE"),
    ("a list", [ROWS, COLUMNS], "one number"),
]


@pytest.mark.parametrize("name,answer,expected", Q2_MISTAKES, ids=[m[0] for m in Q2_MISTAKES])
def test_q2_typical_mistakes(name, answer, expected):
    result = _q2(answer)
    assert result.outcome == "incorrect" and expected in result.message and "`loss`" in result.message, \
        result.message
    assert f"{LOSS:.3f}" not in result.message


def test_q2_blank():
    assert _q2(____).outcome == "not attempted"


# ---------------------------------------------------------------- q3

# 6 pictures, 3 classes, 2 prompts each. Class 1's two prompts disagree (a short mean), so
# forgetting to rescale the mean, or using one prompt, changes some predictions.
Q3_RNG = np.random.default_rng(5)
PROMPTS = Q3_RNG.normal(size=(3, 2, 4))
PROMPTS[1, 1] = -PROMPTS[1, 0] + 0.4 * Q3_RNG.normal(size=4)
PROMPTS /= np.linalg.norm(PROMPTS, axis=-1, keepdims=True)
EMB = Q3_RNG.normal(size=(12, 4))
EMB /= np.linalg.norm(EMB, axis=1, keepdims=True)
CLASS = PROMPTS.mean(axis=1) / np.linalg.norm(PROMPTS.mean(axis=1), axis=1, keepdims=True)
SCORES = EMB @ CLASS.T
PRED = SCORES.argmax(axis=1)
FIRST = (EMB @ PROMPTS[:, 0].T).argmax(axis=1)
NO_RESCALE = (EMB @ PROMPTS.mean(axis=1).T).argmax(axis=1)


def _q3(value):
    return q3.evaluate({"predictions": value, "image_embeddings": EMB, "prompt_embeddings": PROMPTS})


def test_q3_data_tells_the_mistakes_apart():
    assert len({tuple(PRED), tuple(FIRST), tuple(NO_RESCALE), tuple(SCORES.argmin(axis=1))}) == 4


@pytest.mark.parametrize("answer", [PRED, PRED.tolist(), torch.tensor(PRED), PRED.astype(np.int32),
                                    PRED.astype(float), tuple(PRED.tolist())],
                         ids=["array", "list", "tensor", "int32", "floats", "tuple"])
def test_q3_right_answers(answer):
    assert _q3(answer).outcome == "correct", _q3(answer).message


Q3_MISTAKES = [
    ("first prompt only", FIRST, "only the first prompt"),
    ("mean not rescaled", NO_RESCALE, "unit length"),
    ("argmin", SCORES.argmin(axis=1), "least similar"),
    ("scores, not classes", SCORES, "scores of every class"),
    ("wrong shape", PRED[:5], "shape"),
    ("decimals", PRED + 0.5, "decimals"),
    ("one off", np.where(np.arange(12) == 0, (PRED + 1) % 3, PRED), "1 of the 12 entries"),
]


@pytest.mark.parametrize("name,answer,expected", Q3_MISTAKES, ids=[m[0] for m in Q3_MISTAKES])
def test_q3_typical_mistakes(name, answer, expected):
    result = _q3(answer)
    assert result.outcome == "incorrect" and expected in result.message and "`predictions`" in result.message, \
        result.message


def test_q3_blank():
    assert _q3(____).outcome == "not attempted"


# ---------------------------------------------------------------- q4

# 4 queries (digits 0, 1, 2, 0) against 9 pictures, 3 of each digit; k = 2 differs from
# the 3 relevant pictures, so recall, precision and hit rate all differ.
Q4_RNG = np.random.default_rng(7)
QUERY_LABELS = np.array([0, 1, 2, 0])
GALLERY_LABELS = np.array([0, 1, 2] * 3)
SIM = Q4_RNG.normal(size=(4, 9)) + 0.8 * (QUERY_LABELS[:, None] == GALLERY_LABELS[None, :])
K = 2
REL = QUERY_LABELS[:, None] == GALLERY_LABELS[None, :]
TOP = np.argsort(-SIM, axis=1)[:, :K]
HITS = np.take_along_axis(REL, TOP, axis=1).sum(axis=1)
RECALL = float(np.mean(HITS / 3))


def _q4(value, **context):
    namespace = {"recall_at_k": value, "similarity": SIM, "query_labels": QUERY_LABELS,
                 "gallery_labels": GALLERY_LABELS, "k": K}
    namespace.update(context)
    return q4.evaluate(namespace)


def test_q4_agrees_with_the_course_retrieval_metrics():
    from course_lib.use.retrieval import evaluate

    qrels = [set(np.flatnonzero(GALLERY_LABELS == d).tolist()) for d in QUERY_LABELS]
    assert np.isclose(evaluate(np.argsort(-SIM, axis=1), qrels, k=K)[f"recall@{K}"].mean(), RECALL)


@pytest.mark.parametrize("answer", [RECALL, np.float32(RECALL), torch.tensor(RECALL), np.array(RECALL)],
                         ids=["float", "numpy-float32", "tensor", "0-d array"])
def test_q4_right_answers(answer):
    assert _q4(answer).outcome == "correct"
    assert _q4(answer, similarity=torch.tensor(SIM), query_labels=QUERY_LABELS.tolist()).outcome == "correct"


WORST = np.argsort(SIM, axis=1)[:, :K]
BY_COLUMN = np.argsort(-SIM.T, axis=1)[:, :K]
Q4_MISTAKES = [
    ("precision", float(np.mean(HITS / K)), "precision@k"),
    ("hit rate", float(np.mean(HITS > 0)), "hit rate"),
    ("worst first", float(np.mean(np.take_along_axis(REL, WORST, axis=1).sum(axis=1) / 3)), "least similar"),
    ("by columns", float(np.mean(np.take_along_axis(REL.T, BY_COLUMN, axis=1).sum(axis=1)
                                 / REL.T.sum(axis=1))), "image-to-text"),
    ("percentage", 100 * RECALL, "percentage"),
    ("missed", 1 - RECALL, "missed"),
    ("per query", HITS / 3, "one recall per query"),
    ("out of range", 1.7, "outside the range"),
]


def test_q4_data_tells_the_mistakes_apart():
    values = [RECALL] + [m[1] for m in Q4_MISTAKES[:6]]
    assert len({round(v, 9) for v in values}) == len(values)


@pytest.mark.parametrize("name,answer,expected", Q4_MISTAKES, ids=[m[0] for m in Q4_MISTAKES])
def test_q4_typical_mistakes(name, answer, expected):
    result = _q4(answer)
    assert result.outcome == "incorrect" and expected in result.message and "`recall_at_k`" in result.message, \
        result.message
    assert f"{RECALL:.3f}" not in result.message


def test_q4_blank():
    assert _q4(____).outcome == "not attempted"


# ---------------------------------------------------------------- a learner's code that fails


class _Exploding:
    """An answer whose conversion raises, as a learner's odd object might."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("boom")


@pytest.mark.parametrize("question,name", [(q1, "logits"), (q2, "loss"), (q3, "predictions"), (q4, "recall_at_k")])
def test_an_exception_inside_a_check_is_reported_not_raised(question, name):
    context = {"image_vectors": IMAGES, "text_vectors": TEXTS, "temperature": TAU, "image_embeddings": EMB,
               "prompt_embeddings": PROMPTS, "similarity": SIM, "query_labels": QUERY_LABELS,
               "gallery_labels": GALLERY_LABELS, "k": K}
    result = question.evaluate({name: _Exploding(), **context})
    assert result.outcome == "incorrect" and name in result.message, result.message
