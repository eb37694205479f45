"""Checks of lesson 09's exercises: right answers pass, typical mistakes get their message."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, mutual_info_score, normalized_mutual_info_score, rand_score
from sklearn.metrics import silhouette_score

from course_lib.use.clustering import choose_k, top_terms
from course_lib.data import load_digits
from course_lib.exercises import ____
from course_lib.exercises.lesson09 import q1, q2, q3, q4

images, digit_labels = load_digits()
X = images[:300].reshape(300, -1).astype(np.float64)
LABELS = digit_labels[:300]

# ---------------------------------------------------------------- q1


def _q1(found, ari):
    return q1.evaluate({"kmeans_labels": found, "ari": ari, "X": X, "labels": LABELS})


def test_q1_right_answer_blank_and_mistakes():
    found = KMeans(10, n_init=4, random_state=0).fit_predict(X)
    assert _q1(found, adjusted_rand_score(LABELS, found)).outcome == "correct"
    assert _q1(found, ____).outcome == "not attempted"
    assert "plain Rand index" in _q1(found, rand_score(LABELS, found)).message
    assert "cluster 3 need not" in _q1(found, np.mean(found == LABELS)).message
    assert "distinct clusters" in _q1(KMeans(8, n_init=4, random_state=0).fit_predict(X), 0.5).message
    noise = np.random.default_rng(0).integers(0, 10, size=300)
    assert "much less" in _q1(noise, adjusted_rand_score(LABELS, noise)).message
    assert "shape (300,)" in _q1(found[:-1], 0.5).message


# ---------------------------------------------------------------- q2


def _q2(silhouettes, best_k):
    return q2.evaluate({"silhouettes": silhouettes, "best_k": best_k, "X": X})


@pytest.fixture(scope="module")
def right_silhouettes():
    return {k: v["silhouette"] for k, v in choose_k(X, range(2, 11), seed=0, n_init=4).items()}


def test_q2_right_answer_blank_and_mistakes(right_silhouettes):
    s = right_silhouettes
    best = max(s, key=s.get)
    worst = min(s, key=s.get)
    assert _q2(s, best).outcome == "correct"
    assert _q2(s, ____).outcome == "not attempted"
    assert "*lowest* silhouette" in _q2(s, worst).message
    others = [k for k in s if k not in (best, worst)]
    assert "not the k with the highest" in _q2(s, others[0]).message
    assert "misses k=10" in _q2({k: v for k, v in s.items() if k != 10}, best).message
    same = {k: silhouette_score(X, LABELS) for k in s}
    assert "same value for every k" in _q2(same, 2).message
    inertia = {k: v["inertia"] for k, v in choose_k(X, range(2, 11), n_init=1).items()}
    assert "inertia" in _q2(inertia, 2).message
    shifted = {**s, 3: s[3] + 0.2}
    assert "`silhouettes[3]`" in _q2(shifted, best).message


# ---------------------------------------------------------------- q3

CLUSTERS = AgglomerativeClustering(n_clusters=10).fit_predict(X)


def _q3(value):
    return q3.evaluate({"nmi": value, "labels": LABELS, "clusters": CLUSTERS})


def test_q3_right_answer_blank_and_mistakes():
    assert _q3(normalized_mutual_info_score(LABELS, CLUSTERS)).outcome == "correct"
    assert _q3(____).outcome == "not attempted"
    mi = mutual_info_score(LABELS, CLUSTERS)
    assert "mutual information itself" in _q3(mi).message
    assert "mutual information itself" in _q3(mi / np.log(2)).message
    geometric = normalized_mutual_info_score(LABELS, CLUSTERS, average_method="geometric")
    assert "geometric mean" in _q3(geometric).message
    assert "smaller one" in _q3(normalized_mutual_info_score(LABELS, CLUSTERS, average_method="min")).message
    assert "contingency table" in _q3(0.1).message


# ---------------------------------------------------------------- q4

DOCS = ["cricket test match", "cricket bowler test", "match day cricket", "rain fire bushfire",
        "bushfire smoke fire", "fire crews rain", "bank rates economy", "economy growth rates"]
VECTORIZER = TfidfVectorizer()
WEIGHTS = VECTORIZER.fit_transform(DOCS)
TERMS = VECTORIZER.get_feature_names_out()
SECTIONS = np.array([0, 0, 0, 1, 1, 1, 2, 2])


def _q4(words, section=0):
    return q4.evaluate({"top_words": words, "article_words": WEIGHTS, "terms": TERMS,
                        "section_labels": SECTIONS, "section": section})


def test_q4_right_answer_blank_and_mistakes():
    right = top_terms(WEIGHTS, TERMS, SECTIONS, n=8)[0]
    assert _q4(right).outcome == "correct"
    assert _q4(____).outcome == "not attempted"
    assert "wrong order" in _q4(right[::-1]).message
    overall = np.asarray(WEIGHTS.mean(axis=0)).ravel()
    assert "all articles" in _q4([TERMS[i] for i in np.argsort(-overall, kind="stable")[:8]]).message
    inside = np.asarray(WEIGHTS[SECTIONS == 0].mean(axis=0)).ravel()
    assert "*weakest*" in _q4([TERMS[i] for i in np.argsort(inside, kind="stable")[:8]]).message
    assert "should hold 8 words" in _q4(right[:5]).message
    assert "not among the `terms`" in _q4(right[:7] + ["zebra"]).message
    assert "are not among the 8 words" in _q4(top_terms(WEIGHTS, TERMS, SECTIONS, n=8)[1]).message


# ---------------------------------------------------------------- audit tables
# WRONG: (question, answers, words the message must hold): "incorrect", the variable named,
# the mistake said, the answer never shown. RIGHT_FORMS: right answers in other forms.
# The data tell mistakes apart: 10 digit classes whose cluster numbers differ from the
# labels (so accuracy against labels is not the ARI); Ward's clusters, whose NMI differs
# under every normalisation; sections whose mean TF-IDF weights are not in term order.

import torch  # noqa: E402

FOUND = KMeans(10, n_init=4, random_state=0).fit_predict(X)
ARI = adjusted_rand_score(LABELS, FOUND)
NMI = normalized_mutual_info_score(LABELS, CLUSTERS)
RIGHT_WORDS = top_terms(WEIGHTS, TERMS, SECTIONS, n=8)[0]


def _evaluate(key, answers, silhouettes=None):
    context = {"q1": {"X": X, "labels": LABELS}, "q2": {"X": X}, "q3": {"labels": LABELS, "clusters": CLUSTERS},
               "q4": {"article_words": WEIGHTS, "terms": TERMS, "section_labels": SECTIONS, "section": 0}}[key]
    return {"q1": q1, "q2": q2, "q3": q3, "q4": q4}[key].evaluate({**context, **answers})


def _best(s):
    return max(s, key=s.get)


WRONG = [
    pytest.param("q1", lambda s: {"kmeans_labels": FOUND, "ari": rand_score(LABELS, FOUND)}, "plain Rand index",
                 id="q1-rand-index"),
    pytest.param("q1", lambda s: {"kmeans_labels": FOUND, "ari": np.mean(FOUND == LABELS)}, "cluster 3 need not",
                 id="q1-accuracy"),
    pytest.param("q1", lambda s: {"kmeans_labels": KMeans(10, n_init=4, random_state=0).fit(X).transform(X).min(axis=1),
                                  "ari": ARI}, "decimals", id="q1-distances"),
    pytest.param("q1", lambda s: {"kmeans_labels": KMeans(10, n_init=4, random_state=0).fit(X), "ari": ARI},
                 "`kmeans_labels`", id="q1-the-model"),
    pytest.param("q2", lambda s: {"silhouettes": list(s.values()), "best_k": _best(s)}, "dict", id="q2-list"),
    pytest.param("q2", lambda s: {"silhouettes": {f"k={k}": v for k, v in s.items()}, "best_k": _best(s)},
                 "as its keys", id="q2-string-keys"),
    pytest.param("q2", lambda s: {"silhouettes": s, "best_k": min(s, key=s.get)}, "*lowest*", id="q2-lowest"),
    pytest.param("q2", lambda s: {"silhouettes": s, "best_k": max(s.values())}, "`best_k`", id="q2-the-score"),
    pytest.param("q2", lambda s: {"silhouettes": {k: v for k, v in s.items() if k < 10}, "best_k": 2},
                 "misses k=10", id="q2-range-2-10"),
    pytest.param("q3", lambda s: {"nmi": mutual_info_score(LABELS, CLUSTERS)}, "mutual information itself",
                 id="q3-mi"),
    pytest.param("q3", lambda s: {"nmi": normalized_mutual_info_score(LABELS, CLUSTERS, average_method="max")},
                 "larger one", id="q3-max"),
    pytest.param("q3", lambda s: {"nmi": 2 * normalized_mutual_info_score(LABELS, CLUSTERS)}, "`nmi`", id="q3-double"),
    pytest.param("q4", lambda s: {"top_words": set(RIGHT_WORDS)}, "no order", id="q4-set"),
    pytest.param("q4", lambda s: {"top_words": list(RIGHT_WORDS)[::-1]}, "wrong order", id="q4-reversed"),
    pytest.param("q4", lambda s: {"top_words": np.array(RIGHT_WORDS)[np.argsort(RIGHT_WORDS)]}, "wrong order",
                 id="q4-alphabetical-array"),
    pytest.param("q4", lambda s: {"top_words": [TERMS[i] for i in np.argpartition(
        -np.asarray(WEIGHTS[SECTIONS == 0].mean(axis=0)).ravel(), 7)[:8]]}, "order", id="q4-argpartition"),
    pytest.param("q4", lambda s: {"top_words": list(range(8))}, "strings", id="q4-indices"),
]


@pytest.mark.parametrize("key, make, words", WRONG)
def test_wrong_answers_are_told_what_is_wrong(right_silhouettes, key, make, words):
    answers = make(right_silhouettes)
    result = _evaluate(key, answers)
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message
    for right in (ARI, NMI):  # no right value is shown
        assert f"{right:.3f}" not in result.message, result.message
    if key == "q4":
        assert not any(repr(w) in result.message for w in RIGHT_WORDS), result.message


RIGHT_FORMS = [
    pytest.param("q1", lambda s: {"kmeans_labels": FOUND.tolist(), "ari": np.float32(ARI)}, id="q1-list-float32"),
    pytest.param("q1", lambda s: {"kmeans_labels": torch.tensor(FOUND), "ari": torch.tensor(ARI)}, id="q1-tensors"),
    pytest.param("q1", lambda s: {"kmeans_labels": FOUND.astype(float), "ari": round(ARI, 3)},
                 id="q1-float-labels-as-printed"),
    pytest.param("q1", lambda s: {"kmeans_labels": FOUND, "ari": adjusted_rand_score(FOUND, LABELS)},
                 id="q1-arguments-swapped"),
    pytest.param("q2", lambda s: {"silhouettes": {np.int64(k): np.float32(v) for k, v in s.items()},
                                  "best_k": np.int64(_best(s))}, id="q2-numpy-types"),
    pytest.param("q2", lambda s: {"silhouettes": {k: round(v, 3) for k, v in s.items()}, "best_k": float(_best(s))},
                 id="q2-as-printed"),
    pytest.param("q2", lambda s: {"silhouettes": {k: torch.tensor(v) for k, v in s.items()}, "best_k": _best(s)},
                 id="q2-tensors"),
    pytest.param("q3", lambda s: {"nmi": np.float32(NMI)}, id="q3-float32"),
    pytest.param("q3", lambda s: {"nmi": round(NMI, 3)}, id="q3-as-printed"),
    pytest.param("q3", lambda s: {"nmi": torch.tensor(NMI)}, id="q3-0d-tensor"),
    pytest.param("q4", lambda s: {"top_words": tuple(RIGHT_WORDS)}, id="q4-tuple"),
    pytest.param("q4", lambda s: {"top_words": np.array(RIGHT_WORDS)}, id="q4-array-of-terms"),
    pytest.param("q4", lambda s: {"top_words": TERMS[np.argsort(-np.asarray(WEIGHTS[SECTIONS == 0].mean(axis=0)).ravel(),
                                                                kind="stable")[:8]]}, id="q4-terms-indexed"),
]


@pytest.mark.parametrize("key, make", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(right_silhouettes, key, make):
    result = _evaluate(key, make(right_silhouettes))
    assert result.outcome == "correct", result.message


@pytest.mark.parametrize("key, answers", [("q1", {"ari": None, "kmeans_labels": FOUND}),
                                          ("q2", {"best_k": None, "silhouettes": "the right ones"}),
                                          ("q3", {"nmi": None}), ("q4", {"top_words": None})])
def test_a_value_that_breaks_the_check_is_reported_as_incorrect(right_silhouettes, unconvertible, key, answers):
    name = next(iter(answers))
    if key == "q2":
        answers = {**answers, "silhouettes": right_silhouettes}
    result = _evaluate(key, {**answers, name: unconvertible})
    assert result.outcome == "incorrect" and f"`{name}`" in result.message, result.message
