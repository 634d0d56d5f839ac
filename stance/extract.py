"""Turn documents into statements: the entry point of the splitting stage.

Three kinds of document are told apart:

* a **turn** (a JSON record with a speaker field, e.g. a briefing paragraph or a
  spokesperson's answer): every sentence is a statement by that speaker;
* a **transcript** (text with speaker turns such as ``MR. KIRBY:`` and ``Q``):
  each turn is split into sentences, reporters' questions get ``kind=question``;
* an **article** (anything else): quotations are found and attributed by
  :mod:`stance.quotes`. An article with no attributed quotation whose author is
  known (``(KCNA)`` dateline, "Office of the Spokesperson") is the author's own
  statement, split into sentences; a statement it introduces ("Kim Yo Jong ...
  released the following press statement:") is the named speaker's, and so is
  reported speech ("..., he stressed.").

Sides follow the source's structure: the host's staff take the host's side (a
whitehouse.gov briefing is US), a visiting leader takes the side of the country the
document names with him or her ("Prime Minister Kishida of Japan"), and reporters and
news outlets are ``press`` with ``kind=question``.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from stance import quotes
from stance.boilerplate import trim_span
from stance.sentences import is_hard_wrapped, line_start_matches, paragraph_spans, sentence_spans
from stance.sides import has_office_holders, infer_side, is_press, names_a_state, office_holder_side, side_besides, side_named_with
from stance.sources import Document, names_one_person, speaks_in_first_person
from stance.statement import Statement

# A transcript turn opens a line with a speaker label: "MR. KIRBY:", "THE PRESIDENT:",
# "SENIOR ADMINISTRATION OFFICIAL:", "Mr Desmond Choo:", or a reporter's "Q" / "Q:".
_TURN = re.compile(
    r"^(?P<who>Q|QUESTIONS|QUESTION|REPLY|WRITTEN REPLY"
    r"|[A-Z][A-Z.'’\- ]{0,60}[A-Z.]"
    r"|(?:Mr|Ms|Mrs|Dr|Minister|Secretary|Ambassador|President|Spokesperson|Senator)\.?[ \t]+[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}"
    r")(?::\s+|(?<=^Q)\s+(?=\S)|(?<=^QUESTIONS)\s+(?=\S)|(?<=^QUESTION)\s+(?=\S)|(?<=REPLY)\n+(?=\S))",
    re.MULTILINE,
)
# Mixed-case labels ("Zhao Lijian:", "President of Russia Vladimir Putin:", "Pavel Zarubin, Rossiya TV:"):
# read as turns only where the document's own speaker is one of them, or names repeat (a transcript).
_NAMED_TURN = re.compile(
    r"^(?P<who>[A-Z][\w.'’-]*(?:[ \t]+(?:[A-Z][\w.'’-]*|of|the|for|and|de|van|von|al|bin|da)){0,14}(?:[ \t]+\d{1,2})?"
    r"(?:,[ \t]*[A-Z][\w.&'’-]*(?:[ \t]+(?:[A-Z][\w.&'’-]*|of|the|and|channel|television|radio|news|agency|newspaper|daily)){0,4})?"
    r"(?:[ \t]*\((?:retranslated|via interpreter|as translated|interpreted|in English|through an interpreter|[A-Z][\w&.'’-]*(?:[ \t]+[A-Z][\w&.'’-]*){0,3})\))?)"
    r":(?:[ \t]+(?=\S)|(?=To ask\b))",  # "Mr Vikram Nair:To ask the Minister ...": a written question's space lost
    re.MULTILINE,
)
# A line break before a capital letter: the only line starts (besides the first) where _TURN and _NAMED_TURN can match.
_CAPITAL_LINE = re.compile(r"\n(?=[A-Z])")
_NOT_LABELS = frozenset(
    "source sources note notes tags tag date location subject photo photos video read more related watch update editor's "
    "title headline translation example answer topic topics category keywords image credit caption file link see also "
    "warning attention announcement agenda time venue place contact email phone tel fax background summary".split()
)
_QUESTION_SPEAKERS = {
    "Q", "QUESTION", "REPORTER", "AUDIENCE MEMBER", "JOURNALIST", "FOLLOW-UP", "Question", "Remark", "Reporter", "Journalist",
    "Follow-up", "Follow-up question", "Follow up", "QUESTIONS",
}  # fmt: skip
# The answer to a written parliamentary question: the words of the minister the title names.
_REPLY_LABELS = frozenset({"REPLY", "WRITTEN REPLY"})
_NOT_SPEAKERS = {"END", "PRESS BRIEFING", "AS PREPARED FOR DELIVERY", "FOR IMMEDIATE RELEASE", "NOTE"}
# Transcript lines that are not anyone's words: "END", "3:03 P.M. EDT", "###".
_STAGE_DIRECTION = re.compile(r"^(?:END|#+|\\?#+|\d{1,2}:\d{2}\s*[AP]\.?M\.?(?:\s+[A-Z]{2,4})?|\(.*\)|[-–—*]+)$", re.I)
# A line that is only a place, a byline or a heading ("Riga, Latvia", "Ned Price, Department Spokesperson",
# "United Nations Headquarters"): capitalized words, at most one comma, no final punctuation.
_HEADING = re.compile(r"^[A-Z][\w.'’&-]*(?:,?[ \t]+(?:[A-Z][\w.'’&-]*|of|the|and|for|de|on))+(?<![.!?])$")
_STAGE_DIRECTION_LINES = re.compile(
    r"^\((?:[^()]|\n){1,60}\)$"  # "(Laughter and\napplause.)"
    r"|^(?i:Photo\s*(?:credit|caption)s?|Caption|Source|Credit)\s*:.*$"  # "Photo Credit: Ministry of Foreign Affairs"
    r"|^[A-Z][A-Z,'’&-]*(?:[ \t]+[A-Z][A-Z,'’&-]*){0,3}$",  # "SINGAPORE", "MINISTRY OF FOREIGN AFFAIRS": a signature line
    re.S,
)
# "MINISTRY OF FOREIGN AFFAIRS\nSINGAPORE\n3 OCTOBER 2022": the signature and date under a release.
_SIGNATURE_WORDS = ("MINISTRY", "OFFICE", "DEPARTMENT", "EMBASSY", "PERMANENT MISSION")
_SIGNATURE_BLOCK = re.compile(r"(?:MINISTRY|OFFICE|DEPARTMENT|EMBASSY|PERMANENT MISSION)\b[A-Z ,&'’-]*(?:\n[A-Z0-9][A-Z0-9 ,&'’-]*){1,3}$")
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
    # Every document is this speaker's own speech or statement (``--speaker``), on this side (``--side``).
    speaker: str | None = None
    side: str | None = None


def extract_statements(documents: Iterable[Document], options: ExtractOptions = ExtractOptions()) -> Iterator[Statement]:
    """Yield the statements of every document, in document order."""
    for document in documents:
        yield from statements_of(document, options)


def canonical_speakers(statements: Iterable[Statement]) -> list[Statement]:
    """One name per person within a run: 'MR. KIRBY', 'Kirby' and 'John Kirby' all resolve
    to 'John Kirby'. ``speaker`` (as written) is kept, with its white space normalised.
    See :func:`speaker_names` for the rules."""
    statements = list(statements)
    name_of = speaker_names((s.source, s.record, s.speaker_resolved) for s in statements)
    result = []
    for statement in statements:
        resolved = name_of(statement.source, statement.record, statement.speaker_resolved)
        speaker = " ".join(statement.speaker.split()) if statement.speaker else statement.speaker
        if resolved != statement.speaker_resolved or speaker != statement.speaker:
            statement = replace(statement, speaker_resolved=resolved, speaker=speaker)
        result.append(statement)
    return result


def canonical_speaker_rows(rows: list[dict]) -> None:
    """:func:`canonical_speakers` for output rows (dicts with source, record, speaker, speaker_resolved), in place."""
    name_of = speaker_names((r["source"], r["record"], r["speaker_resolved"]) for r in rows)
    for row in rows:
        row["speaker_resolved"] = name_of(row["source"], row["record"], row["speaker_resolved"])
        if row.get("speaker"):
            row["speaker"] = " ".join(row["speaker"].split())


SPOOL_BATCH = 2000  # rows per marshal record in the spool of canonical_rows


def canonical_rows(rows: Iterable[dict]) -> Iterator[dict]:
    """:func:`canonical_speaker_rows` for a stream of output rows, in bounded memory.

    One name per speaker needs the whole run before the first row can be written, so the
    rows are spooled to an anonymous temporary file as they come (in batches), the name
    table is built from one pass over the spool (only names are kept), and the rows are
    read back and yielded with their canonical names. Memory holds a batch and the name table.
    Nothing is yielded before ``rows`` is exhausted: every input error comes first.
    """
    import tempfile

    with tempfile.TemporaryFile(prefix="stance-extract-") as spool:
        keys: tuple[str, ...] = ()
        batch: list[tuple] = []
        for row in rows:
            keys = keys or tuple(row)
            batch.append(tuple(row.values()))  # every row has the same columns (Statement.as_row)
            if len(batch) >= SPOOL_BATCH:
                _spool_batch(spool, batch)
                batch = []
        if batch:
            _spool_batch(spool, batch)
        if not keys:
            return
        source, record, resolved = (keys.index(k) for k in ("source", "record", "speaker_resolved"))
        name_of = speaker_names((r[source], r[record], r[resolved]) for r in _spooled(spool))
        speaker = keys.index("speaker")
        for values in _spooled(spool):
            row = dict(zip(keys, values, strict=True))
            row["speaker_resolved"] = name_of(values[source], values[record], values[resolved])
            if values[speaker]:
                row["speaker"] = " ".join(values[speaker].split())
            yield row


def _spool_batch(spool, batch: list[tuple]) -> None:
    """A batch of rows as its length and its ``marshal`` bytes (``marshal.load`` of a file reads
    it a few bytes at a time; ``marshal.loads`` of one read is many times faster)."""
    import marshal

    data = marshal.dumps(batch)
    spool.write(len(data).to_bytes(8, "little"))
    spool.write(data)


def _spooled(spool) -> Iterator[tuple]:
    """The rows written to ``spool`` by :func:`canonical_rows`, from its start."""
    import marshal

    spool.seek(0)
    while size := spool.read(8):
        yield from marshal.loads(spool.read(int.from_bytes(size, "little")))


def speaker_names(mentions: Iterable[tuple[str, str, str | None]]) -> Callable[[str, str, str | None], str | None]:
    """From every ``(source, record, resolved name)`` of a run, a function giving each its canonical name.

    A full name (two words or more) claims its surname; spellings that differ only by a
    middle initial ('Antony J. Blinken', 'Antony Blinken') are one person, written the way
    the run writes it most often. A bare surname takes the full name found in the same
    document, else the only full name with that surname in the run; a surname two people
    share ('Kim') stays as it is. Case and white space are normalised ('JOHN KIRBY' -> 'John Kirby').
    """
    spellings: dict[frozenset[str], dict[str, int]] = {}
    by_surname: dict[str, set[frozenset[str]]] = {}
    by_document: dict[tuple[str, str, str], frozenset[str]] = {}
    for source, record, resolved in mentions:
        key = person_key(resolved)
        if key:
            written = _normal_case(" ".join(resolved.split()))
            counts = spellings.setdefault(key, {})
            counts[written] = counts.get(written, 0) + 1
            for word in key:  # "Kirby" or "Kishida" alone: either end of the full name
                by_surname.setdefault(word, set()).add(key)
                by_document[(source, record, word)] = key
    canonical = {key: max(counts, key=lambda w: (counts[w], len(w))) for key, counts in spellings.items()}

    def name_of(source: str, record: str, resolved: str | None) -> str | None:
        if not resolved:
            return resolved
        resolved = " ".join(resolved.split())
        key = person_key(resolved)
        if key:
            return canonical[key]
        words = resolved.split()
        if len(words) == 1 and words[0][:1].isupper() and not _is_acronym(words[0]):
            surname = words[0].lower()
            key = by_document.get((source, record, surname))
            if key is None and len(by_surname.get(surname, ())) == 1:
                key = next(iter(by_surname[surname]))
            if key is not None:
                return canonical[key]
        return _normal_case(resolved)

    return name_of


_KEY_NAME_TOKEN = re.compile(r"^[A-Z][\w'’-]*\.?$")


def _person_key_name(name: str | None) -> list[str] | None:
    """The words of a person's full name ('John Kirby', 'Antony J. Blinken'), or None."""
    if not name:
        return None
    words = [w for w in name.replace(".", ". ").split() if not re.fullmatch(r"[A-Z]\.", w)]
    words = [w for w in words if w.rstrip(".").lower() not in {"jr", "sr"}]
    if not 2 <= len(words) <= 4 or not all(_KEY_NAME_TOKEN.match(w) for w in words):
        return None
    if words[0].lower() in {"the", "a", "an", "mr", "ms", "mrs", "dr"} or quotes.person_name(" ".join(words)) != " ".join(words):
        return None
    return words


@lru_cache(maxsize=8192)  # a run names the same people again and again
def person_key(name: str | None) -> frozenset[str] | None:
    """What identifies a person's full name: its first and last word, in either order, so
    'Antony J. Blinken' is 'Antony Blinken' and 'Kishida Fumio' is 'Fumio Kishida'; None if
    ``name`` is not a full name."""
    words = _person_key_name(" ".join(name.split())) if name else None
    return frozenset((words[0].lower().rstrip("."), words[-1].lower().rstrip("."))) if words else None


def _normal_case(name: str) -> str:
    """'JOHN KIRBY' -> 'John Kirby'; a name in mixed case stays as written."""
    return name.title() if name.isupper() and len(name) > 4 else name


# Invisible format characters (zero-width spaces and joiners, soft hyphens, bidi marks):
# left out while quotes are attributed, so "sa\u200bid" is "said"; offsets map back.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def _quote_statements(document: Document, options: ExtractOptions) -> list[Statement]:
    """:func:`quotes.quote_statements` of the document read without invisible characters,
    each statement's offsets mapped back to (and its text sliced from) the document's text."""
    settings = (options.min_partial_words, options.include_unattributed, options.include_titles)
    removed = [match.start() for match in _INVISIBLE.finditer(document.text)]
    if not removed:
        return list(quotes.quote_statements(document, *settings))
    visible = replace(document, text=_INVISIBLE.sub("", document.text))
    moved = [at - k for k, at in enumerate(removed)]  # where each removed character was, in the visible text

    def start_of(position: int) -> int:
        return position + bisect.bisect_right(moved, position)

    def end_of(position: int) -> int:
        return start_of(position - 1) + 1 if position > 0 else 0

    statements = []
    for statement in quotes.quote_statements(visible, *settings):
        fragments = tuple((start_of(s), end_of(e)) for s, e in statement.fragments)
        text = " ".join(document.text[s:e] for s, e in fragments)
        statements.append(replace(statement, text=text, start=fragments[0][0], end=fragments[-1][1], fragments=fragments))
    return statements


def statements_of(document: Document, options: ExtractOptions = ExtractOptions()) -> Iterator[Statement]:
    """Yield the statements of one document, choosing how to read it by ``options.mode``."""
    mode = options.mode
    if options.speaker or options.side:
        document = replace(document, speaker=options.speaker or document.speaker, side=options.side or document.side, kind="turn")
        if options.speaker:
            mode = "sentences"
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
        found = _quote_statements(document, options)
        if found or options.mode == "quotes":
            yield from found
            return
        author = document_author(document) if options.author_statements else None
        if author:
            author = _speech_of_the_principal(document, author) or author
            # Reported speech is looked for in an agency's stories ("(KCNA) -- ... he stressed");
            # a ministry's release speaks for the ministry throughout.
            yield from author_statements(document, author, reported=bool(_DATELINE_AGENCY.search(document.text[:300])))


_OFFICE_OF = re.compile(
    r"^(?:the\s+)?Office of the (?P<title>President|Prime Minister|Chancellor) of (?P<country>[A-Z][\w -]+?)\s*(?:\(|$)"
)
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|our|Our|my|My|us)\b")
_THIRD_PERSON = re.compile(
    r"\b(?:the (?:President|Head of State|Prime Minister)|(?:he|she) (?:said|noted|stressed|added)|(?:said|noted|stressed|emphasized) the)\b"
)


_SPEECH_BY = re.compile(
    r"^(?:Speech|Address|Remarks|Statement|Video address|Interview|Greetings|Opening remarks)\s+(?:by|of)\s+(?:the\s+)?"
    r"(?P<who>[^,:–—()]+?)(?:\s+(?:at|to|in|on|during|before|after|for|with)\b|[,:–—(]|$)",
    re.I,
)


def _speech_of_the_principal(document: Document, author: str) -> str | None:
    """A head of state's office publishing the head of state's own speech or address (first
    person throughout, no reporting of what 'the President' did): the speech is the
    president's, named as the document names him or her ('President of Ukraine Volodymyr
    Zelenskyy'); None for a release that reports on the president."""
    office = _OFFICE_OF.match(author)
    if not office:
        return None
    text = document.text[:6000]
    first = len(_FIRST_PERSON.findall(text))
    if first < 3:
        return None
    third = 0
    for _ in _THIRD_PERSON.finditer(text):  # counted only until there are too many
        third += 1
        if first < 4 * third:
            return None
    by = _SPEECH_BY.match(document.title or "")
    if by and quotes.person_name(by.group("who")):
        return by.group("who").strip()  # "Speech by Head of the Office of the President of Ukraine Andriy Yermak at ..."
    title = f"{office.group('title')} of {office.group('country')}"
    # The name the document writes most often right after the title ("President of Ukraine
    # Volodymyr Zelenskyy"), not a word of the next line, nor the head of the president's office.
    names = _names_after_title(title, f"{document.title or ''}\n{document.text}")
    names = [n for n in names if quotes.person_name(n) == n and not set(n.split()) & _NOT_GIVEN_NAMES]
    if not names:
        return f"the {title}"
    return f"{title} {max(set(names), key=names.count)}"


def _names_after_title(title: str, text: str) -> list[str]:
    """``re.findall(rf"(?<!Office of the )\\b{title}[ \\t]+(Name Name)\\b", text)``, found fast: the
    pattern without its leading checks starts with the title's words, which the regular-expression
    engine looks for in one scan; the checks are made at each place it finds (a place that fails
    them is looked past by one character, as ``findall`` would)."""
    pattern = re.compile(rf"{title}[ \t]+([A-Z][\w'’-]+[ \t]+[A-Z][\w'’-]+)\b")
    names, position = [], 0
    while match := pattern.search(text, position):
        start = match.start()
        if text.endswith("Office of the ", 0, start) or (start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")):
            position = start + 1  # inside a word, or 'Office of the President of ...'
            continue
        names.append(match.group(1))
        position = match.end()
    return names


def _guess_mode(document: Document) -> str:
    # A briefing transcript inside a press-release record still has speaker turns.
    labels = list(itertools.islice(_turn_labels(document.text), 3))
    titled = {m.group("who") for m in labels if _TITLED_LABEL.match(m.group("who")) or _HONORIFIC.match(m.group("who"))}
    if (
        len(labels) >= 3
        or len(titled) >= 2  # "SECRETARY BLINKEN:" and "PRESIDENT NAUSEDA:" before a meeting
        or _named_turn_labels(document)
        or (labels and _TRANSCRIPT_TITLE.search(document.title or "") and labels[0].start() < 300)
    ):
        return "transcript"
    if document.kind == "turn" and document.speaker:
        return "sentences"
    return "quotes"


def document_author(document: Document) -> str | None:
    """The body or person a document speaks for, when the document says so itself."""
    dateline = _DATELINE_AGENCY.search(document.text)
    if dateline:
        return dateline.group("agency")
    author = _AUTHOR_LINE.search(document.text[:500])
    if author:
        return author.group("author")
    if document.speaker and ";" not in document.speaker and not names_one_person(document.speaker):
        return document.speaker  # an office's release ("Office of the President of Ukraine (press service)")
    if document.speaker and speaks_in_first_person(document.speaker, document.text):
        return document.speaker
    return document.meta.get("creator") if document.meta else None


def _turn_labels(text: str) -> Iterator[re.Match[str]]:
    """Each speaker label of a transcript ('MR. KIRBY:', 'Q'), lazily."""
    return (m for m in line_start_matches(_TURN, text, _CAPITAL_LINE) if _is_turn_label(m.group("who")))


@lru_cache(maxsize=8)
def _named_turn_labels(document: Document) -> list[re.Match[str]]:
    """Mixed-case speaker labels ('Zhao Lijian:', 'Pavel Zarubin, Rossiya TV:'), when the
    document is a transcript written with them: its own speaker is one of them, or at least
    three labels name at least two speakers and one speaks twice. Otherwise none, so a
    'Note:' or 'Source: PMO' line in an article is never a speaker."""
    text = document.text
    # Only a record with a speaker, a transcript by its title, or a text whose opening lines
    # carry labels is searched line by line: the common article costs one short scan.
    hinted = bool(document.speaker) or bool(_TRANSCRIPT_TITLE.search(document.title or ""))
    head = text if hinted else text[:3000]
    if not (_LABEL_HINT.search(head) or _LABEL_HINT_START.match(head)):
        return []  # no line opens with a capitalized label: the common case, found in one fast scan
    matches = [m for m in line_start_matches(_NAMED_TURN, text, _CAPITAL_LINE) if _is_named_label(m.group("who"), document)]
    if not matches:
        return []
    names = [_label_name(m.group("who")) for m in matches]
    own = _label_name(document.speaker or "")
    if own and any(name == own or name.endswith(" " + own) or own.endswith(" " + name) for name in names):
        return matches
    if _TRANSCRIPT_TITLE.search(document.title or "") and matches[0].start() < 300:
        return matches  # "Transcript of Minister ...'s Remarks": "Minister:" opens the text
    if len(matches) < 2:
        return []
    counts = {name: names.count(name) for name in names}
    return matches if len(matches) >= 3 and len(counts) >= 2 and max(counts.values()) >= 2 else []


_TITLE_LABELS = frozenset("minister president chairman chairwoman chair moderator host interviewer question answer remark speaker".split())


_LABEL_HINT = re.compile(r"\n[A-Z][^\n:]{1,80}:(?:[ \t]|To ask\b)")
_LABEL_HINT_START = re.compile(r"[A-Z][^\n:]{1,80}:(?:[ \t]|To ask\b)")
_TRANSCRIPT_TITLE = re.compile(r"\b(?:transcript|interview|press conference|doorstop|Q&A|remarks and q)", re.I)


def _is_named_label(who: str, document: Document) -> bool:
    """A mixed-case label names a speaker; one word only if it is a title ('Minister:') or a
    name the document's title gives too ('Amanpour:'), never a heading ('Lifelines:')."""
    words = who.split()
    first = words[0].lower().rstrip(",")
    if first in _NOT_LABELS or len(who) > 120 or first.endswith("ly"):
        return False
    if len(words) == 1 or (len(words) == 2 and words[1].isdigit()):
        return (
            first in _TITLE_LABELS
            or words[0] in _QUESTION_SPEAKERS
            or is_press(who)  # "Reuters:", "Bloomberg:"
            or (bool(document.title) and who in _title_words(document.title))
        )
    return quotes.is_speaker_phrase(_label_name(who))


@lru_cache(maxsize=64)
def _title_words(title: str) -> frozenset[str]:
    """The title's words without punctuation or a possessive ("CNN's Christiane Amanpour, 20 ...")."""
    return frozenset(re.sub(r"[’']s$", "", word.strip(',.;:()"“”')) for word in title.split())


def _label_name(label: str) -> str:
    """'Pavel Zarubin, Rossiya TV' -> 'Pavel Zarubin'; 'Vladimir Putin (President of Russia)' -> 'Vladimir Putin'."""
    return re.sub(r"\s*\(.*$", "", label.split(",")[0]).strip()


def _transcript_turns(document: Document) -> Iterator[tuple[str, int, int]]:
    """Yield ``(speaker, start, end)`` of each turn's words."""
    text = document.text
    named = _named_turn_labels(document)
    matches = sorted(list(_turn_labels(text)) + named + _glued_labels(text, named), key=lambda m: m.start())
    for match, following in zip(matches, matches[1:] + [None], strict=False):
        end = following.start() if following else len(text)
        yield match.group("who").strip(), match.end(), _before_trailing_directions(text, match.end(), end)


def _glued_labels(text: str, named: list[re.Match[str]]) -> list[re.Match[str]]:
    """Labels of a transcript pasted without its line breaks: a label the document writes at a
    line start ('Minister Vivian Balakrishnan:'), or the title word of one ('President', 'Minister'),
    glued to the end of the previous sentence ('…20 times.President: And…', '(larger).PresidentFour
    times…'). Only looked for in a transcript with mixed-case labels whose sentences run together."""
    if not named:
        return []
    labels = {m.group("who").strip() for m in named}
    titles = {label.split()[0] for label in labels if label.split()[0].lower() in _TITLE_LABELS}
    with_colon = "|".join(re.escape(label) for label in sorted(labels | titles, key=len, reverse=True))
    # Without its colon only a one-word label or title ('MinisterOur population?', 'AmanpourAnd yet, ...').
    single = titles | {label for label in labels if " " not in label}
    bare = "|".join(re.escape(word) for word in sorted(single, key=len, reverse=True))
    pattern = rf"(?<=[.?!)\]”’])(?:(?P<who>{with_colon}):[ \t]*" + (rf"|(?P<bare>{bare})(?=[A-Z][a-z]))" if bare else ")")
    glued = [_GluedLabel(m) for m in re.finditer(pattern, text)]
    if bare:
        glued += [_GluedLabel(m) for m in re.finditer(rf"^(?P<bare>{bare})(?=[A-Z][a-z])(?P<who>)", text, re.M)]
    return glued


class _GluedLabel:
    """A glued label read like a line-start label match (its ``who``, ``start`` and ``end``)."""

    __slots__ = ("_who", "_start", "_end")

    def __init__(self, match: re.Match[str]) -> None:
        self._who = match.group("who") or match.group("bare")
        self._start, self._end = match.start(), match.end()

    def group(self, name: str) -> str:
        return self._who

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def _before_trailing_directions(text: str, start: int, end: int) -> int:
    """Cut stage-direction lines ("END", "3:03 P.M. EDT") off the end of a turn (each step
    looks at one line, not a copy of the whole turn)."""
    while True:
        while end > start and text[end - 1].isspace():
            end -= 1
        cut = text.rfind("\n", start, end)
        if cut < 0 or not _STAGE_DIRECTION.match(text[cut + 1 : end].strip()):
            return end
        end = cut


def _is_turn_label(who: str) -> bool:
    who = who.strip()
    if who in _QUESTION_SPEAKERS:
        return True
    words = who.replace(".", " ").split()
    if len(words) == 1 and words[0] in _HEADER_WORDS:
        return False  # "BORN:", "CAREER:", "LANGUAGES:" in a biography, not speakers
    if _FIELD_WORDS.search(who):
        return False  # "VESSEL TYPE:", "DATE OF BIRTH:": a sanctions list's fields
    return 1 <= len(words) <= 5 and who.upper() not in _NOT_SPEAKERS and any(len(w) > 2 for w in words)


_FIELD_WORDS = re.compile(
    r"\b(?:TYPE|NAME|NUMBER|ADDRESS|REGISTRATION|IDENTIFICATION|NATIONALITY|GENDER|BIRTH|ALIAS|FKA|AKA|DOB|POB|PASSPORT|"
    r"VESSEL|ENTITY|PHONE|WEBSITE|EMAIL|CITIZENSHIP|IMO|FLAG|TONNAGE|ORGANIZATION ESTABLISHED)\b"
)
_HEADER_WORDS = frozenset(
    """DID BORN CAREER LANGUAGES EDUCATION SPECIAL TRANSCRIPT NOTE NOTES SOURCE SOURCES PHOTO DATE TIME VENUE LOCATION SUBJECT
    UPDATE WARNING ANNEX ATTACHMENT REFERENCE FROM TO CC SUMMARY BACKGROUND AGENDA TOPIC TOPICS QUALIFICATIONS EXPERIENCE
    MARRIED CHILDREN APPOINTMENTS AWARDS SPOUSE FAMILY POSITIONS HOBBIES INTERESTS NATIONALITY PROFILE AGE TITLE DESIGNATION
    CONTACT EMAIL TEL FAX WEBSITE ADDRESS ENQUIRIES MEDIA RELEASE EMBARGO EMBARGOED ATTENDEES PRESENT ABSENT WHEN WHERE WHAT
    WHO WHY HOW RE SUBJ ENCL PS NB IMPORTANT EDITOR EDITORS ADVISORY STATEMENT READOUT FACTSHEET""".split()
)


def transcript_statements(document: Document) -> Iterator[Statement]:
    """Split a transcript into its speakers' sentences; questions are kept apart. Text before
    the first label is the document's own speaker's (a spokesperson's opening statement)."""
    wrapped = is_hard_wrapped(document.text)
    turns = list(_transcript_turns(document))
    if turns and document.speaker and document.kind == "turn":
        first = document.text.rfind("\n", 0, turns[0][1]) + 1
        if document.text[:first].strip():
            turns.insert(0, (document.speaker, 0, first))
    for who, start, end in turns:
        kind = "question" if _is_question_label(who, document, start, end) else "turn"
        yield from _sentence_statements(document, start, end, who, kind, cue=None, wrapped=wrapped)


_SELF_INTRODUCTION = re.compile(
    r"\b(?:TV|television|channel|radio|news|newspaper|agency|magazine|daily|times|post|journal|gazette|press|media|"
    r"correspondent|reporter|journalist|broadcast\w*|network|service)\b",
    re.I,
)


def _is_question_label(who: str, document: Document, start: int, end: int) -> bool:
    """A reporter's turn: 'Q', a news outlet ('CCTV', 'Reuters'), 'Name, Outlet', or
    someone who introduces himself with his outlet ('Pavel Zarubin, Rossiya TV channel.')."""
    if who in _QUESTION_SPEAKERS or who.split(" (")[0] in _QUESTION_SPEAKERS or re.sub(r"\s+\d+$", "", who) in _QUESTION_SPEAKERS:
        return True
    name, _, affiliation = who.partition(",")
    if is_press(name) or (affiliation and is_press(affiliation)):
        return True
    bracketed = _BRACKETED.search(who) if who.endswith(")") else None
    if bracketed and _is_outlet(bracketed.group(1)):
        return True  # "Dawn Tan (CNA):", "Daniel Hurst (Guardian Australia):"
    own = _label_name(document.speaker or "")
    if " " not in name and name and name in _press_surnames(document) and not (own and _same_person(own, name)):
        return True  # "Amanpour:" after "Christiane Amanpour (CNN):"
    if own and name != own and not own.endswith(" " + name):
        if _is_acronym(name):
            return True  # "CNN:", "AFP:" at a spokesperson's press conference
        if document.meta.get("speaker_field") == "spokesperson" and quotes.person_name(name) != name:
            return True  # at a spokesperson's press conference, a label that names no person is an outlet
    if document.text.startswith("To ask ", start):
        return True  # a member of parliament's written question ("Ms Sylvia Lim: To ask the Minister for ...")
    opening = document.text[start : min(end, start + 250)]
    at = opening.find(name + ",")
    if at >= 0 and _SELF_INTRODUCTION.search(opening, at, at + len(name) + 60):
        return True
    return _named_as_journalist(name, document) or (bool(own) and _is_interviewer(name, own, document))


_BRACKETED = re.compile(r"\(([A-Z][^()]*)\)$")
_NOT_OUTLET = re.compile(r"\b(?:Secretary|Minist\w+|President|Spokes\w+|Office|Department|Council|Chair\w*|Governor|Ambassador|Prime)\b")


@lru_cache(maxsize=8)
def _press_surnames(document: Document) -> frozenset[str]:
    """Surnames of the journalists a transcript labels with their outlet ('Christiane Amanpour (CNN)')."""
    found = set()
    for match in _named_turn_labels(document):
        who = match.group("who")
        bracketed = _BRACKETED.search(who)
        if bracketed and _is_outlet(bracketed.group(1)):
            found.add(_label_name(who).split()[-1])
    return frozenset(found)


def _is_outlet(bracketed: str) -> bool:
    """What a label names in brackets after a person is a news outlet ('CNA', 'ST', 'AAP',
    'InnovationAus'), unless it is a title or a state ('President of Russia', 'Australia')."""
    if _STAGE_NOTE.match(bracketed):
        return False  # "Vladimir Putin (Addressing Dmitry Vshivkov):", "(Via interpreter)"
    return is_press(bracketed) or not (_NOT_OUTLET.search(bracketed) or names_a_state(bracketed))


_STAGE_NOTE = re.compile(r"^(?:[A-Z][a-z]+ing|Via|In|Through|As|To|Retranslated|Interpreted|Translated|Continued|Cont|Off|On)\b")


_JOURNALIST_BEFORE = re.compile(
    r"\b(?:journalist|reporter|correspondent|anchor|presenter|interviewer|host|editor)s?\s+(?:[A-Z][\w'’-]+\s+){0,2}$", re.I
)
_INTERVIEW_TITLE = re.compile(r"\binterview(?:ed)?\s+(?:to|with|by)\b|\banswers? to (?:media |journalists' )?questions\b", re.I)


def _named_as_journalist(name: str, document: Document) -> bool:
    """'Answers to questions from journalist Pavel Zarubin': the title calls the speaker a journalist;
    so may the heading line that opens the text ('... FIRESIDE CHAT WITH HOST OF THE NATSECTECH
    PODCAST JEANNE MESERVE ...')."""
    title = document.title or ""
    at = title.find(name)
    if at >= 0 and _JOURNALIST_BEFORE.search(title, 0, at):
        return True
    heading = document.text[: document.text.find("\n", 0, 400) + 1].upper()
    at = heading.find(name.upper()) if heading and len(name) > 3 else -1
    return at >= 0 and bool(_HOST_OF_BEFORE.search(heading, max(0, at - 80), at))


# "with host of the NatSecTech podcast Jeanne Meserve", "moderated by journalist ...": written in capitals in a heading.
_HOST_OF_BEFORE = re.compile(
    r"\b(?:JOURNALIST|REPORTER|CORRESPONDENT|ANCHOR|PRESENTER|INTERVIEWER|HOST|EDITOR)S?\s+(?:OF\s+(?:THE\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,3}\s+)?(?:[A-Z][\w'’-]+\s+){0,2}$"
)


def _is_interviewer(name: str, own: str, document: Document) -> bool:
    """In an interview ('Interview to Mongolian Onoodor Newspaper') everyone but the interviewee asks."""
    return bool(_INTERVIEW_TITLE.search(document.title or "")) and not _same_person(own, name)


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isalpha() and word.isupper()


def _sentence_statements(
    document: Document, start: int, end: int, speaker: str | None, kind: str, cue: str | None, wrapped: bool | None = None
) -> Iterator[Statement]:
    text = document.text
    if kind == "question" and speaker and document.text.startswith("To ask ", start):
        resolved = resolve_turn_speaker(speaker, document)  # a member of parliament's question
        side = turn_side(speaker, resolved, document) or quotes.publisher_side(document)
    elif kind == "question":
        resolved = _label_name(speaker) if speaker and speaker not in _QUESTION_SPEAKERS else None
        side = None if _is_audience_question(speaker, document) else "press"
    else:
        resolved = resolve_turn_speaker(speaker, document) if speaker else None
        side = turn_side(speaker, resolved, document)
        if speaker in _REPLY_LABELS:
            side = quotes.publisher_side(document) or side  # the government's answer, wherever it is published
    for para_start, para_end in paragraph_spans(text, start, end, wrapped):
        for s, e in sentence_spans(text, para_start, para_end):
            s, e = trim_span(text, s, e)
            sentence = text[s:e]
            if (
                e == s
                or _STAGE_DIRECTION.match(sentence)
                or _STAGE_DIRECTION_LINES.match(sentence)
                or text.startswith(_SIGNATURE_WORDS, s)
                and _SIGNATURE_BLOCK.match(text, s, e)
                or sentence == speaker
                or (s, e) == (para_start, para_end)
                and _HEADING.match(sentence)
            ):
                continue
            yield Statement.from_fragments(document, ((s, e),), speaker=speaker, resolved=resolved, side=side, cue=cue, kind=kind)


_NUMBERED_QUESTION = re.compile(r"^(?:Question\s+\d{1,2}|(?:Participant|Audience [Mm]ember)(?:\s+\d{1,2})?)$")
_PRESS_EVENT = re.compile(r"\b(?:press|media|doorstop|interview|briefing|journalists?|reporters?|news conference)\b", re.I)


def _is_audience_question(speaker: str | None, document: Document) -> bool:
    """'Question 3:' or 'Participant:' after a lecture or a dialogue (a title that names no press
    event): someone in the audience, whom the document does not place, not the press."""
    return bool(speaker and _NUMBERED_QUESTION.match(speaker) and document.title and not _PRESS_EVENT.search(document.title))


# --- sides of transcript speakers -------------------------------------------


@lru_cache(maxsize=256)  # a transcript gives one speaker many turns
def turn_side(speaker: str | None, resolved: str | None, document: Document) -> str | None:
    """The side of a transcript's (or record's) speaker, following the source's structure.

    A state named in the label or the resolved name comes first ("PRESIDENT OF RUSSIA").
    Then the country the document names with the speaker ("Prime Minister Kishida of
    Japan", "German Foreign Minister Baerbock"): a visiting leader speaks for that
    country. Otherwise the speaker is the host's: the side the record states, or the
    publisher's (a whitehouse.gov address, a ``wh_`` corpus), or the document's own speaker's.
    Where a document has a principal speaker (a record's speaker field), someone else the
    document does not place gets no side rather than the host's.
    """
    own = infer_side(speaker, resolved)
    if own == "UN" and "Security Council" in (speaker or "") and not _NAMES_THE_UN.search(speaker or ""):
        own = None  # "Secretary of the Security Council Nikolai Patrushev": a state's council, not the UN's
    if own and own != "other_state":
        return own
    named = _side_named_with(resolved or speaker or "", document) if (resolved or speaker) else None
    if named:
        return named
    if own == "other_state" and _FOREIGN_TITLE.search(speaker or "") and infer_side(document.url, document.source) == "US":
        return "other_state"  # a prime minister, chancellor or foreign minister at the White House is a guest
    guest = _guest_or_publisher_side(speaker, resolved, document)
    if guest:
        return guest
    principal = _label_name(document.speaker or "") if document.speaker and names_one_person(document.speaker) else ""
    is_principal = not principal or speaker == document.speaker or _same_person(principal, resolved or speaker or "")
    if not is_principal:
        labelled = _labelled_side(resolved or speaker or "", document)
        if labelled:
            return labelled
        if own == "other_state" and (names_a_state(speaker or "") or _OF_A_STATE.search(speaker or "")):
            return own  # "Deputy President of the Republic of South Africa Paul Mashatile", "... of the Republic of Turkiye ..."
    if not is_principal and own != "other_state":
        return own  # someone the document does not place: no side rather than the host's
    if document.side:
        return document.side
    host = infer_side(document.url, document.source, document.speaker)
    return host if host and host != "other_state" else (own or infer_side(document.title) or host)


# Titles that no U.S. official carries: a speaker with one at a U.S. host is a guest, even when
# the document does not say from where.
_FOREIGN_TITLE = re.compile(
    r"\b(?:PRIME MINISTER|CHANCELLOR|MINISTER|KING|QUEEN|EMIR|PREMIER|TAOISEACH|SHEIKH|SULTAN|CROWN PRINCE)\b", re.I
)


_OF_A_STATE = re.compile(
    r"\bof the (?:Republic|Kingdom|Federation|State|Sultanate|Principality|United Arab Emirates)\b|\bRepublic of [A-Z]"
)
_JOINT_EVENT = re.compile(r"\bjoint\s+(?:press|media|news)\s+(?:conference|availability|briefing|remarks)|\bjoint\s+doorstop", re.I)


def _guest_or_publisher_side(speaker: str | None, resolved: str | None, document: Document) -> str | None:
    """For a publisher whose own office holders are listed (:data:`sides.OFFICE_HOLDERS`): its
    own people take its side; at a joint press conference, everyone else on the stage speaks
    for the other state the title names ('Singapore-Australia Joint Ministerial Committee in
    Canberra, Australia'). None where this does not decide."""
    publisher = _listed_publisher(document.side, document.url)
    if publisher is None:
        return None
    if office_holder_side(resolved or speaker, publisher):
        return publisher
    if document.title and _JOINT_EVENT.search(document.title):
        return side_besides(document.title, publisher)
    return None


@lru_cache(maxsize=256)
def _listed_publisher(side: str | None, url: str | None) -> str | None:
    """The publisher's side when :data:`sides.OFFICE_HOLDERS` lists its office holders, else None."""
    publisher = side or infer_side(url)
    return publisher if has_office_holders(publisher) else None


_STAFF_TITLE = re.compile(
    r"\b(?:Minist\w+|Governor|Secretary|Chair\w*|Head|Director|Chief|Aide|Advis[eo]r|Prosecutor|Spokes\w+|Commander|Deputy|"
    r"Mayor|Speaker|Premier|Commissioner|Ombudsman|Plenipotentiary|Envoy)\b"
)
_NAMES_THE_UN = re.compile(r"United Nations|\bU\.?N\.?\b|Secretary[- ]General")


def _labelled_side(name: str, document: Document) -> str | None:
    """The side a transcript's own labels give the person named ``name`` (by surname), also
    where a later label gives the name alone: a label with an office and no state ('Minister
    of Defence Sergei Shoigu', 'Central Bank Governor Elvira Nabiullina', 'Secretary of the
    Security Council Nikolai Patrushev') is the host government's official; a label that names
    a state ('Vice Premier of the State Council of the People's Republic of China Ding
    Xuexiang') gives that state's side."""
    words = name.split()
    return _label_sides(document).get(words[-1].lower()) if words else None


@lru_cache(maxsize=8)
def _label_sides(document: Document) -> dict[str, str]:
    host = document.side or infer_side(document.url, document.source, document.speaker)
    sides: dict[str, str] = {}
    for match in _named_turn_labels(document):
        label = _label_name(match.group("who"))
        name = quotes.person_name(label)
        if not name or not label.endswith(" " + name):
            continue
        title = label[: -len(name)]
        side = infer_side(title)
        if side == "UN" and "Security Council" in title and not _NAMES_THE_UN.search(title):
            side = None
        if side and (side != "other_state" or names_a_state(title)):
            sides.setdefault(name.split()[-1].lower(), side)
        elif host and _STAFF_TITLE.search(title):
            sides.setdefault(name.split()[-1].lower(), host)
    return sides


def _same_person(a: str, b: str) -> bool:
    a_words, b_words = a.lower().split(), b.lower().split()
    return bool(a_words and b_words) and a_words[-1] == b_words[-1]


@lru_cache(maxsize=512)
def _side_named_with(name: str, document: Document) -> str | None:
    """The side of the country the document names with ``name``'s surname, if any."""
    return side_named_with(name, document.text, document.title)


# --- statements by the author of a document ----------------------------------

# "X released the following press statement:", "The following is the statement of X, ...:",
# "The full text of an article contributed by X, ..., titled "..." says:"
_INTRODUCTION = re.compile(
    r"(?:the following(?: is)?|full text of|as follows|(?<!\w)says|(?<!\w)reads)\b[^\n]*:\s*$|:\s*$",
    re.I,
)
_INTRODUCED_BY = re.compile(
    r"(?:statement|commentary|article|message|speech|letter|report|answer|interview|address|text)\w*\s+(?:of|by|contributed by)\s+"
    r"(?P<speaker>[^,:\"“]{3,120}?)(?:,|\s+titled|\s+(?:on|to)\s|\s*:)",
    re.I,
)
_INTRODUCING_VERB = re.compile(
    r"\s+(?:\w+ly\s+)?(?:issued|released|made public|published|sent|gave|delivered|made|answered|said|stated|declared)\b", re.I
)


_INTRODUCTION_TAIL = re.compile(
    r"\s+(?:(?:on|in|at|this|last)\s+)?(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
    r"June|July|August|September|October|November|December|morning|afternoon|evening|week|month)\b.*)$",
    re.I,
)
_DOCUMENT_NOUN = re.compile(r"^(?:message|statement|speech|article|letter|commentary|report|text|answer|years?|days?)$", re.I)


def author_statements(document: Document, author: str, reported: bool = True) -> Iterator[Statement]:
    """Sentences of a document that speaks for its author (a KCNA story, a ministry's release).

    A first paragraph that introduces someone's statement ("Kim Yo Jong ... released the
    following press statement:") makes the rest that speaker's. In the author's own
    narrative, a sentence of reported speech with a named person ("Kim Jong Un said that
    ...", "..., he stressed.") is that person's.
    """
    text = document.text
    author_resolved = resolve_turn_speaker(author, document)
    author_side = turn_side(author, author_resolved, document)
    current = (author, author_resolved, author_side, None)
    memory = quotes.SpeakerMemory(text)
    scanned = 0
    for number, (para_start, para_end) in enumerate(paragraph_spans(text, 0, len(text))):
        introduced = _introduced_speaker(text, para_start, para_end, author_side) if number < 2 and current[0] == author else None
        if introduced is None and number >= 1 and text[para_start:para_end].rstrip().endswith(":"):
            introduced = _introduced_message(text, para_start, para_end, author_side)
        for s, e in sentence_spans(text, para_start, para_end):
            s, e = trim_span(text, s, e)
            if e == s or _STAGE_DIRECTION.match(text[s:e]) or _STAGE_DIRECTION_LINES.match(text[s:e]):
                continue
            speaker, resolved, side, cue = current
            if reported and current[0] == author and not introduced:
                memory.defer(scanned, s)
                scanned = s
                speech = quotes.reported_speech(text, s, e, memory)
                if speech:
                    speaker, resolved, cue = speech
                    side = (
                        "press"
                        if is_press(resolved)
                        else quotes.Mention(resolved).side or side_named_with(resolved, text, document.title) or author_side
                    )
                    side = (
                        author_side
                        if side == "other_state"
                        and not quotes.names_a_state(resolved)
                        and side_named_with(resolved, text, document.title) is None
                        else side
                    )
            yield Statement.from_fragments(document, ((s, e),), speaker=speaker, resolved=resolved, side=side, cue=cue, kind="turn")
        if introduced:
            current = introduced


_MESSAGE_INTRO = re.compile(
    r"\b(?:The|the|A|a)\s+(?P<noun>message|letter|congratulatory message|message of greeting|reply message|cable)\s+(?:says|reads|said|goes)\b[^\n]*:\s*$"
)
_SENDER = re.compile(
    r"(?:message|letter|greetings?|cable)[^.\n]{0,80}?\bfrom\s+(?P<from>[A-Z][^,.;\n]{2,80}?)(?:,(?P<apposition>[^.;\n]{3,250}?),|\s+on\s|\.|$)"
    r"|(?P<sent>[A-Z][^,.;\n]{2,80}?),(?P<sent_apposition>[^.;\n]{3,120}?),\s+(?:on \w+ )?sent (?:a|the|his|her) (?:congratulatory )?(?:message|letter|cable)",
    re.M,
)


def _introduced_message(text: str, start: int, end: int, publisher_side: str | None) -> tuple[str, str, str | None, str] | None:
    """'The message says:' later in a story: what follows is the message's, and the message is its
    sender's (named earlier: '... a message of greeting from Wang Yi, foreign minister of ...')."""
    intro = _MESSAGE_INTRO.search(text, start, end)
    if not intro:
        return None
    senders = list(_SENDER.finditer(text, 0, start))
    if not senders:
        return None
    found = senders[-1]
    sender = (found.group("from") or found.group("sent")).strip()
    apposition = (found.group("apposition") or found.group("sent_apposition") or "").strip()
    mention = quotes.Mention(sender, apposition)
    side = mention.side if mention.side not in (None, "analyst") else publisher_side
    return f"the {intro.group('noun')}", mention.name, side, "message"


def _introduced_speaker(text: str, start: int, end: int, publisher_side: str | None) -> tuple[str, str, str | None, str] | None:
    """The speaker of the statement that the paragraph ``text[start:end]`` introduces, if it does."""
    paragraph = text[start:end]
    if not paragraph.rstrip().endswith(":") or not _INTRODUCTION.search(paragraph):
        return None
    begin, _ = trim_span(text, start, end)
    lead = text[begin:end]
    match = _INTRODUCED_BY.search(lead)
    if match:
        phrase = match.group("speaker")
    else:
        verb = _INTRODUCING_VERB.search(lead)
        if not verb:
            return None
        phrase = lead[: verb.start()]
    name = phrase.partition(",")[0]
    name = re.sub(r"^(?:the\s+full\s+text\s+of\s+)?", "", name.strip(), flags=re.I)
    name = _INTRODUCTION_TAIL.sub("", name).strip()
    possessive = re.match(
        r"^(?P<owner>.+?)['’]s\s+(?:[\w-]+\s+){0,3}(?:statement|speech|article|message|letter|commentary|answer|report|address)\b", name
    )
    if possessive:
        name = possessive.group("owner")  # "the respected Comrade Kim Jong Un's important speech" -> the speaker
    if not quotes.is_speaker_phrase(name) or _DOCUMENT_NOUN.search(name.split()[-1]):
        return None
    if name.lower() in ("he", "she"):  # "He said:" — the person named before
        named = quotes.SpeakerMemory(text)
        named.defer(0, start)
        resolved = named.resolve(name, start)
        if resolved is None or resolved.description.lower() in ("he", "she") or not quotes.person_name(resolved.description):
            resolved = quotes.last_person_subject(text, start)
        if resolved is None:
            return None
        return name, resolved.name, resolved.side or publisher_side, "statement"
    mention = quotes.Mention(name, phrase.partition(",")[2].strip())
    side = mention.side
    if side in (None, "analyst", "other_state") and publisher_side:
        side = publisher_side  # the publisher's own official or commentator
    return name, mention.name, side, "statement"


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
# "PRIME MINISTER KISHIDA", "FOREIGN MINISTER LE DRIAN", "PRESIDENT VON DER LEYEN": titles, then a surname.
_LABEL_TITLES = (
    "PRESIDENT|VICE|PRIME|MINISTER|FOREIGN|DEFENSE|DEFENCE|CHANCELLOR|SECRETARY|GENERAL|AMBASSADOR|ADMINISTRATOR|ASSISTANT|"
    "DEPUTY|UNDER|SENATOR|GOVERNOR|MAYOR|CHAIR|CHAIRMAN|CHAIRWOMAN|DIRECTOR|ADMIRAL|KING|QUEEN|EMIR|PREMIER|EXTERNAL|AFFAIRS|"
    "ENVIRONMENT|ACTING|SPEAKER|LEADER|REPRESENTATIVE|SPECIAL|ENVOY|COMMISSIONER|FIRST|LADY|MAJORITY|MINORITY|CROWN|PRINCE|"
    "SHEIKH|SULTAN|TAOISEACH|ATTORNEY|CONGRESSMAN|CONGRESSWOMAN|COMMERCE|TRADE|HIGH|STATE|OF|THE|FOR|AND|TREASURY|ENERGY|"
    "HOMELAND|SECURITY|NATIONAL|ADVISOR|ADVISER|COORDINATOR|PRESS|CHIEF|STAFF|SURGEON|SENIOR|EXECUTIVE|HEALTH|LABOR|TRANSPORTATION|"
    "AGRICULTURE|INTERIOR|EDUCATION|DEVELOPMENT"
)
_TITLED_LABEL = re.compile(
    rf"^(?:(?:{_LABEL_TITLES})\.?\s+)+(?P<surname>(?!(?:{_LABEL_TITLES})\b)[A-Z][A-Z'’À-Ý-]+(?:\s+[A-Z][A-Z'’À-Ý-]+){{0,2}})$"
)
_NOT_SURNAMES = re.compile(r"\b(?:OFFICIAL|OFFICIALS|ONE|TWO|THREE|FOUR|MODERATOR|OPERATOR|PARTICIPANT|SPOKESPERSON|SPOKESMAN|STAFF)\b")
_NOT_GIVEN_NAMES = frozenset("But And The So Now Then Yes No Well Thank Thanks Also As In On At We It He She They This That".split())
_PRINCIPAL_TITLE = re.compile(
    r"^(?:President|Prime Minister|Chancellor|Minister)(?: of (?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)*)? (?P<name>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2})$"
)
_PRINCIPAL_WORD = re.compile(r"^(?:Vice\s+|Deputy\s+)?(?:President|Prime Minister|Chancellor|King|Queen|Emir|Crown Prince|Sultan)\b")
_OF_TITLE = re.compile(r"^(?:[A-Z][\w-]*\s+){1,3}(?:of|for)\s+(?:the\s+)?[A-Z]")  # "Secretary of the Security Council ..."
_ROLE_LABEL = re.compile(r"^(?:THE\s+)?(?P<role>(?:VICE\s+)?PRESIDENT|FIRST LADY|SECRETARY|PRIME MINISTER|CHANCELLOR|MINISTER)$")


def _name_after_title(title: str, haystack: str) -> str:
    """The person first written with ``title``: 'President Biden' -> 'Biden', 'Minister for Foreign
    Affairs Dr Vivian Balakrishnan's remarks' -> 'Vivian Balakrishnan'; '' if none."""
    for match in re.finditer(rf"\b{title}\b[^\n,;:(’']{{0,80}}", haystack):
        phrase = re.split(r"\s(?!(?:of|for|the)\b)(?=[a-z])", match.group(0), maxsplit=1)[0]  # up to "and", "after", ...
        if re.match(rf"{title}\s+(?:for|of)\b", phrase):
            name = quotes.person_name(phrase)  # "Minister for Foreign Affairs Dr Vivian Balakrishnan"
            if name:
                return name
            continue
        run = re.match(rf"{title}\s+((?:[A-Z][\w-]+\s+){{0,2}}[A-Z][\w-]+)", phrase)
        if run:
            words = []
            for word in run.group(1).split():
                if word in _NOT_NAME_WORDS or word.endswith("ing") or word in ("Arrival", "Departure", "Remarks", "Statement"):
                    break
                words.append(word)
            return " ".join(words) if words else run.group(1).split()[0]
    return ""


_REPLIES_OF = re.compile(r"^(?P<who>.{3,120}?)[’']s?\s+(?:Written\s+|Oral\s+)?(?:Repl(?:y|ies)|Answers?)\b")


_ASKED = re.compile(r"\bTo ask the (?P<office>(?:Prime )?Minister(?: for [A-Z][\w-]*(?: (?:and )?[A-Z][\w-]*){0,3})?)")


def _replying_minister(document: Document) -> str:
    """Who answers written parliamentary questions: the person the title names ('Minister for
    Foreign Affairs Dr Vivian Balakrishan's Written Replies to ...'), else 'the minister'."""
    owner = _REPLIES_OF.match(document.title or "")
    named = quotes.person_name(owner.group("who")) if owner else None
    asked = None if named else _ASKED.search(document.text, 0, 2000)
    return named or (f"the {asked.group('office')}" if asked else "the minister")


@lru_cache(maxsize=256)
def resolve_turn_speaker(speaker: str, document: Document) -> str:
    """Turn a transcript label into who it is, as far as the document says.

    "MR. KIRBY" -> "John Kirby" (full name found in the title or text);
    "THE PRESIDENT" -> "Biden" when the title says "President Biden";
    "SENIOR ADMINISTRATION OFFICIAL" -> "a senior administration official".
    """
    label = " ".join(speaker.split())
    if label in _REPLY_LABELS:
        return _replying_minister(document)
    if document.speaker and speaker == document.speaker and "(" in label:
        return _label_name(label)  # "Vladimir Putin (President of Russia)" -> "Vladimir Putin"
    if "," in label and label != label.upper():
        label = _label_name(label)  # "Pavel Zarubin, Rossiya TV" -> "Pavel Zarubin"
    haystack = f"{document.title or ''}\n{document.text[:3000]}"
    role = _ROLE_LABEL.match(label.upper())
    if role:
        title = role.group("role").title()
        words = _name_after_title(title, haystack).split()
        if not words or words[0] in _NOT_NAME_WORDS:  # "by the President After Meeting with ...": unnamed
            return f"the {title.lower()}"
        return " ".join(words[:1] if words[-1] in _NOT_NAME_WORDS or words[-1].endswith("ing") else words)
    if label != label.upper():
        label = _label_name(label)
        named = _PRINCIPAL_TITLE.match(label)  # "President of Russia Vladimir Putin" -> "Vladimir Putin"
        if not named and _OF_TITLE.match(label) and (_STAFF_TITLE.search(label) or _PRINCIPAL_WORD.match(label)):
            name = quotes.person_name(label)  # "Secretary of the Security Council Nikolai Patrushev"
            if name and 2 <= len(name.split()) <= 3 and label.endswith(" " + name):
                return name
        return _HONORIFIC.sub("", named.group("name") if named else label)  # "Mr Desmond Choo" -> "Desmond Choo"
    titled = _TITLED_LABEL.match(label)
    titled = titled if titled and not _NOT_SURNAMES.search(titled.group("surname")) else None
    if not _HONORIFIC.match(label) and not titled:
        if _is_acronym(label):
            return label  # "CCTV", "KCNA": a body's name stays as it is written
        words = label.lower()
        return f"a {words}" if words.endswith("official") else f"the {words}"
    surname = (titled.group("surname") if titled else _HONORIFIC.sub("", label)).title()
    for match in re.finditer(rf"\b([A-Z][\w'-]+)\s+{re.escape(surname)}\b", haystack):
        if (
            match.group(1) not in _TITLE_WORDS
            and not re.fullmatch(_LABEL_TITLES, match.group(1).upper())
            and not _is_acronym(match.group(1))
        ):
            return f"{match.group(1)} {surname}"
    # Written surname first after a title: "President Yoon Suk Yeol of", "Prime Minister Kishida Fumio of"
    given_after = re.search(
        rf"\b(?:President|Minister|Chancellor|Premier|Secretary|Ambassador)\s+{re.escape(surname)}((?:\s+[A-Z][a-z][\w'’-]*){{1,2}})\s+(?:of|and|in|at|on)\b",
        haystack,
    )
    if given_after and not set(given_after.group(1).split()) & _NOT_GIVEN_NAMES:
        return surname + given_after.group(1)
    return surname
