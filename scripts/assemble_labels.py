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

Outputs:
  labels/seeds.csv, labels/<corpus>.csv   one file per source, every row traceable (source_ref)
  labels/agreement/first_reader.csv, labels/agreement/second_reader.csv
                                    the two independent readings of the double-labelled rows

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


def read_annotations(pattern: str) -> pd.DataFrame:
    frames = []
    for path in sorted((WORK / "annotations").glob(pattern)):
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
