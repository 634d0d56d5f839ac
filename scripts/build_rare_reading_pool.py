"""Draw the third labelling round: whole passages read where the rare acts occur.

Downplaying and threatening are a few per cent of random statements. Readers find
them by reading whole passages of the documents they occur in: spokesperson answers at
the Chinese Foreign Ministry's press conferences, Kremlin transcripts and releases
(``random_passage``: runs of consecutive statements from randomly chosen documents), plus a
small share that a word list proposes as minimizing or warning (``minimizing_hint`` /
``warning_hint``). Nothing already labelled, pooled or in the natural test set is drawn again.

    python scripts/build_rare_reading_pool.py ../shared labels/work/round3
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_natural_pools import COLUMNS, MINIMIZING, SOURCES, WARNING, passages, statements_of  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stance.labels import label_files, near_duplicate_key, read_label_file  # noqa: E402

# source name -> (passages, hinted rows)
PLAN = {"china_fm": (30, 60), "putin_transcripts": (10, 40), "kremlin_ua_releases": (10, 50), "ua_addresses": (4, 30), "kcna": (4, 20)}


def main(shared: str, out: str) -> None:
    rng = random.Random(20261202)
    taken_frames = [read_label_file(p) for p in label_files(["labels"])]
    taken_frames += [pd.read_csv(p, dtype=str, keep_default_na=False) for p in Path("labels/work/round2").glob("*_pool.csv")]
    taken = set(pd.concat(taken_frames, ignore_index=True)["text"].map(near_duplicate_key))
    rows_out = []
    for name, relative, mode, *_ in SOURCES:
        if name not in PLAN:
            continue
        n_passages, n_hints = PLAN[name]
        rows = [r for r in statements_of(Path(shared), name, relative, mode) if near_duplicate_key(r["text"]) not in taken]
        chosen: dict[str, dict] = {row["id"]: row for row in passages(rows, n_passages, rng)}
        hinted = [r for r in rows if r["id"] not in chosen and (MINIMIZING.search(r["text"]) or WARNING.search(r["text"]))]
        for row in rng.sample(hinted, min(n_hints, len(hinted))):
            chosen[row["id"]] = {**row, "pool_reason": "minimizing_hint" if MINIMIZING.search(row["text"]) else "warning_hint"}
        keyed = {}
        for row in chosen.values():
            keyed.setdefault(near_duplicate_key(row["text"]), row)
        taken |= set(keyed)
        rows_out += list(keyed.values())
        print(f"{name}: {len(keyed)} statements", file=sys.stderr)
    Path(out).mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows_out)[COLUMNS + ["source_name"]]
    frame.to_csv(Path(out) / "train_pool.csv", index=False)
    print(f"{len(frame)} statements -> {out}/train_pool.csv", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
