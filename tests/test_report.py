"""Aggregates checked against hand-computed ones; the page loads nothing from the network."""

import csv
import re

from click.testing import CliRunner

from stance.cli import cli
from stance.report import aggregate, aggregate_rows, period_of, render_html

from .conftest import DATA

ROWS = [
    {
        "id": "1",
        "text": "a",
        "speaker_side": "US",
        "speaker_resolved": "Ned Price",
        "date": "2021-03-02",
        "stance": "condemning",
        "stance_p_condemning": 0.9,
    },
    {
        "id": "2",
        "text": "b",
        "speaker_side": "US",
        "speaker_resolved": "Ned Price",
        "date": "2021-07-09",
        "stance": "condemning",
        "stance_p_condemning": 0.6,
    },
    {
        "id": "3",
        "text": "c",
        "speaker_side": "US",
        "speaker_resolved": "John Kirby",
        "date": "2021-11-30",
        "stance": "reassuring",
        "stance_p_reassuring": 0.8,
    },
    {
        "id": "4",
        "text": "d",
        "speaker_side": "US",
        "speaker_resolved": "John Kirby",
        "date": "2022-01-05",
        "stance": "open_to_dialogue",
        "stance_p_open_to_dialogue": 0.7,
    },
    {
        "id": "5",
        "text": "e",
        "speaker_side": "DPRK",
        "speaker_resolved": "KCNA",
        "date": "2022-02-01",
        "stance": "threatening",
        "stance_p_threatening": 0.95,
    },
    {
        "id": "6",
        "text": "f",
        "speaker_side": "DPRK",
        "speaker_resolved": "KCNA",
        "date": None,
        "stance": "condemning",
        "stance_p_condemning": 0.5,
    },
    {
        "id": "7",
        "text": "g",
        "speaker_side": None,
        "speaker_resolved": None,
        "date": "2022-02-03",
        "stance": "",
        "stance_p_condemning": None,
    },
]
LABELS = ["condemning", "open_to_dialogue", "reassuring", "threatening"]


def test_periods():
    assert period_of("2021-03-02", "year") == "2021" and period_of("2021-03-02", "month") == "2021-03"
    assert period_of(None, "year") == "unknown" and period_of("n/a", "month") == "unknown"


def test_side_by_year_counts_and_shares():
    cells = aggregate(ROWS, "stance", ("side", "period"), "year")
    assert {key: dict(cell.counts) for key, cell in cells.items()} == {
        ("DPRK", "2022"): {"threatening": 1},
        ("DPRK", "unknown"): {"condemning": 1},
        ("US", "2021"): {"condemning": 2, "reassuring": 1},
        ("US", "2022"): {"open_to_dialogue": 1},
    }
    rows = {(r["side"], r["period"]): r for r in aggregate_rows(cells, "stance", ("side", "period"), LABELS)}
    assert rows[("US", "2021")]["statements"] == 3
    assert rows[("US", "2021")]["share_condemning"] == round(2 / 3, 4) and rows[("US", "2021")]["share_reassuring"] == round(1 / 3, 4)
    assert rows[("US", "2021")]["examples"].startswith("1: a")  # the most confident condemning statement first


def test_side_by_speaker_and_month():
    by_speaker = aggregate(ROWS, "stance", ("side", "speaker"), "year")
    assert by_speaker[("US", "Ned Price")].counts == {"condemning": 2}
    by_month = aggregate(ROWS, "stance", ("side", "period"), "month")
    assert set(by_month) == {
        ("US", "2021-03"),
        ("US", "2021-07"),
        ("US", "2021-11"),
        ("US", "2022-01"),
        ("DPRK", "2022-02"),
        ("DPRK", "unknown"),
    }


def test_page_is_self_contained():
    page = render_html([r for r in ROWS if r["stance"]], {"stance": LABELS}, "year", "Test")
    assert not re.search(r"(?:src|href)\s*=|https?://|@import|<script|<link|<iframe|<img", page, re.IGNORECASE)
    assert "<svg" in page and "Ned Price" in page


def test_report_command(tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["report", str(DATA / "seeds"), str(DATA / "kcna.jsonl"), "--out", str(out), "--by", "month"])
    assert result.exit_code == 0, result.output
    predictions = list(csv.DictReader(open(out / "predictions.csv", encoding="utf-8")))
    aggregates = list(csv.DictReader(open(out / "aggregates.csv", encoding="utf-8")))
    side_period = [a for a in aggregates if a["table"] == "side+period" and a["target"] == "stance"]
    assert sum(int(a["statements"]) for a in side_period) == sum(1 for p in predictions if p["stance"])
    for row in side_period:  # every aggregate equals a count over the predictions
        expected = sum(
            1
            for p in predictions
            if (p["speaker_side"] or "unknown") == row["side"]
            and p["stance"] == "condemning"
            and (p["date"][:7] if p["date"] else "unknown") == row["period"]
        )
        assert int(row["n_condemning"]) == expected
    again = CliRunner().invoke(cli, ["report", str(DATA / "seeds"), "--out", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
