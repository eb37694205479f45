"""Helpers for the embeddings course.

One module per concern: ``data`` (datasets, downloads), ``text``, ``vision``, ``graphs``,
``contextual``, ``search``, ``evaluate``, ``plotting``, ``widgets`` and ``exercises``.
Lessons start with :func:`setup`, which makes their output reproducible.
"""
from __future__ import annotations

from course_lib.runtime import device, limit_threads, set_seed, setup

__all__ = ["device", "limit_threads", "set_seed", "setup"]
__version__ = "0.1.0"
