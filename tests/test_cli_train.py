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
    assert "stance: chose " in result.output and "validation macro-f1" in result.output
    card = json.loads((out / "model_card.json").read_text())
    tuning = card["tuning"]
    assert tuning["validation_rows"] > 0 and tuning["search_rows"] + tuning["validation_rows"] == card["data"]["rows"]
    for target in ("stance", "tone"):
        record = tuning["targets"][target]
        assert len(record["validation"]) == len(combinations(GRID))
        best = max(row["validation_score"] for row in record["validation"])
        assert record["validation_score"] == best
        # the saved model uses the chosen parameters
        for name, value in record["chosen"].items():
            assert card["parameters"]["per_target"][target][name] == value
    markdown = (out / "MODEL_CARD.md").read_text()
    assert "Tuned on a validation part" in markdown


def test_tuned_training_is_the_same_with_one_or_two_jobs(runner, sample_labels, tmp_path, small_grid):
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
    assert "--jobs" in result.output and "neither auto nor a whole number of at least 1" in result.output
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


# --- other people's labels: column names, ids, the metric, --jobs auto ---------------------


@pytest.fixture
def theirs(sample_labels, tmp_path):
    """The sample labels as someone else's CSV: ID, Tweet and Stance columns, no tone."""
    import pandas as pd

    frame = pd.read_csv(sample_labels, dtype=str, keep_default_na=False)
    path = tmp_path / "theirs.csv"
    frame[["id", "text", "stance"]].rename(columns={"id": "ID", "text": "Tweet", "stance": "Stance"}).to_csv(path, index=False)
    return path


def test_train_on_someone_elses_columns(runner, theirs, tmp_path):
    out = tmp_path / "m"
    args = ["train", str(theirs), "--target", "Stance", "--text-column", "Tweet", "--folds", "0", "--jobs", "1", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    card = json.loads((out / "model_card.json").read_text())
    assert list(card["targets"]) == ["Stance"]
    predicted = runner.invoke(cli, ["predict", "We condemn the launch.", "--model", str(out), "--format", "json"])
    assert predicted.exit_code == 0 and "Stance" in predicted.output


def test_a_wrong_column_name_gets_a_case_insensitive_hint(runner, theirs, tmp_path):
    result = runner.invoke(cli, ["train", str(theirs), "--target", "stance", "--text-column", "tweet", "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert (
        f"{theirs}: missing required column 'tweet'. Did you mean 'Tweet'? Rename that column or pass --text-column Tweet." in result.output
    )
    assert "missing required column 'stance'. Did you mean 'Stance'?" in result.output
    args = ["train", str(theirs), "--target", "Stance", "--text-column", "Tweet", "--id-column", "key", "--out", str(tmp_path / "m")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1 and "missing required column 'key'" in result.output
    assert not (tmp_path / "m").exists()


def test_labels_check_takes_the_column_names(runner, theirs):
    args = ["labels", "check", str(theirs), "--any-labels", "--target", "Stance", "--text-column", "Tweet", "--id-column", "ID"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output


def test_tune_with_a_metric_over_chosen_labels(runner, sample_labels, tmp_path, small_grid):
    out = tmp_path / "m"
    args = ["train", str(sample_labels), "--target", "stance", "--tune", "--metric", "f1:condemning,reassuring", "--folds", "0"]
    result = runner.invoke(cli, [*args, "--jobs", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "validation f1:condemning,reassuring" in result.output
    card = json.loads((out / "model_card.json").read_text())
    assert card["tuning"]["metric"] == "f1:condemning,reassuring"
    assert len(card["tuning"]["targets"]["stance"]["validation"]) == 4
    assert "validation f1:condemning,reassuring" in (out / "MODEL_CARD.md").read_text()


@pytest.mark.parametrize(
    "metric, code, message",
    [
        ("f1", 2, "Invalid value for '--metric'"),
        ("recall", 2, "use macro-f1, accuracy, or f1:LABEL,LABEL"),
        ("f1:FAVOR,AGAINST", 1, "--metric f1:FAVOR,AGAINST: 'FAVOR', 'AGAINST' is not a stance label"),
    ],
)
def test_bad_metric_is_refused_before_training(runner, sample_labels, tmp_path, metric, code, message):
    out = tmp_path / "m"
    result = runner.invoke(cli, ["train", str(sample_labels), "--target", "stance", "--tune", "--metric", metric, "--out", str(out)])
    assert result.exit_code == code and message in result.output, result.output
    assert not out.exists()


def test_evaluate_reports_the_metric(runner, sample_labels):
    args = ["evaluate", str(sample_labels), "--target", "stance", "--folds", "2", "--metric", "f1:condemning,neutral", "-q"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("stance: f1:condemning,neutral "))
    assert 0 <= float(line.rsplit(" ", 1)[1]) <= 1


@pytest.mark.parametrize("jobs, rows, expected", [("auto", 100, 1), ("auto", 19_999, 1), (1, 10**6, 1), (3, 10, 3)])
def test_jobs_auto_is_one_process_on_small_data(jobs, rows, expected):
    from stance.cli import training_jobs

    assert training_jobs(jobs, rows) == expected


def test_jobs_auto_uses_every_core_on_large_data(monkeypatch):
    from stance.cli import PARALLEL_MIN_ROWS, training_jobs

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert training_jobs("auto", PARALLEL_MIN_ROWS) == 4
    assert training_jobs("auto", PARALLEL_MIN_ROWS - 1) == 1


def test_tune_command_scores_by_the_metric(runner, sample_labels, tmp_path, small_grid):
    params = tmp_path / "params.json"
    args = ["tune", str(sample_labels), "--target", "stance", "--folds", "2", "--jobs", "1", "--metric", "f1:condemning,neutral"]
    result = runner.invoke(cli, [*args, "--out", str(params)])
    assert result.exit_code == 0, result.output
    assert "stance: nested cross-validation (group) f1:condemning,neutral tuned " in result.output
    assert "best validation f1:condemning,neutral:" in result.output
    assert json.loads(params.read_text())["stance"] in json.loads(json.dumps(combinations(small_grid)))
