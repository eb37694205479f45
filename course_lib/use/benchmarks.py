"""Benchmarks for word vectors: word similarity (WordSim-353, SimLex-999) and analogies.

- :func:`word_similarity`: Spearman correlation with human similarity judgments;
- :func:`analogy_accuracy`: the share of "a is to b as c is to d" questions answered right;
- :func:`analogy`: the analogy calculator itself, the best words for ``a - b + c``
  (what lesson 04's ``AnalogyExplorer`` shows); :func:`analogy_scores` is the one home of
  the 3CosAdd and 3CosMul formulas that both use.

The evaluators take word vectors in any of the forms the lessons produce:

- a gensim ``KeyedVectors`` (``model.wv``), including fastText's;
- a mapping word -> vector, such as ``dict(zip(vocab.words, vectors))``;
- for :func:`word_similarity` also a callable word -> vector that returns ``None`` (or
  raises ``KeyError``) for a word it does not know.

Example, with lesson 02's count-based vectors::

    from course_lib.data import load_wordsim353
    from course_lib.use.benchmarks import word_similarity

    rho, covered, total = word_similarity(dict(zip(vocab.words, vectors)), load_wordsim353())
    print(f"WordSim-353 Spearman {rho:.3f} on {covered} of {total} pairs")
"""
from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_lib._utils import (
    as_matrix,
    check_int,
    check_names,
    first_zero_row,
    is_integer,
    unit_rows,
    unknown_word,
    zero_vector_error,
)

__all__ = ["ANALOGY_METHODS", "COSMUL_EPS", "AnalogyCalculator", "AnalogyResult", "analogy", "analogy_accuracy",
           "analogy_method", "analogy_scores", "word_similarity"]


def _is_keyed_vectors(obj: Any) -> bool:
    return hasattr(obj, "key_to_index") and hasattr(obj, "index_to_key") and hasattr(obj, "vectors")


def _to_numpy(vector: Any) -> np.ndarray:
    if hasattr(vector, "detach"):  # a torch tensor
        vector = vector.detach().cpu().numpy()
    return np.asarray(vector, dtype=np.float64)


def _lookup_function(vectors_lookup: Any) -> Callable[[str], np.ndarray | None]:
    """A function word -> vector (None when unknown) for any supported form."""
    if _is_keyed_vectors(vectors_lookup):
        kv = vectors_lookup

        def get(word: str):
            # `in` is True for every word of a fastText model (it builds vectors from n-grams).
            return kv[word] if word in kv else None

        return get
    if isinstance(vectors_lookup, Mapping):
        return vectors_lookup.get
    if callable(vectors_lookup):
        def call(word: str):
            try:
                return vectors_lookup(word)
            except KeyError:
                return None

        return call
    raise ValueError(
        "vectors_lookup must be a gensim KeyedVectors, a mapping word -> vector "
        f"(e.g. dict(zip(vocab.words, vectors))) or a function word -> vector, got {type(vectors_lookup).__name__}"
    )


def _check_pairs(pairs: Any) -> list[tuple[str, str, float]]:
    if isinstance(pairs, (str, bytes, os.PathLike)) or not isinstance(pairs, Iterable):
        raise ValueError("pairs must be a list of (word1, word2, score) tuples, such as load_wordsim353()")
    checked = []
    for i, item in enumerate(pairs):
        if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 3:
            raise ValueError(f"pairs[{i}] must be a (word1, word2, score) tuple, got {item!r}")
        a, b, score = item
        if not isinstance(a, str) or not isinstance(b, str):
            raise ValueError(f"pairs[{i}] must start with two words (strings), got {item!r}")
        try:
            score = float(score)
        except (TypeError, ValueError):
            raise ValueError(f"pairs[{i}] must end with a numeric score, got {item!r}") from None
        if not math.isfinite(score):
            raise ValueError(f"pairs[{i}] has a score that is not finite: {item!r}")
        checked.append((a, b, score))
    if not checked:
        raise ValueError("pairs is empty; pass at least two (word1, word2, score) tuples")
    return checked


def _find(get: Callable[[str], Any], word: str, case_insensitive: bool) -> np.ndarray | None:
    vector = get(word)
    if vector is None and case_insensitive and word.lower() != word:
        vector = get(word.lower())
    return None if vector is None else _to_numpy(vector)


def word_similarity(
    vectors_lookup: Any,
    pairs: Iterable[tuple[str, str, float]],
    case_insensitive: bool = True,
) -> tuple[float, int, int]:
    """Spearman correlation between human scores and the cosine similarity of word pairs.

    The standard word-similarity benchmark (WordSim-353, SimLex-999): rank the pairs by
    the human score and by the cosine similarity of the two words' vectors, and correlate
    the ranks. Pairs with a word the vectors do not know are skipped and counted: always
    report how many pairs were covered, since a model that knows fewer (rarer) words is
    scored on an easier subset.

    Parameters
    ----------
    vectors_lookup : KeyedVectors, mapping word -> vector, or callable word -> vector
        A callable returns ``None`` or raises ``KeyError`` for an unknown word. A word is
        covered when ``word in vectors_lookup``: for fastText's KeyedVectors that is every
        word (it builds vectors of unseen words from character n-grams), whereas gensim's
        ``evaluate_word_pairs`` scores vocabulary words only. Pass
        ``dict(zip(kv.index_to_key, kv.vectors))`` to score a fastText model on its
        vocabulary alone.
    pairs : iterable of (word1, word2, score)
        Such as :func:`course_lib.data.load_wordsim353`.
    case_insensitive : bool
        When a word is not found as written, try it lower-cased (``"CD"`` -> ``"cd"``).

    Returns
    -------
    spearman : float
        Spearman's rank correlation on the covered pairs; NaN when fewer than two pairs are
        covered or all their similarities are equal. A vector of zeros has similarity 0.
    n_covered : int
        Pairs whose two words both have vectors.
    n_total : int
        All pairs.

    Examples
    --------
    >>> vectors = {"cat": [1.0, 0.1], "dog": [0.9, 0.3], "car": [0.0, 1.0]}
    >>> pairs = [("cat", "dog", 9.0), ("cat", "car", 2.0), ("dog", "car", 3.0), ("cat", "sun", 1.0)]
    >>> rho, covered, total = word_similarity(vectors, pairs)
    >>> round(rho, 3), covered, total
    (1.0, 3, 4)
    """
    from scipy.stats import spearmanr

    get = _lookup_function(vectors_lookup)
    pairs = _check_pairs(pairs)
    if not isinstance(case_insensitive, bool):
        raise ValueError(f"case_insensitive must be True or False, got {case_insensitive!r}")
    human, model = [], []
    for a, b, score in pairs:
        va, vb = _find(get, a, case_insensitive), _find(get, b, case_insensitive)
        if va is None or vb is None:
            continue
        if va.shape != vb.shape or va.ndim != 1:
            raise ValueError(f"vectors_lookup gave vectors of shapes {va.shape} and {vb.shape} for "
                             f"{a!r} and {b!r}; every vector must be 1-D of the same length")
        na, nb = np.linalg.norm(va), np.linalg.norm(vb)
        model.append(float(va @ vb / (na * nb)) if na > 0 and nb > 0 else 0.0)
        human.append(score)
    n_covered = len(human)
    if n_covered < 2 or len(set(model)) < 2 or len(set(human)) < 2:
        return float("nan"), n_covered, len(pairs)
    return float(spearmanr(human, model).statistic), n_covered, len(pairs)


@dataclass(frozen=True)
class AnalogyResult:
    """The outcome of :func:`analogy_accuracy`.

    Attributes
    ----------
    accuracy : float
        ``n_correct / n_covered`` (NaN when nothing is covered), as gensim reports it.
    n_correct, n_covered, n_total : int
        Questions answered right, questions whose four words are all in the restricted
        vocabulary, and all questions.
    sections : dict
        ``{section: (n_correct, n_covered, n_total)}`` when the questions came by section.
    """

    accuracy: float
    n_correct: int
    n_covered: int
    n_total: int
    sections: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def __str__(self) -> str:
        return (f"analogy accuracy {self.accuracy:.3f} ({self.n_correct} of {self.n_covered} covered "
                f"questions; {self.n_total} in all)")


def _read_questions(questions: Any) -> dict[str, list[tuple[str, str, str, str]]]:
    if isinstance(questions, (str, os.PathLike)):
        sections: dict[str, list] = {}
        current = sections.setdefault("questions", [])
        with open(questions, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.startswith(":"):
                    current = sections.setdefault(line[1:].strip(), [])
                elif line.strip():
                    words = line.split()
                    if len(words) != 4:
                        raise ValueError(f"questions file line {number}: expected 4 words, got {line.strip()!r}")
                    current.append(tuple(words))
        if not sections["questions"]:
            del sections["questions"]
        return sections
    if isinstance(questions, Mapping):
        return {str(name): list(items) for name, items in questions.items()}
    if isinstance(questions, Iterable):
        return {"": list(questions)}
    raise ValueError("questions must be a path to questions-words.txt, a dict section -> list of "
                     "(a, b, c, d) tuples (load_analogies()), or a list of such tuples")


#: The two ways of scoring an analogy, spelled as in the literature (any case is accepted).
ANALOGY_METHODS = ("3CosAdd", "3CosMul")
#: 3CosMul's guard against division by zero: gensim's ``most_similar_cosmul`` value, used by
#: :func:`analogy_accuracy` and the analogy calculator (:func:`analogy`) alike.
COSMUL_EPS = 1e-6


def analogy_method(method: Any) -> str:
    """``method`` spelled as in :data:`ANALOGY_METHODS`, whatever its case.

    Examples
    --------
    >>> analogy_method("3cosmul")
    '3CosMul'
    """
    spelled = {m.lower(): m for m in ANALOGY_METHODS}
    if not isinstance(method, str) or method.lower() not in spelled:
        raise ValueError(f"method must be '3CosAdd' or '3CosMul' (any case), got {method!r}")
    return spelled[method.lower()]


def analogy_scores(sim_plus: np.ndarray, sim_minus: np.ndarray, sim_plus2: np.ndarray,
                   method: str = "3CosAdd", eps: float = COSMUL_EPS) -> np.ndarray:
    """Scores of every candidate for ``plus - minus + plus2``, from its cosines with the three.

    3CosAdd adds the cosines; 3CosMul (Levy & Goldberg 2014) shifts them to [0, 1] and
    multiplies, so that one large similarity cannot outweigh the others. The one home of
    both formulas: :func:`analogy_accuracy` and the analogy calculator (:func:`analogy`,
    and the explorer built on it) call it.

    Examples
    --------
    >>> analogy_scores(np.array([0.5]), np.array([0.0]), np.array([0.5])).tolist()
    [1.0]
    """
    if analogy_method(method) == "3CosAdd":
        return sim_plus - sim_minus + sim_plus2
    return ((1 + sim_plus) / 2) * ((1 + sim_plus2) / 2) / ((1 + sim_minus) / 2 + eps)


def _ordered_vectors(vectors: Any, words: Any) -> tuple[list[str], np.ndarray]:
    if _is_keyed_vectors(vectors):
        if words is not None:
            raise ValueError("words must be None when vectors is a KeyedVectors (it names its own rows)")
        return list(vectors.index_to_key), np.asarray(vectors.vectors, dtype=np.float64)
    if isinstance(vectors, Mapping):
        if words is not None:
            raise ValueError("words must be None when vectors is a mapping word -> vector")
        names = list(vectors.keys())
        matrix = np.array([_to_numpy(vectors[w]) for w in names], dtype=np.float64) if names else np.zeros((0, 1))
        return names, matrix
    matrix = _to_numpy(vectors)
    if words is None:
        raise ValueError("words must list the word of each row of vectors, most frequent first "
                         "(a Vocabulary or a list of str)")
    names = list(words.words) if hasattr(words, "words") else list(words)
    if not all(isinstance(w, str) for w in names):
        raise ValueError("words must hold strings")
    if matrix.ndim != 2 or len(names) != matrix.shape[0]:
        raise ValueError(f"vectors must be a 2-D array with one row per word of words ({len(names)}), "
                         f"got shape {matrix.shape}")
    return names, matrix


def _refuse_zero_rows(matrix: np.ndarray, names: Sequence[str]) -> None:
    """Analogies rank words by cosine similarity, which a vector of zeros does not have."""
    zero = first_zero_row(matrix) if matrix.size else None
    if zero is not None:
        raise zero_vector_error(f"the vector of {names[zero]!r} (vectors row {zero})",
                                "leave the word out, or give it a vector")


def analogy_accuracy(
    vectors: Any,
    questions: Any,
    words: Any = None,
    method: str = "3cosadd",
    restrict_vocab: int | None = 30000,
    case_insensitive: bool = True,
    batch_size: int = 512,
) -> AnalogyResult:
    """Accuracy on analogy questions "a is to b as c is to d" (Mikolov et al. 2013).

    For each question the answer is the word ``x`` of the restricted vocabulary, other than
    ``a``, ``b`` and ``c``, that maximises

    - ``"3cosadd"``: ``cos(x, b) - cos(x, a) + cos(x, c)`` (the ``b - a + c`` of
      ``king - man + woman``; gensim's ``most_similar``);
    - ``"3cosmul"``: ``cos'(x, b) * cos'(x, c) / (cos'(x, a) + 0.000001)`` with
      ``cos' = (1 + cos) / 2`` (Levy & Goldberg 2014; gensim's ``most_similar_cosmul``).

    Like gensim's ``evaluate_word_analogies``, only the first ``restrict_vocab`` words
    (the most frequent) are candidates, a question is skipped unless its four words are
    all among them, and accuracy is over the covered questions.

    Parameters
    ----------
    vectors : KeyedVectors, mapping word -> vector, or array of shape (n_words, dim)
        Rows must be ordered most frequent first (gensim's and :func:`build_vocab`'s order).
    questions : path, dict section -> list of (a, b, c, d), or list of (a, b, c, d)
        Such as :func:`course_lib.data.analogies_path` or :func:`course_lib.data.load_analogies`.
    words : Vocabulary or list of str, optional
        The word of each row, when ``vectors`` is an array.
    method : {"3cosadd", "3cosmul"}
    restrict_vocab : int or None
        How many of the most frequent words take part (None: all).
    case_insensitive : bool
        Compare words lower-cased (the file writes ``Athens``); a vocabulary word that
        differs only by case from a more frequent one is ignored, as in gensim.
    batch_size : int
        Questions scored at once (memory: ``batch_size x restrict_vocab`` floats).

    Returns
    -------
    AnalogyResult

    Examples
    --------
    >>> vectors = {"man": [1.0, 0.0, 0.0], "woman": [1.0, 1.0, 0.0], "king": [1.0, 0.0, 1.0],
    ...            "queen": [1.0, 1.0, 1.0], "apple": [0.0, 0.0, -1.0]}
    >>> result = analogy_accuracy(vectors, [("man", "woman", "king", "queen")])
    >>> result.accuracy, result.n_covered
    (1.0, 1)
    """
    method = analogy_method(method)
    if restrict_vocab is not None and (not is_integer(restrict_vocab) or restrict_vocab < 1):
        raise ValueError(f"restrict_vocab must be None or a positive integer, got {restrict_vocab!r}")
    if not isinstance(case_insensitive, bool):
        raise ValueError(f"case_insensitive must be True or False, got {case_insensitive!r}")
    if not is_integer(batch_size) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    names, matrix = _ordered_vectors(vectors, words)
    sections = _read_questions(questions)
    if restrict_vocab is not None:
        names, matrix = names[:restrict_vocab], matrix[:restrict_vocab]
    if matrix.size and not np.all(np.isfinite(matrix)):
        raise ValueError("vectors must hold finite numbers (no NaN or infinity)")
    _refuse_zero_rows(matrix, names)
    unit = unit_rows(matrix)
    index: dict[str, int] = {}
    for i, w in enumerate(names):  # the first (most frequent) spelling wins
        index.setdefault(w.lower() if case_insensitive else w, i)

    results: dict[str, tuple[int, int, int]] = {}
    total_correct = total_covered = total = 0
    for name, items in sections.items():
        ids = []
        for j, item in enumerate(items):
            if isinstance(item, str) or not isinstance(item, Sequence) or len(item) != 4 \
                    or not all(isinstance(w, str) for w in item):
                raise ValueError(f"questions{'[' + repr(name) + ']' if name else ''}[{j}] must be four words "
                                 f"(a, b, c, d), got {item!r}")
            key = [w.lower() if case_insensitive else w for w in item]
            if all(k in index for k in key):
                ids.append([index[k] for k in key])
        ids_arr = np.array(ids, dtype=np.int64).reshape(-1, 4)
        correct = 0
        for start in range(0, len(ids_arr), batch_size):
            batch = ids_arr[start:start + batch_size]
            a, b, c, d = batch.T
            sim_a, sim_b, sim_c = unit[a] @ unit.T, unit[b] @ unit.T, unit[c] @ unit.T
            # "a is to b as c is to d": d is near b - a + c (gensim's eps for 3CosMul)
            scores = analogy_scores(sim_b, sim_a, sim_c, method)
            rows = np.arange(len(batch))
            for excluded in (a, b, c):
                scores[rows, excluded] = -np.inf
            correct += int((np.argmax(scores, axis=1) == d).sum())
        results[name] = (correct, len(ids_arr), len(items))
        total_correct += correct
        total_covered += len(ids_arr)
        total += len(items)
    accuracy = total_correct / total_covered if total_covered else float("nan")
    sections_out = {k: v for k, v in results.items() if k != ""}
    return AnalogyResult(float(accuracy), total_correct, total_covered, total, sections_out)


# ----------------------------------------------------------------------------- the calculator


class AnalogyCalculator:
    """Answers ``a - b + c`` ("king - man + woman") over a fixed vocabulary.

    The vectors are scaled to length 1 once; each question is then three matrix-vector
    products. :func:`analogy` asks one question; lesson 04's
    :class:`~course_lib.show.explorers.AnalogyExplorer` keeps a calculator and asks one per
    change of its controls.

    Parameters
    ----------
    vectors : array_like of shape (n, d), or gensim KeyedVectors
        One vector per word.
    words : sequence of str, optional
        The word of each row (unique); leave out for KeyedVectors, which know their words.
    eps : float
        3CosMul's guard against division by zero.

    A word whose vector is all zeros has no cosine similarity: it is refused with a
    ``ValueError``, as every neighbour search of the course refuses it.

    Attributes
    ----------
    words : list of str
        The vocabulary, in row order.
    index : dict
        Word -> row.

    Examples
    --------
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [0.5, -1, -1]], dtype=float)
    >>> AnalogyCalculator(vectors, words).solve("queen", "woman", "man", k=1)[0][0]
    'king'
    """

    def __init__(self, vectors: Any, words: Sequence[str] | None = None, eps: float = COSMUL_EPS) -> None:
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 0 < eps < 1:
            raise ValueError(f"eps must be a small positive number such as 1e-6, got {eps!r}")
        if words is None and hasattr(vectors, "index_to_key") and hasattr(vectors, "vectors"):
            matrix = as_matrix(vectors.vectors, "vectors", min_rows=2)
            self.words = [str(w) for w in vectors.index_to_key]
        elif words is None:
            raise ValueError("words must list the word of every row of vectors (or pass gensim KeyedVectors)")
        else:
            matrix = as_matrix(vectors, "vectors", min_rows=2)
            self.words = check_names(words, len(matrix), "words")
        self.eps = float(eps)
        self.index = {w: i for i, w in enumerate(self.words)}
        _refuse_zero_rows(matrix, self.words)
        self._unit = unit_rows(matrix)

    def row(self, word: Any, name: str) -> int:
        """The row of ``word``, or a ValueError naming the argument and the closest words."""
        if word not in self.index:
            raise unknown_word(str(word), self.index, name)
        return self.index[word]

    def solve(self, a: str, b: str, c: str, method: str = "3CosAdd", k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` best (word, score) pairs for ``a - b + c``; see :func:`analogy`."""
        method = analogy_method(method)
        k = check_int(k, "k", 1, len(self.words) - 3)
        rows = [self.row(word, name) for name, word in (("a", a), ("b", b), ("c", c))]
        unit = self._unit
        scores = analogy_scores(unit @ unit[rows[0]], unit @ unit[rows[1]], unit @ unit[rows[2]], method, self.eps)
        scores[rows] = -np.inf  # a, b and c are never the answer
        order = np.argsort(-scores, kind="stable")[:k]  # stable: ties go to the lower index
        return [(self.words[j], float(scores[j])) for j in order]


def analogy(
    vectors: Any,
    words: Sequence[str] | None,
    a: str,
    b: str,
    c: str,
    method: str = "3CosAdd",
    k: int = 5,
    eps: float = COSMUL_EPS,
) -> list[tuple[str, float]]:
    """Words that complete ``a - b + c`` ("king - man + woman"), best first.

    Both methods compare every word ``x`` with ``a``, ``b`` and ``c`` by cosine similarity
    and leave ``a``, ``b`` and ``c`` themselves out of the answer:

    * 3CosAdd: ``cos(x, a) - cos(x, b) + cos(x, c)`` (Mikolov et al. 2013), the same
      ranking as gensim's ``most_similar(positive=[a, c], negative=[b])``;
    * 3CosMul: ``cos'(x, a) * cos'(x, c) / (cos'(x, b) + eps)`` with
      ``cos' = (cos + 1) / 2`` (Levy & Goldberg 2014), so that one large similarity
      cannot outweigh the others (``eps=1e-6``, as gensim's ``most_similar_cosmul``).

    Parameters
    ----------
    vectors : array_like of shape (n, d), or gensim KeyedVectors
        One vector per word.
    words : sequence of str, or None
        The word of each row (None for KeyedVectors, which know their words).
    a, b, c : str
        The analogy ``a - b + c``: "king", "man", "woman".
    method : {"3CosAdd", "3CosMul"}
    k : int
        Answers returned, 1 <= k <= n - 3.
    eps : float
        3CosMul's guard against division by zero.

    Returns
    -------
    list of (str, float)
        ``k`` (word, score) pairs, highest score first; ties go to the lower row.

    Examples
    --------
    >>> import numpy as np
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [0.5, -1, -1]], dtype=float)
    >>> [w for w, _ in analogy(vectors, words, "king", "man", "woman", k=1)]
    ['queen']
    >>> [w for w, _ in analogy(vectors, words, "king", "man", "woman", method="3CosMul", k=1)]
    ['queen']
    """
    return AnalogyCalculator(vectors, words, eps).solve(a, b, c, method, k)
