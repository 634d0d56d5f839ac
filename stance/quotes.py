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

from stance.sentences import ABBREVIATIONS, _is_abbreviation, line_start_matches, sentence_spans
from stance.sides import infer_side, is_press, names_a_state, side_named_with
from stance.sources import Document
from stance.statement import Statement

OPEN_CLOSE = {"“": "”", "‘": "’", "«": "»", "„": "“"}
STRAIGHT = ('"', "'")


def _inflections(lemma: str) -> list[str]:
    """A regular verb's forms: 'warn' -> warn, warns, warned, warning; 'note' -> noted, noting;
    'reply' -> replies, replied; 'quip' -> quipped (a final consonant after one short vowel doubles)."""
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return [lemma, lemma + "es", lemma + "ed", lemma + "ing"]
    if lemma in _DOUBLING:
        return [lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"]
    return [lemma, lemma + "s", lemma + "ed", lemma + "ing"]


_DOUBLING = {"quip", "dub", "snap", "admit", "rebut", "sob", "grin", "chat", "blog", "commit", "plan", "jab", "prod", "nag", "bat"}
# Verbs that report speech or writing. Each lemma gives all its forms, except the bare form of
# verbs that are more often nouns ("a post", "the report"), which only count inflected.
_REPORTING_LEMMAS = """
say tell add state declare note explain stress emphasize emphasise insist warn urge reply respond recall reiterate repeat
continue argue acknowledge admit announce claim confirm caution observe describe dub label term express demand vow pledge
promise condemn denounce slam blast dismiss suggest predict conclude comment remark tweet post reaffirm assure agree affirm
highlight underscore underline accuse criticize criticise threaten hope believe maintain contend charge complain lament boast
quip testify brief inform report ask gush shout sigh joke interject email text exclaim mutter whisper yell scream cheer groan
muse recount reveal disclose concede assert proclaim retort counter object protest plead implore advise recommend propose
remind reassure snap bark fume rant scoff sneer mock laugh chuckle murmur whine wail sob interrupt elaborate clarify indicate
mention estimate forecast summarize summarise speculate reckon reflect deny allege blame rebut refute question inquire enquire
query signal stipulate specify lash predict write call find identify document advance read
""".split()
_NOUN_FIRST = {
    "post", "report", "note", "comment", "remark", "claim", "text", "email", "answer", "question", "demand", "pledge", "promise",
    "charge", "counter", "order", "request", "appeal", "signal", "message", "laugh", "sigh", "joke", "cheer", "protest", "object",
    "forecast", "estimate", "call", "find", "document", "brief", "query", "label", "term", "lash", "snap", "bark", "mock", "hope",
    "continue", "blame", "repeat", "state", "whisper", "shout", "scream", "groan", "sob", "wail", "tweet", "reply", "advance",
}  # fmt: skip
# Verb forms in -s of noun-first verbs that report speech often enough to keep ("the report notes").
_PLURAL_CUES = {"notes", "reports", "calls", "claims", "documents", "demands", "pledges", "promises", "replies", "reads"}
_IRREGULAR = {
    "say": ["say", "says", "said", "saying"], "tell": ["tell", "tells", "told", "telling"],
    "write": ["write", "writes", "wrote", "written", "writing"], "find": ["finds", "found"], "speak": ["spoke", "speaks", "speaking"],
    "lash": ["lashed"], "call": ["calls", "called", "calling"], "document": ["documents", "documented"], "read": ["reads"],
}  # fmt: skip


def _verb_forms() -> list[str]:
    forms: list[str] = []
    for lemma in _REPORTING_LEMMAS:
        words = _IRREGULAR.get(lemma) or _inflections(lemma)
        if lemma in _NOUN_FIRST:  # "the remarks", "a post": only the forms no noun has ("remarked", "posting")
            words = [w for w in words if w != lemma and (not w.endswith("s") or w in _PLURAL_CUES)]
        forms += words
    # Gerunds that are mostly nouns in news ("at a briefing", "the posting") are not cues.
    forms = [
        f for f in forms if f not in {"briefing", "posting", "reporting", "questioning", "texting", "finding", "signaling", "blogging"}
    ]
    return sorted(set(forms)) + ["pointed out"]


REPORTING_VERBS = "|".join(_verb_forms())
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
# A line break before what a line of _COMMENT_SECTION opens with (white space, a digit or its words' first
# letters, compared as it compares them): no other line start can hold one.
_COMMENT_SECTION_OPENING = re.compile(r"\n(?=[\s\dlwcnjpras])", re.IGNORECASE)
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
    "Executive",
    "Officer",
    "CEO",
    "Chairwoman",
    "Founder",
    "Professor",
    "Associate",
    "Assistant",
    "Prof.",
    "Lt.",
    "Gen.",
    "Maj.",
    "Col.",
    "Adm.",
    "Capt.",
    "Majority",
    "Minority",
    "Senate",
    "Cabinet",
    "Head",
    "Commander",
    "Governor",
    "Mayor",
    "Senator",
    "Councilwoman",
    "Councilman",
    "Councillor",
    "Alderman",
    "Lawmaker",
    "Congressman",
    "Congresswoman",
    "Judge",
    "Justice",
    "Opposition",
    "PM",
    "DPM",
    "SMS",
    "Dato’",
    "Dato'",
    "Datuk",
    "Sri",
    "Tun",
}
_WORD = re.compile(r"[\w’'-]+")
_NAME_TOKEN = re.compile(r"^[A-Z][\w’'.-]*$")
_NOMINAL_HEADS = frozenset(
    """official source spokesperson spokesman spokeswoman spokespeople envoy minister ministry diplomat secretary president
    ambassador adviser advisor coordinator analyst expert statement readout agency department general admiral commander leader
    government officer representative senator company campaign lobbyist aide lawmaker legislator congressman congresswoman
    governor mayor candidate chairman chairwoman chair ceo executive director manager founder member resident witness worker
    activist lawyer attorney prosecutor judge court police soldier colonel captain report study release memo letter editorial
    newspaper office embassy mission delegation military army navy force command council committee commission board group
    organization organisation union party alliance coalition administration cabinet regime authorities authority observer
    critic supporter opponent voter citizen protester scholar researcher professor economist strategist consultant
    commentator columnist writer author reporter journalist correspondent editor anchor pollster insider person man woman
    negotiator delegate premier head chief king queen prince emperor pope analysts staffer team firm bank fund corporation
    maker carrier airline operator network station channel website platform institute university center centre foundation
    watchdog monitor regulator inspector investigator presidency kremlin palace house pentagon senate congress parliament
    assembly legislature state country nation people statement communique communiqué declaration resolution document""".split()
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
    match = next(line_start_matches(_COMMENT_SECTION, text, _COMMENT_SECTION_OPENING), None)
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


_DOUBLE_MARKS = re.compile('[”"“]')
_SLOPPY_CLOSE = re.compile(r"(?:said|says|added|told|wrote|stressed|noted)\b")


def _closing_positions(text: str, open_at: int, end: int) -> Iterator[int]:
    """Candidate closing marks for the mark at ``open_at``, up to the end of its paragraph.

    Double marks may be mixed ('"We will,” he said', '“We will." he said'): a straight
    mark closes a curly quote and a curly one a straight quote, unless the straight marks
    pair up inside it as a nested quotation ('“He said "no" to me”').
    """
    mark = text[open_at]
    para_end = min(_paragraph_end(text, open_at, end), open_at + 1 + MAX_QUOTE_CHARS)  # bounded: no scan to a long line's end
    if mark in '“"':
        if mark == '"' or text.find('"', open_at + 1, para_end) >= 0:
            yield from _double_closings(text, open_at, end, para_end)  # mixed or nested marks: the slow, careful way
            return
    close = OPEN_CLOSE.get(mark, mark)
    i = text.find(close, open_at + 1, para_end)
    while i >= 0:
        after = text[i + 1] if i + 1 < end else " "
        apostrophe = close in ("’", "'") and after.isalpha()  # it’s, Korea’s: not a closing mark
        if not apostrophe and (mark not in STRAIGHT or after.isspace() or after in ".,;:!?)]—-" or i + 1 >= end):
            yield i
        i = text.find(close, i + 1, para_end)


def _double_closings(text: str, open_at: int, end: int, para_end: int) -> Iterator[int]:
    nested = False
    for match in _DOUBLE_MARKS.finditer(text, open_at + 1, para_end):
        i, char = match.start(), match.group(0)
        if char == "“":
            continue
        if char == "”":
            yield i
            continue
        after = text[i + 1] if i + 1 < end else " "
        closes = after.isspace() or after in ".,;:!?)]—-" or i + 1 >= end
        if not closes and not nested and text[i - 1 : i] == " " and _SLOPPY_CLOSE.match(text, i + 1):
            closes = True  # '... long-term, "said Andriy Yermak': a closing mark that lost its space
        if not closes:
            nested = nested or text[i - 1 : i].isspace() or text[i - 1 : i] in "(["  # a quotation inside the quotation
            continue
        if nested:
            nested = False
            continue
        yield i


def _read_quote(text: str, open_at: int, end: int) -> QuoteSpan | None:
    """Read one quotation from its opening mark, following paragraph continuations."""
    fragments: list[tuple[int, int]] = []
    start = open_at
    while True:
        close_at = next(_closing_positions(text, start, end), None)
        para_end = _paragraph_end(text, start, end)
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
        if nxt is not None and text[open_at] in '“"' and _closes_without_reopening(text, nxt, end):
            close_at = text.find("”", nxt, end)
            if close_at > nxt:  # '“... agreements.\nWe look forward ... date.”': the mark was not repeated
                fragments.append((nxt, close_at))
                return _span(fragments, open_at, close_at + 1)
        if len(fragments) == 1 and text[open_at] in ("‘", "'"):
            return None  # a lone single mark is far more often an apostrophe
        return _span(fragments, open_at, para_end)


# A quotation longer than this within one paragraph is taken as unclosed: the search for
# its closing mark stops here, so a text of one very long line costs linear time.
MAX_QUOTE_CHARS = 10_000


def _paragraph_end(text: str, start: int, end: int) -> int:
    """The first line break in ``text[start:end]``, or ``end``: a look-up in the text's
    line breaks (found once per text), not a scan to the end of a long line."""
    breaks = _line_breaks(text)
    k = bisect.bisect_left(breaks, start)
    return breaks[k] if k < len(breaks) and breaks[k] < end else end


@lru_cache(maxsize=2)
def _line_breaks(text: str) -> list[int]:
    return [match.start() for match in re.finditer("\n", text)]


def _closes_without_reopening(text: str, start: int, end: int) -> bool:
    """Whether the paragraph at ``start`` holds a closing mark before any opening one."""
    para_end = text.find("\n", start, end)
    paragraph = text[start : end if para_end < 0 else para_end]
    close, reopen = paragraph.find("”"), paragraph.find("“")
    return close > 0 and (reopen < 0 or close < reopen)


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
    floor = max(text.rfind("\n", max(0, start - SENTENCE_WINDOW), start) + 1, start - SENTENCE_WINDOW)  # bounded scan back
    return sentence_start(text, start, floor), _sentence_end(text, max(start, end - 3), limit)


def _words_as_speaker(phrase: str, noun_phrase: bool = False) -> str | None:
    """Accept ``phrase`` as a speaker description if it reads like a person, title or body.

    A name or a known head noun ('official', 'ministry') always qualifies; with
    ``noun_phrase`` (the phrase is a whole clause subject) any determiner-led noun
    phrase does too ('the company', 'her campaign', 'one').
    """
    phrase = phrase.strip(" ,;:—–-\n\t\u00a0")
    if not phrase or not is_speaker_phrase(phrase):
        return None
    words = phrase.split()
    first = words[0].lower().strip("’'")
    if first in _PRONOUNS or (len(words) == 1 and first in _INDEFINITE_SPEAKERS):
        return phrase
    if any(_NAME_TOKEN.match(w) for w in words) or any(_is_nominal_head(w) for w in words):
        return phrase
    return phrase if noun_phrase and first in _DETERMINERS else None


def _is_nominal_head(word: str) -> bool:
    word = word.lower().strip(",.’'")
    return word in _NOMINAL_HEADS or word.removesuffix("s") in _NOMINAL_HEADS or word.removesuffix("es") in _NOMINAL_HEADS


# "one said", "said another": someone new, never an earlier speaker.
_INDEFINITE_SPEAKERS = {"one", "another", "others", "some", "several", "many", "both", "most", "few"}
_DETERMINERS = _INDEFINITE_SPEAKERS | {
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "that", "these", "those", "each", "either",
    "neither", "all", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens", "hundreds", "other",
}  # fmt: skip
# A speaker never starts with these (discourse words, prepositions, conjunctions, verbs) ...
_NOT_SPEAKER_START = {
    "however", "so", "now", "but", "and", "or", "then", "also", "still", "yet", "thus", "therefore", "meanwhile", "moreover",
    "furthermore", "further", "instead", "indeed", "even", "just", "only", "here", "there", "what", "which", "when", "where",
    "why", "how", "if", "while", "although", "though", "because", "since", "despite", "after", "before", "as", "in", "on",
    "at", "by", "for", "with", "from", "to", "of", "about", "against", "among", "during", "under", "over", "into", "through",
    "not", "no", "yes", "well", "oh", "please", "thank", "thanks", "today", "yesterday", "tomorrow", "tonight", "recently",
    "later", "earlier", "finally", "again", "once", "perhaps", "maybe", "certainly", "clearly", "obviously", "unfortunately",
    "fortunately", "similarly", "likewise", "additionally", "otherwise", "hence", "accordingly", "nevertheless", "nonetheless",
    "rather", "besides", "anyway", "overall", "whether", "unless", "until", "whereas", "it’s", "it's", "there's", "there’s",
    "that's", "that’s", "let", "let's", "let’s", "such", "should", "would", "could", "can", "will", "may", "might", "must",
    "shall", "was", "were", "is", "are", "has", "have", "had", "do", "does", "did", "hear", "see", "look", "you", "like",
    "unlike", "according", "regarding", "including", "following", "amid", "towards", "toward", "upon", "within", "without",
    "than", "very", "too", "actually", "really", "simply", "especially", "particularly", "specifically", "last", "next",
    "probably", "possibly", "surely", "frankly", "honestly", "usually", "above", "below", "people", "everyone", "everybody",
    "nobody", "someone", "somebody", "anyone", "anybody", "everything", "nothing", "something",
}  # fmt: skip
# ... nor ends with these: a cut-off phrase ("the direction in", "Japan is", "the United").
_NOT_SPEAKER_END = {
    "the", "a", "an", "of", "in", "on", "at", "by", "for", "with", "to", "from", "and", "or", "but", "that", "which", "who",
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would", "can", "could", "should", "may",
    "might", "must", "shall", "do", "does", "did", "it", "its", "our", "this", "these", "those", "not", "as", "than", "into",
    "about", "over", "under", "united", "so", "very", "also", "put", "if", "his", "their", "my", "your", "when", "while",
    "whose", "whom", "there", "then", "just", "even", "all", "what", "where", "how", "why", "like", "said", "says",
}  # fmt: skip
_FINITE_VERBS = {"is", "are", "was", "were", "am", "has", "have", "had", "will", "would", "can", "could", "should", "may", "might",
                 "must", "shall", "does", "did", "do", "held", "put", "made", "took", "gave", "went", "came", "got", "been"}  # fmt: skip
_TRUNCATED_ABBREVIATION = re.compile(r"^(?:Jr|Sr|Mr|Ms|Mrs|Dr|St|Gen|Col|Lt|No|Nos|Inc|Ltd|Co|Corp|Rev|Hon)\.?$|^[DRI]-[A-Z][\w.]*$", re.I)
_NOT_IN_SPEAKER = re.compile(r"[;\[\]?!“”\"«»]|\b(?:who|whom|whose|which)\b")
_SENTENCE_BREAK = re.compile(r"\b([A-Za-z]{2,})\.\s+[A-Z]")


@lru_cache(maxsize=8192)
def is_speaker_phrase(phrase: str) -> bool:
    """Whether ``phrase`` can be a speaker: a person, a title or a body, never a clause fragment.

    Rejects what partial and scare quotes leave behind: discourse words ('However',
    'So'), a subject with its verb ('Japan is'), cut-off phrases ('the United', 'the
    direction in'), abbreviations alone ('Jr.'), two sentences ('Zelenskyy. According to him').
    """
    phrase = " ".join(phrase.split())
    words = phrase.split()
    if not 1 <= len(words) <= 16 or len(phrase) > 140 or _NOT_IN_SPEAKER.search(phrase):
        return False
    if any(m.group(1).lower() not in ABBREVIATIONS for m in _SENTENCE_BREAK.finditer(phrase)):
        return False  # two sentences: 'Zelenskyy. According to him'

    lower = [w.lower().strip(",.’'\"()") for w in words]
    if len(words) == 1 and (lower[0] in _PRONOUNS - {"you"} or lower[0] in _INDEFINITE_SPEAKERS or _is_nominal_head(lower[0])):
        return True
    if lower[0] in _NOT_SPEAKER_START or lower[-1] in _NOT_SPEAKER_END or not lower[-1]:
        return False
    if any(w in _FINITE_VERBS for w in lower):
        return False
    if len(words) == 1:
        if lower[0] in _PRONOUNS or lower[0] in _INDEFINITE_SPEAKERS:
            return True
        return words[0][:1].isupper() and not _TRUNCATED_ABBREVIATION.match(words[0]) and any(c.isalpha() for c in words[0])
    return lower[0] not in _PRONOUNS


def _split_apposition(phrase: str) -> tuple[str, str]:
    """'Choi Kang, acting president of the Asan Institute' -> ('Choi Kang', 'acting president ...');
    "China's deputy ambassador, Geng Shuang" -> ('Geng Shuang', "China's deputy ambassador")."""
    parts = [p.strip() for p in phrase.split(",") if p.strip()]
    if len(parts) == 2 and _is_pure_name(_strip_honorific(parts[1])) and not _is_pure_name(_strip_honorific(parts[0])):
        return parts[1], parts[0]
    if len(parts) > 1 and _NAME_TOKEN.match(parts[0].split()[0]) and len(parts[0].split()) <= 6:
        return parts[0], ", ".join(parts[1:])
    return phrase, ""


# A period inside a speaker phrase: in an abbreviation or an initial ("Sen.", "John F. Kennedy", "U.S."),
# or before a lower-case word.
_INNER_PERIOD = r"(?:\.(?=\S)|\.(?=\s+[a-z])|(?<=\b[A-Z])\.|(?<=\b(?:Mr|Ms|Dr|Sr|Jr|St|Lt))\.|(?<=\b(?:Mrs|Sen|Rep|Gov|Gen|Col|Maj|Adm|Amb|Hon|Rev|Sgt))\.|(?<=\b(?:Capt|Prof))\.)"
_ACCORDING_TO = re.compile(rf"according to\s+(?P<speaker>(?:[^,.;:!?“”\"]|{_INNER_PERIOD}){{2,120}})", re.I)


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
        if not match or cue in _NAMING_VERBS:
            return None  # "calling it ...": what follows a naming verb is its object
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


_NAMING_VERBS = {"calling", "called", "calls", "describing", "described", "describes", "labeling", "labelling", "labeled",
                 "labelled", "dubbing", "dubbed", "terming", "termed"}  # fmt: skip
_LEAD = re.compile(r"\s*[,—–-]?\s*")
_TRAILING_ADVERB = re.compile(r"\s+(?:\w+ly|also|further|later)\s*$")
# Inside a speaker phrase: no sentence punctuation or quote marks; a period only in an abbreviation.
_SPEAKER_STOP = re.compile(
    r"[;:!?“”\"]|(?<!\b[A-Z])(?<!\bMr|\bMs|\bDr|\bSr|\bJr|\bSt|\bLt)(?<!\bMrs|\bSen|\bRep|\bGov|\bGen|\bCol|\bMaj|\bAdm|\bAmb|\bHon|\bRev|\bSgt)(?<!\bCapt|\bProf)\.(?!\S)(?!\s+[a-z])"
)
_INVERTED_SPEAKER = re.compile(
    rf"\s+(?P<speaker>(?!that\b|the\s+\w+\s+(?:is|was|has|had|would|will)\b)(?:[^.;:!?“”\"]|{_INNER_PERIOD}){{1,200}})", re.I
)


_CLAUSE_WORDS = frozenset({"is", "are", "was", "were", "be", "that", "has", "have", "had", "will", "would"})


def _looks_like_clause(phrase: str) -> bool:
    return not _CLAUSE_WORDS.isdisjoint(map(str.lower, _WORD.findall(phrase)))


_RELATIVE = re.compile(r"\b(?:who|which|whose)\b")
_CONJUNCTION = re.compile(r"\b(?:that|and|but|while|when|because|if|as)\s+")
_HONORIFIC = re.compile(r"^(?:Mr|Ms|Mrs|Dr|Sir)\.?\s+")
_SENTENCE_OR_QUOTE_MARK = re.compile(r"[.!?“”\"]")


_DATELINE = re.compile(r"\)\s*(?:--|—|–|-)\s+")  # 'Pyongyang, May 11 (KCNA) -- ', 'SEOUL (Yonhap) — '


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
    if inverted and len(segments) > 1 and _PARTICIPLE.match(segments[1]):
        head = _CONJUNCTION.split(segments[0])[-1].strip()
        speaker = _words_as_speaker(head, noun_phrase=True) if not _looks_like_clause(head) else None
        if speaker:  # "A senior official, speaking on condition of anonymity ..., said"
            return speaker, ", ".join(segments[1:])
    for k in range(1, min(4, len(segments))):
        name, between = segments[-1 - k], segments[-k:]
        if any(_looks_like_clause(_RELATIVE.split(b, maxsplit=1)[0]) for b in between):
            break
        if _is_pure_name(_strip_honorific(name)):
            return name, ", ".join(between)
    if inverted:
        return None, ""
    clause = _last_clause(segments[-1])
    head, relative = _split_relative(clause)
    if relative and head and not _looks_like_clause(head):
        speaker = _words_as_speaker(head, noun_phrase=True)
        if speaker:
            return speaker, relative  # "an industry lobbyist who spoke on the condition of anonymity said"
    if clause and len(clause.split()) <= 16 and not _looks_like_clause(clause):
        speaker = _words_as_speaker(clause, noun_phrase=True)
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


def _last_clause(segment: str) -> str:
    """The part of ``segment`` after its last conjunction, except an 'and' inside a name
    ('the Center for Strategic and International Studies said')."""
    if " and " not in segment:
        return _CONJUNCTION.split(segment)[-1].strip()
    for match in reversed(list(_CONJUNCTION.finditer(segment))):
        before, after = segment[: match.start()].rstrip(), segment[match.end() :]
        inside_name = (
            match.group(0).startswith("and") and before[-1:].isalpha() and before.split()[-1][:1].isupper() and after[:1].isupper()
        )
        if not inside_name:
            return after.strip()
    return segment.strip()


_PARTICIPLE = re.compile(r"^(?:\w+ing|who|which|not|also|too)\b", re.I)
_RELATIVE_CLAUSE = re.compile(r"\s+(?=(?:who|whom|whose|which)\s)")


def _split_relative(clause: str) -> tuple[str, str]:
    """'an official who asked not to be named' -> ('an official', 'who asked not to be named')."""
    parts = _RELATIVE_CLAUSE.split(clause, maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else (clause, "")


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
        and is_speaker_phrase(phrase)
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
            if bounded and text[at].isupper() and not _opens_sentence(text, at):
                bounded = False  # "the United States", "Notes on ...": part of a name or title
            if bounded and (word != "pointed" or lowered.startswith(" out", after)):
                hits.append((at, "pointed out" if word == "pointed" else word))
            at = lowered.find(word, after)
    hits.sort()
    return [at for at, _ in hits], hits


def _opens_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - 3) : at].rstrip(" \t\u00a0\"“‘'")
    return not before or before[-1] in ".!?\n:,—–-"


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
    speaker = _words_as_speaker(_clip_speaker(match.group("speaker"))) if match else None
    if speaker:
        return Attribution(speaker, "according to")
    return None


def reported_speech(text: str, start: int, end: int, memory: SpeakerMemory) -> tuple[str, str, str] | None:
    """The person whose words the sentence ``text[start:end]`` reports ('Kim Jong Un said that
    ...', '..., he stressed.'), as ``(speaker as written, resolved, cue)``; None when the sentence
    reports no one's words or the speaker is not a named person (or a pronoun for one)."""
    if not any(cue in _SPEECH_CUES for _, cue in find_cues(text, start, end)):
        return None
    attribution = attribution_in_sentence(text, start, end, [], start)
    if attribution is None or not attribution.speaker or attribution.cue == "according to":
        return None
    speaker = _clean(attribution.speaker)
    if speaker.lower() in ("he", "she"):
        mention = memory.resolve(speaker, start)  # only a pronoun needs the speakers named before
        if mention is None or not _names_a_person(mention.description):
            mention = last_person_subject(text, start)
    elif _names_a_person(speaker):
        mention = Mention(speaker, attribution.apposition)
    else:
        return None
    if mention is None or not _names_a_person(mention.description):
        return None
    if not _is_anaphor(speaker):
        memory.remember(Mention(mention.description, attribution.apposition or mention.apposition), start)
    return speaker, mention.name, attribution.cue


# A sentence that opens with a person's name as its subject: "Kim Jong Un, general secretary of ...,
# attended ...", "On August 4Kim Jong Un ..." (a space lost after the date), "The respected ComradeKim Jong Un ...".
_PERSON_SUBJECT = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?])|(?<=--\s)|(?<=--))(?:(?:On|In|At)\s[^,\n]{1,30}?(?=[A-Z]))?(?:The\s+)?(?:[Rr]espected\s+)?(?:Comrade\s*)?"
    r"(?P<name>[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,3})(?=,|[ \t]+[a-z])",
    re.M,
)
SUBJECT_LOOKBACK = 4000
_GLUED_CUE = re.compile(r"(?<=[A-Z][a-z])(?:said|stressed|noted|added|stated|declared|emphasized|underlined|pointed)$")


def last_person_subject(text: str, position: int) -> Mention | None:
    """The person last named as a sentence's subject before ``position`` ('He clearly reaffirmed
    that ...' after 'Kim Jong Un ... watched the launch'), when the speakers remembered from
    reporting verbs give none; None if no sentence before opens with a person's name."""
    floor = max(0, position - SUBJECT_LOOKBACK)
    found = None
    for match in _PERSON_SUBJECT.finditer(text, floor, position):
        name = _GLUED_CUE.sub("", match.group("name"))  # "Kim Jong Unsaid": a space lost before the verb
        if person_name(name) == name and not names_a_state(name) and name.split()[0] not in _NOT_SUBJECT_WORDS:
            found = name
    return Mention(found) if found else None


_NOT_SUBJECT_WORDS = frozenset("The This That These Those It He She They We Our His Her Its Their In On At As After Before When".split())


_PERSON_HEADS = re.compile(
    r"^(?:the|a|an|one)\s+(?:[\w'’-]+\s+){0,3}?(?:member|chairman|chairwoman|secretary|spokes(?:man|woman|person)|official|minister|"
    r"president|leader|director|ambassador|envoy|premier|chief|commander|expert|analyst|professor|personage|representative|"
    r"delegate|deputy|head|general secretary|vice-chairman)\b",
    re.I,
)


def _names_a_person(description: str) -> bool:
    """'Kim Jong Un', 'The secretary of the Central Committee of ...': a person, named or by office
    (not 'The message', 'the report')."""
    if description.lower() in _PRONOUNS or description.lower() in _INDEFINITE_SPEAKERS:
        return False  # an unresolved "He" names nobody
    return bool(person_name(description)) or bool(_PERSON_HEADS.match(description))


# Cues of reported speech in an agency's narrative ("Kim Jong Un said that ...", "..., he stressed").
_SPEECH_CUES = frozenset(
    "said says stressed stresses noted notes added adds underscored underlined emphasized emphasised pointed out told stated "
    "declared warned urged affirmed reaffirmed expressed hoped called".replace("pointed out", "pointed_out").split()
) | {"pointed out"}


def _has_cue(text: str, start: int, end: int) -> bool:
    return next(find_cues(text, start, end), None) is not None


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
    carried = _CARRIED_BY.search(text, at, open_at)
    if carried:  # "said in a statement carried by KCNA": the publisher says whose statement it is
        apposition = f"{apposition}, {carried.group('publisher')}".strip(", ")
    return Attribution(speaker, cue, apposition) if speaker else None


_CARRIED_BY = re.compile(
    r"\b(?:carried|released|published|issued|posted)\s+by\s+(?:the\s+)?(?P<publisher>(?:[\w-]+\s+){0,3}?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)"
)


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
        """The person's name without titles, a country's full name, the outlet or body a
        document speaks for ('an editorial in the Global Times' -> 'the Global Times'), or the
        description without a size modifier ('the 15-member Security Council' -> 'the Security Council')."""
        document = _DOCUMENT_OF.match(self.description)
        if document:
            return document.group("owner")
        return COUNTRY_NAMES.get(self.description) or person_name(self.description) or _SIZE_MODIFIER.sub("", self.description)

    @property
    def side(self) -> str | None:
        return infer_side(f"{self.description}, {self.apposition}")


_DOCUMENT_OF = re.compile(
    r"^(?i:an?|the)\s+(?:editorial|commentary|article|report|statement|column|op-ed|readout|editorial board)\s+(?:in|by|of|from)\s+"
    r"(?:.*?\s)?(?P<owner>(?:the\s+)?(?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*)$"
)
_SIZE_MODIFIER = re.compile(r"\b\d[\d,]*-(?:member|nation|country|state|strong)\s+", re.I)


_GLUED_TITLE = re.compile(r"\b(Comrade|President|Chairman|Marshal|Secretary|General)(?=[A-Z][a-z])")
_AFFILIATION = re.compile(r"\s+(?:of|at|from)\s+(?=(?:the\s+)?[A-Z])")


@lru_cache(maxsize=4096)
def person_name(description: str) -> str | None:
    """'U.S. Secretary of State Mike Pompeo' -> 'Mike Pompeo'; 'a senior official' -> None;
    'Professor Lim Wei Ling of the S. Rajaratnam School' -> 'Lim Wei Ling'."""
    description = _GLUED_TITLE.sub(r"\1 ", description)  # "the respected ComradeKim Jong Un": a space lost after a title
    head = _AFFILIATION.split(description, maxsplit=1)[0]
    if head != description:
        name = _trailing_name(head)
        if name and (len(name.split()) >= 2 or name != head):
            return name
    return _trailing_name(description)


_PERSON_TITLE_WORDS = {"General", "Secretary", "President", "Minister", "Ambassador", "Envoy", "Director", "Spokesperson",
                       "Spokesman", "Spokeswoman", "Chairman", "Chairwoman", "Premier", "Chancellor", "Governor", "Senator",
                       "Representative", "Commissioner", "Adviser", "Advisor", "Coordinator", "Mr", "Mr.", "Ms", "Ms.", "Dr", "Dr."}  # fmt: skip


def _trailing_name(description: str) -> str | None:
    words = description.split()
    if words and words[0].lower() in {"a", "an", "the"}:
        name = _trailing_name(" ".join(words[1:])) if len(words) > 2 else None
        if not name or len(name.split()) < 2 or infer_side(name) is not None:
            return None
        before = words[len(words) - len(name.split()) - 1] if len(name.split()) < len(words) else ""
        return name if before in _PERSON_TITLE_WORDS else None  # "The UN Secretary General Antonio Guterres"
    if not words:
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


_POSSESSIVES = {"his", "her", "their", "its", "our", "my", "your"}
_INSTITUTIONS = {"ministry", "office", "department", "government", "agency", "company", "party", "council", "committee",
                 "report", "statement", "commission", "court", "firm", "group", "bank", "institute", "embassy", "mission"}  # fmt: skip


def _nominal_subject_before(text: str, head: str, position: int) -> Mention | None:
    """'A senior Japanese government official declined to comment. "...," the official said':
    the indefinite subject with the same head in one of the two sentences before the quote."""
    start = sentence_start(text, position, max(0, position - 400))
    floor = sentence_start(text, max(0, start - 1), max(0, start - 400)) if start > 0 else start
    floor = sentence_start(text, max(0, floor - 1), max(0, floor - 400)) if floor > 0 else floor
    pattern = re.compile(
        rf"(?:^|(?<=[.!?]\s)|(?<=\n)|(?<=-- )|(?<=— ))(?P<np>(?:A|An|One)\s+(?:[\w'’.-]+\s+){{0,6}}?{re.escape(head)}s?)\b"
    )
    found = list(pattern.finditer(text, floor, position))
    return Mention(found[-1].group("np")) if found else None


_PERSON_TITLES = {"president": "President", "state": "President", "minister": "Minister", "secretary": "Secretary",
                  "chancellor": "Chancellor", "premier": "Premier", "spokesperson": "Spokesperson", "spokesman": "Spokesman",
                  "ambassador": "Ambassador", "lady": "First Lady"}  # fmt: skip


def _titled_person_before(text: str, speaker: str, position: int) -> Mention | None:
    """'the Head of State', 'the Ukrainian President': the last person written with that title
    before ``position`` ('President of Ukraine Volodymyr Zelenskyy')."""
    title = _PERSON_TITLES.get(speaker.lower().split()[-1])
    if not title:
        return None
    pattern = rf"\b{title}(?:\s+of(?:\s+the)?(?:\s+[A-Z][\w'’-]+)+?)?\s+((?:[A-Z][\w'’-]+\s+){{1,3}}?[A-Z][\w'’-]+)"
    found = [m for m in re.finditer(pattern, text[max(0, position - 3000) : position]) if len((person_name(m.group(0)) or "").split()) >= 2]
    nationality = next((infer_side(w) for w in speaker.split() if _is_nationality(w)), None)
    if nationality:
        found = [m for m in found if infer_side(m.group(0)) == nationality]  # "the Ukrainian President"
    if not found:
        return None
    chosen = found[0] if "head of state" in speaker.lower() else found[-1]  # the Head of State: the story's own
    return Mention(" ".join(chosen.group(0).split()))


def _named_body(text: str, head: str, position: int) -> Mention | None:
    """The body a nominal ('the ministry') refers to: the last capitalized name with that head
    written before ``position`` ("Japan's Ministry of Defense", "the Unification Ministry")."""
    if head not in _INSTITUTIONS:
        return None
    pattern = rf"(?:(?:[A-Z][\w'’.-]*|of|the|for)\s+){{0,5}}{head.title()}(?:\s+(?:of|for)(?:\s+the)?(?:\s+[A-Z][\w'’-]*)+)?"
    found = [m for m in re.finditer(pattern, text[max(0, position - 2000) : position]) if m.group(0)[:1].isupper()]
    if not found:
        return None
    name = found[-1].group(0).strip()
    return Mention(name) if len(name.split()) > 1 else None


_COMPANY_HEADS = frozenset(
    "company firm group carrier airline automaker carmaker maker manufacturer retailer lender insurer bank producer utility "
    "operator developer startup conglomerate chipmaker miner supplier".split()
)
_COMPANY_SUFFIX = re.compile(
    r"\b(?:Inc|Corp|Corporation|Co|Company|Ltd|Limited|LLC|PLC|plc|AG|SA|NV|Group|Holdings|Industries|Steel|Energy|Motors|"
    r"Airlines|Airways|Bank|Technologies|Systems|Pharmaceuticals|Foods|Mining|Oil|Gas|Electric|Power|Partners|Capital|Labs)\.?$"
)
_SENTENCE_SUBJECT_NAME = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?]”\s)|(?<=\n))(?P<name>[A-Z][\w&'’.-]*(?:[ \t]+(?:[A-Z][\w&'’.-]*|of|&|and)){0,4})[ \t]+(?=[a-z])"
)


def _company_subject_before(text: str, head: str, position: int) -> Mention | None:
    """'Halvorsen Steel cut its outlook. "...," the company said': the last sentence before
    ``position`` whose subject is a body with a company's name (a corporate word at its end) or
    that the sentence calls 'its'; only for a nominal that names a company ('the company', 'the firm')."""
    if head not in _COMPANY_HEADS:
        return None
    floor = max(0, position - 2000)
    found = None
    for match in _SENTENCE_SUBJECT_NAME.finditer(text, floor, position):
        name = match.group("name")
        if name.split()[0] in _NOT_SUBJECT_WORDS or name.split()[0] in _TITLE_WORDS or names_a_state(name):
            continue
        sentence = text[match.end() : _sentence_end(text, match.end(), min(position, match.end() + 400))]
        if _COMPANY_SUFFIX.search(name) or re.search(r"\bits\b", sentence[:200]):
            found = name
    return Mention(found) if found else None


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

    def named_after(self, position: int) -> bool:
        """Whether a speaker was named (outside quotes) after ``position``."""
        self._flush()
        return bool(self._named) and self._named[-1][0] > position

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
        if _is_indefinite(speaker) or words == ["i"] or words == ["we"]:
            return Mention(speaker)  # "one said", "another said": never an earlier speaker; "I", "we": the writer's own
        if words[0] in _PRONOUNS and len(words) == 1:
            # "he"/"she" mean the last person named, "it" the last body or document.
            want_person = words[0] != "it"
            named = self.named
            if words[0] in ("he", "she"):
                subject = self._subject_just_before(position)
                if subject is not None:
                    return subject
            wanted = next((m for m in reversed(named) if bool(person_name(m.description)) == want_person), None)
            return wanted or (named[-1] if named else Mention(speaker))
        if _is_anaphor(speaker):
            head = words[-1]
            for mention in reversed(self.named):
                described = mention.description.split()
                if described[0].lower() in _POSSESSIVES or (_is_anaphor(mention.description) and len(described) <= len(words)):
                    continue  # "his office", "the office": no more than "the office"
                if head in _INSTITUTIONS and person_name(mention.description):
                    continue  # "the ministry" is not the ministry's spokesman
                if head in mention.description.lower() or head in mention.apposition.lower():
                    return mention
            subject = _nominal_subject_before(self.text, head, position)
            if subject is not None:
                return subject
            titled = _titled_person_before(self.text, speaker, position)
            if titled is not None:
                return titled
            body = _named_body(self.text, head, position) or _company_subject_before(self.text, head, position)
            return body if body and body.description.lower() not in speaker.lower() else Mention(speaker)
        name = person_name(speaker)
        if name and len(name.split()) == 1:  # "Kim", "Minister Balakrishnan"
            return self._full_name(name, position) or Mention(speaker)
        return Mention(speaker)

    def _subject_just_before(self, position: int) -> Mention | None:
        """A person who is the subject of the sentence before the one at ``position``, when
        named after every speaker remembered so far: 'Russia's ambassador, Vassily Nebenzia,
        rejected the charge. "...," he told the council.'"""
        text = self.text
        start = sentence_start(text, position, max(0, position - 400))
        if start <= 0:
            return None
        previous = sentence_start(text, start - 1, max(0, start - 400))
        if self._named and self._named[-1][0] >= previous:
            return None
        subject = _sentence_subject(text[previous:start])
        if subject is not None:
            self.remember(subject, previous)
        return subject

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


_SUBJECT_WITH_TITLE = re.compile(r"^(?P<title>[^,.;:“”\"]{2,80}?),\s+(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}),\s+[a-z]")
_SUBJECT_NAME = re.compile(r"^(?P<name>(?:[A-Z][\w'’.-]*\s+){1,5}?[A-Z][\w'’-]+)(?:,\s*(?P<apposition>[^,]{3,120}),)?\s+[a-z]")


def _sentence_subject(sentence: str) -> Mention | None:
    """The person a sentence opens with: 'Vassily Nebenzia rejected ...', "Russia's ambassador,
    Vassily Nebenzia, rejected ...", 'Yang Moo-jin, president of ..., said ...'."""
    sentence = sentence.strip().lstrip('“"')
    titled = _SUBJECT_WITH_TITLE.match(sentence)
    if titled and _is_pure_name(_strip_honorific(titled.group("name"))):
        return Mention(titled.group("name"), titled.group("title"))
    named = _SUBJECT_NAME.match(sentence)
    if named and person_name(named.group("name").strip()) and is_speaker_phrase(named.group("name")):
        name = named.group("name").strip()
        if len(person_name(name).split()) >= 2 or name != person_name(name):
            return Mention(name, named.group("apposition") or "")
    return None


_NAME_BEFORE = re.compile(r"((?:[A-Z][\w.'’-]*\s+){1,7})$")
_NOT_NAME_AFTER = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September "
    "October November December The This That It He She They We In On At As But And Said".split()
)
_NAME_AFTER = re.compile(r"(?:\s+[A-Z][\w'’-]+){1,2}")
_APPOSITION = re.compile(r",[^,.]{3,120},")


def _full_name_mentions(text: str, surname: str) -> Iterator[tuple[int, Mention]]:
    """Offsets and descriptions of ``surname`` written with a given name ('Sung Kim',
    'Cheong Seong-chang'), with the apposition that follows, if any."""
    for start in _word_occurrences(text, surname):
        end = start + len(surname)
        before = _NAME_BEFORE.search(text, max(0, start - 100), start)
        after = _NAME_AFTER.match(text, end)
        description = before.group(1) + surname if before else ""
        if before and after and after.group(0).strip() not in _NOT_NAME_AFTER:
            description, end = description + after.group(0), after.end()  # "Mohamad Maliki Osman"
        elif after and len((person_name(" ".join(description.split())) or "").split()) < 2:
            # "Foreign Minister Lee Jae-won": the given name follows the surname
            description, end = (before.group(1) if before else "") + surname + after.group(0), after.end()
        if not description:
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
        and len(words) <= 5
        and not any(_NAME_TOKEN.match(w) for w in speaker.split()[1:] if w not in _TITLE_WORDS and not _is_nationality(w))
    )


@lru_cache(maxsize=4096)
def _is_nationality(word: str) -> bool:
    """'Ukrainian', 'Chinese', 'U.S.': a word that names a state, not a person."""
    return bool(re.match(r"^[A-Z][a-z]+(?:an|ese|ish|ian|i|ch)$", word) and infer_side(word)) or infer_side(word) not in (
        None,
        "analyst",
        "other_state",
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
        sent_end = _sentence_end(text, at, end) if speaker is None or " by " in text[at : at + 120] else at
        if speaker is None:
            after = attribution_after(text, at, sent_end)
            if after:
                speaker, apposition = after.speaker, after.apposition
        carried = _CARRIED_BY.search(text, at, sent_end) if speaker and sent_end > at else None
        if carried:
            apposition = f"{apposition}, {carried.group('publisher')}".strip(", ")
        if speaker and not _is_anaphor(speaker):
            known = memory.resolve(_clean(speaker), at)
            memory.remember(Mention(known.description, apposition or known.apposition), _sentence_end(text, at, end))
            last_sentence = sent_start


# Final punctuation, closing marks and white space, or a line break: r"[.!?][\"'”’)\]]*\s+|\n" written
# to open with one character class, which the regular-expression engine scans for fast.
_BOUNDARY_BACK = re.compile(r"[.!?\n](?:(?<=\n)|(?<=[.!?])[\"'”’)\]]*\s+)")


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
    last: tuple[str, Mention, QuoteSpan] | None = None  # the latest quote's speaker as written, who it is, the quote
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
        if floating and last is not None and last[2] is previous and not memory.named_after(previous.outer_end):
            speaker, mention = last[0], last[1]  # a follow-on quote: its speaker is the one just quoted
        else:
            mention = memory.resolve(speaker, joined.outer_start) if (speaker or floating) else None
            if floating and mention:
                speaker = mention.description  # the speaker named just before, outside a quote
        if mention and attribution and attribution.apposition and not mention.apposition:
            mention = Mention(mention.description, attribution.apposition)  # "said Choi Kang, acting president of ..."
        if mention and speaker and attribution and not _is_indefinite(speaker):
            if (
                not _is_anaphor(speaker)
                or not _is_anaphor(mention.description)
                or mention.description == speaker
                and speaker.lower() not in _PRONOUNS
            ):
                memory.remember(mention, joined.outer_start)
        if attribution is not None and (mention or floating):
            memory.quoted(cursor)
        previous = joined
        if speaker and mention:
            last = (speaker, mention, joined)
        yield from _sentences_of_quote(
            document,
            joined,
            speaker=speaker,
            cue=attribution.cue if attribution else None,
            resolved=mention.name if mention else None,
            side=quote_side(mention, document, speaker) if mention else None,
            kind=kind,
        )


def _is_indefinite(speaker: str) -> bool:
    """'one', 'another', 'one official', 'a second diplomat': someone not named before."""
    words = speaker.lower().split()
    return words[0] in _INDEFINITE_SPEAKERS or (len(words) > 1 and words[0] in {"a", "an"} and words[1] in {"second", "third", "fourth"})


_BARE_TITLE = re.compile(
    r"^(?:the\s+)?(?:(?:first|vice|deputy|acting|prime)\s+)*(?:president|head of state|prime minister|first lady|minister|"
    r"foreign minister|spokesperson|spokesman|spokeswoman|secretary|press secretary|chancellor|premier|ministry|government|"
    r"office|presidency|head of the (?:presidential )?office(?: of the president)?|head of the president's office|"
    r"message|statement|letter|readout|release|communiqu[eé]|greetings?)$",
    re.I,
)


def quote_side(mention: Mention, document: Document, speaker: str | None = None) -> str | None:
    """The side of a quoted speaker: the one its description and apposition name; the press
    for an outlet; for an official whose title names no state ('Minister Balakrishnan',
    'the Head of State', 'Assistant Secretary of State ... Eliot Kang'), the side of the
    government that publishes the document (its address, author line or signature)."""
    if is_press(mention.description) or is_press(mention.apposition):
        return "press"
    side = mention.side
    if side and side != "other_state":
        return side
    if side == "other_state" and not names_a_state(f"{mention.description}, {mention.apposition}"):
        side = None  # "President Joe Biden": a title alone does not say which state
    name = person_name(mention.description)
    if name:
        named = side_named_with(name, document.text, document.title)
        if named and (named != "other_state" or side is None):
            return named  # "Prime Minister of Malaysia Dato’ Sri Ismail Sabri Yaakob", written earlier
    titles = f"{speaker or ''} {mention.description} {mention.apposition}"
    if _GOVERNMENT_TITLE.search(titles) or _BARE_TITLE.match(mention.description.strip()):
        host = publisher_side(document)
        if host:
            return host
    return side


_GOVERNMENT_TITLE = re.compile(
    r"\b(?:Minister|Secretary|Envoy|Spokes(?:person|man|woman)|Ambassador|Administrator|Director|Coordinator|Official|"
    r"Adviser|Advisor|SMS|Head of State|President|Premier|Chancellor|Ministry|Department|Office|Leader|Senator|Sen\.|Rep\.|"
    r"Gov\.|Governor|Representative|Lawmaker|Congress\w*|Mayor|Chiefs of Staff|Military|Army|Navy|Air Force|Command|"
    r"administration|government|cabinet|presidential office|Blue House|Joint Staff|ruling|prosecutors?|Intelligence|Agency|police)(?!\w)",
    re.I,
)
_SIGNATURE = re.compile(r"^(?:MINISTRY|OFFICE|DEPARTMENT|EMBASSY|PERMANENT MISSION)\b[A-Z ,&'’-]*(?:\n[A-Z][A-Z ,&'’-]*){0,3}$", re.M)


@lru_cache(maxsize=64)
def publisher_side(document: Document) -> str | None:
    """The state whose government publishes ``document``: from its side, address or file
    name, its author line ('Office of the Spokesperson'), or a signature block at its end
    ('MINISTRY OF FOREIGN AFFAIRS / SINGAPORE'); None for news outlets and unknown sources."""
    head = document.text[:300]
    signature = _SIGNATURE.search(document.text, max(0, len(document.text) - 1500))
    dateline = _DATELINE_CITY.match(head)
    descriptions = (document.side, document.url, document.source, _author_line(head), signature.group(0) if signature else None)
    for description in descriptions + (dateline.group("city") if dateline else None,):
        side = infer_side(description) if description else None
        if side and side not in ("other_state", "analyst", "press"):
            return side
    if dateline and dateline.group("city").strip().title() in _OTHER_CAPITALS:
        return "other_state"
    return None


# Capitals of states this tool does not follow by name, as wire datelines write them.
_OTHER_CAPITALS = frozenset(
    name.replace("_", " ")
    for name in """London Paris Berlin Rome Madrid Lisbon Brussels Amsterdam The_Hague Vienna Bern Warsaw Prague Budapest
    Bucharest Sofia Athens Ankara Stockholm Oslo Helsinki Copenhagen Dublin Ottawa Canberra Wellington New_Delhi Islamabad
    Tehran Baghdad Riyadh Jerusalem Cairo Nairobi Pretoria Abuja Brasilia Buenos_Aires Mexico_City Jakarta Manila Hanoi
    Bangkok Kuala_Lumpur Ulaanbaatar Vilnius Riga Tallinn Minsk""".split()
)


# "WASHINGTON --", "SEOUL, April 4 (Yonhap) --", "KYIV (AP) —": where a story was filed; its officials' government
# when a title names none ("a senior administration official" in a Washington story).
_DATELINE_CITY = re.compile(r"^\s*(?P<city>[A-Z][A-Z .'’-]{2,30}?)(?:,[^\n(—–-]{0,30})?\s*(?:\([^)\n]{1,30}\))?\s*(?:--|—|–|-)\s")
_AUTHOR_LINE = re.compile(r"^\s*(Office of the Spokesperson|Office of the Press Secretary|The White House)\s*$", re.M)


def _author_line(head: str) -> str | None:
    match = _AUTHOR_LINE.search(head)
    return match.group(1) if match else None


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
    before = attribution_before(text, span.outer_start, max(sent_start, text.rfind("\n", sent_start, span.outer_start) + 1))
    if before is None and _opens_after_colon(text, span):
        prev_start, _ = sentence_around(text, max(0, span.outer_start - 2), span.outer_start, limit)
        before = attribution_before(text, span.outer_start, prev_start)
    if before is None and _opens_after_colon(text, span):
        before = colon_introduction(text, span.outer_start, max(sent_start, text.rfind("\n", sent_start, span.outer_start) + 1))
    if before:
        return span, before, 1
    nearby = spans[max(0, index - 10) : index + 10]
    return span, attribution_in_sentence(text, sent_start, sent_end, nearby, span.outer_start), 1


_NAME_RUN = re.compile(r"^(?P<name>(?:(?:[A-Z][\w.'’-]*|of|the|for|and)\s+){0,6}[A-Z][\w.'’-]*)(?:,?\s+)(?=[a-z])")


def colon_introduction(text: str, open_at: int, floor: int) -> Attribution | None:
    """A quote introduced by a colon without a reporting verb: 'Jane Roe, BBC: "..."'
    (a name and an outlet) or 'Trump lashed out in a series of tweets: "..."' (the
    clause's subject)."""
    colon = text.rfind(":", floor, open_at)
    if colon < 0 or text[colon + 1 : open_at].strip():
        return None
    lead = _clean(text[floor:colon])
    if not lead:
        return None
    name, _, apposition = lead.partition(",")
    if len(lead.split()) <= 8 and _is_pure_name(_strip_honorific(name.strip())):
        return Attribution(name.strip(), ":", apposition.strip())
    run = _NAME_RUN.match(lead)
    if run and not _looks_like_clause(run.group("name")):
        speaker = _words_as_speaker(run.group("name"))
        if speaker and (person_name(speaker) or _is_nominal_head(speaker.split()[-1])):
            return Attribution(speaker, ":", "")
    return None


def _opens_after_colon(text: str, span: QuoteSpan) -> bool:
    return text[max(0, span.outer_start - 3) : span.outer_start].rstrip().endswith(":")


def _last_fragment_open(text: str, span: QuoteSpan) -> bool:
    """True when the quote ends on a comma, so the sentence goes on after the attribution."""
    end = span.fragments[-1][1]
    return text[end - 1 : end] == "," or text[span.outer_end : span.outer_end + 1] == ","


def _kind_of(text: str, span: QuoteSpan) -> str:
    """'direct' when the quote is its own clause, 'partial' when it sits inside a sentence."""
    before = text[max(0, span.outer_start - 40) : span.outer_start].rstrip(" \t\u00a0\u202f")
    starts_clause = not before or before[-1] in '.!?:\n”"’' or before.endswith(",")
    first = span.fragments[0][0]
    while first < span.fragments[0][1] and text[first] in "(…'‘.[ \u00a0":
        first += 1  # '“(Laughs) We will ...', '“… and that is why', "“'Tis ..."
    first_char = text[first : first + 1]
    ellipsis = text.startswith(("…", "..."), span.fragments[0][0])  # '“… and that is why': a quote resumed
    if starts_clause and (first_char.isupper() or first_char.isdigit() or ellipsis):
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
    # The cheap length test first: a long stretch in between is read no further.
    return len(between.strip()) < 80 and len(re.findall(r"\n\s*", between)) <= 1 and not re.search(r"[“\"]", between)


def _looks_like_title(text: str, span: QuoteSpan) -> bool:
    """A quoted name of a conference, document or slogan: short, mostly capitalized words."""
    words = [w for s, e in span.fragments for w in _WORD.findall(text, s, e) if w[0].isalpha()]  # (_WORD looks at nothing around a word)
    if not 2 <= len(words) <= 12:
        return False
    capitalized = sum(1 for w in words if w[0].isupper())
    return capitalized / len(words) >= 0.6 and capitalized >= 2


def _word_count(text: str, span: QuoteSpan) -> int:
    return sum(len(_WORD.findall(text, s, e)) for s, e in span.fragments)


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
