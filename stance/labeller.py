"""An interactive terminal labeller on plain CSV files.

One statement at a time, with its speaker, source and the sentence before it,
and the model's suggestion with probabilities. One key per label, Enter accepts
the suggestion, ``s`` skips, ``u`` undoes the last decision, ``q`` quits. Every
decision is appended to the output file and flushed to disk at once
(``os.fsync``), so quitting or a crash loses nothing and the next run resumes:
statements already labelled in the output or anywhere under the label folder
are not shown again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stance.files import write_text
from stance.labels import normalize_text

OUTPUT_COLUMNS = [
    "id",
    "text",
    "stance",
    "tone",
    "speaker",
    "speaker_side",
    "date",
    "source",
    "source_ref",
    "labelled_by",
    "reviewed",
    "notes",
]
RESERVED = {"s": "skip", "u": "undo", "q": "quit", "\r": "accept", "\n": "accept"}


def key_map(labels: list[str]) -> dict[str, str]:
    """One key per label: its first letter not yet taken or reserved, else a digit."""
    keys: dict[str, str] = {}
    for label in labels:
        choice = next((ch for ch in label.lower() if ch.isalpha() and ch not in keys and ch not in RESERVED), None)
        if choice is None:
            choice = next(str(d) for d in range(1, 10) if str(d) not in keys)
        keys[choice] = label
    return keys


def statement_id(row: dict) -> str:
    """The row's id, or a stable one made from its text."""
    return row.get("id") or "t_" + hashlib.sha1(row["text"].encode("utf-8")).hexdigest()[:12]


@dataclass
class Decision:
    row: dict
    labels: dict[str, str]
    accepted: bool


class LabelFile:
    """The output CSV: created with a header, appended to durably, trimmed on undo."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists() or path.stat().st_size == 0:
            write_text(path, ",".join(OUTPUT_COLUMNS) + "\n", force=True)

    def append(self, record: dict) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([record.get(c, "") for c in OUTPUT_COLUMNS])
        with open(self.path, "a", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())

    def remove_last(self) -> None:
        rows = list(csv.reader(io.StringIO(self.path.read_text(encoding="utf-8"))))
        if len(rows) > 1:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows[:-1])
            write_text(self.path, buffer.getvalue(), force=True)


def run_session(
    pool: list[dict],
    model,
    out: Path,
    seen_ids: set[str],
    seen_texts: set[str],
    annotator: str,
    getchar: Callable[[], str],
    echo: Callable[[str], None],
) -> dict[str, int]:
    """Label the statements of ``pool`` not seen before; returns counts of what happened."""
    targets = list(model.targets)
    keys = {t: key_map(model.labels(t)) for t in targets}
    label_file = LabelFile(out)
    todo = [r for r in pool if statement_id(r) not in seen_ids and normalize_text(r["text"]) not in seen_texts and r["text"].strip()]
    done: list[int] = []  # positions in todo of the decisions made this session, for undo
    counts = {"labelled": 0, "skipped": 0, "undone": 0, "remaining": len(todo)}
    position = 0
    while position < len(todo):
        row = todo[position]
        echo(_card(row, position, len(todo), model, targets))
        decision: dict[str, str] = {}
        accepted = True
        action = None
        for target in targets:
            proba = model.predict_proba(target, [row["text"]])[0]
            labels = model.labels(target)
            suggestion = labels[int(proba.argmax())]
            echo(
                f"{target}: " + "  ".join(f"[{k}] {v}" for k, v in keys[target].items()) + f"   Enter = {suggestion}, [s]kip [u]ndo [q]uit"
            )
            while True:
                key = getchar().lower()
                if key in keys[target]:
                    decision[target] = keys[target][key]
                    accepted = accepted and decision[target] == suggestion
                    break
                if key in RESERVED:
                    action = RESERVED[key]
                    if action == "accept":
                        decision[target] = suggestion
                        action = None
                    break
                echo(f"  key {key!r} means nothing here")
            if action:
                break
        if action == "quit":
            break
        if action == "skip":
            counts["skipped"] += 1
            position += 1
            continue
        if action == "undo":
            if done:
                label_file.remove_last()
                position = done.pop()
                counts["labelled"] -= 1
                counts["undone"] += 1
                echo("  undone: the previous statement is shown again")
            continue
        label_file.append(_record(row, decision, annotator, accepted))
        done.append(position)
        counts["labelled"] += 1
        position += 1
    counts["remaining"] = len(todo) - position
    return counts


def _record(row: dict, decision: dict[str, str], annotator: str, accepted: bool) -> dict:
    return {
        **{c: row.get(c, "") for c in OUTPUT_COLUMNS},
        "id": statement_id(row),
        **decision,
        "labelled_by": f"{annotator}:read",
        "reviewed": "single",
        "notes": "accepted the model's suggestion" if accepted else "",
    }


def _card(row: dict, position: int, total: int, model, targets: list[str]) -> str:
    lines = ["", f"--- {position + 1} of {total} " + "-" * 40]
    who = row.get("speaker_resolved") or row.get("speaker") or "?"
    lines.append(f"speaker: {who} ({row.get('speaker_side') or 'side unknown'})   source: {row.get('source', '')} {row.get('date', '')}")
    if row.get("context_before"):
        lines.append(f"before:  {row['context_before'][:300]}")
    lines.append(f"\n  {row['text']}\n")
    for target in targets:
        proba = model.predict_proba(target, [row["text"]])[0]
        ranked = sorted(zip(model.labels(target), proba, strict=True), key=lambda item: -item[1])[:3]
        lines.append(f"model {target}: " + ", ".join(f"{label} {p:.2f}" for label, p in ranked))
    return "\n".join(lines)
