"""course_lib.embed.word2vec: the pieces of skip-gram that lesson 03 writes, and that they agree with it."""
from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from course_lib.embed import word2vec
from course_lib.embed.word2vec import keep_probabilities, noise_distribution, sgns_loss, skipgram_pairs

LESSON = Path(__file__).resolve().parents[1] / "notebooks" / "03_word2vec_from_scratch.ipynb"
COUNTS = np.array([500, 120, 40, 7, 1])


def test_doctests():
    assert doctest.testmod(word2vec).failed == 0


def _lesson_functions() -> dict:
    """The functions lesson 03 defines in its own cells, run from the notebook's sources."""
    import torch.nn.functional as F

    cells = json.loads(LESSON.read_text("utf-8"))["cells"]
    namespace = {"np": np, "torch": torch, "F": F}
    for name in ("keep_probabilities", "noise_distribution", "sgns_loss"):
        source = next("".join(c["source"]) for c in cells
                      if c["cell_type"] == "code" and f"def {name}(" in "".join(c["source"]))
        start = source.index(f"def {name}(")
        body = source[start:]
        end = body.find("\n\n\n")  # the definition ends at the first blank pair of lines
        exec(body if end < 0 else body[:end], namespace)
    return namespace


def test_the_library_gives_what_the_lessons_cells_give():
    lesson = _lesson_functions()
    np.testing.assert_allclose(noise_distribution(COUNTS), lesson["noise_distribution"](COUNTS))
    np.testing.assert_allclose(keep_probabilities(COUNTS, t=1e-2), lesson["keep_probabilities"](COUNTS, t=1e-2))
    generator = torch.Generator().manual_seed(0)
    center, context = torch.randn(6, 4, generator=generator), torch.randn(6, 4, generator=generator)
    negatives = torch.randn(6, 5, 4, generator=generator)
    assert torch.allclose(sgns_loss(center, context, negatives), lesson["sgns_loss"](center, context, negatives))


def test_pieces_by_hand():
    noise = noise_distribution(COUNTS)
    assert noise.sum() == pytest.approx(1.0) and np.all(np.diff(noise) < 0)
    keep = keep_probabilities(COUNTS, t=1e-2)
    assert keep[-1] == 1.0 and keep[0] < keep[1] < 1.0
    center = torch.zeros(3, 4, requires_grad=True)
    loss = sgns_loss(center, torch.ones(3, 4), torch.ones(3, 5, 4))
    assert loss.item() == pytest.approx(6 * np.log(2)) and loss.requires_grad
    assert skipgram_pairs(["a", "b", "c"], 1) == [("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")]
    assert skipgram_pairs(["solo"], 3) == []


@pytest.mark.parametrize("call, message", [
    (lambda: noise_distribution([[1, 2]]), "counts must be a non-empty 1-D array"),
    (lambda: noise_distribution([0, 0]), "positive total"),
    (lambda: keep_probabilities([-1, 2], t=1e-3), "non-negative counts"),
    (lambda: keep_probabilities(COUNTS, t=0), "t must be a positive number"),
    (lambda: skipgram_pairs(["a"], -1), "window must be a non-negative integer"),
])
def test_validation(call, message):
    with pytest.raises(ValueError, match=message):
        call()
