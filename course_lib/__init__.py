"""Helpers for the embeddings course, in folders that follow the pipeline.

``ls course_lib`` reads as the course does:

1. ``data``: the datasets, downloaded and checked;
2. ``embed``: ways of making embeddings (``text``, ``word2vec``, ``contextual``, ``vision``,
   ``graphs``, ``fine_tune``);
3. ``use``: what is done with embeddings (``search``, ``ann``, ``metrics``, ``benchmarks``,
   ``projection``, ``clustering``, ``classify``);
4. ``show``: showing them (``plots``, ``tables``, ``explorers``);
5. ``exercises``: the checks of the practice notebooks.

Next to them: ``runtime`` (seeds, threads, device), ``environment`` (the set-up check),
``claims`` (a lesson's sentences checked against its numbers), ``progress`` (progress bars
that are saved finished), ``capstone`` (lesson 13's projects) and ``_utils`` (shared
argument checks). Lessons start
with :func:`setup`, which makes their output reproducible.

Two names of the course design's contract keep working as well:
``course_lib.search`` is ``course_lib.use.search`` and ``course_lib.graphs`` is
``course_lib.embed.graphs`` (the same module objects, imported only when asked for).
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys

from course_lib.runtime import device, limit_threads, set_seed, setup

__all__ = ["device", "limit_threads", "set_seed", "setup"]
__version__ = "0.1.0"

#: Names fixed by the course design, and the module each one is.
ALIASES = {
    "course_lib.search": "course_lib.use.search",
    "course_lib.graphs": "course_lib.embed.graphs",
}


class _AliasLoader(importlib.abc.Loader):
    """Hands back the real module for an alias, so both names are one module object."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        # Importing the target here (not when course_lib is imported) keeps ``import
        # course_lib`` light: numba, networkx and torch load only when a lesson asks.
        return importlib.import_module(self.target)

    def exec_module(self, module) -> None:
        # The import system stamped the alias's spec on the module; give it its own back,
        # so that reloading, pickling and tracebacks see one name.
        module.__spec__ = sys.modules[self.target].__spec__


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds the contract names of :data:`ALIASES` (and nothing else)."""

    def find_spec(self, name, path=None, target=None):
        if name not in ALIASES:
            return None
        return importlib.machinery.ModuleSpec(name, _AliasLoader(ALIASES[name]))


if not any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _AliasFinder())
