"""Checks for exercises/10_classification.ipynb: honest accuracy, averaged word vectors, baselines, a GRU.

Every check recomputes the right answer from the notebook's own data (``sentences``,
``labels``, ``pipeline``, ``is_seven``, ``gru``, ``batch``) and recognises typical
mistakes (training accuracy, folds that hold one class, unknown words counted as zeros,
the minority share, time-first shapes...) so that the feedback says what went wrong
without giving the answer away.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from course_lib.exercises import (
    as_numpy,
    Exercise,
    Incorrect,
    NotAttempted,
    expect_array,
    expect_callable,
    expect_in_range,
    expect_number,
    is_blank,
    matches_printed,
    short_repr,
)

LESSON = "10"
FOLDS = 5


# ---------------------------------------------------------------------------- q1 cross-validation


def _fold_accuracies(pipeline: Any, X: list, y: np.ndarray, splitter: Any) -> np.ndarray:
    from sklearn.base import clone

    scores = []
    for train, test in splitter.split(np.zeros(len(y)), y):
        model = clone(pipeline).fit([X[i] for i in train], y[train])
        scores.append(np.mean(model.predict([X[i] for i in test]) == y[test]))
    return np.asarray(scores)


def _check_cv_accuracy(cv_accuracy, sentences, labels, pipeline):
    from sklearn.base import clone
    from sklearn.model_selection import KFold, StratifiedKFold

    from course_lib.use.classify import CVResult

    if isinstance(cv_accuracy, CVResult):  # the lesson's cross_validated_accuracy: its mean is the answer
        cv_accuracy = cv_accuracy.mean
    if hasattr(cv_accuracy, "shape") and not isinstance(cv_accuracy, np.ndarray):  # a torch tensor
        cv_accuracy = as_numpy(cv_accuracy)
    if isinstance(cv_accuracy, (list, tuple, np.ndarray)) and np.size(cv_accuracy) == FOLDS:
        raise Incorrect(f"`cv_accuracy` holds {FOLDS} numbers, one per fold; give their mean, one number.")
    value = expect_number("cv_accuracy", cv_accuracy, why="Give the mean accuracy over the five test folds.")
    if 1.0 < value <= 100.0:
        raise Incorrect(f"`cv_accuracy` is {value:.4g}: give a fraction between 0 and 1, not a percentage.")
    expect_in_range("cv_accuracy", value, 0.0, 1.0, why="An accuracy is a fraction of test sentences.")
    X = list(sentences)
    y = np.asarray(labels)
    exact = _fold_accuracies(pipeline, X, y, StratifiedKFold(FOLDS, shuffle=True, random_state=0))
    if matches_printed(value, exact.mean()):
        return f"Over the {FOLDS} folds the accuracy ranged from {exact.min():.3f} to {exact.max():.3f}."
    if matches_printed(value, 1 - exact.mean()):
        raise Incorrect("`cv_accuracy` is the share of test sentences the model gets *wrong* (the error rate); "
                        "the accuracy is the share it gets right.")
    if np.isclose(value, exact.std(), atol=1e-6):
        raise Incorrect("`cv_accuracy` looks like the spread (standard deviation) of the fold accuracies; "
                        "give their mean.")
    train_accuracy = float(np.mean(clone(pipeline).fit(X, y).predict(X) == y))
    if np.isclose(value, train_accuracy, atol=1e-6):
        raise Incorrect("`cv_accuracy` is the accuracy on the sentences the model was trained on, which says "
                        "how well it memorises, not how well it generalises. Score each fold's model on the "
                        "fold it did not see.")
    unshuffled = _fold_accuracies(pipeline, X, y, KFold(FOLDS)).mean()
    if np.isclose(value, unshuffled, atol=1e-6):
        raise Incorrect("`cv_accuracy` comes from plain KFold without shuffling. The sentences are sorted by label, "
                        "so its test folds hold (almost) only one class and the training folds mostly the other. "
                        "Use StratifiedKFold, which keeps both classes in every fold.")
    if value < 0.2:
        raise Incorrect(f"`cv_accuracy` is {value:.3f}, far below the 0.5 of guessing on two balanced classes. "
                        "Is it a spread (standard deviation) rather than the mean, or did the test folds hold "
                        "only one class?")
    # Another shuffle (random_state) of stratified folds is a fair answer too: accept what a
    # few other shuffles give, with a margin of one sentence per fold.
    others = [_fold_accuracies(pipeline, X, y, StratifiedKFold(FOLDS, shuffle=True, random_state=s)).mean()
              for s in range(1, 6)]
    others.append(_fold_accuracies(pipeline, X, y, StratifiedKFold(FOLDS)).mean())
    margin = FOLDS / len(y) + 0.01
    if min(others) - margin <= value <= max(others) + margin:
        return ("Your folds differ from shuffle=True, random_state=0, which is fine: "
                "a different shuffle gives a slightly different estimate.")
    raise Incorrect(f"`cv_accuracy` is {value:.3f}, which is not what stratified {FOLDS}-fold cross-validation of "
                    "`pipeline` gives. Train a fresh copy on four folds, measure the accuracy on the fifth, repeat "
                    "for every fold, and average the five accuracies.")


# ---------------------------------------------------------------------------- q2 average vectors


class _ToyVectors:
    """A tiny stand-in for gensim KeyedVectors: ``in``, ``[word]`` and ``vector_size``."""

    def __init__(self, table: dict[str, np.ndarray]) -> None:
        self._table = table
        self.vector_size = len(next(iter(table.values())))

    def __contains__(self, word: object) -> bool:
        return word in self._table

    def __getitem__(self, word: str) -> np.ndarray:
        if word not in self._table:
            raise KeyError(f"Key '{word}' not present")
        return self._table[word].copy()

    def __repr__(self) -> str:
        return f"<KeyedVectors with {len(self._table)} words of dimension {self.vector_size}>"


_TOY = _ToyVectors({
    "good": np.array([1.0, 0.0, 2.0], dtype=np.float32),
    "film": np.array([0.0, 3.0, 1.0], dtype=np.float32),
    "dull": np.array([-1.0, 1.0, 0.0], dtype=np.float32),
})


def _call_average(average_vector, tokens):
    try:
        result = average_vector(tokens, _TOY)
    except Exception as exc:  # the learner's code: report, never crash the check
        raise Incorrect(f"`average_vector({tokens!r}, vectors)` raised {type(exc).__name__}: {exc}") from None
    if is_blank(result):
        raise NotAttempted("`average_vector` still returns ____; write its body, then check again.")
    if hasattr(result, "detach"):
        result = result.detach().cpu().numpy()
    try:
        array = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        raise Incorrect(f"`average_vector({tokens!r}, vectors)` returned {short_repr(result)}; it should return "
                        "a NumPy array of numbers.") from None
    return array


def _check_average_vector(average_vector):
    expect_callable("average_vector", average_vector)
    good, film = _TOY["good"].astype(np.float64), _TOY["film"].astype(np.float64)
    dim = _TOY.vector_size
    cases = [
        (["good", "film"], (good + film) / 2, [
            (good + film, "that is the *sum* of the vectors; divide by the number of known words to get the mean."),
        ]),
        (["good", "xyzzy"], good, [
            (good / 2, "it counts the unknown word 'xyzzy' as a zero vector; skip unknown words, "
                       "so that the mean is over the known words only."),
        ]),
        (["good", "good", "film"], (2 * good + film) / 3, [
            ((good + film) / 2, "it counts 'good' once although it appears twice; a repeated word counts "
                                "every time (don't use set())."),
        ]),
        (["xyzzy", "plugh"], np.zeros(dim), []),
        ([], np.zeros(dim), []),
    ]
    for tokens, expected, mistakes in cases:
        array = _call_average(average_vector, tokens)
        shown = f"`average_vector({tokens!r}, vectors)`"
        if array.size and not np.all(np.isfinite(array)):
            raise Incorrect(f"{shown} returned NaN: the mean of no vectors is undefined. When no word is known, "
                            "return np.zeros(vectors.vector_size) instead.")
        if array.shape != (dim,):
            if not expected.any() and array.size == 0:
                raise Incorrect(f"{shown} returned an empty array; when no word is known, return a vector of "
                                f"zeros of length vectors.vector_size ({dim} here), so every text still gets "
                                "a vector of the same size.")
            raise Incorrect(f"{shown} returned shape {array.shape}; it should return one vector of shape "
                            f"({dim},) (the words' vectors averaged over axis 0).")
        if np.allclose(array, expected, rtol=1e-5, atol=1e-6):
            continue
        for wrong, explanation in mistakes:
            if np.allclose(array, wrong, rtol=1e-5, atol=1e-6):
                raise Incorrect(f"{shown} returned {short_repr(array)}; {explanation}")
        if not expected.any():
            raise Incorrect(f"{shown} returned {short_repr(array)}; when no word is known the vector should be "
                            "all zeros.")
        raise Incorrect(f"{shown} returned {short_repr(array)}, which is not the mean of the known words' vectors.")
    return None


# ---------------------------------------------------------------------------- q3 majority baseline


def _check_majority_accuracy(majority_accuracy, is_seven):
    y = np.asarray(is_seven).astype(bool)
    n = len(y)
    value = expect_number("majority_accuracy", majority_accuracy,
                          why="Give one number: the accuracy of always predicting the most frequent class.")
    share = float(y.mean())
    expected = max(share, 1 - share)
    if matches_printed(value, expected):
        return None
    if 1.0 < value <= 100.0 and not np.isclose(value, round(value)):
        raise Incorrect(f"`majority_accuracy` is {value:.4g}: give a fraction between 0 and 1, not a percentage.")
    if np.isclose(value, expected * n) or np.isclose(value, (1 - expected) * n):
        raise Incorrect("`majority_accuracy` is a count of images; an accuracy is a fraction: divide by the "
                        "number of images.")
    if np.isclose(value, 100 * expected):
        raise Incorrect("`majority_accuracy` is a percentage; give a fraction between 0 and 1.")
    expect_in_range("majority_accuracy", value, 0.0, 1.0, why="An accuracy is a fraction of images.")
    if np.isclose(value, expected, atol=1e-6):
        return None
    if np.isclose(value, 1 - expected, atol=1e-6):
        raise Incorrect("`majority_accuracy` is the share of the *rarer* class: the accuracy of always predicting "
                        "'seven'. The baseline always predicts the most frequent class.")
    if np.isclose(value, 0.5, atol=1e-6):
        raise Incorrect("`majority_accuracy` is 0.5, the chance level of a *balanced* two-class problem. Here the "
                        "classes are far from balanced: count them.")
    raise Incorrect("`majority_accuracy` is not the accuracy of always predicting the most frequent class of "
                    "`is_seven`. Count how often each value occurs.")


# ---------------------------------------------------------------------------- q4 GRU shapes


def _as_shape(name: str, value: Any) -> tuple[int, ...]:
    if hasattr(value, "shape") and not isinstance(value, tuple):
        raise Incorrect(f"`{name}` is a tensor or an array; give its shape as a tuple of integers, "
                        f"such as (2, 3, 4).")
    if not isinstance(value, (tuple, list)) or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        raise Incorrect(f"`{name}` should be a tuple of integers, such as (2, 3, 4), but it is {short_repr(value)}.")
    return tuple(int(v) for v in value)


def _check_gru_shapes(output_shape, hidden_shape, gru, batch):
    import torch

    output_shape = _as_shape("output_shape", output_shape)
    hidden_shape = _as_shape("hidden_shape", hidden_shape)
    with torch.no_grad():
        output, hidden = gru(batch)
    want_out, want_hidden = tuple(output.shape), tuple(hidden.shape)
    size, length = batch.shape[0], batch.shape[1]
    features = batch.shape[2]
    layers = want_hidden[0]
    if output_shape == want_hidden and hidden_shape == want_out:
        raise Incorrect("`output_shape` and `hidden_shape` are swapped: the GRU returns (output, h_n), the "
                        "output at every time step first.")
    if output_shape != want_out:
        if output_shape == (length, size, want_out[2]):
            raise Incorrect("`output_shape` puts time first (sequence, batch, hidden). This GRU was made with "
                            "batch_first=True, so its output is batch first.")
        if len(output_shape) == 3 and output_shape[:2] == want_out[:2] and output_shape[2] == features:
            raise Incorrect("`output_shape` ends with the size of the input vectors; the GRU's output at each "
                            "step has the size of its hidden state (hidden_size).")
        if output_shape == (size, want_out[2]):
            raise Incorrect("`output_shape` has two dimensions: that is one vector per sequence. The output holds "
                            "a vector for every time step of every sequence.")
        raise Incorrect(f"`output_shape` is {output_shape}, which is not the shape of the GRU's output for `batch`.")
    if hidden_shape != want_hidden:
        if hidden_shape == (size, want_hidden[2]):
            raise Incorrect("`hidden_shape` leaves out the first dimension: h_n has one row per layer (times "
                            "directions), even for a single layer, and batch_first does not change it.")
        if hidden_shape == (size, layers, want_hidden[2]):
            raise Incorrect("`hidden_shape` is batch first, but batch_first applies to the input and the output "
                            "only: h_n is always (layers, batch, hidden).")
        if len(hidden_shape) == 3 and hidden_shape[1] == length:
            raise Incorrect("`hidden_shape` has a dimension for the time steps; h_n holds only the *last* hidden "
                            "state of each sequence.")
        raise Incorrect(f"`hidden_shape` is {hidden_shape}, which is not the shape of the GRU's last hidden state.")
    return None


# ---------------------------------------------------------------------------- the questions


q1 = Exercise(
    "q1", "stratified 5-fold cross-validated accuracy", ["cv_accuracy"], _check_cv_accuracy,
    context=["sentences", "labels", "pipeline"], lesson=LESSON,
    hints=[
        "sklearn.model_selection.StratifiedKFold(n_splits=5, shuffle=True, random_state=0) makes the folds.",
        "cross_val_score(pipeline, sentences, labels, cv=...) returns one accuracy per fold; it refits a "
        "fresh copy of the pipeline on each training part.",
        "Average the five accuracies with np.mean (or .mean()).",
    ],
)
q2 = Exercise(
    "q2", "average word vectors, skipping unknown words", ["average_vector"], _check_average_vector,
    lesson=LESSON,
    hints=[
        "Keep the vectors of the words that `vectors` knows: [vectors[w] for w in tokens if w in vectors].",
        "np.mean(list_of_vectors, axis=0) averages them; a word that appears twice counts twice.",
        "If the list is empty, return np.zeros(vectors.vector_size) instead of taking a mean.",
    ],
)
q3 = Exercise(
    "q3", "the majority-class baseline", ["majority_accuracy"], _check_majority_accuracy,
    context=["is_seven"], lesson=LESSON,
    hints=[
        "The baseline predicts the same class for every image: whichever class is more frequent.",
        "is_seven.mean() is the share of sevens; the other class has the rest.",
    ],
)
q4 = Exercise(
    "q4", "the shapes a GRU returns", ["output_shape", "hidden_shape"], _check_gru_shapes,
    context=["gru", "batch"], lesson=LESSON,
    hints=[
        "`batch` has shape (sequences, time steps, input size); the GRU was made with batch_first=True.",
        "output holds the hidden state at every time step; h_n only the last one, per layer.",
        "Work the shapes out first, then check them: output, h_n = gru(batch); tuple(output.shape).",
    ],
)
