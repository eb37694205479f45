"""The exercise system: outcomes, feedback wording, hints, solutions and the build."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

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
    matches_printed,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # maintainer tools: scripts, not installed
import build_exercises as build  # noqa: E402  (tools/build_exercises.py)


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


def test_a_function_that_returns_nothing_gets_pass_not_a_returned_blank():
    """A forward hook that returned ____ would hand the blank to torch, which then crashes."""
    cell = ('captured = {}\n# BEGIN SOLUTION q2\ndef keep(module, inputs, output):\n    """Store output."""\n'
            '    captured["x"] = output\n\n    def inner():\n        return 1\n# END SOLUTION\nq2.check()')
    source, _ = build.split_solution_cell(cell, "test")
    assert 'def keep(module, inputs, output):\n    """Store output."""\n    pass  # your code here (q2)' in source
    assert "return ____" not in source


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


# --- a checker that never crashes ------------------------------------------------------
#
# Whatever a learner answers, a check says "correct", "incorrect" or "not attempted yet":
# never a traceback from the checker, never the right answer.

SECRET = 7.3125  # a right answer no message may show


class _Custom(Exception):
    pass


def _recurse(n):
    return _recurse(n + 1)


def _raises(kind):
    """A learner's function ``cosine(a, b)`` that fails with ``kind``."""
    bodies = {
        "ZeroDivisionError": lambda a, b: a @ b / 0.0 if False else 1 / 0,
        "TypeError": lambda a, b: None + a,
        "ValueError": lambda a, b: int("seven"),
        "IndexError": lambda a, b: a[10],
        "KeyError": lambda a, b: {}["bank"],
        "AttributeError": lambda a, b: a.no_such_attribute,
        "NameError": lambda a, b: undefined_name,  # noqa: F821
        "RecursionError": lambda a, b: _recurse(0),
        "AssertionError": lambda a, b: exec("assert False, 'vectors must be unit length'"),
        "StopIteration": lambda a, b: next(iter([])),
        "RuntimeError": lambda a, b: __import__("torch").ones(2, 3) @ __import__("torch").ones(2, 3),
        "_Custom": lambda a, b: (_ for _ in ()).throw(_Custom("my own error")),
    }
    body = bodies[kind]

    def cosine(a, b):
        return body(a, b)

    return cosine


def _check_calls_directly(cosine):
    # A checker that calls the learner's function itself, without call_answer or expect_cases.
    value = cosine(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    expect_close("cosine(a, b)", value, SECRET)


def _check_through_expect_cases(cosine):
    expect_cases("cosine", cosine, [((np.array([1.0, 0.0]), np.array([0.0, 1.0])),
                                     lambda r: np.isclose(r, SECRET), "orthogonal vectors have cosine 0")])


EXCEPTION_KINDS = ["ZeroDivisionError", "TypeError", "ValueError", "IndexError", "KeyError", "AttributeError",
                   "NameError", "RecursionError", "AssertionError", "StopIteration", "RuntimeError", "_Custom"]


def _assert_clean(message):
    assert "Traceback" not in message and 'File "' not in message
    assert "7.31" not in message and "7.3125" not in message
    assert "\n" not in message


@pytest.mark.parametrize("kind", EXCEPTION_KINDS)
@pytest.mark.parametrize("checker", [_check_calls_directly, _check_through_expect_cases])
def test_an_exception_in_the_learners_function_is_incorrect_and_names_the_call(kind, checker):
    q = Exercise("q1", "cosine", ["cosine"], checker, hints=["h"])
    result = q.evaluate({"cosine": _raises(kind)})
    assert result.outcome == "incorrect"
    assert result.message.startswith("q1 incorrect: Calling `cosine(")
    assert f"raised {kind}" in result.message
    _assert_clean(result.message)


def test_the_learners_message_and_call_are_shown():
    q = Exercise("q1", "cosine", ["cosine"], _check_calls_directly, hints=["h"])
    message = q.evaluate({"cosine": _raises("ZeroDivisionError")}).message
    assert "Calling `cosine(a, b)` raised ZeroDivisionError: division by zero" in message
    message = q.evaluate({"cosine": _raises("AssertionError")}).message
    assert "raised AssertionError: vectors must be unit length" in message


def test_an_exception_in_a_learners_class_names_the_call():
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(3, 2)

        def forward(self, x):
            return self.linear(x.T)  # the learner's bug: a transpose too many

    class Counter:
        def __init__(self, n):
            raise ValueError("n must be even")

    def check_model(model):
        expect_array("model(batch)", model(torch.ones(4, 3)), shape=(4, 2))

    def check_class(Model):
        Model(5)

    result = Exercise("q1", "a model", ["model"], check_model, hints=["h"]).evaluate({"model": Net()})
    assert result.outcome == "incorrect" and "Calling `model(x)` raised RuntimeError" in result.message
    result = Exercise("q1", "a class", ["Model"], check_class, hints=["h"]).evaluate({"Model": Counter})
    assert result.outcome == "incorrect" and "Calling `Model(n)` raised ValueError: n must be even" in result.message


def _check_total_naively(total):
    if total != SECRET:  # ambiguous for an array: the kind of comparison a checker may make
        raise Incorrect("`total` is not right.")


def _check_counts_naively(counts):
    if counts["bank"] != 3:  # a KeyError here would name a key of the right answer
        raise Incorrect("`counts` is not right.")


@pytest.mark.parametrize("checker, answer, kind, described", [
    (_check_total_naively, np.array([SECRET, 1.0]), "ValueError", "a NumPy array of shape (2,)"),
    (_check_counts_naively, {"river": 2}, "KeyError", "a dict with 1 key"),
    (_check_counts_naively, 42, "TypeError", "an int"),
    (_check_counts_naively, None, "TypeError", "None"),
    (lambda counts: counts.most_common(3), [1, 2], "AttributeError", "a list of 2 items"),
])
def test_an_exception_in_the_checker_is_incorrect_and_says_what_the_answer_is(checker, answer, kind, described):
    variable = checker.__code__.co_varnames[0]
    q = Exercise("q1", "t", [variable], checker, hints=["h"])
    result = q.evaluate({variable: answer})
    assert result.outcome == "incorrect"
    assert result.message.startswith(f"q1 incorrect: Checking `{variable}` raised {kind}")
    assert described in result.message
    assert "bank" not in result.message  # the key a KeyError would show
    _assert_clean(result.message)


def test_long_exception_messages_are_cut_to_one_short_line():
    def checker(x):
        raise RuntimeError("first line " + "x" * 500 + "\nsecond line")

    message = Exercise("q1", "t", ["x"], checker, hints=["h"]).evaluate({"x": 1}).message
    assert "second line" not in message and len(message) < 400 and "..." in message


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit])
def test_keyboard_interrupt_and_system_exit_still_stop_a_check(error):
    def learner(a, b):
        raise error()

    q = Exercise("q1", "cosine", ["cosine"], _check_calls_directly, hints=["h"])
    with pytest.raises(error):
        q.evaluate({"cosine": learner})
    with pytest.raises(error):
        Exercise("q1", "t", ["x"], lambda x: (_ for _ in ()).throw(error()), hints=["h"]).evaluate({"x": 1})


def test_a_function_returning_the_blank_is_not_attempted_even_when_called_directly():
    q = Exercise("q1", "cosine", ["cosine"], _check_calls_directly, hints=["h"])
    result = q.evaluate({"cosine": lambda a, b: ____})
    assert result.outcome == "not attempted" and "____" in result.message
    assert q.evaluate({"cosine": lambda a, b: SECRET}).outcome == "correct"
    assert q.evaluate({"cosine": lambda a, b: 0.0}).outcome == "incorrect"


def test_call_answer_reports_errors_and_blanks():
    from course_lib.exercises import NotAttempted, call_answer

    assert call_answer("double", lambda x, y=1: 2 * x * y, 3, y=2) == 12
    with pytest.raises(Incorrect, match=r"^Calling `inverse\(0\)` raised ZeroDivisionError: division by zero$"):
        call_answer("inverse", lambda x: 1 / x, 0)
    with pytest.raises(NotAttempted, match="still returns ____"):
        call_answer("f", lambda: ____)


def test_is_blank_survives_a_list_that_contains_itself():
    looped = [1]
    looped.append(looped)
    assert not is_blank(looped)
    looped.append(____)
    assert is_blank(looped)


# --- numbers of every kind --------------------------------------------------------------

def _numbers_equal_to_half():
    import fractions

    import torch

    return [0.5, np.float32(0.5), np.float64(0.5), np.float16(0.5), np.array(0.5), np.array([0.5]),
            np.array(0.5, dtype=np.float32), fractions.Fraction(1, 2), torch.tensor(0.5), torch.tensor([0.5]),
            torch.tensor(0.5, dtype=torch.float64), torch.tensor(0.5, requires_grad=True) * 1]


def _integers_equal_to_three():
    import torch

    return [3, np.int64(3), np.int32(3), np.uint8(3), np.array(3), torch.tensor(3), torch.tensor([3])]


@pytest.mark.parametrize("value", _numbers_equal_to_half(), ids=lambda v: type(v).__module__ + "." + type(v).__name__)
def test_every_kind_of_real_number_is_accepted(value):
    assert expect_number("x", value) == 0.5
    assert expect_in_range("x", value, 0, 1) == 0.5
    expect_close("x", value, 0.5)
    expect_equal("x", value, 0.5)
    q = Exercise("q1", "a half", ["x"], lambda x: expect_close("x", x, 0.5), hints=["h"])
    assert q.evaluate({"x": value}).outcome == "correct"


@pytest.mark.parametrize("value", _integers_equal_to_three(), ids=lambda v: type(v).__module__ + "." + type(v).__name__)
def test_every_kind_of_integer_is_accepted(value):
    from course_lib.exercises import expect_type

    assert expect_number("n", value) == 3.0
    expect_equal("n", value, 3)
    if np.ndim(value) == 0:
        expect_type("n", value, int)


def _bools():
    import torch

    return [True, False, np.bool_(True), np.array(True), torch.tensor(True)]


@pytest.mark.parametrize("value", _bools(), ids=repr)
def test_a_bool_is_not_a_number(value):
    from course_lib.exercises import expect_type

    with pytest.raises(Incorrect, match="should be a single number") as info:
        expect_number("x", value)
    assert "bool" in str(info.value)
    with pytest.raises(Incorrect):
        expect_equal("x", value, 1)
    if isinstance(value, bool):
        with pytest.raises(Incorrect, match="should be an int, but it is a bool"):
            expect_type("x", value, int)


def _not_one_number():
    import torch

    return [
        (np.array([1.0, 2.0]), "a NumPy array of shape (2,)"),
        (np.zeros((2, 3)), "a NumPy array of shape (2, 3)"),
        (torch.ones(2, 3), "a PyTorch tensor of shape (2, 3)"),
        ([0.5, 0.5], "a list of 2 items"),
        ((), "an empty tuple"),
        ("0.5", "a string"),
        (None, "None"),
        ({"x": 0.5}, "a dict with 1 key"),
        (1 + 2j, "a complex number"),
    ]


@pytest.mark.parametrize("value, described", _not_one_number(), ids=lambda v: type(v).__name__)
def test_a_value_that_is_not_one_number_is_described(value, described):
    q = Exercise("q1", "a number", ["x"], lambda x: expect_close("x", x, SECRET), hints=["h"])
    result = q.evaluate({"x": value})
    assert result.outcome == "incorrect"
    assert f"`x` should be a single number, but it is {described}" in result.message
    _assert_clean(result.message)


def _uncalled():
    import torch

    scores = np.array([1.0, 2.0])

    class Model:
        def score(self):
            return 1.0

    return [scores.mean, torch.ones(2).mean, Model().score, len, lambda: 1.0, np.mean]


@pytest.mark.parametrize("value", _uncalled(), ids=lambda v: getattr(v, "__name__", type(v).__name__))
@pytest.mark.parametrize("helper", [
    lambda v: expect_number("avg", v),
    lambda v: expect_in_range("avg", v, 0, 10),
    lambda v: expect_close("avg", v, SECRET),
    lambda v: expect_close("avg", v, [SECRET, 1.0]),
    lambda v: expect_equal("avg", v, SECRET),
    lambda v: expect_equal("avg", v, [1, 2]),
    lambda v: expect_array("avg", v, shape=(2,)),
    lambda v: __import__("course_lib.exercises", fromlist=["expect_type"]).expect_type("avg", v, float),
])
def test_a_function_that_was_not_called_gets_its_own_message(helper, value):
    with pytest.raises(Incorrect, match="looks like a function that was not called") as info:
        helper(value)
    message = str(info.value)
    assert message.startswith("`avg` is a ")
    _assert_clean(message)


@pytest.mark.parametrize("value, described", [
    (3, "an int"), (1.5, "a float"), ([1, 2], "a list of 2 items"), ([1], "a list of 1 item"),
    ((), "an empty tuple"), ({}, "an empty dict"), ({1: 2, 3: 4}, "a dict with 2 keys"), (None, "None"),
    (np.array([1, 2]), "a NumPy array of shape (2,) and dtype int64"), (np.float32(1), "a NumPy float32"),
    (np.int64(1), "a NumPy int64"), (b"x", "a bytes object"),
    (np.ndarray, "a class (`ndarray`)"), ({1, 2}, "a set of 2 items"),
])
def test_type_names_read_well(value, described):
    from course_lib.exercises import expect_type

    with pytest.raises(Incorrect) as info:
        expect_type("word", value, str)
    message = str(info.value)
    assert message.startswith("`word` should be a string, but it is ")
    assert described in message
    assert not re.search(r"\ba [aeiouAEIOU]", message), message


# --- comparisons that never ask an array for its truth ----------------------------------

@pytest.mark.parametrize("value, expected", [
    (np.array([1, 2, 3]), [1, 2, 3]),
    ([1, 2, 3], np.array([1, 2, 3])),
    ((1, 2, 3), [1, 2, 3]),
    ("__torch__", np.array([1, 2, 3])),
    (np.int64(6), 6),
    (6.0, 6),
    ([[1, 2], [3]], [[1, 2], [3]]),
    (["cat", 1], ["cat", 1]),
    ({"a": np.array([1, 2]), "b": "x"}, {"a": np.array([1, 2]), "b": "x"}),
    (np.bool_(True), True),
    (np.str_("cat"), "cat"),
    (["bank", "river"], ["bank", "river"]),
])
def test_expect_equal_accepts_equal_values_of_any_kind(value, expected):
    if isinstance(value, str) and value == "__torch__":
        import torch

        value = torch.tensor([1, 2, 3])
    expect_equal("answer", value, expected)


@pytest.mark.parametrize("value, expected, words", [
    (np.array([6, 6]), 6, "should be a single number, but it is a NumPy array of shape (2,)"),
    (np.array([1, 2, 4]), [1, 2, 3], "1 of its 3 entries are wrong"),
    ([1, 2], [1, 2, 3], "should have shape (3,), but its shape is (2,)"),
    ([[1, 2], [4]], [[1, 2], [3]], "1 of its 2 items are wrong"),
    ([[1, 2], [3]], [1, 2, 3], "rows of different lengths"),
    ("abc", [1, 2, 3], "should be an array, but it is a string"),
    (["1", "2"], [1, 2], "it should hold numbers"),
    (("cat", "1"), ("cat", 1), "1 of its 2 items are wrong"),
    ({"a": np.array([1, 3])}, {"a": np.array([1, 2])}, "1 of its 1 values are wrong"),
    ({"b": 1}, {"a": 1}, "1 missing, 1 that should not be there"),
    (np.array([True, False]), True, "should be True or False"),
    (1, True, "should be True or False, but it is an int"),
    (["cat"], "cat", "should be a string, but it is a list of 1 item"),
    (5, 6, "`answer` is 5, which is not right"),
])
def test_expect_equal_reports_differences_without_crashing(value, expected, words):
    q = Exercise("q1", "t", ["answer"], lambda answer: expect_equal("answer", answer, expected), hints=["h"])
    result = q.evaluate({"answer": value})
    assert result.outcome == "incorrect"
    assert words in result.message
    assert "raised" not in result.message  # the helper itself understood the value


@pytest.mark.parametrize("value, expected", [
    (np.array([SECRET, SECRET]), SECRET),
    (np.array([1.0, 2.0]), np.array([1.0, SECRET])),
    ([1.0, 2.0, 3.0], np.array([1.0, SECRET])),
    ("7", SECRET),
    (None, np.array([SECRET])),
    (np.array([1.0, 2.0]).mean, SECRET),
])
def test_no_message_contains_the_expected_value(value, expected):
    for helper in (expect_equal, expect_close):
        q = Exercise("q1", "t", ["answer"], lambda answer, helper=helper: helper("answer", answer, expected),
                     hints=["h"])
        result = q.evaluate({"answer": value})
        assert result.outcome == "incorrect"
        _assert_clean(result.message)


# --------------------------------------------------------------------------- the checker never crashes (issue #14)


def test_the_issues_example_is_reported_as_incorrect_not_raised():
    """expect_equal("total", np.array([6, 6]), 6) once raised NumPy's ambiguous-truth error out of check()."""
    q = Exercise("q1", "a total", ["total"], lambda total: expect_equal("total", total, 6), hints=["h"])
    result = q.evaluate({"total": np.array([6, 6])})
    assert result.outcome == "incorrect" and result.message.startswith("q1 incorrect:")


@pytest.mark.parametrize("error", [ValueError("truth value of an array is ambiguous"), ZeroDivisionError("division"),
                                   RuntimeError("boom"), IndexError("index 3"), AssertionError("checker")])
def test_any_exception_in_a_check_is_reported_as_incorrect(error):
    def check(answer):
        raise error

    result = Exercise("q1", "t", ["answer"], check, hints=["h"]).evaluate({"answer": 1})
    assert result.outcome == "incorrect"
    assert type(error).__name__ in result.message


def test_matches_printed_accepts_the_value_or_its_printed_rounding_only():
    true = 0.68650123
    for value in (true, np.float32(true), 0.687, 0.6865, np.float64(0.687)):
        assert matches_printed(value, true), value
    for value in (0.69, 0.686, 0.6875, 1 - true, 68.65):  # coarser, rounded the wrong way, or wrong
        assert not matches_printed(value, true), value
    assert matches_printed(0.5000004, 0.5) and not matches_printed(0.50001, 0.5, decimals=())
