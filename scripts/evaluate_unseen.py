"""The accuracy figures the README and the model card give, in one run.

For the default parameters (or each ``--params`` JSON file given, to compare a change
against the default), prints stance and tone macro-F1 with bootstrap 95 % intervals:

* in-domain: 5-fold cross-validation grouped by near-duplicates;
* unseen sources: each corpus held out in turn (leave-one-corpus-out), pooled and per corpus;
* the frozen natural test set in ``labels/test/`` (trained on every label file);
* the behaviour suite, on a model trained on every label file.

A change to the model is kept only when its leave-one-corpus-out score improves beyond
the interval. Learning curves by source come from ``--learning-curve``.

    python scripts/evaluate_unseen.py                      # the default parameters
    python scripts/evaluate_unseen.py --variant '{"negation": false}' --jobs 2
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stance.behaviour import format_behaviour, run_behaviour  # noqa: E402
from stance.evaluate import evaluate_on_test, evaluate_targets, format_evaluation, learning_curve  # noqa: E402
from stance.labels import load_labels  # noqa: E402
from stance.model import Model, fit_targets  # noqa: E402

TARGETS = ("stance", "tone")


def figure(result) -> str:
    low, high = result.model["macro_f1_interval"]
    return f"{result.model['macro_f1']:.3f} [{low:.3f}, {high:.3f}]"


def evaluate_variant(frame, test, params: dict, jobs: int, detail: bool) -> dict:
    parameters = {t: params for t in TARGETS}
    started = time.perf_counter()
    figures = {}
    for name, results in (
        ("in-domain (grouped 5-fold CV)", evaluate_targets(frame, parameters, "group", 5, 0, baselines=False, n_jobs=jobs)),
        ("unseen sources (leave-one-corpus-out)", evaluate_targets(frame, parameters, "source", 0, 0, baselines=False, n_jobs=jobs)),
        *([("natural test set", evaluate_on_test(frame, test, parameters, n_jobs=jobs))] if test is not None else []),
    ):
        figures[name] = {t: results[t].summary() for t in TARGETS}
        print(f"  {name:<40} stance {figure(results['stance'])}   tone {figure(results['tone'])}")
        if detail:
            for t in TARGETS:
                print("\n" + format_evaluation(results[t]) + "\n")
    model = Model(fit_targets(frame, list(TARGETS), parameters=parameters, n_jobs=jobs), {})
    behaviour = run_behaviour(model)
    figures["behaviour"] = {k: v["pass_rate"] for k, v in behaviour.items()}
    print("  behaviour: " + ", ".join(f"{k} {v:.1%}" for k, v in figures["behaviour"].items()))
    if detail:
        print("\n" + format_behaviour(behaviour) + "\n")
    print(f"  ({time.perf_counter() - started:.0f} s)")
    return figures


def source_learning_curves(frame, params: dict) -> None:
    """Leave-one-corpus-out macro-F1 when training on 25-100 % of the other corpora."""
    for target in TARGETS:
        points = learning_curve(frame, target, fractions=(0.25, 0.5, 0.75, 1.0), split="source", **params)
        print(f"  learning curve, {target}, unseen sources: " + ", ".join(f"{p['train_rows']} rows {p['macro_f1']:.3f}" for p in points))
        rare = [label for label in points[-1]["per_class_f1"]]
        for label in rare:
            print(f"    {label:<18}" + " ".join(f"{p['per_class_f1'][label]:.3f}" for p in points))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", default="labels")
    parser.add_argument("--test", default="labels/test")
    parser.add_argument("--variant", action="append", default=[], help="JSON parameters to compare with the default")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--detail", action="store_true", help="per-class, per-source tables and failed behaviour cases")
    parser.add_argument("--learning-curve", action="store_true")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    frame = load_labels([args.labels], TARGETS)
    test = load_labels([args.test], TARGETS) if Path(args.test).exists() else None
    print(
        f"{len(frame)} training statements from {frame['corpus'].nunique()} sources; "
        f"natural test set: {0 if test is None else len(test)} statements"
    )
    results = {}
    for variant in [{}] + [json.loads(v) for v in args.variant]:
        print(f"\nparameters: {variant or 'default'}")
        results[json.dumps(variant)] = evaluate_variant(frame, test, variant, args.jobs, args.detail)
        if args.learning_curve:
            source_learning_curves(frame, variant)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o)))


if __name__ == "__main__":
    main()
