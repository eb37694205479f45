"""Datasets downloaded on demand: a registry with pinned sha256, a cache, a mirror.

Cache layout
------------
Every file of a remote dataset has one relative path, ``<dataset>/<file name>``. It lives
at that path under the cache folder (``COURSE_DATA_DIR``) and is looked for at that path
under the mirror (``COURSE_DATA_MIRROR``). A filled cache folder is therefore a mirror::

    COURSE_DATA_DIR=~/course-data python -m course_lib.data fetch all   # instructor
    python -m http.server 8000 --directory ~/course-data                 # instructor
    export COURSE_DATA_MIRROR=http://<instructor address>:8000           # learners
"""
from __future__ import annotations

import hashlib
import http.client
import ipaddress
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from course_lib.data._integrity import sha256_file

#: Environment variable naming the cache folder (default: the per-user cache).
DATA_DIR_ENV = "COURSE_DATA_DIR"
#: Environment variable replacing the base URL of every remote dataset.
MIRROR_ENV = "COURSE_DATA_MIRROR"

_APP_NAME = "embeddings-course"
_CHUNK = 1 << 16
_TIMEOUT_S = 30
_USER_AGENT = "embeddings-course-data/0.1 (+python urllib)"


class DataDownloadError(RuntimeError):
    """A dataset file could not be downloaded and verified.

    The message says which file, the sha256 it must have, the URL tried, and the path
    where the file can be placed by hand.
    """


@dataclass(frozen=True)
class RemoteFile:
    """One file of a remote dataset.

    Parameters
    ----------
    path : str
        Relative POSIX path, ``"<dataset>/<file name>"``: where the file lives under the
        cache folder and under a mirror.
    url : str
        Where the file is published.
    sha256 : str
        Hex sha256 of the file's bytes.
    size : int
        Size in bytes.
    """

    path: str
    url: str
    sha256: str
    size: int

    def __post_init__(self) -> None:
        parts = PurePosixPath(self.path).parts
        if len(parts) < 2 or PurePosixPath(self.path).is_absolute() or ".." in parts:
            raise ValueError(f"path must be relative, '<dataset>/<file>', got {self.path!r}")
        if len(self.sha256) != 64 or any(c not in "0123456789abcdef" for c in self.sha256):
            raise ValueError(f"sha256 must be 64 lower-case hex digits, got {self.sha256!r}")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise ValueError(f"size must be a non-negative int, got {self.size!r}")


@dataclass(frozen=True)
class RemoteDataset:
    """A dataset that :func:`fetch` downloads, verifies and caches.

    Parameters
    ----------
    name : str
        The name :func:`fetch` takes.
    description, licence, source : str
        What it is, under which terms, and where it comes from (shown by ``list``).
    files : tuple of RemoteFile
        Its files, each at ``"<name>/<file name>"``.
    """

    name: str
    description: str
    licence: str
    source: str
    files: tuple[RemoteFile, ...]

    def __post_init__(self) -> None:
        if not self.files:
            raise ValueError(f"dataset {self.name!r} must list at least one file")
        for file in self.files:
            if PurePosixPath(file.path).parts[0] != self.name:
                raise ValueError(f"file {file.path!r} must live under {self.name + '/'!r}")

    @property
    def size(self) -> int:
        """Total size of the files, in bytes."""
        return sum(file.size for file in self.files)

    @property
    def target(self) -> str:
        """Relative path :func:`fetch` returns: the folder, or the file for one-file datasets."""
        return self.files[0].path if len(self.files) == 1 else self.name


_PLANETOID_URL = "https://github.com/kimiyoung/planetoid/raw/master/data/"
# sha256 and sizes of the files in kimiyoung/planetoid's data/ folder, the same files
# PyTorch Geometric downloads (checked against ../shared/data/planetoid/SHA256SUMS).
_PLANETOID_FILES = {
    "cora": {
        "x": ("23cfa55d91c6f624233f5eb7b6e3f141f1bd2b2ae39608a63cf5d084bb27baab", 22119),
        "y": ("94465c14eb53e04ca262198dcbb2521ee8af60fb3f3d546cd6ca24a511b0e7d1", 4054),
        "tx": ("b9afbaa4a400df991f6f02ef677e1e44da55ffc04801fd02f9e673987829226a", 148025),
        "ty": ("41f5ac76596a1699cc33f53084a2419e92961c42bb75f36fc38e616d348532ad", 28135),
        "allx": ("9419ba2f26f5c35243db64aba110e0f35a04851609e0dc5433450676ca6b8543", 257305),
        "ally": ("2b998f5cc7fedc86e7f97ca2498f47a1ffc1462c29e2d578b23bf3f62b6e7d71", 47959),
        "graph": ("58f13302f39dde8852dad6fe6d15b89b077b6d7f837626bce671ef80344b383d", 59847),
        "test.index": ("297ce89af2b51a6a194181c7dbe1796c6a1cf9cd9349a88383b1b1e227867875", 5000),
    },
    "citeseer": {
        "x": ("d20de19150741e555de0ed037195630fc194114ebc7fd72ced62810148aa22f6", 31087),
        "y": ("8ba87e515d8e3ee3cf52f6d2c5b86aa73f11ecad825a808455209ec26cd54924", 3014),
        "tx": ("539a8906a2da97628d212f2fdd668c109a8b3f0d36574b59e5d3fd5b5303da21", 260321),
        "ty": ("55e5bd1ba1e733a04598753ad1a8d57957f4b8f89e74519f41f4f4938767e4ce", 24135),
        "allx": ("2ac30345d95c9ec933a817ee0bdd6a5f077f8c184a20e696910192d534414668", 595021),
        "ally": ("f704b2d986dde6c2669934de1f3ae5696a6cf9455c0f6b2646a2d135ea0a1c95", 55623),
        "graph": ("d79a4ef9d3e7169aee8946145f6b7306e35bc79bffad26346cfb94e10e9912a7", 61987),
        "test.index": ("2af990671580b6b2df5d158d1038f8292e30c9cd821b5453f399659b25b723d4", 5000),
    },
}
_PLANETOID_ABOUT = {
    "cora": (
        "Cora citation graph, Planetoid split: 2,708 papers, 1,433-word binary "
        "bag-of-words, 7 classes (load_planetoid)",
        "McCallum et al. 2000; split: Yang, Cohen & Salakhutdinov 2016 (kimiyoung/planetoid)",
    ),
    "citeseer": (
        "CiteSeer citation graph, Planetoid split: 3,327 papers, 3,703-word binary "
        "bag-of-words, 6 classes (load_planetoid)",
        "Giles, Bollacker & Lawrence 1998; split: Yang, Cohen & Salakhutdinov 2016 "
        "(kimiyoung/planetoid)",
    ),
}


def _planetoid(name: str) -> RemoteDataset:
    description, source = _PLANETOID_ABOUT[name]
    files = tuple(
        RemoteFile(
            path=f"{name}/ind.{name}.{ext}",
            url=f"{_PLANETOID_URL}ind.{name}.{ext}",
            sha256=sha256,
            size=size,
        )
        for ext, (sha256, size) in _PLANETOID_FILES[name].items()
    )
    return RemoteDataset(
        name=name,
        description=description,
        licence="MIT (planetoid repository); research use",
        source=source,
        files=files,
    )


#: Every dataset :func:`fetch` can download, by name. Read-only.
REMOTE_DATASETS = MappingProxyType({name: _planetoid(name) for name in _PLANETOID_FILES})


def data_dir() -> Path:
    """The cache folder for downloaded data: ``$COURSE_DATA_DIR`` or a per-user cache.

    Read at every call, so setting the variable in a running notebook takes effect. A
    relative path is taken from the current directory. The default is the platform's
    cache folder (``~/.cache/embeddings-course`` on Linux).

    Examples
    --------
    >>> import os
    >>> os.environ["COURSE_DATA_DIR"] = "/tmp/course-data"
    >>> str(data_dir())
    '/tmp/course-data'
    >>> del os.environ["COURSE_DATA_DIR"]
    """
    value = os.environ.get(DATA_DIR_ENV, "").strip()
    if value:
        return Path(value).expanduser().absolute()
    import pooch

    return Path(pooch.os_cache(_APP_NAME))


def data_mirror() -> str | None:
    """The mirror's base URL from ``$COURSE_DATA_MIRROR`` (ending in ``/``), or None.

    Examples
    --------
    >>> import os
    >>> os.environ["COURSE_DATA_MIRROR"] = "http://192.168.1.10:8000"
    >>> data_mirror()
    'http://192.168.1.10:8000/'
    >>> del os.environ["COURSE_DATA_MIRROR"]
    """
    value = os.environ.get(MIRROR_ENV, "").strip()
    if not value:
        return None
    if urllib.parse.urlsplit(value).scheme not in ("http", "https", "file"):
        raise ValueError(
            f"{MIRROR_ENV} must be an http://, https:// or file:// URL such as "
            f"'http://192.168.1.10:8000', got {value!r}"
        )
    return value.rstrip("/") + "/"


def _dataset(name: str) -> RemoteDataset:
    if not isinstance(name, str) or name not in REMOTE_DATASETS:
        valid = ", ".join(sorted(REMOTE_DATASETS))
        hint = ""
        from course_lib.data._shipped import SHIPPED_DATASETS

        if isinstance(name, str) and name in SHIPPED_DATASETS:
            hint = (
                f" ({name!r} is installed with the "
                f"{SHIPPED_DATASETS[name].package} package and needs no download)"
            )
        raise ValueError(f"name must be one of {valid}, or 'all' in the CLI; got {name!r}{hint}")
    return REMOTE_DATASETS[name]


def _is_verified(path: Path, file: RemoteFile) -> bool:
    # The size check first: it is free and rejects truncated files without hashing.
    return path.is_file() and path.stat().st_size == file.size and sha256_file(path) == file.sha256


def cached_count(name: str) -> tuple[int, int]:
    """``(verified, total)``: how many of dataset ``name``'s files are in the cache.

    Examples
    --------
    >>> cached_count("cora")  # doctest: +SKIP
    (8, 8)
    """
    dataset = _dataset(name)
    root = data_dir()
    verified = sum(_is_verified(root / file.path, file) for file in dataset.files)
    return verified, len(dataset.files)


def is_cached(name: str) -> bool:
    """Whether every file of dataset ``name`` is in the cache with the right sha256.

    Never touches the network.

    Examples
    --------
    >>> is_cached("cora")  # doctest: +SKIP
    False
    """
    verified, total = cached_count(name)
    return verified == total


def fetch(name: str) -> Path:
    """Download a remote dataset once, verify it, and return where it is.

    A cached file whose sha256 matches is used without any network access. A download
    goes to a temporary file next to its final path and is renamed into place only once
    its sha256 matches, so the final path never holds a partial or unverified file.

    Parameters
    ----------
    name : str
        A key of :data:`REMOTE_DATASETS`, such as ``"cora"`` or ``"citeseer"``.

    Returns
    -------
    pathlib.Path
        The dataset's folder ``<cache>/<name>`` for a dataset of several files (Planetoid),
        the file itself for a one-file dataset.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones), or a malformed
        ``COURSE_DATA_MIRROR``.
    DataDownloadError
        When a file cannot be downloaded or does not match its sha256; the message says
        the expected sha256, the URL tried and where to place the file by hand.

    Examples
    --------
    >>> folder = fetch("cora")  # doctest: +SKIP
    >>> sorted(p.name for p in folder.iterdir())[:2]  # doctest: +SKIP
    ['ind.cora.allx', 'ind.cora.ally']
    """
    dataset = _dataset(name)
    root = data_dir()
    mirror = data_mirror()
    for file in dataset.files:
        _ensure_file(dataset, file, root, mirror)
    return root / dataset.target


def _url_for(file: RemoteFile, mirror: str | None) -> str:
    if mirror is None:
        return file.url
    return mirror + urllib.parse.quote(file.path)


def _ensure_file(dataset: RemoteDataset, file: RemoteFile, root: Path, mirror: str | None) -> Path:
    final = root / file.path
    if _is_verified(final, file):
        return final
    url = _url_for(file, mirror)
    stale = final.exists()
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    except OSError as exc:
        raise DataDownloadError(
            _message(dataset, file, url, root, stale, f"cannot write to the cache folder ({exc})")
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            problem = _download(url, out, file)
        if problem is not None:
            raise DataDownloadError(_message(dataset, file, url, root, stale, problem))
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def _download(url: str, out, file: RemoteFile) -> str | None:
    """Stream ``url`` into ``out``; return None when it verified, else what went wrong."""
    digest = hashlib.sha256()
    received = 0
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with _opener(url).open(request, timeout=_TIMEOUT_S) as response:
            announced = response.headers.get("Content-Length")
            while chunk := response.read(_CHUNK):
                received += len(chunk)
                if received > file.size:
                    return f"the server sent more than the expected {file.size:,} bytes"
                digest.update(chunk)
                try:
                    out.write(chunk)
                except OSError as exc:
                    # Not a network problem: say so (a full disk is the usual cause).
                    return f"cannot write to the cache folder ({exc})"
    except urllib.error.HTTPError as exc:
        return f"the server answered HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        return f"network error: {exc.reason}"
    except TimeoutError:
        return f"no answer within {_TIMEOUT_S} s"
    except (http.client.HTTPException, OSError) as exc:
        return f"network error after {received:,} bytes: {exc!r}"
    if announced is not None and announced.isdigit() and received < int(announced):
        return f"the connection closed after {received:,} of {int(announced):,} bytes (truncated)"
    if received != file.size:
        return f"received {received:,} bytes, expected {file.size:,} (truncated or a different file)"
    actual = digest.hexdigest()
    if actual != file.sha256:
        return f"the downloaded bytes have sha256 {actual} (corrupted or a different file)"
    return None


def _opener(url: str) -> urllib.request.OpenerDirector:
    # A proxy can never reach this machine's loopback interface (a workshop mirror on the
    # same laptop, the tests' server), so loopback URLs always bypass proxies.
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _message(
    dataset: RemoteDataset, file: RemoteFile, url: str, root: Path, stale: bool, problem: str
) -> str:
    final = root / file.path
    lines = [
        f"Could not get {file.path!r} (dataset {dataset.name!r}): {problem}.",
        f"  URL tried:       {url}",
    ]
    if url != file.url:
        lines.append(f"  original URL:    {file.url}")
    lines += [
        f"  expected sha256: {file.sha256} ({file.size:,} bytes)",
        "To work offline, download the file another way and place it, unchanged, at",
        f"  {final}",
    ]
    if stale:
        lines.append("(a file is already there, but its sha256 does not match: replace it)")
    others = [o for o in dataset.files if o != file and not _is_verified(root / o.path, o)]
    if others:
        lines.append(f"together with these other files of {dataset.name!r}, also missing:")
        lines += [f"  {root / o.path}  sha256 {o.sha256}  from {o.url}" for o in others]
    lines.append(
        f"or set {MIRROR_ENV} to a workshop mirror, or {DATA_DIR_ENV} to a folder that "
        "already holds the data."
    )
    return "\n".join(lines)
