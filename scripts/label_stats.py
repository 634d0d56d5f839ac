"""Print the label corpus's counts as Markdown tables (for labels/README.md).

python scripts/label_stats.py labels/
"""

from __future__ import annotations

import sys

import pandas as pd

from stance.labels import load_labels


def table(counts: pd.Series, name: str) -> str:
    lines = [f"| {name} | statements |", "|---|---:|"]
    lines += [f"| {key} | {value:,} |" for key, value in counts.items()]
    lines.append(f"| **total** | **{counts.sum():,}** |")
    return "\n".join(lines)


def main(paths: list[str]) -> None:
    frame = load_labels(paths)
    print(table(frame["stance"].value_counts(), "stance"), end="\n\n")
    print(table(frame["tone"].value_counts(), "tone"), end="\n\n")
    print(table(frame["source"].value_counts(), "source"), end="\n\n")
    print(table(frame["speaker_side"].value_counts(), "speaker side"), end="\n\n")
    print(table(frame["reviewed"].value_counts(), "how reviewed"), end="\n\n")
    cross = pd.crosstab(frame["speaker_side"], frame["stance"])
    print("| side | " + " | ".join(cross.columns) + " |")
    print("|---|" + "---:|" * len(cross.columns))
    for side, row in cross.iterrows():
        print(f"| {side} | " + " | ".join(str(v) for v in row) + " |")
    print()
    groups = frame["group"].value_counts()
    print(
        f"near-duplicate groups: {frame['group'].nunique():,} for {len(frame):,} statements; "
        f"{(groups > 1).sum():,} groups hold more than one statement (largest: {groups.max()})"
    )


if __name__ == "__main__":
    main(sys.argv[1:] or ["labels"])
