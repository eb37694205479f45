"""Checksums and a restricted unpickler: the two guards in front of every pickled file.

Pickle can run arbitrary code while loading, so the course unpickles only bytes whose
sha256 matches a pinned value, and even then resolves only the few globals a file is
known to need (:func:`restricted_loads`).
"""
from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Mapping
from pathlib import Path

_CHUNK = 1 << 20


class DataIntegrityError(RuntimeError):
    """A local data file does not have the content the course pinned for it."""


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of the file at ``path``, read in chunks so large files fit in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_verified(path: Path, sha256: str, *, advice: str = "") -> bytes:
    """Read ``path`` and return its bytes, or raise if their sha256 is not ``sha256``.

    The hash is computed on the very bytes returned, so nothing can swap the file
    between the check and the use.
    """
    data = Path(path).read_bytes()
    actual = sha256_bytes(data)
    if actual != sha256:
        raise DataIntegrityError(
            f"{path} has sha256 {actual}, expected {sha256}; refusing to use it. {advice}".rstrip()
        )
    return data


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, allowed: Mapping[tuple[str, str], object], what: str, **kwargs):
        super().__init__(file, **kwargs)
        self._allowed = allowed
        self._what = what

    def find_class(self, module: str, name: str) -> object:
        # Every global a pickle names goes through here: refusing unknown ones is what
        # stops a crafted file from reaching os.system, eval, subprocess and friends.
        try:
            return self._allowed[(module, name)]
        except KeyError:
            allowed = ", ".join(sorted(f"{m}.{n}" for m, n in self._allowed))
            raise pickle.UnpicklingError(
                f"{self._what}: refusing to load the global {module}.{name}; "
                f"only {allowed} are allowed. The file is damaged or not the expected one."
            ) from None


def restricted_loads(
    data: bytes,
    allowed: Mapping[tuple[str, str], object],
    *,
    what: str,
    encoding: str = "latin1",
) -> object:
    """Unpickle ``data`` resolving only the globals listed in ``allowed``.

    Parameters
    ----------
    data : bytes
        The pickle; verify its sha256 before calling.
    allowed : mapping of (module, name) to object
        The globals the file may name, mapped to what they should resolve to (this is also
        how Python 2 or old-library names are translated to current ones).
    what : str
        Names the file in error messages.
    encoding : str
        How Python 2 byte strings are decoded; ``"latin1"`` keeps NumPy buffers intact.

    Examples
    --------
    >>> restricted_loads(pickle.dumps([1, 2]), {}, what="demo")
    [1, 2]
    """
    unpickler = _RestrictedUnpickler(io.BytesIO(data), allowed, what, encoding=encoding)
    return unpickler.load()


def numpy_globals() -> dict[tuple[str, str], object]:
    """The globals a pickled NumPy array needs, under their NumPy 1 and NumPy 2 names."""
    import numpy as np

    try:  # NumPy >= 1.26 (and 2.x, where numpy.core is deprecated)
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # older NumPy
        from numpy.core.multiarray import _reconstruct
    return {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
    }
