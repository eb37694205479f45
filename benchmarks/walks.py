"""Benchmark: course_lib.embed.graphs.random_walks against the ``node2vec`` package.

    python benchmarks/walks.py            # full run: a few minutes, mostly the package
    python benchmarks/walks.py --quick    # smaller graphs, about a minute

Workload (as in the issue): node2vec walks with p = 1, q = 0.5, 10 walks of 80 nodes per
node, one thread unless noted, on

* G(n = 1000, p = 0.2) (``nx.gnp_random_graph``, about 100k edges): the ``node2vec``
  package (``Node2Vec(G, dimensions=64, walk_length=80, num_walks=10, p=1, q=0.5,
  workers=1, quiet=True)``: its transition precomputation and its walks; word2vec is not
  fitted) against ``random_walks``;
* a Barabasi-Albert graph with 100,000 nodes and m = 5 (about 500k edges):
  ``random_walks`` only. The package is not run there; its time and memory are
  estimated from what it measurably costs per unit on the first graph (see the output).

How it measures
---------------
Every row is one fresh process (``subprocess``, this file with ``--child``). The child
imports its library, builds the graph, collects garbage and reads its resident set size
(RSS) as the baseline; a psutil thread then samples RSS every 2 ms during the measured call
(the walk kernels release the GIL, so sampling continues during compiled code).
"peak +MiB" is the highest sample minus the baseline: the memory the call needs,
including its result.

``random_walks`` rows: "first call" is the first call in the process; it loads the
compiled kernels from numba's on-disk cache (``course_lib/embed/__pycache__``, which the script
fills first) and starts numba's runtime (a fixed cost per process, shown on its own row).
"warm" rows first make one call on a 20-node graph, then measure. The JIT compile time
itself is measured in a process whose numba cache directory is empty (``NUMBA_CACHE_DIR``).
The machine may be shared: the script prints the load average before and after.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 2**20


# ------------------------------------------------------------------------------ child side


class PeakRSS:
    """Highest resident set size seen by a sampling thread while the block runs."""

    def __init__(self, interval: float = 0.002) -> None:
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.baseline = self.peak = 0

    def rss(self) -> int:
        return self._proc.memory_info().rss

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self._interval)

    def __enter__(self) -> "PeakRSS":
        gc.collect()
        self.baseline = self.peak = self.rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.peak = max(self.peak, self.rss())
        self._stop.set()
        self._thread.join()

    @property
    def increase_mib(self) -> float:
        return (self.peak - self.baseline) / MIB

    @property
    def baseline_mib(self) -> float:
        return self.baseline / MIB


def make_graph(spec: dict):
    import networkx as nx

    if spec["kind"] == "gnp":
        return nx.gnp_random_graph(spec["n"], spec["prob"], seed=spec["seed"])
    if spec["kind"] == "path":
        return nx.path_graph(spec["n"])
    return nx.barabasi_albert_graph(spec["n"], spec["m"], seed=spec["seed"])


def package_child(G, walk: dict) -> dict:
    """The node2vec package, with its two phases timed and its storage sized."""
    from node2vec import Node2Vec

    phases: dict = {}

    class TimedNode2Vec(Node2Vec):
        def _precompute_probabilities(self):
            t0 = time.perf_counter()
            super()._precompute_probabilities()
            phases["precompute"] = time.perf_counter() - t0

        def _generate_walks(self):
            t0 = time.perf_counter()
            walks = super()._generate_walks()
            phases["walks"] = time.perf_counter() - t0
            return walks

    with PeakRSS() as mem:
        t0 = time.perf_counter()
        model = TimedNode2Vec(G, dimensions=64, walk_length=walk["walk_length"],
                              num_walks=walk["num_walks"], p=walk["p"], q=walk["q"],
                              workers=1, quiet=True, seed=0)
        seconds = time.perf_counter() - t0
    arrays = [a for d in model.d_graph.values() for a in d["probabilities"].values()]
    table_bytes = sum(sys.getsizeof(a) for a in arrays)  # ndarray: header + data
    walk_entries = sum(len(w) for w in model.walks)
    walk_bytes = sum(sys.getsizeof(w) + sum(sys.getsizeof(s) for s in w) for w in model.walks)
    return {"seconds": seconds, "peak_mib": mem.increase_mib, "base_mib": mem.baseline_mib,
            "walks": len(model.walks),
            "precompute_s": phases["precompute"], "walks_s": phases["walks"],
            "prob_entries": sum(a.size for a in arrays), "prob_arrays": len(arrays),
            "table_bytes": table_bytes, "walk_entries": walk_entries, "walk_bytes": walk_bytes}


def child(spec: dict) -> dict:
    sys.path.insert(0, str(ROOT))
    import numpy as np  # noqa: F401  (imported before the baseline)

    walk = spec["walk"]
    if spec["method"] == "package":
        import node2vec  # noqa: F401

        return package_child(make_graph(spec["graph"]), walk)
    from course_lib.embed.graphs import random_walk_indices, random_walks

    G = make_graph(spec["graph"])
    workers = spec.get("workers", 1)
    if spec.get("warm"):
        random_walks(make_graph({"kind": "gnp", "n": 20, "prob": 0.3, "seed": 0}), 1, 5,
                     p=walk["p"], q=walk["q"], seed=0, workers=workers)
    fn = random_walk_indices if spec["method"] == "indices" else random_walks
    with PeakRSS() as mem:
        t0 = time.perf_counter()
        out = fn(G, walk["num_walks"], walk["walk_length"], p=walk["p"], q=walk["q"],
                 seed=0, workers=workers)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_mib": mem.increase_mib, "base_mib": mem.baseline_mib,
            "walks": len(out)}


def compile_child() -> dict:
    """First calls with an empty numba cache: the JIT compile time of the kernels."""
    sys.path.insert(0, str(ROOT))
    import networkx as nx

    from course_lib.embed.graphs import random_walks

    G = nx.karate_club_graph()  # weighted: compiles the alias tables too
    t0 = time.perf_counter()
    random_walks(G, 1, 5, p=1.0, q=0.5, seed=0)
    serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    random_walks(G, 1, 5, p=1.0, q=0.5, seed=0)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    random_walks(G, 1, 5, p=1.0, q=0.5, seed=0, workers=2)
    parallel = time.perf_counter() - t0
    return {"serial": serial, "warm_tiny": warm, "parallel": parallel}


# ------------------------------------------------------------------------------ parent side


def run_child(spec: dict) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"child {spec} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def graph_stats(spec: dict) -> tuple[int, int, int, int]:
    """Nodes, edges, sum of squared degrees, directed edge count."""
    G = make_graph(spec)
    degrees = [d for _, d in G.degree()]
    return G.number_of_nodes(), G.number_of_edges(), sum(d * d for d in degrees), sum(degrees)


def row(label: str, method: str, res: dict) -> str:
    return (f"{label:<28} {method:<38} {res['seconds']:>9.2f} {res['peak_mib']:>10.1f} "
            f"{res['base_mib']:>9.0f}")


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller graphs")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--compile-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    if args.compile_child:
        print(json.dumps(compile_child()))
        return

    walk = {"num_walks": 10, "walk_length": 80, "p": 1.0, "q": 0.5}
    if args.quick:
        small = {"kind": "gnp", "n": 300, "prob": 0.2, "seed": 0}
        big = {"kind": "ba", "n": 20_000, "m": 5, "seed": 0}
    else:
        small = {"kind": "gnp", "n": 1000, "prob": 0.2, "seed": 0}
        big = {"kind": "ba", "n": 100_000, "m": 5, "seed": 0}

    import numba

    print(f"python {sys.version.split()[0]}, numba {numba.__version__}, {os.cpu_count()} CPUs, "
          f"{load()}")
    print(f"p={walk['p']}, q={walk['q']}, {walk['num_walks']} walks of {walk['walk_length']} "
          "nodes per node; one fresh process per row; peak +MiB = highest RSS (psutil, every "
          "2 ms) minus RSS after imports and graph construction (base MiB)\n")

    # JIT compile time from an empty cache; then make sure the real cache is filled.
    with tempfile.TemporaryDirectory() as cache:
        proc = subprocess.run([sys.executable, __file__, "--compile-child"], capture_output=True,
                              text=True, env=dict(os.environ, NUMBA_CACHE_DIR=cache), cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr)
        comp = json.loads(proc.stdout.strip().splitlines()[-1])
    subprocess.run([sys.executable, __file__, "--compile-child"], capture_output=True, cwd=ROOT,
                   check=True)

    n, m, sq, _ = graph_stats(small)
    label = f"G(n={n}, p={small['prob']}) m={m:,}"
    tiny = {"kind": "path", "n": 5, "seed": 0}
    startup = run_child({"method": "walks", "graph": tiny, "walk": walk})
    pkg = run_child({"method": "package", "graph": small, "walk": walk})
    first = run_child({"method": "walks", "graph": small, "walk": walk})
    warm = run_child({"method": "walks", "graph": small, "walk": walk, "warm": True})
    idx = run_child({"method": "indices", "graph": small, "walk": walk, "warm": True})
    assert pkg["walks"] == first["walks"] == warm["walks"] == idx["walks"] == walk["num_walks"] * n

    header = f"{'graph':<28} {'method':<38} {'time (s)':>9} {'peak +MiB':>10} {'base MiB':>9}"
    print(header)
    print("-" * len(header))
    print(row("path graph, 5 nodes", "random_walks, first call (numba start)", startup))
    print(row(label, "node2vec package (precompute + walks)", pkg))
    print(f"{'':<28} {'  of which precompute / walks':<38} "
          f"{pkg['precompute_s']:>5.1f} / {pkg['walks_s']:.1f}")
    print(row("", "random_walks, first call in process", first))
    print(row("", "random_walks, warm", warm))
    print(row("", "random_walk_indices, warm", idx))

    n2, m2, sq2, steps_deg2 = graph_stats(big)
    label2 = f"BA(n={n2:,}, m={big['m']}) m={m2:,}"
    big_first = run_child({"method": "walks", "graph": big, "walk": walk})
    big_warm = run_child({"method": "walks", "graph": big, "walk": walk, "warm": True})
    big_idx = run_child({"method": "indices", "graph": big, "walk": walk, "warm": True})
    big_par = run_child({"method": "indices", "graph": big, "walk": walk, "warm": True,
                         "workers": 2})
    print(row(label2, "random_walks, first call in process", big_first))
    print(row("", "random_walks, warm", big_warm))
    print(row("", "random_walk_indices, warm", big_idx))
    print(row("", "random_walk_indices, warm, 2 threads", big_par))

    # The package on the big graph, from its measured unit costs on the small one.
    per_entry = 8.0  # float64 probabilities
    per_array = (pkg["table_bytes"] - per_entry * pkg["prob_entries"]) / pkg["prob_arrays"]
    per_walk_entry = pkg["walk_bytes"] / pkg["walk_entries"]
    walk_entries2 = walk["num_walks"] * n2 * walk["walk_length"]
    est_bytes = per_entry * sq2 + per_array * steps_deg2 + per_walk_entry * walk_entries2
    est_pre = pkg["precompute_s"] * sq2 / sq
    est_walks = pkg["walks_s"] * walk_entries2 / pkg["walk_entries"]
    est_time = "~" + format(est_pre + est_walks, ".0f")
    est_mem = "~" + format(est_bytes / MIB, ".0f")
    print(f"{'':<28} {'node2vec package (estimate, not run)':<38} {est_time:>9} {est_mem:>10}")

    print(f"\nratios on {label} (goal: >= 20x faster, <= 0.10 of the memory)")
    for name, res in [("random_walks, first call", first), ("random_walks, warm", warm),
                      ("random_walk_indices, warm", idx)]:
        print(f"  {name:<26} speed {pkg['seconds'] / res['seconds']:7.1f}x   "
              f"memory {res['peak_mib'] / pkg['peak_mib']:.3f} of the package's")
    print(f"  (the first call includes numba's start-up in a fresh process, "
          f"{startup['peak_mib']:.0f} MiB and {startup['seconds']:.2f} s however small the graph)")

    print(f"\nnode2vec package on {label}: {pkg['prob_entries']:,} stored probabilities "
          f"(= sum of squared degrees) in {pkg['prob_arrays']:,} arrays "
          f"({pkg['table_bytes'] / MIB:.0f} MiB); walks as str: {per_walk_entry:.0f} bytes "
          "per node visit.")
    print(f"Estimate on {label2} from those unit costs: {sq2:,} probabilities in "
          f"{steps_deg2:,} arrays plus {walk_entries2:,} str node visits: "
          f"~{est_bytes / 2**30:.1f} GiB; precompute ~{est_pre:.0f} s (scaled by stored "
          f"probabilities), walks ~{est_walks:.0f} s (scaled by node visits).")
    print(f"\nnumba JIT compile from an empty cache (fresh process, tiny weighted graph): "
          f"serial kernels {comp['serial']:.2f} s, parallel kernel {comp['parallel']:.2f} s; "
          f"the same call once compiled: {comp['warm_tiny'] * 1000:.1f} ms.")
    print(load())


if __name__ == "__main__":
    main()
