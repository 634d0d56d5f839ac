"""Transcripts, JSON corpora and author statements."""

import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.extract import ExtractOptions, canonical_speakers, extract_statements, resolve_turn_speaker, statements_of
from stance.sources import Document, read_documents

from .conftest import DATA

TRANSCRIPT = """Press Gaggle by Press Secretary Karine Jean-Pierre

MS. JEAN-PIERRE:  Good afternoon. We condemn the launch.

Q    Will the President call President Yoon?

MS. JEAN-PIERRE:  He spoke with him this morning. Our commitment
to the ROK is ironclad.

END
3:03 P.M. EDT
"""


def test_transcript_turns_and_questions():
    statements = list(statements_of(Document(text=TRANSCRIPT, source="t.md", title="Press Gaggle by Press Secretary Karine Jean-Pierre")))
    kinds = [(s.kind, s.speaker, s.text) for s in statements]
    assert kinds == [
        ("turn", "MS. JEAN-PIERRE", "Good afternoon."),
        ("turn", "MS. JEAN-PIERRE", "We condemn the launch."),
        ("question", "Q", "Will the President call President Yoon?"),
        ("turn", "MS. JEAN-PIERRE", "He spoke with him this morning."),
        ("turn", "MS. JEAN-PIERRE", "Our commitment\nto the ROK is ironclad."),
    ]
    assert statements[0].speaker_resolved == "Karine Jean-Pierre"
    assert statements[2].speaker_resolved is None


def test_role_labels_resolve_from_title():
    doc = Document(text="", source="x", title="Remarks by President Biden After Marine One Arrival")
    assert resolve_turn_speaker("THE PRESIDENT", doc) == "Biden"
    unnamed = Document(text="x", source="s", title="Remarks by the President After Meeting with President Moon Jae-in")
    assert resolve_turn_speaker("THE PRESIDENT", unnamed) == "the president"
    assert resolve_turn_speaker("SENIOR ADMINISTRATION OFFICIAL", doc) == "a senior administration official"


def test_jsonl_qa_records_give_questions_and_answers():
    statements = list(extract_statements(read_documents([str(DATA / "china_fm.jsonl")])))
    assert {s.kind for s in statements} == {"question", "turn"}
    answers = [s for s in statements if s.kind == "turn"]
    assert all(s.speaker and s.speaker_side == "China" for s in answers)


def test_jsonl_turns_use_speaker_field():
    statements = list(extract_statements(read_documents([str(DATA / "wh_turns.jsonl")])))
    assert statements and all(s.kind == "turn" and s.speaker for s in statements)
    assert all(s.speaker_side == "US" for s in statements)


def test_kcna_story_is_the_agency_statement_and_reported_speech_the_speakers():
    statements = list(extract_statements(read_documents([str(DATA / "kcna.jsonl")])))
    authored = [s for s in statements if s.kind == "turn"]
    assert authored and all(s.speaker_side in ("DPRK", "press") for s in authored if s.speaker == "KCNA")
    assert sum(s.speaker == "KCNA" for s in authored) > len(authored) / 2


def test_author_statements_can_be_switched_off():
    text = "Pyongyang, May 1 (KCNA) -- The drills are a grave provocation. They must stop. -0-"
    statements = list(statements_of(Document(text=text, source="k")))
    # The dateline and the end marker are nobody's words; offsets stay exact.
    assert [s.text for s in statements] == ["The drills are a grave provocation.", "They must stop."]
    assert all(text[s.start : s.end] == s.text for s in statements)
    assert list(statements_of(Document(text=text, source="k"), ExtractOptions(author_statements=False))) == []


def test_ids_are_stable_across_runs_and_folders():
    first = [s.id for s in statements_of(Document(text=TRANSCRIPT, source="a/t.md"))]
    second = [s.id for s in statements_of(Document(text=TRANSCRIPT, source="b/t.md"))]
    assert first == second and len(set(first)) == len(first)


def test_briefing_transcript_inside_a_press_release_record(tmp_path):
    import json

    text = "Office of the Spokesperson\n\nMR PRICE: Good afternoon.\n\nQUESTION: Any comment on the launch?\n\nMR PRICE: We condemn it.\n\nQUESTION: Thanks."
    path = tmp_path / "pr.jsonl"
    path.write_text(json.dumps({"guid": "g1", "creator": "Office of the Spokesperson", "text": text}) + "\n", encoding="utf-8")
    statements = list(extract_statements(read_documents([str(path)])))
    assert [(s.kind, s.speaker, s.text) for s in statements] == [
        ("turn", "MR PRICE", "Good afternoon."),
        ("question", "QUESTION", "Any comment on the launch?"),
        ("turn", "MR PRICE", "We condemn it."),
        ("question", "QUESTION", "Thanks."),
    ]


# --- issue 18: sides that follow the source's structure ------------------------------------

SUMMIT = Document(
    text="PRESIDENT BIDEN:  Welcome.\n\nPRIME MINISTER KISHIDA:  Thank you.\n\nMR. KIRBY:  Two questions.\n\nQ    Will you meet Kim?\n",
    source="summit.md",
    url="https://www.whitehouse.gov/briefing-room/x",
    title="Remarks by President Biden and Prime Minister Kishida Fumio of Japan in Joint Press Conference",
)


@pytest.mark.parametrize(
    "label, resolved, side, kind",
    [
        ("PRESIDENT BIDEN", "Biden", "US", "turn"),
        ("PRIME MINISTER KISHIDA", "Kishida Fumio", "Japan", "turn"),
        ("MR. KIRBY", "Kirby", "US", "turn"),
        ("Q", None, "press", "question"),
    ],
)
def test_host_staff_guests_and_press(label, resolved, side, kind):
    [statement] = [s for s in statements_of(SUMMIT) if s.speaker == label][:1]
    assert (statement.speaker_resolved, statement.speaker_side, statement.kind) == (resolved, side, kind)


def test_china_mfa_inline_labels_and_outlets():
    answer = "Reuters: What is your comment on the talks?\nZhao Lijian: We hope for progress.\nCCTV: And on trade?\nZhao Lijian: Our position is clear."
    doc = Document(
        text=answer,
        source="fm.jsonl",
        speaker="Zhao Lijian",
        kind="turn",
        url="https://www.fmprc.gov.cn/x",
        meta={"speaker_field": "spokesperson"},
    )
    got = [(s.speaker, s.kind, s.speaker_side) for s in statements_of(doc)]
    assert got == [
        ("Reuters", "question", "press"),
        ("Zhao Lijian", "turn", "China"),
        ("CCTV", "question", "press"),
        ("Zhao Lijian", "turn", "China"),
    ]


@pytest.mark.parametrize(
    "text, speaker, kind, side",
    [
        (
            "Vladimir Putin: Good afternoon.\nPavel Zarubin: Good evening,\nPavel Zarubin, Rossiya TV channel.\nWhat do you think?\nVladimir Putin: I think so.",
            "Pavel Zarubin",
            "question",
            "press",
        ),
        (
            "Vladimir Putin: Good afternoon.\nJane Roe, Reuters: What is next?\nVladimir Putin: We will see.",
            "Jane Roe, Reuters",
            "question",
            "press",
        ),
        (
            "Vladimir Putin: Good afternoon.\nAlexander Shokhin: We organise the congress.\nVladimir Putin: Thank you.",
            "Alexander Shokhin",
            "turn",
            None,
        ),
    ],
)
def test_transcript_with_a_principal(text, speaker, kind, side):
    doc = Document(text=text, source="k.jsonl", speaker="Vladimir Putin (President of Russia)", side="Russia", url="http://en.kremlin.ru/x")
    statements = list(statements_of(doc))
    assert {(s.kind, s.speaker_side) for s in statements if s.speaker == speaker} == {(kind, side)}
    assert {s.speaker_side for s in statements if s.speaker == "Vladimir Putin"} == {"Russia"}


def test_kcna_introduced_statement_is_the_speakers():
    text = (
        "Pyongyang, July 14 (KCNA) -- Kim Yo Jong, vice department director of the Central Committee of the Workers' Party of Korea, "
        "released the following press statement on Sunday:\nDirty leaflets were found again.\nThey will pay a dear price. -0-"
    )
    got = [(s.speaker, s.speaker_side, s.text) for s in statements_of(Document(text=text, source="k"))]
    assert got[0][0] == "KCNA" and got[0][2].startswith("Kim Yo Jong, vice")
    assert got[1:] == [("Kim Yo Jong", "DPRK", "Dirty leaflets were found again."), ("Kim Yo Jong", "DPRK", "They will pay a dear price.")]


def test_kcna_reported_speech_goes_to_the_person_named():
    text = "Pyongyang, May 2 (KCNA) -- A meeting was held. Kim Jong Un said that the drills must stop. The meeting closed."
    got = [(s.speaker, s.cue) for s in statements_of(Document(text=text, source="k"))]
    assert got == [("KCNA", None), ("Kim Jong Un", "said"), ("KCNA", None)]


def test_un_general_debate_file_speaks_for_its_delegation(tmp_path):
    path = tmp_path / "PRK_79_2024.txt"
    path.write_text("Mr. President,\nThe DPRK will never give up its nuclear deterrent.\n", encoding="utf-8")
    statements = list(extract_statements(read_documents([str(path)])))
    assert {(s.speaker, s.speaker_side, s.kind) for s in statements} == {
        ("Delegation of the Democratic People's Republic of Korea", "DPRK", "turn")
    }


def test_whole_document_speaker_and_side():
    doc = Document(text="“Quoted words,” he said. We will defend ourselves.", source="speech.txt")
    statements = list(statements_of(doc, ExtractOptions(speaker="President Yoon Suk Yeol", side="ROK")))
    assert {(s.speaker, s.speaker_resolved, s.speaker_side) for s in statements} == {("President Yoon Suk Yeol", "Yoon Suk Yeol", "ROK")}


def test_one_canonical_name_per_speaker_in_a_run():
    docs = [
        Document(text="“We condemn it,” said John Kirby.\n\n“We will respond,” Kirby said.", source="a"),
        Document(text="MR. KIRBY: Good afternoon.\n\nQ Thanks.\n\nMR. KIRBY: Sure.\n\nQ And?\n\nMR. KIRBY: Yes.", source="b"),
        Document(text="“Hello there,” Kim said.", source="c"),
        Document(text="“Goodbye to all,” said Kim Jong Un.", source="d"),
        Document(text="“Hi to everyone,” said Sung Kim.", source="e"),
    ]
    statements = canonical_speakers(s for d in docs for s in statements_of(d))
    names = Counter((s.speaker, s.speaker_resolved) for s in statements if s.kind != "question" and "Kim" not in s.speaker)
    assert set(names) == {("John Kirby", "John Kirby"), ("Kirby", "John Kirby"), ("MR. KIRBY", "John Kirby")}
    assert [s.speaker_resolved for s in statements if s.source == "c"][0] == "Kim"  # two people named Kim: left alone


def test_extract_and_report_take_speaker_side_and_mode(tmp_path):
    path = tmp_path / "speech.txt"
    path.write_text("We will defend ourselves. We seek peace.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(path), "--speaker", "Prime Minister Kishida", "--side", "Japan", "--format", "jsonl"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 0 and {(r["speaker"], r["speaker_side"]) for r in rows} == {("Prime Minister Kishida", "Japan")}
    help_text = CliRunner().invoke(cli, ["report", "--help"]).output
    assert "--mode" in help_text and "--speaker" in help_text
    bad = CliRunner().invoke(cli, ["report", str(path), "--out", str(tmp_path / "r"), "--side", "=US"])
    assert bad.exit_code == 2 and "TEXT=SIDE" in bad.output


# --- no clause fragment among the most frequent speakers of each shared corpus ---------------

SHARED_CORPORA = DATA.parents[2] / "shared" / "corpora"
CORPUS_FILES = [
    "brian14708__wh-briefings/wh_turns_foreign_policy.jsonl",
    "brian14708__wh-briefings/wh_statements_foreign_policy.jsonl",
    "markschaver__State-Department-PR/statedept_press_releases_2021-05_2022-08.jsonl",
    "cwang23__china_fm/fmprc_en_regular_press_conferences_2018-2020.jsonl",
    "RIstiaque__Country-Counting-from-Press-Briefings/obama_wh_turns_foreign_policy.jsonl",
    "stiles__north-korea-news/kcna_statements_external.jsonl",
    "SarahFranzen__Emotions_in_the_United_Nations_General_Debates/TXT",
    "pclk__MFA-PressData/mfa_statements.json",
    "hsnczl__Enhanced-LDA-Modelling/putin_remarks_on_ukraine_2022-2025.jsonl",
    "PeiYiZhuo__zelenskyy-putin/kremlin_zelenskyy_press_releases_2021-2022.jsonl",
    "Amice13__resistinua/ukraine_officials_video_addresses_en_2022.jsonl",
]
# A test of its own, not the extractor's rule: a fragment starts with a function word, ends with
# one, holds a finite verb, is a bare abbreviation, or runs over a sentence end.
_FUNCTION_START = set("however so now but and or then also still yet thus even just only here there what which when where why how if while "
                      "although though because since despite after before as in on at by for with from to of about among "
                      "should would could can will may might must was were is are has have had do does did you let".split())  # fmt: skip
_FUNCTION_END = set("the a an of in on at by for with to from and or but that which who is are was were be been has have had will would "
                    "can could should may might must do does did it its united so if said says".split())  # fmt: skip
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|held|put|did|does)\b", re.I)


def clause_fragment(speaker: str) -> bool:
    words = speaker.lower().replace(".", ". ").split()
    if not words:
        return True
    if len(words) == 1 and words[0] in {"he", "she", "it", "they", "we", "i", "one", "another"}:
        return False  # a pronoun is a speaker the text resolves
    return (
        (words[0] in _FUNCTION_START and len(words) > 0 and speaker != speaker.upper())
        or words[-1].strip(".,") in _FUNCTION_END
        or bool(_FINITE.search(speaker))
        or bool(re.fullmatch(r"(?:Jr|Sr|Mr|Ms|Dr|St)\.?", speaker))
        or bool(re.search(r"[a-z]{2}\.\s+[A-Z][a-z]+\s+[a-z]", speaker))
    )


def _corpus_sample(relative: str, limit: int = 800) -> list:
    """The first ``limit`` documents of a shared corpus file or folder (the test must stay quick)."""
    documents = []
    for document in read_documents([str(SHARED_CORPORA / relative)]):
        documents.append(document)
        if len(documents) >= limit:
            break
    return documents


@pytest.mark.skipif(not SHARED_CORPORA.is_dir(), reason="the shared corpora (../shared/corpora) are not on this machine")
@pytest.mark.parametrize("relative", CORPUS_FILES, ids=[c.split("/")[0] for c in CORPUS_FILES])
def test_no_clause_fragment_among_the_most_frequent_speakers(relative):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        speakers = Counter(s.speaker for s in extract_statements(_corpus_sample(relative)) if s.speaker)
    fragments = [speaker for speaker, _ in speakers.most_common(200) if clause_fragment(speaker)]
    assert fragments == []


@pytest.mark.parametrize(
    "speaker, fragment",
    [("However", True), ("Japan is", True), ("the United", True), ("Jr.", True), ("AUKUS and put it", True), ("the direction in", True),
     ("John Kirby", False), ("MR. KIRBY", False), ("the company", False), ("Q", False), ("Delegation of Japan", False)],
)  # fmt: skip
def test_clause_fragment_detector(speaker, fragment):
    assert clause_fragment(speaker) is fragment


def test_gold_set_meets_the_issue_18_targets():
    """The scored gold set (tests/data/gold): its size and the figures issue 18 asks for."""
    from stance.gold import evaluate_gold

    report = evaluate_gold(DATA / "gold")
    assert report.documents >= 80
    direct = report.exact["direct"]
    assert direct.precision >= 0.96 and direct.recall >= 0.96
    assert report.speaker_accuracy >= 0.95 and report.resolved_accuracy >= 0.92 and report.side_accuracy >= 0.95


# --- audit fixes: glued labels, outlets in brackets, written replies, joint press conferences, host staff ---


def _turns(text: str, title: str, url: str = "https://www.mfa.gov.sg/Newsroom/x", speaker: str | None = None):
    document = Document(text=text, source="x", title=title, url=url, speaker=speaker)
    return [(s.kind, s.speaker, s.speaker_resolved, s.speaker_side, s.text) for s in statements_of(document)]


def test_labels_glued_to_the_previous_sentence_start_a_turn():
    text = (
        "President José Ramos-Horta: Today we have a special guest. Tell us about this?Minister Vivian Balakrishnan: "
        "We admire your courage.President: Building on that, what is the secret?Minister: Hard work and discipline."
        "PresidentFour times larger population.\n"
        "Minister Vivian Balakrishnan: Thank you.\n"
    )
    title = "Transcript of Minister for Foreign Affairs Dr Vivian Balakrishnan's Live Interview with President of the Democratic Republic of Timor-Leste José Ramos-Horta"
    said = {t: (speaker, resolved, side) for _, speaker, resolved, side, t in _turns(text, title)}
    assert said["We admire your courage."] == ("Minister Vivian Balakrishnan", "Vivian Balakrishnan", "Singapore")
    assert said["Building on that, what is the secret?"] == ("President", "José Ramos-Horta", "other_state")
    assert said["Hard work and discipline."] == ("Minister", "Vivian Balakrishnan", "Singapore")
    assert said["Four times larger population."][1] == "José Ramos-Horta"


def test_a_glued_label_needs_a_label_the_transcript_uses():
    text = "Minister: We met today.Singapore: a city state. The end.\nMinister: Thank you.\n"
    said = [(speaker, t) for _, speaker, _, _, t in _turns(text, "Transcript of the Minister's remarks")]
    assert ("Minister", "We met today.Singapore: a city state.") in said


def test_a_journalist_with_the_outlet_in_brackets_asks_a_question():
    text = (
        "Dawn Tan (CNA): What would you say to those who are unconvinced?\n"
        "Minister Vivian Balakrishnan: The real question is not neutrality.\n"
        "Daniel Hurst (Guardian Australia): And on trade?\n"
        "Minister Vivian Balakrishnan: We are a third party.\n"
    )
    turns = _turns(text, "Transcript of Minister for Foreign Affairs Dr Vivian Balakrishnan's Live Interview")
    assert turns[0][:4] == ("question", "Dawn Tan (CNA)", "Dawn Tan", "press")
    assert turns[2][:4] == ("question", "Daniel Hurst (Guardian Australia)", "Daniel Hurst", "press")
    assert turns[1][1:4] == ("Minister Vivian Balakrishnan", "Vivian Balakrishnan", "Singapore")


def test_written_parliamentary_replies_are_the_ministers():
    text = (
        "QUESTION\nMr Desmond Choo: To ask the Minister for Foreign Affairs how the situation affects Singapore.\n"
        "REPLY\nTaiwan is one of the most sensitive issues.\nStable relations are vital.\n"
        "MINISTRY OF FOREIGN AFFAIRS\nSINGAPORE\n3 OCTOBER 2022\n"
    )
    turns = _turns(text, "Minister for Foreign Affairs Dr Vivian Balakrishnan's Written Replies to Parliamentary Questions, 4 October 2022")
    assert turns[0][:4] == ("question", "Mr Desmond Choo", "Desmond Choo", "Singapore")
    assert [t[1:4] for t in turns[1:]] == [("REPLY", "Vivian Balakrishnan", "Singapore")] * 2
    untitled = Document(text=text, source="mfa_04.txt")
    assert [(s.speaker_resolved, s.speaker_side) for s in statements_of(untitled) if s.speaker == "REPLY"] == [
        ("the Minister for Foreign Affairs", "Singapore")
    ] * 2


def test_audience_questions_at_a_lecture_are_not_the_press():
    text = "Minister: Thank you all.\nQuestion 1: How do you see ASEAN centrality?\nMinister: It is essential.\n"
    lecture = _turns(text, "Transcript of Minister for Foreign Affairs Dr Vivian Balakrishnan's Keynote Address at a University")
    assert lecture[1][:4] == ("question", "Question 1", "Question 1", None)
    briefing = _turns(text, "Transcript of Minister's Doorstop Interview with the Media")
    assert briefing[1][3] == "press"


def test_guests_at_a_joint_press_conference_take_their_own_side():
    text = (
        "Deputy Prime Minister Richard Marles: We welcome our Singapore counterparts.\n"
        "Minister Vivian Balakrishnan: Let me thank Richard, Penny and Don.\n"
        "Minister Penny Wong: You are one of our closest partners.\n"
        "Minister Ng Eng Hen: We had a very productive meeting.\n"
    )
    title = "Transcript of Joint Press Conference of the 13th Singapore-Australia Joint Ministerial Committee in Canberra, Australia"
    sides = {speaker: side for _, speaker, _, side, _ in _turns(text, title)}
    assert sides == {
        "Deputy Prime Minister Richard Marles": "other_state",
        "Minister Vivian Balakrishnan": "Singapore",
        "Minister Penny Wong": "other_state",
        "Minister Ng Eng Hen": "Singapore",
    }


def test_an_interviewer_named_as_host_in_the_heading_asks():
    text = (
        "TRANSCRIPT OF MINISTER'S FIRESIDE CHAT WITH HOST OF THE NATSECTECH PODCAST JEANNE MESERVE AT THE SUMMIT\n"
        "Minister: Thank you, Jeanne.\nJeanne Meserve: What about Taiwan?\nMinister: We hope for peace.\nJeanne: And chips?\n"
    )
    turns = _turns(text, "Transcript of Minister for Foreign Affairs Dr Vivian Balakrishnan's Fireside Chat with Jeanne Meserve")
    assert {(kind, side) for kind, speaker, _, side, _ in turns if speaker.startswith("Jeanne")} == {("question", "press")}


KREMLIN = (
    "President of Russia Vladimir Putin: Colleagues, good afternoon. Mr Shoigu, what is the situation?\n"
    "Minister of Defence Sergei Shoigu: Thank you, Mr President. The situation is stable.\n"
    "Vladimir Putin: Good. Ms Nabiullina?\n"
    "Central Bank Governor Elvira Nabiullina: The digital ruble is a form of currency.\n"
    "Secretary of the Security Council Nikolai Patrushev: We have reports.\n"
    "Vice Premier of the State Council of the People’s Republic of China Ding Xuexiang (retranslated): We welcome this.\n"
    "Sergei Shoigu: We confirm these figures.\n"
    "Ding Xuexiang (retranslated): Cooperation is growing.\n"
)


def test_host_officials_labelled_with_an_office_take_the_hosts_side():
    document = Document(
        text=KREMLIN,
        source="x",
        title="Meeting with Government members",
        url="http://en.kremlin.ru/events/president/news/1",
        speaker="Vladimir Putin (President of Russia)",
        kind="turn",
    )
    said = {s.text: (s.speaker_resolved, s.speaker_side) for s in statements_of(document)}
    assert said["The situation is stable."] == ("Sergei Shoigu", "Russia")
    assert said["We confirm these figures."] == ("Sergei Shoigu", "Russia")
    assert said["The digital ruble is a form of currency."][1] == "Russia"
    assert said["We have reports."] == ("Nikolai Patrushev", "Russia")
    assert said["We welcome this."] == ("Ding Xuexiang", "China")
    assert said["Cooperation is growing."] == ("Ding Xuexiang", "China")


def test_kcna_he_said_goes_to_the_stories_subject_even_with_a_lost_space():
    text = (
        "Pyongyang, August 5 (KCNA) -- On August 4Kim Jong Un, general secretary of the Workers' Party of Korea, "
        "attended the ceremony and made a speech.\nHe said:\nComrades,\nWe will bolster our forces.\n"
    )
    said = {s.text: (s.speaker, s.speaker_resolved, s.speaker_side) for s in statements_of(Document(text=text, source="x"))}
    assert said["We will bolster our forces."] == ("He", "Kim Jong Un", "DPRK")


def test_kcna_message_from_a_sender_with_a_long_apposition():
    text = (
        "Pyongyang, October 6 (KCNA) -- Kim Jong Un, general secretary of the Workers' Party of Korea, received a message of "
        "greeting from Xi Jinping, general secretary of the Central Committee of the Communist Party of China (CPC) and "
        "president of the People's Republic of China (PRC), on October 6.\nThe message said:\n"
        "I extend warm congratulations to you.\nI wish the DPRK prosperity.\n"
    )
    said = {s.text: (s.speaker_resolved, s.speaker_side) for s in statements_of(Document(text=text, source="x"))}
    assert said["I extend warm congratulations to you."] == ("Xi Jinping", "China")


def test_a_foreign_minister_reported_by_kcna_speaks_for_his_state():
    text = (
        "Pyongyang, November 2 (KCNA) -- A tablet was displayed in Moscow.\nPresent there were Choe Son Hui, foreign minister "
        "of the DPRK, and Sergei Lavrov, foreign minister of the Russian Federation.\n"
        "Sergei Lavrov said that the event recalled the days of friendship.\n"
    )
    said = {s.text: (s.speaker_resolved, s.speaker_side) for s in statements_of(Document(text=text, source="x"))}
    assert said["Sergei Lavrov said that the event recalled the days of friendship."] == ("Sergei Lavrov", "Russia")


def test_office_holders_and_the_side_besides_the_publisher():
    from stance.sides import office_holder_side, side_besides

    assert office_holder_side("Dr Vivian Balakrishnan", "Singapore") == "Singapore"
    assert office_holder_side("Mohamad Maliki bin Osman", "Singapore") == "Singapore"
    assert office_holder_side("Penny Wong", "Singapore") is None
    assert office_holder_side("Vivian Balakrishnan", "US") is None  # no list for that publisher
    assert side_besides("Singapore-China Joint Council for Bilateral Cooperation", "Singapore") == "China"
    assert side_besides("Singapore-Australia Joint Ministerial Committee in Canberra, Australia", "Singapore") == "other_state"
    assert side_besides("Joint Press Conference in Singapore", "Singapore") is None


# --- streaming: spooled canonical names and streamed output -------------------


def _gold_statements():
    documents = read_documents([str(DATA / "gold" / "docs"), str(DATA / "wh_turns.jsonl"), str(DATA / "china_fm.jsonl")])
    return list(extract_statements(documents))


def test_as_row_has_the_output_columns_in_order():
    from dataclasses import asdict

    from stance.statement import OUTPUT_COLUMNS

    for statement in _gold_statements()[:200]:
        row = statement.as_row()
        assert tuple(row) == OUTPUT_COLUMNS
        expected = asdict(statement)
        expected["fragments"] = ";".join(f"{s}-{e}" for s, e in statement.fragments)
        assert row == {"id": statement.id, **{k: expected[k] for k in OUTPUT_COLUMNS if k != "id"}}


@pytest.mark.parametrize("batch", [1, 7, 2000])
def test_canonical_rows_equal_canonical_speakers_in_any_batch_size(monkeypatch, batch):
    import stance.extract
    from stance.extract import canonical_rows

    monkeypatch.setattr(stance.extract, "SPOOL_BATCH", batch)
    statements = _gold_statements()
    expected = [s.as_row() for s in canonical_speakers(statements)]
    assert list(canonical_rows(s.as_row() for s in statements)) == expected
    assert any(r["speaker_resolved"] != s.speaker_resolved for r, s in zip(expected, statements, strict=True))  # names did change
    assert list(canonical_rows(iter(()))) == []


def test_canonical_rows_read_all_input_before_the_first_row():
    from stance.extract import canonical_rows

    consumed = []

    def rows():
        for statement in _gold_statements()[:50]:
            consumed.append(statement)
            yield statement.as_row()

    stream = canonical_rows(rows())
    assert consumed == []
    next(stream)
    assert len(consumed) == 50  # one name per speaker needs the whole run first


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "tsv"])
@pytest.mark.parametrize("to_file", [False, True])
def test_streamed_output_equals_the_rendered_rows(tmp_path, monkeypatch, fmt, to_file):
    """`stance extract` streams; its output is what render() gives for all rows at once."""
    import stance.cli
    from stance.cli import render

    monkeypatch.setattr(stance.cli, "STREAM_ROWS", 100)  # several chunks
    from stance.statement import OUTPUT_COLUMNS

    inputs = [str(DATA / "gold" / "docs"), str(DATA / "wh_turns.jsonl")]
    statements = canonical_speakers(extract_statements(read_documents(inputs)))
    expected = render([s.as_row() for s in statements], list(OUTPUT_COLUMNS), fmt)
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, ["extract", *inputs, "--format", fmt, *(["-o", str(out)] if to_file else [])])
    assert result.exit_code == 0, result.output
    written = out.read_bytes().decode("utf-8") if to_file else result.stdout
    assert written == expected
    assert len(statements) > 300


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_streamed_output_of_no_statements(tmp_path, fmt):
    from stance.cli import render

    empty = tmp_path / "empty.txt"
    empty.write_text("Nothing quoted here.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(empty), "--format", fmt])
    assert result.exit_code == 0
    from stance.statement import OUTPUT_COLUMNS

    text = render([], list(OUTPUT_COLUMNS), fmt)
    assert result.stdout == (text if text.endswith("\n") else text + "\n")


def test_an_input_error_leaves_no_output_file(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("“We condemn the launch in the strongest terms,” the minister said.\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{broken\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(good), str(bad), "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 1 and "line 2: invalid JSON" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "good.txt"]  # no output, no temporary file


def test_speech_of_the_principal_counts_third_person_only_as_far_as_it_needs():
    """The third-person count stops once it outweighs the first person: the same answer as counting all."""
    import random

    from stance.extract import _FIRST_PERSON, _THIRD_PERSON, _speech_of_the_principal
    from stance.sources import Document

    rng = random.Random(5)
    pieces = [
        "I believe we must act.",
        "Our people are strong.",
        "The President said the talks went well.",
        "he said it was over.",
        "Volodymyr Zelenskyy thanked partners.",
        "President of Ukraine Volodymyr Zelenskyy spoke.",
    ]
    for _ in range(200):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        document = Document(text=text, source="a.jsonl", speaker="Office of the President of Ukraine")
        first, third = len(_FIRST_PERSON.findall(text)), len(_THIRD_PERSON.findall(text))
        found = _speech_of_the_principal(document, "Office of the President of Ukraine")
        if first < 3 or first < 4 * third:
            assert found is None, text
        else:
            assert found in ("the President of Ukraine", "President of Ukraine Volodymyr Zelenskyy"), text


def test_names_after_title_finds_what_findall_finds():
    import random
    import re

    from stance.extract import _names_after_title

    rng = random.Random(11)
    pieces = [
        "President of Ukraine",
        "Prime Minister of Japan",
        "Office of the ",
        "Volodymyr",
        "Zelenskyy",
        "Fumio",
        "Kishida",
        " ",
        "\t",
        "\n",
        "the",
        "said",
        "x",
        "_",
        "é",
        "Head of the Office of the President of Ukraine Andriy Yermak",
    ]
    for title in ("President of Ukraine", "Prime Minister of Japan"):
        pattern = re.compile(rf"(?<!Office of the )\b{title}[ \t]+([A-Z][\w'’-]+[ \t]+[A-Z][\w'’-]+)\b")
        for _ in range(500):
            text = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(0, 16)))
            assert _names_after_title(title, text) == pattern.findall(text), text
    assert _names_after_title("Prime Minister of Japan", "Office of the Prime Minister of Japan Prime Minister of Japan Fumio Kishida") == [
        "Fumio Kishida"
    ]
