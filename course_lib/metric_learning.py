"""Metric learning bookkeeping: P x K batches and ranking metrics (lessons 12, 13).

Lesson 12 writes the triplet and contrastive losses and the mining itself; this module
holds what those lessons would otherwise repeat:

- :class:`PKSampler`: batches of P classes x K examples each, so that every anchor in a
  batch has positives (same class) and negatives (other classes) to mine from;
- :func:`average_precision`: the average precision of one ranked list of hits and misses;
- :func:`mean_average_precision`: mAP of an embedding, every item a query against all others;
- :func:`retrieval_metrics`: recall@k (from :mod:`course_lib.embedding_metrics`) and mAP
  together, and :func:`format_retrieval_table` to print several of them side by side.

Example::

    loader = DataLoader(ImageDataset(images, labels, transform), batch_sampler=PKSampler(labels, 7, 16, 100))
    scores = retrieval_metrics(embeddings, labels, k=10)   # {"recall@10": 0.97, "mAP": 0.95}
"""
from __future__ import annotations

from typing import Iterator, Mapping

import numpy as np

from course_lib._utils import as_labels, as_matrix, check_int, is_integer

__all__ = [
    "PKSampler",
    "average_precision",
    "format_retrieval_table",
    "mean_average_precision",
    "retrieval_metrics",
]


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
        if hasattr(labels, "detach"):
            labels = labels.detach().cpu().numpy()
        y = np.asarray(labels)
        if y.ndim != 1 or len(y) == 0:
            raise ValueError(f"labels must be a non-empty 1-D array, one class per example; got shape {y.shape}")
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


def average_precision(relevant) -> float:
    """Average precision of one ranked result list.

    At each rank where a relevant item appears, take the precision of the list cut there
    (relevant items so far / rank); average those precisions over the relevant items.
    1.0 when every relevant item comes before every other one.

    Parameters
    ----------
    relevant : array_like of bool or 0/1, shape (n,)
        Whether the result at each rank (best first) is relevant; the list should hold
        every relevant item, or the score only covers those it holds.

    Examples
    --------
    >>> average_precision([1, 0, 1, 0])  # (1/1 + 2/3) / 2
    0.8333333333333333
    """
    flags = np.asarray(relevant)
    if flags.ndim != 1 or len(flags) == 0:
        raise ValueError(f"relevant must be a non-empty 1-D list of hits (1) and misses (0); got shape {flags.shape}")
    if flags.dtype.kind not in "biuf" or not np.isin(flags, (0, 1)).all():
        raise ValueError("relevant must hold only 0/1 or True/False")
    flags = flags.astype(bool)
    if not flags.any():
        raise ValueError("relevant has no relevant item, so its average precision is undefined")
    hits = np.cumsum(flags)
    precision = hits / np.arange(1, len(flags) + 1)
    return float(precision[flags].mean())


def mean_average_precision(embeddings, labels, metric: str = "cosine") -> float:
    """Mean average precision: every item queries all the others; relevant = same label.

    The whole ranking counts, not only the top k, so it rewards an embedding whose
    classes are compact all the way down. Items alone in their class are skipped.
    Ties go to the lower index, as in :func:`course_lib.embedding_metrics.nearest_neighbours`.

    Parameters
    ----------
    embeddings : array_like, shape (n, d)
    labels : array_like, shape (n,)
    metric : {"cosine", "euclidean"}

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> x = [[0, 1], [0, 2], [5, 0], [6, 0]]
    >>> mean_average_precision(x, [0, 0, 1, 1], metric="euclidean")
    1.0
    """
    from course_lib.embedding_metrics import nearest_neighbours

    x = as_matrix(embeddings, "embeddings", min_rows=2)
    y = as_labels(labels, n=len(x))
    ranked = nearest_neighbours(x, k=len(x) - 1, metric=metric)  # validates metric
    relevant = y[ranked] == y[:, None]
    counts = relevant.sum(axis=1)
    keep = counts > 0
    if not keep.any():
        raise ValueError("labels: every item is alone in its class, so there is nothing to retrieve")
    precision = np.cumsum(relevant, axis=1) / np.arange(1, relevant.shape[1] + 1)
    ap = (precision * relevant).sum(axis=1)[keep] / counts[keep]
    return float(ap.mean())


def retrieval_metrics(embeddings, labels, k: int = 10, metric: str = "cosine") -> dict[str, float]:
    """Recall@k and mean average precision of an embedding, leave-one-out.

    ``recall@k`` is :func:`course_lib.embedding_metrics.label_recall_at_k` (the share of
    each query's k nearest other items with its label); ``mAP`` is
    :func:`mean_average_precision` over the whole ranking.

    Examples
    --------
    >>> x = [[0, 1], [0, 2], [0, 3], [5, 0], [6, 0], [7, 0]]
    >>> retrieval_metrics(x, [0, 0, 0, 1, 1, 1], k=2)
    {'recall@2': 1.0, 'mAP': 1.0}
    """
    from course_lib.embedding_metrics import label_recall_at_k

    recall = label_recall_at_k(embeddings, labels, k=k, metric=metric)
    return {f"recall@{int(k)}": recall, "mAP": mean_average_precision(embeddings, labels, metric=metric)}


def format_retrieval_table(results: Mapping[str, Mapping[str, float]], title: str | None = None,
                           digits: int = 3) -> str:
    """Rows of :func:`retrieval_metrics` results (or any ``{row: {column: number}}``) as text.

    Examples
    --------
    >>> print(format_retrieval_table({"pixels": {"recall@10": 0.8, "mAP": 0.5}}))
              recall@10    mAP
    pixels        0.800  0.500
    """
    if not results:
        raise ValueError("results is empty: pass {row name: {metric name: value}}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative integer, got {digits!r}")
    columns: list[str] = []
    for row in results.values():
        for name in row:
            if name not in columns:
                columns.append(name)
    first = max(len(str(r)) for r in results) + 2
    cells = {(r, c): (f"{row[c]:.{digits}f}" if c in row else "-") for r, row in results.items() for c in columns}
    widths = {c: max(len(c), *(len(cells[r, c]) for r in results)) + 2 for c in columns}
    lines = [title] if title else []
    lines.append((" " * first + "".join(f"{c:>{widths[c]}}" for c in columns)).rstrip())
    for r in results:
        lines.append(f"{str(r):<{first}}" + "".join(f"{cells[r, c]:>{widths[c]}}" for c in columns))
    return "\n".join(lines)
