"""Lesson 04's checks: right answers pass, typical mistakes get their own message, blanks are
"not attempted", and no message gives the answer away."""
from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.models.fasttext import compute_ngrams
from scipy.stats import pearsonr, spearmanr

from course_lib.exercises import ____
from course_lib.exercises.lesson04 import (
    _CAPITALS,
    _TRICKY,
    q1,
    q2,
    q3,
    q4,
    reference_analogy,
    reference_char_ngrams,
    reference_glove_weight,
)


def _outcome(question, namespace):
    result = question.evaluate(namespace)
    return result.outcome, result.message


TOY = {
    "man": np.array([0.1, 0.0, 0.2, 0.0]),
    "woman": np.array([0.1, 0.9, 0.2, 0.0]),
    "king": np.array([0.9, 0.1, 0.1, 0.0]),
    "queen": np.array([0.9, 0.9, 0.1, 0.0]),
    "boy": np.array([0.0, 0.0, 0.9, 0.0]),
    "apple": np.array([0.0, 0.1, 0.0, 0.9]),
}


# ---------------------------------------------------------------------------- q1


def _solver(normalise_inputs=True, cosine_candidates=True, exclude=True):
    def solve_analogy(a, b, c, vectors):
        return reference_analogy(a, b, c, vectors, normalise_inputs, cosine_candidates, exclude)
    return solve_analogy


def test_q1_crafted_cases_tell_the_mistakes_apart():
    answers = {reference_analogy("p", "q", "r", _TRICKY, **kw) for kw in
               [{}, {"normalise_inputs": False}, {"cosine_candidates": False}, {"exclude": False}]}
    assert len(answers) == 4
    assert reference_analogy("paris", "france", "rome", _CAPITALS) == "italy"
    assert reference_analogy("paris", "france", "rome", _CAPITALS, exclude=False) == "france"


def test_q1_right_answers_pass():
    assert _outcome(q1, {"solve_analogy": _solver(), "toy_vectors": TOY})[0] == "correct"

    def vectorised(a, b, c, vectors):
        words = list(vectors)
        m = np.array([vectors[w] / np.linalg.norm(vectors[w]) for w in words])
        target = m[words.index(b)] - m[words.index(a)] + m[words.index(c)]
        scores = m @ target
        for w in (a, b, c):
            scores[words.index(w)] = -np.inf
        return words[int(np.argmax(scores))]

    assert _outcome(q1, {"solve_analogy": vectorised, "toy_vectors": TOY})[0] == "correct"


def test_q1_blank_is_not_attempted():
    def solve_analogy(a, b, c, vectors):
        """Stub as the practice notebook has it."""
        return ____

    outcome, message = _outcome(q1, {"solve_analogy": solve_analogy, "toy_vectors": TOY})
    assert outcome == "not attempted" and "still returns ____" in message
    assert _outcome(q1, {"solve_analogy": ____, "toy_vectors": TOY})[0] == "not attempted"


@pytest.mark.parametrize("solver, words", [
    (_solver(exclude=False), "question's own words"),
    (_solver(normalise_inputs=False), "Normalise"),
    (_solver(cosine_candidates=False), "dot product"),
    (lambda a, b, c, vectors: vectors[c], "answer word itself"),
    (lambda a, b, c, vectors: "banana", "not a word of `vectors`"),
    (lambda a, b, c, vectors: sorted(vectors)[0] if sorted(vectors)[0] not in (a, b, c) else sorted(vectors)[-1],
     "3CosAdd picks another word"),
    (lambda a, b, c, vectors: vectors["nope"], "raised KeyError"),
])
def test_q1_typical_mistakes_get_targeted_messages(solver, words):
    outcome, message = _outcome(q1, {"solve_analogy": solver, "toy_vectors": TOY})
    assert outcome == "incorrect"
    assert words in message


def test_q1_messages_do_not_leak_the_answer():
    _, message = _outcome(q1, {"solve_analogy": _solver(normalise_inputs=False), "toy_vectors": TOY})
    assert "'u'" not in message  # the right answer of the tricky case


# ---------------------------------------------------------------------------- q2


def test_q2_right_answers_pass():
    def glove_weight(x, x_max=100.0, alpha=0.75):
        return np.where(np.asarray(x) < x_max, (np.asarray(x, dtype=float) / x_max) ** alpha, 1.0)

    assert _outcome(q2, {"glove_weight": reference_glove_weight})[0] == "correct"
    assert _outcome(q2, {"glove_weight": glove_weight})[0] == "correct"


def test_q2_blank_is_not_attempted():
    def glove_weight(x, x_max=100.0, alpha=0.75):
        return ____

    assert _outcome(q2, {"glove_weight": glove_weight})[0] == "not attempted"


@pytest.mark.parametrize("func, words", [
    (lambda x, x_max=100.0, alpha=0.75: (np.asarray(x, dtype=float) / x_max) ** alpha, "capped"),
    (lambda x, x_max=100.0, alpha=0.75: min(1.0, (x / x_max) ** alpha), "np.minimum"),
    (lambda x, x_max=100.0, alpha=0.75: np.minimum(1.0, (x_max / np.asarray(x, dtype=float)) ** alpha),
     "divide x by x_max"),
    (lambda x, x_max=100.0, alpha=0.75: np.minimum(1.0, (np.asarray(x, dtype=float) / 100.0) ** 0.75),
     "not (x / x_max) ** alpha"),
    (lambda x, x_max=100.0, alpha=0.75: np.ones(2), "single number"),
])
def test_q2_typical_mistakes_get_targeted_messages(func, words):
    outcome, message = _outcome(q2, {"glove_weight": func})
    assert outcome == "incorrect"
    assert words in message


def test_q2_array_mistake_that_is_not_an_error():
    def glove_weight(x, x_max=100.0, alpha=0.75):
        if np.ndim(x):
            return np.ones_like(x)
        return float(reference_glove_weight(x, x_max, alpha))

    outcome, message = _outcome(q2, {"glove_weight": glove_weight})
    assert outcome == "incorrect" and "element-wise" in message


# ---------------------------------------------------------------------------- q3


def test_q3_reference_matches_gensim():
    for word, lo, hi in [("where", 3, 6), ("a", 3, 6), ("ab", 3, 4), ("embedding", 4, 5)]:
        assert reference_char_ngrams(word, lo, hi) == compute_ngrams(word, lo, hi)


def test_q3_right_answers_pass_in_any_order():
    assert _outcome(q3, {"char_ngrams": reference_char_ngrams})[0] == "correct"
    reversed_order = lambda word, n_min=3, n_max=6: reference_char_ngrams(word, n_min, n_max)[::-1]  # noqa: E731
    assert _outcome(q3, {"char_ngrams": reversed_order})[0] == "correct"
    assert _outcome(q3, {"char_ngrams": lambda w, lo=3, hi=6: tuple(compute_ngrams(w, lo, hi))})[0] == "correct"


def test_q3_blank_is_not_attempted():
    def char_ngrams(word, n_min=3, n_max=6):
        return ____

    assert _outcome(q3, {"char_ngrams": char_ngrams})[0] == "not attempted"


def _no_markers(word, n_min=3, n_max=6):
    return [word[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(word) - n + 1)]


def _exclusive_max(word, n_min=3, n_max=6):
    return reference_char_ngrams(word, n_min, n_max - 1)


def _twice(word, n_min=3, n_max=6):
    grams = reference_char_ngrams(word, n_min, n_max)
    return grams + grams[:1]


def _with_whole_word(word, n_min=3, n_max=6):
    return reference_char_ngrams(word, n_min, n_max) + ["<" + word + ">"]


def _missing_one(word, n_min=3, n_max=6):
    return reference_char_ngrams(word, n_min, n_max)[1:]


@pytest.mark.parametrize("func, words", [
    (_no_markers, "boundary markers"),
    (_exclusive_max, "includes n_max"),
    (_twice, "twice"),
    (_with_whole_word, "only lengths"),
    (_missing_one, "missing or"),
    (lambda word, n_min=3, n_max=6: "<" + word + ">", "list of strings"),
    (lambda word, n_min=3, n_max=6: [1, 2], "strings only"),
])
def test_q3_typical_mistakes_get_targeted_messages(func, words):
    outcome, message = _outcome(q3, {"char_ngrams": func})
    assert outcome == "incorrect"
    assert words in message


# ---------------------------------------------------------------------------- q4


@pytest.fixture(scope="module")
def benchmark():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    static = KeyedVectors(vector_size=8)
    static.add_vectors(words, rng.normal(size=(30, 8)) * rng.uniform(0.5, 3.0, size=(30, 1)))
    pairs = [(words[rng.integers(30)], words[rng.integers(30)], float(rng.uniform(0, 10))) for _ in range(40)]
    pairs += [("w1", "unknown", 9.5), ("nothing", "w2", 0.5), ("zzz", "w3", 9.9)]
    return {"static": static, "pairs": pairs}


def _scores(static, pairs, dot=False, missing=None):
    human, model = [], []
    for a, b, s in pairs:
        if a in static and b in static:
            va, vb = static[a], static[b]
            model.append(va @ vb if dot else va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))
        elif missing is None:
            continue
        else:
            model.append(missing)
        human.append(s)
    return human, model


def test_q4_right_answer_passes(benchmark):
    human, model = _scores(**benchmark)
    outcome, message = _outcome(q4, {**benchmark, "rho": spearmanr(human, model).statistic, "n_covered": len(human)})
    assert outcome == "correct" and "On 40 of 43 pairs" in message


def test_q4_matches_course_evaluate(benchmark):
    from course_lib.use.benchmarks import word_similarity

    rho, covered, _ = word_similarity(benchmark["static"], benchmark["pairs"])
    assert _outcome(q4, {**benchmark, "rho": rho, "n_covered": covered})[0] == "correct"


def test_q4_blank_is_not_attempted(benchmark):
    assert _outcome(q4, {**benchmark, "rho": ____, "n_covered": 40})[0] == "not attempted"


def test_q4_typical_mistakes_get_targeted_messages(benchmark):
    human, model = _scores(**benchmark)
    n = len(human)
    cases = [
        ({"rho": pearsonr(human, model).statistic, "n_covered": n}, "Pearson"),
        ({"rho": spearmanr(*_scores(**benchmark, missing=0.0)).statistic, "n_covered": n}, "similarity 0"),
        ({"rho": spearmanr(*_scores(**benchmark, dot=True)).statistic, "n_covered": n}, "dot product"),
        ({"rho": spearmanr(human, model).statistic, "n_covered": 43}, "every pair"),
        ({"rho": spearmanr(human, model).statistic, "n_covered": 12}, "not the number of pairs"),
        ({"rho": 0.01, "n_covered": n}, "is not Spearman"),
        ({"rho": 4.0, "n_covered": n}, "between -1 and 1"),
        ({"rho": spearmanr(human, model), "n_covered": n}, "single number"),
    ]
    for answers, words in cases:
        outcome, message = _outcome(q4, {**benchmark, **answers})
        assert outcome == "incorrect", answers
        assert words in message, (words, message)
