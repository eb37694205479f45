"""The private argument checks shared by course_lib's modules."""
from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch

from course_lib import _utils
from course_lib._utils import as_matrix, check_int, is_integer, unit_rows


def test_doctests():
    assert doctest.testmod(_utils).failed == 0


@pytest.mark.parametrize("value, expected", [
    (3, True), (np.int32(-1), True), (True, False), (np.bool_(True), False), (3.0, False), ("3", False),
])
def test_is_integer(value, expected):
    assert is_integer(value) is expected


def test_check_int_bounds_and_messages():
    assert check_int(np.int64(2), "k", 1) == 2 and type(check_int(np.int64(2), "k", 1)) is int
    assert check_int(10, "k", 1, 10) == 10
    with pytest.raises(ValueError, match=r"^k must be an integer >= 1, got 0$"):
        check_int(0, "k", 1)
    with pytest.raises(ValueError, match=r"^k must be an integer between 1 and 10, got 11$"):
        check_int(11, "k", 1, 10)
    with pytest.raises(ValueError, match="got True"):
        check_int(True, "k", 0)


def test_as_matrix_accepts_tensors_and_rejects_bad_input():
    matrix = as_matrix(torch.ones(3, 2), "X")
    assert matrix.dtype == np.float64 and matrix.shape == (3, 2)
    with pytest.raises(ValueError, match="X must hold numbers"):
        as_matrix([["a", "b"]], "X")
    with pytest.raises(ValueError, match=r"shape \(n, d\).*got shape \(4,\)"):
        as_matrix(np.ones(4), "X")
    with pytest.raises(ValueError, match="at least one column"):
        as_matrix(np.ones((3, 0)), "X")
    with pytest.raises(ValueError, match="X needs at least 4 rows for a map, got 3"):
        as_matrix(np.ones((3, 2)), "X", min_rows=4, rows_for=" for a map")
    with pytest.raises(ValueError, match=r"NaN or infinity \(row 1\)"):
        as_matrix([[0.0, 1.0], [np.inf, 0.0]], "X")


def test_unit_rows_keeps_zero_rows_and_dtype():
    unit = unit_rows(np.array([[0.0, 2.0], [0.0, 0.0]], dtype=np.float32))
    assert unit.dtype == np.float32
    assert unit.tolist() == [[0.0, 1.0], [0.0, 0.0]]
