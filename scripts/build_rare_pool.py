"""Second pool: statements a keyword list proposes as possibly *downplaying*, the rarest stance.

The search runs over every sentence that ``stance extract`` gives for every
corpus; the hint only chooses what annotators read next (recorded in
``pool_reason``), it never decides a label.

    python scripts/build_rare_pool.py ../shared labels/work/pool.csv labels/work/pool_rare.csv
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from build_label_pool import SOURCES, pool_from  # noqa: E402

DOWNPLAY_HINTS = re.compile(
    r"\broutine\b|\bnormal\b|\bregular (?:exercise|drill|activit|test)|purely defensive|defensive in nature|"
    r"no threat|not a threat|not pose|no immediate threat|not aimed at|not directed at|not target|nothing to do with|"
    r"exaggerat|\bhype|overreact|not worried|not concerned|no cause for|no reason to (?:worry|be concerned)|"
    r"nothing new|business as usual|big deal|no need to|legitimate right|just a|only a|not a violation|"
    r"not covered by|in line with international law|normal (?:practice|activit)|low(?:er)? end|sovereign right",
    re.I,
)


def main(shared: str, existing: str, out: str, per_source: int = 120) -> None:
    import random

    seen = set(pd.read_csv(existing, usecols=["id"])["id"])
    rng = random.Random(11)
    rows = []
    for relative, keep, mode in SOURCES:
        if keep is None:
            continue
        for row in pool_from(Path(shared), relative, 10**9, mode, rng):
            if row["id"] not in seen and DOWNPLAY_HINTS.search(row["text"]):
                rows.append({**row, "pool_reason": "downplay_hint"})
    frame = pd.DataFrame(rows).drop_duplicates("text")
    frame = pd.concat(g.sample(min(len(g), per_source), random_state=3) for _, g in frame.groupby("corpus"))
    frame.sample(frac=1.0, random_state=5).to_csv(out, index=False)
    print(f"{len(frame)} candidates -> {out}", file=sys.stderr)
    print(frame["corpus"].value_counts().to_string(), file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:4])
