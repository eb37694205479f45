"""Checks of lesson 03's exercises: right answers pass, typical mistakes get their message."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.embed.word2vec import keep_probabilities as lesson_keep_probabilities
from course_lib.embed.word2vec import noise_distribution as lesson_noise_distribution
from course_lib.embed.word2vec import sgns_loss as lesson_sgns_loss
from course_lib.embed.word2vec import skipgram_pairs as lesson_skipgram_pairs
from course_lib.exercises import ____
from course_lib.exercises.lesson03 import q1, q2, q3, q4

COUNTS = np.array([5000, 1200, 300, 40, 7, 5, 5, 1], dtype=np.int64)


# ---------------------------------------------------------------- the lesson's versions


def test_lesson_functions():
    noise = lesson_noise_distribution(COUNTS)
    assert noise.sum() == pytest.approx(1.0) and noise[0] < COUNTS[0] / COUNTS.sum()
    keep = lesson_keep_probabilities(COUNTS, t=1e-2)
    f = COUNTS / COUNTS.sum()
    assert keep[0] == pytest.approx(np.sqrt(1e-2 / f[0]) + 1e-2 / f[0])
    assert keep[-1] == 1.0 and np.all(np.diff(keep) >= 0)
    center = torch.zeros(3, 4)
    loss = lesson_sgns_loss(center, torch.ones(3, 4), torch.ones(3, 5, 4))
    assert loss.item() == pytest.approx(6 * np.log(2))  # all scores 0: each term is log 2
    assert lesson_skipgram_pairs(["a", "b", "c"], 1) == [("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")]


# ---------------------------------------------------------------- q1


def _q1(answer):
    return q1.evaluate({"noise_probs": answer, "counts": COUNTS})


def test_q1_right_and_blank():
    weights = COUNTS ** 0.75
    assert _q1(weights / weights.sum()).outcome == "correct"
    assert _q1(torch.tensor(weights / weights.sum())).outcome == "correct"
    assert _q1(____).outcome == "not attempted"


@pytest.mark.parametrize("answer, message", [
    (COUNTS / COUNTS.sum(), "0.75"),
    (COUNTS ** 0.75, "divide the weights by their sum"),
    ((COUNTS / COUNTS.sum()) ** 0.75, "divide the weights by their sum"),
    (COUNTS ** 0.75 / (COUNTS ** 0.75).sum() * 2, "not 1"),
    (lesson_noise_distribution(COUNTS, 0.25), "wrong power"),
    (np.full(8, 1 / 8), "sums to 1 but"),
    (lesson_noise_distribution(COUNTS)[:4], "shape"),
    (-lesson_noise_distribution(COUNTS), "negative"),
])
def test_q1_typical_mistakes(answer, message):
    result = _q1(answer)
    assert result.outcome == "incorrect" and message in result.message, result.message
    assert "`noise_probs`" in result.message


# ---------------------------------------------------------------- q2

T = 1e-2


def _q2(answer):
    return q2.evaluate({"keep_probs": answer, "counts": COUNTS, "t": T})


def test_q2_right_and_blank():
    assert _q2(lesson_keep_probabilities(COUNTS, T)).outcome == "correct"
    assert _q2(____).outcome == "not attempted"


F_ = COUNTS / COUNTS.sum()


@pytest.mark.parametrize("answer, message", [
    (np.sqrt(T / F_) + T / F_, "above 1"),
    (np.maximum(0, 1 - np.sqrt(T / F_)), "dropping"),
    (1 - lesson_keep_probabilities(COUNTS, T), "dropping"),
    (np.minimum(1, np.sqrt(T / F_)), "paper"),
    (np.minimum(1, np.sqrt(T / COUNTS) + T / COUNTS), "raw counts"),
    (np.linspace(0.1, 0.9, 8)[::-1], "more often than the rarest"),
    (np.linspace(0.1, 1.0, 8), "not min(1"),
    (np.ones(3), "shape"),
])
def test_q2_typical_mistakes(answer, message):
    result = _q2(answer)
    assert result.outcome == "incorrect" and message in result.message, result.message


# ---------------------------------------------------------------- q3


def _q3(func):
    return q3.evaluate({"sgns_loss": func})


def test_q3_right_and_blank():
    def right(c, o, n):
        return -(F.logsigmoid((c * o).sum(-1)) + F.logsigmoid(-torch.bmm(n, c.unsqueeze(-1)).squeeze(-1)).sum(-1)).mean()

    assert _q3(right).outcome == "correct"
    assert _q3(lesson_sgns_loss).outcome == "correct"

    def blank(c, o, n):
        return ____

    assert _q3(blank).outcome == "not attempted"
    assert _q3(____).outcome == "not attempted"


def _pos(c, o):
    return (c * o).sum(-1)


def _neg(c, n):
    return (n * c.unsqueeze(1)).sum(-1)


@pytest.mark.parametrize("func, message", [
    (lambda c, o, n: (F.logsigmoid(_pos(c, o)) + F.logsigmoid(-_neg(c, n)).sum(-1)).mean(), "overall sign"),
    (lambda c, o, n: -(F.logsigmoid(_pos(c, o)) + F.logsigmoid(_neg(c, n)).sum(-1)).mean(), "negatives' sign"),
    (lambda c, o, n: -(F.logsigmoid(_pos(c, o)) + F.logsigmoid(-_neg(c, n)).sum(-1)).sum(), "average them"),
    (lambda c, o, n: -(F.logsigmoid(_pos(c, o)) + F.logsigmoid(-_neg(c, n)).mean(-1)).mean(), "adds up their k"),
    (lambda c, o, n: -(torch.sigmoid(_pos(c, o)) + torch.sigmoid(-_neg(c, n)).sum(-1)).mean(), "log sigmoid"),
    (lambda c, o, n: -F.logsigmoid(_pos(c, o)).mean(), "leaves out the negative"),
    (lambda c, o, n: -(F.logsigmoid(_pos(c, o)) + F.logsigmoid(-_neg(c, n)).sum(-1)), "one number"),
    (lambda c, o, n: lesson_sgns_loss(c, o, n).item(), "torch tensor"),
    (lambda c, o, n: lesson_sgns_loss(c, o, n).detach(), "autograd"),
    (lambda c, o, n: torch.bmm(c, o), "raised RuntimeError"),
    (lambda c, o, n: lesson_sgns_loss(c, o, n) * 1.5, "not the negative-sampling loss"),
    (3, "should be a function"),
])
def test_q3_typical_mistakes(func, message):
    result = _q3(func)
    assert result.outcome == "incorrect" and message in result.message, result.message


# ---------------------------------------------------------------- q4


def _q4(func):
    return q4.evaluate({"skipgram_pairs": func})


def test_q4_right_and_blank():
    def right(sentence, window):
        return [(sentence[i], sentence[j]) for i in range(len(sentence)) for j in range(len(sentence))
                if 0 < abs(i - j) <= window]

    assert _q4(right).outcome == "correct"
    assert _q4(lesson_skipgram_pairs).outcome == "correct"
    assert _q4(lambda s, w: ____).outcome == "not attempted"


def _window(lo, hi):
    return lambda s, w: [(s[i], s[j]) for i in range(len(s)) for j in range(len(s)) if lo(w) <= abs(i - j) <= hi(w)]


@pytest.mark.parametrize("func, message", [
    (_window(lambda w: 1, lambda w: w - 1), "exactly `window`"),
    (_window(lambda w: 1, lambda w: w + 1), "`window + 1`"),
    (_window(lambda w: 0, lambda w: w), "itself"),
    (lambda s, w: [(s[i], s[j]) for i in range(len(s)) for j in range(i + 1, min(len(s), i + w + 1))], "*after*"),
    (lambda s, w: [(s[i], s[j]) for i in range(len(s)) for j in range(max(0, i - w), i)], "*before*"),
    (lambda s, w: [(s[i], s[j]) for i in range(len(s)) for j in range(i - w, min(len(s), i + w + 1)) if j != i],
     "wraps around"),
    (lambda s, w: list(set(lesson_skipgram_pairs(s, w))), "counts twice"),
    (lambda s, w: [(s[i], s[i + 1]) for i in range(len(s) - 1)], "not the pairs"),
    (lambda s, w: s[w + 10], "raised IndexError"),
    (lambda s, w: [s], "two words each"),
    (lambda s, w: 3, "list of (center, context) tuples"),
])
def test_q4_typical_mistakes(func, message):
    result = _q4(func)
    assert result.outcome == "incorrect" and message in result.message, result.message


# ---------------------------------------------------------------- audit tables
# WRONG: (question, answers, words the message must hold); RIGHT_FORMS: right answers in other forms.

def _loss(center, context, negatives, against="center", reduce="mean", item=False):
    import torch.nn.functional as F

    pos = (center * context).sum(-1)
    other = center if against == "center" else context
    neg = (negatives * other.unsqueeze(1)).sum(-1)
    loss = -(F.logsigmoid(pos) + F.logsigmoid(-neg).sum(-1))
    loss = loss.mean() if reduce == "mean" else loss
    return loss.item() if item else loss


def _bmm_loss(center, context, negatives):
    import torch

    pos = torch.einsum("bd,bd->b", center, context)
    neg = torch.bmm(negatives, center.unsqueeze(2)).squeeze(2)
    return (-torch.nn.functional.logsigmoid(pos) - torch.nn.functional.logsigmoid(-neg).sum(1)).mean()


def _pairs_as_lists(sentence, window):
    return [[a, b] for a, b in lesson_skipgram_pairs(sentence, window)]


AUDIT_WRONG = [
    pytest.param(lambda c: {"noise_probs": c / c.sum()}, q1, "power 0.75", id="q1-unigram"),
    pytest.param(lambda c: {"noise_probs": (c / c.sum()) ** 0.75}, q1, "normalise after", id="q1-power-after"),
    pytest.param(lambda c: {"keep_probs": 1 - lesson_keep_probabilities(c, 1e-4)}, q2, "*dropping*", id="q2-drop"),
    pytest.param(lambda c: {"keep_probs": np.sqrt(1e-4 / (c / c.sum())) + 1e-4 / (c / c.sum())}, q2, "above 1",
                 id="q2-no-clip"),
    pytest.param(lambda c: {"sgns_loss": lambda *a: _loss(*a, against="context")}, q3, "*context*",
                 id="q3-negatives-vs-context"),
    pytest.param(lambda c: {"sgns_loss": lambda *a: _loss(*a, reduce="none")}, q3, "one number", id="q3-no-mean"),
    pytest.param(lambda c: {"sgns_loss": lambda *a: _loss(*a, item=True)}, q3, "a float", id="q3-item"),
    pytest.param(lambda c: {"skipgram_pairs": lambda s, w: set(lesson_skipgram_pairs(s, w))}, q4, "counts twice",
                 id="q4-set-loses-repeats"),
]


@pytest.mark.parametrize("make, question, words", AUDIT_WRONG)
def test_audit_wrong_answers_are_told_what_is_wrong(make, question, words):
    counts = np.array([500_000.0, 120_000.0, 40_000.0, 9_000.0, 300.0, 10.0])  # the last two are rare
    answers = make(counts)
    result = question.evaluate({"counts": counts, "t": 1e-4, **answers})
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message


AUDIT_RIGHT = [
    pytest.param(lambda c: {"noise_probs": (c ** 0.75 / (c ** 0.75).sum()).tolist()}, q1, id="q1-list"),
    pytest.param(lambda c: {"noise_probs": torch.tensor(c ** 0.75 / (c ** 0.75).sum(), dtype=torch.float32)}, q1,
                 id="q1-float32-tensor"),
    pytest.param(lambda c: {"keep_probs": np.clip(np.sqrt(1e-4 / (c / c.sum())) + 1e-4 / (c / c.sum()), 0, 1)}, q2,
                 id="q2-clip"),
    pytest.param(lambda c: {"sgns_loss": _bmm_loss}, q3, id="q3-bmm"),
    pytest.param(lambda c: {"skipgram_pairs": _pairs_as_lists}, q4, id="q4-lists"),
    pytest.param(lambda c: {"skipgram_pairs": lambda s, w: reversed(lesson_skipgram_pairs(s, w))}, q4,
                 id="q4-iterator-other-order"),
]


@pytest.mark.parametrize("make, question", AUDIT_RIGHT)
def test_audit_right_answers_in_other_forms_are_accepted(make, question):
    counts = np.array([500_000.0, 120_000.0, 40_000.0, 9_000.0, 300.0, 10.0])  # the last two are rare
    result = question.evaluate({"counts": counts, "t": 1e-4, **make(counts)})
    assert result.outcome == "correct", result.message
