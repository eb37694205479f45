"""The four pieces of skip-gram with negative sampling, as lesson 03 writes them.

Lesson 03 writes each piece out in its own cells; these are the same pieces, kept here so
that practice notebook 03 trains with the lesson's versions (never with a learner's
answer) and its checks (:mod:`course_lib.exercises.lesson03`) compare answers with them.
``tests/test_word2vec.py`` checks that they give what the lesson's own cells give.

- :func:`noise_distribution`: the unigram^0.75 distribution negatives are drawn from;
- :func:`keep_probabilities`: word2vec's sub-sampling of frequent words;
- :func:`sgns_loss`: the negative-sampling loss of a batch (torch);
- :func:`skipgram_pairs`: every (center, context) pair of a sentence within a window.

Example (practice notebook 03)::

    keep = keep_probabilities(vocab.counts, t=1e-4)
    noise = torch.from_numpy(noise_distribution(vocab.counts))
    pairs = skipgram_pairs(vocab.encode(article).tolist(), window=2)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course_lib._utils import is_integer

if TYPE_CHECKING:  # imported lazily: only the loss needs torch
    import torch

__all__ = ["keep_probabilities", "noise_distribution", "sgns_loss", "skipgram_pairs"]


def _counts(counts: Any) -> np.ndarray:
    array = np.asarray(counts, dtype=np.float64)
    if array.ndim != 1 or len(array) == 0 or not np.all(np.isfinite(array)) or np.any(array < 0) \
            or array.sum() <= 0:
        raise ValueError("counts must be a non-empty 1-D array of non-negative counts, one per word "
                         f"(such as vocab.counts), with a positive total; got {counts!r:.80}")
    return array


def noise_distribution(counts: Any, power: float = 0.75) -> np.ndarray:
    """Probability of drawing each word as a negative: ``counts ** power``, normalised.

    Parameters
    ----------
    counts : array_like of shape (n_words,)
        How often each word occurs.
    power : float
        0.75 in word2vec: rare words are drawn more often than their frequency says.

    Returns
    -------
    ndarray of float64, shape (n_words,)
        Sums to 1.

    Examples
    --------
    >>> noise_distribution([1, 16], power=0.5).tolist()
    [0.2, 0.8]
    """
    weights = _counts(counts) ** power
    return weights / weights.sum()


def keep_probabilities(counts: Any, t: float) -> np.ndarray:
    """word2vec's sub-sampling (its C code, gensim): keep an occurrence with ``min(1, sqrt(t/f) + t/f)``.

    Parameters
    ----------
    counts : array_like of shape (n_words,)
        How often each word occurs; ``f`` is its share of all occurrences.
    t : float
        The threshold, such as 1e-4: words rarer than about ``t`` are always kept.

    Returns
    -------
    ndarray of float64, shape (n_words,)
        Between 0 and 1.

    Examples
    --------
    >>> keep_probabilities([1, 99], t=0.01).round(3).tolist()
    [1.0, 0.111]
    """
    counts = _counts(counts)
    if isinstance(t, bool) or not isinstance(t, (int, float, np.number)) or not t > 0:
        raise ValueError(f"t must be a positive number such as 1e-4, got {t!r}")
    frequency = counts / counts.sum()
    return np.minimum(1.0, np.sqrt(t / frequency) + t / frequency)


def sgns_loss(center_vectors: "torch.Tensor", context_vectors: "torch.Tensor",
              negative_vectors: "torch.Tensor") -> "torch.Tensor":
    """Mean negative-sampling loss: ``-log s(u.v) - sum_k log s(-n_k.v)``, averaged over the batch.

    Parameters
    ----------
    center_vectors : Tensor of shape (B, d)
    context_vectors : Tensor of shape (B, d)
        The real context of each center.
    negative_vectors : Tensor of shape (B, k, d)
        ``k`` drawn words per center.

    Returns
    -------
    Tensor
        A scalar that gradients flow through.

    Examples
    --------
    >>> import torch
    >>> round(sgns_loss(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2, 5, 3)).item(), 3)  # 6 log 2
    4.159
    """
    import torch.nn.functional as F

    positive = (center_vectors * context_vectors).sum(dim=-1)
    negative = (negative_vectors * center_vectors.unsqueeze(1)).sum(dim=-1)
    return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(dim=-1)).mean()


def skipgram_pairs(sentence: Sequence[Any], window: int) -> list[tuple]:
    """Every (center, context) pair of ``sentence`` with the context at most ``window`` away.

    Examples
    --------
    >>> skipgram_pairs(["a", "b", "c"], 1)
    [('a', 'b'), ('b', 'a'), ('b', 'c'), ('c', 'b')]
    """
    if not is_integer(window) or window < 0:
        raise ValueError(f"window must be a non-negative integer, got {window!r}")
    n = len(sentence)
    return [(sentence[i], sentence[j])
            for i in range(n)
            for j in range(max(0, i - window), min(n, i + window + 1)) if j != i]
