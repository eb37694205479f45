"""Tests of course_lib.embed.text: tokens, vocabularies, co-occurrences, PPMI, SVD, neighbours."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from course_lib.embed.text import (
    Vocabulary,
    build_vocab,
    cooccurrence_matrix,
    nearest_words,
    ppmi,
    tokenize,
    truncated_svd,
)

# ---------------------------------------------------------------- tokenize


def test_tokenize_letters_only_lowercased_and_length_filtered():
    assert tokenize("The cat's 3 hats, and an A!") == ["the", "cat", "hats", "and", "an"]
    assert tokenize("Über Café", lowercase=True) == ["über", "café"]
    assert tokenize("The Cat", lowercase=False) == ["The", "Cat"]
    assert tokenize("a bb ccc dddd", min_len=3, max_len=3) == ["ccc"]
    assert tokenize("x" * 16 + " ok") == ["ok"]


@pytest.mark.parametrize("kwargs, name", [
    ({"text": 3}, "text"), ({"text": "a", "min_len": 0}, "min_len"), ({"text": "a", "max_len": 1, "min_len": 2}, "max_len"),
])
def test_tokenize_validation(kwargs, name):
    with pytest.raises(ValueError, match=name):
        tokenize(**kwargs)


# ---------------------------------------------------------------- vocabulary


def test_build_vocab_orders_by_count_then_alphabet_and_filters():
    sentences = [["b", "a", "c", "a"], ["c", "b", "d"], ["e"]]
    vocab = build_vocab(sentences, min_count=2)
    assert vocab.words == ("a", "b", "c")
    assert vocab.counts.tolist() == [2, 2, 2]
    assert vocab.total == 6 and len(vocab) == 3
    assert build_vocab(sentences, min_count=1).words == ("a", "b", "c", "d", "e")
    assert build_vocab(sentences, min_count=1, max_size=2).words == ("a", "b")


def test_build_vocab_accepts_a_generator():
    vocab = build_vocab((s for s in [["x", "y"], ["x"]]), min_count=1)
    assert vocab.words == ("x", "y") and vocab.counts.tolist() == [2, 1]


def test_vocabulary_lookup_encode_and_count():
    vocab = Vocabulary(["the", "cat", "sat"], [5, 2, 1])
    assert vocab["cat"] == 1 and "cat" in vocab and "dog" not in vocab
    assert vocab.count("the") == 5 and vocab.count("dog") == 0
    assert vocab.encode(["sat", "dog", "the"]).tolist() == [2, 0]
    assert vocab.encode([]).dtype == np.int64
    assert list(vocab) == ["the", "cat", "sat"]
    assert "3 words" in repr(vocab)
    with pytest.raises(KeyError, match="dog"):
        vocab["dog"]
    with pytest.raises(ValueError, match="tokens"):
        vocab.encode("the cat")


@pytest.mark.parametrize("words, counts, match", [
    (["a", "a"], [1, 1], "distinct"),
    (["a", "b"], [1], "counts"),
    (["a"], [0], "positive"),
    (["a"], [1.5], "positive"),
])
def test_vocabulary_validation(words, counts, match):
    with pytest.raises(ValueError, match=match):
        Vocabulary(words, counts)


@pytest.mark.parametrize("sentences, kwargs, name", [
    ("a b c", {}, "sentences"),
    (["a b", "c"], {}, "sentences"),
    ([["a"]], {"min_count": 0}, "min_count"),
    ([["a"]], {"max_size": 0}, "max_size"),
])
def test_build_vocab_validation(sentences, kwargs, name):
    with pytest.raises(ValueError, match=name):
        build_vocab(sentences, **kwargs)


# ---------------------------------------------------------------- co-occurrence


def _brute_cooccurrence(sentences, vocab, window, weighting):
    n = len(vocab)
    out = np.zeros((n, n))
    for sentence in sentences:
        ids = [vocab[t] for t in sentence if t in vocab]
        for i, wi in enumerate(ids):
            for j, wj in enumerate(ids):
                d = abs(i - j)
                if 1 <= d <= window:
                    out[wi, wj] += {"uniform": 1.0, "harmonic": 1.0 / d,
                                    "linear": (window - d + 1) / window}[weighting]
    return out


@pytest.mark.parametrize("weighting", ["uniform", "harmonic", "linear"])
@pytest.mark.parametrize("window", [1, 2, 5])
def test_cooccurrence_matches_brute_force(weighting, window):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(8)]
    sentences = [list(rng.choice(words, size=rng.integers(0, 12))) for _ in range(15)]
    vocab = build_vocab(sentences, min_count=3)  # some words fall out: windows skip them
    assert 0 < len(vocab) < 8
    matrix = cooccurrence_matrix(sentences, vocab, window=window, weighting=weighting)
    assert sp.isspmatrix_csr(matrix) and matrix.dtype == np.float64
    assert matrix.shape == (len(vocab), len(vocab))
    np.testing.assert_allclose(matrix.toarray(), _brute_cooccurrence(sentences, vocab, window, weighting))
    np.testing.assert_allclose(matrix.toarray(), matrix.toarray().T)


def test_cooccurrence_never_crosses_sentences_and_drops_unknown_words():
    vocab = Vocabulary(["a", "b"], [2, 1])
    matrix = cooccurrence_matrix([["a", "zzz", "b"], ["b"], ["a"]], vocab, window=1)
    # "zzz" is removed first, so a and b become neighbours; b and a of other sentences are not.
    assert matrix.toarray().tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_cooccurrence_counts_repeated_words_on_the_diagonal():
    vocab = Vocabulary(["a"], [3])
    assert cooccurrence_matrix([["a", "a", "a"]], vocab, window=2).toarray().tolist() == [[6.0]]


def test_cooccurrence_empty_inputs():
    vocab = Vocabulary(["a"], [1])
    assert cooccurrence_matrix([], vocab).shape == (1, 1)
    assert cooccurrence_matrix([["a"]], vocab).nnz == 0


@pytest.mark.parametrize("kwargs, name", [
    ({"window": 0}, "window"), ({"window": 2.5}, "window"), ({"weighting": "gaussian"}, "weighting"),
    ({"vocab": ["a"]}, "vocab"), ({"sentences": "a b"}, "sentences"),
])
def test_cooccurrence_validation(kwargs, name):
    args = {"sentences": [["a"]], "vocab": Vocabulary(["a"], [1])}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        cooccurrence_matrix(**args)


# ---------------------------------------------------------------- PPMI


def _brute_ppmi(counts, alpha):
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    p_w = counts.sum(1) / total
    c_alpha = counts.sum(0) ** alpha
    p_c = c_alpha / c_alpha.sum()
    out = np.zeros_like(counts)
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            if counts[i, j] > 0:
                out[i, j] = max(0.0, np.log(counts[i, j] / total / (p_w[i] * p_c[j])))
    return out


@pytest.mark.parametrize("alpha", [1.0, 0.75])
def test_ppmi_matches_formula_dense_and_sparse(alpha):
    rng = np.random.default_rng(1)
    counts = rng.poisson(1.0, size=(7, 5)).astype(float)
    counts[3] = 0  # an empty row
    expected = _brute_ppmi(counts, alpha)
    dense = ppmi(counts, alpha=alpha)
    assert isinstance(dense, np.ndarray)
    np.testing.assert_allclose(dense, expected, atol=1e-12)
    sparse = ppmi(sp.csr_matrix(counts), alpha=alpha)
    assert sp.issparse(sparse) and sparse.format == "csr"
    np.testing.assert_allclose(sparse.toarray(), expected, atol=1e-12)
    assert sparse.nnz == int((expected > 0).sum())  # only positive entries are stored


def test_ppmi_smoothing_lowers_the_pmi_of_rare_contexts():
    counts = np.array([[10.0, 1.0], [10.0, 0.0], [0.0, 1.0]])
    plain, smoothed = ppmi(counts, alpha=1.0), ppmi(counts, alpha=0.75)
    assert smoothed[2, 1] < plain[2, 1]  # the rare context gets more probability: lower PMI


@pytest.mark.parametrize("counts, alpha, match", [
    (np.array([[1.0, -1.0]]), 1.0, "non-negative"),
    (np.array([[1.0, np.nan]]), 1.0, "finite"),
    (np.zeros((2, 2)), 1.0, "positive count"),
    (np.ones((2, 2)), 0.0, "alpha"),
    (np.ones((2, 2)), 1.5, "alpha"),
    (np.ones(3), 1.0, "2-D"),
])
def test_ppmi_validation(counts, alpha, match):
    with pytest.raises(ValueError, match=match):
        ppmi(counts, alpha=alpha)


# ---------------------------------------------------------------- truncated SVD


@pytest.mark.parametrize("solver", ["randomized", "arpack"])
def test_truncated_svd_matches_numpy_with_fixed_signs(solver):
    rng = np.random.default_rng(2)
    # Low-rank plus a little noise, with well separated singular values.
    a = (rng.normal(size=(60, 4)) * [10, 6, 3, 1]) @ rng.normal(size=(4, 40)) + 0.01 * rng.normal(size=(60, 40))
    U, S, Vt = truncated_svd(sp.csr_matrix(a), k=3, solver=solver)
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(S, s[:3], rtol=1e-6)
    assert U.shape == (60, 3) and Vt.shape == (3, 40)
    for i in range(3):
        # Same vectors up to sign, and the sign is the documented one.
        assert abs(abs(U[:, i] @ u[:, i]) - 1) < 1e-6
        assert U[np.argmax(np.abs(U[:, i])), i] > 0
    np.testing.assert_allclose((U * S) @ Vt, (u[:, :3] * s[:3]) @ vt[:3], atol=1e-6)


def test_truncated_svd_is_reproducible_and_sign_stable_across_seeds():
    rng = np.random.default_rng(3)
    a = sp.random(80, 50, density=0.2, random_state=4, format="csr")
    first = truncated_svd(a, k=5, seed=0, solver="arpack")
    again = truncated_svd(a, k=5, seed=0, solver="arpack")
    other = truncated_svd(a, k=5, seed=7, solver="arpack")
    for x, y, z in zip(first, again, other):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_allclose(x, z, atol=1e-8)
    del rng


@pytest.mark.parametrize("kwargs, name", [
    ({"k": 0}, "k"), ({"k": 5}, "k"), ({"k": 2.0}, "k"), ({"seed": -1}, "seed"),
    ({"solver": "lapack"}, "solver"), ({"n_iter": -1}, "n_iter"),
])
def test_truncated_svd_validation(kwargs, name):
    args = {"matrix": np.eye(5), "k": 2}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        truncated_svd(**args)


def test_truncated_svd_rejects_nan():
    a = np.eye(4)
    a[0, 1] = np.nan
    with pytest.raises(ValueError, match="finite"):
        truncated_svd(a, k=2)


# ---------------------------------------------------------------- nearest words


def test_nearest_words_by_cosine_excluding_the_query():
    vectors = np.array([[1.0, 0.0], [10.0, 1.0], [0.0, 1.0], [-1.0, 0.0], [0.0, 3.0]])
    words = ["cat", "dog", "car", "anti", "up"]
    result = nearest_words(vectors, words, "cat", k=4)
    assert [w for w, _ in result] == ["dog", "car", "up", "anti"]  # length does not matter
    assert result[0][1] == pytest.approx(10 / np.sqrt(101))
    assert result[1][1] == pytest.approx(0.0) and result[2][1] == 0.0  # tie: row order
    assert result[3][1] == pytest.approx(-1.0)
    vocab = Vocabulary(words, [5, 4, 3, 2, 1])
    assert nearest_words(vectors, vocab, "cat", k=4) == result
    assert nearest_words(vectors, {w: i for i, w in enumerate(words)}, "cat", k=4) == result


def test_nearest_words_accepts_torch_tensors_and_a_mapping_to_some_rows():
    torch = pytest.importorskip("torch")
    vectors = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]])
    assert nearest_words(vectors, {"a": 0, "c": 2}, "a", k=1)[0][0] == "c"


@pytest.mark.parametrize("kwargs, name", [
    ({"word": "emu"}, "word"), ({"k": 0}, "k"), ({"k": 3}, "k"), ({"vectors": np.ones(3)}, "vectors"),
    ({"vocab": "abc"}, "vocab"), ({"vocab": ["a", "b", "c", "d"]}, "vocab"),
])
def test_nearest_words_validation(kwargs, name):
    args = {"vectors": np.eye(3), "vocab": ["a", "b", "c"], "word": "a", "k": 2}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        nearest_words(**args)


def test_nearest_words_refuses_a_zero_vector_as_top_k_does():
    """One policy for cosine neighbours: a vector of zeros has no direction."""
    vectors = np.array([[1.0, 0.0], [0.0, 0.0], [0.9, 0.1]])
    with pytest.raises(ValueError, match=r"the vector of 'dog' \(vectors row 1\) is all zeros; cosine similarity is undefined"):
        nearest_words(vectors, ["cat", "dog", "car"], "cat", k=1)
    with pytest.raises(ValueError, match="is all zeros; cosine similarity is undefined"):
        nearest_words(vectors, ["cat", "dog", "car"], "dog", k=1)
