"""Read input documents: plain-text files, folders, stdin, JSON and JSONL corpora.

Every reader yields :class:`Document` records. JSON and JSONL records are mapped to
documents by field names: the text field is auto-detected from common names
(``text``, ``story_text``, ``answer``, ``content`` ...) unless given, and so are
speaker, date and id fields. A record holding a question and an answer (press
conference Q&A) yields the question as its own document with ``kind="question"``.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
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
MAX_INPUT_BYTES = MAX_DOCUMENT_CHARS * 4  # one file or standard input, read whole
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
    side: str | None = None  # the speaker's side when the source itself says it (a record's country, a UN file name)


@dataclass(frozen=True)
class FieldMap:
    """Which record fields hold text, speaker, date and id; None means auto-detect."""

    text: str | None = None
    speaker: str | None = None
    date: str | None = None
    id: str | None = None


def read_input_bytes(path: Path | None, source: str, limit: int | None = None) -> bytes:
    """The bytes of a file, or of standard input when ``path`` is None, read at most
    ``limit`` at a time: a binary stream (``/dev/zero``) is refused after its first
    block, and one larger than ``limit`` before it fills the memory."""
    limit = MAX_INPUT_BYTES if limit is None else limit
    try:
        handle = sys.stdin.buffer if path is None else open(path, "rb")
    except OSError as exc:
        raise InputError(f"{source}: cannot be read ({exc.strerror}).") from exc
    try:
        head = handle.read(8192)
        if b"\x00" in head:
            raise InputError(f"{source}: looks like a binary file (NUL bytes); give a UTF-8 text, CSV, JSON or JSONL file.")
        data = head + handle.read(limit + 1 - len(head))
    finally:
        if path is not None:
            handle.close()
    if len(data) > limit:
        raise InputError(f"{source}: more than {limit // 1_000_000} MB; split it into smaller files first.")
    return data


def decode_bytes(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Decode input bytes (a UTF-8 byte-order mark is dropped); refuse binary files and
    bytes that are not in ``encoding``, naming the line, rather than guess.

    A lone CR (old Mac line ends) becomes a line feed: one character for one, so
    offsets into the text are offsets into the decoded file all the same."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: looks like a binary file (NUL bytes); give a UTF-8 text, JSON or JSONL file.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode(encoding)
        return _LONE_CR.sub("\n", text) if "\r" in text else text
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
        elif path.exists():  # a file, or a pipe such as <(zcat x.gz): read with a cap
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
        if path.suffix.lower() in JSON_SUFFIXES and _streams_lines(path, encoding):
            yield from _documents_from_records(_streamed_json_lines(path, str(path), encoding), _display_path(path), fields)
            continue
        text = decode_bytes(read_input_bytes(path, str(path)), str(path), encoding)
        debate = un_debate_speaker(path.name)
        if debate:
            speaker, side, year = debate
            yield Document(text=text, source=_display_path(path), speaker=speaker, date=year, kind="turn", side=side)
            continue
        yield from _documents_from_text(text, _display_path(path), fields, suffix=path.suffix.lower())


def _display_path(path: Path) -> str:
    """The path as the user gave it (absolute stays absolute), never rewritten relative to the current folder."""
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
        records = parse_json(text, source, "give a list of records, or JSON lines (one object per line)")
        if not isinstance(records, list):
            raise InputError(f"{source}: a JSON file must hold a list of records (or use JSON lines, one object per line).")
        numbered: Iterable[tuple[int, object]] = enumerate(records, 1)
    else:
        numbered = _json_lines(text, source)
    yield from _documents_from_records(numbered, source, fields)


def _documents_from_records(numbered: Iterable[tuple[int, object]], source: str, fields: FieldMap) -> Iterator[Document]:
    """The documents of numbered JSON records; records with an empty text field are counted in a warning."""
    skipped = 0
    for line_no, record in numbered:
        documents = list(documents_from_record(record, source, line_no, fields))
        skipped += not documents
        yield from documents
    if skipped:
        warnings.warn(
            f"{source}: skipped {skipped:,} records with an empty text field (or only a title).", EmptyRecordsWarning, stacklevel=2
        )


class EmptyRecordsWarning(UserWarning):
    """Some records of a JSON/JSONL file had no text; they were skipped, not fatal."""


def _json_lines(text: str, source: str) -> Iterator[tuple[int, object]]:
    """Records of JSON lines. Lines end at "\n" only: a U+2028, U+0085 or form feed
    inside a string is text (``str.splitlines`` would cut the record there)."""
    for line_no, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield line_no, parse_json(line, f"{source}: line {line_no}", "each line must be one JSON object")


# Encodings in which every "\n" byte is a line feed (never part of another character), so a
# file in them can be read one line at a time.
_LINE_SAFE_ENCODINGS = ("utf-8", "ascii", "latin-1", "iso8859-", "cp125", "cp437", "cp850", "mac-roman")


def _streams_lines(path: Path, encoding: str) -> bool:
    """Whether a JSON/JSONL file is read as JSON lines, one line at a time (bounded memory):
    a regular file in a line-safe encoding whose first character is not "[" (a JSON list is read whole)."""
    import codecs

    name = codecs.lookup(encoding).name
    if not name.startswith(_LINE_SAFE_ENCODINGS) or not path.is_file():
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False  # read_input_bytes says why
    if b"\x00" in head or head.startswith(b"\xef\xbb\xbf"):
        return False  # refused, or a byte-order mark: read whole as before
    opening = head.decode(encoding, errors="ignore").lstrip()
    return bool(opening) and not opening.startswith("[")


def _streamed_json_lines(path: Path, source: str, encoding: str) -> Iterator[tuple[int, object]]:
    """:func:`_json_lines` of a file read one line at a time, with the same line numbers,
    messages and lone-CR handling as reading it whole (:func:`decode_bytes`); one line may
    hold at most MAX_INPUT_BYTES."""
    line_no = 0
    with open(path, "rb") as handle:
        for physical, raw in enumerate(iter(lambda: handle.readline(MAX_INPUT_BYTES + 1), b""), 1):
            if len(raw) > MAX_INPUT_BYTES:
                raise InputError(f"{source}, line {physical}: more than {MAX_INPUT_BYTES // 1_000_000} MB in one line; split it first.")
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{source}, line {physical}: not {encoding} text; convert the file (e.g. iconv -f cp1252 -t utf-8) "
                    "or name its encoding with --encoding."
                ) from exc
            if "\r" in text:
                text = _LONE_CR.sub("\n", text)  # a lone CR ends a line, as in decode_bytes
            for line in (text[:-1] if text.endswith("\n") else text).split("\n"):
                line_no += 1
                if line.strip():
                    yield line_no, parse_json(line, f"{source}: line {line_no}", "each line must be one JSON object")


class InputWarning(UserWarning):
    """Something in an input was repaired rather than refused (the warning names it)."""


def parse_json(text: str, where: str, hint: str) -> object:
    """``json.loads`` with every failure an InputError naming ``where`` and the line.

    A lone surrogate (a ``\\ud800`` escape without its pair) cannot be written as UTF-8,
    so it becomes U+FFFD with a warning naming the record, instead of failing the run later."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        line = f", line {exc.lineno}" if "\n" in text.strip() else ""
        raise InputError(f"{where}{line}: invalid JSON ({exc.msg}); {hint}.") from exc
    except RecursionError as exc:
        raise InputError(f"{where}: the JSON is nested too deeply to read; {hint}.") from exc
    if _SURROGATE_ESCAPE.search(text):
        repaired = _without_lone_surrogates(value)
        if repaired != value:
            warnings.warn(f"{where}: lone surrogate escapes (\\ud800-\\udfff) replaced by U+FFFD.", InputWarning, stacklevel=2)
            return repaired
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_CR = re.compile("\r(?!\n)")


def _without_lone_surrogates(value: object) -> object:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


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
    _, title = _pick(record, None, TITLE_FIELDS)
    question = record.get("question") if not fields.text else None
    question = None if str(question).strip() in ("", "None") else question
    if text is not None and (not text.strip() or text.strip() == (title or "").strip()):
        text = None  # an empty record, or one holding only its title: nobody's statement
    if text is None and not question:
        if any(name in record for name in ((fields.text,) if fields.text else TEXT_FIELDS)):
            return  # the text field is there but empty: skipped (and counted) by the caller
        raise InputError(
            f"{source}: record {line_no} has no text field (tried {', '.join(TEXT_FIELDS)}); "
            f"fields are: {', '.join(sorted(record))}. Name it with --text-field."
        )
    speaker_name, speaker = _pick(record, fields.speaker, SPEAKER_FIELDS)
    _, date = _pick(record, fields.date, DATE_FIELDS)
    _, url = _pick(record, None, URL_FIELDS)
    record_id = _record_id(record, fields.id, line_no)
    meta = {k: v for k, v in record.items() if isinstance(v, (str, int, float, bool)) and k != text_name}
    # A record's country says whose side its speaker is on only when the record names a
    # speaker (a video address by a country's official), not for a ministry's statement *about* a country.
    side = country_side(str(record.get("country") or "")) if speaker and speaker_name == "speaker" else None
    if speaker_name:
        meta["speaker_field"] = speaker_name  # "spokesperson": the record is from a press conference
    common = dict(source=source, date=date, title=title, url=url, meta=meta)
    if question:
        yield Document(text=str(question), record=f"{record_id}/q", speaker=None, kind="question", **common)
    if text:
        # The record is one speaker's own words when it is a spokesperson's answer or a
        # transcript turn (speaker + turn_index); otherwise it may be an article quoting others.
        own_words = text_name == "answer" or (bool(speaker) and text_name == "text" and "turn_index" in record)
        own_words = own_words or (speaker_name == "speaker" and speaks_in_first_person(speaker, text))
        kind = "turn" if own_words else "text"
        yield Document(text=text, record=record_id, speaker=speaker, kind=kind, side=side, **common)


_BODY_WORDS = re.compile(
    r"\b(?:Office|Service|Ministry|Department|Agency|Press|Kremlin|Government|Council|Committee|Embassy|Mission)\b", re.I
)


def names_one_person(speaker: str) -> bool:
    """'Vladimir Putin (President of Russia)' is one person; 'Office of the President of Ukraine
    (press service)' is a body that reports others' words, and 'A (...); B (...)' is two people."""
    name = speaker.split("(")[0]
    return ";" not in speaker and not _BODY_WORDS.search(name) and 2 <= len(name.split()) <= 5 and name[:1].isupper()


def speaks_in_first_person(speaker: str, text: str) -> bool:
    """A record by one person ('Oleksiy Arestovych (adviser ...)') whose text never names that
    person is the person's own words (a video address); one that does is a report about them."""
    if not names_one_person(speaker):
        return False
    surname = speaker.split("(")[0].split()[-1]
    return len(surname) > 2 and surname[:-1] not in text  # "Zelenskyy" also matches "Zelenskyi"


def _record_id(record: dict, wanted: str | None, line_no: int) -> str:
    _, base = _pick(record, wanted, ID_FIELDS)
    parts = [base] if base else [f"line{line_no}"]
    for sub in ("turn_index", "para_index"):
        if sub in record:
            parts.append(str(record[sub]))
    return ":".join(parts)


# Sides of the states this tool follows, by ISO 3166 alpha-2 and alpha-3 code; any other state is "other_state".
STATE_SIDES = {
    "US": "US", "USA": "US", "KR": "ROK", "KOR": "ROK", "KP": "DPRK", "PRK": "DPRK", "JP": "Japan", "JPN": "Japan",
    "CN": "China", "CHN": "China", "RU": "Russia", "RUS": "Russia", "UA": "Ukraine", "UKR": "Ukraine",
    "SG": "Singapore", "SGP": "Singapore",
}  # fmt: skip


def country_side(code: str) -> str | None:
    """The side of a record's country code ('UA' -> 'Ukraine', 'FR' -> 'other_state'); None if it is no code."""
    code = code.strip().upper()
    if code in STATE_SIDES:
        return STATE_SIDES[code]
    return "other_state" if code in UN_MEMBERS or (len(code) == 2 and code.isalpha()) else None


_UN_DEBATE_FILE = re.compile(r"^(?P<code>[A-Z]{2,3})_(?P<session>\d{1,3})_(?P<year>\d{4})\.txt$")


def un_debate_speaker(file_name: str) -> tuple[str, str, str] | None:
    """A UN General Debate speech file (``<ISO3>_<session>_<year>.txt``, as in the UN General
    Debate Corpus): its delegation, side and year, e.g. ``PRK_77_2022.txt`` ->
    ('Delegation of the Democratic People's Republic of Korea', 'DPRK', '2022')."""
    match = _UN_DEBATE_FILE.match(file_name)
    if not match or match.group("code") not in UN_MEMBERS:
        return None
    code = match.group("code")
    return f"Delegation of {UN_MEMBERS[code]}", country_side(code) or "other_state", match.group("year")


# UN member and observer states (and the EU) by ISO 3166 alpha-3 code, as named in the General Assembly.
UN_MEMBERS = dict(
    line.split(" ", 1)
    for line in """AFG Afghanistan|AGO Angola|ALB Albania|AND Andorra|ARE the United Arab Emirates|ARG Argentina|ARM Armenia
ATG Antigua and Barbuda|AUS Australia|AUT Austria|AZE Azerbaijan|BDI Burundi|BEL Belgium|BEN Benin|BFA Burkina Faso
BGD Bangladesh|BGR Bulgaria|BHR Bahrain|BHS the Bahamas|BIH Bosnia and Herzegovina|BLR Belarus|BLZ Belize|BOL Bolivia
BRA Brazil|BRB Barbados|BRN Brunei Darussalam|BTN Bhutan|BWA Botswana|CAF the Central African Republic|CAN Canada
CHE Switzerland|CHL Chile|CHN China|CIV Côte d'Ivoire|CMR Cameroon|COD the Democratic Republic of the Congo|COG the Congo
COL Colombia|COM Comoros|CPV Cabo Verde|CRI Costa Rica|CUB Cuba|CYP Cyprus|CZE Czechia|DEU Germany|DJI Djibouti
DMA Dominica|DNK Denmark|DOM the Dominican Republic|DZA Algeria|ECU Ecuador|EGY Egypt|ERI Eritrea|ESP Spain|EST Estonia
ETH Ethiopia|EU the European Union|FIN Finland|FJI Fiji|FRA France|FSM Micronesia|GAB Gabon|GBR the United Kingdom
GEO Georgia|GHA Ghana|GIN Guinea|GMB the Gambia|GNB Guinea-Bissau|GNQ Equatorial Guinea|GRC Greece|GRD Grenada
GTM Guatemala|GUY Guyana|HND Honduras|HRV Croatia|HTI Haiti|HUN Hungary|IDN Indonesia|IND India|IRL Ireland|IRN Iran
IRQ Iraq|ISL Iceland|ISR Israel|ITA Italy|JAM Jamaica|JOR Jordan|JPN Japan|KAZ Kazakhstan|KEN Kenya|KGZ Kyrgyzstan
KHM Cambodia|KIR Kiribati|KNA Saint Kitts and Nevis|KOR the Republic of Korea|KWT Kuwait|LAO the Lao People's Democratic Republic
LBN Lebanon|LBR Liberia|LBY Libya|LCA Saint Lucia|LIE Liechtenstein|LKA Sri Lanka|LSO Lesotho|LTU Lithuania
LUX Luxembourg|LVA Latvia|MAR Morocco|MCO Monaco|MDA the Republic of Moldova|MDG Madagascar|MDV Maldives|MEX Mexico
MHL the Marshall Islands|MKD North Macedonia|MLI Mali|MLT Malta|MMR Myanmar|MNE Montenegro|MNG Mongolia|MOZ Mozambique
MRT Mauritania|MUS Mauritius|MWI Malawi|MYS Malaysia|NAM Namibia|NER the Niger|NGA Nigeria|NIC Nicaragua|NLD the Netherlands
NOR Norway|NPL Nepal|NRU Nauru|NZL New Zealand|OMN Oman|PAK Pakistan|PAN Panama|PER Peru|PHL the Philippines|PLW Palau
PNG Papua New Guinea|POL Poland|PRK the Democratic People's Republic of Korea|PRT Portugal|PRY Paraguay|PSE the State of Palestine
QAT Qatar|ROU Romania|RUS the Russian Federation|RWA Rwanda|SAU Saudi Arabia|SDN the Sudan|SEN Senegal|SGP Singapore
SLB Solomon Islands|SLE Sierra Leone|SLV El Salvador|SMR San Marino|SOM Somalia|SRB Serbia|SSD South Sudan
STP Sao Tome and Principe|SUR Suriname|SVK Slovakia|SVN Slovenia|SWE Sweden|SWZ Eswatini|SYC Seychelles|SYR the Syrian Arab Republic
TCD Chad|TGO Togo|THA Thailand|TJK Tajikistan|TKM Turkmenistan|TLS Timor-Leste|TON Tonga|TTO Trinidad and Tobago|TUN Tunisia
TUR Türkiye|TUV Tuvalu|TZA the United Republic of Tanzania|UGA Uganda|UKR Ukraine|URY Uruguay|USA the United States of America
UZB Uzbekistan|VAT the Holy See|VCT Saint Vincent and the Grenadines|VEN Venezuela|VNM Viet Nam|VUT Vanuatu|WSM Samoa
YEM Yemen|ZAF South Africa|ZMB Zambia|ZWE Zimbabwe""".replace("\n", "|").split("|")
)
