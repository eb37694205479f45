"""Images as tensors: datasets with transforms, a training loop, embeddings from named layers.

Lesson 06 writes the CNN itself; this module holds the bookkeeping around it, so that
later lessons (clustering, classification, search, fine-tuning) can rebuild the same
image embeddings in a few lines::

    loader = make_loader(train_images, train_labels, batch_size=64, shuffle=True,
                         transform=v2.RandomCrop(28, padding=2), seed=0)
    history = train_classifier(model, loader, epochs=3)
    emb = layer_embeddings(model, test_images, ["pool2", "fc1"])   # {"pool2": (n, 1568), ...}

Images are NumPy arrays or tensors of floats in [0, 1], shaped ``(n, height, width)``
(one grey channel) or ``(n, channels, height, width)``. To look at them (and at nearest
neighbours), see :mod:`course_lib.show.plots`.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

import torch
from torch import nn

from course_lib._utils import as_labels, is_integer

__all__ = [
    "ImageDataset",
    "evaluate_classifier",
    "layer_embeddings",
    "make_loader",
    "train_classifier",
]


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def _as_image_tensor(images, name: str = "images") -> torch.Tensor:
    """``images`` as a float32 tensor of shape (n, channels, height, width)."""
    if isinstance(images, torch.Tensor):
        tensor = images.detach()
    else:
        try:
            array = np.asarray(images)
        except Exception:  # pragma: no cover - exotic inputs
            raise ValueError(f"{name} must be an array or tensor of images, got {type(images).__name__}") from None
        if array.dtype == np.uint8:
            array = array.astype(np.float32) / 255.0
        if array.dtype.kind not in "fiu":
            raise ValueError(f"{name} must hold numbers (grey levels), got dtype {array.dtype}")
        tensor = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
    if tensor.dtype == torch.uint8:
        tensor = tensor.float() / 255.0
    if not tensor.is_floating_point():
        tensor = tensor.float()
    if tensor.ndim == 3:
        tensor = tensor.unsqueeze(1)
    if tensor.ndim != 4:
        raise ValueError(
            f"{name} must have shape (n, height, width) or (n, channels, height, width), got {tuple(tensor.shape)}"
        )
    if tensor.shape[0] == 0:
        raise ValueError(f"{name} is empty: it needs at least one image")
    return tensor.float()


def _label_tensor(labels, n: int, name: str = "labels") -> torch.Tensor:
    return torch.from_numpy(as_labels(labels, name, n=n, integers=True).astype(np.int64))


class ImageDataset(torch.utils.data.Dataset):
    """A torch ``Dataset`` over an array of images, with an optional transform.

    Parameters
    ----------
    images : array_like or Tensor, shape (n, H, W) or (n, C, H, W)
        Grey levels in [0, 1] (``uint8`` images are divided by 255).
    labels : array_like of int, shape (n,), optional
        Class labels; without them an item is the image alone.
    transform : callable, optional
        Applied to each image tensor ``(C, H, W)`` when it is read, for example a
        torchvision ``v2.RandomCrop(28, padding=2)``: a new random version every epoch.

    Examples
    --------
    >>> data = ImageDataset(np.zeros((5, 28, 28), np.float32), labels=[0, 1, 2, 3, 4])
    >>> image, label = data[2]
    >>> tuple(image.shape), int(label), len(data)
    ((1, 28, 28), 2, 5)
    """

    def __init__(self, images, labels=None, transform: Callable | None = None) -> None:
        self.images = _as_image_tensor(images)
        self.labels = None if labels is None else _label_tensor(labels, len(self.images))
        if transform is not None and not callable(transform):
            raise ValueError(f"transform must be callable (a torchvision transform) or None, got {transform!r}")
        self.transform = transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int):
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        if self.labels is None:
            return image
        return image, self.labels[index]


def make_loader(
    images,
    labels=None,
    *,
    batch_size: int = 64,
    shuffle: bool = False,
    transform: Callable | None = None,
    seed: int = 0,
) -> torch.utils.data.DataLoader:
    """A reproducible ``DataLoader`` over images (and labels).

    Shuffling uses its own ``torch.Generator`` seeded with ``seed``, and the data are
    read in the main process (``num_workers=0``), so the batches (and the random
    transforms, which draw from torch's global generator) repeat run to run.

    Parameters
    ----------
    images, labels, transform
        As for :class:`ImageDataset`.
    batch_size : int
        Images per batch (at least 1).
    shuffle : bool
        Draw a new order every epoch (for training).
    seed : int
        Seed of the shuffling order.

    Examples
    --------
    >>> loader = make_loader(np.zeros((10, 8, 8), np.float32), np.arange(10), batch_size=4)
    >>> [len(y) for _, y in loader]
    [4, 4, 2]
    """
    if not is_integer(batch_size) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    dataset = ImageDataset(images, labels, transform)
    generator = torch.Generator().manual_seed(int(seed))
    return torch.utils.data.DataLoader(
        dataset, batch_size=int(batch_size), shuffle=bool(shuffle), generator=generator, num_workers=0
    )


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


def _model_device(model: nn.Module) -> torch.device:
    for tensor in model.parameters():
        return tensor.device
    for tensor in model.buffers():
        return tensor.device
    return torch.device("cpu")


def _check_model(model) -> None:
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")


def _split_batch(batch, where: str):
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise ValueError(f"{where} must yield (images, labels) batches; build it with make_loader(images, labels)")
    return batch


def evaluate_classifier(model: nn.Module, loader, device=None) -> dict[str, float]:
    """Mean cross-entropy loss and accuracy of a classifier over a loader.

    Parameters
    ----------
    model : nn.Module
        Maps a batch of images to class scores (logits), shape (batch, n_classes).
    loader : iterable of (images, labels)
        For example :func:`make_loader` with labels.
    device : torch.device or str, optional
        Where to compute; default: where the model's parameters are.

    Returns
    -------
    dict
        ``{"loss": float, "accuracy": float}``.

    Examples
    --------
    >>> model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2))
    >>> scores = evaluate_classifier(model, make_loader(np.zeros((6, 2, 2), np.float32), [0, 1] * 3))
    >>> sorted(scores), scores["accuracy"]
    (['accuracy', 'loss'], 0.5)
    """
    _check_model(model)
    device = _model_device(model) if device is None else torch.device(device)
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    try:
        with torch.no_grad():
            for batch in loader:
                images, labels = _split_batch(batch, "loader")
                images, labels = images.to(device), labels.to(device)
                scores = model(images)
                total_loss += float(nn.functional.cross_entropy(scores, labels, reduction="sum"))
                correct += int((scores.argmax(dim=1) == labels).sum())
                count += len(labels)
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError("loader yielded no images")
    return {"loss": total_loss / count, "accuracy": correct / count}


def train_classifier(
    model: nn.Module,
    loader,
    epochs: int,
    *,
    lr: float = 1e-3,
    optimizer: torch.optim.Optimizer | None = None,
    val_loader=None,
    device=None,
    progress: bool = True,
    desc: str = "training",
) -> dict[str, list[float]]:
    """Train a classifier with cross-entropy, showing a progress bar; return its history.

    Parameters
    ----------
    model : nn.Module
        Maps images to class scores (logits). It is moved to ``device`` and left in
        evaluation mode at the end.
    loader : DataLoader of (images, labels)
        The training batches (see :func:`make_loader`).
    epochs : int
        Passes over ``loader`` (at least 1).
    lr : float
        Learning rate of the default optimizer, Adam.
    optimizer : torch.optim.Optimizer, optional
        Use this optimizer instead (built on ``model.parameters()``).
    val_loader : DataLoader, optional
        Evaluated after every epoch (loss and accuracy, without augmentation).
    device : torch.device or str, optional
        Default :func:`course_lib.device`: the GPU when there is one.
    progress : bool
        Show a bar over all batches of all epochs (:func:`course_lib.progress.progress`: saved
        finished, as one line of text).
    desc : str
        Label of the progress bar.

    Returns
    -------
    dict of lists
        ``"batch_loss"`` (one value per step), and per epoch ``"epoch"``, ``"loss"``,
        ``"accuracy"`` (on the training batches as seen, augmented), plus
        ``"val_loss"`` and ``"val_accuracy"`` with ``val_loader``.

    Examples
    --------
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2))
    >>> loader = make_loader(np.random.rand(8, 2, 2).astype(np.float32), [0, 1] * 4, batch_size=4)
    >>> history = train_classifier(model, loader, epochs=2, progress=False, device="cpu")
    >>> len(history["batch_loss"]), history["epoch"]
    (4, [1, 2])
    """
    from course_lib.progress import progress as progress_bar
    from course_lib.runtime import device as default_device

    _check_model(model)
    if not is_integer(epochs) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if optimizer is None:
        if not (isinstance(lr, (int, float)) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
    elif not isinstance(optimizer, torch.optim.Optimizer):
        raise ValueError(f"optimizer must be a torch.optim.Optimizer or None, got {type(optimizer).__name__}")
    try:
        steps_per_epoch = len(loader)
    except TypeError:
        raise ValueError("loader must have a length (a DataLoader); build it with make_loader") from None
    if steps_per_epoch == 0:
        raise ValueError("loader is empty: it yields no batches")
    device = default_device() if device is None else torch.device(device)
    model.to(device)
    if optimizer is None:
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"batch_loss": [], "epoch": [], "loss": [], "accuracy": []}
    if val_loader is not None:
        history.update(val_loss=[], val_accuracy=[])
    bar = progress_bar(total=int(epochs) * steps_per_epoch, desc=desc, unit="batch", disable=not progress)
    try:
        for epoch in range(1, int(epochs) + 1):
            model.train()
            total_loss, correct, count = 0.0, 0, 0
            for batch in loader:
                images, labels = _split_batch(batch, "loader")
                images, labels = images.to(device), labels.to(device)
                optimizer.zero_grad()
                scores = model(images)
                loss = nn.functional.cross_entropy(scores, labels)
                loss.backward()
                optimizer.step()
                value = float(loss.detach())
                history["batch_loss"].append(value)
                total_loss += value * len(labels)
                correct += int((scores.detach().argmax(dim=1) == labels).sum())
                count += len(labels)
                bar.update(1)
                bar.set_postfix(epoch=epoch, loss=f"{value:.3f}", refresh=False)
            history["epoch"].append(epoch)
            history["loss"].append(total_loss / count)
            history["accuracy"].append(correct / count)
            if val_loader is not None:
                scores = evaluate_classifier(model, val_loader, device)
                history["val_loss"].append(scores["loss"])
                history["val_accuracy"].append(scores["accuracy"])
    finally:
        bar.close()
        model.eval()
    return history


# ---------------------------------------------------------------------------
# Embeddings from named layers
# ---------------------------------------------------------------------------


def layer_embeddings(
    model: nn.Module,
    images,
    layer_names: str | Sequence[str],
    *,
    batch_size: int = 256,
    flatten: bool = True,
    device=None,
) -> dict[str, np.ndarray]:
    """What named layers of a model output for each image, captured with forward hooks.

    A forward hook is a function torch calls right after a module has run, with the
    module, its inputs and its output; here it keeps the output. The model runs in
    evaluation mode without gradients, batch by batch; its training mode is restored
    and the hooks removed afterwards, even after an error.

    Parameters
    ----------
    model : nn.Module
        Any model; layers are named as in ``model.named_modules()`` (for a
        ``nn.Sequential`` built from an ``OrderedDict``, the names you gave).
    images : array_like or Tensor, shape (n, H, W) or (n, C, H, W)
        The images to embed.
    layer_names : str or list of str
        Modules whose outputs to keep.
    batch_size : int
        Images per forward pass (memory, not results, depends on it).
    flatten : bool
        Flatten each output to one vector per image, shape (n, features); with
        ``False`` keep the layer's shape, such as (n, channels, height, width).
    device : torch.device or str, optional
        Default: where the model's parameters are.

    Returns
    -------
    dict
        ``{layer name: float32 ndarray with one row per image}``.

    Examples
    --------
    >>> model = nn.Sequential(nn.Flatten(), nn.Linear(16, 3), nn.ReLU())
    >>> out = layer_embeddings(model, np.zeros((5, 4, 4), np.float32), ["0", "1"])
    >>> {name: array.shape for name, array in out.items()}
    {'0': (5, 16), '1': (5, 3)}
    """
    _check_model(model)
    names = [layer_names] if isinstance(layer_names, str) else list(layer_names)
    if not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"layer_names must be a layer name or a non-empty list of names, got {layer_names!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"layer_names has duplicates: {names}")
    modules = dict(model.named_modules())
    unknown = [n for n in names if n not in modules or n == ""]
    if unknown:
        available = ", ".join(repr(n) for n in modules if n)
        raise ValueError(f"layer_names: no layer named {unknown[0]!r} in the model; its layers are: {available}")
    if not is_integer(batch_size) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    tensor = _as_image_tensor(images)
    device = _model_device(model) if device is None else torch.device(device)

    captured: dict[str, list[torch.Tensor]] = {n: [] for n in names}

    def make_hook(name: str):
        def hook(module, inputs, output):
            if not isinstance(output, torch.Tensor):
                raise ValueError(
                    f"layer {name!r} returns a {type(output).__name__}, not a tensor; pick a layer that returns a tensor"
                )
            output = output.detach()
            captured[name].append((output.flatten(start_dim=1) if flatten else output).float().cpu())

        return hook

    handles = [modules[n].register_forward_hook(make_hook(n)) for n in names]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for start in range(0, len(tensor), int(batch_size)):
                model(tensor[start : start + int(batch_size)].to(device))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    result = {}
    for name in names:
        if not captured[name]:
            raise ValueError(f"layer {name!r} never ran in the model's forward pass, so it has no output to keep")
        result[name] = torch.cat(captured[name]).numpy()
    return result
