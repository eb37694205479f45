"""Checks of lesson 07's exercises: right answers pass, typical mistakes get their message."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from course_lib.exercises import ____
from course_lib.exercises.lesson07 import q1, q2, q3, q4
from course_lib.embed.graphs import edge_features, node2vec_embedding, train_test_edge_split

# ---------------------------------------------------------------- q1

TOY = nx.Graph([("dan", "ava"), ("ava", "bo"), ("bo", "cy"), ("cy", "dan"), ("bo", "dan"), ("cy", "eve")])


def _q1(A, degrees):
    return q1.evaluate({"A": A, "degrees": degrees, "toy_graph": TOY})


def _adjacency(nodes=None):
    return nx.to_numpy_array(TOY, nodelist=list(TOY.nodes) if nodes is None else nodes)


def test_q1_right_answer_and_blank():
    A = _adjacency()
    assert _q1(A, A.sum(axis=1)).outcome == "correct"
    assert _q1(A.astype(int).tolist(), A.sum(axis=1).astype(int)).outcome == "correct"
    assert _q1(____, ____).outcome == "not attempted"
    assert _q1(A, ____).outcome == "not attempted"


def test_q1_typical_mistakes():
    A = _adjacency()
    one_way = np.triu(A)
    assert "not symmetric" in _q1(one_way, A.sum(axis=1)).message
    by_name = _adjacency(sorted(TOY.nodes))
    assert "sorted order" in _q1(by_name, by_name.sum(axis=1)).message
    assert "diagonal" in _q1(A + np.eye(len(A)), A.sum(axis=1)).message
    assert "shape" in _q1(A[:4, :4], A.sum(axis=1)).message
    assert "only 0 and 1" in _q1(A * 2, A.sum(axis=1)).message
    assert "axis=1" in _q1(A, np.full(len(A), A.sum())).message
    assert "two ends" in _q1(A, A.sum(axis=1) / 2).message
    wrong = A.copy()
    wrong[0, 4] = wrong[4, 0] = 1
    result = _q1(wrong, A.sum(axis=1))
    assert result.outcome == "incorrect" and "2 of the 25 entries" in result.message


# ---------------------------------------------------------------- q2

WALK = nx.Graph()
WALK.add_weighted_edges_from([("a", "b", 2.0), ("b", "c", 1.0), ("b", "d", 3.0), ("b", "e", 0.5),
                              ("a", "c", 1.0), ("d", "f", 1.0), ("e", "f", 2.0)])
NEIGHBOURS = ["a", "c", "d", "e"]
P, Q = 2.0, 0.25


def _q2(weights):
    return q2.evaluate({"weights": weights, "walk_graph": WALK, "prev": "a", "cur": "b", "p": P, "q": Q,
                        "neighbours": NEIGHBOURS})


def test_q2_right_answer_matches_the_contract():
    right = np.array([2.0 / P, 1.0, 3.0 / Q, 0.5 / Q])
    assert _q2(right).outcome == "correct"
    assert _q2(right.tolist()).outcome == "correct"
    assert _q2(____).outcome == "not attempted"


@pytest.mark.parametrize("weights, message", [
    ([2.0 / Q, 1.0, 3.0 / P, 0.5 / P], "swapped"),
    ([2.0 * P, 1.0, 3.0 * Q, 0.5 * Q], "multiplies"),
    ([2.0 / Q, 1.0, 3.0 / Q, 0.5 / Q], "forgets the return"),
    ([2.0, 1.0, 3.0 / Q, 0.5 / Q], "forgets the return"),
    ([2.0 / P, 1.0 / Q, 3.0 / Q, 0.5 / Q], "keeps its plain edge weight"),
    ([2.0 / P, 1.0, 3.0, 0.5], "does not divide the moves away"),
    ([1.0 / P, 1.0, 1.0 / Q, 1.0 / Q], "ignores the edge weights"),
    (np.array([1.0, 1.0, 12.0, 2.0]) / 16.0, "sums to 1"),
    ([2.0, 2.0, 24.0, 4.0], "scaled"),
    ([1.0, 1.0, 12.0], "shape"),
    ([1.0, 1.0, 12.0, 3.0], "1 of the 4 entries"),
])
def test_q2_typical_mistakes(weights, message):
    result = _q2(weights)
    assert result.outcome == "incorrect" and message in result.message, result.message


def test_q2_answer_agrees_with_random_walks_statistics():
    """The contract's weights are the ones course_lib.embed.graphs.random_walks samples from."""
    from course_lib.embed.graphs import random_walks

    right = np.array([2.0 / P, 1.0, 3.0 / Q, 0.5 / Q])
    G = WALK.copy()
    walks = random_walks(G, num_walks=4000, walk_length=3, p=P, q=Q, seed=0)
    nxt = [w[2] for w in walks if w[:2] == ["a", "b"]]
    freq = np.array([nxt.count(x) for x in NEIGHBOURS]) / len(nxt)
    assert np.allclose(freq, right / right.sum(), atol=0.03)


# ---------------------------------------------------------------- q3

EMB = np.round(np.random.default_rng(0).normal(size=(6, 4)), 2)
PAIRS = np.array([[0, 1], [2, 5], [3, 4], [1, 5]])


def _q3(hadamard):
    return q3.evaluate({"hadamard": hadamard, "emb": EMB, "pairs": PAIRS})


def test_q3_right_answer():
    assert _q3(edge_features(EMB, PAIRS, "hadamard")).outcome == "correct"
    assert _q3(____).outcome == "not attempted"


@pytest.mark.parametrize("op, message", [("average", "average"), ("l1", "L1"), ("l2", "L2")])
def test_q3_other_operators(op, message):
    result = _q3(edge_features(EMB, PAIRS, op))
    assert result.outcome == "incorrect" and message in result.message


def test_q3_typical_mistakes():
    a, b = EMB[PAIRS[:, 0]], EMB[PAIRS[:, 1]]
    assert "dot product" in _q3((a * b).sum(axis=1)).message
    assert "side by side" in _q3(np.hstack([a, b])).message
    assert "emb[pairs]" in _q3(EMB[PAIRS]).message
    assert "difference" in _q3(a - b).message
    assert "right shape but not the right values" in _q3(a * a).message
    assert "shape" in _q3((a * b)[:2]).message


# ---------------------------------------------------------------- q4


@pytest.fixture(scope="module")
def link():
    graph = nx.les_miserables_graph()
    split = train_test_edge_split(graph, test_fraction=0.2, seed=0)
    train_emb = node2vec_embedding(split.train_graph, dim=8, num_walks=4, walk_length=20, seed=0)
    full_emb = node2vec_embedding(graph, dim=8, num_walks=4, walk_length=20, seed=0)
    return split, train_emb, full_emb


def _scores(emb, edges, non_edges, cosine=False):
    if cosine:
        emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    pairs = np.vstack([edges, non_edges])
    labels = np.r_[np.ones(len(edges)), np.zeros(len(non_edges))]
    return labels, edge_features(emb, pairs).sum(axis=1)


def _q4(auc, link):
    split, train_emb, full_emb = link
    return q4.evaluate({"auc": auc, "train_emb": train_emb, "full_emb": full_emb, "split": split})


def test_q4_right_answer(link):
    split, train_emb, _ = link
    auc = roc_auc_score(*_scores(train_emb, split.test_edges, split.test_non_edges))
    assert _q4(auc, link).outcome == "correct"
    assert _q4(np.float32(auc), link).outcome == "correct"
    assert _q4(____, link).outcome == "not attempted"


def test_q4_typical_mistakes(link):
    split, train_emb, full_emb = link
    labels, scores = _scores(train_emb, split.test_edges, split.test_non_edges)
    assert "swapped" in _q4(roc_auc_score(1 - labels, scores), link).message
    leaky = roc_auc_score(*_scores(full_emb, split.test_edges, split.test_non_edges))
    assert "leakage" in _q4(leaky, link).message
    cos = roc_auc_score(*_scores(train_emb, split.test_edges, split.test_non_edges, cosine=True))
    assert "cosine" in _q4(cos, link).message
    train = roc_auc_score(*_scores(train_emb, split.train_edges, split.train_non_edges))
    assert "training pairs" in _q4(train, link).message
    assert "probability" in _q4(1.5, link).message
    hard = roc_auc_score(labels, scores > np.median(scores))
    result = _q4(hard, link)
    assert result.outcome == "incorrect" and "0/1 predictions" in result.message


# ---------------------------------------------------------------- audit tables
# WRONG: (question, answers, words the message must hold): "incorrect", the variable named,
# the mistake said, the answer never shown. RIGHT_FORMS: right answers in other forms.
# The data tell mistakes apart: TOY's nodes are not in sorted order, WALK's edges have
# different weights and p != 1/q, so swapping p and q or dropping a weight changes the answer.

import re  # noqa: E402

import torch  # noqa: E402


def _right_a():
    return _adjacency()


def _right_weights():
    return np.array([2.0 / P, 1.0, 3.0 / Q, 0.5 / Q])


def _auc_of(link, **kw):
    split, train_emb, full_emb = link
    return roc_auc_score(*_scores(train_emb, split.test_edges, split.test_non_edges, **kw))


def _evaluate(key, answers, link):
    split, train_emb, full_emb = link
    context = {"q1": {"toy_graph": TOY},
               "q2": {"walk_graph": WALK, "prev": "a", "cur": "b", "p": P, "q": Q, "neighbours": NEIGHBOURS},
               "q3": {"emb": EMB, "pairs": PAIRS},
               "q4": {"train_emb": train_emb, "full_emb": full_emb, "split": split}}[key]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}[key].evaluate({**context, **answers})


WRONG = [
    pytest.param("q1", lambda l: {"A": np.triu(_right_a()), "degrees": _right_a().sum(axis=1)}, "not symmetric",
                 id="q1-one-way"),
    pytest.param("q1", lambda l: {"A": _adjacency(sorted(TOY.nodes)), "degrees": _right_a().sum(axis=1)},
                 "sorted order", id="q1-sorted-rows"),
    pytest.param("q1", lambda l: {"A": _right_a(), "degrees": dict(TOY.degree())}, "order of list(toy_graph.nodes)",
                 id="q1-degree-dict"),
    pytest.param("q1", lambda l: {"A": _right_a(), "degrees": TOY.degree}, "array of the degrees alone",
                 id="q1-degree-view"),
    pytest.param("q1", lambda l: {"A": _right_a(), "degrees": list(TOY.degree)}, "array of the degrees alone",
                 id="q1-degree-pairs"),
    pytest.param("q1", lambda l: {"A": _right_a(), "degrees": np.array([d for _, d in sorted(TOY.degree())])},
                 "sorted order", id="q1-degrees-sorted"),
    pytest.param("q1", lambda l: {"A": _right_a(), "degrees": _right_a().sum(axis=1) / 2}, "two ends",
                 id="q1-half-degrees"),
    pytest.param("q1", lambda l: {"A": _right_a(), "degrees": _right_a().sum()}, "shape", id="q1-total"),
    pytest.param("q2", lambda l: {"weights": dict(zip(NEIGHBOURS, _right_weights()))}, "order of `neighbours`",
                 id="q2-dict"),
    pytest.param("q2", lambda l: {"weights": _right_weights() / _right_weights().sum()}, "probabilities",
                 id="q2-normalised"),
    pytest.param("q2", lambda l: {"weights": [2.0 / Q, 1.0, 3.0 / P, 0.5 / P]}, "swapped", id="q2-p-q-swapped"),
    pytest.param("q2", lambda l: {"weights": [1.0 / P, 1.0, 1.0 / Q, 1.0 / Q]}, "edge weights", id="q2-unweighted"),
    pytest.param("q2", lambda l: {"weights": _right_weights()[::-1]}, "entries of `weights` are off",
                 id="q2-reversed"),
    pytest.param("q3", lambda l: {"hadamard": (EMB[PAIRS[:, 0]] * EMB[PAIRS[:, 1]]).T}, "shape", id="q3-transposed"),
    pytest.param("q3", lambda l: {"hadamard": (EMB[PAIRS[:, 0]] * EMB[PAIRS[:, 1]]).sum(axis=1)}, "dot product",
                 id="q3-summed"),
    pytest.param("q3", lambda l: {"hadamard": EMB[PAIRS[:, 0]] - EMB[PAIRS[:, 1]]}, "difference", id="q3-diff"),
    pytest.param("q3", lambda l: {"hadamard": EMB[PAIRS].mean(axis=1)}, "average", id="q3-average"),
    pytest.param("q4", lambda l: {"auc": 1 - _auc_of(l)}, "swapped", id="q4-labels-swapped"),
    pytest.param("q4", lambda l: {"auc": _auc_of(l, cosine=True)}, "cosine", id="q4-cosine"),
    pytest.param("q4", lambda l: {"auc": roc_auc_score(*_scores(l[2], l[0].test_edges, l[0].test_non_edges))},
                 "leakage", id="q4-full-graph"),
    pytest.param("q4", lambda l: {"auc": roc_auc_score(*_scores(l[1], l[0].train_edges, l[0].train_non_edges))},
                 "training pairs", id="q4-train-pairs"),
    pytest.param("q4", lambda l: {"auc": roc_auc_score}, "not called", id="q4-uncalled"),
    pytest.param("q4", lambda l: {"auc": (np.zeros(3), np.ones(3), np.arange(3))}, "roc_curve", id="q4-roc-curve"),
    pytest.param("q4", lambda l: {"auc": round(_auc_of(l), 2) + 0.02}, "not the ROC-AUC", id="q4-other"),
]


@pytest.mark.parametrize("key, make, words", WRONG)
def test_wrong_answers_are_told_what_is_wrong(link, key, make, words):
    answers = make(link)
    result = _evaluate(key, answers, link)
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message
    if key == "q2":  # no right weight is shown
        shown = {float(x) for x in re.findall(r"\d+(?:\.\d+)?", result.message.split(":", 1)[1])}
        assert not shown & {12.0, 2.0}, result.message
    if key == "q4":
        assert f"{_auc_of(link):.3f}" not in result.message and f"{_auc_of(link):.2f}" not in result.message


RIGHT_FORMS = [
    pytest.param("q1", lambda l: {"A": _right_a().astype(int).tolist(), "degrees": list(dict(TOY.degree()).values())},
                 id="q1-lists"),
    pytest.param("q1", lambda l: {"A": torch.tensor(_right_a()), "degrees": torch.tensor(_right_a().sum(axis=1))},
                 id="q1-tensors"),
    pytest.param("q1", lambda l: {"A": _right_a().astype(bool), "degrees": tuple(_right_a().sum(axis=0).astype(int))},
                 id="q1-bool-matrix-and-column-sums"),
    pytest.param("q1", lambda l: {"A": nx.to_numpy_array(TOY, nodelist=list(TOY)).astype(np.float32),
                                  "degrees": np.array([TOY.degree(v) for v in TOY], dtype=np.int64)},
                 id="q1-float32-int64"),
    pytest.param("q2", lambda l: {"weights": _right_weights().tolist()}, id="q2-list"),
    pytest.param("q2", lambda l: {"weights": tuple(_right_weights())}, id="q2-tuple"),
    pytest.param("q2", lambda l: {"weights": torch.tensor(_right_weights())}, id="q2-tensor"),
    pytest.param("q2", lambda l: {"weights": _right_weights().astype(np.float32)}, id="q2-float32"),
    pytest.param("q3", lambda l: {"hadamard": (EMB[PAIRS[:, 1]] * EMB[PAIRS[:, 0]]).tolist()}, id="q3-list-b-times-a"),
    pytest.param("q3", lambda l: {"hadamard": torch.tensor(EMB)[PAIRS[:, 0]] * torch.tensor(EMB)[PAIRS[:, 1]]},
                 id="q3-tensor"),
    pytest.param("q3", lambda l: {"hadamard": np.prod(EMB[PAIRS], axis=1).astype(np.float32)}, id="q3-prod-float32"),
    pytest.param("q4", lambda l: {"auc": np.float32(_auc_of(l))}, id="q4-float32"),
    pytest.param("q4", lambda l: {"auc": torch.tensor(_auc_of(l))}, id="q4-0d-tensor"),
    pytest.param("q4", lambda l: {"auc": np.array([_auc_of(l)])}, id="q4-one-element-array"),
    pytest.param("q4", lambda l: {"auc": round(_auc_of(l), 3)}, id="q4-as-printed"),
]


@pytest.mark.parametrize("key, make", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(link, key, make):
    result = _evaluate(key, make(link), link)
    assert result.outcome == "correct", result.message


@pytest.mark.parametrize("key, answers", [("q1", {"A": None, "degrees": [1, 2]}), ("q2", {"weights": None}),
                                          ("q3", {"hadamard": None}), ("q4", {"auc": None})])
def test_a_value_that_breaks_the_check_is_reported_as_incorrect(link, unconvertible, key, answers):
    name = next(iter(answers))
    result = _evaluate(key, {**answers, name: unconvertible}, link)
    assert result.outcome == "incorrect" and f"`{name}`" in result.message, result.message
