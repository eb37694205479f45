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
