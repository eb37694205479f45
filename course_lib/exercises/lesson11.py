"""Checks for exercises/11_search_and_recommendation.ipynb: top-k by hand, recall, semantic search, hit rate.

Every check recomputes the right answer from the notebook's own data (``corpus``,
``query``, ``approx_ids``, ``exact_ids``, ``doc_vectors``, ``query_vector``,
``recommended``, ``held_out``) and recognises typical mistakes (argpartition's unsorted
output, the k *least* similar, position-by-position comparison, argmin for argmax, the
wrong k...) so that the feedback says what went wrong without giving the answer away.
"""
from __future__ import annotations

import numpy as np

from course_lib.exercises import (
    Exercise,
    Incorrect,
    expect_array,
    expect_in_range,
    expect_number,
    matches_printed,
)

LESSON = "11"
TOP = 5
RECALL_K = 10
HIT_K = 10


def _scores(corpus, query) -> np.ndarray:
    return np.asarray(corpus, dtype=np.float64) @ np.asarray(query, dtype=np.float64).ravel()


def _indices(name: str, value, length: int, n: int, what: str) -> np.ndarray:
    array = expect_array(name, value, why=f"Give the indices (row numbers) of {what}.")
    if array.ndim != 1:
        raise Incorrect(f"`{name}` should be a flat array of {length} indices, but its shape is {array.shape}.")
    if array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and not np.all(array == np.round(array)):
            raise Incorrect(f"`{name}` holds fractional numbers, probably scores; give the *indices* of the rows "
                            "(np.argpartition and np.argsort return indices).")
        raise Incorrect(f"`{name}` should hold integer indices, but its dtype is {array.dtype}.")
    if len(array) != length:
        raise Incorrect(f"`{name}` holds {len(array)} indices; it should hold exactly {length}.")
    if np.any(array < 0) or np.any(array >= n):
        raise Incorrect(f"`{name}` holds an index outside 0..{n - 1}; each entry must be a row number.")
    if len(set(array.tolist())) != length:
        raise Incorrect(f"`{name}` holds the same index twice; it needs {length} different rows.")
    return array


# ---------------------------------------------------------------------------- q1 top-5 by hand


def _check_top5(top5, corpus, query):
    scores = _scores(corpus, query)
    n = len(scores)
    array = _indices("top5", top5, TOP, n, f"the {TOP} most similar corpus vectors")
    got = scores[array]
    best = np.sort(scores)[::-1][:TOP]
    tol = 1e-6  # float32 scores from the learner's side may differ in the last bits
    if np.allclose(got, best, rtol=0, atol=tol):
        return None  # equal scores may come in either order
    if np.allclose(np.sort(got)[::-1], best, rtol=0, atol=tol):
        if np.all(np.diff(got) >= -tol):
            raise Incorrect("`top5` holds the right five vectors but the least similar of them first: "
                            "order them by decreasing score.")
        raise Incorrect("`top5` holds the right five vectors but not in order: np.argpartition only guarantees "
                        "*which* five come first, not their order. Sort those five by their scores, best first.")
    worst = np.sort(scores)[:TOP]
    if np.allclose(np.sort(got), worst, rtol=0, atol=tol):
        raise Incorrect("`top5` holds the five *least* similar vectors: np.argpartition puts the smallest values "
                        "first. Partition the negated scores (-scores) to get the largest.")
    found = int(np.sum(got >= best[-1] - tol))
    raise Incorrect(f"only {found} of the indices in `top5` are among the {TOP} highest dot products of `query` "
                    "with the rows of `corpus`. Compute one score per row (corpus @ query) first.")


# ---------------------------------------------------------------------------- q2 recall@10


def _check_recall(recall, approx_ids, exact_ids):
    approx = np.asarray(approx_ids)[:, :RECALL_K]
    exact = np.asarray(exact_ids)[:, :RECALL_K]
    n_q = len(exact)
    if isinstance(recall, (list, tuple, np.ndarray)) and np.size(recall) == n_q and n_q > 1:
        raise Incorrect(f"`recall` holds one value per query ({n_q}); average them into one number.")
    value = expect_number("recall", recall, why="Give one number: recall@10 averaged over the queries.")
    overlap = np.array([len(set(a.tolist()) & set(e.tolist())) for a, e in zip(approx, exact)], dtype=float)
    expected = float(overlap.mean() / RECALL_K)
    if matches_printed(value, expected):
        return None
    pooled = float(np.isin(approx, exact).mean())
    if np.isclose(value, pooled, atol=1e-6):
        raise Incorrect("`recall` looks each found id up among the true neighbours of *every* query (np.isin on "
                        "the whole arrays), so a neighbour of another query counts as found. Compare row by row: "
                        "each query's results with its own true neighbours.")
    if np.isclose(value, overlap.sum()) or np.isclose(value, overlap.mean()):
        raise Incorrect("`recall` counts neighbours found; recall@10 is a fraction: divide by the 10 neighbours "
                        "asked for (and average over the queries).")
    if 1.0 < value <= 100.0 and np.isclose(value, 100 * expected, atol=1e-3):
        raise Incorrect("`recall` is a percentage; give a fraction between 0 and 1.")
    expect_in_range("recall", value, 0.0, 1.0, why="Recall is a fraction of the true neighbours.")
    positional = float(np.mean(approx == exact))
    if np.isclose(value, positional, atol=1e-6):
        raise Incorrect("`recall` compares the two lists position by position, so a true neighbour found at "
                        "another rank counts as a miss. Recall asks only *whether* each true neighbour was found: "
                        "compare the lists as sets.")
    first = float(np.mean([e[0] in a for a, e in zip(approx, exact)]))
    if np.isclose(value, first, atol=1e-6):
        raise Incorrect("`recall` checks only the single nearest neighbour; recall@10 counts all ten true "
                        "neighbours of each query.")
    raise Incorrect("`recall` is not recall@10 of `approx_ids` against `exact_ids`: for each query, count how many "
                    "of its 10 true neighbours appear among the 10 found, divide by 10, then average.")


# ---------------------------------------------------------------------------- q3 semantic search


def _check_best(best, doc_vectors, query_vector):
    scores = _scores(doc_vectors, query_vector)
    n = len(scores)
    if isinstance(best, (list, tuple, np.ndarray)) and np.size(best) > 1:
        raise Incorrect("`best` holds several values; give one index: the single most similar document.")
    value = expect_number("best", best, why="Give the index (row number in `doc_vectors`) of one document.")
    if not float(value).is_integer():
        raise Incorrect(f"`best` is {value:.4g}, which looks like a similarity score; give the *index* of the "
                        "document (np.argmax returns it).")
    index = int(value)
    if not 0 <= index < n:
        raise Incorrect(f"`best` is {index}, outside 0..{n - 1}; it must be a row number of `doc_vectors`.")
    if np.isclose(scores[index], scores.max(), rtol=0, atol=1e-6):
        return None
    if np.isclose(scores[index], scores.min(), rtol=0, atol=1e-6):
        raise Incorrect("`best` is the *least* similar document: np.argmin finds the smallest score; with "
                        "similarities, larger is better.")
    rank = int(np.sum(scores > scores[index] + 1e-6)) + 1
    raise Incorrect(f"`best` is the document ranked {rank} by similarity to `query_vector`, not the first. "
                    "Score every document against the query (one matrix-vector product) and take the largest.")


# ---------------------------------------------------------------------------- q4 hit rate@10


def _check_hit_rate(hit_rate, recommended, held_out):
    recommended = np.asarray(recommended)
    held_out = np.asarray(held_out).ravel()
    n = len(held_out)
    if isinstance(hit_rate, (list, tuple, np.ndarray)) and np.size(hit_rate) == n and n > 1:
        raise Incorrect(f"`hit_rate` holds one value per session ({n}); average them into one number.")
    value = expect_number("hit_rate", hit_rate, why="Give one number: the fraction of sessions with a hit.")
    hits_at = {k: (recommended[:, :k] == held_out[:, None]).any(axis=1) for k in range(1, recommended.shape[1] + 1)}
    expected = float(hits_at[HIT_K].mean())
    if np.isclose(value, hits_at[HIT_K].sum()) and not np.isclose(value, expected):
        raise Incorrect("`hit_rate` is a number of sessions; the hit rate is a fraction: divide by the number "
                        "of sessions.")
    if 1.0 < value <= 100.0 and np.isclose(value, 100 * expected, atol=1e-3):
        raise Incorrect("`hit_rate` is a percentage; give a fraction between 0 and 1.")
    expect_in_range("hit_rate", value, 0.0, 1.0, why="A hit rate is a fraction of sessions.")
    if matches_printed(value, expected):
        return None
    top = recommended[:, :HIT_K]
    if np.isclose(value, float(np.isin(held_out, top).mean()), atol=1e-6):
        raise Incorrect("`hit_rate` looks each held-out item up among the recommendations of *every* session "
                        "(np.isin on the whole array); compare each session's item with its own row only.")
    if np.isclose(value, float((top == held_out[:, None]).mean()), atol=1e-6):
        raise Incorrect(f"`hit_rate` averages over all {HIT_K} positions of every session; a session counts once, "
                        "as a hit when any of its 10 recommendations is its held-out item (.any(axis=1)).")
    for k, hits in hits_at.items():
        if k != HIT_K and np.isclose(value, hits.mean(), atol=1e-6) and not np.isclose(hits.mean(), expected):
            raise Incorrect(f"`hit_rate` looks at the first {k} recommendation{'s' if k > 1 else ''} of each "
                            f"session; hit rate@{HIT_K} "
                            f"looks at the first {HIT_K} (recommended[:, :{HIT_K}]).")
    raise Incorrect(f"`hit_rate` is not the fraction of sessions whose held-out item is among their first {HIT_K} "
                    "recommendations.")


# ---------------------------------------------------------------------------- the questions


q1 = Exercise(
    "q1", "exact top-5 by hand with argpartition", ["top5"], _check_top5,
    context=["corpus", "query"], lesson=LESSON,
    hints=[
        "corpus @ query gives one dot product per row: the rows are unit vectors, so it is the cosine similarity.",
        "np.argpartition(-scores, 5)[:5] gives the five largest, in no particular order.",
        "Order those five: candidates[np.argsort(-scores[candidates])].",
    ],
)
q2 = Exercise(
    "q2", "recall@10 of an approximate search", ["recall"], _check_recall,
    context=["approx_ids", "exact_ids"], lesson=LESSON,
    hints=[
        "For one query: len(set(approx_ids[i]) & set(exact_ids[i])) is how many true neighbours were found.",
        "Divide by 10, then average over all queries (rows).",
    ],
)
q3 = Exercise(
    "q3", "the best document for a query", ["best"], _check_best,
    context=["doc_vectors", "query_vector"], lesson=LESSON,
    hints=[
        "The sentence vectors have length 1, so the dot product is the cosine similarity.",
        "doc_vectors @ query_vector scores every document at once; np.argmax gives the index of the largest.",
    ],
)
q4 = Exercise(
    "q4", "hit rate@10 of item recommendations", ["hit_rate"], _check_hit_rate,
    context=["recommended", "held_out"], lesson=LESSON,
    hints=[
        "Session i is a hit when held_out[i] is among recommended[i, :10].",
        "Compare recommended[:, :10] == held_out[:, None], then .any(axis=1) per session, then the mean.",
    ],
)
