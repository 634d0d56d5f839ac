"""Classify a partitioned archive on a Dask cluster (``stance predict --engine dask``).

Each CSV or JSON-lines input file is one partition (a Parquet file may be split
into several by row group). The files are read with the same row reader as
``stance predict --input`` (:func:`stance.bulk.rows_from_stream`), every worker
process loads the saved model once, each partition goes through the same
:func:`stance.predict.classify_rows`, and each is written as one output file with
the same writer (:func:`stance.bulk.write_rows`). So ``part-00003.csv`` equals
``stance predict --input`` on the fourth input file, row for row.

dask, distributed and pyarrow are the optional ``dask`` extra; this module imports
them only inside its functions, so importing it stays cheap.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from stance.errors import InputError, ModelError, StanceError

FORMATS = ("csv", "jsonl", "parquet")
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
COMPRESSIONS = (".gz", ".bz2", ".xz")  # fsspec opens these by extension (not for Parquet)
NEED_DASK = "--engine dask needs the dask extra: pip install 'stance[dask]'"

_predictors: dict[tuple[str, bool], object] = {}
_predictors_lock = threading.Lock()


@dataclass(frozen=True)
class DatasetJob:
    """Everything a run needs, checked on the client before any worker starts."""

    paths: tuple[str, ...]
    input_format: str
    out: Path
    output_format: str
    model_dir: str
    text_column: str
    input_columns: tuple[str, ...]  # of the first input file
    columns: tuple[str, ...]  # of its output: the input columns, then the predictions
    min_confidence: float = 0.0
    trust: bool = False
    encoding: str = "utf-8"
    force: bool = False
    allow_pickle: bool = False
    keep_formulas: bool = False


def require_dask() -> None:
    """Raise a :class:`StanceError` that says how to install the extra when dask is missing."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise StanceError(f"{NEED_DASK} (no module {exc.name!r} here).") from exc


def format_of(path: str) -> str | None:
    """``csv``, ``jsonl`` or ``parquet`` from a file name (``.csv.gz`` is ``csv``), else None."""
    name = PurePosixPath(path).name.lower()
    for suffix in COMPRESSIONS:
        if name.endswith(suffix) and not name.endswith((".parquet" + suffix, ".pq" + suffix)):
            name = name[: -len(suffix)]
    return EXTENSIONS.get(PurePosixPath(name).suffix)


def expand_inputs(inputs: Sequence[str], input_format: str | None = None) -> tuple[list[str], str]:
    """Input files in a deterministic order, and their common format.

    Each input is a file, a glob (``parts/*.csv``) or a folder (its files with a
    known extension, hidden and ``_``-prefixed ones left out), locally or at any
    address fsspec reads (``s3://`` with s3fs). Inputs keep the order given; the
    files of a glob or folder are sorted by name.
    """
    import fsspec
    from fsspec.implementations.local import LocalFileSystem

    paths: list[str] = []
    for item in inputs:
        fs, path = fsspec.core.url_to_fs(item)
        if any(char in path for char in "*?["):
            found = [p for p in sorted(fs.glob(path)) if fs.isfile(p)]
        elif fs.isdir(path):
            found = sorted(
                p for p in fs.find(path) if not _hidden(p, path) and format_of(p) in ((input_format,) if input_format else FORMATS)
            )
        elif fs.isfile(path):
            found = [path]
        else:
            raise InputError(f"{item}: no such file or folder; check the --input path.")
        if not found:
            raise InputError(
                f"{item}: holds no {input_format or 'CSV, JSONL or Parquet'} file (a folder's files are chosen by extension: "
                "give other names as a glob with --input-format)."
            )
        local = isinstance(fs, LocalFileSystem)
        paths.extend(p if local else fs.unstrip_protocol(p) for p in found)
    paths = list(dict.fromkeys(paths))
    if input_format:
        return paths, input_format
    formats = {path: format_of(path) for path in paths}
    unknown = [path for path, fmt in formats.items() if fmt is None]
    if unknown:
        raise InputError(f"{unknown[0]}: cannot tell its format from its extension; name it with --input-format csv|jsonl|parquet.")
    if len(set(formats.values())) > 1:
        raise InputError(f"the inputs mix formats ({', '.join(sorted(set(formats.values())))}); classify one format per run.")
    return paths, formats[paths[0]]


def _hidden(path: str, root: str) -> bool:
    relative = PurePosixPath(path).relative_to(PurePosixPath(root)) if path.startswith(root) else PurePosixPath(path)
    return any(part.startswith((".", "_")) for part in relative.parts)


def plan_dataset(
    inputs: Sequence[str],
    out: str | Path,
    model_dir: str | Path,
    output_format: str = "csv",
    input_format: str | None = None,
    text_column: str = "text",
    min_confidence: float = 0.0,
    trust: bool = False,
    encoding: str = "utf-8",
    force: bool = False,
    allow_pickle: bool = False,
    keep_formulas: bool = False,
) -> DatasetJob:
    """Check a run on the client: the output, the model (card and SHA-256) and the inputs.

    Cheap mistakes fail here, before a cluster starts. Paths become absolute
    because workers may run in another directory.
    """
    from stance.files import check_output
    from stance.model import load_predictor
    from stance.predict import prediction_names

    require_dask()
    if output_format not in FORMATS:
        raise StanceError(f"--format {output_format}: --engine dask writes {', '.join(FORMATS)}; choose one of them.")
    if input_format is not None and input_format not in FORMATS:
        raise StanceError(f"--input-format {input_format}: choose one of {', '.join(FORMATS)}.")
    if "://" in str(out):
        raise StanceError(f"--out {out}: give a folder on a filesystem every worker can write to (a path, not a URL).")
    out = Path(out).resolve()
    model = load_predictor(model_dir, trust=trust, allow_pickle=allow_pickle)
    paths, input_format = expand_inputs(inputs, input_format)
    check_output(out, force, inputs=[*paths, model_dir], marker="part-*")
    columns = input_columns(paths[0], input_format, text_column, encoding)
    predicted = list(prediction_names(prediction_columns(model), columns).values())
    return DatasetJob(
        paths=tuple(paths),
        input_format=input_format,
        out=out,
        output_format=output_format,
        model_dir=str(Path(model_dir).resolve()),
        text_column=text_column,
        input_columns=tuple(columns),
        columns=tuple(columns + [c for c in predicted if c not in columns]),
        min_confidence=min_confidence,
        trust=trust,
        encoding=encoding,
        force=force,
        allow_pickle=allow_pickle,
        keep_formulas=keep_formulas,
    )


def prediction_columns(model) -> list[str]:
    """The columns :func:`stance.predict.classify_rows` adds, in its order."""
    from stance.predict import prediction_columns as columns

    return columns(model)


def input_columns(path: str, fmt: str, text_column: str, encoding: str = "utf-8") -> list[str]:
    """The columns of one input file (CSV header, first JSON record, Parquet schema); checks ``text_column``."""
    import fsspec

    if fmt == "parquet":
        import pyarrow.parquet as pq

        with fsspec.open(path, "rb") as handle:
            names = list(pq.ParquetFile(handle).schema_arrow.names)
        if text_column not in names:
            raise InputError(f"{path}: no column {text_column!r}; columns are: {', '.join(names)}. Choose one with --text-column.")
        return names
    first = next(_text_rows(path, fmt, text_column, encoding), None)
    return list(first) if first is not None else [text_column]


def _text_rows(path: str, fmt: str, text_column: str, encoding: str) -> Iterator[dict]:
    """Rows of a CSV or JSON-lines file at any address fsspec reads (compressed by extension),
    read like ``stance predict --input`` reads a file (:func:`stance.bulk.rows_from_binary`)."""
    import fsspec

    from stance.bulk import rows_from_binary

    try:
        raw = fsspec.open(path, "rb", compression="infer").open()
    except OSError as exc:
        raise InputError(f"{path}: cannot be opened ({exc}); every worker must be able to read the inputs at this path.") from exc
    with raw:
        yield from rows_from_binary(raw, path, fmt == "jsonl", text_column, encoding)


def read_text_partition(path: str, fmt: str, text_column: str, encoding: str, header: Sequence[str]):
    """One CSV or JSON-lines file as a DataFrame of Python objects (runs on a worker).

    A field a JSON record lacks is NaN, a JSON null is None, so that the output
    rows get back exactly the fields their input rows had. ``header`` names the
    columns of a file without rows.
    """
    import pandas as pd

    rows = list(_text_rows(path, fmt, text_column, encoding))
    return pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(columns=list(header), dtype=object)


def read_partitions(job: DatasetJob):
    """The inputs as a lazy dask DataFrame of object columns, in input order."""
    import dask.dataframe as dd
    import pandas as pd

    if job.input_format == "parquet":
        frame = dd.read_parquet(list(job.paths))
        if job.text_column not in frame.columns:
            raise InputError(f"no column {job.text_column!r} in every Parquet input; choose one with --text-column.")
        meta = pd.DataFrame(columns=list(frame.columns), dtype=object)
        return frame.map_partitions(_nulls_to_none, meta=meta, enforce_metadata=False)
    meta = pd.DataFrame(columns=list(job.input_columns), dtype=object)
    return dd.from_map(
        read_text_partition,
        list(job.paths),
        args=(job.input_format, job.text_column, job.encoding, job.input_columns),
        meta=meta,
        label="stance-read",
        enforce_metadata=False,
    )


def _nulls_to_none(frame):
    """Typed Parquet columns as Python objects, nulls as None (as in JSON)."""
    objects = frame.astype(object)
    return objects.where(frame.notna(), None)


def cached_predictor(model_dir: str, trust: bool = False, allow_pickle: bool = False):
    """The model of ``model_dir``, loaded (and its SHA-256 checked) once per process."""
    import warnings

    from stance.model import PickleWarning, load_predictor

    key = (model_dir, trust, allow_pickle)
    with _predictors_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", PickleWarning)  # said once, by the command
        if key not in _predictors:
            try:
                _predictors[key] = load_predictor(model_dir, trust=trust, allow_pickle=allow_pickle)
            except ModelError as exc:
                raise ModelError(f"{exc} (on a Dask worker: every worker must be able to read the model folder at this path)") from exc
        return _predictors[key]


def classify_partition(
    frame, model_dir: str, text_column: str, min_confidence: float, trust: bool, columns: Sequence[str], allow_pickle: bool = False
):
    """One partition with its predictions added, by :func:`stance.predict.classify_rows` (runs on a worker):
    every input column (of every row), then the predictions, which never overwrite an input column."""
    import pandas as pd

    from stance.predict import classify_rows, prediction_names

    model = cached_predictor(model_dir, trust, allow_pickle)
    inputs = [str(c) for c in frame.columns]
    names = prediction_names(prediction_columns(model), inputs)
    rows = classify_rows(model, frame_rows(frame), text_column, min_confidence, names)
    if not rows:
        return pd.DataFrame(columns=list(columns), dtype=object)
    return pd.DataFrame(rows, columns=inputs + list(names.values()), dtype=object)


def frame_rows(frame) -> list[dict]:
    """A partition's rows as dicts, leaving out fields a row did not have (NaN)."""
    return [{k: v for k, v in record.items() if not _missing(v)} for record in frame.to_dict("records")]


def _missing(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def classify_partitions(frame, job: DatasetJob):
    """Lazy predictions for every partition of ``frame``: input columns, then labels and probabilities."""
    import pandas as pd

    meta = pd.DataFrame(columns=list(job.columns), dtype=object)
    return frame.map_partitions(
        classify_partition,
        job.model_dir,
        job.text_column,
        job.min_confidence,
        job.trust,
        job.columns,
        job.allow_pickle,
        meta=meta,
        enforce_metadata=False,
    )


def part_name(number: int, fmt: str) -> str:
    """The output file of partition ``number``: names sort in input order."""
    return f"part-{number:05d}.{fmt}"


def write_partition(frame, folder: str, fmt: str, keep_formulas: bool = False, partition_info=None):
    """Write one partition of predictions to ``folder`` (runs on a worker); returns its file name and row count."""
    import pandas as pd

    from stance.bulk import write_rows

    number = partition_info["number"] if partition_info else 0
    path = Path(folder) / part_name(number, fmt)
    rows = frame_rows(frame)
    if fmt == "parquet":
        _write_parquet(frame, path)
    else:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            write_rows(stream, rows, fmt, columns=[str(c) for c in frame.columns], keep_formulas=keep_formulas)
    return pd.DataFrame({"file": [path.name], "rows": [len(rows)]})


def _write_parquet(frame, path: Path) -> None:
    import pyarrow as pa

    try:
        frame.to_parquet(path, index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError(
            f"{path.name}: a column mixes types Parquet cannot hold in one column ({exc}); write --format jsonl or csv."
        ) from exc


def predict_dataset(job: DatasetJob, client=None, progress: Callable[[int], None] | None = None) -> int:
    """Classify every partition and write ``job.out`` (one file per partition); returns the row count.

    The files are written to a temporary folder beside ``job.out`` that replaces it
    only when every partition is done, so an interrupted run leaves no partial
    output. With ``client`` (a ``distributed.Client``) the work runs on its
    cluster and ``progress`` is called once per finished partition; without, on
    dask's default scheduler.
    """
    import dask
    import pandas as pd

    from stance.files import atomic_folder

    # dask would turn object columns into pyarrow strings (and JSON values into text).
    with dask.config.set({"dataframe.convert-string": False}), atomic_folder(job.out, force=job.force, marker="part-*") as tmp:
        predictions = classify_partitions(read_partitions(job), job)
        meta = pd.DataFrame({"file": pd.Series(dtype=object), "rows": pd.Series(dtype="int64")})
        written = predictions.map_partitions(
            write_partition, str(tmp), job.output_format, job.keep_formulas, meta=meta, enforce_metadata=False
        )
        parts = written.to_delayed()
        if client is None:
            results = dask.compute(*parts)
        else:
            results = _run_on(client, parts, progress)
    return int(sum(int(result["rows"].sum()) for result in results))


def _run_on(client, parts: list, progress: Callable[[int], None] | None) -> list:
    from distributed import as_completed

    futures = client.compute(parts)
    try:
        for future in as_completed(futures):
            future.result()  # raises the worker's error (an InputError keeps its message)
            if progress:
                progress(1)
        return client.gather(futures)
    finally:
        client.cancel([f for f in futures if not f.done()])


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def check_scheduler_address(address: str) -> None:
    """Refuse a scheduler on another machine reached without TLS.

    Any client that reaches a scheduler can run code on its workers, and the results
    that come back are unpickled here: a shared scheduler must use ``tls://`` with
    certificates that authenticate both sides (docs/dask.md). A plain ``tcp://``
    scheduler is accepted on this machine only."""
    from urllib.parse import urlsplit

    scheme, _, rest = address.partition("://") if "://" in address else ("tcp", "", address)
    host = urlsplit(f"{scheme}://{rest}").hostname or ""
    if scheme in ("tls", "inproc") or (scheme == "tcp" and (host in LOOPBACK_HOSTS or host.startswith("127."))):
        return
    raise StanceError(
        f"--scheduler {address}: a scheduler on another machine must be reached over TLS (tls://HOST:8786) with certificates "
        "for the scheduler, the workers and this client: through plain tcp:// anyone who reaches it can run code on the "
        "workers, and on this computer through the results. See docs/dask.md."
    )


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 1) -> Iterator:
    """A ``distributed.Client``: of the cluster at ``scheduler`` (``tcp://host:8786``),
    or of a new cluster of ``workers`` processes on this machine, closed afterwards."""
    from distributed import Client, LocalCluster

    if scheduler:
        check_scheduler_address(scheduler)
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise StanceError(
                f"--scheduler {scheduler}: no Dask scheduler answers there ({exc}); start one with `dask scheduler`, "
                "or leave --scheduler out to run on this machine."
            ) from exc
        except (TypeError, ValueError) as exc:  # e.g. tls:// without certificates configured
            raise StanceError(
                f"--scheduler {scheduler}: cannot connect ({exc}); set the client's TLS certificate, key and CA as docs/dask.md shows."
            ) from exc
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.CRITICAL
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
