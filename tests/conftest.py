"""Test data that the unit tests of several course_lib modules share (pytest fixtures)."""
from __future__ import annotations

import numpy as np
import pytest


def _blobs(per_class=20, classes=3, dims=5, spread=0.1, seed=0):
    """Well separated classes, one direction each: every score of an embedding is perfect on them."""
    rng = np.random.default_rng(seed)
    centres = np.eye(classes, dims) * 5 + 1
    labels = np.repeat(np.arange(classes), per_class)
    return centres[labels] + spread * rng.standard_normal((len(labels), dims)), labels


def _keyed_vectors(seed=0, n=60, d=8):
    """Random word vectors "w0", "w1"... as gensim KeyedVectors, their words and their array."""
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n)]
    vectors = rng.normal(size=(n, d)).astype(np.float32)
    kv = KeyedVectors(vector_size=d)
    kv.add_vectors(words, vectors)
    return kv, words, vectors


@pytest.fixture
def blobs():
    """``blobs(per_class=20, classes=3, dims=5, spread=0.1, seed=0) -> (x, labels)``."""
    return _blobs


@pytest.fixture
def keyed_vectors():
    """``keyed_vectors(seed=0, n=60, d=8) -> (kv, words, vectors)``."""
    return _keyed_vectors


@pytest.fixture
def images():
    """Twelve 8 x 8 grey images."""
    rng = np.random.default_rng(0)
    return rng.random((12, 8, 8)).astype(np.float32)


@pytest.fixture
def labels():
    """A label for each of :func:`images`."""
    return np.array([0, 1] * 6)


class _Unconvertible:
    """A learner's value whose conversion to a number or an array raises, as a broken object would."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("cannot convert")

    def __float__(self):
        raise RuntimeError("cannot convert")


@pytest.fixture
def unconvertible():
    """A value that makes any check's conversion raise: the check must say "incorrect", not crash."""
    return _Unconvertible()
