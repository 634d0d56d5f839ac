"""Assemble the hand labels in labels/work/annotations/ into the label files under labels/.

Inputs (all under labels/work/):
  pool*.csv                        statements from `stance extract`, with source offsets
  annotations/A*_chunk*.csv        first readers (every pool row)
  annotations/C*_rare*.csv         first readers of the rare-class pool
  annotations/D*_sides*.csv        first readers of the side-coverage pool
  annotations/B*_double*.csv       independent second readers of 400 pool rows
  adjudicated.csv                  final decision on every double-labelled row where A and B differ
  review.csv                       the lead's second reading of single rows (e.g. seed statements a
                                   first reader excluded as fragments), with the reason

Round 2 (all under labels/work/round2/, drawn by scripts/build_natural_pools.py):
  train_pool.csv, annotations/F*_train*.csv   the second training round, one reader per row
  chunks/reread*.csv, annotations/H*_reread*.csv
                                   round-1 rows read once under codebook v1.0 in the classes that
                                   v1.1 changed, read again (blind) under v1.2; the new reading wins
  round3/train_pool.csv, round3/annotations/K*_rare*.csv
                                   the third round: whole passages where rare acts occur
                                   (scripts/build_rare_reading_pool.py), one reader per row
  test_pool.csv, annotations/E*_test*.csv, adjudicated_test.csv
                                   the frozen natural test set: two blind readers per row, the
                                   adjudicator decides where they differ

Outputs:
  labels/seeds.csv, labels/<corpus>.csv   one file per source, every row traceable (source_ref)
  labels/agreement/first_reader.csv, labels/agreement/second_reader.csv
                                    the two independent readings of the double-labelled rows
  labels/test/natural.csv           the natural test set (never used for training or tuning)
  labels/test/agreement/first_reader.csv, second_reader.csv   its two independent readings

    python scripts/assemble_labels.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stance.labels import near_duplicate_key, normalize_text  # noqa: E402

WORK = Path("labels/work")
ROUND2 = WORK / "round2"
ROUND3 = WORK / "round3"
COLUMNS = [
    "id",
    "text",
    "stance",
    "tone",
    "speaker",
    "speaker_side",
    "date",
    "source",
    "source_ref",
    "corpus",
    "group",
    "labelled_by",
    "reviewed",
    "pool_reason",
    "exclude",
    "notes",
]
SHINGLE_JACCARD = 0.7


def read_annotations(pattern: str, folder: Path = WORK / "annotations") -> pd.DataFrame:
    frames = []
    for path in sorted(folder.glob(pattern)):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["annotator"] = path.name.split("_")[0]
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["id", "stance", "tone", "exclude", "notes", "annotator"])
    return pd.concat(frames, ignore_index=True)


def source_ref(row: pd.Series) -> str:
    source = re.sub(r"^(\.\./)*shared/", "", str(row["source"]))
    return f"{source}#{row['record']}@{row['fragments'] or str(row['start']) + '-' + str(row['end'])}"


def near_duplicate_groups(texts: pd.Series) -> list[str]:
    """Group ids: same key after normalization, or word-trigram Jaccard >= SHINGLE_JACCARD."""
    keys = texts.map(near_duplicate_key).tolist()
    shingles = [set(zip(k.split(), k.split()[1:], k.split()[2:], strict=False)) for k in keys]
    index: dict[tuple, list[int]] = {}
    for i, grams in enumerate(shingles):
        for gram in grams:
            index.setdefault(gram, []).append(i)
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with_key: dict[str, int] = {}
    for i, grams in enumerate(shingles):
        links = [first_with_key.setdefault(keys[i], i)]
        links += [
            j
            for j in {j for gram in grams for j in index[gram] if j < i}
            if len(grams & shingles[j]) / len(grams | shingles[j]) >= SHINGLE_JACCARD
        ]
        for j in links:
            parent[find(i)] = find(j)
    roots = [find(i) for i in range(len(keys))]
    return [f"g{r:05d}" for r in roots]


def main() -> None:
    pool = pd.concat([pd.read_csv(path, dtype=str, keep_default_na=False) for path in sorted(WORK.glob("pool*.csv"))], ignore_index=True)
    first = pd.concat([read_annotations(p) for p in ("A*_chunk*.csv", "C*_rare*.csv", "D*_sides*.csv")], ignore_index=True)
    second = read_annotations("B*_double*.csv")
    adjudicated = pd.read_csv(WORK / "adjudicated.csv", dtype=str, keep_default_na=False) if (WORK / "adjudicated.csv").exists() else None

    review = pd.read_csv(WORK / "review.csv", dtype=str, keep_default_na=False) if (WORK / "review.csv").exists() else None
    labelled = pool.merge(first[["id", "stance", "tone", "exclude", "notes", "annotator"]], on="id", how="left").fillna("")
    labelled["labelled_by"] = labelled["annotator"].map(lambda a: f"{a}:read" if a else "")
    labelled["reviewed"] = "single"
    if review is not None:
        decided = review.set_index("id")
        hit = labelled["id"].isin(decided.index)
        for column in ("stance", "tone", "exclude"):
            labelled.loc[hit, column] = labelled.loc[hit, "id"].map(decided[column])
        labelled.loc[hit, "notes"] = labelled.loc[hit, "id"].map(decided["reason"])
        labelled.loc[hit, "labelled_by"] = (labelled.loc[hit, "labelled_by"] + ";lead:read").str.lstrip(";")
        labelled.loc[hit, "reviewed"] = "lead-review"
    labelled = labelled[labelled["stance"] != ""].copy()
    labelled = apply_rereads(labelled)
    labelled = pd.concat([labelled, later_training_rounds()], ignore_index=True)
    write_test_set()
    if len(second):
        # Agreement is measured on the two independent readings, before any review.
        readings = pool[["id", "text"]].merge(first[["id", "stance", "tone", "annotator"]], on="id")
        write_agreement_files(readings.merge(second[["id", "stance", "tone", "annotator"]], on="id", suffixes=("", "_b")))
        both = labelled.merge(second[["id", "stance", "tone", "annotator"]], on="id", suffixes=("", "_b"))
        agree = both[(both["stance"] == both["stance_b"]) & (both["tone"] == both["tone_b"])]["id"]
        labelled.loc[labelled["id"].isin(agree), "reviewed"] = "double:agree"
        labelled.loc[labelled["id"].isin(both["id"]), "labelled_by"] += (
            ";" + labelled["id"].map(dict(zip(both["id"], both["annotator_b"], strict=False))).fillna("") + ":read"
        )
        if adjudicated is not None:
            decided = adjudicated.set_index("id")
            hit = labelled["id"].isin(decided.index) & ~labelled["id"].isin(agree)
            for column in ("stance", "tone"):
                labelled.loc[hit, column] = labelled.loc[hit, "id"].map(decided[column])
            labelled.loc[hit, "reviewed"] = "double:adjudicated"
            labelled.loc[hit, "notes"] = labelled.loc[hit, "id"].map(decided["reason"]).fillna("")
            labelled.loc[hit, "labelled_by"] += ";adjudicator:read"
    labelled["source_ref"] = labelled.apply(source_ref, axis=1)
    labelled["source"] = labelled["corpus"]
    labelled["_norm"] = labelled["text"].map(normalize_text)
    labelled = labelled.drop_duplicates("_norm").drop(columns="_norm").reset_index(drop=True)
    labelled["group"] = near_duplicate_groups(labelled["text"])
    labelled["exclude"] = labelled["exclude"].str.strip().str.lower().map(lambda v: "yes" if v == "yes" else "")
    for corpus, rows in labelled.groupby("corpus"):
        name = "seeds.csv" if corpus == "seeds" else f"{corpus.split('__')[-1].lower().replace('-', '_')}.csv"
        rows.sort_values("id")[COLUMNS].to_csv(Path("labels") / name, index=False)
        print(f"labels/{name}: {len(rows)} rows ({(rows['exclude'] != 'yes').sum()} usable)")


def later_training_rounds() -> pd.DataFrame:
    """The training rows of rounds 2 and 3, each with its one reading."""
    frames = []
    for folder, pattern in ((ROUND2, "F*_train*.csv"), (ROUND3, "K*_rare*.csv")):
        pool = pd.read_csv(folder / "train_pool.csv", dtype=str, keep_default_na=False).drop(columns="source_name")
        readings = read_annotations(pattern, folder / "annotations")
        frames.append(pool.merge(readings[["id", "stance", "tone", "exclude", "notes", "annotator"]], on="id", how="inner"))
    labelled = pd.concat(frames, ignore_index=True)
    labelled["labelled_by"] = labelled["annotator"] + ":read"
    labelled["reviewed"] = "single"
    return labelled


def apply_rereads(labelled: pd.DataFrame) -> pd.DataFrame:
    """Round-1 rows read again under the later codebook: the new reading replaces the old,
    whose labels stay in ``notes``."""
    rereads = read_annotations("H*_reread*.csv", ROUND2 / "annotations")
    if not len(rereads):
        return labelled
    decided = rereads.set_index("id")
    hit = labelled["id"].isin(decided.index)
    old = "v1.0 reading: " + labelled.loc[hit, "stance"] + "/" + labelled.loc[hit, "tone"]
    for column in ("stance", "tone", "exclude"):
        labelled.loc[hit, column] = labelled.loc[hit, "id"].map(decided[column])
    labelled.loc[hit, "notes"] = (old + "; " + labelled.loc[hit, "id"].map(decided["notes"]).fillna("")).str.rstrip("; ")
    labelled.loc[hit, "labelled_by"] += ";" + labelled.loc[hit, "id"].map(decided["annotator"]) + ":reread"
    labelled.loc[hit, "reviewed"] = "reread:v1.2"
    return labelled


def write_test_set() -> None:
    """labels/test/natural.csv: where the two blind readings agree they stand, elsewhere the adjudicator's decision."""
    pool = pd.read_csv(ROUND2 / "test_pool.csv", dtype=str, keep_default_na=False).drop(columns="source_name")
    readings = read_annotations("E*_test*.csv", ROUND2 / "annotations")
    columns = ["id", "stance", "tone", "exclude", "annotator"]
    first = readings.drop_duplicates("id", keep="first")[columns]
    second = readings[readings.duplicated("id", keep="first")][columns]
    both = pool[["id", "text"]].merge(first, on="id", how="left").merge(second, on="id", how="left", suffixes=("", "_b"))
    out = Path("labels/test")
    (out / "agreement").mkdir(parents=True, exist_ok=True)
    both[["id", "text", "stance", "tone", "exclude", "annotator"]].to_csv(out / "agreement" / "first_reader.csv", index=False)
    both[["id", "text", "stance_b", "tone_b", "exclude_b", "annotator_b"]].rename(columns=lambda c: c.removesuffix("_b")).to_csv(
        out / "agreement" / "second_reader.csv", index=False
    )
    excluded = both["exclude"].str.lower().eq("yes")
    agree = (both["stance"] == both["stance_b"]) & (both["tone"] == both["tone_b"]) & (excluded == both["exclude_b"].str.lower().eq("yes"))
    test = pool.merge(both, on=["id", "text"])
    test["exclude"] = excluded.map({True: "yes", False: ""}).to_numpy()
    test["labelled_by"] = test["annotator"] + ":read;" + test["annotator_b"] + ":read"
    test["reviewed"] = agree.map({True: "double:agree", False: "double:adjudicated"}).to_numpy()
    test["notes"] = ""
    adjudicated = pd.read_csv(ROUND2 / "adjudicated_test.csv", dtype=str, keep_default_na=False).set_index("id")
    hit = test["reviewed"].eq("double:adjudicated")
    missing = set(test.loc[hit, "id"]) - set(adjudicated.index)
    if missing:
        raise SystemExit(f"{len(missing)} test rows where the readers differ have no adjudication, e.g. {sorted(missing)[:3]}")
    for column in ("stance", "tone", "exclude"):
        test.loc[hit, column] = test.loc[hit, "id"].map(adjudicated[column])
    test.loc[hit, "notes"] = test.loc[hit, "id"].map(adjudicated["rule"] + ": " + adjudicated["reason"])
    test.loc[hit, "labelled_by"] += ";G1:adjudicated"
    test["exclude"] = test["exclude"].str.strip().str.lower().map(lambda v: "yes" if v == "yes" else "")
    test["source_ref"] = test.apply(source_ref, axis=1)
    test["source"] = test["corpus"]
    test["group"] = ["t" + g for g in near_duplicate_groups(test["text"])]
    test.sort_values("id")[COLUMNS].to_csv(out / "natural.csv", index=False)
    print(f"labels/test/natural.csv: {len(test)} rows ({(test['exclude'] != 'yes').sum()} usable, {int(hit.sum())} adjudicated)")


def write_agreement_files(both: pd.DataFrame) -> None:
    out = Path("labels/agreement")
    out.mkdir(parents=True, exist_ok=True)
    keep = ["id", "text"]
    both[keep + ["stance", "tone", "annotator"]].to_csv(out / "first_reader.csv", index=False)
    both[keep + ["stance_b", "tone_b", "annotator_b"]].rename(
        columns={"stance_b": "stance", "tone_b": "tone", "annotator_b": "annotator"}
    ).to_csv(out / "second_reader.csv", index=False)


if __name__ == "__main__":
    main()
