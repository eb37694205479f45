"""Lesson 05's checks: right answers pass, typical mistakes get their own message, blanks are
"not attempted", and no message gives the answer away.

The checks read only arrays, so the tests use small synthetic ones (no model needed).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.stats import pearsonr, spearmanr

from course_lib.data import load_lee_similarities
from course_lib.exercises import ____
from course_lib.exercises.lesson05 import q1, q2, q3, q4, q5, q6


def _outcome(question, namespace):
    result = question.evaluate(namespace)
    return result.outcome, result.message


# ---------------------------------------------------------------------------- q1


@pytest.fixture(scope="module")
def bank():
    rng = np.random.default_rng(0)
    tokens_river = ["[CLS]", "the", "river", "bank", "[SEP]"]
    tokens_money = ["[CLS]", "we", "paid", "the", "bank", "[SEP]"]
    states_river = rng.normal(size=(7, 5, 16)).astype(np.float32)
    states_money = rng.normal(size=(7, 6, 16)).astype(np.float32)
    states_money[0, 4] = states_river[0, 3]  # layer 0 is a lookup: the same vector
    return {"tokens_river": tokens_river, "states_river": states_river,
            "tokens_money": tokens_money, "states_money": states_money, "LAYER": 4}


def _cos(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_q1_right_answer_passes(bank):
    right = _cos(bank["states_river"][4, 3], bank["states_money"][4, 4])
    assert _outcome(q1, {**bank, "bank_similarity": right})[0] == "correct"
    assert _outcome(q1, {**bank, "bank_similarity": np.float32(right)})[0] == "correct"
    tensor = torch.tensor(right)
    assert _outcome(q1, {**bank, "bank_similarity": tensor})[0] == "correct"


def test_q1_blank_is_not_attempted(bank):
    assert _outcome(q1, {**bank, "bank_similarity": ____})[0] == "not attempted"
    assert _outcome(q1, {})[0] == "not attempted"


def test_q1_wrong_layer_gets_a_targeted_message(bank):
    wrong = _cos(bank["states_river"][6, 3], bank["states_money"][6, 4])
    outcome, message = _outcome(q1, {**bank, "bank_similarity": wrong})
    assert outcome == "incorrect"
    assert "layer 6" in message and "`LAYER`" in message


def test_q1_layer_zero_or_self_comparison_gets_a_targeted_message(bank):
    outcome, message = _outcome(q1, {**bank, "bank_similarity": 1.0})
    assert outcome == "incorrect" and "layer 0" in message


def test_q1_dot_product_gets_a_targeted_message(bank):
    dot = float(bank["states_river"][4, 3] @ bank["states_money"][4, 4]) / 100  # scaled into [-1, 1]
    bank_small = {**bank, "states_river": bank["states_river"] / 10, "states_money": bank["states_money"] / 10}
    outcome, message = _outcome(q1, {**bank_small, "bank_similarity": dot})
    assert outcome == "incorrect" and "dot product" in message


def test_q1_out_of_range_and_wrong_type(bank):
    outcome, message = _outcome(q1, {**bank, "bank_similarity": 3.2})
    assert outcome == "incorrect" and "between -1 and 1" in message
    outcome, message = _outcome(q1, {**bank, "bank_similarity": bank["states_river"][4, 3]})
    assert outcome == "incorrect" and "single number" in message


def test_q1_wrong_token_gets_the_general_message_without_the_answer(bank):
    right = _cos(bank["states_river"][4, 3], bank["states_money"][4, 4])
    wrong = _cos(bank["states_river"][4, 2], bank["states_money"][4, 4])
    outcome, message = _outcome(q1, {**bank, "bank_similarity": wrong})
    assert outcome == "incorrect" and ".index('bank')" in message
    assert f"{right:.3f}" not in message and f"{right:.4g}" not in message


# ---------------------------------------------------------------------------- q2


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(1)
    token_states = rng.normal(size=(3, 6, 8)).astype(np.float32)
    attention_mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]])
    return {"token_states": token_states, "attention_mask": attention_mask}


def _right_pool(token_states, attention_mask):
    m = attention_mask[:, :, None]
    return (token_states * m).sum(axis=1) / m.sum(axis=1)


def test_q2_right_answers_pass(batch):
    right = _right_pool(**batch)
    assert _outcome(q2, {**batch, "sentence_vectors": right})[0] == "correct"
    assert _outcome(q2, {**batch, "sentence_vectors": torch.tensor(right)})[0] == "correct"


def test_q2_blank_is_not_attempted(batch):
    assert _outcome(q2, {**batch, "sentence_vectors": ____})[0] == "not attempted"


@pytest.mark.parametrize("mistake, words", [
    (lambda s, m: s.mean(axis=1), "padding positions too"),
    (lambda s, m: (s * m[:, :, None]).sum(axis=1) / s.shape[1], "padded length"),
    (lambda s, m: (s * m[:, :, None]).sum(axis=1), "sum over the real tokens"),
    (lambda s, m: _right_pool(s, m) / np.linalg.norm(_right_pool(s, m), axis=1, keepdims=True), "length 1"),
    (lambda s, m: _right_pool(s, m) + 0.5, "right shape"),
])
def test_q2_typical_mistakes_get_targeted_messages(batch, mistake, words):
    outcome, message = _outcome(q2, {**batch, "sentence_vectors": mistake(batch["token_states"], batch["attention_mask"])})
    assert outcome == "incorrect"
    assert words in message


def test_q2_wrong_shape_names_the_variable(batch):
    outcome, message = _outcome(q2, {**batch, "sentence_vectors": batch["token_states"]})
    assert outcome == "incorrect" and "`sentence_vectors` should have shape (3, 8)" in message


# ---------------------------------------------------------------------------- q3


@pytest.fixture(scope="module")
def lee():
    human = load_lee_similarities()
    rng = np.random.default_rng(2)
    noise = rng.normal(scale=0.2, size=human.shape)
    model_sims = human + (noise + noise.T) / 2
    np.fill_diagonal(model_sims, 1.0)
    return {"human": human, "model_sims": model_sims}


def test_q3_right_answers_pass(lee):
    upper = np.triu_indices(50, k=1)
    right = pearsonr(lee["model_sims"][upper], lee["human"][upper]).statistic
    assert _outcome(q3, {**lee, "pearson": right})[0] == "correct"
    assert _outcome(q3, {**lee, "pearson": np.corrcoef(lee["human"][upper], lee["model_sims"][upper])[0, 1]})[0] == "correct"
    lower = np.tril_indices(50, k=-1)  # the same pairs, seen from the other side
    assert _outcome(q3, {**lee, "pearson": pearsonr(lee["model_sims"][lower], lee["human"][lower]).statistic})[0] == "correct"


def test_q3_blank_is_not_attempted(lee):
    assert _outcome(q3, {**lee, "pearson": ____})[0] == "not attempted"


def test_q3_full_matrix_including_diagonal_gets_a_targeted_message(lee):
    full = pearsonr(lee["model_sims"].ravel(), lee["human"].ravel()).statistic
    outcome, message = _outcome(q3, {**lee, "pearson": full})
    assert outcome == "incorrect"
    assert "whole matrix, diagonal included" in message and "k=1" in message


def test_q3_triangle_with_diagonal_gets_a_targeted_message(lee):
    upper0 = np.triu_indices(50)
    value = pearsonr(lee["model_sims"][upper0], lee["human"][upper0]).statistic
    outcome, message = _outcome(q3, {**lee, "pearson": value})
    assert outcome == "incorrect" and "includes the diagonal" in message


def test_q3_spearman_and_result_object_get_targeted_messages(lee):
    upper = np.triu_indices(50, k=1)
    rho = spearmanr(lee["model_sims"][upper], lee["human"][upper]).statistic
    outcome, message = _outcome(q3, {**lee, "pearson": rho})
    assert outcome == "incorrect" and "Spearman" in message
    result = pearsonr(lee["model_sims"][upper], lee["human"][upper])
    outcome, message = _outcome(q3, {**lee, "pearson": result})
    assert outcome == "incorrect" and ".statistic" in message


def test_q3_message_does_not_leak_the_answer(lee):
    upper = np.triu_indices(50, k=1)
    right = pearsonr(lee["model_sims"][upper], lee["human"][upper]).statistic
    outcome, message = _outcome(q3, {**lee, "pearson": 0.1})
    assert outcome == "incorrect"
    assert f"{right:.2f}" not in message and f"{right:.4g}" not in message


# ---------------------------------------------------------------------------- q4


def test_q4_right_answers_pass():
    assert _outcome(q4, {"causal_mask": lambda n: np.tril(np.ones((n, n), dtype=bool))})[0] == "correct"
    assert _outcome(q4, {"causal_mask": lambda n: torch.ones(n, n, dtype=torch.bool).tril()})[0] == "correct"
    assert _outcome(q4, {"causal_mask": lambda n: np.arange(n)[:, None] >= np.arange(n)[None, :]})[0] == "correct"


def test_q4_blank_function_is_not_attempted():
    def causal_mask(n):
        """Stub as the practice notebook has it."""
        return ____

    outcome, message = _outcome(q4, {"causal_mask": causal_mask})
    assert outcome == "not attempted" and "still returns ____" in message
    assert _outcome(q4, {"causal_mask": ____})[0] == "not attempted"


@pytest.mark.parametrize("mistake, words", [
    (lambda n: np.ones((n, n), dtype=bool), "bidirectional"),
    (lambda n: np.triu(np.ones((n, n), dtype=bool)), "the future"),
    (lambda n: np.tril(np.ones((n, n), dtype=bool), k=-1), "attend to itself"),
    (lambda n: np.tril(np.ones((n, n))), "make it boolean"),
    (lambda n: np.tril(np.ones((n, n + 1), dtype=bool)), "should be (1, 1)"),
    (lambda n: np.eye(n, dtype=bool), "exactly the columns 0..i"),
    (lambda n: 1 / 0, "raised ZeroDivisionError"),
    (3, "should be a function"),
])
def test_q4_typical_mistakes_get_targeted_messages(mistake, words):
    outcome, message = _outcome(q4, {"causal_mask": mistake})
    assert outcome == "incorrect"
    assert words in message


# ---------------------------------------------------------------------------- q5


@pytest.fixture(scope="module")
def padded():
    rng = np.random.default_rng(3)
    right_padded = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0]])
    return {"batch_states": rng.normal(size=(3, 5, 4)).round(2), "right_padded": right_padded,
            "left_padded": right_padded[:, ::-1].copy()}


def _last_pool(states, mask):
    last = [np.flatnonzero(row)[-1] for row in np.asarray(mask)]
    return states[np.arange(len(last)), last]


def _as_torch(context):
    return {k: torch.tensor(v) for k, v in context.items()}


@pytest.mark.parametrize("answer", [
    _last_pool,
    lambda s, m: torch.as_tensor(_last_pool(s, m)),                       # a tensor
    lambda s, m: [list(row) for row in _last_pool(s, m)],                 # a list of lists
    lambda s, m: s[np.arange(len(m)), m.cumsum(axis=1).argmax(axis=1)],   # another way to find the position
    lambda s, m: s[np.arange(len(m)), m.shape[1] - 1 - np.argmax(m[:, ::-1], axis=1)],
    lambda s, m: np.stack([s[b, np.nonzero(m[b])[0].max()] for b in range(len(m))]),
], ids=["flatnonzero", "tensor", "lists", "cumsum-argmax", "reversed-argmax", "loop"])
def test_q5_right_answers_in_any_form_pass(padded, answer):
    assert _outcome(q5, {**padded, "last_token_pool": answer}) == (
        "correct", "q5 correct! Last-token pooling, padding on either side: well done.")


def test_q5_torch_inputs_are_passed_as_torch(padded):
    def torch_only(states, mask):
        last = torch.stack([torch.nonzero(row)[-1, 0] for row in mask])   # fails on NumPy arrays
        return states[torch.arange(len(mask)), last]

    assert _outcome(q5, {**_as_torch(padded), "last_token_pool": torch_only})[0] == "correct"


def test_q5_blank_is_not_attempted(padded):
    def last_token_pool(token_states, attention_mask):
        """Stub as the practice notebook has it."""
        return ____

    assert _outcome(q5, {**padded, "last_token_pool": last_token_pool})[0] == "not attempted"
    assert _outcome(q5, {**padded, "last_token_pool": ____})[0] == "not attempted"


@pytest.mark.parametrize("mistake, words", [
    (lambda s, m: s[:, -1], "last position of the batch"),
    (lambda s, m: s[np.arange(len(m)), m.sum(axis=1) - 1], "works only when the padding comes after the text"),
    (lambda s, m: s[np.arange(len(m)), np.minimum(m.sum(axis=1), m.shape[1] - 1)], "one position too far"),
    (lambda s, m: s[np.arange(len(m)), m.sum(axis=1)], "one position too far"),
    (lambda s, m: s[:, 0], "first token"),
    (lambda s, m: s[np.arange(len(m)), m.argmax(axis=1)], "first token"),
    (lambda s, m: (s * m[:, :, None]).sum(axis=1) / m.sum(axis=1, keepdims=True), "mean pooling"),
    (lambda s, m: s.mean(axis=1), "mean pooling"),
    (lambda s, m: s[:, m.sum(axis=1) - 1], "indexing both axes together"),
    (lambda s, m: m.sum(axis=1) - 1, "should have shape (3, 4)"),
    (lambda s, m: _last_pool(s, m) + 1.0, "rows are not the vector"),
    (lambda s, m: 1 / 0, "raised ZeroDivisionError"),
    ("last", "should be a function"),
], ids=["last-position", "right-padding-only", "one-too-far-clipped", "one-too-far", "first", "first-real",
        "mean", "mean-with-padding", "no-arange", "positions-not-vectors", "wrong-rows", "raises", "not-a-function"])
def test_q5_typical_mistakes_get_targeted_messages(padded, mistake, words):
    outcome, message = _outcome(q5, {**padded, "last_token_pool": mistake})
    assert outcome == "incorrect"
    assert words in message
    right = _last_pool(padded["batch_states"], padded["right_padded"])
    assert all(f"{v:.2f}" not in message for v in right.ravel() if abs(v) > 0.05)


# ---------------------------------------------------------------------------- q6


def _batch_mask(mask):
    real = np.asarray(mask).astype(bool)
    n = real.shape[1]
    return (np.tril(np.ones((n, n), dtype=bool)) & real[:, None, :]) | np.eye(n, dtype=bool)


def _causal(n):
    return np.tril(np.ones((n, n), dtype=bool))


@pytest.mark.parametrize("answer", [
    _batch_mask,
    lambda m: torch.as_tensor(_batch_mask(m)),
    lambda m: _batch_mask(m).tolist(),
    lambda m: np.logical_or(np.logical_and(_causal(m.shape[1])[None], m[:, None, :] == 1), np.eye(m.shape[1]) == 1),
], ids=["numpy", "tensor", "nested-lists", "logical-functions"])
def test_q6_right_answers_in_any_form_pass(padded, answer):
    assert _outcome(q6, {**padded, "batch_causal_mask": answer})[0] == "correct"


def test_q6_torch_inputs_are_passed_as_torch(padded):
    def torch_only(mask):
        n = mask.shape[1]
        causal = torch.ones(n, n, dtype=torch.bool).tril()
        return (causal & mask.bool()[:, None, :]) | torch.eye(n, dtype=torch.bool)

    assert _outcome(q6, {**_as_torch(padded), "batch_causal_mask": torch_only})[0] == "correct"


def test_q6_blank_is_not_attempted(padded):
    def batch_causal_mask(attention_mask):
        """Stub as the practice notebook has it."""
        return ____

    assert _outcome(q6, {**padded, "batch_causal_mask": batch_causal_mask})[0] == "not attempted"
    assert _outcome(q6, {**padded, "batch_causal_mask": ____})[0] == "not attempted"


@pytest.mark.parametrize("mistake, words", [
    (lambda m: _causal(m.shape[1]), "one mask for the whole batch"),
    (lambda m: np.broadcast_to(_causal(m.shape[1]), (len(m),) + (m.shape[1],) * 2), "same causal mask for every text"),
    (lambda m: _causal(m.shape[1]) & (m[:, None, :] == 1), "no token at all to attend to"),
    (lambda m: _causal(m.shape[1]) & (m[:, None, :] == 1) & (m[:, :, None] == 1), "no token at all to attend to"),
    (lambda m: _causal(m.shape[1]) & (m[:, :, None] == 1), "attend to padding positions"),
    (lambda m: (m[:, None, :] == 1) | np.eye(m.shape[1], dtype=bool), "the future"),
    (lambda m: np.triu(np.ones((m.shape[1],) * 2, dtype=bool)) & (m[:, None, :] == 1), "the future"),
    (lambda m: _batch_mask(m).astype(int), "make it boolean"),
    (lambda m: _batch_mask(m)[:, :, :-1], "should be (3, 5, 5)"),
    (lambda m: _batch_mask(m) & ~np.eye(m.shape[1], dtype=bool), "attend to themselves"),
    (lambda m: _batch_mask(m) & (np.arange(m.shape[1]) > 0)[None, None, :], "wrong in"),
    (lambda m: m.nonexistent, "raised AttributeError"),
], ids=["one-mask", "ignores-padding", "keys-only", "queries-and-keys", "queries-only", "not-causal", "future",
        "ints", "wrong-shape", "no-diagonal", "other", "raises"])
def test_q6_typical_mistakes_get_targeted_messages(padded, mistake, words):
    outcome, message = _outcome(q6, {**padded, "batch_causal_mask": mistake})
    assert outcome == "incorrect"
    assert words in message
