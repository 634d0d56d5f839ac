"""The text the model reads: boilerplate off, negation scopes marked."""

from __future__ import annotations

import pytest

from stance.preprocess import mark_negation, prepare_text, prepare_texts


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("We do not condemn anyone.", "We do not neg_condemn neg_anyone."),
        ("We condemn the launch.", "We condemn the launch."),
        ("We don't want to make a big deal of it.", "We don't neg_want neg_to neg_make neg_a neg_big neg_deal neg_of neg_it."),
        ("It is not a threat, but we are watching.", "It is not neg_a neg_threat, but we are watching."),
        ("There will never be talks; we will respond.", "There will never neg_be neg_talks; we will respond."),
        ("No one can stop us.", "No neg_one neg_can neg_stop neg_us."),
        ("We cannot accept this but remain open.", "We cannot neg_accept neg_this but remain open."),
    ],
)
def test_mark_negation(text, marked):
    assert mark_negation(text) == marked


def test_prepare_text_strips_dateline_then_marks():
    assert prepare_text("Pyongyang, May 3 (KCNA) -- We will not tolerate it. -0-") == "We will not neg_tolerate neg_it."
    assert prepare_text("We will not tolerate it.", negation=False) == "We will not tolerate it."
    assert prepare_texts(["a", 1], negation=False, boilerplate=False) == ["a", "1"]


def test_pipeline_and_arrays_prepare_the_same_way(trained_model_dir):
    """The NumPy predictor reproduces the scikit-learn pipeline on negated and datelined text."""
    import numpy as np

    from stance.model import load_model, load_predictor

    texts = ["We do not condemn anyone.", "Pyongyang, May 3 (KCNA) -- We will never talk. -0-", "We are ready to talk."]
    pipelines, arrays = load_model(trained_model_dir), load_predictor(trained_model_dir)
    for target in pipelines.targets:
        assert np.allclose(pipelines.predict_proba(target, texts), arrays.predict_proba(target, texts), atol=1e-9)
