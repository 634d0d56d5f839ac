"""The behaviour suite: templated cases, pass rates per capability."""

from __future__ import annotations

from collections import Counter

from stance.behaviour import CAPABILITIES, Case, behaviour_cases, format_behaviour, run_behaviour


def test_suite_has_every_capability_and_enough_cases():
    cases = behaviour_cases()
    counts = Counter(c.capability for c in cases)
    assert len(cases) >= 300
    assert set(counts) == set(CAPABILITIES)
    assert all(n >= 40 for n in counts.values())
    assert len({(c.text, c.variant) for c in cases}) == len(cases)  # no case twice


class FixedModel:
    """Predicts from a lookup table, to check how cases are scored."""

    targets = ["stance"]

    def __init__(self, answers: dict[str, str]):
        self.answers = answers

    def labels(self, target):
        return ["condemning", "neutral"]

    def predict_proba(self, target, texts):
        import numpy as np

        return np.array([[1.0, 0.0] if self.answers.get(t) == "condemning" else [0.0, 1.0] for t in texts])

    def known_word_share(self, texts):
        import numpy as np

        return np.array([0.0 if t.startswith("zz") else 1.0 for t in texts])

    @property
    def arrays(self):
        return self


def test_scoring_of_each_kind_of_case():
    cases = [
        Case("negation", "negated act", "We do not condemn it.", forbid="condemning"),
        Case("paraphrase", "condemning", "We condemn it.", expect="condemning"),
        Case("invariance", "names", "We condemn A.", variant="We condemn B."),
        Case("out_of_scope", "not language", "zz qq", expect="uncertain"),
    ]
    model = FixedModel({"We do not condemn it.": "condemning", "We condemn it.": "condemning", "We condemn A.": "condemning"})
    results = run_behaviour(model, cases)
    assert results["negation"]["pass_rate"] == 0.0
    assert results["paraphrase"]["pass_rate"] == 1.0
    assert results["invariance"]["pass_rate"] == 0.0  # B is neutral
    assert results["out_of_scope"]["pass_rate"] == 1.0
    assert "We do not condemn it." in format_behaviour(results)


def test_shipped_model_fast_subset():
    """CI's subset: boilerplate never changes a prediction, and text that is not English or not
    language is never given a confident label. The full suite runs with `stance evaluate --behaviour`."""
    from stance.model import DEFAULT_MODEL_DIR, load_predictor

    subset = [c for c in behaviour_cases() if c.capability == "out_of_scope" or c.kind == "boilerplate"]
    results = run_behaviour(load_predictor(DEFAULT_MODEL_DIR), subset)
    assert results["out_of_scope"]["pass_rate"] >= 0.95, results["out_of_scope"]["failures"]
    assert results["invariance"]["pass_rate"] == 1.0, results["invariance"]["failures"]
