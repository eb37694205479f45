"""``python -m course_lib.exercises build`` writes exercises/ from solutions/;
``python -m course_lib.exercises check`` exits 1 when exercises/ is stale."""
from __future__ import annotations

import argparse
import sys

from course_lib.exercises import build as builder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.exercises", description=__doc__)
    parser.add_argument("command", choices=["build", "check"])
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            changed = builder.write()
            for path in changed:
                print(f"wrote {path.relative_to(builder.REPO_ROOT)}")
            print(f"{len(changed)} file(s) changed")
            return 0
        stale = builder.stale_files()
    except builder.BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if stale:
        print("exercises/ is stale; run `make exercises`:\n  " + "\n  ".join(stale))
        return 1
    print("exercises/ is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
