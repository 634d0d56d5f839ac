"""Choose hyperparameters honestly: on training data only, scored by nested cross-validation.

:func:`select_parameters` fits every combination of a small grid on part of the
training groups and scores macro-F1 on the rest (a validation part).
:func:`nested_evaluation` repeats that selection inside every outer training
fold, so the outer test parts never influence the choice, and reports the outer
macro-F1 of the tuned model beside the default parameters'.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from stance.evaluate import classification_metrics, folds, split_groups
from stance.model import DEFAULT_PARAMETERS, build_pipeline, require_two_labels

GRID = {
    "C": [3.0, 10.0, 30.0],
    "char_ngram_range": [(2, 4), (2, 5)],
    "min_df": [1, 2],
    "class_weight": ["balanced", None],
}
VALIDATION_SHARE = 0.25


def combinations(space: dict[str, list]) -> list[dict]:
    names = list(space)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(space[n] for n in names))]


def _score(texts, y, train, test, labels, seed, params) -> float:
    pipeline = build_pipeline(seed, **params).fit(texts[train].tolist(), y[train].tolist())
    return classification_metrics(y[test].tolist(), pipeline.predict(texts[test].tolist()).tolist(), labels)["macro_f1"]


def select_parameters(
    frame: pd.DataFrame, target: str, seed: int = 0, space: dict[str, list] = GRID, n_jobs: int = 1
) -> tuple[dict, list[dict]]:
    """The grid point with the best validation macro-F1, and every point's score.

    The validation part is a random quarter of the near-duplicate groups.
    """
    from joblib import Parallel, delayed

    require_two_labels(frame, target)
    groups = split_groups(frame, "group")
    unique = np.unique(groups)
    rng = np.random.default_rng(seed)
    held = rng.choice(unique, size=max(1, int(len(unique) * VALIDATION_SHARE)), replace=False)
    validation = np.flatnonzero(np.isin(groups, held))
    train = np.flatnonzero(~np.isin(groups, held))
    texts = np.array(frame["text"].tolist(), dtype=object)
    y = np.array(frame[target].tolist(), dtype=object)
    labels = sorted(set(y))
    points = combinations(space)
    scores = Parallel(n_jobs=n_jobs)(delayed(_score)(texts, y, train, validation, labels, seed, p) for p in points)
    table = [{**p, "validation_macro_f1": s} for p, s in zip(points, scores, strict=True)]
    best = max(range(len(points)), key=lambda i: (scores[i], -i))
    return points[best], table


def nested_evaluation(
    frame: pd.DataFrame, target: str, split: str = "group", n_splits: int = 5, seed: int = 0, space: dict[str, list] = GRID, n_jobs: int = 1
) -> dict:
    """Outer folds: tune on the training part only, test once; compare with the defaults."""
    texts = np.array(frame["text"].tolist(), dtype=object)
    y = np.array(frame[target].tolist(), dtype=object)
    labels = sorted(set(y))
    tuned = np.full(len(frame), None, dtype=object)
    default = np.full(len(frame), None, dtype=object)
    chosen = []
    for train, test in folds(frame, target, split, n_splits, seed):
        params, _ = select_parameters(frame.iloc[train].reset_index(drop=True), target, seed, space, n_jobs)
        chosen.append(params)
        tuned[test] = build_pipeline(seed, **params).fit(texts[train].tolist(), y[train].tolist()).predict(texts[test].tolist())
        default[test] = build_pipeline(seed).fit(texts[train].tolist(), y[train].tolist()).predict(texts[test].tolist())
    tested = np.array([p is not None for p in tuned])
    return {
        "target": target,
        "split": split,
        "tuned": classification_metrics(y[tested].tolist(), tuned[tested].tolist(), labels),
        "default": classification_metrics(y[tested].tolist(), default[tested].tolist(), labels),
        "chosen_per_fold": chosen,
        "defaults": {k: DEFAULT_PARAMETERS[k] for k in space},
    }
