"""Measure extraction against a hand-annotated gold set.

A gold folder holds ``docs/`` (the documents) and ``annotations/<doc name>.json``
(every statement unit: its exact fragments, speaker as written, resolved speaker,
kind). The extractor cuts quotations into sentences, so the system statements
that overlap one gold unit are put together before comparing.

Figures:
* span precision/recall/F1, exact: the joined system text equals the gold text
  after trimming marks, punctuation, case and spacing; reported overall and per kind;
* span precision/recall by character overlap;
* speaker accuracy (as written), resolved-speaker accuracy and side accuracy on the gold
  units found (a unit counts for each figure whose gold value it gives).

The extractor runs as ``stance extract`` does: one run over all the documents, with one
canonical name per speaker across the run (:func:`stance.extract.canonical_speakers`).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from stance.extract import ExtractOptions, canonical_speakers, extract_statements, person_key, speaker_names
from stance.labels import normalize_text
from stance.sources import read_documents
from stance.statement import Statement


@dataclass
class GoldUnit:
    document: str  # source + record of the document holding it
    spans: list[tuple[int, int]]
    text: str
    speaker: str | None
    speaker_resolved: str | None
    kind: str
    speaker_side: str | None = None
    found: list[Statement] = field(default_factory=list)


@dataclass
class Scores:
    true_positive: int = 0
    system: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class GoldReport:
    documents: int
    exact: dict[str, Scores]
    overlap_precision: float
    overlap_recall: float
    speaker_accuracy: float
    resolved_accuracy: float
    speaker_n: int
    resolved_n: int
    failures: list[str]
    side_accuracy: float = 0.0
    side_n: int = 0

    def as_text(self) -> str:
        lines = [
            f"gold documents: {self.documents}",
            "",
            f"{'span (exact)':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'gold':>7}{'system':>8}",
        ]
        for kind, s in self.exact.items():
            lines.append(f"{kind:<22}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>10.3f}{s.gold:>7}{s.system:>8}")
        f1 = 2 * self.overlap_precision * self.overlap_recall / (self.overlap_precision + self.overlap_recall or 1)
        lines += [
            "",
            f"span (character overlap): precision {self.overlap_precision:.3f}  recall {self.overlap_recall:.3f}  f1 {f1:.3f}",
            f"speaker accuracy:          {self.speaker_accuracy:.3f}  ({self.speaker_n} units with a written speaker)",
            f"resolved-speaker accuracy: {self.resolved_accuracy:.3f}  ({self.resolved_n} units)",
            f"side accuracy:             {self.side_accuracy:.3f}  ({self.side_n} units)",
        ]
        if self.failures:
            lines += ["", "failures:"] + [f"  {f}" for f in self.failures]
        return "\n".join(lines)


def _key(statement_or_doc) -> str:
    return f"{statement_or_doc.source}#{statement_or_doc.record}"


def load_gold(folder: Path) -> tuple[list[GoldUnit], dict[str, list[Statement]], int]:
    """Read the gold units and run the extractor on the same documents."""
    units: list[GoldUnit] = []
    system: dict[str, list[Statement]] = defaultdict(list)
    annotations = sorted((folder / "annotations").glob("*.json"))
    if not annotations:
        raise ValueError(f"{folder}: no annotations/*.json files; see tests/data/gold/GOLD_BRIEF.md for the format.")
    documents = 0
    found: list[Statement] = []
    for path in annotations:
        gold = json.loads(path.read_text(encoding="utf-8"))
        doc_path = folder / "docs" / gold["document"]
        docs = list(read_documents([str(doc_path)]))
        documents += len({d.record for d in docs})
        units.extend(_locate_units(gold["units"], docs, path.name))
        # The gold marks quotations and transcript turns, not whole documents that speak
        # for their author, so that fallback is off here, unless the annotation says the
        # document is one speaker's own statement ("author_statements": true).
        options = ExtractOptions(author_statements=bool(gold.get("author_statements")))
        found.extend(extract_statements(docs, options))
    for statement in canonical_speakers(found):
        system[_key(statement)].append(statement)
    return units, system, documents


def _locate_units(raw_units: list[dict], docs: list, name: str) -> list[GoldUnit]:
    units = []
    cursor: dict[str, int] = defaultdict(int)
    for raw in raw_units:
        # Each document from where its last unit ended first, then from its start: two records
        # may share a sentence, and a unit belongs to the first record not yet past it.
        attempts = [(doc, cursor[_key(doc)]) for doc in docs] + [(doc, 0) for doc in docs if cursor[_key(doc)]]
        for doc, start in attempts:
            spans = _find_fragments(doc.text, raw["fragments"], start)
            if spans is not None:
                cursor[_key(doc)] = spans[-1][1]
                text = " ".join(doc.text[s:e] for s, e in spans)
                units.append(
                    GoldUnit(_key(doc), spans, text, raw.get("speaker"), raw.get("speaker_resolved"), raw["kind"], raw.get("speaker_side"))
                )
                break
        else:
            raise ValueError(f"{name}: fragment not found in its document: {raw['fragments'][0][:60]!r}")
    return units


def _find_fragments(text: str, fragments: list[str], start: int) -> list[tuple[int, int]] | None:
    spans = []
    for fragment in fragments:
        at = text.find(fragment, start)
        if at < 0:
            return None
        spans.append((at, at + len(fragment)))
        start = at + len(fragment)
    return spans


def _overlap(a: list[tuple[int, int]], b: tuple[tuple[int, int], ...]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _same_text(a: str, b: str) -> bool:
    return normalize_text(a) == normalize_text(b)


def _same_speaker(gold: str | None, system: str | None) -> bool:
    def clean(value: str | None) -> str:
        return re.sub(r"^(?:the|a|an) ", "", normalize_text(value or ""))

    same_person = gold and system and person_key(gold) is not None and person_key(gold) == person_key(system)
    return clean(gold) == clean(system) or bool(same_person)


def evaluate_gold(folder: str | Path) -> GoldReport:
    """Compare ``stance extract`` with the gold set in ``folder``."""
    units, system, documents = load_gold(Path(folder))
    # One name per person within the run, in the gold as in the system: a document's
    # "Biden" is the "Joe Biden" another gold document names in full.
    name_of = speaker_names((u.document, "", u.speaker_resolved) for u in units)
    for unit in units:
        unit.speaker_resolved = name_of(unit.document, "", unit.speaker_resolved)
    by_doc: dict[str, list[GoldUnit]] = defaultdict(list)
    for unit in units:
        by_doc[unit.document].append(unit)
    unmatched: list[Statement] = []
    for doc, statements in system.items():
        for statement in statements:
            best = max(by_doc.get(doc, []), key=lambda u: _overlap(u.spans, statement.fragments), default=None)
            if best is not None and _overlap(best.spans, statement.fragments) > 0:
                best.found.append(statement)
            else:
                unmatched.append(statement)
    kinds = ["all", "direct", "partial", "turn", "question"]
    exact = {k: Scores() for k in kinds}
    failures = []
    for unit in units:
        joined = " ".join(s.text for s in sorted(unit.found, key=lambda s: s.start))
        system_kind = unit.found[0].kind if unit.found else None
        hit = bool(unit.found) and _same_text(unit.text, joined)
        for kind in ("all", unit.kind):
            exact[kind].gold += 1
            exact[kind].true_positive += hit and (kind == "all" or system_kind == kind)
        if unit.found:
            for kind in ("all", system_kind):
                if kind in exact:
                    exact[kind].system += 1
        if not hit:
            failures.append(
                f"{'missed' if not unit.found else 'span'} [{unit.kind}] {unit.document.split('/')[-1]}: {unit.text[:70]!r}"
                + (f" -> {joined[:70]!r}" if unit.found else "")
            )
    for run in _runs(unmatched):
        for kind in ("all", run[0].kind):
            if kind in exact:
                exact[kind].system += 1
        failures.append(f"extra [{run[0].kind}] {run[0].source.split('/')[-1]}: {run[0].text[:70]!r}")
    gold_chars = sum(e - s for u in units for s, e in u.spans)
    system_chars = sum(e - s for statements in system.values() for st in statements for s, e in st.fragments)
    overlap = sum(_overlap(u.spans, st.fragments) for u in units for st in u.found)
    speaker_units = [u for u in units if u.found and u.speaker]
    resolved_units = [u for u in units if u.found and u.speaker_resolved]
    speaker_right = [u for u in speaker_units if _same_speaker(u.speaker, u.found[0].speaker)]
    resolved_right = [u for u in resolved_units if _same_speaker(u.speaker_resolved, u.found[0].speaker_resolved)]
    for u in speaker_units:
        if u not in speaker_right:
            failures.append(f"speaker: {u.text[:40]!r}: gold {u.speaker!r}, system {u.found[0].speaker!r}")
    for u in resolved_units:
        if u not in resolved_right:
            failures.append(f"resolved: {u.text[:40]!r}: gold {u.speaker_resolved!r}, system {u.found[0].speaker_resolved!r}")
    side_units = [u for u in units if u.found and u.speaker_side]
    side_right = [u for u in side_units if u.speaker_side == u.found[0].speaker_side]
    for u in side_units:
        if u not in side_right:
            failures.append(
                f"side: {u.text[:40]!r} ({u.found[0].speaker_resolved}): gold {u.speaker_side!r}, system {u.found[0].speaker_side!r}"
            )
    return GoldReport(
        documents=documents,
        exact=exact,
        overlap_precision=overlap / system_chars if system_chars else 0.0,
        overlap_recall=overlap / gold_chars if gold_chars else 0.0,
        speaker_accuracy=len(speaker_right) / len(speaker_units) if speaker_units else 0.0,
        resolved_accuracy=len(resolved_right) / len(resolved_units) if resolved_units else 0.0,
        speaker_n=len(speaker_units),
        resolved_n=len(resolved_units),
        failures=failures,
        side_accuracy=len(side_right) / len(side_units) if side_units else 0.0,
        side_n=len(side_units),
    )


def _runs(statements: list[Statement]) -> list[list[Statement]]:
    """Consecutive unmatched statements of one document and speaker count as one system unit."""
    runs: list[list[Statement]] = []
    for statement in statements:
        last = runs[-1][-1] if runs else None
        if last and _key(last) == _key(statement) and last.speaker_resolved == statement.speaker_resolved and last.kind == statement.kind:
            runs[-1].append(statement)
        else:
            runs.append([statement])
    return runs
