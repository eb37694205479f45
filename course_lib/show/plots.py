"""Figures that lessons would otherwise repeat: image grids and 2-D maps.

- :func:`show_images`: the one image grid (digits, MNIST, any images);
- :func:`show_neighbours`: query images next to their nearest neighbours, built on it;
- :func:`scatter_2d`: a 2-D map of points coloured by a known label, with a legend;
- :func:`annotate_points`: labels next to points that do not cover each other, used by it.

All use matplotlib, label what they draw, and return what they created so a lesson can
add to it before calling ``plt.show()``.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from course_lib._utils import is_integer

__all__ = ["annotate_points", "scatter_2d", "show_images", "show_neighbours"]


def _as_float_array(name: str, value: Any) -> np.ndarray:
    try:
        if hasattr(value, "detach"):  # a torch tensor, without importing torch
            value = value.detach().cpu().numpy()
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    return array


def _as_images(name: str, images: Any, image_shape: tuple[int, int] | None = None) -> np.ndarray:
    """``images`` as floats of shape (n, height, width) or (n, height, width, 3 or 4)."""
    if hasattr(images, "detach"):  # a torch tensor, without importing torch
        images = images.detach().cpu().numpy()
    if getattr(images, "dtype", None) == np.uint8:  # 8-bit grey levels or colours
        images = images / 255.0
    array = _as_float_array(name, images)
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
            raise ValueError(f"{name} must be flat vectors of shape (n, d) to use image_shape, got shape {array.shape}")
        if array.shape[1] != height * width:
            raise ValueError(
                f"image_shape={image_shape!r} holds {height * width} pixels, but each row of {name} has "
                f"{array.shape[1]} values; give the (height, width) whose product is {array.shape[1]}"
            )
        array = array.reshape(len(array), height, width)
    if array.ndim == 4 and array.shape[-1] not in (3, 4) and array.shape[1] in (1, 3):
        # Channels first, as torch keeps images: (n, 1, H, W) is grey, (n, 3, H, W) colour.
        array = array[:, 0] if array.shape[1] == 1 else array.transpose(0, 2, 3, 1)
    if not (array.ndim == 3 or (array.ndim == 4 and array.shape[-1] in (3, 4))):
        raise ValueError(
            f"{name} must have shape (n, height, width), (n, height, width, 3 or 4), (n, 1 or 3, height, width), "
            f"or (n, d) with image_shape; got shape {array.shape}"
        )
    if len(array) == 0:
        raise ValueError(f"{name} must hold at least one image, got none")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must not contain NaN or infinite values")
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
    figsize: tuple[float, float] | None = None,
    figure: Any = None,
    frame: float | None = None,
):
    """Draw images in a grid, one small axis per image, and return the figure.

    The course's one image grid: :func:`show_neighbours` and the neighbour explorer
    (:class:`course_lib.show.explorers.NeighbourExplorer`) draw through it.

    Parameters
    ----------
    images : array-like or tensor
        Shape (n, height, width) for grey levels, (n, height, width, 3 or 4) for colours,
        (n, 1 or 3, height, width) as torch keeps them, or (n, d) flat vectors with
        ``image_shape`` (for example ``(8, 8)`` for scikit-learn's 64-pixel digits). A
        single 2-D image is shown alone. 8-bit integers are read as 0-255.
    titles : sequence of str, optional
        One title per image, shown above it.
    ncols : int
        Images per row (at least 1); fewer images than ``ncols`` make a single short row.
    cmap : str
        Colour map for grey-level images (ignored for colour images); ``"gray_r"`` draws
        ink dark on white.
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
    figsize : (width, height), optional
        The figure's size in inches; by default ``size`` per image, plus room for titles.
    figure : matplotlib Figure, optional
        Draw into this (empty) figure instead of a new pyplot figure.
    frame : float, optional
        Width in points of a dark border drawn around every image (1.5 reads well), so
        that a strip of near-identical images on a white background reads as separate
        pictures. By default each image keeps matplotlib's thin axis frame.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with exactly one axis per image (axis ticks hidden), in row order.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig = show_images(np.random.rand(7, 8, 8), titles=[str(i) for i in range(7)], ncols=4)
    >>> len(fig.axes), sum(len(ax.images) for ax in fig.axes)
    (7, 7)
    """
    array = _as_images("images", images, image_shape)
    n = len(array)
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
    if figsize is not None and (len(figsize) != 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in figsize)):
        raise ValueError(f"figsize must be two positive numbers (width, height) in inches, got {figsize!r}")

    for name, bound in (("vmin", vmin), ("vmax", vmax)):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float, np.integer, np.floating))
                                  or not np.isfinite(bound)):
            raise ValueError(f"{name} must be a finite number or None, got {bound!r}")
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise ValueError(f"vmax must be larger than vmin, got vmin={vmin!r} and vmax={vmax!r}")
    if frame is not None and (isinstance(frame, bool) or not isinstance(frame, (int, float, np.integer, np.floating))
                              or not 0 < frame < 20):
        raise ValueError(f"frame must be a border width in points between 0 and 20 (for example 1.5) or None, "
                         f"got {frame!r}")
    low = float(array.min()) if vmin is None else float(vmin)
    high = float(array.max()) if vmax is None else float(vmax)
    if high <= low:  # blank images: any non-empty range draws them in one colour
        high = low + 1.0
    cols = min(int(ncols), n)
    rows = -(-n // cols)
    if figure is None:
        import matplotlib.pyplot as plt

        if figsize is None:
            extra = 0.35 if suptitle else 0.0
            title_room = 0.25 if titles is not None else 0.0  # inches above each image for its title
            figsize = (cols * size, rows * (size + title_room) + extra)
        figure = plt.figure(figsize=figsize)
    scale = 1.0 if array.max() <= 1.0 else 255.0  # colours: floats in [0, 1] or 0-255 values
    for i in range(n):
        ax = figure.add_subplot(rows, cols, i + 1)
        if array.ndim == 3:
            ax.imshow(array[i], cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
        else:
            ax.imshow(np.clip(array[i] / scale, 0.0, 1.0))
        ax.set_xticks([])
        ax.set_yticks([])
        if frame is not None:
            for spine in ax.spines.values():
                spine.set(visible=True, linewidth=float(frame), edgecolor="0.15")
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    if suptitle:
        figure.suptitle(suptitle)
    figure.tight_layout()
    return figure


def show_neighbours(
    images,
    queries: Sequence[int],
    neighbours,
    labels=None,
    *,
    query_images=None,
    query_labels=None,
    title: str | None = None,
    cmap: str = "gray_r",
    size: float = 0.9,
):
    """Show query images next to their nearest neighbours, one row per query and method.

    A grid of :func:`show_images`: each row is a query (framed) and its neighbours.

    Parameters
    ----------
    images : array_like, shape (n, H, W) or (n, C, H, W)
        The images searched (the corpus).
    queries : sequence of int
        Indices of the query images in ``query_images`` (default: in ``images``).
    neighbours : array of int (len(queries), k), or dict {method name: such an array}
        Corpus indices of each query's neighbours, best first; with a dict, one row
        per method, so that, for example, pixels and a CNN can be compared.
    labels : array_like of int, shape (n,), optional
        Corpus labels: each neighbour is titled with its label, in red when it differs
        from the query's.
    query_images, query_labels : optional
        Where the queries come from, when they are not part of the corpus.
    title : str, optional
        Title of the figure.
    cmap : str
        Colour map of grey images; ``"gray_r"`` draws ink dark on white.
    size : float
        Inches per image.

    Examples
    --------
    >>> imgs = np.random.rand(6, 8, 8)
    >>> fig = show_neighbours(imgs, [0], {"pixels": np.array([[1, 2]]), "other": np.array([[3, 4]])},
    ...                       labels=[0, 0, 1, 0, 1, 1])
    >>> len(fig.axes)
    6
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    corpus = _as_images("images", images)
    query_array = corpus if query_images is None else _as_images("query_images", query_images)
    queries = [int(q) for q in np.asarray(queries).ravel()]
    if not queries:
        raise ValueError("queries must hold at least one query index")
    for q in queries:
        if not 0 <= q < len(query_array):
            raise ValueError(f"queries: index {q} is outside 0..{len(query_array) - 1}")
    methods: Mapping[str, np.ndarray] = neighbours if isinstance(neighbours, Mapping) else {"": neighbours}
    tables = {}
    for method, table in methods.items():
        table = np.asarray(table)
        if table.ndim != 2 or len(table) != len(queries) or table.dtype.kind not in "iu":
            raise ValueError(
                f"neighbours{'[' + repr(method) + ']' if method else ''} must be an integer array with one row "
                f"per query ({len(queries)}), got shape {table.shape} and dtype {table.dtype}"
            )
        if table.size and (table.min() < 0 or table.max() >= len(corpus)):
            raise ValueError(f"neighbours: indices must lie in 0..{len(corpus) - 1}")
        tables[method] = table
    k = max(t.shape[1] for t in tables.values())
    corpus_labels = None if labels is None else np.asarray(labels)
    if corpus_labels is not None and len(corpus_labels) != len(corpus):
        raise ValueError(f"labels must hold one label per image ({len(corpus)}), got {len(corpus_labels)}")
    if query_labels is not None:
        q_labels = np.asarray(query_labels)
    else:
        q_labels = corpus_labels if query_images is None else None
    # The grid, row by row: the query, then its neighbours (a blank where a method found fewer).
    cells, titles, colours, methods_of_rows = [], [], [], []
    for qi, q in enumerate(queries):
        for method, table in tables.items():
            methods_of_rows.append(method)
            cells.append(query_array[q])
            titles.append("query" if q_labels is None else f"query: {q_labels[q]}")
            colours.append(None)
            for j in range(k):
                if j >= table.shape[1]:
                    cells.append(np.zeros_like(corpus[0]))
                    titles.append("")
                    colours.append("blank")
                    continue
                idx = int(table[qi, j])
                cells.append(corpus[idx])
                if corpus_labels is None:
                    titles.append("")
                    colours.append(None)
                else:
                    same = q_labels is None or corpus_labels[idx] == q_labels[q]
                    titles.append(str(corpus_labels[idx]))
                    colours.append("black" if same else "red")
    nrows = len(methods_of_rows)
    fig = show_images(np.stack(cells), titles=titles, ncols=k + 1, cmap=cmap, vmin=0.0, vmax=1.0, suptitle=title,
                      figsize=(size * (k + 1) + 0.8, size * nrows + (0.4 if title else 0.1)))
    for cell, (ax, colour) in enumerate(zip(fig.axes, colours)):
        ax.title.set_fontsize(8)
        if cell % (k + 1) == 0:  # the query: framed, and named by its method
            for spine in ax.spines.values():
                spine.set_linewidth(2)
            if methods_of_rows[cell // (k + 1)]:
                ax.set_ylabel(methods_of_rows[cell // (k + 1)], fontsize=8)
            continue
        ax.axis("off")
        if colour == "blank":
            ax.images[0].set_visible(False)
        elif colour is not None:
            ax.title.set_color(colour)
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
        A text per point written next to it, placed so that labels do not cover each other
        (:func:`annotate_points`; for example the words of a word map).
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
        ax.margins(0.1)  # room for the labels of the outermost points
        annotate_points(ax, coords, annotations, fontsize=8, marker_size=s)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    # Outside the plotting area: it never hides points, and needs no costly "best" search.
    ax.legend(fontsize=8, markerscale=max(1.0, (24.0 / s) ** 0.5), loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


# Offsets (in points) tried for a label, nearest first: right, above, left, below and the
# diagonals, on rings that grow until a free spot is found.
_RINGS = (4.0, 9.0, 15.0, 22.0, 30.0)
_DIRECTIONS = ((1, 0.3), (1, 1), (-1, 1), (1, -1), (-1, -1), (0, 1), (0, -1), (-1, 0.3))


def annotate_points(ax, points: Any, texts: Sequence[str], fontsize: float = 8.0, marker_size: float = 12.0) -> list:
    """Write ``texts[i]`` next to ``points[i]`` where it covers no other label or point.

    Each label tries offsets nearest first (right, above, left, below, diagonals, then
    farther rings) and takes the first spot where its box overlaps no label placed before
    it, no marker, and stays inside the axes; a label moved far from its point gets a thin
    leader line. When no
    spot is free, the one with the least overlap is used. Labels are placed in the
    order of the data.

    Parameters
    ----------
    ax : matplotlib Axes
        Where the points are drawn (the axes limits must already hold them).
    points : array-like, shape (n, 2)
        Data coordinates of the points.
    texts : sequence of str
        One label per point.
    fontsize : float
        Label size in points.
    marker_size : float
        Marker area in points² (scatter's ``s``), so labels keep off the markers.

    Returns
    -------
    list of matplotlib.text.Annotation
        The labels, in the order of ``points``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> _ = ax.scatter([0, 0.01], [0, 0])
    >>> a, b = annotate_points(ax, [[0, 0], [0.01, 0]], ["first", "second"])
    >>> renderer = ax.figure.canvas.get_renderer()
    >>> a.get_window_extent(renderer).overlaps(b.get_window_extent(renderer))
    False
    """
    coords = _as_float_array("points", points)
    if coords.ndim != 2 or coords.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got shape {coords.shape}")
    texts = [str(t) for t in texts]
    if len(texts) != len(coords):
        raise ValueError(f"texts must hold one text per point ({len(coords)}), got {len(texts)}")
    figure = ax.figure
    ax.autoscale_view()
    renderer = figure.canvas.get_renderer()
    to_pixels = figure.dpi / 72.0
    centres = ax.transData.transform(coords) if len(coords) else np.zeros((0, 2))
    radius = max(2.0, np.sqrt(marker_size) / 2) * to_pixels  # half a marker's width, in pixels
    markers = np.c_[centres - radius, centres + radius]  # x0, y0, x1, y1
    frame = ax.get_window_extent(renderer)
    inside = np.array([frame.x0, frame.y0, frame.x1, frame.y1])
    placed: list[np.ndarray] = []
    labels = []
    for i, ((x, y), text) in enumerate(zip(coords, texts)):
        best = None
        for ring in _RINGS:
            for dx, dy in _DIRECTIONS:
                offset = (ring * dx, ring * dy)
                label = ax.annotate(text, (x, y), xytext=offset, textcoords="offset points", fontsize=fontsize,
                                    ha="left" if dx > 0 else "right" if dx < 0 else "center",
                                    va="bottom" if dy > 0 else "top" if dy < 0 else "center")
                box = label.get_window_extent(renderer)
                extent = np.array([box.x0, box.y0, box.x1, box.y1])
                others = np.vstack([np.delete(markers, i, axis=0), *placed]) if placed else np.delete(markers, i, axis=0)
                # what covers another label or a marker, plus what sticks out of the axes
                overlap = _overlap_area(extent, others) + _area(extent) - _overlap_area(extent, inside[None, :])
                if best is None or overlap < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (overlap, label, extent, ring)
                else:
                    label.remove()
                if overlap == 0:
                    break
            if best[0] == 0:
                break
        _, label, extent, ring = best
        if ring > _RINGS[1]:  # far from its point: a thin line says which point it names
            spec = {"xytext": label.xyann, "textcoords": "offset points", "fontsize": fontsize,
                    "ha": label.get_ha(), "va": label.get_va()}
            label.remove()
            label = ax.annotate(text, (x, y), arrowprops={"arrowstyle": "-", "color": "0.5", "linewidth": 0.5,
                                                           "shrinkA": 0, "shrinkB": 2}, **spec)
        placed.append(extent[None, :] + [[-1, -1, 1, 1]])  # a pixel of air around each label
        labels.append(label)
    return labels


def _area(box: np.ndarray) -> float:
    return float((box[2] - box[0]) * (box[3] - box[1]))


def _overlap_area(box: np.ndarray, others: np.ndarray) -> float:
    """Total area of ``box`` (x0, y0, x1, y1) covered by the boxes ``others`` (m, 4)."""
    if len(others) == 0:
        return 0.0
    width = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    height = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float(np.sum(np.clip(width, 0, None) * np.clip(height, 0, None)))
