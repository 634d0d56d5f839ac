"""Hyperparameters are chosen on training data only."""

from stance.labels import load_labels
from stance.tune import combinations, nested_evaluation, select_parameters

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
