"""One home per concept: course_lib holds what notebooks import, tools/ the maintainer tools.

course_lib is installed on learners' machines and on Colab (from git), so it must not carry
tools that write into a repository, nor import anything that is not installed with it. The
tools import course_lib where they need it, never the other way round, and not in a circle.
"""
from __future__ import annotations

import ast
import importlib.resources
import re
import sys
import tomllib
from pathlib import Path

import pytest
from setuptools import find_namespace_packages

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course_lib"
TOOLS = ROOT / "tools"
#: Top-level folders of the repository that are not installed: the package may not import them.
NOT_INSTALLED = {"tools", "docs", "benchmarks", "tests", "notebooks", "solutions", "exercises"}
TOOL_MODULES = {p.stem for p in TOOLS.glob("*.py")}


def _imported_names(path: Path) -> set[str]:
    """Every absolute module name ``path`` imports, anywhere in the file (functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


PACKAGE_MODULES = sorted(PACKAGE.rglob("*.py"))


def test_tools_are_where_the_makefile_runs_them():
    assert {"authoring", "build_exercises", "build_guide", "install_requirements"} <= TOOL_MODULES
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for target, command in [("stamp", "tools/authoring.py stamp"), ("env", "tools/authoring.py env"),
                            ("exercises", "tools/build_exercises.py"), ("guide", "tools/build_guide.py")]:
        assert re.search(rf"^{target}:.*\n\t\$\(PY\) {re.escape(command)}$", makefile, re.M), (
            f"`make {target}` should run `$(PY) {command}`")


@pytest.mark.parametrize("path", PACKAGE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_course_lib_never_imports_upwards(path):
    upward = sorted(name for name in _imported_names(path)
                    if name.split(".")[0] in NOT_INSTALLED | TOOL_MODULES)
    assert upward == [], f"{path.relative_to(ROOT)} imports {upward}, which is not installed with course_lib"


def test_no_maintainer_tool_is_left_in_the_package():
    modules = {p.relative_to(ROOT).as_posix() for p in PACKAGE_MODULES}
    left = sorted(m for m in modules if Path(m).stem in {"authoring", "build", "build_exercises", "build_guide"})
    assert left == [], f"maintainer tools belong in tools/: {left}"
    # python -m course_lib.exercises only served the build; the checks have no command line.
    assert "course_lib/exercises/__main__.py" not in modules


def test_the_package_holds_no_tools():
    """What pyproject's package discovery ships: course_lib and its subpackages, nothing else."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        find = tomllib.load(f)["tool"]["setuptools"]["packages"]["find"]
    packages = find_namespace_packages(where=str(ROOT), include=find["include"], exclude=find.get("exclude", ()))
    assert "course_lib" in packages and "course_lib.exercises" in packages
    assert all(p == "course_lib" or p.startswith("course_lib.") for p in packages), packages
    assert not any(p.split(".")[0] in NOT_INSTALLED for p in packages)


def _tool_imports() -> dict[str, set[str]]:
    """tools/ module -> the other tools/ modules it imports (they import each other by name)."""
    return {p.stem: {n.split(".")[0] for n in _imported_names(p)} & (TOOL_MODULES - {p.stem})
            for p in TOOLS.glob("*.py")}


def test_tools_import_no_circle():
    graph = _tool_imports()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        assert module not in path, f"import circle in tools/: {' -> '.join(path + [module])}"
        if module in done:
            return
        for other in sorted(graph[module]):
            visit(other, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_tools_find_the_repository_root():
    sys.path.insert(0, str(TOOLS))  # how the tools find each other when run as scripts
    import authoring
    import build_exercises

    assert authoring.REPO_ROOT == ROOT
    assert build_exercises.REPO_ROOT == ROOT
    for name in ("build_guide.py", "install_requirements.py"):
        assert "ROOT = Path(__file__).resolve().parents[1]" in (TOOLS / name).read_text("utf-8")
    # The exercise build writes the worked answers where the installed package reads them.
    packaged = importlib.resources.files("course_lib.exercises").joinpath("solutions.json")
    assert Path(str(packaged)).resolve() == (ROOT / build_exercises.SOLUTIONS_JSON).resolve()
