"""Tools for course authors: stamp notebooks, run them with stored outputs, write environment.yml.

A maintainer tool, run from a clone of the repository (``make stamp``, ``make env``); it is
not part of the installed ``course_lib``.

``python tools/authoring.py stamp`` writes the "Open in Colab" badge and the setup
cell into every notebook of ``notebooks/`` and ``solutions/`` from the repository URL in
``pyproject.toml`` (``[project.urls] Repository``), the one place it lives.
``python tools/authoring.py check`` exits 1 when a notebook's stamp is missing or stale.
``python tools/authoring.py execute PATH...`` runs notebooks top to bottom in this
environment's kernel and stores their outputs, the way nbval will compare them; when a
solution notebook changes it also rebuilds ``exercises/`` (``tools/build_exercises.py``).
``python tools/authoring.py env`` writes ``environment.yml`` from ``requirements.txt``.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import NamedTuple

import nbformat
from packaging.markers import Marker
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parents[1]  # tools/ sits at the top of the repository
STAMPED_FOLDERS = ("notebooks", "solutions")
BADGE_ID = "colab-badge"
SETUP_ID = "course-setup"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def repository_url(root: Path = REPO_ROOT) -> str:
    """The public repository URL from ``pyproject.toml``."""
    with open(root / "pyproject.toml", "rb") as f:
        url = tomllib.load(f)["project"]["urls"]["Repository"]
    return url.rstrip("/")


def colab_url(relative_path: str, root: Path = REPO_ROOT) -> str:
    """Colab's address for a notebook of the repository's main branch."""
    github = repository_url(root).removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{github}/blob/main/{relative_path}"


def badge_source(relative_path: str, root: Path = REPO_ROOT) -> str:
    """The first cell of every notebook: Colab's badge, and a text link that still reads offline.

    The badge is an image on Colab's server; without a network it shows as a broken image, so a
    plain link says the same in words, and the sentence after it says nothing is lost offline.
    """
    url = colab_url(relative_path, root)
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url}) "
        f"[Open this notebook in Colab]({url}) (online), or run it right here: everything the "
        "lesson needs is installed with the course."
    )


def setup_source(root: Path = REPO_ROOT) -> str:
    """The first code cell of every notebook; the same text runs locally, on Binder and on Colab."""
    url = repository_url(root)
    return (
        "# Setup: this cell works unchanged locally, on Binder and on Colab.\n"
        "import sys\n"
        'if "google.colab" in sys.modules:  # Colab has torch already: install only the course helpers\n'
        f'    %pip install --quiet "embeddings-course @ git+{url}"\n'
        "import course_lib\n"
        "\n"
        "course_lib.setup(seed=0)  # seeds every generator and pins torch's threads, for reproducible output"
    )


def stamp_notebook(nb: nbformat.NotebookNode, relative_path: str, root: Path = REPO_ROOT) -> bool:
    """Put the current badge and setup cell into ``nb``; return True if anything changed."""
    before = nbformat.writes(nb)
    badge = next((c for c in nb.cells if c.get("id") == BADGE_ID), None)
    if badge is None:
        badge = nbformat.v4.new_markdown_cell(id=BADGE_ID)
        nb.cells.insert(0, badge)
    badge.source = badge_source(relative_path, root)
    setup = next((c for c in nb.cells if c.get("id") == SETUP_ID), None)
    if setup is None:
        setup = nbformat.v4.new_code_cell(id=SETUP_ID)
        first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
        nb.cells.insert(first_code, setup)
        setup.execution_count = None
    setup.source = setup_source(root)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nbformat.writes(nb) != before


def stamped_paths(root: Path = REPO_ROOT) -> list[Path]:
    return [p for folder in STAMPED_FOLDERS for p in sorted((root / folder).glob("[0-9][0-9]_*.ipynb"))]


def stamp_all(root: Path = REPO_ROOT) -> list[Path]:
    """Stamp every lesson and solution notebook; return those that changed."""
    changed = []
    for path in stamped_paths(root):
        nb = nbformat.read(path, as_version=4)
        if stamp_notebook(nb, str(path.relative_to(root)), root):
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def unstamped(root: Path = REPO_ROOT) -> list[str]:
    """Notebooks (lessons, solutions and generated exercises) whose stamp is missing or out of date."""
    problems = []
    paths = stamped_paths(root) + sorted((root / "exercises").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        relative = str(path.relative_to(root))
        badge = next((c for c in nb.cells if c.get("id") == BADGE_ID), None)
        setup = next((c for c in nb.cells if c.get("id") == SETUP_ID), None)
        badges = sum("colab-badge.svg" in c.source for c in nb.cells)
        setups = sum(c.source.startswith("# Setup: this cell works unchanged") for c in nb.cells)
        if badges > 1 or setups > 1:
            problems.append(f"{relative}: {badges} Colab badges and {setups} setup cells; expected one of each")
        if badge is None or badge.source != badge_source(relative, root):
            problems.append(f"{relative}: Colab badge missing or out of date")
        if setup is None or setup.source != setup_source(root):
            problems.append(f"{relative}: setup cell missing or out of date")
    return problems


def execute(path: Path, timeout: int = 600) -> None:
    """Run a notebook top to bottom in this environment's Python and store its outputs."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.pop("jupytext", None)  # left by authoring in text form; not part of the notebook
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute()
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
    nbformat.write(nb, path)


# Packages that exist only for torch's CUDA build; a CPU-only Binder image leaves them out.
CUDA_ONLY_PREFIXES = ("nvidia-", "cuda-", "triton")
# Binder and conda users get torch's CPU wheels from PyTorch's CPU index. On Linux and Windows
# they carry this local version suffix; macOS has no "+cpu" wheels (every macOS build is one).
CPU_WHEELS = {"torch": "+cpu", "torchvision": "+cpu"}
CPU_INDEX = "https://download.pytorch.org/whl/cpu"

#: The platforms requirements.txt is compiled for (those PyTorch 2.14 ships wheels for), as the
#: values of the environment markers there, at the oldest Python the pins support (3.11.5).
PYTHON_MARKERS = {
    "python_version": "3.11",
    "python_full_version": "3.11.5",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}
TARGET_PLATFORMS = {
    "linux-x86_64": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix"},
    "linux-aarch64": {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64", "os_name": "posix"},
    "macos-arm64": {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64", "os_name": "posix"},
    "windows-x86_64": {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64", "os_name": "nt"},
}


def marker_environment(platform: str, extra: str = "") -> dict[str, str]:
    """The environment markers evaluate against on one of ``TARGET_PLATFORMS``."""
    return {**PYTHON_MARKERS, **TARGET_PLATFORMS[platform], "extra": extra}


class Pin(NamedTuple):
    """One line of requirements.txt: ``name==version`` and, if only some platforms need it, ``; marker``."""

    name: str  # normalised (PEP 503): lower case, runs of -_. as one -
    version: str
    marker: str | None = None

    def applies_on(self, platform: str) -> bool:
        return self.marker is None or Marker(self.marker).evaluate(marker_environment(platform))

    def platforms(self) -> list[str]:
        """The target platforms (at Python 3.11) where pip installs this pin."""
        return [p for p in TARGET_PLATFORMS if self.applies_on(p)]

    @property
    def gpu_only(self) -> bool:
        """Only torch's CUDA build needs it: a CUDA library, or a pin that applies on Linux x86_64 alone."""
        return self.name.startswith(CUDA_ONLY_PREFIXES) or self.platforms() == ["linux-x86_64"]


def parse_pin(line: str, source: str = "requirements.txt") -> Pin:
    """``Pin`` from ``name==version`` or ``name==version ; marker``."""
    requirement, _, marker = line.partition(";")
    name, sep, version = requirement.partition("==")
    if not sep or not name.strip() or not version.strip():
        raise ValueError(f"{source}: {line!r} is not pinned with '=='")
    marker = marker.strip() or None
    if marker is not None:
        Marker(marker)  # raises InvalidMarker for a malformed one
    return Pin(canonicalize_name(name.strip()), version.strip(), marker)


def read_requirements(path: Path) -> list[Pin]:
    """The pins of a file of ``name==version[ ; marker]`` lines (comments and options skipped)."""
    pins = []
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            pins.append(parse_pin(line, path.name))
    return pins


def _marker_and(marker: str | None, condition: str) -> str:
    return condition if marker is None else f"({marker}) and {condition}"


def environment_yml(root: Path = REPO_ROOT) -> str:
    """environment.yml for Binder and conda: the pinned versions, with CPU-only torch.

    Left out: torch's CUDA libraries (``Pin.gpu_only``) and pins that none of the target
    platforms needs at Python 3.11. A marker is kept only where it still tells platforms apart.
    """
    lines = [
        "# Generated from requirements.txt by `python tools/authoring.py env`; do not edit by hand.",
        "# For Binder and conda users: the same versions, with CPU-only torch so the image stays small.",
        "name: embeddings-course",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        f"      - --extra-index-url {CPU_INDEX}",
    ]
    for pin in sorted(read_requirements(root / "requirements.txt")):
        where = pin.platforms()
        if not where or pin.gpu_only:
            continue
        marker = pin.marker if len(where) < len(TARGET_PLATFORMS) else None
        if pin.name in CPU_WHEELS:
            cpu = _marker_and(marker, "sys_platform != 'darwin'")
            mac = _marker_and(marker, "sys_platform == 'darwin'")
            lines.append(f"      - {pin.name}=={pin.version}{CPU_WHEELS[pin.name]} ; {cpu}")
            lines.append(f"      - {pin.name}=={pin.version} ; {mac}")
        else:
            lines.append(f"      - {pin.name}=={pin.version}" + (f" ; {marker}" if marker else ""))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/authoring.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("stamp", help="write badges and setup cells into every notebook")
    sub.add_parser("check", help="exit 1 if a notebook's stamp is missing or stale")
    sub.add_parser("env", help="write environment.yml from requirements.txt")
    run = sub.add_parser("execute", help="run notebooks and store their outputs")
    run.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "stamp":
        for path in stamp_all():
            print(f"stamped {path.relative_to(REPO_ROOT)}")
        return 0
    if args.command == "env":
        (REPO_ROOT / "environment.yml").write_text(environment_yml(), "utf-8")
        print("wrote environment.yml")
        return 0
    if args.command == "check":
        problems = unstamped()
        print("\n".join(problems) if problems else "every notebook carries the current stamp")
        return 1 if problems else 0
    rebuild = False
    for path in args.paths:
        path = path.resolve()
        nb = nbformat.read(path, as_version=4)
        if stamp_notebook(nb, str(path.relative_to(REPO_ROOT))):
            nbformat.write(nb, path)
        print(f"executing {path.relative_to(REPO_ROOT)} ...", flush=True)
        execute(path)
        rebuild |= path.parent.name == "solutions"
    if rebuild:
        # A separate process, not an import: build_exercises imports this module (for the stamp).
        return subprocess.run([sys.executable, str(REPO_ROOT / "tools" / "build_exercises.py")]).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
