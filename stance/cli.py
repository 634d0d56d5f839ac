"""The `stance` command line: parses options, calls the library, formats output."""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import os
import shlex
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from stance import __version__
from stance.escaping import printable
from stance.table import format_cell as _cell
from stance.table import format_table as _table

DEFAULT_LABEL_DIR = Path(__file__).resolve().parent.parent / "labels"
FORMATS = ("table", "json", "jsonl", "csv", "tsv")
SPLIT_CHOICES = ("group", "document", "source", "date")
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)  # shares of each training part for `evaluate --learning-curve`
SPLIT_HELP = (
    "Keep near-duplicates (group), or also whole source documents (document) on one side of each split; source: hold "
    "out each corpus in turn (leave-one-corpus-out); date: train on earlier statements, test on the latest 20%."
)


def user_errors(func):
    """Turn the library's input errors into clean messages with exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from stance.errors import OutputExistsError, StanceError

        caught: list = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                return func(*args, **kwargs)
        except (StanceError, OutputExistsError, ValueError) as exc:
            raise click.ClickException(printable(str(exc))) from exc
        finally:  # also when the command fails: a warning may say why (an unpickled model)
            for warning in caught:
                # Our own notices (e.g. a model from another scikit-learn version), not
                # libraries' deprecation chatter.
                if not issubclass(warning.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)) and (
                    "stance" in str(warning.filename) or "scikit-learn" in str(warning.message)
                ):
                    click.echo(f"Warning: {printable(str(warning.message))}", err=True)

    return wrapper


def output_options(func):
    """The shared ``--format`` and ``--out`` options."""
    func = click.option("--out", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")(func)
    func = click.option("--force", is_flag=True, help="Replace --out if it exists.")(func)
    func = wide_option(func)
    func = formulas_option(func)
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")(func)


def formulas_option(func):
    """``--keep-formulas``: CSV cells that start with = + - @ are written as they are."""

    def remember(ctx, _param, value):
        ctx.meta["stance.keep_formulas"] = value

    return click.option(
        "--keep-formulas",
        is_flag=True,
        expose_value=False,
        callback=remember,
        help="CSV/TSV: write cells that start with = + - @ or a tab as they are. By default they get a leading ' so a "
        "spreadsheet shows them as text instead of running them as formulas (stance reads them back without it).",
    )(func)


def _keep_formulas() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("stance.keep_formulas"))


def wide_option(func):
    """``--wide``: tables show every cell in full instead of cutting long text at 60 characters."""

    def remember(ctx, _param, value):
        ctx.meta["stance.wide"] = value

    return click.option(
        "--wide", is_flag=True, expose_value=False, callback=remember, help="Tables: show full text, not cut at 60 characters."
    )(func)


def _wide() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("stance.wide"))


def emit(rows: list[dict], columns: list[str], fmt: str, out: str | None, force: bool) -> None:
    """Write rows as a table, JSON, JSON lines or CSV to stdout or (atomically) to a file."""
    text = render(rows, columns, fmt, wide=_wide(), keep_formulas=_keep_formulas())
    if out:
        from stance.files import write_text

        write_text(out, text, force=force)
        click.echo(f"Wrote {len(rows)} rows to {out}", err=True)
    else:
        click.echo(for_terminal(text), nl=not text.endswith("\n"))


STREAM_ROWS = 1000  # rows per write of emit_stream


def emit_stream(rows: Iterable[dict], columns: list[str], fmt: str, out: str | None, force: bool) -> None:
    """:func:`emit` for JSON lines, JSON, CSV and TSV, written as the rows come, a thousand at a
    time (same bytes as :func:`render`); to a file through a temporary file renamed at the end.
    The first row is asked for before the output is opened, so an input error leaves nothing."""
    from stance.files import atomic_path

    rows = iter(rows)
    first = next(rows, None)
    chunks = rendered_chunks(itertools.chain([first], rows) if first is not None else iter(()), columns, fmt, _keep_formulas())
    count = 0
    if out:
        with atomic_path(out, force) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
            for text, rows_in_chunk in chunks:
                handle.write(text)
                count += rows_in_chunk
        click.echo(f"Wrote {count} rows to {out}", err=True)
        return
    written = ""
    for text, _ in chunks:
        if text:
            click.echo(for_terminal(text), nl=False)
            written = text
    if not written.endswith("\n"):
        click.echo("")  # what emit prints for an empty output: one line end


def rendered_chunks(rows: Iterator[dict], columns: list[str], fmt: str, keep_formulas: bool = False) -> Iterator[tuple[str, int]]:
    """``render(rows, columns, fmt)`` as pieces of text (and the rows in each), :data:`STREAM_ROWS` rows at a time."""
    if fmt in ("csv", "tsv"):
        from stance.escaping import csv_dict_writer, neutralise_formula

        guard = (lambda value: value) if keep_formulas else neutralise_formula
        buffer = io.StringIO()
        writer = csv_dict_writer(buffer, columns, delimiter="\t" if fmt == "tsv" else ",")
        writer.writerow({c: guard(c) for c in columns})
        for batch in _batches(rows):
            writer.writerows({c: "" if r.get(c) is None else guard(r.get(c)) for c in columns} for r in batch)
            yield _take(buffer), len(batch)
        yield _take(buffer), 0  # the header of an empty output
    elif fmt == "jsonl":
        for batch in _batches(rows):
            encode = _JSON_LINE.encode  # json.dumps(..., ensure_ascii=False) without a new encoder per row
            yield "".join(encode({c: r.get(c) for c in columns}) + "\n" for r in batch), len(batch)
    elif fmt == "json":  # json.dumps(records, indent=2), one record at a time
        opening = "[\n"
        for batch in _batches(rows):
            parts = [_json_record(r, columns) for r in batch]
            yield opening + ",\n".join(parts), len(batch)
            opening = ",\n"
        yield ("[]\n" if opening == "[\n" else "\n]\n"), 0
    else:
        raise ValueError(f"{fmt} output is not streamed; use emit")


_JSON_LINE = json.JSONEncoder(ensure_ascii=False)


def _batches(rows: Iterator[dict]) -> Iterator[list[dict]]:
    while batch := list(itertools.islice(rows, STREAM_ROWS)):
        yield batch


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _json_record(row: dict, columns: list[str]) -> str:
    """One record as ``json.dumps([...], indent=2)`` writes it inside the list (JSON strings hold no raw line break)."""
    text = json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, indent=2)
    return "  " + text.replace("\n", "\n  ")


def for_terminal(text: str) -> str:
    """Machine formats printed on a terminal show control characters as escapes (an ESC
    sequence in a statement would otherwise drive the terminal); in a pipe they stay."""
    return printable(text) if sys.stdout.isatty() else text


def render(rows: list[dict], columns: list[str], fmt: str, wide: bool = False, keep_formulas: bool = False) -> str:
    records = [{c: row.get(c) for c in columns} for row in rows]
    if fmt in ("csv", "tsv"):
        from stance.escaping import csv_dict_writer, neutralise_formula

        guard = (lambda value: value) if keep_formulas else neutralise_formula
        buffer = io.StringIO()
        writer = csv_dict_writer(buffer, columns, delimiter="\t" if fmt == "tsv" else ",")  # a field with a CR is quoted too
        writer.writerow({c: guard(c) for c in columns})
        writer.writerows({k: "" if v is None else guard(v) for k, v in r.items()} for r in records)
        return buffer.getvalue()
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    return _table(records, columns, width=None if wide else 60)


def _known_encoding(_ctx, _param, value: str) -> str:
    """--encoding must name a codec Python knows (checked before any input is read)."""
    import codecs

    try:
        codecs.lookup(value)
    except LookupError as exc:
        raise click.BadParameter(f"unknown encoding {value!r}; use a Python codec name such as utf-8, cp1252 or latin-1.") from exc
    return value


def _stdin_text(encoding: str) -> str:
    """Standard input, decoded, read with a cap (stance.sources.read_input_bytes)."""
    from stance.sources import decode_bytes, read_input_bytes

    return decode_bytes(read_input_bytes(None, "-"), "-", encoding)


def check_output(target, force: bool, inputs=(), option: str = "--out", marker: str | None = None) -> None:
    """Refuse an output that is (or holds) an input, exists without --force, or cannot be written, before any work."""
    from stance.files import check_output as check

    check(target, force, inputs, option, marker)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version")
def cli() -> None:
    """Tell what officials are doing when they speak: stance and tone of statements.

    \b
    Example:
      stance predict "The United States condemns the DPRK's ballistic missile launch."
    """


# --- extract -----------------------------------------------------------------


@cli.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "--evaluate",
    "gold",
    type=click.Path(exists=True, file_okay=False),
    help="Instead of extracting, score the extractor on a gold folder (docs/ + annotations/).",
)
@click.option(
    "--mode",
    type=click.Choice(["auto", "quotes", "sentences", "transcript"]),
    default="auto",
    show_default=True,
    help="quotes: find quotations in news text; sentences: every sentence is the speaker's; transcript: speaker turns; auto: decide per document.",
)
@click.option("--text-field", help="JSON/JSONL field holding the text (default: auto-detect text, story_text, answer, content, ...).")
@click.option("--speaker-field", help="JSON/JSONL field holding the speaker (default: auto-detect speaker, spokesperson, ...).")
@click.option("--date-field", help="JSON/JSONL field holding the date.")
@click.option("--encoding", default="utf-8", show_default=True, callback=_known_encoding, help="Encoding of the input files.")
@click.option("--min-words", default=3, show_default=True, help="Drop partial quotes shorter than this (scare quotes like “normal”).")
@click.option("--include-unattributed", is_flag=True, help="Also report quotations with no speaker found.")
@click.option(
    "--all-quotes",
    is_flag=True,
    help="Report every quotation: single words, scare quotes and titles too (same as --min-words 1 --include-unattributed plus titles).",
)
@click.option("--no-questions", is_flag=True, help="Leave out reporters' questions.")
@click.option(
    "--speaker", "whole_speaker", metavar="NAME", help="Every input is this speaker's own speech or statement (one-speaker documents)."
)
@click.option(
    "--side", "whole_side", metavar="SIDE", help="The side of --speaker (US, ROK, DPRK, China, ...), or of every input's speakers."
)
@output_options
@user_errors
def extract(
    inputs,
    gold,
    mode,
    text_field,
    speaker_field,
    date_field,
    encoding,
    min_words,
    include_unattributed,
    all_quotes,
    no_questions,
    whole_speaker,
    whole_side,
    fmt,
    out,
    force,
):
    """Split quoted statements out of articles, transcripts and JSONL corpora.

    INPUTS are files, folders or - for standard input.

    \b
    Example:
      stance extract article.txt --format csv -o statements.csv
      stance extract briefings.jsonl --text-field text --format jsonl
      stance extract speech.txt --speaker "Prime Minister Kishida" --side Japan
      stance extract --evaluate tests/data/gold
    """
    if gold:
        from stance.gold import evaluate_gold

        click.echo(evaluate_gold(gold).as_text())
        return
    if not inputs:
        raise click.UsageError("give at least one file, folder or - (stdin) to extract from")

    from stance.extract import ExtractOptions, canonical_rows, extract_statements
    from stance.sources import FieldMap, read_documents
    from stance.statement import OUTPUT_COLUMNS

    if out:
        check_output(out, force, inputs)
    stdin_text = _stdin_text(encoding) if "-" in inputs else None
    documents = read_documents(inputs, FieldMap(text=text_field, speaker=speaker_field, date=date_field), stdin_text, encoding)
    if all_quotes:
        min_words, include_unattributed = 1, True
    options = ExtractOptions(
        mode=mode,
        min_partial_words=min_words,
        include_unattributed=include_unattributed,
        include_titles=all_quotes,
        speaker=whole_speaker,
        side=whole_side,
    )
    statements = (s for s in extract_statements(documents, options) if not (no_questions and s.kind == "question"))
    rows = canonical_rows(s.as_row() for s in statements)
    if fmt == "table":  # column widths need every row: a table is for people, not streamed
        columns = ["id", "speaker", "speaker_resolved", "speaker_side", "cue", "kind", "start", "end", "text"]
        emit(list(rows), columns, fmt, out, force)
    else:
        emit_stream(rows, list(OUTPUT_COLUMNS), fmt, out, force)


# --- labels ------------------------------------------------------------------


@cli.group()
def labels() -> None:
    """Check label files and measure agreement between annotators."""


@labels.command("check")
@click.argument("paths", nargs=-1)
@click.option("--any-labels", is_flag=True, help="Accept any label values (for your own label sets).")
@click.option("--target", "targets", multiple=True, default=("stance", "tone"), show_default=True, help="Label columns to check.")
@click.option("--text-column", default="text", show_default=True, help="Column holding the statements.")
@click.option("--id-column", default="id", show_default=True, help="Column holding the ids (a file may have none).")
def labels_check(paths, any_labels, targets, text_column, id_column):
    """Validate label CSVs: columns, empty or unknown labels, duplicate ids, conflicts.

    PATHS are files or folders (default: labels/). Column names are matched exactly;
    a missing one is reported with the closest name found (ignoring case).

    \b
    Example:
      stance labels check labels/
      stance labels check theirs.csv --any-labels --target Stance --text-column Tweet --id-column ID
    """
    from stance.labels import check_labels

    paths = paths or (str(DEFAULT_LABEL_DIR),)
    problems = check_labels(paths, targets, allowed={} if any_labels else None, text_column=text_column, id_column=id_column)
    for problem in problems:
        click.echo(printable(str(problem)), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found.")
    click.echo(f"OK: no problems in {', '.join(paths)}")


@labels.command("agreement")
@click.argument("first", type=click.Path(exists=True, dir_okay=False))
@click.argument("second", type=click.Path(exists=True, dir_okay=False))
@click.option("--target", "targets", multiple=True, default=("stance", "tone"), show_default=True)
@user_errors
def labels_agreement(first, second, targets):
    """Cohen's kappa and raw agreement between two annotators' files (matched by id).

    \b
    Example:
      stance labels agreement labels/double/A.csv labels/double/B.csv
    """
    from stance.agreement import agreement

    for target in targets:
        result = agreement(first, second, target)
        click.echo(f"{target}: {result.n} shared rows, agreement {result.observed:.3f}, Cohen's kappa {result.kappa:.3f}")
        click.echo("  per class (one label against the rest): " + ", ".join(f"{k} {v:.3f}" for k, v in result.per_class.items()))


@labels.command("audit")
@click.argument("paths", nargs=-1)
@click.option("--target", "targets", multiple=True, default=("stance", "tone"), show_default=True)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.8,
    show_default=True,
    help="List rows the model contradicts with at least this probability.",
)
@click.option("--folds", default=5, show_default=True)
@click.option("--seed", default=0, show_default=True)
@output_options
@user_errors
def labels_audit(paths, targets, threshold, folds, seed, fmt, out, force):
    """Find likely label errors: rows an out-of-fold model confidently disagrees with.

    Write them to a CSV, fill in `decision` (keep or change, and `new_label`),
    then record the decisions with `stance labels apply-audit`.

    \b
    Example:
      stance labels audit labels/ --format csv -o audit.csv
      stance labels apply-audit audit.csv
    """
    import pandas as pd

    from stance.active import AUDIT_COLUMNS, audit

    if out:
        check_output(out, force, paths or (str(DEFAULT_LABEL_DIR),))
    _, frame = _training_frame(paths, targets, "text")
    found = pd.concat([audit(frame, t, threshold, "group", folds, seed) for t in targets], ignore_index=True)
    columns = ["target", "label", "predicted", "confidence", "id", "text"] if fmt == "table" else AUDIT_COLUMNS
    emit(found.to_dict(orient="records"), columns, fmt, out, force)
    click.echo(f"{len(found)} rows to review (threshold {threshold}).", err=True)


@labels.command("apply-audit")
@click.argument("audit_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--labels",
    "label_paths",
    multiple=True,
    default=(str(DEFAULT_LABEL_DIR),),
    show_default=True,
    help="Label files or folders the audit was made from; the audit may change only these files, and only their label columns.",
)
@user_errors
def labels_apply_audit(audit_file, label_paths):
    """Record review decisions from an audit CSV in the label files.

    decision=keep marks the row reviewed; decision=change sets new_label (or the
    predicted label). The `reviewed` column says `audit:keep` or `audit:change`.

    \b
    Example:
      stance labels apply-audit audit.csv --labels labels/
    """
    from stance.active import apply_audit
    from stance.labels import DEFAULT_LABELS

    counts = apply_audit(audit_file, DEFAULT_LABELS, list(label_paths))
    click.echo(f"{counts['keep']} kept, {counts['change']} changed.")


# --- train / evaluate ----------------------------------------------------------


# `--jobs auto`: one process below this many labelled statements, every core from it on.
# Measured with `scripts/benchmark_training.py --jobs-sweep` (docs/defaults.md): below it,
# starting worker processes and copying the data to them costs more than the second core saves.
PARALLEL_MIN_ROWS = 20_000
JOBS_HELP = (
    f"Worker processes; auto: 1 below {PARALLEL_MIN_ROWS:,} labelled statements (where worker processes cost more "
    "time and memory than they save), all cores from there on."
)
ID_COLUMN_HELP = "Column holding the ids; optional: without it, each statement's id is made from its text (t_ + SHA-1)."


def _jobs_value(_ctx, _param, value):
    """``auto`` or a whole number of at least 1."""
    if str(value).strip().lower() == "auto":
        return "auto"
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise click.BadParameter(f"{value!r} is neither auto nor a whole number of at least 1.")
    return jobs


def training_jobs(jobs, rows: int) -> int:
    """The processes to use for ``rows`` labelled statements: ``jobs``, or for ``auto`` one
    below :data:`PARALLEL_MIN_ROWS` and every core from there on."""
    if jobs != "auto":
        return int(jobs)
    return 1 if rows < PARALLEL_MIN_ROWS else max(1, os.cpu_count() or 1)


def _metric_value(_ctx, _param, value):
    from stance.errors import StanceError
    from stance.tune import parse_metric

    try:
        return parse_metric(value)
    except StanceError as exc:
        raise click.BadParameter(str(exc).removeprefix("--metric ")) from exc


def metric_option(help_text: str):
    return click.option("--metric", default="macro-f1", show_default=True, callback=_metric_value, metavar="METRIC", help=help_text)


def _check_metric(metric, frame, targets) -> None:
    for target in targets:
        metric.check_labels(target, frame[target])


def _training_frame(paths, targets, text_column, id_column="id"):
    from stance.labels import load_labels

    paths = paths or (str(DEFAULT_LABEL_DIR),)
    return paths, load_labels(paths, targets, text_column, id_column)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--out", "-o", type=click.Path(file_okay=False), help="Model folder to write [default: models/default].")
@click.option("--force", is_flag=True, help="Replace the model folder if it exists.")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option(
    "--target",
    "--label-column",
    "targets",
    multiple=True,
    default=("stance", "tone"),
    show_default=True,
    help="Label columns to train on (repeat for several).",
)
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default="id", show_default=True, help=ID_COLUMN_HELP)
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds for the card's metrics (0 to skip).")
@click.option("--split-by", type=click.Choice(SPLIT_CHOICES), default="group", show_default=True, help=SPLIT_HELP)
@click.option(
    "--params", "params_path", type=click.Path(exists=True, dir_okay=False), help="Parameters per target from `stance tune --out`."
)
@click.option(
    "--tune",
    is_flag=True,
    help="Choose n-grams, min_df, C (0.1 to 100) and class weights per target on a validation part of the labels "
    "(the `stance tune` grid, scored by --metric), then train on all of them; the card records the choice and every grid point's score.",
)
@metric_option("With --tune: what the search maximises: macro-f1, f1:LABEL,LABEL (F1 averaged over those labels) or accuracy.")
@click.option("--jobs", default="auto", show_default=True, callback=_jobs_value, metavar="auto|N", help=JOBS_HELP)
@click.option(
    "--unseen-sources",
    is_flag=True,
    help="Also hold out each corpus in turn (needs a corpus or source column) and record that figure in the card: "
    "the accuracy to expect on a source the model has never seen.",
)
@click.option(
    "--test",
    "test_paths",
    multiple=True,
    type=click.Path(exists=True),
    help="A frozen test set (files or folders) to score the trained model on; the figure goes into the card.",
)
@user_errors
def train(
    paths, out, force, seed, targets, text_column, id_column, folds, split_by, params_path, tune, metric, jobs, unseen_sources, test_paths
):
    """Train one classifier per target from label CSVs and save it with its card.

    PATHS are label files or folders (default: labels/). The card records the in-domain
    cross-validated figures, and with --unseen-sources and --test the figures on corpora
    held out and on a frozen test set, and the behaviour suite's pass rates.

    \b
    Example:
      stance train labels/ --out models/default --force --unseen-sources --test labels/test/
      stance train labels/ --tune --jobs 2 --out models/tuned
      stance train theirs.csv --target Stance --text-column Tweet --tune --metric f1:FAVOR,AGAINST -o models/theirs
    """
    from stance.evaluate import evaluate_targets
    from stance.features import DEFAULT_PARAMETERS
    from stance.model import DEFAULT_MODEL_DIR, Model, fit_targets, make_card, save_model

    if tune and params_path:
        raise click.UsageError("--tune chooses the parameters itself; pass either --tune or --params, not both.")
    targets = list(dict.fromkeys(targets))
    out = Path(out) if out else DEFAULT_MODEL_DIR
    check_output(out, force, [*(paths or (str(DEFAULT_LABEL_DIR),)), *test_paths, params_path], marker="model_card.json")
    paths, frame = _training_frame(paths, targets, text_column, id_column)
    jobs = training_jobs(jobs, len(frame))
    tuned = _read_params(params_path, targets) if params_path else {}
    tuning = None
    if tune:
        from stance.tune import GRID, search_targets, tuning_record

        _check_metric(metric, frame, targets)
        results = search_targets(frame, targets, seed, n_jobs=jobs, metric=metric)
        tuning = tuning_record(frame, results, seed, GRID, metric)
        for target, (best, _) in results.items():
            tuned[target] = best
            click.echo(
                f"{target}: chose {', '.join(f'{k}={v}' for k, v in best.items())} "
                f"(validation {metric} {tuning['targets'][target]['validation_score']:.3f})",
                err=True,
            )
    metrics = {}
    if folds:
        evaluations = evaluate_targets(frame, {t: tuned.get(t, {}) for t in targets}, split_by, folds, seed, baselines=False, n_jobs=jobs)
        for target in targets:
            metrics[target] = evaluations[target].summary()
            click.echo(
                f"{target}: cross-validated macro-F1 {metrics[target]['macro_f1']:.3f} "
                f"(majority baseline {metrics[target]['baseline_macro_f1']:.3f})",
                err=True,
            )
    pipelines = fit_targets(frame, targets, seed, tuned, n_jobs=jobs)
    command = (
        shlex.join(["stance", *sys.argv[1:]]) if sys.argv[1:2] == ["train"] else f"stance train {shlex.join(map(str, paths))} --seed {seed}"
    )
    parameters = (
        {**DEFAULT_PARAMETERS, "per_target": {t: {**DEFAULT_PARAMETERS, **tuned.get(t, {})} for t in targets}}
        if tuned
        else DEFAULT_PARAMETERS
    )
    card = make_card(frame, pipelines, seed, [str(p) for p in paths], metrics, parameters, command, tuning)
    card.update(
        _held_out_figures(
            frame, pipelines, {t: tuned.get(t, {}) for t in targets}, seed, jobs, unseen_sources, test_paths, text_column, id_column
        )
    )
    card["behaviour"] = _behaviour_figures(Model(pipelines, card)) if "stance" in targets else {}
    save_model(out, Model(pipelines, card), force=force)  # checked again at the save: the folder may have appeared meanwhile
    click.echo(f"Saved model for {', '.join(targets)} trained on {len(frame)} statements to {out}")


def _held_out_figures(
    frame, pipelines, parameters: dict, seed: int, jobs: int, unseen_sources: bool, test_paths, text_column: str, id_column: str = "id"
) -> dict:
    """The card's figures on data the model never saw: corpora held out in turn, a frozen test set
    (scored with the trained ``pipelines``)."""
    from stance.evaluate import evaluate_targets, score_test_set

    figures = {}
    if unseen_sources:
        results = evaluate_targets(frame, parameters, "source", 0, seed, baselines=False, n_jobs=jobs)
        figures["unseen_sources"] = {t: r.summary() for t, r in results.items()}
        for target, summary in figures["unseen_sources"].items():
            click.echo(f"{target}: macro-F1 with each corpus held out {summary['macro_f1']:.3f}", err=True)
    if test_paths:
        from stance.labels import load_labels

        test = load_labels(test_paths, list(parameters), text_column, id_column)
        texts = test["text"].tolist()
        results = {
            t: score_test_set(test, t, p.classes_, p.predict_proba(texts), frame[t].value_counts().idxmax()) for t, p in pipelines.items()
        }
        figures["natural_test"] = {t: {**r.summary(), "paths": [str(p) for p in test_paths]} for t, r in results.items()}
        for target, summary in figures["natural_test"].items():
            click.echo(f"{target}: macro-F1 on the test set {summary['macro_f1']:.3f} ({summary['rows']} statements)", err=True)
    return figures


def _behaviour_figures(model) -> dict:
    from stance.behaviour import run_behaviour

    return {capability: round(entry["pass_rate"], 4) for capability, entry in run_behaviour(model).items()}


def pickle_option(func):
    """``--allow-pickle``: a model folder without arrays may be unpickled (it can run code)."""
    return click.option(
        "--allow-pickle",
        is_flag=True,
        help="Load a model folder that has only model.joblib (no model arrays). Unpickling can run any code: "
        "only for a model you made or trust. Never needed for a model this stance saved.",
    )(func)


def _looks_like_jsonl(text: str) -> bool:
    """Standard input has no file name: JSON lines start with a line that is a JSON object."""
    first = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    if not first.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def _read_pool(path: str, text_column: str) -> list[dict]:
    """Statements to label: a CSV with a text column, or JSON lines from `stance extract`."""
    from stance.bulk import iter_rows, rows_from_stream

    if path == "-":
        text = _stdin_text("utf-8")
        rows = rows_from_stream(io.StringIO(text), "-", _looks_like_jsonl(text), text_column)
    else:
        rows = iter_rows(path, text_column)
    pool = []
    for row in rows:
        row = {k: "" if v is None else str(v) for k, v in row.items()}
        row["text"] = row.get(text_column) or ""
        pool.append(row)
    return pool


@cli.command()
@click.argument("pool", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False), help="Label file to append decisions to (created if missing).")
@click.option(
    "--labels",
    "labels_dir",
    default=str(DEFAULT_LABEL_DIR),
    show_default=True,
    help="Statements labelled anywhere here are not shown again.",
)
@click.option(
    "--model", "-m", "model_dir", type=click.Path(file_okay=False), help="Model whose suggestions are shown [default: the shipped model]."
)
@click.option("--annotator", default=lambda: os.environ.get("USER") or "annotator", help="Your name, recorded in labelled_by.")
@click.option("--text-column", default="text", show_default=True)
@pickle_option
@user_errors
def label(pool, out, labels_dir, model_dir, annotator, text_column, allow_pickle):
    """Label statements one at a time in the terminal; every decision is saved at once.

    Shows each statement with its speaker, source and the sentence before it, and
    the model's suggestion. One key per label, Enter accepts the suggestion,
    s skips, u undoes, q quits. Run it again to resume.

    \b
    Example:
      stance suggest pool.csv -n 50 -o next.csv && stance label next.csv --out labels/new.csv
    """
    from stance.active import already_labelled
    from stance.labeller import run_session
    from stance.model import DEFAULT_MODEL_DIR, load_predictor

    if pool != "-" and os.path.realpath(out) == os.path.realpath(pool):
        raise click.BadParameter("the label file cannot be the pool it labels; choose another file.", param_hint="--out")
    model = load_predictor(model_dir or DEFAULT_MODEL_DIR, allow_pickle=allow_pickle)
    rows = _read_pool(pool, text_column)
    seen_ids, seen_texts = already_labelled([labels_dir, out])
    counts = run_session(rows, model, Path(out), seen_ids, seen_texts, annotator, click.getchar, click.echo)
    click.echo(f"\n{counts['labelled']} labelled, {counts['skipped']} skipped, {counts['remaining']} left; saved in {out}")


@cli.command()
@click.argument("pool", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("-n", "count", default=50, show_default=True, help="How many statements to propose.")
@click.option("--labels", "labels_dir", default=str(DEFAULT_LABEL_DIR), show_default=True, help="Statements labelled here are left out.")
@click.option("--model", "-m", "model_dir", type=click.Path(file_okay=False), help="Model folder [default: the shipped model].")
@click.option("--text-column", default="text", show_default=True)
@pickle_option
@output_options
@user_errors
def suggest(pool, count, labels_dir, model_dir, text_column, allow_pickle, fmt, out, force):
    """Propose the statements to label next: the model's most uncertain, without near-duplicates.

    \b
    Example:
      stance extract briefings.jsonl --format csv -o pool.csv
      stance suggest pool.csv -n 50 --format csv -o next.csv
    """
    import pandas as pd

    from stance.active import already_labelled
    from stance.active import suggest as rank
    from stance.labeller import statement_id
    from stance.model import DEFAULT_MODEL_DIR, load_predictor

    if out:
        check_output(out, force, [pool, labels_dir])
    model = load_predictor(model_dir or DEFAULT_MODEL_DIR, allow_pickle=allow_pickle)
    rows = _read_pool(pool, text_column)
    for row in rows:
        row["id"] = statement_id(row)
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["id", "text"])
    seen_ids, seen_texts = already_labelled([labels_dir])
    chosen = rank(frame, model, count, seen_ids, seen_texts)
    records = chosen.to_dict(orient="records")
    columns = ["id", "uncertainty", "text"] if fmt == "table" else list(chosen.columns)
    emit(records, columns, fmt, out, force)


def _read_params(path: str, targets) -> dict:
    """Parameters per target from `stance tune --out`, checked against the known names."""
    from stance.features import DEFAULT_PARAMETERS

    try:
        params = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: not a JSON file of parameters ({exc}); write it with `stance tune --out`.") from exc
    for target, values in params.items():
        unknown = set(values) - set(DEFAULT_PARAMETERS) if isinstance(values, dict) else {"(not an object)"}
        if unknown:
            raise click.ClickException(
                f"{path}: {target}: unknown parameters {', '.join(sorted(unknown))}; known: {', '.join(DEFAULT_PARAMETERS)}."
            )
    return {t: params.get(t, {}) for t in targets}


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--target", "--label-column", "targets", multiple=True, default=("stance", "tone"), show_default=True, help="Label columns to tune."
)
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default="id", show_default=True, help=ID_COLUMN_HELP)
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Write the chosen parameters here (JSON) for `stance train --params`.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--nested/--no-nested", default=True, show_default=True, help="Also measure the tuned model by nested cross-validation.")
@click.option("--split-by", type=click.Choice(SPLIT_CHOICES), default="group", show_default=True, help=SPLIT_HELP)
@click.option("--folds", default=5, show_default=True)
@click.option("--seed", default=0, show_default=True)
@metric_option("What the search maximises: macro-f1, f1:LABEL,LABEL (F1 averaged over those labels, e.g. f1:FAVOR,AGAINST) or accuracy.")
@click.option("--jobs", default="auto", show_default=True, callback=_jobs_value, metavar="auto|N", help=JOBS_HELP)
@user_errors
def tune(paths, targets, text_column, id_column, out, force, nested, split_by, folds, seed, metric, jobs):
    """Choose n-grams, min_df, C and class weights on training data only.

    The grid (word 1-2 + char 3-4 and word 1-3 + char 2-5 features, min_df 1 or 2,
    C from 0.1 to 100, balanced or no class weights) is searched on a validation part
    of the training groups, scored by --metric; with --nested the whole search is
    repeated inside every outer fold, so the reported score never saw its test part.

    \b
    Example:
      stance tune labels/ --out params.json && stance train labels/ --params params.json --force
      stance tune theirs.csv --target Stance --text-column Tweet --metric f1:FAVOR,AGAINST --no-nested
    """
    from stance.files import write_text
    from stance.tune import nested_evaluation, select_parameters

    if out:
        check_output(out, force, paths or (str(DEFAULT_LABEL_DIR),))
    _, frame = _training_frame(paths, targets, text_column, id_column)
    _check_metric(metric, frame, targets)
    jobs = training_jobs(jobs, len(frame))
    chosen = {}
    for target in targets:
        if nested:
            result = nested_evaluation(frame, target, split_by, folds, seed, n_jobs=jobs, metric=metric)
            click.echo(
                f"{target}: nested cross-validation ({split_by}) {metric} tuned {result['tuned_score']:.3f}, "
                f"defaults {result['default_score']:.3f}; chosen per fold: {result['chosen_per_fold']}"
            )
        params, table = select_parameters(frame, target, seed, n_jobs=jobs, metric=metric)
        chosen[target] = params
        click.echo(f"{target}: parameters chosen on all labels: {params}")
        click.echo(f"  best validation {metric}:")
        for row in sorted(table, key=lambda r: -r["validation_score"])[:5]:
            click.echo(f"    {row['validation_score']:.3f}  " + ", ".join(f"{k}={v}" for k, v in row.items() if k != "validation_score"))
    if out:
        write_text(out, json.dumps(chosen, indent=2) + "\n", force=force)
        click.echo(f"Wrote {out}", err=True)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--target", "--label-column", "targets", multiple=True, default=("stance", "tone"), show_default=True, help="Label columns to evaluate."
)
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default="id", show_default=True, help=ID_COLUMN_HELP)
@click.option("--split-by", type=click.Choice(SPLIT_CHOICES), default="group", show_default=True, help=SPLIT_HELP)
@click.option("--folds", default=5, show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--learning-curve", is_flag=True, help="Also report macro-F1 when training on 25/50/75/100% of each training fold.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help="Also write evaluation.md/.html with confusion-matrix and learning-curve pictures here.",
)
@click.option("--force", is_flag=True, help="Replace --report if it exists.")
@click.option(
    "--params", "params_path", type=click.Path(exists=True, dir_okay=False), help="Parameters per target from `stance tune --out`."
)
@click.option(
    "--test",
    "test_paths",
    multiple=True,
    type=click.Path(exists=True),
    help="Instead of cross-validating, train on PATHS and score this frozen test set (files or folders; repeatable).",
)
@click.option(
    "--behaviour",
    is_flag=True,
    help="Instead of cross-validating, run the behaviour suite (negation, paraphrase, invariance, out-of-scope) on --model.",
)
@click.option(
    "--model", "-m", "model_dir", type=click.Path(file_okay=False), help="With --behaviour: model folder [default: the shipped model]."
)
@metric_option("Also report this score: f1:LABEL,LABEL (F1 averaged over those labels, e.g. f1:FAVOR,AGAINST) or accuracy.")
@click.option("--jobs", default="auto", show_default=True, callback=_jobs_value, metavar="auto|N", help=JOBS_HELP)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@user_errors
def evaluate(
    paths,
    targets,
    text_column,
    id_column,
    split_by,
    folds,
    seed,
    learning_curve,
    fmt,
    report_dir,
    force,
    params_path,
    test_paths,
    behaviour,
    model_dir,
    metric,
    jobs,
    quiet,
):
    """Cross-validate the classifier: per-class P/R/F1, macro-F1 with a 95 % interval, confusion matrix, baselines.

    --split-by source holds out each corpus in turn (the figure for sources the model has
    never seen); --test scores a frozen test set; --behaviour runs the behaviour suite.

    \b
    Example:
      stance evaluate labels/ --split-by source
      stance evaluate labels/ --test labels/test/
      stance evaluate --behaviour
      stance evaluate labels/ --learning-curve --report evaluation/
    """
    from stance.evaluate import evaluate_on_test, evaluate_targets, format_evaluation, format_learning_curve
    from stance.evaluate import folds as fold_parts
    from stance.evaluate import learning_curve as compute_curve

    if behaviour:
        _evaluate_behaviour(model_dir, fmt)
        return
    if report_dir:
        check_output(report_dir, force, [*(paths or (str(DEFAULT_LABEL_DIR),)), *test_paths], option="--report", marker="evaluation.md")
    _, frame = _training_frame(paths, targets, text_column, id_column)
    _check_metric(metric, frame, targets)
    jobs = training_jobs(jobs, len(frame))
    tuned = _read_params(params_path, targets) if params_path else {}
    parameters = {target: tuned.get(target, {}) for target in targets}
    # One step for the evaluation, then one per learning-curve fit (fractions x folds x targets).
    steps = 1 + (sum(len(CURVE_FRACTIONS) * len(fold_parts(frame, t, split_by, folds, seed)) for t in targets) if learning_curve else 0)
    show = not quiet and sys.stderr.isatty()
    with click.progressbar(length=steps, label="Evaluating", file=sys.stderr if show else io.StringIO(), show_pos=True) as bar:
        if test_paths:
            from stance.labels import load_labels

            test = load_labels(test_paths, targets, text_column, id_column)
            results = list(evaluate_on_test(frame, test, parameters, seed, n_jobs=jobs).values())
        else:
            results = list(evaluate_targets(frame, parameters, split_by, folds, seed, n_jobs=jobs).values())
        bar.update(1)
        curves = (
            {t: compute_curve(frame, t, CURVE_FRACTIONS, split_by, folds, seed, progress=bar.update, **tuned.get(t, {})) for t in targets}
            if learning_curve
            else {}
        )
    if fmt == "json":
        payload = {r.target: {**r.summary(), "confusion": r.model["confusion"], "labels": r.labels} for r in results}
        for target, points in curves.items():
            payload[target]["learning_curve"] = points
        if metric.kind != "macro-f1":
            for r in results:
                payload[r.target]["metric"] = {"name": str(metric), "score": metric.from_metrics(r.model)}
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo("\n\n".join([format_evaluation(r) for r in results] + [format_learning_curve(t, p) for t, p in curves.items()]))
        if metric.kind != "macro-f1":
            click.echo("\n" + "\n".join(f"{r.target}: {metric} {metric.from_metrics(r.model):.3f}" for r in results))
    if report_dir:
        from stance.evaluation_report import write_evaluation_report

        write_evaluation_report(report_dir, results, curves, force=force)
        click.echo(f"Wrote {report_dir}/evaluation.md and evaluation.html", err=True)


def _evaluate_behaviour(model_dir, fmt):
    from stance.behaviour import format_behaviour, run_behaviour
    from stance.model import DEFAULT_MODEL_DIR, load_predictor

    results = run_behaviour(load_predictor(model_dir or DEFAULT_MODEL_DIR))
    click.echo(json.dumps(results, indent=2) if fmt == "json" else format_behaviour(results))


# --- predict -------------------------------------------------------------------


@cli.command()
@click.argument("texts", nargs=-1)
@click.option(
    "--input",
    "-i",
    "inputs",
    multiple=True,
    type=click.Path(allow_dash=True),
    help="CSV (with --text-column) or plain text, one statement per line; - for stdin. "
    "With --engine dask: CSV, JSONL or Parquet files, folders or quoted globs (repeatable).",
)
@click.option("--text-column", default="text", show_default=True, help="Column of --input holding the statements.")
@click.option("--model", "-m", "model_dir", type=click.Path(file_okay=False), help="Model folder [default: the shipped model].")
@click.option("--trust", is_flag=True, help="Load a model even if it does not match its card (it can run code: only for files you trust).")
@click.option(
    "--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True, help="Below this probability the label is 'uncertain'."
)
@click.option("--encoding", default="utf-8", show_default=True, callback=_known_encoding, help="Encoding of --input.")
@click.option("--explain", is_flag=True, help="List the n-grams that pushed each statement toward its label and away from the runner-up.")
@click.option("--top", default=8, show_default=True, help="How many n-grams --explain lists.")
@click.option(
    "--jobs",
    default=1,
    show_default=True,
    help="Processes for --input files in csv/jsonl format (streamed in batches); with --engine dask, worker processes of the local cluster.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="dask: classify partitioned inputs on a Dask cluster into a folder of part files (needs pip install 'stance[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: an existing cluster's scheduler (tcp://host:8786) [default: start one here].",
)
@click.option(
    "--input-format",
    type=click.Choice(["csv", "jsonl", "parquet"]),
    help="With --engine dask: format of --input [default: from the extension].",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS + ("parquet",)),
    default="table",
    show_default=True,
    help="Output format (parquet: --engine dask only).",
)
@click.option("--out", "-o", type=click.Path(), help="Write to this file instead of standard output; with --engine dask, a folder.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@wide_option
@formulas_option
@pickle_option
@user_errors
def predict(
    texts,
    inputs,
    text_column,
    model_dir,
    trust,
    min_confidence,
    encoding,
    explain,
    top,
    jobs,
    engine,
    scheduler,
    input_format,
    quiet,
    fmt,
    out,
    force,
    allow_pickle,
):
    """Classify statements: stance and tone, the top label's probability (stance_p, tone_p) and each label's.

    Statements come from arguments, --input, or standard input (one per line).
    With --engine dask, partitions (files) run on a Dask cluster and OUT gets one
    output file per partition, equal to `stance predict --input` on that file.

    \b
    Example:
      stance predict "The United States condemns the DPRK's ballistic missile launch."
      stance predict --input statements.csv --format csv -o predictions.csv
      stance predict "The drills are routine." --explain --min-confidence 0.5
      stance predict --engine dask --jobs 4 --input 'archive/*.parquet' --format parquet -o predictions/
    """
    if engine == "dask":
        _predict_dask(
            texts,
            inputs,
            input_format,
            model_dir,
            text_column,
            fmt,
            out,
            force,
            jobs,
            scheduler,
            min_confidence,
            trust,
            encoding,
            explain,
            quiet,
            allow_pickle,
        )
        return
    if scheduler or input_format:
        raise click.UsageError(f"{'--scheduler' if scheduler else '--input-format'} works with --engine dask only.")
    if fmt == "parquet":
        raise click.UsageError("--format parquet works with --engine dask only; choose csv, tsv or jsonl.")
    if len(inputs) > 1:
        raise click.UsageError("give one --input file, or several (and folders or globs) with --engine dask.")
    input_path = inputs[0] if inputs else None
    if input_path and input_path != "-" and Path(input_path).is_dir():
        raise click.BadParameter(
            f"{input_path} is a folder; give a file, or classify a folder of partitions with --engine dask.", param_hint="--input"
        )
    if out and Path(out).is_dir():
        raise click.BadParameter(f"{out} is a folder; give a file name.", param_hint="--out")
    from stance.predict import prediction_names
    from stance.quick import DEFAULT_MODEL_DIR, QUICK_MAX_TEXTS

    if out:
        check_output(out, force, [input_path, model_dir or DEFAULT_MODEL_DIR])
    if input_path and input_path != "-" and fmt in ("csv", "tsv", "jsonl") and not explain and not texts:
        _predict_streaming(
            input_path,
            model_dir or str(DEFAULT_MODEL_DIR),
            text_column,
            fmt,
            out,
            force,
            jobs,
            min_confidence,
            trust,
            encoding,
            quiet,
            allow_pickle,
        )
        return
    rows, columns = _prediction_input(texts, input_path, text_column, encoding)
    statements = [str(row.get(text_column) or "") for row in rows]
    quick = bool(texts) and len(texts) <= QUICK_MAX_TEXTS and fmt == "table" and not explain and not trust
    model, predictions = _predictions(
        statements, model_dir or DEFAULT_MODEL_DIR, quick, trust, allow_pickle, min_confidence, top if explain else 0
    )
    names = prediction_names(list(predictions[0]), columns)  # never over an input column (a gold label)

    def name(column: str) -> str:
        return names.get(column, column)

    for row, prediction in zip(rows, predictions, strict=True):
        row.update((name(k), v) for k, v in prediction.items())
    if fmt == "table":
        columns = [text_column] + [name(c) for t in model.targets for c in (t, f"{t}_p")]
    else:
        columns = columns + [name(c) for c in predictions[0]]
    if fmt in ("csv", "tsv"):
        for row in rows:
            for target in model.targets:
                if name(f"{target}_explain") in row:
                    row[name(f"{target}_explain")] = "; ".join(f"{e['ngram']} {e['weight']:+.3f}" for e in row[name(f"{target}_explain")])
    emit(rows, columns, fmt, out, force)
    if explain and fmt == "table":
        for row in rows:
            for target in model.targets:
                pushes = row.get(name(f"{target}_explain")) or []
                if pushes:
                    click.echo(f"\n{target} = {row[name(target)]} (not {pushes[0]['away_from']}) for: {_cell(row[text_column], 70)}")
                    for push in pushes:
                        click.echo(f"  {push['weight']:+.3f}  {push['ngram']}")


def _predictions(texts: list[str], model_dir, quick: bool, trust: bool, allow_pickle: bool, min_confidence: float, explain: int):
    """The model and one prediction per text. With ``quick`` (a few statements shown as a table),
    from the folder's lookup file when it has one that matches its card: no NumPy, a fraction
    of the start-up time (stance.quick); otherwise, or if that file is damaged, from the arrays."""
    if quick:
        from stance.quick import load_quick_model, quick_rows

        try:
            model = load_quick_model(model_dir)
        except ValueError as exc:
            warnings.warn(f"{exc} Predicting without it.", stacklevel=2)
            model = None
        if model is not None:
            return model, quick_rows(model, texts, min_confidence)
    from stance.model import load_predictor
    from stance.predict import predict_rows

    model = load_predictor(model_dir, trust=trust, allow_pickle=allow_pickle)
    return model, predict_rows(model, texts, min_confidence, explain)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), help="Report folder to write.")
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True, help="Period of the time charts.")
@click.option("--match", help="Keep only documents whose text matches this regular expression (e.g. 'Korea|DPRK|Pyongyang').")
@click.option("--model", "-m", "model_dir", type=click.Path(file_okay=False), help="Model folder [default: the shipped model].")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Below this probability a statement counts as 'uncertain'.",
)
@click.option("--text-field", help="JSON/JSONL field holding the text (default: auto-detect).")
@click.option("--encoding", default="utf-8", show_default=True, callback=_known_encoding, help="Encoding of the input files.")
@click.option("--no-questions/--questions", default=True, show_default=True, help="Leave out reporters' questions.")
@click.option(
    "--mode",
    type=click.Choice(["auto", "quotes", "sentences", "transcript"]),
    default="auto",
    show_default=True,
    help="How to read the inputs, as in `stance extract --mode`.",
)
@click.option(
    "--speaker", "whole_speaker", metavar="NAME", help="Every input is this speaker's own speech or statement (one-speaker documents)."
)
@click.option(
    "--side",
    "sides",
    multiple=True,
    metavar="SIDE|TEXT=SIDE",
    help="The side of --speaker; or TEXT=SIDE: side for statements of inputs whose path contains TEXT when the text names none "
    "(repeatable), e.g. obama_wh=US.",
)
@click.option("--title", default="Stance report", show_default=True)
@click.option(
    "--min-n",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Bars resting on fewer statements are drawn hollow and marked with their count (n=2).",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@formulas_option
@pickle_option
@user_errors
def report(
    inputs,
    out,
    by,
    match,
    model_dir,
    min_confidence,
    text_field,
    encoding,
    no_questions,
    mode,
    whole_speaker,
    sides,
    title,
    min_n,
    force,
    quiet,
    allow_pickle,
):
    """Extract, classify and aggregate statements by speaker side, speaker and period.

    Writes OUT/predictions.csv (one row per statement, traceable to its source),
    OUT/aggregates.csv (counts and shares per label and cell, with examples) and
    OUT/report.html: the sides compared on one scale, with counts and 95 % intervals, for all
    periods and for each; top speakers; examples; the model's accuracy and the provenance. It
    opens offline, needs no script and prints on A4; each chart's numbers download as CSV.

    \b
    Example:
      stance report briefings.jsonl kcna.jsonl --match "Korea|DPRK" --by year --out report/
      stance report speech.txt --speaker "President Yoon" --side ROK --out report/
    """
    import re

    from stance.extract import ExtractOptions, canonical_speaker_rows, extract_statements
    from stance.model import DEFAULT_MODEL_DIR, load_predictor
    from stance.predict import classify_rows
    from stance.report import write_report
    from stance.sources import FieldMap, read_documents

    check_output(out, force, [*inputs, model_dir or DEFAULT_MODEL_DIR], marker="report.html")
    try:
        pattern = re.compile(match, re.IGNORECASE) if match else None
    except re.error as exc:
        raise click.BadParameter(f"not a regular expression: {exc}", param_hint="--match") from exc
    side_of_input = []
    whole_side = None
    for item in sides:
        text, sep, side = item.partition("=")
        if not sep:
            if whole_side:
                raise click.BadParameter(f"give one SIDE for --speaker (got {whole_side!r} and {item!r})", param_hint="--side")
            whole_side = item
            continue
        if not text or not side:
            raise click.BadParameter(f"{item!r} is not SIDE or TEXT=SIDE (e.g. ROK or obama_wh=US)", param_hint="--side")
        side_of_input.append((text, side))
    options = ExtractOptions(mode=mode, speaker=whole_speaker, side=whole_side)
    model = load_predictor(model_dir or DEFAULT_MODEL_DIR, allow_pickle=allow_pickle)
    stdin_text = _stdin_text(encoding) if "-" in inputs else None
    documents = read_documents(inputs, FieldMap(text=text_field), stdin_text, encoding)
    if pattern:
        documents = (d for d in documents if pattern.search(d.text) or pattern.search(d.title or ""))
    rows = []
    show = not quiet and sys.stderr.isatty()
    with click.progressbar(documents, label="Extracting and classifying", file=sys.stderr if show else io.StringIO(), show_pos=True) as bar:
        batch: list[dict] = []
        for document in bar:
            for statement in extract_statements([document], options):
                if no_questions and statement.kind == "question":
                    continue
                row = statement.as_row()
                if not row["speaker_side"]:
                    row["speaker_side"] = next((side for text, side in side_of_input if text in row["source"]), None)
                batch.append(row)
            if len(batch) >= 2000:
                rows.extend(classify_rows(model, batch, "text", min_confidence))
                batch = []
        rows.extend(classify_rows(model, batch, "text", min_confidence))
    if not rows:
        raise click.ClickException("no statements found in the inputs (check --match and --text-field).")
    canonical_speaker_rows(rows)
    labels = {t: model.labels(t) + (["uncertain"] if min_confidence else []) for t in model.targets}
    provenance = _report_provenance(click.get_current_context(), model_dir or "models/default (shipped with stance)", model.card)
    write_report(out, rows, labels, by, title, force=force, provenance=provenance, min_n=min_n, keep_formulas=_keep_formulas())
    click.echo(f"Wrote {len(rows):,} statements to {out}/predictions.csv, aggregates.csv and report.html")


_NOT_FILTERS = {"inputs", "out", "force", "quiet", "title", "model_dir", "encoding", "allow_pickle"}


def _report_provenance(ctx: click.Context, model_dir, card: dict) -> dict:
    """What the report page says about how it was made: model and card, command, filters, inputs, date, version."""
    from datetime import datetime, timezone

    filters = {}
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if param.name in _NOT_FILTERS or not isinstance(param, click.Option) or value in (None, (), ""):
            continue
        if param.is_flag and not param.secondary_opts and not value:
            continue  # a flag left off
        if param.name == "no_questions":
            filters["reporters' questions"] = "left out" if value else "kept"
            continue
        filters[param.opts[0]] = ", ".join(map(str, value)) if isinstance(value, (tuple, list)) else value
    return {
        "model": str(model_dir),
        "model_card": card or {},
        "command": _command_line(ctx),
        "filters": filters,
        "inputs": [str(p) for p in ctx.params.get("inputs") or ()],
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
    }


def _command_line(ctx: click.Context) -> str:
    """The command as typed when run from a shell, else rebuilt from the options that differ from their defaults."""
    if sys.argv[1:2] == [ctx.info_name]:
        return shlex.join(["stance", *sys.argv[1:]])
    words = ["stance", ctx.info_name or ""]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if isinstance(param, click.Argument):
            words.extend(map(str, value if isinstance(value, (tuple, list)) else [value]))
        elif isinstance(param, click.Option) and value not in (None, (), "") and value != param.default:
            if param.is_flag:
                words.append(param.opts[-1] if value else (param.secondary_opts or [""])[0])
            else:
                for item in value if isinstance(value, (tuple, list)) else [value]:
                    words.extend([param.opts[0], str(item)])
    return shlex.join(w for w in words if w)


@cli.command("export")
@click.argument("model_dir", type=click.Path(file_okay=False))
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), help="Folder to write.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@user_errors
def export(model_dir, out, force):
    """Write a model for sharing: arrays and card only, no pickle, nothing that can run code.

    \b
    Example:
      stance export models/default --out shared-model
      stance predict "We condemn the launch." --model shared-model
    """
    from stance.model import export_model

    export_model(model_dir, out, force=force)
    click.echo(f"Exported {model_dir} to {out} (model_arrays.json, model_arrays.npz, model_lookup.bin, model_card.json)")


def _predict_streaming(
    input_path, model_dir, text_column, fmt, out, force, jobs, min_confidence, trust, encoding, quiet, allow_pickle=False
) -> None:
    """A CSV/JSONL file classified in batches and written as it goes (bounded memory)."""
    from stance.bulk import classify_file
    from stance.files import atomic_path
    from stance.model import load_predictor

    load_predictor(model_dir, trust=trust, allow_pickle=allow_pickle)  # check the model before starting any worker
    show = not quiet and sys.stderr.isatty()

    def run(stream) -> int:
        with click.progressbar(length=0, label="Classifying", file=sys.stderr if show else io.StringIO(), show_pos=True) as bar:
            return classify_file(
                input_path,
                model_dir,
                text_column,
                stream,
                fmt,
                jobs,
                min_confidence,
                trust,
                encoding,
                progress=bar.update,
                allow_pickle=allow_pickle,
                keep_formulas=_keep_formulas(),
            )

    if out:
        with atomic_path(out, force=force) as tmp, open(tmp, "w", encoding="utf-8", newline="") as stream:
            count = run(stream)
        click.echo(f"Wrote {count} rows to {out}", err=True)
    else:
        run(_TerminalStream() if sys.stdout.isatty() else sys.stdout)


class _TerminalStream:
    """Standard output that shows control characters as escapes (see :func:`for_terminal`)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(printable(text))


def _predict_dask(
    texts,
    inputs,
    input_format,
    model_dir,
    text_column,
    fmt,
    out,
    force,
    jobs,
    scheduler,
    min_confidence,
    trust,
    encoding,
    explain,
    quiet,
    allow_pickle=False,
) -> None:
    """Partitioned inputs classified on a Dask cluster into a folder of part files (stance.distributed)."""
    from stance.distributed import dask_client, plan_dataset, predict_dataset, require_dask
    from stance.model import DEFAULT_MODEL_DIR

    require_dask()
    if texts:
        raise click.UsageError(
            "--engine dask reads --input paths only; repeat --input for several, or quote a glob: --input 'parts/*.csv'."
        )
    if not inputs or "-" in inputs:
        raise click.UsageError("--engine dask needs --input files, folders or globs (not standard input).")
    if not out:
        raise click.UsageError("--engine dask writes a folder of part files: name it with --out.")
    if explain:
        raise click.UsageError("--explain works with the local engine only.")
    if fmt not in ("csv", "jsonl", "parquet"):
        raise click.UsageError("--engine dask writes csv, jsonl or parquet: choose one with --format.")
    job = plan_dataset(
        inputs,
        out,
        model_dir or DEFAULT_MODEL_DIR,
        fmt,
        input_format,
        text_column,
        min_confidence,
        trust,
        encoding,
        force,
        allow_pickle=allow_pickle,
        keep_formulas=_keep_formulas(),
    )  # checks the output, the model and the first input before any worker starts
    show = not quiet and sys.stderr.isatty()
    with dask_client(scheduler, jobs) as client:
        label = f"Partitions done on {len(client.scheduler_info()['workers'])} Dask workers"
        with click.progressbar(length=0, label=label, file=sys.stderr if show else io.StringIO(), show_pos=True) as bar:
            count = predict_dataset(job, client, progress=bar.update)
    click.echo(f"Wrote {count} rows to {out} ({len(list(job.out.iterdir()))} part-*.{fmt} files)", err=True)


def _prediction_input(texts, input_path, text_column, encoding: str = "utf-8") -> tuple[list[dict], list[str]]:
    """Statements to classify as rows (input columns kept) and the input's column names.

    --input is a CSV, TSV or JSON-lines file (by its extension; standard input by its
    first line), read like the streaming path reads it, or plain text with one
    statement per line. The input is read with a cap (stance.sources.read_input_bytes)."""
    if texts and input_path:
        raise click.UsageError("give statements as arguments or with --input, not both")
    if texts:
        lines = list(texts)
    else:
        from stance.bulk import rows_from_stream
        from stance.sources import decode_bytes, read_input_bytes

        source = input_path or "-"
        if source == "-" and sys.stdin.isatty():
            raise click.UsageError("no statements: give them as arguments, with --input FILE, or on standard input")
        text = decode_bytes(read_input_bytes(None if source == "-" else Path(source), source), source, encoding)
        kind = _input_kind(source, text, text_column)
        if kind != "lines":
            rows = list(rows_from_stream(io.StringIO(text), source, kind == "jsonl", text_column, "\t" if kind == "tsv" else ","))
            if not rows:
                raise click.ClickException(f"{source}: no rows to classify.")
            columns: dict[str, None] = {}
            for row in rows:
                columns.update(dict.fromkeys(row))
            return rows, list(columns)
        lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
    if not any(line.strip() for line in lines):
        raise click.ClickException("every statement given is empty; give at least one statement with text.")
    return [{text_column: line} for line in lines], [text_column]


def _input_kind(source: str, text: str, text_column: str) -> str:
    """``csv``, ``tsv``, ``jsonl`` or ``lines``: by the file's extension, or for standard
    input by its first line (a JSON object; a header that names ``text_column``)."""
    from stance.bulk import MAX_FIELD_CHARS, TSV_SUFFIXES

    suffix = Path(source).suffix.lower() if source != "-" else ""
    by_suffix = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", **dict.fromkeys(TSV_SUFFIXES, "tsv")}
    if source != "-":
        return by_suffix.get(suffix, "lines")
    if _looks_like_jsonl(text):
        return "jsonl"
    first_line = text.split("\n", 1)[0].rstrip("\r")
    csv.field_size_limit(MAX_FIELD_CHARS)
    for kind, delimiter in (("tsv", "\t"), ("csv", ",")):
        try:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(header) > 1 and text_column in header:
            return kind
    return "lines"


def main() -> None:
    from stance.processes import exit_on_sigterm

    exit_on_sigterm()  # so worker pools are stopped and temporary files removed on SIGTERM too
    try:
        cli(prog_name="stance")
    except BrokenPipeError:  # `stance ... | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
