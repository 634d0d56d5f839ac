"""Honest cross-validated evaluation: grouped splits, per-class metrics, baselines.

Rows in one near-duplicate group always fall on the same side of a split. With
``split_by="document"`` rows of one source document stay together too, and with
``split_by="source"`` whole corpora do; groups are merged so both constraints
hold at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stance.model import build_pipeline, require_two_labels

SPLITS = ("group", "document", "source")


@dataclass
class TargetEvaluation:
    target: str
    split: str
    n_splits: int
    labels: list[str]
    model: dict
    baseline: dict
    n_rows: int

    def summary(self) -> dict:
        return {
            "split": f"{self.n_splits}-fold, grouped by {self.split}",
            "rows": self.n_rows,
            "macro_f1": self.model["macro_f1"],
            "accuracy": self.model["accuracy"],
            "baseline_macro_f1": self.baseline["macro_f1"],
            "baseline_accuracy": self.baseline["accuracy"],
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


def out_of_fold_predictions(
    frame: pd.DataFrame, target: str, split: str = "group", n_splits: int = 5, seed: int = 0, **params
) -> np.ndarray:
    """Predict every row with a model that never saw its group."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = split_groups(frame, split)
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        raise ValueError(
            f"all statements fall into one {split} group; cross-validation needs at least two (add more, different statements)"
        )
    n_splits = min(n_splits, n_groups)
    texts = np.array(frame["text"].tolist(), dtype=object)
    y = np.array(frame[target].tolist(), dtype=object)
    predictions = np.empty(len(frame), dtype=object)
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for train, test in folds.split(texts, y, groups):
        if len(set(y[train])) < 2:
            predictions[test] = y[train][0]
            continue
        pipeline = build_pipeline(seed, **params).fit(texts[train].tolist(), y[train].tolist())
        predictions[test] = pipeline.predict(texts[test].tolist())
    return predictions


def majority_predictions(frame: pd.DataFrame, target: str, split: str = "group", n_splits: int = 5, seed: int = 0) -> np.ndarray:
    """The majority-class baseline, fitted on the same training folds."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = split_groups(frame, split)
    y = np.array(frame[target].tolist(), dtype=object)
    predictions = np.empty(len(frame), dtype=object)
    folds = StratifiedGroupKFold(n_splits=min(n_splits, len(np.unique(groups))), shuffle=True, random_state=seed)
    for train, test in folds.split(y, y, groups):
        values, counts = np.unique(y[train], return_counts=True)
        predictions[test] = values[np.argmax(counts)]
    return predictions


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


def evaluate_target(frame: pd.DataFrame, target: str, split: str = "group", n_splits: int = 5, seed: int = 0, **params) -> TargetEvaluation:
    """Cross-validate the model and the majority baseline on ``target``."""
    require_two_labels(frame, target)
    labels = sorted(frame[target].unique())
    y = frame[target].tolist()
    model = classification_metrics(y, out_of_fold_predictions(frame, target, split, n_splits, seed, **params), labels)
    baseline = classification_metrics(y, majority_predictions(frame, target, split, n_splits, seed), labels)
    return TargetEvaluation(target, split, n_splits, labels, model, baseline, len(frame))


def format_evaluation(result: TargetEvaluation) -> str:
    """A plain-text report: per-class table, macro-F1 beside the baseline, confusion matrix."""
    lines = [f"== {result.target} ({result.n_rows} statements; {result.n_splits}-fold cross-validation grouped by {result.split})", ""]
    width = max(len(label) for label in result.labels) + 2
    lines.append(f"{'label':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label in result.labels:
        m = result.model["per_class"][label]
        lines.append(f"{label:<{width}}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10d}")
    lines.append("")
    lines.append(f"macro-F1  model {result.model['macro_f1']:.3f}   majority baseline {result.baseline['macro_f1']:.3f}")
    lines.append(f"accuracy  model {result.model['accuracy']:.3f}   majority baseline {result.baseline['accuracy']:.3f}")
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
    """Cross-validated macro-F1 when training on a fraction of each training fold.

    The test folds stay the same for every fraction, so the points are comparable;
    the training part is subsampled by whole groups.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    groups = split_groups(frame, split)
    texts = np.array(frame["text"].tolist(), dtype=object)
    y = np.array(frame[target].tolist(), dtype=object)
    labels = sorted(set(y))
    rng = np.random.default_rng(seed)
    folds = list(
        StratifiedGroupKFold(n_splits=min(n_splits, len(np.unique(groups))), shuffle=True, random_state=seed).split(texts, y, groups)
    )
    points = []
    for fraction in fractions:
        predictions = np.empty(len(frame), dtype=object)
        train_sizes = []
        for train, test in folds:
            train_groups = np.unique(groups[train])
            keep = rng.permutation(train_groups)[: max(1, int(round(fraction * len(train_groups))))]
            subset = train[np.isin(groups[train], keep)]
            train_sizes.append(len(subset))
            pipeline = build_pipeline(seed, **params).fit(texts[subset].tolist(), y[subset].tolist())
            predictions[test] = pipeline.predict(texts[test].tolist())
        metrics = classification_metrics(y.tolist(), predictions.tolist(), labels)
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
