"""Transcripts, JSON corpora and author statements."""

from stance.extract import ExtractOptions, extract_statements, resolve_turn_speaker, statements_of
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


def test_kcna_story_is_the_agency_statement():
    statements = list(extract_statements(read_documents([str(DATA / "kcna.jsonl")])))
    authored = [s for s in statements if s.kind == "turn"]
    assert authored and all(s.speaker == "KCNA" and s.speaker_side == "DPRK" for s in authored)


def test_author_statements_can_be_switched_off():
    text = "Pyongyang, May 1 (KCNA) -- The drills are a grave provocation. They must stop."
    assert [s.text for s in statements_of(Document(text=text, source="k"))] == [
        "Pyongyang, May 1 (KCNA) -- The drills are a grave provocation.",
        "They must stop.",
    ]
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
