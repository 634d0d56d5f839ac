"""Build the pool of statements to hand-label from the shared corpora and seed articles.

Statements come from the project's own extractor (``stance.extract``). The pool
mixes, per source: statements on the topics analysts follow (Korean Peninsula,
missiles, alliances, sanctions, talks), statements that a keyword list
*proposes* as possibly downplaying or threatening (rare classes), and a random
remainder. The keyword hint is recorded in ``pool_reason``; it never decides a
label: every row is read and labelled by an annotator.

    python scripts/build_label_pool.py ../shared labels/work/pool.csv
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pandas as pd

from stance.extract import ExtractOptions, extract_statements
from stance.labels import normalize_text
from stance.sources import read_documents

TOPIC = re.compile(
    r"Korea|DPRK|Pyongyang|missile|nuclear|sanction|dialogue|talks|negotiat|ally|allies|alliance|threat|"
    r"provocat|peninsula|deterren|military|drill|exercise|condemn|denucleari|launch|security|hostile|war\b|peace",
    re.I,
)
RARE_HINTS = re.compile(
    r"routine|normal|no threat|not a threat|not pose|did not pose|purely defensive|defensive in nature|"
    r"not aimed at|not directed|exaggerat|hype|nothing to do with|regular\b|not concerned|no cause|big deal|"
    r"will pay|price|countermeasure|retaliat|annihilat|consequences|resolute|merciless|punish|hold .* accountable|"
    r"will not tolerate|strike|destroy|pre-emptive|preemptive|respond strongly",
    re.I,
)

# (folder or file under shared/, how many statements to keep, extract mode)
SOURCES = (
    ("seeds", None, "quotes"),
    ("corpora/brian14708__wh-briefings/wh_turns_foreign_policy.jsonl", 330, "auto"),
    ("corpora/brian14708__wh-briefings/wh_statements_foreign_policy.jsonl", 170, "sentences"),
    ("corpora/markschaver__State-Department-PR/statedept_press_releases_2021-05_2022-08.jsonl", 280, "auto"),
    ("corpora/cwang23__china_fm/fmprc_en_regular_press_conferences_2018-2020.jsonl", 380, "auto"),
    ("corpora/RIstiaque__Country-Counting-from-Press-Briefings/obama_wh_turns_foreign_policy.jsonl", 320, "auto"),
    ("corpora/stiles__north-korea-news/kcna_statements_external.jsonl", 500, "sentences"),
    ("corpora/SarahFranzen__Emotions_in_the_United_Nations_General_Debates/TXT", 230, "sentences"),
    ("corpora/pclk__MFA-PressData/mfa_statements.json", 170, "auto"),
)
SIDE_BY_SOURCE = {
    "wh_": "US",
    "statedept": "US",
    "obama_wh": "US",
    "fmprc": "China",
    "kcna": "DPRK",
    "mfa_statements": "Singapore",
}


def usable(text: str) -> bool:
    words = len(text.split())
    return 6 <= words <= 70 and not text.rstrip().endswith("?")


UN_MEMBER_SIDES = {"USA": "US", "KOR": "ROK", "PRK": "DPRK", "JPN": "Japan", "CHN": "China", "RUS": "Russia", "SGP": "Singapore"}


def source_side(source: str, speaker: str | None, inferred: str | None) -> str:
    if "TXT" in source:
        return UN_MEMBER_SIDES.get(Path(source).name.split("_")[0], "other_state")
    for key, side in SIDE_BY_SOURCE.items():
        if key in source:
            return inferred if key in ("wh_", "obama_wh") and inferred == "analyst" else side
    return inferred or "unknown"


def pool_from(shared: Path, relative: str, keep: int | None, mode: str, rng: random.Random) -> list[dict]:
    path = shared / relative
    documents = read_documents([str(path)])
    rows = []
    previous: dict | None = None
    for statement in extract_statements(documents, ExtractOptions(mode=mode)):
        row = statement.as_row()
        same_record = previous is not None and (previous["source"], previous["record"]) == (row["source"], row["record"])
        row["context_before"] = previous["text"] if same_record else ""
        previous = row
        if statement.kind == "question" or (relative != "seeds" and not usable(statement.text)):
            continue
        if "TXT" in str(path):
            row["speaker"] = row["speaker_resolved"] = f"delegation of {Path(row['source']).name.split('_')[0]} (UN General Debate)"
        row["speaker_side"] = (
            "analyst"
            if statement.speaker_side == "analyst"
            else source_side(row["source"] if "TXT" in str(path) else str(path), statement.speaker, statement.speaker_side)
        )
        if relative == "seeds":
            row["speaker_side"] = statement.speaker_side or "unknown"
        row["corpus"] = relative.split("/")[1] if "/" in relative else "seeds"
        rows.append(row)
    if keep is None:
        for row in rows:
            row["pool_reason"] = "seed"
        return rows
    topical = [r for r in rows if TOPIC.search(r["text"])]
    hinted = [r for r in topical if RARE_HINTS.search(r["text"])]
    rng.shuffle(topical)
    rng.shuffle(hinted)
    rng.shuffle(rows)
    chosen: dict[str, dict] = {}
    for row in hinted[: keep // 5]:
        chosen[row["id"]] = {**row, "pool_reason": "keyword_hint"}
    for row in topical:
        if len(chosen) >= keep * 0.85:
            break
        chosen.setdefault(row["id"], {**row, "pool_reason": "topic"})
    for row in rows:
        if len(chosen) >= keep:
            break
        chosen.setdefault(row["id"], {**row, "pool_reason": "random"})
    return list(chosen.values())


def main(shared: str, out: str) -> None:
    rng = random.Random(20261122)
    rows: list[dict] = []
    for relative, keep, mode in SOURCES:
        part = pool_from(Path(shared), relative, keep, mode, rng)
        print(f"{relative}: {len(part)}", file=sys.stderr)
        rows.extend(part)
    frame = pd.DataFrame(rows)
    frame["norm"] = frame["text"].map(normalize_text)
    frame = frame.drop_duplicates("norm").drop(columns="norm")
    frame = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    print(f"{len(frame)} statements -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
