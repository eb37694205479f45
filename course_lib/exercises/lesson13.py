"""The capstone (lesson 13): datasets to choose from, fallbacks, and the checks of each step.

A learner sets ``DATASET`` to one of :data:`DATASETS` and walks through embed, look,
cluster, classify, search and report. Every check reads what it needs from the chosen
project (number of items, labels), so the same checks work for every choice::

    project = load_project("digits")
    X = answer_or(embeddings, baseline_embedding(project))   # the learner's, or a fallback

:func:`answer_or` keeps later steps running while an earlier answer is still ``____``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_lib.exercises import (
    as_numpy,
    Exercise,
    Incorrect,
    expect_array,
    expect_number,
    expect_type,
    is_blank,
)

LESSON = "13"
#: The datasets a capstone can use.
DATASETS = ("newsgroups", "digits", "sbm", "karate")
#: Words that name a metric; the report must use at least one.
METRIC_WORDS = ("accuracy", "ari", "rand", "recall", "map", "precision", "silhouette", "nmi", "pearson",
                "spearman", "f1")
#: Fewest words of a report.
REPORT_MIN_WORDS = 80


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
    from course_lib.graphs import spectral_embedding

    return spectral_embedding(project.items, dim=4 if project.n_items < 50 else 8)


def answer_or(value: Any, fallback: Any) -> Any:
    """``value``, or ``fallback`` while ``value`` is still the blank ``____``.

    Examples
    --------
    >>> from course_lib.exercises import ____
    >>> answer_or(____, 3), answer_or(5, 3)
    (3, 5)
    """
    return fallback if is_blank(value) else value


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


# --- q1: embed ------------------------------------------------------------------------------


def _check_embeddings(embeddings, project):
    from course_lib.embedding_metrics import knn_accuracy

    n = project.n_items
    array = np.asarray(as_numpy(embeddings)) if not isinstance(embeddings, list) else embeddings
    array = expect_array("embeddings", array, why="One row (vector) per item of the dataset.")
    if array.ndim != 2:
        raise Incorrect(f"`embeddings` should be 2-D, one row per item ({n}, dimensions), but its shape is "
                        f"{array.shape}.")
    if array.shape[0] != n:
        if array.shape[1] == n:
            raise Incorrect(f"`embeddings` has one *column* per item (shape {array.shape}); transpose it so each "
                            f"of the {n} items is a row.")
        raise Incorrect(f"`embeddings` has {array.shape[0]} rows but the {project.name} dataset has {n} items: "
                        "embed every item, in the dataset's order.")
    if array.dtype.kind not in "fiu":
        raise Incorrect(f"`embeddings` should hold numbers, but its dtype is {array.dtype}.")
    if array.shape[1] < 2:
        raise Incorrect("`embeddings` has a single column: an embedding needs at least 2 dimensions.")
    array = array.astype(np.float64)
    if np.any(np.all(array == array[0], axis=0)) and np.all(array == array[0]):
        raise Incorrect("every row of `embeddings` is the same: the vectors must differ between items.")
    for column in array.T:
        if np.array_equal(column, project.labels.astype(np.float64)):
            raise Incorrect("a column of `embeddings` is the labels themselves: the labels are for evaluating, "
                            "never for embedding.")
    score = knn_accuracy(array, project.labels, k=5) if np.all(np.linalg.norm(array, axis=1) > 0) else None
    dims = array.shape[1]
    return f"{n} items in {dims} dimensions" + (f"; 5-NN accuracy {score:.3f}." if score is not None else ".")


q1 = Exercise(
    "q1", "embed the dataset", ["embeddings"], _check_embeddings, context=["project"], lesson=LESSON,
    hints=[
        "Text: encode_sentences(project.items) (MiniLM) or TF-IDF + TruncatedSVD. Images: flatten the pixels, "
        "then PCA, or a small CNN. Graphs: node2vec_embedding / spectral_embedding from course_lib.graphs.",
        "The result must be an array with one row per item, in the dataset's order: shape (project.n_items, d).",
    ],
)


# --- q2: look -------------------------------------------------------------------------------


def _check_coords(coords, project):
    n = project.n_items
    array = expect_array("coords", as_numpy(coords), why=f"Two coordinates per item: shape ({n}, 2).")
    if array.shape == (2, n):
        raise Incorrect(f"`coords` has shape (2, {n}): one row per item please, so transpose it to ({n}, 2).")
    if array.shape != (n, 2):
        raise Incorrect(f"`coords` should have shape ({n}, 2), one 2-D point per item, but its shape is "
                        f"{array.shape}. Ask PCA / t-SNE for n_components=2.")
    if np.allclose(array, array[0]):
        raise Incorrect("all the points of `coords` are the same: the map must spread the items out.")
    return None


q2 = Exercise(
    "q2", "a 2-D map of the embeddings", ["coords"], _check_coords, context=["project"], lesson=LESSON,
    hints=[
        "PCA(n_components=2).fit_transform(X) is quick; TSNE(n_components=2, random_state=0) shows clusters better.",
    ],
)


# --- q3: cluster ----------------------------------------------------------------------------


def _check_clusters(clusters, project):
    from sklearn.metrics import adjusted_rand_score

    n = project.n_items
    array = expect_array("clusters", as_numpy(clusters), shape=(n,), why="One cluster number per item.")
    if array.dtype.kind == "f":
        if not np.all(array == np.round(array)):
            raise Incorrect("`clusters` holds fractions: give each item a whole cluster number (fit_predict does).")
        array = array.astype(np.int64)
    if np.array_equal(array, project.labels):
        raise Incorrect("`clusters` is exactly the labels: clustering must find the groups from the embeddings "
                        "alone, without the labels.")
    found = len(np.unique(array))
    wanted = project.n_classes
    if found != wanted:
        raise Incorrect(f"`clusters` has {found} distinct clusters; ask for as many as the dataset has classes "
                        f"({wanted}, project.n_classes), so they can be compared with the labels.")
    return f"ARI with the labels: {adjusted_rand_score(project.labels, array):.3f}."


q3 = Exercise(
    "q3", "cluster the embeddings", ["clusters"], _check_clusters, context=["project"], lesson=LESSON,
    hints=[
        "KMeans(n_clusters=project.n_classes, n_init=10, random_state=0).fit_predict(X)",
        "Scale the rows to length 1 first (X / np.linalg.norm(X, axis=1, keepdims=True)) to cluster by cosine.",
    ],
)


# --- q4: classify ---------------------------------------------------------------------------


def majority_baseline(labels) -> float:
    """Accuracy of always predicting the most common label.

    Examples
    --------
    >>> majority_baseline([0, 0, 0, 1])
    0.75
    """
    counts = np.unique(np.asarray(labels), return_counts=True)[1]
    return float(counts.max() / counts.sum())


def _check_cv(cv_accuracy, project):
    from course_lib.classify import CVResult

    if isinstance(cv_accuracy, CVResult):  # the whole result of cross_validated_accuracy: take its mean
        cv_accuracy = cv_accuracy.mean
    if isinstance(cv_accuracy, np.ndarray) and cv_accuracy.size > 1:
        raise Incorrect("`cv_accuracy` holds several numbers (one per fold?): give their mean, one number.")
    value = expect_number("cv_accuracy", cv_accuracy, why="The mean cross-validated accuracy, one number.")
    if 1.0 < value <= 100.0:
        raise Incorrect(f"`cv_accuracy` is {value:.4g}: give a fraction between 0 and 1, not a percentage.")
    if not 0.0 <= value <= 1.0:
        raise Incorrect(f"`cv_accuracy` is {value:.4g}, outside [0, 1]: an accuracy is a fraction of items.")
    if value >= 1.0 and project.n_items > 100:
        raise Incorrect("`cv_accuracy` is exactly 1: was the classifier tested on the items it trained on? "
                        "Cross-validation tests each fold on items left out of training.")
    baseline = majority_baseline(project.labels)
    if value <= baseline + 0.02:
        raise Incorrect(f"`cv_accuracy` is {value:.3f}, no better than always predicting the most common class "
                        f"({baseline:.3f}): check that X and the labels are in the same order, and the classifier.")
    return f"Mean accuracy {value:.3f}, against {baseline:.3f} for the most common class."


q4 = Exercise(
    "q4", "classify with cross-validation", ["cv_accuracy"], _check_cv, context=["project"], lesson=LESSON,
    hints=[
        "cross_validated_accuracy(X, project.labels, LogisticRegression(max_iter=2000)) from course_lib.classify.",
        "It returns (mean, std, scores): cv_accuracy is the mean.",
    ],
)


# --- q5: search -----------------------------------------------------------------------------


def _check_results(results, X, query, project):
    X = np.asarray(as_numpy(X), dtype=np.float64)
    n = len(X)
    array = expect_array("results", as_numpy(results), why="The indices of the 5 nearest items.")
    if array.shape != (5,):
        raise Incorrect(f"`results` should hold 5 indices (shape (5,)), but its shape is {array.shape}.")
    if array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and np.all(array == np.round(array)) and np.all(array >= 0):
            array = array.astype(np.int64)
        else:
            raise Incorrect("`results` holds similarity scores: give the *indices* of the items (np.argsort, or "
                            "the first output of top_k).")
    if np.any(array < 0) or np.any(array >= n):
        raise Incorrect(f"`results` holds an index outside 0..{n - 1}.")
    if len(set(array.tolist())) != 5:
        raise Incorrect("`results` holds the same item twice; it needs 5 different items.")
    if int(query) in array.tolist():
        raise Incorrect("`results` includes the query itself: every item is most similar to itself. Leave it out.")
    norms = np.linalg.norm(X, axis=1)
    sims = (X @ X[query]) / np.where(norms > 0, norms * max(norms[query], 1e-300), 1.0)
    sims[query] = -np.inf
    best = np.sort(sims)[::-1][:5]
    got = sims[array]
    if np.allclose(got, best, atol=1e-9):
        same = int(np.sum(project.labels[array] == project.labels[query]))
        return f"{same} of the 5 results share the query's label."
    if np.allclose(np.sort(got)[::-1], best, atol=1e-9):
        raise Incorrect("`results` holds the right items but not most similar first: sort by decreasing similarity.")
    raise Incorrect("`results` are not the 5 items of X most cosine-similar to the query. Search in X (the "
                    "embeddings the later steps use), by cosine similarity, leaving the query out.")


q5 = Exercise(
    "q5", "search for the nearest items", ["results"], _check_results, context=["X", "query", "project"],
    lesson=LESSON,
    hints=[
        "top_k(X[query], X, k=6) from course_lib.search gives 6 indices, the query itself first: drop it.",
        "Or by hand: cosine similarity of X[query] with every row, set the query's own to -inf, np.argsort(-s)[:5].",
    ],
)


# --- q6: report -----------------------------------------------------------------------------


def _check_report(report, project):
    expect_type("report", report, str, why="Write the report as a string (text in triple quotes).")
    words = re.findall(r"[A-Za-z][A-Za-z'\-]*", report)
    if len(words) < REPORT_MIN_WORDS:
        raise Incorrect(f"`report` has {len(words)} words; write at least {REPORT_MIN_WORDS}: what you embedded "
                        "and how, what the map and the clusters showed, the scores, and one limitation.")
    lowered = report.lower()
    if not any(re.search(rf"\b{w}\b", lowered) for w in METRIC_WORDS):
        raise Incorrect("`report` names no metric: say which scores you measured (accuracy, ARI, recall...).")
    if not re.search(r"\d\.\d|\d+ ?%", report):
        raise Incorrect("`report` has no measured number (such as 0.87 or 87 %): back each claim with a score.")
    return f"{len(words)} words."


q6 = Exercise(
    "q6", "a short written report", ["report"], _check_report, context=["project"], lesson=LESSON,
    hints=[
        "Four short paragraphs: the data and the embedding; what the 2-D map and the clusters show (ARI); "
        "classification and search (accuracy vs the baseline); one limitation and what you would try next.",
        "Use f-strings to put your measured numbers in: f\"accuracy {cv_accuracy:.3f}\".",
    ],
)

__all__ = [
    "DATASETS", "Project", "answer_or", "baseline_embedding", "describe_item", "load_project",
    "majority_baseline", "show_results", "q1", "q2", "q3", "q4", "q5", "q6",
]
