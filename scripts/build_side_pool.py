"""Third pool: statements by sides the first pool barely covers (South Korea, Japan, Russia).

Their governments' own words in the shared corpora are the UN General Debate
speeches; topical sentences (Korean Peninsula, security, nuclear, dialogue) are
sampled at random per country. Labels are decided by reading, as for the others.

    python scripts/build_side_pool.py ../shared labels/work/pool_sides.csv
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from build_label_pool import TOPIC, pool_from  # noqa: E402

UNGD = "corpora/SarahFranzen__Emotions_in_the_United_Nations_General_Debates/TXT"
WANTED = {"KOR": 130, "JPN": 130, "RUS": 80}


def main(shared: str, out: str) -> None:
    rng = random.Random(23)
    labelled = set()
    for path in Path("labels/work").glob("pool*.csv"):
        labelled |= set(pd.read_csv(path, usecols=["text"])["text"])
    rows = pool_from(Path(shared), UNGD, 10**9, "sentences", rng)
    frame = pd.DataFrame(rows)
    frame = frame[~frame["text"].isin(labelled) & frame["text"].str.contains(TOPIC)]
    frame["country"] = frame["source"].map(lambda s: Path(s).name.split("_")[0])
    parts = [frame[frame["country"] == c].sample(min(n, (frame["country"] == c).sum()), random_state=1) for c, n in WANTED.items()]
    result = pd.concat(parts).drop(columns="country").assign(pool_reason="side_coverage")
    result.sample(frac=1.0, random_state=2).to_csv(out, index=False)
    print(f"{len(result)} statements -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
