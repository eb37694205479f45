"""Checks for exercises/07_graph_embeddings.ipynb: adjacency, node2vec weights, edge features, AUC.

Every check recomputes the right answer from the notebook's own data (the toy graphs, the
embedding, the edge split) and recognises typical mistakes (another node order, a one-way
adjacency, p and q swapped, the return weight forgotten, the wrong edge operator, labels
swapped, vectors learned on the full graph...) so that the feedback can say what went wrong
without giving the answer away.
"""
from __future__ import annotations

import networkx as nx
import numpy as np

from collections.abc import Mapping

from course_lib.exercises import Exercise, Incorrect, expect_array, expect_in_range, matches_printed

LESSON = "07"


def _close(a, b, tol: float = 1e-6) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=tol))


# ---------------------------------------------------------------- q1: adjacency and degrees


def _check_adjacency(A, degrees, toy_graph):
    nodes = list(toy_graph.nodes)
    n = len(nodes)
    expected = nx.to_numpy_array(toy_graph, nodelist=nodes, weight=None)
    A = expect_array("A", A, shape=(n, n),
                     why=f"One row and one column per node of `toy_graph` ({n} nodes).")
    if not np.all(np.isin(A, (0, 1))):
        raise Incorrect("`A` should hold only 0 and 1: 1 where two nodes are joined, 0 elsewhere "
                        "(ignore edge weights here).")
    if not _close(A, expected):
        if not np.array_equal(A, A.T) and _close(A + A.T, expected):
            raise Incorrect("`A` is not symmetric: each edge joins two nodes, so set both A[i, j] and A[j, i].")
        order = sorted(nodes, key=str)
        if order != nodes and _close(A, nx.to_numpy_array(toy_graph, nodelist=order, weight=None)):
            raise Incorrect("`A` has its rows in sorted order; use the order of list(toy_graph.nodes), "
                            "the order every embedding row follows.")
        if np.trace(A) > 0 and not np.trace(expected):
            raise Incorrect("`A` has ones on its diagonal, but no node of `toy_graph` is joined to itself.")
        wrong = int((A != expected).sum())
        raise Incorrect(f"{wrong} of the {A.size} entries of `A` are wrong: A[i, j] is 1 exactly when "
                        "nodes[i] and nodes[j] are joined by an edge.")
    if isinstance(degrees, (Mapping, nx.classes.reportviews.DegreeView)) or (
            isinstance(degrees, (list, tuple)) and all(isinstance(d, tuple) and len(d) == 2 for d in degrees)):
        # dict(toy_graph.degree()), toy_graph.degree itself, or list(toy_graph.degree): (node, degree) pairs
        raise Incorrect("`degrees` pairs each node with its degree; make it an array of the degrees alone, in "
                        "the order of list(toy_graph.nodes), the order of the rows of `A`.")
    degrees = expect_array("degrees", degrees, shape=(n,),
                           why="One number per node: the number of its neighbours.")
    right = expected.sum(axis=1)
    if not _close(degrees, right):
        by_name = [right[nodes.index(v)] for v in sorted(nodes, key=str)]
        if _close(degrees, by_name):
            raise Incorrect("`degrees` follows the sorted order of the nodes; use the order of "
                            "list(toy_graph.nodes), the order of the rows of `A`.")
        if _close(degrees, np.full(n, expected.sum())):
            raise Incorrect("`degrees` repeats the total of A; sum each row separately (axis=1).")
        if _close(degrees, right / 2):
            raise Incorrect("`degrees` is half the number of neighbours of each node: every edge counts "
                            "once for each of its two ends.")
        wrong = int((~np.isclose(degrees, right)).sum())
        raise Incorrect(f"{wrong} of the {n} entries of `degrees` are wrong: the degree of a node is its "
                        "number of neighbours, a row sum of A.")
    return None


# ---------------------------------------------------------------- q2: node2vec step weights


def _step_weights(graph, prev, cur, neighbours, back, near, far):
    """Weights of the neighbours of cur: w * back / near / far for the three kinds."""
    out = []
    for x in neighbours:
        w = float(graph[cur][x].get("weight", 1.0))
        if x == prev:
            out.append(w * back)
        elif graph.has_edge(prev, x):
            out.append(w * near)
        else:
            out.append(w * far)
    return np.array(out)


def _check_weights(weights, walk_graph, prev, cur, p, q, neighbours):
    neighbours = list(neighbours)
    if isinstance(weights, Mapping):
        raise Incorrect("`weights` maps each neighbour to its weight; make it an array in the order of "
                        "`neighbours`, one weight per entry.")
    weights = expect_array("weights", weights, shape=(len(neighbours),),
                           why="One weight per entry of `neighbours`, in that order.")
    if np.any(weights < 0):
        raise Incorrect("`weights` has negative values; weights are edge weights divided by p, 1 or q.")
    right = _step_weights(walk_graph, prev, cur, neighbours, 1 / p, 1.0, 1 / q)
    if _close(weights, right):
        return None
    if weights.sum() > 0 and _close(weights / weights.sum(), right / right.sum()):
        if _close(weights.sum(), 1.0):
            raise Incorrect("`weights` sums to 1: these are the probabilities. The question asks for the "
                            "unnormalised weights, before dividing by their sum.")
        raise Incorrect("`weights` is proportional to the right weights but scaled: use the edge weight "
                        "itself, divided by p, 1 or q.")
    mistakes = [
        ((1 / q, 1.0, 1 / p), "`weights` looks as if p and q were swapped: p controls going back to `prev` "
                              "(weight w/p), q the moves away from it (weight w/q)."),
        ((p, 1.0, q), "`weights` multiplies by p and q; node2vec divides: w/p to go back, w/q to move away."),
        ((1 / q, 1.0, 1 / q), "`weights` forgets the return: going back to `prev` gets its own weight w/p, "
                              "not the weight of a node far from `prev`."),
        ((1.0, 1.0, 1 / q), "`weights` forgets the return: going back to `prev` gets the weight w/p, "
                            "not w."),
        ((1 / p, 1 / q, 1 / q), "`weights` divides the neighbours of `prev` by q; a node joined to `prev` "
                                "(distance 1 from it) keeps its plain edge weight w."),
        ((1 / p, 1.0, 1.0), "`weights` does not divide the moves away from `prev` by q."),
    ]
    for (back, near, far), message in mistakes:
        if _close(weights, _step_weights(walk_graph, prev, cur, neighbours, back, near, far)):
            raise Incorrect(message)
    unweighted = nx.Graph(walk_graph.edges())
    if _close(weights, _step_weights(unweighted, prev, cur, neighbours, 1 / p, 1.0, 1 / q)):
        raise Incorrect("`weights` ignores the edge weights: multiply each bias by the weight of the "
                        "edge from `cur` to the neighbour (walk_graph[cur][x]['weight']).")
    wrong = int((~np.isclose(weights, right, rtol=1e-6, atol=1e-6)).sum())
    raise Incorrect(f"{wrong} of the {len(right)} entries of `weights` are off. For each neighbour x of "
                    "`cur`: w/p if x is `prev`, w if x is joined to `prev`, w/q otherwise.")


# ---------------------------------------------------------------- q3: Hadamard edge features


def _check_hadamard(hadamard, emb, pairs):
    emb = np.asarray(emb, dtype=float)
    pairs = np.asarray(pairs)
    m, d = len(pairs), emb.shape[1]
    a, b = emb[pairs[:, 0]], emb[pairs[:, 1]]
    value = expect_array("hadamard", hadamard, why=f"One row per pair ({m}) and one column per dimension ({d}).")
    if value.shape == (m,) and _close(value, (a * b).sum(axis=1)):
        raise Incorrect("`hadamard` holds one number per pair: the dot product. Keep the elementwise "
                        f"products, one row of {d} values per pair (do not sum them).")
    if value.shape == (m, 2 * d):
        raise Incorrect(f"`hadamard` has {2 * d} columns: it joins the two vectors side by side. Multiply "
                        "them elementwise instead.")
    if value.shape == (m, 2, d):
        raise Incorrect("`hadamard` has shape (m, 2, d): emb[pairs] picks both vectors of each pair; "
                        "multiply the first by the second.")
    expect_array("hadamard", value, shape=(m, d),
                 why=f"One row per pair ({m}) and one column per dimension ({d}).")
    if _close(value, a * b):
        return None
    others = {
        "average": ((a + b) / 2, "the average (a + b) / 2"),
        "sum": (a + b, "the sum a + b"),
        "l1": (np.abs(a - b), "the L1 operator |a - b|"),
        "l2": ((a - b) ** 2, "the L2 operator (a - b)²"),
        "diff": (a - b, "the difference a - b"),
    }
    for array, name in others.values():
        if _close(value, array):
            raise Incorrect(f"`hadamard` holds {name}; the Hadamard operator is the elementwise product.")
    raise Incorrect("`hadamard` has the right shape but not the right values: row i should be the "
                    "elementwise product of the vectors of the two nodes of pairs[i].")


# ---------------------------------------------------------------- q4: ROC-AUC of a link predictor


def _auc(pos, neg):
    """Probability that a random positive outscores a random negative (ties count half)."""
    pos, neg = np.asarray(pos, dtype=float), np.asarray(neg, dtype=float)
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def _dot_auc(emb, split, cosine=False, which="test"):
    emb = np.asarray(emb, dtype=float)
    if cosine:
        emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    edges = split.test_edges if which == "test" else split.train_edges
    non = split.test_non_edges if which == "test" else split.train_non_edges
    pos = (emb[edges[:, 0]] * emb[edges[:, 1]]).sum(axis=1)
    neg = (emb[non[:, 0]] * emb[non[:, 1]]).sum(axis=1)
    return _auc(pos, neg)


def _check_auc(auc, train_emb, full_emb, split):
    if isinstance(auc, tuple) and len(auc) == 3:
        raise Incorrect("`auc` holds three things, as roc_curve returns (false positive rates, true positive "
                        "rates, thresholds); the area under that curve is one number: roc_auc_score.")
    value = expect_in_range("auc", auc, 0.0, 1.0, why="A ROC-AUC is a probability.")
    right = _dot_auc(train_emb, split)
    if matches_printed(value, right):
        return None
    if np.isclose(value, 1 - right, atol=1e-6):
        raise Incorrect("`auc` is below one half, as if the labels were swapped: test edges are the "
                        "positives (label 1), non-edges the negatives (label 0).")
    if np.isclose(value, _dot_auc(full_emb, split), atol=1e-6):
        raise Incorrect("`auc` uses `full_emb`, learned on the full graph, which contains the test edges: "
                        "that is leakage. Score the pairs with `train_emb`, learned on the training graph.")
    if np.isclose(value, _dot_auc(train_emb, split, cosine=True), atol=1e-6):
        raise Incorrect("`auc` scores pairs by cosine similarity; the question asks for the dot product "
                        "of the two vectors.")
    if np.isclose(value, _dot_auc(train_emb, split, which="train"), atol=1e-6):
        raise Incorrect("`auc` is measured on the training pairs; use split.test_edges and "
                        "split.test_non_edges.")
    raise Incorrect("`auc` is not the ROC-AUC of the dot-product scores of the test pairs (test edges "
                    "labelled 1, test non-edges 0). Did you use roc_auc_score(labels, scores), "
                    "scores rather than 0/1 predictions?")


q1 = Exercise(
    "q1", "adjacency matrix and degrees", ["A", "degrees"], _check_adjacency,
    context=["toy_graph"], lesson=LESSON,
    hints=["nodes = list(toy_graph.nodes) fixes the order; index = {v: i for i, v in enumerate(nodes)} "
           "gives the row of each node.",
           "Start from np.zeros((n, n)); for every edge (u, v) of toy_graph.edges(), set both A[i, j] and A[j, i] to 1.",
           "The degrees are the row sums: A.sum(axis=1). (nx.to_numpy_array(toy_graph, nodelist=nodes) "
           "checks your A.)"],
)
q2 = Exercise(
    "q2", "the weights of one node2vec step", ["weights"], _check_weights,
    context=["walk_graph", "prev", "cur", "p", "q", "neighbours"], lesson=LESSON,
    hints=["Loop over `neighbours`; w = walk_graph[cur][x]['weight'] is the weight of the edge cur-x.",
           "Three cases: x == prev; walk_graph.has_edge(prev, x); anything else.",
           "The three weights are w / p, w and w / q. Do not divide by their sum."],
)
q3 = Exercise(
    "q3", "Hadamard edge features", ["hadamard"], _check_hadamard,
    context=["emb", "pairs"], lesson=LESSON,
    hints=["emb[pairs[:, 0]] holds the vector of the first node of every pair, one row per pair.",
           "The Hadamard product is the elementwise product `*` of two arrays of the same shape.",
           "The result has shape (len(pairs), emb.shape[1]); course_lib.embed.graphs.edge_features(emb, pairs) "
           "checks it."],
)
q4 = Exercise(
    "q4", "ROC-AUC of a link predictor", ["auc"], _check_auc,
    context=["train_emb", "full_emb", "split"], lesson=LESSON,
    hints=["Stack the test pairs: np.vstack([split.test_edges, split.test_non_edges]); the labels are "
           "ones for the edges, then zeros.",
           "The score of a pair (u, v) is train_emb[u] @ train_emb[v]: (train_emb[pairs[:, 0]] * "
           "train_emb[pairs[:, 1]]).sum(axis=1).",
           "sklearn.metrics.roc_auc_score(labels, scores) gives the AUC."],
)
