"""Honest cross-validated evaluation: grouped splits, per-class metrics, baselines.

Rows in one near-duplicate group always fall on the same side of a split. With
``split_by="document"`` rows of one source document stay together too. With
``split_by="source"`` each corpus is held out in turn (leave-one-corpus-out): the
model is tested on a source it has never seen, and training rows that are
near-duplicates of a held-out row are left out. Every macro-F1 comes with a
bootstrap 95 % interval, and a frozen test set can be scored with :func:`evaluate_on_test`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stance.features import build_pipeline, one_thread
from stance.model import require_two_labels

SPLITS = ("group", "document", "source", "date")
DATE_TEST_SHARE = 0.2
BOOTSTRAP_SAMPLES = 1000


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
    by_source: dict = field(default_factory=dict)  # corpus -> metrics, when each corpus was held out in turn

    @property
    def split_text(self) -> str:
        if self.split == "date":
            return f"trained on the earliest statements, tested on the latest {DATE_TEST_SHARE:.0%} ({self.n_rows} tested)"
        if self.split == "source":
            return f"each of {self.n_splits} sources held out in turn (leave-one-corpus-out), scores pooled"
        if self.split == "test":
            return f"trained on the label files, tested on a frozen test set of {self.n_rows} statements"
        return f"{self.n_splits}-fold cross-validation grouped by {self.split}"

    def summary(self) -> dict:
        return {
            "split": self.split_text,
            "rows": self.n_rows,
            "macro_f1": self.model["macro_f1"],
            "macro_f1_interval": self.model.get("macro_f1_interval"),
            "accuracy": self.model["accuracy"],
            "baseline_macro_f1": self.baseline["macro_f1"],
            "baseline_accuracy": self.baseline["accuracy"],
            "baselines_macro_f1": {name: m["macro_f1"] for name, m in self.baselines.items()},
            "brier": self.calibration.get("brier"),
            "ece": self.calibration.get("ece"),
            "per_class": self.model["per_class"],
            "by_source": {name: {"rows": m["rows"], "macro_f1": m["macro_f1"]} for name, m in self.by_source.items()},
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
    return _merge_groups(keys)


def source_of(frame: pd.DataFrame) -> pd.Series:
    """The corpus of each row (``corpus`` column, else ``source``)."""
    column = "corpus" if "corpus" in frame else "source"
    if column not in frame:
        raise ValueError("split by source needs a 'source' or 'corpus' column in the label files")
    return frame[column].astype(str)


def leave_one_source_out(frame: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """One train/test pair per corpus: the corpus is the test part; training rows that share
    a near-duplicate group with it are dropped, so no held-out statement is seen in training."""
    sources = source_of(frame).to_numpy()
    groups = frame["group"].astype(str).to_numpy()
    names = sorted(set(sources))
    if len(names) < 2:
        raise ValueError("split by source needs statements from at least two sources")
    parts = []
    for name in names:
        test = np.flatnonzero(sources == name)
        train = np.flatnonzero((sources != name) & ~np.isin(groups, groups[test]))
        parts.append((train, test))
    return parts


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

    if split == "source":
        return leave_one_source_out(frame)
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


def macro_f1_interval(y_true, y_pred, labels: list[str], samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> list[float]:
    """Bootstrap 95 % interval of macro-F1: statements resampled with replacement."""
    index = {label: k for k, label in enumerate(labels)}
    truth = np.array([index.get(v, -1) for v in y_true])
    guess = np.array([index.get(v, -1) for v in y_pred])
    n, k = len(truth), len(labels)
    if n == 0:
        return [float("nan"), float("nan")]
    rng = np.random.default_rng(seed)
    scores = np.empty(samples)
    for b in range(samples):
        pick = rng.integers(0, n, n)
        t, g = truth[pick], guess[pick]
        hit = np.bincount(t[(t == g) & (t >= 0)], minlength=k)  # labels outside ``labels`` (-1) count for none
        true_count = np.bincount(t[t >= 0], minlength=k)[:k]
        guess_count = np.bincount(g[g >= 0], minlength=k)[:k]
        denominator = true_count + guess_count
        scores[b] = np.mean(np.divide(2 * hit, denominator, out=np.zeros(k), where=denominator > 0))
    return [float(np.percentile(scores, 2.5)), float(np.percentile(scores, 97.5))]


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
        "macro_f1_interval": macro_f1_interval(list(y_true), list(y_pred), labels),
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
        by_source = _metrics_by_source(frame, target, predictions, labels) if split == "source" else {}
        folds_used = len(by_source) if split == "source" else n_splits
        results[target] = TargetEvaluation(
            target, split, folds_used, labels, model, scored["majority"], tested_rows, scored, calibration, by_source
        )
    return results


def _metrics_by_source(frame: pd.DataFrame, target: str, predictions: np.ndarray, labels: list[str]) -> dict:
    sources = source_of(frame).to_numpy()
    y = np.array(frame[target].tolist(), dtype=object)
    result = {}
    for name in sorted(set(sources)):
        rows = (sources == name) & np.array([p is not None for p in predictions])
        metrics = classification_metrics(y[rows].tolist(), predictions[rows].tolist(), labels)
        result[name] = {**metrics, "rows": int(rows.sum())}
    return result


def evaluate_on_test(train: pd.DataFrame, test: pd.DataFrame, parameters: dict[str, dict], seed: int = 0, n_jobs: int = 1) -> dict:
    """Train on every row of ``train`` and score ``test`` (a frozen test set), per target:
    the same report as cross-validation, with per-source figures of the test set."""
    from joblib import delayed

    from stance.features import parallel

    for target in parameters:
        require_two_labels(train, target)
    texts = np.array(train["text"].tolist(), dtype=object)
    test_texts = np.array(test["text"].tolist(), dtype=object)
    fitted = parallel(min(n_jobs, len(parameters)))(
        delayed(_fit_and_predict)(seed, "logistic", params, texts, np.array(train[target].tolist(), dtype=object), test_texts)
        for target, params in parameters.items()
    )
    majority = {target: train[target].value_counts().idxmax() for target in parameters}
    return {
        target: score_test_set(test, target, classes, proba, majority[target])
        for target, (_, proba, classes) in zip(parameters, fitted, strict=True)
    }


def score_test_set(test: pd.DataFrame, target: str, classes, proba: np.ndarray, majority: str) -> TargetEvaluation:
    """The evaluation of probabilities ``proba`` (columns in ``classes`` order) for the rows of ``test``."""
    classes = [str(c) for c in classes]
    labels = sorted(set(classes) | set(test[target]))
    predicted = np.array(classes, dtype=object)[proba.argmax(axis=1)]
    y = test[target].tolist()
    probabilities = np.zeros((len(test), len(labels)))
    probabilities[:, [labels.index(c) for c in classes]] = proba
    model = classification_metrics(y, list(predicted), labels)
    baseline = classification_metrics(y, [majority] * len(y), labels)
    by_source = _metrics_by_source(test, target, predicted, labels) if "corpus" in test or "source" in test else {}
    calibration = calibration_metrics(np.array(y, dtype=object), probabilities, labels)
    return TargetEvaluation(target, "test", 1, labels, model, baseline, len(test), {"majority": baseline}, calibration, by_source)


def format_evaluation(result: TargetEvaluation) -> str:
    """A plain-text report: per-class table, macro-F1 beside the baseline, confusion matrix."""
    lines = [f"== {result.target} ({result.n_rows} statements; {result.split_text})", ""]
    width = max(len(label) for label in result.labels) + 2
    lines.append(f"{'label':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label in result.labels:
        m = result.model["per_class"][label]
        lines.append(f"{label:<{width}}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10d}")
    lines.append("")
    low, high = result.model.get("macro_f1_interval") or (float("nan"), float("nan"))
    lines.append(
        f"macro-F1  model {result.model['macro_f1']:.3f} (95% interval {low:.3f}-{high:.3f})   "
        f"majority baseline {result.baseline['macro_f1']:.3f}"
    )
    lines.append(f"accuracy  model {result.model['accuracy']:.3f}   majority baseline {result.baseline['accuracy']:.3f}")
    for name, metrics in result.baselines.items():
        if name != "majority":
            lines.append(f"baseline  {name:<12} macro-F1 {metrics['macro_f1']:.3f}   accuracy {metrics['accuracy']:.3f}")
    if result.calibration:
        lines.append(
            f"calibration  Brier score {result.calibration['brier']:.3f}   expected calibration error {result.calibration['ece']:.3f}"
        )
    if result.by_source:
        lines += [
            "",
            f"{'held-out source' if result.split == 'source' else 'test source':<60}{'rows':>7}{'macro-F1':>10}{'95% interval':>16}",
        ]
        for name, m in result.by_source.items():
            low, high = m["macro_f1_interval"]
            lines.append(f"{name[:59]:<60}{m['rows']:>7d}{m['macro_f1']:>10.3f}{f'{low:.3f}-{high:.3f}':>16}")
    lines.append("")
    lines.append("confusion matrix (rows: true label, columns: predicted)")
    short = [label[:8] for label in result.labels]
    lines.append(" " * width + "".join(f"{s:>10}" for s in short))
    for label, row in zip(result.labels, result.model["confusion"], strict=False):
        lines.append(f"{label:<{width}}" + "".join(f"{v:>10d}" for v in row))
    return "\n".join(lines)


def learning_curve(
    frame: pd.DataFrame,
    target: str,
    fractions=(0.25, 0.5, 0.75, 1.0),
    split: str = "group",
    n_splits: int = 5,
    seed: int = 0,
    progress=None,
    **params,
) -> list[dict]:
    """Macro-F1 when training on a fraction of each training part.

    The test parts stay the same for every fraction, so the points are comparable;
    the training part is subsampled by whole groups. ``progress(1)`` is called after each fit.
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
            with one_thread():  # several BLAS threads only fight each other over the cores (see stance.features)
                pipeline = build_pipeline(seed, **params).fit(texts[subset].tolist(), y[subset].tolist())
            predictions[test] = pipeline.predict(texts[test].tolist())
            if progress:
                progress(1)
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
