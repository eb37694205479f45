"""Checks for exercises/16_pictures_and_words.ipynb: similarity matrix, InfoNCE, zero-shot, recall@k.

Every check recomputes the right answer from the notebook's own data (the toy vectors and
temperature, the trained model's embeddings, the search's similarities and labels) and
recognises typical mistakes (a transposed matrix, vectors left at their length, the
temperature forgotten or multiplied, a one-sided loss, one prompt instead of the
ensemble, precision instead of recall...) so that the feedback says what went wrong
without giving the answer away. Answers may be lists, NumPy arrays or torch tensors, in
any float type.
"""
from __future__ import annotations

import numpy as np

from course_lib.exercises import Exercise, Incorrect, as_numpy, expect_array, expect_in_range, expect_number

LESSON = "16"


def _floats(value) -> np.ndarray:
    return np.asarray(as_numpy(value), dtype=float)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _close(a, b, rtol: float = 1e-4, atol: float = 1e-6) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)
    return np.squeeze(top, axis=axis) + np.log(np.exp(x - top).sum(axis=axis))


def _one_way(logits: np.ndarray) -> float:
    """Mean cross-entropy of each row choosing its diagonal entry."""
    return float(np.mean(_logsumexp(logits, axis=1) - np.diag(logits)))


def _symmetric(logits: np.ndarray) -> float:
    return (_one_way(logits) + _one_way(logits.T)) / 2


# ---------------------------------------------------------------- q1: the similarity matrix


def _logit_variants(image_vectors, text_vectors, temperature):
    I, T = _floats(image_vectors), _floats(text_vectors)
    t = float(as_numpy(temperature))
    right = _unit(I) @ _unit(T).T / t
    mistakes = [
        (right.T, "has pictures in columns and captions in rows: the transpose. Row i must hold picture i "
                  "against every caption (image_vectors first)."),
        (I @ T.T / t, "uses the vectors at their full length: scale each row to unit length first, so that the "
                      "dot product is a cosine and long vectors do not win."),
        (_unit(I) @ T.T / t, "scales only the picture vectors to unit length; the caption vectors need it too."),
        (I @ _unit(T).T / t, "scales only the caption vectors to unit length; the picture vectors need it too."),
        (_unit(I) @ _unit(T).T, "holds the cosines themselves: divide them by the temperature."),
        (_unit(I) @ _unit(T).T * t, "multiplies by the temperature; divide by it (a low temperature must make the "
                                    "logits larger and the softmax sharper)."),
        (I @ T.T, "is the plain dot product: scale the rows to unit length, then divide by the temperature."),
    ]
    return right, mistakes


def _check_logits(logits, image_vectors, text_vectors, temperature):
    right, mistakes = _logit_variants(image_vectors, text_vectors, temperature)
    value = expect_array("logits", logits, shape=right.shape,
                         why="One row per picture and one column per caption of the batch.").astype(float)
    if _close(value, right):
        return None
    for array, message in mistakes:
        if _close(value, array):
            raise Incorrect(f"`logits` {message}")
    raise Incorrect("`logits` has the right shape but not the right values: entry (i, j) is the cosine of picture "
                    "i and caption j, divided by the temperature.")


# ---------------------------------------------------------------- q2: symmetric InfoNCE


def _check_loss(loss, image_vectors, text_vectors, temperature):
    right_logits, mistakes = _logit_variants(image_vectors, text_vectors, temperature)
    value = expect_number("loss", as_numpy(loss), why="The loss of the batch is one number.")
    right = _symmetric(right_logits)
    if np.isclose(value, right, rtol=1e-5, atol=1e-7):
        return None
    if value < 0 and np.isclose(-value, right, rtol=1e-5):
        raise Incorrect("`loss` is negative: a cross-entropy is minus the mean log-probability of the right "
                        "answer; you have the log-probability without the minus sign.")
    expect_in_range("loss", value, 0.0, np.inf, why="A cross-entropy is never negative.")
    n = len(right_logits)
    candidates = [
        (_one_way(right_logits), "counts only one direction, pictures choosing captions (rows). The symmetric loss "
                                 "also lets each caption choose its picture (columns), and averages the two."),
        (_one_way(right_logits.T), "counts only one direction, captions choosing pictures (columns). The symmetric "
                                   "loss also lets each picture choose its caption (rows), and averages the two."),
        (2 * right, "adds the two directions; CLIP averages them (divide by 2)."),
        (n * right, "sums over the batch; take the mean over the pictures and captions, so that the loss does not "
                    "grow with the batch size."),
        (float(np.mean(_logsumexp(right_logits.ravel()[None, :], axis=1) - np.diag(right_logits))),
         "takes the softmax over the whole matrix at once; each row (and each column) is its own choice among "
         "the batch's captions (pictures)."),
    ]
    for logits, message in mistakes:
        candidates.append((_symmetric(logits), f"is computed from a similarity matrix that {message}"))
    for number, message in candidates:
        if np.isclose(value, number, rtol=1e-5, atol=1e-7):
            raise Incorrect(f"`loss` {message}")
    raise Incorrect("`loss` is not the symmetric InfoNCE of the batch: the mean of the cross-entropy of the rows "
                    "and that of the columns of `logits`, with the diagonal as the right answers.")


# ---------------------------------------------------------------- q3: zero-shot with a prompt ensemble


def _check_predictions(predictions, image_embeddings, prompt_embeddings):
    images, prompts = _floats(image_embeddings), _floats(prompt_embeddings)
    n, n_classes = len(images), prompts.shape[0]
    value = as_numpy(predictions)
    array = np.asarray(value) if not np.isscalar(value) else np.asarray([value])
    if array.ndim == 2 and array.shape == (n, n_classes):
        raise Incorrect(f"`predictions` has shape {array.shape}: those are the scores of every class. Keep one "
                        "predicted class per picture, the column with the highest score (argmax along axis 1).")
    array = expect_array("predictions", value, shape=(n,),
                         why="One predicted digit per picture of `image_embeddings`.")
    if array.dtype.kind == "f" and not np.all(np.equal(np.mod(array, 1), 0)):
        raise Incorrect("`predictions` holds numbers with decimals; it should hold class indices (whole numbers).")
    array = array.astype(int)
    ensemble = _unit(_unit(prompts).mean(axis=1))
    right = (images @ ensemble.T).argmax(axis=1)
    if np.array_equal(array, right):
        return None
    mistakes = [
        ((images @ _unit(prompts[:, 0]).T).argmax(axis=1), "uses only the first prompt of each class; the "
         "ensemble averages the vectors of all its prompts (axis 1 of `prompt_embeddings`)."),
        ((images @ _unit(prompts).mean(axis=1).T).argmax(axis=1), "averages the prompt vectors but does not scale "
         "the mean back to unit length: a class whose prompts disagree gets a shorter mean and loses unfairly."),
        ((images @ ensemble.T).argmin(axis=1), "picks the least similar class; take the argmax."),
    ]
    for wrong, message in mistakes:
        if np.array_equal(array, wrong):
            raise Incorrect(f"`predictions` {message}")
    wrong_count = int(np.sum(array != right))
    raise Incorrect(f"{wrong_count} of the {n} entries of `predictions` differ from the prompt ensemble's choice: "
                    "average each class's unit prompt vectors, scale the mean to unit length, and give each "
                    "picture the class with the highest cosine.")


# ---------------------------------------------------------------- q4: recall@k of text-to-image search


def _recall_variants(similarity, query_labels, gallery_labels, k):
    S = _floats(similarity)
    q, g = np.asarray(as_numpy(query_labels)), np.asarray(as_numpy(gallery_labels))
    k = int(as_numpy(k))
    relevant = q[:, None] == g[None, :]
    best = np.argsort(-S, axis=1, kind="stable")[:, :k]
    hits = np.take_along_axis(relevant, best, axis=1).sum(axis=1)
    worst = np.argsort(S, axis=1, kind="stable")[:, :k]
    worst_hits = np.take_along_axis(relevant, worst, axis=1).sum(axis=1)
    right = float(np.mean(hits / relevant.sum(axis=1)))
    by_column = np.argsort(-S.T, axis=1, kind="stable")[:, :k]
    column_hits = np.take_along_axis(relevant.T, by_column, axis=1).sum(axis=1)
    mistakes = [
        (100 * right, "is a percentage; give it as a fraction between 0 and 1."),
        (float(np.mean(hits / k)), "divides the hits by k: that is precision@k. Recall@k divides by the number "
                                   "of relevant pictures of the query."),
        (float(np.mean(hits > 0)), "counts a query as 1 when any relevant picture is in its top k (a hit rate); "
                                   "recall@k is the share of all its relevant pictures found in the top k."),
        (float(np.mean(worst_hits / relevant.sum(axis=1))), "ranks the pictures from the least similar; the best "
                                                            "result has the highest similarity."),
        (float(np.mean(column_hits / relevant.T.sum(axis=1))), "ranks the captions for each picture (the columns), "
                                                               "which is image-to-text search; each query is a row."),
        (1 - right, "is the share of relevant pictures *missed*: count those found in the top k."),
    ]
    return right, hits / relevant.sum(axis=1), mistakes


def _check_recall(recall_at_k, similarity, query_labels, gallery_labels, k):
    right, per_query, mistakes = _recall_variants(similarity, query_labels, gallery_labels, k)
    value = as_numpy(recall_at_k)
    if np.ndim(value) == 1 and len(value) == len(per_query):
        if _close(value, per_query):
            raise Incorrect("`recall_at_k` holds one recall per query; the question asks for their mean.")
    number = expect_number("recall_at_k", value, why="One number: the mean recall@k over the queries.")
    if np.isclose(number, right, atol=1e-9):
        return None
    for wrong, message in mistakes:
        if np.isclose(number, wrong, atol=1e-9):
            raise Incorrect(f"`recall_at_k` {message}")
    expect_in_range("recall_at_k", number, 0.0, 1.0, why="A recall is a fraction of the relevant pictures.")
    raise Incorrect("`recall_at_k` is not the mean, over the queries (rows of `similarity`), of the share of the "
                    "query's relevant pictures (same digit) found among its k most similar pictures.")


q1 = Exercise(
    "q1", "the similarity matrix", ["logits"], _check_logits,
    context=["image_vectors", "text_vectors", "temperature"], lesson=LESSON,
    hints=["Scale every row to unit length first: x / np.linalg.norm(x, axis=1, keepdims=True).",
           "Pictures in rows, captions in columns: unit_images @ unit_texts.T.",
           "Finally divide by the temperature."],
)
q2 = Exercise(
    "q2", "the symmetric InfoNCE loss", ["loss"], _check_loss,
    context=["image_vectors", "text_vectors", "temperature"], lesson=LESSON,
    hints=["Start from the logits of q1 (recompute them if q1 is not solved yet); the right pairs are on the diagonal.",
           "Rows: F.cross_entropy(logits, targets) with targets = torch.arange(n); columns: the same with logits.T.",
           "The symmetric loss is the mean of the two."],
)
q3 = Exercise(
    "q3", "a zero-shot classifier with a prompt ensemble", ["predictions"], _check_predictions,
    context=["image_embeddings", "prompt_embeddings"], lesson=LESSON,
    hints=["prompt_embeddings has shape (classes, prompts, dim): average over axis 1 for one vector per class.",
           "Scale each class vector back to unit length, then image_embeddings @ class_vectors.T gives the cosines.",
           "The prediction of a picture is the argmax of its row."],
)
q4 = Exercise(
    "q4", "recall@k of text-to-image search", ["recall_at_k"], _check_recall,
    context=["similarity", "query_labels", "gallery_labels", "k"], lesson=LESSON,
    hints=["For each query (a row of similarity), np.argsort(-row)[:k] gives its k best pictures.",
           "A picture is relevant when gallery_labels matches the query's label; count those in the top k.",
           "Divide by the number of relevant pictures of the query (not by k), then average over the queries."],
)
