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
from types import SimpleNamespace
from typing import BinaryIO, TextIO

from stance.errors import InputError
from stance.escaping import FORMULA_START, neutralise_formula, restore_formula
from stance.processes import prepare_worker
from stance.sources import parse_json

BATCH = 2000
# Inputs of this many bytes per process (about 60,000 statements) use the compiled kernel, if numba
# is installed: its start (about 1 CPU-s a process) is then won back. Measured on the shipped model:
# 70,000 rows (11.5 MB) took 7.9 CPU-s against 8.9 with NumPy; 100,000 rows 1.29x fewer CPU-s.
KERNEL_MIN_BYTES = 10_000_000
MAX_FIELD_CHARS = 50_000_000  # a CSV field may hold a whole document
TSV_SUFFIXES = (".tsv", ".tab")
# A cell the formula guard (stance.escaping) may change starts with one of these; any other
# cell passes unchanged, so most cells skip the guard's function call.
_MAY_BE_FORMULA = FORMULA_START | {"'"}
_worker_model = None


def iter_rows(path: str | Path, text_column: str, encoding: str = "utf-8") -> Iterator[dict]:
    """Rows of a CSV or TSV (with ``text_column``) or JSON-lines file, read lazily."""
    path = Path(path)
    delimiter = "\t" if path.suffix.lower() in TSV_SUFFIXES else ","
    with open(path, "rb") as raw:
        yield from rows_from_binary(raw, str(path), path.suffix.lower() in (".jsonl", ".ndjson"), text_column, encoding, delimiter)


def rows_from_binary(
    raw: BinaryIO, source: str, jsonl: bool, text_column: str, encoding: str = "utf-8", delimiter: str = ","
) -> Iterator[dict]:
    """Rows of an open, seekable binary CSV or JSON-lines stream decoded as ``encoding``;
    a binary file (NUL bytes) or text in another encoding gets a clear error."""
    if b"\x00" in raw.read(8192):
        raise InputError(f"{source}: looks like a binary file (NUL bytes); give a UTF-8 CSV or JSONL file.")
    raw.seek(0)
    try:
        # JSON lines end at "\n" only: U+2028, U+0085 or a form feed inside a string is text.
        handle = io.TextIOWrapper(raw, encoding=encoding, newline="\n" if jsonl else "", errors="strict")
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}; use a Python codec name such as utf-8, cp1252 or latin-1.") from exc
    with handle:  # closes ``raw`` too
        try:
            yield from rows_from_stream(handle, source, jsonl, text_column, delimiter)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: not {encoding} text near byte {exc.start}; convert it or name its encoding with --encoding."
            ) from exc


def rows_from_stream(handle: TextIO, source: str, jsonl: bool, text_column: str, delimiter: str = ",") -> Iterator[dict]:
    """Rows of an open CSV (TSV with ``delimiter="\\t"``) or JSON-lines text stream; ``source`` names it in errors.
    The offsets ``start`` and ``end`` that `stance extract` wrote are read back as numbers."""
    from stance.statement import typed_row

    if jsonl:
        for line_no, line in enumerate(handle, 1):
            if line_no == 1:
                line = line.removeprefix("\ufeff")
            if line.strip():
                yield _json_row(line, source, line_no, text_column)
        return
    if handle.read(1) != "\ufeff":
        handle.seek(0)
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.DictReader(handle, delimiter=delimiter, strict=True)  # an unclosed quote is an error, not the rest of the file
    try:
        if text_column not in (reader.fieldnames or []):
            raise InputError(
                f"{source}: no column {text_column!r}; columns are: {', '.join(reader.fieldnames or [])}. Choose one with --text-column."
            )
        for row in reader:
            if None in row:
                raise InputError(f"{source}, line {reader.line_num}: more fields than the header has columns; check the quoting.")
            for key, value in row.items():
                if value.__class__ is str and value[:1] == "'":
                    row[key] = restore_formula(value)
            yield typed_row(row)
    except csv.Error as exc:
        raise InputError(f"{source}, after line {reader.line_num}: not a readable CSV ({exc}); check the quoting.") from exc


def _json_row(line: str, path: str, line_no: int, text_column: str) -> dict:
    record = parse_json(line, f"{path}: line {line_no}", "each line must be one JSON object")
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


def _init_worker(model_dir: str, trust: bool, allow_pickle: bool = False, in_worker: bool = False, large: bool = False) -> None:
    """Load the model for this process; for a ``large`` input, its arrays use the compiled kernel
    (:func:`stance.arrays.compiled_kernel`) from the first batch on, whose start then pays off."""
    global _worker_model
    import warnings

    from stance.model import PickleWarning, load_predictor

    if in_worker:
        prepare_worker()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PickleWarning)  # said once, by the command
        _worker_model = load_predictor(model_dir, trust=trust, allow_pickle=allow_pickle)
    if large and getattr(_worker_model, "arrays", None) is not None:
        _worker_model.arrays.kernel = True


def _classify(job: tuple[list[dict], str, float, dict]) -> list[dict]:
    from stance.predict import classify_rows

    batch, text_column, min_confidence, names = job
    return classify_rows(_worker_model, batch, text_column, min_confidence, names)


def _file_size(path: str | Path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:  # reading it will say what is wrong
        return 0


def input_columns(path: str | Path, text_column: str, encoding: str = "utf-8") -> list[str]:
    """The columns of an input file: a CSV's header (its first row's keys), or every field
    of every JSON-lines record in order of first appearance (a second pass over the file)."""
    jsonl = Path(path).suffix.lower() in (".jsonl", ".ndjson")
    columns: dict[str, None] = {}
    for row in iter_rows(path, text_column, encoding):
        columns.update(dict.fromkeys(row))
        if not jsonl:
            break
    return list(columns)


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
    allow_pickle: bool = False,
    keep_formulas: bool = False,
) -> int:
    """Classify every row of ``path`` into the text stream ``out`` (csv or jsonl); returns the row count.

    The output has every input column (of every JSON record, not only the first), then
    the predictions, renamed by :func:`stance.predict.prediction_names` where the input
    has a column of that name."""
    from stance.predict import prediction_columns, prediction_names

    large = _file_size(path) >= KERNEL_MIN_BYTES * max(jobs, 1)
    _init_worker(model_dir, trust, allow_pickle, large=large)
    inputs = input_columns(path, text_column, encoding)
    names = prediction_names(prediction_columns(_worker_model), inputs)
    columns = inputs + list(names.values())
    jobs_iter = ((batch, text_column, min_confidence, names) for batch in batches(iter_rows(path, text_column, encoding)))
    if jobs > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(
            jobs, initializer=_init_worker, initargs=(model_dir, trust, allow_pickle, True, large)
        )
        results = _bounded(pool, jobs_iter, ahead=2 * jobs)
    else:
        pool, results = None, map(_classify, jobs_iter)
    count = 0
    writer = None
    try:
        for rows in results:
            writer = write_rows(out, rows, fmt, writer, columns, keep_formulas)
            count += len(rows)
            if progress:
                progress(len(rows))
    finally:
        if pool is not None:
            pool.terminate()
    return count


def write_rows(
    out: TextIO,
    rows: list[dict],
    fmt: str,
    writer: tuple | None = None,
    columns: list[str] | None = None,
    keep_formulas: bool = False,
) -> tuple | None:
    """Write classified rows to ``out`` as JSON lines, CSV or TSV (empty cells for None).

    Values JSON has no type for (dates read from Parquet) are written as text.

    A CSV's columns are ``columns`` (default: those of its first row) and its header is
    written once: pass the returned writer back in for the next batch of the same stream.
    Cells a spreadsheet would run as formulas get a leading ``'`` unless ``keep_formulas``
    (:mod:`stance.escaping`).
    """
    if fmt == "jsonl":
        out.write("".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows))
        return None
    if not rows:
        return writer
    if writer is None:
        fieldnames = list(columns or rows[0])
        writer = (_CsvRows(delimiter="\t" if fmt == "tsv" else ","), fieldnames)
        writer[0].write(out, [[name if keep_formulas else neutralise_formula(name) for name in fieldnames]])
    csv_rows, fieldnames = writer
    # Only text can be a formula: numbers and None (an empty cell) skip the check.
    if keep_formulas:
        cells = [["" if value is None else value for value in map(row.get, fieldnames)] for row in rows]
    else:
        cells = [
            [
                "" if value is None else neutralise_formula(value) if value.__class__ is str and value[:1] in _MAY_BE_FORMULA else value
                for value in map(row.get, fieldnames)
            ]
            for row in rows
        ]
    csv_rows.write(out, cells)
    return writer


class _CsvRows:
    """A csv writer that hands a whole batch of rows to the stream in one write. The writer ends
    each row with "\r\n", so that it quotes a field holding CR or LF as
    :func:`stance.escaping.csv_writer` does; the rows are kept in a list (no Python call per row)
    and written with "\n" line ends."""

    def __init__(self, **options) -> None:
        self._rows: list[str] = []
        sink = SimpleNamespace(write=self._rows.append)  # what the writer calls once per row
        self._writer = csv.writer(sink, lineterminator="\r\n", **options)

    def write(self, out: TextIO, rows: list[list]) -> None:
        self._writer.writerows(rows)
        if self._rows:
            out.write("\n".join([row[:-2] for row in self._rows]) + "\n")
            self._rows.clear()


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
