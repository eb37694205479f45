"""Exercises that answer back: ``q1.check()``, ``q1.hint()``, ``q1.solution()``.

An exercise notebook leaves blanks as ``____``. Each question is an :class:`Exercise`
that reads the learner's variables from the notebook, tells "not attempted yet" apart
from "incorrect", and explains what is wrong without printing the answer.

Checks are written with the ``expect_*`` helpers of this module, which raise
:class:`Incorrect` with a message that names the variable and says what is wrong::

    def _check_similarity(similarity, a, b):
        expect_number("similarity", similarity)
        expect_close("similarity", similarity, a @ b / norm(a) / norm(b),
                     why="cosine divides the dot product by both vector lengths")

    q1 = Exercise("q1", "cosine similarity of a and b", variables=["similarity"],
                  context=["a", "b"], checker=_check_similarity, hints=[...])

Worked solutions are not typed twice: ``solution()`` shows the answer region of the
matching cell in ``solutions/`` (collected by ``python -m course_lib.exercises build``).
"""
from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "____",
    "Exercise",
    "Incorrect",
    "NotAttempted",
    "Result",
    "is_blank",
    "expect_array",
    "expect_callable",
    "expect_close",
    "expect_equal",
    "expect_in_range",
    "expect_number",
    "expect_type",
    "expect_cases",
    "short_repr",
    "as_numpy",
]


class _Blank:
    """The placeholder ``____`` a learner replaces with an answer."""

    _instance: "_Blank | None" = None

    def __new__(cls) -> "_Blank":
        # One shared object, so ``x is ____`` works after any number of imports.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False


#: Put your answer where you see this.
____ = _Blank()


def is_blank(value: Any) -> bool:
    """True when ``value`` is, or contains, the placeholder ``____``.

    Examples
    --------
    >>> is_blank(____), is_blank([1, ____]), is_blank(3)
    (True, True, False)
    """
    if value is ____:
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(is_blank(v) for v in value)
    if isinstance(value, dict):
        return any(is_blank(v) for v in value.values()) or any(is_blank(k) for k in value)
    return False


class Incorrect(Exception):
    """Raised by a checker: the answer is wrong; the message says what and why."""


class NotAttempted(Exception):
    """Raised by a checker when the answer still holds ``____`` somewhere it can't see.

    For example a learner's function that still returns ``____``.
    """


@dataclass(frozen=True)
class Result:
    """The outcome of a check: ``"correct"``, ``"incorrect"`` or ``"not attempted"``."""

    outcome: str
    message: str

    def __str__(self) -> str:
        return self.message


_SOLUTIONS_FILE = "solutions.json"


def _load_solutions() -> dict[str, str]:
    try:
        text = resources.files(__package__).joinpath(_SOLUTIONS_FILE).read_text("utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(text)


class Exercise:
    """One question of an exercise notebook.

    Parameters
    ----------
    key : str
        Short id shown to the learner, such as ``"q1"``.
    title : str
        What the question asks, in a few words.
    variables : list of str
        Names the learner defines; the checker receives them as keyword arguments.
    checker : callable
        ``checker(**variables, **context)``; raises :class:`Incorrect` for a wrong
        answer and may return a short remark shown with "Correct".
    hints : list of str
        Shown one at a time by :meth:`hint`, mildest first.
    context : list of str, optional
        Names the notebook defines for the learner (data the answer is computed from);
        passed to the checker too, so checks follow the notebook's own data.
    lesson : str, optional
        Two-digit lesson number; with ``key`` it finds the worked solution.

    Examples
    --------
    >>> def checker(total):
    ...     expect_equal("total", total, 6, why="1 + 2 + 3 is 6")
    >>> q = Exercise("q1", "add up", ["total"], checker, hints=["Use sum()."])
    >>> q.evaluate({"total": ____}).outcome
    'not attempted'
    >>> q.evaluate({"total": 5}).outcome
    'incorrect'
    >>> q.evaluate({"total": 6}).outcome
    'correct'
    """

    def __init__(
        self,
        key: str,
        title: str,
        variables: Sequence[str],
        checker: Callable[..., str | None],
        hints: Sequence[str],
        context: Sequence[str] = (),
        lesson: str | None = None,
    ) -> None:
        if not variables:
            raise ValueError("variables must name at least one variable the learner defines")
        if not hints:
            raise ValueError("hints must hold at least one hint")
        self.key = key
        self.title = title
        self.variables = list(variables)
        self.context = list(context)
        self.checker = checker
        self.hints = list(hints)
        self.lesson = lesson
        self._next_hint = 0

    def __repr__(self) -> str:
        return f"<Exercise {self.key}: {self.title}. Try {self.key}.check(), {self.key}.hint(), {self.key}.solution()>"

    @property
    def _names(self) -> str:
        return ", ".join(f"`{v}`" for v in self.variables)

    def evaluate(self, namespace: Mapping[str, Any]) -> Result:
        """Check the answer found in ``namespace`` and return a :class:`Result`."""
        missing = [v for v in self.variables + self.context if v not in namespace]
        if missing:
            names = ", ".join(f"`{m}`" for m in missing)
            return Result(
                "not attempted",
                f"{self.key} not attempted yet: {names} is not defined. "
                "Run the cells above, then fill in your answer.",
            )
        answers = {v: namespace[v] for v in self.variables}
        blanks = [v for v, val in answers.items() if is_blank(val)]
        if blanks:
            names = ", ".join(f"`{b}`" for b in blanks)
            return Result(
                "not attempted",
                f"{self.key} not attempted yet: replace ____ in {names} with your answer, "
                f"then run this check again. Stuck? Try {self.key}.hint().",
            )
        kwargs = dict(answers)
        kwargs.update({c: namespace[c] for c in self.context})
        try:
            remark = self.checker(**kwargs)
        except NotAttempted as exc:
            return Result("not attempted", f"{self.key} not attempted yet: {exc}")
        except Incorrect as exc:
            return Result("incorrect", f"{self.key} incorrect: {exc}")
        suffix = f" {remark}" if remark else ""
        return Result("correct", f"{self.key} correct! {self.title[:1].upper()}{self.title[1:]}: well done.{suffix}")

    def check(self, **answers: Any) -> None:
        """Check your answer and print feedback.

        Reads the variables from the notebook; pass them as keywords to check other values.
        """
        caller = inspect.currentframe().f_back  # the notebook's (or caller's) namespace
        namespace = dict(caller.f_globals)
        namespace.update(caller.f_locals)
        namespace.update(answers)
        print(self.evaluate(namespace).message)

    def hint(self, number: int | None = None) -> None:
        """Print a hint: the next one each time, or hint ``number`` (1-based)."""
        if number is None:
            index = self._next_hint % len(self.hints)
            self._next_hint += 1
        else:
            if not isinstance(number, int) or not 1 <= number <= len(self.hints):
                raise ValueError(f"number must be between 1 and {len(self.hints)}, got {number!r}")
            index = number - 1
        print(f"Hint {index + 1} of {len(self.hints)} for {self.key}: {self.hints[index]}")

    def solution(self) -> None:
        """Print a worked solution (try the hints first!)."""
        code = _load_solutions().get(f"{self.lesson}:{self.key}") if self.lesson else None
        if code is None:
            print(f"No worked solution is recorded for {self.key}; see the solutions/ notebook of this lesson.")
            return
        print(f"Solution for {self.key} ({self.title}):\n\n{code}")


# ---------------------------------------------------------------------------
# Check helpers: each raises Incorrect with a message that names the variable,
# says what is wrong (type, shape, range, a failing case) and why, never the answer.
# ---------------------------------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__}"


def expect_type(name: str, value: Any, types: type | tuple[type, ...], why: str = "") -> None:
    """Fail unless ``value`` is an instance of ``types``."""
    if not isinstance(value, types):
        wanted = types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
        raise Incorrect(f"`{name}` should be a {wanted}, but it is {_describe(value)}. {why}".strip())


def expect_number(name: str, value: Any, why: str = "") -> float:
    """Fail unless ``value`` is one finite real number; return it as float."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if hasattr(value, "item") and not isinstance(value, np.ndarray):  # torch / numpy scalars
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise Incorrect(f"`{name}` should be a single number, but it is {_describe(value)}. {why}".strip())
    if not np.isfinite(value):
        raise Incorrect(f"`{name}` is {value}, which is not a finite number. {why}".strip())
    return float(value)


def expect_in_range(name: str, value: Any, low: float, high: float, why: str = "") -> float:
    """Fail unless ``value`` is a number with ``low <= value <= high``."""
    number = expect_number(name, value)
    if not low <= number <= high:
        raise Incorrect(f"`{name}` is {number:.4g}, outside the range [{low:g}, {high:g}] it must lie in. {why}".strip())
    return number


def as_numpy(value: Any) -> Any:
    """A torch tensor or scipy sparse matrix as a NumPy array; anything else unchanged.

    Learners may answer with any of the three; checks compare NumPy arrays.

    Examples
    --------
    >>> import torch
    >>> as_numpy(torch.ones(2)).tolist()
    [1.0, 1.0]
    >>> as_numpy([1, 2])
    [1, 2]
    """
    if hasattr(value, "detach"):  # a torch tensor, possibly on the GPU and with a gradient
        return value.detach().cpu().numpy()
    if hasattr(value, "toarray"):  # a scipy sparse matrix
        return value.toarray()
    return value


def expect_array(
    name: str,
    value: Any,
    shape: tuple[int | None, ...] | None = None,
    kind: str | None = None,
    why: str = "",
) -> np.ndarray:
    """Fail unless ``value`` converts to an array of ``shape`` (None: any size) and ``kind``.

    ``kind`` is a NumPy kind string: ``"f"`` float, ``"i"`` integer, ``"b"`` bool, or
    several such as ``"iu"``; floats are accepted where integers are not asked for.
    Returns the array.
    """
    try:
        array = np.asarray(as_numpy(value))
    except Exception:
        raise Incorrect(f"`{name}` should be an array, but it is {_describe(value)}. {why}".strip()) from None
    if array.dtype == object:
        raise Incorrect(f"`{name}` should be an array of numbers, but it holds Python objects. {why}".strip())
    if shape is not None:
        ok = array.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, array.shape))
        if not ok:
            wanted = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            raise Incorrect(f"`{name}` should have shape {wanted}, but its shape is {array.shape}. {why}".strip())
    if kind is not None and array.dtype.kind not in kind:
        names = {"f": "floats", "i": "integers", "u": "unsigned integers", "b": "booleans"}
        wanted = " or ".join(names.get(k, k) for k in kind)
        raise Incorrect(f"`{name}` should hold {wanted}, but its dtype is {array.dtype}. {why}".strip())
    if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        raise Incorrect(f"`{name}` contains NaN or infinite values. {why}".strip())
    return array


def expect_close(
    name: str,
    value: Any,
    expected: Any,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    why: str = "",
) -> None:
    """Fail unless ``value`` matches ``expected`` within a tolerance (``np.allclose``).

    Use a loose ``rtol``/``atol`` for stochastic answers (a trained model, a sample).
    The message never shows ``expected``: only how far off the answer is.
    """
    expected_arr = np.asarray(expected, dtype=float)
    if expected_arr.ndim == 0:
        number = expect_number(name, value)
        if not np.isclose(number, float(expected_arr), rtol=rtol, atol=atol):
            raise Incorrect(f"`{name}` is {number:.4g}, which is not the right value. {why}".strip())
        return
    array = expect_array(name, value, shape=expected_arr.shape)
    if not np.allclose(array.astype(float), expected_arr, rtol=rtol, atol=atol):
        wrong = ~np.isclose(array.astype(float), expected_arr, rtol=rtol, atol=atol)
        raise Incorrect(
            f"`{name}` has the right shape, but {int(wrong.sum())} of its {wrong.size} values are off. {why}".strip()
        )


def expect_equal(name: str, value: Any, expected: Any, why: str = "") -> None:
    """Fail unless ``value == expected`` (element-wise for arrays and sequences)."""
    if isinstance(expected, (np.ndarray, list, tuple)) and not isinstance(expected, str):
        expected_arr = np.asarray(expected)
        array = expect_array(name, value, shape=expected_arr.shape)
        if not np.array_equal(array, expected_arr):
            wrong = int((array != expected_arr).sum())
            raise Incorrect(f"`{name}` has the right shape, but {wrong} of its {array.size} entries are wrong. {why}".strip())
        return
    if value != expected:
        shown = repr(value) if len(repr(value)) < 60 else _describe(value)
        raise Incorrect(f"`{name}` is {shown}, which is not right. {why}".strip())


def expect_callable(name: str, value: Any) -> None:
    """Fail unless ``value`` is a function."""
    if not callable(value):
        raise Incorrect(f"`{name}` should be a function (define it with `def {name}(...):`), but it is {_describe(value)}.")


def expect_cases(
    name: str,
    func: Any,
    cases: Iterable[tuple[tuple, Callable[[Any], bool], str]],
) -> None:
    """Call the learner's function ``func`` on test cases.

    Each case is ``(args, accept, explanation)``: ``accept(result)`` says whether the
    result is right, and ``explanation`` says what a right result would satisfy (it is
    shown when the case fails, so phrase it as a property, not the answer).
    A function that still returns ``____`` counts as not attempted.
    """
    expect_callable(name, func)
    for args, accept, explanation in cases:
        shown = ", ".join(short_repr(a) for a in args)
        try:
            result = func(*args)
        except Exception as exc:  # the learner's code: report, never crash the check
            raise Incorrect(f"`{name}({shown})` raised {type(exc).__name__}: {exc}") from None
        if is_blank(result):
            raise NotAttempted(f"`{name}` still returns ____; write its body, then check again.")
        try:
            ok = bool(accept(result))
        except Exception:
            ok = False
        if not ok:
            raise Incorrect(f"`{name}({shown})` returned {short_repr(result)}; {explanation}")


def short_repr(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return "np.array(" + np.array2string(value, precision=3, separator=", ") + ")"
        return f"<array of shape {value.shape}>"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
