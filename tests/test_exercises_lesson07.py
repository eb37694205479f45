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
