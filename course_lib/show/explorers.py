"""Interactive explorers for the lessons, built on ipywidgets, with a static fallback.

Four explorers, each an ``ipywidgets.VBox`` of controls, a status line and an ``Output``:

* :class:`NeighbourExplorer`: type a word or pick an item, see its nearest neighbours
  under a chosen embedding and metric (lesson 01, and any lesson with vectors);
* :class:`AnalogyExplorer`: "*a* is to *b* as *c* is to ?" (``b - a + c``) with 3CosAdd or 3CosMul (lesson 04);
* :class:`ProjectionExplorer`: PCA, t-SNE or UMAP with its key parameter on a slider, the
  map coloured by a known label (lesson 08);
* :class:`RandomWalkExplorer`: node2vec's p and q on sliders, walks drawn on the karate
  club graph (lesson 07).

Every explorer is driven the same way, by a learner or by a test: set a control's
``value`` (``explorer.metric.value = "euclidean"``) or call ``explorer.set(metric=...)``;
the result is recomputed at once. ``explorer.text`` holds the result as text,
``explorer.figure`` the matplotlib figure drawn (or None), and ``explorer.output.outputs``
exactly what the ``Output`` shows.

Where widgets cannot render (GitHub's notebook view, nbconvert without widget state, a
terminal), the display falls back to the current result as text and HTML: an explorer's
display bundle carries ``text/plain`` and ``text/html`` next to the widget view. These
two are also what nbval compares in a stored notebook; the widget view itself holds a
random model id, which nbval skips.
"""
from __future__ import annotations

import base64
import html
import io
import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as widgets
import numpy as np

from course_lib._utils import (
    as_labels,
    as_matrix,
    check_choice,
    check_int,
    check_names,
    is_integer,
    unknown_word,
    zero_vector_error,
)
from course_lib.show.plots import scatter_2d, show_images
from course_lib.use.benchmarks import ANALOGY_METHODS, COSMUL_EPS, AnalogyCalculator, analogy_method
from course_lib.use.projection import project
from course_lib.use.search import METRICS, top_k

__all__ = [
    "PROJECTIONS",
    "AnalogyExplorer",
    "NeighbourExplorer",
    "Projection",
    "ProjectionExplorer",
    "RandomWalkExplorer",
]

#: At most this many names go into a text box's drop-down list: a browser's list of
#: suggestions becomes slow with tens of thousands, and any name can still be typed.
MAX_SUGGESTIONS = 2000

#: Under the static view: how to get the controls, and what to do without them.
_FALLBACK_NOTE = (
    "A static view of these settings. Run the cell (JupyterLab, Jupyter Notebook, VS Code, "
    "Colab) for sliders and buttons; where they cannot show, change a setting in code: {code}"
)


# --------------------------------------------------------------------------------------
# Shared machinery
# --------------------------------------------------------------------------------------


def _png(figure) -> str:
    """A matplotlib figure as base64 PNG text (what an ``image/png`` output holds)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _new_figure(width: float, height: float):
    # A bare Figure, not pyplot: nothing is registered with pyplot, so the inline backend
    # never shows it a second time below the cell, and nothing has to be closed.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=80)


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


class _Explorer(widgets.VBox):
    """Controls, a status line and an Output; subclasses say what to compute and draw.

    Subclasses set ``_controls`` (name -> widget, in display order), then call
    :meth:`_start`, and implement :meth:`_compute`, which returns the result's text and a
    figure or None, or raises ValueError with a message for the learner.
    """

    title = "explorer"
    _example = 'k=10'

    def _start(self, controls: Mapping[str, widgets.Widget]) -> None:
        self._controls = dict(controls)
        self._hold = False
        self._text = ""
        self._figure = None
        self.status = widgets.HTML(value="")
        self.output = widgets.Output(layout=widgets.Layout(min_height="60px"))
        super().__init__(children=[*self._controls.values(), self.status, self.output])
        for control in self._controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    # -- driving ----------------------------------------------------------------------

    def _on_change(self, change: dict) -> None:
        if not self._hold:
            self.update()

    def set(self, **values: Any) -> "_Explorer":
        """Set several controls at once, recompute once, and return the explorer.

        Where the widgets cannot be shown, this is how to change the settings:
        a cell ending in ``explorer.set(...)`` displays the new result.

        Parameters
        ----------
        **values
            Control name -> new value; the names are those of :attr:`controls`.

        Returns
        -------
        The explorer itself, so that it is displayed again.

        Examples
        --------
        >>> import numpy as np
        >>> explorer = NeighbourExplorer(np.eye(4) + 0.1, k=2)
        >>> explorer.set(metric="euclidean", k=1).metric.value
        'euclidean'
        """
        unknown = sorted(set(values) - set(self._controls))
        if unknown:
            raise ValueError(
                f"set() got unknown setting(s) {', '.join(unknown)}; "
                f"the settings are {', '.join(self._controls)}"
            )
        self._hold = True
        try:
            # In display order: a method is chosen before its parameter is checked.
            for name in sorted(values, key=list(self._controls).index):
                self._assign(name, values[name])
        finally:
            self._hold = False
        self.update()
        return self

    def _assign(self, name: str, value: Any) -> None:
        control = self._controls[name]
        if isinstance(control, widgets.Text) and not isinstance(value, str):
            raise ValueError(f"{name} must be a string (a word), got {value!r}")
        options = getattr(control, "options", None)
        if options is not None and not isinstance(control, widgets.Combobox) and value not in options:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
        if isinstance(control, (widgets.IntSlider, widgets.FloatLogSlider, widgets.FloatSlider)):
            low, high = getattr(control, "min"), getattr(control, "max")
            if isinstance(control, widgets.FloatLogSlider):
                low, high = control.base ** low, control.base ** high
            kind = (int, np.integer) if isinstance(control, widgets.IntSlider) else numbers.Real
            if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
                what = "an integer" if isinstance(control, widgets.IntSlider) else "a number"
                raise ValueError(f"{name} must be {what} between {low:g} and {high:g}; got {value!r}")
        control.value = value

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """The controls by name, in display order."""
        return dict(self._controls)

    def settings(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self._controls.items()}

    def update(self) -> None:
        """Recompute from the controls' values and show the result in :attr:`output`."""
        try:
            text, figure = self._compute()
        except ValueError as error:  # a learner's input (an unknown word...): say so
            text, figure = f"{error}", None
        self._show(text, figure)

    def _compute(self):  # pragma: no cover - every subclass implements it
        raise NotImplementedError

    def _show(self, text: str, figure) -> None:
        self._text = text
        self._figure = figure
        outputs = [{"output_type": "stream", "name": "stdout", "text": text + "\n"}]
        if figure is not None:
            outputs.append({
                "output_type": "display_data",
                "data": {"image/png": _png(figure), "text/plain": f"<figure: {self.title}>"},
                "metadata": {},
            })
        # Setting the trait, not `with output:`, so the same code works without a kernel
        # (tests) and the outputs are replaced in one message.
        self.output.outputs = tuple(outputs)

    # -- reading ----------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The current result as text (what the Output prints)."""
        return self._text

    @property
    def figure(self):
        """The matplotlib Figure of the current result, or None when there is none."""
        return self._figure

    def describe(self) -> str:
        """The current settings in one line, e.g. ``metric: cosine · k: 5``."""
        shown = [name for name, control in self._controls.items() if control.layout.display != "none"]
        return " · ".join(f"{name}: {_format_value(self._controls[name].value)}" for name in shown)

    # -- static fallback ----------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        # A front end's display hook may hand back (data, metadata); keep the metadata.
        if isinstance(bundle, tuple):
            data, metadata = bundle
            return self._with_fallback(dict(data)), metadata
        return self._with_fallback(bundle)

    def _with_fallback(self, bundle: dict) -> dict:
        """Add the static view (text/plain and text/html of the current result) to a bundle."""
        code = f"explorer.set({self._example})"
        bundle["text/plain"] = (f"{self.title} ({self.describe()})\n{self.text}\n"
                                f"[{_FALLBACK_NOTE.format(code=code)}]")
        bundle["text/html"] = (
            '<div class="course-widget-fallback">'
            f"<p><b>{html.escape(self.title)}</b> ({html.escape(self.describe())})</p>"
            f"<pre>{html.escape(self.text)}</pre>"
            f"<p><i>{_FALLBACK_NOTE.format(code=f'<code>{html.escape(code)}</code>')}</i></p></div>"
        )
        return bundle


def _word_box(description: str, value: str, names: Sequence[str]) -> widgets.Combobox:
    # continuous_update=False: recompute on Enter or on leaving the box, not on every
    # keystroke (a half-typed word is not in the vocabulary).
    return widgets.Combobox(
        value=value, options=list(names[:MAX_SUGGESTIONS]), ensure_option=False,
        description=description, continuous_update=False, placeholder="type a word",
    )


# --------------------------------------------------------------------------------------
# Nearest neighbours
# --------------------------------------------------------------------------------------


class NeighbourExplorer(_Explorer):
    """Nearest neighbours of one item, under a chosen embedding, metric and k.

    Parameters
    ----------
    embeddings : array_like of shape (n, d), or mapping of name -> array_like (n, d_i)
        One embedding, or several of the same n items to choose from (a drop-down).
    names : sequence of str, optional
        A unique name per item (the words of a vocabulary). With names, the query is typed
        in a text box that suggests names; without, an item is picked by number on a slider.
    labels : array_like of shape (n,), optional
        A known label per item; the result then says how many neighbours share the
        query's label.
    images : array_like of shape (n, h, w) or (n, h, w, 3), optional
        An image per item: the query and its neighbours are drawn below the table.
    query : str or int, optional
        The first query: a name (with ``names``) or an item number. Default: the first item.
    metric : {"cosine", "dot", "euclidean"}
        As in :func:`course_lib.use.search.top_k`; cosine and dot rank by similarity (largest
        first), euclidean by distance (smallest first).
    k : int, optional
        Neighbours shown, 1 <= k <= max_k; default 5 (or max_k when smaller).
    max_k : int, optional
        The k slider's maximum, at most n - 1; default 20 (or n - 1 when smaller).
    label_names : sequence or mapping, optional
        Text for each label (``label_names[label]``), for example class names.
    item_name : str, optional
        What an item is called in the text ("digit", "node"); default "word" with names,
        else "item".

    Attributes
    ----------
    query, embedding, metric, k : ipywidgets controls
        Set ``.value`` to change the result.
    neighbours : list of (int, str, float)
        The current neighbours: item number, name, score.

    Examples
    --------
    >>> import numpy as np
    >>> vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> explorer = NeighbourExplorer(vectors, names=["cat", "kitten", "car", "truck"], query="cat", k=2)
    >>> [name for _, name, _ in explorer.neighbours]
    ['kitten', 'truck']
    >>> explorer.query.value = "car"
    >>> [name for _, name, _ in explorer.neighbours]
    ['truck', 'kitten']
    """

    title = "Nearest-neighbour explorer"
    _example = 'metric="euclidean", k=10'

    def __init__(
        self,
        embeddings: Any,
        names: Sequence[str] | None = None,
        labels: Any = None,
        images: Any = None,
        query: str | int | None = None,
        metric: str = "cosine",
        k: int | None = None,
        max_k: int | None = None,
        label_names: Sequence[str] | Mapping[Any, str] | None = None,
        item_name: str | None = None,
    ) -> None:
        if isinstance(embeddings, Mapping):
            if not embeddings:
                raise ValueError("embeddings must hold at least one embedding, got an empty mapping")
            self._embeddings = {str(key): as_matrix(value, f"embeddings[{key!r}]", min_rows=2)
                                for key, value in embeddings.items()}
        else:
            self._embeddings = {"embedding": as_matrix(embeddings, "embeddings", min_rows=2)}
        sizes = {len(matrix) for matrix in self._embeddings.values()}
        if len(sizes) != 1:
            raise ValueError(f"every embedding must have the same number of rows (items), got {sorted(sizes)}")
        self.n = sizes.pop()
        self.names = check_names(names, self.n) if names is not None else None
        self._index = {name: i for i, name in enumerate(self.names)} if self.names else {}
        self.labels = None if labels is None else as_labels(labels, n=self.n)
        self.label_names = label_names
        if item_name is not None and (not isinstance(item_name, str) or not item_name.strip()):
            raise ValueError(f"item_name must be a non-empty string such as 'digit', got {item_name!r}")
        self.item_name = item_name or ("word" if self.names is not None else "item")
        self.images = None if images is None else np.asarray(images, dtype=np.float64)
        if self.images is not None and (len(self.images) != self.n or self.images.ndim not in (3, 4)):
            raise ValueError(
                f"images must have shape ({self.n}, height, width) or ({self.n}, height, width, 3), "
                f"got shape {self.images.shape}"
            )
        check_choice(metric, "metric", METRICS)
        max_k = min(20, self.n - 1) if max_k is None else check_int(max_k, "max_k", 1, self.n - 1)
        k = min(5, max_k) if k is None else check_int(k, "k", 1, max_k)

        if self.names is not None:
            if query is None:
                query = self.names[0]
            if query not in self._index:
                raise ValueError(f"query must be one of the names, got {query!r}")
            self.query = _word_box("query", str(query), self.names)
        else:
            query = check_int(0 if query is None else query, "query", 0, self.n - 1)
            # Wide enough that one pixel of the slider is a few items, not dozens.
            self.query = widgets.IntSlider(value=query, min=0, max=self.n - 1, description=self.item_name,
                                           continuous_update=False, layout=widgets.Layout(width="520px"))
        self.embedding = widgets.Dropdown(options=list(self._embeddings), description="embedding")
        # One embedding: nothing to choose, so the control is not shown.
        self.embedding.layout.display = None if len(self._embeddings) > 1 else "none"
        self.metric = widgets.ToggleButtons(options=list(METRICS), value=metric, description="metric")
        self.k = widgets.IntSlider(value=k, min=1, max=max_k, description="k", continuous_update=False)
        self.neighbours: list[tuple[int, str, float]] = []
        self._start({"query": self.query, "embedding": self.embedding, "metric": self.metric, "k": self.k})

    def _item_index(self) -> int:
        if self.names is None:
            return int(self.query.value)
        word = self.query.value.strip()
        if word not in self._index:
            raise unknown_word(word, self._index, "query")
        return self._index[word]

    def _name(self, i: int) -> str:
        return self.names[i] if self.names is not None else str(i)

    def _label(self, i: int) -> str:
        label = self.labels[i]
        if self.label_names is None:
            return str(label)
        return str(self.label_names[label.item() if hasattr(label, "item") else label])

    def _compute(self):
        i = self._item_index()
        corpus = self._embeddings[self.embedding.value]
        metric, k = self.metric.value, int(self.k.value)
        if metric == "cosine" and not np.any(corpus[i]):
            raise zero_vector_error(f"the vector of {self.item_name} {self._name(i)!r}",
                                    "pick another, or the metric 'dot' or 'euclidean'")
        # One more than asked: the query itself is (almost always) its own best match.
        found, scores = top_k(corpus[i], corpus, k=min(k + 1, self.n), metric=metric)
        keep = found != i
        self.neighbours = [(int(j), self._name(j), float(s)) for j, s in zip(found[keep][:k], scores[keep][:k])]

        what = {"cosine": "cosine similarity, higher is closer", "dot": "dot product, higher is closer",
                "euclidean": "Euclidean distance, lower is closer"}[metric]
        score_name = {"cosine": "cosine", "dot": "dot", "euclidean": "distance"}[metric]
        query_text = f"{self.item_name} {self._name(i)}"
        if self.labels is not None:
            query_text += f" (label {self._label(i)})"
        where = f", embedding {self.embedding.value!r}" if len(self._embeddings) > 1 else ""
        lines = [f"{k} nearest neighbours of {query_text}{where}, {what}"]
        width = max(4, *(len(name) for _, name, _ in self.neighbours))
        width = max(width, len(self.item_name))
        header = f"{'rank':>4}  {self.item_name:>{width}}"
        if self.labels is not None:
            header += f"  {'label':>8}"
        lines.append(header + f"  {score_name:>9}")
        for rank, (j, name, score) in enumerate(self.neighbours, 1):
            row = f"{rank:>4}  {name:>{width}}"
            if self.labels is not None:
                row += f"  {self._label(j):>8}"
            lines.append(row + f"  {score:>9.3f}")
        if self.labels is not None:
            same = sum(self.labels[j] == self.labels[i] for j, _, _ in self.neighbours)
            lines.append(f"{same} of {k} neighbours share the query's label")
        return "\n".join(lines), self._draw(i) if self.images is not None else None

    def _draw(self, i: int):
        items = [i] + [j for j, _, _ in self.neighbours]
        ncols = min(len(items), 11)
        nrows = math.ceil(len(items) / ncols)
        titles = ["query" if slot == 0 else f"#{slot}" for slot in range(len(items))]
        if self.labels is not None:
            titles = [f"{title}: {self._label(j)}" for title, j in zip(titles, items)]
        figure = show_images(self.images[items], titles=titles, ncols=ncols,
                             figure=_new_figure(1.2 * ncols, 1.45 * nrows + 0.3))
        figure.suptitle(f"{self.item_name} {self._name(i)} and its {len(items) - 1} nearest neighbours "
                        f"({self.metric.value})", fontsize=9)
        return figure


# --------------------------------------------------------------------------------------
# Analogies
# --------------------------------------------------------------------------------------


class AnalogyExplorer(_Explorer):
    """The analogy calculator: "*a* is to *b* as *c* is to ?", answered by ``b - a + c``.

    The boxes follow lesson 04's convention: a = "man", b = "king", c = "woman" asks
    "man is to king as woman is to ?", the words closest to king - man + woman.

    Parameters
    ----------
    vectors : array_like of shape (n, d), or gensim KeyedVectors
        One vector per word.
    words : sequence of str, optional
        The word of each row; leave out for KeyedVectors.
    a, b, c : str
        The first analogy shown, "a is to b as c is to ?" (default "man", "king", "woman"
        when all three are known, else the first three words).
    method : {"3CosAdd", "3CosMul"}
        See :func:`course_lib.use.benchmarks.analogy`, which computes the answers
        (it names the same question ``king - man + woman``: its a, b, c are our b, a, c).
    k : int
        Answers shown, 1 <= k <= 20.
    eps : float
        3CosMul's guard against division by zero.

    Attributes
    ----------
    a, b, c, method, k : ipywidgets controls
    calculator : course_lib.use.benchmarks.AnalogyCalculator
        What computes the answers.
    answers : list of (str, float)
        The current answers, best first.

    Examples
    --------
    >>> import numpy as np
    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [0.5, -1, -1]], dtype=float)
    >>> calculator = AnalogyExplorer(vectors, words, k=1)  # man : king :: woman : ?
    >>> calculator.answers[0][0]
    'queen'
    >>> calculator.set(a="woman", b="queen", c="man").answers[0][0]  # woman : queen :: man : ?
    'king'
    """

    title = "Analogy calculator"
    _example = 'a="france", b="paris", c="italy"'

    def __init__(
        self,
        vectors: Any,
        words: Sequence[str] | None = None,
        a: str | None = None,
        b: str | None = None,
        c: str | None = None,
        method: str = "3CosAdd",
        k: int = 5,
        eps: float = COSMUL_EPS,
    ) -> None:
        method = analogy_method(method)
        self.calculator = AnalogyCalculator(vectors, words, eps)
        self.words, self.eps = self.calculator.words, self.calculator.eps
        if len(self.words) < 4:
            raise ValueError(f"vectors must hold at least 4 words (a, b, c and an answer), got {len(self.words)}")
        index = self.calculator.index
        defaults = ("man", "king", "woman") if {"king", "man", "woman"} <= set(index) else self.words[:3]
        a, b, c = (x if x is not None else d for x, d in zip((a, b, c), defaults))
        for name, word in (("a", a), ("b", b), ("c", c)):
            self.calculator.row(word, name)
        k = check_int(k, "k", 1, min(20, len(self.words) - 3))
        self.a = _word_box("a", a, self.words)
        self.b = _word_box("is to b", b, self.words)
        self.c = _word_box("as c is to ?", c, self.words)
        self.method = widgets.ToggleButtons(options=list(ANALOGY_METHODS), value=method, description="method")
        self.k = widgets.IntSlider(value=k, min=1, max=min(20, len(self.words) - 3), description="answers",
                                   continuous_update=False)
        self.answers: list[tuple[str, float]] = []
        self._start({"a": self.a, "b": self.b, "c": self.c, "method": self.method, "k": self.k})

    def _compute(self):
        a, b, c = (box.value.strip() for box in (self.a, self.b, self.c))
        method, k = self.method.value, int(self.k.value)
        # "a is to b as c is to ?" is b - a + c: the calculator's (positive, negative, positive).
        self.answers = self.calculator.solve(b, a, c, method, k)
        formula = (f"cos(x, {b}) - cos(x, {a}) + cos(x, {c})" if method == "3CosAdd" else
                   f"cos'(x, {b}) * cos'(x, {c}) / (cos'(x, {a}) + {self.eps:g}), cos' = (cos + 1) / 2")
        width = max(4, *(len(w) for w, _ in self.answers))
        lines = [f"{a} : {b} :: {c} : ?   ({b} - {a} + {c})",
                 f"{method}: score = {formula}; {a}, {b}, {c} left out",
                 f"{'rank':>4}  {'word':<{width}}  {'score':>7}"]
        lines += [f"{rank:>4}  {word:<{width}}  {score:>7.3f}" for rank, (word, score) in enumerate(self.answers, 1)]
        return "\n".join(lines), None


# --------------------------------------------------------------------------------------
# Projections
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """A 2-D projection method for :class:`ProjectionExplorer`.

    Parameters
    ----------
    parameter : str or None
        The name of the key parameter on the slider (None: no slider).
    low, high, default : int
        The slider's range and start (``high`` is capped at n - 1 for n points).
    run : callable
        ``run(X, value, seed) -> array (n, 2)``; ``value`` is the slider's value (None
        without a parameter).
    slow : bool
        Whether the explorer shows "computing..." while it runs.
    """

    parameter: str | None
    low: int
    high: int
    default: int
    run: Callable[[np.ndarray, int | None, int], np.ndarray]
    slow: bool = True


def _pca(X: np.ndarray, value: int | None, seed: int) -> np.ndarray:
    return project(X, "PCA", seed=seed)


def _tsne(X: np.ndarray, value: int | None, seed: int) -> np.ndarray:
    return project(X, "t-SNE", seed=seed, perplexity=value)


def _umap(X: np.ndarray, value: int | None, seed: int) -> np.ndarray:
    return project(X, "UMAP", seed=seed, n_neighbors=value)


#: The methods of :class:`ProjectionExplorer`: PCA (exact, no parameter), t-SNE with its
#: perplexity, UMAP with its n_neighbors.
PROJECTIONS: Mapping[str, Projection] = {
    "PCA": Projection(None, 0, 0, 0, _pca, slow=False),
    "t-SNE": Projection("perplexity", 2, 100, 30, _tsne),
    "UMAP": Projection("n_neighbors", 2, 100, 15, _umap),
}


class ProjectionExplorer(_Explorer):
    """A 2-D map of embeddings by PCA, t-SNE or UMAP, its key parameter on a slider.

    The map is coloured by a known label; the text gives the trustworthiness of the map
    (:func:`sklearn.manifold.trustworthiness`, 5 neighbours: 1.0 when every point's map
    neighbours are also its neighbours in the embedding). Maps are cached, so going back
    to a setting is instant. Slow methods show "computing..." in the status line while
    they run, and the controls are disabled meanwhile.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The embeddings (n >= 12). t-SNE and UMAP take seconds for a few hundred points and
        tens of seconds for a few thousand: pass a sample.
    labels : array_like of shape (n,)
        A known label per point (the colours).
    method : str
        The first method shown, a key of ``methods``.
    label_names : sequence or mapping, optional
        Legend text for each label, as in :func:`course_lib.show.plots.scatter_2d`.
    annotations : sequence of str, optional
        A text written next to each point (words of a small word map).
    seed : int
        Seed of t-SNE and UMAP: the same seed draws the same map.
    methods : mapping of str -> Projection, optional
        The methods offered; default :data:`PROJECTIONS`.

    Attributes
    ----------
    method, parameter : ipywidgets controls
    status : ipywidgets.HTML
        "computing ..." while a slow method runs, then what is shown.
    coordinates : numpy.ndarray
        The current map, shape (n, 2).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(40, 5))
    >>> explorer = ProjectionExplorer(X, labels=np.arange(40) % 2)
    >>> explorer.coordinates.shape
    (40, 2)
    >>> explorer.parameter.disabled  # PCA has no parameter
    True
    """

    title = "Projection explorer"
    _example = 'method="t-SNE", parameter=30'

    def __init__(
        self,
        X: Any,
        labels: Any,
        method: str = "PCA",
        label_names: Sequence[str] | Mapping[Any, str] | None = None,
        annotations: Sequence[str] | None = None,
        seed: int = 0,
        methods: Mapping[str, Projection] | None = None,
    ) -> None:
        self.X = as_matrix(X, "X", min_rows=2)
        n = len(self.X)
        if n < 12:
            raise ValueError(f"X must have at least 12 rows for a meaningful map, got {n}")
        self.labels = as_labels(labels, n=n)
        self.label_names = label_names
        self.annotations = None if annotations is None else [str(a) for a in annotations]
        if self.annotations is not None and len(self.annotations) != n:
            raise ValueError(f"annotations must hold one text per point ({n}), got {len(self.annotations)}")
        self.seed = check_int(seed, "seed", 0, 2**32 - 1)
        self.methods = dict(PROJECTIONS if methods is None else methods)
        if not self.methods or not all(isinstance(m, Projection) for m in self.methods.values()):
            raise ValueError("methods must map names to Projection objects, for example PROJECTIONS")
        if method not in self.methods:
            raise ValueError(f"method must be one of {', '.join(self.methods)}; got {method!r}")
        self._cache: dict[tuple[str, int | None], np.ndarray] = {}
        # The slider remembers each method's last value, so switching back restores it.
        self._values = {name: self._clip(m, m.default) for name, m in self.methods.items()}
        self.method = widgets.ToggleButtons(options=list(self.methods), value=method, description="method")
        # continuous_update=False: one computation when the slider is released, not one per
        # pixel dragged (a t-SNE run takes seconds).
        self.parameter = widgets.IntSlider(value=1, min=0, max=1, description="", continuous_update=False,
                                           style={"description_width": "initial"})
        self.coordinates = np.empty((0, 2))
        self._configure_slider(method)
        self.method.observe(self._on_method, names="value")
        self._start({"method": self.method, "parameter": self.parameter})

    def _clip(self, projection: Projection, value: int) -> int:
        high = min(projection.high, len(self.X) - 1)
        return int(min(max(value, projection.low), high))

    def _configure_slider(self, method: str) -> None:
        projection = self.methods[method]
        if projection.parameter is None:
            self.parameter.description = "(no parameter)"
            self.parameter.disabled = True
            return
        high = min(projection.high, len(self.X) - 1)
        # Order matters: widen the range first so that the value is never outside it.
        self.parameter.max = max(high, self.parameter.max)
        self.parameter.min = projection.low
        self.parameter.value = self._values[method]
        self.parameter.max = high
        self.parameter.description = projection.parameter
        self.parameter.disabled = False

    def _on_method(self, change: dict) -> None:
        # Runs before the generic _on_change (registered first): reconfigure the slider
        # without triggering a computation for the old method's value.
        hold, self._hold = self._hold, True
        try:
            self._configure_slider(change["new"])
        finally:
            self._hold = hold

    def _assign(self, name: str, value: Any) -> None:
        if name == "method":
            super()._assign(name, value)
            return
        projection = self.methods[self.method.value]
        if projection.parameter is None:
            raise ValueError(f"{self.method.value} has no parameter to set")
        low, high = projection.low, min(projection.high, len(self.X) - 1)
        if not is_integer(value) or not low <= value <= high:
            raise ValueError(f"parameter ({projection.parameter}) must be an integer between {low} and {high}; "
                             f"got {value!r}")
        self.parameter.value = int(value)

    def _current(self) -> tuple[str, int | None]:
        method = self.method.value
        if self.methods[method].parameter is None:
            return method, None
        self._values[method] = int(self.parameter.value)
        return method, int(self.parameter.value)

    def _setting(self, method: str, value: int | None) -> str:
        parameter = self.methods[method].parameter
        return method if parameter is None else f"{method}, {parameter} {value}"

    def _compute(self):
        from sklearn.manifold import trustworthiness

        method, value = self._current()
        key = (method, value)
        if key not in self._cache:
            projection = self.methods[method]
            if projection.slow:
                self.status.value = f"<b>computing {html.escape(self._setting(method, value))}...</b>"
            controls = list(self._controls.values()) if hasattr(self, "_controls") else []
            was = [c.disabled for c in controls]
            for c in controls:
                c.disabled = True
            try:
                coordinates = np.asarray(projection.run(self.X, value, self.seed), dtype=np.float64)
            finally:
                for c, d in zip(controls, was):
                    c.disabled = d
            if coordinates.shape != (len(self.X), 2):
                raise ValueError(f"{method} returned shape {coordinates.shape}, expected ({len(self.X)}, 2)")
            self._cache[key] = coordinates
        self.coordinates = self._cache[key]
        neighbours = min(5, len(self.X) // 2 - 1)
        trust = trustworthiness(self.X, self.coordinates, n_neighbors=neighbours)
        self.status.value = html.escape(f"{self._setting(method, value)}: ready")
        text = (f"{self._setting(method, value)}: {len(self.X)} points, "
                f"{len(np.unique(self.labels))} labels\n"
                f"trustworthiness ({neighbours} neighbours): {trust:.2f}")
        return text, self._draw(method, value)

    def _draw(self, method: str, value: int | None):
        figure = _new_figure(6.4, 4.4)
        ax = figure.add_subplot(1, 1, 1)
        scatter_2d(self.coordinates, self.labels, f"{self._setting(method, value)}", ax=ax,
                   label_names=self.label_names, annotations=self.annotations,
                   xlabel=f"{method} 1", ylabel=f"{method} 2")
        return figure


# --------------------------------------------------------------------------------------
# Random walks
# --------------------------------------------------------------------------------------


# Nodes take matplotlib's first colours in the sorted order of their labels, as
# course_lib.show.plots.scatter_2d and lesson 07's figures colour them (the karate club: Mr. Hi
# blue, Officer orange). Walks take dark colours that no node group uses.
_NODE_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive",
                 "tab:cyan")
_WALK_COLOURS = ("tab:red", "black", "darkgreen", "darkviolet", "saddlebrown", "deeppink", "darkcyan",
                 "olive", "navy", "dimgray")


def _colormap(name: str):
    """A matplotlib colormap by name (without importing pyplot)."""
    import matplotlib

    return matplotlib.colormaps[name]


def _karate():
    import networkx as nx

    G = nx.karate_club_graph()
    # networkx's copy carries Zachary's interaction counts as edge weights; dropped, so that
    # at p = q = 1 every neighbour is equally likely (the walk the lesson describes).
    for _, _, data in G.edges(data=True):
        data.pop("weight", None)
    return G


class RandomWalkExplorer(_Explorer):
    """node2vec walks on a small graph: p and q on sliders, the walks drawn on the graph.

    The text lists the walks drawn and, over many walks (``rounds`` from every node), how
    often a step returns to the node before (small p: often, a local, breadth-first-like
    walk) and how far the walks get (small q: far, a depth-first-like walk).

    Parameters
    ----------
    G : networkx.Graph, optional
        The graph; default Zachary's karate club without edge weights. Nodes are coloured
        by the node attribute ``label_attribute`` when every node has it.
    p, q : float
        node2vec's return and in-out parameters, between 1/8 and 8 (log-scale sliders).
    walk_length : int
        Nodes per walk, 2 to 40.
    num_walks : int
        Walks drawn from the start node, 1 to 10.
    start : node, optional
        Where the drawn walks start; default the first node.
    seed : int
        The walks' seed: the same settings draw the same walks.
    rounds : int
        Walks per node for the statistics.
    walker : callable, optional
        ``walker(G, num_walks, walk_length, p, q, seed) -> list of walks``, with the
        contract of :func:`course_lib.embed.graphs.random_walks` (the default): walk
        ``r * len(G) + i`` of the list starts at the i-th node of ``G``.
    label_attribute : str
        The node attribute that colours the nodes ("club" for the karate club).

    Attributes
    ----------
    p, q, walk_length, num_walks, start : ipywidgets controls
    walks : list of list
        The walks drawn.
    stats : dict
        ``returns`` (fraction of steps back to the node before), ``distinct`` (distinct
        nodes per walk) and, for connected graphs, ``hops`` (mean shortest-path hops from
        the start node to the last node).

    Examples
    --------
    >>> explorer = RandomWalkExplorer(p=0.25, q=4, num_walks=2, walk_length=5)  # doctest: +SKIP
    >>> len(explorer.walks), len(explorer.figure.axes[0].lines)  # doctest: +SKIP
    (2, 2)
    """

    title = "Random-walk explorer"
    _example = "p=0.25, q=4"

    def __init__(
        self,
        G: Any = None,
        p: float = 1.0,
        q: float = 1.0,
        walk_length: int = 10,
        num_walks: int = 3,
        start: Any = None,
        seed: int = 0,
        rounds: int = 10,
        walker: Callable[..., list] | None = None,
        label_attribute: str = "club",
    ) -> None:
        import networkx as nx

        self.G = _karate() if G is None else G
        if not isinstance(self.G, nx.Graph) or self.G.number_of_nodes() < 2:
            raise ValueError("G must be a networkx graph with at least 2 nodes")
        self.nodes = list(self.G.nodes)
        self._position = {v: i for i, v in enumerate(self.nodes)}
        for name, value in (("p", p), ("q", q)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.125 <= value <= 8:
                raise ValueError(f"{name} must be a number between 0.125 and 8, got {value!r}")
        walk_length = check_int(walk_length, "walk_length", 2, 40)
        num_walks = check_int(num_walks, "num_walks", 1, 10)
        self.seed = check_int(seed, "seed", 0, 2**32 - 1)
        self.rounds = check_int(rounds, "rounds", 1, 1000)
        if start is None:
            start = self.nodes[0]
        if start not in self._position:
            raise ValueError(f"start must be a node of G, got {start!r}")
        if walker is None:
            from course_lib.embed.graphs import random_walks as walker
        if not callable(walker):
            raise ValueError(f"walker must be a function like course_lib.embed.graphs.random_walks, got {walker!r}")
        self.walker = walker
        self.label_attribute = label_attribute
        # A fixed layout (Kamada-Kawai: deterministic, nodes evenly spread) so that only the walks
        # move when a slider moves.
        self._layout = nx.kamada_kawai_layout(self.G)
        self._hops = dict(nx.all_pairs_shortest_path_length(self.G)) if (
            len(self.nodes) <= 2000 and not self.G.is_directed() and nx.is_connected(self.G)) else None

        def bias(description: str, value: float) -> widgets.FloatLogSlider:
            return widgets.FloatLogSlider(value=value, base=2, min=-3, max=3, step=0.5, description=description,
                                          continuous_update=False, readout_format=".3g")

        self.p = bias("p (return)", p)
        self.q = bias("q (in-out)", q)
        self.walk_length = widgets.IntSlider(value=walk_length, min=2, max=40, description="walk length",
                                             continuous_update=False, style={"description_width": "initial"})
        self.num_walks = widgets.IntSlider(value=num_walks, min=1, max=10, description="walks",
                                           continuous_update=False)
        self.start = widgets.Dropdown(options=self.nodes, value=start, description="start node")
        self.walks: list[list] = []
        self.stats: dict[str, float] = {}
        self._start({"p": self.p, "q": self.q, "walk_length": self.walk_length, "num_walks": self.num_walks,
                     "start": self.start})

    def _compute(self):
        p, q = float(self.p.value), float(self.q.value)
        length, count, start = int(self.walk_length.value), int(self.num_walks.value), self.start.value
        rounds = max(self.rounds, count)
        n = len(self.nodes)
        walks = self.walker(self.G, num_walks=rounds, walk_length=length, p=p, q=q, seed=self.seed)
        if len(walks) != rounds * n or any(walks[r * n][0] != self.nodes[0] for r in range(rounds)):
            raise ValueError(
                f"walker returned {len(walks)} walks; the random_walks contract asks for num_walks * len(G) = "
                f"{rounds * n}, walk r * len(G) + i starting at the i-th node"
            )
        i = self._position[start]
        self.walks = [list(walks[r * n + i]) for r in range(count)]
        returns = steps = 0
        distinct = []
        hops = []
        for walk in walks:
            distinct.append(len(set(walk)))
            for t in range(2, len(walk)):
                steps += 1
                returns += walk[t] == walk[t - 2]
            if self._hops is not None:
                hops.append(self._hops[walk[0]][walk[-1]])
        self.stats = {"returns": returns / steps if steps else 0.0, "distinct": float(np.mean(distinct))}
        if hops:
            self.stats["hops"] = float(np.mean(hops))

        kind = "first-order walk (DeepWalk)" if p == 1 and q == 1 else "second-order walk (node2vec)"
        lines = [f"p = {p:.3g}, q = {q:.3g}: {kind}",
                 f"{count} walk{'s' if count > 1 else ''} of {length} nodes from node {start}:"]
        lines += ["  " + " → ".join(str(v) for v in walk) for walk in self.walks]
        lines.append(f"over {len(walks)} walks ({rounds} from every node):")
        lines.append(f"  steps back to the node before:   {self.stats['returns']:.2f}")
        lines.append(f"  distinct nodes per walk:         {self.stats['distinct']:.1f}")
        if "hops" in self.stats:
            lines.append(f"  hops from the start at the end:  {self.stats['hops']:.2f}")
        return "\n".join(lines), self._draw(start, p, q)

    def _draw(self, start: Any, p: float, q: float):
        from matplotlib.collections import LineCollection

        figure = _new_figure(9.0, 6.0)
        ax = figure.add_axes((0.01, 0.02, 0.72, 0.9))  # the right quarter holds the legend
        xy = np.array([self._layout[v] for v in self.nodes])
        edges = [(self._layout[u], self._layout[v]) for u, v in self.G.edges()]
        ax.add_collection(LineCollection(edges, colors="0.85", linewidths=0.8, zorder=1))
        values = [self.G.nodes[v].get(self.label_attribute) for v in self.nodes]
        node_style = {"s": 240, "edgecolors": "white", "linewidths": 0.8, "zorder": 2}
        if all(value is not None for value in values):
            groups = sorted(set(map(str, values)))
            for g, group in enumerate(groups):
                mask = np.array([str(value) == group for value in values])
                ax.scatter(xy[mask, 0], xy[mask, 1], color=_NODE_COLOURS[g % len(_NODE_COLOURS)],
                           label=f"{self.label_attribute}: {group}", **node_style)
        else:
            ax.scatter(xy[:, 0], xy[:, 1], color="0.7", **node_style)
        for v, (x, y) in zip(self.nodes, xy):  # white, bold numbers inside the nodes stay readable on both colours
            ax.annotate(str(v), (x, y), ha="center", va="center", fontsize=8, fontweight="bold", color="white",
                        zorder=5)
        ax.scatter(*self._layout[start], s=560, facecolors="none", edgecolors="black", linewidths=2, zorder=3,
                   label=f"start: {start}")
        # Each walk a little offset, so walks along the same edges stay visible side by side.
        for w, walk in enumerate(self.walks):
            path = np.array([self._layout[v] for v in walk]) + 0.012 * (w - (len(self.walks) - 1) / 2)
            ax.plot(path[:, 0], path[:, 1], "-", color=_WALK_COLOURS[w % len(_WALK_COLOURS)], linewidth=2.2,
                    alpha=0.85, zorder=4, label=f"walk {w + 1}: {walk[0]} → … → {walk[-1]}")
        ax.set_title(f"{len(self.walks)} walk(s) from node {start}, p = {p:.3g}, q = {q:.3g}")
        ax.set_axis_off()
        ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0), markerscale=0.6, labelspacing=0.9)
        return figure
