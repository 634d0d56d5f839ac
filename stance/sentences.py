"""Split text into sentences, keeping character offsets.

A small rule-based splitter tuned for news and diplomatic prose: it knows the
abbreviations that end in a period without ending a sentence ("U.S.", "Mr.",
"Jan.", "No. 2"), initials ("Kim Jong-un", "John F. Kennedy") and closing quote
marks after the final punctuation. It never changes the text; every span it
returns satisfies ``text[start:end] == sentence``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

# Tokens that end with a period but usually do not end a sentence.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sen rep gen lt col maj capt sgt adm gov pres amb st jr sr
    messrs hon rev fr sec dept govt corp inc ltd co approx
    jan feb mar apr jun jul aug sep sept oct nov dec vs etc al e.g i.e cf
    u.s u.n u.k u.s.a e.u d.c a.m p.m r.o.k d.p.r.k p.r.c
    """.split()
)

# Abbreviations only before a number ("No. 2", "Art. 51").
NUMBERED = frozenset("no nos vol art para fig p pp".split())
_LONGEST_ABBREVIATION = 1 + max(len(word) for word in ABBREVIATIONS | NUMBERED)

# Abbreviations that often close a sentence too ("... talks with the U.S. The
# North ..."): a boundary is accepted after them when a sentence-opening word follows.
CAN_END_SENTENCE = frozenset("u.s u.n u.k u.s.a e.u d.c a.m p.m etc al r.o.k d.p.r.k p.r.c".split())
SENTENCE_OPENERS = frozenset(
    """the a an we i it he she they this that these those there but and so in on at
    as if when while our his her their its however meanwhile also still yet what
    why how who no not you""".split()
)

# Candidate boundary: sentence-final punctuation, optional closing marks or
# brackets, then whitespace.
# (``[.!?][.!?]*`` is ``[.!?]+`` opening with one character class: the engine scans for it fast.)
_BOUNDARY = re.compile(r"[.!?][.!?]*[\"'”’)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+([\"'“‘(\[]*)(\S)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _word_before(text: str, end: int) -> str:
    """What ``_WORD_BEFORE.search(text, max(0, end - 20), end)`` matches ('' for no match): the
    word characters and periods just before ``end``, at most 20. A loop over those few
    characters instead of a search that starts again at each of the 20 positions
    (``str.isalnum`` is the regular-expression engine's ``\\w`` test, with "_")."""
    limit = max(0, end - 20)
    if end > limit and text[end - 1] == "\n":
        end -= 1  # "$" also matches before a final line feed
    start = end
    while start > limit and (text[start - 1].isalnum() or text[start - 1] in "._"):
        start -= 1
    return text[start:end]


def _is_abbreviation(text: str, punct_start: int, nxt: re.Match[str] | None = None) -> bool:
    """True when the period at ``punct_start`` belongs to an abbreviation or initial."""
    if punct_start >= _LONGEST_ABBREVIATION and text[punct_start - _LONGEST_ABBREVIATION : punct_start].isalpha():
        return False  # a word longer than any abbreviation (most sentence ends): no need to look further
    token = _word_before(text, punct_start)
    if not token:
        return False
    word = token.lower().strip(".")
    if not word:
        return False
    if word in NUMBERED:
        return bool(nxt) and nxt.group(2).isdigit()
    if word in ABBREVIATIONS:
        return True
    # A single capital letter ("John F. Kennedy"), but not a pronoun "I".
    return len(token) == 1 and token.isupper() and token != "I"


def _closes_sentence(text: str, punct_start: int, nxt: re.Match[str] | None) -> bool:
    """Whether an abbreviation like "U.S." also ends its sentence here."""
    word = _word_before(text, punct_start)
    if not word or not nxt or word.lower().strip(".") not in CAN_END_SENTENCE:
        return False
    following = re.match(r"[A-Za-z]+", text[nxt.start(2) : nxt.start(2) + 20])
    return bool(following) and following.group(0).lower() in SENTENCE_OPENERS


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each sentence in ``text[start:end]``, whitespace trimmed."""
    end = len(text) if end is None else end
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        punct = match.group(0)
        nxt = _NEXT_START.match(text, match.end(), end)
        if punct[0] == "." and len(punct.rstrip("\"'”’)]")) == 1 and _is_abbreviation(text, match.start(), nxt):
            if not _closes_sentence(text, match.start(), nxt):
                continue
        if nxt and not (nxt.group(2).isupper() or nxt.group(2).isdigit() or nxt.group(1)):
            continue  # "... e.g. something" or lower-case continuation
        span = _trim(text, cursor, match.end())
        if span:
            yield span
        cursor = match.end()
    span = _trim(text, cursor, end)
    if span:
        yield span


def paragraph_spans(text: str, start: int = 0, end: int | None = None, wrapped: bool | None = None) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each paragraph.

    A blank line always ends a paragraph. A single line break ends one too,
    unless the text is hard-wrapped (most lines stop mid-sentence, as in PDF
    conversions and e-mailed transcripts): there a break after a line that
    does not end a sentence is only a wrap ("...continue to\ndeliver for...").
    """
    end = len(text) if end is None else end
    wrapped = is_hard_wrapped(text) if wrapped is None else wrapped
    for match in _line_breaks(text, start, end):
        blank_line = "\n" in match.group(0)[1:]
        if blank_line or not (wrapped and text[match.start() - 1 : match.start()] not in _SENTENCE_END):
            span = _trim(text, start, match.start())
            if span:
                yield span
            start = match.end()
    span = _trim(text, start, end)
    if span:
        yield span


_LINE_BREAK = re.compile(r"[ \t\r\f\v]*\n[ \t\r\f\v]*(?:\n\s*)?")
_LINE_SPACE = " \t\r\f\v"  # what _LINE_BREAK takes before its line feed


def _line_breaks(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``_LINE_BREAK.finditer(text, start, end)``, found from each line feed (``str.find``) and
    the spaces just before it: the pattern opens with optional spaces, so the engine would
    try it at every character."""
    position = start
    while (line_feed := text.find("\n", position, end)) >= 0:
        first = line_feed
        while first > position and text[first - 1] in _LINE_SPACE:
            first -= 1
        match = _LINE_BREAK.match(text, first, end)  # (always matches: spaces, then the line feed)
        yield match
        position = match.end()


_SENTENCE_END = set('.!?:;”"’)]')


def is_hard_wrapped(text: str, sample: int = 200) -> bool:
    """True when most lines end mid-sentence, so single line breaks are wraps."""
    lines = [line.rstrip() for line in text.split("\n", sample)[:sample] if line.strip()]
    if len(lines) < 4:
        return False
    open_ended = sum(1 for line in lines if line[-1] not in _SENTENCE_END)
    return open_ended / len(lines) > 0.5


def split_sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` (paragraph breaks always end a sentence)."""
    return [text[s:e] for ps, pe in paragraph_spans(text) for s, e in sentence_spans(text, ps, pe)]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def line_start_matches(pattern: re.Pattern[str], text: str, openings: re.Pattern[str] | None = None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that starts with ``^`` in MULTILINE mode,
    tried only where a line starts: the regular-expression engine would try (and fail at)
    every character in between.

    ``openings`` (a pattern such as ``\\n(?=[A-Z])``: a line break and, looked ahead at, what a
    matching line opens with) finds the line breaks after which ``pattern`` can match at
    all, in one fast scan for the break; only there (and at the text's start) is it tried.
    It must find every line break after which ``pattern`` matches, or matches are lost."""
    if openings is not None:
        yield from _matches_at_openings(pattern, text, openings)
        return
    position = 0
    while position <= len(text):
        match = pattern.match(text, position)
        if match:
            yield match
            position = match.end()
            if position > 0 and text[position - 1] == "\n" and position > match.start():
                continue  # the match ended where a line starts
        line_break = text.find("\n", position)
        if line_break < 0:
            return
        position = line_break + 1


def _matches_at_openings(pattern: re.Pattern[str], text: str, openings: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The matches of :func:`line_start_matches`, tried at the text's start and after the line
    breaks ``openings`` finds (the same tries in the same order, less those that cannot match)."""
    floor = 0  # a match is looked for again from its end, or after its start when it is empty
    line_starts = itertools.chain((0,), (opening.start() + 1 for opening in openings.finditer(text)))
    for position in line_starts:
        if position < floor:
            continue
        match = pattern.match(text, position)
        if match:
            yield match
            floor = max(match.end(), match.start() + 1)
