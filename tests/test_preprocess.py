"""The text the model reads: boilerplate off, negation scopes marked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.preprocess import mark_negation, mark_negations, prepare_text, prepare_texts


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("We do not condemn anyone.", "We do not neg_condemn neg_anyone."),
        ("We condemn the launch.", "We condemn the launch."),
        ("We don't want to make a big deal of it.", "We don't neg_want neg_to neg_make neg_a neg_big neg_deal neg_of neg_it."),
        ("It is not a threat, but we are watching.", "It is not neg_a neg_threat, but we are watching."),
        ("There will never be talks; we will respond.", "There will never neg_be neg_talks; we will respond."),
        ("No one can stop us.", "No neg_one neg_can neg_stop neg_us."),
        ("We cannot accept this but remain open.", "We cannot neg_accept neg_this but remain open."),
    ],
)
def test_mark_negation(text, marked):
    assert mark_negation(text) == marked


def test_prepare_text_strips_dateline_then_marks():
    assert prepare_text("Pyongyang, May 3 (KCNA) -- We will not tolerate it. -0-") == "We will not neg_tolerate neg_it."
    assert prepare_text("We will not tolerate it.", negation=False) == "We will not tolerate it."
    assert prepare_texts(["a", 1], negation=False, boilerplate=False) == ["a", "1"]


def test_pipeline_and_arrays_prepare_the_same_way(trained_model_dir):
    """The NumPy predictor reproduces the scikit-learn pipeline on negated and datelined text."""
    import numpy as np

    from stance.model import load_model, load_predictor

    texts = ["We do not condemn anyone.", "Pyongyang, May 3 (KCNA) -- We will never talk. -0-", "We are ready to talk."]
    pipelines, arrays = load_model(trained_model_dir), load_predictor(trained_model_dir)
    for target in pipelines.targets:
        assert np.allclose(pipelines.predict_proba(target, texts), arrays.predict_proba(target, texts), atol=1e-9)


def reference_mark_negation(text: str) -> str:
    """The plain form of the marking: one function call per token (what mark_negation must equal)."""
    from stance.preprocess import _CLAUSE_END, _NEGATOR, _TOKEN

    negated = False

    def mark(match):
        nonlocal negated
        token = match.group(0)
        if token in _CLAUSE_END:
            negated = False
            return token
        if _NEGATOR.fullmatch(token):
            negated = True
            return token
        return "neg_" + token if negated else token

    return _TOKEN.sub(mark, text)


NEGATION_CASES = [
    "NOT now, NoThInG; nobody. None! neither nor without CANNOT can’t WON'T",
    "nothİng nothıng wİthout wıthout İt is not",
    "_no -not 'never no_one no-one x-not not-x don’t’ n't 'n't",
    "It is not (really) a threat but a drill, however we are not amused\nnot\tnever",
    "ΝΟΤ (Greek letters) not Not nOT",
    "",
]


@pytest.mark.parametrize("text", NEGATION_CASES)
def test_mark_negation_equals_the_plain_marking(text):
    assert mark_negation(text) == reference_mark_negation(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "not",
                "NOT",
                "no",
                "nothİng",
                "wıthout",
                "don't",
                "can’t",
                "n't",
                "x",
                "İ",
                "but",
                "But",
                ",",
                ".",
                " ",
                "\n",
                "_",
                "-",
                "'",
                "’",
                "é",
                "3",
                "(",
                "“",
            ]
        ),
        max_size=25,
    )
)
def test_mark_negation_equals_the_plain_marking_on_generated_texts(pieces):
    text = "".join(pieces)
    assert mark_negation(text) == reference_mark_negation(text)
    assert mark_negations([text, "no", text]) == [reference_mark_negation(text), "no", reference_mark_negation(text)]


def test_quick_negator_search_misses_no_letter_that_matches_ignoring_case():
    """_MAY_NEGATE spells each negator letter as a class; every character the IGNORECASE
    _NEGATOR takes for that letter must be in it, or a negator would go unmarked."""
    import re
    import sys

    from stance.preprocess import _MAY_NEGATE

    letters = set("notnevernothingnobodynoneneithernorwithoutcannot")
    pattern = _MAY_NEGATE.pattern
    cased = [c for c in map(chr, range(sys.maxunicode + 1)) if c.lower() != c or c.upper() != c]  # only these match ignoring case
    for letter in letters:
        matching = {c for c in cased if re.fullmatch(letter, c, re.IGNORECASE)}
        spelled = next(group for group in re.findall(r"\[[^\]]*\]", pattern) if letter in group and letter.upper() in group)
        assert matching <= set(spelled[1:-1]), letter


def test_prepare_texts_equals_prepare_text_one_by_one():
    texts = [*NEGATION_CASES, "Pyongyang, May 3 (KCNA) -- We will not tolerate it. -0-", 42]
    for negation in (True, False):
        for boilerplate in (True, False):
            expected = [prepare_text(str(t), negation, boilerplate) for t in texts]
            assert prepare_texts(texts, negation, boilerplate) == expected
