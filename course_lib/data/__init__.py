"""Datasets for the course: offline loaders for packaged data, and verified downloads.

Packaged data (the tested path, no network)
    :func:`load_wikipedia_sample`, :func:`load_lee_background`, :func:`load_lee_test`,
    :func:`load_lee_similarities`, :func:`load_wordsim353`, :func:`load_simlex999`,
    :func:`load_analogies` / :func:`analogies_path`, :func:`glove_sample_path`,
    :func:`load_polarity`, :func:`load_newsgroups_mini`, :func:`load_mnist_sample`,
    :func:`load_digits`, :func:`minilm_path`.

Downloaded on demand
    :func:`fetch` downloads a dataset of :data:`REMOTE_DATASETS` once, checks its pinned
    sha256, and caches it in ``$COURSE_DATA_DIR`` (default: a per-user cache folder);
    ``$COURSE_DATA_MIRROR`` replaces every download's base URL. :func:`load_planetoid`
    builds Cora and CiteSeer from the fetched files.

A workshop with bad wifi
    The instructor fills a cache folder and serves it; it has the layout a mirror needs::

        COURSE_DATA_DIR=~/course-data python -m course_lib.data fetch all
        python -m http.server 8000 --directory ~/course-data

    and learners run ``export COURSE_DATA_MIRROR=http://<instructor address>:8000``.
    ``python -m course_lib.data list`` shows every dataset and whether it is cached.
"""
from __future__ import annotations

from course_lib.data._integrity import DataIntegrityError
from course_lib.data._planetoid import Planetoid, load_planetoid
from course_lib.data._remote import (
    DATA_DIR_ENV,
    MIRROR_ENV,
    REMOTE_DATASETS,
    DataDownloadError,
    RemoteDataset,
    RemoteFile,
    data_dir,
    data_mirror,
    fetch,
    is_cached,
)
from course_lib.data._shipped import (
    SHIPPED_DATASETS,
    ShippedDataset,
    analogies_path,
    gensim_datapath,
    glove_sample_path,
    load_analogies,
    load_digits,
    load_lee_background,
    load_lee_similarities,
    load_lee_test,
    load_mnist_sample,
    load_newsgroups_mini,
    load_polarity,
    load_simlex999,
    load_wikipedia_sample,
    load_wordsim353,
    minilm_path,
)

__all__ = [
    "DATA_DIR_ENV",
    "MIRROR_ENV",
    "REMOTE_DATASETS",
    "SHIPPED_DATASETS",
    "DataDownloadError",
    "DataIntegrityError",
    "Planetoid",
    "RemoteDataset",
    "RemoteFile",
    "ShippedDataset",
    "analogies_path",
    "data_dir",
    "data_mirror",
    "fetch",
    "gensim_datapath",
    "glove_sample_path",
    "is_cached",
    "load_analogies",
    "load_digits",
    "load_lee_background",
    "load_lee_similarities",
    "load_lee_test",
    "load_mnist_sample",
    "load_newsgroups_mini",
    "load_planetoid",
    "load_polarity",
    "load_simlex999",
    "load_wikipedia_sample",
    "load_wordsim353",
    "minilm_path",
]
