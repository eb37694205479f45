"""course_lib.show.explorers, headless: set a control's value, read what the explorer shows.

No kernel and no browser: the widgets live in this process, their comms go nowhere, and
each test asserts on ``explorer.text``, ``explorer.figure`` (counted artists, not pixels)
and ``explorer.output.outputs``. tests/test_browser.py checks that they render for real.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from course_lib.show.explorers import (
    PROJECTIONS,
    AnalogyExplorer,
    NeighbourExplorer,
    Projection,
    ProjectionExplorer,
    RandomWalkExplorer,
)
from course_lib.use.benchmarks import analogy

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def shown_text(explorer) -> str:
    """The text the Output widget shows (its stream output)."""
    streams = [o["text"] for o in explorer.output.outputs if o["output_type"] == "stream"]
    assert len(streams) == 1
    return streams[0]


def shown_images(explorer) -> int:
    return sum("image/png" in o.get("data", {}) for o in explorer.output.outputs)


# --------------------------------------------------------------------------- neighbours

WORDS = ["cat", "kitten", "dog", "car", "truck", "bicycle"]
DENSE = np.array([
    [0.9, 0.0, 0.3], [0.9, 0.0, 0.1], [0.8, 0.0, 0.5],
    [0.0, 0.9, 0.6], [0.0, 0.9, 0.9], [0.0, 0.8, 0.2],
])


def brute_force(vectors, i, metric, k):
    """Neighbours of row i by a plain loop, the query left out."""
    scores = []
    for j, v in enumerate(vectors):
        if j == i:
            continue
        if metric == "dot":
            s = vectors[i] @ v
        elif metric == "cosine":
            s = vectors[i] @ v / np.linalg.norm(vectors[i]) / np.linalg.norm(v)
        else:
            s = -np.linalg.norm(vectors[i] - v)
        scores.append((-s, j))
    return [j for _, j in sorted(scores)[:k]]


@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
@pytest.mark.parametrize("query", WORDS)
def test_neighbours_match_a_brute_force_search(metric, query):
    explorer = NeighbourExplorer(DENSE, names=WORDS, query=query, metric=metric, k=3)
    found = [j for j, _, _ in explorer.neighbours]
    assert found == brute_force(DENSE, WORDS.index(query), metric, 3)
    assert WORDS.index(query) not in found, "the query itself is never its own neighbour"


def test_typing_a_word_and_switching_the_metric_update_the_output():
    explorer = NeighbourExplorer(DENSE, names=WORDS, query="cat", k=2)
    assert shown_text(explorer) == explorer.text + "\n"
    assert "word cat" in explorer.text and "cosine similarity" in explorer.text
    assert [name for _, name, _ in explorer.neighbours] == ["kitten", "dog"]

    explorer.query.value = "truck"
    assert [name for _, name, _ in explorer.neighbours] == ["car", "bicycle"]
    assert "word truck" in shown_text(explorer)

    explorer.metric.value = "euclidean"
    assert "Euclidean distance, lower is closer" in shown_text(explorer)
    assert explorer.text.splitlines()[1].split()[-1] == "distance"
    distances = [score for _, _, score in explorer.neighbours]
    assert distances == sorted(distances), "distances are listed smallest first"

    explorer.k.value = 4
    table = explorer.text.splitlines()[2:]  # after the title and the header
    assert [row.split()[0] for row in table] == ["1", "2", "3", "4"]
    assert len(table) == 4 and len(explorer.neighbours) == 4


def test_unknown_word_is_explained_with_a_suggestion():
    explorer = NeighbourExplorer(DENSE, names=WORDS, query="cat")
    explorer.query.value = "kiten"
    assert "query='kiten' is not in the vocabulary (6 words)" in shown_text(explorer)
    assert "did you mean kitten" in explorer.text
    explorer.query.value = " dog "  # stray spaces from typing are forgiven
    assert "word dog" in explorer.text


def test_items_with_labels_and_images_draw_the_query_and_its_neighbours():
    rng = np.random.default_rng(0)
    images = rng.random((30, 4, 4))
    labels = np.arange(30) % 3
    explorer = NeighbourExplorer(images.reshape(30, -1), labels=labels, images=images, query=7, k=4,
                                 item_name="digit", label_names=["zero", "one", "two"])
    assert isinstance(explorer.query.value, int) and explorer.query.description == "digit"
    assert "digit 7 (label one)" in explorer.text
    assert len(explorer.figure.axes) == 5 and all(len(ax.images) == 1 for ax in explorer.figure.axes)
    assert explorer.figure.axes[0].get_title() == "query: one"
    assert shown_images(explorer) == 1
    same = sum(labels[j] == labels[7] for j, _, _ in explorer.neighbours)
    assert f"{same} of 4 neighbours share the query's label" in explorer.text

    explorer.k.value = 12  # 13 images: two rows of at most 11
    assert len(explorer.figure.axes) == 13
    explorer.query.value = 8
    assert "digit 8 (label two)" in explorer.text


def test_choosing_another_embedding_changes_the_neighbours():
    rng = np.random.default_rng(1)
    first, second = rng.normal(size=(20, 5)), rng.normal(size=(20, 3))
    explorer = NeighbourExplorer({"first": first, "second": second}, query=0, k=3)
    assert explorer.embedding.layout.display is None  # a choice: the drop-down shows
    assert [j for j, _, _ in explorer.neighbours] == brute_force(first, 0, "cosine", 3)
    explorer.embedding.value = "second"
    assert [j for j, _, _ in explorer.neighbours] == brute_force(second, 0, "cosine", 3)
    assert "embedding 'second'" in explorer.text

    single = NeighbourExplorer(first, k=3)
    assert single.embedding.layout.display == "none" and "embedding" not in single.describe()


def test_set_changes_several_controls_and_recomputes_once(monkeypatch):
    explorer = NeighbourExplorer(DENSE, names=WORDS, query="cat")
    calls = []
    monkeypatch.setattr(explorer, "_compute", lambda: calls.append(explorer.settings()) or ("x", None))
    assert explorer.set(query="car", metric="dot", k=1) is explorer
    assert calls == [{"query": "car", "embedding": "embedding", "metric": "dot", "k": 1}]


@pytest.mark.parametrize("values, message", [
    ({"colour": "red"}, "unknown setting"),
    ({"metric": "manhattan"}, "metric must be one of"),
    ({"k": 0}, "k must be an integer between 1 and 5"),
    ({"k": 2.5}, "k must be an integer between 1 and 5"),
    ({"query": True}, "query must be a string"),
])
def test_set_rejects_bad_values(values, message):
    explorer = NeighbourExplorer(DENSE, names=WORDS)
    with pytest.raises(ValueError, match=message):
        explorer.set(**values)


def test_the_static_fallback_is_the_current_result_without_random_ids():
    explorer = NeighbourExplorer(DENSE, names=WORDS, query="cat", k=2)
    bundle = explorer._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == explorer.model_id
    for key in ("text/plain", "text/html"):
        assert "query: cat · metric: cosine · k: 2" in bundle[key]
        assert "kitten" in bundle[key] and explorer.model_id not in bundle[key]
    assert bundle["text/html"].startswith('<div class="course-widget-fallback">')
    assert "explorer.set(" in bundle["text/plain"]
    # The same settings give the very same fallback: nbval compares it strictly.
    again = NeighbourExplorer(DENSE, names=WORDS, query="cat", k=2)._repr_mimebundle_()
    assert (again["text/plain"], again["text/html"]) == (bundle["text/plain"], bundle["text/html"])
    explorer.query.value = "car"
    assert "query: car" in explorer._repr_mimebundle_()["text/html"]


def test_ipython_display_carries_the_widget_view_and_the_fallback():
    # What a kernel sends for `explorer` at the end of a cell.
    from IPython.core.formatters import DisplayFormatter

    explorer = NeighbourExplorer(DENSE, names=WORDS, query="dog", k=1)
    data, _ = DisplayFormatter().format(explorer)
    assert set(data) == {WIDGET_VIEW, "text/plain", "text/html"}
    assert "word dog" in data["text/plain"] and "word dog" in data["text/html"]


def test_fallback_keeps_metadata_when_a_display_hook_returns_a_pair(monkeypatch):
    import ipywidgets

    original = ipywidgets.VBox._repr_mimebundle_
    monkeypatch.setattr(ipywidgets.VBox, "_repr_mimebundle_",
                        lambda self, **kw: (original(self, **kw), {WIDGET_VIEW: {"colab": {}}}))
    data, metadata = NeighbourExplorer(DENSE, names=WORDS, k=1)._repr_mimebundle_()
    assert metadata == {WIDGET_VIEW: {"colab": {}}} and WIDGET_VIEW in data and "text/html" in data


def test_fallback_html_escapes_names():
    explorer = NeighbourExplorer(DENSE, names=["<b>", "a&b", "c", "d", "e", "f"], query="<b>", k=1)
    html = explorer._repr_mimebundle_()["text/html"]
    assert "&lt;b&gt;" in html and "<b><" not in html


@pytest.mark.parametrize("kwargs, message", [
    ({"embeddings": np.ones((3, 2)), "names": ["a", "b"]}, r"names must hold one name per row \(3\)"),
    ({"embeddings": np.ones((3, 2)), "names": ["a", "b", "a"]}, "'a' appears twice"),
    ({"embeddings": {"x": np.ones((3, 2)), "y": np.ones((4, 2))}}, "same number of rows"),
    ({"embeddings": {}}, "at least one embedding"),
    ({"embeddings": np.ones(3)}, r"shape \(n, d\)"),
    ({"embeddings": [[1.0, np.nan], [1.0, 2.0]]}, "NaN"),
    ({"embeddings": np.ones((3, 2)), "metric": "l1"}, "metric must be one of 'cosine', 'dot', 'euclidean'; got 'l1'"),
    ({"embeddings": np.ones((3, 2)), "k": 3}, "k must be an integer between 1 and 2"),
    ({"embeddings": np.ones((3, 2)), "query": 3}, "query must be an integer between 0 and 2"),
    ({"embeddings": np.ones((3, 2)), "names": ["a", "b", "c"], "query": "d"}, "query must be one of the names"),
    ({"embeddings": np.ones((3, 2)), "max_k": 3}, "max_k must be an integer between 1 and 2"),
    ({"embeddings": np.ones((3, 2)), "labels": [0, 1]}, r"labels must be 1-D with one label per item \(3 of them\)"),
    ({"embeddings": np.ones((3, 2)), "images": np.ones((2, 4, 4))}, "images must have shape"),
])
def test_neighbour_explorer_validates_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NeighbourExplorer(**kwargs)


def test_a_zero_vector_under_cosine_is_explained_not_raised():
    vectors = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    explorer = NeighbourExplorer(vectors, query=1, k=1, metric="euclidean")
    explorer.query.value = 0
    explorer.metric.value = "cosine"
    assert "the vector of item '0' is all zeros; cosine similarity is undefined" in explorer.text
    explorer.query.value = 1  # a zero row among the others: refused as top_k refuses it
    assert "corpus row 0 is all zeros" in explorer.text


# --------------------------------------------------------------------------- analogies

# Features (royal, female, fruit, person, young): king - man + woman is exactly queen, and
# prince - man + woman exactly princess.
ANALOGY_WORDS = ["king", "queen", "man", "woman", "prince", "princess", "apple"]
ANALOGY_VECTORS = np.array([
    [1, 0, 0, 1, 0], [1, 1, 0, 1, 0], [0, 0, 0, 1, 0], [0, 1, 0, 1, 0],
    [1, 0, 0, 1, 1], [1, 1, 0, 1, 1], [0, 0, 1, 0.2, 0],
], dtype=float)


def test_analogy_calculator_follows_its_controls():
    """The boxes read as lesson 04 states analogies: a is to b as c is to ?, that is b - a + c."""
    calc = AnalogyExplorer(ANALOGY_VECTORS, ANALOGY_WORDS, k=3)
    assert (calc.a.value, calc.b.value, calc.c.value) == ("man", "king", "woman")
    assert [box.description for box in (calc.a, calc.b, calc.c)] == ["a", "is to b", "as c is to ?"]
    assert calc.text.startswith("man : king :: woman : ?   (king - man + woman)")
    assert calc.answers[0][0] == "queen" and "   1  queen" in shown_text(calc)

    calc.method.value = "3CosMul"
    assert "3CosMul: score = cos'(x, king) * cos'(x, woman) / (cos'(x, man) + 1e-06)" in calc.text
    assert calc.answers == analogy(ANALOGY_VECTORS, ANALOGY_WORDS, "king", "man", "woman", "3CosMul", k=3)

    calc.b.value = "prince"  # man is to prince as woman is to ?
    assert calc.answers[0][0] == "princess" and "man : prince :: woman : ?" in shown_text(calc)
    calc.set(a="woman", b="queen", c="man")  # the other way round
    assert calc.answers[0][0] == "king"
    calc.k.value = 1
    assert len(calc.answers) == 1

    calc.c.value = "wman"
    assert "c='wman' is not in the vocabulary" in shown_text(calc)


def test_analogy_calculator_takes_keyed_vectors_and_defaults_to_the_first_words(keyed_vectors):
    kv, words, _ = keyed_vectors()
    calc = AnalogyExplorer(kv, k=2)
    assert (calc.a.value, calc.b.value, calc.c.value) == ("w0", "w1", "w2")
    assert calc.set(b="w3").answers == analogy(kv, None, "w3", "w0", "w2", k=2)


def test_analogy_calculator_validates_its_arguments():
    with pytest.raises(ValueError, match="a='queeen'"):
        AnalogyExplorer(ANALOGY_VECTORS, ANALOGY_WORDS, a="queeen")
    with pytest.raises(ValueError, match="at least 4 words"):
        AnalogyExplorer(np.eye(3), ["a", "b", "c"])


# --------------------------------------------------------------------------- projections


def _clusters(n=36, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 3
    return rng.normal(size=(n, 6)) + 4 * labels[:, None], labels


class FakeMethod:
    """A fast stand-in for t-SNE: records its calls and what the explorer showed meanwhile."""

    def __init__(self, explorer_ref):
        self.calls = []
        self.explorer_ref = explorer_ref

    def __call__(self, X, value, seed):
        explorer = self.explorer_ref[0] if self.explorer_ref else None
        if explorer is not None:  # None during __init__ when the first method is this one
            self.calls.append((value, explorer.status.value, explorer.method.disabled, explorer.parameter.disabled))
        else:
            self.calls.append((value, None, None, None))
        return X[:, :2] * value


def _fake_explorer():
    ref = []
    fake = FakeMethod(ref)
    methods = {"PCA": PROJECTIONS["PCA"], "fake": Projection("spread", 1, 50, 10, fake)}
    X, labels = _clusters()
    explorer = ProjectionExplorer(X, labels, methods=methods, label_names=["a", "b", "c"])
    ref.append(explorer)
    return explorer, fake


def test_projection_shows_computing_while_a_slow_method_runs():
    explorer, fake = _fake_explorer()
    history = []
    explorer.status.observe(lambda change: history.append(change["new"]), names="value")

    explorer.method.value = "fake"
    assert fake.calls == [(10, "<b>computing fake, spread 10...</b>", True, True)]
    assert history == ["<b>computing fake, spread 10...</b>", "fake, spread 10: ready"]
    assert not explorer.method.disabled and not explorer.parameter.disabled, "controls come back after the run"
    assert explorer.text.startswith("fake, spread 10: 36 points, 3 labels")
    np.testing.assert_allclose(explorer.coordinates, explorer.X[:, :2] * 10)


def test_projection_slider_follows_the_method_and_results_are_cached():
    explorer, fake = _fake_explorer()
    assert explorer.parameter.disabled and explorer.parameter.description == "(no parameter)"
    explorer.method.value = "fake"
    assert (explorer.parameter.min, explorer.parameter.max, explorer.parameter.value) == (1, 35, 10)
    assert explorer.parameter.description == "spread"

    explorer.parameter.value = 20
    assert [call[0] for call in fake.calls] == [10, 20]
    assert "fake, spread 20" in shown_text(explorer)

    explorer.method.value = "PCA"
    explorer.method.value = "fake"  # back: the slider remembers 20, and the map is cached
    assert explorer.parameter.value == 20 and len(fake.calls) == 2
    explorer.parameter.value = 10
    assert len(fake.calls) == 2 and "fake, spread 10" in explorer.text


def test_projection_draws_one_scatter_per_label_with_a_legend():
    explorer, _ = _fake_explorer()
    ax = explorer.figure.axes[0]
    assert len(ax.collections) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    assert ax.get_title() == "PCA" and ax.get_xlabel() == "PCA 1"
    assert shown_images(explorer) == 1
    assert "trustworthiness (5 neighbours):" in explorer.text


def test_projection_set_takes_the_method_before_its_parameter():
    explorer, fake = _fake_explorer()
    explorer.set(parameter=30, method="fake")
    assert [call[0] for call in fake.calls] == [30], "one computation, for the new method's value"
    with pytest.raises(ValueError, match=r"parameter \(spread\) must be an integer between 1 and 35"):
        explorer.set(parameter=36)
    explorer.set(method="PCA")
    with pytest.raises(ValueError, match="PCA has no parameter"):
        explorer.set(parameter=5)


def test_projection_with_a_wrong_shape_says_so():
    methods = {"bad": Projection(None, 0, 0, 0, lambda X, value, seed: X[:, :3], slow=False)}
    X, labels = _clusters()
    explorer = ProjectionExplorer(X, labels, methods=methods, method="bad")
    assert "bad returned shape (36, 3), expected (36, 2)" in explorer.text


@pytest.mark.parametrize("kwargs, message", [
    ({"X": np.ones((5, 3)), "labels": np.zeros(5)}, "at least 12 rows"),
    ({"labels": np.zeros(3)}, r"labels must be 1-D with one label per item \(36 of them\)"),
    ({"method": "MDS"}, "method must be one of PCA, t-SNE, UMAP"),
    ({"methods": {"x": print}}, "Projection objects"),
    ({"annotations": ["a"]}, "one text per point"),
])
def test_projection_explorer_validates_its_arguments(kwargs, message):
    X, labels = _clusters()
    with pytest.raises(ValueError, match=message):
        ProjectionExplorer(**{"X": X, "labels": labels, **kwargs})


def test_real_tsne_runs_through_the_explorer_seeded():
    # Small data: the point is that the real method runs through the explorer, seeded.
    X, labels = _clusters(n=36)
    explorer = ProjectionExplorer(X, labels)
    explorer.set(method="t-SNE", parameter=8)
    assert explorer.coordinates.shape == (36, 2) and "t-SNE, perplexity 8" in explorer.text
    assert float(explorer.text.rsplit(":", 1)[1]) > 0.8, "three clear clusters stay apart"
    again = ProjectionExplorer(X, labels, method="t-SNE")
    again.set(parameter=8)
    np.testing.assert_allclose(again.coordinates, explorer.coordinates, err_msg="the same seed, the same map")


def test_umap_gets_its_slider_value_and_a_reproducible_setting(monkeypatch):
    # A stand-in for umap.UMAP: a real run first compiles umap's numba code (half a minute
    # on a busy 2-core machine); lesson 08 runs the real one under nbval.
    import umap

    made = []

    class FakeUMAP:
        def __init__(self, **kwargs):
            made.append(kwargs)

        def fit_transform(self, X):
            return X[:, :2]

    monkeypatch.setattr(umap, "UMAP", FakeUMAP)
    X, labels = _clusters()
    explorer = ProjectionExplorer(X, labels, method="UMAP", seed=3)
    assert made == [{"n_components": 2, "n_neighbors": 15, "random_state": 3, "n_jobs": 1}]
    explorer.parameter.value = 5
    assert made[-1]["n_neighbors"] == 5 and "UMAP, n_neighbors 5" in explorer.text


# --------------------------------------------------------------------------- random walks


class StubWalker:
    """Follows the random_walks contract on a path-like rule; records every call."""

    def __init__(self):
        self.calls = []

    def __call__(self, G, num_walks, walk_length, p=1.0, q=1.0, seed=None):
        self.calls.append({"num_walks": num_walks, "walk_length": walk_length, "p": p, "q": q, "seed": seed})
        nodes = list(G.nodes)
        walks = []
        for r in range(num_walks):
            for v in nodes:
                walk = [v]
                while len(walk) < walk_length:
                    neighbours = sorted(G[walk[-1]])
                    # Small p: go back whenever possible; otherwise the r-th neighbour.
                    if p < 1 and len(walk) >= 2:
                        walk.append(walk[-2])
                    else:
                        walk.append(neighbours[(r + len(walk)) % len(neighbours)])
                walks.append(walk)
        return walks


def test_walk_sliders_call_the_walker_and_redraw():
    stub = StubWalker()
    G = nx.cycle_graph(8)
    explorer = RandomWalkExplorer(G, walker=stub, num_walks=3, walk_length=5, rounds=4, seed=7)
    assert stub.calls == [{"num_walks": 4, "walk_length": 5, "p": 1.0, "q": 1.0, "seed": 7}]
    assert len(explorer.walks) == 3 and all(len(w) == 5 and w[0] == 0 for w in explorer.walks)
    assert len(explorer.figure.axes[0].lines) == 3, "one line per walk drawn"
    assert "first-order walk (DeepWalk)" in shown_text(explorer)
    before = explorer.text

    explorer.p.value = 0.25
    assert stub.calls[-1]["p"] == 0.25 and explorer.text != before
    assert "p = 0.25, q = 1: second-order walk (node2vec)" in shown_text(explorer)
    assert explorer.stats["returns"] == 1.0, "the stub always goes back when p < 1"

    explorer.num_walks.value = 6  # more walks than rounds: the walker is asked for 6 rounds
    assert stub.calls[-1]["num_walks"] == 6 and len(explorer.figure.axes[0].lines) == 6
    explorer.start.value = 3
    assert all(w[0] == 3 for w in explorer.walks) and "from node 3" in explorer.text
    explorer.q.value = 4.0
    assert stub.calls[-1]["q"] == 4.0


def test_a_walker_that_breaks_the_contract_is_reported():
    explorer = RandomWalkExplorer(nx.path_graph(4), walker=lambda G, **kw: [[0, 1]])
    assert "the random_walks contract asks for num_walks * len(G) = 40" in explorer.text


def test_real_walks_on_the_karate_club():
    explorer = RandomWalkExplorer(num_walks=4, walk_length=12, start=5)
    G = explorer.G
    assert G.number_of_nodes() == 34 and not any("weight" in d for _, _, d in G.edges(data=True))
    for walk in explorer.walks:
        assert walk[0] == 5 and len(walk) == 12
        assert all(G.has_edge(u, v) for u, v in zip(walk, walk[1:])), "consecutive nodes are joined by an edge"
    ax = explorer.figure.axes[0]
    assert len(ax.lines) == 4
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["club: Mr. Hi", "club: Officer", "start: 5"]
    assert legend[3:] == [f"walk {i + 1}: 5 → … → {w[-1]}" for i, w in enumerate(explorer.walks)], \
        "every walk colour has a legend entry"

    explorer.set(p=0.125, q=8)
    local = dict(explorer.stats)
    explorer.set(p=8, q=0.125)
    outward = dict(explorer.stats)
    assert local["returns"] > 0.5 > 0.1 > outward["returns"]
    assert outward["distinct"] > local["distinct"] and outward["hops"] > local["hops"]
    # Seeded: the same settings draw the same walks.
    assert RandomWalkExplorer(num_walks=4, walk_length=12, start=5).walks == \
        RandomWalkExplorer(num_walks=4, walk_length=12, start=5).walks


@pytest.mark.parametrize("kwargs, message", [
    ({"p": 0}, "p must be a number between 0.125 and 8"),
    ({"q": 9}, "q must be a number between 0.125 and 8"),
    ({"walk_length": 1}, "walk_length must be an integer between 2 and 40"),
    ({"num_walks": 11}, "num_walks must be an integer between 1 and 10"),
    ({"start": "x"}, "start must be a node of G"),
    ({"G": nx.Graph()}, "at least 2 nodes"),
    ({"walker": "fast"}, "walker must be a function"),
])
def test_walk_explorer_validates_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RandomWalkExplorer(**{"walker": StubWalker(), **kwargs})


def test_walk_explorer_colours_factions_as_the_lesson_does_and_keeps_walks_apart():
    """Mr. Hi blue and Officer orange, as in scatter_2d and lesson 07's figures; walks in other colours."""
    from matplotlib.colors import to_hex

    explorer = RandomWalkExplorer(num_walks=3, walk_length=8, start=0)
    ax = explorer.figure.axes[0]
    factions = {c.get_label(): to_hex(c.get_facecolor()[0]) for c in ax.collections if c.get_label().startswith("club")}
    assert factions == {"club: Mr. Hi": to_hex("C0"), "club: Officer": to_hex("C1")}
    walk_colours = [to_hex(line.get_color()) for line in ax.lines]
    assert len(set(walk_colours)) == 3 and not set(walk_colours) & set(factions.values())
    labels = [t for t in ax.texts if t.get_text().isdigit()]
    assert len(labels) == 34 and min(t.get_fontsize() for t in labels) >= 8, "readable node numbers"
