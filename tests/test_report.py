"""Aggregates checked against hand-computed ones; the page parsed as HTML: structure, counts,
minimum-n marking, escaping, CSV downloads, provenance; it loads nothing from the network."""

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.report import aggregate, aggregate_rows, chart_rows, period_of, render_html, wilson_interval

from .conftest import DATA


def _row(id_, side, resolved, date, stance, p, text=None, **extra):
    text = text or f"Statement number {id_} says something about the launch."
    return {
        "id": id_,
        "text": text,
        "speaker_side": side,
        "speaker_resolved": resolved,
        "date": date,
        "stance": stance,
        f"stance_p_{stance}": p,
        **extra,
    }


ROWS = [
    _row("1", "US", "Ned Price", "2021-03-02", "condemning", 0.9),
    _row("2", "US", "Ned Price", "2021-07-09", "condemning", 0.6),
    _row("3", "US", "John Kirby", "2021-11-30", "reassuring", 0.8),
    _row("4", "US", "John Kirby", "2022-01-05", "open_to_dialogue", 0.7),
    _row("5", "DPRK", "KCNA", "2022-02-01", "threatening", 0.95),
    _row("6", "DPRK", "KCNA", None, "condemning", 0.5),
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


class Page(HTMLParser):
    """The parts of the report page the tests read: bars, side rows, links, table cells, text."""

    def __init__(self, page: str):
        super().__init__()
        self.bars, self.links, self.n_labels, self.cells, self.text = [], [], [], [], []
        self.tags, self._bar, self._n, self._cell = [], None, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        classes = (attrs.get("class") or "").split()
        if tag == "g" and "bar" in classes:
            self._bar = {**attrs, "hollow": "hollow" in classes, "count_text": "", "rects": []}
        elif tag == "rect" and self._bar is not None:
            self._bar["rects"].append(attrs)
        elif tag == "text" and "n" in classes:
            self._n = {"low": "low-n" in classes, "text": ""}
        elif tag == "text" and "count" in classes and self._bar is not None:
            self._bar["in_count"] = True
        elif tag == "a":
            self.links.append(attrs)
        elif tag == "td":
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "g" and self._bar is not None:
            self.bars.append(self._bar)
            self._bar = None
        elif tag == "text" and self._n is not None:
            self.n_labels.append(self._n)
            self._n = None
        elif tag == "text" and self._bar is not None:
            self._bar["in_count"] = False
        elif tag == "td" and self._cell is not None:
            self.cells.append(self._cell)
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._bar is not None and self._bar.get("in_count"):
            self._bar["count_text"] += data
        if self._n is not None:
            self._n["text"] += data
        if self._cell is not None:
            self._cell += data

    def bar(self, target, period, side, label):
        found = [
            b for b in self.bars if (b["data-target"], b["data-period"], b["data-side"], b["data-label"]) == (target, period, side, label)
        ]
        assert len(found) == 1, (target, period, side, label)
        return found[0]


def _page(rows=ROWS, **kwargs) -> tuple[str, Page]:
    page = render_html([r for r in rows if r["stance"]], {"stance": LABELS}, "year", "Test", **kwargs)
    return page, Page(page)


def test_periods():
    assert period_of("2021-03-02", "year") == "2021" and period_of("2021-03-02", "month") == "2021-03"
    assert period_of(None, "year") == "unknown" and period_of("n/a", "month") == "unknown"
    assert period_of("Sun, 23 May 2021 15:30:07 +0000", "month") == "2021-05" and period_of("17 Dec 2021", "year") == "2021"


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
    assert rows[("US", "2021")]["examples"].startswith("1: Statement number 1")  # the most confident condemning statement first


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


def test_speaker_is_the_canonical_name_else_as_written():
    rows = [
        _row("1", "US", "Antony Blinken", "2021", "condemning", 0.9, speaker="Secretary Blinken"),
        _row("2", "US", None, "2021", "condemning", 0.9, speaker="Blinken"),
    ]
    assert set(aggregate(rows, "stance", ("speaker",), "year")) == {("Antony Blinken",), ("Blinken",)}


@pytest.mark.parametrize(
    "count, total, low, high",
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (1, 1, 0.2065, 1.0), (0, 0, 0.0, 1.0)],
)
def test_wilson_interval(count, total, low, high):
    assert wilson_interval(count, total) == pytest.approx((low, high), abs=1e-4)


def test_page_is_self_contained():
    page, parsed = _page()
    assert not re.search(r"<script|<link|<iframe|<img|@import|url\(\s*['\"]?https?:|\bsrc\s*=", page, re.IGNORECASE)
    assert all(link["href"].startswith(("data:text/csv", "#")) for link in parsed.links)
    assert "<svg" in page and "Ned Price" in page


def test_page_compares_sides_with_counts_on_every_bar():
    _, page = _page(min_n=3)
    us_all = page.bar("stance", "all", "US", "condemning")
    assert (us_all["data-count"], us_all["data-n"], us_all["count_text"]) == ("2", "4", "2") and not us_all["hollow"]
    assert page.bar("stance", "all", "US", "threatening")["count_text"] == "0"  # zero bars are labelled too
    assert page.bar("stance", "2021", "US", "reassuring")["count_text"] == "1"
    for bar in page.bars:  # every bar shows its count; the filled width is its share on the common scale
        assert bar["count_text"] == bar["data-count"]
        if int(bar["data-count"]):
            assert float(bar["rects"][0]["width"]) == pytest.approx(56 * int(bar["data-count"]) / int(bar["data-n"]), abs=0.06)
    sides_in_order = [b["data-side"] for b in page.bars if b["data-period"] == "all" and b["data-label"] == "condemning"]
    assert sides_in_order == ["US", "DPRK"]  # most statements first, in one chart


def test_bars_under_min_n_are_hollow_and_marked():
    _, page = _page(min_n=3)
    dprk = [b for b in page.bars if b["data-side"] == "DPRK"]
    assert dprk and all(b["hollow"] for b in dprk)
    assert all(r.get("fill") == "#fff" for b in dprk for r in b["rects"])
    assert {"low": True, "text": "n=2"} in page.n_labels and {"low": False, "text": "n=4"} in page.n_labels
    assert not page.bar("stance", "all", "US", "condemning")["hollow"]
    _, default = _page()  # --min-n 10 by default: every bar here rests on fewer
    assert all(b["hollow"] for b in default.bars)


def test_markup_in_statements_and_speakers_is_escaped():
    evil = "<script>alert('x')</script> We condemn the launch & its <b>makers</b> \"loudly\"."
    rows = ROWS[:6] + [_row("8", "<i>side</i>", "<img src=x onerror=alert(1)>", "2022-03-01", "condemning", 0.99, text=evil)]
    page, parsed = _page(rows)
    assert "<script" not in page and "<img" not in page and "<i>side" not in page
    assert evil in parsed.cells  # shown as text, exactly
    assert "<img src=x onerror=alert(1)>" in parsed.cells and "<i>side</i>" in "".join(parsed.text)


def test_examples_skip_scare_quotes():
    rows = [
        _row("1", "US", "Ned Price", "2021", "condemning", 0.99, text="provocative"),
        _row("2", "US", "Ned Price", "2021", "condemning", 0.6, text="We condemn this launch in the strongest terms."),
    ]
    _, page = _page(rows)
    assert "We condemn this launch in the strongest terms." in page.cells and "provocative" not in page.cells
    assert aggregate_rows(aggregate(rows, "stance", ("side",), "year"), "stance", ("side",), LABELS)[0]["examples"].startswith("2:")


def test_source_is_short_with_the_full_reference_on_hover():
    source = "/data/corpora/stiles__north-korea-news/kcna_statements_external.jsonl"
    rows = [
        _row(
            "1",
            "DPRK",
            "KCNA",
            "2024",
            "threatening",
            0.9,
            source=source,
            record="http://www.kcna.kp/en/article/q/abc.kcmsf",
            start=5,
            end=90,
        )
    ]
    page, parsed = _page(rows)
    assert "kcna_statements_external.jsonl #kcna.kp/…" in parsed.cells
    assert re.search(r'<abbr title="/data/corpora/stiles__north-korea-news/kcna_statements_external.jsonl, record http://www\.kcna', page)


def test_chart_numbers_download_as_csv():
    _, page = _page(min_n=3)
    links = {link["download"]: link["href"] for link in page.links if "download" in link}
    assert {"stance_by_side.csv", "stance_by_side_and_year.csv", "speakers.csv"} <= set(links)
    prefix = "data:text/csv;charset=utf-8,"
    rows = list(csv.DictReader(io.StringIO(unquote(links["stance_by_side.csv"][len(prefix) :]).lstrip("\ufeff"))))
    us = next(r for r in rows if r["side"] == "US" and r["label"] == "condemning")
    assert (us["count"], us["statements"], us["share"], us["fewer_than_min_n"]) == ("2", "4", "0.5", "False")
    assert float(us["ci95_low"]) == pytest.approx(wilson_interval(2, 4)[0], abs=1e-4)
    by_year = list(csv.DictReader(io.StringIO(unquote(links["stance_by_side_and_year.csv"][len(prefix) :]).lstrip("\ufeff"))))
    assert len(by_year) == len([r for r in chart_rows(ROWS, "stance", LABELS, "year", 3) if r["period"] != "all"])


def test_provenance_prefers_the_unseen_source_figure():
    metrics = {"split": "5-fold cross-validation grouped by group", "macro_f1": 0.6, "accuracy": 0.65, "per_class": {}}
    card = {
        "targets": {"stance": {"labels": LABELS}},
        "created": "2026-01-01T00:00:00",
        "data": {"rows": 100},
        "metrics": {"stance": metrics},
    }
    provenance = {"model": "models/default", "model_card": card, "command": "stance report a.jsonl --out r", "filters": {"--match": "Korea"},
                  "inputs": ["a.jsonl"], "generated": "2026-01-02 10:00 UTC", "version": "9.9"}  # fmt: skip
    page, parsed = _page(provenance=provenance)
    text = " ".join(parsed.text)
    assert "In-domain" in text and "macro-F1 0.60" in text and "stance report a.jsonl --out r" in text and "--match: Korea" in text
    assert "2026-01-02 10:00 UTC" in text and "9.9" in text and 'id="provenance"' in page
    card["unseen_sources"] = {"stance": {"split": "each of 9 sources held out in turn", "macro_f1": 0.45, "accuracy": 0.5}}
    text = " ".join(_page(provenance=provenance)[1].text)
    assert "macro-F1 0.45" in text and "unseen sources" in text


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
    assert all(Path(p["source"]).is_absolute() and p["source"].startswith(str(DATA)) for p in predictions)  # paths as given
    page = Page((out / "report.html").read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert "Provenance" in text and str(DATA / "kcna.jsonl") in text and "--by: month" in text and "models/default" in text
    total = page.bar("stance", "all", "DPRK", "condemning")
    assert int(total["data-count"]) == sum(1 for p in predictions if p["speaker_side"] == "DPRK" and p["stance"] == "condemning")
    again = CliRunner().invoke(cli, ["report", str(DATA / "seeds"), "--out", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
