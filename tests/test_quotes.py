"""The quote splitter on the hard cases and on every seed article."""

import json

import pytest

from stance.extract import ExtractOptions, statements_of
from stance.labels import normalize_text
from stance.quotes import find_quote_spans, person_name
from stance.sources import Document, read_documents

from .conftest import DATA

HARD_CASES = json.loads((DATA / "hard_cases.json").read_text(encoding="utf-8"))["cases"]


def _strip_marks(fragment: str) -> str:
    return normalize_text(fragment)


@pytest.mark.parametrize("case", HARD_CASES, ids=[c["id"] for c in HARD_CASES])
def test_hard_cases(case):
    found = list(statements_of(Document(text=case["text"], source="case")))
    assert found, "no statement found"
    # The extractor cuts quotes into sentences; join the statements of one speaker back together.
    for expected in case["expected"]:
        wanted = _strip_marks(" ".join(expected["quote_fragments"]))
        mine = [s for s in found if normalize_text(s.text) in wanted]
        assert normalize_text(" ".join(s.text for s in mine)) == wanted
        assert {s.speaker for s in mine} == {expected["speaker"]}
        assert {s.speaker_resolved for s in mine} == {expected["speaker_resolved"]}


# Each seed article: (speaker as written, resolved speaker, kind, start of the text), in order.
SEEDS = {
    "000_51621d7fbfd1bcab.txt": [
        ("a senior U.S. official", "a senior U.S. official", "direct", "The system (they used) is not covered"),
        ("the official", "a senior U.S. official", "direct", "We don’t think it’s in our interest"),
        ("The official", "a senior U.S. official", "partial", "have a familiar menu of provocations"),
        ("The official", "a senior U.S. official", "partial", "at the lower end of that spectrum"),
        ("The source", "The source", "partial", "in the final stages"),
        ("the official", "a senior U.S. official", "direct", "We want to clearly signal"),
    ],
    "001_631992cc31ac5232.txt": [
        ("US", "United States", "partial", "unlawful and destabilizing"),
        (
            "The U.S. envoy focused on North Korea",
            "The U.S. envoy focused on North Korea",
            "partial",
            "unlawful and destabilizing activities",
        ),
        ("State Department spokesperson Ned Price", "Ned Price", "partial", "concern about the DPRK’s missile launches"),
        ("Kim", "Sung Kim", "partial", "the U.S. commitment to the complete denuclearization"),
        ("the readout", "the readout", "partial", "the latest in a number of calls"),
    ],
    "002_e7cfc915ecea7a93.txt": [
        ("the senior US official", "the senior US official", "direct", "It is not covered by UN Security Council"),
        ("the official", "the senior US official", "direct", "It is a normal part of the kind of testing"),
        ("Choi Kang", "Choi Kang", "direct", "The Sunday launches followed through"),
        ("Cheong", "Cheong Seong-chang", "direct", "The North needs China and Russia"),
        ("Shin Beom-chul", "Shin Beom-chul", "direct", "It’s hard for the US to push dialogue"),
        ("a senior US official", "a senior US official", "direct", "We do not publicly respond"),
    ],
    "003_59bafc5653eb4eee.txt": [
        ("NSC coordinator for strategic communications John Kirby", "John Kirby", "direct", "If they (missile launches) are designed"),
        ("he", "John Kirby", "direct", "We are going to continue to train"),
        ("Kirby", "John Kirby", "direct", "There’s not going to be any change"),
        ("he", "Ned Price", "direct", "But were that to be the case"),
        ("Price", "Ned Price", "direct", "I am not in a position today"),
        (None, "Ned Price", "direct", "But the practical, specific steps"),
        ("he", "Ned Price", "direct", "We are always going to have an ironclad commitment"),
        ("he", "Ned Price", "direct", "We are always going to remain committed"),
    ],
    "004_5a8996e8ee708916.txt": [
        ("U.S. Secretary of State Mike Pompeo", "Mike Pompeo", "partial", "going on even as we speak"),
        (None, "Leif-Eric Easley", "direct", "The aim is not only to increase"),
        ("he", "Donald Trump", "direct", "We never made an agreement on that."),
        ("he", "Donald Trump", "direct", "I have no problem"),
        (
            "the 15-member United Nations Security Council",
            "the United Nations Security Council",
            "partial",
            "re-establish its pre-existing",
        ),
        ("he", "Mike Pompeo", "direct", "We’re working with countries"),
        ("he", "Mike Pompeo", "direct", "I think it would’ve given us"),
        (None, "Mike Pompeo", "direct", "I hope it won’t be too long"),
        ("he", "Andrei Lankov", "direct", "On the contrary, the choice"),
    ],
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_articles(name):
    path = DATA / "seeds" / name
    statements = [s for d in read_documents([str(path)]) for s in statements_of(d)]
    got = [(s.speaker, s.speaker_resolved, s.kind, s.text[: len(e[3])]) for s, e in zip(statements, SEEDS[name], strict=False)]
    assert got == SEEDS[name]
    assert len(statements) == len(SEEDS[name])


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_offsets_slice_back(name):
    text = (DATA / "seeds" / name).read_text(encoding="utf-8")
    for statement in statements_of(Document(text=text, source=name)):
        assert " ".join(text[s:e] for s, e in statement.fragments) == statement.text
        if len(statement.fragments) == 1:
            assert text[statement.start : statement.end] == statement.text


def test_reader_comments_are_not_statements():
    text = (DATA / "seeds" / "004_5a8996e8ee708916.txt").read_text(encoding="utf-8")
    statements = list(statements_of(Document(text=text, source="x")))
    comments_start = text.index("What do you think?")
    assert all(s.end <= comments_start for s in statements)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It’s Korea’s ‘routine’ drill, he said.", ["routine"]),
        ("“Open,” he said, “and closed.”", ["Open,", "and closed."]),
        ('He said "we will" and left.', ["we will"]),
        ("No quotes at all.", []),
        ("“Unclosed quote runs to the paragraph end\nNext paragraph.", ["Unclosed quote runs to the paragraph end"]),
    ],
)
def test_find_quote_spans(text, expected):
    spans = find_quote_spans(text)
    assert [text[s:e] for span in spans for s, e in span.fragments] == expected


@pytest.mark.parametrize(
    "description, name",
    [
        ("State Department spokesperson Ned Price", "Ned Price"),
        ("U.S. Secretary of State Mike Pompeo", "Mike Pompeo"),
        ("Special Presidential Envoy for Climate John Kerry", "John Kerry"),
        ("Deputy Assistant Secretary of State for European and Eurasian Affairs Robin Dunnigan", "Robin Dunnigan"),
        ("a senior U.S. official", None),
        ("SMS Zaqy Mohamad", "Zaqy Mohamad"),
        ("Prime Minister of Japan Kishida", "Kishida"),
        ("Pyongyang", None),
    ],
)
def test_person_name(description, name):
    assert person_name(description) == name


def test_scare_quotes_and_titles_dropped_by_default_but_available():
    text = "The drills are “routine,” said the spokesperson at the conference “Central and South Asia: Regional Connectivity.”"
    assert list(statements_of(Document(text=text, source="x"))) == []
    everything = ExtractOptions(min_partial_words=1, include_unattributed=True, include_titles=True)
    assert [s.text for s in statements_of(Document(text=text, source="x"), everything)] == [
        "routine",
        "Central and South Asia: Regional Connectivity.",
    ]


def test_a_dateline_is_not_the_speaker():
    text = 'SEOUL, March 3 (Yonhap) -- Last week, Defense Minister Lee Jong-sup said that "the alliance stands ready to respond."'
    [statement] = statements_of(Document(text=text, source="x"))
    assert statement.speaker == "Defense Minister Lee Jong-sup"
    assert statement.speaker_resolved == "Lee Jong-sup"


def test_he_refers_to_a_person_not_to_a_capital_that_speaks():
    text = (
        "Foreign Minister Park Jin said the talks had gone well. Pyongyang said the drills were a rehearsal for invasion. "
        '"We will not be intimidated," he said.'
    )
    [statement] = statements_of(Document(text=text, source="x"))
    assert statement.speaker_resolved == "Park Jin"


def test_a_size_modifier_is_dropped_from_the_resolved_speaker():
    text = 'The 15-member Security Council said it "strongly condemns the launch and calls for restraint."'
    [statement] = statements_of(Document(text=text, source="x"))
    assert statement.speaker == "The 15-member Security Council"
    assert statement.speaker_resolved == "The Security Council"
