"""Training, saving and loading models; the card and its checks."""

import json

import pytest

from stance.labels import load_labels
from stance.model import (
    CARD_FILE,
    MODEL_FILE,
    FastModel,
    ModelError,
    PickleWarning,
    export_model,
    file_sha256,
    fit_target,
    load_model,
    load_predictor,
)
from stance.predict import predict_rows, predict_texts


def test_saved_model_loads_and_predicts(trained_model_dir):
    model = load_model(trained_model_dir)
    result = predict_texts(model, ["The United States condemns the DPRK's ballistic missile launch.", "   "])
    assert set(model.targets) == {"stance", "tone"}
    assert result.loc[0, "stance"] in model.card["targets"]["stance"]["labels"]
    assert result.loc[1, "stance"] == ""
    probabilities = result.filter(like="stance_p_").iloc[0]
    assert abs(probabilities.sum() - 1) < 1e-9


def test_card_records_what_is_needed(trained_model_dir):
    card = json.loads((trained_model_dir / CARD_FILE).read_text())
    for key in ("created", "targets", "data", "seed", "parameters", "versions", "model_sha256"):
        assert key in card
    assert card["data"]["rows"] > 0 and len(card["data"]["sha256"]) == 64


def test_tampered_model_is_refused_unless_trusted(trained_model_dir, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(trained_model_dir, copy)
    with open(copy / MODEL_FILE, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="does not match the SHA-256"):
        load_model(copy)
    (copy / CARD_FILE).unlink()
    with pytest.raises(ModelError, match="no model_card.json"):
        load_model(copy)


class RunsCode:
    """A pickle that runs code when loaded: it writes a file named by ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def plant_pickle(trained_model_dir, tmp_path, keep_arrays: bool):
    """The attack of issue 16: a pickle that runs code in model.joblib, the card re-hashed to
    match it and its record of the arrays deleted."""
    import shutil

    import joblib

    copy = tmp_path / "planted"
    shutil.copytree(trained_model_dir, copy)
    marker = tmp_path / "code-ran"
    joblib.dump(RunsCode(marker), copy / MODEL_FILE)
    card = json.loads((copy / CARD_FILE).read_text())
    card["model_sha256"] = file_sha256(copy / MODEL_FILE)
    card.pop("arrays_sha256")
    (copy / CARD_FILE).write_text(json.dumps(card))
    if not keep_arrays:
        for name in ("model_arrays.json", "model_arrays.npz"):
            (copy / name).unlink()
    return copy, marker


def test_a_planted_pickle_never_runs_while_arrays_exist(trained_model_dir, tmp_path):
    copy, marker = plant_pickle(trained_model_dir, tmp_path, keep_arrays=True)
    with pytest.raises(ModelError, match="records no SHA-256"):
        load_predictor(copy)
    assert isinstance(load_predictor(copy, trust=True, allow_pickle=True), FastModel)  # the arrays, not the pickle
    with pytest.raises(ModelError, match="records no SHA-256"):
        export_model(copy, tmp_path / "shared")
    assert not marker.exists()


def test_unpickling_needs_allow_pickle_and_warns(trained_model_dir, tmp_path):
    copy, marker = plant_pickle(trained_model_dir, tmp_path, keep_arrays=False)
    with pytest.raises(ModelError, match="--allow-pickle"):
        load_predictor(copy)
    with pytest.raises(ModelError, match="no model arrays"):
        export_model(copy, tmp_path / "shared")
    assert not marker.exists()
    with pytest.warns(PickleWarning, match="can run any code"), pytest.raises(ModelError, match="does not hold stance's pipelines"):
        load_predictor(copy, allow_pickle=True)  # asked for: the pickle runs (and is no model)
    assert marker.exists()


def test_missing_model_folder(tmp_path):
    with pytest.raises(ModelError, match="stance train"):
        load_model(tmp_path / "nothing")


def test_same_labels_same_seed_same_predictions(sample_labels):
    frame = load_labels([sample_labels])
    texts = frame["text"].tolist()[:50]
    first = fit_target(frame, "stance", seed=3).predict_proba(texts)
    second = fit_target(frame, "stance", seed=3).predict_proba(texts)
    assert (first == second).all()


def test_one_class_is_refused(sample_labels):
    frame = load_labels([sample_labels]).head(5).assign(stance="neutral")
    with pytest.raises(ModelError, match="at least two labels"):
        fit_target(frame, "stance")


def test_export_shares_a_model_without_pickle(trained_model_dir, tmp_path):
    from stance.model import FastModel, export_model, load_predictor

    out = export_model(trained_model_dir, tmp_path / "shared")
    assert not (out / MODEL_FILE).exists()
    shared, original = load_predictor(out), load_predictor(trained_model_dir)
    assert isinstance(shared, FastModel)
    texts = ["We condemn the launch.", "Talks are welcome."]
    assert (shared.predict_proba("stance", texts) == original.predict_proba("stance", texts)).all()
    with pytest.raises(ModelError, match="no model.joblib"):
        load_model(out)


def test_explanations_add_up_to_the_log_odds(trained_model_dir):
    import math

    from stance.model import load_predictor

    model = load_predictor(trained_model_dir)
    text = "We strongly condemn the launch and urge restraint."
    [row] = predict_rows(model, [text], explain=100000)
    labels = model.labels("stance")
    p = model.predict_proba("stance", [text])[0]
    first, second = sorted(range(len(labels)), key=lambda j: -p[j])[:2]
    arrays = model.arrays.targets_arrays["stance"]
    assert row["stance_explain"][0]["toward"] == labels[first] and row["stance_explain"][0]["away_from"] == labels[second]
    # explain() lists the positive pushes; the negative ones are the reverse comparison's.
    toward = sum(w for _, w in arrays.explain(text, first, second, top=10**6))
    away = sum(w for _, w in arrays.explain(text, second, first, top=10**6))
    gap = arrays.intercept[first] - arrays.intercept[second]
    assert math.isclose(toward - away + gap, math.log(p[first] / p[second]), rel_tol=1e-9, abs_tol=1e-9)


def test_low_confidence_abstains(trained_model_dir):
    from stance.model import load_predictor

    model = load_predictor(trained_model_dir)
    [row] = predict_rows(model, ["Hello."], min_confidence=0.999)
    assert row["stance"] == "uncertain" and row["stance_p_neutral"] is not None


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_fitting_targets_together_equals_fitting_each(sample_labels, n_jobs):
    """Shared feature fits (stance and tone with equal feature settings) give the same pipelines."""
    import numpy as np

    from stance.model import fit_targets

    frame = load_labels([sample_labels])
    parameters = {"stance": {"C": 3.0}, "tone": {"class_weight": None}}
    together = fit_targets(frame, ["stance", "tone"], seed=0, parameters=parameters, n_jobs=n_jobs)
    texts = frame["text"].tolist()
    for target in ("stance", "tone"):
        alone = fit_target(frame, target, seed=0, **parameters[target])
        assert np.array_equal(together[target].predict_proba(texts), alone.predict_proba(texts))
        assert together[target].get_params()["classifier__C"] == alone.get_params()["classifier__C"]
    assert together["stance"].named_steps["features"] is not together["tone"].named_steps["features"]
