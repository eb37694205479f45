"""The capstone's projects (lesson 13): datasets to choose from, and a baseline for each.

A learner sets ``DATASET`` to one of :data:`DATASETS` and walks through embed, look,
cluster, classify, search and report (the checks of each step are in
``course_lib.exercises.lesson13``)::

    project = load_project("digits")
    X = answer_or(embeddings, baseline_embedding(project))   # the learner's, or a fallback

``course_lib.exercises.answer_or`` keeps later steps running while an earlier answer is
still ``____``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DATASETS", "Project", "baseline_embedding", "describe_item", "load_project", "majority_baseline",
           "show_results"]

#: The datasets a capstone can use.
DATASETS = ("newsgroups", "digits", "sbm", "karate")


@dataclass
class Project:
    """One capstone dataset.

    Attributes
    ----------
    name : str
        One of :data:`DATASETS`.
    kind : str
        ``"text"``, ``"images"`` or ``"graph"``.
    items : list of str, ndarray of images (n, 8, 8), or networkx.Graph
        What gets embedded.
    labels : ndarray of int, shape (n,)
        A known class per item (used to evaluate, never to embed).
    label_names : list of str
        Name of each class.
    description : str
        One paragraph about the data.
    """

    name: str
    kind: str
    items: Any
    labels: np.ndarray
    label_names: list[str]
    description: str

    @property
    def n_items(self) -> int:
        return len(self.labels)

    @property
    def n_classes(self) -> int:
        return len(np.unique(self.labels))


def load_project(name: str) -> Project:
    """The capstone dataset ``name``: ``"newsgroups"``, ``"digits"``, ``"sbm"`` or ``"karate"``.

    Examples
    --------
    >>> project = load_project("karate")
    >>> project.kind, project.n_items, project.n_classes
    ('graph', 34, 2)
    """
    import networkx as nx

    if name not in DATASETS:
        raise ValueError(f"DATASET must be one of {', '.join(repr(d) for d in DATASETS)}, got {name!r}")
    if name == "newsgroups":
        from course_lib.data import load_newsgroups_mini

        texts, labels, names = load_newsgroups_mini()
        return Project(name, "text", texts, labels, list(names),
                       "200 posts from two newsgroups (alt.atheism, sci.space), 100 each, headers removed.")
    if name == "digits":
        from course_lib.data import load_digits

        images, labels = load_digits()
        return Project(name, "images", images, labels, [str(d) for d in range(10)],
                       "1,797 handwritten digits of 8x8 pixels (scikit-learn), about 180 of each digit 0-9.")
    if name == "sbm":
        sizes = [50, 50, 50]
        probs = [[0.20, 0.02, 0.02], [0.02, 0.20, 0.02], [0.02, 0.02, 0.20]]
        G = nx.stochastic_block_model(sizes, probs, seed=0)
        labels = np.array([G.nodes[v]["block"] for v in G.nodes], dtype=np.int64)
        return Project(name, "graph", G, labels, ["block 0", "block 1", "block 2"],
                       "A stochastic block model: 150 nodes in 3 planted communities of 50; an edge inside a "
                       "community has probability 0.20, between communities 0.02.")
    G = nx.karate_club_graph()
    labels = np.array([0 if G.nodes[v]["club"] == "Mr. Hi" else 1 for v in G.nodes], dtype=np.int64)
    return Project(name, "graph", G, labels, ["Mr. Hi", "Officer"],
                   "Zachary's karate club: 34 members, 78 friendships; the club split in two (Mr. Hi's "
                   "and the officer's factions).")


def baseline_embedding(project: Project) -> np.ndarray:
    """A quick embedding of any project, for comparison and as a fallback.

    Text: TF-IDF then truncated SVD to 50 dimensions (LSA); a text without any word of the
    vocabulary gets the mean vector. Images: PCA of the pixels to 30
    dimensions. Graphs: the spectral embedding (Laplacian eigenmaps) in 8 dimensions (4 for
    the karate club).

    Examples
    --------
    >>> baseline_embedding(load_project("karate")).shape
    (34, 4)
    """
    if project.kind == "text":
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        tfidf = TfidfVectorizer(min_df=2, stop_words="english", sublinear_tf=True).fit_transform(project.items)
        vectors = TruncatedSVD(n_components=50, random_state=0).fit_transform(tfidf)
        # A post without any known word (one says only "exit") would be an all-zero row,
        # which has no cosine similarity: give it the mean vector, an "average post".
        empty = np.linalg.norm(vectors, axis=1) == 0
        vectors[empty] = vectors[~empty].mean(axis=0)
        return vectors
    if project.kind == "images":
        from sklearn.decomposition import PCA

        pixels = np.asarray(project.items).reshape(project.n_items, -1)
        return PCA(n_components=30, random_state=0).fit_transform(pixels)
    from course_lib.embed.graphs import spectral_embedding

    return spectral_embedding(project.items, dim=4 if project.n_items < 50 else 8)


def describe_item(project: Project, index: int, width: int = 70) -> str:
    """A one-line description of item ``index``: a text's start, a digit's label, a node's block and degree."""
    label = project.label_names[int(project.labels[index])]
    if project.kind == "text":
        raw = str(project.items[index])
        # Skip quoted lines and "In article <...> someone@... writes:" lines: show the post's own words.
        own = [line for line in raw.splitlines()
               if line.strip() and "@" not in line and not line.lstrip().startswith((">", "|", ":"))]
        text = " ".join(" ".join(own or [raw]).split())
        return f"[{label}] {text[:width]}{'...' if len(text) > width else ''}"
    if project.kind == "images":
        return f"image {index}: digit {label}"
    node = list(project.items.nodes)[index]
    return f"node {node}: {label}, degree {project.items.degree(node)}"


def show_results(project: Project, query: int, results) -> None:
    """Print the query and its results, marking each result whose label matches the query's."""
    print("query:  ", describe_item(project, query))
    for rank, index in enumerate(np.asarray(results).ravel().tolist(), start=1):
        same = project.labels[int(index)] == project.labels[query]
        print(f"{rank:>2}. {'same ' if same else 'other'} {describe_item(project, int(index))}")


def majority_baseline(labels) -> float:
    """Accuracy of always predicting the most common label.

    Examples
    --------
    >>> majority_baseline([0, 0, 0, 1])
    0.75
    """
    counts = np.unique(np.asarray(labels), return_counts=True)[1]
    return float(counts.max() / counts.sum())
