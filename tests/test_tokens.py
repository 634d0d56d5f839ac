"""Tokens found with NumPy from code points are exactly the regular expressions' tokens."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stance.tokens
from stance.arrays import _WORD_TOKENS, KNOWN_WORD_PATTERN
from stance.features import WORD_TOKEN_PATTERN
from stance.tokens import WordTable, joined_points, letter_word_spans, points_of, word_token_spans

# Word characters of other scripts, digits that are and are not decimal (٣ is, ² is not),
# underscore, the joiners, a combining mark (no word character), astral letters and emoji,
# NUL, every kind of line break.
ALPHABET = list("ab_1٣²’'- .,\x00\n\r\t\u2028é\u0307😀𝐀北ßſK")
TEXTS = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)


def spans_as_strings(text: str, spans) -> list[str]:
    return [text[start:end] for start, end in zip(*(a.tolist() for a in spans), strict=True)]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_word_tokens_equal_scikit_learn_token_pattern(text):
    found = spans_as_strings(text, word_token_spans(points_of(text)))
    assert found == re.findall(_WORD_TOKENS, text) == re.findall(WORD_TOKEN_PATTERN, text)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_letter_words_equal_the_known_word_pattern(text):
    assert spans_as_strings(text, letter_word_spans(points_of(text))) == re.findall(KNOWN_WORD_PATTERN, text)


def test_no_tokens_in_text_without_word_characters():
    for spans in (word_token_spans(points_of("- ' ’ ... \u0307 ¿")), letter_word_spans(points_of("12 _3 ٣"))):
        assert spans[0].tolist() == spans[1].tolist() == []


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=5), st.lists(TEXTS.filter(bool), max_size=8, unique=True))
def test_word_table_finds_exactly_the_words_it_holds(texts, words):
    table = WordTable(words)
    assert table.usable
    points, _ = joined_points(texts, lowercase=False)
    joined = "\n".join(texts)
    starts, ends = word_token_spans(points)
    expected = [words.index(token) + 1 if token in words else 0 for token in spans_as_strings(joined, (starts, ends))]
    assert table.ids(points, starts, ends).tolist() == expected


def test_a_hash_collision_never_passes_one_word_for_another(monkeypatch):
    """With base 1 the hash is the sum of the code points: anagrams collide, and the character
    check must tell them apart; a vocabulary whose words collide is refused (not usable)."""
    monkeypatch.setattr(stance.tokens, "_BASE", np.uint64(1))
    monkeypatch.setattr(stance.tokens, "_INVERSE", np.uint64(1))
    monkeypatch.setattr(stance.tokens, "_powers", [np.ones(1, dtype=np.uint64)] * 2)
    table = WordTable(["ab", "xy"])
    points = points_of("ba ab yx xy")
    starts, ends = word_token_spans(points)
    assert table.ids(points, starts, ends).tolist() == [0, 1, 0, 2]
    assert not WordTable(["ab", "ba"]).usable


@pytest.mark.parametrize("text", ["İstanbul", "a\nİ"])
def test_joined_points_refuse_a_lowercasing_that_changes_the_length(text):
    assert joined_points(["plain", text], lowercase=True) is None
    points, starts = joined_points(["plain", text], lowercase=False)
    assert starts.tolist() == [0, 6] and len(points) == 6 + len(text)


def test_joined_points_lowercase_and_mark_where_each_text_starts():
    points, starts = joined_points(["AB", "", "ΣΑΣ c"], lowercase=True)
    assert "".join(map(chr, points.tolist())) == "ab\n\nσας c"  # final sigma as str.lower gives it
    assert starts.tolist() == [0, 3, 4]
