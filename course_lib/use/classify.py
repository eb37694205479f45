"""Classifiers on embeddings, measured honestly on small datasets (lessons 10, 12, 13).

Lesson 10 compares linear models on embeddings with bag-of-words baselines on sets of a
few hundred texts. With so few examples one train/test split says little: its accuracy
moves by several points from one random split to the next. The helpers here do the
bookkeeping of the honest alternative:

- :func:`cross_validated_accuracy`: stratified k-fold cross-validation, repeated with
  different shuffles, reported as mean and standard deviation over all folds;
- :func:`few_label_accuracy`: train on a few labelled examples per class, test on the
  rest, repeated over random draws (learning curves with scarce labels);
- :func:`bag_of_words_pipeline`: the baseline (word counts or TF-IDF, then logistic
  regression) as one scikit-learn pipeline, so that the vocabulary is learned inside each
  training fold and never sees the test fold;
- :func:`average_word_vectors`: one vector per text, the mean of its known words' vectors.

Results of several feature sets on several tasks print side by side with
:func:`course_lib.show.tables.format_table`, each cell ``mean ± std``.

Example::

    from course_lib.use.classify import bag_of_words_pipeline, cross_validated_accuracy
    result = cross_validated_accuracy(sentences, labels, bag_of_words_pipeline("tfidf"))
    print(result)            # "0.562 ± 0.067 (5 folds x 5 repeats)"
    print(format_table({"TF-IDF": {"sentiment": result}}))   # the cell reads "0.562 ± 0.067"
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np

from course_lib._utils import as_labels, check_int

__all__ = [
    "CVResult",
    "average_word_vectors",
    "bag_of_words_pipeline",
    "cross_validated_accuracy",
    "few_label_accuracy",
]

#: Feature kinds :func:`bag_of_words_pipeline` builds.
BAG_OF_WORDS_KINDS = ("counts", "binary", "tfidf")


class CVResult(NamedTuple):
    """Accuracy over repeated evaluations.

    Attributes
    ----------
    mean : float
        Mean accuracy over every fold of every repeat.
    std : float
        Standard deviation of those accuracies: how much one test fold's accuracy varies.
    scores : ndarray, shape (repeats, folds)
        Every fold's accuracy (for :func:`few_label_accuracy`, shape (repeats, 1)).
    """

    mean: float
    std: float
    scores: np.ndarray

    def __str__(self) -> str:
        repeats, folds = self.scores.shape
        how = f"{folds} folds x {repeats} repeats" if folds > 1 else f"{repeats} draws"
        return f"{self.mean:.3f} ± {self.std:.3f} ({how})"

    def __format__(self, spec: str) -> str:
        """``mean ± std``, each number formatted with ``spec``: a table cell.

        Examples
        --------
        >>> f"{CVResult(0.5, 0.1, np.array([[0.4, 0.6]])):.2f}"
        '0.50 ± 0.10'
        """
        if not spec:
            return str(self)
        return f"{self.mean:{spec}} ± {self.std:{spec}}"


# ----------------------------------------------------------------------------- validation


def _check_labels(X: Any, y: Any) -> np.ndarray:
    labels = as_labels(y, "y")
    try:
        n = len(X)
    except TypeError:
        raise ValueError(f"X must be a sequence or array with one row per example, got {type(X).__name__}") from None
    if n != len(labels):
        raise ValueError(f"X has {n} examples but y has {len(labels)} labels; they must match")
    return labels


def _check_model(model: Any) -> None:
    if not (hasattr(model, "fit") and hasattr(model, "predict")):
        raise ValueError(
            f"model must be a scikit-learn estimator with fit and predict (a classifier or a Pipeline), "
            f"got {type(model).__name__}"
        )


def _rows(X: Any, index: np.ndarray) -> Any:
    """Rows ``index`` of an array, a sparse matrix or a list of texts."""
    if isinstance(X, (list, tuple)):
        return [X[i] for i in index]
    return X[index]


# ----------------------------------------------------------------------------- evaluation


def cross_validated_accuracy(
    X: Any,
    y: Any,
    model: Any,
    folds: int = 5,
    repeats: int = 5,
    seed: int = 0,
) -> CVResult:
    """Accuracy of ``model`` under repeated stratified k-fold cross-validation.

    Each repeat shuffles the examples (with its own seed drawn from ``seed``) and splits
    them into ``folds`` parts with the same class proportions as ``y``; every part is the
    test set once while a fresh copy of ``model`` (``sklearn.base.clone``) trains on the
    others. A :class:`~sklearn.pipeline.Pipeline` is refitted inside each fold, so a
    vectorizer or scaler never sees the test fold.

    Parameters
    ----------
    X : array_like, sparse matrix or list of str
        One row per example: features, or raw texts for a text pipeline.
    y : array_like, shape (n,)
        Class labels.
    model : scikit-learn classifier or pipeline
        Left untouched: only clones are fitted.
    folds : int
        Parts per repeat, at least 2 and at most the size of the smallest class.
    repeats : int
        Independent shuffles, at least 1.
    seed : int
        Seed of the shuffles (``random_state`` of ``RepeatedStratifiedKFold``).

    Returns
    -------
    CVResult
        ``(mean, std, scores)``; ``str(result)`` reads "0.690 ± 0.055 (5 folds x 5 repeats)".

    Raises
    ------
    ValueError
        If the lengths differ, a class has fewer than ``folds`` examples, or an argument
        is out of range.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.r_[np.zeros((10, 2)), np.ones((10, 2))]
    >>> y = np.r_[np.zeros(10), np.ones(10)]
    >>> result = cross_validated_accuracy(X, y, LogisticRegression(), folds=5, repeats=2)
    >>> round(result.mean, 3), result.scores.shape
    (1.0, (2, 5))
    """
    from sklearn.base import clone
    from sklearn.model_selection import RepeatedStratifiedKFold

    labels = _check_labels(X, y)
    _check_model(model)
    folds = check_int(folds, "folds", 2)
    repeats = check_int(repeats, "repeats", 1)
    seed = check_int(seed, "seed", 0)
    _, counts = np.unique(labels, return_counts=True)
    if len(counts) < 2:
        raise ValueError("y must hold at least two classes to measure a classifier")
    if counts.min() < folds:
        raise ValueError(
            f"folds={folds} is larger than the smallest class ({counts.min()} examples); "
            f"use folds <= {counts.min()} so every fold holds every class"
        )
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    scores = []
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        fitted = clone(model).fit(_rows(X, train), labels[train])
        scores.append(float(np.mean(fitted.predict(_rows(X, test)) == labels[test])))
    scores = np.asarray(scores).reshape(repeats, folds)
    return CVResult(float(scores.mean()), float(scores.std()), scores)


def few_label_accuracy(
    X: Any,
    y: Any,
    per_class: int,
    model: Any,
    repeats: int = 5,
    seed: int = 0,
) -> CVResult:
    """Accuracy when only ``per_class`` labelled examples of each class are available.

    Each repeat draws ``per_class`` examples of every class at random to train a fresh copy
    of ``model`` and tests on all the other examples; the repeats use different draws.

    Parameters
    ----------
    X : array_like, shape (n, d), or list of str
        Features (or texts for a pipeline).
    y : array_like, shape (n,)
        Class labels.
    per_class : int
        Training examples per class, at least 1 and fewer than the smallest class has.
    model : scikit-learn classifier or pipeline
    repeats : int
        Random draws, at least 1.
    seed : int
        Seed of the draws: ``numpy.random.default_rng(seed)``.

    Returns
    -------
    CVResult
        Mean and standard deviation over the draws; ``scores`` has shape (repeats, 1).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.r_[np.zeros((10, 2)), np.ones((10, 2))]
    >>> y = np.r_[np.zeros(10), np.ones(10)]
    >>> few_label_accuracy(X, y, per_class=2, model=LogisticRegression(), repeats=3).mean
    1.0
    """
    from sklearn.base import clone

    labels = _check_labels(X, y)
    _check_model(model)
    per_class = check_int(per_class, "per_class", 1)
    repeats = check_int(repeats, "repeats", 1)
    seed = check_int(seed, "seed", 0)
    classes, counts = np.unique(labels, return_counts=True)
    if per_class >= counts.min():
        raise ValueError(
            f"per_class={per_class} leaves nothing to test for the smallest class ({counts.min()} examples); "
            f"use per_class < {counts.min()}"
        )
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(labels == c) for c in classes]
    scores = []
    for _ in range(repeats):
        train = np.concatenate([rng.choice(m, per_class, replace=False) for m in members])
        test = np.setdiff1d(np.arange(len(labels)), train)
        fitted = clone(model).fit(_rows(X, train), labels[train])
        scores.append(float(np.mean(fitted.predict(_rows(X, test)) == labels[test])))
    scores = np.asarray(scores).reshape(repeats, 1)
    return CVResult(float(scores.mean()), float(scores.std()), scores)


# ----------------------------------------------------------------------------- features


def bag_of_words_pipeline(
    kind: str = "tfidf",
    C: float = 1.0,
    min_df: int = 1,
    ngram_range: tuple[int, int] = (1, 1),
    max_iter: int = 2000,
) -> Any:
    """A bag-of-words baseline: a text vectorizer followed by logistic regression.

    Parameters
    ----------
    kind : {"counts", "binary", "tfidf"}
        Word counts, word presence (0/1), or TF-IDF weights (scikit-learn's defaults:
        smoothed idf, rows scaled to length 1).
    C : float
        Inverse regularisation strength of the logistic regression (> 0).
    min_df : int
        Drop words found in fewer training texts than this (>= 1).
    ngram_range : (int, int)
        Word n-grams to count, e.g. ``(1, 2)`` for words and pairs of words.
    max_iter : int
        Iterations of the solver (raise it rather than ignore a ConvergenceWarning).

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``"vectorizer"`` and ``"classifier"``; fit it on a list of texts.

    Examples
    --------
    >>> model = bag_of_words_pipeline("binary").fit(["good film", "bad film"], [1, 0])
    >>> model.predict(["a good one"]).tolist()
    [1]
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    if kind not in BAG_OF_WORDS_KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, BAG_OF_WORDS_KINDS))}, got {kind!r}")
    if isinstance(C, bool) or not isinstance(C, (int, float, np.integer, np.floating)) or not C > 0:
        raise ValueError(f"C must be a positive number, got {C!r}")
    min_df = check_int(min_df, "min_df", 1)
    max_iter = check_int(max_iter, "max_iter", 1)
    if (not isinstance(ngram_range, tuple) or len(ngram_range) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in ngram_range)
            or not 1 <= ngram_range[0] <= ngram_range[1]):
        raise ValueError(f"ngram_range must be a tuple (low, high) with 1 <= low <= high, got {ngram_range!r}")
    options = {"min_df": min_df, "ngram_range": tuple(int(v) for v in ngram_range)}
    if kind == "tfidf":
        vectorizer = TfidfVectorizer(**options)
    else:
        vectorizer = CountVectorizer(binary=kind == "binary", **options)
    return Pipeline([("vectorizer", vectorizer), ("classifier", LogisticRegression(C=float(C), max_iter=max_iter))])


def average_word_vectors(tokens_list: Iterable[Sequence[str]], keyed_vectors: Any, dim: int | None = None) -> np.ndarray:
    """One vector per text: the mean of the vectors of its words that ``keyed_vectors`` knows.

    Unknown (out-of-vocabulary) words are skipped; a word that appears twice counts twice.
    A text with no known word gets the zero vector.

    Parameters
    ----------
    tokens_list : iterable of sequences of str
        Tokenised texts, e.g. ``[tokenize(t) for t in texts]``.
    keyed_vectors : gensim KeyedVectors or mapping word -> vector
        Anything with ``word in keyed_vectors`` and ``keyed_vectors[word]``.
    dim : int, optional
        Vector size; read from ``keyed_vectors.vector_size`` or the first vector when omitted.

    Returns
    -------
    ndarray of float32, shape (number of texts, dim)

    Examples
    --------
    >>> vectors = {"good": np.array([1.0, 0.0]), "film": np.array([0.0, 1.0])}
    >>> average_word_vectors([["good", "film"], ["good", "unknown"], ["unknown"]], vectors)
    array([[0.5, 0.5],
           [1. , 0. ],
           [0. , 0. ]], dtype=float32)
    """
    if isinstance(tokens_list, str):
        raise ValueError("tokens_list must be a list of tokenised texts (lists of words), not one string")
    if isinstance(keyed_vectors, (list, tuple, str, np.ndarray)) or not (
            hasattr(keyed_vectors, "__contains__") and hasattr(keyed_vectors, "__getitem__")):
        raise ValueError(
            f"keyed_vectors must support `word in keyed_vectors` and `keyed_vectors[word]` "
            f"(gensim KeyedVectors or a dict), got {type(keyed_vectors).__name__}"
        )
    if dim is None:
        dim = getattr(keyed_vectors, "vector_size", None)
    if dim is None and isinstance(keyed_vectors, Mapping) and keyed_vectors:
        dim = len(np.asarray(next(iter(keyed_vectors.values()))).ravel())
    if dim is None:
        raise ValueError("dim is needed: keyed_vectors has no vector_size and no vector to read it from")
    dim = check_int(dim, "dim", 1)
    rows = []
    for i, tokens in enumerate(tokens_list):
        if isinstance(tokens, str):
            raise ValueError(f"tokens_list[{i}] is a string; each text must be a list of words (tokenize it first)")
        known = [np.asarray(keyed_vectors[w], dtype=np.float64).ravel() for w in tokens if w in keyed_vectors]
        if known and known[0].shape != (dim,):
            raise ValueError(f"vectors have {known[0].shape[0]} dimensions but dim is {dim}")
        rows.append(np.mean(known, axis=0) if known else np.zeros(dim))
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), dim)
