"""course_lib.use.benchmarks: word similarity, analogy accuracy and the analogy calculator, checked against gensim."""
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from gensim.models import KeyedVectors
from scipy.stats import spearmanr

from course_lib.embed.text import Vocabulary
from course_lib.use.benchmarks import AnalogyResult, analogy, analogy_accuracy, word_similarity

# ---------------------------------------------------------------- word similarity

VECTORS = {"cat": np.array([1.0, 0.1]), "dog": np.array([0.9, 0.3]), "car": np.array([0.0, 1.0])}
PAIRS = [("cat", "dog", 9.0), ("cat", "car", 2.0), ("dog", "car", 3.0), ("cat", "sun", 1.0)]


def test_word_similarity_counts_covered_pairs():
    rho, covered, total = word_similarity(VECTORS, PAIRS)
    assert (covered, total) == (3, 4)
    assert rho == pytest.approx(1.0)
    rho, _, _ = word_similarity(VECTORS, [("cat", "dog", 1.0), ("cat", "car", 9.0), ("dog", "car", 3.0)])
    assert rho == pytest.approx(-1.0)


def test_word_similarity_matches_scipy_on_random_vectors():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(20)]
    vectors = {w: rng.normal(size=5) for w in words}
    pairs = [(words[i], words[j], float(rng.uniform(0, 10))) for i, j in rng.integers(0, 20, size=(40, 2)) if i != j]
    cos = [vectors[a] @ vectors[b] / np.linalg.norm(vectors[a]) / np.linalg.norm(vectors[b]) for a, b, _ in pairs]
    expected = spearmanr([s for _, _, s in pairs], cos).statistic
    rho, covered, total = word_similarity(vectors, pairs)
    assert rho == pytest.approx(expected) and covered == total == len(pairs)


def test_word_similarity_with_keyed_vectors_agrees_with_gensim(tmp_path):
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(30)]
    kv = KeyedVectors(vector_size=8)
    kv.add_vectors(words, rng.normal(size=(30, 8)).astype(np.float32))
    pairs = [(words[i], words[j], float(rng.uniform(0, 10))) for i, j in rng.integers(0, 30, size=(50, 2)) if i != j]
    pairs += [("w1", "unknown", 5.0)]
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{a}\t{b}\t{s}\n" for a, b, s in pairs))
    _, gensim_spearman, oov = kv.evaluate_word_pairs(str(path))
    rho, covered, total = word_similarity(kv, pairs)
    assert rho == pytest.approx(gensim_spearman.statistic, abs=1e-6)
    assert total == len(pairs) and covered == len(pairs) - 1
    assert oov == pytest.approx(100 / len(pairs))


def test_word_similarity_callable_none_or_keyerror_and_case():
    def lookup(word):
        if word == "sun":
            return None
        return VECTORS[word]  # KeyError for other unknown words

    pairs = PAIRS + [("Cat", "DOG", 8.0), ("cat", "moon", 4.0)]
    rho, covered, total = word_similarity(lookup, pairs)
    assert (covered, total) == (4, 6)
    assert word_similarity(lookup, pairs, case_insensitive=False)[1] == 3


def test_word_similarity_zero_vector_counts_as_similarity_zero_and_nan_when_too_few():
    vectors = dict(VECTORS, zero=np.zeros(2))
    rho, covered, _ = word_similarity(vectors, [("zero", "cat", 1.0), ("cat", "dog", 5.0), ("cat", "car", 3.0)])
    assert covered == 3 and math.isfinite(rho)
    rho, covered, total = word_similarity(VECTORS, [("cat", "dog", 1.0), ("a", "b", 2.0)])
    assert math.isnan(rho) and (covered, total) == (1, 2)


@pytest.mark.parametrize("lookup, pairs, match", [
    ([1, 2], PAIRS, "vectors_lookup"),
    (VECTORS, "wordsim353.tsv", "pairs"),
    (VECTORS, [], "empty"),
    (VECTORS, [("cat", "dog")], r"pairs\[0\]"),
    (VECTORS, [("cat", 3, 1.0)], r"pairs\[0\]"),
    (VECTORS, [("cat", "dog", "high")], "numeric"),
    (VECTORS, [("cat", "dog", float("nan"))], "finite"),
    ({"cat": [1.0, 0.0], "dog": [1.0, 0.0, 0.0]}, [("cat", "dog", 1.0)], "shapes"),
])
def test_word_similarity_validation(lookup, pairs, match):
    with pytest.raises(ValueError, match=match):
        word_similarity(lookup, pairs)


def test_word_similarity_case_insensitive_must_be_bool():
    with pytest.raises(ValueError, match="case_insensitive"):
        word_similarity(VECTORS, PAIRS, case_insensitive="yes")


# ---------------------------------------------------------------- analogies

TOY = {"man": [1.0, 0.0, 0.0], "woman": [1.0, 1.0, 0.0], "king": [1.0, 0.0, 1.0],
       "queen": [1.0, 1.0, 1.0], "apple": [0.0, 0.0, -1.0]}


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogy_toy_and_forms(method):
    questions = [("man", "woman", "king", "queen"), ("man", "woman", "king", "apple"), ("x", "y", "z", "w")]
    result = analogy_accuracy(TOY, questions, method=method)
    assert isinstance(result, AnalogyResult)
    assert (result.n_correct, result.n_covered, result.n_total) == (1, 2, 3)
    assert result.accuracy == pytest.approx(0.5) and result.sections == {}
    words = list(TOY)
    matrix = np.array(list(TOY.values()))
    assert analogy_accuracy(matrix, questions, words=words, method=method) == result
    assert analogy_accuracy(matrix, questions, words=Vocabulary(words, [5, 4, 3, 2, 1]), method=method) == result
    assert "0.500" in str(result)


def test_analogy_restrict_vocab_drops_questions_with_rare_words():
    result = analogy_accuracy(TOY, [("man", "woman", "king", "queen")], restrict_vocab=3)
    assert (result.n_covered, result.n_total) == (0, 1) and math.isnan(result.accuracy)


def test_analogy_sections_from_a_file_and_case(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(": family\nMan Woman King Queen\nman woman king apple\n: empty\nfoo bar baz qux\n")
    result = analogy_accuracy(TOY, path)
    assert result.sections == {"family": (1, 2, 2), "empty": (0, 0, 1)}
    assert result.n_correct == 1 and result.n_covered == 2 and result.n_total == 3
    strict = analogy_accuracy(TOY, path, case_insensitive=False)
    assert strict.sections["family"] == (0, 1, 2)
    by_section = analogy_accuracy(TOY, {"family": [("man", "woman", "king", "queen")]})
    assert by_section.sections == {"family": (1, 1, 1)}


def _random_keyed_vectors(n=300, dim=10, seed=2):
    rng = np.random.default_rng(seed)
    kv = KeyedVectors(vector_size=dim)
    kv.add_vectors([f"w{i}" for i in range(n)], rng.normal(size=(n, dim)).astype(np.float32))
    return kv, rng


def test_analogy_3cosadd_agrees_with_gensim(tmp_path):
    kv, rng = _random_keyed_vectors()
    questions = []
    for a, b, c in rng.integers(0, 300, size=(200, 3)):
        if len({a, b, c}) < 3:
            continue
        # The right answer is gensim's own top word half of the time, so accuracy is not 0.
        best = kv.most_similar(positive=[f"w{b}", f"w{c}"], negative=[f"w{a}"], topn=1, restrict_vocab=200)[0][0]
        d = best if rng.random() < 0.5 else f"w{rng.integers(0, 300)}"
        questions.append((f"w{a}", f"w{b}", f"w{c}", d))
    path = tmp_path / "q.txt"
    path.write_text(": random\n" + "".join(" ".join(q) + "\n" for q in questions))
    score, sections = kv.evaluate_word_analogies(str(path), restrict_vocab=200)
    ours = analogy_accuracy(kv, path, restrict_vocab=200)
    assert ours.accuracy == pytest.approx(score)
    assert ours.n_correct == len(sections[0]["correct"])
    assert ours.n_covered == len(sections[0]["correct"]) + len(sections[0]["incorrect"])
    assert 0.2 < ours.accuracy < 0.9


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")  # inside gensim
def test_analogy_3cosmul_agrees_with_gensim_most_similar_cosmul():
    kv, rng = _random_keyed_vectors(seed=3)
    for a, b, c in rng.integers(0, 300, size=(30, 3)):
        if len({a, b, c}) < 3:
            continue
        best = kv.most_similar_cosmul(positive=[f"w{b}", f"w{c}"], negative=[f"w{a}"], topn=1)[0][0]
        result = analogy_accuracy(kv, [(f"w{a}", f"w{b}", f"w{c}", best)], method="3cosmul", restrict_vocab=None)
        assert result.n_correct == 1, (a, b, c, best)


def test_analogy_batches_give_the_same_answer():
    kv, rng = _random_keyed_vectors(seed=4)
    questions = [tuple(f"w{i}" for i in q) for q in rng.integers(0, 300, size=(50, 4)) if len(set(q)) == 4]
    assert analogy_accuracy(kv, questions, batch_size=1) == analogy_accuracy(kv, questions, batch_size=64)


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "cosine"}, "method"),
    ({"restrict_vocab": 0}, "restrict_vocab"),
    ({"case_insensitive": 1}, "case_insensitive"),
    ({"batch_size": 0}, "batch_size"),
    ({"questions": [("a", "b", "c")]}, "four words"),
    ({"questions": 3}, "questions"),
    ({"vectors": np.eye(3)}, "words"),
    ({"vectors": np.eye(3), "words": ["a", "b"]}, "one row per word"),
    ({"words": ["a"]}, "words must be None"),
])
def test_analogy_validation(kwargs, match):
    args = {"vectors": TOY, "questions": [("man", "woman", "king", "queen")]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        analogy_accuracy(**args)


def test_analogy_rejects_nan_vectors():
    with pytest.raises(ValueError, match="finite"):
        analogy_accuracy({"a": [np.nan, 1.0], "b": [1.0, 0.0], "c": [0.0, 1.0], "d": [1.0, 1.0]},
                         [("a", "b", "c", "d")])


# ---------------------------------------------------------------- the analogy calculator

# Features (royal, female, fruit, person, young): king - man + woman is exactly queen, and
# prince - man + woman exactly princess.
ANALOGY_WORDS = ["king", "queen", "man", "woman", "prince", "princess", "apple"]
ANALOGY_VECTORS = np.array([
    [1, 0, 0, 1, 0], [1, 1, 0, 1, 0], [0, 0, 0, 1, 0], [0, 1, 0, 1, 0],
    [1, 0, 0, 1, 1], [1, 1, 0, 1, 1], [0, 0, 1, 0.2, 0],
], dtype=float)


@pytest.mark.parametrize("method", ["3CosAdd", "3CosMul"])
def test_analogy_finds_queen_and_leaves_out_the_question(method):
    answers = analogy(ANALOGY_VECTORS, ANALOGY_WORDS, "king", "man", "woman", method=method, k=4)
    assert answers[0][0] == "queen"
    assert not {"king", "man", "woman"} & {w for w, _ in answers}
    scores = [s for _, s in answers]
    assert scores == sorted(scores, reverse=True)


# gensim's own most_similar_cosmul calls its deprecated init_sims.
@pytest.mark.filterwarnings("ignore:Call to deprecated:DeprecationWarning")
def test_analogy_agrees_with_gensim(keyed_vectors):
    kv, words, vectors = keyed_vectors()
    for a, b, c in [("w1", "w2", "w3"), ("w10", "w20", "w30"), ("w5", "w0", "w59")]:
        add = analogy(vectors, words, a, b, c, method="3CosAdd", k=5)
        assert [w for w, _ in add] == [w for w, _ in kv.most_similar(positive=[a, c], negative=[b], topn=5)]
        mul = analogy(kv, None, a, b, c, method="3CosMul", k=5, eps=1e-6)  # gensim's eps
        expected = kv.most_similar_cosmul(positive=[a, c], negative=[b], topn=5)
        assert [w for w, _ in mul] == [w for w, _ in expected]
        np.testing.assert_allclose([s for _, s in mul], [s for _, s in expected], rtol=1e-4)


@pytest.mark.parametrize("args, message", [
    (("king", "man", "womn"), "c='womn' is not in the vocabulary.*did you mean woman"),
    (("kng", "man", "woman"), "a='kng'"),
])
def test_analogy_names_the_unknown_word(args, message):
    with pytest.raises(ValueError, match=message):
        analogy(ANALOGY_VECTORS, ANALOGY_WORDS, *args, k=1)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "3CosMax"}, "method must be \'3CosAdd\' or \'3CosMul\' \\(any case\\)"),
    ({"k": 5}, "k must be an integer between 1 and 4"),
    ({"eps": 0}, "eps must be a small positive number"),
])
def test_analogy_validates_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        analogy(ANALOGY_VECTORS, ANALOGY_WORDS, "king", "man", "woman", **kwargs)


def test_analogy_needs_words_for_a_plain_array():
    with pytest.raises(ValueError, match="words must list the word of every row"):
        analogy(ANALOGY_VECTORS, None, "king", "man", "woman")


@pytest.mark.parametrize("method", ["3CosAdd", "3CosMul"])
def test_accuracy_and_the_calculator_give_the_same_answers(method, keyed_vectors):
    """One analogy: analogy_accuracy's answer to "a is to b as c is to ?" is analogy(b, a, c)'s first word."""
    kv, words, vectors = keyed_vectors(seed=3, n=40)
    rng = np.random.default_rng(4)
    for a, b, c, d in (rng.choice(words, 4, replace=False) for _ in range(30)):
        best = analogy(vectors, words, b, a, c, method=method, k=1)[0][0]
        result = analogy_accuracy(kv, [(a, b, c, d), (a, b, c, best)], method=method, restrict_vocab=None)
        assert result.n_correct == 1 + (best == d)


def test_one_eps_for_3cosmul():
    from course_lib.use import benchmarks

    assert benchmarks.COSMUL_EPS == 1e-6
    for function in (benchmarks.analogy, benchmarks.analogy_scores, benchmarks.AnalogyCalculator):
        assert inspect.signature(function).parameters["eps"].default == benchmarks.COSMUL_EPS


def test_a_zero_vector_is_refused_as_every_cosine_search_refuses_it():
    vectors = ANALOGY_VECTORS.copy()
    vectors[6] = 0.0  # "apple"
    with pytest.raises(ValueError, match="the vector of 'apple' \\(vectors row 6\\) is all zeros; cosine similarity is undefined"):
        analogy(vectors, ANALOGY_WORDS, "king", "man", "woman")
    with pytest.raises(ValueError, match="the vector of 'apple' .* is all zeros"):
        analogy_accuracy(vectors, [("man", "king", "woman", "queen")], words=ANALOGY_WORDS)
