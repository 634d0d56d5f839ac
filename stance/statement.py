"""The statement record that extraction yields and every later stage reads."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

OUTPUT_COLUMNS = (
    "id",
    "text",
    "speaker",
    "speaker_resolved",
    "speaker_side",
    "cue",
    "kind",
    "source",
    "record",
    "start",
    "end",
    "fragments",
    "date",
)

INTEGER_COLUMNS = ("start", "end")  # numbers in the record; CSV and TSV carry them as text


_WHOLE_NUMBER = re.compile(r"\s*-?[0-9]+\s*")  # ASCII digits only: "²" and "--5" stay text, as int() can't read them


def typed_row(row: dict) -> dict:
    """A row read from CSV/TSV with the record's integer columns (``start``, ``end``) as numbers again,
    so JSON written from it keeps them numbers; any other value stays as read."""
    for column in INTEGER_COLUMNS:
        value = row.get(column)
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
            row[column] = int(value)
    return row


@dataclass(frozen=True)
class Statement:
    """One statement, traceable to its source.

    ``start``/``end`` are character offsets into the source document's text.
    For a statement in one piece ``source_text[start:end] == text``; a quote that
    the attribution interrupts keeps every piece in ``fragments`` and its text is
    the pieces joined by one space.
    """

    text: str
    speaker: str | None
    speaker_resolved: str | None
    speaker_side: str | None
    cue: str | None
    kind: str
    source: str
    record: str
    start: int
    end: int
    fragments: tuple[tuple[int, int], ...]
    date: str | None = None

    @classmethod
    def from_fragments(
        cls,
        document,
        fragments: tuple[tuple[int, int], ...],
        *,
        speaker: str | None,
        resolved: str | None,
        side: str | None,
        cue: str | None,
        kind: str,
    ) -> Statement:
        """The statement made of ``document.text``'s ``fragments`` (joined by one space).

        Its fields are filled in directly, in the order ``__init__`` would: a frozen
        dataclass's ``__init__`` sets each through ``object.__setattr__``, eight times
        slower, and extraction makes one statement per sentence."""
        statement = object.__new__(cls)
        statement.__dict__.update(
            text=document.text[fragments[0][0] : fragments[0][1]]
            if len(fragments) == 1
            else " ".join(document.text[s:e] for s, e in fragments),
            speaker=speaker,
            speaker_resolved=resolved,
            speaker_side=side,
            cue=cue,
            kind=kind,
            source=document.source,
            record=document.record,
            start=fragments[0][0],
            end=fragments[-1][1],
            fragments=fragments,
            date=document.date,
        )
        return statement

    @property
    def id(self) -> str:
        return statement_id(self.source, self.record, self.start, self.end, self.text)

    def as_row(self) -> dict:
        """The output row: OUTPUT_COLUMNS in order, ``fragments`` as "start-end;start-end".

        Written out field by field: ``dataclasses.asdict`` deep-copies every value and
        took half of the time of `stance extract`."""
        return {
            "id": self.id,
            "text": self.text,
            "speaker": self.speaker,
            "speaker_resolved": self.speaker_resolved,
            "speaker_side": self.speaker_side,
            "cue": self.cue,
            "kind": self.kind,
            "source": self.source,
            "record": self.record,
            "start": self.start,
            "end": self.end,
            "fragments": f"{self.fragments[0][0]}-{self.fragments[0][1]}"
            if len(self.fragments) == 1
            else ";".join(f"{s}-{e}" for s, e in self.fragments),
            "date": self.date,
        }


def statement_id(source: str, record: str, start: int, end: int, text: str = "") -> str:
    """Stable id: the same statement of the same document gets the same id on every run.

    Only the file's name counts, so running from another folder keeps the ids; the
    statement's text counts too, so files of the same name in other folders (same
    offsets, other words) never share an id, which would hide one of them from
    `stance label` and `stance suggest`.
    """
    key = f"{_file_name(source)}\x1f{record}\x1f{start}\x1f{end}\x1f{text}".encode("utf-8", "surrogatepass")
    return "s_" + hashlib.sha1(key).hexdigest()[:12]


@lru_cache(maxsize=1024)
def _file_name(source: str) -> str:
    """The file name of a source path (``PurePath`` parsing is slow, and one file gives many statements)."""
    return PurePath(source).name
