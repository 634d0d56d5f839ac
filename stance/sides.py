"""Infer a speaker's side (US, ROK, DPRK, China, ...) from words stated in the text.

Only titles, affiliations and source names are used ("U.S. Secretary of State",
"a senior South Korean military official", "(KCNA)", a whitehouse.gov address),
never a list of famous people: a speaker known only by name stays ``unknown``.
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
        r"think[- ]tank|institute|universit|professor|\bexpert|analyst|research|\bfellow\b|center for|centre for|scholar|watchers?\b",
    ),
    ("UN", r"United Nations|\bU\.?N\.?\b(?! Security Council resolutions)|Secretary[- ]General|Security Council\b(?! resolution)"),
    ("DPRK", r"North Korea|\bDPRK\b|Pyongyang|\bKCNA\b|Workers'? Party|Rodong|kcna\.kp"),
    ("ROK", r"South Korea|\bROK\b|Seoul|Republic of Korea|Blue House|Yonhap"),
    (
        "US",
        r"\bU\.\s?S\.?(?=\W|$)|\bUS\b|United States|America|White House|State Department|Department of State|Pentagon|"
        r"Department of Defense|\bNSC\b|Indo-Pacific Command|whitehouse\.|\bstate\.gov|Office of the Spokesperson|Washington",
    ),
    ("Japan", r"Japan|Tokyo"),
    ("China", r"China|Chinese|Beijing|\bPRC\b|Xinhua|fmprc\.gov\.cn"),
    ("Russia", r"Russia|Moscow|Kremlin"),
    ("Singapore", r"Singapore|mfa\.gov\.sg"),
    ("other_state", r"\b(?:minist(?:er|ry)|government|ambassador|president|prime minister|foreign office|embassy|envoy)\b"),
)
_COMPILED = tuple((side, re.compile(pattern, re.IGNORECASE)) for side, pattern in SIDE_PATTERNS)
_CASE_SENSITIVE = {"US", "UN", "ROK", "DPRK", "PRC", "NSC"}


def infer_side(*descriptions: str | None) -> str | None:
    """Return the side named by the first description that names one, else None.

    Within a description an analyst affiliation wins, then the state named
    earliest ("the U.S. envoy for North Korea" is US), then a generic title.
    """
    found = [side for side in map(_side_of, filter(None, descriptions)) if side]
    specific = [side for side in found if side != "other_state"]
    return (specific or found or [None])[0]


@lru_cache(maxsize=4096)
def _side_of(description: str) -> str | None:
    found: list[tuple[int, int, str]] = []
    for rank, (side, pattern) in enumerate(_COMPILED):
        for match in pattern.finditer(description):
            word = match.group(0)
            if word.upper() in _CASE_SENSITIVE and word != word.upper():
                continue  # "us" the pronoun is not the United States
            found.append((rank if side in ("analyst", "other_state") else 1, match.start(), side))
            break
    if not found:
        return None
    analyst = [f for f in found if f[2] == "analyst"]
    if analyst:
        return "analyst"
    states = [f for f in found if f[2] != "other_state"]
    return min(states or found, key=lambda f: f[1])[2]
