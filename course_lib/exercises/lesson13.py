"""The checks of the capstone's steps (lesson 13).

The projects themselves (datasets, baseline embeddings) live in :mod:`course_lib.capstone`.
Every check reads what it needs from the chosen project (number of items, labels), so the
same checks work for every choice.
"""
from __future__ import annotations

import re

import numpy as np

from course_lib.capstone import majority_baseline
from course_lib.exercises import _describe
from course_lib.exercises import (
    as_numpy,
    Exercise,
    Incorrect,
    expect_array,
    expect_number,
    expect_type,
)

LESSON = "13"
#: Words that name a metric; the report must use at least one.
METRIC_WORDS = ("accuracy", "ari", "rand", "recall", "map", "precision", "silhouette", "nmi", "pearson",
                "spearman", "f1")
#: Fewest words of a report.
REPORT_MIN_WORDS = 80





# --- q1: embed ------------------------------------------------------------------------------


def _check_embeddings(embeddings, project):
    from course_lib.use.metrics import knn_accuracy

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
        "then PCA, or a small CNN. Graphs: node2vec_embedding / spectral_embedding from course_lib.embed.graphs.",
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
    if hasattr(clusters, "fit") and hasattr(clusters, "labels_"):
        raise Incorrect(f"`clusters` is the fitted model ({_describe(clusters)}), not its answer: fit_predict(X), "
                        "or the model's .labels_, gives one cluster number per item.")
    found_shape = getattr(as_numpy(clusters), "shape", None)
    if found_shape == (n, project.n_classes) and project.n_classes > 1:
        raise Incorrect(f"`clusters` has shape {found_shape}, one column per cluster (distances to the centres, "
                        "from fit_transform?): fit_predict gives one cluster number per item.")
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


def _training_accuracies(X, labels) -> dict[str, float]:
    """Accuracy on the very items each usual classifier trained on: what cross-validation avoids."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier

    X = np.asarray(as_numpy(X), dtype=np.float64)
    found = {}
    for name, model in [("logistic regression", LogisticRegression(max_iter=2000)),
                        ("5-NN", KNeighborsClassifier(5))]:
        try:
            found[name] = float(model.fit(X, labels).score(X, labels))
        except Exception:  # an X the classifier cannot take: nothing to compare with
            continue
    return found


def _cv_accuracies(X, labels) -> list[float]:
    """Logistic regression's cross-validated accuracy, as the lesson and scikit-learn's default compute it."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    from course_lib.use.classify import cross_validated_accuracy

    X = np.asarray(as_numpy(X), dtype=np.float64)
    try:
        return [float(cross_validated_accuracy(X, labels, LogisticRegression(max_iter=2000)).mean),
                float(cross_val_score(LogisticRegression(max_iter=2000), X, labels, cv=5).mean())]
    except Exception:
        return []


def _check_cv(cv_accuracy, X, project):
    from course_lib.use.classify import CVResult

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
    training = _training_accuracies(X, project.labels)
    for name, accuracy in training.items():
        if abs(value - accuracy) <= 1e-9 and not any(abs(value - cv) <= 1e-9
                                                     for cv in _cv_accuracies(X, project.labels)):
            raise Incorrect(f"`cv_accuracy` equals the accuracy of {name} on the very items it was trained on "
                            "(fit(X, y).score(X, y)), which flatters the classifier. Cross-validation tests each "
                            "fold on items left out of training: use cross_validated_accuracy and take its mean.")
    if value <= baseline + 0.02:
        raise Incorrect(f"`cv_accuracy` is {value:.3f}, no better than always predicting the most common class "
                        f"({baseline:.3f}): check that X and the labels are in the same order, and the classifier.")
    return f"Mean accuracy {value:.3f}, against {baseline:.3f} for the most common class."


q4 = Exercise(
    "q4", "classify with cross-validation", ["cv_accuracy"], _check_cv, context=["X", "project"], lesson=LESSON,
    hints=[
        "cross_validated_accuracy(X, project.labels, LogisticRegression(max_iter=2000)) from course_lib.use.classify.",
        "It returns (mean, std, scores): cv_accuracy is the mean.",
    ],
)


# --- q5: search -----------------------------------------------------------------------------


def _check_results(results, X, query, project):
    X = np.asarray(as_numpy(X), dtype=np.float64)
    n = len(X)
    if isinstance(results, (set, frozenset)):
        raise Incorrect("`results` is a set, which has no order; the question asks for the items most similar "
                        "first: use a list or an array.")
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
        "top_k(X[query], X, k=6) from course_lib.use.search gives 6 indices, the query itself first: drop it.",
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
        raise Incorrect("`report` names no metric: say which scores you measured (accuracy, ARI, precision@k, mAP...).")
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

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6"]
