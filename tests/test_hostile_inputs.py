"""Every mistake a user can make gets a clear message and exit code 1, never a traceback."""

import json
import shutil

import pytest
from click.testing import CliRunner

from stance.cli import cli

from .conftest import DATA

GOOD_HEADER = "id,text,stance,tone\n"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input=None):
        result = runner.invoke(cli, [str(a) for a in args], input=input)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        return result

    return invoke


def write_bytes(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


LABEL_CASES = [
    ("missing column", GOOD_HEADER.replace("stance", "stanse").encode() + b"1,x,neutral,neutral\n", "missing required column 'stance'"),
    ("wrong delimiter", b"id;text;stance;tone\n1;x;neutral;neutral\n", "delimiter"),
    ("byte-order mark is fine", b"\xef\xbb\xbf" + GOOD_HEADER.encode() + b"1,x,neutral,neutral\n", None),
    ("non-UTF-8", GOOD_HEADER.encode() + "1,caf\xe9,neutral,neutral\n".encode("latin-1"), "not UTF-8"),
    ("NUL bytes", b"\x00" * 10 + GOOD_HEADER.encode(), "NUL"),
    ("binary", bytes(range(256)) * 4, "NUL"),
    ("empty file", b"", "empty"),
    ("whitespace text", GOOD_HEADER.encode() + b"1,   ,neutral,neutral\n", "empty text"),
    ("unknown label", GOOD_HEADER.encode() + b"1,x,angry,neutral\n", "unknown stance 'angry'"),
    ("empty label", GOOD_HEADER.encode() + b"1,x,,neutral\n", "empty stance"),
    ("huge field", GOOD_HEADER.encode() + b"1," + b"a" * 300_000 + b",neutral,neutral\n", None),
]


@pytest.mark.parametrize("name, data, message", LABEL_CASES, ids=[c[0] for c in LABEL_CASES])
def test_label_check(run, tmp_path, name, data, message):
    path = write_bytes(tmp_path, "labels.csv", data)
    result = run("labels", "check", path)
    if message is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1 and message in result.output and "labels.csv" in result.output


def test_train_with_one_class_only(run, tmp_path):
    rows = "".join(f"{i},statement number {i},neutral,neutral\n" for i in range(20))
    path = write_bytes(tmp_path, "one.csv", (GOOD_HEADER + rows).encode())
    result = run("train", path, "--out", tmp_path / "m")
    assert result.exit_code == 1 and "at least two labels" in result.output
    assert not (tmp_path / "m").exists()
    result = run("evaluate", path)
    assert result.exit_code == 1 and "at least two labels" in result.output


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x00\x01\x02binary", "binary"),
        ("caf\xe9 " * 200, "not utf-8"),
    ],
)
def test_extract_bad_bytes(run, tmp_path, data, message):
    path = write_bytes(tmp_path, "doc.txt", data if isinstance(data, bytes) else data.encode("latin-1"))
    result = run("extract", path)
    assert result.exit_code == 1 and message in result.output and "doc.txt" in result.output


def test_extract_empty_file_and_missing_file(run, tmp_path):
    empty = write_bytes(tmp_path, "empty.txt", b"")
    assert run("extract", empty).exit_code == 0
    missing = run("extract", tmp_path / "nope.txt")
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_extract_bad_jsonl(run, tmp_path):
    path = write_bytes(tmp_path, "c.jsonl", b'{"text": "ok"}\n[1, 2]\n')
    result = run("extract", path)
    assert result.exit_code == 1 and "record 2 is not a JSON object" in result.output


def test_predict_input_problems(run, tmp_path, trained_model_dir):
    empty = write_bytes(tmp_path, "empty.txt", b"")
    result = run("predict", "--input", empty, "--model", trained_model_dir)
    assert result.exit_code == 1 and "empty" in result.output
    bad_csv = write_bytes(tmp_path, "bad.csv", b'text,other\n"unclosed,1\n')
    result = run("predict", "--input", bad_csv, "--model", trained_model_dir)
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    huge = write_bytes(tmp_path, "huge.csv", b"text\n" + b"a" * 300_000 + b"\n")
    result = run("predict", "--input", huge, "--model", trained_model_dir, "--format", "jsonl")
    assert result.exit_code == 0 and json.loads(result.output)["stance"]
    binary = write_bytes(tmp_path, "bin.csv", b"\x00\x01")
    assert run("predict", "--input", binary, "--model", trained_model_dir).exit_code == 1


def test_model_folder_missing_pieces(run, tmp_path, trained_model_dir):
    for piece in ("model_card.json", "model_arrays.npz", "model.joblib"):
        copy = tmp_path / piece
        shutil.copytree(trained_model_dir, copy)
        (copy / piece).unlink()
        result = run("predict", "We condemn it.", "--model", copy)
        if piece == "model.joblib":
            assert result.exit_code == 0  # the arrays are enough to predict
        else:
            assert result.exit_code == 1 and ("--trust" in result.output or "retrain" in result.output), result.output


def test_model_from_another_scikit_learn_version_warns(run, tmp_path, trained_model_dir):
    copy = tmp_path / "old"
    shutil.copytree(trained_model_dir, copy)
    for name in ("model_arrays.json", "model_arrays.npz"):
        (copy / name).unlink()
    card = json.loads((copy / "model_card.json").read_text())
    card["versions"]["scikit-learn"] = "0.24.2"
    card.pop("arrays_sha256")
    (copy / "model_card.json").write_text(json.dumps(card))
    result = run("predict", "We condemn it.", "--model", copy)
    assert result.exit_code == 0
    assert "scikit-learn 0.24.2" in result.output and "Warning" in result.output


def test_output_exists(run, tmp_path):
    out = write_bytes(tmp_path, "out.csv", b"keep me")
    result = run("extract", DATA / "seeds" / "003_59bafc5653eb4eee.txt", "-o", out)
    assert result.exit_code == 1 and out.read_bytes() == b"keep me"


def test_other_encodings_need_naming(run, tmp_path):
    path = write_bytes(tmp_path, "cp1252.txt", "“We condemn it,” said the minister of Curaçao.".encode("cp1252"))
    refused = run("extract", path)
    assert refused.exit_code == 1 and "--encoding" in refused.output
    accepted = run("extract", path, "--encoding", "cp1252", "--format", "jsonl")
    assert accepted.exit_code == 0 and json.loads(accepted.output)["speaker"] == "the minister of Curaçao"
