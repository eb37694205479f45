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
