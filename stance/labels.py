"""Read, validate and deduplicate label CSV files.

A label file is a CSV with a ``text`` column and one column per target
(``stance``, ``tone``), and usually an ``id`` column (other names are given with
``id_column``/``text_column``; an ``ID`` or ``Id`` column is taken for ``id``).
Ids are optional: a file without them (someone else's CSV) gets stable ids made
from the text, ``t_`` and the first 12 hex digits of its SHA-1, the ids `stance
label` gives. Rows marked ``exclude=yes`` are kept in the file for the record but
never used for training. :func:`check_labels` returns every problem found, each
naming the file, the row (as a spreadsheet would number it: the
header is row 1) and what to do.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stance.errors import LabelError
from stance.escaping import restore_formula

TARGETS = ("stance", "tone")
DEFAULT_LABELS = {
    "stance": ("condemning", "downplaying", "open_to_dialogue", "reassuring", "threatening", "neutral"),
    "tone": ("hostile", "firm", "neutral", "conciliatory"),
}
# Sub-folders of a label folder that hold working files, not training labels:
# pools waiting to be labelled, and each reader's separate labels for agreement.
SKIPPED_FOLDERS = {"work", "agreement", "test"}
MAX_FIELD_CHARS = 50_000_000  # a statement may be long; the csv module's default is 131,072
_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        return f"{where}: {self.message}"


def normalize_text(text: str) -> str:
    """Lower-case, accent- and punctuation-free form used to find duplicate statements."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return _NON_WORD.sub(" ", folded).strip()


def near_duplicate_key(text: str) -> str:
    """Key shared by near-identical statements: numbers, dates and punctuation ignored."""
    return _DIGITS.sub("0", normalize_text(text))


def label_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (``*.csv`` inside, recursively) into label files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.csv") if not SKIPPED_FOLDERS & set(p.relative_to(path).parts[:-1])))
        elif path.is_file():
            files.append(path)
        else:
            raise LabelError(f"{raw}: no such file or folder.")
    if not files:
        raise LabelError(f"No label CSV files found in {', '.join(map(str, paths))}.")
    return files


class LabelFileError(LabelError):
    """One label file cannot be read; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_problem_text(problems))
        self.problems = problems


def read_label_file(path: Path) -> pd.DataFrame:
    """Read one CSV as strings, with ``_file`` and ``_row`` columns for error messages.

    A row with more fields than the header (one glued onto the row before it when a
    line break was missing, or an unclosed quote) is an error, never silently
    dropped; cells that stance neutralised for spreadsheets are read back as written."""
    text = _label_file_text(path)
    problems = _row_length_problems(path, text)
    if problems:
        raise LabelFileError(problems)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LabelFileError([Problem(str(path), None, f"not a readable CSV ({exc}); check the delimiter (comma) and quoting.")]) from exc
    frame.columns = [str(restore_formula(str(c))).strip() for c in frame.columns]
    _restore_formulas(frame)
    frame["_file"] = str(path)
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def _label_file_text(path: Path) -> str:
    def refuse(message: str, row: int | None = None):
        return LabelFileError([Problem(str(path), row, message)])

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise refuse(f"cannot read ({exc.strerror}).") from exc
    if not raw.strip():
        raise refuse("the file is empty; add a header row (id,text,stance,tone) and labelled rows.")
    if b"\x00" in raw[:8192]:
        raise refuse("contains NUL bytes, so it is not a CSV text file; export it again as UTF-8 CSV.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise refuse(f"line {line}: not UTF-8 text; save the file as UTF-8 CSV.") from exc


def _row_length_problems(path: Path, text: str, limit: int = 20) -> list[Problem]:
    """Rows with more fields than the header, numbered as a spreadsheet numbers them."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""))
    problems = []
    try:
        header = next(reader, [])
        for row_number, row in enumerate(reader, 2):
            if len(row) > len(header) and len(problems) < limit:
                problems.append(
                    Problem(
                        str(path),
                        row_number,
                        f"{len(row)} fields but the header has {len(header)} columns: a row was glued onto it (a missing "
                        "line break) or a quote is not closed. Split or fix the row.",
                    )
                )
    except csv.Error as exc:
        problems.append(Problem(str(path), reader.line_num, f"not a readable CSV ({exc}); check the quoting."))
    return problems


def _restore_formulas(frame: pd.DataFrame) -> None:
    for column in frame.columns:
        values = frame[column]
        quoted = values.str.startswith("'")
        if quoted.any():
            frame.loc[quoted, column] = values[quoted].map(restore_formula)


def text_id(text: str) -> str:
    """A stable id for a statement without one: ``t_`` and 12 hex digits of the text's SHA-1."""
    return "t_" + hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:12]


def load_labels(
    paths: Iterable[str | Path], targets: Iterable[str] = TARGETS, text_column: str = "text", id_column: str = "id"
) -> pd.DataFrame:
    """Read label files into one frame of usable rows; raise LabelError listing every problem.

    The text and id columns are renamed ``text`` and ``id``; a file without the id
    column, or a row with an empty id, gets :func:`text_id`. Rows marked
    ``exclude=yes`` and rows whose targets are all empty are left out.
    """
    targets = tuple(targets)
    frames = [read_label_file(p) for p in label_files(paths)]
    problems = [p for f in frames for p in _structure_problems(f, targets, text_column, id_column)]
    if problems:
        raise LabelError(_problem_text(problems))
    frame = _standard_columns(pd.concat([_with_ids(f, text_column, id_column) for f in frames], ignore_index=True), text_column, id_column)
    if "exclude" in frame:
        frame = frame[frame["exclude"].str.strip().str.lower() != "yes"]
    frame = frame[frame["text"].str.strip() != ""]
    filled = frame[list(targets)].apply(lambda col: col.str.strip() != "").all(axis=1)
    frame = frame[filled].copy()
    for target in targets:
        frame[target] = frame[target].str.strip()
    frame["group"] = _groups(frame)
    return frame.reset_index(drop=True)


def _groups(frame: pd.DataFrame) -> pd.Series:
    """Near-duplicate group of each row: the given ``group`` column, else a text key.

    Keys are computed only for rows without a group, once per distinct text (the
    regular expressions cost about 20 µs a row, most of loading 100,000 rows)."""
    given = frame["group"].str.strip() if "group" in frame else pd.Series("", index=frame.index, dtype=object)
    missing = given == ""
    if not missing.any():
        return given
    unique = pd.unique(frame.loc[missing, "text"])
    keys = dict(zip(unique, map(near_duplicate_key, unique), strict=True))
    return given.mask(missing, frame["text"].map(keys))


def _with_ids(frame: pd.DataFrame, text_column: str, id_column: str) -> pd.DataFrame:
    """``frame`` with a ``_generated_id`` flag, and the id column filled in from the text where
    it is missing or empty (so rows of a file without ids still have stable ids)."""
    frame = frame.copy()
    found = id_column_of(frame, id_column)
    given = frame[found].str.strip() if found else pd.Series("", index=frame.index, dtype=object)
    frame["_generated_id"] = given == ""
    frame[id_column] = given.mask(frame["_generated_id"], frame[text_column].map(text_id))
    return frame


def id_column_of(frame: pd.DataFrame, id_column: str = "id") -> str | None:
    """The file's id column: ``id_column``, or for the default ``id`` a column of that name in
    another case (``ID``, ``Id``), or None (the file has no ids)."""
    if id_column in frame.columns:
        return id_column
    if id_column == "id":
        return next((c for c in frame.columns if c.casefold() == "id"), None)
    return None


def _standard_columns(frame: pd.DataFrame, text_column: str, id_column: str) -> pd.DataFrame:
    """The text and id columns under their standard names ``text`` and ``id`` (a column
    already called so that is not the one chosen is dropped rather than duplicated)."""
    renames = {column: name for column, name in ((text_column, "text"), (id_column, "id")) if column != name}
    if not renames:
        return frame
    return frame.drop(columns=[n for n in renames.values() if n in frame.columns]).rename(columns=renames)


def _structure_problems(frame: pd.DataFrame, targets: tuple[str, ...], text_column: str, id_column: str = "id") -> list[Problem]:
    """Missing columns; the id column may be missing only when it is the default ``id``
    (ids are then made from the text), a named ``--id-column`` must exist."""
    file = frame["_file"].iat[0] if len(frame) else "?"
    options = {text_column: "--text-column", id_column: "--id-column", **{t: "--target" for t in targets}}
    required = (text_column, *targets) if id_column == "id" else (id_column, text_column, *targets)
    problems = []
    for column in required:
        if column not in frame.columns:
            problems.append(Problem(file, None, _missing_column_message(column, list(frame.columns), options.get(column))))
    return problems[:1] if problems and "delimiter" in problems[0].message else problems


def _missing_column_message(column: str, columns: list[str], option: str | None = None) -> str:
    real = [c for c in columns if not c.startswith("_")]
    if len(real) == 1 and any(sep in real[0] for sep in (";", "\t", "|")):
        return f"has one column {real[0]!r}: the file seems to use another delimiter; save it comma-separated."
    close = closest_column(column, real)
    if close:
        other = f" or pass {option} {close}" if option else ""
        hint = f" Did you mean {close!r}? Rename that column{other}."
    else:
        hint = f" Columns found: {', '.join(real) or 'none'}."
    return f"missing required column {column!r}.{hint}"


def closest_column(column: str, columns: list[str]) -> str | None:
    """The column a user most likely meant by ``column``: the same name in another case
    (``ID`` for ``id``), else the closest name ignoring case."""
    by_folded = {}
    for name in columns:
        by_folded.setdefault(name.casefold(), name)
    if column.casefold() in by_folded:
        return by_folded[column.casefold()]
    close = difflib.get_close_matches(column.casefold(), list(by_folded), n=1)
    return by_folded[close[0]] if close else None


def check_labels(
    paths: Iterable[str | Path],
    targets: Iterable[str] = TARGETS,
    allowed: dict[str, tuple[str, ...]] | None = None,
    text_column: str = "text",
    id_column: str = "id",
) -> list[Problem]:
    """Every problem in the label files: columns, empty text or labels, unknown labels,
    duplicate ids, and the same text labelled differently. A file without the id
    column is fine (ids are made from the text); a file with it needs an id per row."""
    targets = tuple(targets)
    allowed = DEFAULT_LABELS if allowed is None else allowed
    try:
        files = label_files(paths)
    except LabelError as exc:
        return [Problem(str(exc).split(":", 1)[0], None, str(exc).split(":", 1)[-1].strip())]
    frames, problems = [], []
    for path in files:
        try:
            frames.append(read_label_file(path))
        except LabelFileError as exc:
            problems.extend(exc.problems)
    problems += [p for f in frames for p in _structure_problems(f, targets, text_column, id_column)]
    if problems:
        return problems
    found = [id_column_of(f, id_column) for f in frames]
    with_ids = [f.assign(**{id_column: f[c] if c else None, "_has_ids": c is not None}) for f, c in zip(frames, found, strict=True)]
    frame = _standard_columns(pd.concat(with_ids, ignore_index=True), text_column, id_column)
    frame["id"] = frame["id"].fillna("")
    if "exclude" in frame:
        frame = frame[frame["exclude"].str.strip().str.lower() != "yes"]
    for record in frame.to_dict(orient="records"):
        file, line = record["_file"], record["_row"]
        if not str(record["text"]).strip():
            problems.append(Problem(file, line, "empty text; fill in the statement or delete the row."))
        if record["_has_ids"] and not str(record["id"]).strip():
            problems.append(Problem(file, line, f"empty {id_column}; give the row a unique id (stance extract writes one)."))
        for target in targets:
            value = str(record[target]).strip()
            if not value:
                problems.append(Problem(file, line, f"empty {target}; choose one of: {', '.join(allowed.get(target, ()))}."))
            elif target in allowed and value not in allowed[target]:
                close = difflib.get_close_matches(value, allowed[target], n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(allowed[target])}"
                problems.append(Problem(file, line, f"unknown {target} {value!r}; {hint} (see labels/CODEBOOK.md)."))
    problems.extend(_duplicate_id_problems(frame))
    problems.extend(_conflict_problems(frame, targets))
    return problems


def _duplicate_id_problems(frame: pd.DataFrame) -> list[Problem]:
    problems = []
    ids = frame[frame["id"].str.strip() != ""]
    for _, rows in ids.groupby("id"):
        if len(rows) > 1:
            first = rows.iloc[0]
            for _, row in rows.iloc[1:].iterrows():
                problems.append(
                    Problem(
                        row["_file"],
                        row["_row"],
                        f"duplicate id {row['id']!r} (first at {first['_file']}, row {first['_row']}); give each statement its own id or delete the copy.",
                    )
                )
    return problems


def _conflict_problems(frame: pd.DataFrame, targets: tuple[str, ...]) -> list[Problem]:
    problems = []
    keyed = frame.assign(_key=frame["text"].map(normalize_text))
    for _, rows in keyed[keyed["_key"] != ""].groupby("_key"):
        if len(rows) < 2:
            continue
        for target in targets:
            values = rows[target].str.strip()
            if values.nunique() > 1:
                first = rows.iloc[0]
                where = ", ".join(f"{r['_file']} row {r['_row']} = {r[target]!r}" for _, r in rows.iterrows())
                problems.append(
                    Problem(first["_file"], first["_row"], f"the same text has different {target} labels ({where}); settle on one label.")
                )
    return problems


def _problem_text(problems: list[Problem], limit: int = 20) -> str:
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more (run `stance labels check`).")
    return "\n".join(lines)
