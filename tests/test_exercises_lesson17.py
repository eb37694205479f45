"""Checks of lesson 17's exercises: right answers in every form pass, typical mistakes get their message."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import torch

from course_lib.exercises import ____
from course_lib.exercises.lesson17 import q1, q2, q3, q4

TOY = nx.Graph([("dan", "ava"), ("ava", "bo"), ("bo", "cy"), ("cy", "dan"), ("bo", "dan"), ("cy", "eve")])
A = nx.to_numpy_array(TOY, nodelist=list(TOY.nodes))
N = len(A)
A_TILDE = A + np.eye(N)
D = A_TILDE.sum(axis=1)
A_HAT = A_TILDE / np.sqrt(np.outer(D, D))


def _q1(value):
    return q1.evaluate({"A_hat": value, "toy_graph": TOY})


@pytest.mark.parametrize("answer", [A_HAT, A_HAT.tolist(), torch.tensor(A_HAT), torch.tensor(A_HAT).to_sparse(),
                                    sp.csr_matrix(A_HAT), A_HAT.astype(np.float32)],
                         ids=["array", "list", "tensor", "torch-sparse", "scipy-sparse", "float32"])
def test_q1_right_answers(answer):
    assert _q1(answer).outcome == "correct"


def _sorted_a_hat():
    order = sorted(TOY.nodes)
    B = nx.to_numpy_array(TOY, nodelist=order) + np.eye(N)
    d = B.sum(axis=1)
    return B / np.sqrt(np.outer(d, d))


Q1_MISTAKES = [
    ("no self-loops", A / np.sqrt(np.outer(A.sum(1), A.sum(1))), "self-loops"),
    ("row-normalised", A_TILDE / D[:, None], "square root"),
    ("both degrees", A_TILDE / np.outer(D, D), "square root of their product"),
    ("degrees of A", A_TILDE / np.sqrt(np.outer(A.sum(1), A.sum(1))), "degrees of A + I"),
    ("unnormalised", A_TILDE, "not yet normalised"),
    ("plain adjacency", A, "plain adjacency"),
    ("sorted rows", _sorted_a_hat(), "sorted order"),
    ("wrong shape", A_HAT[:3, :3], "shape"),
    ("one entry off", A_HAT + np.diag([0.1, 0, 0, 0, 0]), "1 of the 25 entries"),
]


@pytest.mark.parametrize("name,answer,expected", Q1_MISTAKES, ids=[m[0] for m in Q1_MISTAKES])
def test_q1_typical_mistakes(name, answer, expected):
    result = _q1(answer)
    assert result.outcome == "incorrect" and expected in result.message, result.message


def test_q1_blank_and_nonsense():
    assert _q1(____).outcome == "not attempted"
    assert _q1("A_hat").outcome == "incorrect"
    assert _q1(np.full((N, N), np.nan)).outcome == "incorrect"


# ---------------------------------------------------------------- q2

RNG = np.random.default_rng(0)
X = np.round(RNG.normal(size=(5, 3)), 2)
W = np.round(RNG.normal(size=(3, 2)), 2)
PRE = A_HAT @ X @ W
H1 = np.maximum(PRE, 0)


def _q2(value):
    return q2.evaluate({"H1": value, "A_hat_toy": A_HAT, "X": X, "W": W})


@pytest.mark.parametrize("answer", [H1, H1.tolist(), torch.relu(torch.tensor(A_HAT) @ torch.tensor(X) @ torch.tensor(W)),
                                    torch.tensor(H1, requires_grad=True), H1.astype(np.float32)],
                         ids=["array", "list", "tensor", "tensor-with-grad", "float32"])
def test_q2_right_answers(answer):
    assert _q2(answer).outcome == "correct"


Q2_MISTAKES = [
    ("no relu", PRE, "ReLU"),
    ("no averaging", np.maximum(X @ W, 0), "never averages"),
    ("plain adjacency", np.maximum(A @ X @ W, 0), "plain adjacency"),
    ("unnormalised", np.maximum(A_TILDE @ X @ W, 0), "without the normalisation"),
    ("tanh", np.tanh(PRE), "tanh"),
    ("relu first", A_HAT @ np.maximum(X @ W, 0), "before averaging"),
    ("transposed", H1.T, "transpose"),
    ("wrong shape", H1[:, :1], "shape"),
]


@pytest.mark.parametrize("name,answer,expected", Q2_MISTAKES, ids=[m[0] for m in Q2_MISTAKES])
def test_q2_typical_mistakes(name, answer, expected):
    result = _q2(answer)
    assert result.outcome == "incorrect" and expected in result.message, result.message


def test_q2_blank():
    assert _q2(____).outcome == "not attempted"


# ---------------------------------------------------------------- q3

GRAPH = nx.les_miserables_graph()


def _q3(func):
    return q3.evaluate({"sample_neighbours": func, "sample_graph": GRAPH})


def _right(graph, node, k, rng):
    neighbours = list(graph.neighbors(node))
    if len(neighbours) <= k:
        return neighbours
    return list(rng.choice(neighbours, size=k, replace=False))


@pytest.mark.parametrize("func", [
    _right,
    lambda g, v, k, rng: tuple(_right(g, v, k, rng)),
    lambda g, v, k, rng: np.array(_right(g, v, k, rng)),
    lambda g, v, k, rng: set(_right(g, v, k, rng)),
    lambda g, v, k, rng: [list(g.neighbors(v))[i] for i in rng.permutation(g.degree(v))[:k]],
], ids=["list", "tuple", "array", "set", "permutation"])
def test_q3_right_answers(func):
    assert _q3(func).outcome == "correct", _q3(func).message


def _first_k(g, v, k, rng):
    return list(g.neighbors(v))[:k]


Q3_MISTAKES = [
    ("with replacement", lambda g, v, k, rng: list(rng.choice(list(g.neighbors(v)), size=k, replace=True)),
     "same neighbour twice"),
    ("all neighbours", lambda g, v, k, rng: list(g.neighbors(v)), "at most k"),
    ("includes itself", lambda g, v, k, rng: [v] + _right(g, v, k - 1, rng), "node itself"),
    ("strangers", lambda g, v, k, rng: list(rng.choice(list(g.nodes), size=k, replace=False)), "not a neighbour"),
    ("always first k", _first_k, "whatever `rng` is"),
    ("too few", lambda g, v, k, rng: _right(g, v, k, rng)[:1] if k > 1 else _right(g, v, k, rng), "returns 1"),
    ("crashes", lambda g, v, k, rng: 1 / 0, "ZeroDivisionError"),
    ("returns a number", lambda g, v, k, rng: 3, "list of nodes"),
]


@pytest.mark.parametrize("name,func,expected", Q3_MISTAKES, ids=[m[0] for m in Q3_MISTAKES])
def test_q3_typical_mistakes(name, func, expected):
    result = _q3(func)
    assert result.outcome == "incorrect" and expected in result.message, result.message


def test_q3_blank_and_stub():
    assert _q3(____).outcome == "not attempted"
    assert _q3(lambda g, v, k, rng: ____).outcome == "not attempted"
    assert _q3(3).outcome == "incorrect"


# ---------------------------------------------------------------- q4

LABELS = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2])
SCORES = np.eye(3)[[0, 1, 2, 0, 1, 1, 2, 1, 0, 0, 1, 2]] + 0.01 * np.arange(12)[:, None] / 12
TRAIN, TEST = np.array([0, 1, 2, 3]), np.arange(4, 12)
PRED = SCORES.argmax(axis=1)
RIGHT = float(np.mean(PRED[TEST] == LABELS[TEST]))


def _q4(value, scores=SCORES, labels=LABELS):
    return q4.evaluate({"test_accuracy": value, "scores": scores, "labels": labels, "train_index": TRAIN,
                        "test_index": TEST})


@pytest.mark.parametrize("answer", [RIGHT, np.float32(RIGHT), torch.tensor(RIGHT), np.array(RIGHT)],
                         ids=["float", "numpy-float32", "tensor", "0-d array"])
def test_q4_right_answers(answer):
    assert _q4(answer).outcome == "correct"
    assert _q4(answer, scores=torch.tensor(SCORES, requires_grad=True), labels=torch.tensor(LABELS)).outcome == "correct"


Q4_MISTAKES = [
    ("percentage", 100 * RIGHT, "percentage"),
    ("training nodes", float(np.mean(PRED[TRAIN] == LABELS[TRAIN])), "training nodes"),
    ("all nodes", float(np.mean(PRED == LABELS)), "every node"),
    ("error rate", 1 - RIGHT, "error rate"),
    ("out of range", 1.5, "outside the range"),
    ("a list", [RIGHT, RIGHT], "number"),
]


@pytest.mark.parametrize("name,answer,expected", Q4_MISTAKES, ids=[m[0] for m in Q4_MISTAKES])
def test_q4_typical_mistakes(name, answer, expected):
    result = _q4(answer)
    assert result.outcome == "incorrect" and expected in result.message, result.message


def test_q4_distinct_mistakes_are_really_distinct():
    values = {RIGHT, float(np.mean(PRED[TRAIN] == LABELS[TRAIN])), float(np.mean(PRED == LABELS)), 1 - RIGHT}
    assert len(values) == 4


def test_q4_blank():
    assert _q4(____).outcome == "not attempted"
