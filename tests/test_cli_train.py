"""`stance train`: tuning on the training data, worker processes, and its errors."""

import json

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.tune import GRID, combinations


@pytest.fixture
def runner():
    return CliRunner()


def test_tune_trains_and_the_card_records_the_choice(runner, sample_labels, tmp_path):
    out = tmp_path / "tuned"
    result = runner.invoke(cli, ["train", str(sample_labels), "--tune", "--jobs", "1", "--folds", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "stance: chose C=" in result.output and "validation macro-F1" in result.output
    card = json.loads((out / "model_card.json").read_text())
    tuning = card["tuning"]
    assert tuning["validation_rows"] > 0 and tuning["search_rows"] + tuning["validation_rows"] == card["data"]["rows"]
    for target in ("stance", "tone"):
        record = tuning["targets"][target]
        assert len(record["validation"]) == len(combinations(GRID))
        best = max(row["validation_macro_f1"] for row in record["validation"])
        assert record["validation_macro_f1"] == best
        # the saved model uses the chosen parameters
        for name, value in record["chosen"].items():
            assert card["parameters"]["per_target"][target][name] == value
    markdown = (out / "MODEL_CARD.md").read_text()
    assert "Tuned on a validation part" in markdown


def test_tuned_training_is_the_same_with_one_or_two_jobs(runner, sample_labels, tmp_path):
    cards = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        # The tuning search and the final fits run on worker processes; cross-validation's
        # use of --jobs is checked by test_model's fit tests.
        result = runner.invoke(cli, ["train", str(sample_labels), "--tune", "--jobs", jobs, "--folds", "0", "--out", str(out)])
        assert result.exit_code == 0, result.output
        cards.append(json.loads((out / "model_card.json").read_text()))
    assert cards[0]["tuning"] == cards[1]["tuning"]
    predictions = [
        json.loads(
            runner.invoke(cli, ["predict", "We condemn the launch.", "--model", str(tmp_path / f"jobs{j}"), "--format", "json"]).output
        )
        for j in ("1", "2")
    ]
    assert predictions[0] == predictions[1]


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_bad_jobs_is_a_usage_error(runner, sample_labels, tmp_path, jobs):
    result = runner.invoke(cli, ["train", str(sample_labels), "--tune", "--jobs", jobs, "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "--jobs" in result.output and "x>=1" in result.output
    assert not (tmp_path / "m").exists()


def test_tune_and_params_together_are_refused(runner, sample_labels, tmp_path):
    params = tmp_path / "params.json"
    params.write_text('{"stance": {"C": 3.0}}')
    result = runner.invoke(cli, ["train", str(sample_labels), "--tune", "--params", str(params), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "either --tune or --params" in result.output


def test_card_records_unseen_sources_test_set_and_behaviour(runner, sample_labels, tmp_path):
    """--unseen-sources and --test put the figures on data the model never saw beside the in-domain ones."""
    import pandas as pd

    frame = pd.read_csv(sample_labels, dtype=str, keep_default_na=False)
    (tmp_path / "train.csv").write_text(frame.iloc[:200].to_csv(index=False), encoding="utf-8")
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "natural.csv").write_text(frame.iloc[200:].to_csv(index=False), encoding="utf-8")
    out = tmp_path / "model"
    args = ["train", str(tmp_path / "train.csv"), "--folds", "0", "--jobs", "1", "--target", "stance"]
    args += ["--unseen-sources", "--test", str(tmp_path / "test")]
    result = runner.invoke(cli, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "with each corpus held out" in result.output and "on the test set" in result.output
    card = json.loads((out / "model_card.json").read_text())
    sources = set(frame.iloc[:200]["source"])
    assert set(card["unseen_sources"]["stance"]["by_source"]) == sources
    assert card["natural_test"]["stance"]["rows"] == len(frame) - 200
    assert set(card["behaviour"]) == {"negation", "paraphrase", "invariance", "out_of_scope"}
    low, high = card["natural_test"]["stance"]["macro_f1_interval"]
    assert low <= card["natural_test"]["stance"]["macro_f1"] <= high


def test_evaluate_behaviour_and_test_set(runner, trained_model_dir, sample_labels, tmp_path):
    result = runner.invoke(cli, ["evaluate", "--behaviour", "--model", str(trained_model_dir)])
    assert result.exit_code == 0, result.output
    for capability in ("negation", "paraphrase", "invariance", "out_of_scope"):
        assert capability in result.output
    result = runner.invoke(cli, ["evaluate", str(sample_labels), "--test", str(sample_labels), "--target", "stance"])
    assert result.exit_code == 0, result.output
    assert "frozen test set" in result.output and "95% interval" in result.output
