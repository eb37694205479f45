"""The pinned requirements, environment.yml and the notebooks' stamps agree.

requirements.txt is compiled from requirements.in for four platforms (those PyTorch ships
wheels for): a pin that only some of them need carries an environment marker. The checks here
need no network: they follow the installed packages' own requirements (``Requires-Dist``)
from the top-level packages of requirements.in and evaluate every marker for each platform
(``tools/authoring.py``'s ``TARGET_PLATFORMS``); a package that is not installed here (say,
pywinpty, which only Windows needs) counts as one without requirements.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))  # the maintainer tools are scripts, not an installed package
import authoring  # noqa: E402  (tools/authoring.py)

CORE = ["jupyterlab", "nbval", "ipywidgets", "gensim", "torch", "torchvision", "networkx", "node2vec",
        "scikit-learn", "matplotlib"]
PLATFORMS = list(authoring.TARGET_PLATFORMS)


def _requirements() -> list[authoring.Pin]:
    return authoring.read_requirements(ROOT / "requirements.txt")


def _requirements_in() -> list[Requirement]:
    lines = (ROOT / "requirements.in").read_text().splitlines()
    return [Requirement(line.split("#")[0].strip()) for line in lines if line.split("#")[0].strip()]


def _environment_pins() -> list[authoring.Pin]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return [authoring.parse_pin(entry, "environment.yml") for entry in pip_section if not entry.startswith("-")]


def _versions_on(pins: list[authoring.Pin], platform: str) -> dict[str, list[str]]:
    """{name: [versions]} of the pins pip installs on ``platform``."""
    found = defaultdict(list)
    for pin in pins:
        if pin.applies_on(platform):
            found[pin.name].append(pin.version)
    return found


def _installed() -> dict[str, importlib.metadata.Distribution]:
    return {canonicalize_name(d.metadata["Name"]): d for d in importlib.metadata.distributions()}


SkipRule = Callable[[str, Requirement], bool]


def _needed(platform: str, skip: SkipRule = lambda parent, req: False) -> dict[str, set[str]]:
    """Every package the top-level ones need on ``platform``: {name: the packages that need it}.

    Follows installed metadata, extras included (``jsonschema[format-nongpl]``); ``skip(parent,
    requirement)`` drops requirements. Not installed here: no requirements known, a leaf.
    """
    installed = _installed()
    needed_by: dict[str, set[str]] = defaultdict(set)
    done: set[tuple[str, str]] = set()
    todo = []
    for req in _requirements_in():
        if req.marker is None or req.marker.evaluate(authoring.marker_environment(platform)):
            todo.append(("requirements.in", req))
    while todo:
        parent, req = todo.pop()
        name = canonicalize_name(req.name)
        needed_by[name].add(parent)
        for extra in ("", *sorted(req.extras)):
            if (name, extra) in done or name not in installed:
                continue
            done.add((name, extra))
            env = authoring.marker_environment(platform, extra)
            for text in installed[name].requires or []:
                child = Requirement(text)
                if extra and (child.marker is None or "extra" not in str(child.marker)):
                    continue  # the base requirements are followed once, with extra ""
                if (child.marker is None or child.marker.evaluate(env)) and not skip(name, child):
                    todo.append((name, child))
    return needed_by


def _torch_is_cpu_build() -> bool:
    return "+" in importlib.metadata.version("torch")


def _install_tool():
    spec = importlib.util.spec_from_file_location("install_requirements", ROOT / "tools" / "install_requirements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_requirement_is_pinned_exactly():
    pin = r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+"
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(rf"{pin}( ; \S.*)?", line), line
            authoring.parse_pin(line)  # the marker, if any, parses


@pytest.mark.parametrize("package", CORE)
def test_core_packages_in_both(package):
    assert package in {p.name for p in _requirements()}, f"requirements.txt lacks {package}"
    assert package in {p.name for p in _environment_pins()}, f"environment.yml lacks {package}"


def test_required_pins():
    pins = {p.name: p for p in _requirements()}
    for name, version in [("torch", "2.14.1"), ("torchvision", "0.29.1")]:
        assert pins[name] == authoring.Pin(name, version), f"{name} must be pinned to {version} on every platform"
    assert all(int(p.version.split(".")[0]) < 2 for p in _requirements() if p.name == "numpy"), "node2vec needs numpy<2"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_pin_applies_only_where_a_package_needs_it(platform):
    """A pin without the marker its platform needs (e.g. a CUDA library on macOS) fails here."""
    needed = _needed(platform)
    # torch's CPU build (tools/install_requirements.py) lacks the CUDA build's requirements, so
    # with it installed the CUDA-only pins can only be checked to stay off macOS and Windows.
    unknown = {p.name for p in _requirements() if p.gpu_only} if _torch_is_cpu_build() else set()
    for pin in _requirements():
        if not pin.applies_on(platform):
            continue
        if pin.name in unknown:
            assert platform.startswith("linux"), f"{pin.name}=={pin.version} applies on {platform}"
        else:
            is_needed = pin.name in needed
            assert is_needed, (
                f"{pin.name}=={pin.version} applies on {platform}, where nothing needs it: it lacks the "
                f"marker of the requirement that pulls it in (recompile requirements.txt, see requirements.in)"
            )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_needed_package_is_pinned_once(platform):
    versions = _versions_on(_requirements(), platform)
    for name, parents in _needed(platform).items():
        assert len(versions.get(name, [])) == 1, (
            f"{platform}: {name} (needed by {', '.join(sorted(parents))}) has pins {versions.get(name, [])}"
        )


def test_pins_agree_with_requirements_in():
    pins = _requirements()
    for req in _requirements_in():
        name = canonicalize_name(req.name)
        matching = [p for p in pins if p.name == name]
        assert matching, f"requirements.txt lacks {name} of requirements.in"
        for pin in matching:
            if any(pin.applies_on(p) for p in PLATFORMS):
                assert req.specifier.contains(pin.version, prereleases=True), (
                    f"requirements.txt pins {name}=={pin.version}, requirements.in asks {req.specifier}"
                )


def test_requirements_in_covers_the_package_dependencies():
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as f:
        dependencies = tomllib.load(f)["project"]["dependencies"]
    top_level = {canonicalize_name(r.name): r for r in _requirements_in()}
    for text in dependencies:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in top_level, f"pyproject.toml depends on {name}; requirements.in does not pin it"
        version = next(iter(top_level[name].specifier)).version
        assert req.specifier.contains(version), f"{name}: requirements.in's {version} is outside pyproject.toml's {req.specifier}"


def test_the_cpu_install_leaves_out_exactly_the_cuda_only_pins():
    """tools/install_requirements.py's rule equals what torch's own metadata says.

    The CUDA-only pins are those Linux needs only through torch's Linux-only requirements.
    """
    def cuda_requirement(parent: str, req: Requirement) -> bool:
        return parent == "torch" and req.marker is not None and not any(
            req.marker.evaluate(authoring.marker_environment(p)) for p in PLATFORMS if not p.startswith("linux"))

    pins = _requirements()
    for platform in ("linux-x86_64", "linux-aarch64"):
        cpu_needed = _needed(platform, skip=cuda_requirement)
        expected = sorted(p.name for p in pins if p.applies_on(platform) and p.name not in cpu_needed)
        _, left_out = _install_tool().without_cuda_only((ROOT / "requirements.txt").read_text())
        assert sorted(left_out) == expected
        assert sorted(p.name for p in pins if p.gpu_only) == expected  # environment.yml's rule, the same
    # pip keeps an installed 2.14.1+cpu for the lock's torch==2.14.1 (PEP 440 local versions)
    assert SpecifierSet("==2.14.1").contains("2.14.1+cpu")


def test_the_install_tool_reads_the_torch_pins():
    tool = _install_tool()
    text = (ROOT / "requirements.txt").read_text()
    assert (tool.pinned_version(text, "torch"), tool.pinned_version(text, "torchvision")) == ("2.14.1", "0.29.1")
    assert tool.CUDA_ONLY_PREFIXES == authoring.CUDA_ONLY_PREFIXES and tool.CPU_INDEX == authoring.CPU_INDEX


@pytest.mark.parametrize("platform", PLATFORMS)
def test_environment_matches_requirements(platform):
    """On each platform, environment.yml installs requirements.txt's versions, less the CUDA-only
    pins, with torch's CPU build (no "+cpu" wheels exist for macOS, whose build is a CPU one)."""
    req = _versions_on([p for p in _requirements() if not p.gpu_only], platform)
    env = _versions_on(_environment_pins(), platform)
    assert set(env) == set(req), "environment.yml and requirements.txt list different packages"
    for name, versions in env.items():
        if name in authoring.CPU_WHEELS and platform != "macos-arm64":
            expected = [v + authoring.CPU_WHEELS[name] for v in req[name]]
        else:
            expected = req[name]
        assert versions == expected, f"{name} on {platform}: environment.yml has {versions}, requirements.txt {expected}"
    assert not any(p.gpu_only for p in _environment_pins())


def test_environment_file_is_generated_from_requirements():
    assert (ROOT / "environment.yml").read_text() == authoring.environment_yml(ROOT), (
        "environment.yml is out of date; run `make env` (python tools/authoring.py env)"
    )


def test_python_version_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    # Pins are tested on 3.11 (the Makefile insists on it, from 3.11.5: soupsieve needs it); the
    # package itself also installs on Colab's newer Python, where it resolves against what Colab has.
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text()
    assert "--python-version 3.11.5" in (ROOT / "requirements.txt").read_text()
    assert "v >= (3, 11, 5)" in (ROOT / "Makefile").read_text()


def test_every_notebook_carries_the_current_stamp():
    assert authoring.unstamped(ROOT) == []


def test_stamp_reads_the_url_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[project.urls]\nRepository = "https://github.com/someone/fork/"\n')
    assert authoring.repository_url(tmp_path) == "https://github.com/someone/fork"
    assert "github/someone/fork/blob/main/notebooks/00_welcome.ipynb" in authoring.badge_source("notebooks/00_welcome.ipynb", tmp_path)
    assert "git+https://github.com/someone/fork" in authoring.setup_source(tmp_path)
    assert "torch" not in authoring.setup_source(tmp_path).split("%pip")[1].split("\n")[0]


def test_the_colab_badge_has_a_text_link_that_reads_offline(tmp_path):
    """Offline the badge image is broken; the same address must also be there as words."""
    source = authoring.badge_source("notebooks/00_welcome.ipynb", ROOT)
    url = authoring.colab_url("notebooks/00_welcome.ipynb", ROOT)
    assert source.count(f"]({url})") == 2, "the badge and a plain text link, both to Colab"
    assert "[Open this notebook in Colab]" in source
