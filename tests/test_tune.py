"""Hyperparameters are chosen on training data only."""

import json

import numpy as np
import pytest

from stance.errors import StanceError
from stance.features import feature_key
from stance.labels import load_labels
from stance.tune import GRID, Metric, combinations, nested_evaluation, parse_metric, search_targets, select_parameters

SPACE = {"C": [1.0, 10.0], "min_df": [1]}


def test_combinations():
    assert combinations({"a": [1, 2], "b": ["x"]}) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]


def test_selection_and_nested_evaluation(sample_labels):
    frame = load_labels([sample_labels])
    best, table = select_parameters(frame, "stance", seed=0, space=SPACE)
    assert best in combinations(SPACE) and len(table) == 2
    assert max(r["validation_score"] for r in table) == next(r["validation_score"] for r in table if {k: r[k] for k in SPACE} == best)
    result = nested_evaluation(frame, "stance", n_splits=3, seed=0, space=SPACE)
    assert len(result["chosen_per_fold"]) == 3
    assert 0 < result["tuned"]["macro_f1"] <= 1 and 0 < result["default"]["macro_f1"] <= 1
    assert sum(sum(row) for row in result["tuned"]["confusion"]) == len(frame)


# Two feature settings (character n-grams) x two classifier settings (C): the search
# fits the features twice and shares them between C values and between targets.
SHARED_SPACE = {"C": [1.0, 10.0], "char_ngram_range": [(2, 4), (2, 5)], "class_weight": ["balanced"]}


def naive_tables(frame, targets, space, seed=0):
    """The validation table by one full Pipeline.fit per grid point and target."""
    from stance.evaluate import classification_metrics
    from stance.features import build_pipeline, one_thread
    from stance.tune import validation_split

    train, validation = validation_split(frame, seed)
    texts = np.array(frame["text"].tolist(), dtype=object)
    tables = {}
    for target in targets:
        y = np.array(frame[target].tolist(), dtype=object)
        table = []
        for params in combinations(space):
            with one_thread():
                pipeline = build_pipeline(seed, **params).fit(texts[train].tolist(), y[train].tolist())
            predicted = pipeline.predict(texts[validation].tolist()).tolist()
            table.append(
                {**params, "validation_score": classification_metrics(y[validation].tolist(), predicted, sorted(set(y)))["macro_f1"]}
            )
        tables[target] = table
    return tables


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_shared_transform_search_equals_a_pipeline_fit_per_point(sample_labels, n_jobs):
    frame = load_labels([sample_labels])
    results = search_targets(frame, ["stance", "tone"], seed=0, space=SHARED_SPACE, n_jobs=n_jobs)
    naive = naive_tables(frame, ["stance", "tone"], SHARED_SPACE)
    for target in ("stance", "tone"):
        best, table = results[target]
        assert table == naive[target]  # exactly equal scores, in grid order
        assert best == select_parameters(frame, target, seed=0, space=SHARED_SPACE)[0]


def test_search_leaves_no_temporary_files(sample_labels, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    search_targets(load_labels([sample_labels]), ["stance"], space=SHARED_SPACE, n_jobs=2)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("stance-tune-")]


def test_feature_key_ignores_classifier_settings():
    assert feature_key({"C": 1.0, "class_weight": None}) == feature_key({})
    assert feature_key({"char_ngram_range": (2, 4)}) != feature_key({})


def test_combinations_of_a_list_of_spaces_is_their_union_in_order():
    space = [{"a": [1], "b": ["x", "y"]}, {"a": [2], "b": ["z"]}]
    assert combinations(space) == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "z"}]


def test_grid_holds_the_plain_recipe_and_c_from_a_tenth_to_a_hundred():
    points = combinations(GRID)
    plain = [p for p in points if tuple(p["word_ngram_range"]) == (1, 3) and tuple(p["char_ngram_range"]) == (2, 5)]
    assert plain and {p["C"] for p in plain} >= {0.1, 1.0, 10.0, 100.0}
    assert any(p["min_df"] == 1 and p["max_word_features"] is None and p["max_char_features"] is None for p in plain)
    assert min(p["C"] for p in points) == 0.1 and max(p["C"] for p in points) == 100.0
    assert len({json.dumps(p, sort_keys=True) for p in points}) == len(points)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("macro-f1", Metric()),
        ("Macro_F1", Metric()),
        ("accuracy", Metric("accuracy")),
        ("f1:FAVOR,AGAINST", Metric("f1", ("FAVOR", "AGAINST"))),
        ("f1: FAVOR , AGAINST,FAVOR", Metric("f1", ("FAVOR", "AGAINST"))),
    ],
)
def test_parse_metric(text, expected):
    assert parse_metric(text) == expected
    assert parse_metric(str(expected)) == expected  # str() round-trips (the card records it)


@pytest.mark.parametrize("text", ["", "f1", "f1:", "f1:,", "micro-f1", "accuracy:x", "macro-f1:FAVOR"])
def test_parse_metric_refuses_what_it_does_not_know(text):
    with pytest.raises(StanceError, match="--metric .* is not a metric; use macro-f1, accuracy, or f1:LABEL,LABEL"):
        parse_metric(text)


def test_metric_scores_equal_scikit_learn():
    from sklearn.metrics import accuracy_score, f1_score

    truth = ["FAVOR", "AGAINST", "NONE", "NONE", "FAVOR", "AGAINST", "NONE"]
    guess = ["FAVOR", "NONE", "NONE", "AGAINST", "AGAINST", "AGAINST", "NONE"]
    labels = ["AGAINST", "FAVOR", "NONE"]
    f_avg = Metric("f1", ("FAVOR", "AGAINST")).score(truth, guess, labels)
    assert f_avg == pytest.approx(f1_score(truth, guess, labels=["FAVOR", "AGAINST"], average="macro"))
    assert f_avg != pytest.approx(Metric().score(truth, guess, labels))
    assert Metric().score(truth, guess, labels) == pytest.approx(f1_score(truth, guess, average="macro"))
    assert Metric("accuracy").score(truth, guess, labels) == pytest.approx(accuracy_score(truth, guess))


def test_metric_from_evaluation_metrics_equals_scoring_the_predictions():
    from stance.evaluate import classification_metrics

    truth = ["a", "b", "c", "c", "a", "b"]
    guess = ["a", "c", "c", "b", "b", "b"]
    metrics = classification_metrics(truth, guess, ["a", "b", "c"])
    for metric in (Metric(), Metric("accuracy"), Metric("f1", ("a", "b"))):
        assert metric.from_metrics(metrics) == pytest.approx(metric.score(truth, guess, ["a", "b", "c"]))


def test_metric_labels_must_be_labels_of_the_target(sample_labels):
    frame = load_labels([sample_labels])
    with pytest.raises(StanceError, match=r"--metric f1:FAVOR,neutral: 'FAVOR' is not a stance label .*its labels: condemning"):
        select_parameters(frame, "stance", space=SPACE, metric=parse_metric("f1:FAVOR,neutral"))


def test_search_maximises_the_chosen_metric(sample_labels):
    """The table's scores are the metric's, and the choice is the best of them."""
    frame = load_labels([sample_labels])
    metric = Metric("f1", ("condemning", "reassuring"))
    best, table = select_parameters(frame, "stance", seed=0, space=SHARED_SPACE, metric=metric)
    naive = naive_tables(frame, ["stance"], SHARED_SPACE)["stance"]
    assert [r["validation_score"] for r in table] != [r["validation_score"] for r in naive]  # not macro-F1 over all labels
    top = max(r["validation_score"] for r in table)
    assert {k: v for k, v in table[[r["validation_score"] for r in table].index(top)].items() if k != "validation_score"} == best
    result = nested_evaluation(frame, "stance", n_splits=2, seed=0, space={"C": [1.0, 10.0]}, metric=metric)
    assert result["metric"] == "f1:condemning,reassuring" and 0 <= result["tuned_score"] <= 1
