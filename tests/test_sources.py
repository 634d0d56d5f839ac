"""Reading inputs: plain text, JSON, JSONL, stdin, bad bytes."""

import json

import pytest

from stance.sources import FieldMap, InputError, decode_bytes, front_matter, read_documents


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
