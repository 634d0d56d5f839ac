"""What a model card tells a reader: intended use, limitations, accuracy and training data.

The figures are always read from the card dict (never written here), so a card
states exactly what the training run measured. :func:`accuracy_figures` finds every
macro-F1 the card records wherever it sits, and says of each whether it was measured
on sources the model never saw (leave-one-corpus-out), on a frozen natural test set,
or in-domain (held-out statements of the training corpora).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

INTENDED_USE = (
    "Sorting official statements about international events (briefings, press releases, "
    "state-media statements, speeches) by stance and tone, to count and compare how each side "
    "spoke over time. The counts are estimates for an analyst to read with the accuracy below "
    "and to check against the example statements; not for judging a single statement or person "
    "without reading it."
)
LANGUAGES = "English only. Text in other languages (and text the model barely knows) is marked uncertain, not guessed."
LIMITATIONS = (
    "Accuracy drops on sources the model was not trained on: read the unseen-source figure, not the in-domain one, for a new corpus.",
    "Stock phrases and irony are read literally; a statement quoted in order to be rejected counts as its speaker's.",
    "A bar built from a few statements says little: counts and intervals matter more than shares.",
)
NEWS_LIMITATION = "News reports (journalists quoting officials) are a small part of the training data."
UNSEEN = "unseen sources"
NATURAL = "natural test set"
IN_DOMAIN = "in-domain"
NEWS_CORPORA = ("seed", "news_articles")  # corpora of news reports (journalists quoting officials)
_SKIPPED_KEYS = {"per_class", "by_source", "baselines", "baselines_macro_f1", "tuning", "learning_curve", "reliability", "confusion"}
_KINDS = (
    (UNSEEN, re.compile(r"unseen|leave.one|held out in turn|loco", re.I)),
    (NATURAL, re.compile(r"natural|frozen test|test.set", re.I)),
)


@dataclass(frozen=True)
class Figure:
    """One accuracy figure of one target, with where it was measured."""

    target: str
    kind: str  # UNSEEN, NATURAL or IN_DOMAIN
    macro_f1: float
    accuracy: float | None
    interval: tuple[float, float] | None
    split: str
    rows: int | None
    by_source: dict
    per_class: dict

    def text(self) -> str:
        low_high = f" (95 % interval {self.interval[0]:.2f}-{self.interval[1]:.2f})" if self.interval else ""
        accuracy = f", accuracy {self.accuracy:.2f}" if self.accuracy is not None else ""
        return f"macro-F1 {self.macro_f1:.2f}{low_high}{accuracy}"


def accuracy_figures(card: dict) -> list[Figure]:
    """Every macro-F1 in ``card`` (outside per-class, per-source, baseline and tuning details)."""
    targets = list(card.get("targets") or {})
    found: list[Figure] = []

    def walk(node, path: list[str]) -> None:
        if not isinstance(node, dict):
            return
        if isinstance(node.get("macro_f1"), (int, float)):
            target = next((p for p in reversed(path) if p in targets), None) or (targets[0] if len(targets) == 1 else None)
            if target:
                found.append(_figure(node, target, path))
            return
        for key, value in node.items():
            if key not in _SKIPPED_KEYS:
                walk(value, [*path, str(key)])

    walk(card, [])
    return found


def _figure(node: dict, target: str, path: list[str]) -> Figure:
    split = str(node.get("split") or "")
    where = " ".join([*path, split])
    kind = next((name for name, pattern in _KINDS if pattern.search(where)), IN_DOMAIN)
    interval = node.get("macro_f1_interval")
    return Figure(
        target=target,
        kind=kind,
        macro_f1=float(node["macro_f1"]),
        accuracy=float(node["accuracy"]) if isinstance(node.get("accuracy"), (int, float)) else None,
        interval=(float(interval[0]), float(interval[1])) if isinstance(interval, (list, tuple)) and len(interval) == 2 else None,
        split=split or " ".join(path),
        rows=node.get("rows") if isinstance(node.get("rows"), int) else None,
        by_source=node.get("by_source") or {},
        per_class=node.get("per_class") or {},
    )


def headline_figure(card: dict, target: str) -> Figure | None:
    """The figure to quote for new text: unseen sources, else the natural test set, else in-domain."""
    figures = [f for f in accuracy_figures(card) if f.target == target]
    for kind in (UNSEEN, NATURAL, IN_DOMAIN):
        chosen = [f for f in figures if f.kind == kind]
        if chosen:
            return chosen[0]
    return None


def caveat(figure: Figure | None) -> str:
    """One plain sentence on what the figure means for a reader of the counts."""
    if figure is None:
        return "The model card records no accuracy figure: treat the shares as unchecked."
    if figure.kind == UNSEEN:
        return "Measured on corpora held out of training, the nearest case to new sources; expect about this on unfamiliar text."
    if figure.kind == NATURAL:
        return "Measured on a frozen test set of natural statements never used in training."
    return (
        "In-domain: measured on held-out statements of the same corpora the model was trained on. "
        "On sources it has never seen, expect lower accuracy."
    )


def news_figures(figure: Figure | None) -> dict:
    """Per-source figures of news-report corpora in an unseen-source figure (corpus -> metrics)."""
    if figure is None:
        return {}
    return {name: m for name, m in figure.by_source.items() if any(key in name.lower() for key in NEWS_CORPORA)}


def training_summary(frame: pd.DataFrame, targets: list[str]) -> dict:
    """Rows, label counts per target, statements per corpus and side, and the date range of the training data."""
    summary: dict = {"rows": int(len(frame)), "languages": ["en"]}
    summary["labels"] = {t: {str(k): int(v) for k, v in frame[t].value_counts().items()} for t in targets if t in frame}
    for column, name in (("corpus", "corpora"), ("speaker_side", "sides")):
        if column in frame:
            values = frame[column].fillna("").astype(str).str.strip().replace("", "(none)")
            summary[name] = {str(k): int(v) for k, v in values.value_counts().items()}
    if "date" in frame:
        dates = frame["date"].fillna("").astype(str).str.extract(r"^(\d{4}-\d{2}-\d{2})")[0].dropna()
        if len(dates):
            summary["dates"] = [str(dates.min()), str(dates.max())]
    return summary


def card_sections(card: dict) -> list[str]:
    """Markdown: intended use, accuracy, limitations with the card's figures, per-class figures, training data."""
    lines = ["## Intended use", "", card.get("intended_use") or INTENDED_USE, "", "## Accuracy", ""]
    figures = accuracy_figures(card)
    if not figures:
        lines.append("No accuracy figure was recorded (trained with --folds 0).")
    for figure in figures:
        lines.append(f"- {figure.target}, {figure.kind}: {figure.text()}; {figure.split}")
    lines += ["", "## Limitations", ""]
    for target in card.get("targets") or {}:
        headline = headline_figure(card, target)
        lines.append(f"- {target}: " + (f"{headline.text()} ({headline.kind}). " if headline else "") + caveat(headline))
        for name, metrics in news_figures(headline).items():
            lines.append(f"- {target} on news reports ({name}, {metrics.get('rows', '?')} statements): macro-F1 {metrics['macro_f1']:.2f}")
    behaviour = {name: rate for name, rate in (card.get("behaviour") or {}).items() if isinstance(rate, (int, float))}
    if behaviour:
        lines.append("- Behaviour tests passed: " + ", ".join(f"{name} {rate:.0%}" for name, rate in behaviour.items()))
    lines.append(f"- Languages: {LANGUAGES}")
    data = card.get("training_data") or {}
    news = sum(n for name, n in (data.get("corpora") or {}).items() if any(key in name.lower() for key in NEWS_CORPORA))
    if data.get("corpora"):
        lines.append(f"- News reports (journalists quoting officials): {news:,} of the {data['rows']:,} training statements.")
    else:
        lines.append(f"- {NEWS_LIMITATION}")
    lines += [f"- {text}" for text in card.get("limitations") or LIMITATIONS]
    lines.append("")
    for target in card.get("targets") or {}:
        headline = headline_figure(card, target)
        in_domain = next((f for f in figures if f.target == target and f.kind == IN_DOMAIN), None)
        shown = [headline] + ([in_domain] if in_domain is not headline else [])
        for figure in (f for f in shown if f is not None and f.per_class):
            lines += [f"## Per-class figures: {target}, {figure.kind} ({figure.split})", ""]
            lines += ["| label | precision | recall | F1 | statements |", "|---|---|---|---|---|"]
            lines += [
                f"| {label} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} | {m['support']} |"
                for label, m in figure.per_class.items()
            ]
            lines.append("")
    if data:
        dated = f", dated {data['dates'][0]} to {data['dates'][1]}" if data.get("dates") else ""
        lines += ["## Training data", "", f"{data['rows']:,} hand-labelled statements{dated}."]
        for target, counts in (data.get("labels") or {}).items():
            lines.append(f"- {target}: " + ", ".join(f"{label} {n:,}" for label, n in counts.items()))
        if data.get("corpora"):
            lines.append("- corpora: " + ", ".join(f"{name} {n:,}" for name, n in data["corpora"].items()))
        if data.get("sides"):
            lines.append("- speaker sides: " + ", ".join(f"{name} {n:,}" for name, n in data["sides"].items()))
        lines.append("")
    return lines
