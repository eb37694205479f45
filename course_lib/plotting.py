"""Small plotting helpers that lessons would otherwise repeat.

:func:`show_images` draws a grid of images (digits, MNIST, nearest neighbours of a query);
:func:`scatter_2d` draws a 2-D map of points coloured by a known label, with a legend.
Both use matplotlib, label what they draw, and return what they created so a lesson can
add to it before calling ``plt.show()``.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from course_lib._utils import is_integer

__all__ = ["show_images", "scatter_2d"]


def _as_float_array(name: str, value: Any) -> np.ndarray:
    try:
        if hasattr(value, "detach"):  # a torch tensor
            value = value.detach().cpu().numpy()
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    return array


def show_images(
    images: Any,
    titles: Sequence[str] | None = None,
    ncols: int = 5,
    cmap: str = "gray",
    image_shape: tuple[int, int] | None = None,
    suptitle: str | None = None,
    size: float = 1.5,
    vmin: float | None = None,
    vmax: float | None = None,
):
    """Draw images in a grid, one small axis per image, and return the figure.

    Parameters
    ----------
    images : array-like, shape (n, height, width), (n, height, width, 3 or 4) or (n, d)
        The images. Flat vectors of length ``d`` need ``image_shape`` (for example
        ``(8, 8)`` for scikit-learn's 64-pixel digits). A single 2-D image is shown alone.
    titles : sequence of str, optional
        One title per image, shown above it.
    ncols : int
        Images per row (at least 1); fewer images than ``ncols`` make a single short row.
    cmap : str
        Colour map for grey-level images (ignored for RGB images).
    image_shape : (height, width), optional
        Shape to reshape flat vectors to.
    suptitle : str, optional
        A title for the whole figure.
    size : float
        Width and height of each image in inches.
    vmin, vmax : float, optional
        Grey levels drawn as black and white. By default the smallest and largest value
        over *all* images, so that grey levels compare across images (a faint digit looks
        faint); each image is not stretched to its own range.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with exactly one axis per image (axis ticks hidden).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig = show_images(np.random.rand(7, 8, 8), titles=[str(i) for i in range(7)], ncols=4)
    >>> len(fig.axes), sum(len(ax.images) for ax in fig.axes)
    (7, 7)
    """
    import matplotlib.pyplot as plt

    array = _as_float_array("images", images)
    if array.ndim == 2 and image_shape is None:
        array = array[None]  # one grey-level image
    if image_shape is not None:
        if (
            len(image_shape) != 2
            or not all(isinstance(s, (int, np.integer)) and s > 0 for s in image_shape)
        ):
            raise ValueError(f"image_shape must be two positive integers (height, width), got {image_shape!r}")
        height, width = int(image_shape[0]), int(image_shape[1])
        if array.ndim != 2:
            raise ValueError(f"images must be flat vectors of shape (n, d) to use image_shape, got shape {array.shape}")
        if array.shape[1] != height * width:
            raise ValueError(
                f"image_shape={image_shape!r} holds {height * width} pixels, but each row of images has "
                f"{array.shape[1]} values; give the (height, width) whose product is {array.shape[1]}"
            )
        array = array.reshape(len(array), height, width)
    if not (array.ndim == 3 or (array.ndim == 4 and array.shape[-1] in (3, 4))):
        raise ValueError(
            "images must have shape (n, height, width) or (n, height, width, 3 or 4), "
            f"or (n, d) with image_shape; got shape {array.shape}"
        )
    n = len(array)
    if n == 0:
        raise ValueError("images must hold at least one image, got none")
    if not np.all(np.isfinite(array)):
        raise ValueError("images must not contain NaN or infinite values")
    if not is_integer(ncols) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    if titles is not None:
        if isinstance(titles, str):
            raise ValueError("titles must be a sequence of strings, one per image, not a single string")
        titles = list(titles)
        if len(titles) != n:
            raise ValueError(f"titles must hold one title per image ({n}), got {len(titles)}")
    if not (isinstance(size, (int, float)) and size > 0):
        raise ValueError(f"size must be a positive number of inches, got {size!r}")

    for name, bound in (("vmin", vmin), ("vmax", vmax)):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float, np.integer, np.floating))
                                  or not np.isfinite(bound)):
            raise ValueError(f"{name} must be a finite number or None, got {bound!r}")
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise ValueError(f"vmax must be larger than vmin, got vmin={vmin!r} and vmax={vmax!r}")
    low = float(array.min()) if vmin is None else float(vmin)
    high = float(array.max()) if vmax is None else float(vmax)
    if high <= low:  # blank images: any non-empty range draws them in one colour
        high = low + 1.0
    cols = min(int(ncols), n)
    rows = -(-n // cols)
    extra = 0.35 if suptitle else 0.0
    title_room = 0.25 if titles is not None else 0.0  # inches above each image for its title
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * (size + title_room) + extra), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        if i >= n:
            fig.delaxes(ax)  # one axis per image, no empty frames
            continue
        if array.ndim == 3:
            ax.imshow(array[i], cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
        else:
            scale = 1.0 if array.max() <= 1.0 else 255.0  # floats in [0, 1] or 0-255 values
            ax.imshow(np.clip(array[i] / scale, 0.0, 1.0))
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def scatter_2d(
    points: Any,
    labels: Any,
    title: str,
    ax=None,
    label_names: Sequence[str] | dict | None = None,
    annotations: Sequence[str] | None = None,
    xlabel: str = "dimension 1",
    ylabel: str = "dimension 2",
    s: float = 12.0,
    alpha: float = 0.8,
):
    """Scatter 2-D points coloured by a known label, with a legend; return the axes.

    Parameters
    ----------
    points : array-like, shape (n, 2)
        Coordinates, for example a PCA or t-SNE map of embeddings.
    labels : array-like, shape (n,)
        A label per point (integers or strings); each distinct label gets one colour
        and one legend entry, in sorted order.
    title : str
        Title of the plot.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    label_names : sequence or dict, optional
        Legend text for each label: a dict ``{label: name}``, or a sequence indexed by
        integer labels (such as a dataset's class names).
    annotations : sequence of str, optional
        A text per point written next to it (for example the words of a word map).
    xlabel, ylabel : str
        Axis labels.
    s, alpha : float
        Marker size and opacity.

    Returns
    -------
    matplotlib.axes.Axes
        The axes, holding one scatter collection per distinct label.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = scatter_2d(np.random.rand(30, 2), np.arange(30) % 3, "three groups")
    >>> len(ax.collections), len(ax.get_legend().get_texts())
    (3, 3)
    """
    import matplotlib.pyplot as plt

    coords = _as_float_array("points", points)
    if coords.ndim != 2 or coords.shape[1] != 2 or len(coords) == 0:
        raise ValueError(f"points must have shape (n, 2) with n >= 1, got shape {coords.shape}")
    if not np.all(np.isfinite(coords)):
        raise ValueError("points must not contain NaN or infinite values")
    if hasattr(labels, "detach"):
        labels = labels.detach().cpu().numpy()
    label_array = np.asarray(labels)
    if label_array.ndim != 1 or len(label_array) != len(coords):
        raise ValueError(
            f"labels must have shape ({len(coords)},), one label per point, got shape {label_array.shape}"
        )
    if not isinstance(title, str):
        raise ValueError(f"title must be a string, got {type(title).__name__}")
    if annotations is not None:
        annotations = list(annotations)
        if len(annotations) != len(coords):
            raise ValueError(f"annotations must hold one text per point ({len(coords)}), got {len(annotations)}")
    try:
        classes = np.unique(label_array)
    except TypeError:
        raise ValueError("labels must be all numbers or all strings, so that they can be sorted") from None

    def name_of(label: Any) -> str:
        if label_names is None:
            return str(label)
        if isinstance(label_names, dict):
            if label not in label_names:
                raise ValueError(f"label_names has no entry for label {label!r}")
            return str(label_names[label])
        if not isinstance(label, (int, np.integer)) or not 0 <= int(label) < len(label_names):
            raise ValueError(
                f"label_names as a sequence needs integer labels in 0..{len(label_names) - 1}, got {label!r}"
            )
        return str(label_names[int(label)])

    if ax is None:
        _, ax = plt.subplots()
    cmap = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
    for i, label in enumerate(classes):
        mask = label_array == label
        ax.scatter(coords[mask, 0], coords[mask, 1], s=s, alpha=alpha, color=cmap(i % cmap.N), label=name_of(label))
    if annotations is not None:
        for (x, y), text in zip(coords, annotations):
            ax.annotate(str(text), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=8)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    # Outside the plotting area: it never hides points, and needs no costly "best" search.
    ax.legend(fontsize=8, markerscale=max(1.0, (24.0 / s) ** 0.5), loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
