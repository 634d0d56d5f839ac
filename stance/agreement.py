"""Inter-annotator agreement between two label files (matched by id)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stance.labels import LabelError, read_label_file


@dataclass(frozen=True)
class Agreement:
    target: str
    n: int
    observed: float
    kappa: float


def agreement(first: str | Path, second: str | Path, target: str) -> Agreement:
    """Cohen's kappa and observed agreement on the rows both files label."""
    from sklearn.metrics import cohen_kappa_score

    a, b = read_label_file(Path(first)), read_label_file(Path(second))
    for frame, path in ((a, first), (b, second)):
        for column in ("id", target):
            if column not in frame.columns:
                raise LabelError(f"{path}: missing column {column!r}.")
    merged = a[["id", target]].merge(b[["id", target]], on="id", suffixes=("_a", "_b"))
    merged = merged[(merged[f"{target}_a"].str.strip() != "") & (merged[f"{target}_b"].str.strip() != "")]
    if merged.empty:
        raise LabelError(f"{first} and {second} share no labelled ids; agreement needs the same rows labelled twice.")
    left, right = merged[f"{target}_a"].str.strip(), merged[f"{target}_b"].str.strip()
    observed = float((left == right).mean())
    kappa = float(cohen_kappa_score(left, right)) if left.nunique() > 1 or right.nunique() > 1 else 1.0
    return Agreement(target, len(merged), observed, kappa)
