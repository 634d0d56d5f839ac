"""The interactive labeller, driven by scripted key presses: decisions, undo, quit, resume, crash."""

import csv

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.labeller import key_map

POOL = [
    ("p1", "We condemn the launch in the strongest terms."),
    ("p2", "The drills are routine and purely defensive."),
    ("p3", "We remain open to talks without preconditions."),
    ("p4", "Our commitment to our allies is ironclad."),
    ("p5", "The meeting will take place on Tuesday."),
]


@pytest.fixture
def setup(tmp_path, trained_model_dir):
    pool = tmp_path / "pool.csv"
    with open(pool, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "speaker", "source"])
        writer.writerows([i, t, "Ned Price", "test"] for i, t in POOL)
    labels = tmp_path / "labels"
    labels.mkdir()
    out = labels / "new.csv"

    def run(keys: str):
        args = ["label", str(pool), "--out", str(out), "--labels", str(labels), "--model", str(trained_model_dir), "--annotator", "tester"]
        return CliRunner().invoke(cli, args, input=keys)

    def rows():
        return list(csv.DictReader(open(out, encoding="utf-8"))) if out.exists() else []

    return run, rows


def test_key_map_avoids_reserved_keys():
    assert key_map(["condemning", "downplaying", "open_to_dialogue", "reassuring", "threatening", "neutral"]) == {
        "c": "condemning",
        "d": "downplaying",
        "o": "open_to_dialogue",
        "r": "reassuring",
        "t": "threatening",
        "n": "neutral",
    }
    assert "s" not in key_map(["skip", "stop"]) and "q" not in key_map(["quit"])


def test_label_undo_quit_and_resume(setup):
    run, rows = setup
    # p1: condemning/firm; p2: skip; p3: open/conciliatory; undo p3; p3 again: open/neutral; quit
    result = run("cf" + "s" + "oc" + "u" + "on" + "q")
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["stance"], r["tone"]) for r in rows()] == [("p1", "condemning", "firm"), ("p3", "open_to_dialogue", "neutral")]
    assert all(r["labelled_by"] == "tester:read" for r in rows())
    assert "We condemn the launch" in result.output and "model stance:" in result.output
    # resume: p1 and p3 are not shown again; p2 (skipped) is; Enter accepts the suggestions
    result = run("\r\r" + "q")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in rows()] == ["p1", "p3", "p2"]
    assert rows()[-1]["notes"] == "accepted the model's suggestion"
    assert "We condemn the launch" not in result.output


def test_crash_in_the_middle_loses_nothing(setup, monkeypatch):
    import stance.labeller

    run, rows = setup
    original = stance.labeller.LabelFile.append
    calls = {"n": 0}

    def append_then_crash(self, record):
        original(self, record)
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the terminal dies after the second decision is written

    monkeypatch.setattr(stance.labeller.LabelFile, "append", append_then_crash)
    run("cf" + "dn" + "oc")
    assert [r["id"] for r in rows()] == ["p1", "p2"]
    monkeypatch.setattr(stance.labeller.LabelFile, "append", original)
    result = run("rf" + "q")
    assert result.exit_code == 0
    assert [r["id"] for r in rows()] == ["p1", "p2", "p3"]


def test_statements_labelled_elsewhere_are_not_shown(setup, tmp_path):
    run, rows = setup
    with open(tmp_path / "labels" / "old.csv", "w", encoding="utf-8") as handle:
        handle.write("id,text,stance,tone\nx9,We condemn the launch in the strongest terms.,condemning,firm\n")
    result = run("q")
    assert "We condemn the launch" not in result.output and "1 of 4" in result.output


# --- the label file: locked, in its own column order, after a missing final newline ----------


def test_a_second_session_on_the_same_file_is_refused(setup, tmp_path):
    from stance.labeller import LabelFile

    run, rows = setup
    held = LabelFile(tmp_path / "labels" / "new.csv", ["stance", "tone"])  # another `stance label` holds it
    try:
        result = run("cf" + "q")
        assert result.exit_code == 1 and "another `stance label` session" in result.output
    finally:
        held.close()
    assert rows() == []
    assert run("cf" + "q").exit_code == 0 and [r["id"] for r in rows()] == ["p1"]


def test_appends_follow_the_files_own_columns_and_missing_newline(setup, tmp_path):
    run, rows = setup
    out = tmp_path / "labels" / "new.csv"
    out.write_bytes(b"tone,notes,id,stance,text\r\nfirm,kept,x1,condemning,An old row without a final line break")
    result = run("cf" + "u" + "dn" + "q")  # label p1, undo it, label it again
    assert result.exit_code == 0, result.output
    assert "no column speaker" in result.output  # what this file cannot hold is said, not misplaced
    assert out.read_bytes().startswith(b"tone,notes,id,stance,text\r\nfirm,kept,x1,condemning,An old row without a final line break\r\n")
    assert [(r["id"], r["stance"], r["tone"], r["text"][:9]) for r in rows()] == [
        ("x1", "condemning", "firm", "An old ro"),
        ("p1", "downplaying", "neutral", "We condem"),
    ]
    from stance.labels import check_labels, load_labels

    assert check_labels([out]) == []
    assert load_labels([out])["id"].tolist() == ["x1", "p1"]


def test_undo_restores_the_file_exactly(setup, tmp_path):
    run, _ = setup
    out = tmp_path / "labels" / "new.csv"
    before = b"id,text,stance,tone\nx1,Old row,neutral,neutral"
    out.write_bytes(before)
    assert run("cf" + "u" + "q").exit_code == 0
    assert out.read_bytes() == before


def test_a_file_without_the_label_columns_is_refused(setup, tmp_path):
    run, _ = setup
    out = tmp_path / "labels" / "new.csv"
    out.write_text("id,comment\n1,hello\n")
    result = run("cf" + "q")
    assert result.exit_code == 1 and "no column text, stance, tone" in result.output
    assert out.read_text() == "id,comment\n1,hello\n"


def test_statements_that_look_like_formulas_are_saved_as_text(tmp_path, trained_model_dir):
    from stance.labels import load_labels

    pool = tmp_path / "pool.csv"
    pool.write_text('id,text\nf1,"=HYPERLINK(""http://x"",""We condemn it"")"\n', encoding="utf-8")
    out = tmp_path / "new.csv"
    args = ["label", str(pool), "--out", str(out), "--labels", str(tmp_path / "none"), "--model", str(trained_model_dir)]
    assert CliRunner().invoke(cli, args, input="cf" + "q").exit_code == 0
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")  # a spreadsheet shows text
    assert load_labels([out])["text"].tolist() == ['=HYPERLINK("http://x","We condemn it")']  # stance reads what was labelled


def test_the_card_shows_control_characters_as_escapes(tmp_path, trained_model_dir):
    pool = tmp_path / "pool.csv"
    hidden = "We welcome talks.\r\x1b[2KWe condemn the launch.\u202e"
    with open(pool, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "text", "speaker"], ["c1", hidden, "Ned\n\n  We welcome talks.\x1b[31m"]])
    args = ["label", str(pool), "--out", str(tmp_path / "new.csv"), "--labels", str(tmp_path / "none"), "--model", str(trained_model_dir)]
    result = CliRunner().invoke(cli, args, input="q")
    assert "\x1b" not in result.output and "\r" not in result.output and "\u202e" not in result.output
    assert "We welcome talks.\\r\\x1b[2KWe condemn the launch.\\u202e" in result.output
    assert "speaker: Ned\\n\\n  We welcome talks.\\x1b[31m" in result.output  # no fake statement line
