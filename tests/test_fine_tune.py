"""course_lib.embed.fine_tune: P x K batches."""
from __future__ import annotations

import numpy as np
import pytest

from course_lib.embed.fine_tune import PKSampler


def test_pk_sampler_batches_hold_p_classes_of_k():
    labels = np.repeat(np.arange(5), 10)
    sampler = PKSampler(labels, classes_per_batch=3, per_class=4, batches=20, seed=1)
    batches = list(sampler)
    assert len(batches) == len(sampler) == 20
    for batch in batches:
        assert len(batch) == 12 and len(set(batch)) == 12
        classes, counts = np.unique(labels[batch], return_counts=True)
        assert len(classes) == 3 and set(counts.tolist()) == {4}


def test_pk_sampler_is_reproducible_and_validates():
    labels = np.repeat(np.arange(3), 5)
    assert list(PKSampler(labels, 2, 2, 5, seed=3)) == list(PKSampler(labels, 2, 2, 5, seed=3))
    with pytest.raises(ValueError, match="per_class"):
        PKSampler(labels, 2, 1, 5)
    with pytest.raises(ValueError, match="classes_per_batch"):
        PKSampler(labels, 4, 2, 5)
    with pytest.raises(ValueError, match="classes_per_batch"):
        PKSampler(labels, 2, 6, 5)  # no class has 6 examples
    with pytest.raises(ValueError, match="labels"):
        PKSampler(np.zeros((2, 2)), 2, 2, 5)
