"""Property-based tests: the splitter never crashes and its offsets always slice back."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance.extract import ExtractOptions, statements_of
from stance.sentences import sentence_spans
from stance.sources import Document

PIECES = st.sampled_from(
    [
        "“",
        "”",
        "‘",
        "’",
        '"',
        "'",
        "(",
        ")",
        ".",
        ",",
        ":",
        "?",
        "!",
        "\n",
        "\n\n",
        " ",
        "  ",
        "\xa0",
        "—",
        "said",
        "he said",
        "the official said",
        "told reporters",
        "according to",
        "Kirby",
        "U.S.",
        "Mr.",
        "MR. KIRBY:",
        "Q ",
        "We",
        "will",
        "never",
        "Korea’s",
        "it’s",
        "(KCNA) --",
        "Leave a Reply",
        "é",
        "😀",
        "\u200b",
        "\x00",
    ]
)
TEXTS = st.one_of(st.lists(PIECES, max_size=60).map("".join), st.text(max_size=300))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_extraction_never_crashes_and_offsets_slice_back(text):
    for mode in ("auto", "quotes", "sentences", "transcript"):
        for statement in statements_of(Document(text=text, source="h"), ExtractOptions(mode=mode, include_unattributed=True)):
            assert statement.text
            assert 0 <= statement.start <= statement.end <= len(text)
            assert " ".join(text[s:e] for s, e in statement.fragments) == statement.text
            assert all(statement.start <= s <= e <= statement.end for s, e in statement.fragments)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_sentence_spans_are_ordered_and_trimmed(text):
    previous = 0
    for start, end in sentence_spans(text):
        assert previous <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous = end


def test_very_long_document_is_handled():
    text = ("“We will continue,” the official said. " * 3000) + "“Unclosed quote " * 500
    statements = list(statements_of(Document(text=text, source="long")))
    assert sum(s.text == "We will continue" for s in statements) == 3000
