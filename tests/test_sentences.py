import pytest

from stance.sentences import paragraph_spans, sentence_spans, split_sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Talks with the U.S. The North refused.", ["Talks with the U.S.", "The North refused."]),
        ("U.S. officials said it. It was 5 p.m. on Monday.", ["U.S. officials said it.", "It was 5 p.m. on Monday."]),
        ("He met John F. Kennedy. Then he left.", ["He met John F. Kennedy.", "Then he left."]),
        ("“We condemn this.” He added: “No more.”", ["“We condemn this.”", "He added: “No more.”"]),
        ("Mr. Kim said no. No. 2 was fired.", ["Mr. Kim said no.", "No. 2 was fired."]),
        ("One line\nSecond line.", ["One line", "Second line."]),
        ("Sen. John F. Kennedy said so. He left.", ["Sen. John F. Kennedy said so.", "He left."]),
        (
            "Rep. Maria Delgado, D-Calif., spoke. Then Gov. Ron Hale did.",
            ["Rep. Maria Delgado, D-Calif., spoke.", "Then Gov. Ron Hale did."],
        ),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_hard_wrapped_lines_join_but_blank_lines_split():
    text = (
        "The administration continues to work\nwith allies in the region to\ndeliver results for the\npeople.\n\n"
        "Next paragraph, also\nwrapped."
    )
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "The administration continues to work\nwith allies in the region to\ndeliver results for the\npeople.",
        "Next paragraph, also\nwrapped.",
    ]


def test_news_lines_without_final_stop_are_paragraphs():
    text = "Headline Without A Stop\nFirst paragraph ends here.\nSecond paragraph."
    assert [text[s:e] for s, e in paragraph_spans(text)] == ["Headline Without A Stop", "First paragraph ends here.", "Second paragraph."]


def test_spans_slice_back_to_sentences():
    text = "  First one.  Second one!   Third?  "
    spans = list(sentence_spans(text))
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one!", "Third?"]


def test_word_before_is_the_regular_expression_search():
    """The loop that finds the word before a period matches what the regular expression found."""
    import random

    from stance.sentences import _WORD_BEFORE, _word_before

    rng = random.Random(1)
    alphabet = "ab.\n _-éX1٣\u00b2 \t"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        end = rng.randint(0, len(text))
        match = _WORD_BEFORE.search(text, max(0, end - 20), end)
        assert _word_before(text, end) == (match.group(1) if match else ""), (text, end)


# --- line_start_matches with openings: the same matches, fewer tries -------------------

import random  # noqa: E402
import re  # noqa: E402

from stance.extract import _CAPITAL_LINE, _NAMED_TURN, _TURN  # noqa: E402
from stance.quotes import _COMMENT_SECTION, _COMMENT_SECTION_OPENING  # noqa: E402
from stance.sentences import line_start_matches  # noqa: E402

_LINE_PIECES = [
    "MR. KIRBY: We will respond.",
    "Q Thank you.",
    "QUESTION: And Korea?",
    "Zhao Lijian: I have no information.",
    "Pavel Zarubin, Rossiya TV: Good evening.",
    "REPLY\nThe ministry said no.",
    "Leave a reply",
    "  12 comments",
    "ſhow comments",  # the long s is an s to an IGNORECASE pattern
    "Show Comments",
    "what do you think?",
    "the talks went on, he said.",
    "",
    " ",
    "\t",
    "“We condemn it,” said Kim.",
    "écrit: rien",
]


def _random_text(rng: random.Random) -> str:
    return "\n".join(rng.choice(_LINE_PIECES) for _ in range(rng.randint(0, 12))) + rng.choice(["", "\n", "\n\n"])


@pytest.mark.parametrize(
    "pattern, openings",
    [(_TURN, _CAPITAL_LINE), (_NAMED_TURN, _CAPITAL_LINE), (_COMMENT_SECTION, _COMMENT_SECTION_OPENING)],
)
def test_line_start_matches_with_openings_finds_the_same_matches(pattern, openings):
    rng = random.Random(17)
    for _ in range(400):
        text = _random_text(rng)
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in line_start_matches(pattern, text)] == expected, text
        assert [m.span() for m in line_start_matches(pattern, text, openings)] == expected, text


def test_line_start_matches_with_openings_skips_line_starts_it_cannot_match():
    text = "a line\nMR. KIRBY: Yes.\nanother: no\nQ Why?"
    found = [m.group("who") for m in line_start_matches(_TURN, text, _CAPITAL_LINE)]
    assert found == ["MR. KIRBY", "Q"]


def test_line_start_matches_with_openings_after_an_empty_match():
    empty_at_line_start = re.compile(r"^(?=A)", re.MULTILINE)
    text = "A\nb\nA\n"
    assert [m.start() for m in line_start_matches(empty_at_line_start, text, re.compile(r"\n(?=A)"))] == [0, 4]


def test_line_breaks_are_the_pattern_s_matches():
    from stance.sentences import _LINE_BREAK, _line_breaks

    rng = random.Random(3)
    pieces = ["a", "b.", " ", "\t", "\r", "\f", "\v", "\n", "\n\n", "\u2003", "\u00a0", "x y"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        expected = [m.span() for m in _LINE_BREAK.finditer(text, start, end)]
        assert [m.span() for m in _line_breaks(text, start, end)] == expected, (text, start, end)


@pytest.mark.parametrize(
    "module, name, original",
    [
        ("stance.sentences", "_BOUNDARY", r"[.!?]+[\"'”’)\]]*(?=\s)"),
        ("stance.quotes", "_BOUNDARY_BACK", r"[.!?][\"'”’)\]]*\s+|\n"),
    ],
)
def test_boundary_patterns_rewritten_for_speed_match_as_written_before(module, name, original):
    import importlib

    fast, slow = getattr(importlib.import_module(module), name), re.compile(original)
    rng = random.Random(8)
    pieces = [".", "!", "?", "...", "\n", " ", "\t", "\u2003", '"', "'", "”", "’", ")", "]", "a", "U.S.", "Mr. Kim"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        start = rng.randint(0, len(text))
        assert [m.span() for m in fast.finditer(text, start)] == [m.span() for m in slow.finditer(text, start)], (text, start)
