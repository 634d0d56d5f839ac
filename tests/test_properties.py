"""Property-based tests: the splitter never crashes and its offsets always slice back."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance import quotes
from stance.escaping import restore_formula
from stance.extract import _TURN, ExtractOptions, statements_of
from stance.sentences import _is_abbreviation, line_start_matches, sentence_spans
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


def _windowed_sentence_start(text, position, floor):
    """The plain definition: scan the window for boundaries and keep the last one."""
    start = floor
    for match in quotes._BOUNDARY_BACK.finditer(text, max(floor, position - 400), position):
        if match.group(0) == "\n" or not (match.group(0)[0] == "." and _is_abbreviation(text, match.start())):
            start = match.end()
    return start


def _windowed_sentence_end(text, position, limit):
    stop = min(limit, position + quotes.SENTENCE_WINDOW)
    for match in quotes._BOUNDARY_BACK.finditer(text, position, stop):
        if match.group(0) == "\n":
            return match.start()
        if not (match.group(0)[0] == "." and _is_abbreviation(text, match.start())):
            return match.start() + len(match.group(0).rstrip())
    return stop


WHITESPACE_TEXTS = st.lists(st.sampled_from([".", "!", "”", ")", " ", "\n", "\n\n", " \n ", "U.S.", "Mr.", "a", "We"]), max_size=40).map(
    "".join
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(TEXTS, WHITESPACE_TEXTS), st.data())
def test_indexed_sentence_bounds_equal_a_window_scan(text, data):
    for _ in range(10):
        position = data.draw(st.integers(0, len(text)))
        floor = data.draw(st.integers(0, position))
        limit = data.draw(st.integers(position, len(text)))
        assert quotes.sentence_start(text, position, floor) == _windowed_sentence_start(text, position, floor)
        assert quotes._sentence_end(text, position, limit) == _windowed_sentence_end(text, position, limit)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_line_start_matches_equal_finditer(text):
    for pattern in (_TURN, quotes._COMMENT_SECTION):
        assert [m.span() for m in line_start_matches(pattern, text)] == [m.span() for m in pattern.finditer(text)]


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.sampled_from(["Kim", "Kirby", "é", "U.S.", "said", "_x"]))
def test_word_occurrences_equal_a_word_boundary_search(text, word):
    import re

    expected = [m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", text)]
    assert list(quotes._word_occurrences(text, word)) == expected


def test_very_long_document_is_handled():
    text = ("“We will continue,” the official said. " * 3000) + "“Unclosed quote " * 500
    statements = list(statements_of(Document(text=text, source="long")))
    assert sum(s.text == "We will continue" for s in statements) == 3000


# --- label files: write, then read, gives the same rows ----------------------------------

# A hand-written cell "'=..." reads as the formula stance neutralised ("=..."): left out here.
LABEL_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), min_size=1, max_size=80).filter(
    lambda t: t.strip() != "" and restore_formula(t) == t
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(LABEL_TEXT, st.sampled_from(["neutral", "condemning"]), st.sampled_from(["firm", "neutral"])), min_size=1, max_size=8
    )
)
def test_label_file_round_trip(rows):
    import csv
    import tempfile
    from pathlib import Path

    from stance.labels import load_labels

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "labels.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text", "stance", "tone"])
            writer.writerows([f"r{i}", text, stance, tone] for i, (text, stance, tone) in enumerate(rows))
        frame = load_labels([path])
    assert frame[["id", "text", "stance", "tone"]].values.tolist() == [[f"r{i}", *row] for i, row in enumerate(rows)]


# --- models: save, then load, gives identical predictions --------------------------------


@pytest.fixture(scope="module")
def saved_pair(tmp_path_factory, sample_labels):
    from stance.features import DEFAULT_PARAMETERS
    from stance.labels import load_labels
    from stance.model import Model, fit_target, load_model, load_predictor, make_card, save_model

    frame = load_labels([sample_labels])
    pipelines = {"stance": fit_target(frame, "stance", seed=5)}
    folder = tmp_path_factory.mktemp("pair") / "model"
    save_model(folder, Model(pipelines, make_card(frame, pipelines, 5, ["sample"], {}, DEFAULT_PARAMETERS, "test")))
    return pipelines["stance"], load_model(folder), load_predictor(folder)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_saved_model_predicts_identically(saved_pair, texts):
    import numpy as np

    in_memory, loaded, fast = saved_pair
    expected = in_memory.predict_proba(texts)
    assert np.array_equal(loaded.predict_proba("stance", texts), expected)
    assert np.abs(fast.predict_proba("stance", texts) - expected).max() < 1e-9


# --- hostile input (issue 16): bytes from strangers, and label files stance appends to --------------

HOSTILE_PIECES = st.sampled_from(
    ["\r", "\r\n", "\u2028", "\x85", "\x0c", "\u200b", "sa\u200bid", "\ufeff", "\x1b[2J", "=", "+", "-", "@"]
    + ['{"text": "', '"}', "[", "]", "\\ud800"]
)
HOSTILE_TEXTS = st.lists(st.one_of(PIECES, HOSTILE_PIECES), max_size=50).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(HOSTILE_TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=300)),
    st.sampled_from([".txt", ".jsonl", ".json", ""]),
)
def test_any_file_gives_statements_or_a_clear_error(data, suffix):
    """Whatever the bytes: an InputError naming the file, or statements whose offsets slice back
    into the text as read (a lone CR read as a line feed, one character for one)."""
    import tempfile
    import warnings
    from pathlib import Path

    from stance.errors import InputError
    from stance.extract import extract_statements
    from stance.sources import read_documents

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                documents = list(read_documents([str(path)]))
                statements = list(extract_statements(documents, ExtractOptions(include_unattributed=True)))
        except InputError as exc:
            assert str(path) in str(exc)
            return
    texts = {(d.source, d.record): d.text for d in documents}
    for statement in statements:
        text = texts[(statement.source, statement.record)]
        assert " ".join(text[s:e] for s, e in statement.fragments) == statement.text
        statement.text.encode("utf-8")  # writable: no lone surrogate


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_cr_only_line_ends_read_like_line_feeds(text):
    from stance.sources import decode_bytes

    text = text.replace("\r", "").replace("\x00", "")  # (a NUL byte makes it a binary file)
    as_lf = [(s.start, s.end) for s in statements_of(Document(text=text, source="h"))]
    as_cr = decode_bytes(text.replace("\n", "\r").encode("utf-8", "surrogatepass"), "h")
    assert [(s.start, s.end) for s in statements_of(Document(text=as_cr, source="h"))] == as_lf


APPENDED_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=60).filter(
    lambda t: t.strip() != ""
)
FORMULA_PREFIX = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'=", "''-", "-5", "'"])
APPENDED_TEXTS = st.one_of(APPENDED_TEXT, st.tuples(FORMULA_PREFIX, APPENDED_TEXT).map("".join))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(APPENDED_TEXTS, st.sampled_from(["neutral", "condemning"])), min_size=1, max_size=6),
    st.sampled_from(
        [b"", b"id,text,stance,tone\n", b"tone,stance,text,id\r\nfirm,neutral,Old row,x0", b"\xef\xbb\xbfid,text,stance,tone\n"]
    ),
)
def test_labels_appended_by_stance_label_load_back_exactly(rows, existing):
    """Rows `stance label` appends (any text: formulas, quotes, line breaks, CR) read back unchanged
    by load_labels, whatever the file held before: its column order, a missing last line break, a BOM."""
    import tempfile
    from pathlib import Path

    from stance.labeller import LabelFile
    from stance.labels import load_labels

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "labels.csv"
        path.write_bytes(existing)
        label_file = LabelFile(path, ["stance", "tone"])
        try:
            for i, (text, stance) in enumerate(rows):
                label_file.append({"id": f"r{i}", "text": text, "stance": stance, "tone": "firm"})
        finally:
            label_file.close()
        frame = load_labels([path])
    old = [["x0", "Old row", "neutral", "firm"]] if b"x0" in existing else []
    appended = [[f"r{i}", text, stance, "firm"] for i, (text, stance) in enumerate(rows)]
    assert frame[["id", "text", "stance", "tone"]].values.tolist() == old + appended
