"""Hyperparameters are chosen on training data only."""

import numpy as np
import pytest

from stance.features import feature_key
from stance.labels import load_labels
from stance.tune import combinations, nested_evaluation, search_targets, select_parameters

SPACE = {"C": [1.0, 10.0], "min_df": [1]}


def test_combinations():
    assert combinations({"a": [1, 2], "b": ["x"]}) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]


def test_selection_and_nested_evaluation(sample_labels):
    frame = load_labels([sample_labels])
    best, table = select_parameters(frame, "stance", seed=0, space=SPACE)
    assert best in combinations(SPACE) and len(table) == 2
    assert max(r["validation_macro_f1"] for r in table) == next(r["validation_macro_f1"] for r in table if {k: r[k] for k in SPACE} == best)
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
                {**params, "validation_macro_f1": classification_metrics(y[validation].tolist(), predicted, sorted(set(y)))["macro_f1"]}
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
