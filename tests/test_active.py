"""Suggesting what to label next, and auditing labels."""

import csv

import pandas as pd
from click.testing import CliRunner

from stance.active import apply_audit, suggest
from stance.cli import cli
from stance.model import load_predictor


def test_suggest_prefers_uncertain_and_skips_near_duplicates(trained_model_dir):
    model = load_predictor(trained_model_dir)
    texts = ["We will continue to monitor the situation on the 3rd of May."] * 1 + [
        "We will continue to monitor the situation on the 4th of May.",
        "We will continue to monitor the situation on the 5th of May.",
        "The United States condemns the launch in the strongest possible terms.",
        "Hello.",
    ]
    pool = pd.DataFrame({"id": [f"i{k}" for k in range(len(texts))], "text": texts})
    chosen = suggest(pool, model, n=5)
    monitor = [t for t in chosen["text"] if "monitor the situation" in t]
    assert len(monitor) == 1  # three near-identical stock phrases give one suggestion
    assert list(chosen["uncertainty"]) == sorted(chosen["uncertainty"], reverse=True)
    assert "i3" not in set(suggest(pool, model, n=5, exclude_ids={"i3"})["id"])


def test_suggest_command(tmp_path, trained_model_dir):
    pool = tmp_path / "pool.csv"
    pd.DataFrame({"text": ["We condemn it.", "Talks may resume.", "The drills are routine."]}).to_csv(pool, index=False)
    result = CliRunner().invoke(
        cli, ["suggest", str(pool), "-n", "2", "--model", str(trained_model_dir), "--labels", str(tmp_path / "none"), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(result.output.splitlines()))) == 2


def test_audit_and_apply(tmp_path, sample_labels):
    labels = tmp_path / "labels.csv"
    frame = pd.read_csv(sample_labels, dtype=str, keep_default_na=False)
    frame.loc[0, "stance"] = "neutral" if frame.loc[0, "stance"] != "neutral" else "condemning"  # plant an error
    frame.to_csv(labels, index=False)
    audit_csv = tmp_path / "audit.csv"
    result = CliRunner().invoke(
        cli,
        [
            "labels",
            "audit",
            str(labels),
            "--target",
            "stance",
            "--threshold",
            "0.3",
            "--folds",
            "3",
            "--format",
            "csv",
            "-o",
            str(audit_csv),
        ],
    )
    assert result.exit_code == 0, result.output
    audit = pd.read_csv(audit_csv, dtype=str, keep_default_na=False)
    assert len(audit) > 0 and set(audit["target"]) == {"stance"}
    audit.loc[0, "decision"] = "change"
    audit.loc[0, "new_label"] = "threatening"
    if len(audit) > 1:
        audit.loc[1, "decision"] = "keep"
    audit.to_csv(audit_csv, index=False)
    counts = apply_audit(audit_csv)
    assert counts["change"] == 1
    after = pd.read_csv(labels, dtype=str, keep_default_na=False).set_index("id")
    assert after.loc[audit.loc[0, "id"], "stance"] == "threatening"
    assert after.loc[audit.loc[0, "id"], "reviewed"] == "audit:change"
    audit.loc[0, "decision"] = "maybe"
    audit.to_csv(audit_csv, index=False)
    bad = CliRunner().invoke(cli, ["labels", "apply-audit", str(audit_csv)])
    assert bad.exit_code == 1 and "use keep or change" in bad.output


def write_audit(path, rows):
    columns = ["file", "row", "id", "target", "label", "predicted", "confidence", "text", "decision", "new_label"]
    pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows], columns=columns).to_csv(path, index=False)


def test_apply_audit_touches_only_label_files_and_label_columns(tmp_path):
    labels = tmp_path / "labels"
    labels.mkdir()
    label_file = labels / "a.csv"
    label_file.write_text("id,text,stance,tone\n1,We condemn it.,neutral,firm\n", encoding="utf-8")
    victim = tmp_path / "accounts.csv"
    victim.write_text("id,text,stance,balance\n1,x,neutral,100\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in (label_file, victim)}
    audit_csv = tmp_path / "audit.csv"
    hostile = {
        "a CSV outside the label folders": [str(victim), "2", "1", "stance", "neutral", "condemning", "0.9", "x", "change", ""],
        "a column that holds no labels": [str(label_file), "2", "1", "text", "x", "y", "0.9", "x", "change", "=HYPERLINK(1)"],
        "a value that is no label": [str(label_file), "2", "1", "stance", "neutral", "x", "0.9", "x", "change", "=cmd|' /C calc'!A0"],
        "a file that is not a CSV": [str(tmp_path / "notes.txt"), "2", "1", "stance", "neutral", "condemning", "0.9", "x", "change", ""],
    }
    (tmp_path / "notes.txt").write_text("id,text,stance\n1,x,neutral\n")
    for name, row in hostile.items():
        write_audit(audit_csv, [row])
        result = CliRunner().invoke(cli, ["labels", "apply-audit", str(audit_csv), "--labels", str(labels)])
        assert result.exit_code == 1 and "audit.csv, row 2" in result.output, (name, result.output)
        assert {path: path.read_bytes() for path in before} == before, name
    write_audit(audit_csv, [[str(label_file), "2", "1", "stance", "neutral", "condemning", "0.9", "x", "change", ""]])
    result = CliRunner().invoke(cli, ["labels", "apply-audit", str(audit_csv), "--labels", str(labels)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(label_file, dtype=str).loc[0, "stance"] == "condemning" and victim.read_bytes() == before[victim]
