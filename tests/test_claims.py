"""claim(): prints what holds, stops the notebook when a lesson's sentence no longer holds."""
from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch

from course_lib import claims
from course_lib.claims import ClaimFailed, claim


@pytest.mark.parametrize("holds", [True, np.bool_(True), np.array(2) > 1, torch.tensor(2.0) > 1])
def test_a_true_claim_is_printed_with_a_tick(holds, capsys):
    claim("fastText beats skip-gram", holds)
    assert capsys.readouterr().out == "✓ fastText beats skip-gram\n"


@pytest.mark.parametrize("holds", [False, np.bool_(False), np.array(1) > 2, torch.tensor(1.0) > 2])
def test_a_false_claim_stops_the_notebook_and_quotes_the_sentence(holds, capsys):
    with pytest.raises(ClaimFailed, match='the lesson says "fastText beats skip-gram"'):
        claim("fastText beats skip-gram", holds)
    assert capsys.readouterr().out == ""  # no tick for a claim that failed
    assert issubclass(ClaimFailed, AssertionError)


@pytest.mark.parametrize("holds, message", [
    (np.array([True, False]), "shape \\(2,\\).*all"),
    (0.7, "number 0.7"),
    (1, "number 1"),
    ("yes", "True or False"),
    (None, "True or False"),
])
def test_what_has_no_single_truth_value_is_refused(holds, message):
    with pytest.raises(ValueError, match=message):
        claim("a sentence", holds)


@pytest.mark.parametrize("statement", ["", "   ", None, 3])
def test_the_statement_must_be_a_sentence(statement):
    with pytest.raises(ValueError, match="statement"):
        claim(statement, True)


def test_docstring_examples_run():
    result = doctest.testmod(claims, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
