"""Words as vectors from counts: tokens, vocabularies, co-occurrences, PPMI, SVD, neighbours.

The bookkeeping that lessons 02-05 share. A typical pipeline (lesson 02)::

    from course_lib.data import load_wikipedia_sample
    from course_lib.embed.text import build_vocab, cooccurrence_matrix, ppmi, truncated_svd, nearest_words

    sentences = load_wikipedia_sample()                       # lists of tokens
    vocab = build_vocab(sentences, min_count=10)              # words seen 10+ times
    counts = cooccurrence_matrix(sentences, vocab, window=5)  # scipy.sparse, |V| x |V|
    U, S, Vt = truncated_svd(ppmi(counts, alpha=0.75), k=100)
    vectors = U * S ** 0.5                                    # one row per word
    nearest_words(vectors, vocab, "king", k=5)

Every function validates its arguments and raises ``ValueError`` naming the argument.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Union

import numpy as np

import scipy.sparse as sp

from course_lib._utils import first_zero_row, is_integer, unit_rows, zero_vector_error

__all__ = [
    "Vocabulary",
    "build_vocab",
    "cooccurrence_matrix",
    "nearest_words",
    "ppmi",
    "tokenize",
    "truncated_svd",
]

# Runs of letters (any script), no digits or underscores: the same notion of a word as
# gensim's ``simple_preprocess`` and the Wikipedia sample's tokenizer.
_WORD = re.compile(r"[^\W\d_]+")


def tokenize(text: str, lowercase: bool = True, min_len: int = 2, max_len: int = 15) -> list[str]:
    """Split ``text`` into word tokens: runs of letters, optionally lower-cased.

    Digits and punctuation separate words and are dropped (``"don't"`` gives ``"don"``,
    ``"t"`` is too short). Tokens shorter than ``min_len`` or longer than ``max_len``
    characters are dropped, as in gensim's ``simple_preprocess`` and the Wikipedia sample
    of :func:`course_lib.data.load_wikipedia_sample`.

    Parameters
    ----------
    text : str
    lowercase : bool
        Lower-case the tokens (default).
    min_len, max_len : int
        Shortest and longest token kept, in characters.

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("The cat sat on the mat, in 2024!")
    ['the', 'cat', 'sat', 'on', 'the', 'mat', 'in']
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    if not is_integer(min_len) or min_len < 1:
        raise ValueError(f"min_len must be a positive integer, got {min_len!r}")
    if not is_integer(max_len) or max_len < min_len:
        raise ValueError(f"max_len must be an integer >= min_len ({min_len}), got {max_len!r}")
    if lowercase:
        text = text.lower()
    return [t for t in _WORD.findall(text) if min_len <= len(t) <= max_len]


class Vocabulary:
    """Words with their ids and corpus counts, most frequent first.

    Build one with :func:`build_vocab`. Word ``i`` is ``vocab.words[i]``; its count is
    ``vocab.counts[i]``; ``vocab["cat"]`` gives the id of ``"cat"``.

    Parameters
    ----------
    words : sequence of str
        Distinct words, in id order.
    counts : sequence of int
        How often each word occurs in the corpus (positive).

    Examples
    --------
    >>> vocab = Vocabulary(["the", "cat"], [3, 1])
    >>> len(vocab), vocab["cat"], "dog" in vocab
    (2, 1, False)
    >>> vocab.encode(["the", "dog", "cat"]).tolist()
    [0, 1]
    """

    def __init__(self, words: Sequence[str], counts: Sequence[int]) -> None:
        words = tuple(words)
        counts = np.asarray(counts)
        if not all(isinstance(w, str) for w in words):
            raise ValueError("words must all be strings")
        if len(set(words)) != len(words):
            raise ValueError("words must be distinct; a word appears twice")
        if counts.shape != (len(words),):
            raise ValueError(f"counts must hold one count per word ({len(words)}), got shape {counts.shape}")
        if counts.size and (counts.dtype.kind not in "iu" or counts.min() < 1):
            raise ValueError("counts must be positive integers")
        self.words: tuple[str, ...] = words
        self.counts: np.ndarray = counts.astype(np.int64)
        self.counts.setflags(write=False)
        self.index: dict[str, int] = {w: i for i, w in enumerate(words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __iter__(self):
        return iter(self.words)

    def __getitem__(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            raise KeyError(f"{word!r} is not in the vocabulary ({len(self)} words)") from None

    def __repr__(self) -> str:
        head = ", ".join(self.words[:5]) + (", ..." if len(self) > 5 else "")
        return f"Vocabulary({len(self)} words, {self.total:,} tokens: {head})"

    @property
    def total(self) -> int:
        """Number of corpus tokens that are vocabulary words (the sum of ``counts``)."""
        return int(self.counts.sum())

    def count(self, word: str) -> int:
        """How often ``word`` occurs in the corpus (0 for a word outside the vocabulary)."""
        i = self.index.get(word)
        return 0 if i is None else int(self.counts[i])

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """The ids of ``tokens`` as an int64 array; words outside the vocabulary are dropped."""
        if isinstance(tokens, str):
            raise ValueError("tokens must be a list of tokens, not one string; use tokenize(text) first")
        index = self.index
        return np.fromiter((index[t] for t in tokens if t in index), dtype=np.int64)


def _check_sentences(sentences) -> list:
    if isinstance(sentences, (str, bytes)) or not isinstance(sentences, Iterable):
        raise ValueError("sentences must be a list of token lists, such as [['the', 'cat'], ['a', 'dog']]")
    sentences = list(sentences)
    for s in sentences[:1]:
        if isinstance(s, str):
            raise ValueError("sentences must be a list of token lists, but its first item is a string; "
                             "wrap a single sentence in a list, or tokenize each text")
    return sentences


def build_vocab(sentences: Iterable[Sequence[str]], min_count: int = 5, max_size: int | None = None) -> Vocabulary:
    """Count the tokens of ``sentences`` and keep the frequent ones.

    Parameters
    ----------
    sentences : iterable of lists of str
        The corpus, one list of tokens per sentence (or document).
    min_count : int
        Keep words seen at least this often (word2vec's ``min_count``).
    max_size : int, optional
        Keep at most this many words, the most frequent.

    Returns
    -------
    Vocabulary
        Sorted by count, most frequent first; equal counts in alphabetical order.

    Examples
    --------
    >>> vocab = build_vocab([["a", "rose", "is", "a", "rose"], ["a", "daisy"]], min_count=2)
    >>> vocab.words, vocab.counts.tolist()
    (('a', 'rose'), [3, 2])
    """
    sentences = _check_sentences(sentences)
    if not is_integer(min_count) or min_count < 1:
        raise ValueError(f"min_count must be a positive integer, got {min_count!r}")
    if max_size is not None and (not is_integer(max_size)
                                 or max_size < 1):
        raise ValueError(f"max_size must be None or a positive integer, got {max_size!r}")
    counter: Counter[str] = Counter()
    for sentence in sentences:
        counter.update(sentence)
    kept = sorted(((w, c) for w, c in counter.items() if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
    if max_size is not None:
        kept = kept[:max_size]
    return Vocabulary([w for w, _ in kept], np.array([c for _, c in kept], dtype=np.int64))


_WEIGHTINGS = ("uniform", "harmonic", "linear")


def cooccurrence_matrix(
    sentences: Iterable[Sequence[str]],
    vocab: Vocabulary,
    window: int = 5,
    weighting: str = "uniform",
) -> sp.csr_matrix:
    """Count how often each pair of vocabulary words appears within ``window`` words.

    Entry ``[i, j]`` adds up, over every occurrence of word ``i``, the weight of each
    occurrence of word ``j`` at most ``window`` positions before or after it, in the same
    sentence. The matrix is symmetric. Words outside ``vocab`` are removed from each
    sentence first (as word2vec does after ``min_count``), so windows span vocabulary
    words only.

    Parameters
    ----------
    sentences : iterable of lists of str
    vocab : Vocabulary
        Rows and columns follow its ids.
    window : int
        Largest distance counted (1 = neighbours only).
    weighting : {"uniform", "harmonic", "linear"}
        Weight of a pair at distance ``d``: ``"uniform"`` 1; ``"harmonic"`` 1/d (GloVe);
        ``"linear"`` (window - d + 1) / window, what word2vec's shrinking window gives on
        average.

    Returns
    -------
    scipy.sparse.csr_matrix of float64, shape (len(vocab), len(vocab))

    Examples
    --------
    >>> vocab = Vocabulary(["a", "b", "c"], [2, 1, 1])
    >>> cooccurrence_matrix([["a", "b", "c", "a"]], vocab, window=1).toarray()
    array([[0., 1., 1.],
           [1., 0., 1.],
           [1., 1., 0.]])
    """
    sentences = _check_sentences(sentences)
    if not isinstance(vocab, Vocabulary):
        raise ValueError(f"vocab must be a Vocabulary (from build_vocab), got {type(vocab).__name__}")
    if not is_integer(window) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    if weighting not in _WEIGHTINGS:
        raise ValueError(f"weighting must be one of {_WEIGHTINGS}, got {weighting!r}")
    n = len(vocab)
    encoded = [vocab.encode(s) for s in sentences]
    if not encoded or n == 0:
        return sp.csr_matrix((n, n), dtype=np.float64)
    ids = np.concatenate(encoded).astype(np.int32)
    # Sentence number of every kept token: pairs never cross a sentence boundary.
    sentence_of = np.repeat(np.arange(len(encoded), dtype=np.int32), [len(e) for e in encoded])
    matrix = sp.csr_matrix((n, n), dtype=np.float64)
    for d in range(1, min(window, len(ids) - 1) + 1):
        same = sentence_of[:-d] == sentence_of[d:]
        left, right = ids[:-d][same], ids[d:][same]
        weight = {"uniform": 1.0, "harmonic": 1.0 / d, "linear": (window - d + 1) / window}[weighting]
        # One distance at a time keeps memory small; tocsr adds up repeated (row, col) pairs.
        pairs = sp.coo_matrix((np.full(len(left), weight), (left, right)), shape=(n, n)).tocsr()
        matrix = matrix + pairs + pairs.T
    matrix.sum_duplicates()
    return matrix.tocsr()


ArrayOrSparse = Union[np.ndarray, sp.spmatrix, sp.sparray]


def ppmi(counts: ArrayOrSparse, alpha: float = 1.0) -> ArrayOrSparse:
    """Positive pointwise mutual information of a word-context count matrix.

    ``PPMI[w, c] = max(0, log(P(w, c) / (P(w) * P_alpha(c))))`` with ``P(w, c)`` the
    count divided by the total, ``P(w)`` the row sums divided by the total and
    ``P_alpha(c) = n_c ** alpha / sum_c' n_c' ** alpha`` from the column sums ``n_c``.
    ``alpha=0.75`` is the context-distribution smoothing of Levy, Goldberg & Dagan
    (2015), the same power as word2vec's noise distribution: it raises the probability of
    rare contexts, so they no longer get huge PMI values. Zero counts stay zero.

    Parameters
    ----------
    counts : ndarray or scipy.sparse matrix, shape (n_words, n_contexts)
        Non-negative counts.
    alpha : float
        Power applied to the context counts, in (0, 1]; 1 is plain PPMI.

    Returns
    -------
    The same kind as ``counts``: a NumPy array, or a ``csr_matrix`` holding only the
    positive entries.

    Examples
    --------
    >>> counts = np.array([[0.0, 2.0], [2.0, 4.0]])
    >>> np.round(ppmi(counts), 3)
    array([[0.   , 0.288],
           [0.288, 0.   ]])
    """
    if not isinstance(alpha, (int, float, np.integer, np.floating)) or isinstance(alpha, bool) \
            or not 0 < alpha <= 1:
        raise ValueError(f"alpha must be a number in (0, 1], such as 0.75 or 1, got {alpha!r}")
    dense = not sp.issparse(counts)
    if dense:
        counts = np.asarray(counts, dtype=np.float64)
        if counts.ndim != 2:
            raise ValueError(f"counts must be a 2-D matrix, got {counts.ndim} dimensions")
        if not np.all(np.isfinite(counts)):
            raise ValueError("counts must hold finite, non-negative numbers")
    matrix = sp.csr_matrix(counts, dtype=np.float64)
    if matrix.nnz and (not np.all(np.isfinite(matrix.data)) or matrix.data.min() < 0):
        raise ValueError("counts must hold finite, non-negative numbers")
    matrix = matrix.copy()
    matrix.eliminate_zeros()
    total = matrix.sum()
    if total <= 0:
        raise ValueError("counts must hold at least one positive count")
    row_sums = np.asarray(matrix.sum(axis=1)).ravel()
    col_sums = np.asarray(matrix.sum(axis=0)).ravel()
    smoothed = col_sums ** alpha
    log_p_context = np.log(smoothed, where=smoothed > 0, out=np.zeros_like(smoothed)) - np.log(smoothed.sum())
    log_p_word = np.log(row_sums, where=row_sums > 0, out=np.zeros_like(row_sums)) - np.log(total)
    coo = matrix.tocoo()
    pmi = np.log(coo.data) - np.log(total) - log_p_word[coo.row] - log_p_context[coo.col]
    keep = pmi > 0
    result = sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape)
    return result.toarray() if dense else result


def truncated_svd(
    matrix: ArrayOrSparse, k: int, seed: int = 0, solver: str = "randomized", n_iter: int = 7
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` largest singular values and vectors of a (sparse) matrix, reproducibly.

    ``matrix ≈ U @ np.diag(S) @ Vt``. Word vectors are usually ``U * S ** p`` with
    ``p`` = 1 (LSA), 0.5 or 0 (Levy, Goldberg & Dagan 2015 find smaller ``p`` often better).

    A singular vector's sign is arbitrary (``-u`` and ``-v`` fit as well), and solvers
    choose it differently from run to run. Here each pair is flipped so that the entry
    of ``u`` with the largest magnitude is positive, so the output is reproducible.
    Linear algebra runs on one BLAS thread: results then do not depend on the thread
    count, and on a small shared machine it is also faster.

    Parameters
    ----------
    matrix : ndarray or scipy.sparse matrix, shape (m, n)
    k : int
        Number of components, ``1 <= k < min(m, n)``.
    seed : int
        Seeds the solver's random start, for reproducible results.
    solver : {"randomized", "arpack"}
        ``"randomized"`` (Halko et al. 2011, scikit-learn's ``randomized_svd``, as in
        ``TruncatedSVD``): fast, with the smallest of the ``k`` values slightly off.
        ``"arpack"`` (``scipy.sparse.linalg.svds``): exact, several times slower.
    n_iter : int
        Power iterations of the randomized solver (more: closer to exact).

    Returns
    -------
    U : ndarray, shape (m, k)
    S : ndarray, shape (k,)
        Singular values, largest first.
    Vt : ndarray, shape (k, n)

    Examples
    --------
    >>> a = np.array([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    >>> U, S, Vt = truncated_svd(a, k=2)
    >>> S.round(6).tolist(), U.shape, Vt.shape
    ([3.0, 2.0], (4, 2), (2, 3))
    """
    from threadpoolctl import threadpool_limits

    if not sp.issparse(matrix):
        matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"matrix must be 2-D, got {matrix.ndim} dimensions")
    m, n = matrix.shape
    if not is_integer(k) or not 1 <= k < min(m, n):
        raise ValueError(f"k must be an integer with 1 <= k < min(matrix.shape) = {min(m, n)}, got {k!r}")
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if solver not in ("randomized", "arpack"):
        raise ValueError(f"solver must be 'randomized' or 'arpack', got {solver!r}")
    if not is_integer(n_iter) or n_iter < 0:
        raise ValueError(f"n_iter must be a non-negative integer, got {n_iter!r}")
    matrix = matrix.astype(np.float64)
    if sp.issparse(matrix) and not np.all(np.isfinite(matrix.data)) or \
            not sp.issparse(matrix) and not np.all(np.isfinite(matrix)):
        raise ValueError("matrix must hold finite numbers (no NaN or infinity)")
    with threadpool_limits(limits=1):
        if solver == "arpack":
            from scipy.sparse.linalg import svds

            v0 = np.random.default_rng(int(seed)).uniform(-1.0, 1.0, size=min(m, n))
            U, S, Vt = svds(matrix, k=int(k), v0=v0, solver="arpack")
        else:
            from sklearn.utils.extmath import randomized_svd

            U, S, Vt = randomized_svd(matrix, int(k), n_iter=int(n_iter), random_state=int(seed),
                                      flip_sign=False)
    order = np.argsort(-S, kind="stable")
    U, S, Vt = U[:, order], S[order], Vt[order]
    signs = np.sign(U[np.argmax(np.abs(U), axis=0), np.arange(U.shape[1])])
    signs[signs == 0] = 1.0
    return U * signs, S, Vt * signs[:, None]


def _word_index(vocab) -> Mapping[str, int]:
    if isinstance(vocab, Vocabulary):
        return vocab.index
    if isinstance(vocab, Mapping):
        return vocab
    if isinstance(vocab, Sequence) and not isinstance(vocab, str):
        return {w: i for i, w in enumerate(vocab)}
    raise ValueError(
        f"vocab must be a Vocabulary, a list of words or a dict word -> row, got {type(vocab).__name__}"
    )


def nearest_words(vectors: np.ndarray, vocab, word: str, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` words whose vectors have the largest cosine similarity with ``word``'s.

    Parameters
    ----------
    vectors : array, shape (n_words, dim)
        Row ``i`` is the vector of word ``i``.
    vocab : Vocabulary, list of str, or dict word -> row
        Names the rows of ``vectors``.
    word : str
        The query; it is left out of its own neighbours.
    k : int
        How many neighbours.

    Returns
    -------
    list of (word, cosine similarity)
        Most similar first; equal scores in row order. A word whose vector is all zeros has
        no direction, so it is refused with a ``ValueError``, as
        :func:`course_lib.use.search.top_k` refuses it.

    Examples
    --------
    >>> vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    >>> [w for w, _ in nearest_words(vectors, ["cat", "dog", "car"], "cat", k=2)]
    ['dog', 'car']
    """
    index = _word_index(vocab)
    if hasattr(vectors, "detach"):
        vectors = vectors.detach().cpu().numpy()
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a 2-D array (one row per word), got shape {vectors.shape}")
    if len(index) > len(vectors) or (index and max(index.values()) >= len(vectors)):
        raise ValueError(f"vocab names {len(index)} words but vectors has only {len(vectors)} rows")
    if word not in index:
        raise ValueError(f"word {word!r} is not in the vocabulary; pick a word of vocab")
    if not is_integer(k) or not 1 <= k <= len(index) - 1:
        raise ValueError(f"k must be an integer from 1 to {len(index) - 1} (the other words), got {k!r}")
    names = list(index)
    rows = np.fromiter((index[w] for w in names), dtype=np.int64, count=len(names))
    sub = vectors[rows]
    zero = first_zero_row(sub)
    if zero is not None:
        raise zero_vector_error(f"the vector of {names[zero]!r} (vectors row {rows[zero]})",
                                "leave the word out of vocab, or give it a vector")
    unit = unit_rows(sub)
    position = names.index(word)
    scores = unit @ unit[position]
    scores[position] = -np.inf
    # Stable sort on -score: equal scores keep row order.
    order = np.argsort(-scores, kind="stable")[:k]
    return [(names[i], float(scores[i])) for i in order]
