"""Source boilerplate that is nobody's statement: wire datelines, end markers, author lines.

"Pyongyang, February 23 (KCNA) -- ", "SEOUL, March 3 (Yonhap) — ", "WASHINGTON (AP) — "
open a story; "-0-", "###" and "-30-" close one. They say where and through whom a text
was published, not what the speaker is doing, so they are cut off a statement before it
is labelled, learned from or classified. A model that learns them learns the agency's
style instead of the stance.

Two entry points share the patterns:

* :func:`trim_span` narrows a ``(start, end)`` span of a document, so extracted
  statements keep exact offsets (``text[start:end]`` is still the statement);
* :func:`strip_boilerplate` returns a text without them, for prediction-time input.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

_AGENCIES = r"KCNA|Xinhua|Yonhap|KCNA Watch|Rodong Sinmun|AP|AFP|Reuters|UPI|TASS|RIA Novosti|Kyodo|Ukrinform|Interfax"
# "Pyongyang, February 23 (KCNA) --", "SEOUL, March 3 (Yonhap) —", "WASHINGTON (AP) —",
# "BEIJING, Jan. 5 (Xinhua) --": at most a place and a date before the agency in brackets.
_DATELINE = re.compile(
    rf"^\s*(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,3}}(?:,\s*[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?)?\s*)?"
    rf"\((?:{_AGENCIES})\)\s*(?:--|—|–|-|:)\s*"
)
_END_MARKER = re.compile(r"\s*(?:-0-|-30-|#{3,}|\(END\))\s*$")
_END_MARKER_TAILS = ("-0-", "-30-", "###", "(END)")  # what a text ends with, whitespace aside, when _END_MARKER matches
# A line that only names the issuing office.
_AUTHORS = ("Office of the Spokesperson", "Office of the Press Secretary", "Media Note", "Press Statement")
_AUTHOR_ONLY = re.compile(rf"^\s*(?:{'|'.join(_AUTHORS)})\s*$", re.I)
# re.I compares one character with one (str.strip() takes off what \s matches), so a text
# _AUTHOR_ONLY matches is one of these lengths once stripped.
_AUTHOR_LENGTHS = frozenset(map(len, _AUTHORS))
# What a dateline or an end marker cannot be without: a text holding none of them has neither.
_DATELINE_OR_END_MARKER_PART = re.compile(rf"\((?:{_AGENCIES}|END)\)|-0-|-30-|###")


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span ``text[start:end]`` without a leading dateline or a trailing end marker.

    Returns ``(start, start)`` when nothing but boilerplate is left.
    """
    piece = text[start:end]
    # Each check only where it can match: a line naming an office is one of _AUTHOR_LENGTHS
    # once stripped (``strip`` of a trimmed sentence copies nothing), a dateline holds "(".
    if len(piece.strip()) in _AUTHOR_LENGTHS and _AUTHOR_ONLY.match(piece):
        return start, start
    dateline = _DATELINE.match(piece) if "(" in piece else None
    if dateline:
        start += dateline.end()
        piece = piece[dateline.end() :]
    # Searching from every position is slow; most statements end otherwise.
    marker = _END_MARKER.search(piece) if piece.rstrip().endswith(_END_MARKER_TAILS) else None
    if marker:
        end = start + marker.start()
    return start, max(start, end)


def strip_boilerplate_all(texts: list[str]) -> list[str]:
    """:func:`strip_boilerplate` of every text, with one search through all of them for the few
    that may hold boilerplate (the others come back as they are)."""
    starts = [0, *accumulate(len(text) + 1 for text in texts)]  # each text and its newline
    candidates = {bisect_right(starts, match.start()) - 1 for match in _DATELINE_OR_END_MARKER_PART.finditer("\n".join(texts))}
    candidates.update(i for i, text in enumerate(texts) if len(text.strip()) in _AUTHOR_LENGTHS)
    stripped = list(texts)
    for index in candidates:
        stripped[index] = strip_boilerplate(texts[index])
    return stripped


def strip_boilerplate(text: str) -> str:
    """``text`` without a leading dateline or a trailing end marker (unchanged if it has none)."""
    start, end = trim_span(text, 0, len(text))
    return text[start:end] if end > start else text
