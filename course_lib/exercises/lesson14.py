"""Checks for exercises/14_retrieval_and_compression.ipynb: nDCG by hand, reciprocal rank fusion,
binary codes, rescoring, and a compression for a memory budget.

Every check recomputes the right answer from the notebook's own data (``ranked_grades``,
``all_grades``, ``corpus``, ``queries``, ``query_codes``, ``options``, ``n_vectors``,
``memory_bytes``) and recognises typical mistakes (exponential gains, an ideal ranking made
from the returned items only, ranks counted from 0, Hamming order never rescored, bits
instead of bytes...) so that the feedback says what went wrong without giving the answer.
"""
from __future__ import annotations

import math

import numpy as np

from course_lib.exercises import (
    Exercise,
    Incorrect,
    as_numpy,
    call_answer,
    expect_array,
    expect_callable,
    expect_number,
    expect_type,
    short_repr,
)

LESSON = "14"
K = 10
CANDIDATES = 50


# ---------------------------------------------------------------------------- q1 nDCG by hand


def _dcg(grades, discount=lambda rank: math.log2(rank + 1), gain=lambda g: g) -> float:
    return sum(gain(g) / discount(rank) for rank, g in enumerate(grades, start=1))


def _ndcg_variants(ranked_grades, all_grades) -> dict[str, float]:
    ranked = [float(g) for g in list(ranked_grades)[:K]]
    ideal = sorted((float(g) for g in all_grades), reverse=True)[:K]
    exp_gain = lambda g: 2 ** g - 1  # noqa: E731
    return {
        "right": _dcg(ranked) / _dcg(ideal),
        "dcg": _dcg(ranked),
        "ideal from ranking": _dcg(ranked) / _dcg(sorted(ranked, reverse=True)),
        "exponential": _dcg(ranked, gain=exp_gain) / _dcg(ideal, gain=exp_gain),
        "rank from 0": _dcg(ranked, discount=lambda r: math.log2(r + 2)) / _dcg(ideal, discount=lambda r: math.log2(r + 2)),
        "no discount": sum(ranked) / sum(ideal),
    }


_NDCG_MISTAKES = {
    "dcg": "`ndcg` is the DCG itself: divide it by the DCG of the ideal ranking, so that a perfect "
           "ranking scores 1.",
    "ideal from ranking": "the ideal ranking must be built from *every* judged grade of the query (`all_grades`), "
                          "not only from the grades the system returned: a relevant passage it missed still "
                          "belongs in the best possible top 10.",
    "exponential": "that is nDCG with gains 2**grade - 1; this course (like trec_eval) uses the grade itself as "
                   "the gain.",
    "rank from 0": "the discount looks one place too far down: with ranks counted from 1, the top place is "
                   "divided by log2(1 + 1) = 1. If you enumerate from 0, use log2(i + 2).",
    "no discount": "the grades are summed without a discount: divide each by log2(rank + 1), so that lower "
                   "places count less.",
}


def _check_ndcg(ndcg, ranked_grades, all_grades):
    value = expect_number("ndcg", ndcg, why="nDCG@10 is one number.")
    variants = _ndcg_variants(ranked_grades, all_grades)
    if math.isclose(value, variants["right"], abs_tol=1e-6):
        return None
    for name, message in _NDCG_MISTAKES.items():
        if math.isclose(value, variants[name], abs_tol=1e-6):
            raise Incorrect(f"`ndcg`: {message}")
    if not 0 <= value <= 1:
        raise Incorrect("`ndcg` lies outside 0..1; an nDCG divides a DCG by the largest possible DCG.")
    raise Incorrect("`ndcg` is not the nDCG@10 of `ranked_grades`: add grade / log2(rank + 1) over the 10 places "
                    "(rank 1 at the top), and divide by the same sum for `all_grades` sorted from highest to lowest.")


q1 = Exercise(
    "q1", "computing nDCG@10 by hand", ["ndcg"], _check_ndcg,
    context=["ranked_grades", "all_grades"], lesson=LESSON,
    hints=[
        "DCG = sum over the 10 places of grade / log2(rank + 1), with rank 1 at the top.",
        "The ideal DCG sorts `all_grades` from highest to lowest, keeps 10, and applies the same sum.",
        "nDCG = DCG / ideal DCG; it is 1 for a perfect ranking.",
    ],
)


# ---------------------------------------------------------------------------- q2 reciprocal rank fusion

#: (rankings, k) cases the learner's function is called on; each tells a typical mistake apart.
RRF_CASES = [
    ([["a", "b", "c"], ["b", "c", "a"]], 60),
    ([["a", "b"], ["c", "b"]], 1),
    ([["x", "y", "z", "w"], ["w", "z"], ["z", "y"]], 60),
    ([[3, 1, 2], [2, 4]], 2),
]


def _fused(rankings, k, start=1, score=lambda k, r: 1 / (k + r)):
    total: dict = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=start):
            total[item] = total.get(item, 0.0) + score(k, rank)
    return total


def _order_ok(result, scores) -> bool:
    """``result`` lists exactly the scored items, best first (equal scores in either order)."""
    try:
        if len(set(result)) != len(result) or set(result) != set(scores):
            return False
    except TypeError:  # an unhashable item
        return False
    values = [scores[item] for item in result]
    return all(a >= b - 1e-12 for a, b in zip(values, values[1:]))


def _as_list(name, value, args):
    if isinstance(value, dict):
        raise Incorrect(f"`{name}({short_repr(args[0])}, k={args[1]})` returned a dict of scores; return the "
                        "items themselves, best first (sort them by their fused score).")
    try:
        items = as_numpy(value).tolist() if hasattr(value, "tolist") or hasattr(value, "numpy") else list(value)
    except TypeError:
        raise Incorrect(f"`{name}` should return a list of items, best first, but it returned "
                        f"{short_repr(value)}.") from None
    if any(isinstance(item, (tuple, list)) for item in items):
        raise Incorrect(f"`{name}` returned pairs such as {short_repr(items[0])}; return only the items, best "
                        "first, without their scores.")
    return items


def _check_rrf(rrf):
    expect_callable("rrf", rrf)
    for rankings, k in RRF_CASES:
        args = (rankings, k)
        result = _as_list("rrf", call_answer("rrf", rrf, rankings, k=k), args)
        right = _fused(rankings, k)
        if _order_ok(result, right):
            continue
        shown = f"`rrf({short_repr(rankings)}, k={k})`"
        every = set().union(*map(set, rankings))
        if set(result) < every:
            raise Incorrect(f"{shown} leaves out an item that appears in only some of the rankings; every item "
                            "of every ranking gets a fused score (missing from a ranking adds nothing).")
        if _order_ok(result, _fused(rankings, k, score=lambda k, r: -r)):
            raise Incorrect(f"{shown} adds up ranks (a Borda count); reciprocal rank fusion adds 1 / (k + rank).")
        if _order_ok(result, _fused(rankings, k, start=0)):
            raise Incorrect(f"{shown}: ranks start at 1, so the top item of a ranking earns 1 / (k + 1); "
                            "enumerate(ranking, start=1).")
        if _order_ok(result[::-1], right):
            raise Incorrect(f"{shown} lists the items worst first: sort by fused score, largest first.")
        raise Incorrect(f"{shown} is not ordered by the fused score sum of 1 / (k + rank) over the rankings "
                        f"(it returned {short_repr(result)}).")
    return None


q2 = Exercise(
    "q2", "reciprocal rank fusion", ["rrf"], _check_rrf, lesson=LESSON,
    hints=[
        "Keep a dict {item: fused score}; for each ranking, enumerate(ranking, start=1) gives each item's rank.",
        "Add 1 / (k + rank) to the item's score; an item missing from a ranking gets nothing from it.",
        "Return sorted(score, key=lambda item: -score[item]).",
    ],
)


# ---------------------------------------------------------------------------- q3 binary codes


def _check_codes(codes, corpus):
    corpus = np.asarray(corpus)
    n, d = corpus.shape
    array = expect_array("codes", codes, why="The codes of all passages form one array, one row per vector.")
    if array.shape == (n, d):
        raise Incorrect(f"`codes` has one entry per dimension, shape {array.shape}: pack 8 signs into each byte "
                        "with np.packbits(..., axis=1), so that a vector takes d / 8 bytes.")
    if array.shape == (math.ceil(n / 8), d):
        raise Incorrect("`codes` packed the bits down the columns (axis 0), mixing different vectors in one "
                        "byte; pack along each row (axis=1).")
    if array.shape != (n, d // 8):
        raise Incorrect(f"`codes` has shape {array.shape}; it needs one row per corpus vector and "
                        f"{d} / 8 = {d // 8} bytes per row.")
    if array.dtype != np.uint8:
        raise Incorrect(f"`codes` has dtype {array.dtype}; packed bits are bytes (uint8), as np.packbits returns.")
    if np.array_equal(array, np.packbits(corpus > 0, axis=1)):
        return None
    if np.array_equal(array, np.packbits(corpus < 0, axis=1)) or np.array_equal(array, np.packbits(corpus <= 0, axis=1)):
        raise Incorrect("`codes` set a bit for the *negative* values; a bit is 1 where the value is above 0.")
    if np.array_equal(array, np.packbits(corpus > corpus.mean(axis=0), axis=1)) or \
            np.array_equal(array, np.packbits(corpus > corpus.mean(), axis=1)):
        raise Incorrect("`codes` compares each value with a mean; the sign code compares it with 0.")
    raise Incorrect("`codes` does not hold the signs of `corpus`: one bit per value, 1 where it is above 0, "
                    "packed 8 to a byte along each row.")


q3 = Exercise(
    "q3", "binary sign codes", ["codes"], _check_codes,
    context=["corpus"], lesson=LESSON,
    hints=[
        "`corpus > 0` is a boolean array: one bit per value.",
        "np.packbits(bits, axis=1) packs 8 of them into each byte, along each row.",
    ],
)


# ---------------------------------------------------------------------------- q4 rescoring


def _popcount_distances(query_codes, codes) -> np.ndarray:
    table = np.array([bin(b).count("1") for b in range(256)], dtype=np.int32)
    return table[np.bitwise_xor(query_codes[:, None, :], codes[None, :, :])].sum(axis=2)


def _check_rescored(rescored, corpus, queries):
    corpus = np.asarray(corpus, dtype=np.float64)
    queries = np.asarray(queries, dtype=np.float64)
    n_q = queries.shape[0]
    array = expect_array("rescored", rescored, why="One row of passage ids per query.")
    if array.shape != (n_q, K):
        raise Incorrect(f"`rescored` has shape {array.shape}; it needs one row per query and the {K} best "
                        f"passages of each: shape ({n_q}, {K}).")
    if array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and not np.all(array == np.round(array)):
            raise Incorrect("`rescored` holds fractional numbers, probably scores; give the passage ids (rows of "
                            "`corpus`), as np.argsort returns.")
        raise Incorrect(f"`rescored` should hold integer passage ids, but its dtype is {array.dtype}.")
    if np.any(array < 0) or np.any(array >= corpus.shape[0]):
        raise Incorrect(f"`rescored` holds an id outside 0..{corpus.shape[0] - 1}.")
    distances = _popcount_distances(np.packbits(queries > 0, axis=1), np.packbits(corpus > 0, axis=1))
    order = np.argsort(distances, axis=1, kind="stable")
    # The 50 best by Hamming distance; a passage tied with the 50th is also a fair candidate.
    limit = np.take_along_axis(distances, order[:, CANDIDATES - 1:CANDIDATES], axis=1)
    scores = queries @ corpus.T
    rows = np.arange(n_q)[:, None]
    got = scores[rows, array]
    if np.array_equal(array, order[:, :K]):
        raise Incorrect("`rescored` is the Hamming order itself; rescore the 50 candidates with the float "
                        "vectors (queries @ corpus[candidates].T) and keep the 10 best by that score.")
    if not np.all(distances[rows, array] <= limit):
        exact = np.argsort(-scores, axis=1, kind="stable")[:, :K]
        if np.allclose(np.sort(got, axis=1), np.sort(scores[rows, exact], axis=1)):
            raise Incorrect("`rescored` is the exact search over *all* passages; the point is to rescore only "
                            f"the {CANDIDATES} Hamming candidates of each query.")
        raise Incorrect(f"`rescored` holds passages that are not among the {CANDIDATES} nearest by Hamming "
                        "distance; take the candidates from hamming_top(..., 50) first.")
    if any(len(set(row)) != K for row in array.tolist()):
        raise Incorrect("`rescored` lists the same passage twice in a row; each row needs 10 different passages.")
    if not np.all(np.diff(got, axis=1) <= 1e-9):
        if np.all(np.diff(got, axis=1) >= -1e-9):
            raise Incorrect("`rescored` lists each query's passages worst first: sort by decreasing score.")
        raise Incorrect("`rescored` is not ordered by the float score: sort each query's candidates by "
                        "queries @ corpus[...].T, best first.")
    # Candidates strictly nearer than the 50th must all be considered; those tied with it may or
    # may not be, depending on how ties were broken. A considered candidate left out must not
    # score above the 10th kept.
    chosen = np.zeros(distances.shape, dtype=bool)
    chosen[rows, array] = True
    left_out = (distances < limit) & ~chosen
    for i in range(n_q):
        missed = left_out[i] & (scores[i] > got[i, -1] + 1e-6)
        if missed.any():
            raise Incorrect("`rescored` keeps 10 of the candidates, but not the 10 with the highest float "
                            "scores; score all 50 candidates of each query before keeping 10.")
    return None


q4 = Exercise(
    "q4", "binary codes with float rescoring", ["rescored"], _check_rescored,
    context=["corpus", "queries"], lesson=LESSON,
    hints=[
        "candidates = hamming_top(query_codes, codes, 50) gives 50 passage ids per query.",
        "corpus[candidates] has shape (n_queries, 50, d); np.einsum('qd,qcd->qc', queries, corpus[candidates]) "
        "scores them.",
        "Sort each row of scores, best first, keep 10 positions, and map them back with np.take_along_axis.",
    ],
)


# ---------------------------------------------------------------------------- q5 memory budget


def _check_budget(per_vector, choice, options, n_vectors, memory_bytes):
    value = expect_number("per_vector", per_vector, why="The budget per vector is a number of bytes.")
    right = memory_bytes / n_vectors
    if not math.isclose(value, right, rel_tol=1e-6):
        if math.isclose(value, 8 * right, rel_tol=1e-6):
            raise Incorrect("`per_vector` is in bits; the table gives bytes per vector (1 byte = 8 bits).")
        if math.isclose(value, n_vectors / memory_bytes, rel_tol=1e-6):
            raise Incorrect("`per_vector` is upside down: divide the memory by the number of vectors.")
        raise Incorrect("`per_vector` should be how many bytes each vector may take: the memory "
                        "(`memory_bytes`) shared among `n_vectors` vectors.")
    expect_type("choice", choice, str, why="Give the name of one option, a key of `options`.")
    if choice not in options:
        raise Incorrect(f"`choice` is {choice!r}, which is not a key of `options` ({', '.join(options)}).")
    size, quality = options[choice]
    if size > right:
        raise Incorrect(f"`choice` = {choice!r} takes {size} bytes per vector, more than the "
                        f"budget: {n_vectors:,} of them need {n_vectors * size / 1e9:.0f} GB.")
    if any(s <= right and q > quality for s, q in options.values()):
        raise Incorrect(f"`choice` = {choice!r} fits, but another option that fits scores a higher nDCG@10; "
                        "pick the best quality among those that fit.")
    return None


q5 = Exercise(
    "q5", "a compression for a memory budget", ["per_vector", "choice"], _check_budget,
    context=["options", "n_vectors", "memory_bytes"], lesson=LESSON,
    hints=[
        "per_vector = memory_bytes / n_vectors.",
        "An option fits when its bytes per vector are at most per_vector; among those, take the highest nDCG@10.",
    ],
)
