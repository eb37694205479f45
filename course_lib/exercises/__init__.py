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

A check never crashes: an exception raised while checking (by the learner's own function,
or by a comparison that meets a value of an unexpected kind) is reported as "incorrect",
naming what failed, instead of a traceback. Only ``KeyboardInterrupt`` and ``SystemExit``
get through.

Worked solutions are not typed twice: ``solution()`` shows the answer region of the
matching cell in ``solutions/`` (collected by ``make exercises``: ``tools/build_exercises.py``).
"""
from __future__ import annotations

import decimal
import functools
import inspect
import json
import numbers
import os
import sysconfig
from dataclasses import dataclass
from importlib import resources
from types import CodeType
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "____",
    "Exercise",
    "Incorrect",
    "NotAttempted",
    "Result",
    "is_blank",
    "answer_or",
    "call_answer",
    "expect_array",
    "expect_callable",
    "expect_close",
    "expect_equal",
    "matches_printed",
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
    return _contains_blank(value, set())


def answer_or(value: Any, fallback: Any) -> Any:
    """``value``, or ``fallback`` while ``value`` is still the blank ``____``.

    Lets a practice notebook run on past a question the learner has not answered yet.

    Examples
    --------
    >>> answer_or(____, 3), answer_or(5, 3)
    (3, 5)
    """
    return fallback if is_blank(value) else value


def _contains_blank(value: Any, seen: set[int]) -> bool:
    if value is ____:
        return True
    if not isinstance(value, (list, tuple, set, frozenset, dict)):
        return False
    if id(value) in seen:  # a list that contains itself: looked at already
        return False
    seen.add(id(value))
    try:
        if isinstance(value, dict):
            return any(_contains_blank(v, seen) for v in value.values()) or any(_contains_blank(k, seen) for k in value)
        return any(_contains_blank(v, seen) for v in value)
    except Exception:  # a container subclass that fails to iterate holds no blank we can see
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
        except Exception as exc:  # never a traceback from the checker: say what failed
            return Result("incorrect", f"{self.key} incorrect: {self._explain_error(exc, answers)}")
        suffix = f" {remark}" if remark else ""
        return Result("correct", f"{self.key} correct! {self.title[:1].upper()}{self.title[1:]}: well done.{suffix}")

    def _explain_error(self, exc: Exception, answers: Mapping[str, Any]) -> str:
        """Feedback for an exception that escaped the checker (anything but Incorrect/NotAttempted)."""
        call = _learner_call(exc, answers)
        if call is not None:
            # The learner's own code failed: its message is theirs and helps them most.
            return (f"Calling `{call}` raised {_sentence(_exception_text(exc))} The error comes from your code: "
                    "try it on a small example in a cell of its own to find the line that fails.")
        # The checker failed on the answer (a comparison met an unexpected kind of value).
        # A KeyError names a key the checker looked up, which may be part of the right
        # answer, so its key is not shown.
        kinds = "; ".join(f"`{name}` is {_describe(value)}" for name, value in answers.items())
        error = _exception_text(exc, show_message=not isinstance(exc, KeyError))
        return (f"Checking {self._names} raised {_sentence(error)} Here {kinds}: "
                "is that the kind of value the question asks for?")

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

# Friendly names for the types learners meet most; anything else gets "a"/"an" + its name.
_TYPE_NAMES = {
    bool: "a bool", int: "an int", float: "a float", complex: "a complex number", str: "a string",
    bytes: "a bytes object", list: "a list", tuple: "a tuple", dict: "a dict", set: "a set",
    frozenset: "a frozenset", type(None): "None",
}
_MESSAGE_LIMIT = 200  # characters of an exception's message shown in feedback


def _with_article(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _is_torch_tensor(value: Any) -> bool:
    # By the module name, so that checking never imports torch (seconds) just to say no.
    return type(value).__module__.split(".")[0] == "torch" and hasattr(value, "shape")


def _looks_uncalled(value: Any) -> bool:
    """A function or method itself, where its result was meant (``scores.mean`` for ``scores.mean()``)."""
    return inspect.isroutine(value) or isinstance(value, (functools.partial, np.ufunc))


def _describe(value: Any) -> str:
    """What ``value`` is, for feedback: "an int", "a list of 3 items", "a NumPy array of shape (2,)..."."""
    try:
        if value is ____:
            return "still the blank ____"
        if isinstance(value, np.ndarray):
            return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
        if isinstance(value, str):  # np.str_ too
            return "a string"
        if isinstance(value, np.generic):
            kind = "bool" if isinstance(value, np.bool_) else type(value).__name__
            return f"a NumPy {kind}"
        if _is_torch_tensor(value):
            return f"a PyTorch tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
        if inspect.isclass(value):
            return f"a class (`{value.__name__}`)"
        if inspect.ismethod(value) or inspect.ismethoddescriptor(value) or \
                (inspect.isbuiltin(value) and getattr(value, "__self__", None) is not None
                 and not inspect.ismodule(value.__self__)):
            return f"a method (`{getattr(value, '__name__', '?')}`)"
        if _looks_uncalled(value):
            name = getattr(value, "__name__", None) or getattr(getattr(value, "func", None), "__name__", "?")
            return "a function (a lambda)" if name == "<lambda>" else f"a function (`{name}`)"
        if inspect.ismodule(value):
            return f"a module (`{value.__name__}`)"
        base = next((t for t in type(value).__mro__ if t in _TYPE_NAMES), None)
        if base is not None and (type(value) is base or base in (list, tuple, dict, set, frozenset)):
            text = _TYPE_NAMES[base]
            if base in (list, tuple, set, frozenset):
                text = f"{text} of {_items(len(value))}" if len(value) else f"an empty {base.__name__}"
            elif base is dict:
                n = len(value)
                text = f"a dict with {n} key{'s' if n != 1 else ''}" if n else "an empty dict"
            return text
        shape = getattr(value, "shape", None)
        if isinstance(shape, tuple):  # pandas, JAX, CuPy...
            return f"{_with_article(type(value).__name__)} of shape {shape}"
        return _with_article(type(value).__name__)
    except Exception:  # a value whose len() or shape fails still gets a description
        return _with_article(type(value).__name__)


def _exception_text(exc: BaseException, show_message: bool = True) -> str:
    """``"ZeroDivisionError: division by zero"``: the type and the first line of the message."""
    name = type(exc).__name__
    if not show_message:
        return name
    try:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    except Exception:
        lines = []
    if not lines:
        return name
    text = lines[0]
    if len(text) > _MESSAGE_LIMIT:
        text = text[:_MESSAGE_LIMIT - 3] + "..."
    return f"{name}: {text}"


def _sentence(text: str) -> str:
    """``text`` ending with a full stop, to go before another sentence."""
    return text if text.endswith((".", "!", "?")) else text + "."


def _library_folders() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    folders = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    folders.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # course_lib itself
    return tuple(os.path.join(os.path.abspath(f), "") for f in folders)


_LIBRARY_FOLDERS = _library_folders()


def _is_library_code(code: CodeType) -> bool:
    filename = code.co_filename
    return filename.startswith("<frozen") or os.path.abspath(filename).startswith(_LIBRARY_FOLDERS)


def _parameters(func: Any, skip_first: bool = False) -> str:
    try:
        names = []
        for parameter in inspect.signature(func).parameters.values():
            stars = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
            prefix = stars.get(parameter.kind, "")
            names.append(prefix + parameter.name)
    except (TypeError, ValueError):
        return "..."
    return ", ".join(names[1:] if skip_first else names)


def _answer_code(name: str, value: Any) -> dict[CodeType, str]:
    """The code objects of a learner's answer, each with how to show a call of it."""
    found: dict[CodeType, str] = {}
    while isinstance(value, functools.partial):
        value = value.func
    func = value.__func__ if inspect.ismethod(value) else value
    if inspect.isfunction(func):
        found[func.__code__] = f"{name}({_parameters(value)})"
        return found
    cls = value if inspect.isclass(value) else type(value)
    for klass in getattr(cls, "__mro__", ()):
        for attr, member in vars(klass).items():
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            elif isinstance(member, property):
                member = member.fget
            # Only methods the learner wrote (a Module's forward, their class's __init__):
            # a library's own methods failing on a learner's object are the checker's business.
            if not inspect.isfunction(member) or _is_library_code(member.__code__):
                continue
            if (attr == "__init__" and inspect.isclass(value)) or (attr in ("__call__", "forward")
                                                                  and not inspect.isclass(value)):
                shown = f"{name}({_parameters(member, skip_first=True)})"
            else:
                shown = f"{name}.{attr}({_parameters(member, skip_first=True)})"
            found.setdefault(member.__code__, shown)
    return found


def _learner_call(exc: BaseException, answers: Mapping[str, Any]) -> str | None:
    """``"cosine(a, b)"`` when ``exc`` was raised inside one of the learner's answers, else None."""
    codes: dict[CodeType, str] = {}
    for name, value in answers.items():
        try:
            codes.update({k: v for k, v in _answer_code(name, value).items() if k not in codes})
        except Exception:  # an odd answer object: it just isn't recognised in the traceback
            continue
    tb = exc.__traceback__
    while tb is not None:  # outermost first: the call the checker made
        if tb.tb_frame.f_code in codes:
            return codes[tb.tb_frame.f_code]
        tb = tb.tb_next
    return None


def _reject_blank(name: str, value: Any) -> None:
    if is_blank(value):
        raise NotAttempted(f"`{name}` is still ____; fill in your answer, then check again.")


def _reject_uncalled(name: str, value: Any, why: str = "") -> None:
    if _looks_uncalled(value):
        raise Incorrect(f"`{name}` is {_describe(value)}, not a value: it looks like a function that was not "
                        f"called. Add the parentheses to call it and keep what it returns. {why}".strip())


def _real_number(value: Any) -> int | float | None:
    """``value`` as a Python number when it is one real number (any library's scalar), else None.

    bool is not a number here; a one-element array or tensor counts as its element.
    """
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, numbers.Real):  # int, float, Fraction, NumPy integers and floats
        return value.item() if isinstance(value, np.generic) else value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, np.ndarray):
        if value.size != 1 or value.dtype.kind not in "iufO":
            return None
        item = value.reshape(()).item()
        return None if isinstance(item, np.ndarray) else _real_number(item)
    # torch, JAX, CuPy...: a one-element array-like with .item(); duck-typed, nothing imported.
    item = getattr(value, "item", None)
    shape = getattr(value, "shape", None)
    if callable(item) and shape is not None and not isinstance(value, (str, bytes)):
        try:
            if int(np.prod(tuple(shape))) != 1:
                return None
            item = item()
        except Exception:
            return None
        return None if item is value else _real_number(item)
    return None


def _type_phrase(t: type) -> str:
    return _TYPE_NAMES.get(t, _with_article(getattr(t, "__name__", str(t))))


def expect_type(name: str, value: Any, types: type | tuple[type, ...], why: str = "") -> None:
    """Fail unless ``value`` is an instance of ``types``.

    Asking for ``float`` (or ``int``) also accepts the NumPy and PyTorch versions of such a
    number, as :func:`expect_number` does; bool is never a number.

    Examples
    --------
    >>> expect_type("word", "cat", str)
    >>> expect_type("word", 3, str)
    Traceback (most recent call last):
    ...
    course_lib.exercises.Incorrect: `word` should be a string, but it is an int.
    """
    wanted_types = types if isinstance(types, tuple) else (types,)
    _reject_blank(name, value)
    # True is an int to Python, but an answer of True where a count is asked is a mistake.
    is_flag = isinstance(value, (bool, np.bool_)) and not any(
        issubclass(bool, t) and t is not int for t in wanted_types)
    if isinstance(value, wanted_types) and not is_flag:
        return
    number = _real_number(value)
    if number is not None and getattr(value, "ndim", 0) == 0 and (
            float in wanted_types or (int in wanted_types and isinstance(number, int))):
        return
    _reject_uncalled(name, value, why)
    wanted = " or ".join(_type_phrase(t) for t in wanted_types)
    raise Incorrect(f"`{name}` should be {wanted}, but it is {_describe(value)}. {why}".strip())


def expect_number(name: str, value: Any, why: str = "") -> float:
    """Fail unless ``value`` is one finite real number; return it as float.

    Every kind of real number counts: Python ``int``/``float``, NumPy scalars such as
    ``np.float32``, 0-d and one-element arrays, 0-d and one-element torch tensors (torch
    is not imported for this). ``bool`` does not.

    Examples
    --------
    >>> expect_number("x", np.float32(0.5)), expect_number("x", np.array([2]))
    (0.5, 2.0)
    >>> expect_number("x", np.array([1.0, 2.0]))
    Traceback (most recent call last):
    ...
    course_lib.exercises.Incorrect: `x` should be a single number, but it is a NumPy array of shape (2,) and dtype float64.
    """
    _reject_blank(name, value)
    _reject_uncalled(name, value, why)
    number = _real_number(value)
    if number is None:
        raise Incorrect(f"`{name}` should be a single number, but it is {_describe(value)}. {why}".strip())
    try:
        number = float(number)
    except OverflowError:
        raise Incorrect(f"`{name}` is an integer too large to be a float. {why}".strip()) from None
    if not np.isfinite(number):
        raise Incorrect(f"`{name}` is {number}, which is not a finite number. {why}".strip())
    return number


def expect_in_range(name: str, value: Any, low: float, high: float, why: str = "") -> float:
    """Fail unless ``value`` is a number with ``low <= value <= high``.

    Examples
    --------
    >>> expect_in_range("p", 0.3, 0, 1)
    0.3
    """
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
        tensor = value.detach().cpu()
        try:
            return tensor.numpy()
        except TypeError:  # bfloat16 and other dtypes NumPy lacks
            return tensor.float().numpy()
    if hasattr(value, "toarray"):  # a scipy sparse matrix
        return value.toarray()
    return value


_KIND_NAMES = {"f": "floats", "i": "integers", "u": "unsigned integers", "b": "booleans", "c": "complex numbers",
               "U": "strings"}


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
    Lists, NumPy arrays, torch tensors and scipy sparse matrices are all accepted.
    Returns the array.

    Examples
    --------
    >>> expect_array("v", [1.0, 2.0], shape=(2,))
    array([1., 2.])
    """
    _reject_blank(name, value)
    _reject_uncalled(name, value, why)
    if isinstance(value, (str, bytes)):
        raise Incorrect(f"`{name}` should be an array, but it is {_describe(value)}. {why}".strip())
    try:
        array = np.asarray(as_numpy(value))
    except Exception:
        detail = " that do not line up into one array (rows of different lengths?)" \
            if isinstance(value, (list, tuple)) else ""
        raise Incorrect(f"`{name}` should be an array, but it is {_describe(value)}{detail}. {why}".strip()) from None
    if array.dtype == object:
        if isinstance(value, np.ndarray):
            raise Incorrect(f"`{name}` should be an array of numbers, but it holds Python objects. {why}".strip())
        if isinstance(value, (list, tuple)):
            raise Incorrect(f"`{name}` should be an array of numbers, but it is {_describe(value)} that holds other "
                            f"things than numbers. {why}".strip())
        raise Incorrect(f"`{name}` should be an array of numbers, but it is {_describe(value)}. {why}".strip())
    if shape is not None:
        ok = array.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, array.shape))
        if not ok:
            wanted = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            if array.ndim == 0 and len(shape) > 0:
                raise Incorrect(f"`{name}` should be an array of shape {wanted}, but it is {_describe(value)}. "
                                f"{why}".strip())
            raise Incorrect(f"`{name}` should have shape {wanted}, but its shape is {array.shape}. {why}".strip())
    if kind is not None and array.dtype.kind not in kind:
        wanted = " or ".join(_KIND_NAMES.get(k, k) for k in kind)
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

    Examples
    --------
    >>> expect_close("mean", np.float32(0.5), 0.5)
    >>> expect_close("v", [1.0, 2.0], [1.0, 2.5])
    Traceback (most recent call last):
    ...
    course_lib.exercises.Incorrect: `v` has the right shape, but 1 of its 2 values are off.
    """
    expected_arr = np.asarray(as_numpy(expected), dtype=float)
    if expected_arr.ndim == 0:
        number = expect_number(name, value)
        if not np.isclose(number, float(expected_arr), rtol=rtol, atol=atol):
            raise Incorrect(f"`{name}` is {number:.4g}, which is not the right value. {why}".strip())
        return
    array = expect_array(name, value, shape=expected_arr.shape)
    if array.dtype.kind not in "biuf":
        raise Incorrect(f"`{name}` should hold numbers, but its dtype is {array.dtype}. {why}".strip())
    if not np.allclose(array.astype(float), expected_arr, rtol=rtol, atol=atol):
        wrong = ~np.isclose(array.astype(float), expected_arr, rtol=rtol, atol=atol)
        raise Incorrect(
            f"`{name}` has the right shape, but {int(wrong.sum())} of its {wrong.size} values are off. {why}".strip()
        )


def matches_printed(value: float, expected: float, atol: float = 1e-6, decimals: Iterable[int] = (3, 4)) -> bool:
    """Whether ``value`` is ``expected`` itself, or ``expected`` rounded as a notebook prints it.

    A learner who copies a printed score (0.686 for 0.68650...) has the right answer at the
    precision shown; rounding to 3 or 4 decimals is accepted, and nothing coarser, so that a
    nearby wrong number is not.

    Examples
    --------
    >>> matches_printed(0.686, 0.6865), matches_printed(np.float32(0.6865), 0.6865)
    (True, True)
    >>> matches_printed(0.69, 0.6865), matches_printed(0.6875, 0.6865)
    (False, False)
    """
    value, expected = float(value), float(expected)
    if abs(value - expected) <= atol:
        return True
    return any(abs(value - round(expected, d)) <= 1e-9 for d in decimals)


def _is_array_like(value: Any) -> bool:
    return isinstance(value, np.ndarray) or _is_torch_tensor(value) or hasattr(value, "toarray")


def _regular_array(expected: Any) -> np.ndarray | None:
    """``expected`` as a NumPy array of numbers, booleans or strings, or None (ragged, mixed, objects)."""
    try:
        array = np.asarray(as_numpy(expected))
    except Exception:
        return None
    if array.dtype == object:
        return None
    if isinstance(expected, (list, tuple)):
        # np.asarray turns [1, "a"] into strings: only lists of one kind of thing are arrays.
        kinds = {k for k in ("b", "n", "s") if _has_kind(expected, k)}
        if len(kinds) > 1:
            return None
    return array


def _has_kind(values: Any, kind: str) -> bool:
    for v in values:
        if isinstance(v, (list, tuple)):
            if _has_kind(v, kind):
                return True
        elif kind == "b" and isinstance(v, (bool, np.bool_)):
            return True
        elif kind == "s" and isinstance(v, (str, bytes)):
            return True
        elif kind == "n" and _real_number(v) is not None:
            return True
    return False


def _equal(value: Any, expected: Any) -> bool:
    """``value == expected`` that never raises and never asks an array for its truth."""
    try:
        if _is_array_like(expected) or (isinstance(expected, (list, tuple)) and _regular_array(expected) is not None):
            if isinstance(value, (str, bytes)):
                return False
            wanted = _regular_array(expected)
            got = np.asarray(as_numpy(value))
            if wanted is None or got.dtype == object or got.shape != wanted.shape:
                return False
            if (got.dtype.kind in "US") != (wanted.dtype.kind in "US"):
                return False
            return bool(np.array_equal(got, wanted))
        if isinstance(expected, (list, tuple)):
            return (isinstance(value, (list, tuple)) and len(value) == len(expected)
                    and all(_equal(v, e) for v, e in zip(value, expected)))
        if isinstance(expected, Mapping):
            return (isinstance(value, Mapping) and set(value) == set(expected)
                    and all(_equal(value[k], expected[k]) for k in expected))
        if isinstance(expected, (bool, np.bool_)):
            flag = value.item() if isinstance(value, np.bool_) or (
                _is_array_like(value) and getattr(value, "shape", None) in ((), (1,))) else value
            return isinstance(flag, (bool, np.bool_)) and bool(flag) == bool(expected)
        number = _real_number(expected)
        if number is not None:
            got = _real_number(value)
            return got is not None and got == number
        result = value == expected
        if isinstance(result, (bool, np.bool_)):
            return bool(result)
        return False  # an array of answers (or NotImplemented-like) is not a yes
    except Exception:
        return False


def expect_equal(name: str, value: Any, expected: Any, why: str = "") -> None:
    """Fail unless ``value`` equals ``expected``: element-wise for arrays, lists and tuples.

    Arrays and lists are compared entry by entry (``np.array_equal``), never through the
    truth of ``==``; a number may be given as any kind of number (see :func:`expect_number`);
    lists that mix kinds, dicts and nested lists are compared item by item.
    Use :func:`expect_close` for floats that may differ in the last digits.

    Examples
    --------
    >>> expect_equal("total", np.int64(6), 6)
    >>> expect_equal("total", np.array([6, 6]), 6)
    Traceback (most recent call last):
    ...
    course_lib.exercises.Incorrect: `total` should be a single number, but it is a NumPy array of shape (2,) and dtype int64.
    """
    _reject_blank(name, value)
    if not callable(expected):
        _reject_uncalled(name, value, why)
    if _equal(value, expected):
        return
    wanted = _regular_array(expected) if (_is_array_like(expected) or isinstance(expected, (list, tuple))) else None
    if wanted is not None:
        array = expect_array(name, value, shape=wanted.shape, why=why)
        if (array.dtype.kind in "US") != (wanted.dtype.kind in "US"):
            what = "strings" if wanted.dtype.kind in "US" else "numbers"
            raise Incorrect(f"`{name}` has the right shape, but it should hold {what}; its dtype is {array.dtype}. "
                            f"{why}".strip())
        try:
            wrong = int(np.sum(array != wanted))
        except Exception:
            wrong = array.size
        raise Incorrect(f"`{name}` has the right shape, but {wrong} of its {array.size} entries are wrong. {why}".strip())
    if isinstance(expected, (list, tuple)):
        if not isinstance(value, (list, tuple)):
            raise Incorrect(f"`{name}` should be a list of {_items(len(expected))}, but it is {_describe(value)}. "
                            f"{why}".strip())
        if len(value) != len(expected):
            raise Incorrect(f"`{name}` should hold {_items(len(expected))}, but it holds {len(value)}. {why}".strip())
        wrong = sum(not _equal(v, e) for v, e in zip(value, expected))
        raise Incorrect(f"`{name}` has the right length, but {wrong} of its {len(value)} items are wrong. "
                        f"{why}".strip())
    if isinstance(expected, Mapping):
        if not isinstance(value, Mapping):
            raise Incorrect(f"`{name}` should be a dict, but it is {_describe(value)}. {why}".strip())
        missing, extra = len(set(expected) - set(value)), len(set(value) - set(expected))
        if missing or extra:
            raise Incorrect(f"`{name}` does not have the right keys: {missing} missing, {extra} that should not be "
                            f"there. {why}".strip())
        wrong = sum(not _equal(value[k], expected[k]) for k in expected)
        raise Incorrect(f"`{name}` has the right keys, but {wrong} of its {len(expected)} values are wrong. "
                        f"{why}".strip())
    if _real_number(expected) is not None and not isinstance(expected, (bool, np.bool_)):
        expect_number(name, value, why=why)  # says what it is when it is not one number
    elif isinstance(expected, (bool, np.bool_)) and not _equal(value, not expected):
        raise Incorrect(f"`{name}` should be True or False, but it is {_describe(value)}. {why}".strip())
    elif isinstance(expected, str) and not isinstance(value, str):
        raise Incorrect(f"`{name}` should be a string, but it is {_describe(value)}. {why}".strip())
    shown = short_repr(value)
    shown = shown if len(shown) < 60 and not _is_array_like(value) else _describe(value)
    raise Incorrect(f"`{name}` is {shown}, which is not right. {why}".strip())


def expect_callable(name: str, value: Any) -> None:
    """Fail unless ``value`` is a function.

    Examples
    --------
    >>> expect_callable("f", len)
    """
    _reject_blank(name, value)
    if not callable(value):
        raise Incorrect(f"`{name}` should be a function (define it with `def {name}(...):`), but it is {_describe(value)}.")


def call_answer(name: str, func: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call the learner's function ``func`` and return its result.

    An exception inside it becomes :class:`Incorrect` ("Calling `name(args)` raised
    ZeroDivisionError: division by zero") and a result that is still ``____`` becomes
    :class:`NotAttempted`, so a check reports the failing call instead of crashing.

    Examples
    --------
    >>> call_answer("double", lambda x: 2 * x, 3)
    6
    >>> call_answer("inverse", lambda x: 1 / x, 0)
    Traceback (most recent call last):
    ...
    course_lib.exercises.Incorrect: Calling `inverse(0)` raised ZeroDivisionError: division by zero
    """
    shown = ", ".join([short_repr(a) for a in args] + [f"{k}={short_repr(v)}" for k, v in kwargs.items()])
    try:
        result = func(*args, **kwargs)
    except Exception as exc:  # the learner's code: report it, never crash the check
        raise Incorrect(f"Calling `{name}({shown})` raised {_exception_text(exc)}") from None
    if is_blank(result):
        raise NotAttempted(f"`{name}` still returns ____; write its body, then check again.")
    return result


def expect_cases(
    name: str,
    func: Any,
    cases: Iterable[tuple[tuple, Callable[[Any], bool], str]],
) -> None:
    """Call the learner's function ``func`` on test cases.

    Each case is ``(args, accept, explanation)``: ``accept(result)`` says whether the
    result is right, and ``explanation`` says what a right result would satisfy (it is
    shown when the case fails, so phrase it as a property, not the answer).
    A function that still returns ``____`` counts as not attempted; one that raises is
    incorrect, with the call and the error named.

    Examples
    --------
    >>> expect_cases("double", lambda x: 2 * x, [((3,), lambda r: r == 6, "double(3) is 6")])
    """
    expect_callable(name, func)
    for args, accept, explanation in cases:
        shown = ", ".join(short_repr(a) for a in args)
        result = call_answer(name, func, *args)
        try:
            ok = bool(accept(result))
        except Exception:  # an array where one value was due, say: simply not accepted
            ok = False
        if not ok:
            raise Incorrect(f"`{name}({shown})` returned {short_repr(result)}; {explanation}")


def short_repr(value: Any) -> str:
    """A short, one-line picture of ``value`` for feedback (arrays of up to 6 values in full).

    Examples
    --------
    >>> short_repr(np.array([1.0, 2.0])), short_repr(0.123456), short_repr("cat")
    ('np.array([1., 2.])', '0.1235', "'cat'")
    """
    try:
        if isinstance(value, np.ndarray):
            if value.size <= 6:
                return "np.array(" + np.array2string(value, precision=3, separator=", ") + ")"
            return f"<array of shape {value.shape}>"
        if isinstance(value, (float, np.floating)):
            return f"{float(value):.4g}"
        text = " ".join(line.strip() for line in repr(value).splitlines())  # a tensor's repr spans lines
    except Exception:  # a value whose repr fails is still shown as something
        return f"<{_describe(value)}>"
    return text if len(text) <= 60 else text[:57] + "..."
