"""Draw the second labelling round from every shared corpus: a frozen natural test set and
a training pool in which at least half of each source's rows are drawn at random.

Statements come from the project's own extractor (``stance.extract``), with source
boilerplate (datelines, end markers) already cut off. Three kinds of draw, recorded in
``pool_reason``; none of them decides a label, every row is read:

* ``random``: statements drawn uniformly from all usable statements of a source;
* ``random_passage``: a run of consecutive statements from a randomly chosen document,
  so readers meet rare acts where they occur, in context;
* ``minimizing_hint`` / ``warning_hint``: statements that a word list proposes as possibly
  downplaying or threatening (the rarest classes), capped so that random draws stay at
  least half of every source.

The natural test set (``test``) is drawn first, uniformly at random per source, and no
training row shares its near-duplicate key.

    python scripts/build_natural_pools.py ../shared labels/work/round2
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stance.extract import ExtractOptions, extract_statements  # noqa: E402
from stance.labels import label_files, near_duplicate_key, read_label_file  # noqa: E402
from stance.sources import read_documents  # noqa: E402

TEST_PER_SOURCE = 80
PASSAGE_LENGTH = 20
MINIMIZING = re.compile(
    r"routine|\bnormal\b|no threat|not a threat|not pose|purely defensive|defensive in nature|not aimed at|not directed at|"
    r"not targeted|exaggerat|\bhype|nothing to do with|\bregular\b|no cause|big deal|according to plan|no need to|"
    r"not a violation|no violation|groundless|fake news|baseless|not intend|no intention|has never|is not a party",
    re.I,
)
WARNING = re.compile(
    r"will pay|the price|countermeasure|retaliat|annihilat|consequences|merciless|punish|accountable|will not tolerate|"
    r"will respond|will be met|will not go unanswered|will fail|doomed|will strike|destroy|pre-?emptive|strong response|"
    r"will defend|will liberate|will return|will not forgive|decisive",
    re.I,
)

# (name, path under shared/, extract mode, random rows, passages, hint rows)
SOURCES = (
    ("wh_turns", "corpora/brian14708__wh-briefings/wh_turns_foreign_policy.jsonl", "auto", 470, 4, 40),
    ("wh_statements", "corpora/brian14708__wh-briefings/wh_statements_foreign_policy.jsonl", "sentences", 300, 3, 20),
    ("statedept", "corpora/markschaver__State-Department-PR/statedept_press_releases_2021-05_2022-08.jsonl", "auto", 500, 4, 30),
    ("china_fm", "corpora/cwang23__china_fm/fmprc_en_regular_press_conferences_2018-2020.jsonl", "auto", 560, 6, 50),
    ("obama_wh", "corpora/RIstiaque__Country-Counting-from-Press-Briefings/obama_wh_turns_foreign_policy.jsonl", "auto", 500, 3, 30),
    ("kcna", "corpora/stiles__north-korea-news/kcna_statements_external.jsonl", "sentences", 520, 6, 30),
    ("un_debates", "corpora/SarahFranzen__Emotions_in_the_United_Nations_General_Debates/TXT", "sentences", 580, 5, 30),
    ("mfa_sg", "corpora/pclk__MFA-PressData/mfa_statements.json", "auto", 260, 3, 10),
    ("putin_transcripts", "corpora/hsnczl__Enhanced-LDA-Modelling/putin_remarks_on_ukraine_2022-2025.jsonl", "sentences", 680, 12, 70),
    (
        "kremlin_ua_releases",
        "corpora/PeiYiZhuo__zelenskyy-putin/kremlin_zelenskyy_press_releases_2021-2022.jsonl",
        "sentences",
        980,
        16,
        80,
    ),
    ("ua_addresses", "corpora/Amice13__resistinua/ukraine_officials_video_addresses_en_2022.jsonl", "sentences", 600, 12, 60),
)
UN_SIDES = {"USA": "US", "KOR": "ROK", "PRK": "DPRK", "JPN": "Japan", "CHN": "China", "RUS": "Russia", "SGP": "Singapore", "UKR": "Ukraine"}
SOURCE_SIDES = {
    "wh_statements": "US",
    "statedept": "US",
    "china_fm": "China",
    "kcna": "DPRK",
    "mfa_sg": "Singapore",
    "putin_transcripts": "Russia",
    "ua_addresses": "Ukraine",
}
COLUMNS = [
    "id", "text", "speaker", "speaker_resolved", "speaker_side", "cue", "kind", "source", "record", "start", "end",
    "fragments", "date", "context_before", "corpus", "pool_reason",
]  # fmt: skip


def usable(text: str) -> bool:
    return 6 <= len(text.split()) <= 70


def side_of(name: str, row: dict) -> str:
    if name == "un_debates":
        return UN_SIDES.get(Path(row["source"]).name.split("_")[0], "other_state")
    if name == "kremlin_ua_releases":
        return "Russia" if str(row["record"]).startswith("kremlin") else "Ukraine"
    if name in SOURCE_SIDES:
        return SOURCE_SIDES[name]
    side = row["speaker_side"]
    return side if side in ("US", "analyst") or not side else side


def statements_of(shared: Path, name: str, relative: str, mode: str) -> list[dict]:
    """Every usable statement of one source, in document order, with the sentence before it."""
    rows, previous = [], None
    for statement in extract_statements(read_documents([str(shared / relative)]), ExtractOptions(mode=mode)):
        row = statement.as_row()
        same_record = previous is not None and (previous["source"], previous["record"]) == (row["source"], row["record"])
        row["context_before"] = previous["text"] if same_record else ""
        previous = row
        if statement.kind == "question" or not usable(statement.text):
            continue
        if name == "un_debates":
            row["speaker"] = row["speaker_resolved"] = f"delegation of {Path(row['source']).name.split('_')[0]} (UN General Debate)"
        row["speaker_side"] = side_of(name, row)
        row["corpus"] = relative.split("/")[1]
        row["source_name"] = name
        rows.append(row)
    return rows


def passages(rows: list[dict], count: int, rng: random.Random) -> list[dict]:
    """``count`` runs of PASSAGE_LENGTH consecutive statements from randomly chosen documents."""
    by_record: dict[tuple, list[dict]] = {}
    for row in rows:
        by_record.setdefault((row["source"], row["record"]), []).append(row)
    records = [r for r in by_record.values() if len(r) >= 5]
    chosen = []
    for record in rng.sample(records, min(count, len(records))):
        start = rng.randrange(max(1, len(record) - PASSAGE_LENGTH + 1))
        chosen += [{**row, "pool_reason": "random_passage"} for row in record[start : start + PASSAGE_LENGTH]]
    return chosen


def main(shared: str, out: str) -> None:
    rng = random.Random(20261201)
    shared_path, out_path = Path(shared), Path(out)
    labelled = pd.concat([read_label_file(p) for p in label_files(["labels"])], ignore_index=True)
    taken = set(labelled["text"].map(near_duplicate_key))
    test_rows, train_rows = [], []
    for name, relative, mode, n_random, n_passages, n_hints in SOURCES:
        rows = [r for r in statements_of(shared_path, name, relative, mode) if near_duplicate_key(r["text"]) not in taken]
        keyed: dict[str, dict] = {}
        for row in rows:
            keyed.setdefault(near_duplicate_key(row["text"]), row)
        distinct = list(keyed.values())
        test = [{**r, "pool_reason": "natural_test"} for r in rng.sample(distinct, TEST_PER_SOURCE)]
        taken |= {near_duplicate_key(r["text"]) for r in test}
        remaining = [r for r in distinct if near_duplicate_key(r["text"]) not in taken]
        chosen: dict[str, dict] = {}
        for row in rng.sample(remaining, min(n_random, len(remaining))):
            chosen[row["id"]] = {**row, "pool_reason": "random"}
        for row in passages([r for r in rows if near_duplicate_key(r["text"]) not in taken], n_passages, rng):
            chosen.setdefault(row["id"], row)
        hinted = [r for r in remaining if r["id"] not in chosen and (MINIMIZING.search(r["text"]) or WARNING.search(r["text"]))]
        for row in rng.sample(hinted, min(n_hints, len(hinted))):
            reason = "minimizing_hint" if MINIMIZING.search(row["text"]) else "warning_hint"
            chosen[row["id"]] = {**row, "pool_reason": reason}
        taken |= {near_duplicate_key(r["text"]) for r in chosen.values()}
        test_rows += test
        train_rows += list(chosen.values())
        print(f"{name}: {len(distinct)} distinct usable statements, test {len(test)}, train {len(chosen)}", file=sys.stderr)
    out_path.mkdir(parents=True, exist_ok=True)
    for rows, file in ((test_rows, "test_pool.csv"), (train_rows, "train_pool.csv")):
        frame = pd.DataFrame(rows)[COLUMNS + ["source_name"]]
        frame = frame.sample(frac=1.0, random_state=11).reset_index(drop=True) if file == "test_pool.csv" else frame
        frame.to_csv(out_path / file, index=False)
        print(f"{len(frame)} statements -> {out_path / file}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
