"""course_lib.show.plots: what each helper draws (counted artists, not pixels) and its validation."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.show.plots import scatter_2d, show_images, show_neighbours  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------- show_images


def test_show_images_one_axis_and_one_image_per_input():
    fig = show_images(np.random.default_rng(0).random((7, 8, 8)), ncols=3)
    assert len(fig.axes) == 7  # 3 rows of 3, the two empty slots removed
    assert all(len(ax.images) == 1 for ax in fig.axes)
    assert all(ax.get_xticks().size == 0 and ax.get_yticks().size == 0 for ax in fig.axes)


def test_show_images_grid_layout_follows_ncols():
    fig = show_images(np.zeros((7, 8, 8)), ncols=3)
    rows = {ax.get_subplotspec().rowspan.start for ax in fig.axes}
    cols = {ax.get_subplotspec().colspan.start for ax in fig.axes}
    assert rows == {0, 1, 2} and cols == {0, 1, 2}


def test_show_images_fewer_images_than_columns_makes_one_short_row():
    fig = show_images(np.zeros((2, 4, 4)), ncols=5)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_subplotspec().get_gridspec().get_geometry() == (1, 2)


def test_show_images_titles_and_suptitle():
    fig = show_images(np.zeros((3, 4, 4)), titles=["a", "b", "c"], suptitle="all of them")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
    assert fig._suptitle.get_text() == "all of them"


def test_show_images_reshapes_flat_vectors_and_uses_cmap():
    flat = np.arange(5 * 64, dtype=float).reshape(5, 64) / 320
    fig = show_images(flat, image_shape=(8, 8), cmap="viridis")
    first = fig.axes[0].images[0]
    assert first.get_array().shape == (8, 8)
    assert first.get_cmap().name == "viridis"
    np.testing.assert_allclose(first.get_array(), flat[0].reshape(8, 8))


def test_show_images_shares_one_grey_scale_across_images_by_default():
    faint, bright = np.full((4, 4), 0.2), np.full((4, 4), 0.8)
    fig = show_images([faint, bright])
    assert {ax.images[0].get_clim() for ax in fig.axes} == {(0.2, 0.8)}
    fig = show_images([faint, bright], vmin=0, vmax=1)
    assert {ax.images[0].get_clim() for ax in fig.axes} == {(0.0, 1.0)}
    fig = show_images(np.zeros((2, 3, 3)))  # blank images still draw
    assert len(fig.axes) == 2


def test_show_images_single_2d_image_and_list_input():
    assert len(show_images(np.eye(5)).axes) == 1
    assert len(show_images([np.eye(3), np.eye(3)]).axes) == 2


def test_show_images_rgb_images():
    fig = show_images(np.full((2, 4, 4, 3), 255.0))
    assert fig.axes[0].images[0].get_array().shape == (4, 4, 3)
    assert float(fig.axes[0].images[0].get_array().max()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"images": np.zeros((0, 8, 8))}, "images"),
        ({"images": np.zeros(8)}, "images"),  # one flat vector, no image_shape
        ({"images": np.zeros((3, 8, 8)), "image_shape": (8, 8)}, "images"),
        ({"images": np.zeros((3, 8, 8, 2))}, "images"),
        ({"images": np.array([[[np.nan]]])}, "images"),
        ({"images": [["a", "b"]]}, "images"),
        ({"images": np.zeros((3, 64)), "image_shape": (8, 7)}, "image_shape"),
        ({"images": np.zeros((3, 64)), "image_shape": (8,)}, "image_shape"),
        ({"images": np.zeros((3, 8, 8)), "ncols": 0}, "ncols"),
        ({"images": np.zeros((3, 8, 8)), "ncols": 2.5}, "ncols"),
        ({"images": np.zeros((3, 8, 8)), "titles": ["a", "b"]}, "titles"),
        ({"images": np.zeros((3, 8, 8)), "titles": "abc"}, "titles"),
        ({"images": np.zeros((3, 8, 8)), "size": 0}, "size"),
        ({"images": np.zeros((3, 8, 8)), "vmin": "low"}, "vmin"),
        ({"images": np.zeros((3, 8, 8)), "vmax": np.nan}, "vmax"),
        ({"images": np.zeros((3, 8, 8)), "vmin": 1.0, "vmax": 0.0}, "vmax"),
        ({"images": np.zeros((3, 8, 8)), "frame": 0}, "frame"),
        ({"images": np.zeros((3, 8, 8)), "frame": True}, "frame"),
        ({"images": np.zeros((3, 8, 8)), "frame": "thick"}, "frame"),
    ],
)
def test_show_images_rejects_bad_arguments_naming_them(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        show_images(**kwargs)


def test_show_images_frame_draws_a_visible_border_around_every_image():
    framed = show_images(np.random.default_rng(0).random((4, 6, 6)), ncols=4, frame=1.5)
    for ax in framed.axes:
        assert all(spine.get_visible() and spine.get_linewidth() == 1.5 for spine in ax.spines.values())
    assert {tuple(spine.get_edgecolor()) for ax in framed.axes for spine in ax.spines.values()} == {(0.15, 0.15, 0.15, 1.0)}
    plain = show_images(np.zeros((2, 6, 6)))  # the default is unchanged: matplotlib's own thin frame
    default_width = plt.rcParams["axes.linewidth"]
    assert all(spine.get_linewidth() == default_width for ax in plain.axes for spine in ax.spines.values())


# --------------------------------------------------------------------------- scatter_2d


def test_scatter_2d_one_collection_per_label_with_every_point():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(50, 2))
    labels = rng.integers(0, 4, size=50)
    ax = scatter_2d(points, labels, "four groups")
    assert len(ax.collections) == len(np.unique(labels)) == 4
    assert sum(len(c.get_offsets()) for c in ax.collections) == 50
    for collection, label in zip(ax.collections, np.unique(labels)):
        np.testing.assert_allclose(collection.get_offsets(), points[labels == label])


def test_scatter_2d_title_axis_labels_and_legend():
    ax = scatter_2d([[0, 0], [1, 1], [2, 2]], ["b", "a", "b"], "map", xlabel="PC 1", ylabel="PC 2")
    assert ax.get_title() == "map"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("PC 1", "PC 2")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


def test_scatter_2d_distinct_colours_per_label():
    ax = scatter_2d(np.zeros((6, 2)), [0, 1, 2, 0, 1, 2], "colours")
    colours = {tuple(np.round(c.get_facecolor()[0][:3], 6)) for c in ax.collections}
    assert len(colours) == 3


def test_scatter_2d_label_names_as_sequence_and_dict():
    ax = scatter_2d(np.zeros((3, 2)), [2, 0, 2], "named", label_names=["zero", "one", "two"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["zero", "two"]
    plt.close("all")
    ax = scatter_2d(np.zeros((2, 2)), ["x", "y"], "named", label_names={"x": "ex", "y": "why"})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ex", "why"]


def test_scatter_2d_draws_on_given_axes_and_annotates():
    fig, (left, right) = plt.subplots(1, 2)
    ax = scatter_2d([[0, 0], [1, 0]], [0, 1], "words", ax=right, annotations=["cat", "car"])
    assert ax is right and len(left.collections) == 0
    assert [t.get_text() for t in right.texts] == ["cat", "car"]


@pytest.mark.parametrize(
    "args, kwargs, name",
    [
        ((np.zeros((3, 3)), [0, 1, 2], "t"), {}, "points"),
        ((np.zeros((0, 2)), [], "t"), {}, "points"),
        ((np.array([[0.0, np.inf]]), [0], "t"), {}, "points"),
        ((np.zeros((3, 2)), [0, 1], "t"), {}, "labels"),
        ((np.zeros((3, 2)), [0, 1, 2], 5), {}, "title"),
        ((np.zeros((2, 2)), [0, 1], "t"), {"annotations": ["only one"]}, "annotations"),
        ((np.zeros((2, 2)), [0, 3], "t"), {"label_names": ["a", "b"]}, "label_names"),
        ((np.zeros((2, 2)), ["x", "z"], "t"), {"label_names": {"x": "ex"}}, "label_names"),
    ],
)
def test_scatter_2d_rejects_bad_arguments_naming_them(args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        scatter_2d(*args, **kwargs)


# --------------------------------------------------------------------------- the one image grid, from torch and for neighbours


def test_show_images_takes_torch_tensors_channels_first():
    torch = pytest.importorskip("torch")
    grey = show_images(torch.rand(3, 1, 5, 5), ncols=4)
    assert len(grey.axes) == 3 and grey.axes[0].images[0].get_array().shape == (5, 5)
    colour = show_images(torch.rand(2, 3, 5, 5), ncols=4)
    assert colour.axes[0].images[0].get_array().shape == (5, 5, 3)
    with pytest.raises(ValueError, match="must have shape"):
        show_images(np.zeros((2, 2, 5, 5)))  # two channels: neither grey nor colour


def test_show_images_keeps_a_given_figure_size_and_reads_8_bit_images():
    fig = show_images(np.zeros((20, 4, 4)), ncols=10, titles=[str(i) for i in range(20)], suptitle="digits",
                      cmap="gray_r", figsize=(10, 2.4))
    assert tuple(fig.get_size_inches()) == (10, 2.4) and len(fig.axes) == 20
    assert fig._suptitle.get_text() == "digits"
    eight_bit = show_images(np.full((1, 2, 2, 3), 255, dtype=np.uint8))
    assert eight_bit.axes[0].images[0].get_array().max() == 1.0
    with pytest.raises(ValueError, match="figsize must be two positive numbers"):
        show_images(np.zeros((2, 4, 4)), figsize=(0, 1))


def test_show_neighbours_rows_titles_and_colours(images, labels):
    neighbours = {"pixels": np.array([[1, 2], [3, 5]]), "cnn": np.array([[2, 4], [5, 7]])}
    fig = show_neighbours(images, [0, 1], neighbours, labels=labels, title="gallery")
    axes = np.array(fig.axes).reshape(4, 3)
    assert axes[0, 0].get_ylabel() == "pixels" and axes[1, 0].get_ylabel() == "cnn"
    assert axes[0, 0].get_title() == "query: 0"
    # Query 0 has label 0: neighbour 1 (label 1) is red, neighbour 2 (label 0) is black.
    assert axes[0, 1].title.get_color() == "red" and axes[0, 2].title.get_color() == "black"
    plt.close(fig)


def test_show_neighbours_with_separate_queries_and_plain_array(images, labels):
    fig = show_neighbours(images, [0], np.array([[4, 5, 6]]), labels=labels,
                          query_images=images[:2], query_labels=[1, 0])
    assert len(fig.axes) == 4
    assert fig.axes[0].get_title() == "query: 1"
    plt.close(fig)


@pytest.mark.parametrize("queries, neighbours, message", [
    ([], np.zeros((0, 2), int), "at least one query"),
    ([20], np.array([[1, 2]]), "outside 0..11"),
    ([0], np.array([[1.0, 2.0]]), "integer array with one row per query"),
    ([0, 1], np.array([[1, 2]]), "one row per query"),
    ([0], np.array([[1, 99]]), r"indices must lie in 0..11"),
])
def test_show_neighbours_validation(images, queries, neighbours, message):
    with pytest.raises(ValueError, match=message):
        show_neighbours(images, queries, neighbours)
    plt.close("all")


# --------------------------------------------------------------------------- labels that do not cover each other


def test_annotate_points_keeps_crowded_labels_apart():
    from course_lib.show.plots import annotate_points

    from matplotlib.text import Text

    points = np.random.default_rng(0).normal(scale=0.1, size=(12, 2))  # a crowd: fixed offsets overlap 30 pairs
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.scatter(points[:, 0], points[:, 1], s=12)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    labels = annotate_points(ax, points, [f"label {i}" for i in range(12)])
    fig.canvas.draw()  # as plt.show() would
    renderer = fig.canvas.get_renderer()
    boxes = [Text.get_window_extent(label, renderer) for label in labels]  # the text, without a leader line
    overlapping = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert [label.get_text() for label in labels] == [f"label {i}" for i in range(12)]
    assert overlapping == 0
    plt.close(fig)


@pytest.mark.parametrize("points, texts, name", [(np.zeros((2, 3)), ["a", "b"], "points"),
                                                 (np.zeros((2, 2)), ["a"], "texts")])
def test_annotate_points_rejects_bad_arguments_naming_them(points, texts, name):
    from course_lib.show.plots import annotate_points

    _, ax = plt.subplots()
    with pytest.raises(ValueError, match=rf"^{name}"):
        annotate_points(ax, points, texts)
    plt.close("all")
