"""Checks for exercises/04_word2vec_fasttext_glove.ipynb: analogies, GloVe's weights, n-grams, Spearman.

Each check recomputes the right answer from the notebook's own data or from small cases
of its own, and recognises typical mistakes (question words not excluded, vectors not
normalised, no cap on the GloVe weight, n-grams without boundary markers, Pearson for
Spearman...) so that the feedback can say what went wrong without giving the answer away.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from course_lib.exercises import (
    call_answer,
    Exercise,
    Incorrect,
    expect_callable,
    expect_in_range,
    expect_number,
    short_repr,
)

LESSON = "04"


# ---------------------------------------------------------------------------- q1 3CosAdd


def _unit(v: Any) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def reference_analogy(a: str, b: str, c: str, vectors: dict, normalise_inputs: bool = True,
                      cosine_candidates: bool = True, exclude: bool = True) -> str:
    """3CosAdd: the word x (not a, b or c) whose vector is most cosine-similar to b - a + c.

    The keyword switches reproduce typical mistakes, so a check can name them.

    Examples
    --------
    >>> toy = {"man": [1, 0, 0], "woman": [1, 1, 0], "king": [1, 0, 1], "queen": [1, 1, 1], "apple": [0, 0, -1]}
    >>> reference_analogy("man", "woman", "king", toy)
    'queen'
    """
    prepare = _unit if normalise_inputs else (lambda v: np.asarray(v, dtype=np.float64))
    target = prepare(vectors[b]) - prepare(vectors[a]) + prepare(vectors[c])
    best, best_score = None, -np.inf
    for word, vector in vectors.items():
        if exclude and word in (a, b, c):
            continue
        vector = np.asarray(vector, dtype=np.float64)
        score = (_unit(vector) if cosine_candidates else vector) @ target
        if score > best_score:
            best, best_score = word, score
    return best


# Found by search: a question where 3CosAdd, the unnormalised variant, the dot-product
# variant and the variant that does not exclude a, b, c all give different answers.
# NumPy vectors, as the question promises (a learner may use v @ v or v.dot(v)).
_TRICKY = {w: np.array(v) for w, v in {
    "p": [-0.3, 1.0], "q": [-6.2, -4.2], "r": [-5.1, -1.3],
    "s": [0.5, 0.3], "t": [-1.3, 2.4], "u": [9.7, -3.5],
}.items()}
# Here the answer without excluding the question words is b itself.
_CAPITALS = {w: np.array(v) for w, v in {
    "paris": [1.0, 0.1], "france": [0.1, 1.0], "rome": [1.0, 0.2], "italy": [0.2, 1.0], "berlin": [1.0, 0.0],
}.items()}


def _check_solve_analogy(solve_analogy, toy_vectors):
    expect_callable("solve_analogy", solve_analogy)
    toy = {w: np.asarray(v, dtype=np.float64) for w, v in toy_vectors.items()}
    cases = [("man", "woman", "king", toy), ("paris", "france", "rome", _CAPITALS), ("p", "q", "r", _TRICKY)]
    words = list(toy)
    if {"man", "woman", "king"} - set(words):  # the learner changed the toy set: use its first three words
        cases[0] = (words[0], words[1], words[2], toy)
    for a, b, c, vectors in cases:
        result = call_answer("solve_analogy", solve_analogy, a, b, c, vectors)
        if not isinstance(result, str):
            raise Incorrect(f"`solve_analogy({a!r}, {b!r}, {c!r}, vectors)` returned {short_repr(result)}; it should "
                            "return the answer word itself (a key of `vectors`), not its vector or index.")
        right = reference_analogy(a, b, c, vectors)
        if result == right:
            continue
        question = f"`solve_analogy({a!r}, {b!r}, {c!r}, vectors)` returned {result!r}"
        if result in (a, b, c):
            raise Incorrect(f"{question}, one of the question's own words. Leave a, b and c out of the "
                            "candidates: b - a + c usually lies closest to b or c themselves.")
        if result not in vectors:
            raise Incorrect(f"{question}, which is not a word of `vectors`.")
        if result == reference_analogy(a, b, c, vectors, normalise_inputs=False):
            raise Incorrect(f"{question}: it looks like b - a + c was computed from raw vectors. Normalise "
                            "a, b and c to length 1 first, so a long vector does not dominate the sum.")
        if result == reference_analogy(a, b, c, vectors, cosine_candidates=False):
            raise Incorrect(f"{question}: it looks like candidates were scored by the dot product. Use "
                            "cosine similarity (divide by each candidate's length), or long vectors win.")
        raise Incorrect(f"{question}; 3CosAdd picks another word here. Score every other word x by the cosine "
                        "of x with b - a + c (unit vectors) and return the best.")


q1 = Exercise(
    "q1", "an analogy by hand with 3CosAdd", ["solve_analogy"], _check_solve_analogy,
    context=["toy_vectors"], lesson=LESSON,
    hints=["Make unit vectors first: v / np.linalg.norm(v). The target is unit(b) - unit(a) + unit(c).",
           "Loop over vectors.items(), skip a, b and c, and keep the word with the largest cosine to the target.",
           "max(candidates, key=score) returns the candidate with the largest score."],
)


# ---------------------------------------------------------------------------- q2 GloVe weight


def reference_glove_weight(x: Any, x_max: float = 100.0, alpha: float = 0.75) -> Any:
    """GloVe's weighting function f(x) = min(1, (x / x_max) ** alpha), element-wise.

    Examples
    --------
    >>> float(reference_glove_weight(25.0, x_max=100.0, alpha=0.5))
    0.5
    """
    return np.minimum(1.0, (np.asarray(x, dtype=np.float64) / x_max) ** alpha)


def _check_glove_weight(glove_weight):
    expect_callable("glove_weight", glove_weight)
    scalar_cases = [((50.0,), {}), ((100.0,), {}), ((1.0,), {}), ((2.5,), {"x_max": 10.0, "alpha": 0.5}),
                    ((400.0,), {}), ((30.0,), {"x_max": 10.0, "alpha": 0.75})]
    for args, kwargs in scalar_cases:
        result = call_answer("glove_weight", glove_weight, *args, **kwargs)
        shown = ", ".join([f"{args[0]:g}"] + [f"{k}={v:g}" for k, v in kwargs.items()])
        value = expect_number(f"glove_weight({shown})", result)
        right = float(reference_glove_weight(args[0], **kwargs))
        if np.isclose(value, right, rtol=1e-6):
            continue
        x_max = kwargs.get("x_max", 100.0)
        if args[0] > x_max and value > 1:
            raise Incorrect(f"`glove_weight({shown})` is {value:.4g}, above 1. The weight is capped: every count at "
                            "or above x_max gets weight 1, so frequent pairs do not dominate the loss.")
        raise Incorrect(f"`glove_weight({shown})` is {value:.4g}, which is not (x / x_max) ** alpha "
                        "(capped at 1). Check that you divide x by x_max, then raise to the power alpha.")
    counts = np.array([0.5, 5.0, 50.0, 100.0, 500.0])
    try:
        result = glove_weight(counts)
    except Exception as exc:
        raise Incorrect(f"`glove_weight` works on single numbers but `glove_weight(np.array([...]))` raised "
                        f"{type(exc).__name__}: {exc}. Use NumPy functions (np.minimum), not min(), so it works "
                        "element-wise on a whole array of counts.") from None
    array = np.asarray(result.detach().numpy() if hasattr(result, "detach") else result, dtype=np.float64)
    if array.shape != counts.shape or not np.allclose(array, reference_glove_weight(counts), rtol=1e-6):
        raise Incorrect("`glove_weight(counts)` for an array of counts should give one weight per count, "
                        f"element-wise; it returned {short_repr(array)}. Use np.minimum, not min().")


q2 = Exercise(
    "q2", "GloVe's weighting function", ["glove_weight"], _check_glove_weight, lesson=LESSON,
    hints=["f(x) = (x / x_max) ** alpha for counts below x_max, and exactly 1 from x_max up.",
           "np.minimum(1.0, ...) caps every element of an array at 1 (the built-in min() does not work on arrays)."],
)


# ---------------------------------------------------------------------------- q3 n-grams


def reference_char_ngrams(word: str, n_min: int = 3, n_max: int = 6) -> list[str]:
    """fastText's character n-grams of ``word``: substrings of ``<word>`` of n_min..n_max characters.

    The same list as gensim's ``compute_ngrams``, shortest first.

    Examples
    --------
    >>> reference_char_ngrams("cat", 3, 4)
    ['<ca', 'cat', 'at>', '<cat', 'cat>']
    """
    marked = f"<{word}>"
    return [marked[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(marked) - n + 1)]


def _check_char_ngrams(char_ngrams):
    expect_callable("char_ngrams", char_ngrams)
    for args in [("where", 3, 6), ("cat", 3, 4), ("a", 3, 6), ("embedding", 4, 5)]:
        result = call_answer("char_ngrams", char_ngrams, *args)
        shown = f"char_ngrams({args[0]!r}, {args[1]}, {args[2]})"
        if isinstance(result, np.ndarray) and result.dtype.kind == "U" and result.ndim == 1:
            result = result.tolist()  # an array of strings is a list of strings here
        if isinstance(result, (set, frozenset)):  # the order does not matter: a set is fine too
            if all(isinstance(g, str) for g in result) and result == set(reference_char_ngrams(*args)):
                continue
            result = sorted(result, key=str)
        if isinstance(result, (str, bytes)) or not isinstance(result, (list, tuple)):
            raise Incorrect(f"`{shown}` returned {short_repr(result)}; it should return a list of strings.")
        if not all(isinstance(g, str) for g in result):
            raise Incorrect(f"`{shown}` should hold strings only, but it holds {short_repr(list(result))}.")
        right = reference_char_ngrams(*args)
        if sorted(result) == sorted(right):
            continue
        word, n_min, n_max = args
        if not any(g.startswith("<") for g in result) and right:
            raise Incorrect(f"`{shown}` has no n-gram starting with '<'. Add the boundary markers first: n-grams "
                            "of '<' + word + '>', so that prefixes and suffixes get their own n-grams.")
        lengths = sorted({len(g) for g in result})
        if any(n < n_min or n > n_max for n in lengths):
            raise Incorrect(f"`{shown}` holds n-grams of lengths {lengths}; only lengths {n_min} to {n_max} "
                            "(both included) belong.")
        if right and max(len(g) for g in right) not in lengths:
            raise Incorrect(f"`{shown}` has no n-grams of length {max(len(g) for g in right)}; the range "
                            "n_min..n_max includes n_max (range(n_min, n_max + 1)).")
        if len(result) != len(set(result)) and len(right) == len(set(right)):
            raise Incorrect(f"`{shown}` lists some n-grams twice.")
        missing = len(set(right) - set(result))
        raise Incorrect(f"`{shown}` returned {len(result)} n-grams; {missing} of the right ones are missing or "
                        "others are wrong. Slide a window of every length n over '<' + word + '>'.")


q3 = Exercise(
    "q3", "fastText character n-grams", ["char_ngrams"], _check_char_ngrams, lesson=LESSON,
    hints=["Put the markers around the word first: marked = '<' + word + '>'.",
           "For each n from n_min to n_max (included), take marked[i:i + n] for every start i that fits."],
)


# ---------------------------------------------------------------------------- q4 Spearman


def _vector(vectors: Any, word: str) -> np.ndarray | None:
    return np.asarray(vectors[word], dtype=np.float64) if word in vectors else None


def _pair_scores(vectors: Any, pairs: list, score: str = "cosine", missing: float | None = None):
    human, model = [], []
    for a, b, s in pairs:
        va, vb = _vector(vectors, a), _vector(vectors, b)
        if va is None or vb is None:
            if missing is None:
                continue
            model.append(missing)
        elif score == "cosine":
            model.append(float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb))))
        else:
            model.append(float(va @ vb))
        human.append(float(s))
    return np.array(human), np.array(model)


def _check_spearman(rho, n_covered, static, pairs):
    from scipy.stats import pearsonr, spearmanr

    human, model = _pair_scores(static, pairs)
    count = expect_number("n_covered", n_covered, why="Count the pairs whose two words both have vectors.")
    if count != len(human):
        if count == len(pairs):
            raise Incorrect(f"`n_covered` is {int(count)}, every pair of `pairs`; count only the pairs whose two "
                            "words are both in `static`.")
        raise Incorrect(f"`n_covered` is {count:g}, which is not the number of pairs whose two words are both "
                        "in `static` (test with `word in static`).")
    value = expect_in_range("rho", rho, -1.0, 1.0, why="A correlation coefficient lies between -1 and 1.")
    right = float(spearmanr(human, model).statistic)
    if np.isclose(value, right, atol=1e-6):
        return f"On {len(human)} of {len(pairs)} pairs."
    if np.isclose(value, -right, atol=1e-6):
        raise Incorrect("`rho` has the wrong sign: score each pair by a similarity (cosine), not a distance.")
    if np.isclose(value, float(pearsonr(human, model).statistic), atol=1e-6):
        raise Incorrect("`rho` is Pearson's correlation; word-similarity benchmarks use Spearman's rank "
                        "correlation (scipy.stats.spearmanr), which only asks whether the order agrees.")
    h0, m0 = _pair_scores(static, pairs, missing=0.0)
    if len(h0) != len(human) and np.isclose(value, float(spearmanr(h0, m0).statistic), atol=1e-6):
        raise Incorrect("`rho` includes the pairs with an unknown word (as similarity 0); skip those pairs instead.")
    hd, md = _pair_scores(static, pairs, score="dot")
    if np.isclose(value, float(spearmanr(hd, md).statistic), atol=1e-6):
        raise Incorrect("`rho` ranks the pairs by dot product; use cosine similarity (divide by both lengths).")
    raise Incorrect("`rho` is not Spearman's correlation between the human scores and the cosine similarities "
                    "of the covered pairs.")


q4 = Exercise(
    "q4", "Spearman correlation on the covered pairs", ["rho", "n_covered"], _check_spearman,
    context=["static", "pairs"], lesson=LESSON,
    hints=["Keep a pair only when both words are in `static` (`word in static`).",
           "For each kept pair, collect the human score and the cosine similarity of the two vectors.",
           "scipy.stats.spearmanr(human_scores, model_scores).statistic is the rank correlation."],
)
