"""A keyword-lexicon baseline built from the codebook's definitions.

Phrases are written with underscores for spaces ("no_threat").

It exists to show what the trained model adds over counting the words the
codebook names; it is never used to label data.
"""

from __future__ import annotations

import re

STANCE_WORDS = {
    "condemning": "condemn denounce deplore violation violate violates unlawful illegal provocative provocation destabilizing "
    "reckless aggression aggressive crime criminal urge demand stop must grave_concern oppose irresponsible",
    "downplaying": "routine normal regular no_threat not_a_threat not_pose no_big_deal defensive nothing_to_do_with not_aimed exaggerate hype "
    "usual lower_end not_covered",
    "open_to_dialogue": "dialogue talks negotiation negotiations diplomacy diplomatic engage engagement peaceful restraint "
    "de-escalate resume preconditions meet meeting consultation",
    "reassuring": "commitment committed ironclad alliance allies ally partners partnership defend defense deterrence reaffirm "
    "steadfast continue unwavering solidarity support",
    "threatening": "consequences retaliate retaliation countermeasures punish punishment pay_the_price strike destroy will_face "
    "warn warning resolute response accountable force annihilate",
}
TONE_WORDS = {
    "hostile": "puppet puppets gangster gangsters imperialist imperialists traitor traitors lunatic clique stooge hysteria "
    "hysteric warmonger warmongers scum wretched",
    "firm": "condemn must will_not_tolerate ironclad resolute firmly strongly demand never violation unacceptable",
    "conciliatory": "welcome hope friendship friendly cooperation grateful thank appreciate mutual_respect partnership peace constructive",
}
_WORD = re.compile(r"[\w'-]+")


def _compile(words: dict[str, str]) -> dict[str, list[str]]:
    return {label: [w.replace("_", " ") for w in text.split()] for label, text in words.items()}


LEXICONS = {"stance": _compile(STANCE_WORDS), "tone": _compile(TONE_WORDS)}


def lexicon_predict(texts: list[str], target: str, labels: list[str], fallback: str = "neutral") -> list[str]:
    """For each text, the label whose words occur most often; ``fallback`` when none occurs."""
    lexicon = {label: words for label, words in LEXICONS.get(target, {}).items() if label in labels}
    fallback = fallback if fallback in labels else labels[0]
    predictions = []
    for text in texts:
        tokens = " " + " ".join(_WORD.findall(text.lower())) + " "
        scores = {label: sum(tokens.count(f" {w} ") for w in words) for label, words in lexicon.items()}
        best = max(scores, key=scores.get) if scores else None
        predictions.append(best if best and scores[best] > 0 else fallback)
    return predictions
