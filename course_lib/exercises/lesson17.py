"""Checks for exercises/17_graph_neural_networks.ipynb: Â, one GCN layer, neighbour sampling, accuracy.

Every check recomputes the right answer from the notebook's own data (the toy graph, the
features and weights, the trained model's scores and the split) and recognises typical
mistakes (no self-loops, a row-normalised or unnormalised adjacency, the ReLU forgotten,
sampling with replacement, accuracy on the training nodes...) so that the feedback can say
what went wrong without giving the answer away. Answers may be lists, NumPy arrays, torch
tensors (dense or sparse) or SciPy sparse matrices.
"""
from __future__ import annotations

import networkx as nx
import numpy as np

from course_lib.exercises import (
    Exercise,
    Incorrect,
    as_numpy,
    call_answer,
    expect_array,
    expect_callable,
    expect_in_range,
    expect_number,
    short_repr,
)

LESSON = "17"


def _dense(value):
    """A torch sparse tensor (which as_numpy cannot read directly) made dense; anything else unchanged."""
    if getattr(value, "is_sparse", False) or str(getattr(value, "layout", "")).startswith("torch.sparse"):
        return value.to_dense()
    return value


def _close(a, b, tol: float = 1e-6) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-5, atol=tol))


def _adjacency(graph) -> np.ndarray:
    return nx.to_numpy_array(graph, nodelist=list(graph.nodes), weight=None)


def _sym(M: np.ndarray) -> np.ndarray:
    d = M.sum(axis=1)
    with np.errstate(divide="ignore"):
        s = np.where(d > 0, 1 / np.sqrt(d), 0.0)
    return M * s[:, None] * s[None, :]


# ---------------------------------------------------------------- q1: the normalised adjacency


def _check_a_hat(A_hat, toy_graph):
    A = _adjacency(toy_graph)
    n = len(A)
    value = expect_array("A_hat", _dense(A_hat), shape=(n, n),
                         why=f"One row and one column per node of `toy_graph` ({n} nodes).")
    value = value.astype(float)
    A_tilde = A + np.eye(n)
    right = _sym(A_tilde)
    if _close(value, right):
        return None
    d = A_tilde.sum(axis=1)
    if _close(value, _sym(A)):
        raise Incorrect("`A_hat` has zeros on its diagonal: add the self-loops (A + I) before normalising, so "
                        "that every node keeps part of its own features.")
    if _close(value, A_tilde / d[:, None]) or _close(value, A_tilde / d[None, :]):
        raise Incorrect("`A_hat` divides each row (or column) by its degree, D̃^-1 (A + I): that is a plain "
                        "average. The GCN divides on both sides by the square root, D̃^-1/2 (A + I) D̃^-1/2.")
    if _close(value, A_tilde / d[:, None] / d[None, :]):
        raise Incorrect("`A_hat` divides by both degrees, d_i d_j; the GCN divides by the square root of "
                        "their product, √(d_i d_j).")
    d_plain = A.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s_plain = np.where(d_plain > 0, 1 / np.sqrt(d_plain), 0.0)
    if _close(value, A_tilde * s_plain[:, None] * s_plain[None, :]):
        raise Incorrect("`A_hat` uses the degrees of A; with the self-loops each degree grows by one: take the "
                        "degrees of A + I.")
    if _close(value, A_tilde):
        raise Incorrect("`A_hat` is A + I, not yet normalised: divide entry (i, j) by √(d_i d_j), the degrees of A + I.")
    if _close(value, A):
        raise Incorrect("`A_hat` is the plain adjacency matrix: add the self-loops, then normalise by the degrees.")
    nodes = list(toy_graph.nodes)
    order = sorted(nodes, key=str)
    if order != nodes:
        A_sorted = nx.to_numpy_array(toy_graph, nodelist=order, weight=None)
        if _close(value, _sym(A_sorted + np.eye(n))):
            raise Incorrect("`A_hat` has its rows in sorted order; use the order of list(toy_graph.nodes).")
    if not np.allclose(value, value.T, atol=1e-9):
        raise Incorrect("`A_hat` is not symmetric, but D̃^-1/2 (A + I) D̃^-1/2 is: entry (i, j) and entry (j, i) "
                        "both equal 1 / √(d_i d_j) for joined nodes.")
    wrong = int((~np.isclose(value, right, rtol=1e-5, atol=1e-6)).sum())
    raise Incorrect(f"{wrong} of the {value.size} entries of `A_hat` are off. Entry (i, j) is 1 / √(d_i d_j) when "
                    "i = j or i and j are joined (d: degrees of A + I), 0 otherwise.")


# ---------------------------------------------------------------- q2: one GCN layer


def _check_h1(H1, A_hat_toy, X, W):
    A_hat_toy = np.asarray(as_numpy(_dense(A_hat_toy)), dtype=float)
    X, W = np.asarray(as_numpy(X), dtype=float), np.asarray(as_numpy(W), dtype=float)
    n, d_out = X.shape[0], W.shape[1]
    value = expect_array("H1", _dense(H1),
                         why=f"One row per node ({n}) and one column per output feature ({d_out}).")
    if value.shape == (d_out, n):
        raise Incorrect(f"`H1` has shape {value.shape}, the transpose of the layer's output: one row per node "
                        "is expected, as in X.")
    expect_array("H1", value, shape=(n, d_out),
                 why=f"One row per node ({n}) and one column per output feature ({d_out}): X @ W has that shape.")
    value = value.astype(float)
    pre = A_hat_toy @ X @ W
    right = np.maximum(pre, 0)
    if _close(value, right):
        return None
    if _close(value, pre):
        raise Incorrect("`H1` has negative entries: apply the ReLU, max(0, ·), after averaging and transforming.")
    A = (np.abs(A_hat_toy) > 0).astype(float) - np.eye(n)
    mistakes = [
        (np.maximum(X @ W, 0), "`H1` transforms the features but never averages over neighbours: multiply by "
                               "`A_hat_toy` too."),
        (np.maximum(A @ X @ W, 0), "`H1` sums over the neighbours with the plain adjacency matrix; use the "
                                   "normalised `A_hat_toy`, which includes the node itself and weights by degree."),
        (np.maximum((A + np.eye(n)) @ X @ W, 0), "`H1` uses A + I without the normalisation; use `A_hat_toy`."),
        (np.tanh(pre), "`H1` uses tanh; the question's layer uses the ReLU, max(0, ·)."),
        (1 / (1 + np.exp(-pre)), "`H1` uses a sigmoid; the question's layer uses the ReLU, max(0, ·)."),
        (A_hat_toy @ np.maximum(X @ W, 0), "`H1` applies the ReLU before averaging; the layer averages the "
                                           "transformed features first, then applies the ReLU."),
    ]
    for array, message in mistakes:
        if _close(value, array):
            raise Incorrect(message)
    raise Incorrect("`H1` has the right shape but not the right values: the layer is ReLU(Â X W), with Â "
                    "`A_hat_toy`.")


# ---------------------------------------------------------------- q3: neighbour sampling


def _as_node_list(result):
    result = as_numpy(result)
    if isinstance(result, (set, frozenset)):
        return sorted(result, key=str), True
    try:
        return [x.item() if hasattr(x, "item") else x for x in list(result)], False
    except TypeError:
        return None, False


def _check_sampler(sample_neighbours, sample_graph):
    expect_callable("sample_neighbours", sample_neighbours)
    hub = max(sample_graph.nodes, key=sample_graph.degree)
    leaf = min(sample_graph.nodes, key=sample_graph.degree)
    hub_neighbours = set(sample_graph.neighbors(hub))
    k = max(1, len(hub_neighbours) // 3)
    for node in (hub, leaf):
        for kk in (k, len(hub_neighbours) + 2):
            rng = np.random.default_rng(0)
            result = call_answer("sample_neighbours", sample_neighbours, sample_graph, node, kk, rng)
            shown = f"sample_neighbours(sample_graph, {node!r}, {kk}, rng)"
            nodes, _ = _as_node_list(result)
            if nodes is None:
                raise Incorrect(f"`{shown}` returned {short_repr(result)}; it should return a list of nodes.")
            neighbours = set(sample_graph.neighbors(node))
            strangers = [x for x in nodes if x not in neighbours]
            if node in nodes:
                raise Incorrect(f"`{shown}` returns the node itself; sample among its neighbours only "
                                "(the layer adds the node's own features separately).")
            if strangers:
                raise Incorrect(f"`{shown}` returns {short_repr(strangers[0])}, which is not a neighbour of "
                                f"{node!r}: draw from list(sample_graph.neighbors(node)).")
            if len(set(nodes)) < len(nodes):
                raise Incorrect(f"`{shown}` returns the same neighbour twice: draw without replacement "
                                "(replace=False), so that each neighbour counts once in the mean.")
            want = min(kk, len(neighbours))
            if len(nodes) > want:
                raise Incorrect(f"`{shown}` returns {len(nodes)} nodes; at most k = {kk} are wanted.")
            if len(nodes) < want:
                if len(neighbours) <= kk:
                    raise Incorrect(f"`{shown}` returns {len(nodes)} of the {len(neighbours)} neighbours; when a "
                                    "node has k neighbours or fewer, return all of them.")
                raise Incorrect(f"`{shown}` returns {len(nodes)} nodes; with more than k neighbours, return "
                                f"exactly k = {kk}.")
    # The sample must come from `rng`: two generators with other seeds should not always agree.
    draws = set()
    for seed in range(8):
        result = call_answer("sample_neighbours", sample_neighbours, sample_graph, hub, k,
                             np.random.default_rng(seed))
        nodes, _ = _as_node_list(result)
        draws.add(tuple(sorted(nodes, key=str)))
    if len(draws) == 1:
        raise Incorrect("`sample_neighbours` returns the same neighbours whatever `rng` is: draw them at random "
                        "with rng (rng.choice(..., replace=False)), so that each training step sees another sample.")
    return None


# ---------------------------------------------------------------- q4: accuracy on held-out nodes


def _check_accuracy(test_accuracy, scores, labels, train_index, test_index):
    scores = np.asarray(as_numpy(scores), dtype=float)
    labels = np.asarray(as_numpy(labels))
    train_index, test_index = np.asarray(as_numpy(train_index)), np.asarray(as_numpy(test_index))
    predicted = scores.argmax(axis=1)
    right = float(np.mean(predicted[test_index] == labels[test_index]))
    number = expect_number("test_accuracy", as_numpy(test_accuracy),
                           why="One number: the fraction of test nodes whose predicted class is right.")
    if 1.0 < number <= 100.0 and np.isclose(number, 100 * right, atol=1e-6):
        raise Incorrect("`test_accuracy` is a percentage; give it as a fraction between 0 and 1.")
    expect_in_range("test_accuracy", number, 0.0, 1.0, why="An accuracy is a fraction of nodes.")
    if np.isclose(number, right, atol=1e-9):
        return None
    if np.isclose(number, float(np.mean(predicted[train_index] == labels[train_index])), atol=1e-9):
        raise Incorrect("`test_accuracy` is measured on the training nodes, whose labels the model was trained "
                        "on; use `test_index`, the nodes it never saw.")
    if np.isclose(number, float(np.mean(predicted == labels)), atol=1e-9):
        raise Incorrect("`test_accuracy` is measured on every node, training nodes included; keep only "
                        "`test_index`.")
    if scores.shape[0] >= scores.shape[1]:
        by_column = scores.argmax(axis=0)
        if np.isclose(number, float(np.mean(by_column[labels[test_index]] == labels[test_index])), atol=1e-9):
            raise Incorrect("`test_accuracy` takes the argmax over nodes (axis 0); each node's predicted class "
                            "is the argmax of its row (axis=1).")
    if np.isclose(number, 1 - right, atol=1e-9):
        raise Incorrect("`test_accuracy` is the error rate: count the test nodes whose predicted class equals "
                        "their label.")
    raise Incorrect("`test_accuracy` is not the fraction of `test_index` nodes whose predicted class, the argmax "
                    "of their row of `scores`, equals their label.")


q1 = Exercise(
    "q1", "the normalised adjacency", ["A_hat"], _check_a_hat,
    context=["toy_graph"], lesson=LESSON,
    hints=["Start from A = nx.to_numpy_array(toy_graph, nodelist=list(toy_graph.nodes)) and add np.eye(n).",
           "The degrees d are the row sums of A + I (each node counts itself).",
           "Divide entry (i, j) by np.sqrt(d[i] * d[j]): broadcasting with d[:, None] and d[None, :] does all "
           "entries at once."],
)
q2 = Exercise(
    "q2", "one GCN layer", ["H1"], _check_h1,
    context=["A_hat_toy", "X", "W"], lesson=LESSON,
    hints=["X @ W transforms every node's features with the same weights.",
           "A_hat_toy @ (...) averages each node with its neighbours.",
           "Finish with the ReLU: np.maximum(..., 0) or torch.relu."],
)
q3 = Exercise(
    "q3", "neighbour sampling", ["sample_neighbours"], _check_sampler,
    context=["sample_graph"], lesson=LESSON,
    hints=["neighbours = list(graph.neighbors(node)) lists the candidates.",
           "When len(neighbours) <= k, return them all.",
           "Otherwise rng.choice(neighbours, size=k, replace=False) draws k distinct ones; return a list."],
)
q4 = Exercise(
    "q4", "accuracy on held-out nodes", ["test_accuracy"], _check_accuracy,
    context=["scores", "labels", "train_index", "test_index"], lesson=LESSON,
    hints=["The predicted class of a node is the argmax of its row of scores: scores.argmax(axis=1).",
           "Keep only the test nodes: predicted[test_index] and labels[test_index].",
           "The accuracy is the mean of (predicted == label) over those nodes, a number between 0 and 1."],
)
