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
