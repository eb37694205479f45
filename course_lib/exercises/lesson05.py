"""Checks for exercises/05_contextual_embeddings.ipynb: contextual vectors, pooling, Lee, masks, last-token
pooling and the causal mask of a padded batch."""
from __future__ import annotations

import numpy as np

from course_lib.exercises import (
    Exercise,
    Incorrect,
    NotAttempted,
    as_numpy,
    call_answer,
    expect_array,
    expect_callable,
    expect_in_range,
    expect_number,
    is_blank,
)

LESSON = "05"


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(_unit(np.asarray(a, dtype=np.float64)) @ _unit(np.asarray(b, dtype=np.float64)))


# ---------------------------------------------------------------- q1 "bank" cosine
def _check_bank_similarity(bank_similarity, tokens_river, states_river, tokens_money, states_money, LAYER):
    value = expect_in_range("bank_similarity", bank_similarity, -1.0, 1.0,
                            why="A cosine similarity lies between -1 and 1.")
    i, j = tokens_river.index("bank"), tokens_money.index("bank")
    states_river = np.asarray(states_river, dtype=np.float64)
    states_money = np.asarray(states_money, dtype=np.float64)
    expected = _cos(states_river[LAYER, i], states_money[LAYER, j])
    if np.isclose(value, expected, rtol=1e-4, atol=1e-5):
        return None
    if np.isclose(value, 1.0, atol=1e-6):
        raise Incorrect("`bank_similarity` is 1: either you compared a vector with itself, or you used layer 0, "
                        "where 'bank' is a plain lookup and identical in both sentences. Use layer `LAYER`.")
    for layer in range(states_river.shape[0]):
        if layer != LAYER and np.isclose(value, _cos(states_river[layer, i], states_money[layer, j]),
                                         rtol=1e-4, atol=1e-5):
            raise Incorrect(f"`bank_similarity` is the cosine at layer {layer}; the question asks for layer "
                            "`LAYER` (index the first axis of the states with it).")
    dot = float(states_river[LAYER, i] @ states_money[LAYER, j])
    if np.isclose(value, dot, rtol=1e-4):
        raise Incorrect("`bank_similarity` looks like the plain dot product; cosine similarity divides it by "
                        "both vectors' lengths.")
    raise Incorrect("`bank_similarity` is not the cosine of the two 'bank' vectors at layer `LAYER`. Find the "
                    "position of 'bank' in each token list with .index('bank'), take that row of "
                    "states[LAYER], and compare the two rows.")


q1 = Exercise(
    "q1", "cosine of 'bank' in two contexts", ["bank_similarity"], _check_bank_similarity,
    context=["tokens_river", "states_river", "tokens_money", "states_money", "LAYER"], lesson=LESSON,
    hints=["`states_river[LAYER]` holds one row per token of `tokens_river`; `tokens_river.index('bank')` "
           "says which row is 'bank'.",
           "Cosine similarity: a @ b / (np.linalg.norm(a) * np.linalg.norm(b))."],
)


# ---------------------------------------------------------------- q2 mean pooling
def _check_sentence_vectors(sentence_vectors, token_states, attention_mask):
    hidden = np.asarray(token_states, dtype=np.float64)
    mask = np.asarray(attention_mask, dtype=np.float64)
    batch, _, dim = hidden.shape
    array = expect_array("sentence_vectors", sentence_vectors, shape=(batch, dim),
                         why="One vector per sentence: average over the token axis (axis=1).")
    array = array.astype(np.float64)
    expected = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    if np.allclose(array, expected, rtol=1e-4, atol=1e-5):
        return None
    if np.allclose(array, hidden.mean(axis=1), rtol=1e-4, atol=1e-5):
        raise Incorrect("`sentence_vectors` averages the padding positions too. Multiply by the attention mask "
                        "before summing, and divide by the number of real tokens, not the padded length.")
    if np.allclose(array, (hidden * mask[..., None]).sum(axis=1) / hidden.shape[1], rtol=1e-4, atol=1e-5):
        raise Incorrect("`sentence_vectors` sums the real tokens correctly but divides by the padded length; "
                        "divide each sentence by its own number of real tokens (the mask's row sum).")
    norms = np.linalg.norm(expected, axis=1, keepdims=True)
    if np.allclose(array, expected / norms, rtol=1e-4, atol=1e-5):
        raise Incorrect("`sentence_vectors` is scaled to length 1; this question asks for the plain mean "
                        "(the encoder normalises afterwards, in a separate step).")
    if np.allclose(array, (hidden * mask[..., None]).sum(axis=1), rtol=1e-4, atol=1e-5):
        raise Incorrect("`sentence_vectors` is the sum over the real tokens; divide by how many there are.")
    raise Incorrect("`sentence_vectors` has the right shape, but it is not the mean of each sentence's real "
                    "token vectors.")


q2 = Exercise(
    "q2", "mean pooling by hand", ["sentence_vectors"], _check_sentence_vectors,
    context=["token_states", "attention_mask"], lesson=LESSON,
    hints=["`attention_mask[:, :, None]` has shape (batch, length, 1), so it multiplies every dimension of a token.",
           "Sum the masked token vectors over axis 1, then divide by attention_mask.sum(axis=1, keepdims=True)."],
)


# ---------------------------------------------------------------- q3 Lee correlation
def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def _check_pearson(pearson, human, model_sims):
    value = expect_number("pearson", pearson, why="Give the correlation coefficient itself, one number "
                          "(pearsonr(...).statistic, or np.corrcoef(...)[0, 1]).")
    expect_in_range("pearson", value, -1.0, 1.0, why="A correlation coefficient lies between -1 and 1.")
    human = np.asarray(human, dtype=np.float64)
    model_sims = np.asarray(model_sims, dtype=np.float64)
    n = len(human)
    upper = np.triu_indices(n, k=1)
    expected = _pearson(model_sims[upper], human[upper])
    if np.isclose(value, expected, atol=1e-6):
        return None
    if np.isclose(value, _pearson(model_sims.ravel(), human.ravel()), atol=1e-6):
        raise Incorrect("`pearson` uses the whole matrix, diagonal included. The diagonal compares each document "
                        "with itself (always 1 for both) and every pair appears twice; keep only the upper "
                        "triangle without the diagonal: np.triu_indices(n, k=1).")
    if np.isclose(value, _pearson(model_sims[np.triu_indices(n)], human[np.triu_indices(n)]), atol=1e-6):
        raise Incorrect("`pearson` includes the diagonal (np.triu_indices(n) keeps it); the diagonal compares "
                        "each document with itself and inflates the correlation. Use k=1.")
    if np.isclose(value, _spearman(model_sims[upper], human[upper]), atol=1e-6):
        raise Incorrect("`pearson` is a Spearman (rank) correlation; the Lee benchmark reports Pearson's.")
    if np.isclose(value, -expected, atol=1e-6):
        raise Incorrect("`pearson` has the wrong sign; correlate similarities with similarities.")
    raise Incorrect("`pearson` is not the Pearson correlation between `model_sims` and `human` over the pairs of "
                    "the upper triangle (without the diagonal).")


q3 = Exercise(
    "q3", "Pearson correlation on the Lee benchmark", ["pearson"], _check_pearson,
    context=["human", "model_sims"], lesson=LESSON,
    hints=["Each pair of documents should count once, and no document should be compared with itself.",
           "upper = np.triu_indices(50, k=1) gives the row and column indices of the 1,225 pairs; "
           "`human[upper]` is a flat array of their ratings.",
           "scipy.stats.pearsonr(a, b).statistic is the correlation of two flat arrays."],
)


# ---------------------------------------------------------------- q4 causal mask
def _as_bool_matrix(name: str, result, n: int) -> np.ndarray:
    if hasattr(result, "detach"):
        result = result.detach().cpu().numpy()
    array = np.asarray(result)
    if array.shape != (n, n):
        raise Incorrect(f"`{name}({n})` has shape {array.shape}; it should be ({n}, {n}): one row per token, "
                        "one column per token it might look at.")
    if array.dtype != bool:
        raise Incorrect(f"`{name}({n})` holds {array.dtype} values; make it boolean (True = may attend), "
                        "for example with dtype=bool or `.astype(bool)`.")
    return array


def _check_causal_mask(causal_mask):
    expect_callable("causal_mask", causal_mask)
    for n in (1, 3, 6):
        try:
            result = causal_mask(n)
        except Exception as exc:  # the learner's code: report, never crash the check
            raise Incorrect(f"`causal_mask({n})` raised {type(exc).__name__}: {exc}") from None
        if is_blank(result):
            raise NotAttempted("`causal_mask` still returns ____; write its body, then check again.")
        array = _as_bool_matrix("causal_mask", result, n)
        expected = np.tril(np.ones((n, n), dtype=bool))
        if np.array_equal(array, expected):
            continue
        if n > 1 and array.all():
            raise Incorrect(f"`causal_mask({n})` allows every pair: that is the bidirectional (BERT) mask. "
                            "A causal token may not look at tokens to its right.")
        if np.array_equal(array, expected.T):
            raise Incorrect(f"`causal_mask({n})` lets token i look at tokens after it (the future) and not before; "
                            "row i should allow columns 0..i.")
        if np.array_equal(array, np.tril(expected, k=-1)):
            raise Incorrect(f"`causal_mask({n})` forbids the diagonal: a token must be allowed to attend to "
                            "itself (otherwise the first token sees nothing at all).")
        raise Incorrect(f"`causal_mask({n})` is wrong in {int((array != expected).sum())} places: row i must "
                        "allow exactly the columns 0..i (the token itself and every token before it).")
    return None


q4 = Exercise(
    "q4", "a causal attention mask", ["causal_mask"], _check_causal_mask, lesson=LESSON,
    hints=["Row i is token i; column j is a token it may look at. Causal: j <= i.",
           "np.tril(...) keeps the lower triangle (diagonal included) of a matrix; np.ones((n, n), dtype=bool) "
           "is a matrix of True."],
)


# ---------------------------------------------------------------- q5 last-token pooling
def _like(example, array: np.ndarray):
    """``array`` as the same kind of array as ``example`` (a torch tensor or a NumPy array)."""
    if hasattr(example, "detach"):  # the notebook gave tensors: the learner's code may rely on torch
        import torch

        return torch.from_numpy(np.ascontiguousarray(array))
    return np.ascontiguousarray(array)


def _last_real_positions(mask: np.ndarray) -> np.ndarray:
    return np.array([np.flatnonzero(row)[-1] for row in mask])


def _pool_cases(batch_states, right_padded, left_padded) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(how to show the call, states, mask): a right-padded batch where every text is padded first
    (so that an answer one position too far is seen before it runs off the end), then the
    notebook's own two batches, then a batch without padding and a one-token text."""
    states = np.asarray(as_numpy(batch_states), dtype=np.float64)
    rng = np.random.default_rng(5)
    all_padded = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0], [1, 0, 0, 0, 0]])
    extra = rng.normal(size=(3, 5, states.shape[-1])).round(2)
    full = rng.normal(size=(2, 3, states.shape[-1])).round(2)
    one = rng.normal(size=(2, 4, states.shape[-1])).round(2)
    return [
        ("last_token_pool(<3 right-padded texts>, <their mask>)", extra, all_padded),
        ("last_token_pool(batch_states, right_padded)", states, np.asarray(as_numpy(right_padded))),
        ("last_token_pool(batch_states, left_padded)", states, np.asarray(as_numpy(left_padded))),
        ("last_token_pool(<2 texts without padding>, <their mask>)", full, np.ones((2, 3), dtype=int)),
        ("last_token_pool(<a one-token text beside a longer one, left-padded>, <their mask>)", one,
         np.array([[0, 0, 0, 1], [0, 1, 1, 1]])),
    ]


def _check_last_token_pool(last_token_pool, batch_states, right_padded, left_padded):
    expect_callable("last_token_pool", last_token_pool)
    for shown, states, mask in _pool_cases(batch_states, right_padded, left_padded):
        batch, length, dim = states.shape
        result = call_answer(shown.split("(")[0], last_token_pool, _like(batch_states, states.copy()),
                             _like(right_padded, mask.copy()))
        rows = np.arange(batch)
        if np.asarray(as_numpy(result)).shape == (batch, batch, dim):
            raise Incorrect(f"`{shown}` has shape ({batch}, {batch}, {dim}): it takes every text's position from "
                            "every text. Pick one position per text by indexing both axes together (an array of "
                            "text numbers beside the array of positions).")
        array = expect_array(shown, result, shape=(batch, dim),
                             why="One vector per text: the row of that text's last real token.")
        array = array.astype(np.float64)
        last = _last_real_positions(mask)
        if np.allclose(array, states[rows, last], atol=1e-6):
            continue
        lengths = mask.sum(axis=1)
        first = np.argmax(mask, axis=1)
        real = mask[:, :, None].astype(np.float64)

        def same(candidate) -> bool:
            return candidate.shape == array.shape and np.allclose(array, candidate, atol=1e-6)

        if same(states[:, -1]) and not np.array_equal(last, np.full(batch, length - 1)):
            raise Incorrect(f"`{shown}` returns the vector at the last position of the batch. In a right-padded "
                            "batch that position is padding for every text shorter than the longest one; use the "
                            "mask to find where each text's own real tokens end.")
        if np.all(lengths < length) and same(states[rows, lengths]):
            raise Incorrect(f"`{shown}` is one position too far: it returns the first padding token. Positions "
                            "count from 0, so a text of k tokens (padded on the right) ends at position k - 1.")
        if same(states[rows, lengths - 1]):
            raise Incorrect(f"`{shown}` counts the real tokens to find the last one, which works only when the "
                            "padding comes after the text. In a left-padded batch the real tokens come last (mask "
                            "rows such as [0, 0, 1, 1, 1]); find the last position where the mask is 1, whichever "
                            "side the padding is on.")
        if same(states[rows, first]) or same(states[:, 0]):
            raise Incorrect(f"`{shown}` returns each text's first token. Under a causal mask the first token has "
                            "seen only itself; the last real token is the only one that has read the whole text.")
        if same((states * real).sum(axis=1) / real.sum(axis=1)) or same(states.mean(axis=1)):
            raise Incorrect(f"`{shown}` averages the tokens: that is mean pooling. This question asks for one "
                            "token's vector, the last real one of each text.")
        raise Incorrect(f"`{shown}` has the right shape, but {int((~np.isclose(array, states[rows, last], atol=1e-6)).any(axis=1).sum())} "
                        f"of its {batch} rows are not the vector of that text's last real token.")
    return None


q5 = Exercise(
    "q5", "last-token pooling, padding on either side", ["last_token_pool"], _check_last_token_pool,
    context=["batch_states", "right_padded", "left_padded"], lesson=LESSON,
    hints=["For each text (each row of the mask), find the largest position whose mask entry is 1.",
           "np.flatnonzero(row)[-1] is the last position where `row` is non-zero.",
           "With one position per text in an array `last`, batch_states[np.arange(len(last)), last] takes row "
           "last[b] of text b."],
)


# ---------------------------------------------------------------- q6 the causal mask in a padded batch
def _batch_mask(mask: np.ndarray) -> np.ndarray:
    n = mask.shape[1]
    causal = np.tril(np.ones((n, n), dtype=bool))
    return (causal & mask.astype(bool)[:, None, :]) | np.eye(n, dtype=bool)


def _check_batch_causal_mask(batch_causal_mask, right_padded, left_padded):
    expect_callable("batch_causal_mask", batch_causal_mask)
    # Left padding first: there, the typical mistakes show on the real tokens themselves.
    cases = [("batch_causal_mask(left_padded)", np.asarray(as_numpy(left_padded))),
             ("batch_causal_mask(right_padded)", np.asarray(as_numpy(right_padded))),
             ("batch_causal_mask(<2 texts without padding>)", np.ones((2, 4), dtype=int))]
    for shown, mask in cases:
        batch, n = mask.shape
        result = call_answer("batch_causal_mask", batch_causal_mask, _like(left_padded, mask.copy()))
        result = as_numpy(result)
        array = np.asarray(result) if not isinstance(result, (str, bytes)) else None
        if array is None or array.dtype == object:
            expect_array(shown, result)  # says what it is instead
        if array.shape == (n, n):
            raise Incorrect(f"`{shown}` has shape ({n}, {n}): one mask for the whole batch. Each text has its own "
                            f"padding, so it needs its own (n, n) mask: shape ({batch}, {n}, {n}).")
        if array.shape != (batch, n, n):
            raise Incorrect(f"`{shown}` has shape {array.shape}; it should be ({batch}, {n}, {n}): for each text, "
                            "one row per token and one column per token it might attend to.")
        if array.dtype != bool:
            raise Incorrect(f"`{shown}` holds {array.dtype} values; make it boolean (True = may attend), for "
                            "example with `.astype(bool)` or by combining boolean arrays with &.")
        expected = _batch_mask(mask)
        if np.array_equal(array, expected):
            continue
        real = mask.astype(bool)
        causal = np.tril(np.ones((n, n), dtype=bool))
        upper = ~causal
        if np.any(array & upper[None]):
            raise Incorrect(f"`{shown}` lets tokens attend to tokens after them (the future). In a causal model "
                            "token i may only attend to positions 0..i.")
        if np.array_equal(array, np.broadcast_to(causal, array.shape)):
            raise Incorrect(f"`{shown}` is the same causal mask for every text: it lets real tokens attend to "
                            "padding positions, which would mix padding vectors into their own. Use the attention "
                            "mask to forbid the padding columns.")
        eye = np.eye(n, dtype=bool)
        if np.array_equal(array[real], expected[real]):
            # right for every real token; only the padding rows differ
            empty = not array.any(axis=2).all()
            if empty:
                raise Incorrect(f"`{shown}` is right for the real tokens, but leaves some padding positions with "
                                "no token at all to attend to. Softmax over a row of -inf gives NaN, and in the "
                                "next layer 0 x NaN is NaN for every token. Let every token attend to itself.")
            raise Incorrect(f"`{shown}` is right for the real tokens, but not for the padding positions: each "
                            "may attend to itself and to the real tokens before it.")
        if np.array_equal(array | eye[None], expected):
            raise Incorrect(f"`{shown}` forbids some tokens to attend to themselves. Every token must see itself "
                            "(the first token of a text would otherwise see nothing at all).")
        if np.any(array & ~real[:, None, :] & ~eye[None]):
            raise Incorrect(f"`{shown}` lets tokens attend to padding positions (columns where the attention mask "
                            "is 0), which would mix padding vectors into real tokens.")
        wrong = int((array != expected).sum())
        raise Incorrect(f"`{shown}` is wrong in {wrong} places: in text b, token i may attend to itself and to "
                        "the real tokens before it, nothing else.")
    return None


q6 = Exercise(
    "q6", "the causal mask in a padded batch", ["batch_causal_mask"], _check_batch_causal_mask,
    context=["right_padded", "left_padded"], lesson=LESSON,
    hints=["Start from the causal mask of q4, shape (n, n); a text's real tokens are its mask's 1s.",
           "attention_mask[:, None, :] has shape (batch, 1, n): it broadcasts over the rows (the tokens that "
           "look) and picks the columns (the tokens looked at).",
           "Combine boolean arrays with & (and) and | (or); np.eye(n, dtype=bool) is the diagonal: each token "
           "itself."],
)
