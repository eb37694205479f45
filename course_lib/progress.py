"""Progress bars that are saved finished: a live bar while a cell runs, one line of text after.

tqdm's notebook bar is a widget. A saved notebook keeps only its text fallback, which is
drawn when the bar starts ("0%|          | 0/60"), so GitHub, a diff or a reopened notebook
shows every bar at 0 %. :func:`progress` shows the same live widget, and when the bar
closes it replaces it with one printed line: ``training: 100% (60/60 batches) in 9.3 s``.
"""
from __future__ import annotations

from typing import Any, Iterable

from course_lib._utils import is_integer


def _in_notebook() -> bool:
    """Whether code runs in a Jupyter kernel (where tqdm draws a widget)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def summary_line(desc: str, n: int, total: int | None, unit: str, elapsed: float) -> str:
    """The line a finished (or stopped) bar leaves behind.

    Examples
    --------
    >>> summary_line("training", 60, 60, "batch", 9.26)
    'training: 100% (60/60 batches) in 9.3 s'
    >>> summary_line("walks", 7, None, "walk", 0.5)
    'walks: 7 walks in 0.5 s'
    """
    head = f"{desc}: " if desc else ""
    count = total if total else n
    units = unit if count == 1 else unit + ("es" if unit.endswith(("s", "sh", "ch", "x")) else "s")
    if total:
        return f"{head}{100 * n // total}% ({n:,}/{total:,} {units}) in {elapsed:.1f} s"
    return f"{head}{n:,} {units} in {elapsed:.1f} s"


def progress(iterable: Iterable | None = None, *, total: int | None = None, desc: str = "",
             unit: str = "step", disable: bool = False) -> Any:
    """A tqdm progress bar that is saved in its final state.

    Parameters
    ----------
    iterable : iterable or None
        What to loop over; None for a bar moved by hand with ``bar.update(n)``.
    total : int or None
        The number of steps; by default ``len(iterable)`` where it has one.
    desc, unit : str
        The label before the bar, and the name of one step ("batch", "epoch"; "step" by default).
    disable : bool
        No bar at all (for example inside a library function called quietly).

    Returns
    -------
    tqdm
        Use it as tqdm: iterate over it, or ``with progress(total=n) as bar: bar.update()``.

    Examples
    --------
    >>> sum(progress(range(3), desc="adding", disable=True))
    3
    """
    if total is not None and (not is_integer(total) or total < 0):
        raise ValueError(f"total must be a non-negative integer or None, got {total!r}")
    if not isinstance(desc, str) or not isinstance(unit, str):
        raise ValueError(f"desc and unit must be strings, got {desc!r} and {unit!r}")
    kwargs = dict(total=total, desc=desc, unit=unit, disable=bool(disable))
    if disable or not _in_notebook():
        from tqdm.auto import tqdm

        return tqdm(iterable, **kwargs)
    return _finishing_bar_class()(iterable, **kwargs)


def _finishing_bar_class():
    from IPython.display import Pretty, display
    from tqdm.notebook import tqdm as notebook_tqdm

    class FinishingBar(notebook_tqdm):
        """tqdm's widget bar, which gives way to :func:`summary_line` when it closes."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, display=False, **kwargs)
            bundle = dict(self.container._repr_mimebundle_())
            # Empty text fallback: what a saved notebook keeps of the widget is nothing, and
            # the finished line printed by close() is the bar's record.
            bundle["text/plain"] = ""
            self._handle = display(bundle, raw=True, display_id=True)
            self._finished = False

        def close(self):
            super().close()
            if self._finished or self._handle is None:
                return
            self._finished = True
            self._handle.update(Pretty(""))
            print(summary_line(self.desc.rstrip(": "), self.n, self.total, self.unit,
                               self.format_dict["elapsed"]))

    return FinishingBar
