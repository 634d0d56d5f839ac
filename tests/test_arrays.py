"""The arrays form of a model predicts exactly like the scikit-learn pipelines."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.arrays import ARRAYS_JSON, ARRAYS_NPZ
from stance.labels import load_labels
from stance.model import CARD_FILE, FastModel, ModelError, file_sha256, load_model, load_predictor

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
    copy = tmp_path / "copy"
    shutil.copytree(trained_model_dir, copy)
    with open(copy / ARRAYS_NPZ, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="do not match the SHA-256"):
        load_predictor(copy)
    assert isinstance(load_predictor(copy, trust=True), FastModel)  # --trust still never unpickles


def tampered(trained_model_dir, tmp_path, change_spec=None, change_arrays=None):
    """A copy of the model whose arrays an attacker changed, with the card re-hashed to match."""
    copy = tmp_path / "tampered"
    shutil.copytree(trained_model_dir, copy)
    spec = json.loads((copy / ARRAYS_JSON).read_text(encoding="utf-8"))
    with np.load(copy / ARRAYS_NPZ) as npz:
        arrays = dict(npz)
    if change_spec:
        change_spec(spec)
    if change_arrays:
        change_arrays(arrays)
    (copy / ARRAYS_JSON).write_text(json.dumps(spec), encoding="utf-8")
    with open(copy / ARRAYS_NPZ, "wb") as handle:
        np.savez_compressed(handle, **arrays)
    card = json.loads((copy / CARD_FILE).read_text(encoding="utf-8"))
    card["arrays_sha256"] = {name: file_sha256(copy / name) for name in (ARRAYS_JSON, ARRAYS_NPZ)}
    (copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    return copy


def word_set(spec) -> dict:
    return next(f for f in spec["feature_sets"] if f["analyzer"] == "word")


def set_word(key, value):
    return lambda spec: word_set(spec).__setitem__(key, value)


def set_array(name, make):
    return lambda arrays: arrays.__setitem__(name, make(arrays[name]))


def poison_first(array):
    array = array.copy()
    array.flat[0] = np.nan
    return array


MALFORMED = [
    ("regex DoS token_pattern", set_word("token_pattern", r"(\w+\s?)+$"), None, "token_pattern"),
    ("invalid regex", set_word("token_pattern", "(("), None, "token_pattern"),
    ("custom analyzer", lambda spec: spec["feature_sets"][0].__setitem__("analyzer", "char"), None, "analyzer"),
    ("huge n-grams", set_word("ngram_range", [1, 10**9]), None, "ngram_range"),
    ("n-grams not numbers", set_word("ngram_range", "1,2"), None, "ngram_range"),
    ("vocabulary longer than the coefficients", lambda spec: word_set(spec)["vocabulary"].append("extra term"), None, "length"),
    ("terms not strings", set_word("vocabulary", [1, 2, 3]), None, "vocabulary"),
    ("feature set out of range", lambda spec: spec["targets"]["stance"].__setitem__("feature_sets", [0, 7]), None, "feature_sets"),
    ("labels missing", lambda spec: spec["targets"]["stance"].pop("labels"), None, "labels"),
    ("targets not an object", lambda spec: spec.__setitem__("targets", []), None, "targets"),
    ("spec not an object", lambda spec: spec.clear(), None, "format"),
    ("NaN coefficient", None, set_array("coef_stance", poison_first), "NaN"),
    ("infinite idf", None, set_array("idf_0", lambda a: a * np.inf), "NaN or infinite"),
    ("coefficients of the wrong shape", None, set_array("coef_stance", lambda a: a[:, :-1]), "columns"),
    ("intercept missing", None, lambda arrays: arrays.pop("intercept_tone"), "intercept_tone"),
    ("integer coefficients", None, set_array("coef_tone", lambda a: a.astype(np.int64)), "floats"),
]


@pytest.mark.parametrize("name, spec_change, array_change, message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_arrays_are_refused_at_load(trained_model_dir, tmp_path, name, spec_change, array_change, message):
    """Tampering that keeps the card's SHA-256 in step is caught by the checks of the arrays themselves:
    a clear ModelError, never an IndexError, a regular expression running for minutes or NaN probabilities."""
    copy = tampered(trained_model_dir, tmp_path, spec_change, array_change)
    with pytest.raises(ModelError, match="cannot be used") as caught:
        load_predictor(copy)
    assert message in str(caught.value)


def test_deeply_nested_arrays_json_is_refused(trained_model_dir, tmp_path):
    copy = tampered(trained_model_dir, tmp_path)
    (copy / ARRAYS_JSON).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    card = json.loads((copy / CARD_FILE).read_text(encoding="utf-8"))
    card["arrays_sha256"][ARRAYS_JSON] = file_sha256(copy / ARRAYS_JSON)
    (copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="not valid JSON"):
        load_predictor(copy)


def test_chunking_does_not_change_results(trained_model_dir, monkeypatch):
    import stance.arrays

    fast = load_predictor(trained_model_dir)
    texts = load_labels([LABELS])["text"].tolist()[:300] + HOSTILE
    expected, expected_share = fast.arrays.predict_with_known_share(texts)
    monkeypatch.setattr(stance.arrays, "CHUNK", 7)
    again, share = load_predictor(trained_model_dir).arrays.predict_with_known_share(texts)
    for target in fast.targets:
        assert np.abs(again[target] - expected[target]).max() < 1e-12
    assert np.array_equal(share, expected_share)


# Texts where a shortcut in the vectorised analyzers would show: every kind of whitespace
# (scikit-learn splits char_wb words on str.split()), characters no n-gram holds, words of
# one and two letters (padded shorter than an n-gram), NUL (the batch separator), lone
# surrogates, case changes that change length (İ) or depend on context (final sigma),
# digits, punctuation alone, curly quotes, negation scopes.
TRICKY = [
    "a",
    "I",
    "ab c de",
    "no",
    "not",
    "...",
    "!!! ??? ---",
    "12 345 6789 0.5% 1,000,000",
    "’Tis ’twas don’t can't won’t -- 'quoted' ‘single’",
    "word\x00word \x00 nul\x00",
    "\x01\x02 control \x1c\x1d\x1e\x1f separators",
    "tab\there\x0bvertical\x0cform\x85next\u2028line\u2029para\u3000ideo\u00a0nbsp\u202fnarrow",
    "İSTANBUL İstanbul ıi ΣΑΣ ΟΔΟΣ. σας ΑΣ.Β",
    "Straße STRASSE ﬁnance ǅungla Ⅻ ⓐⓑ",
    "北朝鲜 发射 导弹。 Северная Корея запустила ракету. كوريا الشمالية",
    "emoji 😀😀 👍🏽 flags 🇰🇷 and \ud800 lone \udfff surrogates",
    "x" * 3000,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "We do not condemn anyone, but we will never accept it; nothing NOTHING nothİng wıthout doubt",
    "_no _not 'not never- no_one no-one won't_",
    "Pyongyang, May 3 (KCNA) -- We will not tolerate it. -0-",
    "We stand with our allies. ###   ",
    "\n\n  leading and trailing whitespace  \t\n",
]


def test_arrays_match_pipelines_on_tricky_texts(trained_model_dir):
    pipelines = load_model(trained_model_dir)
    fast = load_predictor(trained_model_dir)
    texts = TRICKY + [a + " " + b for a in TRICKY[:8] for b in TRICKY[8:16]]
    shared = fast.predict_all(texts)
    for target in pipelines.targets:
        expected = pipelines.predict_proba(target, texts)
        assert np.abs(shared[target] - expected).max() < 1e-9
        one_by_one = np.vstack([fast.predict_proba(target, [text]) for text in texts])
        assert np.abs(one_by_one - expected).max() < 1e-9


def test_feature_triples_equal_scikit_learn_matrices(trained_model_dir):
    """Each vectorizer's TF-IDF values, not only the probabilities, equal scikit-learn's."""
    pipelines = load_model(trained_model_dir)
    fast = load_predictor(trained_model_dir)
    texts = load_labels([LABELS])["text"].tolist()[:200] + TRICKY + HOSTILE
    for target in pipelines.targets:
        features = pipelines.pipelines[target].named_steps["features"]
        prepared = features.named_steps["prepare"].transform(texts)
        arrays = fast.arrays.targets_arrays[target]
        for (_, vectorizer), feature_set in zip(features.named_steps["union"].transformer_list, arrays.feature_sets, strict=True):
            expected = vectorizer.transform(prepared).tocoo()
            rows, columns, values = feature_set.transform(prepared)
            got = dict(zip(zip(rows.tolist(), columns.tolist(), strict=True), values.tolist(), strict=True))
            want = dict(zip(zip(expected.row.tolist(), expected.col.tolist(), strict=True), expected.data.tolist(), strict=True))
            assert got.keys() == want.keys()
            assert max(abs(got[key] - want[key]) for key in want) < 1e-12


def test_known_word_share_counts_words_the_model_knows(trained_model_dir):
    fast = load_predictor(trained_model_dir).arrays
    known = next(word for word, kind in sorted(fast._known_lookup.items()) if kind == 1 and word.isalpha())
    texts = ["", "12 34", f"{known} zzqx", f"{known.upper()} {known}", "zzqx qqzz", f"Pyongyang, May 3 (KCNA) -- {known} -0-"]
    shares = fast.known_word_share(texts)
    assert shares.tolist() == [0.0, 0.0, 0.5, 1.0, 0.0, 1.0]
    _, together = fast.predict_with_known_share(texts)
    assert np.array_equal(together, shares)


def test_no_texts_give_empty_probabilities(trained_model_dir):
    fast = load_predictor(trained_model_dir)
    for target, probabilities in fast.predict_all([]).items():
        assert probabilities.shape == (0, len(fast.labels(target)))
        assert fast.predict_proba(target, []).shape == (0, len(fast.labels(target)))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    "not",
                    "NOT",
                    "No",
                    "nothİng",
                    "NOTHıNG",
                    "wİthout",
                    "3don't",
                    "can’t",
                    "N'T",
                    "x",
                    "İ",
                    "but",
                    ",",
                    " ",
                    "\n",
                    "_",
                    "-",
                    "'",
                    "’",
                    "\x00",
                    "Σ",
                    "(KCNA) --",
                    "-0-",
                ]
            ),
            max_size=20,
        ).map("".join),
        max_size=6,
    )
)
def test_arrays_prepare_texts_like_the_pipeline(texts):
    """The arrays predictor marks negation only in texts with a word that lowercases to a negator's
    form: it must give what stance.preprocess.prepare_texts gives the pipeline."""
    from stance.arrays import _prepared
    from stance.preprocess import prepare_texts

    assert _prepared({"negation": True, "boilerplate": True}, texts, {}) == prepare_texts(texts)


NO_CASE_SHIFT = [t for t in TRICKY + HOSTILE if "İ" not in t and "Σ" not in t]  # read from code points, not by regexes


def test_arrays_match_pipelines_on_tricky_texts_read_from_code_points(trained_model_dir):
    import re

    from stance.arrays import KNOWN_WORD_PATTERN
    from stance.preprocess import prepare_texts
    from stance.tokens import joined_points

    pipelines = load_model(trained_model_dir)
    fast = load_predictor(trained_model_dir)
    texts = NO_CASE_SHIFT + [a + " " + b for a in NO_CASE_SHIFT[:8] for b in NO_CASE_SHIFT[8:16]]
    assert joined_points(prepare_texts(texts), lowercase=True) is not None
    shared, shares = fast.arrays.predict_with_known_share(texts)
    for target in pipelines.targets:
        assert np.abs(shared[target] - pipelines.predict_proba(target, texts)).max() < 1e-9
    known = fast.arrays._known_lookup
    words = [[w.lower() for w in re.findall(KNOWN_WORD_PATTERN, t)] for t in prepare_texts(texts, negation=False)]
    assert shares.tolist() == [sum(w in known for w in ws) / len(ws) if ws else 0.0 for ws in words]


@pytest.fixture
def fresh_kernel_choice():
    """compiled_kernel() decides again in the test, and again after it."""
    from stance.arrays import compiled_kernel

    compiled_kernel.cache_clear()
    yield compiled_kernel
    compiled_kernel.cache_clear()


def test_the_numpy_setting_turns_the_compiled_kernel_off(fresh_kernel_choice, monkeypatch):
    monkeypatch.setenv("STANCE_KERNEL", " NumPy ")
    assert fresh_kernel_choice() is None


def test_without_numba_numpy_gives_the_same_probabilities(fresh_kernel_choice, trained_model_dir, monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    assert fresh_kernel_choice() is None
    arrays = load_predictor(trained_model_dir).arrays
    texts = TRICKY + HOSTILE
    expected = arrays.predict_all(texts)
    arrays.kernel = True  # asked for, not to be had: NumPy does the work
    assert all(np.array_equal(arrays.predict_all(texts)[target], expected[target]) for target in expected)


def test_a_numba_that_cannot_start_is_a_warning_not_a_failure(fresh_kernel_choice, monkeypatch):
    import importlib.util
    import sys

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: object())
    monkeypatch.setitem(sys.modules, "stance.compiled", None)  # importing it fails
    with pytest.warns(RuntimeWarning, match="STANCE_KERNEL=numpy"):
        assert fresh_kernel_choice() is None
