"""The lookup file predicts a few statements exactly like the arrays model and scikit-learn, without NumPy."""

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from stance import arrays, features, model, predict, quick
from stance.__main__ import predict_quickly
from stance.cli import cli
from stance.model import DEFAULT_MODEL_DIR, export_model, file_sha256, load_model, load_predictor
from stance.quick import LOOKUP_FILE, PREAMBLE, QuickModel, load_quick_model, lookup_bytes, quick_rows, write_lookup

ROOT = Path(__file__).resolve().parents[1]
TRICKY = [
    "We condemn the launch.",
    "We do not condemn anyone, but we won't accept threats.",
    "Pyongyang, May 3 (KCNA) -- The drills are a reckless provocation. -0-",
    "SEOUL, March 3 (Yonhap) — The government is open to dialogue.",
    "",
    "   \t\n",
    "xqzt blorf wibble snorgle",  # nonsense: no known word, so uncertain
    "Wir verurteilen den Raketenstart aufs Schärfste.",
    "🚀🚀🚀 launch!!! 🚀",
    "😀" * 30,
    "Ünïcödé ÄÖÜ ß ﬁ İstanbul ΣΑΣ",
    "neg_condemn neg_neg_threat NOT never",
    "“We condemn,” he said. ‘Routine’ — 100% (KCNA) --",
    "a\tb\nc\r\nd \x00\x1b[31m red",
    "\u200b\u200b",
    "The United States condemns the DPRK's ballistic missile launch, which violates UN resolutions.",
    "word " * 500,
]


def assert_rows_equal(quick_result: list[dict], expected: list[dict]) -> None:
    """The same keys in the same order, the same labels, probabilities within 1e-9."""
    for got, want in zip(quick_result, expected, strict=True):
        assert list(got) == list(want)
        for key, value in want.items():
            if isinstance(value, float):
                assert abs(got[key] - value) < 1e-9, key
            else:
                assert got[key] == value, key


@pytest.fixture(scope="module")
def shipped():
    if not (DEFAULT_MODEL_DIR / LOOKUP_FILE).is_file():
        pytest.skip("the shipped model has no lookup file")
    return load_quick_model(DEFAULT_MODEL_DIR)


def test_the_constants_copied_to_stay_free_of_numpy_agree():
    assert quick.WORD_TOKEN_PATTERN == features.WORD_TOKEN_PATTERN
    assert quick._WORD.pattern == arrays.KNOWN_WORD_PATTERN
    assert quick.MAX_NGRAM == arrays.MAX_NGRAM
    assert quick.ARRAYS_FILES == (arrays.ARRAYS_JSON, arrays.ARRAYS_NPZ)
    assert quick.CARD_FILE == model.CARD_FILE
    assert Path(quick.DEFAULT_MODEL_DIR) == DEFAULT_MODEL_DIR
    assert (quick.UNCERTAIN, quick.MIN_KNOWN_WORD_SHARE) == (predict.UNCERTAIN, predict.MIN_KNOWN_WORD_SHARE)


def test_small_model_equals_scikit_learn_and_arrays(trained_model_dir):
    from stance.labels import load_labels

    lookup = load_quick_model(trained_model_dir)
    assert lookup is not None  # save_model wrote it
    pipelines, fast = load_model(trained_model_dir), load_predictor(trained_model_dir)
    texts = load_labels([Path(__file__).parent / "data" / "labels_sample.csv"])["text"].tolist() + TRICKY
    got = lookup.predict_all(texts)
    for target in pipelines.targets:
        assert lookup.labels(target) == pipelines.labels(target)
        assert np.abs(np.array(got[target]) - pipelines.predict_proba(target, texts)).max() < 1e-9
    assert [lookup.known_word_share(t) for t in texts] == fast.arrays.known_word_share(texts).tolist()
    for min_confidence in (0.0, 0.5, 0.9):
        assert_rows_equal(quick_rows(lookup, texts, min_confidence), predict.predict_rows(fast, texts, min_confidence))


def test_shipped_model_equals_scikit_learn_and_arrays(shipped):
    pipelines, fast = load_model(DEFAULT_MODEL_DIR), load_predictor(DEFAULT_MODEL_DIR)
    got = shipped.predict_all(TRICKY)
    for target in pipelines.targets:
        assert np.abs(np.array(got[target]) - pipelines.predict_proba(target, TRICKY)).max() < 1e-9
    rows = quick_rows(shipped, TRICKY)
    assert_rows_equal(rows, predict.predict_rows(fast, TRICKY))
    nonsense = rows[TRICKY.index("xqzt blorf wibble snorgle")]
    assert nonsense["stance"] == nonsense["tone"] == "uncertain"
    assert rows[0]["stance"] == "condemning" and rows[4]["stance"] == "" and rows[4]["stance_p"] is None


@pytest.fixture(scope="module")
def small_models(trained_model_dir):
    return load_quick_model(trained_model_dir), load_predictor(trained_model_dir)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80), min_size=1, max_size=4))
def test_any_text_gives_the_arrays_rows(small_models, texts):
    lookup, fast = small_models
    assert_rows_equal(quick_rows(lookup, texts), predict.predict_rows(fast, texts))


def test_the_shipped_lookup_file_is_the_one_its_arrays_give():
    path = DEFAULT_MODEL_DIR / LOOKUP_FILE
    if not path.is_file():
        pytest.skip("the shipped model has no lookup file")
    made_from = {
        name: {"sha256": file_sha256(DEFAULT_MODEL_DIR / name), "size": (DEFAULT_MODEL_DIR / name).stat().st_size}
        for name in quick.ARRAYS_FILES
    }
    assert lookup_bytes(arrays.ArrayModel.load(DEFAULT_MODEL_DIR), made_from) == path.read_bytes()


def test_export_writes_the_lookup_file(trained_model_dir, tmp_path):
    copy = tmp_path / "old"
    shutil.copytree(trained_model_dir, copy)
    (copy / LOOKUP_FILE).unlink()  # a folder saved before the lookup file existed
    assert load_quick_model(copy) is None
    export_model(copy, tmp_path / "shared")
    assert (tmp_path / "shared" / LOOKUP_FILE).read_bytes() == (trained_model_dir / LOOKUP_FILE).read_bytes()
    assert load_quick_model(tmp_path / "shared") is not None


def test_a_lookup_file_for_other_arrays_is_not_used(trained_model_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(trained_model_dir, copy)
    card = json.loads((copy / "model_card.json").read_text())
    card["arrays_sha256"]["model_arrays.npz"] = "0" * 64  # retrained arrays: the lookup file is out of date
    (copy / "model_card.json").write_text(json.dumps(card))
    assert load_quick_model(copy) is None
    shutil.copytree(trained_model_dir, tmp_path / "cut")
    with open(tmp_path / "cut" / "model_arrays.npz", "ab") as handle:
        handle.write(b"\0")
    assert load_quick_model(tmp_path / "cut") is None  # not the arrays it was made from: the arrays model says what is wrong


def rewritten(data: bytes, change_header) -> bytes:
    """``data`` with its JSON header changed and the checksum made to match (a deliberate edit, not damage)."""
    _, length, _ = PREAMBLE.unpack_from(data)
    header = json.loads(data[PREAMBLE.size : PREAMBLE.size + length])
    change_header(header)
    new = json.dumps(header).encode()
    padding = b" " * ((-(PREAMBLE.size + len(new))) % 8)
    rest = new + padding + data[quick._aligned(PREAMBLE.size + length) :]
    return PREAMBLE.pack(quick.MAGIC, len(new) + len(padding), zlib.crc32(rest)) + rest


def first_feature_set(key, value):
    return lambda header: header["feature_sets"][0].__setitem__(key, value)


DAMAGED = [
    ("truncated", lambda d: d[: len(d) // 2], "checksum"),
    ("one byte changed", lambda d: d[:-9] + bytes([d[-9] ^ 1]) + d[-8:], "checksum"),
    ("empty", lambda d: b"", "too short"),
    ("another file", lambda d: b"PK\x03\x04" + d[4:], "not a stance lookup file"),
    ("header length beyond the file", lambda d: PREAMBLE.pack(quick.MAGIC, len(d), 0) + d[PREAMBLE.size :], "header length"),
    ("longer than described", lambda d: rewritten(d + b"\0" * 64, lambda h: None), "more than the header describes"),
    ("terms longer than stored", lambda d: rewritten(d, first_feature_set("term_bytes", 10**7)), "do not span"),
    ("a label more than coefficients", lambda d: rewritten(d, lambda h: h["targets"]["tone"]["labels"].append("x")), "ends inside"),
    ("slots not a power of two", lambda d: rewritten(d, first_feature_set("slots", 3)), "power of two"),
    ("huge n-grams", lambda d: rewritten(d, first_feature_set("ngram_range", [1, 10**9])), "ngram_range"),
    ("other analyzer", lambda d: rewritten(d, first_feature_set("analyzer", "char")), "analyzer"),
    ("future format", lambda d: rewritten(d, lambda h: h.__setitem__("format", "stance-lookup/9")), "unknown format"),
    ("bad target name", lambda d: rewritten(d, lambda h: h["targets"].__setitem__("x\x1b[2J", h["targets"].pop("stance"))), "target name"),
    ("one label", lambda d: rewritten(d, lambda h: h["targets"]["tone"].__setitem__("labels", ["firm"])), "labels"),
    ("code in the settings", lambda d: rewritten(d, lambda h: h["targets"]["tone"].__setitem__("prepare", {"exec": True})), "preparation"),
]


@pytest.mark.parametrize("name, damage, message", DAMAGED, ids=[d[0] for d in DAMAGED])
def test_a_damaged_lookup_file_is_refused_clearly(trained_model_dir, name, damage, message):
    data = damage((trained_model_dir / LOOKUP_FILE).read_bytes())
    with pytest.raises(ValueError, match=message) as caught:
        QuickModel.from_bytes(data, "models/x/model_lookup.bin")
    assert str(caught.value).startswith("models/x/model_lookup.bin")


def test_nan_coefficients_are_refused_when_used(trained_model_dir):
    data = bytearray((trained_model_dir / LOOKUP_FILE).read_bytes())
    data[-8:] = struct.pack("<d", float("nan"))  # the last intercept of the last target
    _, length, _ = PREAMBLE.unpack_from(data)
    data[: PREAMBLE.size] = PREAMBLE.pack(quick.MAGIC, length, zlib.crc32(bytes(data[PREAMBLE.size :])))
    lookup = QuickModel.from_bytes(bytes(data), "lookup")
    with pytest.raises(ValueError, match="NaN or infinite"):
        lookup.predict_all(["We condemn the launch."])


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_output_is_the_same_with_and_without_the_lookup_file(trained_model_dir, tmp_path):
    without = tmp_path / "without"
    shutil.copytree(trained_model_dir, without)
    (without / LOOKUP_FILE).unlink()
    texts = [t for t in TRICKY if t.strip()]
    for options in ([], ["--min-confidence", "0.6"], ["--wide"]):
        quick_result = run("predict", *texts, "--model", trained_model_dir, *options)
        arrays_result = run("predict", *texts, "--model", without, *options)
        assert quick_result.exit_code == arrays_result.exit_code == 0
        assert quick_result.output == arrays_result.output
    assert "uncertain" in run("predict", "xqzt blorf wibble", "--model", trained_model_dir).output


def test_cli_warns_about_a_damaged_lookup_file_and_predicts_from_the_arrays(trained_model_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(trained_model_dir, copy)
    data = (copy / LOOKUP_FILE).read_bytes()
    (copy / LOOKUP_FILE).write_bytes(data[: len(data) - 100])
    result = CliRunner().invoke(cli, ["predict", "We condemn the launch.", "--model", str(copy)])
    expected = run("predict", "We condemn the launch.", "--model", trained_model_dir).output
    assert result.exit_code == 0
    assert "Warning:" in result.output and "model_lookup.bin: the checksum does not match" in result.output
    assert expected in result.output


def test_main_answers_plain_predict_like_the_command_line(shipped, capsys, tmp_path):
    texts = [t for t in TRICKY if t.strip() and not t.startswith("-")]
    assert predict_quickly(["predict", *texts])
    printed = capsys.readouterr().out
    without = tmp_path / "arrays-only"
    without.mkdir()
    for name in (*quick.ARRAYS_FILES, quick.CARD_FILE):
        shutil.copyfile(DEFAULT_MODEL_DIR / name, without / name)
    assert printed == run("predict", *texts, "--model", without).output  # the arrays model, through click
    assert printed == run("predict", *texts).output  # the lookup file, through click
    assert not predict_quickly(["predict", "--help"]) and not predict_quickly(["predict"]) and not predict_quickly(["train"])
    assert not predict_quickly(["predict", "We condemn it.", "-m", str(without)])
    assert not predict_quickly(["predict", "  "])  # the command line says that every statement is empty
    assert capsys.readouterr().out == ""


def test_predict_imports_neither_numpy_nor_click(shipped):
    """`python -m stance predict "..."` with the shipped model: what it imports, not how long it takes."""
    code = (
        "import runpy, sys\n"
        "sys.argv = ['stance', 'predict', 'We condemn the launch.']\n"
        "runpy.run_module('stance', run_name='__main__')\n"
        "print(sorted(m for m in ('numpy', 'pandas', 'sklearn', 'click', 'stance.cli') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert "condemning" in result.stdout
    assert result.stderr.strip() == "[]"
    importtime = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "stance", "predict", "We condemn the launch."],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert importtime.returncode == 0 and "import time:" in importtime.stderr and "numpy" not in importtime.stderr


def test_help_and_a_predict_with_options_load_no_numpy():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from stance.cli import cli\n"
        "CliRunner().invoke(cli, ['--help'])\n"
        "CliRunner().invoke(cli, ['predict', 'We condemn it.', '--min-confidence', '0.5'])\n"
        "print('numpy' in sys.modules)\n"
    )
    if not (DEFAULT_MODEL_DIR / LOOKUP_FILE).is_file():
        pytest.skip("the shipped model has no lookup file")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout.strip() == "False"


def test_write_lookup_replaces_the_file_atomically_and_the_same(trained_model_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(trained_model_dir, copy)
    before = (copy / LOOKUP_FILE).read_bytes()
    assert Path(write_lookup(copy)) == copy / LOOKUP_FILE
    assert (copy / LOOKUP_FILE).read_bytes() == before
    assert sorted(p.name for p in copy.iterdir()) == sorted(p.name for p in trained_model_dir.iterdir())  # no temporary left


def test_duplicate_terms_cannot_be_written():
    with pytest.raises(ValueError, match="twice"):
        quick._hash_table([b"a", b"b", b"a"])


def test_main_leaves_a_damaged_or_missing_lookup_file_to_the_command_line(trained_model_dir, tmp_path, monkeypatch, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(trained_model_dir, copy)
    monkeypatch.setattr(quick, "DEFAULT_MODEL_DIR", str(copy))
    assert predict_quickly(["predict", "We condemn the launch."])  # the small model, answered here
    assert "condemn" in capsys.readouterr().out
    data = (copy / LOOKUP_FILE).read_bytes()
    (copy / LOOKUP_FILE).write_bytes(data[:-1])
    assert not predict_quickly(["predict", "We condemn the launch."])  # stance.cli warns and uses the arrays
    (copy / LOOKUP_FILE).unlink()
    assert not predict_quickly(["predict", "We condemn the launch."])
    assert capsys.readouterr().out == ""
