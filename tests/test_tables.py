"""course_lib.show.tables: the one plain-text table every results table goes through."""
from __future__ import annotations

import doctest

import numpy as np
import pytest

from course_lib.show import tables
from course_lib.show.tables import format_table
from course_lib.use.classify import CVResult


def test_doctests():
    assert doctest.testmod(tables).failed == 0


def test_cross_validation_results_print_mean_and_std_and_mark_missing_cells():
    r = CVResult(0.6, 0.05, np.array([[0.55, 0.65]]))
    text = format_table({"TF-IDF": {"sentiment": r, "topic": r}, "MiniLM": {"topic": r}}, title="accuracy")
    lines = text.splitlines()
    assert lines[0] == "accuracy"
    assert lines[1].split() == ["sentiment", "topic"]
    assert lines[2].startswith("TF-IDF") and lines[2].count("0.600 ± 0.050") == 2
    assert lines[3].startswith("MiniLM") and "-" in lines[3].split()
    assert len({len(line) for line in lines[1:]}) == 1
    assert format_table({"a": {"x": r}}, digits=2).splitlines()[1].split()[1:] == ["0.60", "±", "0.05"]


def test_retrieval_scores_with_a_missing_cell():
    text = format_table({"a": {"recall@10": 0.5, "mAP": 0.25}, "bb": {"mAP": 1.0}}, title="t")
    lines = text.splitlines()
    assert lines[0] == "t" and "recall@10" in lines[1]
    assert lines[2].split() == ["a", "0.500", "0.250"]
    assert lines[3].split() == ["bb", "-", "1.000"]


def test_the_layout_of_the_tables_it_replaced():
    """Row names stand 4 spaces from the numbers, columns 2 apart, nothing trails a line."""
    text = format_table({"pixels": {"recall@10": 0.8, "mAP": 0.5}, "CNN": {"mAP": 0.91234}})
    assert text == ("          recall@10    mAP\n"
                    "pixels        0.800  0.500\n"
                    "CNN               -  0.912")


def test_cells_integers_text_nan_and_none():
    text = format_table([["IVF", 784, float("nan"), None, 0.5]], ["index", "dims", "a", "b", "c"], digits=1)
    assert text.splitlines()[1].split() == ["IVF", "784", "-", "-", "0.5"]


def test_columns_choose_order_and_rename():
    text = format_table({"r": {"a": 1.0, "b": 2.0}}, {"b": "B", "a": "A"}, label="name")
    assert text.splitlines()[0].split() == ["name", "B", "A"]
    assert text.splitlines()[1].split() == ["r", "2.000", "1.000"]


@pytest.mark.parametrize("args, kwargs, message", [
    (({},), {}, "rows is empty"),
    (([],), {"columns": ["a"]}, "rows is empty"),
    (({"r": 1.0},), {}, r"rows\['r'\] must be a dict"),
    (([[1, 2]],), {}, "columns must list the header of every column"),
    (([[1, 2]],), {"columns": ["a"]}, r"rows\[0\] must be a list of 1 cells"),
    (("text",), {}, "rows must be a dict"),
    (({"r": {"a": 1}},), {"digits": -1}, "digits must be an integer"),
    (({"r": {"a": 1}},), {"columns": "a"}, "columns must be a non-empty list"),
])
def test_validation(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        format_table(*args, **kwargs)
