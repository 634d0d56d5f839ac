"""Every mistake a user can make gets a clear message and exit code 1, never a traceback."""

import csv
import io
import json
import os
import shutil
from pathlib import Path

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
    for fmt in ("table", "csv"):  # both the in-memory and the streaming reader
        result = run("predict", "--input", bad_csv, "--model", trained_model_dir, "--format", fmt)
        assert result.exit_code == 1 and "bad.csv, after line 1: not a readable CSV (unexpected end of data)" in result.output
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
    refused = run("predict", "We condemn it.", "--model", copy)
    assert refused.exit_code == 1 and "--allow-pickle" in refused.output
    result = run("predict", "We condemn it.", "--model", copy, "--allow-pickle")
    assert result.exit_code == 0
    assert "scikit-learn 0.24.2" in result.output and "Warning: unpickling" in result.output


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


# --- issue 16: nothing executed, nothing lost, no traceback ------------------------------------------


def predictions_of(result) -> list[dict]:
    return [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def test_1_a_planted_pickle_never_runs_without_allow_pickle(run, tmp_path, trained_model_dir):
    from .test_model import plant_pickle

    with_arrays, marker = plant_pickle(trained_model_dir, tmp_path / "a", keep_arrays=True)
    refused = run("predict", "We condemn it.", "--model", with_arrays)
    assert refused.exit_code == 1 and "records no SHA-256" in refused.output
    assert run("predict", "We condemn it.", "--model", with_arrays, "--trust", "--allow-pickle").exit_code == 0  # the arrays
    assert run("export", with_arrays, "--out", tmp_path / "shared").exit_code == 1
    assert not marker.exists()
    only_pickle, marker = plant_pickle(trained_model_dir, tmp_path / "b", keep_arrays=False)
    for args in (("predict", "We condemn it."), ("suggest", DATA / "labels_sample.csv"), ("export",)):
        extra = ("--out", tmp_path / "shared2") if args[0] == "export" else ("--model",)
        result = run(*args, *extra, only_pickle) if args[0] != "export" else run("export", only_pickle, *extra)
        assert result.exit_code == 1 and "no model arrays" in result.output, result.output
    assert not marker.exists()
    asked = run("predict", "We condemn it.", "--model", only_pickle, "--allow-pickle")
    assert "Warning: unpickling" in asked.output and "can run any code" in asked.output
    assert asked.exit_code == 1 and "does not hold stance's pipelines" in asked.output


FORMULA = '=HYPERLINK("http://evil.example","Click") We condemn the launch.'


def test_2_csv_cells_are_not_formulas(run, tmp_path, trained_model_dir):
    doc = write_bytes(tmp_path, "doc.txt", f"{FORMULA}\n\n@everyone the drills are routine.\n".encode())
    extracted = run("extract", doc, "--mode", "sentences", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(extracted.output)))
    assert [r["text"][:2] for r in rows] == ["'=", "'@"]
    raw = run("extract", doc, "--mode", "sentences", "--format", "csv", "--keep-formulas")
    assert [r["text"][:1] for r in csv.DictReader(io.StringIO(raw.output))] == ["=", "@"]
    pool = tmp_path / "pool.csv"
    pool.write_text(extracted.output, encoding="utf-8")
    for extra in ((), ("--explain",)):  # the streaming and the in-memory writer
        out = tmp_path / f"predicted{len(extra)}.csv"
        assert run("predict", "--input", pool, "--model", trained_model_dir, "--format", "csv", "-o", out, *extra).exit_code == 0
        predicted = list(csv.DictReader(open(out, encoding="utf-8")))
        assert [r["text"][:2] for r in predicted] == ["'=", "'@"]
    # stance reads its own neutralised cells back: the same text is classified as the original
    again = run("predict", "--input", out, "--model", trained_model_dir, "--format", "jsonl", "--text-column", "text")
    direct = run("predict", FORMULA, "--model", trained_model_dir, "--format", "jsonl")
    assert predictions_of(again)[0]["text"] == FORMULA
    assert predictions_of(again)[0]["predicted_stance_p"] == predictions_of(direct)[0]["stance_p"]  # its old columns stay
    suggested = run("suggest", pool, "--model", trained_model_dir, "--labels", tmp_path / "none", "--format", "csv")
    assert {r["text"][:2] for r in csv.DictReader(io.StringIO(suggested.output))} == {"'=", "'@"}
    report = tmp_path / "report"
    assert run("report", doc, "--mode", "sentences", "--model", trained_model_dir, "--out", report).exit_code == 0
    assert {r["text"][:2] for r in csv.DictReader(open(report / "predictions.csv", encoding="utf-8"))} == {"'=", "'@"}


def test_4_line_scans_are_bounded_on_one_long_line():
    """A text with no line break: each find/rfind of a line break used to scan to the text's
    ends, so the work grew with (quotes x length), quadratically. Count the characters the
    scans read: twice the text must cost about twice as much, not four times."""
    from stance.extract import statements_of
    from stance.sources import Document

    class Counted(str):
        scanned = 0

        def find(self, sub, start=0, end=None):
            end = len(self) if end is None else min(end, len(self))
            at = str.find(self, sub, start, end)
            Counted.scanned += (at + len(sub) if at >= 0 else end) - start
            return at

        def rfind(self, sub, start=0, end=None):
            end = len(self) if end is None else min(end, len(self))
            at = str.rfind(self, sub, start, end)
            Counted.scanned += end - (at if at >= 0 else start)
            return at

    def cost(repeats: int) -> int:
        Counted.scanned = 0
        text = Counted("“We condemn the launch and urge restraint,” said the minister. Officials met on Monday. " * repeats)
        assert len(list(statements_of(Document(text=text, source="long")))) == repeats
        return Counted.scanned

    assert cost(3000) < 2.5 * cost(1500)


def test_7_outputs_go_through_devices_and_symlinks(run, tmp_path):
    import stat

    from .test_files import read_fifo

    doc = write_bytes(tmp_path, "doc.txt", "“We condemn the launch,” the minister said.".encode())
    fifo, received = read_fifo(tmp_path)  # as -o /dev/stdout would be, without risking the real device
    assert run("extract", doc, "-o", fifo, "--force", "--format", "jsonl").exit_code == 0
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and json.loads(received())["speaker"] == "the minister"
    real = write_bytes(tmp_path, "real.jsonl", b"old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert run("extract", doc, "-o", link, "--force", "--format", "jsonl").exit_code == 0
    assert link.is_symlink() and json.loads(real.read_text())["speaker"] == "the minister"


def test_8_an_output_holding_an_input_is_refused(run, tmp_path, trained_model_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("“We condemn the launch,” the minister said.", encoding="utf-8")
    model = tmp_path / "model"
    shutil.copytree(trained_model_dir, model)
    labels = tmp_path / "labels"
    labels.mkdir()
    shutil.copy(DATA / "labels_sample.csv", labels / "sample.csv")
    attempts = [
        ("report", corpus, "--out", corpus, "--model", model, "--force"),
        ("report", corpus / "a.txt", "--out", tmp_path, "--model", model, "--force"),
        ("extract", corpus / "a.txt", "-o", corpus / "a.txt", "--force"),
        ("export", model, "--out", model, "--force"),
        ("train", labels, "--out", labels, "--force", "--folds", "0"),
        ("predict", "--input", labels / "sample.csv", "-o", labels / "sample.csv", "--force", "--model", model, "--format", "csv"),
    ]
    for args in attempts:
        result = run(*args)
        assert result.exit_code == 1 and "would destroy the input" in result.output, (args, result.output)
    assert (corpus / "a.txt").exists() and (model / "model_card.json").exists() and (labels / "sample.csv").stat().st_size > 1000


def test_9_an_output_created_during_training_is_not_replaced(run, tmp_path, monkeypatch):
    import stance.model

    out = tmp_path / "model"
    fit = stance.model.fit_targets

    def fit_while_another_run_saves(*args, **kwargs):
        pipelines = fit(*args, **kwargs)
        out.mkdir()
        (out / "model_card.json").write_text("the other run's model")
        return pipelines

    monkeypatch.setattr(stance.model, "fit_targets", fit_while_another_run_saves)
    result = run("train", DATA / "labels_sample.csv", "--out", out, "--folds", "0", "--jobs", "1")
    assert result.exit_code == 1 and "model exists; pass --force" in result.output and "Saved" not in result.output
    assert (out / "model_card.json").read_text() == "the other run's model"


def test_12_terminal_output_shows_control_characters_as_escapes(run, tmp_path, trained_model_dir):
    result = run("predict", "We welcome talks.\r\x1b[2KWe condemn\x9b the launch.\u202e", "--model", trained_model_dir)
    assert result.exit_code == 0
    assert not any(c in result.output for c in "\x1b\r\x9b\u202e") and "\\x1b[2K" in result.output
    missing = run("extract", tmp_path / "no\x1b[2Jsuch.txt")
    assert missing.exit_code == 1 and "\x1b" not in missing.output and "no\\x1b[2Jsuch.txt" in missing.output


def test_13_jsonl_lines_end_at_line_feeds_only(run, tmp_path, trained_model_dir):
    text = "“We condemn\u2028the launch\u0085 and\x0c the drills,” the minister said."
    doc = write_bytes(tmp_path, "doc.txt", text.encode())
    first = run("extract", doc, "--format", "jsonl", "--include-unattributed")
    assert first.exit_code == 0 and len(first.output.splitlines()) < len(first.output.split("\n")) + 3
    jsonl = write_bytes(tmp_path, "statements.jsonl", first.output.encode())
    again = run("extract", jsonl, "--format", "jsonl", "--mode", "sentences")
    assert again.exit_code == 0, again.output  # its own output reads back
    records = [json.loads(line) for line in first.output.split("\n") if line]
    for fmt in ("jsonl", "table"):  # streaming and in-memory readers
        predicted = run("predict", "--input", jsonl, "--model", trained_model_dir, "--format", fmt)
        assert predicted.exit_code == 0, predicted.output
    assert len(predictions_of(predicted)) == 0 and len(records) == 1


def test_14_jsonl_input_is_parsed_in_every_predict_path(run, tmp_path, trained_model_dir):
    statement = "We condemn the launch in the strongest terms."
    path = write_bytes(tmp_path, "in.jsonl", json.dumps({"id": "j1", "text": statement}).encode() + b"\n")
    direct = predictions_of(run("predict", statement, "--model", trained_model_dir, "--format", "jsonl"))[0]
    as_json = json.loads(run("predict", "--input", path, "--model", trained_model_dir, "--format", "json").output)[0]
    assert as_json["id"] == "j1" and as_json["text"] == statement and as_json["stance_p"] == direct["stance_p"]
    table = run("predict", "--input", path, "--model", trained_model_dir)
    assert statement in table.output and "{" not in table.output
    explained = run("predict", "--input", path, "--model", trained_model_dir, "--explain", "--format", "jsonl")
    assert predictions_of(explained)[0]["stance_p"] == direct["stance_p"] and predictions_of(explained)[0]["stance_explain"]
    stdin = run("predict", "--model", trained_model_dir, "--format", "json", input=path.read_text())
    assert json.loads(stdin.output)[0]["text"] == statement


def test_15_no_traceback_for_hostile_inputs(run, tmp_path, trained_model_dir, monkeypatch):
    nested = write_bytes(tmp_path, "nested.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n")
    for args in (("extract", nested), ("predict", "--input", nested, "--model", trained_model_dir, "--format", "jsonl")):
        result = run(*args)
        assert result.exit_code == 1 and "nested.jsonl" in result.output and "nested too deeply" in result.output, result.output
    bogus = run("predict", "--input", DATA / "labels_sample.csv", "--encoding", "bogus", "--model", trained_model_dir)
    assert bogus.exit_code == 2 and "unknown encoding 'bogus'" in bogus.output
    long_first_line = "text,id\n" + "a" * 200_000 + ",1\n"
    result = run("predict", "--model", trained_model_dir, "--format", "jsonl", input=long_first_line.replace("text,id\n", ""))
    assert result.exit_code == 0 and len(predictions_of(result)) == 1
    result = run(
        "predict", "--model", trained_model_dir, "--format", "jsonl", input="text,id\r" + "We condemn it.,1\rTalks are welcome.,2\r"
    )
    assert result.exit_code == 0 and [p["id"] for p in predictions_of(result)] == ["1", "2"]
    afile = write_bytes(tmp_path, "file.txt", b"x")
    result = run("train", DATA / "labels_sample.csv", "--out", afile / "model")
    assert result.exit_code == 1 and "is a file, not a folder" in result.output and "cross-validated" not in result.output
    monkeypatch.setattr(os, "access", lambda *args: False)
    result = run("train", DATA / "labels_sample.csv", "--out", tmp_path / "model")
    assert result.exit_code == 1 and "permission denied" in result.output and "cross-validated" not in result.output


def test_16_input_is_capped_and_sniffed(run, tmp_path, trained_model_dir, monkeypatch):
    import stance.sources

    for args in (("extract", "/dev/zero"), ("predict", "--input", "/dev/zero", "--model", trained_model_dir)):
        result = run(*args)
        assert result.exit_code == 1 and "/dev/zero: looks like a binary file" in result.output
    monkeypatch.setattr(stance.sources, "MAX_INPUT_BYTES", 10_000)
    for args in (("extract", "-"), ("predict", "--model", trained_model_dir)):
        result = run(*args, input="We condemn it.\n" * 1000)
        assert result.exit_code == 1 and "-: more than" in result.output, result.output
    lone = write_bytes(tmp_path, "lone.jsonl", b'{"text": "fine"}\n{"text": "We condemn \\ud800 it, he said.", "speaker": "Kim"}\n')
    result = run("extract", lone, "--format", "jsonl")
    assert result.exit_code == 0 and "lone.jsonl: line 2: lone surrogate" in result.output
    assert any("\ufffd" in p["text"] for p in predictions_of(result))


def test_17_no_silent_wrong_results(run, tmp_path, trained_model_dir):
    transcript = "MR. KIRBY: We condemn the launch.\nQ: Will you respond?\nMR. KIRBY: We will respond.\nQ: Thanks.\n"
    lf = run("extract", write_bytes(tmp_path, "lf.txt", transcript.encode()), "--format", "jsonl")
    cr = run("extract", write_bytes(tmp_path, "cr.txt", transcript.replace("\n", "\r").encode()), "--format", "jsonl")
    assert len(predictions_of(cr)) == len(predictions_of(lf)) == 4
    assert [(p["start"], p["end"], p["text"]) for p in predictions_of(cr)] == [
        (p["start"], p["end"], p["text"]) for p in predictions_of(lf)
    ]

    hidden = "“We condemn the launch in the strongest terms,” sa\u200bid the for\u200beign minister."
    [quote] = predictions_of(run("extract", write_bytes(tmp_path, "zw.txt", hidden.encode()), "--format", "jsonl"))
    assert quote["speaker"] == "the foreign minister" and hidden[quote["start"] : quote["end"]] == quote["text"]

    rows = [{"text": "We condemn it."}, {"text": "Talks are welcome.", "late": "kept"}]
    jsonl = write_bytes(tmp_path, "late.jsonl", "".join(json.dumps(r) + "\n" for r in rows).encode())
    streamed = list(csv.DictReader(io.StringIO(run("predict", "--input", jsonl, "--model", trained_model_dir, "--format", "csv").output)))
    assert [r["late"] for r in streamed] == ["", "kept"]

    gold = write_bytes(tmp_path, "gold.csv", b"id,text,stance,tone\n1,We condemn the launch.,threatening,hostile\n")
    for fmt in ("csv", "json"):
        result = run("predict", "--input", gold, "--model", trained_model_dir, "--format", fmt)
        row = next(csv.DictReader(io.StringIO(result.output))) if fmt == "csv" else json.loads(result.output)[0]
        assert row["stance"] == "threatening" and row["tone"] == "hostile" and row["predicted_stance"]

    for folder in ("2019", "2020"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "briefing.txt").write_text(f"MR. KIRBY: We condemn the {folder} launch.\nQ: Why?\nMR. KIRBY: Because.\n")
    found = predictions_of(run("extract", tmp_path / "2019", tmp_path / "2020", "--format", "jsonl"))
    launches = [p for p in found if "launch" in p["text"]]  # same file name and offsets, other words
    assert len(launches) == 2 and launches[0]["start"] == launches[1]["start"] and launches[0]["id"] != launches[1]["id"]


def test_18_documented_offsets_slice_the_file_read_with_utf_8_sig(run, tmp_path):
    path = write_bytes(tmp_path, "bom.txt", "\ufeff“We condemn the launch,” the minister said.\r\n".encode())
    [statement] = predictions_of(run("extract", path, "--format", "jsonl"))
    assert path.read_text(encoding="utf-8-sig")[statement["start"] : statement["end"]] == statement["text"]
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "utf-8-sig" in readme and "--allow-pickle" in readme and "--keep-formulas" in readme


def test_18_dask_docs_secure_a_shared_scheduler():
    text = (Path(__file__).resolve().parents[1] / "docs" / "dask.md").read_text(encoding="utf-8")
    assert "tls://" in text and "--tls-ca-file" in text and "REQUIRE_ENCRYPTION" in text
    commands = [
        line for line in text.splitlines() if line.startswith(("dask scheduler", "dask worker", "stance predict --engine dask --scheduler"))
    ]
    assert commands and all("tls" in line for line in commands), commands
