"""Tests of course_lib.data: offline loaders, verified downloads from a loopback server,
the restricted unpickler, Planetoid, and the command line. No test reaches the internet.
"""
from __future__ import annotations

import hashlib
import http.server
import os
import pickle
import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
import warnings
import zlib
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest

import course_lib.data as data
from course_lib.data import _cli, _integrity, _planetoid, _remote, _shipped

REPO = Path(__file__).resolve().parents[1]
PLANETOID_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "planetoid"
needs_planetoid = pytest.mark.skipif(
    not (PLANETOID_DIR / "SHA256SUMS").is_file(),
    reason=f"the real Planetoid files are not in {PLANETOID_DIR} (see DATA.md)",
)


# --------------------------------------------------------------------------- fixtures


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves files under server.root; records every request; can misbehave on purpose."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.requests.append(self.path)
        relative = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
        file = self.server.root / relative
        if not file.is_file():
            self.send_error(404)
            return
        body = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.server.truncate:
            # Announce the full length, send half, hang up: what a dropped wifi looks like.
            body = body[: len(body) // 2]
            self.close_connection = True
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


class LoopbackServer:
    def __init__(self, root: Path):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.root = root
        self.httpd.requests = []
        self.httpd.truncate = False
        self.root = root
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    srv = LoopbackServer(root)
    yield srv
    srv.stop()


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(data.DATA_DIR_ENV, str(folder))
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    return folder


def _free_port() -> int:
    # Bind, read the port, close: nothing listens there afterwards.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _file(path: str, content: bytes, url: str = "http://example.invalid/never") -> data.RemoteFile:
    sha256 = hashlib.sha256(content).hexdigest()
    return data.RemoteFile(path=path, url=url, sha256=sha256, size=len(content))


TOY = b"toy dataset: three bytes would do, but a sentence reads better\n"
PART_A, PART_B = b"first part\n" * 50, b"second part\n" * 70


@pytest.fixture
def toy_registry(monkeypatch, server):
    """Synthetic datasets in place of the real registry, their files on the server."""
    (server.root / "toy").mkdir()
    (server.root / "toy" / "toy.txt").write_bytes(TOY)
    (server.root / "pair").mkdir()
    (server.root / "pair" / "a.bin").write_bytes(PART_A)
    (server.root / "pair" / "b.bin").write_bytes(PART_B)
    registry = {
        "toy": data.RemoteDataset("toy", "a toy file", "CC0", "tests", (_file("toy/toy.txt", TOY),)),
        "pair": data.RemoteDataset(
            "pair", "two files", "CC0", "tests",
            (_file("pair/a.bin", PART_A), _file("pair/b.bin", PART_B)),
        ),
    }
    # fetch reads the registry of the module that defines it, at call time.
    monkeypatch.setattr(_remote, "REMOTE_DATASETS", MappingProxyType(registry))
    return registry


@pytest.fixture
def mirrored(monkeypatch, server, cache, toy_registry):
    monkeypatch.setenv(data.MIRROR_ENV, server.url)
    return server


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --------------------------------------------------------------------------- fetch


def test_download_lands_verified_at_the_cache_path(mirrored, cache):
    path = data.fetch("toy")
    assert path == cache / "toy" / "toy.txt"
    assert path.read_bytes() == TOY
    assert mirrored.requests == ["/toy/toy.txt"]
    assert _leftovers(cache) == ["toy.txt"]  # no temporary file left behind
    assert data.is_cached("toy")


def test_multi_file_dataset_returns_its_folder(mirrored, cache):
    folder = data.fetch("pair")
    assert folder == cache / "pair"
    assert (folder / "a.bin").read_bytes() == PART_A
    assert (folder / "b.bin").read_bytes() == PART_B
    assert sorted(mirrored.requests) == ["/pair/a.bin", "/pair/b.bin"]


def test_verified_cache_is_used_without_any_request(mirrored, cache, monkeypatch):
    data.fetch("toy")
    assert len(mirrored.requests) == 1
    assert data.fetch("toy") == cache / "toy" / "toy.txt"
    assert len(mirrored.requests) == 1
    # Nothing listens on the mirror now: a request would fail, so none can be made.
    monkeypatch.setenv(data.MIRROR_ENV, f"http://127.0.0.1:{_free_port()}")
    assert data.fetch("toy").read_bytes() == TOY


def test_file_placed_by_hand_is_used(cache, toy_registry, monkeypatch):
    monkeypatch.setenv(data.MIRROR_ENV, f"http://127.0.0.1:{_free_port()}")
    (cache / "toy").mkdir(parents=True)
    (cache / "toy" / "toy.txt").write_bytes(TOY)
    assert data.fetch("toy").read_bytes() == TOY


def _assert_helpful(message: str, cache: Path, url: str) -> None:
    sha = hashlib.sha256(TOY).hexdigest()
    assert "'toy/toy.txt'" in message
    assert sha in message
    assert url in message
    assert str(cache / "toy" / "toy.txt") in message


def test_corrupted_download_raises_and_leaves_nothing(mirrored, cache):
    (mirrored.root / "toy" / "toy.txt").write_bytes(TOY.upper())  # same size, other bytes
    with pytest.raises(data.DataDownloadError) as info:
        data.fetch("toy")
    _assert_helpful(str(info.value), cache, mirrored.url + "/toy/toy.txt")
    assert "sha256" in str(info.value)
    assert _leftovers(cache) == []


def test_truncated_download_raises_and_leaves_nothing(mirrored, cache):
    mirrored.httpd.truncate = True
    with pytest.raises(data.DataDownloadError) as info:
        data.fetch("toy")
    _assert_helpful(str(info.value), cache, mirrored.url + "/toy/toy.txt")
    assert "truncated" in str(info.value)
    assert _leftovers(cache) == []


def test_missing_file_on_mirror_raises_http_error(mirrored, cache):
    (mirrored.root / "toy" / "toy.txt").unlink()
    with pytest.raises(data.DataDownloadError, match="HTTP 404"):
        data.fetch("toy")
    assert _leftovers(cache) == []


def test_unreachable_server_says_where_to_put_the_file(cache, toy_registry, monkeypatch):
    dead = f"http://127.0.0.1:{_free_port()}"
    monkeypatch.setenv(data.MIRROR_ENV, dead)
    with pytest.raises(data.DataDownloadError) as info:
        data.fetch("toy")
    message = str(info.value)
    _assert_helpful(message, cache, dead + "/toy/toy.txt")
    assert "place it" in message
    assert "http://example.invalid/never" in message  # the original URL, to fetch by hand
    assert _leftovers(cache) == []


def test_error_for_a_multi_file_dataset_lists_the_other_missing_files(cache, toy_registry, monkeypatch):
    monkeypatch.setenv(data.MIRROR_ENV, f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(data.DataDownloadError) as info:
        data.fetch("pair")
    message = str(info.value)
    assert str(cache / "pair" / "a.bin") in message
    assert "b.bin" in message and hashlib.sha256(PART_B).hexdigest() in message


def test_wrong_file_in_cache_is_replaced_atomically(mirrored, cache):
    target = cache / "toy" / "toy.txt"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the toy file")
    assert not data.is_cached("toy")
    assert data.fetch("toy").read_bytes() == TOY
    assert _leftovers(cache) == ["toy.txt"]


def test_mirror_with_a_sub_path_is_honoured(server, cache, toy_registry, monkeypatch):
    shutil.copytree(server.root / "toy", server.root / "workshop" / "toy")
    monkeypatch.setenv(data.MIRROR_ENV, server.url + "/workshop/")
    data.fetch("toy")
    assert server.requests == ["/workshop/toy/toy.txt"]


def test_mirror_can_be_a_local_folder(server, cache, toy_registry, monkeypatch):
    # A USB stick at a workshop: file:// URLs work like http:// ones, no server needed.
    monkeypatch.setenv(data.MIRROR_ENV, server.root.as_uri())
    assert data.fetch("toy").read_bytes() == TOY
    assert server.requests == []


def test_without_mirror_the_registry_url_is_used(server, cache, monkeypatch):
    (server.root / "published.txt").write_bytes(TOY)
    entry = data.RemoteDataset(
        "toy", "", "", "", (_file("toy/toy.txt", TOY, url=server.url + "/published.txt"),)
    )
    monkeypatch.setattr(_remote, "REMOTE_DATASETS", MappingProxyType({"toy": entry}))
    assert data.fetch("toy").read_bytes() == TOY
    assert server.requests == ["/published.txt"]


def test_a_filled_cache_is_a_mirror(mirrored, cache, tmp_path, monkeypatch):
    data.fetch("pair")
    # The workshop recipe: serve the instructor's cache folder as it is.
    instructor = LoopbackServer(cache)
    try:
        monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "learner"))
        monkeypatch.setenv(data.MIRROR_ENV, instructor.url)
        folder = data.fetch("pair")
        assert (folder / "b.bin").read_bytes() == PART_B
        assert sorted(instructor.requests) == ["/pair/a.bin", "/pair/b.bin"]
    finally:
        instructor.stop()


def test_environment_is_read_at_call_time(tmp_path, monkeypatch):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "one"))
    assert data.data_dir() == tmp_path / "one"
    monkeypatch.setenv(data.DATA_DIR_ENV, str(tmp_path / "two"))
    assert data.data_dir() == tmp_path / "two"
    monkeypatch.delenv(data.DATA_DIR_ENV)
    assert data.data_dir().name == "embeddings-course"
    monkeypatch.setenv(data.MIRROR_ENV, "http://10.0.0.1:8000")
    assert data.data_mirror() == "http://10.0.0.1:8000/"
    monkeypatch.delenv(data.MIRROR_ENV)
    assert data.data_mirror() is None


def test_malformed_mirror_is_a_value_error(cache, monkeypatch):
    monkeypatch.setenv(data.MIRROR_ENV, "192.168.1.10:8000")
    with pytest.raises(ValueError, match=data.MIRROR_ENV):
        data.fetch("cora")


def test_unknown_name_lists_valid_names(cache):
    with pytest.raises(ValueError, match="name must be one of") as info:
        data.fetch("coraa")
    assert "cora" in str(info.value) and "citeseer" in str(info.value)
    with pytest.raises(ValueError, match="needs no download"):
        data.fetch("wordsim353")


def test_registry_entries_are_validated():
    with pytest.raises(ValueError, match="sha256"):
        data.RemoteFile("x/y", "http://h/y", "abc", 3)
    with pytest.raises(ValueError, match="relative"):
        data.RemoteFile("../y", "http://h/y", "0" * 64, 3)
    with pytest.raises(ValueError, match="must live under"):
        data.RemoteDataset("x", "", "", "", (data.RemoteFile("z/y", "http://h/y", "0" * 64, 3),))


def test_every_remote_dataset_documents_itself():
    assert {"cora", "citeseer"} <= set(data.REMOTE_DATASETS)
    for dataset in data.REMOTE_DATASETS.values():
        assert dataset.description and dataset.licence and dataset.source
        assert dataset.size == sum(f.size for f in dataset.files) > 0
        assert all(f.url.startswith("https://") for f in dataset.files)


@needs_planetoid
def test_planetoid_hashes_match_the_published_sums():
    lines = (PLANETOID_DIR / "SHA256SUMS").read_text().splitlines()
    sums = dict(reversed(line.split()) for line in lines if line)
    for name in ("cora", "citeseer"):
        for file in data.REMOTE_DATASETS[name].files:
            filename = file.path.split("/")[1]
            assert file.sha256 == sums[filename]
            assert file.size == (PLANETOID_DIR / filename).stat().st_size
            assert file.url == f"https://github.com/kimiyoung/planetoid/raw/master/data/{filename}"


# --------------------------------------------------------------------------- unpickling


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_restricted_unpickler_refuses_os_system(monkeypatch):
    payload = pickle.dumps(_Evil(), protocol=2)  # before os.system is replaced by the spy
    calls = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))
    with pytest.raises(pickle.UnpicklingError, match="refusing to load the global"):
        _integrity.restricted_loads(payload, _integrity.numpy_globals(), what="evil")
    assert calls == []


def test_restricted_unpickler_loads_numpy_arrays():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    payload = pickle.dumps(array, protocol=4)
    restored = _integrity.restricted_loads(payload, _integrity.numpy_globals(), what="a")
    np.testing.assert_array_equal(restored, array)


def test_malicious_planetoid_file_with_matching_hash_is_refused(server, cache, monkeypatch):
    """Even a file whose sha256 matches the registry goes through the restricted unpickler."""
    evil = pickle.dumps(_Evil(), protocol=2)
    calls = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))
    (cache / "cora").mkdir(parents=True)
    files = []
    for ext in ("x", "y", "tx", "ty", "allx", "ally", "graph", "test.index"):
        content = b"1708\n" if ext == "test.index" else evil
        (cache / "cora" / f"ind.cora.{ext}").write_bytes(content)
        files.append(_file(f"cora/ind.cora.{ext}", content))
    fake = data.RemoteDataset("cora", "", "", "", tuple(files))
    monkeypatch.setattr(_remote, "REMOTE_DATASETS", MappingProxyType({"cora": fake}))
    with pytest.raises(pickle.UnpicklingError, match="posix.system|os.system|nt.system"):
        data.load_planetoid("cora")
    assert calls == []


def _copy_planetoid(name: str, dest: Path) -> None:
    # File by file: copytree would copy the shared folder's read-only permissions too.
    dest.mkdir(parents=True, exist_ok=True)
    for file in PLANETOID_DIR.glob(f"ind.{name}.*"):
        shutil.copyfile(file, dest / file.name)


@pytest.fixture
def unpickle_spy(monkeypatch) -> list:
    calls = []
    monkeypatch.setattr(_planetoid, "restricted_loads", lambda *a, **k: calls.append(a))
    return calls


@needs_planetoid
def test_bytes_with_a_wrong_hash_are_never_unpickled(cache, monkeypatch, unpickle_spy):
    _copy_planetoid("cora", cache / "cora")
    graph = cache / "cora" / "ind.cora.graph"
    graph.write_bytes(graph.read_bytes() + b"\x00")
    monkeypatch.setenv(data.MIRROR_ENV, f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(data.DataDownloadError, match="sha256 does not match"):
        data.load_planetoid("cora")
    assert unpickle_spy == []


@needs_planetoid
def test_file_swapped_after_fetch_is_never_unpickled(cache, monkeypatch, unpickle_spy):
    """load_planetoid hashes the bytes it parses, not only what fetch saw earlier."""
    _copy_planetoid("cora", cache / "cora")
    (cache / "cora" / "ind.cora.x").write_bytes(pickle.dumps(_Evil(), protocol=2))
    monkeypatch.setattr(_remote, "fetch", lambda name: cache / name)  # a check that missed it
    with pytest.raises(data.DataIntegrityError, match="ind.cora.x has sha256"):
        data.load_planetoid("cora")
    assert unpickle_spy == []


def test_file_changed_after_verification_is_refused(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"changed")
    with pytest.raises(data.DataIntegrityError, match=hashlib.sha256(b"original").hexdigest()):
        _integrity.read_verified(path, hashlib.sha256(b"original").hexdigest())


def test_newsgroups_with_a_wrong_hash_is_never_unpickled(monkeypatch):
    monkeypatch.setattr(_shipped, "NEWSGROUPS_MINI_SHA256", "0" * 64)
    monkeypatch.setattr(_shipped, "restricted_loads", lambda *a, **k: pytest.fail("unpickled"))
    with pytest.raises(data.DataIntegrityError, match="refusing to use it"):
        data.load_newsgroups_mini()


def test_newsgroups_unpickler_allows_only_the_bunch_pieces():
    evil = zlib.compress(pickle.dumps(_Evil(), protocol=0))
    with pytest.raises(pickle.UnpicklingError):
        _integrity.restricted_loads(zlib.decompress(evil), _shipped._newsgroups_globals(), what="evil")


# --------------------------------------------------------------------------- Planetoid


@pytest.fixture
def planetoid_mirror(server, cache, monkeypatch):
    if not (PLANETOID_DIR / "SHA256SUMS").is_file():
        pytest.skip(f"the real Planetoid files are not in {PLANETOID_DIR}")
    for name in ("cora", "citeseer"):
        _copy_planetoid(name, server.root / name)
    monkeypatch.setenv(data.MIRROR_ENV, server.url)
    return server


@pytest.mark.planetoid
@pytest.mark.parametrize(
    "name, nodes, edges, n_features, n_classes, n_train",
    [("cora", 2708, 5278, 1433, 7, 140), ("citeseer", 3327, 4552, 3703, 6, 120)],
)
def test_load_planetoid_known_sizes(
    planetoid_mirror, name, nodes, edges, n_features, n_classes, n_train
):
    dataset = data.load_planetoid(name)
    assert len(planetoid_mirror.requests) == 8  # every file came through the mirror
    assert dataset.name == name
    assert list(dataset.graph.nodes) == list(range(nodes))
    assert dataset.graph.number_of_edges() == edges
    assert not dataset.graph.is_directed()
    assert all(u != v for u, v in dataset.graph.edges)
    assert dataset.features.shape == (nodes, n_features) and dataset.features.format == "csr"
    assert set(np.unique(dataset.features.data).tolist()) == {1.0}
    assert dataset.labels.shape == (nodes,) and dataset.labels.dtype == np.int64
    assert dataset.num_classes == n_classes
    sizes = len(dataset.train_index), len(dataset.val_index), len(dataset.test_index)
    assert sizes == (n_train, 500, 1000)
    np.testing.assert_array_equal(dataset.train_index, np.arange(n_train))
    np.testing.assert_array_equal(dataset.val_index, np.arange(n_train, n_train + 500))
    # The Planetoid split labels 20 nodes per class.
    np.testing.assert_array_equal(np.bincount(dataset.labels[dataset.train_index]), [20] * n_classes)
    split = np.concatenate([dataset.train_index, dataset.val_index, dataset.test_index])
    assert len(np.unique(split)) == len(split)
    assert (dataset.labels[split] >= 0).all()
    assert "nodes=%d" % nodes in repr(dataset)


@pytest.mark.planetoid
def test_cora_is_complete_and_listed_edges_match(planetoid_mirror):
    cora = data.load_planetoid("Cora")
    assert (cora.labels >= 0).all()
    np.testing.assert_array_equal(np.bincount(cora.labels), [351, 217, 418, 818, 426, 298, 180])
    assert cora.features.getnnz(axis=1).min() > 0
    # The published graph dict lists each of Cora's 5,429 citations from both ends.
    graph = _integrity.restricted_loads(
        (data.data_dir() / "cora" / "ind.cora.graph").read_bytes(),
        _planetoid._planetoid_globals(),
        what="graph",
    )
    assert sum(map(len, graph.values())) == 2 * 5429


@pytest.mark.planetoid
def test_citeseer_missing_test_ids_get_no_features_and_label_minus_one(planetoid_mirror):
    citeseer = data.load_planetoid("citeseer")
    test_ids = set(citeseer.test_index.tolist())
    gaps = [i for i in range(min(test_ids), max(test_ids) + 1) if i not in test_ids]
    assert len(gaps) == 15
    np.testing.assert_array_equal(np.flatnonzero(citeseer.labels == -1), gaps)
    assert citeseer.features[gaps].nnz == 0
    assert all(citeseer.graph.degree(i) > 0 for i in gaps)  # in the graph, only unlabelled
    import networkx as nx

    assert nx.number_of_isolates(citeseer.graph) == 48  # kept: one node per paper


def test_load_planetoid_rejects_other_names():
    with pytest.raises(ValueError, match="cora, citeseer"):
        data.load_planetoid("pubmed")
    with pytest.raises(ValueError, match="name must be"):
        data.load_planetoid(3)


# --------------------------------------------------------------------------- offline loaders


def test_wikipedia_sample():
    articles = data.load_wikipedia_sample()
    assert len(articles) == 106
    assert 400_000 < sum(map(len, articles)) < 500_000
    assert articles[0][:3] == ["anarchism", "is", "political"]
    assert all(token == token.lower() and 2 <= len(token) <= 15 for token in articles[5])
    articles[0].clear()  # callers get their own lists, not the cache
    assert data.load_wikipedia_sample()[0][:1] == ["anarchism"]


def test_lee_corpora_and_human_similarities():
    assert len(data.load_lee_background()) == 300
    test_docs = data.load_lee_test()
    assert len(test_docs) == 50 and all(doc for doc in test_docs)
    assert any("£" in doc for doc in test_docs)  # decoded as Latin-1, like gensim's test
    sims = data.load_lee_similarities()
    assert sims.shape == (50, 50)
    np.testing.assert_array_equal(sims, sims.T)
    np.testing.assert_array_equal(np.diag(sims), np.ones(50))
    assert 0 <= sims.min() and sims.max() <= 1
    assert sims[np.triu_indices(50, k=1)].size == 1225


def test_word_similarity_benchmarks():
    wordsim, simlex = data.load_wordsim353(), data.load_simlex999()
    assert len(wordsim) == 353 and len(simlex) == 999
    assert wordsim[0] == ("love", "sex", 6.77)
    for pairs in (wordsim, simlex):
        scores = np.array([score for _, _, score in pairs])
        assert 0 <= scores.min() and scores.max() <= 10
        assert all(isinstance(w1, str) and isinstance(w2, str) for w1, w2, _ in pairs)


def test_analogies():
    assert data.analogies_path().read_text().startswith(": capital-common-countries")
    sections = data.load_analogies()
    assert len(sections) == 14
    assert sum(map(len, sections.values())) == 19544
    assert sections["family"][0] == ("boy", "girl", "brother", "sister")


def test_glove_sample_and_minilm_paths():
    first = data.glove_sample_path().read_text().splitlines()[0].split()
    assert len(first) > 2 and all(float(x) == float(x) for x in first[1:])  # no header line
    assert (data.minilm_path() / "config.json").is_file()
    assert (data.minilm_path() / "model.safetensors").is_file()


def test_polarity():
    sentences, labels = data.load_polarity()
    assert len(sentences) == 200 and labels.shape == (200,)
    np.testing.assert_array_equal(np.bincount(labels), [100, 100])
    assert not any(s.startswith("__label__") for s in sentences)
    assert sentences[0] == "simplistic , silly and tedious ."
    assert labels[0] == 0
    assert any("—" in s for s in sentences)  # cp1252 em dash decoded


def test_newsgroups_mini():
    texts, labels, names = data.load_newsgroups_mini()
    assert len(texts) == 200 and labels.shape == (200,)
    assert names == ["alt.atheism", "sci.space"]
    np.testing.assert_array_equal(np.bincount(labels), [100, 100])
    assert not any(text.startswith(("Newsgroups:", "From:", "Path:", "Xref:")) for text in texts)
    raw, raw_labels, _ = data.load_newsgroups_mini(strip_headers=False)
    np.testing.assert_array_equal(raw_labels, labels)
    assert all("\nSubject:" in text or text.startswith("Subject:") for text in raw)
    with pytest.raises(ValueError, match="strip_headers"):
        data.load_newsgroups_mini(strip_headers="yes")


def test_mnist_sample():
    images, labels = data.load_mnist_sample()
    assert images.shape == (5000, 28, 28) and images.dtype == np.float32
    assert labels.shape == (5000,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    np.testing.assert_array_equal(np.bincount(labels), [500] * 10)
    assert len(set(labels[:50].tolist())) == 10  # shuffled: the file is sorted by label
    again, labels_again = data.load_mnist_sample(seed=0)
    np.testing.assert_array_equal(again, images)
    np.testing.assert_array_equal(labels_again, labels)
    _, other = data.load_mnist_sample(seed=1)
    assert not np.array_equal(other, labels)
    images[0] = 0.5  # callers own their arrays: the cache is not changed
    assert not np.all(data.load_mnist_sample()[0][0] == 0.5)
    for bad in (-1, 1.5, True, "0"):
        with pytest.raises(ValueError, match="seed"):
            data.load_mnist_sample(seed=bad)


def test_digits():
    images, labels = data.load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.dtype == np.int64 and set(labels.tolist()) == set(range(10))


def test_gensim_datapath_validates_its_argument():
    assert data.gensim_datapath("lee.cor").is_file()
    with pytest.raises(ValueError, match="not in gensim's test data"):
        data.gensim_datapath("no_such_file.txt")
    with pytest.raises(ValueError, match="bare file name"):
        data.gensim_datapath("../setup.py")


def test_loaders_are_silent(capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.load_wikipedia_sample()
        data.load_lee_test()
        data.load_lee_similarities()
        data.load_polarity()
        data.load_newsgroups_mini()
        data.load_mnist_sample()
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


@needs_planetoid
def test_planetoid_is_silent(cache, capfd):
    _copy_planetoid("citeseer", cache / "citeseer")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.load_planetoid("citeseer")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


# --------------------------------------------------------------------------- command line


def test_cli_list_shows_every_dataset_and_cache_status(mirrored, cache, capsys):
    assert _cli.main(["list"]) == 0
    out = capsys.readouterr().out
    for name in [*data.SHIPPED_DATASETS, "toy", "pair"]:
        assert name in out
    assert "LICENCE" in out and "SOURCE" in out
    assert str(cache) in out
    toy_line = next(line for line in out.splitlines() if line.startswith("toy "))
    assert "not cached" in toy_line
    data.fetch("toy")
    assert _cli.main(["list"]) == 0
    toy_line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("toy "))
    assert "cached" in toy_line and "not cached" not in toy_line


def test_cli_fetch_through_the_mirror(mirrored, cache, capsys):
    assert _cli.main(["fetch", "toy", "wordsim353"]) == 0
    out = capsys.readouterr().out
    assert str(cache / "toy" / "toy.txt") in out
    assert "installed with gensim" in out
    assert (cache / "toy" / "toy.txt").read_bytes() == TOY


def test_cli_fetch_all_reports_failures(mirrored, cache, capsys):
    (mirrored.root / "pair" / "b.bin").write_bytes(b"tampered")
    assert _cli.main(["fetch", "all"]) == 1
    captured = capsys.readouterr()
    assert "error: pair" in captured.err and str(cache / "pair" / "b.bin") in captured.err
    assert (cache / "toy" / "toy.txt").is_file()  # the others were still fetched


def test_cli_usage_errors(cache, capsys, monkeypatch):
    assert _cli.main(["fetch", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert "nonsense" in err and "cora" in err and "wordsim353" in err
    monkeypatch.setenv(data.MIRROR_ENV, "not a url")
    assert _cli.main(["fetch", "cora"]) == 2
    assert data.MIRROR_ENV in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        _cli.main(["frobnicate"])
    assert info.value.code == 2


def test_python_dash_m_entry_point(tmp_path):
    env = {**os.environ, data.DATA_DIR_ENV: str(tmp_path / "empty-cache")}
    env.pop(data.MIRROR_ENV, None)
    result = subprocess.run(
        [sys.executable, "-m", "course_lib.data", "list"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    cora_line = next(line for line in result.stdout.splitlines() if line.startswith("cora "))
    assert "not cached" in cora_line


@pytest.mark.planetoid
def test_python_dash_m_fetch_through_the_loopback_mirror(planetoid_mirror, cache):
    env = {**os.environ, data.DATA_DIR_ENV: str(cache), data.MIRROR_ENV: planetoid_mirror.url}
    result = subprocess.run(
        [sys.executable, "-m", "course_lib.data", "fetch", "cora", "citeseer"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"cora: ready at {cache / 'cora'}" in result.stdout
    assert len(planetoid_mirror.requests) == 16
    assert data.is_cached("cora") and data.is_cached("citeseer")
