"""The pinned requirements, environment.yml and the notebooks' stamps agree."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from course_lib import authoring

ROOT = Path(__file__).resolve().parents[1]
CORE = ["jupyterlab", "nbval", "ipywidgets", "gensim", "torch", "torchvision", "networkx", "node2vec",
        "scikit-learn", "matplotlib"]


def _requirements() -> dict[str, str]:
    return authoring.read_requirements(ROOT / "requirements.txt")


def _environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    pins = {}
    for entry in pip_section:
        if entry.startswith("-"):
            continue
        name, sep, version = entry.partition("==")
        assert sep, f"environment.yml: {entry!r} is not pinned with '=='"
        pins[name.lower()] = version
    return pins


def test_every_requirement_is_pinned_exactly():
    text = (ROOT / "requirements.txt").read_text()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line.strip()), line


@pytest.mark.parametrize("package", CORE)
def test_core_packages_in_both(package):
    assert package in _requirements(), f"requirements.txt lacks {package}"
    assert package in _environment_pins(), f"environment.yml lacks {package}"


def test_required_pins():
    pins = _requirements()
    assert pins["torch"] == "2.14.1" and pins["torchvision"] == "0.29.1"
    assert int(pins["numpy"].split(".")[0]) < 2, "node2vec needs numpy<2"


def test_environment_matches_requirements():
    req, env = _requirements(), _environment_pins()
    cuda_only = {n for n in req if n.startswith(("nvidia-", "cuda-", "triton"))}
    assert set(env) == set(req) - cuda_only, "environment.yml and requirements.txt list different packages"
    for name, version in env.items():
        if name in ("torch", "torchvision"):
            assert version == req[name] + "+cpu", f"{name}: Binder must get the CPU build of the same version"
        else:
            assert version == req[name], f"{name}: environment.yml has {version}, requirements.txt {req[name]}"


def test_environment_file_is_generated_from_requirements():
    assert (ROOT / "environment.yml").read_text() == authoring.environment_yml(ROOT), (
        "environment.yml is out of date; run `python -m course_lib.authoring env`"
    )


def test_python_version_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    # Pins are tested on 3.11 (the Makefile insists on it); the package itself also installs on
    # Colab's newer Python, where it resolves against what Colab already has.
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text()


def test_every_notebook_carries_the_current_stamp():
    assert authoring.unstamped(ROOT) == []


def test_stamp_reads_the_url_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[project.urls]\nRepository = "https://github.com/someone/fork/"\n')
    assert authoring.repository_url(tmp_path) == "https://github.com/someone/fork"
    assert "github/someone/fork/blob/main/notebooks/00_welcome.ipynb" in authoring.badge_source("notebooks/00_welcome.ipynb", tmp_path)
    assert "git+https://github.com/someone/fork" in authoring.setup_source(tmp_path)
    assert "torch" not in authoring.setup_source(tmp_path).split("%pip")[1].split("\n")[0]
