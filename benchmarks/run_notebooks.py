"""Time every notebook and measure its memory: ``make bench``.

Each notebook of ``notebooks/`` and ``solutions/`` runs top to bottom in a fresh kernel,
one at a time, each from its own runner process. Wall time covers the kernel's start to
the last cell. Peak memory is the true peak, not a sample: the operating system's maximum
resident set of the kernel and of each of its children (``getrusage(RUSAGE_CHILDREN)``
in the runner once the kernel has exited, as GNU time reports it). A sampler that adds up
the whole process tree every 20 ms runs beside it, for lessons that start several worker
processes at once; the larger of the two is the notebook's peak.

A notebook whose kernel never imported torch is held to the smaller budget.
Writes ``benchmarks/notebooks.json`` and ``benchmarks/notebooks.md``. It reports budgets;
it does not fail when one is exceeded.

    python benchmarks/run_notebooks.py [--only 06] [--folders notebooks solutions]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks"
BUDGET_TOTAL_S = 600
BUDGET_EACH_S = 90
BUDGET_MEMORY_MB = 1536
#: Lessons that never import torch: about 500 MB less, and held to it.
BUDGET_MEMORY_NO_TORCH_MB = 1024


class PeakMemory:
    """Sample the resident set of a process tree in a background thread."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        try:
            total = self.process.memory_info().rss
            children = self.process.children(recursive=True)
        except psutil.Error:
            return 0
        for child in children:
            # Children are mostly short-lived forks (joblib's lscpu, torch's ldconfig) that share
            # the kernel's pages: count only their own (unique) memory, not the shared pages twice.
            try:
                total += child.memory_full_info().uss
            except psutil.Error:  # a child that ended between listing and reading
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.peak = max(self.peak, self._rss())
        self._stop.set()
        self._thread.join()


def children_max_rss() -> int | None:
    """The largest resident set, in bytes, of any child process this process has waited for."""
    try:
        import resource
    except ImportError:  # Windows: only the sampler
        return None
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


def execute(path: Path, timeout: int = 900) -> dict:
    """Run one notebook in a fresh kernel; call it in a process of its own (see :func:`run_one`)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    status = "ok"
    with client.setup_kernel():
        pid = client.km.provisioner.pid
        with PeakMemory(pid) as memory:
            try:
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
            except Exception as exc:  # report the failure and go on with the next notebook
                status = f"error: {type(exc).__name__}"
        seconds = time.perf_counter() - start
        probe = nbformat.v4.new_code_cell('import sys; print("torch" in sys.modules)')
        nb.cells.append(probe)
        client.execute_cell(probe, len(nb.cells) - 1)
        uses_torch = "True" in "".join(o.get("text", "") for o in probe.outputs)
    # The kernel has exited and been waited for: the OS now reports its peak.
    os_peak = children_max_rss() or 0
    return {
        "notebook": str(path.relative_to(ROOT)),
        "seconds": round(seconds, 1),
        "peak_mb": round(max(os_peak, memory.peak) / 2**20),
        "os_peak_mb": round(os_peak / 2**20),
        "sampled_peak_mb": round(memory.peak / 2**20),
        "uses_torch": uses_torch,
        "status": status,
    }


def run_one(path: Path) -> dict:
    """Run one notebook from a fresh runner process, so the OS's peak belongs to its kernel alone."""
    done = subprocess.run([sys.executable, __file__, "--execute", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        return {"notebook": str(path.relative_to(ROOT)), "seconds": 0.0, "peak_mb": 0, "uses_torch": True,
                "status": f"error: runner exited {done.returncode}: {done.stderr.strip()[-300:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_budget_mb(result: dict) -> int:
    return BUDGET_MEMORY_MB if result.get("uses_torch", True) else BUDGET_MEMORY_NO_TORCH_MB


def markdown(results: list[dict], machine: dict) -> str:
    total = sum(r["seconds"] for r in results)
    lines = [
        "# Notebook benchmark",
        "",
        f"Measured {machine['date']} on {machine['cpus']} CPU cores, {machine['memory_gb']} GB memory, "
        f"Python {machine['python']}, by `make bench` (each notebook in a fresh kernel, one at a time; "
        "peak = the operating system's maximum resident set of the kernel and of each of its children, "
        "or the sampled total of the process tree where that is larger).",
        "",
        f"Budgets: each notebook under {BUDGET_EACH_S} s and {BUDGET_MEMORY_MB / 1024:.1f} GB "
        f"({BUDGET_MEMORY_NO_TORCH_MB / 1024:.1f} GB if it never imports torch); "
        f"all together under {BUDGET_TOTAL_S // 60} minutes.",
        "",
        "| notebook | wall time (s) | peak memory (MB) | torch | within budget |",
        "|---|---:|---:|---|---|",
    ]
    for r in results:
        ok = r["status"] == "ok" and r["seconds"] <= BUDGET_EACH_S and r["peak_mb"] <= memory_budget_mb(r)
        verdict = "yes" if ok else ("no" if r["status"] == "ok" else r["status"])
        torch = "yes" if r.get("uses_torch", True) else "no"
        lines.append(f"| `{r['notebook']}` | {r['seconds']:.1f} | {r['peak_mb']} | {torch} | {verdict} |")
    verdict = "yes" if total <= BUDGET_TOTAL_S else "no"
    lines += ["", f"**Total: {total:.0f} s ({total / 60:.1f} min) for {len(results)} notebooks; "
                  f"within the {BUDGET_TOTAL_S // 60}-minute budget: {verdict}.**", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folders", nargs="+", default=["notebooks", "solutions"])
    parser.add_argument("--only", help="lesson number prefix, e.g. 06; results are merged into the existing files")
    parser.add_argument("--execute", type=Path, help=argparse.SUPPRESS)  # the runner process of run_one
    args = parser.parse_args(argv)
    if args.execute:
        print(json.dumps(execute(args.execute.resolve())))
        return 0
    paths = [p for folder in args.folders for p in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb"))]
    if args.only:
        paths = [p for p in paths if p.name.startswith(args.only)]
    results = []
    for path in paths:
        print(f"{path.relative_to(ROOT)} ...", end=" ", flush=True)
        result = run_one(path)
        print(f"{result['seconds']:.1f} s, {result['peak_mb']} MB, {result['status']}", flush=True)
        results.append(result)
    json_path = OUT / "notebooks.json"
    if args.only and json_path.exists():  # merge a partial run into the full table
        previous = {r["notebook"]: r for r in json.loads(json_path.read_text())["results"]}
        previous.update({r["notebook"]: r for r in results})
        results = [previous[k] for k in sorted(previous, key=lambda n: (n.split("/")[0] != "notebooks", n))]
    machine = {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30),
        "python": platform.python_version(),
    }
    json_path.write_text(json.dumps({"machine": machine, "results": results}, indent=1) + "\n")
    (OUT / "notebooks.md").write_text(markdown(results, machine))
    print(f"wrote {json_path.relative_to(ROOT)} and benchmarks/notebooks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
