"""Inter-annotator agreement between two label files (matched by id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stance.labels import LabelError, read_label_file


@dataclass(frozen=True)
class Agreement:
    target: str
    n: int
    observed: float
    kappa: float
    per_class: dict[str, float] = field(default_factory=dict)  # label -> one-vs-rest Cohen's kappa


def agreement(first: str | Path, second: str | Path, target: str) -> Agreement:
    """Cohen's kappa and observed agreement on the rows both files label, and a kappa per
    class (that label against all others). Rows either reader marked ``exclude=yes`` are left out."""
    a, b = read_label_file(Path(first)), read_label_file(Path(second))
    for frame, path in ((a, first), (b, second)):
        for column in ("id", target):
            if column not in frame.columns:
                raise LabelError(f"{path}: missing column {column!r}.")
    a, b = (_statements(frame) for frame in (a, b))
    merged = a[["id", target]].merge(b[["id", target]], on="id", suffixes=("_a", "_b"))
    merged = merged[(merged[f"{target}_a"].str.strip() != "") & (merged[f"{target}_b"].str.strip() != "")]
    if merged.empty:
        raise LabelError(f"{first} and {second} share no labelled ids; agreement needs the same rows labelled twice.")
    left, right = merged[f"{target}_a"].str.strip(), merged[f"{target}_b"].str.strip()
    observed = float((left == right).mean())
    return Agreement(
        target,
        len(merged),
        observed,
        _kappa(left, right),
        {label: _kappa(left == label, right == label) for label in sorted(set(left) | set(right))},
    )


def _statements(frame):
    """The rows that are statements: those no reader excluded."""
    return frame[frame["exclude"].str.strip().str.lower() != "yes"] if "exclude" in frame.columns else frame


def _kappa(left, right) -> float:
    from sklearn.metrics import cohen_kappa_score

    if left.nunique() <= 1 and right.nunique() <= 1:
        return 1.0 if (left == right).all() else 0.0
    return float(cohen_kappa_score(left, right))
