"""Tests of course_lib.embed.graphs: random walks (DeepWalk / node2vec) and the lesson helpers.

Statistical tests use fixed seeds; the walks' generator does not depend on the machine,
so each test sees the same samples everywhere. They compare frequencies with
probabilities computed by hand, with a chi-square test (p-value > 0.001).
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from scipy.stats import chisquare

from course_lib.embed.graphs import (
    EdgeSplit,
    deepwalk_embedding,
    edge_features,
    node2vec_embedding,
    random_walk_indices,
    random_walks,
    spectral_embedding,
    train_test_edge_split,
)


def assert_follows_edges(G: nx.Graph, walks: list[list]) -> None:
    for walk in walks:
        for a, b in zip(walk, walk[1:]):
            assert G.has_edge(a, b), f"{a!r} -> {b!r} is not an edge"


def assert_frequencies(counts: dict, probs: dict, alpha: float = 1e-3) -> None:
    """Chi-square goodness of fit of observed counts to the expected probabilities."""
    keys = sorted(probs, key=repr)
    assert set(counts) <= set(keys), f"unexpected outcomes {set(counts) - set(keys)}"
    observed = np.array([counts.get(k, 0) for k in keys], dtype=float)
    expected = np.array([probs[k] for k in keys], dtype=float)
    assert math.isclose(expected.sum(), 1.0)
    if len(keys) == 1:  # a single possible outcome: nothing to test beyond the keys
        return
    result = chisquare(observed, observed.sum() * expected)
    assert result.pvalue > alpha, (
        f"frequencies {dict(zip(keys, observed / observed.sum()))} do not match "
        f"{dict(zip(keys, expected))} (p = {result.pvalue:.2g})"
    )


def third_node_counts(G: nx.Graph, t, v, p: float, q: float, num_walks: int, seed: int) -> dict:
    """Counts of the node after (t, v) in walks of length 3 that start t -> v."""
    counts: dict = {}
    starts = list(G.nodes).index(t)
    walks = random_walks(G, num_walks, 3, p=p, q=q, seed=seed)
    for walk in walks[starts::len(G)]:
        if walk[1] == v:
            counts[walk[2]] = counts.get(walk[2], 0) + 1
    assert sum(counts.values()) > 1000
    return counts


def node2vec_probs(G: nx.Graph, t, v, p: float, q: float) -> dict:
    """P(next | prev = t, cur = v) from the definition (for the cases computed by hand too)."""
    raw = {}
    for x in G.successors(v) if G.is_directed() else G.neighbors(v):
        w = G[v][x].get("weight", 1.0)
        raw[x] = w / p if x == t else (w if G.has_edge(t, x) else w / q)
    total = sum(raw.values())
    return {x: r / total for x, r in raw.items()}


def triangle_and_tail(weights: dict | None = None, t_leaves: int = 0) -> nx.Graph:
    """t - v, v - x1, v - x2, t - x1: x1 is adjacent to t, x2 is not.

    ``t_leaves`` extra leaves on t make t's neighbour list longer than x1's.
    """
    G = nx.Graph()
    G.add_edges_from([("t", "v"), ("v", "x1"), ("v", "x2"), ("t", "x1")])
    G.add_edges_from(("t", f"leaf{i}") for i in range(t_leaves))
    for (a, b), w in (weights or {}).items():
        G[a][b]["weight"] = w
    return G


# ---------------------------------------------------------------------------- structure


@pytest.mark.parametrize("p, q", [(1.0, 1.0), (0.5, 2.0), (4.0, 0.25), (0.01, 1.0)])
def test_walks_follow_edges_and_have_full_length(p, q):
    G = nx.karate_club_graph()
    walks = random_walks(G, num_walks=3, walk_length=15, p=p, q=q, seed=0)
    assert len(walks) == 3 * G.number_of_nodes()
    assert all(len(walk) == 15 for walk in walks)
    assert_follows_edges(G, walks)


def test_weighted_walks_follow_edges():
    G = nx.les_miserables_graph()  # weighted ("weight" = co-occurrences), string labels
    walks = random_walks(G, num_walks=2, walk_length=20, p=0.5, q=2.0, seed=3)
    assert all(len(walk) == 20 for walk in walks)
    assert_follows_edges(G, walks)


def test_start_nodes_follow_graph_order_each_round():
    G = nx.Graph()
    G.add_nodes_from(["z", "a", "m", "b"])  # insertion order, not sorted order
    G.add_edges_from([("a", "z"), ("m", "b"), ("z", "m")])
    walks = random_walks(G, num_walks=3, walk_length=4, seed=1)
    assert [walk[0] for walk in walks] == ["z", "a", "m", "b"] * 3


def test_directed_walks_use_out_edges_and_stop_at_sinks():
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("b", "a"), ("c", "sink"), ("d", "a")])
    for p, q in [(1.0, 1.0), (0.5, 2.0)]:
        walks = random_walks(G, num_walks=20, walk_length=6, p=p, q=q, seed=2)
        assert_follows_edges(G, walks)  # has_edge on a DiGraph is the out-edge
        for walk in walks:
            if len(walk) < 6:
                assert walk[-1] == "sink"
            else:
                assert "sink" not in walk[:-1]
        sink_walks = [w for w in walks if w[0] == "sink"]
        assert sink_walks == [["sink"]] * 20
        assert any(len(w) < 6 for w in walks if w[0] == "a")


def test_isolated_node_and_walk_length_one():
    G = nx.Graph([(0, 1)])
    G.add_node(2)
    walks = random_walks(G, num_walks=2, walk_length=5, seed=0)
    assert walks[2] == [2] and walks[5] == [2]
    assert random_walks(G, num_walks=1, walk_length=1, seed=0) == [[0], [1], [2]]


def test_original_labels_are_preserved():
    G = nx.grid_2d_graph(3, 3)  # tuple labels
    walks = random_walks(G, num_walks=1, walk_length=5, q=0.5, seed=0)
    assert all(isinstance(v, tuple) and len(v) == 2 for walk in walks for v in walk)
    assert_follows_edges(G, walks)
    H = nx.Graph([("alpha", 10), (10, 2.5), (2.5, "alpha")])  # mixed label types
    walks = random_walks(H, num_walks=2, walk_length=4, seed=0)
    assert {type(v) for walk in walks for v in walk} == {str, int, float}
    assert_follows_edges(H, walks)


def test_self_loop_is_an_ordinary_edge():
    G = nx.Graph([("a", "a")])
    assert random_walks(G, num_walks=1, walk_length=4, p=0.5, q=2.0, seed=0) == [["a"] * 4]
    H = nx.Graph([("a", "a"), ("a", "b")])
    walks = random_walks(H, num_walks=200, walk_length=6, p=0.5, q=2.0, seed=0)
    assert_follows_edges(H, walks)
    assert any(w[1] == "a" for w in walks if w[0] == "a")


def test_indices_match_labels():
    G = nx.les_miserables_graph()
    nodes = list(G.nodes)
    idx = random_walk_indices(G, num_walks=2, walk_length=7, p=2.0, q=0.5, seed=5)
    walks = random_walks(G, num_walks=2, walk_length=7, p=2.0, q=0.5, seed=5)
    assert idx.shape == (2 * len(nodes), 7)
    assert [[nodes[i] for i in row if i >= 0] for row in idx.tolist()] == walks


def test_walks_converted_in_chunks_match(monkeypatch):
    import course_lib.embed.graphs as graphs

    G = nx.gn_graph(30, seed=1)  # directed tree towards node 0: many dead ends
    G.add_edges_from([(30, 31), (31, 30), (31, 29)])  # a cycle: some full-length walks
    whole = random_walks(G, num_walks=3, walk_length=6, p=0.5, q=2.0, seed=4)
    monkeypatch.setattr(graphs, "_CHUNK_ENTRIES", 6 * 7)  # chunks of 7 walks
    assert random_walks(G, num_walks=3, walk_length=6, p=0.5, q=2.0, seed=4) == whole
    idx = random_walk_indices(G, num_walks=3, walk_length=6, p=0.5, q=2.0, seed=4)
    assert [[i for i in row if i >= 0] for row in idx.tolist()] == whole
    assert any(len(w) < 6 for w in whole) and any(len(w) == 6 for w in whole)
    assert_follows_edges(G, whole)


def test_garbage_collector_state_is_restored():
    import gc

    G = nx.path_graph(5)
    assert gc.isenabled()
    random_walks(G, 2, 4, seed=0)
    assert gc.isenabled()
    gc.disable()
    try:
        random_walks(G, 2, 4, seed=0)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_indices_pad_dead_ends_with_minus_one():
    G = nx.DiGraph([(0, 1)])
    idx = random_walk_indices(G, num_walks=1, walk_length=4, seed=0)
    assert idx.tolist() == [[0, 1, -1, -1], [1, -1, -1, -1]]


# ---------------------------------------------------------------------------- seeds


def test_same_seed_same_walks_different_seed_different_walks():
    G = nx.karate_club_graph()
    a = random_walks(G, 2, 10, p=0.5, q=2.0, seed=7)
    assert a == random_walks(G, 2, 10, p=0.5, q=2.0, seed=7)
    assert a != random_walks(G, 2, 10, p=0.5, q=2.0, seed=8)
    assert random_walks(G, 2, 10, seed=None) != random_walks(G, 2, 10, seed=None)


def test_walks_do_not_depend_on_thread_count():
    G = nx.les_miserables_graph()
    one = random_walk_indices(G, 3, 12, p=0.5, q=2.0, seed=11, workers=1)
    two = random_walk_indices(G, 3, 12, p=0.5, q=2.0, seed=11, workers=2)
    np.testing.assert_array_equal(one, two)


def test_walks_for_a_seed_are_stable():
    # Stored notebook outputs depend on these exact walks: a change of the generator or of
    # the sampling order must be deliberate (and the notebooks re-run).
    G = nx.path_graph(4)
    assert random_walks(G, 1, 6, seed=0) == [
        [0, 1, 2, 1, 0, 1], [1, 0, 1, 2, 3, 2], [2, 1, 0, 1, 0, 1], [3, 2, 1, 2, 1, 2],
    ]
    assert random_walks(G, 1, 6, p=2.0, q=0.5, seed=0) == [
        [0, 1, 2, 3, 2, 1], [1, 0, 1, 2, 3, 2], [2, 1, 0, 1, 2, 3], [3, 2, 1, 0, 1, 2],
    ]
    W = nx.Graph()
    W.add_edge("a", "b", weight=2.0)
    W.add_edge("b", "c", weight=0.5)
    W.add_edge("c", "a")
    assert random_walks(W, 1, 6, p=0.5, q=2.0, seed=0) == [
        ["a", "b", "a", "b", "a", "c"], ["b", "a", "b", "a", "b", "a"],
        ["c", "a", "b", "a", "b", "c"],
    ]


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"p": 0}, "p"),
        ({"p": -1.0}, "p"),
        ({"p": float("nan")}, "p"),
        ({"q": 0.0}, "q"),
        ({"q": -2}, "q"),
        ({"q": float("inf")}, "q"),
        ({"num_walks": 0}, "num_walks"),
        ({"num_walks": 1.5}, "num_walks"),
        ({"walk_length": 0}, "walk_length"),
        ({"walk_length": -3}, "walk_length"),
        ({"seed": -1}, "seed"),
        ({"seed": "abc"}, "seed"),
        ({"workers": 0}, "workers"),
    ],
)
def test_invalid_arguments_raise(kwargs, name):
    args = {"num_walks": 1, "walk_length": 3} | kwargs
    with pytest.raises(ValueError, match=name):
        random_walks(nx.path_graph(3), **args)


def test_empty_graph_and_non_graph_raise():
    with pytest.raises(ValueError, match="empty"):
        random_walks(nx.Graph(), 1, 3)
    with pytest.raises(ValueError, match="networkx graph"):
        random_walks([[0, 1], [1, 0]], 1, 3)


@pytest.mark.parametrize("weight", [-1.0, float("nan"), float("inf"), "heavy", None])
def test_bad_weight_raises_and_names_the_edge(weight):
    G = nx.Graph([("a", "b"), ("b", "c")])
    G["b"]["c"]["weight"] = weight
    with pytest.raises(ValueError, match=r"edge \('b', 'c'\)"):
        random_walks(G, 1, 3)


# ---------------------------------------------------------------------------- statistics


def test_first_step_frequencies_follow_weights():
    G = nx.Graph()
    for leaf, w in [("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 4.0), ("e", 0.5)]:
        G.add_edge("hub", leaf, weight=w)
    walks = random_walks(G, num_walks=20_000, walk_length=2, seed=0)
    counts: dict = {}
    for walk in walks[0::len(G)]:  # walks from the hub
        counts[walk[1]] = counts.get(walk[1], 0) + 1
    assert_frequencies(counts, {"a": 1 / 10.5, "b": 2 / 10.5, "c": 3 / 10.5, "d": 4 / 10.5,
                                "e": 0.5 / 10.5})


def test_zero_weight_edge_is_never_taken():
    G = nx.Graph()
    G.add_edge("hub", "a", weight=1.0)
    G.add_edge("hub", "never", weight=0.0)
    walks = random_walks(G, num_walks=500, walk_length=2, seed=0)
    assert all(walk[1] == "a" for walk in walks[0::3])
    assert walks[2] == ["never"]  # its only edge weighs 0: a dead end


def test_multigraph_sums_parallel_edge_weights():
    G = nx.MultiGraph()
    G.add_edge("a", "b", weight=1.0)
    G.add_edge("a", "b", weight=2.0)
    G.add_edge("a", "c")  # weight 1 by default
    walks = random_walks(G, num_walks=20_000, walk_length=2, seed=1)
    counts: dict = {}
    for walk in walks[0::3]:
        counts[walk[1]] = counts.get(walk[1], 0) + 1
    assert_frequencies(counts, {"b": 0.75, "c": 0.25})


def test_node2vec_bias_matches_hand_computation():
    # From v, having come from t: back to t weighs 1/p = 2, x1 (adjacent to t) weighs 1,
    # x2 (not adjacent to t) weighs 1/q = 0.5. Total 3.5.
    G = triangle_and_tail()
    counts = third_node_counts(G, "t", "v", p=0.5, q=2.0, num_walks=12_000, seed=0)
    assert_frequencies(counts, {"t": 2 / 3.5, "x1": 1 / 3.5, "x2": 0.5 / 3.5})


def test_node2vec_bias_weighted_matches_hand_computation():
    # Weights w(v,t) = 1, w(v,x1) = 3, w(v,x2) = 2; with p = 0.5, q = 2:
    # t: 1 / 0.5 = 2, x1: 3, x2: 2 / 2 = 1. Total 6.
    G = triangle_and_tail({("v", "t"): 1.0, ("v", "x1"): 3.0, ("v", "x2"): 2.0})
    counts = third_node_counts(G, "t", "v", p=0.5, q=2.0, num_walks=20_000, seed=1)
    assert_frequencies(counts, {"t": 2 / 6, "x1": 3 / 6, "x2": 1 / 6})


@pytest.mark.parametrize(
    "p, q, weights, t_leaves",
    [
        (0.1, 1.0, None, 0),  # 1/p above the envelope: the "return" slice is sampled directly
        (0.05, 0.5, {("v", "t"): 0.2, ("v", "x1"): 1.0, ("v", "x2"): 5.0}, 0),
        (3.0, 0.2, None, 0),  # small q: candidates adjacent to t are often rejected
        (2.0, 5.0, {("v", "t"): 2.0, ("v", "x1"): 0.5, ("v", "x2"): 1.5}, 0),
        (0.5, 2.0, None, 3),  # adjacency looked up from x1's (shorter) neighbour list
        (2.0, 0.25, {("v", "t"): 1.0, ("v", "x1"): 2.0, ("v", "x2"): 1.0}, 3),
    ],
)
def test_node2vec_bias_other_parameters(p, q, weights, t_leaves):
    G = triangle_and_tail(weights, t_leaves)
    counts = third_node_counts(G, "t", "v", p=p, q=q, num_walks=12_000, seed=2)
    assert_frequencies(counts, node2vec_probs(G, "t", "v", p, q))


def test_node2vec_bias_exact_when_rejection_gives_up():
    # Biases 1/p = 1/1000 and 1/q = 1/500 against an envelope of 1: almost every proposal
    # is rejected, so most steps fall back to the exact distribution.
    # w(v,t) = 1, w(v,x2) = 3: t weighs 1/1000, x2 weighs 3/500 = 6/1000; so 1/7, 6/7.
    G = nx.Graph()
    G.add_edge("t", "v", weight=1.0)
    G.add_edge("v", "x2", weight=3.0)
    counts = third_node_counts(G, "t", "v", p=1000.0, q=500.0, num_walks=4_000, seed=3)
    assert_frequencies(counts, {"t": 1 / 7, "x2": 6 / 7})


def test_node2vec_bias_directed_uses_edges_from_previous_node():
    # Directed: "adjacent to t" means the edge t -> x. x1 has t -> x1; x2 only has x2 -> t.
    G = nx.DiGraph([("t", "v"), ("v", "t"), ("v", "x1"), ("v", "x2"), ("t", "x1"), ("x2", "t")])
    counts = third_node_counts(G, "t", "v", p=0.5, q=2.0, num_walks=12_000, seed=4)
    assert_frequencies(counts, {"t": 2 / 3.5, "x1": 1 / 3.5, "x2": 0.5 / 3.5})


@pytest.mark.parametrize("p, q", [(0.25, 4.0), (4.0, 0.25)])
def test_node2vec_transitions_on_a_weighted_graph(p, q):
    # Every (previous, current) pair seen often enough on Les Miserables (weighted, degrees
    # up to 36) against the probabilities from the definition.
    G = nx.les_miserables_graph()
    counts: dict = {}
    for walk in random_walks(G, num_walks=300, walk_length=12, p=p, q=q, seed=9):
        for t, v, x in zip(walk, walk[1:], walk[2:]):
            counts.setdefault((t, v), {}).setdefault(x, 0)
            counts[(t, v)][x] += 1
    checked = 0
    for (t, v), c in counts.items():
        if sum(c.values()) >= 400:
            assert_frequencies(c, node2vec_probs(G, t, v, p, q), alpha=1e-4)
            checked += 1
    assert checked >= 10


def test_p_q_one_is_first_order():
    # With p = q = 1 the next node does not depend on the previous one.
    G = triangle_and_tail({("v", "t"): 1.0, ("v", "x1"): 2.0, ("v", "x2"): 3.0})
    first_order = {"t": 1 / 6, "x1": 2 / 6, "x2": 3 / 6}
    for prev, seed in [("t", 5), ("x1", 6)]:
        counts = third_node_counts(G, prev, "v", p=1.0, q=1.0, num_walks=12_000, seed=seed)
        assert_frequencies(counts, first_order)


# ---------------------------------------------------------------------------- helpers


def test_node2vec_and_deepwalk_embeddings():
    G = nx.karate_club_graph()
    emb = node2vec_embedding(G, dim=8, p=0.5, q=2.0, num_walks=5, walk_length=20, seed=0)
    assert emb.shape == (34, 8) and emb.dtype == np.float32
    again = node2vec_embedding(G, dim=8, p=0.5, q=2.0, num_walks=5, walk_length=20, seed=0)
    np.testing.assert_array_equal(emb, again)
    dw = deepwalk_embedding(G, dim=8, num_walks=5, walk_length=20, seed=0)
    assert dw.shape == (34, 8) and not np.array_equal(dw, emb)
    with pytest.raises(ValueError, match="dim"):
        node2vec_embedding(G, dim=0)
    with pytest.raises(ValueError, match="workers"):
        node2vec_embedding(G, dim=4, workers=4)


def test_deepwalk_embedding_separates_two_communities():
    G = nx.barbell_graph(8, 0)  # two 8-cliques joined by one edge
    emb = deepwalk_embedding(G, dim=16, num_walks=10, walk_length=20, seed=1)
    emb = emb - emb.mean(axis=0)  # skip-gram vectors share a common direction
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    sim = emb @ emb.T
    left, right = list(range(8)), list(range(8, 16))
    within = (sim[np.ix_(left, left)].mean() + sim[np.ix_(right, right)].mean()) / 2
    assert within > sim[np.ix_(left, right)].mean() + 0.5
    np.fill_diagonal(sim, -np.inf)
    assert np.array_equal(sim.argmax(axis=1) < 8, np.arange(16) < 8)  # nearest: same clique


def test_spectral_embedding_splits_a_barbell():
    G = nx.barbell_graph(5, 0)
    emb = spectral_embedding(G, dim=2)
    assert emb.shape == (10, 2)
    assert np.all(emb[:5, 0] * emb[5:, 0].mean() < 0)  # the halves take opposite signs
    assert np.all(np.sign(emb[:5, 0]) == np.sign(emb[0, 0]))
    with pytest.raises(ValueError, match="dim"):
        spectral_embedding(G, dim=10)
    with pytest.raises(ValueError, match="undirected"):
        spectral_embedding(nx.DiGraph([(0, 1), (1, 2)]), dim=1)


def test_train_test_edge_split():
    G = nx.les_miserables_graph()
    nodes = list(G.nodes)
    split = train_test_edge_split(G, test_fraction=0.25, seed=0)
    assert isinstance(split, EdgeSplit)
    m = G.number_of_edges()
    assert len(split.test_edges) == round(0.25 * m)
    assert len(split.train_edges) == m - len(split.test_edges)
    assert list(split.train_graph.nodes) == nodes  # same nodes, same order
    assert split.train_graph.number_of_edges() == len(split.train_edges)
    assert nx.number_connected_components(split.train_graph) == nx.number_connected_components(G)
    for a, b in split.test_edges.tolist():
        assert G.has_edge(nodes[a], nodes[b]) and not split.train_graph.has_edge(nodes[a], nodes[b])
    for a, b in split.train_edges.tolist():
        assert split.train_graph.has_edge(nodes[a], nodes[b])
    assert len(split.test_non_edges) == len(split.test_edges)
    assert len(split.train_non_edges) == len(split.train_edges)
    non_edges = np.vstack([split.train_non_edges, split.test_non_edges])
    pairs = [tuple(sorted(e)) for e in non_edges.tolist()]
    assert len(set(pairs)) == len(pairs)  # disjoint, no repeats
    assert all(a != b and not G.has_edge(nodes[a], nodes[b]) for a, b in pairs)
    again = train_test_edge_split(G, test_fraction=0.25, seed=0)
    np.testing.assert_array_equal(split.test_edges, again.test_edges)
    np.testing.assert_array_equal(split.test_non_edges, again.test_non_edges)


def test_train_test_edge_split_errors():
    tree = nx.path_graph(6)  # every edge is a bridge
    with pytest.raises(ValueError, match="keep_connected"):
        train_test_edge_split(tree, test_fraction=0.4)
    split = train_test_edge_split(tree, test_fraction=0.4, keep_connected=False, seed=0)
    assert len(split.test_edges) == 2
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_edge_split(nx.karate_club_graph(), test_fraction=1.0)
    with pytest.raises(ValueError, match="undirected"):
        train_test_edge_split(nx.DiGraph([(0, 1)]), test_fraction=0.5)
    with pytest.raises(ValueError, match="non-edges"):
        train_test_edge_split(nx.complete_graph(5), test_fraction=0.5)


def test_edge_features():
    emb = np.array([[1.0, 2.0], [3.0, 5.0], [0.0, -1.0]])
    edges = np.array([[0, 1], [2, 0]])
    np.testing.assert_allclose(edge_features(emb, edges, "hadamard"), [[3, 10], [0, -2]])
    np.testing.assert_allclose(edge_features(emb, edges, "average"), [[2, 3.5], [0.5, 0.5]])
    np.testing.assert_allclose(edge_features(emb, edges, "l1"), [[2, 3], [1, 3]])
    np.testing.assert_allclose(edge_features(emb, edges, "l2"), [[4, 9], [1, 9]])
    np.testing.assert_allclose(edge_features(emb, edges[:, ::-1], "l2"), [[4, 9], [1, 9]])
    with pytest.raises(ValueError, match="op"):
        edge_features(emb, edges, "cosine")
    with pytest.raises(ValueError, match="edges"):
        edge_features(emb, [[0, 3]])
    with pytest.raises(ValueError, match="edges"):
        edge_features(emb, [0, 1])
