"""Claims as code: a sentence of a lesson that states a number, a comparison or a ranking.

A lesson's text is written once, but its numbers are recomputed on every run. Each claim
sits next to the output it describes as ``claim("Ward beats k-means on the digits",
ward > kmeans)``: it prints the sentence with a tick, so the learner sees what was checked,
and it stops the notebook (and so the tests) the day a rerun no longer supports it.
"""
from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np


class ClaimFailed(AssertionError):
    """A lesson's sentence that its own numbers no longer support."""


def _as_bool(holds: Any) -> bool:
    """``holds`` as a Python bool, refusing what has no single truth value (an array)."""
    if isinstance(holds, (bool, np.bool_)):
        return bool(holds)
    if getattr(holds, "shape", None) == () and getattr(holds, "dtype", None) is not None:
        # 0-d arrays and tensors, for example ``(a > b)`` on torch scalars
        value = holds.item()
        if isinstance(value, bool):
            return value
    raise ValueError(
        "holds must be one True or False, for example `a > b`; got "
        f"{type(holds).__name__}{' of shape ' + str(tuple(holds.shape)) if hasattr(holds, 'shape') else ''}"
        " (for many comparisons, wrap them in all(...) or np.all(...))")


def claim(statement: str, holds: Any) -> None:
    """Print ``statement`` as checked, or raise :class:`ClaimFailed` if ``holds`` is false.

    Parameters
    ----------
    statement : str
        The sentence, as the lesson's text says it.
    holds : bool
        Whether the numbers computed above support it (a bool, NumPy bool or 0-d
        array/tensor; not a number, which would be true whenever it is not 0).

    Examples
    --------
    >>> claim("3 is more than 2", 3 > 2)
    ✓ 3 is more than 2
    >>> claim("2 is more than 3", 2 > 3)
    Traceback (most recent call last):
    ...
    course_lib.claims.ClaimFailed: the lesson says "2 is more than 3", but the numbers above no longer show it; rerun the notebook from the top, and if it still fails, the text needs updating
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"statement must be the sentence being checked (a non-empty string), got {statement!r}")
    if isinstance(holds, Real) and not isinstance(holds, (bool, np.bool_)):
        raise ValueError(f"holds must be True or False (a comparison such as `a > b`), got the number {holds!r}")
    if not _as_bool(holds):
        raise ClaimFailed(
            f'the lesson says "{statement}", but the numbers above no longer show it; rerun the notebook '
            "from the top, and if it still fails, the text needs updating")
    print(f"✓ {statement}")
