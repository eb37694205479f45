"""One home per concept: course_lib holds what notebooks import, tools/ the maintainer tools.

course_lib is installed on learners' machines and on Colab (from git), so it must not carry
tools that write into a repository, nor import anything that is not installed with it. The
tools import course_lib where they need it, never the other way round, and not in a circle.
"""
from __future__ import annotations

import ast
import json
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


# --------------------------------------------------------------------------- the pipeline's folders

#: What ``ls course_lib`` shows: the pipeline's stages, then the few modules next to them.
STAGES = {"data", "embed", "use", "show", "exercises"}
TOP_MODULES = {"__init__", "_utils", "capstone", "claims", "environment", "progress", "runtime"}
#: The flat modules of before the folders (issue #14): none may come back at the top.
FLAT_MODULES = {"ann", "classify", "clustering", "contextual", "embedding_metrics", "evaluate", "graphs",
                "metric_learning", "plotting", "projection", "search", "text", "vision", "widgets"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULE_NAMES = {_module_name(p): p for p in PACKAGE_MODULES}


def test_the_top_of_the_package_shows_the_pipeline():
    entries = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    folders = {name for name in entries if (PACKAGE / name).is_dir()}
    modules = {Path(name).stem for name in entries - folders}
    assert folders == STAGES, f"course_lib's folders should be the pipeline's stages {sorted(STAGES)}"
    assert modules == TOP_MODULES, f"course_lib's top-level modules should be {sorted(TOP_MODULES)}"
    assert all((PACKAGE / name / "__init__.py").is_file() for name in STAGES)
    assert not FLAT_MODULES & modules


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """(module, imported name or "", line) of every absolute import of a course_lib module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "", node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.module, alias.name, node.lineno) for alias in node.names]
    return [item for item in found if item[0].split(".")[0] == "course_lib"]


def _target(module: str, name: str) -> str:
    """The course_lib module an import loads: ``from a.b import c`` is a.b.c when c is a module."""
    if name and f"{module}.{name}" in MODULE_NAMES:
        return f"{module}.{name}"
    return module


@pytest.mark.parametrize("path", PACKAGE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_private_name_of_another(path):
    """Private helpers stay in their module; shared checks live in course_lib._utils.

    A package's own private modules (``course_lib.data._remote``) may import each other.
    """
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    wrong = []
    for module, name, line in _imports(path):
        for part in [*module.split(".")[1:], name]:
            if not part.startswith("_") or part == "_utils":
                continue
            if module == package or module.startswith(package + ".") and package != "course_lib":
                continue  # inside its own package
            wrong.append(f"line {line}: from {module} import {name}")
    assert wrong == [], f"{path.relative_to(ROOT)} imports private names of another module: {wrong}"


def test_course_lib_has_no_import_cycle():
    """Every import counts, also those inside functions: a lazy import hides a cycle, it does not remove it."""
    graph = {name: {_target(m, n) for m, n, _ in _imports(path)} - {name} for name, path in MODULE_NAMES.items()}
    unknown = sorted({t for targets in graph.values() for t in targets} - set(MODULE_NAMES))
    # Not even the contract names course_lib.search and course_lib.graphs: inside the package,
    # a module imports the real home.
    assert unknown == [], f"course_lib imports modules that are not files of the package: {unknown}"
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        assert module not in path, f"import cycle in course_lib: {' -> '.join(path[path.index(module):] + [module])}"
        if module in done:
            return
        for other in sorted(graph.get(module, ())):
            visit(other, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_every_public_function_and_class_has_one_home():
    """One home per concept: no two modules define a public function or class of the same name."""
    homes: dict[str, list[str]] = {}
    for name, path in MODULE_NAMES.items():
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                homes.setdefault(node.name, []).append(name)
    twice = {name: modules for name, modules in homes.items() if len(modules) > 1}
    assert twice == {}, f"defined in several modules: {twice}"


def _run(code: str) -> str:
    import subprocess

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_importing_course_lib_loads_no_heavy_library():
    """``import course_lib`` (every setup cell) stays light: torch & co. load when a lesson asks."""
    heavy = ["torch", "sklearn", "networkx", "numba", "transformers", "sentence_transformers", "gensim", "faiss"]
    loaded = _run(f"import sys, course_lib; print(sorted(m for m in {heavy!r} if m in sys.modules))")
    assert loaded.strip() == "[]", f"import course_lib loaded {loaded.strip()}"


def test_the_course_designs_module_names_are_the_new_modules():
    """``course_lib.search`` and ``course_lib.graphs`` are contract names: the same module objects."""
    import course_lib
    import course_lib.embed.graphs
    import course_lib.graphs
    import course_lib.search
    import course_lib.use.search
    from course_lib import graphs, search

    assert course_lib.search is course_lib.use.search is search
    assert course_lib.graphs is course_lib.embed.graphs is graphs
    assert course_lib.search.top_k is course_lib.use.search.top_k
    assert callable(course_lib.search.recall_at_k) and callable(course_lib.graphs.random_walks)
    # In a fresh process too, whichever name comes first.
    assert _run("import course_lib.search as a, course_lib.use.search as b; print(a is b, a.__name__)").split() == \
        ["True", "course_lib.use.search"]
    assert _run("from course_lib import graphs; import course_lib.embed.graphs as g; print(graphs is g)").strip() == "True"


# --------------------------------------------------------------------------- what notebooks import

NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])


def _notebook_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every course_lib import in the code cells of a notebook."""
    found = []
    for cell in json.loads(path.read_text("utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        # IPython's %magics and !commands are not Python: each becomes a `pass` at its indentation.
        source = "\n".join(line[:len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!"))
                            else line for line in source.splitlines())
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "course_lib":
                found += [(node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [(alias.name, "") for alias in node.names if alias.name.split(".")[0] == "course_lib"]
    return found


def _notebook_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_notebook_id)
def test_notebooks_import_only_qn_from_a_checks_module(path):
    """Checks modules hold checks: data, loaders and lesson code live in the pipeline's folders."""
    wrong = [f"{name} from {module}" for module, name in _notebook_imports(path)
             if re.fullmatch(r"course_lib\.exercises\.lesson\d\d", module) and not re.fullmatch(r"q\d+", name)]
    assert wrong == [], f"{_notebook_id(path)} imports {wrong}; import only q1, q2... from a checks module"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_notebook_id)
def test_notebooks_import_the_new_homes(path):
    """Every course_lib import of a lesson names a module of the package (or a contract name) and a name it has."""
    import importlib

    wrong = []
    for module, name in _notebook_imports(path):
        target = _target(module, name)
        if target not in MODULE_NAMES and target not in {"course_lib.search", "course_lib.graphs"}:
            wrong.append(f"{module} ({name or 'import'})")
        elif name and not hasattr(importlib.import_module(module), name) and target == module:
            wrong.append(f"{name} from {module}")
    assert wrong == [], f"{_notebook_id(path)} imports what course_lib does not have: {wrong}"
