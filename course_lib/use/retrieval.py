"""Retrieval metrics: recall@k, precision@k, reciprocal rank and nDCG@k against judged relevance.

Lesson 14 writes each metric out by hand; this module is the same arithmetic, validated,
for reuse. A *ranking* is what a system returns for one query: item ids, best first. The
*relevance* of a query says which items are relevant and how much: a mapping from item id
to a grade (0 = not relevant, larger = more relevant), or simply a collection of the
relevant ids (each of grade 1). The conventions are trec_eval's, the program TREC has
scored retrieval with since 1992 (``tests/test_retrieval.py`` checks every function against
it through ``pytrec_eval``):

- an item is relevant when its grade is above 0;
- recall@k divides by the number of relevant items, precision@k by k (even when the
  ranking is shorter than k);
- the gain of a grade is the grade itself (linear), discounted by ``log2(rank + 1)``;
- a query with no relevant item has no recall or nDCG: it is an error here (trec_eval
  skips such queries).

One ranking at a time, so its recall is :func:`ranking_recall_at_k`; the course's
:func:`course_lib.search.recall_at_k` is the batched one for neighbour lists. It measures an
*approximate* search against the *exact* search, where the relevant items of a query are
its true k nearest neighbours (so there are always exactly k of them) and the divisor k is
also their number. Pass ``relevance=truth[i, :k]`` here and the two agree (a test checks it).
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np

from course_lib._utils import is_integer

__all__ = ["METRICS", "evaluate", "ndcg_at_k", "precision_at_k", "ranking_recall_at_k", "reciprocal_rank"]

#: The names :func:`evaluate` reports, each followed by ``@k`` where it takes a cut-off.
METRICS = ("recall", "precision", "rr", "ndcg")


# --- validation -------------------------------------------------------------------------


def _check_k(k: Any, name: str = "k") -> int:
    if not is_integer(k) or k < 1:
        raise ValueError(f"{name} must be a positive integer (how many top items count), got {k!r}")
    return int(k)


def _as_ranking(ranking: Any) -> list:
    """``ranking`` as a list of distinct, hashable item ids."""
    if isinstance(ranking, (str, bytes)) or isinstance(ranking, Mapping):
        raise ValueError("ranking must be a sequence of item ids, best first (a list, tuple or 1-D array), "
                         f"got {type(ranking).__name__}")
    if isinstance(ranking, np.ndarray) or hasattr(ranking, "tolist"):
        array = np.asarray(ranking)
        if array.ndim != 1:
            raise ValueError(f"ranking must be one query's ids, a 1-D sequence; got shape {array.shape}")
        items = array.tolist()
    elif isinstance(ranking, Iterable):
        items = list(ranking)
    else:
        raise ValueError(f"ranking must be a sequence of item ids, best first, got {type(ranking).__name__}")
    seen: set = set()
    for position, item in enumerate(items):
        if not isinstance(item, Hashable) or isinstance(item, (list, np.ndarray)):
            raise ValueError(f"ranking[{position}] is {type(item).__name__}; each entry must be one item id "
                             "(an integer or a string)")
        if item in seen:
            raise ValueError(f"ranking lists item {item!r} twice (at position {position} and before); "
                             "a ranking holds each item at most once")
        seen.add(item)
    return items


def _as_relevance(relevance: Any) -> dict:
    """``relevance`` as ``{item: grade}`` with grades >= 0 and at least one above 0."""
    if isinstance(relevance, (str, bytes)):
        raise ValueError("relevance must be a mapping {item id: grade} or a collection of relevant ids, "
                         f"got a {type(relevance).__name__}")
    if isinstance(relevance, Mapping):
        grades = dict(relevance)
    elif isinstance(relevance, Iterable) or hasattr(relevance, "tolist"):
        ids = np.asarray(relevance).ravel().tolist() if hasattr(relevance, "tolist") else list(relevance)
        grades = {item: 1 for item in ids}
    else:
        raise ValueError("relevance must be a mapping {item id: grade} or a collection of relevant ids, "
                         f"got {type(relevance).__name__}")
    for item, grade in grades.items():
        if isinstance(grade, bool) or not isinstance(grade, (Real, np.number)) or not math.isfinite(grade) \
                or grade < 0:
            raise ValueError(f"relevance grade of item {item!r} is {grade!r}; grades must be finite numbers >= 0 "
                             "(0 = not relevant)")
    if not any(grade > 0 for grade in grades.values()):
        raise ValueError("relevance names no relevant item (no grade above 0); recall and nDCG are undefined "
                         "for such a query, so leave it out of the evaluation")
    return grades


def _hits(ranking: Sequence, grades: Mapping, k: int) -> int:
    return sum(1 for item in ranking[:k] if grades.get(item, 0) > 0)


# --- one query --------------------------------------------------------------------------


def ranking_recall_at_k(ranking, relevance, k: int) -> float:
    """Share of all relevant items that appear among the first k of the ranking.

    Parameters
    ----------
    ranking : sequence of item ids
        One query's results, best first; each id at most once.
    relevance : mapping {id: grade} or collection of ids
        Grades above 0 mark relevant items; a collection gives each of its ids grade 1.
    k : int
        How many of the top results count, at least 1.

    Returns
    -------
    float
        ``|relevant in ranking[:k]| / |relevant|``, between 0 and 1.

    Raises
    ------
    ValueError
        If k < 1, the ranking repeats an id, a grade is negative or not a number, or no
        item is relevant.

    Examples
    --------
    >>> ranking_recall_at_k([7, 3, 9, 1], {3: 2, 1: 1, 5: 1}, k=2)
    0.3333333333333333
    >>> ranking_recall_at_k(["b", "a"], {"a", "c"}, k=10)
    0.5
    """
    k = _check_k(k)
    items, grades = _as_ranking(ranking), _as_relevance(relevance)
    relevant = sum(1 for grade in grades.values() if grade > 0)
    return _hits(items, grades, k) / relevant


def precision_at_k(ranking, relevance, k: int) -> float:
    """Share of the first k places of the ranking that hold a relevant item.

    The divisor is k even when the ranking is shorter (an empty place is not relevant).

    Parameters
    ----------
    ranking, relevance, k
        As in :func:`ranking_recall_at_k`.

    Examples
    --------
    >>> precision_at_k([7, 3, 9, 1], {3: 2, 1: 1, 5: 1}, k=4)
    0.5
    >>> precision_at_k([3], {3: 1}, k=5)
    0.2
    """
    k = _check_k(k)
    items, grades = _as_ranking(ranking), _as_relevance(relevance)
    return _hits(items, grades, k) / k


def reciprocal_rank(ranking, relevance, k: int | None = None) -> float:
    """1 / the rank of the first relevant item (rank 1 is the top), or 0 if none is found.

    Its mean over queries is the MRR (mean reciprocal rank).

    Parameters
    ----------
    ranking, relevance
        As in :func:`ranking_recall_at_k`.
    k : int or None
        Look only at the first k results (MRR@k); None (default) looks at the whole
        ranking, as trec_eval's ``recip_rank`` does.

    Examples
    --------
    >>> reciprocal_rank([7, 3, 9, 1], {3: 2, 1: 1})
    0.5
    >>> reciprocal_rank([7, 3, 9, 1], {1: 1}, k=3)
    0.0
    """
    items, grades = _as_ranking(ranking), _as_relevance(relevance)
    limit = len(items) if k is None else _check_k(k)
    for rank, item in enumerate(items[:limit], start=1):
        if grades.get(item, 0) > 0:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranking, relevance, k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first k results, for graded relevance.

    ``DCG@k = sum over ranks r = 1..k of grade(ranking[r-1]) / log2(r + 1)``; nDCG@k
    divides it by the DCG@k of the ideal ranking (every judged item sorted by grade), so
    1 means no better order exists. Gains are the grades themselves (trec_eval's
    ``ndcg_cut``), not ``2**grade - 1``.

    Parameters
    ----------
    ranking, relevance
        As in :func:`ranking_recall_at_k`.
    k : int
        The cut-off, 10 by default.

    Examples
    --------
    >>> round(ndcg_at_k([7, 3, 9, 1], {3: 2, 1: 1}, k=4), 4)
    0.6433
    >>> ndcg_at_k([3, 1], {3: 2, 1: 1})
    1.0
    """
    k = _check_k(k)
    items, grades = _as_ranking(ranking), _as_relevance(relevance)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    gains = np.array([float(grades.get(item, 0)) for item in items[:k]])
    ideal = np.sort(np.array([float(g) for g in grades.values()]))[::-1][:k]
    dcg = float(gains @ discounts[: gains.size])
    return dcg / float(ideal @ discounts[: ideal.size])


# --- many queries -----------------------------------------------------------------------


def evaluate(rankings, qrels, k: int = 10) -> dict[str, np.ndarray]:
    """Every metric for every query: the per-query scores a paired comparison needs.

    Parameters
    ----------
    rankings : sequence of rankings, or mapping {query id: ranking}
        One ranking per query (for example the rows of an (n_queries, depth) array of ids).
    qrels : sequence of relevance, or mapping {query id: relevance}
        The judgements, in the same order (or with the same query ids) as ``rankings``.
    k : int
        Cut-off of recall, precision and nDCG (reciprocal rank reads the whole ranking).

    Returns
    -------
    dict of str to ndarray
        ``{"recall@k", "precision@k", "rr", "ndcg@k"}``, each an array with one value per
        query, in the order of ``rankings``. Their means are the usual summary (``rr``'s
        mean is the MRR).

    Examples
    --------
    >>> scores = evaluate([[3, 1, 2], [5, 4]], [{1: 1}, {4: 2, 6: 1}], k=2)
    >>> {name: values.round(3).tolist() for name, values in scores.items()}
    {'recall@2': [1.0, 0.5], 'precision@2': [0.5, 0.5], 'rr': [0.5, 0.5], 'ndcg@2': [0.631, 0.48]}
    """
    k = _check_k(k)
    if isinstance(rankings, Mapping) != isinstance(qrels, Mapping):
        raise ValueError("rankings and qrels must both be mappings {query id: ...} or both be sequences "
                         "in the same query order")
    if isinstance(rankings, Mapping):
        missing = [q for q in rankings if q not in qrels]
        if missing:
            raise ValueError(f"qrels has no judgements for query {missing[0]!r} of rankings")
        pairs = [(q, rankings[q], qrels[q]) for q in rankings]
    else:
        rankings = list(rankings)
        qrels = list(qrels)
        if len(rankings) != len(qrels):
            raise ValueError(f"rankings has {len(rankings)} queries but qrels has {len(qrels)}; "
                             "they must describe the same queries, in the same order")
        pairs = list(zip(range(len(rankings)), rankings, qrels))
    if not pairs:
        raise ValueError("rankings must hold at least one query")
    out: dict[str, list[float]] = {f"recall@{k}": [], f"precision@{k}": [], "rr": [], f"ndcg@{k}": []}
    for query, ranking, relevance in pairs:
        try:
            items, grades = _as_ranking(ranking), _as_relevance(relevance)
        except ValueError as err:
            raise ValueError(f"query {query!r}: {err}") from None
        out[f"recall@{k}"].append(ranking_recall_at_k(items, grades, k))
        out[f"precision@{k}"].append(precision_at_k(items, grades, k))
        out["rr"].append(reciprocal_rank(items, grades))
        out[f"ndcg@{k}"].append(ndcg_at_k(items, grades, k))
    return {name: np.array(values) for name, values in out.items()}
