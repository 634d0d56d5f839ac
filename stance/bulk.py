"""Classify a large CSV or JSON-lines file in a streaming pass.

Rows are read lazily and classified in batches, on several processes if asked,
and written out batch by batch, so memory stays bounded whatever the input size.
The output keeps every input column and adds the labels and probabilities.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from stance.errors import InputError

BATCH = 2000
MAX_FIELD_CHARS = 50_000_000  # a CSV field may hold a whole document
_worker_model = None


def iter_rows(path: str | Path, text_column: str, encoding: str = "utf-8") -> Iterator[dict]:
    """Rows of a CSV (with ``text_column``) or JSON-lines file, read lazily."""
    path = Path(path)
    with open(path, "rb") as raw:
        yield from rows_from_binary(raw, str(path), path.suffix.lower() in (".jsonl", ".ndjson"), text_column, encoding)


def rows_from_binary(raw: BinaryIO, source: str, jsonl: bool, text_column: str, encoding: str = "utf-8") -> Iterator[dict]:
    """Rows of an open, seekable binary CSV or JSON-lines stream decoded as ``encoding``;
    a binary file (NUL bytes) or text in another encoding gets a clear error."""
    if b"\x00" in raw.read(8192):
        raise InputError(f"{source}: looks like a binary file (NUL bytes); give a UTF-8 CSV or JSONL file.")
    raw.seek(0)
    with io.TextIOWrapper(raw, encoding=encoding, newline="" if not jsonl else None, errors="strict") as handle:  # closes ``raw`` too
        try:
            yield from rows_from_stream(handle, source, jsonl, text_column)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: not {encoding} text near byte {exc.start}; convert it or name its encoding with --encoding."
            ) from exc


def rows_from_stream(handle: TextIO, source: str, jsonl: bool, text_column: str) -> Iterator[dict]:
    """Rows of an open CSV or JSON-lines text stream; ``source`` names it in errors."""
    if jsonl:
        for line_no, line in enumerate(handle, 1):
            if line.strip():
                yield _json_row(line, source, line_no, text_column)
        return
    if handle.read(1) != "\ufeff":
        handle.seek(0)
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.DictReader(handle)
    try:
        if text_column not in (reader.fieldnames or []):
            raise InputError(
                f"{source}: no column {text_column!r}; columns are: {', '.join(reader.fieldnames or [])}. Choose one with --text-column."
            )
        for row in reader:
            if None in row:
                raise InputError(f"{source}, line {reader.line_num}: more fields than the header has columns; check the quoting.")
            yield row
    except csv.Error as exc:
        raise InputError(f"{source}: not a readable CSV ({exc}); check the quoting.") from exc


def _json_row(line: str, path: str, line_no: int, text_column: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {line_no}: invalid JSON ({exc.msg}); each line must be one JSON object.") from exc
    if not isinstance(record, dict) or text_column not in record:
        raise InputError(f"{path}: line {line_no}: no field {text_column!r}; choose one with --text-column.")
    return record


def batches(rows: Iterator[dict], size: int = BATCH) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _init_worker(model_dir: str, trust: bool) -> None:
    global _worker_model
    from stance.model import load_predictor

    _worker_model = load_predictor(model_dir, trust=trust)


def _classify(job: tuple[list[dict], str, float]) -> list[dict]:
    from stance.predict import classify_rows

    batch, text_column, min_confidence = job
    return classify_rows(_worker_model, batch, text_column, min_confidence)


def classify_file(
    path: str | Path,
    model_dir: str,
    text_column: str,
    out,
    fmt: str,
    jobs: int = 1,
    min_confidence: float = 0.0,
    trust: bool = False,
    encoding: str = "utf-8",
    progress=None,
) -> int:
    """Classify every row of ``path`` into the text stream ``out`` (csv or jsonl); returns the row count."""
    jobs_iter = ((batch, text_column, min_confidence) for batch in batches(iter_rows(path, text_column, encoding)))
    if jobs > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_init_worker, initargs=(model_dir, trust))
        results = _bounded(pool, jobs_iter, ahead=2 * jobs)
    else:
        _init_worker(model_dir, trust)
        pool, results = None, map(_classify, jobs_iter)
    count = 0
    writer = None
    try:
        for rows in results:
            writer = write_rows(out, rows, fmt, writer)
            count += len(rows)
            if progress:
                progress(len(rows))
    finally:
        if pool is not None:
            pool.terminate()
    return count


def write_rows(out: TextIO, rows: list[dict], fmt: str, writer: csv.DictWriter | None = None) -> csv.DictWriter | None:
    """Write classified rows to ``out`` as JSON lines or CSV (empty cells for None).

    Values JSON has no type for (dates read from Parquet) are written as text.

    A CSV's columns are those of its first row and its header is written once:
    pass the returned writer back in for the next batch of the same stream.
    """
    if fmt == "jsonl":
        out.write("".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows))
        return None
    if not rows:
        return writer
    if writer is None:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return writer


def _bounded(pool, jobs_iter, ahead: int) -> Iterator[list[dict]]:
    """Results in input order, with at most ``ahead`` batches in flight (``Pool.imap``
    would read the whole input into its queue)."""
    from collections import deque

    pending: deque = deque()
    for job in jobs_iter:
        pending.append(pool.apply_async(_classify, (job,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
