"""What the Planetoid reproductions (DeepWalk, GCN) share: a summary of their seeds and how
a difference from the paper is printed."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def summarise(name: str, runs: Sequence[dict], published: float) -> dict:
    """Mean, sample standard deviation, min and max of the seeds' validation and test accuracy."""
    val = np.array([r["val"] for r in runs])
    test = np.array([r["test"] for r in runs])
    return {
        "dataset": name,
        "runs": list(runs),
        "val_mean": float(val.mean()), "val_std": float(val.std(ddof=1)) if len(val) > 1 else 0.0,
        "test_mean": float(test.mean()), "test_std": float(test.std(ddof=1)) if len(test) > 1 else 0.0,
        "test_min": float(test.min()), "test_max": float(test.max()),
        "published": published,
    }


def difference(result: dict) -> str:
    """The test mean minus the published figure, in points with a sign (a zero is +0.0, not -0.0)."""
    return f"{round(100 * result['test_mean'] - result['published'], 1) + 0.0:+.1f}"
