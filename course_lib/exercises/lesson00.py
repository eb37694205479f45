"""Checks for exercises/00_welcome.ipynb: warm-ups that show how checks answer back."""
from __future__ import annotations

import numpy as np

from course_lib.exercises import Exercise, Incorrect, expect_array, expect_close, expect_number, expect_type
from course_lib.exercises import _describe

LESSON = "00"


def _check_unit_vector(vector):
    array = expect_array("vector", vector, shape=(3,), why="Make a NumPy array of three numbers, e.g. np.array([...]).")
    if array.dtype.kind not in "fiu":
        raise Incorrect(f"`vector` should hold numbers, but its dtype is {array.dtype}.")
    length = float(np.linalg.norm(array))
    if np.isclose(length, 0.0):
        raise Incorrect("`vector` is all zeros; a zero vector has no direction and cannot be scaled to length 1.")
    expect_close("np.linalg.norm(vector)", length, 1.0, rtol=1e-6,
                 why="A unit vector has length 1: divide any non-zero vector by its own length.")


def _check_mean_word_length(mean_word_length, sentence):
    words = sentence.split()
    value = expect_number("mean_word_length", mean_word_length,
                          why="It is one number: the average of the lengths of the words.")
    right = float(np.mean([len(w) for w in words]))
    if not np.isclose(value, right, rtol=1e-9):
        if np.isclose(value, len(sentence) / len(words), rtol=1e-9):
            raise Incorrect("`mean_word_length` divides the length of the whole sentence, spaces included, by the "
                            "number of words; count only the letters of each word: len(word) for word in the words.")
        if np.isclose(value, sum(len(w) for w in words)):
            raise Incorrect("`mean_word_length` is the total number of letters; divide it by the number of words.")
        floor = np.isclose(value, sum(len(w) for w in words) // len(words))
        if np.isclose(value, len(words)):
            raise Incorrect("`mean_word_length` is the number of words" + (
                ", or an average rounded down by integer division (//)" if floor else "") +
                "; average the lengths of the words, with / to keep the fraction.")
        if floor:
            raise Incorrect("`mean_word_length` was rounded down (integer division //); use / to keep the fraction.")
    expect_close("mean_word_length", value, right, rtol=1e-9,
                 why=f"Split `sentence` into its {len(words)} words, take len() of each, and average.")


def _check_nearest(nearest, points):
    if isinstance(nearest, (list, tuple, set)) and len(nearest) == 1 and isinstance(next(iter(nearest)), str):
        raise Incorrect(f"`nearest` is {_describe(nearest)} holding one word; give the word itself, a string.")
    expect_type("nearest", nearest, str, why="Give the word itself (one of the keys of `points`), not its vector, "
                                             "its distance or its index.")
    if nearest not in points:
        raise Incorrect(f"`nearest` is {nearest!r}, which is not one of the words in `points`.")
    if nearest == "cat":
        raise Incorrect("`nearest` is 'cat' itself; look for the closest *other* word.")
    query = np.asarray(points["cat"], dtype=float)
    distances = {w: float(np.linalg.norm(np.asarray(v, dtype=float) - query)) for w, v in points.items() if w != "cat"}
    if not np.isclose(distances[nearest], min(distances.values())):
        if np.isclose(distances[nearest], max(distances.values())):
            raise Incorrect(f"`nearest` is {nearest!r}, the *farthest* word from 'cat'; the nearest has the smallest distance "
                            "(min, not max).")
        raise Incorrect(f"`nearest` is {nearest!r}, which is not the closest word to 'cat': another word is nearer by Euclidean distance.")


q1 = Exercise(
    "q1", "a unit vector", ["vector"], _check_unit_vector, lesson=LESSON,
    hints=["Start from any non-zero array of three numbers.",
           "np.linalg.norm(v) gives the length of v; dividing v by it gives a vector of length 1."],
)
q2 = Exercise(
    "q2", "average word length", ["mean_word_length"], _check_mean_word_length, context=["sentence"], lesson=LESSON,
    hints=["sentence.split() gives a list of words.",
           "A list comprehension [len(w) for w in words] gives their lengths; np.mean averages them."],
)
q3 = Exercise(
    "q3", "nearest neighbour by hand", ["nearest"], _check_nearest, context=["points"], lesson=LESSON,
    hints=["Compute the distance from points['cat'] to every other word's point.",
           "np.linalg.norm(a - b) is the Euclidean distance; min(d, key=d.get) finds the key with the smallest value."],
)
