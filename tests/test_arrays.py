"""The arrays form of a model predicts exactly like the scikit-learn pipelines."""

from pathlib import Path

import numpy as np
import pytest

from stance.arrays import ARRAYS_NPZ
from stance.labels import load_labels
from stance.model import FastModel, ModelError, load_model, load_predictor

LABELS = Path(__file__).resolve().parents[1] / "labels"
HOSTILE = [
    "",
    "   ",
    "😀" * 50,
    "é" * 5000,
    "\x00\x01\x02",
    "word " * 20000,
    "Ünïcödé ÄÖÜ ß ﬁ İstanbul ΣΑΣ",
    "\u200b\u200b",
    "“We condemn,” he said. ‘Routine’ — 100% (KCNA) --",
    "a\tb\nc\r\nd",
]


def test_arrays_match_pipelines_on_every_label_and_hostile_text(trained_model_dir):
    pipelines = load_model(trained_model_dir)
    fast = load_predictor(trained_model_dir)
    assert isinstance(fast, FastModel)
    texts = load_labels([LABELS])["text"].tolist() + HOSTILE
    shared = fast.predict_all(texts)  # both targets, each text transformed once
    for target in pipelines.targets:
        assert fast.labels(target) == pipelines.labels(target)
        expected = pipelines.predict_proba(target, texts)
        assert np.abs(fast.predict_proba(target, texts) - expected).max() < 1e-9
        assert np.abs(shared[target] - expected).max() < 1e-9


def test_tampered_arrays_are_refused(trained_model_dir, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(trained_model_dir, copy)
    with open(copy / ARRAYS_NPZ, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="do not match the SHA-256"):
        load_predictor(copy)
    assert not isinstance(load_predictor(copy, trust=True), FastModel)


def test_word_cache_is_bounded_and_does_not_change_results(trained_model_dir, monkeypatch):
    import stance.arrays

    fast = load_predictor(trained_model_dir)
    texts = load_labels([LABELS])["text"].tolist()[:300] + HOSTILE
    expected = fast.predict_all(texts)
    monkeypatch.setattr(stance.arrays, "WORD_CACHE_SIZE", 5)
    monkeypatch.setattr(stance.arrays, "CHUNK", 7)
    fresh = load_predictor(trained_model_dir)
    again = fresh.predict_all(texts)
    for target in fresh.targets:
        assert np.abs(again[target] - expected[target]).max() < 1e-12
    caches = [f._word_cache for t in fresh.arrays.targets_arrays.values() for f in t.feature_sets if f.analyzer == "char_wb"]
    assert caches and all(len(cache) <= 5 for cache in caches)


def test_no_texts_give_empty_probabilities(trained_model_dir):
    fast = load_predictor(trained_model_dir)
    for target, probabilities in fast.predict_all([]).items():
        assert probabilities.shape == (0, len(fast.labels(target)))
        assert fast.predict_proba(target, []).shape == (0, len(fast.labels(target)))
