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


# ---------------------------------------------------------------------------- audit tables
# WRONG: (question, answers, words the message must hold); RIGHT_FORMS: right answers in other forms.

def _analogy_with_dots(a, b, c, vectors):
    """3CosAdd with lengths from v @ v: works on the NumPy vectors the question promises."""
    unit = {w: v / np.sqrt(v @ v) for w, v in vectors.items()}
    target = unit[b] - unit[a] + unit[c]
    return max((w for w in vectors if w not in (a, b, c)), key=lambda w: unit[w].dot(target))


def _analogy_numpy_str(a, b, c, vectors):
    words = np.array(list(vectors))
    unit = np.array([vectors[w] / np.linalg.norm(vectors[w]) for w in words])
    target = unit[list(words).index(b)] - unit[list(words).index(a)] + unit[list(words).index(c)]
    scores = unit @ target
    scores[np.isin(words, [a, b, c])] = -np.inf
    return words[np.argmax(scores)]  # a NumPy string


def _ngrams_set(word, n_min=3, n_max=6):
    return set(reference_char_ngrams(word, n_min, n_max))


def _benchmark_answers(b, sign=1.0, n=None, pearson=False):
    human, model = _scores(**b)
    rho = (pearsonr if pearson else spearmanr)(human, model).statistic
    return {"rho": sign * rho, "n_covered": len(human) if n is None else n}


QUESTIONS = {"q1": q1, "q2": q2, "q3": q3, "q4": q4}

WRONG = [
    pytest.param("q1", lambda b: {"solve_analogy": lambda a, b_, c, v: b_}, "question's own words", id="q1-returns-b"),
    pytest.param("q1", lambda b: {"solve_analogy": _solver(normalise_inputs=False)}, "Normalise", id="q1-raw"),
    pytest.param("q1", lambda b: {"solve_analogy": _solver(cosine_candidates=False)}, "dot product", id="q1-dot"),
    pytest.param("q1", lambda b: {"solve_analogy": lambda a, b_, c, v: v[reference_analogy(a, b_, c, v)]},
                 "not its vector", id="q1-vector"),
    pytest.param("q2", lambda b: {"glove_weight": lambda x, x_max=100.0, alpha=0.75: (x / x_max) ** alpha},
                 "capped", id="q2-no-cap"),
    pytest.param("q2", lambda b: {"glove_weight": lambda x, x_max=100.0, alpha=0.75: min(1.0, (x / x_max) ** alpha)},
                 "np.minimum", id="q2-builtin-min"),
    pytest.param("q2", lambda b: {"glove_weight": lambda x, x_max=100.0, alpha=0.75: np.minimum(1, x / x_max) * alpha},
                 "power alpha", id="q2-times-alpha"),
    pytest.param("q3", lambda b: {"char_ngrams": _no_markers}, "'<'", id="q3-no-markers"),
    pytest.param("q3", lambda b: {"char_ngrams": _exclusive_max}, "includes n_max", id="q3-exclusive-max"),
    pytest.param("q3", lambda b: {"char_ngrams": lambda w, n_min=3, n_max=6: _ngrams_set(w, n_min, n_max) | {w}},
                 "lengths", id="q3-set-with-word"),
    pytest.param("q4", lambda b: _benchmark_answers(b, sign=-1.0), "sign", id="q4-distance"),
    pytest.param("q4", lambda b: _benchmark_answers(b, pearson=True), "Pearson", id="q4-pearson"),
    pytest.param("q4", lambda b: _benchmark_answers(b, n=len(b["pairs"])), "every pair", id="q4-all-pairs"),
]


@pytest.mark.parametrize("key, make, words", WRONG)
def test_wrong_answers_are_told_what_is_wrong(benchmark, key, make, words):
    context = {"q1": {"toy_vectors": TOY}, "q4": benchmark}.get(key, {})
    answers = make(benchmark)
    result = QUESTIONS[key].evaluate({**context, **answers})
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message
    if key == "q1":
        assert "'queen'" not in result.message
    if key == "q4":
        assert f"{_benchmark_answers(benchmark)['rho']:.3f}" not in result.message


RIGHT_FORMS = [
    pytest.param("q1", {"solve_analogy": _analogy_with_dots}, id="q1-v-at-v"),
    pytest.param("q1", {"solve_analogy": _analogy_numpy_str}, id="q1-numpy-str"),
    pytest.param("q2", {"glove_weight": lambda x, x_max=100.0, alpha=0.75: np.where(
        np.asarray(x) < x_max, (np.asarray(x, dtype=float) / x_max) ** alpha, 1.0)}, id="q2-where"),
    pytest.param("q2", {"glove_weight": lambda x, x_max=100.0, alpha=0.75: np.clip(
        (np.asarray(x, dtype=float) / x_max) ** alpha, None, 1.0).astype(np.float32)}, id="q2-clip-float32"),
    pytest.param("q3", {"char_ngrams": _ngrams_set}, id="q3-set"),
    pytest.param("q3", {"char_ngrams": lambda w, n_min=3, n_max=6: tuple(reversed(reference_char_ngrams(
        w, n_min, n_max)))}, id="q3-reversed-tuple"),
    pytest.param("q3", {"char_ngrams": lambda w, n_min=3, n_max=6: np.array(reference_char_ngrams(w, n_min, n_max))},
                 id="q3-array"),
]


@pytest.mark.parametrize("key, answers", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(key, answers):
    context = {"q1": {"toy_vectors": TOY}}.get(key, {})
    result = QUESTIONS[key].evaluate({**context, **answers})
    assert result.outcome == "correct", result.message


def test_q4_right_answers_in_other_forms_are_accepted(benchmark):
    import torch

    answers = _benchmark_answers(benchmark)
    for rho, n in [(np.float32(answers["rho"]), np.int64(answers["n_covered"])),
                   (torch.tensor(answers["rho"]), float(answers["n_covered"]))]:
        result = q4.evaluate({**benchmark, "rho": rho, "n_covered": n})
        assert result.outcome == "correct", result.message
