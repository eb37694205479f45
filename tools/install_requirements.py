"""Install requirements.txt into this Python, with PyTorch's CPU build on Linux when it can be had.

    python tools/install_requirements.py [--torch auto|cpu|cuda]

`make setup` (and so `make lab` and `make test`) runs it with the .venv's Python; `make lab
TORCH=cpu` or `TORCH=cuda` passes the choice on. Without make (Windows):
``.venv\\Scripts\\python tools\\install_requirements.py``.

PyPI has one torch for Linux, the CUDA build: with the CUDA libraries it needs (the
``nvidia-*``, ``cuda-*`` and ``triton`` pins, which requirements.txt marks as Linux-only) it is
about 3.5 GB to download and 6 GB on disk, for a course that runs on a CPU. PyTorch's own
CPU index has the same release as ``torch==2.14.1+cpu``, about 0.2 GB and no CUDA libraries.

``--torch auto`` (the default)
    On Linux, try PyTorch's CPU index once, with a short timeout and no retries; when it
    cannot be reached, install PyPI's build. A torch of the pinned version that is already
    installed (either build) is kept, so a later run needs no second download.
``--torch cpu``
    On Linux the CPU build or an error; elsewhere the same as ``cuda``.
``--torch cuda``
    PyPI's build: the CUDA build on Linux; on macOS and Windows PyPI's only build, which runs
    on the CPU (and on Apple's GPU on macOS).

With the CPU build, the pins only the CUDA build needs are left out of the install, and pip
keeps the installed ``2.14.1+cpu`` for the lock's ``torch==2.14.1``: a local version label
such as ``+cpu`` satisfies ``==`` of its public version (PEP 440). The script uses the
standard library only: it runs before anything else is installed.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: Seconds pip waits on the CPU index before giving up (a download in progress is not cut short).
CPU_INDEX_TIMEOUT = 10
#: The pins that only torch's CUDA build needs, as in tools/authoring.py (environment.yml);
#: tests/test_environment.py checks this rule against the packages' own requirements.
CUDA_ONLY_PREFIXES = ("nvidia-", "cuda-", "triton")
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pin_name(line: str) -> str:
    return normalise(line.split("#")[0].split(";")[0].partition("==")[0].strip())


def pinned_version(text: str, name: str) -> str:
    """The version ``name`` is pinned to in requirements text (a pin without a marker)."""
    for line in text.splitlines():
        requirement = line.split("#")[0]
        if _pin_name(line) == name and ";" not in requirement and "==" in requirement:
            return requirement.partition("==")[2].strip()
    raise SystemExit(f"{REQUIREMENTS.name} pins no {name}")


def without_cuda_only(text: str) -> tuple[str, list[str]]:
    """``text`` without the pins only torch's CUDA build needs, and the names left out."""
    kept, left_out = [], []
    for line in text.splitlines():
        name = _pin_name(line)
        if name.startswith(CUDA_ONLY_PREFIXES):
            left_out.append(name)
        else:
            kept.append(line)
    return "\n".join(kept) + "\n", left_out


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def pip(*args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([*PIP, *args], capture_output=capture, text=True)


def _unreachable(index: str, timeout: float) -> str | None:
    """Why ``index`` cannot be reached, or None when it answers."""
    try:
        urllib.request.urlopen(index.rstrip("/") + "/torch/", timeout=timeout).close()
    except urllib.error.HTTPError:
        return None  # it answered
    except OSError as error:
        reason = getattr(error, "reason", error)
        return f"{urllib.parse.urlsplit(index).hostname} did not answer ({reason})"
    return None


def install_cpu_build(torch: str, torchvision: str, index: str, timeout: float) -> str | None:
    """Install ``torch==<torch>+cpu`` and its torchvision from ``index``; None, or why not."""
    result = pip(
        "install", "--quiet", "--no-deps", "--only-binary=:all:", "--index-url", index,
        "--timeout", str(timeout), "--retries", "0",
        f"torch=={torch}+cpu", f"torchvision=={torchvision}+cpu",
        capture=True,
    )
    if result.returncode == 0:
        return None
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    return _unreachable(index, min(timeout, 3)) or (errors[-1] if errors else f"pip exited with {result.returncode}")


def install_requirements(text: str) -> None:
    """``pip install -r`` of requirements text (written to a temporary file: Windows-friendly)."""
    handle, path = tempfile.mkstemp(prefix="requirements-", suffix=".txt", text=True)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        result = pip("install", "--quiet", "-r", path)
    finally:
        os.unlink(path)
    if result.returncode:
        raise SystemExit(result.returncode)


def uninstall(names: list[str]) -> None:
    present = [n for n in names if installed_version(n) is not None]
    if present:
        pip("uninstall", "--quiet", "--yes", *present)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--torch", choices=("auto", "cpu", "cuda"), default="auto",
                        help="which torch build to install (default: auto)")
    parser.add_argument("--cpu-index", default=CPU_INDEX, help=f"PyTorch's CPU wheel index (default {CPU_INDEX})")
    args = parser.parse_args(argv)

    text = REQUIREMENTS.read_text("utf-8")
    torch, torchvision = pinned_version(text, "torch"), pinned_version(text, "torchvision")
    cpu_build = (f"{torch}+cpu", f"{torchvision}+cpu")
    installed = (installed_version("torch"), installed_version("torchvision"))

    if not sys.platform.startswith("linux"):
        runs_on = "the CPU and Apple's GPU" if sys.platform == "darwin" else "the CPU"
        print(f"torch {torch} from PyPI: this platform's only build there, which runs on {runs_on}", flush=True)
        use_cpu = False
    elif args.torch == "cuda":
        print(f"torch {torch} from PyPI, the CUDA build with its CUDA libraries (about 3.5 GB): TORCH=cuda", flush=True)
        use_cpu = False
    elif installed == cpu_build:
        print(f"torch {cpu_build[0]}, PyTorch's CPU build, is installed already: kept", flush=True)
        use_cpu = True
    elif args.torch == "auto" and installed == (torch, torchvision):
        print(f"torch {torch} from PyPI (the CUDA build) is installed already: kept; "
              "`make lab TORCH=cpu` replaces it with the CPU build", flush=True)
        use_cpu = False
    else:
        why_not = install_cpu_build(torch, torchvision, args.cpu_index, CPU_INDEX_TIMEOUT)
        use_cpu = why_not is None
        if use_cpu:
            print(f"torch {cpu_build[0]}, PyTorch's CPU build from {args.cpu_index}: "
                  "no CUDA libraries to download (the course runs on a CPU)", flush=True)
        elif args.torch == "cpu":
            print(f"TORCH=cpu, but PyTorch's CPU build could not be installed: {why_not}", file=sys.stderr)
            return 1
        else:
            print(f"torch {torch} from PyPI, the CUDA build with its CUDA libraries (about 3.5 GB), "
                  f"because PyTorch's CPU index could not be used: {why_not}", flush=True)

    if use_cpu:
        text, cuda_only = without_cuda_only(text)
        install_requirements(text)
        uninstall(cuda_only)  # left from an earlier CUDA install
    else:
        if any(v and "+" in v for v in installed):
            uninstall(["torch", "torchvision"])  # a local build (+cpu) would satisfy the pins
        install_requirements(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
