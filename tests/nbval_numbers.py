"""Compare stored notebook outputs strictly on words and within a tolerance on numbers.

nbval compares a notebook's stored outputs with a fresh run character by character. A
learner's CPU, BLAS library and thread count change the last bits of floating-point sums,
and so, now and then, the last printed digit of a metric. This pytest plugin keeps nbval
and its sanitizer, and changes one thing: when a stored text output and the fresh one
differ, they still match if

* everything except the numbers is the same (words, punctuation, line breaks and the
  number of lines; only the width of runs of spaces may differ, since a table's columns
  shift when a number grows a digit), and
* every number is within the tolerance its printed precision implies (:func:`tolerance`).

Anything else fails as before: a metric that moves beyond its tolerance (0.70 to 0.65), a
changed word, another number of rows. The rule is documented in CONTRIBUTING.md.

Loaded by the project's root ``conftest.py``.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import NamedTuple

#: How many units of the last printed digit two numbers may differ by. "0.280" against
#: "0.279" is one unit; BLAS and thread-count effects on the course's metrics stay within
#: two; a real change (0.70 against 0.65: five units) does not.
UNITS = 3

#: Large values printed with few decimals (a loss of 1523.4, a count of 48,217 from a
#: floating-point computation) may also differ by this fraction of their size.
RELATIVE = 1e-3

# A number as notebooks print it: optional sign (ASCII or Unicode minus), digits with
# optional thousands separators, optional decimals and exponent. Digits glued to a letter
# ("layer1", "float32", "x2") are part of a word, not a number.
_NUMBER = re.compile(
    r"(?<![A-Za-z_\d.])"
    r"(?P<sign>[-+\u2212]?)"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)"
    r"(?:\.(?P<frac>\d+))?"
    r"(?:[eE](?P<exp>[-+]?\d+))?"
    r"(?![A-Za-z_\d])"
)
_SPACES = re.compile(r"[ \t]+")


class Printed(NamedTuple):
    """A number as printed: its value, one unit of its last digit, and its text."""

    value: float
    unit: float
    integer: bool
    text: str


def parse_numbers(text: str) -> tuple[list[Printed], str]:
    """Split ``text`` into its numbers and the text around them.

    Returns ``(numbers, skeleton)``: the numbers, and the text with every number replaced
    by ``#`` and runs of spaces collapsed.

    Examples
    --------
    >>> numbers, skeleton = parse_numbers("recall@10 = 0.280 (1,225 pairs)")
    >>> skeleton
    'recall@# = # (# pairs)'
    >>> [(n.value, n.unit, n.integer) for n in numbers]
    [(10.0, 1.0, True), (0.28, 0.001, False), (1225.0, 1.0, True)]
    """
    numbers = []

    def take(match: re.Match) -> str:
        sign = -1.0 if match["sign"] in ("-", "\u2212") else 1.0
        frac = match["frac"] or ""
        exponent = int(match["exp"]) if match["exp"] else 0
        digits = match["int"].replace(",", "")
        value = sign * float(f"{digits}.{frac or '0'}") * 10.0**exponent
        unit = 10.0 ** (exponent - len(frac))
        numbers.append(Printed(value, unit, not frac and match["exp"] is None, match[0]))
        return "#"

    skeleton = _NUMBER.sub(take, text)
    skeleton = _SPACES.sub(" ", skeleton)
    return numbers, skeleton


def tolerance(a: Printed, b: Printed) -> float:
    """How far two printed numbers may be apart and still count as the same result.

    A decimal number may move by :data:`UNITS` units of its last printed digit (the coarser
    of the two printings). An integer (no decimals, no exponent) must match exactly: it is
    usually a count (pairs, rows, neighbours that share a label), unless it is large, where
    :data:`RELATIVE` of its size applies to integers and decimals alike.

    Examples
    --------
    >>> round(tolerance(Printed(0.28, 0.001, False, "0.280"), Printed(0.279, 0.001, False, "0.279")), 6)
    0.003
    >>> tolerance(Printed(240.0, 1.0, True, "240"), Printed(242.0, 1.0, True, "242"))
    0.242
    """
    relative = RELATIVE * max(abs(a.value), abs(b.value))
    if a.integer and b.integer:
        return relative
    return max(UNITS * max(a.unit, b.unit), relative)


def compare_text(stored: str, fresh: str) -> str | None:
    """``None`` when ``fresh`` matches ``stored`` by the course's rule, else why not.

    Examples
    --------
    >>> compare_text("accuracy 0.280", "accuracy 0.279") is None
    True
    >>> compare_text("accuracy 0.70", "accuracy 0.65")
    'number 1 is 0.65 where 0.70 was stored (allowed: ±0.03)'
    """
    if stored == fresh:
        return None
    stored_numbers, stored_text = parse_numbers(stored)
    fresh_numbers, fresh_text = parse_numbers(fresh)
    if stored_text.count("\n") != fresh_text.count("\n"):
        return f"{fresh_text.count(chr(10))} lines where {stored_text.count(chr(10))} were stored"
    if stored_text != fresh_text:
        return "the text around the numbers differs"
    # Same skeleton, so the same count of numbers, in the same places.
    for i, (a, b) in enumerate(zip(stored_numbers, fresh_numbers)):
        allowed = tolerance(a, b)
        # The small factor absorbs binary rounding: 0.283 - 0.280 is 0.0030000000000000027.
        if abs(a.value - b.value) > allowed * (1 + 1e-9):
            return f"number {i + 1} is {b.text} where {a.text} was stored (allowed: ±{allowed:.2g})"
    return None


def _text_values(outputs) -> dict[str, list[tuple[dict, str]]]:
    """Every text value nbval compares, by key, in output order, with where it lives."""
    found = defaultdict(list)
    for output in outputs:
        if output.get("output_type") == "stream":
            found[output["name"]].append((output, "text"))
        for mime, value in output.get("data", {}).items():
            if mime.startswith("text/") and isinstance(value, str):
                found[mime].append((output["data"], mime))
    return found


def accept_close_numbers(cell, fresh_outputs, stored_outputs) -> list[str]:
    """Where a fresh text output matches its stored twin by the rule, give it the stored text.

    nbval then compares as usual, so everything the rule does not cover (other output
    types, images, a missing or extra output) is still compared strictly. Returns the first
    differing number of each output it accepted, for the end-of-run summary.
    """
    accepted = []
    fresh_values = _text_values(fresh_outputs)
    stored_values = _text_values(stored_outputs)
    for key, fresh_list in fresh_values.items():
        stored_list = stored_values.get(key, [])
        if len(stored_list) != len(fresh_list):
            continue  # nbval reports the different number of outputs
        for (fresh_home, fresh_key), (stored_home, stored_key) in zip(fresh_list, stored_list):
            fresh_text = cell.sanitize(fresh_home[fresh_key])
            stored_text = cell.sanitize(stored_home[stored_key])
            if fresh_text != stored_text and compare_text(stored_text, fresh_text) is None:
                fresh_home[fresh_key] = stored_home[stored_key]
                accepted.append(_first_difference(stored_text, fresh_text))
    return accepted


def _first_difference(stored: str, fresh: str) -> str:
    pairs = zip(parse_numbers(stored)[0], parse_numbers(fresh)[0])
    return next((f"{a.text} -> {b.text}" for a, b in pairs if a.text != b.text), "spacing only")


def pytest_configure(config) -> None:
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval not installed: nothing to adapt
        return
    if getattr(IPyNbCell.compare_outputs, "_course_tolerant", False):
        return
    strict_compare = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        for difference in accept_close_numbers(self, test, ref):
            self.user_properties.append(("numbers within tolerance", difference))
        return strict_compare(self, test, ref, skip_compare)

    compare_outputs._course_tolerant = True
    IPyNbCell.compare_outputs = compare_outputs


def pytest_terminal_summary(terminalreporter) -> None:
    """List the outputs that matched only thanks to the tolerance: the cells nearest its edge."""
    accepted = [(report.nodeid, value) for reports in terminalreporter.stats.values() for report in reports
                if hasattr(report, "user_properties") and getattr(report, "when", "call") == "call"
                for name, value in report.user_properties if name == "numbers within tolerance"]
    if not accepted:
        return
    terminalreporter.write_sep("-", f"{len(accepted)} notebook outputs matched within the numeric tolerance")
    for nodeid, difference in accepted:
        terminalreporter.write_line(f"{nodeid}: {difference}")
