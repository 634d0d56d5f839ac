"""Read input documents: plain-text files, folders, stdin, JSON and JSONL corpora.

Every reader yields :class:`Document` records. JSON and JSONL records are mapped to
documents by field names: the text field is auto-detected from common names
(``text``, ``story_text``, ``answer``, ``content`` ...) unless given, and so are
speaker, date and id fields. A record holding a question and an answer (press
conference Q&A) yields the question as its own document with ``kind="question"``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import InputError

TEXT_FIELDS = ("text", "story_text", "answer", "content", "body", "article", "statement")
QUESTION_FIELDS = ("question",)
SPEAKER_FIELDS = ("speaker", "spokesperson", "creator", "author")
DATE_FIELDS = ("date", "date_str", "pubDate", "date_from_title", "published")
ID_FIELDS = ("id", "doc_id", "guid", "url", "link")
TITLE_FIELDS = ("title", "headline")
URL_FIELDS = ("source_url", "url", "link")
MAX_DOCUMENT_CHARS = 20_000_000
TEXT_SUFFIXES = {".txt", ".md", ".text", ""}
JSON_SUFFIXES = {".jsonl", ".ndjson", ".json"}


@dataclass(frozen=True)
class Document:
    """One unit of input text and what is known about where it came from."""

    text: str
    source: str
    record: str = ""
    speaker: str | None = None
    date: str | None = None
    title: str | None = None
    url: str | None = None
    kind: str = "text"  # "text", "turn" (the whole text is the speaker's), "question"
    meta: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class FieldMap:
    """Which record fields hold text, speaker, date and id; None means auto-detect."""

    text: str | None = None
    speaker: str | None = None
    date: str | None = None
    id: str | None = None


def decode_bytes(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Decode input bytes (a UTF-8 byte-order mark is dropped); refuse binary files and
    bytes that are not in ``encoding``, naming the line, rather than guess."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: looks like a binary file (NUL bytes); give a UTF-8 text, JSON or JSONL file.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{source}, line {line}: not {encoding} text; convert the file (e.g. iconv -f cp1252 -t utf-8) "
            "or name its encoding with --encoding."
        ) from exc
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}; use a Python codec name such as utf-8, cp1252 or latin-1.") from exc


def iter_paths(paths: Iterable[str]) -> Iterator[Path | None]:
    """Expand folders (sorted, recursive) into files; ``-`` yields None for stdin."""
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES | JSON_SUFFIXES and not child.name.startswith("."):
                    yield child
        elif path.is_file():
            yield path
        else:
            raise InputError(f"{raw}: no such file or folder.")


def read_documents(
    paths: Iterable[str], fields: FieldMap = FieldMap(), stdin_text: str | None = None, encoding: str = "utf-8"
) -> Iterator[Document]:
    """Yield documents from files, folders and ``-`` (stdin, given as ``stdin_text``)."""
    for path in iter_paths(paths):
        if path is None:
            yield from _documents_from_text(stdin_text or "", "-", fields, suffix="")
            continue
        if path.stat().st_size > MAX_DOCUMENT_CHARS * 4:
            raise InputError(f"{path}: file is larger than {MAX_DOCUMENT_CHARS * 4 // 1_000_000} MB; split it first.")
        text = decode_bytes(path.read_bytes(), str(path), encoding)
        yield from _documents_from_text(text, _display_path(path), fields, suffix=path.suffix.lower())


def _display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _documents_from_text(text: str, source: str, fields: FieldMap, suffix: str) -> Iterator[Document]:
    stripped = text.lstrip()
    looks_json = suffix in JSON_SUFFIXES or (suffix == "" and stripped[:1] in "{[" and source == "-")
    if not looks_json:
        meta = front_matter(text)
        yield Document(
            text=text,
            source=source,
            date=meta.get("date"),
            title=meta.get("title"),
            url=meta.get("source_url") or meta.get("url"),
            meta=meta,
        )
        return
    if stripped.startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}: line {exc.lineno}: invalid JSON ({exc.msg}).") from exc
        for index, record in enumerate(records):
            yield from documents_from_record(record, source, index + 1, fields)
        return
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}: line {line_no}: invalid JSON ({exc.msg}); each line must be one JSON object.") from exc
        yield from documents_from_record(record, source, line_no, fields)


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def front_matter(text: str) -> dict:
    """Simple ``key: value`` pairs of a YAML front-matter block, if the text opens with one."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    pairs = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith(" "):
            pairs[key.strip()] = value.strip().strip("'\"").replace("\\_", " ")
    return pairs


def _pick(record: dict, wanted: str | None, candidates: tuple[str, ...]) -> tuple[str | None, str | None]:
    names = (wanted,) if wanted else candidates
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return name, str(value)
    return None, None


def documents_from_record(record: object, source: str, line_no: int, fields: FieldMap) -> Iterator[Document]:
    """Map one JSON record to its documents (an answer and, if present, its question)."""
    if not isinstance(record, dict):
        raise InputError(f"{source}: record {line_no} is not a JSON object.")
    text_name, text = _pick(record, fields.text, TEXT_FIELDS)
    if fields.text and fields.text not in record:
        raise InputError(
            f"{source}: record {line_no} has no field {fields.text!r}; fields are: {', '.join(sorted(record))}. "
            "Choose one with --text-field."
        )
    if text is None and not any(record.get(q) for q in QUESTION_FIELDS):
        raise InputError(
            f"{source}: record {line_no} has no text field (tried {', '.join(TEXT_FIELDS)}); "
            f"fields are: {', '.join(sorted(record))}. Name it with --text-field."
        )
    _, speaker = _pick(record, fields.speaker, SPEAKER_FIELDS)
    _, date = _pick(record, fields.date, DATE_FIELDS)
    _, title = _pick(record, None, TITLE_FIELDS)
    _, url = _pick(record, None, URL_FIELDS)
    record_id = _record_id(record, fields.id, line_no)
    meta = {k: v for k, v in record.items() if isinstance(v, (str, int, float, bool)) and k != text_name}
    common = dict(source=source, date=date, title=title, url=url, meta=meta)
    question = record.get("question") if not fields.text else None
    if question:
        yield Document(text=str(question), record=f"{record_id}/q", speaker=None, kind="question", **common)
    if text:
        # The record is one speaker's own words when it is a spokesperson's answer or a
        # transcript turn (speaker + turn_index); otherwise it may be an article quoting others.
        own_words = text_name == "answer" or (bool(speaker) and text_name == "text" and "turn_index" in record)
        kind = "turn" if own_words else "text"
        yield Document(text=text, record=record_id, speaker=speaker, kind=kind, **common)


def _record_id(record: dict, wanted: str | None, line_no: int) -> str:
    _, base = _pick(record, wanted, ID_FIELDS)
    parts = [base] if base else [f"line{line_no}"]
    for sub in ("turn_index", "para_index"):
        if sub in record:
            parts.append(str(record[sub]))
    return ":".join(parts)
