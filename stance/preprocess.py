"""What the model reads: the statement without source boilerplate, with negation scopes marked.

Both steps run before the TF-IDF features, in training and in prediction alike (the
scikit-learn pipeline and the NumPy arrays predictor call the same function):

* source boilerplate ("Pyongyang, May 3 (KCNA) --", "-0-") is cut off, so an
  agency's dateline cannot pass for a stance (:mod:`stance.boilerplate`);
* every word between a negator ("not", "never", "no", "don't") and the end of its
  clause gets the prefix ``neg_``, so "We do not condemn anyone" no longer shares its
  word features with "We condemn" (Das & Chen 2001; Pang, Lee & Vaithyanathan 2002).

This module imports nothing heavy: prediction must stay free of scikit-learn.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, product

from stance.boilerplate import strip_boilerplate, strip_boilerplate_all

NEGATION_PREFIX = "neg_"
_TOKEN = re.compile(r"[^\W_][\w'’-]*|[.,;:!?()\[\]\"“”]")
NEGATOR_WORDS = ("not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "cannot")
_NEGATOR = re.compile(rf"(?:{'|'.join(NEGATOR_WORDS)}|\w+n['’]t)", re.IGNORECASE)
# What a negator token gives when lowercased: a negator word with each "i" as i, ı or i̇ (İ
# lowercased), or a word ending in n't. A text none of whose lowercased words is one of these
# has no negator (the arrays predictor uses this to skip texts without a search of its own).
LOWERED_NEGATORS = frozenset(
    "".join(spelling) for word in NEGATOR_WORDS for spelling in product(*[("i", "ı", "i̇") if c == "i" else (c,) for c in word])
)
LOWERED_NEGATOR_ENDINGS = ("n't", "n’t")
# A clause ends at punctuation or at a contrasting conjunction.
_CLAUSE_END = frozenset('.,;:!?()[]"“”') | {"but", "But", "BUT", "however", "However"}
# A quick test that finds every token _NEGATOR matches (and seldom anything else): each
# negator's letters in either case (and the two dotted/dotless i that match "i" ignoring
# case), starting where no letter or digit comes before and ending where a token ends.
_I = "[iIıİ]"
_ENDS = r"(?![\w'’-])"
_MAY_NEGATE = re.compile(
    rf"[nN](?<![^\W_].)(?:[oO](?:[tT](?:[hH]{_I}[nN][gG])?|[bB][oO][dD][yY]|[nN][eE]|[rR])?|[eE](?:[vV][eE][rR]|{_I}[tT][hH][eE][rR])){_ENDS}"
    rf"|[wW](?<![^\W_].){_I}[tT][hH][oO][uU][tT]{_ENDS}|[cC](?<![^\W_].)[aA][nN][nN][oO][tT]{_ENDS}|[nN]['’][tT]{_ENDS}"
)
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")  # gaps and tokens alternate: gap, token, gap, ..., gap
_NEGATOR_CACHE_SIZE = 100_000
_is_negator: dict[str, bool] = {}  # token -> whether _NEGATOR matches all of it (a bounded cache)


def mark_negation(text: str) -> str:
    """``text`` with ``neg_`` before each word in the scope of a negator.

    Most statements hold no negator and come back unchanged after one quick search. In
    the others, tokens are looked up in a cache of negators (no regular expression per
    token) and the text is rebuilt from its tokens and the gaps between them, which is
    what ``_TOKEN.sub`` with a function per token would give, only faster."""
    return mark_negation_scopes(text) if _MAY_NEGATE.search(text) else text


def mark_negation_scopes(text: str) -> str:
    """:func:`mark_negation` without the quick search (for a text already known to need the full pass)."""
    parts = _TOKEN_SPLIT.split(text)
    tokens = parts[1::2]
    flags = list(map(_is_negator.get, tokens))
    if None in flags:
        flags = [_negator(token) if flag is None else flag for token, flag in zip(tokens, flags, strict=True)]
    if True not in flags:
        return text
    first = flags.index(True)  # nothing before the first negator changes
    negated = False
    for index, token, is_negator in zip(range(2 * first + 1, len(parts), 2), tokens[first:], flags[first:], strict=True):
        if token in _CLAUSE_END:
            negated = False
        elif is_negator:
            negated = True
        elif negated:
            parts[index] = NEGATION_PREFIX + token
    return "".join(parts)


def _negator(token: str) -> bool:
    if len(_is_negator) >= _NEGATOR_CACHE_SIZE:
        _is_negator.clear()
    found = _is_negator[token] = _NEGATOR.fullmatch(token) is not None
    return found


def prepare_text(text: str, negation: bool = True, boilerplate: bool = True) -> str:
    """The form of ``text`` that features are computed from."""
    if boilerplate:
        text = strip_boilerplate(text)
    return mark_negation(text) if negation else text


def mark_negations(texts: list[str]) -> list[str]:
    """:func:`mark_negation` of every text, with one search through all of them for the
    few that may hold a negator (the others come back as they are)."""
    starts = [0, *accumulate(len(text) + 1 for text in texts)]  # each text and its newline
    joined = "\n".join(texts)  # a newline stands where a text starts or ends
    candidates = {bisect_right(starts, match.start()) - 1 for match in _MAY_NEGATE.finditer(joined)}
    marked = list(texts)
    for index in candidates:
        marked[index] = mark_negation_scopes(texts[index])
    return marked


def prepare_texts(texts, negation: bool = True, boilerplate: bool = True) -> list[str]:
    """:func:`prepare_text` of every text (the same result, faster for many texts)."""
    texts = [str(t) for t in texts]
    if boilerplate:
        texts = strip_boilerplate_all(texts)
    return mark_negations(texts) if negation else texts
