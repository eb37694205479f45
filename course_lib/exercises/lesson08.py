"""Checks for exercises/08_seeing_embeddings.ipynb: explained variance, trustworthiness, PCA by hand."""
from __future__ import annotations

import numpy as np

from course_lib.exercises import (
    Exercise,
    Incorrect,
    as_numpy,
    expect_array,
    expect_in_range,
    expect_number,
    expect_type,
    matches_printed,
)

LESSON = "08"
K = 10  # neighbours of the trustworthiness questions


def _matrix(X) -> np.ndarray:
    return np.asarray(X, dtype=np.float64)


# ---------------------------------------------------------------- q1: explained variance


def _check_explained(explained, X):
    x = _matrix(X)
    s = np.linalg.svd(x - x.mean(axis=0), compute_uv=False)
    ratio = s**2 / np.sum(s**2)
    expected = ratio[:2].sum()
    if isinstance(explained, (list, tuple, np.ndarray)) or hasattr(explained, "detach"):
        try:
            two = np.size(as_numpy(explained)) == 2
        except Exception:
            two = False
    else:
        two = False
    if two:
        raise Incorrect("`explained` holds two numbers, one per axis; add them up: the fraction of the "
                        "variance the whole 2-D map keeps.")
    value = expect_number("explained", explained)
    if np.isclose(value, 100 * expected, rtol=1e-4) or abs(value - 100 * expected) < 0.051:  # also as printed
        raise Incorrect("`explained` looks like a percentage; give a fraction between 0 and 1.")
    variances = s**2 / (len(x) - 1)
    if np.isclose(value, variances[:2].sum(), rtol=1e-4) or value > 1:
        raise Incorrect(f"`explained` is {value:.4g}, a variance rather than a share of it: divide by the "
                        "total variance (explained_variance_ratio_, not explained_variance_).")
    expect_in_range("explained", value, 0, 1, why="It is a fraction of the total variance.")
    if np.isclose(value, ratio[0], rtol=1e-4):
        raise Incorrect("`explained` counts only the first axis; the map has two.")
    if not (np.isclose(value, expected, rtol=1e-4) or matches_printed(value, expected)):
        raise Incorrect(f"`explained` is {value:.4g}, which is not the share of the variance of the first two "
                        "principal axes of `X`. Fit PCA on `X` itself (all its rows).")


# ---------------------------------------------------------------- q2: trustworthiness of a map


def _trust(X, points, k=K) -> float:
    from sklearn.manifold import trustworthiness

    return float(trustworthiness(_matrix(X), _matrix(points), n_neighbors=k))


def _check_trust(trust, X, given_map):
    value = expect_in_range("trust", trust, 0, 1, why="Trustworthiness lies between 0 and 1.")
    if matches_printed(value, _trust(X, given_map)):
        return None
    if np.isclose(value, _trust(X, given_map, k=5), atol=1e-6):
        raise Incorrect(f"`trust` uses 5 neighbours (the default); the question asks for n_neighbors={K}.")
    if np.isclose(value, _trust(given_map, X), atol=1e-6):
        raise Incorrect("`trust` swaps the two arrays: the embedding `X` comes first, the map second "
                        "(neighbours on the map are checked against neighbours in the embedding).")
    raise Incorrect(f"`trust` is {value:.4g}, which is not the trustworthiness of `given_map` for `X` with "
                    f"{K} neighbours.")


# ---------------------------------------------------------------- q3: which map is better?


def _check_better(trust_a, trust_b, better, X, map_a, map_b):
    numbers = {name: expect_in_range(name, value, 0, 1, why="Trustworthiness lies between 0 and 1.")
               for name, value in (("trust_a", trust_a), ("trust_b", trust_b))}
    right = {"trust_a": _trust(X, map_a), "trust_b": _trust(X, map_b)}
    if (matches_printed(numbers["trust_a"], right["trust_b"]) and matches_printed(numbers["trust_b"], right["trust_a"])
            and not matches_printed(numbers["trust_a"], right["trust_a"])):
        raise Incorrect("`trust_a` and `trust_b` are swapped: `trust_a` is the trustworthiness of `map_a`.")
    for name in ("trust_a", "trust_b"):
        if not matches_printed(numbers[name], right[name]):
            # the learner's value is not repeated: it may be the right value of the other map
            raise Incorrect(f"`{name}` is not the trustworthiness of `map_{name[-1]}` for `X` with "
                            f"n_neighbors={K}.")
    expect_type("better", better, str, why='Answer "a" or "b" (a string), not the map itself.')
    answer = better.strip().strip("'\"").lower().removeprefix("map_").removeprefix("map ")
    if answer not in ("a", "b"):
        raise Incorrect(f'`better` should be "a" or "b", but it is {better!r}.')
    chosen, other = ((numbers["trust_a"], numbers["trust_b"]) if answer == "a"
                     else (numbers["trust_b"], numbers["trust_a"]))
    if chosen < other:
        raise Incorrect("`better` names the map with the lower trustworthiness: more intruders among its "
                        "neighbours. Compare your two numbers again.")
    return "The map that looks tidier is not always the one whose neighbours are real."


# ---------------------------------------------------------------- q4: PCA by hand


def _same_up_to_sign(a: np.ndarray, b: np.ndarray) -> bool:
    return all(np.allclose(a[:, j], b[:, j], atol=1e-6) or np.allclose(a[:, j], -b[:, j], atol=1e-6)
               for j in range(b.shape[1]))


def _unit_columns(a: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=0)
    return a / np.where(norms > 0, norms, 1.0)


def _check_coords(coords, X):
    x = _matrix(X)
    centred = x - x.mean(axis=0)
    U, S, Vt = np.linalg.svd(centred, full_matrices=False)
    expected = U[:, :2] * S[:2]
    array = expect_array("coords", coords, shape=(len(x), 2),
                         why="One row per row of `X`, one column per principal axis.").astype(float)
    if _same_up_to_sign(array, expected):
        return "Each axis may point either way: a sign flip is as right as the other."
    Ur, Sr, Vtr = np.linalg.svd(x, full_matrices=False)
    if _same_up_to_sign(array, Ur[:, :2] * Sr[:2]) or _same_up_to_sign(array, x @ Vtr[:2].T):
        raise Incorrect("`coords` comes from the SVD of `X` itself: centre it first (subtract the mean of "
                        "each column), or the first axis just points at the mean instead of along the spread.")
    if _same_up_to_sign(array, x @ Vt[:2].T):
        raise Incorrect("`coords` projects the raw `X` on the right axes: project the *centred* data, so the "
                        "map sits around the origin.")
    if _same_up_to_sign(array[:, ::-1], expected):
        raise Incorrect("`coords` has its two columns in the wrong order: the first column is the widest axis "
                        "(the largest singular value), the second the next.")
    if _same_up_to_sign(_unit_columns(array), U[:, :2]):
        if np.allclose(np.linalg.norm(array, axis=0), 1.0, atol=1e-6):
            raise Incorrect("`coords` points along the right axes but each column has length 1: multiply the "
                            "columns of U by the singular values S (or project the centred data on Vt's rows).")
        raise Incorrect("`coords` points along the right axes but each column is rescaled (as whitening does): "
                        "keep the centred data's own coordinates, centred @ Vt[:2].T.")
    if _same_up_to_sign(array, centred @ Vt[:, :2]):
        raise Incorrect("`coords` uses the first two *columns* of Vt; the principal axes are its first two "
                        "rows (Vt[:2], transposed for the product).")
    raise Incorrect("`coords` is not the centred data's coordinates along the first two principal axes.")


q1 = Exercise(
    "q1", "explained variance of a 2-D PCA map", ["explained"], _check_explained, context=["X"], lesson=LESSON,
    hints=["sklearn.decomposition.PCA(n_components=2).fit(X) fits the axes.",
           "The fitted model's explained_variance_ratio_ holds one share per axis: add the two up."],
)
q2 = Exercise(
    "q2", "trustworthiness of a map", ["trust"], _check_trust, context=["X", "given_map"], lesson=LESSON,
    hints=["sklearn.manifold.trustworthiness compares neighbours in the embedding with neighbours on the map.",
           f"The embedding comes first, the map second, and n_neighbors={K}."],
)
q3 = Exercise(
    "q3", "which map keeps neighbours better", ["trust_a", "trust_b", "better"], _check_better,
    context=["X", "map_a", "map_b"], lesson=LESSON,
    hints=[f"Compute the trustworthiness of each map for X with n_neighbors={K}, as in q2.",
           'better is "a" when trust_a is the larger, else "b".'],
)
q4 = Exercise(
    "q4", "PCA by hand with the SVD", ["coords"], _check_coords, context=["X"], lesson=LESSON,
    hints=["Centre X first: X - X.mean(axis=0).",
           "U, S, Vt = np.linalg.svd(centred, full_matrices=False); the rows of Vt are the principal axes.",
           "The coordinates are centred @ Vt[:2].T, the same as U[:, :2] * S[:2]."],
)
