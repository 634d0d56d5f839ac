"""Fit the feature step once and reuse it for every classifier fit that can share it.

The TF-IDF features depend on the texts and the feature settings only, never on the
labels or the classifier settings (C, class weights). So grid points that differ
only in classifier settings, and the stance and tone targets trained on the same
texts, can share one fitted :class:`~sklearn.pipeline.FeatureUnion` and its
transformed matrices. Fitting the union once and the logistic regression per point
gives exactly the pipeline (and scores) that ``Pipeline.fit`` per point would.

Classifier fits run in worker processes: the logistic regression holds the GIL for
most of its time (measured on 2 cores, four fits on 30,000 statements: 180 and 203 s
one after the other, 180 and 160 s on two threads, 98 and 81 s on two processes). The transformed
matrices reach the workers as memory-mapped ``.npy`` files, written once, so every
worker reads the same pages instead of receiving a copy.

Every fit runs with one BLAS/OpenMP thread, in the main process as in a worker: the
results are then bit-for-bit the same whatever ``--jobs`` is, and a busy machine is
not oversubscribed (measured on 2 shared cores: a logistic regression on 30,000
statements took 21 s with one BLAS thread and 36-49 s with two).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CLASSIFIER_PARAMETERS = ("C", "class_weight")


def feature_parameters(params: dict) -> dict:
    """The full feature settings of ``params`` (defaults filled in, classifier settings left out)."""
    from stance.model import DEFAULT_PARAMETERS

    full = {**DEFAULT_PARAMETERS, **params}
    return {k: v for k, v in full.items() if k not in CLASSIFIER_PARAMETERS}


def feature_key(params: dict) -> str:
    """Equal for parameter sets whose feature steps are identical."""
    return json.dumps(feature_parameters(params), sort_keys=True)


@dataclass(frozen=True)
class StoredMatrix:
    """A CSR matrix as three ``.npy`` files, opened memory-mapped and read-only."""

    folder: str
    name: str
    shape: tuple[int, int]

    def load(self):
        from scipy import sparse

        parts = [np.load(Path(self.folder) / f"{self.name}.{part}.npy", mmap_mode="r") for part in ("data", "indices", "indptr")]
        return sparse.csr_matrix(tuple(parts), shape=self.shape, copy=False)


def store_matrix(matrix, folder: str | Path | None, name: str):
    """``matrix`` itself when ``folder`` is None (one process), else a :class:`StoredMatrix`."""
    if folder is None:
        return matrix
    matrix = matrix.tocsr()
    for part in ("data", "indices", "indptr"):
        np.save(Path(folder) / f"{name}.{part}.npy", getattr(matrix, part))
    return StoredMatrix(str(folder), name, tuple(matrix.shape))


def as_matrix(value):
    return value.load() if isinstance(value, StoredMatrix) else value


def fit_features(seed: int, params: dict, fit_texts: Sequence[str], other_texts: Sequence[str] | None, folder, name: str):
    """Fit the feature union of ``params`` on ``fit_texts``; return it with the transformed
    ``fit_texts`` (and ``other_texts``, if given), stored in ``folder`` when one is given."""
    from stance.model import build_pipeline

    union = build_pipeline(seed, **params).named_steps["features"]
    fitted = store_matrix(union.fit_transform(list(fit_texts)), folder, f"{name}.fit")
    other = None if other_texts is None else store_matrix(union.transform(list(other_texts)), folder, f"{name}.other")
    return union, fitted, other


def fit_classifier(seed: int, params: dict, matrix, y: Sequence[str]):
    """The logistic regression of ``params`` fitted on an already transformed matrix."""
    from stance.model import build_pipeline

    with one_thread():
        return build_pipeline(seed, **params).named_steps["classifier"].fit(as_matrix(matrix), list(y))


def one_thread():
    """Limit BLAS and OpenMP to one thread (see the module's docstring)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def parallel(n_jobs: int):
    """Worker processes for ``n_jobs`` > 1; one process otherwise."""
    from joblib import Parallel

    return Parallel(n_jobs=n_jobs, backend="loky" if n_jobs > 1 else "sequential")
