"""Make text from strangers safe where it ends up: spreadsheet cells and terminals.

* A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break is
  a formula to Excel and LibreOffice (``=HYPERLINK(...)`` becomes a live link).
  :func:`neutralise_formula` puts a ``'`` in front, which a spreadsheet shows as
  text; :func:`restore_formula` takes it off again when stance reads its own CSV,
  so the round trip loses nothing. Plain numbers (``-3``, ``+1.5``) are left alone.
* Control characters (ESC sequences, a bare CR, backspace) and bidirectional
  overrides can make a terminal show other words than the ones in the data.
  :func:`printable` shows them as visible escapes (``\\x1b``) instead.
"""

from __future__ import annotations

import re

FORMULA_START = frozenset("=+-@\t\r\n＝＋－＠")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# C0 and C1 controls (tab and line feed kept apart), DEL, line/paragraph separators and bidi controls.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNPRINTABLE = re.compile(f"[{_CONTROLS}]")
_UNPRINTABLE_OR_LINE_BREAK = re.compile(f"[{_CONTROLS}\t\n]")


def _formula_like(value: str) -> bool:
    return value[:1] in FORMULA_START and not _NUMBER.fullmatch(value)


def neutralise_formula(value):
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula.

    A value that already starts with ``'`` before such a character gets one more,
    so :func:`restore_formula` gives back exactly the original. Non-strings pass."""
    if isinstance(value, str) and _formula_like(value.lstrip("'")):
        return "'" + value
    return value


def restore_formula(value):
    """Undo :func:`neutralise_formula` (for cells of CSV files stance wrote)."""
    if isinstance(value, str) and value.startswith("'") and _formula_like(value.lstrip("'")):
        return value[1:]
    return value


def neutralise_row(row: dict) -> dict:
    return {key: neutralise_formula(value) for key, value in row.items()}


def restore_row(row: dict) -> dict:
    return {key: restore_formula(value) for key, value in row.items()}


def printable(text: str, line_breaks: bool = True) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\u202e``);
    tabs and line feeds stay when ``line_breaks`` is true."""
    pattern = _UNPRINTABLE if line_breaks else _UNPRINTABLE_OR_LINE_BREAK
    return pattern.sub(_escape, text)


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


class CsvLineEnds:
    """A text stream for ``csv`` writers made with ``lineterminator="\\r\\n"`` that ends each
    row with ``line_end`` instead.

    The csv module quotes a field only for the characters of its line terminator: with
    "\\n", a field holding a bare CR is written unquoted and splits the row for every
    reader. With "\\r\\n" both are quoted; this stream then writes the line end wanted
    (the writer hands it one whole row per call)."""

    def __init__(self, stream, line_end: str = "\n") -> None:
        self.stream = stream
        self.line_end = line_end

    def write(self, row: str) -> int:
        if row.endswith("\r\n"):
            row = row[:-2] + self.line_end
        return self.stream.write(row)


def csv_writer(stream, line_end: str = "\n", **options):
    """``csv.writer`` that quotes a field holding CR or LF whatever ``line_end`` is."""
    import csv

    return csv.writer(CsvLineEnds(stream, line_end), lineterminator="\r\n", **options)


def csv_dict_writer(stream, fieldnames, line_end: str = "\n", **options):
    """``csv.DictWriter`` that quotes a field holding CR or LF whatever ``line_end`` is."""
    import csv

    return csv.DictWriter(CsvLineEnds(stream, line_end), fieldnames=fieldnames, lineterminator="\r\n", **options)
