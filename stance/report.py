"""From a pile of documents to an answer: stance and tone by speaker side, speaker and period.

:func:`aggregate` counts predicted labels per cell (side x period, and side x
speaker) with shares and the most confident example statements of each cell;
:func:`write_report` writes the per-statement predictions, the aggregates (CSV)
and a self-contained HTML page whose charts are inline SVG: it opens offline and
loads nothing from the network.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from stance.files import atomic_folder

UNKNOWN = "unknown"
PALETTE = {
    "condemning": "#c0392b",
    "threatening": "#7b241c",
    "downplaying": "#f39c12",
    "open_to_dialogue": "#27ae60",
    "reassuring": "#2980b9",
    "neutral": "#bdc3c7",
    "uncertain": "#eeeeee",
    "hostile": "#922b21",
    "firm": "#d35400",
    "conciliatory": "#229954",
}
EXAMPLES_PER_CELL = 3


def period_of(date: str | None, by: str) -> str:
    """'2021-03-24' -> '2021-03' (month) or '2021' (year); unknown dates stay 'unknown'."""
    if not date or len(date) < 4 or not date[:4].isdigit():
        return UNKNOWN
    if by == "year":
        return date[:4]
    return date[:7] if len(date) >= 7 and date[5:7].isdigit() else UNKNOWN


@dataclass
class Cell:
    counts: Counter
    examples: list[dict]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def aggregate(rows: Iterable[dict], target: str, keys: tuple[str, ...], by: str = "year") -> dict[tuple, Cell]:
    """Counts of ``target`` labels per combination of ``keys`` ("side", "speaker", "period"),
    with the most confident examples of each cell's most frequent label first."""
    cells: dict[tuple, Cell] = defaultdict(lambda: Cell(Counter(), []))
    for row in rows:
        label = row.get(target)
        if not label:
            continue
        key = tuple(_key_value(row, k, by) for k in keys)
        cell = cells[key]
        cell.counts[label] += 1
        cell.examples.append(row)
    for cell in cells.values():
        cell.examples.sort(key=lambda r: -(r.get(f"{target}_p_{r[target]}") or 0.0))
    return dict(sorted(cells.items()))


def _key_value(row: dict, key: str, by: str) -> str:
    if key == "period":
        return period_of(row.get("date"), by)
    if key == "side":
        return row.get("speaker_side") or UNKNOWN
    if key == "speaker":
        return row.get("speaker_resolved") or row.get("speaker") or UNKNOWN
    return str(row.get(key) or UNKNOWN)


def aggregate_rows(cells: dict[tuple, Cell], target: str, keys: tuple[str, ...], labels: list[str]) -> list[dict]:
    """Flat rows for the aggregates CSV: counts and shares per label, and example ids."""
    rows = []
    for key, cell in cells.items():
        row = dict(zip(keys, key, strict=True))
        row["target"] = target
        row["statements"] = cell.total
        for label in labels:
            row[f"n_{label}"] = cell.counts.get(label, 0)
            row[f"share_{label}"] = round(cell.counts.get(label, 0) / cell.total, 4) if cell.total else 0.0
        row["examples"] = " | ".join(f"{e['id']}: {e['text'][:120]}" for e in _examples(cell, target))
        rows.append(row)
    return rows


def _examples(cell: Cell, target: str) -> list[dict]:
    """The most confident statements of each label present, most frequent label first."""
    chosen = []
    for label, _ in cell.counts.most_common():
        chosen.extend([e for e in cell.examples if e[target] == label][:1])
        if len(chosen) >= EXAMPLES_PER_CELL:
            break
    return chosen


def write_report(out: str | Path, predictions: list[dict], labels: dict[str, list[str]], by: str, title: str, force: bool = False) -> Path:
    """Write predictions.csv, aggregates.csv and report.html into ``out`` (atomically)."""
    with atomic_folder(out, force=force) as tmp:
        (tmp / "predictions.csv").write_text(_csv(predictions), encoding="utf-8")
        aggregates = []
        for target, target_labels in labels.items():
            for keys in (("side", "period"), ("side", "speaker")):
                cells = aggregate(predictions, target, keys, by)
                aggregates.extend({"table": "+".join(keys), **row} for row in aggregate_rows(cells, target, keys, target_labels))
        (tmp / "aggregates.csv").write_text(_csv(aggregates), encoding="utf-8")
        (tmp / "report.html").write_text(render_html(predictions, labels, by, title), encoding="utf-8")
    return Path(out)


def _csv(rows: list[dict]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()})
    return buffer.getvalue()


# --- HTML -------------------------------------------------------------------------------


def render_html(predictions: list[dict], labels: dict[str, list[str]], by: str, title: str) -> str:
    """A self-contained page: inline CSS and SVG, no script, no external resource."""
    stance_labels = labels.get("stance") or next(iter(labels.values()))
    target = "stance" if "stance" in labels else next(iter(labels))
    by_side_period = aggregate(predictions, target, ("side", "period"), by)
    sides = sorted({key[0] for key in by_side_period}, key=lambda s: -sum(c.total for k, c in by_side_period.items() if k[0] == s))
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{len(predictions):,} statements classified; periods by {by}. Shares of predicted {target} per side and period; "
        "hover a bar for its counts. Every example links back to its source by id, file and offsets (predictions.csv).</p>",
        _legend(stance_labels),
    ]
    for side in sides:
        cells = {key[1]: cell for key, cell in by_side_period.items() if key[0] == side}
        parts.append(f"<h2>{html.escape(side)} <small>({sum(c.total for c in cells.values()):,} statements)</small></h2>")
        parts.append(_stacked_bars(cells, stance_labels, target))
    parts.append(f"<h2>Speakers by {target}</h2>")
    parts.append(_speaker_table(aggregate(predictions, target, ("side", "speaker"), by), stance_labels, target))
    parts.append("<h2>Most confident examples per side and period</h2>")
    parts.append(_examples_table(by_side_period, target))
    style = (
        "body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}"
        "th{background:#f4f4f4}.num{text-align:right}.legend span{display:inline-block;margin-right:12px}"
        ".sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}small{color:#777}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{style}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def _legend(labels: list[str]) -> str:
    items = "".join(
        f'<span><i class="sw" style="background:{PALETTE.get(label, "#999")}"></i>{html.escape(label)}</span>' for label in labels
    )
    return f'<p class="legend">{items}</p>'


def _stacked_bars(cells: dict[str, Cell], labels: list[str], target: str, height: int = 180) -> str:
    periods = sorted(cells)
    width = max(60, 18 * len(periods) + 40)
    bar = max(6, min(40, (width - 40) // max(1, len(periods)) - 2))
    shapes = []
    for i, period in enumerate(periods):
        cell, x, y = cells[period], 40 + i * (bar + 2), height
        for label in labels + [lab for lab in cell.counts if lab not in labels]:
            n = cell.counts.get(label, 0)
            if not n:
                continue
            h = height * n / cell.total
            y -= h
            tip = f"{period} {label}: {n} of {cell.total} ({n / cell.total:.0%})"
            shapes.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{PALETTE.get(label, "#999")}"><title>{html.escape(tip)}</title></rect>'
            )
        if len(periods) <= 40 or i % max(1, len(periods) // 20) == 0:
            shapes.append(
                f'<text x="{x + bar / 2}" y="{height + 12}" font-size="9" text-anchor="end" transform="rotate(-60 {x + bar / 2} {height + 12})">'
                f"{html.escape(period)}</text>"
            )
    axis = "".join(f'<text x="34" y="{height - height * f + 4:.0f}" font-size="9" text-anchor="end">{f:.0%}</text>' for f in (0, 0.5, 1))
    return f'<svg width="{width}" height="{height + 50}" role="img">{axis}{"".join(shapes)}</svg>'


def _speaker_table(cells: dict[tuple, Cell], labels: list[str], target: str, limit: int = 40) -> str:
    ranked = sorted(cells.items(), key=lambda item: -item[1].total)[:limit]
    head = (
        "<tr><th>side</th><th>speaker</th><th class=num>statements</th>"
        + "".join(f"<th class=num>{html.escape(lab)}</th>" for lab in labels)
        + "</tr>"
    )
    body = []
    for (side, speaker), cell in ranked:
        shares = "".join(f"<td class=num>{cell.counts.get(lab, 0) / cell.total:.0%}</td>" for lab in labels)
        body.append(f"<tr><td>{html.escape(side)}</td><td>{html.escape(speaker)}</td><td class=num>{cell.total}</td>{shares}</tr>")
    return f"<table>{head}{''.join(body)}</table><p><small>The {limit} speakers with most statements; shares of predicted {target}.</small></p>"


def _examples_table(cells: dict[tuple, Cell], target: str) -> str:
    rows = []
    for (side, period), cell in cells.items():
        for example in _examples(cell, target):
            probability = example.get(f"{target}_p_{example[target]}") or 0.0
            where = f"{example.get('source', '')}#{example.get('record', '')}@{example.get('start', '')}-{example.get('end', '')}"
            rows.append(
                f"<tr><td>{html.escape(side)}</td><td>{html.escape(period)}</td><td>{html.escape(example[target])} ({probability:.2f})</td>"
                f"<td>{html.escape(example.get('speaker_resolved') or example.get('speaker') or '')}</td><td>{html.escape(example['text'][:300])}</td>"
                f"<td><small>{html.escape(example['id'])}<br>{html.escape(where)}</small></td></tr>"
            )
    head = "<tr><th>side</th><th>period</th><th>label</th><th>speaker</th><th>statement</th><th>source</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"
