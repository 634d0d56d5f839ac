"""Reading inputs: plain text, JSON, JSONL, stdin, bad bytes."""

import json
import warnings

import pytest

from stance.sources import FieldMap, InputError, decode_bytes, front_matter, read_documents, speaks_in_first_person, un_debate_speaker


def test_jsonl_text_field_auto_and_explicit(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"doc_id": "d1", "body": "x", "story_text": "Hello there."}) + "\n", encoding="utf-8")
    [doc] = read_documents([str(path)])
    assert doc.text == "Hello there." and doc.record == "d1"
    [doc] = read_documents([str(path)], FieldMap(text="body"))
    assert doc.text == "x"


def test_missing_text_field_names_the_record(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"a": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"c.jsonl: record 1 has no text field.*--text-field"):
        list(read_documents([str(path)]))


def test_invalid_json_line_is_named(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ok"}\n{broken\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: invalid JSON"):
        list(read_documents([str(path)]))


def test_folder_and_stdin(tmp_path):
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "b.md").write_text("Two.", encoding="utf-8")
    docs = list(read_documents([str(tmp_path), "-"], stdin_text="Three."))
    assert [d.text for d in docs] == ["One.", "Two.", "Three."]


def test_binary_and_non_utf8():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x00\x01\x02", "f.bin")
    with pytest.raises(InputError, match="not utf-8"):
        decode_bytes("é".encode("latin-1") * 50, "f.txt")
    assert decode_bytes(b"\xef\xbb\xbfHello", "bom.txt") == "Hello"


def test_missing_path():
    with pytest.raises(InputError, match="no such file"):
        list(read_documents(["/nonexistent/file.txt"]))


def test_front_matter():
    text = "---\ntitle: \"Press Briefing by Press Secretary Karine\\_Jean-Pierre\"\ndate: '2024-10-16'\n---\nBody"
    meta = front_matter(text)
    assert meta["title"] == "Press Briefing by Press Secretary Karine Jean-Pierre" and meta["date"] == "2024-10-16"


def test_empty_records_are_skipped_with_a_count(tmp_path):
    path = tmp_path / "c.json"
    records = [{"headline": "A", "story_text": "One."}, {"headline": "B", "story_text": ""}, {"headline": "C", "story_text": None}]
    path.write_text(json.dumps(records), encoding="utf-8")
    with pytest.warns(UserWarning, match=r"c.json: skipped 2 records with an empty text field"):
        docs = list(read_documents([str(path)]))
    assert [d.text for d in docs] == ["One."]


@pytest.mark.parametrize(
    "record, texts",
    [
        ({"title": "Briefing by X", "text": "Briefing by X"}, []),  # only its title
        ({"question": "None", "answer": "We hope for peace."}, ["We hope for peace."]),  # 'None' is no question
        ({"question": "Any comment?", "answer": ""}, ["Any comment?"]),
    ],
)
def test_records_without_statements(tmp_path, record, texts):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert [d.text for d in read_documents([str(path)])] == texts


def test_a_record_without_any_text_field_is_still_an_error(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"a": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match="no text field"):
        list(read_documents([str(path)]))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("PRK_77_2022.txt", ("Delegation of the Democratic People's Republic of Korea", "DPRK", "2022")),
        ("USA_79_2024.txt", ("Delegation of the United States of America", "US", "2024")),
        ("FRA_70_2015.txt", ("Delegation of France", "other_state", "2015")),
        ("XYZ_70_2015.txt", None),
        ("notes.txt", None),
    ],
)
def test_un_debate_file_names(name, expected):
    assert un_debate_speaker(name) == expected


@pytest.mark.parametrize(
    "speaker, text, own_words",
    [
        ("Oleksiy Arestovych (adviser to the Head of the Office of the President)", "We will hold the line.", True),
        ("Volodymyr Zelenskyy (President of Ukraine)", "President Volodymyr Zelenskyy met the guards.", False),
        ("Office of the President of Ukraine (press service)", "The President met the guards.", False),
        ("A (adviser); B (minister)", "We will hold the line.", False),
    ],
)
def test_a_record_by_one_person_is_that_persons_own_words(speaker, text, own_words):
    assert speaks_in_first_person(speaker, text) is own_words


def test_a_speakers_country_field_gives_the_side(tmp_path):
    path = tmp_path / "v.jsonl"
    path.write_text(
        json.dumps({"id": "1", "speaker": "Denys Shmyhal (Prime Minister of Ukraine)", "country": "UA", "text": "We stand."}) + "\n"
    )
    [doc] = read_documents([str(path)])
    assert (doc.side, doc.kind) == ("Ukraine", "turn")
