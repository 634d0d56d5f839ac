"""Statement rows: integer columns read back from CSV."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.statement import typed_row


@pytest.mark.parametrize(("cell", "expected"), [("12", 12), (" -3 ", -3), ("0", 0)])
def test_whole_numbers_become_numbers_again(cell, expected):
    assert typed_row({"start": cell, "end": cell}) == {"start": expected, "end": expected}


@pytest.mark.parametrize("cell", ["²", "--5", "1.5", "", "٣", "12a", "-"])
def test_anything_else_stays_as_read(cell):
    assert typed_row({"start": cell, "text": "x"}) == {"start": cell, "text": "x"}


def test_predict_input_keeps_an_odd_offset_cell_as_text(trained_model_dir, tmp_path):
    source = tmp_path / "statements.csv"
    source.write_text("id,text,start,end\na,We condemn the launch.,²,--5\nb,We are ready to talk.,3,9\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["predict", "--input", str(source), "--model", str(trained_model_dir), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [(r["start"], r["end"]) for r in rows] == [("²", "--5"), (3, 9)]


def _document():
    from stance.sources import Document

    return Document(text="We will respond. He said so; “we act,” she said, “at once.”", source="/data/a.txt", record="3", date="2024-01-02")


@pytest.mark.parametrize("fragments", [((0, 16),), ((39, 45), (58, 66))])
def test_from_fragments_makes_the_statement_init_makes(fragments):
    """from_fragments fills the fields directly: the same statement as the dataclass's
    own constructor, equal, hashed alike, still frozen, the same row."""
    import dataclasses

    from stance.statement import Statement

    document = _document()
    made = Statement.from_fragments(document, fragments, speaker="Kim", resolved="Kim Jong Un", side="DPRK", cue="said", kind="direct")
    text = " ".join(document.text[s:e] for s, e in fragments)
    expected = Statement(
        text=text,
        speaker="Kim",
        speaker_resolved="Kim Jong Un",
        speaker_side="DPRK",
        cue="said",
        kind="direct",
        source="/data/a.txt",
        record="3",
        start=fragments[0][0],
        end=fragments[-1][1],
        fragments=fragments,
        date="2024-01-02",
    )
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert list(vars(made)) == [f.name for f in dataclasses.fields(Statement)]
    assert made.as_row() == expected.as_row()
    assert made.as_row()["fragments"] == ";".join(f"{s}-{e}" for s, e in fragments)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.text = "changed"  # type: ignore[misc]
    assert dataclasses.replace(made, speaker="Kim Yo Jong").speaker == "Kim Yo Jong"


def test_a_row_without_fragments_has_an_empty_fragments_cell():
    from stance.statement import Statement

    statement = Statement(
        text="x",
        speaker=None,
        speaker_resolved=None,
        speaker_side=None,
        cue=None,
        kind="turn",
        source="a",
        record="",
        start=0,
        end=1,
        fragments=(),
    )
    assert statement.as_row()["fragments"] == ""
