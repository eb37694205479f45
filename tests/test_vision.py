"""course_lib.embed.vision on tiny inputs: datasets, loaders, the training loop, hooks."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from course_lib.embed.vision import (
    ImageDataset,
    evaluate_classifier,
    layer_embeddings,
    make_loader,
    train_classifier,
)


def tiny_cnn() -> nn.Sequential:
    return nn.Sequential(OrderedDict([
        ("block1", nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))),  # 2 x 4 x 4
        ("embed", nn.Sequential(nn.Flatten(), nn.Linear(32, 5), nn.ReLU())),
        ("classify", nn.Linear(5, 2)),
    ]))


# --- ImageDataset and make_loader ----------------------------------------------------


def test_dataset_adds_channel_and_returns_labels(images, labels):
    data = ImageDataset(images, labels)
    image, label = data[3]
    assert len(data) == 12
    assert image.shape == (1, 8, 8) and image.dtype == torch.float32
    assert int(label) == 1 and label.dtype == torch.int64
    assert torch.equal(image[0], torch.from_numpy(images[3]))


def test_dataset_without_labels_and_with_channels(images):
    data = ImageDataset(np.repeat(images[:, None], 3, axis=1))
    assert data[0].shape == (3, 8, 8)


def test_dataset_uint8_scaled_to_unit_interval():
    data = ImageDataset(np.full((2, 4, 4), 255, dtype=np.uint8))
    assert float(data[0].max()) == 1.0


def test_dataset_applies_transform(images, labels):
    data = ImageDataset(images, labels, transform=lambda x: x * 0 + 7)
    assert float(data[0][0].min()) == 7.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"images": np.zeros((3, 4))}, "images must have shape"),
        ({"images": np.zeros((0, 4, 4))}, "images is empty"),
        ({"images": np.array([["a"]])}, "must hold numbers"),
        ({"images": np.zeros((3, 4, 4)), "labels": [0, 1]}, "labels must be 1-D with one label per item \\(3 of them\\)"),
        ({"images": np.zeros((3, 4, 4)), "labels": [0.5, 1, 2]}, "integer class labels"),
        ({"images": np.zeros((3, 4, 4)), "transform": "flip"}, "transform must be callable"),
    ],
)
def test_dataset_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ImageDataset(**kwargs)


def test_loader_batches_and_reproducible_shuffle(images, labels):
    def order(seed):
        return torch.cat([y for _, y in make_loader(images, np.arange(12), batch_size=5, shuffle=True, seed=seed)])

    assert [len(y) for _, y in make_loader(images, labels, batch_size=5)] == [5, 5, 2]
    assert torch.equal(order(3), order(3))
    assert not torch.equal(order(3), order(4))
    assert sorted(order(3).tolist()) == list(range(12))


def test_loader_without_shuffle_keeps_order(images):
    batches = list(make_loader(images, np.arange(12), batch_size=4))
    assert torch.cat([y for _, y in batches]).tolist() == list(range(12))


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "batch_size must be a positive integer"),
    ({"batch_size": 2.5}, "batch_size"),
    ({"seed": -1}, "seed must be a non-negative integer"),
])
def test_loader_validation(images, labels, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_loader(images, labels, **kwargs)


# --- train_classifier and evaluate_classifier ------------------------------------------


def separable_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    images = rng.random((n, 8, 8)).astype(np.float32) * 0.2
    images[labels == 1, :4] += 0.8  # class 1: bright top half
    return images, labels


def test_train_classifier_learns_and_records_history():
    images, labels = separable_data()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 2))
    loader = make_loader(images, labels, batch_size=8, shuffle=True, seed=0)
    history = train_classifier(model, loader, epochs=15, lr=0.05, val_loader=make_loader(images, labels),
                               progress=False, device="cpu")
    assert set(history) == {"batch_loss", "epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["batch_loss"]) == 15 * 5
    assert history["epoch"] == list(range(1, 16))
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] == 1.0
    assert not model.training  # left in evaluation mode
    scores = evaluate_classifier(model, make_loader(images, labels))
    assert scores["accuracy"] == 1.0 and scores["loss"] == pytest.approx(history["val_loss"][-1])


def test_train_classifier_is_reproducible():
    images, labels = separable_data()

    def run():
        torch.manual_seed(1)
        model = tiny_cnn()
        loader = make_loader(images, labels, batch_size=8, shuffle=True, seed=0, transform=lambda x: x + 0.01 * torch.rand_like(x))
        return train_classifier(model, loader, epochs=2, progress=False, device="cpu")["batch_loss"]

    assert run() == run()


def test_train_classifier_accepts_an_optimizer_and_shows_a_bar(capsys):
    images, labels = separable_data(8)
    model = tiny_cnn()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = train_classifier(model, make_loader(images, labels, batch_size=4), 1, optimizer=optimizer,
                               device="cpu", desc="tiny")
    assert len(history["batch_loss"]) == 2 and "val_loss" not in history
    assert "tiny" in capsys.readouterr().err  # tqdm's text bar outside a notebook


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs must be a positive integer"),
    ({"epochs": 1, "lr": -1.0}, "lr must be a positive number"),
    ({"epochs": 1, "optimizer": "adam"}, "optimizer must be a torch.optim.Optimizer"),
])
def test_train_classifier_validation(kwargs, message):
    images, labels = separable_data(8)
    with pytest.raises(ValueError, match=message):
        train_classifier(tiny_cnn(), make_loader(images, labels), progress=False, **kwargs)


def test_train_classifier_rejects_non_module_and_unlabelled_loader():
    images, _ = separable_data(8)
    with pytest.raises(ValueError, match="model must be a torch.nn.Module"):
        train_classifier("cnn", make_loader(images), 1, progress=False)
    with pytest.raises(ValueError, match=r"\(images, labels\) batches"):
        train_classifier(tiny_cnn(), make_loader(images, batch_size=4), 1, progress=False, device="cpu")


# --- layer_embeddings ------------------------------------------------------------------


def test_layer_embeddings_shapes_and_values(images):
    torch.manual_seed(0)
    model = tiny_cnn()
    out = layer_embeddings(model, images, ["block1", "embed", "classify"], batch_size=5)
    assert list(out) == ["block1", "embed", "classify"]
    assert {k: v.shape for k, v in out.items()} == {"block1": (12, 32), "embed": (12, 5), "classify": (12, 2)}
    assert all(v.dtype == np.float32 for v in out.values())
    with torch.no_grad():
        x = torch.from_numpy(images).unsqueeze(1)
        expected = model.embed(model.block1(x)).numpy()
    np.testing.assert_allclose(out["embed"], expected, rtol=1e-5, atol=1e-6)
    # The last layer's output is the model's output.
    with torch.no_grad():
        np.testing.assert_allclose(out["classify"], model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_layer_embeddings_batch_size_does_not_change_results(images):
    model = tiny_cnn()
    a = layer_embeddings(model, images, "embed", batch_size=1)["embed"]
    b = layer_embeddings(model, images, "embed", batch_size=100)["embed"]
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_layer_embeddings_unflattened_and_nested_names(images):
    model = tiny_cnn()
    out = layer_embeddings(model, images[:3], ["block1", "block1.0"], flatten=False)
    assert out["block1"].shape == (3, 2, 4, 4)
    assert out["block1.0"].shape == (3, 2, 8, 8)


def test_layer_embeddings_cleans_up_hooks_and_mode(images):
    model = tiny_cnn()
    model.train()
    layer_embeddings(model, images, ["block1", "embed"])
    assert model.training
    assert all(not m._forward_hooks for m in model.modules())


def test_layer_embeddings_cleans_up_after_an_error(images):
    model = tiny_cnn()
    with pytest.raises(RuntimeError):
        layer_embeddings(model, np.zeros((2, 5, 5), np.float32), ["block1"])  # wrong size for the Linear layer
    assert all(not m._forward_hooks for m in model.modules())


def test_layer_embeddings_uses_eval_mode():
    model = nn.Sequential(OrderedDict([("drop", nn.Dropout(0.5)), ("flat", nn.Flatten())]))
    out = layer_embeddings(model, np.ones((4, 3, 3), np.float32), ["flat"])["flat"]
    assert np.all(out == 1.0)  # dropout is off


def test_layer_embeddings_accepts_tensors(images):
    model = tiny_cnn()
    a = layer_embeddings(model, torch.from_numpy(images), ["embed"])["embed"]
    b = layer_embeddings(model, images, ["embed"])["embed"]
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("names, message", [
    (["nope"], r"no layer named 'nope'.*block1"),
    ([], "non-empty list"),
    (["embed", "embed"], "duplicates"),
    ([""], "no layer named ''"),
])
def test_layer_embeddings_validation(images, names, message):
    with pytest.raises(ValueError, match=message):
        layer_embeddings(tiny_cnn(), images, names)


def test_layer_embeddings_rejects_bad_batch_size_and_tuple_outputs(images):
    with pytest.raises(ValueError, match="batch_size"):
        layer_embeddings(tiny_cnn(), images, ["embed"], batch_size=0)

    class Pair(nn.Module):
        def forward(self, x):
            return x, x

    model = nn.Sequential(OrderedDict([("pair", Pair())]))
    with pytest.raises(ValueError, match="returns a tuple, not a tensor"):
        layer_embeddings(model, images, ["pair"])


def test_layer_embeddings_unused_layer():
    class Skips(nn.Module):
        def __init__(self):
            super().__init__()
            self.used = nn.Flatten()
            self.unused = nn.Linear(2, 2)

        def forward(self, x):
            return self.used(x)

    with pytest.raises(ValueError, match="never ran"):
        layer_embeddings(Skips(), np.zeros((2, 3, 3), np.float32), ["unused"])
