"""The exercise system: outcomes, feedback wording, hints, solutions and the build."""
from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

from course_lib.exercises import (
    ____,
    Exercise,
    Incorrect,
    expect_array,
    expect_cases,
    expect_close,
    expect_equal,
    expect_in_range,
    expect_number,
    is_blank,
)
from course_lib.exercises import build


def _cosine_checker(similarity, a, b):
    expect_in_range("similarity", similarity, -1, 1, why="Cosine similarity always lies between -1 and 1.")
    expect_close(
        "similarity", similarity, a @ b / np.linalg.norm(a) / np.linalg.norm(b), rtol=1e-6,
        why="Divide the dot product by the product of both lengths.",
    )


@pytest.fixture
def q_cos():
    return Exercise(
        "q1", "cosine similarity", ["similarity"], _cosine_checker,
        hints=["Start from the dot product.", "np.linalg.norm gives a length."],
        context=["a", "b"], lesson="99",
    )


@pytest.fixture
def data():
    return {"a": np.array([1.0, 2.0, 2.0]), "b": np.array([2.0, 0.0, 1.0])}


def test_not_attempted_when_blank(q_cos, data):
    result = q_cos.evaluate({**data, "similarity": ____})
    assert result.outcome == "not attempted"
    assert "not attempted yet" in result.message and "`similarity`" in result.message


def test_not_attempted_when_blank_inside_container():
    q = Exercise("q2", "pair", ["pair"], lambda pair: None, hints=["h"])
    assert q.evaluate({"pair": (1, ____)}).outcome == "not attempted"


def test_undefined_variable_is_not_attempted_and_named(q_cos, data):
    result = q_cos.evaluate(data)
    assert result.outcome == "not attempted"
    assert "`similarity` is not defined" in result.message


def test_correct(q_cos, data):
    value = float(data["a"] @ data["b"] / 3 / np.sqrt(5))
    result = q_cos.evaluate({**data, "similarity": value})
    assert result.outcome == "correct"
    assert result.message.startswith("q1 correct!")


def test_incorrect_value_names_variable_and_reason_without_answer(q_cos, data):
    result = q_cos.evaluate({**data, "similarity": 0.5})
    expected = float(data["a"] @ data["b"] / 3 / np.sqrt(5))
    assert result.outcome == "incorrect"
    assert "`similarity`" in result.message and "both lengths" in result.message
    assert f"{expected:.4g}" not in result.message and f"{expected:.3f}" not in result.message


def test_incorrect_range_and_type(q_cos, data):
    out_of_range = q_cos.evaluate({**data, "similarity": 4.0})
    assert out_of_range.outcome == "incorrect" and "outside the range [-1, 1]" in out_of_range.message
    wrong_type = q_cos.evaluate({**data, "similarity": "0.7"})
    assert wrong_type.outcome == "incorrect" and "single number" in wrong_type.message and "str" in wrong_type.message


def test_check_reads_caller_namespace_and_prints(q_cos, data, capsys):
    a, b = data["a"], data["b"]  # noqa: F841 (read by check() from this frame)
    similarity = 0.1  # noqa: F841
    q_cos.check()
    assert "q1 incorrect" in capsys.readouterr().out
    q_cos.check(similarity=____)
    assert "not attempted yet" in capsys.readouterr().out


def test_context_follows_notebook_data(q_cos):
    # The check recomputes from the notebook's own a and b, so other data still checks.
    a, b = np.array([1.0, 0.0]), np.array([0.0, 3.0])
    assert q_cos.evaluate({"a": a, "b": b, "similarity": 0.0}).outcome == "correct"


def test_tolerance_for_stochastic_answers():
    q = Exercise("q3", "estimate", ["estimate"],
                 lambda estimate: expect_close("estimate", estimate, 0.5, atol=0.05, why="Average many draws."),
                 hints=["h"])
    assert q.evaluate({"estimate": 0.53}).outcome == "correct"
    assert q.evaluate({"estimate": 0.6}).outcome == "incorrect"


def test_array_shape_and_dtype_feedback():
    with pytest.raises(Incorrect, match=r"`X` should have shape \(3, any\), but its shape is \(2, 2\)"):
        expect_array("X", np.zeros((2, 2)), shape=(3, None))
    with pytest.raises(Incorrect, match=r"`idx` should hold integers, but its dtype is float64"):
        expect_array("idx", np.zeros(3), kind="i")
    with pytest.raises(Incorrect, match="NaN"):
        expect_array("X", np.array([1.0, np.nan]))
    with pytest.raises(Incorrect, match="2 of its 3 values are off"):
        expect_close("v", [1.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    with pytest.raises(Incorrect, match="1 of its 3 entries are wrong"):
        expect_equal("labels", [0, 1, 1], [0, 1, 2])


def test_expect_number_accepts_numpy_and_torch_scalars():
    import torch

    assert expect_number("x", np.float32(1.5)) == 1.5
    assert expect_number("x", torch.tensor(2.0)) == 2.0
    with pytest.raises(Incorrect, match="single number"):
        expect_number("x", True)
    with pytest.raises(Incorrect, match="not a finite number"):
        expect_number("x", float("inf"))


def test_function_exercise_cases():
    def checker(norm):
        expect_cases("norm", norm, [
            (([3.0, 4.0],), lambda r: np.isclose(r, 5.0), "a 3-4-5 triangle has a hypotenuse of 5"),
            (([0.0, 0.0],), lambda r: np.isclose(r, 0.0), "the zero vector has length 0"),
        ])

    q = Exercise("q4", "vector length", ["norm"], checker, hints=["Pythagoras."])

    def blank(v):
        return ____

    def wrong(v):
        return sum(v)

    def crashes(v):
        return 1 / 0

    def right(v):
        return float(np.sqrt(np.dot(v, v)))

    assert q.evaluate({"norm": blank}).outcome == "not attempted"
    bad = q.evaluate({"norm": wrong})
    assert bad.outcome == "incorrect" and "`norm([3.0, 4.0])` returned 7" in bad.message and "3-4-5" in bad.message
    crash = q.evaluate({"norm": crashes})
    assert crash.outcome == "incorrect" and "ZeroDivisionError" in crash.message
    assert q.evaluate({"norm": 3}).outcome == "incorrect"
    assert q.evaluate({"norm": right}).outcome == "correct"


def test_hints_cycle_and_by_number(q_cos, capsys):
    q_cos.hint()
    q_cos.hint()
    q_cos.hint(1)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Hint 1 of 2 for q1: Start from the dot product.",
        "Hint 2 of 2 for q1: np.linalg.norm gives a length.",
        "Hint 1 of 2 for q1: Start from the dot product.",
    ]
    with pytest.raises(ValueError, match="number must be between 1 and 2"):
        q_cos.hint(3)


def test_solution_comes_from_collected_solutions(q_cos, monkeypatch, capsys):
    import course_lib.exercises as ex

    monkeypatch.setattr(ex, "_load_solutions", lambda: {"99:q1": "similarity = a @ b"})
    q_cos.solution()
    assert "similarity = a @ b" in capsys.readouterr().out
    monkeypatch.setattr(ex, "_load_solutions", lambda: {})
    q_cos.solution()
    assert "No worked solution" in capsys.readouterr().out


def test_is_blank():
    assert is_blank(____) and is_blank({"k": ____}) and not is_blank([1, 2]) and not is_blank(None)


def test_exercise_needs_variables_and_hints():
    with pytest.raises(ValueError, match="variables"):
        Exercise("q", "t", [], lambda: None, hints=["h"])
    with pytest.raises(ValueError, match="hints"):
        Exercise("q", "t", ["x"], lambda x: None, hints=[])


# --- the build: solutions/ -> exercises/ ---------------------------------------------

SOLUTION_CELL = '''\
import numpy as np
# BEGIN SOLUTION q1
# Compute the cosine similarity of a and b.
similarity = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
# END SOLUTION
q1.check()'''

FUNCTION_CELL = '''\
# BEGIN SOLUTION q2
def length(v):
    """Euclidean length of v."""
    total = 0.0
    for x in v:
        total += x * x
    return total ** 0.5
# END SOLUTION
q2.check()'''


def test_split_solution_cell_makes_stubs_and_collects_answers():
    source, answers = build.split_solution_cell(SOLUTION_CELL, "test")
    assert "similarity = ____  # your answer (q1)" in source
    assert "# Compute the cosine similarity of a and b." in source
    assert "np.linalg.norm(a)" not in source and "q1.check()" in source
    assert answers == {"q1": "# Compute the cosine similarity of a and b.\nsimilarity = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))"}

    source, answers = build.split_solution_cell(FUNCTION_CELL, "test")
    assert 'def length(v):\n    """Euclidean length of v."""\n    return ____  # your code here (q2)' in source
    assert "total" not in source
    assert "for x in v" in answers["q2"]


@pytest.mark.parametrize("bad, message", [
    ("# BEGIN SOLUTION q1\nx = 1\n", "no '# END SOLUTION'"),
    ("x = 1\n# END SOLUTION\n", "without a matching"),
    ("# BEGIN SOLUTION q1\nprint(1)\n# END SOLUTION\n", "defines no variable or function"),
    ("# BEGIN SOLUTION q1\nx = (\n# END SOLUTION\n", "not valid Python"),
])
def test_split_solution_cell_errors(bad, message):
    with pytest.raises(build.BuildError, match=message):
        build.split_solution_cell(bad, "nb cell 3")


def _write_solution(root, name="99_demo.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Demo"),
        nbformat.v4.new_code_cell(SOLUTION_CELL, execution_count=3,
                                  outputs=[nbformat.v4.new_output("stream", text="q1 correct!\n")]),
        nbformat.v4.new_markdown_cell("Why it works: ...", metadata={"tags": ["solution"]}),
    ]
    (root / "solutions").mkdir(parents=True, exist_ok=True)
    (root / "exercises").mkdir(exist_ok=True)
    (root / "course_lib" / "exercises").mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, root / "solutions" / name)


def test_build_writes_exercises_and_detects_staleness(tmp_path):
    _write_solution(tmp_path)
    assert "exercises/99_demo.ipynb" in build.stale_files(tmp_path)
    build.write(tmp_path)
    assert build.stale_files(tmp_path) == []

    practice = nbformat.read(tmp_path / "exercises" / "99_demo.ipynb", as_version=4)
    sources = [c.source for c in practice.cells]
    assert "Why it works" not in "".join(sources), "cells tagged 'solution' must be left out"
    assert any("Practice notebook" in s for s in sources)
    code = [c for c in practice.cells if c.cell_type == "code"]
    assert code[0].outputs == [] and code[0].execution_count is None
    answers = json.loads((tmp_path / "course_lib" / "exercises" / "solutions.json").read_text())
    assert "99:q1" in answers

    # Editing the source makes the generated files stale until the next build.
    nb = nbformat.read(tmp_path / "solutions" / "99_demo.ipynb", as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("similarity =", "similarity = 1.0 *")
    nbformat.write(nb, tmp_path / "solutions" / "99_demo.ipynb")
    assert build.stale_files(tmp_path) == ["course_lib/exercises/solutions.json"]
    nb.cells[1].source = nb.cells[1].source.replace("import numpy as np", "import numpy")
    nbformat.write(nb, tmp_path / "solutions" / "99_demo.ipynb")
    assert set(build.stale_files(tmp_path)) == {"exercises/99_demo.ipynb", "course_lib/exercises/solutions.json"}

    # A practice notebook without a solution is a leftover.
    build.write(tmp_path)
    (tmp_path / "exercises" / "98_orphan.ipynb").write_text("{}")
    assert build.stale_files(tmp_path) == ["exercises/98_orphan.ipynb"]


def test_repository_exercises_are_up_to_date():
    stale = build.stale_files()
    assert stale == [], f"exercises/ is stale; run `make exercises`: {stale}"
