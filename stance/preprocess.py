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

from stance.boilerplate import strip_boilerplate

NEGATION_PREFIX = "neg_"
_TOKEN = re.compile(r"[^\W_][\w'’-]*|[.,;:!?()\[\]\"“”]")
_NEGATOR = re.compile(r"(?:not|no|never|nothing|nobody|none|neither|nor|without|cannot|\w+n['’]t)", re.IGNORECASE)
# A clause ends at punctuation or at a contrasting conjunction.
_CLAUSE_END = frozenset('.,;:!?()[]"“”') | {"but", "But", "BUT", "however", "However"}


def mark_negation(text: str) -> str:
    """``text`` with ``neg_`` before each word in the scope of a negator."""
    negated = False

    def mark(match: re.Match[str]) -> str:
        nonlocal negated
        token = match.group(0)
        if token in _CLAUSE_END:
            negated = False
            return token
        if _NEGATOR.fullmatch(token):
            negated = True
            return token
        return NEGATION_PREFIX + token if negated else token

    return _TOKEN.sub(mark, text)


def prepare_text(text: str, negation: bool = True, boilerplate: bool = True) -> str:
    """The form of ``text`` that features are computed from."""
    if boilerplate:
        text = strip_boilerplate(text)
    return mark_negation(text) if negation else text


def prepare_texts(texts, negation: bool = True, boilerplate: bool = True) -> list[str]:
    if not negation and not boilerplate:
        return [str(t) for t in texts]
    return [prepare_text(str(t), negation, boilerplate) for t in texts]
