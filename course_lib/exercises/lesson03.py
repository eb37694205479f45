"""Checks for exercises/03_word2vec_from_scratch.ipynb: noise, sub-sampling, the loss, the pairs.

The checks compare answers with the lesson's own versions of the four pieces, which live in
:mod:`course_lib.embed.word2vec` (the practice notebook trains with them too, so its later
cells never depend on a learner's answer).
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from course_lib.embed import word2vec as lesson
from course_lib.exercises import (
    Exercise,
    Incorrect,
    NotAttempted,
    expect_array,
    expect_callable,
    is_blank,
)
from course_lib.exercises import _describe

LESSON = "03"


# ---------------------------------------------------------------- q1: noise distribution


def _check_noise(noise_probs, counts):
    counts = np.asarray(counts, dtype=np.float64)
    array = expect_array("noise_probs", noise_probs, shape=counts.shape,
                         why="One probability per vocabulary word, in the order of `counts`.")
    array = array.astype(np.float64)
    expected = lesson.noise_distribution(counts)
    if np.allclose(array, expected, rtol=1e-5, atol=1e-12):
        return None
    if (array < 0).any():
        raise Incorrect("`noise_probs` has negative values; probabilities are never negative.")
    if not np.isclose(array.sum(), 1.0, rtol=1e-4):
        if np.allclose(array / array.sum(), expected, rtol=1e-5, atol=1e-12):
            raise Incorrect(f"`noise_probs` sums to {array.sum():.4g}, not 1: divide the weights by their sum "
                            "(normalise after raising to the power).")
        raise Incorrect(f"`noise_probs` sums to {array.sum():.4g}; a probability distribution sums to 1.")
    if np.allclose(array, counts / counts.sum(), rtol=1e-5, atol=1e-12):
        raise Incorrect("`noise_probs` is the plain unigram distribution: raise the counts to the power 0.75 "
                        "before normalising.")
    if np.allclose(array, lesson.noise_distribution(counts, 4 / 3), rtol=1e-5, atol=1e-12) or \
            np.allclose(array, lesson.noise_distribution(counts, 0.25), rtol=1e-5, atol=1e-12):
        raise Incorrect("`noise_probs` uses the wrong power: the exponent is 0.75 (3/4).")
    if np.argmax(array) != np.argmax(expected):
        raise Incorrect("`noise_probs` should still give the most probability to the most frequent word.")
    raise Incorrect("`noise_probs` sums to 1 but its values are off: weight each word by count ** 0.75.")


# ---------------------------------------------------------------- q2: sub-sampling


def _check_keep(keep_probs, counts, t):
    counts = np.asarray(counts, dtype=np.float64)
    array = expect_array("keep_probs", keep_probs, shape=counts.shape,
                         why="One probability per vocabulary word, in the order of `counts`.")
    array = array.astype(np.float64)
    expected = lesson.keep_probabilities(counts, t)
    if np.allclose(array, expected, rtol=1e-6, atol=1e-12):
        return None
    f = counts / counts.sum()
    ratio = t / f
    if (array > 1 + 1e-9).any():
        if np.allclose(array, np.sqrt(ratio) + ratio, rtol=1e-6):
            raise Incorrect("`keep_probs` has values above 1 (for rare words): a probability is at most 1, "
                            "so clip it with np.minimum(1, ...).")
        raise Incorrect("`keep_probs` has values above 1; a probability is at most 1.")
    if (array < 0).any():
        raise Incorrect("`keep_probs` has negative values; probabilities are never negative.")
    if np.allclose(array, np.maximum(0.0, 1 - np.sqrt(ratio)), rtol=1e-6, atol=1e-12) or \
            np.allclose(array, 1 - expected, rtol=1e-6, atol=1e-12):
        raise Incorrect("`keep_probs` looks like the probability of *dropping* a word; the question asks "
                        "for the probability of keeping it.")
    if np.allclose(array, np.minimum(1.0, np.sqrt(ratio)), rtol=1e-6, atol=1e-12):
        raise Incorrect("`keep_probs` uses the paper's formula, sqrt(t / f); this lesson uses the variant of "
                        "word2vec's code (and gensim), which adds t / f.")
    raw = t / counts
    if np.allclose(array, np.minimum(1.0, np.sqrt(raw) + raw), rtol=1e-6, atol=1e-12):
        raise Incorrect("`keep_probs` uses raw counts for f; f is a frequency: each count divided by the "
                        "total number of tokens.")
    if array[np.argmax(counts)] > array[np.argmin(counts)]:
        raise Incorrect("`keep_probs` keeps the most frequent word more often than the rarest; sub-sampling "
                        "should drop frequent words more.")
    raise Incorrect("`keep_probs` has values in [0, 1] in a sensible order, but they are not "
                    "min(1, sqrt(t / f) + t / f).")


# ---------------------------------------------------------------- q3: the loss


def _loss_cases():
    import torch

    generator = torch.Generator().manual_seed(3)
    cases = []
    for batch, k, dim, scale in [(1, 1, 2, 1.0), (4, 5, 3, 0.5), (8, 3, 6, 2.0)]:
        center = torch.randn(batch, dim, generator=generator) * scale
        context = torch.randn(batch, dim, generator=generator) * scale
        negatives = torch.randn(batch, k, dim, generator=generator) * scale
        cases.append((center, context, negatives))
    return cases


def _variants(center, context, negatives):
    import torch.nn.functional as F

    pos = (center * context).sum(-1)
    neg = (negatives * center.unsqueeze(1)).sum(-1)
    right = -(F.logsigmoid(pos) + F.logsigmoid(-neg).sum(-1))
    return {
        "negated": float(-right.mean()),
        "negative sign": float(-(F.logsigmoid(pos) + F.logsigmoid(neg).sum(-1)).mean()),
        "batch sum": float(right.sum()),
        "negatives mean": float(-(F.logsigmoid(pos) + F.logsigmoid(-neg).mean(-1)).mean()),
        "no log": float(-(F.sigmoid(pos) + F.sigmoid(-neg).sum(-1)).mean()),
        "positive only": float(-F.logsigmoid(pos).mean()),
        "negatives with context": float(-(F.logsigmoid(pos) + F.logsigmoid(
            -(negatives * context.unsqueeze(1)).sum(-1)).sum(-1)).mean()),
    }


_VARIANT_MESSAGES = {
    "negated": "`sgns_loss` has the wrong overall sign: the loss is the *negative* log-likelihood, so it is "
               "positive and training makes it smaller.",
    "negative sign": "`sgns_loss` gets the negatives' sign wrong: a noise word should have a *low* score, so its "
                     "term is log sigmoid(-score), with a minus inside.",
    "batch sum": "`sgns_loss` adds up the losses of the pairs; average them over the batch (.mean()) so the "
                 "learning rate does not depend on the batch size.",
    "negatives mean": "`sgns_loss` averages over the k negatives; the formula adds up their k terms "
                      "(.sum(dim=-1)), then averages over the batch.",
    "no log": "`sgns_loss` uses sigmoid where the formula has log sigmoid (F.logsigmoid).",
    "positive only": "`sgns_loss` leaves out the negative samples' terms.",
    "negatives with context": "`sgns_loss` scores the negatives against the *context* vectors; a noise word "
                              "replaces the context, so score it against the center vector.",
}


def _check_loss(sgns_loss):
    import torch

    expect_callable("sgns_loss", sgns_loss)
    for center, context, negatives in _loss_cases():
        shapes = f"center {tuple(center.shape)}, context {tuple(context.shape)}, negatives {tuple(negatives.shape)}"
        leaves = [x.clone().requires_grad_(True) for x in (center, context, negatives)]
        try:
            result = sgns_loss(*leaves)
        except Exception as exc:  # the learner's code: report it, never crash the check
            raise Incorrect(f"`sgns_loss` raised {type(exc).__name__} on tensors of shapes {shapes}: {exc}") from None
        if is_blank(result):
            raise NotAttempted("`sgns_loss` still returns ____; write its body, then check again.")
        if not isinstance(result, torch.Tensor):
            raise Incorrect(f"`sgns_loss` returned {_describe(result)}; return a torch tensor (no .item()), "
                            "so that loss.backward() can train the model.")
        if result.numel() != 1:
            raise Incorrect(f"`sgns_loss` returned a tensor of shape {tuple(result.shape)} on {shapes}; it should "
                            "return one number, the mean loss of the batch.")
        if result.grad_fn is None:
            raise Incorrect("`sgns_loss` returned a tensor that autograd cannot trace back to the vectors; "
                            "compute it with torch operations on the inputs (no NumPy, no .detach()).")
        value = float(result.detach())
        expected = float(lesson.sgns_loss(center, context, negatives))
        if abs(value - expected) <= 1e-4 * max(1.0, abs(expected)):
            continue
        for name, other in _variants(center, context, negatives).items():
            if abs(value - other) <= 1e-4 * max(1.0, abs(other)):
                raise Incorrect(_VARIANT_MESSAGES[name])
        raise Incorrect(f"`sgns_loss` gives {value:.4g} on a batch with {shapes}, which is not the "
                        "negative-sampling loss of that batch.")
    return None


# ---------------------------------------------------------------- q4: pairs


def _pairs_cases():
    return [
        (["a", "b", "c", "d", "e", "f"], 2),
        (["a", "b", "c", "d"], 1),
        (["x", "y", "z"], 5),
        (["the", "cat", "and", "the", "dog"], 2),
        (["solo"], 3),
    ]


def _pair_variants(sentence, window):
    n = len(sentence)
    both = lambda lo, hi, keep_self=False: [  # noqa: E731
        (sentence[i], sentence[j]) for i in range(n) for j in range(max(0, i - hi), min(n, i + hi + 1))
        if (keep_self or j != i) and abs(i - j) >= lo
    ]
    return {
        "short": both(1, window - 1),
        "long": both(1, window + 1),
        "self": both(0, window, keep_self=True),
        "right only": [(sentence[i], sentence[j]) for i in range(n) for j in range(i + 1, min(n, i + window + 1))],
        "left only": [(sentence[i], sentence[j]) for i in range(n) for j in range(max(0, i - window), i)],
        "wrapped": [(sentence[i], sentence[j]) for i in range(n) for j in range(i - window, min(n, i + window + 1))
                    if j != i],
    }


_PAIR_MESSAGES = {
    "short": "off by one: contexts exactly `window` positions away are missing (range(a, b) stops before b).",
    "long": "off by one: it includes contexts `window + 1` positions away.",
    "self": "a word is paired with itself; the center is not its own context (skip j == i).",
    "right only": "it only pairs each center with the words *after* it; contexts on both sides count.",
    "left only": "it only pairs each center with the words *before* it; contexts on both sides count.",
    "wrapped": "it pairs words at the start with words at the end: a negative index wraps around in Python; "
               "start the window at max(0, i - window).",
}


def _check_pairs(skipgram_pairs):
    expect_callable("skipgram_pairs", skipgram_pairs)
    for sentence, window in _pairs_cases():
        shown = f"skipgram_pairs({sentence!r}, {window})"
        try:
            result = skipgram_pairs(list(sentence), window)
        except Exception as exc:  # the learner's code: report it, never crash the check
            raise Incorrect(f"`{shown}` raised {type(exc).__name__}: {exc}") from None
        if is_blank(result):
            raise NotAttempted("`skipgram_pairs` still returns ____; write its body, then check again.")
        try:
            pairs = [tuple(p) for p in result]
        except TypeError:
            raise Incorrect(f"`{shown}` should return a list of (center, context) tuples.") from None
        if any(len(p) != 2 for p in pairs):
            raise Incorrect(f"`{shown}` should return (center, context) pairs of two words each.")
        got = Counter(pairs)
        if got == Counter(lesson.skipgram_pairs(sentence, window)):
            continue
        for name, variant in _pair_variants(sentence, window).items():
            if got == Counter(variant):
                raise Incorrect(f"`{shown}`: {_PAIR_MESSAGES[name]}")
        if set(got) == set(lesson.skipgram_pairs(sentence, window)):
            raise Incorrect(f"`{shown}` has the right pairs but not the right number of each: a pair that occurs "
                            "twice in the sentence counts twice (use a list, not a set).")
        raise Incorrect(f"`{shown}` returned {len(pairs)} pairs, which are not the pairs of each word with the "
                        f"words at most {window} positions before or after it.")
    return None


q1 = Exercise(
    "q1", "the unigram^0.75 noise distribution", ["noise_probs"], _check_noise, context=["counts"], lesson=LESSON,
    hints=["Raise the counts to the power 0.75: counts ** 0.75.",
           "Then normalise: divide by the sum, so the probabilities add up to 1."],
)
q2 = Exercise(
    "q2", "sub-sampling keep probabilities", ["keep_probs"], _check_keep, context=["counts", "t"], lesson=LESSON,
    hints=["The frequency of a word is its count divided by counts.sum().",
           "keep = sqrt(t / f) + t / f, element-wise with np.sqrt.",
           "Rare words give values above 1: np.minimum(1.0, keep) clips them."],
)
q3 = Exercise(
    "q3", "the negative-sampling loss", ["sgns_loss"], _check_loss, lesson=LESSON,
    hints=["The score of the real pair is (center_vectors * context_vectors).sum(dim=-1), shape (B,).",
           "The scores of the negatives: (negative_vectors * center_vectors.unsqueeze(1)).sum(dim=-1), shape (B, k).",
           "Loss = -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(dim=-1)), then .mean() over the batch."],
)
q4 = Exercise(
    "q4", "skip-gram pairs from a sentence", ["skipgram_pairs"], _check_pairs, lesson=LESSON,
    hints=["Loop over the center position i, then over the context position j.",
           "j runs from max(0, i - window) to min(len(sentence), i + window + 1) (the end is excluded).",
           "Skip j == i: a word is not its own context."],
)
