"""Does labelling what `stance suggest` proposes teach the model faster than labelling at random?

A simulation on the hand-labelled corpus: a quarter of the near-duplicate groups
is held out as the test set; the rest is the pool, whose labels are revealed
only when a statement is "labelled". Both strategies start from the same random
200 statements and add 200 per round: `suggest` (most uncertain under the
current model, without near-duplicates) or a random draw. Prints macro-F1 on the
test set after each round.

    python scripts/active_learning_curve.py labels/ --rounds 7 --step 200
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stance.active import suggest  # noqa: E402
from stance.evaluate import classification_metrics, split_groups  # noqa: E402
from stance.labels import load_labels  # noqa: E402
from stance.model import Model, fit_target  # noqa: E402

TARGETS = ("stance", "tone")


def macro_f1(model: Model, test, target: str) -> float:
    predicted = model.pipelines[target].predict(test["text"].tolist())
    return classification_metrics(test[target].tolist(), list(predicted), sorted(test[target].unique()))["macro_f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", default=["labels"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--step", type=int, default=200)
    parser.add_argument("--start", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    frame = load_labels(args.paths)
    rng = np.random.default_rng(args.seed)
    groups = split_groups(frame, "group")
    held = rng.choice(np.unique(groups), size=len(np.unique(groups)) // 4, replace=False)
    test = frame[np.isin(groups, held)]
    pool = frame[~np.isin(groups, held)].reset_index(drop=True)
    start = set(rng.choice(len(pool), size=args.start, replace=False).tolist())
    labelled = {"suggest": set(start), "random": set(start)}
    print(f"test set: {len(test)} statements; pool: {len(pool)}; start: {args.start}, +{args.step} per round")
    print(f"{'labelled':>9}  {'stance suggest':>15} {'stance random':>14}  {'tone suggest':>13} {'tone random':>12}")
    for round_no in range(args.rounds + 1):
        scores = {}
        models = {}
        for strategy, chosen in labelled.items():
            train = pool.iloc[sorted(chosen)]
            models[strategy] = Model({t: fit_target(train, t, args.seed) for t in TARGETS}, {})
            scores[strategy] = {t: macro_f1(models[strategy], test, t) for t in TARGETS}
        size = len(labelled["suggest"])
        print(
            f"{size:>9}  {scores['suggest']['stance']:>15.3f} {scores['random']['stance']:>14.3f}  "
            f"{scores['suggest']['tone']:>13.3f} {scores['random']['tone']:>12.3f}"
        )
        if round_no == args.rounds:
            break
        unlabelled = pool.drop(index=sorted(labelled["suggest"]))
        picked = suggest(unlabelled.assign(id=unlabelled.index.astype(str)), models["suggest"], args.step)
        labelled["suggest"] |= set(picked.index.tolist())
        remaining = sorted(set(range(len(pool))) - labelled["random"])
        labelled["random"] |= set(rng.choice(remaining, size=min(args.step, len(remaining)), replace=False).tolist())


if __name__ == "__main__":
    main()
