"""The one pipeline factory, and fitting its feature step once for every classifier that can share it.

:func:`build_pipeline` makes the scikit-learn Pipeline used everywhere: text
preparation (:mod:`stance.preprocess`), TF-IDF word and character n-grams, and a
logistic regression.

Fit the feature step once and reuse it for every classifier fit that can share it.

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
DEFAULT_PARAMETERS = {
    "word_ngram_range": (1, 2),
    "char_ngram_range": (3, 4),  # chosen by accuracy per second: scripts/choose_features.py
    "min_df": 2,
    "max_word_features": 20000,
    "max_char_features": 40000,
    "sublinear_tf": True,
    "negation": True,  # mark negation scopes (stance.preprocess)
    "strip_boilerplate": True,  # cut datelines and end markers before featurising
    "C": 10.0,
    "class_weight": "balanced",
}
WORD_TOKEN_PATTERN = r"(?u)\b\w[\w'’-]*\b"


def build_pipeline(seed: int = 0, classifier: str = "logistic", **overrides):
    """The one Pipeline: prepared text, word + char TF-IDF features and a logistic regression.

    The ``features`` step is itself a pipeline (``prepare`` then the ``union`` of the two
    vectorizers), so everything that fits or reuses the feature step prepares the text
    the same way. ``classifier="svm"`` swaps in a linear SVM on the same features (a baseline).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from stance.preprocess import prepare_texts

    params = {**DEFAULT_PARAMETERS, **overrides}
    prepare = FunctionTransformer(
        prepare_texts, kw_args={"negation": bool(params["negation"]), "boilerplate": bool(params["strip_boilerplate"])}
    )
    words = TfidfVectorizer(
        analyzer="word",
        ngram_range=tuple(params["word_ngram_range"]),
        min_df=params["min_df"],
        max_features=params["max_word_features"],
        sublinear_tf=params["sublinear_tf"],
        lowercase=True,
        token_pattern=WORD_TOKEN_PATTERN,
        dtype=np.float64,
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(params["char_ngram_range"]),
        min_df=params["min_df"],
        max_features=params["max_char_features"],
        sublinear_tf=params["sublinear_tf"],
        lowercase=True,
        dtype=np.float64,
    )
    if classifier == "svm":
        from sklearn.svm import LinearSVC

        model = LinearSVC(C=params["C"] / 10, class_weight=params["class_weight"], random_state=seed)
    else:
        model = LogisticRegression(C=params["C"], class_weight=params["class_weight"], max_iter=3000, random_state=seed)
    features = Pipeline([("prepare", prepare), ("union", FeatureUnion([("words", words), ("chars", chars)]))])
    return Pipeline([("features", features), ("classifier", model)])


def feature_parameters(params: dict) -> dict:
    """The full feature settings of ``params`` (defaults filled in, classifier settings left out)."""
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
    union = build_pipeline(seed, **params).named_steps["features"]
    fitted = store_matrix(union.fit_transform(list(fit_texts)), folder, f"{name}.fit")
    other = None if other_texts is None else store_matrix(union.transform(list(other_texts)), folder, f"{name}.other")
    return union, fitted, other


def fit_classifier(seed: int, params: dict, matrix, y: Sequence[str]):
    """The logistic regression of ``params`` fitted on an already transformed matrix."""
    with one_thread():
        return build_pipeline(seed, **params).named_steps["classifier"].fit(as_matrix(matrix), list(y))


def one_thread():
    """Limit BLAS and OpenMP to one thread (see the module's docstring)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def parallel(n_jobs: int):
    """Worker processes for ``n_jobs`` > 1 (which exit with their parent: stance.processes); one process otherwise."""
    from joblib import Parallel

    if n_jobs <= 1:
        return Parallel(n_jobs=1, backend="sequential")
    from stance.processes import prepare_worker

    return Parallel(n_jobs=n_jobs, backend="loky", initializer=prepare_worker)
