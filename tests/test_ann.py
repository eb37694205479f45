"""course_lib.use.ann: synthetic vectors, the exact index, the benchmark loop and its reports."""
from __future__ import annotations

import doctest

import faiss
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib.use import ann  # noqa: E402
from course_lib.use.ann import (  # noqa: E402
    BenchmarkResult,
    ExactIndex,
    benchmark_index,
    clustered_vectors,
    benchmark_table,
    index_memory,
    plot_costs,
    plot_recall_qps,
    set_search_param,
)
from course_lib.use.search import top_k  # noqa: E402

DIM = 16


@pytest.fixture(scope="module")
def data():
    faiss.omp_set_num_threads(1)
    corpus, clusters = clustered_vectors(3000, dim=DIM, n_clusters=20, intrinsic_dim=6, seed=0)
    queries, _ = clustered_vectors(100, dim=DIM, n_clusters=20, intrinsic_dim=6, seed=1, centres_seed=0)
    truth, _ = top_k(queries, corpus, 10, metric="dot")
    return corpus, clusters, queries, truth


def build_ivf(corpus, nlist=32):
    def build():
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(corpus)
        index.add(corpus)
        return index
    return build


def test_doctests():
    assert doctest.testmod(ann).failed == 0


# --- clustered_vectors --------------------------------------------------------------------


def test_clustered_vectors_shape_norm_and_reproducibility(data):
    corpus, clusters, _, _ = data
    assert corpus.shape == (3000, DIM) and corpus.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(corpus, axis=1), 1.0, rtol=1e-5)
    assert clusters.shape == (3000,) and set(np.unique(clusters)) == set(range(20))
    again, _ = clustered_vectors(3000, dim=DIM, n_clusters=20, intrinsic_dim=6, seed=0)
    np.testing.assert_array_equal(corpus, again)


def test_clustered_vectors_have_cluster_structure(data):
    corpus, clusters, _, _ = data
    same = clusters[:, None] == clusters[None, :300]
    sims = corpus @ corpus[:300].T
    assert sims[same].mean() > sims[~same].mean() + 0.3


def test_queries_share_the_corpus_centres_but_not_its_points():
    a, la = clustered_vectors(500, dim=8, n_clusters=3, intrinsic_dim=4, seed=0)
    b, lb = clustered_vectors(500, dim=8, n_clusters=3, intrinsic_dim=4, seed=5, centres_seed=0)
    c, _ = clustered_vectors(500, dim=8, n_clusters=3, intrinsic_dim=4, seed=5)
    assert not np.array_equal(a, b)
    mean = lambda x, l, k: x[l == k].mean(axis=0)  # noqa: E731
    for k in range(3):  # same centres: the cluster means agree
        assert mean(a, la, k) @ mean(b, lb, k) / np.linalg.norm(mean(a, la, k)) / np.linalg.norm(mean(b, lb, k)) > 0.9
    assert not np.allclose(b, c)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"n": 0}, "n must be an integer >= 1"),
        ({"n": 10, "dim": 4, "intrinsic_dim": 8}, "intrinsic_dim must be at most dim"),
        ({"n": 10, "spread": -1.0}, "spread must be a finite number >= 0"),
        ({"n": 10, "noise": float("nan")}, "noise must be a finite number"),
        ({"n": 10, "seed": -2}, "seed must be an integer >= 0"),
        ({"n": 10, "centres_seed": 1.5}, "centres_seed must be an integer"),
    ],
)
def test_clustered_vectors_validates(kwargs, words):
    with pytest.raises(ValueError, match=words):
        clustered_vectors(**kwargs)


# --- ExactIndex, set_search_param, index_memory -------------------------------------------


def test_exact_index_matches_top_k_and_faiss_flat(data):
    corpus, _, queries, truth = data
    scores, ids = ExactIndex(corpus).search(queries, 10)
    np.testing.assert_array_equal(ids, truth)
    flat = faiss.IndexFlatIP(DIM)
    flat.add(corpus)
    flat_scores, _ = flat.search(queries, 10)
    np.testing.assert_allclose(scores, flat_scores, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="corpus must be a non-empty 2-D array"):
        ExactIndex(np.zeros(5))
    with pytest.raises(ValueError, match="metric"):
        ExactIndex(corpus, metric="manhattan")


def test_set_search_param_on_faiss_and_plain_objects(data):
    corpus, *_ = data
    ivf = build_ivf(corpus)()
    set_search_param(ivf, "nprobe", 7)
    assert ivf.nprobe == 7
    hnsw = faiss.IndexHNSWFlat(DIM, 8)
    set_search_param(hnsw, "efSearch", 33)
    assert hnsw.hnsw.efSearch == 33
    with pytest.raises(ValueError, match="has no search parameter 'efSearch'"):
        set_search_param(ivf, "efSearch", 10)

    class Plain:
        depth = 1

    plain = Plain()
    set_search_param(plain, "depth", 3)
    assert plain.depth == 3
    with pytest.raises(ValueError, match="has no attribute 'width'"):
        set_search_param(plain, "width", 3)
    with pytest.raises(ValueError, match="name must be a parameter name"):
        set_search_param(plain, "", 3)


def test_index_memory(data):
    corpus, *_ = data
    flat = faiss.IndexFlatIP(DIM)
    flat.add(corpus)
    assert index_memory(flat) >= corpus.nbytes
    assert index_memory(ExactIndex(corpus)) == corpus.nbytes
    hnsw = faiss.IndexHNSWFlat(DIM, 8)
    hnsw.add(corpus)
    assert index_memory(hnsw) > index_memory(flat)  # the graph's links cost memory
    assert index_memory(object()) is None


# --- benchmark_index ----------------------------------------------------------------------


def test_benchmark_exact_and_flat_have_recall_one(data):
    corpus, _, queries, truth = data

    def flat():
        index = faiss.IndexFlatIP(DIM)
        index.add(corpus)
        return index

    for build, name in [(lambda: ExactIndex(corpus), "exact"), (flat, "Flat")]:
        [result] = benchmark_index(build, queries, truth, k=10, name=name, repeats=1)
        assert result.recall == 1.0 and result.name == name and result.params == {}
        assert result.qps > 0 and result.build_s >= 0 and result.memory_bytes > 0


def test_benchmark_ivf_recall_grows_with_nprobe_and_is_deterministic(data):
    corpus, _, queries, truth = data
    first = benchmark_index(build_ivf(corpus), queries, truth, k=10, name="IVF",
                            search_params={"nprobe": [1, 4, 32]}, repeats=1)
    recalls = [r.recall for r in first]
    assert recalls[0] < recalls[1] < recalls[2] == 1.0  # nprobe = nlist visits every list: exact
    assert [r.params for r in first] == [{"nprobe": 1}, {"nprobe": 4}, {"nprobe": 32}]
    assert [r.label for r in first] == ["IVF nprobe=1", "IVF nprobe=4", "IVF nprobe=32"]
    assert len({r.build_s for r in first}) == 1  # built once
    again = benchmark_index(build_ivf(corpus), queries, truth, k=10, name="IVF",
                            search_params=[{"nprobe": 1}, {"nprobe": 4}, {"nprobe": 32}], batch=True, repeats=2)
    assert [r.recall for r in again] == recalls  # batch or one by one: same answers


def test_benchmark_hnsw_with_ef_search(data):
    corpus, _, queries, truth = data

    def hnsw():
        index = faiss.IndexHNSWFlat(DIM, 8, faiss.METRIC_INNER_PRODUCT)
        index.add(corpus)
        return index

    results = benchmark_index(hnsw, queries, truth, k=5, search_params={"efSearch": [5, 200]}, repeats=1)
    assert results[0].name == "IndexHNSWFlat" and results[0].k == 5
    assert results[0].recall <= results[1].recall and results[1].recall > 0.95


def test_benchmark_validates(data):
    corpus, _, queries, truth = data
    build = lambda: ExactIndex(corpus)  # noqa: E731
    with pytest.raises(ValueError, match="build_fn must be a function"):
        benchmark_index(ExactIndex(corpus), queries, truth)
    with pytest.raises(ValueError, match="queries must be a non-empty 2-D array"):
        benchmark_index(build, queries[0], truth)
    with pytest.raises(ValueError, match=r"truth must have one row per query and at least k=10 columns"):
        benchmark_index(build, queries, truth[:, :5], k=10)
    with pytest.raises(ValueError, match="must name one parameter"):
        benchmark_index(build, queries, truth, search_params={"nprobe": [1], "efSearch": [2]})
    with pytest.raises(ValueError, match="must be a list of values"):
        benchmark_index(build, queries, truth, search_params={"nprobe": 4})
    with pytest.raises(ValueError, match="is empty"):
        benchmark_index(build, queries, truth, search_params={"nprobe": []})
    with pytest.raises(ValueError, match="no search"):
        benchmark_index(lambda: object(), queries, truth)
    with pytest.raises(ValueError, match="repeats must be an integer >= 1"):
        benchmark_index(build, queries, truth, repeats=0)


# --- reports ------------------------------------------------------------------------------


RESULTS = [
    BenchmarkResult("Flat", {}, k=10, recall=1.0, qps=5000.0, build_s=0.01, memory_bytes=8 * 2**20),
    BenchmarkResult("IVF", {"nprobe": 1}, k=10, recall=0.55, qps=60000.0, build_s=0.1, memory_bytes=9 * 2**20),
    BenchmarkResult("IVF", {"nprobe": 8}, k=10, recall=0.95, qps=25000.0, build_s=0.1, memory_bytes=9 * 2**20),
    BenchmarkResult("HNSW", {"efSearch": 16}, k=10, recall=0.9, qps=40000.0, build_s=1.0, memory_bytes=None),
]


def test_format_results_with_and_without_timings():
    full = benchmark_table(RESULTS)
    stable = benchmark_table(RESULTS, timings=False)
    assert "QPS" in full and "60,000" in full and "build (s)" in full
    assert "QPS" not in stable and "60,000" not in stable and "build" not in stable
    lines = stable.splitlines()
    assert lines[0].split() == ["index", "parameters", "recall@10", "memory", "(MB)"]
    assert lines[1].split() == ["Flat", "-", "1.000", "8.0"]
    assert lines[2].split() == ["IVF", "nprobe=1", "0.550", "9.0"]
    assert lines[4].split() == ["HNSW", "efSearch=16", "0.900", "-"]
    with pytest.raises(ValueError, match="non-empty list of BenchmarkResult"):
        benchmark_table([])


def test_plot_recall_qps_is_log_scale_with_one_line_per_index():
    ax = plot_recall_qps(RESULTS)
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "recall@10" and "queries per second" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Flat", "IVF (nprobe)", "HNSW"]
    ivf_line = ax.get_lines()[1]
    np.testing.assert_allclose(ivf_line.get_xdata(), [0.55, 0.95])
    assert [t.get_text() for t in ax.texts] == ["1", "8"]
    # each label in its line's colour, on its own side of the line (here the only swept line: above, left)
    assert all(t.get_color() == ivf_line.get_color() and t.get_horizontalalignment() == "right" for t in ax.texts)
    plt.close("all")


def test_plot_recall_qps_labels_of_two_swept_lines_sit_on_opposite_sides():
    two = RESULTS + [BenchmarkResult("HNSW2", {"efSearch": e}, k=10, recall=r, qps=30000.0, build_s=0.2, memory_bytes=None)
                     for e, r in [(16, 0.55), (32, 0.95)]]
    ax = plot_recall_qps(two)
    sides = [(t.get_horizontalalignment(), t.get_verticalalignment()) for t in ax.texts]
    assert len(sides) == 4 and sides[0] == sides[1] and sides[2] == sides[3] and sides[0] != sides[2]
    plt.close("all")


def test_plot_costs_one_bar_per_index():
    ax_build, ax_memory = plot_costs(RESULTS)
    assert [p.get_width() for p in ax_build.patches] == [0.01, 0.1, 1.0]
    assert [p.get_width() for p in ax_memory.patches] == [8.0, 9.0, 0.0]
    assert ax_build.get_title().startswith("Build time") and ax_memory.get_xlabel() == "MB"
    assert [t.get_text() for t in ax_build.get_yticklabels()] == ["Flat", "IVF", "HNSW"]
    assert not any(tick.label1.get_visible() for tick in ax_memory.yaxis.get_major_ticks())  # same rows: not repeated
    with pytest.raises(ValueError, match="non-empty list"):
        plot_costs(["not a result"])
    plt.close("all")
