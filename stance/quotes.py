"""Find quotations in news text and attribute them to speakers.

The steps, each a small function:

1. :func:`find_quote_spans` pairs quote marks (curly, straight and single) into
   fragments, following the news convention that a quote running over several
   paragraphs re-opens each paragraph without closing the previous one.
2. :func:`attribute` looks for the attribution (speaker + reporting verb) right
   after the quote, right before it, anywhere in the same sentence, or via
   "according to"; an interrupted quote ("...," he said, "...") is joined.
3. :func:`resolve_speaker` maps pronouns and nominal mentions ("he", "the
   official") to the last compatible speaker named in the document.
4. Long quotes are cut into sentence-level statements that keep the speaker.

Reader comment sections ("Leave a Reply", "What do you think?") end the article.
Quotes with no attribution are dropped unless they open a paragraph right after
an attributed quote (they continue that speaker), or the caller asks for them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from stance.sentences import _is_abbreviation, line_start_matches, sentence_spans
from stance.sides import infer_side
from stance.sources import Document
from stance.statement import Statement

OPEN_CLOSE = {"“": "”", "‘": "’", "«": "»", "„": "“"}
STRAIGHT = ('"', "'")

REPORTING_VERBS = (
    "said|says|told|tells|added|adds|stated|states|declared|declares|noted|notes|"
    "explained|explains|stressed|stresses|emphasized|emphasised|emphasizes|insisted|insists|"
    "warned|warns|urged|urges|wrote|writes|asked|asks|replied|replies|responded|responds|"
    "recalled|recalls|reiterated|reiterates|repeated|continued|argued|argues|acknowledged|"
    "admitted|announced|announces|claimed|claims|confirmed|confirms|cautioned|observed|"
    "pointed out|called|calls|described|describes|dubbed|labeled|labelled|termed|"
    "expressed|expresses|demanded|demands|vowed|vows|pledged|pledges|promised|"
    "condemned|condemns|denounced|denounces|slammed|blasted|dismissed|dismisses|"
    "advanced|suggested|suggests|predicted|concluded|commented|remarked|tweeted|posted|"
    "reaffirmed|reaffirms|assured|assures|agreed|affirmed|highlighted|underscored|"
    "accused|accuses|criticized|criticised|threatened|threatens|hoped|hopes|believes|believed|"
    "maintained|maintains|contended|charged|complained|lamented|boasted|quipped|"
    "testified|briefed|informed|reported|reports|saying|adding|noting|telling|calling|"
    "stressing|warning|urging|describing|insisting|found|finds|identified|identifies|documented|documents"
)
_PRONOUNS = {"he", "she", "they", "we", "it", "i"}
_CLAUSE_BREAKERS = {
    "that",
    "which",
    "who",
    "whom",
    "when",
    "while",
    "because",
    "if",
    "and",
    "but",
    "or",
    "as",
    "after",
    "before",
    "since",
    "although",
    "though",
    "where",
    "so",
    "yet",
    "then",
    "than",
    "to",
    "for",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "of",
    "about",
}
_ADVERBS = re.compile(r"^(?:\w+ly|also|further|again|later|earlier|then|once|previously|still|even|often|have|has|had|had\s+\w+ly)$", re.I)
_COMMENT_SECTION = re.compile(
    r"^\s*(?:leave a (?:reply|comment)|what do you think\??|\d*\s*comments?|"
    r"newest\s+oldest(?:\s+most voted)?|notify of|join the (?:discussion|conversation)|"
    r"post a comment|reader comments|add a comment|show comments)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_TITLE_WORDS = {
    "State",
    "Department",
    "Secretary",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Minister",
    "Ministry",
    "Foreign",
    "Defense",
    "Defence",
    "President",
    "Vice",
    "Deputy",
    "Press",
    "Senior",
    "Special",
    "Representative",
    "Ambassador",
    "Envoy",
    "Director",
    "General",
    "Admiral",
    "Coordinator",
    "Adviser",
    "Advisor",
    "National",
    "Security",
    "Council",
    "Chief",
    "Chairman",
    "Premier",
    "Prime",
    "Leader",
    "Mr.",
    "Ms.",
    "Mrs.",
    "Dr.",
    "Sen.",
    "Rep.",
    "Gov.",
    "U.S.",
    "US",
    "U.N.",
    "UN",
    "NSC",
    "White",
    "House",
    "Pentagon",
    "First",
    "Acting",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "Sir",
    "Madam",
    "His",
    "Her",
    "Excellency",
    "Majesty",
}
_WORD = re.compile(r"[\w’'-]+")
_NAME_TOKEN = re.compile(r"^[A-Z][\w’'.-]*$")
_NOMINAL_HEADS = (
    "official",
    "officials",
    "source",
    "sources",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "envoy",
    "minister",
    "ministry",
    "diplomat",
    "secretary",
    "president",
    "ambassador",
    "adviser",
    "advisor",
    "coordinator",
    "analyst",
    "expert",
    "statement",
    "readout",
    "agency",
    "department",
    "general",
    "admiral",
    "commander",
    "leader",
    "government",
    "officer",
    "representative",
    "senator",
)


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation: its fragments' content offsets (marks excluded) and where the marks sit."""

    fragments: tuple[tuple[int, int], ...]
    outer_start: int  # offset of the opening mark
    outer_end: int  # offset just after the closing mark (or the fragment end if unclosed)


@dataclass(frozen=True)
class Attribution:
    speaker: str | None
    cue: str | None
    apposition: str = ""


def article_end(text: str) -> int:
    """Offset where a reader-comment section starts, or the end of the text."""
    match = next(line_start_matches(_COMMENT_SECTION, text), None)
    return match.start() if match else len(text)


# --- 1. pairing quote marks -------------------------------------------------


def find_quote_spans(text: str, end: int | None = None) -> list[QuoteSpan]:
    """Pair quote marks in ``text[:end]`` into quotations, outermost only."""
    end = len(text) if end is None else end
    spans: list[QuoteSpan] = []
    pos = 0
    while pos < end:
        open_at = _next_opening(text, pos, end)
        if open_at is None:
            break
        span = _read_quote(text, open_at, end)
        if span is None:
            pos = open_at + 1
            continue
        spans.append(span)
        pos = span.outer_end
    return spans


_ANY_MARK = re.compile("[“‘«„\"']")


def _next_opening(text: str, pos: int, end: int) -> int | None:
    for match in _ANY_MARK.finditer(text, pos, end):
        i, ch = match.start(), match.group(0)
        if ch in STRAIGHT:
            if _straight_opens(text, i, end):
                return i
        elif ch != "‘" or _single_opens(text, i):
            return i
    return None


def _straight_opens(text: str, i: int, end: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < end else " "
    if text[i] == "'":
        return (before.isspace() or before in "([—-") and after.isalpha() and after.isupper()
    return (before.isspace() or before in "([—-:") and not after.isspace()


def _single_opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    return before.isspace() or before in '([—-“"'


def _closing_positions(text: str, open_at: int, end: int) -> Iterator[int]:
    """Candidate closing marks for the mark at ``open_at``, up to the end of its paragraph."""
    mark = text[open_at]
    para_end = text.find("\n", open_at, end)
    para_end = end if para_end < 0 else para_end
    close = OPEN_CLOSE.get(mark, mark)
    i = text.find(close, open_at + 1, para_end)
    while i >= 0:
        after = text[i + 1] if i + 1 < end else " "
        apostrophe = close in ("’", "'") and after.isalpha()  # it’s, Korea’s: not a closing mark
        if not apostrophe and (mark not in STRAIGHT or after.isspace() or after in ".,;:!?)]—-" or i + 1 >= end):
            yield i
        i = text.find(close, i + 1, para_end)


def _read_quote(text: str, open_at: int, end: int) -> QuoteSpan | None:
    """Read one quotation from its opening mark, following paragraph continuations."""
    fragments: list[tuple[int, int]] = []
    start = open_at
    while True:
        close_at = next(_closing_positions(text, start, end), None)
        para_end = text.find("\n", start, end)
        para_end = end if para_end < 0 else para_end
        if close_at is not None:
            fragments.append((start + 1, close_at))
            return _span(fragments, open_at, close_at + 1)
        # Unclosed: a quote continues if the next paragraph re-opens with the same mark.
        if text[start] in STRAIGHT and text[start] == "'":
            return None
        nxt = _next_paragraph_start(text, para_end, end)
        fragments.append((start + 1, para_end))
        if nxt is not None and text[nxt] == text[open_at]:
            start = nxt
            continue
        if len(fragments) == 1 and text[open_at] in ("‘", "'"):
            return None  # a lone single mark is far more often an apostrophe
        return _span(fragments, open_at, para_end)


def _next_paragraph_start(text: str, para_end: int, end: int) -> int | None:
    i = para_end
    while i < end and text[i].isspace():
        i += 1
    return i if i < end and "\n" in text[para_end:i] else None


def _span(fragments: list[tuple[int, int]], outer_start: int, outer_end: int) -> QuoteSpan | None:
    trimmed = tuple(f for f in fragments if f[1] > f[0])
    return QuoteSpan(trimmed, outer_start, outer_end) if trimmed else None


# --- 2. attribution ---------------------------------------------------------


SENTENCE_WINDOW = 1500


@lru_cache(maxsize=16)
def sentence_around(text: str, start: int, end: int, limit: int) -> tuple[int, int]:
    """The sentence holding ``text[start:end]`` (a quote), within its paragraph.

    Scans back from ``start`` and forward from ``end`` for a sentence boundary
    (abbreviations such as "U.S." are not boundaries), so the cost does not grow
    with the paragraph.
    """
    floor = max(text.rfind("\n", 0, start) + 1, start - SENTENCE_WINDOW)
    return sentence_start(text, start, floor), _sentence_end(text, max(start, end - 3), limit)


def _words_as_speaker(phrase: str) -> str | None:
    """Accept ``phrase`` as a speaker description if it reads like a noun phrase."""
    phrase = phrase.strip(" ,;:—–-\n\t")
    if not phrase or len(phrase) > 160:
        return None
    words = phrase.split()
    if not 1 <= len(words) <= 14:
        return None
    first = words[0].lower().strip("’'")
    if first in _CLAUSE_BREAKERS - {"the"} or first in {"not", "no", "also", "it’s", "there"}:
        return None
    if first in _PRONOUNS:
        return phrase if len(words) == 1 else None
    if not (any(_NAME_TOKEN.match(w) for w in words) or any(w.lower().strip(",.").removesuffix("s") in _NOMINAL_HEADS for w in words)):
        return None
    return phrase


def _split_apposition(phrase: str) -> tuple[str, str]:
    """'Choi Kang, acting president of the Asan Institute' -> ('Choi Kang', 'acting president ...')."""
    parts = [p.strip() for p in phrase.split(",") if p.strip()]
    if len(parts) > 1 and _NAME_TOKEN.match(parts[0].split()[0]) and len(parts[0].split()) <= 6:
        return parts[0], ", ".join(parts[1:])
    return phrase, ""


_ACCORDING_TO = re.compile(r"according to\s+(?P<speaker>(?:[^,.;:!?“”\"]|\.(?=\S)|\.(?=\s+[a-z])){2,120})", re.I)


def _clip_speaker(phrase: str) -> str:
    """Cut a speaker phrase after a cue at its clause end ('a senior official, who ...')."""
    clipped = re.split(
        r"\s+(?:who|which|during|in an?|on \w+day|at a|at the|after|before|when|while|as|adding|noting|"
        r"saying|referring|according|to reporters|in a statement|in remarks|told|on condition)\b",
        phrase,
        maxsplit=1,
    )[0]
    return clipped.strip(" ,;")


def attribution_after(text: str, pos: int, limit: int) -> Attribution | None:
    """'..." the official said' / '..." said Choi Kang, a director at ...'.

    The attribution must start right after ``pos``: a speaker then the first
    reporting verb, or the verb then the speaker (inverted order).
    """
    stop = min(limit, pos + 300)
    newline = text.find("\n", pos, stop)
    stop = stop if newline < 0 else newline
    begin = _LEAD.match(text, pos, stop).end()
    first = next(find_cues(text, begin, stop), None)
    if first is None:
        return None
    at, cue = first
    between = text[begin:at]
    if not between.strip():
        match = _INVERTED_SPEAKER.match(text, at + len(cue), stop)
        if not match:
            return None
        name, apposition = _split_apposition(match.group("speaker"))
        speaker = _words_as_speaker(_clip_speaker(name))
        return Attribution(speaker, cue, _clip_speaker(apposition)) if speaker else None
    raw = _TRAILING_ADVERB.sub("", between).strip()
    if len(raw) > 200 or _SPEAKER_STOP.search(raw) or raw.count(",") > 2 or (raw.count(",") == 1 and not raw.endswith(",")):
        return None
    name, apposition = _split_apposition(raw.rstrip(","))
    speaker = _words_as_speaker(name)
    if speaker and not _looks_like_clause(raw):
        return Attribution(speaker, cue, apposition)
    return None


_LEAD = re.compile(r"\s*[,—–-]?\s*")
_TRAILING_ADVERB = re.compile(r"\s+(?:\w+ly|also|further|later)\s*$")
# Inside a speaker phrase: no sentence punctuation or quote marks; a period only in an abbreviation.
_SPEAKER_STOP = re.compile(r"[;:!?“”\"]|\.(?!\S)(?!\s+[a-z])")
_INVERTED_SPEAKER = re.compile(
    r"\s+(?P<speaker>(?!that\b|the\s+\w+\s+(?:is|was|has|had|would|will)\b)(?:[^.;:!?“”\"]|\.(?=\S)|\.(?=\s+[a-z])){1,200})", re.I
)


_CLAUSE_WORDS = frozenset({"is", "are", "was", "were", "be", "that", "has", "have", "had", "will", "would"})


def _looks_like_clause(phrase: str) -> bool:
    return not _CLAUSE_WORDS.isdisjoint(map(str.lower, _WORD.findall(phrase)))


_RELATIVE = re.compile(r"\b(?:who|which|whose)\b")
_CONJUNCTION = re.compile(r"\b(?:that|and|but|while|when|because|if|as)\s+")
_HONORIFIC = re.compile(r"^(?:Mr|Ms|Mrs|Dr|Sir)\.?\s+")
_SENTENCE_OR_QUOTE_MARK = re.compile(r"[.!?“”\"]")


_DATELINE = re.compile(r"\)\s*(?:--|—|–)\s+")  # 'Pyongyang, May 11 (KCNA) -- ', 'SEOUL (Yonhap) — '


def subject_before(text: str, cue_start: int, floor: int) -> tuple[str | None, str]:
    """The noun phrase right before a reporting verb, and its apposition if any.

    'The official recalled' -> 'The official'; 'Andrei Lankov, director of Korea
    Risk Group, a think tank, said' -> ('Andrei Lankov', 'director of ...').
    """
    dateline = _DATELINE.search(text, floor, cue_start)
    tokens = text[dateline.end() if dateline else floor : cue_start].split()
    while tokens and _ADVERBS.match(tokens[-1].strip(",")):
        tokens.pop()
    chunk = " ".join(tokens)
    if not chunk:
        return None, ""
    inverted = chunk.endswith(",")  # ", said X": the speaker may follow the verb
    segments = [seg.strip() for seg in chunk.rstrip(",").split(",")]
    if inverted and len(segments) > 1 and _is_pure_name(_strip_honorific(segments[-1])) and not _looks_like_clause(segments[-2]):
        return segments[-1], segments[-2]  # "Executive Director, Mr Muhammad Ashik, said"
    for k in range(1, min(4, len(segments))):
        name, between = segments[-1 - k], segments[-k:]
        if any(_looks_like_clause(_RELATIVE.split(b, maxsplit=1)[0]) for b in between):
            break
        if _is_pure_name(name):
            return name, ", ".join(between)
    if inverted:
        return None, ""
    clause = _CONJUNCTION.split(segments[-1])[-1].strip()
    if clause and len(clause.split()) <= 12 and not _looks_like_clause(clause):
        speaker = _words_as_speaker(clause)
        if speaker:
            return speaker, ""
    picked: list[str] = []
    for word in reversed(segments[-1].split()):
        if word.lower().strip("’'") in _CLAUSE_BREAKERS and not (picked and word.lower() == "of"):
            break
        picked.insert(0, word)
        if len(picked) >= 10:
            break
    return _words_as_speaker(" ".join(picked)), ""


def _strip_honorific(phrase: str) -> str:
    return _HONORIFIC.sub("", phrase)


def _is_acronym(word: str) -> bool:
    """'SMS', 'NSC', 'MFA': an all-capital abbreviation is a title or body, not a name."""
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def _is_pure_name(phrase: str) -> bool:
    """'Jake Sullivan', 'Cheong Seong-chang', 'Kim' (not 'The official', not 'For this reason')."""
    words = phrase.split()
    return (
        1 <= len(words) <= 4
        and all(_NAME_TOKEN.match(w) for w in words)
        and words[0] not in _TITLE_WORDS | {"The", "A", "An", "For", "In", "On", "At", "But", "And", "While", "After", "This"}
    )


_CUE_WORDS = frozenset(v.split()[0] for v in REPORTING_VERBS.split("|"))
_CUE_BYTES = frozenset(word.encode() for word in _CUE_WORDS)
_LETTERS_ONLY = bytes(c if ord("a") <= c <= ord("z") else ord(" ") for c in range(256))  # anything else splits words


def find_cues(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """Offsets and words of reporting verbs in ``text[start:end]``, in order.

    The verbs of the whole text are found once (:func:`_cue_index`); each call
    then only slices that sorted list.
    """
    positions, hits = _cue_index(text)
    for k in range(bisect.bisect_left(positions, start), bisect.bisect_left(positions, end)):
        at, word = hits[k]
        if at + len(word) <= end:
            yield at, word


@lru_cache(maxsize=8)
def _cue_index(text: str) -> tuple[list[int], list[tuple[int, str]]]:
    """Every reporting verb of ``text``: the text's words are collected in C (ASCII letter
    runs of the lower-cased text, as bytes) and intersected with the verb set; only the verbs
    present are located with ``str.find``, and kept where they stand as whole words."""
    lowered = text.lower()
    hits = []
    letter_runs = lowered.encode("ascii", "replace").translate(_LETTERS_ONLY).split()
    for word in (w.decode() for w in _CUE_BYTES.intersection(letter_runs)):
        at = lowered.find(word)
        while at >= 0:
            after = at + len(word)
            bounded = (at == 0 or not lowered[at - 1].isalpha()) and (after == len(lowered) or not lowered[after].isalpha())
            if bounded and (word != "pointed" or lowered.startswith(" out", after)):
                hits.append((at, "pointed out" if word == "pointed" else word))
            at = lowered.find(word, after)
    hits.sort()
    return [at for at, _ in hits], hits


def attribution_in_sentence(text: str, sent_start: int, sent_end: int, quotes: list[QuoteSpan], anchor: int) -> Attribution | None:
    """A reporting verb elsewhere in the sentence, outside any quote, nearest to ``anchor``."""
    quoted = [(q.outer_start, q.outer_end) for q in quotes]
    candidates: list[tuple[int, Attribution]] = []
    for at, cue in find_cues(text, sent_start, sent_end):
        if any(s <= at < e for s, e in quoted):
            continue
        floor = max([sent_start] + [e for s, e in quoted if e <= at])
        speaker, apposition = subject_before(text, at, floor)
        if speaker is None:
            after = attribution_after(text, at, sent_end)
            if after and after.cue == cue:
                speaker, apposition = after.speaker, after.apposition
        if speaker:
            candidates.append((abs(at - anchor), Attribution(speaker, cue, apposition)))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    outside = text[sent_start:sent_end]
    match = _ACCORDING_TO.search(outside)
    if match:
        return Attribution(_clip_speaker(match.group("speaker")), "according to")
    return None


def attribution_before(text: str, open_at: int, floor: int) -> Attribution | None:
    """'Kirby told a telephonic press briefing: "..."' and 'X said, "..."'."""
    tail = text[floor:open_at].rstrip()
    if not tail.endswith((":", ",")):
        return None
    cues = [
        (at, cue)
        for at, cue in find_cues(text, max(floor, open_at - 100), open_at)
        if not _SENTENCE_OR_QUOTE_MARK.search(text, at, open_at)
    ]
    if not cues:
        return None
    at, cue = cues[-1]
    speaker, apposition = subject_before(text, at, floor)
    return Attribution(speaker, cue, apposition) if speaker else None


# --- 3. speaker resolution --------------------------------------------------


COUNTRY_NAMES = {
    "US": "United States",
    "U.S.": "United States",
    "USA": "United States",
    "UN": "United Nations",
    "U.N.": "United Nations",
    "ROK": "South Korea",
    "DPRK": "North Korea",
    "UK": "United Kingdom",
    "PRC": "China",
    "EU": "European Union",
}


@dataclass(frozen=True)
class Mention:
    """A speaker as described in the text, with any apposition ('director of ...')."""

    description: str
    apposition: str = ""

    @property
    def name(self) -> str:
        """The person's name without titles, a country's full name, or the description
        without a size modifier ('the 15-member Security Council' -> 'the Security Council')."""
        return COUNTRY_NAMES.get(self.description) or person_name(self.description) or _SIZE_MODIFIER.sub("", self.description)

    @property
    def side(self) -> str | None:
        return infer_side(f"{self.description}, {self.apposition}")


_SIZE_MODIFIER = re.compile(r"\b\d[\d,]*-(?:member|nation|country|state|strong)\s+", re.I)


@lru_cache(maxsize=4096)
def person_name(description: str) -> str | None:
    """'U.S. Secretary of State Mike Pompeo' -> 'Mike Pompeo'; 'a senior official' -> None."""
    words = description.split()
    if not words or words[0].lower() in {"a", "an", "the"}:
        return None
    run: list[str] = []
    for word in reversed(words):
        if not _NAME_TOKEN.match(word) or word in _TITLE_WORDS or _is_acronym(word) or _names_a_state(word):
            break
        run.insert(0, word)
    before = words[len(words) - len(run) - 1] if len(run) < len(words) else ""
    # "Special Envoy for Climate John Kerry": after a connective the run starts
    # with the end of a title; a name keeps two tokens (three with an initial).
    if len(run) > 2 and before in {"for", "of", "and", "on", "to"}:
        run = run[-3:] if re.fullmatch(r"[A-Z]\.", run[-2]) else run[-2:]
    return " ".join(run) if run else None


def _names_a_state(word: str) -> bool:
    """'Japan', 'Pyongyang', 'Washington': a state or its capital, which stands for a
    government ('Pyongyang said'), never for a person's name."""
    return infer_side(word.strip(".,'’")) not in (None, "analyst", "other_state")


class SpeakerMemory:
    """Speakers named so far in a document, in text order.

    Speakers named outside quotes ("Price said in a briefing that ...") are found
    lazily: the regions between quotes are only scanned when a pronoun, a nominal
    ("the official"), a bare surname or an unattributed quote needs resolving.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._named: list[tuple[int, int, Mention]] = []  # (position, order, mention), sorted
        self._pending: list[tuple[int, int]] = []
        self._quoted_until: int | None = None  # end of the last attributed quote's sentence
        self._full_names: dict[str, list[tuple[int, Mention]]] = {}

    @property
    def named(self) -> list[Mention]:
        self._flush()
        return [mention for _, _, mention in self._named]

    @property
    def last_position(self) -> int | None:
        """Where the latest speaker was named or quoted."""
        self._flush()
        positions = [p for p in (self._named[-1][0] if self._named else None, self._quoted_until) if p is not None]
        return max(positions) if positions else None

    def defer(self, start: int, end: int) -> None:
        """Remember that ``text[start:end]`` may name speakers; scan it when needed."""
        if end > start:
            self._pending.append((start, end))

    def remember(self, mention: Mention, position: int) -> None:
        if not _is_anaphor(mention.description) or not any(m.description == mention.description for _, _, m in self._named):
            bisect.insort(self._named, (position, len(self._named), mention), key=lambda item: (item[0], item[1]))

    def quoted(self, position: int) -> None:
        self._quoted_until = position

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        for start, end in pending:
            remember_mentions(self.text, start, end, self)

    def resolve(self, speaker: str | None, position: int) -> Mention | None:
        """The mention a pronoun, nominal ('the official') or bare surname refers to."""
        if speaker is None:
            named = self.named
            return named[-1] if named else None
        words = speaker.lower().split()
        if words[0] in _PRONOUNS and len(words) == 1:
            # "he"/"she" mean the last person named, "it" the last body or document.
            want_person = words[0] != "it"
            named = self.named
            wanted = next((m for m in reversed(named) if bool(person_name(m.description)) == want_person), None)
            return wanted or (named[-1] if named else Mention(speaker))
        if _is_anaphor(speaker):
            head = words[-1]
            for mention in reversed(self.named):
                if head in mention.description.lower() or head in mention.apposition.lower():
                    return mention
            return Mention(speaker)
        name = person_name(speaker)
        if name and len(name.split()) == 1:  # "Kim", "Minister Balakrishnan"
            return self._full_name(name, position) or Mention(speaker)
        return Mention(speaker)

    def _full_name(self, surname: str, position: int) -> Mention | None:
        for mention in reversed(self.named):
            name = (person_name(mention.description) or "").split()
            if len(name) > 1 and surname in name:
                return mention
        # Any mention of the full name in the text: 'Sung Kim, the U.S. ...'
        if surname not in self._full_names:
            self._full_names[surname] = list(_full_name_mentions(self.text, surname))
        matches = self._full_names[surname]
        earlier = [m for at, m in matches if at <= position]
        # Named in full only later ("... said Kim. ... Sung Kim, the envoy"): take the first.
        return earlier[-1] if earlier else next((m for at, m in matches if at >= position), None)


_NAME_BEFORE = re.compile(r"((?:[A-Z][\w.'’-]*\s+){1,7})$")
_NAME_AFTER = re.compile(r"\s+[A-Z][\w'’-]+")
_APPOSITION = re.compile(r",[^,.]{3,120},")


def _full_name_mentions(text: str, surname: str) -> Iterator[tuple[int, Mention]]:
    """Offsets and descriptions of ``surname`` written with a given name ('Sung Kim',
    'Cheong Seong-chang'), with the apposition that follows, if any."""
    for start in _word_occurrences(text, surname):
        end = start + len(surname)
        before = _NAME_BEFORE.search(text, max(0, start - 100), start)
        after = _NAME_AFTER.match(text, end)
        if before:
            description = before.group(1) + surname
        elif after:
            description, end = surname + after.group(0), after.end()
        else:
            continue
        description = " ".join(description.split())
        if len((person_name(description) or "").split()) < 2:
            continue
        apposition = _APPOSITION.match(text, end)
        yield start, Mention(description, apposition.group(0).strip(" ,") if apposition else "")


def _word_occurrences(text: str, word: str) -> Iterator[int]:
    """Offsets of ``word`` standing as a whole word in ``text`` (like ``\\bword\\b``, found
    with ``str.find``, which is much faster than a regular expression starting with ``\\b``)."""
    if not (word[:1].isalnum() and word[-1:].isalnum()):
        yield from (m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", text))
        return
    at = text.find(word)
    while at >= 0:
        after = at + len(word)
        if (at == 0 or not _is_word_char(text[at - 1])) and (after == len(text) or not _is_word_char(text[after])):
            yield at
        at = text.find(word, at + 1)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _is_anaphor(speaker: str) -> bool:
    words = speaker.lower().split()
    if not words:
        return False
    if words[0] in _PRONOUNS:
        return len(words) == 1
    return (
        words[0] in {"the", "this", "that"}
        and len(words) <= 4
        and not any(_NAME_TOKEN.match(w) for w in speaker.split()[1:] if w not in _TITLE_WORDS)
    )


def remember_mentions(text: str, start: int, end: int, memory: SpeakerMemory) -> None:
    """Note speakers of reported speech outside quotes ('Price said in a briefing that ...').

    One pass over the reporting verbs of the region; each sentence gives at most
    one speaker.
    """
    last_sentence = -1
    for at, _cue in find_cues(text, start, end):
        sent_start = sentence_start(text, at, start)
        if sent_start == last_sentence:
            continue
        speaker, apposition = subject_before(text, at, sent_start)
        if speaker is None:
            sent_end = _sentence_end(text, at, end)
            after = attribution_after(text, at, sent_end)
            if after:
                speaker, apposition = after.speaker, after.apposition
        if speaker and not _is_anaphor(speaker):
            known = memory.resolve(_clean(speaker), at)
            memory.remember(Mention(known.description, apposition or known.apposition), _sentence_end(text, at, end))
            last_sentence = sent_start


_BOUNDARY_BACK = re.compile(r"[.!?][\"'”’)\]]*\s+|\n")


class _Boundaries:
    """Every sentence-boundary candidate of a text (final punctuation, closing marks and
    white space; or a line break), found in one pass, so the sentence around any position
    is a binary search away. Whether a period ends an abbreviation is decided on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [match.span() for match in _BOUNDARY_BACK.finditer(text)]
        self.starts: list[int] = [start for start, _ in spans]
        self.ends: list[int] = [end for _, end in spans]
        self._final: dict[int, bool] = {}

    def core_end(self, k: int) -> int:
        """End of candidate ``k``'s punctuation and closing marks plus one white-space character."""
        start = self.starts[k]
        return start + len(self.text[start : self.ends[k]].rstrip()) + 1

    def newline(self, k: int) -> bool:
        return self.text[self.starts[k]] == "\n" and self.ends[k] == self.starts[k] + 1

    def final(self, k: int) -> bool:
        """Whether candidate ``k`` ends a sentence (a line break, or punctuation that does not
        close an abbreviation)."""
        if k not in self._final:
            start = self.starts[k]
            self._final[k] = self.newline(k) or not (self.text[start] == "." and _is_abbreviation(self.text, start))
        return self._final[k]


@lru_cache(maxsize=8)
def _boundaries(text: str) -> _Boundaries:
    return _Boundaries(text)


def sentence_start(text: str, position: int, floor: int) -> int:
    """Start of the sentence holding ``position`` (not before ``floor``, nor more than 400
    characters back): the end of the last boundary in that window.

    Same result as scanning the window with ``_BOUNDARY_BACK``: a boundary cut by the
    window's right edge ends at ``position``; inside white space cut by its left edge
    only line breaks count.
    """
    index = _boundaries(text)
    low = max(floor, position - 400)
    first = bisect.bisect_left(index.starts, low)
    for k in range(bisect.bisect_left(index.starts, position) - 1, first - 1, -1):
        if (index.ends[k] <= position or index.core_end(k) <= position) and index.final(k):
            return min(index.ends[k], position)
    if first > 0 and index.ends[first - 1] > low:  # white space running across the left edge
        line_break = text.rfind("\n", low, min(index.ends[first - 1], position))
        if line_break >= 0:
            return line_break + 1
    return floor


def _sentence_end(text: str, position: int, limit: int) -> int:
    """End of the sentence going on at ``position`` (its final punctuation and closing marks included)."""
    index = _boundaries(text)
    stop = min(limit, position + SENTENCE_WINDOW)
    first = bisect.bisect_left(index.starts, position)
    if first > 0 and index.ends[first - 1] > position:  # ``position`` is inside a boundary's white space
        line_break = text.find("\n", position, min(index.ends[first - 1], stop))
        if line_break >= 0:
            return line_break
    for k in range(first, len(index.starts)):
        if index.starts[k] >= stop or (index.ends[k] > stop and index.core_end(k) > stop):
            break
        if index.newline(k):
            return index.starts[k]
        if index.final(k):
            return index.core_end(k) - 1
    return stop


def _clean(phrase: str) -> str:
    return " ".join(phrase.split())


# --- 4. statements ----------------------------------------------------------


def quote_statements(
    document: Document, min_partial_words: int = 3, include_unattributed: bool = False, include_titles: bool = False
) -> Iterator[Statement]:
    """Yield attributed quotations of an article as sentence-level statements."""
    text = document.text
    limit = article_end(text)
    spans = find_quote_spans(text, limit)
    memory = SpeakerMemory(text)
    cursor = 0
    previous: QuoteSpan | None = None
    index = 0
    while index < len(spans):
        span = spans[index]
        memory.defer(cursor, span.outer_start)
        may_join = _may_join(text, spans, index)
        if not may_join and _left_out(text, span, min_partial_words, include_titles):
            index += 1  # a title or short partial quote: no need to look for its speaker
            cursor = max(cursor, sentence_around(text, span.outer_start, span.outer_end, limit)[1], span.outer_end)
            continue
        joined, attribution, consumed = _attribute_with_continuation(text, spans, index, limit)
        index += consumed
        cursor = max(cursor, sentence_around(text, joined.outer_start, joined.outer_end, limit)[1], joined.outer_end)
        kind = _kind_of(text, joined)
        if may_join and _left_out(text, joined, min_partial_words, include_titles, kind):
            continue  # (a span that cannot be joined was checked above)
        floating = attribution is None and kind == "direct" and _continues_speaker(text, joined, previous, memory)
        if attribution is None and not floating and not include_unattributed:
            continue
        speaker = _clean(attribution.speaker) if attribution and attribution.speaker else None
        mention = memory.resolve(speaker, joined.outer_start) if (speaker or floating) else None
        if mention and speaker and (not _is_anaphor(speaker) or mention.description == speaker and speaker.lower() not in _PRONOUNS):
            memory.remember(Mention(mention.description, attribution.apposition or mention.apposition), joined.outer_start)
        if attribution is not None and (mention or floating):
            memory.quoted(cursor)
        previous = joined
        yield from _sentences_of_quote(
            document,
            joined,
            speaker=speaker,
            cue=attribution.cue if attribution else None,
            resolved=mention.name if mention else None,
            side=mention.side if mention else None,
            kind=kind,
        )


def _left_out(text: str, span: QuoteSpan, min_partial_words: int, include_titles: bool, kind: str | None = None) -> bool:
    """Whether a quote is not reported: a partial quote of too few words, or a title."""
    if (kind or _kind_of(text, span)) == "partial" and _word_count(text, span) < min_partial_words:
        return True
    return not include_titles and _looks_like_title(text, span)


def _may_join(text: str, spans: list[QuoteSpan], index: int) -> bool:
    """Whether ``spans[index]`` and the next span can be one quote interrupted by its
    attribution ('"We will," he said, "respond."'), if an attribution is found between."""
    if index + 1 >= len(spans):
        return False
    span = spans[index]
    between = text[span.outer_end : spans[index + 1].outer_start]
    return "\n" not in between and bool(_ENDS_WITH_COMMA.search(between)) and _last_fragment_open(text, span)


_ENDS_WITH_COMMA = re.compile(r",\s*$")


def _attribute_with_continuation(text: str, spans: list[QuoteSpan], index: int, limit: int) -> tuple[QuoteSpan, Attribution | None, int]:
    """Attribute ``spans[index]``; join the next span when the attribution interrupts one quote."""
    span = spans[index]
    after = attribution_after(text, span.outer_end, limit)
    if after and _may_join(text, spans, index):
        nxt = spans[index + 1]
        return QuoteSpan(span.fragments + nxt.fragments, span.outer_start, nxt.outer_end), after, 2
    if after:
        return span, after, 1
    sent_start, sent_end = sentence_around(text, span.outer_start, span.outer_end, limit)
    before = attribution_before(text, span.outer_start, max(sent_start, text.rfind("\n", 0, span.outer_start) + 1))
    if before is None and _opens_after_colon(text, span):
        prev_start, _ = sentence_around(text, max(0, span.outer_start - 2), span.outer_start, limit)
        before = attribution_before(text, span.outer_start, prev_start)
    if before:
        return span, before, 1
    nearby = spans[max(0, index - 10) : index + 10]
    return span, attribution_in_sentence(text, sent_start, sent_end, nearby, span.outer_start), 1


def _opens_after_colon(text: str, span: QuoteSpan) -> bool:
    return text[max(0, span.outer_start - 3) : span.outer_start].rstrip().endswith(":")


def _last_fragment_open(text: str, span: QuoteSpan) -> bool:
    """True when the quote ends on a comma, so the sentence goes on after the attribution."""
    end = span.fragments[-1][1]
    return text[end - 1 : end] == "," or text[span.outer_end : span.outer_end + 1] == ","


def _kind_of(text: str, span: QuoteSpan) -> str:
    """'direct' when the quote is its own clause, 'partial' when it sits inside a sentence."""
    before = text[max(0, span.outer_start - 40) : span.outer_start].rstrip(" ")
    starts_clause = not before or before[-1] in '.!?:\n”"’' or before.endswith(",")
    first_char = text[span.fragments[0][0] : span.fragments[0][0] + 1]
    if starts_clause and (first_char.isupper() or first_char.isdigit()):
        return "direct"
    return "partial"


def _continues_speaker(text: str, current: QuoteSpan, previous: QuoteSpan | None, memory: SpeakerMemory) -> bool:
    """An unattributed quote continues the last speaker when it follows right after
    that speaker's quote or attribution (same or next paragraph, nothing in between)."""
    anchor = memory.last_position
    if previous is not None:
        anchor = max(anchor or 0, previous.outer_end)
    if anchor is None or anchor > current.outer_start:
        return False
    between = text[anchor : current.outer_start]
    return len(re.findall(r"\n\s*", between)) <= 1 and len(between.strip()) < 80 and not re.search(r"[“\"]", between)


def _looks_like_title(text: str, span: QuoteSpan) -> bool:
    """A quoted name of a conference, document or slogan: short, mostly capitalized words."""
    words = [w for s, e in span.fragments for w in _WORD.findall(text[s:e]) if w[0].isalpha()]
    if not 2 <= len(words) <= 12:
        return False
    capitalized = sum(1 for w in words if w[0].isupper())
    return capitalized / len(words) >= 0.6 and capitalized >= 2


def _word_count(text: str, span: QuoteSpan) -> int:
    return sum(len(_WORD.findall(text[s:e])) for s, e in span.fragments)


def _trim_fragment(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in '“”"‘'):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ',;:—–-“”"’'):
        if text[end - 1] == "’" and end - 2 >= start and text[end - 2].isalpha():
            break  # keep a word-final apostrophe
        end -= 1
    return start, end


def _sentences_of_quote(
    document: Document, span: QuoteSpan, *, speaker: str | None, cue: str | None, resolved: str | None, side: str | None, kind: str
) -> Iterator[Statement]:
    """Cut a quotation into sentences; a sentence may run across an interruption."""
    text = document.text
    pieces: list[list[tuple[int, int]]] = []
    carry: list[tuple[int, int]] = []
    for frag_start, frag_end in span.fragments:
        spans = list(sentence_spans(text, frag_start, frag_end)) or []
        for i, (s, e) in enumerate(spans):
            s, e = _trim_fragment(text, s, e)
            if e <= s:
                continue
            carry.append((s, e))
            is_last = i == len(spans) - 1
            if not is_last or text[e - 1] in ".!?":
                pieces.append(carry)
                carry = []
    if carry:
        pieces.append(carry)
    for fragments in pieces:
        sentence = " ".join(text[s:e] for s, e in fragments)
        if not _WORD.search(sentence):
            continue
        yield Statement.from_fragments(document, tuple(fragments), speaker=speaker, resolved=resolved, side=side, cue=cue, kind=kind)
