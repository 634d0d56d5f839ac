"""Print the shipped model's accuracy figures as Markdown, from its card (for the README).

Every figure is read from ``model_card.json``: in-domain cross-validation, each corpus held
out in turn, the natural test set, and the behaviour suite, so the README says what the card
says.

    python scripts/model_figures.py models/default
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SECTIONS = (
    ("metrics", "in-domain: 5-fold CV, near-duplicates grouped"),
    ("unseen_sources", "unseen sources: each corpus held out in turn"),
    ("natural_test", "natural test set (801 statements drawn at random, read twice)"),
)


def interval(summary: dict) -> str:
    low, high = summary.get("macro_f1_interval") or (float("nan"), float("nan"))
    return f"**{summary['macro_f1']:.3f}** ({low:.3f}-{high:.3f})"


def main(folder: str) -> None:
    card = json.loads((Path(folder) / "model_card.json").read_text(encoding="utf-8"))
    print("| evaluation | stance macro-F1 (95 % interval) | tone macro-F1 (95 % interval) | stance accuracy | tone accuracy |")
    print("|---|---:|---:|---:|---:|")
    for key, name in SECTIONS:
        figures = card.get(key) or {}
        if "stance" in figures and "tone" in figures:
            s, t = figures["stance"], figures["tone"]
            print(f"| {name} | {interval(s)} | {interval(t)} | {s['accuracy']:.3f} | {t['accuracy']:.3f} |")
    print()
    for target in ("stance", "tone"):
        labels = list(card["metrics"][target]["per_class"])
        print(f"| {target}: F1 per class | " + " | ".join(labels) + " |")
        print("|---|" + "---:|" * len(labels))
        for key, name in SECTIONS:
            per_class = (card.get(key) or {}).get(target, {}).get("per_class", {})
            if per_class:
                print(f"| {name.split(':')[0].split(' (')[0]} | " + " | ".join(f"{per_class[label]['f1']:.3f}" for label in labels) + " |")
        print()
    unseen = card.get("unseen_sources", {})
    if unseen:
        sources = list(unseen["stance"]["by_source"])
        print("| held-out source | statements | stance macro-F1 | tone macro-F1 |")
        print("|---|---:|---:|---:|")
        for source in sources:
            s, t = unseen["stance"]["by_source"][source], unseen["tone"]["by_source"][source]
            print(f"| {source} | {s['rows']:,} | {s['macro_f1']:.3f} | {t['macro_f1']:.3f} |")
        print()
    behaviour = card.get("behaviour") or {}
    if behaviour:
        print("| behaviour capability | pass rate |")
        print("|---|---:|")
        for capability, rate in behaviour.items():
            print(f"| {capability} | {rate:.1%} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "models/default")
