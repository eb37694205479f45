"""Results as plain-text tables: the one place in the course that lays out columns.

Lessons print their comparisons (several embeddings, feature sets, indexes or maps side by
side) as text, so that a stored output can be compared word for word. Every such table
goes through :func:`format_table`. A module whose results need a special cell (``mean ±
std``, a dash for "not computed", a rate with thousands separators) turns its results
into cells and calls it: :func:`course_lib.use.metrics.evaluation_table`,
:func:`course_lib.use.clustering.clustering_table`,
:func:`course_lib.use.projection.trustworthiness_table` and
:func:`course_lib.use.ann.benchmark_table` do.

Example::

    scores = {"pixels": retrieval_metrics(pixels, labels), "CNN": retrieval_metrics(cnn, labels)}
    print(format_table(scores, title="Retrieval among test digits"))
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from course_lib._utils import check_int, is_integer

__all__ = ["format_table"]

#: What a missing cell (or a value that is not a number, NaN) shows.
MISSING = "-"


def _format_cell(value: Any, digits: int = 3) -> str:
    """One cell as text: numbers to ``digits`` decimals, integers and text as they are.

    ``None`` and NaN show as ``-``. Anything else is formatted with ``format(value,
    ".{digits}f")``, so a result type can choose its own cell by defining ``__format__``
    (:class:`course_lib.use.classify.CVResult` prints ``mean ± std``).

    Examples
    --------
    >>> _format_cell(0.91234), _format_cell(784), _format_cell(float("nan")), _format_cell("IVF")
    ('0.912', '784', '-', 'IVF')
    """
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if is_integer(value):
        return str(int(value))
    try:
        if math.isnan(value):
            return MISSING
    except TypeError:
        pass
    try:
        return format(value, f".{digits}f")
    except (TypeError, ValueError):
        return str(value)


def format_table(
    rows: Mapping[Any, Mapping[str, Any]] | Sequence[Sequence[Any]],
    columns: Sequence[str] | Mapping[str, str] | None = None,
    *,
    label: str = "",
    digits: int = 3,
    title: str | None = None,
    left: int = 1,
    gap: int = 2,
    label_gap: int | None = None,
) -> str:
    """A plain-text table: one line per row, columns aligned, numbers rounded alike.

    Parameters
    ----------
    rows : mapping or sequence of sequences
        Either ``{row name: {column: value}}`` (the results of several embeddings, models
        or settings, keyed by name; the names fill the first column), or a list of rows,
        each a list of cells in the order of ``columns``.
    columns : sequence of str, or mapping column key -> header, optional
        For a mapping of rows: the columns to show and their order (default: every key,
        in the order first seen); a mapping also renames them. For a list of rows: the
        header of every column (required).
    label : str
        Header of the row names' column (a mapping of rows only).
    digits : int
        Decimals of every number that is not an integer. A value's type may choose its own
        cell by defining ``__format__`` (:class:`~course_lib.use.classify.CVResult` prints
        ``mean ± std``); text is shown as it is.
    title : str, optional
        A first line above the header.
    left : int
        How many leading columns are aligned left (text); the others align right (numbers).
    gap : int
        Spaces between neighbouring columns.
    label_gap : int, optional
        Spaces after the first column; default ``gap + 2``, so that the row names stand
        apart from the numbers.

    Returns
    -------
    str
        No trailing spaces; a missing cell or NaN shows as ``-``.

    Examples
    --------
    >>> print(format_table({"pixels": {"recall@10": 0.8, "mAP": 0.5}, "CNN": {"mAP": 0.91234}}))
              recall@10    mAP
    pixels        0.800  0.500
    CNN               -  0.912
    >>> print(format_table([["IVF", "nprobe=4", 0.9]], ["index", "parameters", "recall@10"], left=2, gap=3,
    ...                    label_gap=3))
    index   parameters   recall@10
    IVF     nprobe=4         0.900
    """
    digits = check_int(digits, "digits", 0)
    left = check_int(left, "left", 0)
    gap = check_int(gap, "gap", 0)
    label_gap = gap + 2 if label_gap is None else check_int(label_gap, "label_gap", 0)
    if isinstance(rows, Mapping):
        header, body = _from_mapping(rows, columns, label, digits)
    elif isinstance(rows, Sequence) and not isinstance(rows, str):
        header, body = _from_rows(rows, columns, digits)
    else:
        raise ValueError(f"rows must be a dict {{row name: {{column: value}}}} or a list of rows, "
                         f"got {type(rows).__name__}")
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        laid = [c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return (laid[0] + " " * label_gap + (" " * gap).join(laid[1:]) if len(laid) > 1 else laid[0]).rstrip()

    lines = [title] if title else []
    lines += [line(header)] + [line(cells) for cells in body]
    return "\n".join(lines)


def _from_mapping(rows: Mapping, columns: Any, label: str, digits: int) -> tuple[list[str], list[list[str]]]:
    if not rows:
        raise ValueError("rows is empty: pass {row name: {column: value}}, one entry per row")
    for name, row in rows.items():
        if not isinstance(row, Mapping):
            raise ValueError(f"rows[{name!r}] must be a dict {{column: value}}, got {type(row).__name__}")
    if columns is None:
        keys: list[str] = []
        for row in rows.values():
            keys += [key for key in row if key not in keys]
        headers = [str(key) for key in keys]
    elif isinstance(columns, Mapping):
        keys, headers = list(columns), [str(h) for h in columns.values()]
    else:
        keys = _column_list(columns)
        headers = [str(key) for key in keys]
    body = [[str(name)] + [_format_cell(row[key], digits) if key in row else MISSING for key in keys]
            for name, row in rows.items()]
    return [str(label), *headers], body


def _from_rows(rows: Sequence, columns: Any, digits: int) -> tuple[list[str], list[list[str]]]:
    if columns is None or isinstance(columns, Mapping):
        raise ValueError("columns must list the header of every column when rows is a list of rows")
    headers = [str(c) for c in _column_list(columns)]
    rows = list(rows)
    if not rows:
        raise ValueError("rows is empty: pass at least one row")
    body = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, Mapping)) or not isinstance(row, Sequence) or len(row) != len(headers):
            raise ValueError(f"rows[{i}] must be a list of {len(headers)} cells, one per column, got {row!r}")
        body.append([_format_cell(cell, digits) for cell in row])
    return headers, body


def _column_list(columns: Any) -> list:
    if isinstance(columns, str) or not isinstance(columns, Sequence) or not columns:
        raise ValueError(f"columns must be a non-empty list of column names, got {columns!r}")
    return list(columns)
