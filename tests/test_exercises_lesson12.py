"""Lesson 12's checks: right answers pass, typical mistakes get their own message, blanks are
"not attempted", and no message gives the answer away."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib.exercises import ____
from course_lib.exercises.lesson12 import q1, q2, q3, q4


def _outcome(question, namespace):
    result = question.evaluate(namespace)
    return result.outcome, result.message


# ---------------------------------------------------------------------------- q1


def _loss(kind):
    def triplet_loss(anchor, positive, negative, margin=0.2):
        d_ap = torch.linalg.norm(anchor - positive, dim=1)
        d_an = torch.linalg.norm(anchor - negative, dim=1)
        if kind == "sign":
            return torch.relu(d_an - d_ap + margin).mean()
        if kind == "margin":
            return torch.relu(d_ap - d_an).mean()
        if kind == "relu":
            return (d_ap - d_an + margin).mean()
        if kind == "sum":
            return torch.relu(d_ap - d_an + margin).sum()
        if kind == "blank":
            return ____
        return torch.relu(d_ap - d_an + margin).mean()

    return triplet_loss


def test_q1_right_answer_passes():
    assert _outcome(q1, {"triplet_loss": _loss("right")})[0] == "correct"


@pytest.mark.parametrize("kind, words", [
    ("sign", "sign is reversed"), ("margin", "margin is missing"), ("relu", "ReLU"), ("sum", "*sum*"),
])
def test_q1_typical_mistakes_are_named(kind, words):
    outcome, message = _outcome(q1, {"triplet_loss": _loss(kind)})
    assert outcome == "incorrect" and words in message


def test_q1_blank_and_stub():
    assert _outcome(q1, {"triplet_loss": ____})[0] == "not attempted"
    assert _outcome(q1, {"triplet_loss": _loss("blank")})[0] == "not attempted"


# ---------------------------------------------------------------------------- q2


@pytest.fixture
def batch():
    rng = np.random.default_rng(12)
    labels = np.repeat([0, 1, 2], 4)
    points = rng.normal(size=(12, 2)) + 1.5 * np.array([[0, 0], [3, 0], [0, 3]])[labels]
    D = np.linalg.norm(points[:, None] - points[None], axis=2)
    same = labels[:, None] == labels[None, :]
    pos = np.argmax(np.where(same & ~np.eye(12, dtype=bool), D, -np.inf), axis=1)
    neg = np.argmin(np.where(same, np.inf, D), axis=1)
    return {"D": D, "batch_labels": labels, "pos": pos, "neg": neg, "same": same}


def _q2(batch, pos, neg):
    return _outcome(q2, {"hardest_positive": pos, "hardest_negative": neg, "D": batch["D"],
                         "batch_labels": batch["batch_labels"]})


def test_q2_right_answer_passes(batch):
    assert _q2(batch, batch["pos"], batch["neg"])[0] == "correct"
    assert _q2(batch, torch.from_numpy(batch["pos"]), list(batch["neg"]))[0] == "correct"


def test_q2_mistakes(batch):
    D, same = batch["D"], batch["same"]
    closest_pos = np.argmin(np.where(same & ~np.eye(12, dtype=bool), D, np.inf), axis=1)
    assert "*farthest*" in _q2(batch, closest_pos, batch["neg"])[1]
    with_self = np.argmin(np.where(same, D, np.inf), axis=1)  # the anchor itself, distance 0
    assert "itself" in _q2(batch, with_self, batch["neg"])[1]
    farthest_neg = np.argmax(np.where(same, -np.inf, D), axis=1)
    assert "*closest*" in _q2(batch, batch["pos"], farthest_neg)[1]
    assert "own* class" in _q2(batch, batch["pos"], batch["pos"])[1]
    distances = D[np.arange(12), batch["pos"]]
    outcome, message = _q2(batch, distances, batch["neg"])
    assert outcome == "incorrect" and "distances, not indices" in message
    assert _q2(batch, ____, batch["neg"])[0] == "not attempted"


# ---------------------------------------------------------------------------- q3

RELEVANT = np.array([1, 0, 1, 1, 0, 0, 1, 0])


def test_q3():
    precision = np.cumsum(RELEVANT) / np.arange(1, 9)
    right = precision[RELEVANT == 1].mean()
    assert _outcome(q3, {"ap": right, "relevant": RELEVANT})[0] == "correct"
    assert "whole list" in _outcome(q3, {"ap": 0.5, "relevant": RELEVANT})[1]
    assert "*every* rank" in _outcome(q3, {"ap": precision.mean(), "relevant": RELEVANT})[1]
    assert "length of the list" in _outcome(q3, {"ap": precision[RELEVANT == 1].sum() / 8, "relevant": RELEVANT})[1]
    assert "percentage" in _outcome(q3, {"ap": right * 100, "relevant": RELEVANT})[1]
    message = _outcome(q3, {"ap": 0.123, "relevant": RELEVANT})[1]
    assert f"{right:.3f}" not in message
    assert _outcome(q3, {"ap": ____, "relevant": RELEVANT})[0] == "not attempted"


# ---------------------------------------------------------------------------- q4


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 6))
    features = rng.uniform(0.0, 10.0, size=(50, 3))
    return {"vectors": vectors, "features": features}


def _q4(data, combined):
    return _outcome(q4, {"combined": combined, **data})


def test_q4(data):
    v, f = data["vectors"], data["features"]
    z = (f - f.mean(axis=0)) / f.std(axis=0)
    assert _q4(data, np.hstack([v, z]))[0] == "correct"
    assert _q4(data, np.hstack([v, (f - f.mean(axis=0)) / f.std(axis=0, ddof=1)]))[0] == "correct"
    assert "raw counts" in _q4(data, np.hstack([v, f]))[1]
    assert "features first" in _q4(data, np.hstack([z, v]))[1]
    rows = (f - f.mean(axis=1, keepdims=True)) / f.std(axis=1, keepdims=True)
    assert "*row*" in _q4(data, np.hstack([v, rows]))[1]
    assert "mean 0" in _q4(data, np.hstack([v, f / f.std(axis=0)]))[1]
    assert "unchanged" in _q4(data, np.hstack([v * 2, z]))[1]
    assert "shape" in _q4(data, v)[1]
    assert _q4(data, ____)[0] == "not attempted"


# ---------------------------------------------------------------------------- audit tables
# WRONG: typical wrong answers, each told what is wrong, the variable named, the answer never shown.
# RIGHT_FORMS: right answers in other forms than the worked solution, each accepted.

from course_lib.exercises.lesson12 import _ANCHOR, _MARGIN, _NEGATIVE, _POSITIVE  # noqa: E402


def _right_loss_value():
    d_ap = np.linalg.norm(_ANCHOR - _POSITIVE, axis=1)
    d_an = np.linalg.norm(_ANCHOR - _NEGATIVE, axis=1)
    return float(np.maximum(d_ap - d_an + _MARGIN, 0).mean())


def _distances(a, p, n):
    return torch.linalg.norm(a - p, dim=1), torch.linalg.norm(a - n, dim=1)


def _squared(a, p, n, margin=0.2):
    d_ap, d_an = _distances(a, p, n)
    return torch.relu(d_ap**2 - d_an**2 + margin).mean()


def _margin_outside(a, p, n, margin=0.2):
    d_ap, d_an = _distances(a, p, n)
    return torch.relu(d_ap - d_an).mean() + margin


def _per_triplet(a, p, n, margin=0.2):
    d_ap, d_an = _distances(a, p, n)
    return torch.relu(d_ap - d_an + margin)


def _forgot_return(a, p, n, margin=0.2):
    torch.relu(torch.linalg.norm(a - p, dim=1) - torch.linalg.norm(a - n, dim=1) + margin).mean()


def _raises(a, p, n, margin=0.2):
    return torch.relu(torch.linalg.norm(a - p, dim=2) - torch.linalg.norm(a - n, dim=2) + margin).mean()


Q1_WRONG = [
    pytest.param(_squared, "*squared* distances", id="squared"),
    pytest.param(_margin_outside, "outside the max", id="margin-outside"),
    pytest.param(_per_triplet, "return one number", id="per-triplet"),
    pytest.param(_forgot_return, "returned None", id="no-return"),
    pytest.param(_raises, "raised IndexError", id="exception"),
]


@pytest.mark.parametrize("func, words", Q1_WRONG)
def test_q1_wrong_answers_are_told_what_is_wrong(func, words):
    outcome, message = _outcome(q1, {"triplet_loss": func})
    assert outcome == "incorrect", message
    assert "`triplet_loss" in message and words in message, message
    assert f"{_right_loss_value():.4g}" not in message and f"{_right_loss_value():.3f}" not in message


def _with_torch_module(a, p, n, margin=0.2):
    return nn_triplet(margin)(a, p, n)


def nn_triplet(margin):
    return torch.nn.TripletMarginLoss(margin=margin, p=2)


Q1_RIGHT_FORMS = [
    pytest.param(_with_torch_module, id="nn.TripletMarginLoss"),
    pytest.param(lambda a, p, n, margin=0.2: torch.clamp(torch.nn.functional.pairwise_distance(a, p)
                                                         - torch.nn.functional.pairwise_distance(a, n) + margin,
                                                         min=0).mean(), id="pairwise_distance-clamp"),
    pytest.param(lambda a, p, n, margin=0.2: _loss("right")(a, p, n, margin).item(), id="python-float"),
    pytest.param(lambda a, p, n, margin=0.2: _loss("right")(a, p, n, margin).detach().numpy(), id="numpy-0d"),
    pytest.param(lambda a, p, n, margin=0.2: torch.relu(torch.cdist(a, p).diagonal() - torch.cdist(a, n).diagonal()
                                                        + margin).mean(), id="cdist-diagonal"),
]


@pytest.mark.parametrize("func", Q1_RIGHT_FORMS)
def test_q1_right_answers_in_other_forms_are_accepted(func):
    outcome, message = _outcome(q1, {"triplet_loss": func})
    assert outcome == "correct", message


def _q2_answers(batch, kind):
    D, same = batch["D"], batch["same"]
    if kind == "swapped":
        return batch["neg"], batch["pos"]
    if kind == "unmasked-positive":  # the farthest image of any class
        return np.argmax(D, axis=1), batch["neg"]
    if kind == "no-axis":
        return np.argmax(np.where(same & ~np.eye(12, dtype=bool), D, -np.inf)), batch["neg"]
    if kind == "one-based":
        return batch["pos"] + 1, batch["neg"]
    raise ValueError(kind)


Q2_WRONG = [
    pytest.param("swapped", "*another* class", id="swapped"),
    pytest.param("unmasked-positive", "*another* class", id="unmasked-positive"),
    pytest.param("no-axis", "shape", id="argmax-without-axis"),
    pytest.param("one-based", "hardest_positive", id="one-based"),
]


@pytest.mark.parametrize("kind, words", Q2_WRONG)
def test_q2_wrong_answers_are_told_what_is_wrong(batch, kind, words):
    pos, neg = _q2_answers(batch, kind)
    outcome, message = _q2(batch, pos, neg)
    assert outcome == "incorrect", message
    assert "`hardest_" in message and words in message, message
    assert str(batch["pos"].tolist()) not in message and str(batch["neg"].tolist()) not in message


Q2_RIGHT_FORMS = [
    pytest.param(lambda b: (b["pos"].astype(np.int32), b["neg"].astype(np.int32)), id="int32"),
    pytest.param(lambda b: (torch.from_numpy(b["pos"]), torch.from_numpy(b["neg"])), id="tensors"),
    pytest.param(lambda b: (tuple(b["pos"].tolist()), b["neg"].tolist()), id="tuple-and-list"),
    # the diagonal (distance 0) can never be the farthest positive: not masking it is still right
    pytest.param(lambda b: (np.argmax(np.where(b["same"], b["D"], -np.inf), axis=1), b["neg"]), id="diagonal-unmasked"),
    pytest.param(lambda b: (np.argmax(np.where(b["same"], b["D"], -1.0), axis=1),
                            np.argmin(b["D"] + 1e9 * b["same"], axis=1)), id="big-number-masks"),
]


@pytest.mark.parametrize("make", Q2_RIGHT_FORMS)
def test_q2_right_answers_in_other_forms_are_accepted(batch, make):
    pos, neg = make(batch)
    outcome, message = _q2(batch, pos, neg)
    assert outcome == "correct", message


def _right_ap():
    precision = np.cumsum(RELEVANT) / np.arange(1, 9)
    return float(precision[RELEVANT == 1].mean())


Q3_WRONG = [
    pytest.param(lambda: 1.0, "relevant results seen so far", id="divides-by-hits"),
    pytest.param(lambda: RELEVANT.mean(), "whole list", id="whole-list"),
    pytest.param(lambda: 100 * _right_ap(), "percentage", id="percent"),
    pytest.param(lambda: np.cumsum(RELEVANT) / np.arange(1, 9), "single number", id="array-of-precisions"),
]


@pytest.mark.parametrize("make, words", Q3_WRONG)
def test_q3_wrong_answers_are_told_what_is_wrong(make, words):
    outcome, message = _outcome(q3, {"ap": make(), "relevant": RELEVANT})
    assert outcome == "incorrect", message
    assert "`ap`" in message and words in message, message
    assert f"{_right_ap():.3f}" not in message


Q3_RIGHT_FORMS = [
    pytest.param(lambda: round(_right_ap(), 3), id="printed-3-decimals"),
    pytest.param(lambda: np.float32(_right_ap()), id="float32"),
    pytest.param(lambda: torch.tensor(_right_ap()), id="0-d-tensor"),
    pytest.param(lambda: __import__("sklearn.metrics", fromlist=["x"]).average_precision_score(RELEVANT, -np.arange(8)),
                 id="sklearn-average_precision_score"),
]


@pytest.mark.parametrize("make", Q3_RIGHT_FORMS)
def test_q3_right_answers_in_other_forms_are_accepted(make):
    outcome, message = _outcome(q3, {"ap": make(), "relevant": RELEVANT})
    assert outcome == "correct", message


Q4_WRONG = [
    pytest.param(lambda v, f, z: np.hstack([v, z[:, ::-1]]), "order", id="feature-order"),
    pytest.param(lambda v, f, z: np.hstack([v, (f - f.min(0)) / (f.max(0) - f.min(0))]), "mean 0", id="min-max"),
    pytest.param(lambda v, f, z: np.hstack([(v - v.mean(0)) / v.std(0), z]), "unchanged", id="scaled-vectors-too"),
    pytest.param(lambda v, f, z: np.vstack([v[:, :3], z]), "shape", id="vstack"),
]


@pytest.mark.parametrize("make, words", Q4_WRONG)
def test_q4_wrong_answers_are_told_what_is_wrong(data, make, words):
    v, f = data["vectors"], data["features"]
    z = (f - f.mean(axis=0)) / f.std(axis=0)
    outcome, message = _q4(data, make(v, f, z))
    assert outcome == "incorrect", message
    assert "`combined`" in message and words in message, message


Q4_RIGHT_FORMS = [
    pytest.param(lambda v, f: np.hstack([v, __import__("sklearn.preprocessing", fromlist=["x"]).StandardScaler()
                                         .fit_transform(f)]), id="StandardScaler"),
    pytest.param(lambda v, f: torch.cat([torch.from_numpy(v), torch.from_numpy((f - f.mean(0)) / f.std(0))], dim=1),
                 id="torch.cat"),
    pytest.param(lambda v, f: np.concatenate([v, (f - f.mean(0)) / f.std(0)], axis=1).astype(np.float32), id="float32"),
]


@pytest.mark.parametrize("make", Q4_RIGHT_FORMS)
def test_q4_right_answers_in_other_forms_are_accepted(data, make):
    outcome, message = _q4(data, make(data["vectors"], data["features"]))
    assert outcome == "correct", message
