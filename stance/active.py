"""Decide what to label next, and find labels that are probably wrong.

* :func:`suggest` ranks unlabelled statements by model uncertainty, skipping
  near-duplicates of statements already chosen, so fifty copies of one stock
  phrase are never all proposed.
* :func:`audit` finds labelled rows that a cross-validated model confidently
  disagrees with (out of fold), for a person to review; :func:`apply_audit`
  records each review decision in the label files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from stance.errors import LabelError
from stance.escaping import CsvLineEnds
from stance.files import write_text
from stance.labels import DEFAULT_LABELS, label_files, near_duplicate_key, normalize_text, read_label_file

SIMILAR = 0.5  # word-trigram Jaccard above which two statements count as near-duplicates
AUDIT_COLUMNS = ["file", "row", "id", "target", "label", "predicted", "confidence", "text", "decision", "new_label"]
DECISIONS = ("keep", "change")


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = near_duplicate_key(text).split()
    return set(zip(words, words[1:], words[2:], strict=False)) or {tuple(words)}


def already_labelled(paths: list[str | Path]) -> tuple[set[str], set[str]]:
    """Ids and normalised texts of every statement in the label files under ``paths``."""
    ids: set[str] = set()
    texts: set[str] = set()
    for path in paths:
        path = Path(path)
        if not path.exists() or (path.is_dir() and not any(path.rglob("*.csv"))):
            continue
        for file in label_files([path]):
            frame = read_label_file(file)
            if "text" in frame:
                texts |= set(frame["text"].map(normalize_text))
            if "id" in frame:
                ids |= set(frame["id"])
    return ids, texts


def uncertainty(model, texts: list[str]) -> np.ndarray:
    """1 - the top probability, averaged over the model's targets (0 = sure, near 1 = lost)."""
    scores = [1.0 - model.predict_proba(target, texts).max(axis=1) for target in model.targets]
    return np.mean(scores, axis=0)


def suggest(pool: pd.DataFrame, model, n: int, exclude_ids: set[str] = frozenset(), exclude_texts: set[str] = frozenset()) -> pd.DataFrame:
    """The ``n`` most uncertain statements of ``pool`` not labelled yet, without near-duplicates."""
    keys = pool["text"].map(normalize_text)
    fresh = pool[~pool["id"].isin(exclude_ids) & ~keys.isin(exclude_texts) & (pool["text"].str.strip() != "")].copy()
    if fresh.empty:
        return fresh.assign(uncertainty=[])
    fresh["uncertainty"] = uncertainty(model, fresh["text"].tolist())
    chosen: list[int] = []
    chosen_grams: list[set] = []
    for index in fresh.sort_values("uncertainty", ascending=False, kind="stable").index:
        grams = _trigrams(fresh.at[index, "text"])
        if any(len(grams & other) / len(grams | other) >= SIMILAR for other in chosen_grams):
            continue
        chosen.append(index)
        chosen_grams.append(grams)
        if len(chosen) >= n:
            break
    return fresh.loc[chosen]


def audit(frame: pd.DataFrame, target: str, threshold: float = 0.8, split: str = "group", n_splits: int = 5, seed: int = 0) -> pd.DataFrame:
    """Rows whose label an out-of-fold model contradicts with probability >= ``threshold``."""
    from stance.evaluate import out_of_fold_predictions

    predictions, probabilities, labels = out_of_fold_predictions(frame, target, split, n_splits, seed)
    confidence = np.nanmax(probabilities, axis=1)
    suspicious = (predictions != frame[target].to_numpy()) & (confidence >= threshold)
    rows = frame[suspicious]
    return pd.DataFrame(
        {
            "file": rows["_file"],
            "row": rows["_row"],
            "id": rows["id"],
            "target": target,
            "label": rows[target],
            "predicted": predictions[suspicious],
            "confidence": np.round(confidence[suspicious], 3),
            "text": rows["text"],
            "decision": "",
            "new_label": "",
        }
    ).sort_values("confidence", ascending=False)


def apply_audit(
    audit_path: str | Path, allowed: dict[str, tuple[str, ...]] | None = None, label_paths: list[str | Path] | None = None
) -> dict[str, int]:
    """Write the reviewed decisions of an audit file into the label files.

    ``decision=keep`` marks the row reviewed and keeps its label; ``decision=change``
    sets ``new_label`` (or the predicted label when empty). Rows without a
    decision are left alone. Each label file is rewritten atomically.

    An audit file is only a request: it may name label files under ``label_paths``
    (the label folders; default: the files it names must be label files) and the
    label columns of ``allowed`` with one of their labels, nothing else, so a
    hostile audit file cannot rewrite another CSV or another column.
    """
    allowed = DEFAULT_LABELS if allowed is None else allowed
    audit_frame = read_label_file(Path(audit_path))
    missing = [c for c in AUDIT_COLUMNS if c not in audit_frame.columns]
    if missing:
        raise LabelError(f"{audit_path}: missing columns {', '.join(missing)}; use the file `stance labels audit` wrote.")
    decided = audit_frame[audit_frame["decision"].str.strip() != ""]
    permitted = _label_file_set(label_paths) if label_paths is not None else None
    for _, row in decided.iterrows():
        _check_decision(audit_path, row, allowed, permitted)
    counts = {"keep": 0, "change": 0}
    for file, rows in decided.groupby("file"):
        path = Path(file)
        read_label_file(path)  # refuses a file with glued or broken rows before rewriting it
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False)
        absent = [c for c in ("id", "text", *rows["target"].unique()) if c not in frame.columns]
        if absent:
            raise LabelError(f"{audit_path}: {file} is not a label file with column {', '.join(absent)}; run the audit again.")
        if "reviewed" not in frame:
            frame["reviewed"] = ""
        for _, row in rows.iterrows():
            decision = row["decision"].strip().lower()
            hit = frame["id"] == row["id"]
            if not hit.any():
                raise LabelError(f"{audit_path}: id {row['id']} is not in {file} any more; run the audit again.")
            if decision == "change":
                frame.loc[hit, row["target"]] = row["new_label"].strip() or row["predicted"]
            frame.loc[hit, "reviewed"] = (frame.loc[hit, "reviewed"] + f";audit:{decision}").str.lstrip(";")
            counts[decision] += 1
        buffer = io.StringIO()
        frame.to_csv(CsvLineEnds(buffer), index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")  # a field with a CR is quoted
        write_text(path, buffer.getvalue())
    return counts


def _check_decision(audit_path, row, allowed: dict[str, tuple[str, ...]], permitted: set[Path] | None) -> None:
    """One audit row may only set a known label of a label column in a label file."""
    where = f"{audit_path}, row {row['_row']}"
    decision = row["decision"].strip().lower()
    if decision not in DECISIONS:
        raise LabelError(f"{where}: decision {row['decision']!r}; use keep or change (or leave it empty).")
    if row["target"] not in allowed:
        raise LabelError(f"{where}: target {row['target']!r} is not a label column; use one of {', '.join(allowed)}.")
    new = (row["new_label"].strip() or row["predicted"]) if decision == "change" else row["label"]
    if allowed[row["target"]] and new not in allowed[row["target"]]:
        raise LabelError(f"{where}: unknown {row['target']} {new!r}; use one of {', '.join(allowed[row['target']])}.")
    path = Path(row["file"])
    if path.suffix.lower() != ".csv" or not path.is_file():
        raise LabelError(f"{where}: {row['file']} is not an existing label file (.csv); run the audit again.")
    if permitted is not None and path.resolve() not in permitted:
        raise LabelError(
            f"{where}: {row['file']} is not one of the label files under --labels; an audit file can only change "
            "the label files it was made from (name their folder with --labels)."
        )


def _label_file_set(paths: list[str | Path]) -> set[Path]:
    return {path.resolve() for path in label_files(paths)}
