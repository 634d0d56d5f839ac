"""The vectorised n-gram search finds exactly the n-grams scikit-learn's analyzers count."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stance.ngrams
from stance.arrays import FeatureSet, _vectorizer_spec
from stance.features import WORD_TOKEN_PATTERN
from stance.labels import load_labels
from stance.ngrams import _LAST_SPACE, CharCodes, Trie, is_space, joined_with_breaks

sys.path.insert(0, str(Path(__file__).parent))
from test_arrays import HOSTILE, TRICKY  # noqa: E402

SAMPLE = Path(__file__).parent / "data" / "labels_sample.csv"


def test_whitespace_table_covers_every_whitespace_character():
    spaces = [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert max(spaces) <= _LAST_SPACE
    points = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    assert np.flatnonzero(is_space(points)).tolist() == spaces


def test_char_codes_give_zero_to_characters_outside_the_alphabet():
    codes = CharCodes(" ab’")
    assert codes.of("ab’ ").tolist() == [2, 3, 4, 1]
    assert codes.of("c😀\x00é").tolist() == [0, 0, 0, 0]


def test_joined_with_breaks_keeps_one_break_per_text():
    assert joined_with_breaks(["a", "", "b"]) == "a\x00\x00b\x00"
    assert joined_with_breaks(["a\x00b", "c"]) == "a\x01b\x00c\x00"


def test_trie_search_finds_every_occurrence():
    terms = [[1], [1, 2], [2, 3, 1], [3]]
    trie = Trie(np.array([c for t in terms for c in t]), np.array([len(t) for t in terms]), np.array([10, 11, 12, 13]), size=4)
    sequence = np.array([1, 2, 3, 1, 0, 3, 1, 2, 0, 0, 0])
    found = sorted(zip(*(a.tolist() for a in trie.search(sequence, 1, 3)), strict=True))
    assert found == [(0, 10), (0, 11), (1, 12), (2, 13), (3, 10), (5, 13), (6, 10), (6, 11)]
    assert sorted(zip(*(a.tolist() for a in trie.search(sequence, 2, 3)), strict=True)) == [(0, 11), (1, 12), (6, 11)]


def vectorizer_cases():
    return [
        ("word", (1, 1)),
        ("word", (1, 2)),
        ("word", (2, 3)),
        ("char_wb", (1, 2)),
        ("char_wb", (2, 5)),
        ("char_wb", (3, 4)),
        ("char_wb", (5, 7)),  # words of one to three characters are shorter than every n-gram: counted whole
    ]


def fitted_feature_set(analyzer: str, ngram_range: tuple[int, int], texts: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    options = {"token_pattern": WORD_TOKEN_PATTERN} if analyzer == "word" else {}
    vectorizer = TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range, sublinear_tf=True, dtype=np.float64, **options)
    vectorizer.fit(texts)
    spec, idf = _vectorizer_spec(vectorizer)
    vocabulary = {term: i for i, term in enumerate(spec["vocabulary"])}
    features = FeatureSet(analyzer, ngram_range, True, spec["token_pattern"], True, "l2", vocabulary, idf)
    return vectorizer, features


def assert_same_matrix(vectorizer, features, texts):
    expected = vectorizer.transform(texts).tocoo()
    rows, columns, values = features.transform(texts)
    got = dict(zip(zip(rows.tolist(), columns.tolist(), strict=True), values.tolist(), strict=True))
    want = dict(zip(zip(expected.row.tolist(), expected.col.tolist(), strict=True), expected.data.tolist(), strict=True))
    assert got.keys() == want.keys()
    assert all(abs(got[key] - want[key]) < 1e-12 for key in want)


@pytest.mark.parametrize("dense_limit", [stance.ngrams.DENSE_LIMIT, 16], ids=["tables", "sorted-search"])
@pytest.mark.parametrize(("analyzer", "ngram_range"), vectorizer_cases())
def test_transform_equals_scikit_learn(analyzer, ngram_range, dense_limit, monkeypatch):
    monkeypatch.setattr(stance.ngrams, "DENSE_LIMIT", dense_limit)
    texts = load_labels([SAMPLE])["text"].tolist() + TRICKY + HOSTILE
    vectorizer, features = fitted_feature_set(analyzer, ngram_range, texts)
    assert_same_matrix(vectorizer, features, texts)
    assert_same_matrix(vectorizer, features, [t.upper() + " " + t[::-1] for t in texts])  # other n-grams, unseen ones


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.sampled_from(list("abcAB ’'-_\t\n\x00\u00a0İıΣσ1😀.,")), max_size=30), min_size=1, max_size=6))
def test_transform_equals_scikit_learn_on_generated_texts(texts):
    for analyzer, ngram_range in [("word", (1, 2)), ("char_wb", (1, 3)), ("char_wb", (3, 4))]:
        vectorizer, features = fitted_feature_set(analyzer, ngram_range, _VOCABULARY_TEXTS)
        assert_same_matrix(vectorizer, features, texts)


_VOCABULARY_TEXTS = ["ab abc a b", "ab’c a-b a_b A B", "σας ΣΑΣ ıi", "1 12 a1 😀a", "ab. ab, ab", "ba ab"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab_1’'- .\x00İé😀")), max_size=40))
def test_quicker_token_pattern_finds_the_same_tokens(text):
    import re

    from stance.arrays import _WORD_TOKENS

    assert re.findall(_WORD_TOKENS, text) == re.findall(WORD_TOKEN_PATTERN, text)
