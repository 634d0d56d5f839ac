"""Honest cross-validated evaluation: grouped splits, per-class metrics, baselines.

Rows in one near-duplicate group always fall on the same side of a split. With
``split_by="document"`` rows of one source document stay together too, and with
``split_by="source"`` whole corpora do; groups are merged so both constraints
hold at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stance.model import build_pipeline, require_two_labels

SPLITS = ("group", "document", "source", "date")
DATE_TEST_SHARE = 0.2


@dataclass
class TargetEvaluation:
    target: str
    split: str
    n_splits: int
    labels: list[str]
    model: dict
    baseline: dict
    n_rows: int
    baselines: dict = field(default_factory=dict)  # name -> metrics (majority, lexicon, linear SVM)
    calibration: dict = field(default_factory=dict)  # Brier score, expected calibration error, reliability bins

    @property
    def split_text(self) -> str:
        if self.split == "date":
            return f"trained on the earliest statements, tested on the latest {DATE_TEST_SHARE:.0%} ({self.n_rows} tested)"
        return f"{self.n_splits}-fold cross-validation grouped by {self.split}"

    def summary(self) -> dict:
        return {
            "split": self.split_text,
            "rows": self.n_rows,
            "macro_f1": self.model["macro_f1"],
            "accuracy": self.model["accuracy"],
            "baseline_macro_f1": self.baseline["macro_f1"],
            "baseline_accuracy": self.baseline["accuracy"],
            "baselines_macro_f1": {name: m["macro_f1"] for name, m in self.baselines.items()},
            "brier": self.calibration.get("brier"),
            "ece": self.calibration.get("ece"),
            "per_class": self.model["per_class"],
        }


def document_of(frame: pd.DataFrame) -> pd.Series:
    """The source document of each row: ``source_ref`` up to '@', else source + record."""
    if "source_ref" in frame:
        return frame["source_ref"].astype(str).str.split("@").str[0]
    parts = [frame[c].astype(str) for c in ("source", "record") if c in frame]
    if not parts:
        return pd.Series(range(len(frame)), index=frame.index).astype(str)
    return parts[0].str.cat(parts[1:], sep="#") if len(parts) > 1 else parts[0]


def split_groups(frame: pd.DataFrame, split: str) -> np.ndarray:
    """Integer group per row such that near-duplicates (and, per ``split``, documents) stay together."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    if split == "date":
        split = "group"  # the date split keeps near-duplicates together too
    keys = [frame["group"].astype(str)]
    if split == "document":
        keys.append(document_of(frame))
    elif split == "source":
        column = "corpus" if "corpus" in frame else "source"
        if column not in frame:
            raise ValueError("split by source needs a 'source' or 'corpus' column in the label files")
        keys.append(frame[column].astype(str))
    return _merge_groups(keys)


def _merge_groups(keys: list[pd.Series]) -> np.ndarray:
    """Union-find over rows: rows sharing any key end up in one group."""
    n = len(keys[0])
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for key in keys:
        first: dict[str, int] = {}
        for i, value in enumerate(key.tolist()):
            if value in first:
                a, b = find(i), find(first[value])
                if a != b:
                    parent[a] = b
            else:
                first[value] = i
    return np.array([find(i) for i in range(n)])


def folds(frame: pd.DataFrame, target: str, split: str = "group", n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs. Grouped stratified k-fold, or for ``split="date"`` one
    split: the latest dated statements are the test part, earlier ones train, and
    no near-duplicate group sits on both sides."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = split_groups(frame, split)
    if split == "date":
        return [_date_split(frame, groups)]
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        raise ValueError(
            f"all statements fall into one {split} group; cross-validation needs at least two (add more, different statements)"
        )
    y = np.array(frame[target].tolist(), dtype=object)
    splitter = StratifiedGroupKFold(n_splits=min(n_splits, n_groups), shuffle=True, random_state=seed)
    return list(splitter.split(y, y, groups))


def _date_split(frame: pd.DataFrame, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if "date" not in frame:
        raise ValueError("--split-by date needs a 'date' column in the label files")
    dates = pd.to_datetime(frame["date"].astype(str).str.slice(0, 10), errors="coerce")
    dated = np.flatnonzero(dates.notna().to_numpy())
    if len(dated) < 10:
        raise ValueError("--split-by date needs at least 10 statements with a date (YYYY-MM-DD) in the 'date' column")
    cut = dates.iloc[dated].quantile(1 - DATE_TEST_SHARE)
    test = dated[(dates.iloc[dated] >= cut).to_numpy()]
    train = dated[(dates.iloc[dated] < cut).to_numpy()]
    train = train[~np.isin(groups[train], groups[test])]
    return train, test


def out_of_fold_predictions(
    frame: pd.DataFrame,
    target: str,
    split: str = "group",
    n_splits: int = 5,
    seed: int = 0,
    classifier: str = "logistic",
    n_jobs: int = 1,
    **params,
) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    """Predict every test row with a model that never saw its group.

    Returns the predicted labels, the probabilities (logistic regression only;
    rows never tested are NaN) and the label order of the probability columns.
    The folds are fitted on ``n_jobs`` worker processes.
    """
    return out_of_fold_predictions_for_targets(frame, {target: params}, split, n_splits, seed, classifier, n_jobs)[target]


def out_of_fold_predictions_for_targets(
    frame: pd.DataFrame,
    parameters: dict[str, dict],
    split: str = "group",
    n_splits: int = 5,
    seed: int = 0,
    classifier: str = "logistic",
    n_jobs: int = 1,
) -> dict[str, tuple[np.ndarray, np.ndarray | None, list[str]]]:
    """:func:`out_of_fold_predictions` for several targets (name -> parameters), with the
    folds of all targets fitted as one batch on ``n_jobs`` worker processes."""
    from joblib import delayed

    from stance.features import parallel

    texts = np.array(frame["text"].tolist(), dtype=object)
    plans = {}
    for target in parameters:
        y = np.array(frame[target].tolist(), dtype=object)
        parts = folds(frame, target, split, n_splits, seed)
        for train, _ in parts:
            if len(set(y[train])) < 2:
                raise ValueError(f"{target}: a training part has only one label; use more folds' worth of data or another split")
        plans[target] = (y, parts)
    tasks = [(target, train, test) for target, (_, parts) in plans.items() for train, test in parts]
    fitted = parallel(min(n_jobs, len(tasks)))(
        delayed(_fit_and_predict)(seed, classifier, parameters[target], texts[train], plans[target][0][train], texts[test])
        for target, train, test in tasks
    )
    results = {}
    for target, (y, _) in plans.items():
        labels = sorted(set(y))
        predictions = np.full(len(frame), None, dtype=object)
        probabilities = np.full((len(frame), len(labels)), np.nan) if classifier == "logistic" else None
        for (task_target, _, test), (predicted, proba, classes) in zip(tasks, fitted, strict=True):
            if task_target != target:
                continue
            predictions[test] = predicted
            if probabilities is not None:
                columns = [labels.index(c) for c in classes]
                probabilities[np.ix_(test, columns)] = proba
                missing = [j for j in range(len(labels)) if j not in columns]
                probabilities[np.ix_(test, missing)] = 0.0
        results[target] = (predictions, probabilities, labels)
    return results


def _fit_and_predict(seed: int, classifier: str, params: dict, train_texts, y_train, test_texts):
    from stance.features import one_thread

    with one_thread():
        pipeline = build_pipeline(seed, classifier=classifier, **params).fit(train_texts.tolist(), y_train.tolist())
    features, model = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
    matrix = features.transform(test_texts.tolist())  # once, for both the labels and the probabilities
    proba = model.predict_proba(matrix) if classifier == "logistic" else None
    return model.predict(matrix), proba, list(model.classes_)


def baseline_predictions(frame: pd.DataFrame, target: str, kind: str, split: str = "group", n_splits: int = 5, seed: int = 0) -> np.ndarray:
    """Majority class or codebook-lexicon predictions on the same test parts."""
    from stance.lexicon import lexicon_predict

    y = np.array(frame[target].tolist(), dtype=object)
    labels = sorted(set(y))
    predictions = np.full(len(frame), None, dtype=object)
    for train, test in folds(frame, target, split, n_splits, seed):
        if kind == "majority":
            values, counts = np.unique(y[train], return_counts=True)
            predictions[test] = values[np.argmax(counts)]
        else:
            predictions[test] = lexicon_predict(frame["text"].iloc[test].tolist(), target, labels)
    return predictions


def calibration_metrics(y_true: np.ndarray, probabilities: np.ndarray, labels: list[str], bins: int = 10) -> dict:
    """Brier score (mean squared error of the probability vector) and expected
    calibration error of the top label, with the reliability table behind it."""
    truth = np.array([[label == t for label in labels] for t in y_true], dtype=float)
    brier = float(np.mean(np.sum((probabilities - truth) ** 2, axis=1)))
    confidence = probabilities.max(axis=1)
    correct = np.array(labels, dtype=object)[probabilities.argmax(axis=1)] == y_true
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            gap = abs(correct[inside].mean() - confidence[inside].mean())
            ece += inside.mean() * gap
            table.append(
                {
                    "bin": f"{low:.1f}-{high:.1f}",
                    "n": int(inside.sum()),
                    "confidence": float(confidence[inside].mean()),
                    "accuracy": float(correct[inside].mean()),
                }
            )
    return {"brier": brier, "ece": float(ece), "reliability": table}


def classification_metrics(y_true, y_pred, labels: list[str]) -> dict:
    """Per-class precision/recall/F1/support, macro-F1, accuracy and the confusion matrix."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "per_class": {
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=False)
        },
        "macro_f1": float(np.mean(f1)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "labels": labels,
    }


def evaluate_target(
    frame: pd.DataFrame,
    target: str,
    split: str = "group",
    n_splits: int = 5,
    seed: int = 0,
    baselines: bool = True,
    n_jobs: int = 1,
    **params,
) -> TargetEvaluation:
    """Cross-validate the model on ``target``, with baselines on the same test parts
    (the folds fitted on ``n_jobs`` worker processes)."""
    return evaluate_targets(frame, {target: params}, split, n_splits, seed, baselines, n_jobs)[target]


def evaluate_targets(
    frame: pd.DataFrame,
    parameters: dict[str, dict],
    split: str = "group",
    n_splits: int = 5,
    seed: int = 0,
    baselines: bool = True,
    n_jobs: int = 1,
) -> dict[str, TargetEvaluation]:
    """:func:`evaluate_target` for several targets (name -> parameters), the model folds
    of all targets fitted as one batch on ``n_jobs`` worker processes."""
    for target in parameters:
        require_two_labels(frame, target)
    out_of_fold = out_of_fold_predictions_for_targets(frame, parameters, split, n_splits, seed, n_jobs=n_jobs)
    results = {}
    for target, params in parameters.items():
        predictions, probabilities, labels = out_of_fold[target]
        tested = np.array([p is not None for p in predictions])
        y = np.array(frame[target].tolist(), dtype=object)[tested]
        model = classification_metrics(y.tolist(), predictions[tested].tolist(), labels)
        others = {"majority": baseline_predictions(frame, target, "majority", split, n_splits, seed)}
        if baselines:
            others["lexicon"] = baseline_predictions(frame, target, "lexicon", split, n_splits, seed)
            svm = out_of_fold_predictions(frame, target, split, n_splits, seed, classifier="svm", n_jobs=n_jobs, **params)
            others["linear SVM"] = svm[0]
        scored = {name: classification_metrics(y.tolist(), p[tested].tolist(), labels) for name, p in others.items()}
        calibration = calibration_metrics(y, probabilities[tested], labels)
        tested_rows = int(tested.sum())
        results[target] = TargetEvaluation(target, split, n_splits, labels, model, scored["majority"], tested_rows, scored, calibration)
    return results


def format_evaluation(result: TargetEvaluation) -> str:
    """A plain-text report: per-class table, macro-F1 beside the baseline, confusion matrix."""
    lines = [f"== {result.target} ({result.n_rows} statements; {result.split_text})", ""]
    width = max(len(label) for label in result.labels) + 2
    lines.append(f"{'label':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label in result.labels:
        m = result.model["per_class"][label]
        lines.append(f"{label:<{width}}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10d}")
    lines.append("")
    lines.append(f"macro-F1  model {result.model['macro_f1']:.3f}   majority baseline {result.baseline['macro_f1']:.3f}")
    lines.append(f"accuracy  model {result.model['accuracy']:.3f}   majority baseline {result.baseline['accuracy']:.3f}")
    for name, metrics in result.baselines.items():
        if name != "majority":
            lines.append(f"baseline  {name:<12} macro-F1 {metrics['macro_f1']:.3f}   accuracy {metrics['accuracy']:.3f}")
    if result.calibration:
        lines.append(
            f"calibration  Brier score {result.calibration['brier']:.3f}   expected calibration error {result.calibration['ece']:.3f}"
        )
    lines.append("")
    lines.append("confusion matrix (rows: true label, columns: predicted)")
    short = [label[:8] for label in result.labels]
    lines.append(" " * width + "".join(f"{s:>10}" for s in short))
    for label, row in zip(result.labels, result.model["confusion"], strict=False):
        lines.append(f"{label:<{width}}" + "".join(f"{v:>10d}" for v in row))
    return "\n".join(lines)


def learning_curve(
    frame: pd.DataFrame, target: str, fractions=(0.25, 0.5, 0.75, 1.0), split: str = "group", n_splits: int = 5, seed: int = 0, **params
) -> list[dict]:
    """Macro-F1 when training on a fraction of each training part.

    The test parts stay the same for every fraction, so the points are comparable;
    the training part is subsampled by whole groups.
    """
    groups = split_groups(frame, split)
    texts = np.array(frame["text"].tolist(), dtype=object)
    y = np.array(frame[target].tolist(), dtype=object)
    labels = sorted(set(y))
    rng = np.random.default_rng(seed)
    parts = folds(frame, target, split, n_splits, seed)
    points = []
    for fraction in fractions:
        predictions = np.full(len(frame), None, dtype=object)
        train_sizes = []
        for train, test in parts:
            train_groups = np.unique(groups[train])
            keep = rng.permutation(train_groups)[: max(1, int(round(fraction * len(train_groups))))]
            subset = train[np.isin(groups[train], keep)]
            train_sizes.append(len(subset))
            pipeline = build_pipeline(seed, **params).fit(texts[subset].tolist(), y[subset].tolist())
            predictions[test] = pipeline.predict(texts[test].tolist())
        tested = np.array([p is not None for p in predictions])
        metrics = classification_metrics(y[tested].tolist(), predictions[tested].tolist(), labels)
        points.append(
            {
                "fraction": fraction,
                "train_rows": int(np.mean(train_sizes)),
                "macro_f1": metrics["macro_f1"],
                "per_class_f1": {k: v["f1"] for k, v in metrics["per_class"].items()},
            }
        )
    return points


def format_learning_curve(target: str, points: list[dict]) -> str:
    labels = list(points[0]["per_class_f1"])
    lines = [
        f"== learning curve: {target}",
        "",
        f"{'data':>6}{'train rows':>12}{'macro-F1':>10}" + "".join(f"{label[:10]:>12}" for label in labels),
    ]
    for p in points:
        lines.append(
            f"{p['fraction']:>6.0%}{p['train_rows']:>12d}{p['macro_f1']:>10.3f}"
            + "".join(f"{p['per_class_f1'][label]:>12.3f}" for label in labels)
        )
    return "\n".join(lines)
