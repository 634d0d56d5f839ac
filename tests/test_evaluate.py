"""Grouped cross-validation never splits a near-duplicate group or a document."""

import numpy as np
import pandas as pd
import pytest

from stance.evaluate import classification_metrics, evaluate_target, split_groups
from stance.labels import load_labels


def test_groups_merge_duplicates_and_documents():
    frame = pd.DataFrame(
        {
            "group": ["a", "a", "b", "c", "d"],
            "source_ref": ["f#1@0-5", "f#2@0-5", "f#2@6-9", "f#3@0-1", "g#1@0-2"],
        }
    )
    by_group = split_groups(frame, "group")
    assert by_group[0] == by_group[1] and len(set(by_group)) == 4
    by_document = split_groups(frame, "document")
    # rows 0-1 share a group, rows 1-2 share document f#2: all three together
    assert by_document[0] == by_document[1] == by_document[2]
    assert len(set(by_document)) == 3


def test_metrics_on_a_known_case():
    result = classification_metrics(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"])
    assert result["per_class"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert result["confusion"] == [[1, 1], [0, 2]]
    assert np.isclose(result["macro_f1"], (2 / 3 + 0.8) / 2)


def test_model_beats_majority_baseline(sample_labels):
    frame = load_labels([sample_labels])
    result = evaluate_target(frame, "stance", "group", n_splits=3, seed=0)
    assert result.model["macro_f1"] > result.baseline["macro_f1"] + 0.2
    assert sum(sum(row) for row in result.model["confusion"]) == len(frame)


def test_baselines_calibration_and_date_split(sample_labels):
    frame = load_labels([sample_labels])
    frame["date"] = pd.date_range("2020-01-01", periods=len(frame), freq="D").strftime("%Y-%m-%d")
    result = evaluate_target(frame, "stance", "date", seed=0)
    assert result.n_rows == pytest.approx(len(frame) * 0.2, abs=3)
    assert set(result.baselines) == {"majority", "lexicon", "linear SVM"}
    assert 0 <= result.calibration["ece"] <= 1 and 0 <= result.calibration["brier"] <= 2
    assert "latest 20%" in result.split_text


def test_calibration_of_a_perfect_and_a_wrong_forecaster():
    from stance.evaluate import calibration_metrics

    y = np.array(["a", "b"], dtype=object)
    perfect = calibration_metrics(y, np.array([[1.0, 0.0], [0.0, 1.0]]), ["a", "b"])
    assert perfect["brier"] == 0 and perfect["ece"] == 0
    wrong = calibration_metrics(y, np.array([[0.0, 1.0], [1.0, 0.0]]), ["a", "b"])
    assert wrong["brier"] == 2 and wrong["ece"] == 1


def test_lexicon_baseline_reads_phrases():
    from stance.lexicon import lexicon_predict

    labels = ["condemning", "downplaying", "neutral", "open_to_dialogue"]
    texts = ["The drills are routine.", "We condemn the launch.", "A ship sailed.", "It poses no threat to anyone."]
    assert lexicon_predict(texts, "stance", labels) == ["downplaying", "condemning", "neutral", "downplaying"]


def test_leave_one_source_out_holds_out_each_corpus_and_its_near_duplicates():
    import pandas as pd

    from stance.evaluate import leave_one_source_out

    frame = pd.DataFrame(
        {
            "text": ["a", "b", "c", "d", "e", "f"],
            "corpus": ["kcna", "kcna", "wh", "wh", "mfa", "mfa"],
            "group": ["g1", "g2", "g1", "g3", "g4", "g5"],  # g1 is in kcna and wh
        }
    )
    parts = leave_one_source_out(frame)
    assert len(parts) == 3
    by_test = {frozenset(frame["corpus"].iloc[test]): set(train) for train, test in parts}
    assert by_test[frozenset({"kcna"})] == {3, 4, 5}  # row 2 shares kcna's group g1
    assert by_test[frozenset({"wh"})] == {1, 4, 5}
    assert by_test[frozenset({"mfa"})] == {0, 1, 2, 3}


def test_macro_f1_interval_brackets_the_estimate():
    from stance.evaluate import classification_metrics

    truth = ["a"] * 40 + ["b"] * 40 + ["c"] * 20
    guess = ["a"] * 30 + ["b"] * 10 + ["b"] * 35 + ["c"] * 5 + ["c"] * 15 + ["a"] * 5
    metrics = classification_metrics(truth, guess, ["a", "b", "c"])
    low, high = metrics["macro_f1_interval"]
    assert low < metrics["macro_f1"] < high
    assert 0.05 < high - low < 0.4
    perfect = classification_metrics(truth, truth, ["a", "b", "c"])
    assert perfect["macro_f1_interval"] == [1.0, 1.0]


def test_source_split_reports_every_corpus_and_the_test_set_is_scored(sample_labels):
    from stance.evaluate import evaluate_on_test, evaluate_targets, format_evaluation
    from stance.labels import load_labels

    frame = load_labels([sample_labels])
    frame["corpus"] = frame["source"]
    result = evaluate_targets(frame, {"stance": {}}, "source", 0, 0, baselines=False)["stance"]
    assert set(result.by_source) == set(frame["corpus"])
    assert result.n_rows == len(frame)
    assert "held-out source" in format_evaluation(result)
    train, test = frame.iloc[: len(frame) // 2], frame.iloc[len(frame) // 2 :]
    scored = evaluate_on_test(train, test, {"stance": {}})["stance"]
    assert scored.n_rows == len(test) and 0.0 <= scored.model["macro_f1"] <= 1.0
    assert sum(m["rows"] for m in scored.by_source.values()) == len(test)
