"""Infer a speaker's side (US, ROK, DPRK, China, Ukraine, ...) from words stated in the text.

Only titles, affiliations and source names are used ("U.S. Secretary of State",
"a senior South Korean military official", "(KCNA)", a whitehouse.gov address),
never a list of famous people: a speaker known only by name stays ``unknown``. The one
exception is :data:`OFFICE_HOLDERS`, a publisher's own government (from its published
cabinet list), used only to tell that publisher's people from its guests on a stage the
publisher's own transcript describes.
News outlets and reporters are ``press`` (:func:`is_press`), never a government.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Checked in order: the first side whose pattern matches the description wins.
# Analysts come first so "director of the Center for North Korean Studies" is
# an analyst, not North Korea.
SIDE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "analyst",
        r"think[- ]tank|institute|universit|professor|\bexpert|analyst|research|\bfellow\b|center for|centre for|scholar|watchers?\b|"
        r"report['’]s authors?",
    ),
    (
        "UN",
        r"United Nations|\bU\.?N\.?\b(?! Security Council resolutions)|Secretary[- ]General|Security Council\b(?! resolution)|"
        r"World Food Programme|UNICEF|UNHCR|World Health Organization|\bIAEA\b|UNESCO|Human Rights Council|High Commissioner",
    ),
    ("DPRK", r"North Korea|\bDPRK\b|Pyongyang|\bKCNA\b|Workers['’]? Party|Rodong|kcna\.kp|Democratic People['’]s Republic of Korea"),
    ("ROK", r"South Korea|\bROK\b|Seoul|(?<!People's )(?<!People’s )Republic of Korea|Blue House|Yonhap"),
    (
        "US",
        r"\bU\.\s?S\.?(?=\W|$)|\bUS\b|United States|America|White House|State Department|Department of State|Pentagon|"
        r"Department of Defense|\bNSC\b|Indo-Pacific Command|whitehouse\.|\bstate\.gov|Office of the Spokesperson|Washington|"
        r"\bSecretary of State\b(?! for)|(?:^|[/_])wh[_-]|"  # a White House corpus's file name ("wh_turns.jsonl", "obama_wh_turns")
        r"\b[DR]-(?:[A-Z][a-z]{1,5}\.|[A-Z]\.[A-Z]\.|[A-Z]{2}\b)|\b(?:Sen|Rep)\.\s|"  # "Rep. Maria Delgado, D-Calif."
        r"\b(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|Illinois|Indiana|"
        r"Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|"
        r"Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|"
        r"Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|West Virginia|"
        r"Wisconsin|Wyoming)\b",
    ),
    ("Japan", r"Japan|Tokyo"),
    ("China", r"China|Chinese|Beijing|\bPRC\b|Xinhua|fmprc\.gov\.cn"),
    ("Russia", r"Russia|Moscow|Kremlin"),
    ("Ukraine", r"Ukrain|Kyiv|Kiev|president\.gov\.ua"),
    ("Singapore", r"Singapore|mfa\.gov\.sg"),
    ("other_state", r"\b(?:minist(?:er|ry)|government|ambassador|president|prime minister|foreign office|embassy|envoy)\b"),
)


def _state_names() -> str:
    """Every UN member state's short name ('France', 'Iran', 'Australia'): a state this tool
    does not follow by name is still a state (other_state), never nobody."""
    from stance.sources import UN_MEMBERS

    names = {re.sub(r"^the ", "", name).split(" (")[0] for name in UN_MEMBERS.values()}
    return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))


_COMPILED = tuple((side, re.compile(pattern, re.IGNORECASE)) for side, pattern in SIDE_PATTERNS) + (
    ("other_state", re.compile(rf"\b(?:{_state_names()})\b")),
)
_CASE_SENSITIVE = {"US", "UN", "ROK", "DPRK", "PRC", "NSC"}


# News outlets: agencies, papers, broadcasters. A reporter's question and an outlet's report are the press's.
_PRESS = re.compile(
    r"^(?:the\s+)?(?:Reuters|AFP|AP|Associated Press|Agence France[- ]Presse|Bloomberg|CNN|BBC|NHK|Kyodo|Yonhap|Xinhua|CCTV|CGTN|"
    r"CRI|CNR|CNS|China Daily|Global Times|People's Daily|Phoenix|TASS|RIA|Sputnik|PTI|SCMP|South China Morning Post|Nikkei|"
    r"TBS|MBC|KBS|SBS|NBC|CBS|ABC|Fox|Al Jazeera|Asahi|Yomiuri|Mainichi|NPR|EFE|DPA|ANSA|Interfax|Izvestia|Kommersant|Rossiya|"
    r"Bernama|Antara|ANI|WION|Ukrinform|Prensa Latina|Anadolu|Caixin|Politico|Axios|Dow Jones|New York Times|Washington Post|"
    r"Wall Street Journal|Financial Times|Guardian|Hong Kong Commercial Daily|Ta Kung Pao|Wen Wei Po|Shenzhen TV|Dragon TV|"
    r"Beijing Youth Daily|The Paper|FSN|RT)\b"
    r"|\b(?:TV|Television|Channel|Radio|News|Newspaper|Daily|Times|Post|Journal|News Agency|Broadcasting|Network|Herald|"
    r"Tribune|Gazette|Magazine|Shimbun|Ilbo|Monthly|Weekly|Mail|Telegraaf|Corporation|Review|Observer|Australian|Press|"
    r"correspondent|reporter|journalist)(?:\s+channel)?\.?$|^Voice of\b",
    re.I,
)


@lru_cache(maxsize=4096)
def is_press(name: str | None) -> bool:
    """Whether ``name`` is a news outlet or a reporter ('CCTV', 'Rossiya TV channel', 'a reporter')."""
    if not name:
        return False
    name = name.strip(" .,")
    return bool(_PRESS.search(name)) and not _GOVERNMENT_WORDS.search(name)


_GOVERNMENT_WORDS = re.compile(r"\b(?:Secretary|Minist\w+|President|Spokes\w+|Office|Department|Council)\b", re.I)


def infer_side(*descriptions: str | None) -> str | None:
    """Return the side named by the first description that names one, else None.

    Within a description an analyst affiliation wins, then the state named
    earliest ("the U.S. envoy for North Korea" is US), then a generic title.
    """
    found = [side for side in map(_side_of, filter(None, descriptions)) if side]
    specific = [side for side in found if side != "other_state"]
    return (specific or found or [None])[0]


def names_a_state(description: str) -> bool:
    """Whether ``description`` names a state (not only a title such as 'president')."""
    return any(side not in ("analyst", "other_state") for side, _ in _COMPILED[:-2] if _side_of(description) == side) or bool(
        _COMPILED[-1][1].search(description)
    )


_FORMER = re.compile(r"\bformer\s+(?:[\w.-]+\s+){0,3}$", re.I)


@lru_cache(maxsize=4096)
def _side_of(description: str) -> str | None:
    found: list[tuple[int, int, str]] = []
    for rank, (side, pattern) in enumerate(_COMPILED):
        for match in pattern.finditer(description):
            word = match.group(0)
            if word.upper() in _CASE_SENSITIVE and word != word.upper():
                continue  # "us" the pronoun is not the United States
            if side != "analyst" and _FORMER.search(description, max(0, match.start() - 40), match.start()):
                continue  # "a former White House official" no longer speaks for it
            found.append((rank if side in ("analyst", "other_state") else 1, match.start(), side))
            break
    if not found:
        return None
    analyst = [f for f in found if f[2] == "analyst"]
    if analyst:
        return "analyst"
    states = [f for f in found if f[2] != "other_state"]
    return min(states or found, key=lambda f: f[1])[2]


_COUNTRY_AFTER = re.compile(
    r"(?:\s+(?!And\b|The\b|Or\b|At\b|In\b)[A-Z][\w'’-]+){0,2}\s+of\s+(?:the\s+)?(?P<country>[A-Z][\w'’-]+(?:\s+(?:of\s+)?[A-Z][\w'’-]+){0,3})"
)
_ADJECTIVE_BEFORE = re.compile(
    r"(?<![\w-])(?P<adjective>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)[ \t]+(?:President|Prime Minister|Chancellor|Premier|King|Queen|Emir|"
    r"(?:Foreign|Defen[cs]e|Deputy|Vice)[ \t]+Minister|Minister|Ambassador|Secretary)(?:[ \t]+[A-Z][\w.'’-]+){0,3}[ \t]+$"
)
_OFFICE_OF_BEFORE = re.compile(
    r"(?:President|Prime Minister|Chancellor|Premier|King|Emir|(?:Foreign|Defen[cs]e)\s+Minister|Minister)\s+of\s+(?:the\s+)?"
    r"(?P<country>[A-Z][\w'’-]+(?:\s+(?:of\s+)?[A-Z][\w'’-]+){0,3}?)\s+(?:[A-Z][\w.'’-]+\s+){0,2}$"
)
_TITLE_APPOSITION = re.compile(
    r",\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}(?:minister|president|secretary|ambassador|spokes\w+|chairman|premier|envoy|governor|leader)"
    r"\s+of\s+(?P<state>(?:the\s+)?[A-Z][^,.;:\n]{2,60})"
)
_NATIONALITY = re.compile(r"(?:an|ese|ish|ian|i|ch|ic)$")


@lru_cache(maxsize=1024)
def side_named_with(name: str, text: str, title: str | None = None) -> str | None:
    """The side of the country a document names with ``name``'s surname: 'Prime Minister Kishida
    of Japan', 'German Foreign Minister Annalena Baerbock', 'President of Belarus Alexander
    Lukashenko'; None if it names none."""
    words = [w for w in re.split(r"[\s,]+", name) if w]
    if not words or not words[-1][:1].isupper() or words[-1].lower() in {"president", "minister", "official", "secretary"}:
        return None
    surname = words[-1].title() if words[-1].isupper() else words[-1]
    for haystack in (title or "", text):
        side = _side_near(surname, haystack)
        if side:
            return side
    return None


def _side_near(surname: str, haystack: str) -> str | None:
    at = haystack.find(surname)
    while at >= 0:
        end = at + len(surname)
        if (at > 0 and haystack[at - 1].isalnum()) or (end < len(haystack) and haystack[end].isalnum()):
            at = haystack.find(surname, end)
            continue
        match = _Span(at, end)
        after = _COUNTRY_AFTER.match(haystack, end)
        if after and infer_side(after.group("country")):
            return infer_side(after.group("country"))
        apposition = _TITLE_APPOSITION.match(haystack, end)
        if apposition and names_a_state(apposition.group("state")):
            return infer_side(apposition.group("state"))  # "Sergei Lavrov, foreign minister of the Russian Federation"
        office = _OFFICE_OF_BEFORE.search(haystack, max(0, match.start() - 80), match.start())
        if office and infer_side(office.group("country")):  # "Minister of Defence Sergei Shoigu" names no state
            return infer_side(office.group("country"))
        before = _ADJECTIVE_BEFORE.search(haystack, max(0, match.start() - 80), match.start())
        if before:
            side = infer_side(before.group("adjective"))
            if side and side != "other_state":
                return side
            if _NATIONALITY.search(before.group("adjective").split()[-1]):
                return "other_state"
        at = haystack.find(surname, end)
    return None


class _Span:
    """Where a surname stands in a text (the start and end a regular-expression match would give)."""

    __slots__ = ("_start", "_end")

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


# --- the publisher's own office holders ---------------------------------------
#
# A transcript a foreign ministry publishes of a joint press conference labels every minister
# the same way ("Minister Penny Wong:", "Minister Ng Eng Hen:") and never says whose minister
# each is. For the publishers of the shared corpora whose transcripts do that, this lists the
# members of their own government in the corpus's years, from the government's published
# list: Singapore's Cabinet and the Ministry of Foreign Affairs' political office holders,
# 2020-2024 (Prime Minister's Office, "The Cabinet", pmo.gov.sg/The-Cabinet, and
# mfa.gov.sg "Our Ministers"; ministers who served in those years, including those who left).
# It is used only to tell the publisher's people from their guests, never to place anyone
# in a document another publisher writes.
OFFICE_HOLDERS: dict[str, frozenset[str]] = {
    "Singapore": frozenset(
        """Lee Hsien Loong|Lawrence Wong|Heng Swee Keat|Teo Chee Hean|Tharman Shanmugaratnam|Gan Kim Yong|Vivian Balakrishnan|
        Ng Eng Hen|K Shanmugam|Chan Chun Sing|Ong Ye Kung|Grace Fu|Josephine Teo|Masagos Zulkifli|Desmond Lee|Indranee Rajah|
        Edwin Tong|Tan See Leng|Maliki Osman|Mohamad Maliki Osman|S Iswaran|Chee Hong Tat|Halimah Yacob|Sim Ann|
        Zaqy Mohamad|Heng Chee How|Gan Siow Huang|Rahayu Mahzam|Low Yen Ling|Tan Kiat How|Alvin Tan|Janil Puthucheary|
        Koh Poh Koon|Sun Xueling|Faishal Ibrahim|Amy Khor|Tan Chuan-Jin|Seah Kian Peng""".replace("\n", "").split("|")
    ),
}


def _name_key(name: str) -> str:
    """'Dr Vivian Balakrishnan', 'VIVIAN BALAKRISHNAN' -> 'vivian balakrishnan'."""
    words = re.sub(r"[^\w\s-]", " ", name).lower().split()
    while words and words[0] in _HONORIFICS:
        words.pop(0)
    return " ".join(w for w in words if w not in {"bin", "binte", "s/o", "d/o"})


_HONORIFICS = {"mr", "ms", "mrs", "dr", "minister", "prime", "deputy", "senior", "president", "madam", "prof", "professor"}
_KEYS = {side: frozenset(_name_key(n.strip()) for n in names) for side, names in OFFICE_HOLDERS.items()}


def office_holder_side(name: str | None, publisher: str | None) -> str | None:
    """``publisher`` when ``name`` is one of that publisher's own office holders (see
    :data:`OFFICE_HOLDERS`); None otherwise, and for a publisher without a list."""
    keys = _KEYS.get(publisher or "")
    return publisher if keys and name and _name_key(name) in keys else None


def has_office_holders(publisher: str | None) -> bool:
    return (publisher or "") in _KEYS


def side_besides(description: str, side: str) -> str | None:
    """The side ``description`` names once ``side``'s own names are taken out of it:
    'Singapore-Australia Joint Ministerial Committee in Canberra, Australia' besides
    Singapore is other_state; None if it names no other."""
    pattern = dict(_COMPILED[:-1]).get(side)
    rest = pattern.sub(" ", description) if pattern else description
    found = infer_side(rest)
    return found if found != side else None
