"""The quote splitter on the hard cases and on every seed article."""

import json

import pytest

from stance.extract import ExtractOptions, statements_of
from stance.labels import normalize_text
from stance.quotes import find_quote_spans, is_speaker_phrase, person_name
from stance.sources import Document, read_documents

from .conftest import DATA

HARD_CASES = json.loads((DATA / "hard_cases.json").read_text(encoding="utf-8"))["cases"]


def _strip_marks(fragment: str) -> str:
    return normalize_text(fragment)


def _expected_speakers(case: dict) -> list[dict]:
    """The shared hard cases predate issue 18: a follow-on quote ('direct-floating') now carries
    the speaker written at the attribution it continues, not None."""
    expected, previous = [], None
    for item in case["expected"]:
        if item["type"] == "direct-floating" and item["speaker"] is None and previous:
            item = {**item, "speaker": previous["speaker"]}
        expected.append(item)
        previous = item
    return expected


@pytest.mark.parametrize("case", HARD_CASES, ids=[c["id"] for c in HARD_CASES])
def test_hard_cases(case):
    found = list(statements_of(Document(text=case["text"], source="case")))
    assert found, "no statement found"
    # The extractor cuts quotes into sentences; join the statements of one speaker back together.
    for expected in _expected_speakers(case):
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
        ("Price", "Ned Price", "direct", "But the practical, specific steps"),
        ("he", "Ned Price", "direct", "We are always going to have an ironclad commitment"),
        ("he", "Ned Price", "direct", "We are always going to remain committed"),
    ],
    "004_5a8996e8ee708916.txt": [
        ("U.S. Secretary of State Mike Pompeo", "Mike Pompeo", "partial", "going on even as we speak"),
        ("Leif-Eric Easley", "Leif-Eric Easley", "direct", "The aim is not only to increase"),
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
        ("he", "Mike Pompeo", "direct", "I hope it won’t be too long"),
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


# --- issue 18: who said it ----------------------------------------------------------------

# (text, speaker as written, resolved speaker, cue) of the first statement.
ATTRIBUTIONS = [
    ("“We will not back down,” her campaign said.", "her campaign", "her campaign", "said"),
    (
        "“This is a disaster,” an industry lobbyist who spoke on the condition of anonymity said.",
        "an industry lobbyist",
        "an industry lobbyist",
        "said",
    ),
    ("“We are reviewing it,” the company said.", "the company", "the company", "said"),
    (
        "“We will keep pressing,” Rep. Alexandria Ocasio-Cortez, D-N.Y., said.",
        "Rep. Alexandria Ocasio-Cortez",
        "Alexandria Ocasio-Cortez",
        "said",
    ),
    ("“We will keep pressing,” said Sen. Mitch McConnell, R-Ky.", "Sen. Mitch McConnell", "Mitch McConnell", "said"),
    ("Sen. John F. Kennedy said: “We choose to go to the moon.”", "Sen. John F. Kennedy", "John F. Kennedy", "said"),
    ("“The talks are over,” Mr. Smith said.", "Mr. Smith", "Smith", "said"),
    ("“Absolutely fantastic news for everyone,” she gushed.", "she", "she", "gushed"),
    ("“You promised us this two years ago!” a protester shouted.", "a protester", "a protester", "shouted"),
    ("“Well, that went well,” the mayor sighed.", "the mayor", "the mayor", "sighed"),
    ("“We are ready for anything,” Mr. Lee joked.", "Mr. Lee", "Lee", "joked"),
    ("“Wait, let me finish my point,” Smith interjected.", "Smith", "Smith", "interjected"),
    ("“I have nothing more to add on this,” the spokesman emailed.", "the spokesman", "the spokesman", "emailed"),
    ("“We did what we had to do,” the minister wrote on Twitter.", "the minister", "the minister", "wrote"),
    ("“It was a mistake,” the official acknowledges.", "the official", "the official", "acknowledges"),
    ("“The evidence is overwhelming,” the report concludes.", "the report", "the report", "concludes"),
    ("Trump, in a series of tweets: “The Fake News Media is working overtime!”", "Trump", "Trump", ":"),
    ("Jane Roe, Reuters: “Is the government prepared to act on this?”", "Jane Roe", "Jane Roe", ":"),
    ("“Nobody trusts them anymore,” one diplomat said.", "one diplomat", "one diplomat", "said"),
    ('"We will respond,” Kim said.', "Kim", "Kim", "said"),
    (
        "“It was a good meeting,” according to Sen. Mark R. Warner, the committee chairman.",
        "Sen. Mark R. Warner",
        "Mark R. Warner",
        "according to",
    ),
]


@pytest.mark.parametrize("text, speaker, resolved, cue", ATTRIBUTIONS, ids=[a[3] + ":" + a[1] for a in ATTRIBUTIONS])
def test_attribution(text, speaker, resolved, cue):
    first = next(statements_of(Document(text=text, source="x")))
    assert (first.speaker, first.speaker_resolved, first.cue) == (speaker, resolved, cue)


# A quote that continues the last speaker carries the speaker written at that attribution.
FOLLOW_ON = [
    ("“We will respond,” Kim said.\n\n“The decision is final and cannot be changed.”", "Kim"),
    ("“We will respond,” Kim said.\n\n\u00a0“The decision is final and cannot be changed.”", "Kim"),
    ("“We will respond,” Kim said.\n\n“(Laughs) The decision is final, believe me.”", "Kim"),
    ("“We will respond,” Kim said.\n\n“… and the decision is final, believe me.”", "Kim"),
    ("“We will respond,” the official said.\n\n“The decision is final.”", "the official"),
    ("Smith spoke first. “Nobody trusts them anymore,” one said.\n\n“We will see what happens next.”", "one"),
]


@pytest.mark.parametrize("text, speaker", FOLLOW_ON)
def test_follow_on_quote_carries_its_speaker(text, speaker):
    statements = list(statements_of(Document(text=text, source="x")))
    assert len(statements) == 2 and {s.speaker for s in statements} == {speaker}
    assert statements[1].kind == "direct" and statements[0].speaker_resolved == statements[1].speaker_resolved


def test_one_and_another_never_carry_an_earlier_name():
    text = "“We condemn it,” said John Kirby.\n\n“Nobody trusts them,” one diplomat said. “They lost credibility,” said another."
    statements = list(statements_of(Document(text=text, source="x")))
    assert [(s.speaker, s.speaker_resolved) for s in statements] == [
        ("John Kirby", "John Kirby"),
        ("one diplomat", "one diplomat"),
        ("another", "another"),
    ]


@pytest.mark.parametrize(
    "text, fragments",
    [
        ('"We will respond,” Kim said.', ["We will respond,"]),
        ('“We will respond." Kim said.', ["We will respond."]),
        ('“He said "no" to me,” Kim said.', ['He said "no" to me,']),
        ("“First paragraph.\nSecond paragraph goes on.” Kim said.", ["First paragraph.", "Second paragraph goes on."]),
    ],
)
def test_mixed_and_nested_quote_marks(text, fragments):
    [span] = find_quote_spans(text)
    assert [text[s:e] for s, e in span.fragments] == fragments


# What partial and scare quotes leave before a verb is never a speaker.
@pytest.mark.parametrize(
    "phrase, ok",
    [
        ("John Kirby", True),
        ("the company", True),
        ("he", True),
        ("one", True),
        ("Sen. John F. Kennedy", True),
        ("Delegation of Japan", True),
        ("officials", True),
        ("However", False),
        ("So", False),
        ("Now", False),
        ("Japan is", False),
        ("the United", False),
        ("Jr.", False),
        ("AUKUS and put it", False),
        ("the direction in", False),
        ("Biden held a phone conversation with the Israeli prime minister and", False),
        ("should all remind ourselves of the words of former United", False),
        ("Volodymyr Zelenskyy. According to him", False),
        ("D-N.Y.", False),
        ("You might", False),
    ],
)
def test_is_speaker_phrase(phrase, ok):
    assert is_speaker_phrase(phrase) is ok


@pytest.mark.parametrize(
    "text, side",
    [
        ("“We condemn it,” said Choi Kang, acting president of the Asan Institute for Policy Studies.", "analyst"),
        ("“We will respond,” a spokesperson for the South Korean presidential office said.", "ROK"),
        ("WASHINGTON -- “No option is off the table,” a senior administration official said.", "US"),
        ("“Pouring oil on the fire,” an editorial in the state-run Global Times said.", "press"),
        ("“We will keep pressing,” Rep. Maria Delgado, D-Calif., said.", "US"),
        ("Kim Yo Jong said in a statement carried by KCNA: “The U.S. will pay dearly for this.”", "DPRK"),
        ("“This is a historic moment,” President Joe Biden said.", None),
        ("“Our ties are strong,” said Prime Minister Anthony Albanese of Australia.", "other_state"),
    ],
)
def test_quote_sides_follow_the_text(text, side):
    assert next(statements_of(Document(text=text, source="x"))).speaker_side == side


def test_a_bare_title_takes_the_publishers_side():
    text = 'The President met border guards. "We will respond to every provocation," the Head of State said.'
    [statement] = statements_of(Document(text=text, source="x", url="https://www.president.gov.ua/en/news/x"))
    assert statement.speaker_side == "Ukraine"


def test_the_company_resolves_to_the_company_named_earlier():
    text = "Halvorsen Steel cut its outlook on Wednesday.\n\n“We are taking decisive action on costs,” the company said."
    assert next(statements_of(Document(text=text, source="x"))).speaker_resolved == "Halvorsen Steel"


def test_he_resolves_to_the_last_person_named_as_a_subject():
    from stance.quotes import last_person_subject

    text = "The launch site was ready. The respected ComradeKim Jong Unsaid that the test was a success. He left."
    assert last_person_subject(text, text.index("He left")).description == "Kim Jong Un"
    assert last_person_subject("The DPRK fired a missile. He said.", 27) is None


def test_the_firm_is_not_a_person_named_without_a_body_word():
    text = "Anna Lindqvist visited the plant on Monday.\n\n“We are taking decisive action,” the firm said."
    assert next(statements_of(Document(text=text, source="x"))).speaker_resolved == "the firm"
