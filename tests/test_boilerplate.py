"""Source boilerplate is cut off statements with exact offsets, and off prediction input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.boilerplate import strip_boilerplate, trim_span


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Pyongyang, February 23 (KCNA) -- The U.S. vetoed the resolution.", "The U.S. vetoed the resolution."),
        ("SEOUL, March 3 (Yonhap) — The drills begin today.", "The drills begin today."),
        ("WASHINGTON (AP) — Officials met on Friday.", "Officials met on Friday."),
        ("BEIJING, Jan. 5 (Xinhua) -- China urged restraint.", "China urged restraint."),
        ("The provocations will never escape frustration. -0-", "The provocations will never escape frustration."),
        ("We will stand with our allies. ###", "We will stand with our allies."),
        # Not boilerplate: left alone.
        ("The KCNA reported the launch on Monday.", "The KCNA reported the launch on Monday."),
        (
            "Seoul, Tokyo and Washington agreed to talk (again) -- and soon.",
            "Seoul, Tokyo and Washington agreed to talk (again) -- and soon.",
        ),
        ("The score was 3-0-1 after extra time.", "The score was 3-0-1 after extra time."),
    ],
)
def test_strip_boilerplate(text, kept):
    assert strip_boilerplate(text) == kept


@pytest.mark.parametrize("prefix", ["", "Headline\n\n", "x" * 50 + "\n"])
def test_trim_span_keeps_offsets_exact(prefix):
    statement = "Pyongyang, May 11 (KCNA) -- Japan must stop the discharge. -0-"
    text = prefix + statement + "\nNext paragraph."
    start, end = trim_span(text, len(prefix), len(prefix) + len(statement))
    assert text[start:end] == "Japan must stop the discharge."


def test_author_line_alone_is_dropped():
    text = "Office of the Spokesperson"
    assert trim_span(text, 0, len(text)) == (0, 0)
    assert strip_boilerplate(text) == text  # nothing else to keep: prediction input stays as given


@pytest.mark.parametrize(
    "text",
    ["We will stand. -0- ", "We will stand.\n###\n", "We will stand. #####", "End (END)\t", "x -30-", "x-0-y", "-0-", "   ", ""],
)
def test_end_marker_shortcut_changes_nothing(text):
    """Only texts ending (whitespace aside) as an end marker does are searched for one."""
    from stance.boilerplate import _END_MARKER

    marker = _END_MARKER.search(text)
    expected = (0, marker.start()) if marker else (0, len(text))
    assert trim_span(text, 0, len(text)) == expected


def test_end_marker_is_searched_only_where_a_span_ends_with_one():
    """The shortcut in trim_span finds an end marker exactly when the full search does."""
    import itertools

    from stance import boilerplate

    parts = ["-0-", "-30-", "###", "#", "(END)", " ", "\n", "\u3000", "\x1c", "a", "We said.", "-"]
    for size in range(4):
        for pieces in itertools.product(parts, repeat=size):
            text = "".join(pieces)
            shortcut = text.rstrip().endswith(boilerplate._END_MARKER_TAILS)
            assert bool(boilerplate._END_MARKER.search(text)) == shortcut, repr(text)


BOILERPLATE_PIECES = [
    "Pyongyang, May 3 (KCNA) -- ",
    "SEOUL (Yonhap) — ",
    "(AP):",
    "(KCNA Watch) -",
    "-0-",
    " -30-",
    "####",
    "(END)",
    "(end)",
    "Office of the Spokesperson",
    "OFFICE OF THE SPOKEſPERSON",  # long s: equal to s ignoring case
    "  Media Note \n",
    "Press Statement.",
    "We condemn it.",
    " ",
    "\n",
    "Kelvin",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(BOILERPLATE_PIECES), max_size=4).map("".join), max_size=8))
def test_stripping_many_texts_equals_stripping_each(texts):
    from stance.boilerplate import strip_boilerplate_all

    assert strip_boilerplate_all(texts) == [strip_boilerplate(text) for text in texts]


def _trim_span_by_the_patterns(text: str, start: int, end: int) -> tuple[int, int]:
    """trim_span as the patterns alone decide it (every check run, none skipped)."""
    from stance.boilerplate import _AUTHOR_ONLY, _DATELINE, _END_MARKER

    piece = text[start:end]
    if _AUTHOR_ONLY.match(piece):
        return start, start
    dateline = _DATELINE.match(piece)
    if dateline:
        start += dateline.end()
        piece = piece[dateline.end() :]
    marker = _END_MARKER.search(piece)
    return start, max(start, start + marker.start() if marker else end)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Office of the Spokesperson",
                "MEDIA NOTE",
                "preſs ſtatement",
                "Press Statement.",
                " ",
                "\n",
                "\u2003",
                "SEOUL (Yonhap) -- ",
                "(KCNA) ",
                "(AP)",
                "(",
                "We will stand.",
                "-0-",
                "x",
            ]
        ),
        max_size=5,
    )
)
def test_trim_span_shortcuts_change_nothing(pieces):
    """The author-line check runs only at its lengths, the dateline's only on a "(": same spans."""
    text = "".join(pieces)
    assert trim_span(text, 0, len(text)) == _trim_span_by_the_patterns(text, 0, len(text))
