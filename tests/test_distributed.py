"""`stance predict --engine dask` on a local cluster of worker processes equals the single-process output."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")

from click.testing import CliRunner  # noqa: E402

from stance.bulk import classify_file  # noqa: E402
from stance.cli import cli  # noqa: E402
from stance.distributed import expand_inputs, plan_dataset, predict_dataset  # noqa: E402

EXTRA_TEXTS = [
    "",  # empty: no labels, no probabilities
    "   ",
    "Le ministère « condamne fermement » le tir — 北朝鮮のミサイル発射を非難する 🚀",
    'A quoted "line one"\nand line two, with a comma.',
]


@pytest.fixture(scope="module")
def client():
    """Three worker processes, started once for the module."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.CRITICAL) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def rows(sample_labels) -> list[dict]:
    with open(sample_labels, encoding="utf-8", newline="") as handle:
        sample = list(csv.DictReader(handle))[:45]
    extra = [{**sample[0], "id": f"extra_{i}", "text": text} for i, text in enumerate(EXTRA_TEXTS)]
    return sample[:20] + extra + sample[20:]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, rows) -> dict[str, Path]:
    """The same rows as three CSV, three JSONL and three Parquet partitions (the last CSV has a header only)."""
    root = tmp_path_factory.mktemp("partitions")
    chunks = [rows[:20], rows[20:], []]
    for fmt in ("csv", "jsonl", "parquet"):
        (root / fmt).mkdir()
    for i, chunk in enumerate(chunks):
        with open(root / "csv" / f"part{i}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(chunk)
        # JSON lines keep their types: a number, a null, a nested value, a field only some rows have.
        records = [
            {**row, "n": k, "speaker": None if k % 5 == 0 else row["speaker"], "tags": ["a", {"b": k}]} for k, row in enumerate(chunk)
        ]
        for record in records[::7]:
            record["only_some"] = "yes"
        lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        (root / "jsonl" / f"part{i}.jsonl").write_text(lines, encoding="utf-8")
        with gzip.open(root / f"part{i}.jsonl.gz", "wt", encoding="utf-8") as handle:
            handle.write(lines)
        if chunk:
            import pyarrow as pa

            pq.write_table(pa.Table.from_pylist(chunk), root / "parquet" / f"part{i}.parquet")
    (root / "csv" / "_SUCCESS").write_text("")  # left out: not a partition
    return {"root": root, **{fmt: root / fmt for fmt in ("csv", "jsonl", "parquet")}}


def single_process(path: Path, model_dir: Path, fmt: str) -> str:
    stream = io.StringIO(newline="")
    classify_file(path, str(model_dir), "text", stream, fmt)
    return stream.getvalue()


def parts(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_text_partitions_equal_single_process(client, inputs, trained_model_dir, tmp_path, fmt):
    job = plan_dataset([str(inputs[fmt])], tmp_path / "out", trained_model_dir, output_format=fmt)
    count = predict_dataset(job, client)
    sources = sorted(inputs[fmt].glob(f"*.{fmt}"))
    assert [p.name for p in parts(tmp_path / "out")] == [f"part-0000{i}.{fmt}" for i in range(3)]
    assert [p.read_text(encoding="utf-8") for p in parts(tmp_path / "out")] == [single_process(s, trained_model_dir, fmt) for s in sources]
    assert count == 20 + len(EXTRA_TEXTS) + 25


def test_outputs_keep_types_and_absent_fields(client, inputs, trained_model_dir, tmp_path):
    job = plan_dataset([str(inputs["jsonl"] / "part0.jsonl")], tmp_path / "out", trained_model_dir, output_format="jsonl")
    predict_dataset(job, client)
    first, second = (json.loads(line) for line in (tmp_path / "out" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()[:2])
    assert first["n"] == 0 and first["speaker"] is None and first["tags"] == ["a", {"b": 0}] and first["only_some"] == "yes"
    assert "only_some" not in second and isinstance(first["predicted_stance_p_condemning"], float)
    assert first["stance"] in (
        "condemning",
        "downplaying",
        "open_to_dialogue",
        "reassuring",
        "threatening",
        "neutral",
    )  # the gold label stays


def test_compressed_jsonl_and_parquet_equal_single_process(client, inputs, trained_model_dir, tmp_path):
    root = inputs["root"]
    job = plan_dataset([str(root / "*.jsonl.gz")], tmp_path / "gz", trained_model_dir, output_format="jsonl")
    predict_dataset(job, client)
    assert [p.read_text(encoding="utf-8") for p in parts(tmp_path / "gz")] == [
        single_process(s, trained_model_dir, "jsonl") for s in sorted(inputs["jsonl"].glob("*.jsonl"))
    ]
    # Parquet in, Parquet out: same rows, same order.
    job = plan_dataset([str(inputs["parquet"])], tmp_path / "pq", trained_model_dir, output_format="parquet")
    count = predict_dataset(job, client)
    got = [row for part in parts(tmp_path / "pq") for row in pq.read_table(part).to_pylist()]
    expected = [
        json.loads(line) for s in sorted(inputs["csv"].glob("*.csv")) for line in single_process(s, trained_model_dir, "jsonl").splitlines()
    ]
    assert count == len(got) == len(expected) and len(parts(tmp_path / "pq")) == 2
    for mine, theirs in zip(got, expected, strict=True):
        assert list(mine) == list(theirs)
        for key, value in theirs.items():
            assert mine[key] == pytest.approx(value, abs=1e-12) if isinstance(value, float) else mine[key] == value


def test_cli_on_an_existing_cluster(client, inputs, trained_model_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "predictions"
    args = ["predict", "--engine", "dask", "--scheduler", client.scheduler.address, "--model", str(trained_model_dir), "--format", "csv"]
    result = runner.invoke(
        cli, [*args, "--input", str(inputs["csv"] / "part1.csv"), "--input", str(inputs["csv"] / "part0.csv"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 49 rows" in result.output
    local = [
        runner.invoke(cli, ["predict", "--input", str(inputs["csv"] / name), "--model", str(trained_model_dir), "--format", "csv"]).output
        for name in ("part1.csv", "part0.csv")
    ]
    assert [p.read_text(encoding="utf-8") for p in parts(out)] == local

    again = runner.invoke(cli, [*args, "--input", str(inputs["csv"]), "-o", str(out)])
    assert again.exit_code == 1 and "exists; pass --force" in again.output
    assert runner.invoke(cli, [*args, "--input", str(inputs["csv"]), "-o", str(out), "--force"]).exit_code == 0
    assert len(parts(out)) == 3

    missing = runner.invoke(cli, [*args, "--input", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x")])
    assert missing.exit_code == 1 and "nowhere: no such file or folder" in missing.output
    column = runner.invoke(cli, [*args, "--input", str(inputs["csv"]), "--text-column", "body", "-o", str(tmp_path / "x")])
    assert column.exit_code == 1 and "no column 'body'" in column.output
    assert not (tmp_path / "x").exists()


def test_a_bad_partition_fails_cleanly_and_writes_nothing(client, inputs, trained_model_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text((inputs["jsonl"] / "part0.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.jsonl").write_text('{"text": "fine"}\n{"text": broken\n', encoding="utf-8")
    args = ["predict", "--engine", "dask", "--scheduler", client.scheduler.address, "--model", str(trained_model_dir), "--format", "jsonl"]
    result = CliRunner().invoke(cli, [*args, "--input", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "b.jsonl: line 2: invalid JSON" in result.output and "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["in"]  # no output, no temporary folder left behind


def test_usage_errors_need_no_cluster(inputs, trained_model_dir, tmp_path, monkeypatch):
    runner = CliRunner()
    base = ["predict", "--engine", "dask", "--model", str(trained_model_dir), "--input", str(inputs["csv"])]
    assert "name it with --out" in runner.invoke(cli, base).output
    assert "quote a glob" in runner.invoke(cli, [*base, "stray.csv", "-o", str(tmp_path / "o")]).output
    assert runner.invoke(cli, [*base, "--format", "table", "-o", str(tmp_path / "o")]).exit_code == 2
    local = runner.invoke(cli, ["predict", "--input", str(inputs["csv"]), "--model", str(trained_model_dir)])
    assert local.exit_code == 2 and "is a folder" in local.output
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    result = runner.invoke(cli, [*base, "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "pip install 'stance[dask]'" in result.output


def test_inputs_expand_in_a_stable_order(inputs):
    root = inputs["root"]
    paths, fmt = expand_inputs([str(root / "csv" / "part2.csv"), str(root / "csv")])
    assert fmt == "csv" and [Path(p).name for p in paths] == ["part2.csv", "part0.csv", "part1.csv"]
    with pytest.raises(ValueError, match="mix formats"):
        expand_inputs([str(root / "csv"), str(root / "jsonl")])
    with pytest.raises(ValueError, match="holds no"):
        expand_inputs([str(root / "csv" / "*.txt")])
