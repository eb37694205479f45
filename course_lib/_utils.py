"""Private helpers shared by course_lib's modules: argument checks and unit rows.

Public functions validate their arguments at the boundary; these few pieces keep the
checks (and their messages) the same everywhere instead of one copy per module.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import numpy as np


def is_integer(value: Any) -> bool:
    """True for Python and NumPy integers, False for anything else, ``bool`` included.

    ``True`` is an ``int`` in Python, but ``k=True`` is a mistake, not ``k=1``.

    Examples
    --------
    >>> is_integer(3), is_integer(np.int64(3)), is_integer(True), is_integer(3.0)
    (True, True, False, False)
    """
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_int(value: Any, name: str, low: int, high: int | None = None) -> int:
    """``value`` as an ``int`` if it is an integer in ``[low, high]`` (no upper bound by default).

    Examples
    --------
    >>> check_int(np.int64(5), "k", 1)
    5
    >>> check_int(0, "k", 1, 10)
    Traceback (most recent call last):
    ...
    ValueError: k must be an integer between 1 and 10, got 0
    """
    if high is not None:
        if not is_integer(value) or not low <= value <= high:
            raise ValueError(f"{name} must be an integer between {low} and {high}, got {value!r}")
    elif not is_integer(value) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def as_matrix(value: Any, name: str, min_rows: int = 1, rows_for: str = "") -> np.ndarray:
    """``value`` (array-like or torch tensor) as a finite float64 matrix, one row per item.

    Parameters
    ----------
    value : array_like or torch.Tensor, shape (n, d)
    name : str
        The argument's name, for the error messages.
    min_rows : int
        The fewest rows the caller can work with.
    rows_for : str
        Why that many rows are needed, added to the message (for example " for a map").

    Examples
    --------
    >>> as_matrix([[1, 2], [3, 4]], "X").dtype
    dtype('float64')
    >>> as_matrix([[1.0, float("nan")]], "X")
    Traceback (most recent call last):
    ...
    ValueError: X contains NaN or infinity (row 0)
    """
    if hasattr(value, "detach"):  # a torch tensor, possibly on the GPU
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.dtype.kind not in "fiu":
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[1] < 1:
        raise ValueError(f"{name} must be a 2-D array of shape (n, d), one row per item; got shape {array.shape} "
                         "(it must be 2-D, with at least one column)")
    if len(array) < min_rows:
        plural = "s" if min_rows > 1 else ""
        raise ValueError(f"{name} needs at least {min_rows} row{plural}{rows_for}, got {len(array)}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        row = int(np.argwhere(~np.isfinite(array))[0, 0])
        raise ValueError(f"{name} contains NaN or infinity (row {row})")
    return array


def zero_vector_error(what: str, remedy: str = "remove it") -> ValueError:
    """The error for an all-zero vector where a cosine similarity is needed: it has no direction.

    Every cosine neighbour search refuses such a vector with this message: ``top_k``,
    ``nearest_neighbours``, ``nearest_words``, the analogy calculator and the explorers.

    Examples
    --------
    >>> str(zero_vector_error("corpus row 3", "remove it, or use metric='dot'"))
    "corpus row 3 is all zeros; cosine similarity is undefined for it (remove it, or use metric='dot')"
    """
    return ValueError(f"{what} is all zeros; cosine similarity is undefined for it ({remedy})")


def first_zero_row(matrix: np.ndarray) -> int | None:
    """The index of the first all-zero row of a 2-D array, or None when there is none.

    Examples
    --------
    >>> first_zero_row(np.array([[1.0, 0.0], [0.0, 0.0]])), first_zero_row(np.eye(2))
    (1, None)
    """
    zero = np.flatnonzero(~np.any(matrix, axis=1))
    return int(zero[0]) if zero.size else None


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1; an all-zero row (a ReLU layer can output one) stays zero.

    For what is not a neighbour search (k-means on directions, synthetic data, word-pair
    similarities): a zero row then has similarity 0 with everything instead of dividing by
    zero. Neighbour searches refuse zero rows instead (:func:`zero_vector_error`), as
    :func:`course_lib.use.search.normalize` does.

    Examples
    --------
    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    lengths = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(lengths > 0, lengths, 1.0)


def as_labels(labels: Any, name: str = "labels", n: int | None = None, integers: bool = False) -> np.ndarray:
    """``labels`` as a 1-D NumPy array, one label per item (``n`` of them when given).

    Accepts lists, arrays and torch tensors. With ``integers=True`` the labels must be
    whole numbers (class indices); floats such as 3.0 are converted.

    Examples
    --------
    >>> as_labels([0, 1, 1], n=3).tolist()
    [0, 1, 1]
    >>> as_labels([[0, 1]], n=2)
    Traceback (most recent call last):
    ...
    ValueError: labels must be 1-D with one label per item (2 of them), got shape (1, 2)
    """
    if hasattr(labels, "detach"):  # a torch tensor, without importing torch
        labels = labels.detach().cpu().numpy()
    array = np.asarray(labels)
    if array.ndim != 1 or (n is not None and len(array) != n):
        count = "" if n is None else f" ({n} of them)"
        raise ValueError(f"{name} must be 1-D with one label per item{count}, got shape {array.shape}")
    if integers and array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and np.all(array == np.round(array)):
            array = array.astype(np.int64)
        else:
            raise ValueError(f"{name} must hold integer class labels, got dtype {array.dtype}")
    return array


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``, else a ValueError that lists them.

    Examples
    --------
    >>> check_choice("cosine", "metric", ("cosine", "dot"))
    'cosine'
    >>> check_choice("manhattan", "metric", ("cosine", "dot"))
    Traceback (most recent call last):
    ...
    ValueError: metric must be one of 'cosine', 'dot'; got 'manhattan'
    """
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_names(names: Any, n: int, name: str = "names") -> list[str]:
    """``names`` as a list of ``n`` distinct strings: one name per row, so a typed name finds one row.

    Examples
    --------
    >>> check_names(["cat", "dog"], 2)
    ['cat', 'dog']
    >>> check_names(["cat", "cat"], 2, "words")
    Traceback (most recent call last):
    ...
    ValueError: words must be unique so that a typed name finds one row; 'cat' appears twice
    """
    names = [str(x) for x in names]
    if len(names) != n:
        raise ValueError(f"{name} must hold one name per row ({n}), got {len(names)}")
    if len(set(names)) != len(names):
        seen: set[str] = set()
        twice = next(x for x in names if x in seen or seen.add(x))
        raise ValueError(f"{name} must be unique so that a typed name finds one row; {twice!r} appears twice")
    return names


def unknown_word(word: str, index: Mapping[str, int], name: str) -> ValueError:
    """The error for a word that is not in a vocabulary, with the closest words it has.

    Examples
    --------
    >>> str(unknown_word("kng", {"king": 0, "queen": 1}, "a"))
    "a='kng' is not in the vocabulary (2 words); did you mean king?"
    """
    close = difflib.get_close_matches(word, list(index)[:50_000], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; check the spelling and the case"
    return ValueError(f"{name}={word!r} is not in the vocabulary ({len(index):,} words){hint}")
