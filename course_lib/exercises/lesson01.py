"""Checks for exercises/01_vectors_and_similarity.ipynb: cosine, distances, nearest neighbours.

Every check recomputes the right answer from the notebook's own data (``X``,
``query_index``, ``labels``) and recognises a few typical mistakes (the dot product in
place of cosine, squared distances, the query counted as its own neighbour, an ascending
sort...) so that the feedback can say what went wrong without giving the answer away.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from course_lib.exercises import (
    call_answer,
    Exercise,
    Incorrect,
    short_repr,
    expect_array,
    expect_callable,
    expect_cases,
    expect_in_range,
    expect_number,
)
from course_lib.use.search import METRICS

LESSON = "01"


# ---------------------------------------------------------------------------- helpers


def _matrix(X: Any) -> np.ndarray:
    return np.asarray(X, dtype=np.float64)


def _cosine_to(X: np.ndarray, index: int) -> np.ndarray:
    """Cosine similarity of every row of X to row ``index``."""
    norms = np.linalg.norm(X, axis=1)
    return (X @ X[index]) / (norms * norms[index])


def _top(scores: np.ndarray, index: int, k: int = 5, largest: bool = True) -> np.ndarray:
    """Indices of the k best scores, leaving out ``index``; ties go to the lower index."""
    scores = np.array(scores, dtype=np.float64)
    scores[index] = -np.inf if largest else np.inf
    order = np.argsort(-scores if largest else scores, kind="stable")
    return order[:k]


def loo_1nn_accuracy(X: Any, labels: Any, metric: str) -> float:
    """Leave-one-out 1-nearest-neighbour accuracy of ``X`` (n, d) under ``metric``.

    Each row is classified by the label of its nearest *other* row.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [0.1, 1.0], [1.0, 0.0], [1.0, 0.1]])
    >>> loo_1nn_accuracy(X, np.array([0, 0, 1, 1]), "cosine")
    1.0
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    X = _matrix(X)
    labels = np.asarray(labels)
    dot = X @ X.T
    if metric == "dot":
        scores, largest = dot, True
    elif metric == "cosine":
        norms = np.linalg.norm(X, axis=1)
        scores, largest = dot / np.outer(norms, norms), True
    else:
        squared = np.einsum("ij,ij->i", X, X)
        scores, largest = np.maximum(squared[:, None] + squared[None, :] - 2 * dot, 0.0), False
    np.fill_diagonal(scores, -np.inf if largest else np.inf)
    nearest = scores.argmax(axis=1) if largest else scores.argmin(axis=1)
    return float(np.mean(labels[nearest] == labels))


def _farthest_accuracy(X: np.ndarray, labels: Any, metric: str) -> float:
    """The accuracy of a mistake: each digit takes the label of its *farthest* other digit."""
    labels = np.asarray(labels)
    dot = X @ X.T
    if metric == "euclidean":
        squared = np.einsum("ij,ij->i", X, X)
        scores = -np.maximum(squared[:, None] + squared[None, :] - 2 * dot, 0.0)  # larger = nearer
    elif metric == "cosine":
        norms = np.linalg.norm(X, axis=1)
        scores = dot / np.outer(norms, norms)
    else:
        scores = dot
    np.fill_diagonal(scores, np.inf)
    return float(np.mean(labels[scores.argmin(axis=1)] == labels))


# ---------------------------------------------------------------------------- q1 cosine


_U = np.array([1.0, 2.0, 2.0])  # length 3
_V = np.array([2.0, 0.0, 1.0])  # length sqrt(5); u @ v = 4


def _check_cosine(cosine):
    expect_callable("cosine", cosine)
    result = call_answer("cosine", cosine, _U, _V)
    shown = f"cosine({short_repr(_U)}, {short_repr(_V)})"
    value = expect_number(shown, result, why="`cosine` should return one number for two vectors.")
    dot = float(_U @ _V)
    nu, nv = float(np.linalg.norm(_U)), float(np.linalg.norm(_V))
    mistakes = [
        (dot, "that is the dot product u @ v. Cosine similarity divides it by the lengths of both vectors."),
        (dot / nu, "that divides the dot product by the length of `u` only; divide by the length of `v` too."),
        (dot / nv, "that divides the dot product by the length of `v` only; divide by the length of `u` too."),
        (dot / (nu**2 * nv**2), "that divides by the *squared* lengths (sums of squares); "
                                "a length is the square root of the sum of squares, np.linalg.norm(u)."),
        (dot / (nu + nv), "that divides the dot product by the *sum* of the lengths; divide by their product."),
        (dot / nu * nv, "that divides by the length of `u` and then *multiplies* by the length of `v`: put the "
                        "product of the lengths in parentheses, u @ v / (norm(u) * norm(v))."),
        (1 - dot / (nu * nv), "that is the cosine *distance*, 1 minus the similarity; return the similarity itself."),
        (float(np.linalg.norm(_U - _V)), "that is the Euclidean distance between u and v, not their cosine similarity."),
    ]
    expected = dot / (nu * nv)
    if not np.isclose(value, expected, rtol=1e-6):
        for wrong, explanation in mistakes:
            if np.isclose(value, wrong, rtol=1e-6):
                raise Incorrect(f"`{shown}` returned {value:.4g}; {explanation}")
        if np.isclose(value, expected, rtol=0, atol=0.006):
            raise Incorrect(f"`{shown}` returned a value close to the right one but not exact: it looks rounded. "
                            "Return the value as computed; round only when you print it.")
    near_one = lambda r: np.isclose(float(r), 1.0, atol=1e-6)  # noqa: E731
    expect_cases("cosine", cosine, [
        ((np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])), near_one,
         "vectors pointing the same way (one is twice the other) have cosine similarity 1."),
        ((np.array([3.0, 4.0]), np.array([30.0, 40.0])), near_one,
         "scaling a vector does not change its direction, so the cosine similarity stays 1."),
        ((np.array([1.0, 0.0]), np.array([0.0, 5.0])), lambda r: np.isclose(float(r), 0.0, atol=1e-6),
         "perpendicular (orthogonal) vectors have cosine similarity 0."),
        ((np.array([1.0, -2.0, 0.5]), np.array([-1.0, 2.0, -0.5])), lambda r: np.isclose(float(r), -1.0, atol=1e-6),
         "vectors pointing in opposite directions have cosine similarity -1."),
        ((_U, _V), lambda r: np.isclose(float(r), expected, rtol=1e-6),
         "the dot product divided by the product of both lengths is not what came out."),
        ((np.array([1, 2, 2]), np.array([2, 0, 1])), lambda r: np.isclose(float(r), expected, rtol=1e-6),
         "it should work for integer arrays too and give the dot product divided by both lengths."),
    ])


# ---------------------------------------------------------------------------- q2 distances


def _check_distances(distances, X, query_index):
    X = _matrix(X)
    n, d = X.shape
    array = np.asarray(distances) if not hasattr(distances, "detach") else distances.detach().cpu().numpy()
    if array.shape == (d,) and d != n:
        raise Incorrect(
            f"`distances` has shape ({d},): one value per *pixel*. Sum the squared differences over each row "
            f"(axis=1), so that you get one distance per image: shape ({n},)."
        )
    if array.shape in ((n, 1), (1, n)):
        raise Incorrect(
            f"`distances` has shape {array.shape}, a {'column' if array.shape == (n, 1) else 'row'} of a matrix; "
            f"the question asks for one flat array of {n} distances: .ravel() (or np.linalg.norm(..., axis=1)) "
            "gives shape (n,)."
        )
    if array.shape == (n, d):
        raise Incorrect(
            f"`distances` has shape ({n}, {d}): these are differences per pixel. Square them, sum over each "
            f"row (axis=1) and take the square root, to get one distance per image: shape ({n},)."
        )
    array = expect_array("distances", distances, shape=(n,), kind="fiu",
                         why="It needs one distance from the query to each row of `X`.")
    array = array.astype(np.float64)
    expected = np.linalg.norm(X - X[query_index], axis=1)
    if np.allclose(array, expected, rtol=1e-5, atol=1e-6):
        return None
    if np.allclose(array, expected**2, rtol=1e-5, atol=1e-6):
        raise Incorrect("`distances` holds *squared* distances: take the square root of the sum of squares (np.sqrt).")
    if np.allclose(array, np.abs(X - X[query_index]).sum(axis=1), rtol=1e-5, atol=1e-6):
        raise Incorrect(
            "`distances` sums the absolute differences (the Manhattan or L1 distance). The Euclidean distance "
            "squares the differences, sums them, and takes the square root."
        )
    if np.isclose(array[query_index], 1.0, atol=1e-6) and array.max() <= 1.0 + 1e-6:
        raise Incorrect(
            "`distances` looks like similarities (1 for the query itself). A distance is 0 from the query "
            "to itself and grows as images differ."
        )
    if not np.isclose(array[query_index], 0.0, atol=1e-6):
        raise Incorrect(
            f"`distances[query_index]` is {array[query_index]:.4g}, but the distance from the query to itself "
            "must be 0. Did you measure from `query = X[query_index]`?"
        )
    if np.any(array < -1e-9):
        raise Incorrect("`distances` has negative values; a Euclidean distance is never negative.")
    wrong = int((~np.isclose(array, expected, rtol=1e-5, atol=1e-6)).sum())
    raise Incorrect(
        f"`distances` has the right shape, but {wrong} of its {n} values are off. For each row x of `X`, "
        "the Euclidean distance is the square root of the sum of (x - query) ** 2."
    )


# ---------------------------------------------------------------------------- q3 top5


def _check_top5(top5, X, query_index):
    X = _matrix(X)
    n = len(X)
    if isinstance(top5, (set, frozenset)):
        raise Incorrect("`top5` is a set, which has no order; the question asks for the indices most similar "
                        "first: use a list or an array.")
    array = expect_array("top5", top5, shape=(5,), why="Give the indices (row numbers in `X`) of five digits.")
    if array.dtype.kind == "f" and np.all(array == np.round(array)) and np.all(array >= 0):
        array = array.astype(np.int64)  # whole numbers stored as floats are indices all the same
    if array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and np.all(array >= -1) and np.all(array <= 1) and not np.all(array == np.round(array)):
            raise Incorrect("`top5` holds similarity values; give the *indices* of the five digits (np.argsort gives indices).")
        raise Incorrect(f"`top5` should hold integer indices (row numbers in `X`), but its dtype is {array.dtype}.")
    if np.any(array < 0) or np.any(array >= n):
        raise Incorrect(f"`top5` holds an index outside 0..{n - 1}; each entry must be a row number of `X`.")
    if len(set(array.tolist())) != 5:
        raise Incorrect("`top5` holds the same index twice; it needs five different digits.")
    if query_index in array:
        raise Incorrect(
            "`top5` includes `query_index`, the query itself: every image is most similar to itself. "
            "Leave the query out before picking the five best."
        )
    sims = _cosine_to(X, query_index)
    best = _top(sims, query_index, largest=True)
    others = np.delete(sims, query_index)
    got = sims[array]
    # Compare similarity values, not indices, so that exact ties may go either way.
    if np.allclose(got, sims[best], rtol=0, atol=1e-9):
        return None
    if np.allclose(np.sort(got)[::-1], sims[best], rtol=0, atol=1e-9):
        raise Incorrect("`top5` holds the right five digits, but not most similar first: sort by decreasing similarity.")
    if np.allclose(np.sort(got), np.sort(others)[:5], rtol=0, atol=1e-9):
        raise Incorrect(
            "`top5` holds the five *least* similar digits: np.argsort sorts ascending, so reverse the order "
            "(or sort the negated similarities) to put the most similar first."
        )
    chosen = set(array.tolist())
    # A mistake may also skip the first entry instead of the query ([1:6]): look at the best six.
    dot_best = _top(X @ X[query_index], query_index, k=6, largest=True)
    if chosen <= set(dot_best.tolist()) | {query_index}:
        raise Incorrect(
            "`top5` are the five largest *dot products* with the query. Cosine similarity divides each dot product "
            "by both lengths, so images with a lot of ink do not win just for being bright."
        )
    euclid_best = _top(np.linalg.norm(X - X[query_index], axis=1), query_index, k=5, largest=False)
    if chosen == set(euclid_best.tolist()):
        raise Incorrect("`top5` are the five nearest digits by *Euclidean distance*; this question asks for cosine similarity.")
    found = int(np.isin(np.round(got, 12), np.round(sims[best], 12)).sum())
    raise Incorrect(
        f"only {found} of the digits in `top5` are among the five most cosine-similar to the query. "
        "Compute the cosine similarity of the query with every row of `X`, leave the query out, and take the largest."
    )


# ---------------------------------------------------------------------------- q4 accuracy


def _check_accuracy(metric, accuracy, X, labels):
    if not isinstance(metric, str) or metric not in METRICS:
        raise Incorrect(f"`metric` should be one of {', '.join(repr(m) for m in METRICS)} (a string), but it is {short_repr(metric)}.")
    value = expect_number("accuracy", accuracy, why="It is the fraction of digits whose nearest neighbour has the same label.")
    if value > 1.0 and value == int(value) and value <= len(labels):
        raise Incorrect(f"`accuracy` is {value:.0f}, a count of digits: divide by the number of digits to get a "
                        "fraction between 0 and 1 (or take np.mean of the matches).")
    if 1.0 < value <= 100.0:
        raise Incorrect(f"`accuracy` is {value:.4g}: give a fraction between 0 and 1, not a percentage.")
    expect_in_range("accuracy", value, 0.0, 1.0, why="An accuracy is a fraction of digits.")
    X = _matrix(X)
    n = len(X)
    tolerance = 1.5 / n  # one digit either way: exact ties may be broken differently
    expected = {m: loo_1nn_accuracy(X, labels, m) for m in METRICS}
    if abs(value - expected[metric]) <= tolerance:
        return f"With {metric}, {value:.1%} of the digits have a nearest neighbour with the same label."
    if abs(value - (1.0 - expected[metric])) <= tolerance:
        raise Incorrect("`accuracy` is the fraction of digits whose nearest neighbour has *another* label (the "
                        "error rate); count the digits whose neighbour has the *same* label.")
    if value >= 1.0 - 0.5 / n:
        raise Incorrect(
            "`accuracy` is 1: every digit found itself as its nearest neighbour. Leave each digit out of its own "
            "neighbours (np.fill_diagonal with -np.inf for a similarity, np.inf for a distance)."
        )
    for other in METRICS:
        if other != metric and abs(value - expected[other]) <= 0.5 / n and abs(expected[other] - expected[metric]) > tolerance:
            raise Incorrect(f"`accuracy` matches the '{other}' metric, but `metric` says '{metric}'. Make the two agree.")
    largest = metric != "euclidean"
    if abs(value - _farthest_accuracy(X, labels, metric)) <= tolerance:
        raise Incorrect(f"`accuracy` uses each digit's *farthest* other digit: with '{metric}', the nearest has the "
                        f"{'largest similarity (argmax)' if largest else 'smallest distance (argmin)'}.")
    raise Incorrect(
        f"`accuracy` is {value:.4g}, which is not the leave-one-out 1-NN accuracy with '{metric}'. For every digit, "
        f"find the other digit with the {'largest similarity' if largest else 'smallest distance'}, "
        "and count how often its label is the same."
    )


# ---------------------------------------------------------------------------- the questions


q1 = Exercise(
    "q1", "cosine similarity of two vectors", ["cosine"], _check_cosine, lesson=LESSON,
    hints=[
        "Cosine similarity is the dot product of u and v divided by the product of their lengths.",
        "u @ v is the dot product; np.linalg.norm(u) is the length of u.",
    ],
)
q2 = Exercise(
    "q2", "Euclidean distances to every digit", ["distances"], _check_distances,
    context=["X", "query_index"], lesson=LESSON,
    hints=[
        "X - query subtracts the query from every row at once (broadcasting).",
        "Square the differences, sum over axis=1 (the pixels), then take np.sqrt; "
        "or use np.linalg.norm(..., axis=1).",
    ],
)
q3 = Exercise(
    "q3", "the five most cosine-similar digits", ["top5"], _check_top5,
    context=["X", "query_index"], lesson=LESSON,
    hints=[
        "First compute the cosine similarity of the query with every row of X: one number per digit.",
        "np.linalg.norm(X, axis=1) gives the length of every row. The query is most similar to itself: "
        "set its own similarity to -np.inf before sorting.",
        "np.argsort sorts ascending; np.argsort(-similarities) puts the largest first. Keep the first five.",
    ],
)
q4 = Exercise(
    "q4", "leave-one-out 1-NN accuracy", ["metric", "accuracy"], _check_accuracy,
    context=["X", "labels"], lesson=LESSON,
    hints=[
        "Build the full matrix of similarities (or distances) between all digits, as in the lesson.",
        "Each digit is its own best match: np.fill_diagonal(scores, -np.inf) for a similarity "
        "(np.inf for a distance) leaves it out.",
        "argmax (or argmin for a distance) along axis=1 gives each digit's nearest neighbour; "
        "compare labels[nearest] with labels and take the mean.",
    ],
)
