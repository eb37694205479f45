"""The notebook comparison rule: strict on words, tolerant on numbers by their printed precision."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nbval_numbers import compare_text, parse_numbers

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("stored, fresh", [
    ("WordSim-353 Spearman: 0.280", "WordSim-353 Spearman: 0.279"),
    ("0.966 ± 0.007", "0.967 ± 0.008"),
    ("mean 0.114, max 0.410", "mean 0.113, max 0.411"),
    ("loss 1523.4 after 3 epochs", "loss 1524.1 after 3 epochs"),  # relative bound for large values
    ("| skip-gram |  9.99 |", "| skip-gram | 10.01 |"),  # a column that grows a digit
    ("difference -0.000", "difference 0.000"),
    ("accuracy 81.5 %", "accuracy 81.3 %"),
    ("scale 1.00e-06", "scale 1.02e-06"),
])
def test_close_numbers_pass(stored, fresh):
    assert compare_text(stored, fresh) is None


@pytest.mark.parametrize("stored, fresh, why", [
    ("accuracy 0.70", "accuracy 0.65", "number 1 is 0.65 where 0.70 was stored"),
    ("accuracy 0.280", "accuracy 0.276", "number 1 is 0.276 where 0.280 was stored"),
    ("king - man + woman = queen (0.71)", "king - man + woman = princess (0.71)", "text around the numbers"),
    ("row 1: 0.50\nrow 2: 0.40\n", "row 1: 0.50\nrow 2: 0.40\nrow 3: 0.30\n", "3 lines where 2 were stored"),
    ("242 pairs", "240 pairs", "number 1 is 240 where 242 was stored"),  # counts are exact
    ("3 of 4 analogies", "2 of 4 analogies", "number 1 is 2 where 3 was stored"),
    ("kongo (0.66), britain (0.66)", "britain (0.66), kongo (0.66)", "text around the numbers"),
    ("cosine 0.5", "cosine 0.5 0.5", "text around the numbers"),
])
def test_real_changes_fail(stored, fresh, why):
    message = compare_text(stored, fresh)
    assert message is not None and why in message, message


def test_numbers_glued_to_words_are_words():
    numbers, skeleton = parse_numbers("float32 layer1 x2 recall@10 2-D")
    assert skeleton == "float32 layer1 x2 recall@# #-D"
    assert [n.text for n in numbers] == ["10", "2"]


def test_thousands_separators_and_signs():
    numbers, _ = parse_numbers("1,225 pairs, \u22120.5 and +3.25e2")
    assert [n.value for n in numbers] == [1225.0, -0.5, 325.0]
    assert [n.unit for n in numbers] == [1.0, 0.1, 1.0]


def _cell(source: str, stored: str):
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
    return cell


def test_nbval_applies_the_rule(tmp_path):
    """Through pytest and nbval, as `make test` runs the lessons: one kernel, one case per cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        _cell('print("accuracy 0.279")', "accuracy 0.280\n"),            # passes: one unit
        _cell('print("accuracy 0.70")', "accuracy 0.65\n"),              # fails: five units
        _cell('print("nearest: queen")', "nearest: princess\n"),         # fails: a word
        _cell('print("a 1\\nb 2\\nc 3")', "a 1\nb 2\n"),                  # fails: a row more
        _cell('print(f"{1/3:.3f} took 1.2 s")', "0.334 took 9.9 s\n"),   # passes: timing sanitized, 1 unit
    ]
    path = tmp_path / "cases.ipynb"
    nbformat.write(nb, path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(path), "--nbval", "--nbval-current-env", "-p", "tests.nbval_numbers",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-o", "addopts="],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert "3 failed, 2 passed" in summary, result.stdout[-3000:] + result.stderr[-2000:]
    for failing in ("Cell 1", "Cell 2", "Cell 3"):
        assert f"cases.ipynb::{failing}" in result.stdout
