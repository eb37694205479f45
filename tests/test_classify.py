"""course_lib.use.classify: repeated stratified CV, few-label accuracy, baselines, averaged vectors."""
from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score

from course_lib.use import classify
from course_lib.use.classify import (
    CVResult,
    average_word_vectors,
    bag_of_words_pipeline,
    cross_validated_accuracy,
    few_label_accuracy,
)


def blobs(n_per_class=30, classes=2, dims=4, spread=1.0, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(classes), n_per_class)
    centres = 2.0 * np.eye(classes, dims)
    return centres[labels] + spread * rng.standard_normal((len(labels), dims)), labels


def test_doctests():
    assert doctest.testmod(classify).failed == 0


# --- cross_validated_accuracy -------------------------------------------------------------


def test_cv_matches_scikit_learn_repeated_stratified_kfold():
    X, y = blobs(seed=1)
    model = LogisticRegression(max_iter=1000)
    result = cross_validated_accuracy(X, y, model, folds=5, repeats=3, seed=7)
    reference = cross_val_score(model, X, y, cv=RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=7))
    assert result.scores.shape == (3, 5)
    np.testing.assert_allclose(result.scores.ravel(), reference)
    assert result.mean == pytest.approx(reference.mean())
    assert result.std == pytest.approx(reference.std())


def test_cv_is_reproducible_and_depends_on_the_seed():
    X, y = blobs(spread=2.0)
    model = LogisticRegression(max_iter=1000)
    a = cross_validated_accuracy(X, y, model, seed=0)
    b = cross_validated_accuracy(X, y, model, seed=0)
    c = cross_validated_accuracy(X, y, model, seed=1)
    np.testing.assert_array_equal(a.scores, b.scores)
    assert not np.array_equal(a.scores, c.scores)


def test_cv_leaves_the_model_unfitted():
    X, y = blobs()
    model = LogisticRegression()
    cross_validated_accuracy(X, y, model, repeats=1)
    assert not hasattr(model, "coef_")


def test_cv_majority_baseline_is_the_majority_share_with_stratified_folds():
    y = np.r_[np.zeros(40), np.ones(10)].astype(int)
    X = np.zeros((50, 1))
    result = cross_validated_accuracy(X, y, DummyClassifier(strategy="most_frequent"), folds=5, repeats=2)
    assert result.mean == pytest.approx(0.8)
    assert result.std == pytest.approx(0.0)


def test_cv_accepts_lists_of_texts_with_a_pipeline():
    texts = ["good great fine"] * 10 + ["bad awful poor"] * 10
    labels = np.r_[np.ones(10), np.zeros(10)]
    result = cross_validated_accuracy(texts, labels, bag_of_words_pipeline("binary"), folds=5, repeats=2)
    assert result.mean == 1.0


def test_cv_str_reads_mean_std_and_design():
    X, y = blobs()
    text = str(cross_validated_accuracy(X, y, LogisticRegression(), folds=4, repeats=2))
    assert "±" in text and "(4 folds x 2 repeats)" in text


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"folds": 1}, "folds must be an integer >= 2"),
        ({"folds": 31}, "larger than the smallest class"),
        ({"repeats": 0}, "repeats must be an integer >= 1"),
        ({"seed": -1}, "seed must be an integer >= 0"),
        ({"folds": 2.5}, "folds must be an integer"),
    ],
)
def test_cv_validates_arguments(kwargs, words):
    X, y = blobs()
    with pytest.raises(ValueError, match=words):
        cross_validated_accuracy(X, y, LogisticRegression(), **kwargs)


def test_cv_validates_data_and_model():
    X, y = blobs()
    with pytest.raises(ValueError, match="X has 60 examples but y has 59 labels"):
        cross_validated_accuracy(X, y[:-1], LogisticRegression())
    with pytest.raises(ValueError, match="at least two classes"):
        cross_validated_accuracy(X, np.zeros(60), LogisticRegression())
    with pytest.raises(ValueError, match="y must be 1-D"):
        cross_validated_accuracy(X, y.reshape(-1, 1), LogisticRegression())
    with pytest.raises(ValueError, match="model must be a scikit-learn estimator"):
        cross_validated_accuracy(X, y, "logistic regression")


# --- few_label_accuracy -------------------------------------------------------------------


def test_few_label_accuracy_draws_per_class_and_tests_on_the_rest():
    X, y = blobs(n_per_class=20, classes=3, spread=0.3)
    seen = []

    class Spy(LogisticRegression):
        def fit(self, X, y):
            seen.append((len(X), np.bincount(y.astype(int)).tolist()))
            return super().fit(X, y)

        def predict(self, X):
            seen.append(len(X))
            return super().predict(X)

    result = few_label_accuracy(X, y, per_class=4, model=Spy(), repeats=2, seed=3)
    assert result.scores.shape == (2, 1)
    assert seen == [(12, [4, 4, 4]), 48, (12, [4, 4, 4]), 48]
    assert result.mean > 0.9
    again = few_label_accuracy(X, y, per_class=4, model=LogisticRegression(), repeats=2, seed=3)
    np.testing.assert_array_equal(result.scores, again.scores)
    assert "2 draws" in str(result)


def test_few_label_accuracy_validates_per_class():
    X, y = blobs(n_per_class=5)
    with pytest.raises(ValueError, match="per_class=5 leaves nothing to test"):
        few_label_accuracy(X, y, per_class=5, model=LogisticRegression())
    with pytest.raises(ValueError, match="per_class must be an integer >= 1"):
        few_label_accuracy(X, y, per_class=0, model=LogisticRegression())


# --- bag_of_words_pipeline ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["counts", "binary", "tfidf"])
def test_bag_of_words_pipeline_kinds(kind):
    model = bag_of_words_pipeline(kind, C=2.0, min_df=1, ngram_range=(1, 2))
    model.fit(["good good film", "bad film"], [1, 0])
    features = model.named_steps["vectorizer"].transform(["good good film"]).toarray()
    assert model.named_steps["classifier"].C == 2.0
    assert "good film" in model.named_steps["vectorizer"].vocabulary_
    if kind == "counts":
        assert features.max() == 2
    elif kind == "binary":
        assert features.max() == 1
    else:
        assert np.linalg.norm(features) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"kind": "words"}, "kind must be one of"),
        ({"C": 0}, "C must be a positive number"),
        ({"min_df": 0}, "min_df must be an integer >= 1"),
        ({"ngram_range": (2, 1)}, "ngram_range must be a tuple"),
        ({"ngram_range": [1, 2]}, "ngram_range must be a tuple"),
    ],
)
def test_bag_of_words_pipeline_validates(kwargs, words):
    with pytest.raises(ValueError, match=words):
        bag_of_words_pipeline(**kwargs)


# --- average_word_vectors ----------------------------------------------------------------


VECTORS = {"good": np.array([1.0, 0.0, 2.0]), "film": np.array([0.0, 1.0, 0.0])}


def test_average_word_vectors_skips_unknown_words_and_counts_repeats():
    out = average_word_vectors([["good", "film"], ["good", "good", "film"], ["good", "zzz"]], VECTORS)
    np.testing.assert_allclose(out[0], [0.5, 0.5, 1.0])
    np.testing.assert_allclose(out[1], [2 / 3, 1 / 3, 4 / 3], rtol=1e-6)
    np.testing.assert_allclose(out[2], VECTORS["good"])
    assert out.dtype == np.float32 and out.shape == (3, 3)


def test_average_word_vectors_gives_zeros_when_nothing_is_known():
    out = average_word_vectors([["zzz"], []], VECTORS)
    np.testing.assert_array_equal(out, np.zeros((2, 3)))
    assert average_word_vectors([], VECTORS, dim=3).shape == (0, 3)


def test_average_word_vectors_with_gensim_keyed_vectors():
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=3)
    kv.add_vectors(list(VECTORS), np.array(list(VECTORS.values()), dtype=np.float32))
    out = average_word_vectors([["good", "film", "zzz"]], kv)
    np.testing.assert_allclose(out[0], [0.5, 0.5, 1.0])


def test_average_word_vectors_validates():
    with pytest.raises(ValueError, match="not one string"):
        average_word_vectors("good film", VECTORS)
    with pytest.raises(ValueError, match=r"tokens_list\[1\] is a string"):
        average_word_vectors([["good"], "good film"], VECTORS)
    with pytest.raises(ValueError, match="keyed_vectors must support"):
        average_word_vectors([["good"]], [1, 2, 3])
    with pytest.raises(ValueError, match="dim is needed"):
        average_word_vectors([["good"]], {})
    with pytest.raises(ValueError, match="vectors have 3 dimensions but dim is 2"):
        average_word_vectors([["good"]], VECTORS, dim=2)
