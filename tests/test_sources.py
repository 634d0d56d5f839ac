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


# --- JSON lines read one line at a time ----------------------------------------


def _whole_file_documents(path, encoding="utf-8"):
    """The documents of a JSON-lines file read whole, as before streaming (the reference)."""
    from stance.sources import _documents_from_text

    text = decode_bytes(path.read_bytes(), str(path), encoding)
    return list(_documents_from_text(text, str(path), FieldMap(), suffix=path.suffix))


@pytest.mark.parametrize(
    "content",
    [
        b'{"text": "One."}\n{"text": "Two."}\n',
        b'{"text": "One."}\r\n\r\n{"text": "Two."}',  # CRLF, a blank line, no final line end
        b'{"text": "One."}\r{"text": "Two."}\r',  # old Mac line ends: a lone CR ends a line
        b'{"text": "A \\u2028 B"}\n  \n{"text": "\xc3\xa9t\xc3\xa9", "speaker": "Kim"}\n',
        b'{"text": ""}\n{"text": "Kept."}\n',
    ],
)
def test_jsonl_read_line_by_line_equals_read_whole(tmp_path, content):
    import stance.sources

    path = tmp_path / "c.jsonl"
    path.write_bytes(content)
    assert stance.sources._streams_lines(path, "utf-8")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert list(read_documents([str(path)])) == _whole_file_documents(path)


def test_jsonl_read_line_by_line_names_the_same_lines(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"text": "ok"}\r{"text": "ok"}\n{broken\n')
    with pytest.raises(InputError, match="c.jsonl: line 3: invalid JSON"):
        list(read_documents([str(path)]))
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"c.jsonl, line 2: not utf-8 text"):
        list(read_documents([str(path)]))


def test_jsonl_is_read_lazily_and_a_json_list_whole(tmp_path):
    import stance.sources

    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"text": f"Statement {i}."}) + "\n" for i in range(3)) + "{broken\n", encoding="utf-8")
    documents = read_documents([str(path)])
    assert next(documents).text == "Statement 0."  # before the broken last line is read
    listed = tmp_path / "l.json"
    listed.write_text(json.dumps([{"text": "One."}]), encoding="utf-8")
    assert not stance.sources._streams_lines(listed, "utf-8") and [d.text for d in read_documents([str(listed)])] == ["One."]
    assert not stance.sources._streams_lines(path, "utf-16")


def test_jsonl_over_the_whole_file_cap_is_read(tmp_path, monkeypatch):
    import stance.sources

    monkeypatch.setattr(stance.sources, "MAX_INPUT_BYTES", 100)
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"text": f"Statement {i}."}) + "\n" for i in range(20)), encoding="utf-8")
    assert len(list(read_documents([str(path)]))) == 20  # 500 bytes: no single line is over the cap
    path.write_text(json.dumps({"text": "x" * 200}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: more than"):
        list(read_documents([str(path)]))
