"""Write ``exercises/`` from ``solutions/``, the single source of both.

    python tools/build_exercises.py           # (re)write exercises/ and solutions.json (make exercises)
    python tools/build_exercises.py --check   # exit 1 when they are stale; write nothing

A maintainer tool, run from a clone of the repository; it is not part of the installed
``course_lib``, which only reads what it writes.

In a solution notebook, each answer sits between two marker comments::

    # BEGIN SOLUTION q1
    similarity = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
    # END SOLUTION

The practice notebook gets a stub in its place, made from the region's code: each
assigned name becomes ``name = ____``, each function keeps its signature and docstring
and returns ``____`` (or, when the solution returns nothing, as a forward hook does, its
body is ``pass``, so that a caller never receives the blank); comment lines at the top of
the region are kept as instructions.
Cells tagged ``solution`` (worked explanations) are left out, and outputs are cleared.
The regions' code is also collected into ``course_lib/exercises/solutions.json`` (package
data of ``course_lib.exercises``) so that ``q1.solution()`` shows it.
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
import textwrap
from pathlib import Path

import nbformat

import authoring  # tools/authoring.py, next to this file: the Colab badge and setup cell

REPO_ROOT = Path(__file__).resolve().parents[1]  # tools/ sits at the top of the repository
#: Where the worked answers go, relative to the repository: package data read by course_lib.exercises.
SOLUTIONS_JSON = Path("course_lib/exercises/solutions.json")

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION (?P<key>\w+)[ \t]*$")
_END = re.compile(r"^[ \t]*# END SOLUTION[ \t]*$")

PRACTICE_INTRO = """\
> **Practice notebook.** Replace each `____` with your answer and run the cell with `qN.check()` below it.
> Every check says *correct*, *incorrect* (with what is wrong and why) or *not attempted yet*.
> `qN.hint()` gives a hint (call it again for the next one); `qN.solution()` shows a worked answer.
> The notebook runs top to bottom as it is, so you can work on the questions in any order.
"""


class BuildError(ValueError):
    """A solution notebook's markers cannot be turned into an exercise."""


def _returns_a_value(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True when ``func`` itself (not a function nested in it) has a ``return`` with a value."""
    todo = list(func.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Return) and node.value is not None:
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
    return False


def _stub(region: list[str], indent: str, key: str, where: str) -> list[str]:
    """The practice-notebook lines that replace one answer region."""
    body = textwrap.dedent("".join(region))
    try:
        tree = ast.parse(body)
    except SyntaxError as exc:
        raise BuildError(f"{where}: the answer region of {key} is not valid Python ({exc.msg})") from None
    lines = body.splitlines()
    out: list[str] = []
    for line in lines:  # leading comments are instructions for the learner
        if line.strip().startswith("#") or not line.strip():
            out.append(line)
        else:
            break
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    out.append(f"{target.id} = ____  # your answer ({key})")
                elif isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
                    names = ", ".join(e.id for e in target.elts)
                    blanks = ", ".join("____" for _ in target.elts)
                    out.append(f"{names} = {blanks}  # your answer ({key})")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            body_start = node.body[0].lineno
            doc = ast.get_docstring(node, clean=False)
            header = lines[first - 1 : body_start - 1]
            out.extend(header)
            pad = " " * (node.body[0].col_offset)
            if doc is not None:
                end = node.body[0].end_lineno
                out.extend(lines[body_start - 1 : end])
            if _returns_a_value(node):
                out.append(f"{pad}return ____  # your code here ({key})")
            else:  # a procedure (a forward hook, say): returning ____ would hand the blank to its caller
                out.append(f"{pad}pass  # your code here ({key})")
    if len(out) == 0 or all(line.strip().startswith("#") or not line.strip() for line in out):
        raise BuildError(
            f"{where}: the answer region of {key} defines no variable or function; "
            "an exercise region must assign the names its check reads"
        )
    return [indent + line + "\n" if line else "\n" for line in out]


def split_solution_cell(source: str, where: str) -> tuple[str, dict[str, str]]:
    """Return (exercise source, {key: solution code}) for one code cell."""
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    answers: dict[str, str] = {}
    i = 0
    while i < len(lines):
        begin = _BEGIN.match(lines[i].rstrip("\n"))
        if not begin:
            if _END.match(lines[i].rstrip("\n")):
                raise BuildError(f"{where}: '# END SOLUTION' without a matching '# BEGIN SOLUTION qN'")
            out.append(lines[i])
            i += 1
            continue
        key, indent = begin["key"], begin["indent"]
        j = i + 1
        while j < len(lines) and not _END.match(lines[j].rstrip("\n")):
            if _BEGIN.match(lines[j].rstrip("\n")):
                raise BuildError(f"{where}: region {key} is not closed before the next BEGIN")
            j += 1
        if j == len(lines):
            raise BuildError(f"{where}: region {key} has no '# END SOLUTION'")
        region = lines[i + 1 : j]
        if key in answers:
            raise BuildError(f"{where}: two regions named {key} in one cell")
        answers[key] = textwrap.dedent("".join(region)).strip("\n")
        out.extend(_stub(region, indent, key, where))
        i = j + 1
    return "".join(out).rstrip("\n"), answers


def exercise_notebook(solution_path: Path) -> tuple[nbformat.NotebookNode, dict[str, str]]:
    """Build the practice notebook for one solution notebook, and its answers by key."""
    nb = nbformat.read(solution_path, as_version=4)
    practice = copy.deepcopy(nb)
    practice.cells = []
    answers: dict[str, str] = {}
    for index, cell in enumerate(nb.cells):
        if "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        new = copy.deepcopy(cell)
        if cell.cell_type == "code":
            where = f"{solution_path.name} cell {index}"
            new.source, found = split_solution_cell(cell.source, where)
            duplicated = set(found) & set(answers)
            if duplicated:
                raise BuildError(f"{where}: region {sorted(duplicated)[0]} appears twice in the notebook")
            answers.update(found)
            new.outputs = []
            new.execution_count = None
        practice.cells.append(new)
    # The practice note goes right under the title (after the Colab badge, if any).
    title = next((i for i, c in enumerate(practice.cells)
                  if c.cell_type == "markdown" and c.get("id") != authoring.BADGE_ID), None)
    practice.cells.insert(0 if title is None else title + 1, nbformat.v4.new_markdown_cell(PRACTICE_INTRO))

    for i, cell in enumerate(practice.cells):
        # Stable ids keep the generated files identical from one build to the next; the
        # stamp's own cells keep theirs so that stamping replaces them instead of adding more.
        if cell.get("id") not in (authoring.BADGE_ID, authoring.SETUP_ID):
            cell["id"] = f"practice-{i:03d}"
    practice.metadata["course"] = {"generated_from": f"solutions/{solution_path.name}"}

    root = solution_path.resolve().parents[1]
    if (root / "pyproject.toml").exists():  # the badge opens the practice notebook, not the solution
        authoring.stamp_notebook(practice, f"exercises/{solution_path.name}", root)
    return practice, answers


def build(root: Path = REPO_ROOT) -> dict[Path, str]:
    """Every generated file as {path: text}; nothing is written."""
    files: dict[Path, str] = {}
    all_answers: dict[str, str] = {}
    for solution_path in sorted((root / "solutions").glob("[0-9][0-9]_*.ipynb")):
        practice, answers = exercise_notebook(solution_path)
        lesson = solution_path.name[:2]
        all_answers.update({f"{lesson}:{k}": v for k, v in answers.items()})
        files[root / "exercises" / solution_path.name] = nbformat.writes(practice) + "\n"
    files[root / SOLUTIONS_JSON] = (
        json.dumps(all_answers, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    )
    return files


def stale_files(root: Path = REPO_ROOT) -> list[str]:
    """Generated files that differ from a fresh build (or are missing, or left over)."""
    files = build(root)
    stale = [str(p.relative_to(root)) for p, text in files.items() if not p.exists() or p.read_text("utf-8") != text]
    expected = {p.name for p in files if p.parent.name == "exercises"}
    leftovers = [f"exercises/{p.name}" for p in (root / "exercises").glob("*.ipynb") if p.name not in expected]
    return sorted(stale + leftovers)


def write(root: Path = REPO_ROOT) -> list[Path]:
    """Write every generated file, remove left-over practice notebooks; return what changed."""
    files = build(root)
    changed = []
    (root / "exercises").mkdir(exist_ok=True)
    for path, text in files.items():
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            changed.append(path)
    expected = set(files)
    for path in (root / "exercises").glob("*.ipynb"):
        if path not in expected:
            path.unlink()
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/build_exercises.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if exercises/ is stale; write nothing")
    args = parser.parse_args(argv)
    try:
        if not args.check:
            changed = write()
            for path in changed:
                print(f"wrote {path.relative_to(REPO_ROOT)}")
            print(f"{len(changed)} file(s) changed" if changed else "exercises/ is up to date: nothing changed")
            return 0
        stale = stale_files()
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if stale:
        print("exercises/ is stale; run `make exercises`:\n  " + "\n  ".join(stale))
        return 1
    print("exercises/ is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
