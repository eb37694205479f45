"""Checks for exercises/02_words_from_counts.ipynb: vocabulary, PPMI, neighbours, Spearman."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np

from course_lib.exercises import (
    Exercise,
    Incorrect,
    expect_array,
    expect_in_range,
    expect_number,
    expect_type,
)

LESSON = "02"


def _sample(words, n: int = 2) -> str:
    return ", ".join(repr(w) for w in sorted(words)[:n])


# ---------------------------------------------------------------- q1: counts and vocabulary


def _check_vocabulary(word_counts, vocabulary, toy_texts, min_count):
    from course_lib.embed.text import tokenize

    expected = Counter(t for text in toy_texts for t in tokenize(text))
    expect_type("word_counts", word_counts, Mapping,
                why="Use a dict (or a collections.Counter) from each word to its number of occurrences.")
    keys = set(word_counts)
    if not all(isinstance(k, str) for k in keys):
        raise Incorrect("`word_counts` should have words (strings) as keys.")
    if any(not k.isalpha() for k in keys):
        odd = [k for k in keys if not k.isalpha()]
        raise Incorrect(f"`word_counts` has keys with punctuation or digits, such as {_sample(odd, 1)}: "
                        "split the texts with tokenize(text) from course_lib.embed.text, not str.split().")
    if any(k != k.lower() for k in keys):
        upper = [k for k in keys if k != k.lower()]
        raise Incorrect(f"`word_counts` has keys with capitals, such as {_sample(upper, 1)}: "
                        "tokenize(text) lower-cases words, so 'The' and 'the' count as one word.")
    missing, extra = set(expected) - keys, keys - set(expected)
    if missing:
        raise Incorrect(f"`word_counts` misses {len(missing)} word(s) of `toy_texts`, such as {_sample(missing, 1)}.")
    if extra:
        raise Incorrect(f"`word_counts` has {len(extra)} key(s) that tokenize() does not produce, "
                        f"such as {_sample(extra, 1)} (too short? tokens have 2 letters or more).")
    wrong = [w for w in expected if word_counts[w] != expected[w]]
    if wrong:
        raise Incorrect(f"`word_counts` has the right words but {len(wrong)} count(s) are off, "
                        f"such as the count of {_sample(wrong, 1)}. Count over all the texts together.")

    if isinstance(vocabulary, np.ndarray) and vocabulary.ndim == 1 and vocabulary.dtype.kind == "U":
        vocabulary = vocabulary.tolist()  # an array of words is a list of words here
    if isinstance(vocabulary, (set, frozenset)):
        raise Incorrect("`vocabulary` is a set, which has no order; the question asks for the words most "
                        "frequent first: make a list (sorted(...) returns one).")
    expect_type("vocabulary", vocabulary, (list, tuple),
                why="Make a list of words, most frequent first.")
    if not all(isinstance(w, str) for w in vocabulary):
        raise Incorrect("`vocabulary` should be a list of words (strings).")
    if len(set(vocabulary)) != len(vocabulary):
        raise Incorrect("`vocabulary` lists a word more than once.")
    right = {w for w, c in expected.items() if c >= min_count}
    too_rare = set(vocabulary) - right
    if too_rare - set(expected):
        raise Incorrect(f"`vocabulary` has words that are not in the texts, such as {_sample(too_rare - set(expected), 1)}.")
    if too_rare:
        raise Incorrect(f"`vocabulary` includes {_sample(too_rare, 1)}, seen fewer than `min_count` times.")
    missing = right - set(vocabulary)
    if missing:
        if all(expected[w] == min_count for w in missing):
            raise Incorrect(f"`vocabulary` misses the words seen exactly `min_count` times, such as "
                            f"{_sample(missing, 1)}: keep words with count >= min_count, not > min_count.")
        raise Incorrect(f"`vocabulary` misses {len(missing)} word(s) seen at least `min_count` times, "
                        f"such as {_sample(missing, 1)}.")
    order = sorted(right, key=lambda w: (-expected[w], w))
    if list(vocabulary) != order:
        if [expected[w] for w in vocabulary] == [expected[w] for w in order]:
            raise Incorrect("`vocabulary` has the right words, most frequent first, but words with equal "
                            "counts must come in alphabetical order.")
        raise Incorrect("`vocabulary` has the right words in the wrong order: most frequent first "
                        "(sort by count, largest first; ties alphabetically).")


# ---------------------------------------------------------------- q2: PPMI by hand


def _reference_ppmi(counts, log=np.log, probabilities=True, swap=False):
    counts = np.asarray(counts, dtype=float)
    total = counts.sum() if probabilities else 1.0
    joint = counts / total
    p_w = counts.sum(axis=1, keepdims=True) / total
    p_c = counts.sum(axis=0, keepdims=True) / total
    if swap:  # a typical mistake: the column sums where the row sums belong, and the other way round
        p_w, p_c = p_c.reshape(-1, 1), p_w.reshape(1, -1)
    with np.errstate(divide="ignore"):
        pmi = log(joint / (p_w * p_c))
    return np.maximum(pmi, 0)


def _check_ppmi(toy_ppmi, toy_counts):
    from course_lib.embed.text import ppmi

    counts = np.asarray(toy_counts, dtype=float)
    expected = ppmi(counts)
    if hasattr(toy_ppmi, "toarray"):
        toy_ppmi = toy_ppmi.toarray()
    try:
        raw = np.asarray(toy_ppmi, dtype=float)
    except (TypeError, ValueError):
        raw = None
    if raw is not None and raw.shape == expected.shape and not np.all(np.isfinite(raw)):
        raise Incorrect("`toy_ppmi` contains NaN or infinite values. Pairs with a zero count give "
                        "log(0) = -inf: PPMI sets them to 0 (np.maximum(pmi, 0) does this for -inf).")
    array = expect_array("toy_ppmi", toy_ppmi, shape=expected.shape,
                         why="PPMI has one entry per entry of `toy_counts`.")
    array = array.astype(float)
    if np.allclose(array, expected, atol=1e-6):
        return None
    if (array < -1e-12).any():
        raise Incorrect("`toy_ppmi` has negative values: PPMI keeps only the positive part, max(PMI, 0).")
    if np.allclose(array, _reference_ppmi(counts, log=np.log2), atol=1e-6):
        raise Incorrect("`toy_ppmi` looks like it uses log base 2; use the natural logarithm np.log, as the lesson does.")
    if not np.allclose(counts, counts.T) and np.allclose(array, _reference_ppmi(counts, swap=True), atol=1e-6):
        raise Incorrect("`toy_ppmi` swaps P(w) and P(c): P(w) is the row sums / N (axis=1), one per word (row), "
                        "and P(c) the column sums / N (axis=0), one per context (column).")
    if not np.allclose(counts, counts.T) and np.allclose(array, expected.T, atol=1e-6):
        raise Incorrect("`toy_ppmi` is transposed: keep the words as rows and the contexts as columns, "
                        "like `toy_counts`.")
    if np.allclose(array, _reference_ppmi(counts, probabilities=False), atol=1e-6):
        raise Incorrect("`toy_ppmi` uses raw counts where probabilities belong: divide the count, the row sums "
                        "and the column sums by the total N before taking the ratio.")
    if ((array > 1e-12) & (counts == 0)).any():
        raise Incorrect("`toy_ppmi` is positive where `toy_counts` is 0; a pair that never meets gets PPMI 0.")
    wrong = int((~np.isclose(array, expected, atol=1e-6)).sum())
    raise Incorrect(f"`toy_ppmi` has the right shape, but {wrong} of its {array.size} values are off. "
                    "Check P(w) (row sums / N) and P(c) (column sums / N).")


# ---------------------------------------------------------------- q3: nearest neighbours


def _rank(scores: np.ndarray, exclude: int, k: int, largest: bool = True) -> list[int]:
    scores = scores.astype(float).copy()
    scores[exclude] = -np.inf if largest else np.inf
    order = np.argsort(-scores if largest else scores, kind="stable")
    return [int(i) for i in order[:k]]


def _check_neighbours(neighbours, word_vectors, vocab, query):
    from course_lib.embed.text import nearest_words

    k = 5
    if isinstance(neighbours, np.ndarray) and neighbours.ndim == 1:
        neighbours = neighbours.tolist()  # an array of words is a list of words here (of indices: said below)
    if isinstance(neighbours, (set, frozenset)):
        raise Incorrect("`neighbours` is a set, which has no order; the question asks for the words most "
                        "similar first: make a list.")
    expect_type("neighbours", neighbours, (list, tuple), why=f"Make a list of {k} words, most similar first.")
    if not all(isinstance(w, str) for w in neighbours):
        raise Incorrect("`neighbours` should hold words (strings), not indices or vectors: "
                        "vocab.words[i] is the word of row i.")
    if len(neighbours) != k:
        raise Incorrect(f"`neighbours` should hold {k} words, but it holds {len(neighbours)}.")
    unknown = [w for w in neighbours if w not in vocab]
    if unknown:
        raise Incorrect(f"`neighbours` has words that are not in the vocabulary, such as {unknown[0]!r}.")
    if query in neighbours:
        raise Incorrect(f"`neighbours` includes {query!r} itself; leave the query word out.")
    vectors = np.asarray(word_vectors, dtype=float)
    norms = np.linalg.norm(vectors, axis=1)
    unit = vectors / np.where(norms > 0, norms, 1.0)[:, None]
    q = vocab[query]
    cosine = unit @ unit[q]
    expected = [w for w, _ in nearest_words(vectors, vocab, query, k=k)]
    mine = [cosine[vocab[w]] for w in neighbours]
    best = sorted(cosine[[vocab[w] for w in expected]], reverse=True)
    if np.allclose(sorted(mine, reverse=True), best, atol=1e-9):  # right words (up to exact ties)
        if not all(a >= b - 1e-12 for a, b in zip(mine, mine[1:])):
            raise Incorrect("`neighbours` has the right words in the wrong order: put the most similar first.")
        return None
    ids = [vocab[w] for w in neighbours]
    if ids == _rank(vectors @ vectors[q], q, k):
        raise Incorrect("`neighbours` ranks words by the dot product, which favours long vectors (frequent "
                        "words); divide by both vectors' lengths to get the cosine similarity.")
    if ids == _rank(np.linalg.norm(vectors - vectors[q], axis=1), q, k, largest=False):
        raise Incorrect("`neighbours` ranks words by Euclidean distance; this lesson ranks by cosine similarity.")
    if set(ids) == set(_rank(cosine, q, k, largest=False)):
        raise Incorrect("`neighbours` holds the *least* similar words: sort by cosine similarity, largest first.")
    hits = len(set(neighbours) & set(expected))
    raise Incorrect(f"{k - hits} of the {k} words in `neighbours` are not among the {k} nearest to {query!r} by "
                    "cosine similarity.")


# ---------------------------------------------------------------- q4: Spearman on covered pairs


def _covered(word_vectors, vocab, wordsim, lower=True):
    human, model = [], []
    vectors = np.asarray(word_vectors, dtype=float)
    for a, b, score in wordsim:
        if lower:
            a, b = a.lower(), b.lower()
        if a in vocab and b in vocab:
            va, vb = vectors[vocab[a]], vectors[vocab[b]]
            human.append(score)
            model.append(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))
    return np.array(human), np.array(model)


def _check_spearman(rho, n_covered, word_vectors, vocab, wordsim):
    from scipy.stats import pearsonr, spearmanr

    from course_lib.use.benchmarks import word_similarity

    expected_rho, expected_n, total = word_similarity(dict(zip(vocab.words, word_vectors)), wordsim)
    human_raw, _ = _covered(word_vectors, vocab, wordsim, lower=False)
    n = expect_number("n_covered", n_covered, why="Count the pairs whose two words both have a vector.")
    if n != int(n):
        raise Incorrect("`n_covered` should be a whole number of pairs.")
    if n == total and expected_n != total:
        raise Incorrect("`n_covered` counts every pair; count only the pairs whose two words are both in `vocab`.")
    if n == len(human_raw) and n != expected_n:
        raise Incorrect("`n_covered` is a little low: WordSim-353 writes some words with capitals ('Jerusalem'); "
                        "lower-case both words before looking them up.")
    if n != expected_n:
        raise Incorrect(f"`n_covered` is {int(n)}, which is not the number of pairs with both words in `vocab`.")
    value = expect_in_range("rho", rho, -1.0, 1.0, why="A correlation lies between -1 and 1.")
    if np.isclose(value, expected_rho, atol=1e-6):
        return None
    human, model = _covered(word_vectors, vocab, wordsim)
    if np.isclose(value, -expected_rho, atol=1e-6):
        raise Incorrect("`rho` has the wrong sign: score each pair by a similarity (cosine), not a distance.")
    if np.isclose(value, pearsonr(human, model).statistic, atol=1e-6):
        raise Incorrect("`rho` is Pearson's correlation of the values; Spearman's correlates their ranks "
                        "(scipy.stats.spearmanr).")
    if len(human_raw) > 2 and np.isclose(value, spearmanr(*_covered(word_vectors, vocab, wordsim, lower=False)).statistic,
                                         atol=1e-6):
        raise Incorrect("`rho` leaves out the pairs written with capitals; lower-case both words first.")
    raise Incorrect("`rho` is not Spearman's correlation between the human scores and the cosine similarities of "
                    "the covered pairs.")


q1 = Exercise(
    "q1", "token counts and a vocabulary", ["word_counts", "vocabulary"], _check_vocabulary,
    context=["toy_texts", "min_count"], lesson=LESSON,
    hints=["tokenize(text) gives the tokens of one text; collections.Counter counts a list of tokens "
           "(Counter.update adds more).",
           "Keep the words w with word_counts[w] >= min_count.",
           "sorted(words, key=lambda w: (-word_counts[w], w)) sorts by count, largest first, ties alphabetically."],
)
q2 = Exercise(
    "q2", "PPMI by hand", ["toy_ppmi"], _check_ppmi, context=["toy_counts"], lesson=LESSON,
    hints=["N = toy_counts.sum(); P(w, c) = toy_counts / N; P(w) is the row sums / N, P(c) the column sums / N.",
           "np.outer(p_w, p_c) gives the matrix of P(w) * P(c) for every pair.",
           "Inside `with np.errstate(divide='ignore'):` np.log of 0 is -inf without a warning; "
           "np.maximum(pmi, 0) then keeps the positive part."],
)
q3 = Exercise(
    "q3", "nearest neighbours by cosine", ["neighbours"], _check_neighbours,
    context=["word_vectors", "vocab", "query"], lesson=LESSON,
    hints=["Divide every row of word_vectors by its length: np.linalg.norm(word_vectors, axis=1, keepdims=True).",
           "With unit rows, unit @ unit[vocab[query]] is the cosine similarity of every word with the query.",
           "np.argsort(-scores) orders from the largest score; skip the query itself and map ids to words "
           "with vocab.words[i]."],
)
q4 = Exercise(
    "q4", "Spearman on the covered pairs", ["rho", "n_covered"], _check_spearman,
    context=["word_vectors", "vocab", "wordsim"], lesson=LESSON,
    hints=["Loop over wordsim; keep a pair only if both (lower-cased) words are in vocab.",
           "For a kept pair, append the human score to one list and the cosine of the two vectors to another.",
           "scipy.stats.spearmanr(human, model).statistic is Spearman's rho; n_covered is the length of a list."],
)
