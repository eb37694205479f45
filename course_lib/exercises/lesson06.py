"""Checks for exercises/06_image_embeddings.ipynb: pixels as vectors, hooks, retrieval scores, neighbours."""
from __future__ import annotations

import numpy as np

from course_lib.exercises import (
    as_numpy,
    Exercise,
    Incorrect,
    NotAttempted,
    expect_array,
    expect_callable,
    expect_number,
    is_blank,
)
from course_lib.exercises import _describe

LESSON = "06"


def _pairwise(x: np.ndarray) -> np.ndarray:
    sq = (x * x).sum(axis=1)
    return np.sqrt(np.maximum(sq[:, None] - 2 * x @ x.T + sq[None, :], 0.0))


def _relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-12))


# --- q1: images as vectors, then PCA ---------------------------------------------------


def _pca_distances(fit_on: np.ndarray, apply_to: np.ndarray, n_components: int = 50) -> np.ndarray:
    from sklearn.decomposition import PCA

    pca = PCA(n_components=n_components, svd_solver="randomized", random_state=0).fit(fit_on)
    return _pairwise(pca.transform(apply_to))


def _check_pca(flat_test, pca_test, train_images, test_images):
    train = np.asarray(train_images, dtype=np.float64)
    test = np.asarray(test_images, dtype=np.float64)
    n, pixels = len(test), int(np.prod(test.shape[1:]))
    flat = expect_array("flat_test", as_numpy(flat_test), kind="fiu",
                        why=f"Turn each {test.shape[1]}x{test.shape[2]} image into one row of {pixels} numbers.")
    if flat.shape != (n, pixels):
        if flat.shape == (pixels, n):
            raise Incorrect(f"`flat_test` has shape {flat.shape}: one *column* per image. "
                            f"Make one row per image, shape ({n}, {pixels}).")
        raise Incorrect(f"`flat_test` has shape {flat.shape}, but it needs one row of {pixels} pixels per test "
                        f"image, shape ({n}, {pixels}). reshape(len(images), -1) keeps the images apart.")
    expected_flat = test.reshape(n, -1)
    if not np.allclose(flat, expected_flat, atol=1e-6):
        if np.allclose(flat, test.transpose(0, 2, 1).reshape(n, -1), atol=1e-6):
            raise Incorrect("`flat_test` holds the right pixels in another order (column by column): "
                            "reshape the images as they are, without transposing them.")
        raise Incorrect("`flat_test` has the right shape but not the pixels of `test_images`, row i for image i, "
                        "in the images' own order: flatten `test_images` itself, unscaled and unshuffled.")

    projected = expect_array("pca_test", as_numpy(pca_test), kind="f",
                             why="Use the PCA's transform() on the flattened test images.")
    if projected.shape != (n, 50):
        if projected.shape[0] == n:
            raise Incorrect(f"`pca_test` has {projected.shape[1]} columns; ask PCA for n_components=50.")
        raise Incorrect(f"`pca_test` has shape {projected.shape}, but it needs one row per test image and 50 "
                        f"columns, shape ({n}, 50).")
    # Compare distances between the first images: they do not depend on the sign of each
    # component, nor on the solver, nor on which mean was subtracted.
    sample = slice(0, min(n, 200))
    got = _pairwise(projected[sample])
    flat_train = train.reshape(len(train), -1)
    if _relative_error(got, _pca_distances(flat_train, expected_flat[sample])) < 1e-2:
        return "Distances in 50 PCA dimensions are close to those between the 784 raw pixels."
    if _relative_error(got, _pca_distances(expected_flat, expected_flat[sample])) < 1e-2:
        raise Incorrect("`pca_test` looks like a PCA fitted on the *test* images. Fit it on the training "
                        "images only, then transform the test images: the test set plays unseen data.")
    if _relative_error(got, _pairwise(expected_flat[sample])) < 1e-2:
        raise Incorrect("`pca_test` keeps the raw distances exactly, so it is not a 50-dimensional PCA projection.")
    raise Incorrect("`pca_test` does not match a 50-component PCA fitted on the flattened training images and "
                    "applied to the flattened test images (compared through distances between test images).")


q1 = Exercise(
    "q1", "images as vectors, then PCA", ["flat_test", "pca_test"], _check_pca,
    context=["train_images", "test_images"], lesson=LESSON,
    hints=[
        "An array of shape (n, 28, 28) becomes (n, 784) with .reshape(n, -1).",
        "sklearn.decomposition.PCA(n_components=50, random_state=0).fit(flat_train) learns the directions; "
        "its .transform(flat_test) projects the test images on them.",
    ],
)


# --- q2: a forward hook ------------------------------------------------------------------


def _reference_output(model, batch, layer: str) -> np.ndarray:
    from course_lib.embed.vision import layer_embeddings

    return layer_embeddings(model, batch, [layer], flatten=False)[layer]


def _check_hook(block2_output, model, batch):
    import torch

    hooks = [name or "model" for name, m in model.named_modules() if m._forward_hooks]
    if hooks:
        raise Incorrect(f"a forward hook is still registered on {hooks[0]!r}: it would run on every later forward "
                        "pass. Keep the handle that register_forward_hook returns and call handle.remove().")
    nothing = block2_output is None or (isinstance(block2_output, (list, dict)) and not block2_output) or (
        isinstance(block2_output, np.ndarray) and block2_output.dtype == object and block2_output.size <= 1
        and (block2_output.size == 0 or block2_output.reshape(-1)[0] is None))
    if nothing:
        raise Incorrect(f"`block2_output` is {_describe(block2_output)}: the hook never stored anything. Register "
                        "it on model.block2, run model(batch) while it is registered (remove it only afterwards), "
                        "and make the hook store its `output` argument.")
    if isinstance(block2_output, dict):
        raise Incorrect("`block2_output` is a dict; take the tensor your hook stored in it.")
    if isinstance(block2_output, list) and block2_output and isinstance(block2_output[0], torch.Tensor):
        raise Incorrect("`block2_output` is a list; keep the tensor the hook received as `output`.")
    if isinstance(block2_output, tuple):
        raise Incorrect("`block2_output` is a tuple: that is what a hook receives as `inputs`. "
                        "Keep its third argument, `output`.")
    array = expect_array("block2_output", as_numpy(block2_output), kind="f",
                         why="Store the tensor the hook receives as its third argument, `output`.")
    expected = _reference_output(model, batch, "block2")
    if array.shape != expected.shape:
        before = _reference_output(model, batch, "block1")
        if array.shape == before.shape:
            raise Incorrect(f"`block2_output` has shape {array.shape}: it is what block1 outputs, which is what "
                            "goes *into* block2. Register the hook on model.block2 (not block1), and keep the "
                            "hook's third argument, `output` (its arguments are module, inputs, output).")
        if array.ndim == 2 and array.shape[0] == expected.shape[0] and array.shape[1] == np.prod(expected.shape[1:]):
            raise Incorrect(f"`block2_output` is flattened to {array.shape}; keep the layer's own shape "
                            "(batch, channels, height, width) for this question.")
        raise Incorrect(f"`block2_output` has shape {array.shape}, which is not what block2 outputs for `batch`: "
                        "register the hook on model.block2 and run the whole batch through the model.")
    if not np.allclose(array, expected, rtol=1e-4, atol=1e-5):
        raise Incorrect("`block2_output` has block2's shape but other values. Run `batch` through `model` (in "
                        "evaluation mode, as it is after training) and store the output the hook receives.")
    return f"block2 turns each image into {expected.shape[1]} maps of {expected.shape[2]}x{expected.shape[3]}."


q2 = Exercise(
    "q2", "capture a layer's output with a forward hook", ["block2_output"], _check_hook,
    context=["model", "batch"], lesson=LESSON,
    hints=[
        "A hook is a function hook(module, inputs, output); torch calls it after the module runs.",
        "handle = model.block2.register_forward_hook(hook); run model(batch) inside torch.no_grad(); "
        "then handle.remove(). Inside the hook, store output.detach() in a dict.",
    ],
)


# --- q3: precision@10 with class labels -------------------------------------------------------


def _precision(embeddings, labels, k=10, metric="cosine", include_self=False, farthest=False):
    x = np.asarray(embeddings, dtype=np.float64)
    y = np.asarray(labels)
    if metric == "cosine":
        u = x / np.linalg.norm(x, axis=1, keepdims=True)
        score = u @ u.T
    else:
        score = -_pairwise(x)
    if farthest:
        score = -score
    if not include_self:
        np.fill_diagonal(score, -np.inf)
    order = np.argsort(-score, axis=1, kind="stable")[:, :k]
    return float(np.mean((y[order] == y[:, None]).sum(axis=1) / k))


def _toy_sets():
    rng = np.random.default_rng(6)
    # Five classes of 12 points around distinct directions, at very different lengths:
    # cosine and Euclidean neighbours disagree.
    directions = rng.standard_normal((5, 8))
    labels = np.repeat(np.arange(5), 12)
    lengths = rng.choice([0.5, 1.0, 8.0], size=len(labels))[:, None]
    embeddings = (directions[labels] + 0.6 * rng.standard_normal((len(labels), 8))) * lengths
    return embeddings, labels


def _check_precision(precision_at_10, embed_test, test_labels):
    expect_callable("precision_at_10", precision_at_10)
    from course_lib.use.metrics import label_precision_at_k

    cases = [_toy_sets(), (np.asarray(embed_test), np.asarray(test_labels))]
    for case, (emb, labels) in enumerate(cases):
        where = "a toy set of 60 vectors in 5 classes" if case == 0 else "`embed_test` with `test_labels`"
        try:
            value = precision_at_10(emb, labels)
        except Exception as exc:  # the learner's code: report, never crash the check
            raise Incorrect(f"`precision_at_10` raised {type(exc).__name__} on {where}: {exc}") from None
        if value is None:
            raise Incorrect("`precision_at_10` returned None: end it with `return` and the mean.")
        if is_blank(value):
            raise NotAttempted("`precision_at_10` still returns ____; write its body, then check again.")
        number = expect_number(f"precision_at_10 on {where}", value,
                               why="Return one number: the mean over all query images.")
        if not 0.0 <= number <= 1.0:
            raise Incorrect(f"`precision_at_10` gave {number:.4g} on {where}, outside [0, 1]: divide the number of "
                            "neighbours with the query's label by 10, then average over queries.")
        expected = label_precision_at_k(emb, labels, k=10, metric="cosine")
        # A little slack: float32 arithmetic may swap near-tied 10th and 11th neighbours.
        tol = 1e-3
        if abs(number - expected) <= tol:
            continue
        if abs(number - _precision(emb, labels, include_self=True)) <= tol:
            raise Incorrect(f"`precision_at_10` on {where} counts each query as its own neighbour: its similarity to "
                            "itself is the largest. Leave it out (set the diagonal to -inf, or skip index i).")
        if abs(number - _precision(emb, labels, farthest=True)) <= tol:
            raise Incorrect(f"`precision_at_10` on {where} uses the 10 *least* similar images: sort similarities "
                            "in decreasing order (np.argsort(-similarity)).")
        if abs(number - _precision(emb, labels, metric="euclidean")) <= tol:
            raise Incorrect(f"`precision_at_10` on {where} ranks by Euclidean distance; this question asks for "
                            "cosine similarity (normalise the rows first).")
        raise Incorrect(f"`precision_at_10` gives {number:.3f} on {where}, which is not the mean fraction of the "
                        "10 most cosine-similar other images that share the query's label.")
    return None


q3 = Exercise(
    "q3", "precision@10 with class labels", ["precision_at_10"], _check_precision,
    context=["embed_test", "test_labels"], lesson=LESSON,
    hints=[
        "Normalise each row to length 1; then similarity = unit @ unit.T holds every cosine similarity.",
        "Set the diagonal to -np.inf (a query is not its own neighbour), take "
        "np.argsort(-similarity, axis=1)[:, :10], and compare labels[top10] with labels[:, None].",
    ],
)


# --- q4: nearest neighbours of one query in CNN space -------------------------------------


def _check_neighbours(neighbours, embed_test, query):
    x = np.asarray(embed_test, dtype=np.float64)
    query = int(query)
    if isinstance(neighbours, (set, frozenset)):
        raise Incorrect("`neighbours` is a set, which has no order; the question asks for the images most "
                        "similar first: use a list or an array.")
    found = expect_array("neighbours", as_numpy(neighbours), kind="iu",
                         why="Give the row indices of the neighbours in `embed_test` (integers).").ravel()
    if len(found) != 5:
        raise Incorrect(f"`neighbours` holds {len(found)} indices; the question asks for the 5 nearest.")
    if found.min() < 0 or found.max() >= len(x):
        raise Incorrect(f"`neighbours` holds an index outside 0..{len(x) - 1}: use row numbers of `embed_test`.")
    if len(set(found.tolist())) != 5:
        raise Incorrect("`neighbours` repeats an index; the 5 nearest images are 5 different ones.")
    if query in found:
        raise Incorrect("`neighbours` contains the query itself (it is always the most similar): leave it out.")
    unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    similarity = unit @ unit[query]
    similarity[query] = -np.inf
    best = np.sort(similarity)[::-1][:5]
    got = similarity[found]
    if np.allclose(np.sort(got)[::-1], best, atol=1e-6):
        if np.all(np.diff(got) <= 1e-6):
            return None
        raise Incorrect("`neighbours` holds the right images but not best first: order them by decreasing "
                        "cosine similarity.")
    if np.allclose(np.sort(got), np.sort(similarity[np.isfinite(similarity)])[:5], atol=1e-6):
        raise Incorrect("`neighbours` holds the *least* similar images: sort similarities in decreasing order.")
    distance = np.linalg.norm(x - x[query], axis=1)
    distance[query] = np.inf
    if set(found.tolist()) == set(np.argsort(distance, kind="stable")[:5].tolist()):
        raise Incorrect("`neighbours` are the nearest by Euclidean distance; this question asks for cosine "
                        "similarity, which ignores the vectors' lengths.")
    raise Incorrect(f"`neighbours` are not the 5 images most cosine-similar to image {query} in `embed_test`.")


q4 = Exercise(
    "q4", "nearest neighbours in CNN space", ["neighbours"], _check_neighbours,
    context=["embed_test", "query"], lesson=LESSON,
    hints=[
        "Cosine similarity of every row with the query: normalise the rows, then unit @ unit[query].",
        "Exclude the query (set its similarity to -np.inf), then np.argsort(-similarity)[:5] is best first.",
    ],
)
