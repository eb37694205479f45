"""Checks for exercises/12_fine_tuning.ipynb: the triplet loss, batch-hard mining, average
precision, and engineered features standardised next to embeddings.

Every check recomputes the answer from the notebook's own data and recognises typical
mistakes (a wrong sign, a forgotten margin or ReLU, the nearest positive instead of the
farthest, precision over the whole list, unscaled features...) without giving the answer.
"""
from __future__ import annotations

import numpy as np

from course_lib.exercises import (
    as_numpy,
    Exercise,
    Incorrect,
    NotAttempted,
    expect_array,
    expect_callable,
    expect_number,
    is_blank,
    short_repr,
)

LESSON = "12"


# --- q1: the triplet loss ----------------------------------------------------------------

# Six triplets in 2-D: three already satisfied by more than the margin, one satisfied by
# less than the margin, two violated. Every typical mistake gives a different mean.
_ANCHOR = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [0.0, 3.0], [1.0, -1.0], [-2.0, 2.0]])
_POSITIVE = np.array([[0.1, 0.0], [1.0, 1.3], [2.0, 0.5], [0.0, 3.9], [1.6, -1.0], [-2.0, 2.2]])
_NEGATIVE = np.array([[2.0, 0.0], [1.4, 1.0], [2.5, 0.3], [0.0, 3.5], [4.0, -1.0], [-2.0, 3.0]])
_MARGIN = 0.2


def _triplet_variants(anchor, positive, negative, margin):
    d_ap = np.linalg.norm(anchor - positive, axis=1)
    d_an = np.linalg.norm(anchor - negative, axis=1)
    relu = lambda x: np.maximum(x, 0.0)  # noqa: E731
    return {
        "right": relu(d_ap - d_an + margin).mean(),
        "sign": (relu(d_an - d_ap + margin).mean(),
                 "the sign is reversed: the loss must grow when the *positive* is far (d(a, p) large) "
                 "and the negative close, so it is d(a, p) - d(a, n) + margin."),
        "margin": (relu(d_ap - d_an).mean(),
                   "the margin is missing: a triplet whose negative is only slightly farther than its "
                   "positive must still cost something; add `margin` inside the max."),
        "no_relu": ((d_ap - d_an + margin).mean(),
                    "the max(0, ...) (a ReLU) is missing: triplets that are already fine must contribute 0, "
                    "not a negative loss."),
        "squared": (relu(d_ap**2 - d_an**2 + margin).mean(),
                    "this uses *squared* distances; the lesson's loss uses Euclidean distances "
                    "(the square root of the sum of squares)."),
        "sum": (relu(d_ap - d_an + margin).sum(),
                "this is the *sum* over the triplets; return their mean, so the loss does not grow with the batch."),
        "margin_outside": (relu(d_ap - d_an).mean() + margin,
                           "the margin is added outside the max(0, ...): it belongs inside, so that "
                           "satisfied triplets cost exactly 0."),
    }


def _call_loss(triplet_loss, anchor, positive, negative, margin):
    import torch

    args = [torch.tensor(a, dtype=torch.float32) for a in (anchor, positive, negative)]
    shown = f"triplet_loss(<{len(anchor)} triplets>, margin={margin:g})"
    try:
        result = triplet_loss(*args, margin)
    except Exception as exc:  # the learner's code: report, never crash the check
        raise Incorrect(f"`{shown}` raised {type(exc).__name__}: {exc}") from None
    if is_blank(result):
        raise NotAttempted("`triplet_loss` still returns ____; write its body, then check again.")
    if result is None:
        raise Incorrect("`triplet_loss` returned None: end it with `return` and the mean loss.")
    result = as_numpy(result)
    if isinstance(result, np.ndarray) and result.size > 1:
        raise Incorrect(f"`{shown}` returned an array of shape {result.shape}: return one number, "
                        "the mean loss over the triplets.")
    return expect_number(shown, result, why="Return the mean loss over the triplets, one number.")


def _check_triplet_loss(triplet_loss):
    expect_callable("triplet_loss", triplet_loss)
    for anchor, positive, negative, margin in [
        (_ANCHOR, _POSITIVE, _NEGATIVE, _MARGIN),
        (_ANCHOR[:3], _POSITIVE[:3], _NEGATIVE[:3], 0.5),
    ]:
        value = _call_loss(triplet_loss, anchor, positive, negative, margin)
        variants = _triplet_variants(anchor, positive, negative, margin)
        if np.isclose(value, variants["right"], rtol=1e-4, atol=1e-5):
            continue
        for key, (wrong, explanation) in ((k, v) for k, v in variants.items() if k != "right"):
            if np.isclose(value, wrong, rtol=1e-4, atol=1e-5):
                raise Incorrect(f"`triplet_loss` gave {value:.4g} on {len(anchor)} test triplets: {explanation}")
        if value < -1e-9:
            raise Incorrect(f"`triplet_loss` gave {value:.4g}, a negative loss: each triplet's loss is "
                            "max(0, ...), never below 0.")
        raise Incorrect(f"`triplet_loss` gave {value:.4g} on {len(anchor)} test triplets (margin {margin:g}), "
                        "which is not the mean of max(0, d(a, p) - d(a, n) + margin) with Euclidean distances.")
    # Satisfied triplets cost exactly nothing.
    easy = _call_loss(triplet_loss, _ANCHOR[:1], _POSITIVE[:1], _NEGATIVE[:1], _MARGIN)
    if not np.isclose(easy, 0.0, atol=1e-6):
        raise Incorrect(f"`triplet_loss` gave {easy:.4g} for one triplet whose negative is far beyond the margin; "
                        "it should cost 0.")
    return None


q1 = Exercise(
    "q1", "the triplet loss", ["triplet_loss"], _check_triplet_loss, lesson=LESSON,
    hints=[
        "Two distances per triplet: d(a, p) between anchor and positive, d(a, n) between anchor and negative; "
        "torch.linalg.norm(anchor - positive, dim=1) gives one per row.",
        "Each triplet costs max(0, d(a, p) - d(a, n) + margin): torch.relu(...) or .clamp(min=0).",
        "Return the mean over the triplets: (...).mean().",
    ],
)


# --- q2: batch-hard mining ------------------------------------------------------------------


def _hardest(D: np.ndarray, labels: np.ndarray):
    same = labels[:, None] == labels[None, :]
    itself = np.eye(len(labels), dtype=bool)
    pos = np.where(same & ~itself, D, -np.inf)
    neg = np.where(~same, D, np.inf)
    return pos, neg


def _check_index_array(name: str, value, n: int) -> np.ndarray:
    array = as_numpy(value)
    array = expect_array(name, array, shape=(n,), why=f"One index per anchor: {n} anchors in the batch.")
    if array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and not np.all(array == np.round(array)):
            raise Incorrect(f"`{name}` holds distances, not indices: give the *position* in the batch of the "
                            "chosen image (argmax / argmin give positions).")
        raise Incorrect(f"`{name}` should hold integer indices, but its dtype is {array.dtype}.")
    if np.any(array < 0) or np.any(array >= n):
        raise Incorrect(f"`{name}` holds an index outside 0..{n - 1}; each entry is a position in the batch.")
    return array.astype(np.int64)


def _check_mining(hardest_positive, hardest_negative, D, batch_labels):
    D = np.asarray(as_numpy(D), dtype=np.float64)
    labels = np.asarray(as_numpy(batch_labels))
    n = len(labels)
    pos_idx = _check_index_array("hardest_positive", hardest_positive, n)
    neg_idx = _check_index_array("hardest_negative", hardest_negative, n)
    rows = np.arange(n)
    pos, neg = _hardest(D, labels)
    # hardest_positive
    if np.any(pos_idx == rows):
        raise Incorrect("`hardest_positive` picks the anchor itself for some anchors: an image is not its own "
                        "positive. Leave the diagonal out before taking the maximum.")
    if np.any(labels[pos_idx] != labels):
        raise Incorrect("`hardest_positive` picks an image of *another* class for some anchors: a positive has the "
                        "anchor's label. Mask out the other classes before taking the maximum.")
    chosen = D[rows, pos_idx]
    if not np.allclose(chosen, pos.max(axis=1)):
        closest = np.where(np.isfinite(pos), pos, np.inf).min(axis=1)
        if np.allclose(chosen, closest):
            raise Incorrect("`hardest_positive` picks the *closest* image of the same class; the hardest positive "
                            "is the *farthest* one (the pair the network gets most wrong).")
        wrong = int((~np.isclose(chosen, pos.max(axis=1))).sum())
        raise Incorrect(f"`hardest_positive` is not the farthest same-class image for {wrong} of the {n} anchors.")
    # hardest_negative
    if np.any(labels[neg_idx] == labels):
        raise Incorrect("`hardest_negative` picks an image of the anchor's *own* class for some anchors: a negative "
                        "has a different label. Mask out the same-class entries (with +inf) before the minimum.")
    chosen = D[rows, neg_idx]
    if not np.allclose(chosen, neg.min(axis=1)):
        farthest = np.where(np.isfinite(neg), neg, -np.inf).max(axis=1)
        if np.allclose(chosen, farthest):
            raise Incorrect("`hardest_negative` picks the *farthest* image of another class; the hardest negative "
                            "is the *closest* one (the most confusable).")
        wrong = int((~np.isclose(chosen, neg.min(axis=1))).sum())
        raise Incorrect(f"`hardest_negative` is not the closest other-class image for {wrong} of the {n} anchors.")
    return None


q2 = Exercise(
    "q2", "batch-hard mining", ["hardest_positive", "hardest_negative"], _check_mining,
    context=["D", "batch_labels"], lesson=LESSON,
    hints=[
        "same = batch_labels[:, None] == batch_labels[None, :] is True where two images share a class.",
        "For positives, replace the entries that are not candidates (other classes, and the diagonal) with -np.inf, "
        "then take np.argmax along axis=1.",
        "For negatives, replace the same-class entries with np.inf, then take np.argmin along axis=1.",
    ],
)


# --- q3: average precision ------------------------------------------------------------------


def _check_ap(ap, relevant):
    from course_lib.use.metrics import average_precision

    flags = np.asarray(relevant).astype(bool)
    value = expect_number("ap", ap, why="Average precision is one number.")
    if 1.0 < value <= 100.0:
        raise Incorrect(f"`ap` is {value:.4g}: give a fraction between 0 and 1, not a percentage.")
    if not 0.0 <= value <= 1.0:
        raise Incorrect(f"`ap` is {value:.4g}, outside [0, 1]: it is a mean of precisions, each between 0 and 1.")
    expected = average_precision(flags)
    if np.isclose(value, expected, atol=5e-4):
        return None
    n = len(flags)
    precision = np.cumsum(flags) / np.arange(1, n + 1)
    mistakes = [
        (flags.sum() / n, "that is the precision of the whole list (relevant results / results). Average precision "
                          "notes the precision at each rank where a relevant result appears, and averages those."),
        (precision.mean(), "that averages the precision at *every* rank; average only at the ranks of the relevant "
                           "results."),
        (precision[flags].sum() / n, "that divides by the length of the list; divide by the number of relevant "
                                     "results."),
        (np.mean(np.cumsum(flags)[flags] / np.arange(1, flags.sum() + 1)),
         "that divides by the relevant results seen so far instead of by the rank (all results seen so far)."),
    ]
    for wrong, explanation in mistakes:
        if np.isclose(value, wrong, atol=5e-4) and not np.isclose(wrong, expected, atol=5e-4):
            raise Incorrect(f"`ap` is {value:.3f}: {explanation}")
    raise Incorrect(f"`ap` is {value:.3f}, which is not the average precision of `relevant`. At each rank r where "
                    "relevant[r] is 1, take (relevant results up to r) / r; average those numbers.")


q3 = Exercise(
    "q3", "average precision of a ranked list", ["ap"], _check_ap, context=["relevant"], lesson=LESSON,
    hints=[
        "np.cumsum(relevant) counts the relevant results up to each rank; np.arange(1, len(relevant) + 1) is the rank.",
        "Their ratio is the precision at each rank; keep it only where relevant is 1, and take the mean.",
    ],
)


# --- q4: engineered features next to embeddings ---------------------------------------------


def _check_combined(combined, vectors, features):
    vectors = np.asarray(as_numpy(vectors), dtype=np.float64)
    features = np.asarray(as_numpy(features), dtype=np.float64)
    n, d = vectors.shape
    f = features.shape[1]
    array = expect_array("combined", combined, shape=(n, d + f), kind="fiu",
                         why=f"One row per sentence ({n}), the {d} embedding columns then the {f} feature columns "
                             "side by side (np.hstack).")
    array = array.astype(np.float64)
    if not np.allclose(array[:, :d], vectors, atol=1e-5):
        if np.allclose(array[:, f:], vectors, atol=1e-5):
            raise Incorrect(f"`combined` puts the features first; put the {d} embedding columns first, "
                            f"then the {f} feature columns.")
        raise Incorrect(f"the first {d} columns of `combined` are not `vectors` as they are: leave the embedding "
                        "columns unchanged and standardise only the engineered features.")
    block = array[:, d:]
    if np.allclose(block, features, atol=1e-6):
        raise Incorrect("the feature columns of `combined` are the raw counts: standardise each feature column "
                        "(subtract its mean, divide by its standard deviation) before stacking.")
    means, stds = block.mean(axis=0), block.std(axis=0)
    rows_std = (features - features.mean(axis=1, keepdims=True)) / features.std(axis=1, keepdims=True).clip(1e-12)
    if np.allclose(block, rows_std, atol=1e-6):
        raise Incorrect("`combined` standardises each *row* (axis=1); standardise each feature *column* (axis=0), "
                        "over all sentences.")
    if not np.allclose(means, 0.0, atol=1e-6):
        raise Incorrect("the feature columns of `combined` do not have mean 0: subtract each column's mean.")
    if not np.all((stds > np.sqrt((n - 1) / n) - 1e-3) & (stds < 1.0 + 1e-3)):  # ddof 0 or 1
        raise Incorrect("the feature columns of `combined` have mean 0 but not standard deviation 1: divide each "
                        "column by its standard deviation (features.std(axis=0)).")
    expected = (features - features.mean(axis=0)) / features.std(axis=0)
    if not (np.allclose(block, expected, atol=1e-3) or np.allclose(block, expected * np.sqrt((n - 1) / n), atol=1e-3)):
        raise Incorrect("the feature columns of `combined` are standardised but not in the order of `features`' "
                        "columns; keep the same order.")
    return None


q4 = Exercise(
    "q4", "standardised features next to embeddings", ["combined"], _check_combined,
    context=["vectors", "features"], lesson=LESSON,
    hints=[
        "Standardise each column of `features`: (features - features.mean(axis=0)) / features.std(axis=0).",
        "Then put them to the right of the embeddings: np.hstack([vectors, scaled]).",
    ],
)

__all__ = ["q1", "q2", "q3", "q4"]
