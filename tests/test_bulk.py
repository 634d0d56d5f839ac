"""Bulk prediction writes exactly what the row-by-row path would, whatever the batching."""

from __future__ import annotations

import csv
import io

import pytest

from stance.bulk import write_rows
from stance.escaping import neutralise_formula
from stance.model import load_predictor
from stance.predict import classify_rows, prediction_columns, prediction_names


def dict_writer_csv(rows: list[dict], columns: list[str], keep_formulas: bool, delimiter: str = ",") -> str:
    """The plain way: csv.DictWriter, every cell through the formula guard, None as an empty cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", delimiter=delimiter, lineterminator="\r\n")
    guard = (lambda v: v) if keep_formulas else neutralise_formula
    writer.writerow({name: guard(name) for name in columns})
    writer.writerows({k: "" if v is None else guard(v) for k, v in row.items()} for row in rows)
    return out.getvalue().replace("\r\n", "\n")


ROWS = [
    {"id": 1, "text": '=HYPERLINK("x")', "score": -0.5, "note": None, "extra": "ignored"},
    {"id": "-3", "text": 'line\rbreak and, comma "quoted"', "score": 1e-17},
    {"id": 2, "text": "@user +1 -x", "score": 0.1 + 0.2, "note": "'=already"},
]


@pytest.mark.parametrize("keep_formulas", [False, True])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_rows_equal_the_dict_writer(keep_formulas, fmt):
    columns = ["id", "text", "score", "note", "-lead"]
    out = io.StringIO()
    writer = write_rows(out, ROWS[:1], fmt, None, columns, keep_formulas)
    write_rows(out, ROWS[1:], fmt, writer, columns, keep_formulas)
    assert out.getvalue() == dict_writer_csv(ROWS, columns, keep_formulas, "\t" if fmt == "tsv" else ",")


def test_classified_rows_equal_one_text_at_a_time(trained_model_dir):
    model = load_predictor(trained_model_dir)
    rows = [{"id": i, "text": text} for i, text in enumerate(["We condemn the launch.", "", "   ", "Nous condamnons.", "No talks, never."])]
    names = prediction_names(prediction_columns(model), ["id", "text"])
    together = classify_rows(model, rows, "text", 0.0, names)
    one_by_one = [classify_rows(model, [row], "text", 0.0, names)[0] for row in rows]
    assert [list(row) for row in together] == [list(row) for row in one_by_one]  # same columns, same order
    for a, b in zip(together, one_by_one, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key], abs=1e-12) if isinstance(a[key], float) else a[key] == b[key]
