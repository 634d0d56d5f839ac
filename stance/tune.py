"""Choose hyperparameters honestly: on training data only, scored by nested cross-validation.

:func:`select_parameters` fits every combination of a small grid on part of the
training groups and scores a :class:`Metric` on the rest (a validation part):
macro-F1 over every label by default, or F1 averaged over chosen labels
(``f1:FAVOR,AGAINST``, the SemEval-2016 stance score), or accuracy.
:func:`nested_evaluation` repeats that selection inside every outer training
fold, so the outer test parts never influence the choice, and reports the outer
macro-F1 of the tuned model beside the default parameters'.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance.errors import StanceError
from stance.evaluate import classification_metrics, folds, split_groups
from stance.features import DEFAULT_PARAMETERS, as_matrix, build_pipeline, feature_key, fit_classifier, fit_features, parallel
from stance.model import require_two_labels

C_VALUES = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
CLASS_WEIGHTS = ["balanced", None]
# Three feature settings x 7 C values x 2 class weights = 42 points per target. The
# feature settings: the defaults (word 1-2 + char 3-4, capped vocabularies), and the
# plain recipe that does well on other people's labels, word 1-3 + char 2-5 with
# uncapped vocabularies, at min_df 1 and 2. A space is a dict of lists (their product)
# or a list of such dicts (the union of their products, as scikit-learn's ParameterGrid).
GRID = [
    {
        "word_ngram_range": [(1, 2)],
        "char_ngram_range": [(3, 4)],
        "min_df": [2],
        "max_word_features": [20000],
        "max_char_features": [40000],
        "C": C_VALUES,
        "class_weight": CLASS_WEIGHTS,
    },
    {
        "word_ngram_range": [(1, 3)],
        "char_ngram_range": [(2, 5)],
        "min_df": [1, 2],
        "max_word_features": [None],
        "max_char_features": [None],
        "C": C_VALUES,
        "class_weight": CLASS_WEIGHTS,
    },
]
VALIDATION_SHARE = 0.25
METRIC_HELP = (
    "What the search maximises: macro-f1 (every label), f1:LABEL,LABEL (F1 averaged over those labels, "
    "e.g. f1:FAVOR,AGAINST for SemEval stance) or accuracy."
)


def combinations(space: dict[str, list] | list[dict[str, list]]) -> list[dict]:
    """Every grid point of ``space`` (a dict of lists, or a list of them), in a fixed order."""
    if isinstance(space, list):
        return [point for part in space for point in combinations(part)]
    names = list(space)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(space[n] for n in names))]


@dataclass(frozen=True)
class Metric:
    """A score of predicted labels: ``macro-f1``, ``f1`` over ``labels``, or ``accuracy``."""

    kind: str = "macro-f1"
    labels: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"f1:{','.join(self.labels)}" if self.kind == "f1" else self.kind

    def score(self, y_true, y_pred, labels: list[str]) -> float:
        """The metric of ``y_pred`` against ``y_true``; ``labels`` are the target's labels."""
        from sklearn.metrics import accuracy_score, precision_recall_fscore_support

        if self.kind == "accuracy":
            return float(accuracy_score(y_true, y_pred))
        scored = list(self.labels) if self.kind == "f1" else labels
        f1 = precision_recall_fscore_support(y_true, y_pred, labels=scored, zero_division=0)[2]
        return float(np.mean(f1))

    def from_metrics(self, metrics: dict) -> float:
        """The metric from :func:`stance.evaluate.classification_metrics`' output (no refit, no re-scoring)."""
        if self.kind == "accuracy":
            return float(metrics["accuracy"])
        if self.kind == "macro-f1":
            return float(metrics["macro_f1"])
        return float(np.mean([metrics["per_class"][label]["f1"] for label in self.labels]))

    def check_labels(self, target: str, labels) -> None:
        """Refuse labels that the target never uses, naming the option and the labels it has."""
        missing = [label for label in self.labels if label not in set(labels)]
        if missing:
            raise StanceError(
                f"--metric {self}: {', '.join(map(repr, missing))} is not a {target} label in the training data "
                f"(its labels: {', '.join(sorted(map(str, set(labels))))}); name labels of that target, "
                "or tune one target at a time with --target."
            )


MACRO_F1 = Metric()


def parse_metric(text: str) -> Metric:
    """``macro-f1``, ``accuracy`` or ``f1:LABEL[,LABEL...]`` (labels case-sensitive, as in the data)."""
    raw = (text or "").strip()
    name, _, rest = raw.partition(":")
    name = name.strip().lower().replace("_", "-")
    if name in ("macro-f1", "accuracy") and not rest:
        return Metric(name)
    labels = tuple(dict.fromkeys(label.strip() for label in rest.split(",") if label.strip()))
    if name == "f1" and labels:
        return Metric("f1", labels)
    raise StanceError(
        f"--metric {raw!r} is not a metric; use macro-f1, accuracy, or f1:LABEL,LABEL (e.g. f1:FAVOR,AGAINST: "
        "F1 averaged over those labels)."
    )


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
    frame: pd.DataFrame, target: str, seed: int = 0, space=GRID, n_jobs: int = 1, metric: Metric = MACRO_F1
) -> tuple[dict, list[dict]]:
    """The grid point with the best validation score (``metric``), and every point's score.

    The validation part is a random quarter of the near-duplicate groups.
    """
    return search_targets(frame, [target], seed, space, n_jobs, metric)[target]


def search_targets(
    frame: pd.DataFrame, targets: list[str], seed: int = 0, space=GRID, n_jobs: int = 1, metric: Metric = MACRO_F1
) -> dict[str, tuple[dict, list[dict]]]:
    """:func:`select_parameters` for several targets at once: per target, the best grid
    point and every point's ``validation_score`` (rows in :func:`combinations` order).

    The scores equal fitting a full Pipeline per point and target, but the feature
    union is fitted (on the training part) and applied once per feature setting and
    shared by every classifier setting and target; the logistic regressions run on
    ``n_jobs`` worker processes, reading the matrices memory-mapped.
    """
    import tempfile

    from joblib import delayed

    for target in targets:
        require_two_labels(frame, target)
        metric.check_labels(target, frame[target])
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
                metric,
            )
            for target, i in tasks
        )
    score = dict(zip(tasks, scores, strict=True))
    results = {}
    for target in targets:
        table = [{**p, "validation_score": score[target, i]} for i, p in enumerate(points)]
        best = max(range(len(points)), key=lambda i, target=target: (score[target, i], -i))
        results[target] = (points[best], table)
    return results


def tuning_record(
    frame: pd.DataFrame, results: dict[str, tuple[dict, list[dict]]], seed: int = 0, space=GRID, metric: Metric = MACRO_F1
) -> dict:
    """What a model card records about a search: the space, the metric, the split, and per
    target the chosen parameters and every grid point's validation score."""
    train, validation = validation_split(frame, seed)
    return {
        "space": space,
        "metric": str(metric),
        "validation_share": VALIDATION_SHARE,
        "search_rows": len(train),
        "validation_rows": len(validation),
        "targets": {
            target: {"chosen": best, "validation_score": max(r["validation_score"] for r in table), "validation": table}
            for target, (best, table) in results.items()
        },
    }


def _transform(seed, params, train_texts, validation_texts, folder, name):
    _, fitted, other = fit_features(seed, params, train_texts, validation_texts, folder, name)
    return fitted, other


def _fit_and_score(seed, params, train_matrix, validation_matrix, y_train, y_validation, labels, metric: Metric) -> float:
    classifier = fit_classifier(seed, params, train_matrix, y_train)
    predicted = classifier.predict(as_matrix(validation_matrix))
    return metric.score(y_validation.tolist(), predicted.tolist(), labels)


def nested_evaluation(
    frame: pd.DataFrame,
    target: str,
    split: str = "group",
    n_splits: int = 5,
    seed: int = 0,
    space=GRID,
    n_jobs: int = 1,
    metric: Metric = MACRO_F1,
) -> dict:
    """Outer folds: tune on the training part only, test once; compare with the defaults.

    ``tuned_score`` and ``default_score`` are ``metric`` on the outer test parts."""
    texts = np.array(frame["text"].tolist(), dtype=object)
    y = np.array(frame[target].tolist(), dtype=object)
    labels = sorted(set(y))
    tuned = np.full(len(frame), None, dtype=object)
    default = np.full(len(frame), None, dtype=object)
    chosen = []
    for train, test in folds(frame, target, split, n_splits, seed):
        params, _ = select_parameters(frame.iloc[train].reset_index(drop=True), target, seed, space, n_jobs, metric)
        chosen.append(params)
        tuned[test] = build_pipeline(seed, **params).fit(texts[train].tolist(), y[train].tolist()).predict(texts[test].tolist())
        default[test] = build_pipeline(seed).fit(texts[train].tolist(), y[train].tolist()).predict(texts[test].tolist())
    tested = np.array([p is not None for p in tuned])
    names = {name for point in combinations(space) for name in point}
    return {
        "target": target,
        "split": split,
        "metric": str(metric),
        "tuned": classification_metrics(y[tested].tolist(), tuned[tested].tolist(), labels),
        "default": classification_metrics(y[tested].tolist(), default[tested].tolist(), labels),
        "tuned_score": metric.score(y[tested].tolist(), tuned[tested].tolist(), labels),
        "default_score": metric.score(y[tested].tolist(), default[tested].tolist(), labels),
        "chosen_per_fold": chosen,
        "defaults": {k: DEFAULT_PARAMETERS[k] for k in DEFAULT_PARAMETERS if k in names},
    }
