"""course_lib.embed.multimodal: caption templates, the CLIP loss, the two-tower training loop."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_lib.embed.multimodal import DIGIT_WORDS, clip_loss, digit_captions, train_two_towers


def test_digit_captions_fill_numerals_and_words_template_by_template():
    captions = digit_captions(["a handwritten {digit}", "the digit {word}", "{word} ({digit})"], digits=[0, 7])
    assert captions == ["a handwritten 0", "a handwritten 7", "the digit zero", "the digit seven",
                        "zero (0)", "seven (7)"]
    assert len(digit_captions(["{digit}"])) == 10 and DIGIT_WORDS[9] == "nine"


@pytest.mark.parametrize("templates,digits,message", [
    ("a handwritten {digit}", range(10), "list of strings"),
    ([], range(10), "non-empty"),
    (["no field"], range(10), "{digit} or {word}"),
    (["a {colour} {digit}"], range(10), "no other field"),
    (["a {digit"], range(10), "not a valid template"),
    ([3], range(10), "hold strings"),
    (["{digit}"], [1, 10], "between 0 and 9"),
    (["{digit}"], [1, 1], "each digit once"),
    (["{digit}"], [], "between 0 and 9"),
])
def test_digit_captions_rejects_bad_input(templates, digits, message):
    with pytest.raises(ValueError, match="templates|digits") as error:
        digit_captions(templates, digits)
    assert message in str(error.value)


def _written_out(logits):
    """The lesson's version: log-softmax along each axis, the diagonal as the answer."""
    rows = -torch.log_softmax(logits, dim=1).diagonal().mean()
    columns = -torch.log_softmax(logits, dim=0).diagonal().mean()
    return (rows + columns) / 2


def test_clip_loss_matches_the_written_out_loss_and_is_symmetric_in_its_two_directions():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(7, 7, generator=generator, dtype=torch.float64) * 3
    assert torch.isclose(clip_loss(logits), _written_out(logits))
    assert torch.isclose(clip_loss(logits), clip_loss(logits.T))
    one_way = F.cross_entropy(logits, torch.arange(7))
    assert not torch.isclose(clip_loss(logits), one_way)  # the logits are not symmetric: both ways count
    assert math.isclose(float(clip_loss(torch.zeros(5, 5))), math.log(5), rel_tol=1e-6)


def test_clip_loss_is_differentiable():
    logits = torch.randn(4, 4, requires_grad=True)
    clip_loss(logits).backward()
    assert logits.grad is not None and logits.grad.shape == (4, 4)


@pytest.mark.parametrize("logits", [np.zeros((3, 3)), torch.zeros(3, 4), torch.zeros(1, 1), torch.zeros(3)])
def test_clip_loss_rejects_what_is_not_a_square_batch(logits):
    with pytest.raises(ValueError, match="logits"):
        clip_loss(logits)


def _towers(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 8)), nn.Linear(6, 8)


def _data():
    rng = np.random.default_rng(0)
    labels = np.arange(40) % 4
    images = rng.random((40, 4, 4)) + labels[:, None, None]  # the class is visible in the pixels
    captions = torch.tensor(rng.normal(size=(8, 6)))
    choices = np.arange(8).reshape(2, 4).T  # class c: captions c and c + 4
    return images, labels, captions, choices


def test_training_learns_to_match_and_repeats_with_the_same_seed():
    images, labels, captions, choices = _data()
    runs = []
    for _ in range(2):
        image_tower, text_tower = _towers()
        history = train_two_towers(image_tower, text_tower, images, labels, captions, choices, epochs=30,
                                   batch_size=8, lr=1e-2, progress=False)
        runs.append(history)
    assert runs[0]["loss"] == runs[1]["loss"]
    assert len(runs[0]["loss"]) == 30 * 5 and len(runs[0]["temperature"]) == 30
    assert np.mean(runs[0]["loss"][-5:]) < np.mean(runs[0]["loss"][:5]) - 0.3
    assert not image_tower.training and not text_tower.training
    with torch.no_grad():
        u = F.normalize(image_tower(torch.tensor(images, dtype=torch.float32).unsqueeze(1)), dim=1)
        v = F.normalize(text_tower(captions[choices[:, 0]].float()), dim=1)
    assert float(((u @ v.T).argmax(dim=1).numpy() == labels).mean()) > 0.7  # chance: 0.25


def test_a_fixed_temperature_stays_and_a_learned_one_moves():
    images, labels, captions, choices = _data()
    fixed = train_two_towers(*_towers(), images, labels, captions, choices, epochs=3, batch_size=8,
                             temperature=0.5, progress=False)
    learned = train_two_towers(*_towers(), images, labels, captions, choices, epochs=3, batch_size=8,
                               initial_temperature=0.5, progress=False)
    assert all(math.isclose(t, 0.5) for t in fixed["temperature"])
    assert not math.isclose(learned["temperature"][-1], 0.5)


def test_the_loss_function_is_the_one_given():
    images, labels, captions, choices = _data()
    seen = []

    def loss_fn(logits):
        seen.append(tuple(logits.shape))
        return clip_loss(logits)

    train_two_towers(*_towers(), images, labels, captions, choices, epochs=1, batch_size=16, loss_fn=loss_fn,
                     progress=False)
    assert seen == [(16, 16), (16, 16), (8, 8)]


@pytest.mark.parametrize("change,name", [
    (dict(epochs=0), "epochs"), (dict(batch_size=1), "batch_size"), (dict(lr=0), "lr"), (dict(seed=-1), "seed"),
    (dict(temperature=0.0), "temperature"), (dict(initial_temperature=float("nan")), "initial_temperature"),
    (dict(loss_fn="clip"), "loss_fn"), (dict(caption_choices=[[0, 9]] * 4), "caption_choices"),
    (dict(labels=np.arange(40) % 5), "labels"), (dict(caption_vectors=np.zeros((8, 6))), "caption_vectors"),
    (dict(images=np.zeros((40, 16))), "images"), (dict(image_tower="cnn"), "image_tower"),
])
def test_train_two_towers_rejects_bad_arguments(change, name):
    images, labels, captions, choices = _data()
    image_tower, text_tower = _towers()
    arguments = dict(image_tower=image_tower, text_tower=text_tower, images=images, labels=labels,
                     caption_vectors=captions, caption_choices=choices, progress=False)
    arguments.update(change)
    with pytest.raises(ValueError, match=name):
        train_two_towers(**arguments)
