"""Choose the training defaults by accuracy on unseen corpora per CPU-second (never run as a test).

    python scripts/choose_defaults.py                  # every candidate, stance and tone
    python scripts/choose_defaults.py --target stance  # one target (half the time; the figures in docs/defaults.md)

For each candidate setting this runs leave-one-corpus-out evaluation on labels/
(`evaluate_targets(..., split_by="source")`: every corpus held out in turn, the
model fitted on the others), on one process, and prints the macro-F1 per target
and the CPU seconds the whole run took (all folds' fits and predictions), then
the rule's choice: the cheapest candidate within 0.5 point of the best macro-F1
on every target. The table goes into docs/defaults.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.evaluate import evaluate_targets  # noqa: E402
from stance.features import DEFAULT_PARAMETERS  # noqa: E402
from stance.labels import load_labels  # noqa: E402

PLAIN_FEATURES = {"word_ngram_range": (1, 3), "char_ngram_range": (2, 5)}
CANDIDATES = {
    "current defaults (word 1-2, char 3-4, min_df 2, C 10)": {},
    "word 1-3 + char 2-5, min_df 2, C 10": PLAIN_FEATURES,
    "word 1-3 + char 2-5, min_df 1, no caps, C 10": {**PLAIN_FEATURES, "min_df": 1, "max_word_features": None, "max_char_features": None},
}
MAX_LOSS = 0.005


def measure(frame, targets: list[str], overrides: dict) -> dict:
    start = time.process_time()
    results = evaluate_targets(frame, {t: overrides for t in targets}, "source", 0, 0, baselines=False, n_jobs=1)
    seconds = time.process_time() - start
    return {**{t: results[t].model["macro_f1"] for t in targets}, "cpu_s": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", action="append", help="Targets (default: stance and tone).")
    parser.add_argument("--labels", default=str(ROOT / "labels"))
    parser.add_argument("--candidate", type=int, action="append", help="measure only these candidates (0-based; one process each)")
    args = parser.parse_args()
    targets = args.target or ["stance", "tone"]
    frame = load_labels([args.labels], targets)
    print(f"{len(frame):,} labelled statements from {frame['source'].nunique()} sources; leave-one-corpus-out, one process, CPU seconds")
    print(f"defaults: {DEFAULT_PARAMETERS}")
    rows = []
    for index, (name, overrides) in enumerate(CANDIDATES.items()):
        if args.candidate and index not in args.candidate:
            continue
        row = {"name": name, **measure(frame, targets, overrides)}
        rows.append(row)
        scores = "  ".join(f"{t} {row[t]:.3f}" for t in targets)
        print(f"| {name} | {scores} | {row['cpu_s']:.0f} CPU-s |", flush=True)
    best = {t: max(r[t] for r in rows) for t in targets}
    allowed = [r for r in rows if all(best[t] - r[t] <= MAX_LOSS for t in targets)]
    chosen = min(allowed, key=lambda r: r["cpu_s"])
    print(f"\nWithin {MAX_LOSS * 100:.1f} point of the best on every target: {', '.join(r['name'] for r in allowed)}")
    print(f"cheapest of those: {chosen['name']} ({chosen['cpu_s']:.0f} CPU-s)")


if __name__ == "__main__":
    main()
