"""Every command through click's CliRunner: output and exit codes."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from stance.cli import cli

from .conftest import DATA


@pytest.fixture
def runner():
    return CliRunner()


def test_help_and_version(runner):
    result = runner.invoke(cli, ["-h"])
    assert result.exit_code == 0 and "predict" in result.output
    assert runner.invoke(cli, ["--version"]).exit_code == 0


def test_extract_formats(runner):
    seed = str(DATA / "seeds" / "003_59bafc5653eb4eee.txt")
    table = runner.invoke(cli, ["extract", seed])
    assert table.exit_code == 0 and "Kirby" in table.output
    jsonl = runner.invoke(cli, ["extract", seed, "--format", "jsonl"])
    rows = [json.loads(line) for line in jsonl.output.splitlines()]
    text = (DATA / "seeds" / "003_59bafc5653eb4eee.txt").read_text(encoding="utf-8")
    assert len(rows) == 8 and all(text[r["start"] : r["end"]] == r["text"] for r in rows)
    csv = runner.invoke(cli, ["extract", seed, "--format", "csv"])
    assert csv.output.splitlines()[0].startswith("id,text,speaker,speaker_resolved,speaker_side,cue,kind,source")


def test_extract_stdin_and_jsonl_field(runner, tmp_path):
    result = runner.invoke(cli, ["extract", "-", "--format", "jsonl"], input="“We will respond,” the spokesman said.")
    assert json.loads(result.output)["speaker"] == "the spokesman"
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "1", "body": "“Talks must resume,” the envoy said."}) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path), "--text-field", "body", "--format", "jsonl"])
    assert json.loads(result.output)["text"] == "Talks must resume"
    missing = runner.invoke(cli, ["extract", str(path), "--text-field", "nope"])
    assert missing.exit_code == 1 and "no field 'nope'" in missing.output


def test_extract_writes_atomically_and_refuses_overwrite(runner, tmp_path):
    seed = str(DATA / "seeds" / "003_59bafc5653eb4eee.txt")
    out = tmp_path / "out.csv"
    assert runner.invoke(cli, ["extract", seed, "--format", "csv", "-o", str(out)]).exit_code == 0
    before = out.read_text()
    again = runner.invoke(cli, ["extract", seed, "--format", "csv", "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output and out.read_text() == before
    assert runner.invoke(cli, ["extract", seed, "--format", "csv", "-o", str(out), "--force"]).exit_code == 0


def test_extract_evaluate_gold(runner):
    result = runner.invoke(cli, ["extract", "--evaluate", str(DATA / "gold")])
    assert result.exit_code == 0 and "speaker accuracy" in result.output


def test_labels_check_and_agreement(runner, sample_labels, tmp_path):
    assert runner.invoke(cli, ["labels", "check", str(sample_labels)]).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text,stance,tone\n1,Text.,angry,firm\n", encoding="utf-8")
    result = runner.invoke(cli, ["labels", "check", str(bad)])
    assert result.exit_code == 1 and "bad.csv, row 2: unknown stance 'angry'" in result.output
    frame = pd.read_csv(sample_labels, dtype=str, keep_default_na=False)
    other = frame.copy()
    other.loc[:9, "stance"] = "neutral"
    second = tmp_path / "b.csv"
    other.to_csv(second, index=False)
    result = runner.invoke(cli, ["labels", "agreement", str(sample_labels), str(second)])
    assert result.exit_code == 0 and "Cohen's kappa" in result.output and "tone: 270 shared rows, agreement 1.000" in result.output


def test_train_evaluate_predict(runner, sample_labels, tmp_path):
    out = tmp_path / "model"
    result = runner.invoke(cli, ["train", str(sample_labels), "--out", str(out), "--folds", "3", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "model.joblib").exists() and (out / "model_card.json").exists()
    card = json.loads((out / "model_card.json").read_text())
    assert card["metrics"]["stance"]["macro_f1"] > card["metrics"]["stance"]["baseline_macro_f1"]
    again = runner.invoke(cli, ["train", str(sample_labels), "--out", str(out)])
    assert again.exit_code == 1 and "--force" in again.output

    evaluation = runner.invoke(cli, ["evaluate", str(sample_labels), "--folds", "3", "--split-by", "document"])
    assert evaluation.exit_code == 0 and "majority baseline" in evaluation.output and "grouped by document" in evaluation.output

    prediction = runner.invoke(cli, ["predict", "We condemn the launch.", "--model", str(out), "--format", "json"])
    [row] = json.loads(prediction.output)
    assert row["stance"] in card["targets"]["stance"]["labels"] and "tone_p_firm" in row

    statements = tmp_path / "in.csv"
    pd.DataFrame({"doc": ["a", "b"], "sentence": ["We condemn it.", "Talks are welcome."]}).to_csv(statements, index=False)
    result = runner.invoke(
        cli, ["predict", "--input", str(statements), "--text-column", "sentence", "--model", str(out), "--format", "csv"]
    )
    frame = pd.read_csv(pd.io.common.StringIO(result.output))
    assert list(frame.columns[:5]) == ["doc", "sentence", "stance", "stance_p", "stance_p_condemning"] and len(frame) == 2

    lines = runner.invoke(cli, ["predict", "--model", str(out), "--format", "jsonl"], input="One statement.\n\nAnother one.\n")
    assert len(lines.output.splitlines()) == 2


def test_predict_errors(runner, trained_model_dir, tmp_path):
    missing = runner.invoke(cli, ["predict", "x", "--model", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "no such model folder" in missing.output
    path = tmp_path / "in.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    wrong = runner.invoke(cli, ["predict", "--input", str(path), "--model", str(trained_model_dir)])
    assert wrong.exit_code == 1 and "no column 'text'" in wrong.output
    empty = runner.invoke(cli, ["predict", "  ", "--model", str(trained_model_dir)])
    assert empty.exit_code == 1 and "empty" in empty.output


PREDICT_THEN_LIST_HEAVY_MODULES = """
import sys
from click.testing import CliRunner
from stance.cli import cli
for args in (["predict", "The launch is a provocation."], ["predict", "--input", sys.argv[1], "--format", "csv"]):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
print(" ".join(m for m in ("sklearn", "pandas", "scipy", "joblib") if m in sys.modules))
"""


def test_predicting_with_the_shipped_model_imports_neither_scikit_learn_nor_pandas(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,text\n1,We condemn the launch.\n2,We remain open to dialogue.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", PREDICT_THEN_LIST_HEAVY_MODULES, str(path)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_evaluate_report_and_tune(runner, sample_labels, tmp_path, small_grid):
    report = tmp_path / "evaluation"
    result = runner.invoke(
        cli, ["evaluate", str(sample_labels), "--folds", "2", "--target", "stance", "--learning-curve", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in report.iterdir()} == {"evaluation.md", "evaluation.html", "confusion_stance.svg", "learning_curve_stance.svg"}
    assert "Evaluating" not in result.output  # no progress bar when standard error is not a terminal
    assert "<th class=num>open_to_dialogue</th>" in (report / "evaluation.html").read_text()  # headers in full
    assert "![confusion matrix](confusion_stance.svg)" in (report / "evaluation.md").read_text()
    params = tmp_path / "params.json"
    result = runner.invoke(cli, ["tune", str(sample_labels), "--target", "stance", "--no-nested", "--jobs", "1", "--out", str(params)])
    assert result.exit_code == 0, result.output
    chosen = json.loads(params.read_text())["stance"]
    model = tmp_path / "tuned"
    result = runner.invoke(
        cli, ["train", str(sample_labels), "--target", "stance", "--params", str(params), "--out", str(model), "--folds", "0"]
    )
    assert result.exit_code == 0, result.output
    card = json.loads((model / "model_card.json").read_text())
    assert card["parameters"]["per_target"]["stance"]["C"] == chosen["C"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"stance": {"gamma": 1}}')
    result = runner.invoke(cli, ["train", str(sample_labels), "--params", str(bad), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "unknown parameters gamma" in result.output


def test_bulk_prediction_streams_and_matches(runner, trained_model_dir, sample_labels, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    args = ["predict", "--input", str(sample_labels), "--model", str(trained_model_dir), "--format", "jsonl"]
    assert runner.invoke(cli, args + ["-o", str(one)]).exit_code == 0
    assert runner.invoke(cli, args + ["-o", str(two), "--jobs", "2"]).exit_code == 0
    assert one.read_text() == two.read_text()
    streamed = [json.loads(line) for line in one.read_text().splitlines()]
    frame = pd.read_csv(sample_labels, dtype=str, keep_default_na=False)
    assert len(streamed) == len(frame) and streamed[0]["id"] == frame["id"][0]
    texts = frame["text"].tolist()[:5]
    direct = runner.invoke(cli, ["predict", *texts, "--model", str(trained_model_dir), "--format", "json"])
    assert [r["stance"] for r in json.loads(direct.output)] == [r["stance"] for r in streamed[:5]]
    missing = runner.invoke(cli, args + ["--text-column", "nope"])
    assert missing.exit_code == 1 and "no column 'nope'" in missing.output


SEED = DATA / "seeds" / "003_59bafc5653eb4eee.txt"


def test_tables_cut_long_text_unless_wide(runner):
    rows = json.loads(runner.invoke(cli, ["extract", str(SEED), "--format", "json"]).output)
    longest = max((" ".join(r["text"].split()) for r in rows), key=len)
    cut, wide = runner.invoke(cli, ["extract", str(SEED)]), runner.invoke(cli, ["extract", str(SEED), "--wide"])
    assert len(longest) > 60 and longest not in cut.output and longest in wide.output
    assert cut.output.split("\n", 1)[0].split()[:4] == ["id", "speaker", "speaker_resolved", "speaker_side"]


def test_predict_adds_the_top_probability_and_keeps_numbers_through_csv_and_tsv(runner, trained_model_dir, tmp_path):
    model = ["--model", str(trained_model_dir)]
    extracted = runner.invoke(cli, ["extract", str(SEED), "--format", "csv"]).output
    piped = runner.invoke(cli, ["predict", "--input", "-", *model, "--format", "jsonl"], input=extracted)
    rows = [json.loads(line) for line in piped.output.splitlines()]
    assert len(rows) == 8 and all(isinstance(r["start"], int) and isinstance(r["end"], int) for r in rows)
    for row in rows:
        assert row["stance_p"] == max(v for k, v in row.items() if k.startswith("stance_p_")) == row[f"stance_p_{row['stance']}"]
    path = tmp_path / "statements.csv"
    path.write_text(extracted, encoding="utf-8")
    streamed = runner.invoke(cli, ["predict", "--input", str(path), *model, "--format", "jsonl"])
    assert [json.loads(line) for line in streamed.output.splitlines()] == rows
    tsv = tmp_path / "statements.tsv"
    tsv.write_text(runner.invoke(cli, ["extract", str(SEED), "--format", "tsv"]).output, encoding="utf-8")
    from_file = runner.invoke(cli, ["predict", "--input", str(tsv), *model, "--format", "tsv"])
    table = pd.read_csv(pd.io.common.StringIO(from_file.output), sep="\t")
    assert table["id"].tolist() == [r["id"] for r in rows] and table["stance_p"].round(9).tolist() == [
        round(r["stance_p"], 9) for r in rows
    ]
    from_stdin = runner.invoke(cli, ["predict", "--input", "-", *model, "--format", "tsv"], input=tsv.read_text(encoding="utf-8"))
    assert from_stdin.output == from_file.output
    shown = runner.invoke(cli, ["predict", "We condemn the launch.", *model])
    assert shown.output.split("\n", 1)[0].split() == ["text", "stance", "stance_p", "tone", "tone_p"]


def test_source_paths_are_kept_as_given(runner, monkeypatch):
    monkeypatch.chdir(DATA)
    for given in ("seeds/003_59bafc5653eb4eee.txt", str(SEED)):
        result = runner.invoke(cli, ["extract", given, "--format", "jsonl"])
        assert {json.loads(line)["source"] for line in result.output.splitlines()} == {given}
    result = runner.invoke(cli, ["extract", "seeds", "--format", "jsonl"])
    assert all(json.loads(line)["source"].startswith("seeds/") for line in result.output.splitlines())
