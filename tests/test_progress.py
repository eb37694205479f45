"""progress(): a live bar in a notebook that is saved finished, as one line of text."""
from __future__ import annotations

import doctest

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib import progress as progress_module
from course_lib.progress import progress, summary_line


def test_docstring_examples_run():
    result = doctest.testmod(progress_module)
    assert result.attempted > 0 and result.failed == 0


def test_outside_a_notebook_it_is_an_ordinary_bar():
    assert list(progress(range(4), desc="steps", disable=True)) == [0, 1, 2, 3]
    with progress(total=3, desc="by hand") as bar:
        bar.update(3)
    assert bar.n == 3


@pytest.mark.parametrize("kwargs, name", [({"total": -1}, "total"), ({"total": 2.5}, "total"),
                                          ({"desc": 3}, "desc"), ({"unit": None}, "unit")])
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        progress(range(3), **kwargs)


def test_a_stopped_bar_says_where_it_stopped():
    assert summary_line("training", 15, 60, "batch", 2.0) == "training: 25% (15/60 batches) in 2.0 s"


def test_a_saved_notebook_holds_the_finished_bar_not_the_first_frame():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from course_lib.progress import progress\n"
        "for _ in progress(range(40), desc='training', unit='batch'):\n"
        "    pass\n"
        "with progress(total=5, desc='by hand', unit='step') as bar:\n"
        "    bar.update(2)\n")]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    texts = [o.get("data", {}).get("text/plain", "") for o in outputs if o.output_type == "display_data"]
    assert texts == ["", ""], "the widget leaves no '0%' text behind"
    printed = "".join(o.text for o in outputs if o.output_type == "stream")
    lines = printed.splitlines()
    assert lines[0].startswith("training: 100% (40/40 batches) in ") and lines[0].endswith(" s")
    assert lines[1].startswith("by hand: 40% (2/5 steps) in ")
