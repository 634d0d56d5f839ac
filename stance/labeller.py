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
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stance.errors import LabelError
from stance.escaping import csv_writer, neutralise_formula, printable
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
    """The output CSV, held under an exclusive lock for the session (a second ``stance
    label`` on the same file is refused): created with a header, appended to durably
    in the file's own column order, trimmed on undo."""

    def __init__(self, path: Path, targets: list[str]) -> None:
        self.path = path
        self.handle = open(path, "a+b")  # created if missing; appends always go to the end
        try:
            _lock(self.handle, path)
            self.columns, self.line_end = self._layout(targets)
        except BaseException:
            self.handle.close()
            raise
        self.ends: list[int] = []  # file size before each append of this session, for undo
        self.dropped = [c for c in OUTPUT_COLUMNS if c not in self.columns]

    def _layout(self, targets: list[str]) -> tuple[list[str], bytes]:
        """The file's columns and line end; a new or empty file gets the standard header first."""
        self.handle.seek(0)
        data = self.handle.read()
        if not data.strip():
            self._write(",".join(OUTPUT_COLUMNS).encode() + b"\n")
            return list(OUTPUT_COLUMNS), b"\n"
        try:
            text = data.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise LabelError(
                f"{self.path}: not a readable UTF-8 CSV ({exc}); fix it (stance labels check) or choose another --out."
            ) from exc
        columns = [c.strip() for c in rows[0]]
        missing = [c for c in ("id", "text", *targets) if c not in columns]
        if missing:
            raise LabelError(
                f"{self.path}: no column {', '.join(missing)} in its header; choose another --out (a new file gets every column)."
            )
        line_end = re.search(rb"\r\n|\n|\r", data)
        line_end = line_end.group() if line_end else b"\n"
        return columns, line_end

    def append(self, record: dict) -> None:
        buffer = io.StringIO()
        writer = csv_writer(buffer, line_end=self.line_end.decode())  # a field with a CR is quoted too
        writer.writerow([neutralise_formula(str(record.get(c, "") or "")) for c in self.columns])
        size = self._size()
        ends_a_line = size == 0 or os.pread(self.handle.fileno(), 1, size - 1) in (b"\n", b"\r")
        self.ends.append(size)
        self._write((b"" if ends_a_line else self.line_end) + buffer.getvalue().encode("utf-8"))  # never glued onto the last row

    def remove_last(self) -> None:
        """Cut off the row this session appended last (the file holds nobody else's: it is locked)."""
        if self.ends:
            end = self.ends.pop()
            self.handle.truncate(end)
            self.handle.flush()
            os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()  # releases the lock

    def _size(self) -> int:
        return os.fstat(self.handle.fileno()).st_size

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.handle.flush()
        os.fsync(self.handle.fileno())


def _lock(handle, path: Path) -> None:
    """An exclusive lock on ``handle``, or a LabelError if another session holds one."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        raise LabelError(f"{path}: another `stance label` session is writing this file; finish it first, or choose another --out.") from exc


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
    label_file = LabelFile(out, list(model.targets))
    try:
        return _label(pool, model, label_file, seen_ids, seen_texts, annotator, getchar, echo)
    finally:
        label_file.close()


def _label(pool, model, label_file: LabelFile, seen_ids, seen_texts, annotator, getchar, echo) -> dict[str, int]:
    targets = list(model.targets)
    keys = {t: key_map(model.labels(t)) for t in targets}
    if label_file.dropped:
        echo(f"Note: {label_file.path} has no column {', '.join(label_file.dropped)}; those are not saved.")
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
    """What the annotator sees. Control characters are shown as escapes (an ESC sequence or
    a bare CR could show other words than the ones labelled), and line breaks too, except
    inside the statement, so no other field can pass for the statement."""

    def field(value) -> str:
        return printable(str(value or ""), line_breaks=False)

    lines = ["", f"--- {position + 1} of {total} " + "-" * 40]
    who = row.get("speaker_resolved") or row.get("speaker") or "?"
    side = row.get("speaker_side") or "side unknown"
    lines.append(f"speaker: {field(who)} ({field(side)})   source: {field(row.get('source'))} {field(row.get('date'))}")
    if row.get("context_before"):
        lines.append(f"before:  {field(row['context_before'][:300])}")
    lines.append(f"\n  {printable(row['text'])}\n")
    for target in targets:
        proba = model.predict_proba(target, [row["text"]])[0]
        ranked = sorted(zip(model.labels(target), proba, strict=True), key=lambda item: -item[1])[:3]
        lines.append(f"model {target}: " + ", ".join(f"{label} {p:.2f}" for label, p in ranked))
    return "\n".join(lines)
