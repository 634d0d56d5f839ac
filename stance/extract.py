"""Turn documents into statements: the entry point of the splitting stage.

Three kinds of document are told apart:

* a **turn** (a JSON record with a speaker field, e.g. a briefing paragraph or a
  spokesperson's answer): every sentence is a statement by that speaker;
* a **transcript** (text with speaker turns such as ``MR. KIRBY:`` and ``Q``):
  each turn is split into sentences, reporters' questions get ``kind=question``;
* an **article** (anything else): quotations are found and attributed by
  :mod:`stance.quotes`. An article with no attributed quotation whose author is
  known (``(KCNA)`` dateline, "Office of the Spokesperson") is the author's own
  statement, split into sentences.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from stance import quotes
from stance.sentences import is_hard_wrapped, line_start_matches, paragraph_spans, sentence_spans
from stance.sides import infer_side
from stance.sources import Document
from stance.statement import Statement

# A transcript turn opens a line with a speaker label: "MR. KIRBY:", "THE PRESIDENT:",
# "SENIOR ADMINISTRATION OFFICIAL:", "Mr Desmond Choo:", or a reporter's "Q" / "Q:".
_TURN = re.compile(
    r"^(?P<who>Q|QUESTION"
    r"|[A-Z][A-Z.'’\- ]{0,60}[A-Z.]"
    r"|(?:Mr|Ms|Mrs|Dr|Minister|Secretary|Ambassador|President|Spokesperson|Senator)\.?\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
    r")(?::\s+|(?<=^Q)\s+(?=\S)|(?<=^QUESTION)\s+(?=\S))",
    re.MULTILINE,
)
_QUESTION_SPEAKERS = {"Q", "QUESTION", "REPORTER", "AUDIENCE MEMBER"}
_NOT_SPEAKERS = {"END", "PRESS BRIEFING", "AS PREPARED FOR DELIVERY", "FOR IMMEDIATE RELEASE", "NOTE"}
# Transcript lines that are not anyone's words: "END", "3:03 P.M. EDT", "###".
_STAGE_DIRECTION = re.compile(r"^(?:END|#+|\\?#+|\d{1,2}:\d{2}\s*[AP]\.?M\.?(?:\s+[A-Z]{2,4})?|\(.*\)|[-–—*]+)$", re.I)
_DATELINE_AGENCY = re.compile(r"^[^\n]{0,80}?\((?P<agency>KCNA|Xinhua|Yonhap|KCNA Watch|Rodong Sinmun)\)")
_AUTHOR_LINE = re.compile(r"^\s*(?P<author>Office of the Spokesperson|Office of the Press Secretary)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ExtractOptions:
    """Choices a user can make on the command line."""

    mode: str = "auto"
    min_partial_words: int = 3
    include_unattributed: bool = False
    include_titles: bool = False  # quoted titles, names of conferences and slogans
    # An article without attributed quotes whose author is known is the author's
    # own statement; False keeps only quotations and transcript turns.
    author_statements: bool = True


def extract_statements(documents: Iterable[Document], options: ExtractOptions = ExtractOptions()) -> Iterator[Statement]:
    """Yield the statements of every document, in document order."""
    for document in documents:
        yield from statements_of(document, options)


def statements_of(document: Document, options: ExtractOptions = ExtractOptions()) -> Iterator[Statement]:
    """Yield the statements of one document, choosing how to read it by ``options.mode``."""
    mode = options.mode
    if document.kind == "question":
        yield from _sentence_statements(document, 0, len(document.text), None, "question", cue=None)
        return
    if mode == "auto":
        mode = _guess_mode(document)
    if mode == "transcript":
        yield from transcript_statements(document)
    elif mode == "sentences":
        author = document.speaker or document_author(document)
        yield from _sentence_statements(document, 0, len(document.text), author, "turn", cue=None)
    else:
        found = list(quotes.quote_statements(document, options.min_partial_words, options.include_unattributed, options.include_titles))
        if found or options.mode == "quotes":
            yield from found
            return
        author = document_author(document) if options.author_statements else None
        if author:
            yield from _sentence_statements(document, 0, len(document.text), author, "turn", cue=None)


def _guess_mode(document: Document) -> str:
    # A briefing transcript inside a press-release record still has speaker turns.
    if len(list(itertools.islice(_turn_labels(document.text), 3))) >= 3:
        return "transcript"
    if document.kind == "turn" and document.speaker:
        return "sentences"
    return "quotes"


def document_author(document: Document) -> str | None:
    """The body a document speaks for, when the document says so itself."""
    dateline = _DATELINE_AGENCY.search(document.text)
    if dateline:
        return dateline.group("agency")
    author = _AUTHOR_LINE.search(document.text[:500])
    if author:
        return author.group("author")
    return document.meta.get("creator") if document.meta else None


def _turn_labels(text: str) -> Iterator[re.Match[str]]:
    """Each speaker label of a transcript ('MR. KIRBY:', 'Q'), lazily."""
    return (m for m in line_start_matches(_TURN, text) if _is_turn_label(m.group("who")))


def _transcript_turns(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(speaker, start, end)`` of each turn's words."""
    matches = list(_turn_labels(text))
    for match, following in zip(matches, matches[1:] + [None], strict=False):
        end = following.start() if following else len(text)
        yield match.group("who").strip(), match.end(), _before_trailing_directions(text, match.end(), end)


def _before_trailing_directions(text: str, start: int, end: int) -> int:
    """Cut stage-direction lines ("END", "3:03 P.M. EDT") off the end of a turn."""
    while True:
        body = text[start:end].rstrip()
        cut = body.rfind("\n")
        if cut < 0 or not _STAGE_DIRECTION.match(body[cut + 1 :].strip()):
            return start + len(body)
        end = start + cut


def _is_turn_label(who: str) -> bool:
    who = who.strip()
    if who in _QUESTION_SPEAKERS:
        return True
    words = who.replace(".", " ").split()
    return 1 <= len(words) <= 5 and who.upper() not in _NOT_SPEAKERS and any(len(w) > 2 for w in words)


def transcript_statements(document: Document) -> Iterator[Statement]:
    """Split a transcript into its speakers' sentences; questions are kept apart."""
    wrapped = is_hard_wrapped(document.text)
    for who, start, end in _transcript_turns(document.text):
        kind = "question" if who in _QUESTION_SPEAKERS else "turn"
        yield from _sentence_statements(document, start, end, who, kind, cue=None, wrapped=wrapped)


def _sentence_statements(
    document: Document, start: int, end: int, speaker: str | None, kind: str, cue: str | None, wrapped: bool | None = None
) -> Iterator[Statement]:
    text = document.text
    resolved = resolve_turn_speaker(speaker, document) if speaker and kind != "question" else None
    # The speaker's own words first, then where the document was published, then its title
    # (a title often names the guest: "Remarks by President Biden and President Yoon").
    side = infer_side(speaker, resolved, document.url, document.source, document.title) if kind != "question" else None
    for para_start, para_end in paragraph_spans(text, start, end, wrapped):
        for s, e in sentence_spans(text, para_start, para_end):
            if _STAGE_DIRECTION.match(text[s:e]) or text[s:e] == speaker:
                continue
            yield Statement.from_fragments(document, ((s, e),), speaker=speaker, resolved=resolved, side=side, cue=cue, kind=kind)


_HONORIFIC = re.compile(r"^(?:MR|MS|MRS|DR|GEN|ADM|AMB|SEN|SECRETARY|AMBASSADOR|GENERAL|ADMIRAL)\.?\s+", re.I)
_TITLE_WORDS = {
    "Advisor",
    "Adviser",
    "Secretary",
    "Coordinator",
    "Press",
    "Spokesperson",
    "Director",
    "Ambassador",
    "Deputy",
    "General",
    "Admiral",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "President",
    "The",
    "Vice",
}
_NOT_NAME_WORDS = {
    "After",
    "Before",
    "On",
    "In",
    "At",
    "To",
    "And",
    "With",
    "For",
    "Of",
    "During",
    "Upon",
    "Ahead",
    "Following",
    "Meets",
    "Speaks",
}
_ROLE_LABEL = re.compile(r"^THE\s+(?P<role>(?:VICE\s+)?PRESIDENT|FIRST LADY|SECRETARY|PRIME MINISTER|CHANCELLOR)$")


def resolve_turn_speaker(speaker: str, document: Document) -> str:
    """Turn a transcript label into who it is, as far as the document says.

    "MR. KIRBY" -> "John Kirby" (full name found in the title or text);
    "THE PRESIDENT" -> "Biden" when the title says "President Biden";
    "SENIOR ADMINISTRATION OFFICIAL" -> "a senior administration official".
    """
    label = " ".join(speaker.split())
    haystack = f"{document.title or ''}\n{document.text[:3000]}"
    role = _ROLE_LABEL.match(label.upper())
    if role:
        title = role.group("role").title()
        match = re.search(rf"\b{title}\s+((?:[A-Z][\w'’-]+\s+)?[A-Z][\w'’-]+)", haystack)
        words = match.group(1).split() if match else []
        if not words or words[0] in _NOT_NAME_WORDS:  # "by the President After Meeting with ...": unnamed
            return f"the {title.lower()}"
        return " ".join(words[:1] if words[-1] in _NOT_NAME_WORDS else words)
    if label != label.upper():
        return _HONORIFIC.sub("", label)  # "Mr Desmond Choo" -> "Desmond Choo"; "Geng Shuang" stays
    if not _HONORIFIC.match(label):
        words = label.lower()
        return f"a {words}" if words.endswith("official") else f"the {words}"
    surname = _HONORIFIC.sub("", label).title()
    for match in re.finditer(rf"\b([A-Z][\w'-]+)\s+{re.escape(surname)}\b", haystack):
        if match.group(1) not in _TITLE_WORDS:
            return f"{match.group(1)} {surname}"
    return surname
