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
from stance.features import DEFAULT_PARAMETERS, as_matrix, build_pipeline, feature_key, fit_classifier, fit_features, parallel
from stance.model import require_two_labels

GRID = {
    "C": [3.0, 10.0, 30.0],
    "char_ngram_range": [(3, 4), (2, 5)],
    "min_df": [1, 2],
    "class_weight": ["balanced", None],
}
VALIDATION_SHARE = 0.25


def combinations(space: dict[str, list]) -> list[dict]:
    names = list(space)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(space[n] for n in names))]


def validation_split(frame: pd.DataFrame, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation row indices: a random quarter of the near-duplicate groups is held out.

    The split depends on the groups and the seed only, not on a target, so the
    stance and tone searches share it (and their feature transforms)."""
    groups = split_groups(frame, "group")
    unique = np.unique(groups)
    rng = np.random.default_rng(seed)
    held = rng.choice(unique, size=max(1, int(len(unique) * VALIDATION_SHARE)), replace=False)
    inside = np.isin(groups, held)
    return np.flatnonzero(~inside), np.flatnonzero(inside)


def select_parameters(
    frame: pd.DataFrame, target: str, seed: int = 0, space: dict[str, list] = GRID, n_jobs: int = 1
) -> tuple[dict, list[dict]]:
    """The grid point with the best validation macro-F1, and every point's score.

    The validation part is a random quarter of the near-duplicate groups.
    """
    return search_targets(frame, [target], seed, space, n_jobs)[target]


def search_targets(
    frame: pd.DataFrame, targets: list[str], seed: int = 0, space: dict[str, list] = GRID, n_jobs: int = 1
) -> dict[str, tuple[dict, list[dict]]]:
    """:func:`select_parameters` for several targets at once: per target, the best grid
    point and every point's validation macro-F1 (rows in :func:`combinations` order).

    The scores equal fitting a full Pipeline per point and target, but the feature
    union is fitted (on the training part) and applied once per feature setting and
    shared by every classifier setting and target; the logistic regressions run on
    ``n_jobs`` worker processes, reading the matrices memory-mapped.
    """
    import tempfile

    from joblib import delayed

    for target in targets:
        require_two_labels(frame, target)
    train, validation = validation_split(frame, seed)
    texts = np.array(frame["text"].tolist(), dtype=object)
    points = combinations(space)
    settings = list(dict.fromkeys(feature_key(p) for p in points))
    representative = {feature_key(p): p for p in points}  # any point of a setting: the classifier part is ignored
    tasks = [(target, i) for target in targets for i in range(len(points))]
    with tempfile.TemporaryDirectory(prefix="stance-tune-") as tmp:
        folder = tmp if n_jobs > 1 else None
        matrices = parallel(min(n_jobs, len(settings)))(
            delayed(_transform)(seed, representative[key], texts[train], texts[validation], folder, f"features{k}")
            for k, key in enumerate(settings)
        )
        by_key = dict(zip(settings, matrices, strict=True))
        truth = {target: np.array(frame[target].tolist(), dtype=object) for target in targets}
        scores = parallel(n_jobs)(
            delayed(_fit_and_score)(
                seed,
                points[i],
                *by_key[feature_key(points[i])],
                truth[target][train],
                truth[target][validation],
                sorted(set(truth[target])),
            )
            for target, i in tasks
        )
    score = dict(zip(tasks, scores, strict=True))
    results = {}
    for target in targets:
        table = [{**p, "validation_macro_f1": score[target, i]} for i, p in enumerate(points)]
        best = max(range(len(points)), key=lambda i, target=target: (score[target, i], -i))
        results[target] = (points[best], table)
    return results


def tuning_record(frame: pd.DataFrame, results: dict[str, tuple[dict, list[dict]]], seed: int = 0, space: dict[str, list] = GRID) -> dict:
    """What a model card records about a search: the space, the split, and per target the
    chosen parameters and every grid point's validation macro-F1."""
    train, validation = validation_split(frame, seed)
    return {
        "space": space,
        "validation_share": VALIDATION_SHARE,
        "search_rows": len(train),
        "validation_rows": len(validation),
        "targets": {
            target: {"chosen": best, "validation_macro_f1": max(r["validation_macro_f1"] for r in table), "validation": table}
            for target, (best, table) in results.items()
        },
    }


def _transform(seed, params, train_texts, validation_texts, folder, name):
    _, fitted, other = fit_features(seed, params, train_texts, validation_texts, folder, name)
    return fitted, other


def _fit_and_score(seed, params, train_matrix, validation_matrix, y_train, y_validation, labels) -> float:
    classifier = fit_classifier(seed, params, train_matrix, y_train)
    predicted = classifier.predict(as_matrix(validation_matrix))
    return classification_metrics(y_validation.tolist(), predicted.tolist(), labels)["macro_f1"]


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
