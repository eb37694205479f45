"""Cora and CiteSeer with the standard Planetoid split, as Kipf & Welling and PyG build them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from course_lib.data import _remote
from course_lib.data._integrity import (
    DataIntegrityError,
    numpy_globals,
    read_verified,
    restricted_loads,
)

if TYPE_CHECKING:  # imported lazily at run time: networkx and scipy cost ~0.5 s
    import networkx as nx
    import scipy.sparse as sp

PLANETOID_NAMES = ("cora", "citeseer")
_N_VALIDATION = 500


@dataclass(frozen=True, eq=False)
class Planetoid:
    """A Planetoid citation graph with its standard split.

    Attributes
    ----------
    name : str
        ``"cora"`` or ``"citeseer"``.
    graph : networkx.Graph
        Undirected, nodes ``0 .. n-1`` (one per paper, isolated papers included),
        no self-loops.
    features : scipy.sparse.csr_matrix of float32, shape (n, n_words)
        Binary bag-of-words, row ``i`` for node ``i``.
    labels : ndarray of int64, shape (n,)
        Class of each node; ``-1`` for the 15 CiteSeer papers that have no features and
        no label in the published files (see :func:`load_planetoid`).
    train_index, val_index, test_index : ndarray of int64
        The Planetoid split: 20 labelled nodes per class, 500 validation nodes and
        1,000 test nodes (sorted).
    """

    name: str
    graph: nx.Graph
    features: sp.csr_matrix
    labels: np.ndarray
    train_index: np.ndarray
    val_index: np.ndarray
    test_index: np.ndarray

    @property
    def num_classes(self) -> int:
        """Number of classes (the ``-1`` placeholder label does not count)."""
        return int(self.labels.max()) + 1

    def __repr__(self) -> str:
        return (
            f"Planetoid(name={self.name!r}, nodes={self.graph.number_of_nodes()}, "
            f"edges={self.graph.number_of_edges()}, features={self.features.shape[1]}, "
            f"classes={self.num_classes}, train={len(self.train_index)}, "
            f"val={len(self.val_index)}, test={len(self.test_index)})"
        )


def _planetoid_globals() -> dict[tuple[str, str], object]:
    import collections

    import scipy.sparse as sp

    allowed = numpy_globals()
    allowed.update(
        {
            # Written by Python 2 with scipy < 1.8: old module paths, mapped to current ones.
            ("scipy.sparse.csr", "csr_matrix"): sp.csr_matrix,
            ("scipy.sparse._csr", "csr_matrix"): sp.csr_matrix,
            ("collections", "defaultdict"): collections.defaultdict,
            ("__builtin__", "list"): list,
            ("builtins", "list"): list,
        }
    )
    return allowed


def _load_parts(name: str) -> dict[str, object]:
    folder = _remote.fetch(name)
    dataset = _remote.REMOTE_DATASETS[name]
    allowed = _planetoid_globals()
    parts: dict[str, object] = {}
    for file in dataset.files:
        part = file.path.rsplit(f"ind.{name}.", 1)[1]
        # fetch verified the files; read_verified hashes the very bytes that are parsed,
        # so a file swapped since then is refused before it is unpickled.
        data = read_verified(
            folder.parent / file.path,
            file.sha256,
            advice=f"Delete it and run course_lib.data.fetch({name!r}) again.",
        )
        if part == "test.index":
            parts[part] = np.array(data.split(), dtype=np.int64)
        else:
            parts[part] = restricted_loads(data, allowed, what=file.path)
    return parts


def _as_csr(matrix: object, what: str):
    import scipy.sparse as sp

    if not sp.issparse(matrix):
        raise DataIntegrityError(f"{what} should hold a sparse matrix, found {type(matrix).__name__}")
    # Rebuilt from its arrays: the pickled object carries attributes of a scipy from 2016.
    old = matrix
    return sp.csr_matrix((old.data, old.indices, old.indptr), shape=old.shape, dtype=np.float32)


def _as_onehot(array: object, what: str) -> np.ndarray:
    if not isinstance(array, np.ndarray) or array.ndim != 2:
        raise DataIntegrityError(f"{what} should hold a 2-D array of one-hot labels")
    return array


def load_planetoid(name: str) -> Planetoid:
    """Load Cora or CiteSeer with the standard Planetoid split (Yang et al. 2016).

    The files come through :func:`fetch` (downloaded once, or from the cache or a mirror),
    and are unpickled only after their sha256 matched, by an unpickler that resolves
    nothing but NumPy, SciPy sparse and builtin containers.

    The result reproduces Kipf & Welling's ``load_data`` and PyTorch Geometric's
    ``Planetoid``: node ``i`` of the graph is row ``i`` of ``features``; ``train_index`` is
    ``range(len(y))`` (140 for Cora, 120 for CiteSeer), ``val_index`` the next 500 nodes,
    ``test_index`` the 1,000 nodes of ``test.index`` (sorted). Self-citations (124 in
    CiteSeer) are dropped, as PyG does: Cora keeps 5,278 edges, CiteSeer 4,552.

    CiteSeer's ``test.index`` skips 15 node ids: papers that are in the citation graph but
    have no features or label in the files. As in Kipf's and PyG's code they get all-zero
    feature rows; their label is ``-1`` here (Kipf's code leaves an all-zero one-hot, PyG
    then reads class 0). They are in no split, so published results do not depend on it;
    filter with ``labels >= 0`` before using the labels of all nodes.

    Parameters
    ----------
    name : {"cora", "citeseer"}
        Case-insensitive.

    Examples
    --------
    >>> cora = load_planetoid("cora")  # doctest: +SKIP
    >>> cora  # doctest: +SKIP
    Planetoid(name='cora', nodes=2708, edges=5278, features=1433, classes=7, train=140, val=500, test=1000)
    """
    if not isinstance(name, str) or name.lower() not in PLANETOID_NAMES:
        raise ValueError(f"name must be one of {', '.join(PLANETOID_NAMES)}, got {name!r}")
    name = name.lower()
    import networkx as nx
    import scipy.sparse as sp

    parts = _load_parts(name)
    y = _as_onehot(parts["y"], "y")
    ally, ty = _as_onehot(parts["ally"], "ally"), _as_onehot(parts["ty"], "ty")
    allx, tx = _as_csr(parts["allx"], "allx"), _as_csr(parts["tx"], "tx")
    graph_lists = parts["graph"]
    test_order = parts["test.index"]
    if not isinstance(graph_lists, dict):
        raise DataIntegrityError("graph should hold a dict of adjacency lists")
    if len(test_order) != tx.shape[0] or len(test_order) != ty.shape[0]:
        raise DataIntegrityError("test.index, tx and ty disagree on the number of test nodes")
    if len(np.unique(test_order)) != len(test_order) or test_order.min() < allx.shape[0]:
        raise DataIntegrityError("test.index must hold distinct ids after those of allx")

    # Kipf's construction: test rows extend allx over the full id range min..max of
    # test.index; ids missing from test.index (CiteSeer) stay without features.
    n_nodes = allx.shape[0] + int(test_order.max() - test_order.min()) + 1
    node_of_row = np.concatenate([np.arange(allx.shape[0]), test_order])
    stacked = sp.vstack([allx, tx]).tocsr()
    placement = sp.csr_matrix(
        (np.ones(len(node_of_row), dtype=np.float32), (node_of_row, np.arange(len(node_of_row)))),
        shape=(n_nodes, len(node_of_row)),
    )
    features = (placement @ stacked).tocsr()
    features.sort_indices()

    onehot = np.vstack([ally, ty])
    labels = np.full(n_nodes, -1, dtype=np.int64)
    labels[node_of_row] = np.where(onehot.any(axis=1), onehot.argmax(axis=1), -1)

    graph = nx.Graph()
    graph.add_nodes_from(range(n_nodes))
    for node, neighbours in graph_lists.items():
        for other in neighbours:
            if not (0 <= node < n_nodes and 0 <= other < n_nodes):
                raise DataIntegrityError(f"graph names node {max(node, other)}, beyond {n_nodes - 1}")
            if node != other:
                graph.add_edge(int(node), int(other))

    n_train = y.shape[0]
    return Planetoid(
        name=name,
        graph=graph,
        features=features,
        labels=labels,
        train_index=np.arange(n_train, dtype=np.int64),
        val_index=np.arange(n_train, n_train + _N_VALIDATION, dtype=np.int64),
        test_index=np.sort(test_order),
    )
