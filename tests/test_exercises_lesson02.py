"""Checks of lesson 02's exercises: right answers pass, typical mistakes get their message."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch
from scipy.stats import pearsonr, spearmanr

from course_lib.exercises import ____
from course_lib.exercises.lesson02 import q1, q2, q3, q4
from course_lib.embed.text import Vocabulary, build_vocab, ppmi, tokenize

# ---------------------------------------------------------------- q1

TEXTS = ["The cat sat on the mat.", "The dog sat on the log!", "A cat and a dog met on a mat; the cat ran."]


def _q1(word_counts, vocabulary, texts=TEXTS, min_count=2):
    return q1.evaluate({"word_counts": word_counts, "vocabulary": vocabulary, "toy_texts": texts,
                        "min_count": min_count})


def _right_counts():
    return Counter(t for text in TEXTS for t in tokenize(text))


def test_q1_right_answer_and_build_vocab_agree():
    counts = _right_counts()
    vocabulary = list(build_vocab([tokenize(t) for t in TEXTS], min_count=2).words)
    assert _q1(counts, vocabulary).outcome == "correct"
    assert _q1(dict(counts), tuple(vocabulary)).outcome == "correct"


def test_q1_blank_is_not_attempted():
    assert _q1(____, ____).outcome == "not attempted"
    assert _q1(_right_counts(), ____).outcome == "not attempted"


@pytest.mark.parametrize("counts, message", [
    (Counter(w for text in TEXTS for w in text.split()), "punctuation"),
    (Counter(w.strip(".!;") for text in TEXTS for w in text.split() if len(w.strip(".!;")) > 1), "capitals"),
    (Counter(t for t in tokenize(TEXTS[0])), "misses"),
    (Counter(t for text in TEXTS for t in tokenize(text, min_len=1)), "tokenize() does not produce"),
    (Counter(t for text in TEXTS[:2] for t in tokenize(text)) + Counter(set(tokenize(TEXTS[2]))), "count(s) are off"),
    ([("the", 5)], "dict"),
])
def test_q1_typical_mistakes_in_counts(counts, message):
    result = _q1(counts, ["the"])
    assert result.outcome == "incorrect"
    assert message in result.message and "`word_counts`" in result.message


def test_q1_typical_mistakes_in_vocabulary():
    counts = _right_counts()
    right = sorted((w for w in counts if counts[w] >= 2), key=lambda w: (-counts[w], w))
    strict = [w for w in right if counts[w] > 2]
    assert "exactly `min_count`" in _q1(counts, strict).message
    assert "fewer than `min_count`" in _q1(counts, right + ["log"]).message
    assert "alphabetical" in _q1(counts, sorted(right, key=lambda w: (-counts[w], w[::-1]))).message
    assert "wrong order" in _q1(counts, sorted(right)).message
    assert "more than once" in _q1(counts, right + ["the"]).message
    assert "not in the texts" in _q1(counts, right + ["zebra"]).message
    assert "misses" in _q1(counts, right[:2]).message


# ---------------------------------------------------------------- q2

# As in the notebook: not symmetric, so that swapping rows and columns shows.
TOY = np.array([[0.0, 4.0, 1.0, 0.0], [2.0, 0.0, 3.0, 1.0], [1.0, 2.0, 0.0, 5.0], [0.0, 1.0, 3.0, 2.0]])


def _pmi(counts, log=np.log, probabilities=True):
    total = counts.sum() if probabilities else 1.0
    with np.errstate(divide="ignore"):
        return log((counts / total) / np.outer(counts.sum(1) / total, counts.sum(0) / total))


def _q2(answer):
    return q2.evaluate({"toy_ppmi": answer, "toy_counts": TOY})


def test_q2_right_answers():
    assert _q2(ppmi(TOY)).outcome == "correct"
    assert _q2(np.maximum(_pmi(TOY), 0)).outcome == "correct"
    assert _q2(ppmi(TOY).tolist()).outcome == "correct"
    assert _q2(____).outcome == "not attempted"


@pytest.mark.parametrize("answer, message", [
    (_pmi(TOY), "NaN or infinite"),
    (np.where(TOY > 0, _pmi(TOY), 0.0), "negative values"),
    (np.maximum(_pmi(TOY, log=np.log2), 0), "base 2"),
    (np.maximum(_pmi(TOY, probabilities=False), 0), "probabilities"),
    (np.maximum(_pmi(TOY), 0) + 0.1, "`toy_counts` is 0"),
    (np.maximum(_pmi(TOY), 0)[:3], "shape"),
    (np.maximum(_pmi(TOY), 0) * 1.1, "values are off"),
])
def test_q2_typical_mistakes(answer, message):
    result = _q2(answer)
    assert result.outcome == "incorrect" and message in result.message, result.message


# ---------------------------------------------------------------- q3 and q4 share toy vectors

WORDS = ["music", "song", "dance", "folk", "poetry", "war", "army", "cat", "dog", "zero"]


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(WORDS), 6))
    vectors[1:5] += 2 * vectors[0]  # music's neighbours
    vectors[7] *= 10                # a long vector: dot product and cosine disagree
    vocab = Vocabulary(WORDS, list(range(len(WORDS), 0, -1)))
    return vectors, vocab


def _cosine_order(vectors, vocab, query):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = unit @ unit[vocab[query]]
    return [vocab.words[i] for i in np.argsort(-scores) if i != vocab[query]]


def _q3(answer, toy, query="music"):
    vectors, vocab = toy
    return q3.evaluate({"neighbours": answer, "word_vectors": vectors, "vocab": vocab, "query": query})


def test_q3_right_answer(toy):
    order = _cosine_order(*toy, "music")
    assert _q3(order[:5], toy).outcome == "correct"
    assert _q3(____, toy).outcome == "not attempted"


def test_q3_typical_mistakes(toy):
    vectors, vocab = toy
    order = _cosine_order(vectors, vocab, "music")
    assert "itself" in _q3(["music"] + order[:4], toy).message
    assert "wrong order" in _q3(order[:5][::-1], toy).message
    assert "least" in _q3(order[-5:], toy).message
    assert "5 words" in _q3(order[:4], toy).message
    assert "strings" in _q3([vocab[w] for w in order[:5]], toy).message
    assert "not in the vocabulary" in _q3(order[:4] + ["piano"], toy).message
    dot = [vocab.words[i] for i in np.argsort(-(vectors @ vectors[0])) if i != 0][:5]
    assert dot != order[:5]
    assert "dot product" in _q3(dot, toy).message
    euclid = [vocab.words[i] for i in np.argsort(np.linalg.norm(vectors - vectors[0], axis=1)) if i != 0][:5]
    if euclid != order[:5]:
        assert "Euclidean" in _q3(euclid, toy).message
    result = _q3(order[:4] + [order[6]], toy)
    assert result.outcome == "incorrect" and "1 of the 5" in result.message


# ---------------------------------------------------------------- q4

PAIRS = [("music", "song", 9.0), ("music", "dance", 7.0), ("war", "army", 8.0), ("cat", "dog", 7.5),
         ("Music", "folk", 6.0), ("poetry", "war", 2.0), ("cat", "war", 1.0), ("dog", "piano", 3.0),
         ("song", "army", 1.5), ("folk", "dance", 6.5)]


def _covered(toy, lower=True):
    vectors, vocab = toy
    human, model = [], []
    for a, b, s in PAIRS:
        a, b = (a.lower(), b.lower()) if lower else (a, b)
        if a in vocab and b in vocab:
            va, vb = vectors[vocab[a]], vectors[vocab[b]]
            human.append(s)
            model.append(va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))
    return human, model


def _q4(rho, n, toy):
    vectors, vocab = toy
    return q4.evaluate({"rho": rho, "n_covered": n, "word_vectors": vectors, "vocab": vocab, "wordsim": PAIRS})


def test_q4_right_answer(toy):
    human, model = _covered(toy)
    assert len(human) == 9
    assert _q4(spearmanr(human, model).statistic, len(human), toy).outcome == "correct"
    assert _q4(____, len(human), toy).outcome == "not attempted"


def test_q4_typical_mistakes(toy):
    human, model = _covered(toy)
    rho = spearmanr(human, model).statistic
    assert "every pair" in _q4(rho, len(PAIRS), toy).message
    assert "capitals" in _q4(rho, len(human) - 1, toy).message
    assert "sign" in _q4(-rho, len(human), toy).message
    assert "Pearson" in _q4(pearsonr(human, model).statistic, len(human), toy).message
    raw_h, raw_m = _covered(toy, lower=False)
    assert "capitals" in _q4(spearmanr(raw_h, raw_m).statistic, len(human), toy).message
    assert "between -1 and 1" in _q4(3.0, len(human), toy).message
    assert "whole number" in _q4(rho, 8.5, toy).message
    assert "not Spearman" in _q4(0.123, len(human), toy).message


# ---------------------------------------------------------------- audit tables
# WRONG: (question, answers made from the toy data, words the message must hold).
# RIGHT_FORMS: a right answer in another form than the worked solution.

def _right_vocabulary():
    counts = _right_counts()
    return sorted((w for w in counts if counts[w] >= 2), key=lambda w: (-counts[w], w))


def _swapped_ppmi():
    N = TOY.sum()
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(TOY / N / np.outer(TOY.sum(axis=0) / N, TOY.sum(axis=1) / N)), 0)


def _evaluate(key, answers, toy):
    vectors, vocab = toy
    context = {"q1": {"toy_texts": TEXTS, "min_count": 2}, "q2": {"toy_counts": TOY},
               "q3": {"word_vectors": vectors, "vocab": vocab, "query": "music"},
               "q4": {"word_vectors": vectors, "vocab": vocab, "wordsim": PAIRS}}[key]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}[key].evaluate({**context, **answers})


def _rho(toy):
    return spearmanr(*_covered(toy)).statistic


WRONG = [
    pytest.param("q1", lambda t: {"word_counts": _right_counts(), "vocabulary": set(_right_vocabulary())},
                 "no order", id="q1-set"),
    pytest.param("q1", lambda t: {"word_counts": _right_counts(),
                                  "vocabulary": [w for w, c in _right_counts().most_common() if c >= 2]},
                 "alphabetical", id="q1-most-common-ties"),
    pytest.param("q1", lambda t: {"word_counts": _right_counts(), "vocabulary": sorted(_right_vocabulary())},
                 "wrong order", id="q1-alphabetical-only"),
    pytest.param("q1", lambda t: {"word_counts": Counter(w for x in TEXTS for w in x.lower().split()),
                                  "vocabulary": _right_vocabulary()}, "punctuation", id="q1-split"),
    pytest.param("q2", lambda t: {"toy_ppmi": _swapped_ppmi()}, "swaps P(w) and P(c)", id="q2-swapped-marginals"),
    pytest.param("q2", lambda t: {"toy_ppmi": ppmi(TOY).T}, "transposed", id="q2-transposed"),
    pytest.param("q2", lambda t: {"toy_ppmi": np.maximum(_pmi(TOY, log=np.log10), 0)}, "values are off",
                 id="q2-log10"),
    pytest.param("q3", lambda t: {"neighbours": set(_cosine_order(*t, "music")[:5])}, "no order", id="q3-set"),
    pytest.param("q3", lambda t: {"neighbours": _cosine_order(*t, "music")[:5][::-1]}, "wrong order",
                 id="q3-reversed"),
    pytest.param("q3", lambda t: {"neighbours": np.array([t[1][w] for w in _cosine_order(*t, "music")[:5]])},
                 "strings", id="q3-indices"),
    pytest.param("q4", lambda t: {"rho": _rho(t), "n_covered": len(PAIRS)}, "every pair", id="q4-all-pairs"),
    pytest.param("q4", lambda t: {"rho": -_rho(t), "n_covered": len(_covered(t)[0])}, "sign", id="q4-distance"),
    pytest.param("q4", lambda t: {"rho": pearsonr(*_covered(t)).statistic, "n_covered": len(_covered(t)[0])},
                 "Pearson", id="q4-pearson"),
    pytest.param("q4", lambda t: {"rho": spearmanr(*_covered(t)), "n_covered": len(_covered(t)[0])},
                 "`rho`", id="q4-whole-result"),
]


@pytest.mark.parametrize("key, make, words", WRONG)
def test_wrong_answers_are_told_what_is_wrong(toy, key, make, words):
    answers = make(toy)
    result = _evaluate(key, answers, toy)
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message
    if key == "q3":
        assert not any(repr(w) in result.message for w in _cosine_order(*toy, "music")[:5])
    if key == "q4":
        assert f"{_rho(toy):.3f}" not in result.message


RIGHT_FORMS = [
    pytest.param("q1", lambda t: {"word_counts": dict(_right_counts()), "vocabulary": np.array(_right_vocabulary())},
                 id="q1-dict-and-array"),
    pytest.param("q1", lambda t: {"word_counts": _right_counts(), "vocabulary": tuple(_right_vocabulary())},
                 id="q1-tuple"),
    pytest.param("q2", lambda t: {"toy_ppmi": torch.tensor(ppmi(TOY))}, id="q2-tensor"),
    pytest.param("q2", lambda t: {"toy_ppmi": ppmi(TOY).astype(np.float32)}, id="q2-float32"),
    pytest.param("q2", lambda t: {"toy_ppmi": ppmi(TOY).tolist()}, id="q2-list"),
    pytest.param("q3", lambda t: {"neighbours": tuple(_cosine_order(*t, "music")[:5])}, id="q3-tuple"),
    pytest.param("q3", lambda t: {"neighbours": np.array(_cosine_order(*t, "music")[:5])}, id="q3-array"),
    pytest.param("q4", lambda t: {"rho": np.float64(_rho(t)), "n_covered": np.int64(len(_covered(t)[0]))},
                 id="q4-numpy"),
    pytest.param("q4", lambda t: {"rho": torch.tensor(_rho(t)), "n_covered": float(len(_covered(t)[0]))},
                 id="q4-tensor-and-float"),
    pytest.param("q4", lambda t: {"rho": spearmanr(*_covered(t)[::-1]).statistic, "n_covered": len(_covered(t)[1])},
                 id="q4-arguments-swapped"),
]


@pytest.mark.parametrize("key, make", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(toy, key, make):
    result = _evaluate(key, make(toy), toy)
    assert result.outcome == "correct", result.message
