"""Checks for exercises/09_clustering.ipynb: k-means and ARI, silhouette and k, NMI by hand, top words."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from course_lib.exercises import (
    Exercise,
    Incorrect,
    expect_array,
    expect_in_range,
    expect_number,
    expect_type,
    matches_printed,
)

LESSON = "09"
N_CLUSTERS = 10
KS = list(range(2, 11))
N_WORDS = 8


# ---------------------------------------------------------------- q1: k-means and ARI


def _check_kmeans(kmeans_labels, ari, X, labels):
    from sklearn.metrics import adjusted_rand_score, rand_score

    truth = np.asarray(labels)
    found = expect_array("kmeans_labels", kmeans_labels, shape=(len(truth),), kind="iuf",
                         why="One cluster number per row of `X` (the model's labels_, or fit_predict).")
    if found.dtype.kind == "f":
        if not np.all(found == np.round(found)):
            raise Incorrect("`kmeans_labels` should hold whole cluster numbers (0, 1, 2...), but some of its "
                            "values have decimals: are they distances or scores rather than clusters?")
        found = found.astype(int)
    n_found = len(np.unique(found))
    if n_found != N_CLUSTERS:
        raise Incorrect(f"`kmeans_labels` holds {n_found} distinct clusters; ask k-means for {N_CLUSTERS}, "
                        "one per digit class (n_clusters).")
    value = expect_number("ari", ari)
    expected = adjusted_rand_score(truth, found)
    if not matches_printed(value, expected):
        if np.isclose(value, rand_score(truth, found), atol=1e-6):
            raise Incorrect("`ari` is the plain Rand index, which is high even for random clusters; use the "
                            "*adjusted* one (adjusted_rand_score), 0 for chance.")
        if np.isclose(value, np.mean(found == truth), atol=1e-6):
            raise Incorrect("`ari` compares cluster numbers with digit labels one by one, but cluster 3 need not "
                            "be digit 3: use adjusted_rand_score, which ignores the names.")
        raise Incorrect(f"`ari` is {value:.4g}, which is not the adjusted Rand index of `kmeans_labels` against "
                        "`labels`.")
    if expected < 0.4:
        raise Incorrect(f"`kmeans_labels` agree with the digits much less than k-means on `X` does (ARI "
                        f"{expected:.2f}): cluster the rows of `X` itself, all 64 pixels.")


# ---------------------------------------------------------------- q2: silhouette for a range of k


def _reference_silhouettes(X) -> dict[int, float]:
    from course_lib.use.clustering import choose_k

    return {k: v["silhouette"] for k, v in choose_k(X, KS, seed=0, n_init=4).items()}


def _check_silhouettes(silhouettes, best_k, X):
    expect_type("silhouettes", silhouettes, Mapping, why="Make a dict {k: silhouette}.")
    try:
        keys = sorted(int(k) for k in silhouettes)
    except (TypeError, ValueError):
        raise Incorrect("`silhouettes` should have the numbers k as its keys (2, 3, ... 10), "
                        "as in silhouettes[k] = score.") from None
    if keys != KS:
        missing = sorted(set(KS) - set(keys))
        extra = sorted(set(keys) - set(KS))
        detail = f"it misses k={missing[0]}" if missing else f"it has k={extra[0]}, outside 2..10"
        raise Incorrect(f"`silhouettes` should have one entry for each k from 2 to 10; {detail}.")
    for k, value in silhouettes.items():
        expect_in_range(f"silhouettes[{k}]", value, -1, 1,
                        why="A silhouette lies between -1 and 1; is it the inertia instead?")
    mine = {int(k): expect_number(f"silhouettes[{k}]", v) for k, v in silhouettes.items()}
    if len({round(v, 9) for v in mine.values()}) == 1:
        raise Incorrect("`silhouettes` has the same value for every k: score each k's own k-means labels, "
                        "not the known `labels`.")
    reference = _reference_silhouettes(X)
    off = [k for k in KS if abs(mine[k] - reference[k]) > 0.03]
    if off:
        raise Incorrect(f"`silhouettes[{off[0]}]` is {mine[off[0]]:.3f}, too far from the silhouette of a k-means "
                        f"clustering of `X` with k={off[0]} (silhouette_score(X, labels_of_that_k)).")
    number = expect_number("best_k", best_k)
    if number not in KS:
        raise Incorrect(f"`best_k` is {best_k!r}; it should be one of the k you tried, 2 to 10.")
    top = max(mine, key=mine.get)
    if mine[int(number)] < mine[top] - 1e-12:
        if int(number) == min(mine, key=mine.get):
            raise Incorrect("`best_k` has the *lowest* silhouette; the best k has the highest.")
        raise Incorrect("`best_k` is not the k with the highest value in `silhouettes`.")
    return "Is it the number of digit classes? The lesson's section 5 discusses why not always."


# ---------------------------------------------------------------- q3: NMI by hand


def _entropy(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def _check_nmi(nmi, labels, clusters):
    from sklearn.metrics import normalized_mutual_info_score
    from sklearn.metrics.cluster import contingency_matrix

    value = expect_number("nmi", nmi)
    expected = normalized_mutual_info_score(labels, clusters)
    if matches_printed(value, expected):
        return None
    joint = contingency_matrix(labels, clusters) / len(labels)
    p_y, p_c = joint.sum(axis=1), joint.sum(axis=0)
    nonzero = joint > 0
    mi = float((joint[nonzero] * np.log(joint[nonzero] / np.outer(p_y, p_c)[nonzero])).sum())
    h_y, h_c = _entropy(p_y), _entropy(p_c)
    for base in (np.e, 2.0, 10.0):
        if np.isclose(value, mi / np.log(base), atol=1e-6):
            raise Incorrect("`nmi` is the mutual information itself; normalise it: divide by the mean of the "
                            "two entropies, (H(labels) + H(clusters)) / 2.")
    for name, denominator in [("their geometric mean", np.sqrt(h_y * h_c)), ("the smaller one", min(h_y, h_c)),
                              ("the larger one", max(h_y, h_c)), ("their sum", h_y + h_c)]:
        if np.isclose(value, mi / denominator, atol=1e-6):
            raise Incorrect(f"`nmi` divides the mutual information by {name} of the two entropies; the "
                            "scikit-learn default divides by their arithmetic mean, (H(labels) + H(clusters)) / 2.")
    expect_in_range("nmi", value, 0, 1, why="NMI lies between 0 and 1.")
    raise Incorrect(f"`nmi` is {value:.4g}, which is not the NMI of `clusters` against `labels`. Check the joint "
                    "probabilities (contingency table / n) and the two marginals (its row and column sums).")


# ---------------------------------------------------------------- q4: top words of a section


def _mean_weights(article_words, rows) -> np.ndarray:
    return np.asarray(article_words[rows].mean(axis=0)).ravel()


def _check_top_words(top_words, article_words, terms, section_labels, section):
    from course_lib.use.clustering import top_terms

    if isinstance(top_words, (set, frozenset)):
        raise Incorrect(f"`top_words` is a set, which has no order; make a list of {N_WORDS} words, strongest "
                        "first (the order is part of the answer).")
    if isinstance(top_words, np.ndarray) and top_words.ndim == 1:  # terms[order[:8]] is an array of strings
        top_words = top_words.tolist()
    expect_type("top_words", top_words, (list, tuple), why=f"Make a list of {N_WORDS} words, strongest first.")
    if not all(isinstance(w, str) for w in top_words):
        raise Incorrect("`top_words` should hold words (strings): terms[i] is the word of column i.")
    if len(top_words) != N_WORDS:
        raise Incorrect(f"`top_words` should hold {N_WORDS} words, but it holds {len(top_words)}.")
    vocabulary = {t: i for i, t in enumerate(terms)}
    unknown = [w for w in top_words if w not in vocabulary]
    if unknown:
        raise Incorrect(f"`top_words` has words that are not among the `terms`, such as {unknown[0]!r}.")
    groups = np.asarray(section_labels)
    expected = top_terms(article_words, terms, groups, n=N_WORDS)[int(section)]
    if list(top_words) == expected:
        return None
    inside = _mean_weights(article_words, groups == section)
    mine = [inside[vocabulary[w]] for w in top_words]
    best = sorted(inside[[vocabulary[w] for w in expected]], reverse=True)
    if np.allclose(sorted(mine, reverse=True), best, atol=1e-12):  # the right words, up to exact ties
        if all(a >= b - 1e-12 for a, b in zip(mine, mine[1:])):
            return None
        raise Incorrect("`top_words` has the right words in the wrong order: the largest mean weight first.")
    everywhere = _mean_weights(article_words, np.ones(len(groups), dtype=bool))
    overall = [terms[i] for i in np.argsort(-everywhere, kind="stable")[:N_WORDS]]
    if list(top_words) == overall:
        raise Incorrect("`top_words` averages over all articles; average only the rows of the articles in "
                        "`section` (section_labels == section).")
    ascending = [terms[i] for i in np.argsort(inside, kind="stable")[:N_WORDS]]
    if set(top_words) == set(ascending):
        raise Incorrect("`top_words` holds the *weakest* words; sort by mean weight, largest first.")
    hits = len(set(top_words) & set(expected))
    raise Incorrect(f"{N_WORDS - hits} of the {N_WORDS} words in `top_words` are not among the {N_WORDS} words "
                    "with the largest mean TF-IDF weight in the articles of `section`.")


q1 = Exercise(
    "q1", "k-means and its ARI", ["kmeans_labels", "ari"], _check_kmeans, context=["X", "labels"], lesson=LESSON,
    hints=["KMeans(n_clusters=10, n_init=10, random_state=0).fit_predict(X) gives one cluster per row.",
           "sklearn.metrics.adjusted_rand_score(labels, kmeans_labels) compares two labellings, ignoring names."],
)
q2 = Exercise(
    "q2", "silhouette for a range of k", ["silhouettes", "best_k"], _check_silhouettes, context=["X"],
    lesson=LESSON,
    hints=["Loop over k in range(2, 11): fit k-means with k clusters, then silhouette_score(X, its labels).",
           "Store each score in a dict: silhouettes[k] = score.",
           "max(silhouettes, key=silhouettes.get) is the key with the largest value."],
)
q3 = Exercise(
    "q3", "NMI by hand", ["nmi"], _check_nmi, context=["labels", "clusters"], lesson=LESSON,
    hints=["contingency_matrix(labels, clusters) / len(labels) is the joint probability table; its row and "
           "column sums are P(label) and P(cluster).",
           "I = sum over non-zero cells of p * log(p / (P(label) * P(cluster))); H(p) = -sum p * log(p).",
           "NMI = I / ((H(labels) + H(clusters)) / 2)."],
)
q4 = Exercise(
    "q4", "the top words of a section", ["top_words"], _check_top_words,
    context=["article_words", "terms", "section_labels", "section"], lesson=LESSON,
    hints=["article_words[section_labels == section] keeps the rows of the section's articles.",
           ".mean(axis=0) of those rows is one mean weight per term (np.asarray(...).ravel() makes it 1-D).",
           "np.argsort(-weights)[:8] gives the columns of the 8 largest; terms[i] is the word of column i."],
)
