"""Fine-tuning embeddings for a task: what the training loop needs around the loss (lesson 12).

Lesson 12 writes the triplet and contrastive losses and the mining itself; this module
holds the bookkeeping those lessons would otherwise repeat:

- :class:`PKSampler`: batches of P classes x K examples each, so that every anchor in a
  batch has positives (same class) and negatives (other classes) to mine from.

The retrieval scores that judge the result (precision@k, mAP) are in
:mod:`course_lib.use.metrics`.

Example::

    loader = DataLoader(ImageDataset(images, labels, transform), batch_sampler=PKSampler(labels, 7, 16, 100))
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from course_lib._utils import as_labels, check_int, is_integer

__all__ = ["PKSampler"]


class PKSampler:
    """Batches of ``classes_per_batch`` classes with ``per_class`` examples of each (P x K).

    Use it as a ``batch_sampler`` of a torch ``DataLoader``. Each batch draws P distinct
    classes at random, then K distinct examples of each, so every example of the batch
    has K - 1 positives and (P - 1) K negatives in the batch: what batch-hard mining needs.
    The draws come from a NumPy generator seeded with ``seed``: the same seed gives the
    same batches; each new iteration continues the sequence.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Class of each example.
    classes_per_batch : int
        P, at most the number of classes with at least K examples.
    per_class : int
        K, examples per class in a batch (at least 2, so that positives exist).
    batches : int
        Batches per pass (the sampler's length).
    seed : int
        Seed of the draws.

    Examples
    --------
    >>> sampler = PKSampler([0, 0, 1, 1, 2, 2, 2], classes_per_batch=2, per_class=2, batches=3, seed=0)
    >>> batches = list(sampler)
    >>> len(batches), [len(b) for b in batches]
    (3, [4, 4, 4])
    """

    def __init__(self, labels, classes_per_batch: int, per_class: int, batches: int, seed: int = 0) -> None:
        y = as_labels(labels)
        self.per_class = check_int(per_class, "per_class", 1)
        if self.per_class < 2:
            raise ValueError("per_class must be at least 2, so that every anchor has a positive in its batch")
        self.classes_per_batch = check_int(classes_per_batch, "classes_per_batch", 1)
        self.batches = check_int(batches, "batches", 1)
        if not is_integer(seed) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        classes, counts = np.unique(y, return_counts=True)
        usable = classes[counts >= self.per_class]
        if len(usable) < max(self.classes_per_batch, 2):
            raise ValueError(
                f"classes_per_batch={self.classes_per_batch} needs that many classes (and at least 2) with "
                f"per_class={self.per_class} examples or more; only {len(usable)} have"
            )
        self._members = {c: np.flatnonzero(y == c) for c in usable.tolist()}
        self._classes = usable
        self._rng = np.random.default_rng(int(seed))

    def __len__(self) -> int:
        return self.batches

    def __iter__(self) -> Iterator[list[int]]:
        for _ in range(self.batches):
            chosen = self._rng.choice(self._classes, size=self.classes_per_batch, replace=False)
            batch = [self._rng.choice(self._members[c], size=self.per_class, replace=False) for c in chosen.tolist()]
            yield np.concatenate(batch).tolist()
