"""Tests of course_lib.use.search: exact top-k against a brute-force sort, ties, errors, recall."""
from __future__ import annotations

import doctest
import tracemalloc
import warnings

import numpy as np
import pytest

from course_lib.use import search
from course_lib.use.search import METRICS, nearest_neighbours, normalize, recall_at_k, top_k

METRICS = ("cosine", "dot", "euclidean")
# (QUERY_BLOCK, CORPUS_BLOCK): the defaults, then sizes that force many blocks, partial
# last blocks and blocks narrower than k, so merging across blocks is exercised.
BLOCKS = [(1024, 4096), (3, 7), (1, 1), (5, 64)]


@pytest.fixture(params=BLOCKS, ids=lambda b: f"blocks{b[0]}x{b[1]}")
def blocks(request, monkeypatch):
    q_block, c_block = request.param
    monkeypatch.setattr(search, "QUERY_BLOCK", q_block)
    monkeypatch.setattr(search, "CORPUS_BLOCK", c_block)
    return request.param


def reference(queries, corpus, k, metric):
    """Brute force: the full score matrix in float64, then a stable sort per row."""
    q = np.atleast_2d(np.asarray(queries, dtype=np.float64))
    c = np.asarray(corpus, dtype=np.float64)
    if metric == "cosine":
        q = q / np.linalg.norm(q, axis=1, keepdims=True)
        c = c / np.linalg.norm(c, axis=1, keepdims=True)
    if metric == "euclidean":
        score = np.sqrt(((q[:, None, :] - c[None, :, :]) ** 2).sum(axis=-1))
        key = score
    else:
        score = q @ c.T
        key = -score
    # A stable sort keeps equal keys in corpus order: ties go to the lower index.
    order = np.argsort(key, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(score, order, axis=1)


def random_shapes(rng, count):
    """(n_q, n, d, k) triples: random ones plus the edge cases k = 1 and k = n."""
    shapes = [(1, 1, 1, 1), (4, 9, 3, 9), (4, 9, 3, 1), (2, 64, 5, 64), (3, 65, 2, 10)]
    for _ in range(count):
        n = int(rng.integers(1, 150))
        shapes.append((int(rng.integers(1, 12)), n, int(rng.integers(1, 9)), int(rng.integers(1, n + 1))))
    return shapes


# --- exactness ----------------------------------------------------------------------------


@pytest.mark.parametrize("metric", METRICS)
def test_matches_brute_force_on_random_data(metric, blocks):
    rng = np.random.default_rng(hash((metric, blocks)) % 2**32)
    for n_q, n, d, k in random_shapes(rng, 25):
        queries = rng.standard_normal((n_q, d))
        corpus = rng.standard_normal((n, d)) * rng.uniform(0.1, 10, size=(n, 1))
        indices, scores = top_k(queries, corpus, k, metric=metric)
        want_i, want_s = reference(queries, corpus, k, metric)
        assert indices.shape == scores.shape == (n_q, k)
        np.testing.assert_array_equal(indices, want_i, err_msg=f"{metric} {n_q=} {n=} {d=} {k=}")
        np.testing.assert_allclose(scores, want_s, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("metric", METRICS)
def test_scores_are_ordered_best_first(metric):
    rng = np.random.default_rng(1)
    _, scores = top_k(rng.standard_normal((6, 4)), rng.standard_normal((50, 4)), 50, metric=metric)
    steps = np.diff(scores, axis=1)
    assert (steps >= 0).all() if metric == "euclidean" else (steps <= 0).all()


def sign_vectors(rng, shape):
    """Entries +-1 in dimension 4: every norm is 2, so every score is exact in any order."""
    return rng.choice([-1.0, 1.0], size=shape)


@pytest.mark.parametrize("metric", METRICS)
def test_duplicate_corpus_rows_come_lower_index_first(metric, blocks):
    rng = np.random.default_rng(2)
    corpus = sign_vectors(rng, (40, 4))
    duplicates = [3, 17, 18, 39]  # in different blocks, including the last (partial) one
    corpus[duplicates] = corpus[3]
    queries = np.vstack([corpus[3], sign_vectors(rng, (7, 4))])
    indices, scores = top_k(queries, corpus, 40, metric=metric)
    for row_i, row_s in zip(indices, scores):
        where = [int(np.flatnonzero(row_i == j)[0]) for j in duplicates]
        assert where == sorted(where), row_i
        assert len(set(row_s[where].tolist())) == 1
        # Within every run of equal scores the corpus indices increase.
        same = row_s[1:] == row_s[:-1]
        assert (row_i[1:][same] > row_i[:-1][same]).all(), row_i
    want_i, _ = reference(queries, corpus, 40, metric)
    np.testing.assert_array_equal(indices, want_i)
    # The first query is corpus row 3 itself: its exact copies are its best matches.
    copies = np.flatnonzero((corpus == corpus[3]).all(axis=1))
    assert indices[0, : copies.size].tolist() == copies.tolist()


@pytest.mark.parametrize("metric", ["dot", "euclidean"])
def test_many_equal_scores_from_integer_vectors(metric, blocks):
    rng = np.random.default_rng(3)
    for k in (1, 5, 37, 120):
        corpus = rng.integers(-1, 2, size=(120, 3)).astype(float)  # only 27 distinct rows
        queries = rng.integers(-2, 3, size=(9, 3)).astype(float)
        indices, scores = top_k(queries, corpus, k, metric=metric)
        want_i, want_s = reference(queries, corpus, k, metric)
        np.testing.assert_array_equal(indices, want_i)
        np.testing.assert_array_equal(scores, want_s)


def test_equal_scores_at_the_kth_place_keep_the_lowest_indices():
    corpus = np.ones((10, 2))
    indices, scores = top_k([[1.0, 2.0]], corpus, 3, metric="dot")
    assert indices.tolist() == [[0, 1, 2]]
    assert scores.tolist() == [[3.0, 3.0, 3.0]]


def test_identical_vectors_are_at_distance_zero():
    corpus = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]])
    indices, distances = top_k([1.0, 2.0], corpus, 3, metric="euclidean")
    assert indices.tolist() == [0, 2, 1]
    assert distances.tolist() == [0.0, 0.0, np.sqrt(8.0)]
    assert not np.signbit(distances).any()  # 0.0, never -0.0


def test_a_query_in_the_corpus_is_at_distance_about_zero_never_nan():
    # |q|^2 - 2 q.c + |c|^2 cancels for q == c and can round below zero: it is clipped.
    rng = np.random.default_rng(11)
    corpus = rng.standard_normal((300, 32)).astype(np.float32) * 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sqrt of a negative number would warn
        indices, distances = top_k(corpus[:100], corpus, 2, metric="euclidean")
    np.testing.assert_array_equal(indices[:, 0], np.arange(100))
    assert (distances[:, 0] >= 0).all() and (distances[:, 0] < 0.05).all()
    assert (distances[:, 1] > 10).all()


def test_distances_equal_after_the_square_root_keep_index_order():
    # Squared distances 1 + 2**-52 and 1 differ, but both square roots round to 1.0:
    # the two distances shown are equal, so the lower index must come first.
    corpus = np.array([[1.0, 2.0**-26], [1.0, 0.0]])
    indices, distances = top_k([0.0, 0.0], corpus, 2, metric="euclidean")
    assert distances.tolist() == [1.0, 1.0]
    assert indices.tolist() == [0, 1]


@pytest.mark.parametrize("metric", METRICS)
def test_corpus_sorted_worst_to_best(metric, monkeypatch):
    # Every block beats the previous one, so each row has a whole block of candidates:
    # the path that cuts such rows down to their k-th best must stay exact.
    monkeypatch.setattr(search, "CORPUS_BLOCK", 700)
    rng = np.random.default_rng(4)
    queries = rng.standard_normal((5, 8))
    corpus = rng.standard_normal((3000, 8))
    order, _ = reference(queries[:1], corpus, 3000, metric)
    corpus = corpus[order[0, ::-1]]  # worst first for the first query
    corpus[[2000, 2998]] = corpus[2999]  # and ties with the best rows
    for k in (1, 10, 100):
        indices, _ = top_k(queries, corpus, k, metric=metric)
        np.testing.assert_array_equal(indices, reference(queries, corpus, k, metric)[0])


# --- inputs and outputs ---------------------------------------------------------------------


@pytest.mark.parametrize("metric", METRICS)
def test_one_dimensional_query_gives_one_dimensional_output(metric):
    rng = np.random.default_rng(5)
    query, corpus = rng.standard_normal(6), rng.standard_normal((30, 6))
    indices, scores = top_k(query, corpus, 4, metric=metric)
    assert indices.shape == scores.shape == (4,)
    batch_i, batch_s = top_k(query[None, :], corpus, 4, metric=metric)
    np.testing.assert_array_equal(indices, batch_i[0])
    np.testing.assert_allclose(scores, batch_s[0], rtol=1e-12)


def test_lists_are_accepted():
    corpus = [[1, 0, 0], [0, 2, 0], [1, 1, 0], [0, 0, 3]]
    indices, scores = top_k([[1, 1, 0], [0, 0, 1]], corpus, 2, metric="dot")
    assert np.issubdtype(indices.dtype, np.integer)
    assert scores.dtype == np.float64
    assert indices.tolist() == [[1, 2], [3, 0]]
    assert scores.tolist() == [[2.0, 2.0], [3.0, 0.0]]


def test_zero_queries_give_empty_results():
    indices, scores = top_k(np.zeros((0, 3)), np.eye(3), 2)
    assert indices.shape == scores.shape == (0, 2)


@pytest.mark.parametrize("metric", METRICS)
def test_float32_stays_float32_and_agrees_with_float64(metric):
    rng = np.random.default_rng(6)
    queries = rng.standard_normal((20, 16)).astype(np.float32)
    corpus = rng.standard_normal((500, 16)).astype(np.float32)
    indices, scores = top_k(queries, corpus, 5, metric=metric)
    assert scores.dtype == np.float32
    want_i, want_s = reference(queries, corpus, 5, metric)
    np.testing.assert_array_equal(indices, want_i)
    np.testing.assert_allclose(scores, want_s, rtol=1e-4, atol=1e-4)
    # One float64 input makes the whole computation float64.
    assert top_k(queries, corpus.astype(np.float64), 5, metric=metric)[1].dtype == np.float64


def test_extra_memory_does_not_grow_with_the_score_matrix(monkeypatch):
    monkeypatch.setattr(search, "QUERY_BLOCK", 128)
    monkeypatch.setattr(search, "CORPUS_BLOCK", 1024)
    rng = np.random.default_rng(7)
    queries, corpus = rng.standard_normal((600, 8)), rng.standard_normal((20_000, 8))
    full_matrix = 600 * 20_000 * 8  # bytes of the float64 score matrix
    tracemalloc.start()
    try:
        top_k(queries, corpus, 10)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < full_matrix / 10, peak


def test_tiny_but_nonzero_vectors_are_normalised():
    corpus = np.array([[1e-200, 0.0], [0.0, 3e-190]])
    indices, scores = top_k([[0.0, 1.0]], corpus, 2)
    assert indices.tolist() == [[1, 0]]
    np.testing.assert_allclose(scores, [[1.0, 0.0]])


# --- errors -------------------------------------------------------------------------------


def bad(queries=None, corpus=None, k=2, metric="cosine"):
    queries = np.ones((3, 4)) if queries is None else queries
    corpus = np.arange(1.0, 41.0).reshape(10, 4) if corpus is None else corpus
    return lambda: top_k(queries, corpus, k, metric=metric)


def with_value(shape, where, value):
    a = np.ones(shape)
    a[where] = value
    return a


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (bad(k=0), r"k must be an integer from 1 to 10 .*got 0"),
        (bad(k=11), r"k must be an integer from 1 to 10 .*got 11"),
        (bad(k=2.0), r"k must be an integer"),
        (bad(k=True), r"k must be an integer"),
        (bad(queries=np.ones((3, 5))), r"queries have dimension 5 but corpus has dimension 4"),
        (bad(queries=np.ones(5)), r"dimension 5 but corpus has dimension 4"),
        (bad(queries=with_value((3, 4), (2, 1), np.nan)), r"queries row 2 contains NaN or infinity"),
        (bad(corpus=with_value((10, 4), (3, 0), np.inf)), r"corpus row 3 contains NaN or infinity"),
        (bad(corpus=with_value((10, 4), (3, 0), -np.inf), metric="dot"), r"corpus row 3 contains NaN"),
        (bad(queries=with_value(4, 0, np.nan)), r"queries \(a single vector\) contains NaN"),
        (bad(corpus=with_value((10, 4), (9, 0), 1e300), metric="euclidean"), r"corpus row 9 is too large"),
        (bad(metric="manhattan"), r"metric must be one of 'cosine', 'dot', 'euclidean'; got 'manhattan'"),
        (bad(metric=None), r"metric must be"),
        (bad(corpus=with_value((10, 4), 3, 0.0)), r"corpus row 3 is all zeros"),
        (bad(queries=with_value((3, 4), 1, 0.0)), r"queries row 1 is all zeros"),
        (bad(queries=np.zeros(4)), r"queries \(a single vector\) is all zeros"),
        (bad(corpus=np.ones(4)), r"corpus must have shape \(n, d\), got shape \(4,\)"),
        (bad(queries=np.ones((2, 2, 4))), r"queries must have shape \(d,\) or \(n, d\)"),
        (bad(corpus=np.ones((3, 0)), k=1), r"corpus must have at least one column"),
        (bad(corpus=np.ones((0, 4)), k=1), r"k must be an integer from 1 to 0"),
        (bad(queries=[["a", "b", "c", "d"]]), r"queries must hold real numbers"),
        (bad(queries=np.ones((1, 4), dtype=complex)), r"queries must hold real numbers"),
        (bad(corpus=[[1.0, 2.0], [3.0]], k=1), r"corpus must be a rectangular array"),
    ],
)
def test_invalid_input_raises_a_helpful_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("metric", ["dot", "euclidean"])
def test_zero_rows_are_fine_without_cosine(metric):
    corpus = np.vstack([np.zeros(3), np.eye(3)])
    indices, _ = top_k(np.zeros(3), corpus, 4, metric=metric)
    assert indices.tolist() == [0, 1, 2, 3]


def test_bad_row_in_a_later_block_is_named_by_its_corpus_row(monkeypatch):
    monkeypatch.setattr(search, "CORPUS_BLOCK", 4)
    corpus = np.ones((10, 2))
    corpus[9] = 0.0
    with pytest.raises(ValueError, match="corpus row 9 is all zeros"):
        top_k([1.0, 1.0], corpus, 1)
    corpus[9, 1] = np.nan
    with pytest.raises(ValueError, match="corpus row 9 contains NaN"):
        top_k([1.0, 1.0], corpus, 1, metric="dot")


# --- recall@k --------------------------------------------------------------------------------


def recall_by_sets(found, truth, k):
    found, truth = np.atleast_2d(found), np.atleast_2d(truth)
    return np.mean([len(set(f[:k]) & set(t[:k])) / k for f, t in zip(found, truth)])


def test_recall_matches_a_set_based_definition():
    rng = np.random.default_rng(8)
    for _ in range(50):
        n_q, k = int(rng.integers(1, 20)), int(rng.integers(1, 12))
        columns = k + int(rng.integers(0, 4))
        # Few distinct values: rows share neighbours and hold repeats.
        found = rng.integers(-1, 15, size=(n_q, columns))
        truth = rng.integers(0, 15, size=(n_q, k + int(rng.integers(0, 4))))
        assert recall_at_k(found, truth, k) == pytest.approx(recall_by_sets(found, truth, k), abs=1e-12)


def test_recall_edge_cases():
    truth = np.array([[0, 1, 2, 3], [4, 5, 6, 7]])
    assert recall_at_k(truth, truth, 4) == 1.0
    assert recall_at_k(truth[:, ::-1], truth, 4) == 1.0  # order within the k does not matter
    assert recall_at_k(truth + 100, truth, 4) == 0.0
    assert recall_at_k([[0, 9, 9, 9], [4, 5, 9, 9]], truth, 2) == 0.75  # only the first k count
    assert recall_at_k([[1, 1, 1]], [[1, 2, 3]], 3) == pytest.approx(1 / 3)  # repeats count once
    assert recall_at_k([2, 0, 1], [0, 1, 2], 3) == 1.0  # 1-D is one query
    assert recall_at_k(np.array([[3, 4]], np.int32), np.array([[4, 3]], np.uint64), 2) == 1.0
    assert isinstance(recall_at_k(truth, truth, 1), float)


def test_recall_of_top_k_against_itself_is_one():
    rng = np.random.default_rng(9)
    corpus, queries = rng.standard_normal((200, 5)), rng.standard_normal((10, 5))
    found, _ = top_k(queries, corpus, 10)
    assert recall_at_k(found, found, 10) == 1.0
    assert recall_at_k(top_k(queries, corpus, 10, metric="dot")[0], found, 10) < 1.0


@pytest.mark.parametrize(
    ("found", "truth", "k", "message"),
    [
        ([[1, 2]], [[1, 2, 3]], 3, r"found has 2 columns but k=3"),
        ([[1, 2, 3]], [[1, 2]], 3, r"truth has 2 columns but k=3"),
        ([[1, 2], [3, 4]], [[1, 2]], 1, r"found has 2 rows .* truth has 1"),
        ([[1, 2]], [[1, 2]], 0, r"k must be a positive integer"),
        ([[1, 2]], [[1, 2]], 1.5, r"k must be a positive integer"),
        ([[1.0, 2.0]], [[1, 2]], 1, r"found must be an array of integer indices, got dtype float64"),
        ([[1, 2]], [[True, False]], 1, r"truth must be an array of integer indices, got dtype bool"),
        (np.ones((1, 2, 2), int), [[1, 2]], 1, r"found must have shape \(n_queries, k\)"),
        ([[1, 2], [3]], [[1, 2]], 1, r"found must be a rectangular array"),
    ],
)
def test_recall_errors_name_the_argument(found, truth, k, message):
    with pytest.raises(ValueError, match=message):
        recall_at_k(found, truth, k)


# --- normalize and the docstring examples -----------------------------------------------------


def test_normalize():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((20, 7)).astype(np.float32)
    unit = normalize(x)
    assert unit.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(unit * np.linalg.norm(x, axis=1, keepdims=True), x, rtol=1e-5)
    assert normalize([0.0, 5.0]).tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="vectors row 1 is all zeros"):
        normalize([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"vectors \(a single vector\) contains NaN"):
        normalize([1.0, np.nan])


def test_docstring_examples_run():
    result = doctest.testmod(search, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_format_neighbours_orders_near_ties_by_printed_score_then_name():
    from course_lib.use.search import format_neighbours

    # The same neighbours with last-bit differences, as two machines compute them.
    machine_a = [("spain", 0.801), ("kongo", 0.6571), ("britain", 0.6562), ("italy", 0.655)]
    machine_b = [("spain", 0.801), ("britain", 0.6570), ("kongo", 0.6569), ("italy", 0.6551)]
    assert format_neighbours(machine_a, k=3) == format_neighbours(machine_b, k=3) == \
        "spain (0.80), britain (0.66), italy (0.66)"
    assert format_neighbours(machine_a, k=2, scores=False) == "spain, britain"
    assert format_neighbours([("a", 0.5), ("b", 0.7)], digits=1) == "b (0.7), a (0.5)"
    # A real difference in the printed score still decides the order.
    assert format_neighbours([("a", 0.61), ("b", 0.70)]) == "b (0.70), a (0.61)"


@pytest.mark.parametrize("kwargs, message", [
    ({"neighbours": [("a", 0.5)], "k": 0}, "k must be None or an integer >= 1"),
    ({"neighbours": [("a", 0.5)], "digits": -1}, "digits must be an integer >= 0"),
    ({"neighbours": ["abc"]}, "neighbours must be \\(name, score\\) pairs"),
    ({"neighbours": [("a", "high")]}, "neighbours must be \\(name, score\\) pairs"),
])
def test_format_neighbours_rejects_bad_input(kwargs, message):
    from course_lib.use.search import format_neighbours

    with pytest.raises(ValueError, match=message):
        format_neighbours(**kwargs)


def brute_neighbours(x, k, metric):
    if metric == "cosine":
        u = x / np.linalg.norm(x, axis=1, keepdims=True)
        d = -(u @ u.T)
    elif metric == "dot":
        d = -(x @ x.T)
    else:
        d = np.linalg.norm(x[:, None] - x[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1, kind="stable")[:, :k]


# --- nearest_neighbours ------------------------------------------------------------------


@pytest.mark.parametrize("metric", METRICS)
def test_nearest_neighbours_match_brute_force_and_exclude_self(metric):
    x = np.random.default_rng(1).standard_normal((30, 4))
    found = nearest_neighbours(x, k=5, metric=metric)
    assert found.shape == (30, 5) and found.dtype == np.int64
    assert not np.any(found == np.arange(30)[:, None])
    np.testing.assert_array_equal(found, brute_neighbours(x, 5, metric))


def test_nearest_neighbours_with_duplicates_never_return_self():
    x = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    found = nearest_neighbours(x, k=2, metric="euclidean")
    assert not np.any(found == np.arange(4)[:, None])
    assert set(found[1]) == {0, 2}


def test_nearest_neighbours_refuses_zero_rows_with_cosine_as_top_k_does():
    """One policy for cosine everywhere: an all-zero row has no direction (a ReLU layer can output one)."""
    x = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 0.1], [0.0, 1.0]])
    with pytest.raises(ValueError) as from_top_k:
        top_k(x, x, 2)
    with pytest.raises(ValueError) as from_neighbours:
        nearest_neighbours(x, k=1)
    assert "row 1 is all zeros" in str(from_neighbours.value)
    assert str(from_neighbours.value) == str(from_top_k.value)
    assert nearest_neighbours(x, k=1, metric="euclidean")[1, 0] == 0  # Euclidean distance is defined


@pytest.mark.parametrize("args, message", [
    ((np.zeros((3, 2)), 3), "k must be an integer between 1 and 2"),
    ((np.zeros((3, 2)), 0), "k must be"),
    ((np.zeros(3), 1), "must be 2-D"),
    ((np.zeros((1, 2)), 1), "at least 2 rows"),
    ((np.array([[1.0, np.nan], [0.0, 1.0]]), 1), r"NaN or infinity \(row 0\)"),
    ((np.array([["a", "b"], ["c", "d"]]), 1), "must hold numbers"),
])
def test_nearest_neighbours_validation(args, message):
    with pytest.raises(ValueError, match=message):
        nearest_neighbours(*args)


def test_unknown_metric():
    with pytest.raises(ValueError, match="metric must be one of"):
        nearest_neighbours(np.eye(3), 1, metric="manhattan")
