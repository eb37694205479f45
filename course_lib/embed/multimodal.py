"""Pictures and words in one space: captions from templates, the CLIP loss, a two-tower training loop.

Lesson 16 writes the two towers (a CNN for images, a projection of frozen MiniLM caption
vectors) and the symmetric InfoNCE loss itself; this module holds the bookkeeping around
them, so that the lesson's experiments (batch size, temperature, digits left out) and its
practice notebook train the same way in one line each::

    captions = digit_captions(["a handwritten {digit}", "the digit {word}"])   # 20 captions
    vectors = torch.tensor(encode_sentences(captions))                         # each encoded once
    choices = np.arange(len(captions)).reshape(2, 10).T                        # (digit, template) -> row
    history = train_two_towers(image_tower, text_tower, images, labels, vectors, choices,
                               loss_fn=clip_loss, epochs=5, batch_size=64)

:func:`clip_loss` is the library's symmetric InfoNCE, against which the lesson checks its
own, written-out version.
"""
from __future__ import annotations

import math
import string
from typing import Callable, Iterable, Sequence

import numpy as np

import torch
from torch import nn

from course_lib._utils import as_labels, check_int, is_integer

__all__ = ["DIGIT_WORDS", "clip_loss", "digit_captions", "train_two_towers"]

#: The English word of each digit, 0 to 9.
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_FIELDS = {"digit", "word"}


def _template_fields(template: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError as error:  # an unmatched brace
        raise ValueError(f"templates: {template!r} is not a valid template ({error})") from None


def digit_captions(templates: Sequence[str], digits: Iterable[int] = range(10)) -> list[str]:
    """Every template filled in with every digit, template by template.

    A template names the digit with ``{digit}`` (the numeral, ``7``) or ``{word}`` (the
    word, ``seven``). The captions come template by template, digits in the given order,
    so caption ``t * len(digits) + i`` is template ``t`` with the ``i``-th digit.

    Parameters
    ----------
    templates : sequence of str
        Each with at least one of ``{digit}`` and ``{word}`` and no other field.
    digits : iterable of int
        Digits between 0 and 9, each once.

    Returns
    -------
    list of str
        ``len(templates) * len(digits)`` captions.

    Examples
    --------
    >>> digit_captions(["a handwritten {digit}", "the digit {word}"], digits=[3, 7])
    ['a handwritten 3', 'a handwritten 7', 'the digit three', 'the digit seven']
    """
    if isinstance(templates, str) or not isinstance(templates, Sequence) or len(templates) == 0:
        raise ValueError("templates must be a non-empty list of strings such as 'a handwritten {digit}'")
    digits = list(digits)
    if not digits or not all(is_integer(d) and 0 <= d <= 9 for d in digits):
        raise ValueError(f"digits must be integers between 0 and 9, got {digits!r}")
    if len(set(digits)) != len(digits):
        raise ValueError(f"digits must list each digit once, got {digits!r}")
    for template in templates:
        if not isinstance(template, str):
            raise ValueError(f"templates must hold strings, got {type(template).__name__}")
        fields = _template_fields(template)
        if not fields & _FIELDS or fields - _FIELDS:
            raise ValueError(f"templates: {template!r} must name the digit with {{digit}} or {{word}}, "
                             f"and no other field; it has {sorted(fields) or 'none'}")
    return [template.format(digit=d, word=DIGIT_WORDS[d]) for template in templates for d in digits]


def clip_loss(logits: torch.Tensor) -> torch.Tensor:
    """The symmetric InfoNCE loss of a batch's similarity matrix (CLIP's loss).

    Row ``i`` of ``logits`` scores image ``i`` against every caption of the batch, and its
    own caption is the one on the diagonal. The loss is the mean of two cross-entropies:
    each image picking its caption among the batch's captions (rows), and each caption
    picking its image among the batch's images (columns). Lesson 16 writes it out with a
    log-softmax; a test checks that both agree.

    Parameters
    ----------
    logits : Tensor, shape (n, n)
        Similarities already divided by the temperature; n >= 2.

    Returns
    -------
    Tensor
        A scalar, differentiable.

    Examples
    --------
    >>> round(float(clip_loss(torch.zeros(4, 4))), 4), round(math.log(4), 4)   # no preference: log n
    (1.3863, 1.3863)
    >>> round(float(clip_loss(torch.tensor([[5.0, 0.0], [0.0, 5.0]]))), 4)
    0.0067
    """
    if not isinstance(logits, torch.Tensor):
        raise ValueError(f"logits must be a torch tensor of shape (n, n), got {type(logits).__name__}")
    if logits.ndim != 2 or logits.shape[0] != logits.shape[1] or logits.shape[0] < 2:
        raise ValueError(f"logits must be a square matrix with at least 2 rows (images x their captions), "
                         f"got shape {tuple(logits.shape)}")
    targets = torch.arange(len(logits), device=logits.device)
    return (nn.functional.cross_entropy(logits, targets) + nn.functional.cross_entropy(logits.T, targets)) / 2


def _check_model(model, name: str) -> None:
    if not isinstance(model, nn.Module):
        raise ValueError(f"{name} must be a torch.nn.Module, got {type(model).__name__}")


def train_two_towers(
    image_tower: nn.Module,
    text_tower: nn.Module,
    images,
    labels,
    caption_vectors,
    caption_choices,
    *,
    loss_fn: Callable[[torch.Tensor], torch.Tensor] = clip_loss,
    epochs: int = 5,
    batch_size: int = 64,
    lr: float = 3e-3,
    temperature: float | None = None,
    initial_temperature: float = 1.0,
    seed: int = 0,
    progress: bool = True,
    desc: str = "training",
) -> dict[str, list[float]]:
    """Train an image tower and a text tower so that matching pairs land on the same point.

    Every epoch shuffles the images and gives each one a caption drawn at random among
    its label's (``caption_choices[label]``). A batch's images and captions go through
    their towers, are scaled to unit length, and ``loss_fn`` receives their cosine
    similarity matrix divided by the temperature (images in rows, captions in columns).
    With ``temperature=None`` the temperature is learned, as CLIP does, through its
    logarithm (so it stays positive), starting from ``initial_temperature`` and kept
    above 0.01 (CLIP caps the inverse at 100).

    Parameters
    ----------
    image_tower, text_tower : nn.Module
        Map a batch of images (n, 1, H, W) and of caption vectors (n, d_text) to vectors of
        the same size. Left in evaluation mode.
    images : array_like or Tensor, shape (n, H, W)
        Grey levels in [0, 1]; converted to the towers' dtype.
    labels : array_like of int, shape (n,)
        Class of each image: a row of ``caption_choices``.
    caption_vectors : Tensor, shape (n_captions, d_text)
        One (frozen) vector per distinct caption.
    caption_choices : array_like of int, shape (n_classes, n_templates)
        Rows of ``caption_vectors`` that describe each class.
    loss_fn : callable
        Maps the (batch, batch) matrix of scaled similarities to a scalar loss.
    epochs, batch_size : int
        Passes over the images, and images per step (a last batch of one image is skipped).
    lr : float
        Learning rate of Adam, for both towers (and the temperature).
    temperature : float or None
        A fixed temperature, or None to learn it.
    initial_temperature : float
        Where a learned temperature starts.
    seed : int
        Seed of the shuffling and of the caption draws (seed the towers' weights yourself).
    progress : bool
        Show a bar over all steps (:func:`course_lib.progress.progress`, saved finished).
    desc : str
        Label of the bar.

    Returns
    -------
    dict of lists
        ``"loss"`` (per step) and ``"temperature"`` (at the end of each epoch).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> towers = nn.Sequential(nn.Flatten(), nn.Linear(4, 3)), nn.Linear(5, 3)
    >>> history = train_two_towers(*towers, np.random.rand(8, 2, 2), [0, 1] * 4, torch.rand(4, 5),
    ...                            [[0, 2], [1, 3]], epochs=2, batch_size=4, progress=False)
    >>> len(history["loss"]), len(history["temperature"])
    (4, 2)
    """
    from course_lib.progress import progress as progress_bar

    _check_model(image_tower, "image_tower")
    _check_model(text_tower, "text_tower")
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 2)
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    for name, value in (("temperature", temperature), ("initial_temperature", initial_temperature)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value) or value <= 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function of the similarity matrix, got {type(loss_fn).__name__}")
    dtype = next(image_tower.parameters()).dtype
    x = torch.as_tensor(np.asarray(images), dtype=dtype)
    if x.ndim != 3 or len(x) < 2:
        raise ValueError(f"images must have shape (n, height, width) with n >= 2, got {tuple(x.shape)}")
    x = x.unsqueeze(1)
    y = as_labels(labels, n=len(x), integers=True).astype(np.int64)
    if not isinstance(caption_vectors, torch.Tensor) or caption_vectors.ndim != 2:
        raise ValueError("caption_vectors must be a 2-D torch tensor, one row per caption")
    choices = np.asarray(caption_choices)
    if choices.ndim != 2 or choices.dtype.kind not in "iu":
        raise ValueError(f"caption_choices must be a 2-D array of integers (classes x templates), got {choices!r}")
    if choices.min() < 0 or choices.max() >= len(caption_vectors):
        raise ValueError(f"caption_choices must hold rows of caption_vectors, 0 to {len(caption_vectors) - 1}")
    if y.min() < 0 or y.max() >= len(choices):
        raise ValueError(f"labels must be rows of caption_choices, 0 to {len(choices) - 1}, got {int(y.max())}")
    text = caption_vectors.detach().to(dtype)

    log_temperature = torch.tensor(math.log(initial_temperature if temperature is None else temperature),
                                   dtype=dtype, requires_grad=temperature is None)
    parameters = [*image_tower.parameters(), *text_tower.parameters()]
    if temperature is None:
        parameters.append(log_temperature)
    optimizer = torch.optim.Adam(parameters, lr=lr)
    rng = np.random.default_rng(int(seed))
    starts = [s for s in range(0, len(y), batch_size) if len(y) - s >= 2]
    history: dict[str, list[float]] = {"loss": [], "temperature": []}
    image_tower.train()
    text_tower.train()
    bar = progress_bar(total=epochs * len(starts), desc=desc, unit="step", disable=not progress)
    try:
        for _ in range(epochs):
            order = rng.permutation(len(y))
            picks = choices[y, rng.integers(choices.shape[1], size=len(y))]
            for start in starts:
                batch = order[start:start + batch_size]
                image_vectors = nn.functional.normalize(image_tower(x[batch]), dim=1)
                text_vectors = nn.functional.normalize(text_tower(text[picks[batch]]), dim=1)
                tau = log_temperature.clamp(min=math.log(0.01)).exp()
                loss = loss_fn(image_vectors @ text_vectors.T / tau)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                history["loss"].append(float(loss.detach()))
                bar.update(1)
            history["temperature"].append(float(log_temperature.detach().clamp(min=math.log(0.01)).exp()))
    finally:
        bar.close()
        image_tower.eval()
        text_tower.eval()
    return history
