"""From a pile of documents to an answer: stance and tone by speaker side, speaker and period.

:func:`aggregate` counts predicted labels per cell (side x period, and side x
speaker) with the most confident example statements of each cell;
:func:`write_report` writes the per-statement predictions, the aggregates (CSV)
and a self-contained HTML page: inline CSS and SVG, no script, nothing loaded from
the network, and every chart's numbers downloadable as CSV from a ``data:`` link.

The page compares the sides on one common 0-100 % scale (one row per side, one
column per label), once for all periods and then once per period (small
multiples). Every bar carries its count and a 95 % Wilson interval; bars resting on
fewer than ``min_n`` statements are drawn hollow and their row says ``n=2``.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from urllib.parse import quote

from stance.escaping import csv_dict_writer, neutralise_formula
from stance.files import atomic_folder

UNKNOWN = "unknown"
ALL_PERIODS = "all"
MIN_N = 10
EXAMPLE_MIN_WORDS = 6  # shorter quotes are mostly scare quotes ("normal", "a provocation"): never shown as examples
EXAMPLES_PER_CELL = 3
TOP_SPEAKERS = 25
Z95 = 1.959964
# Okabe & Ito's colour-blind-safe palette; neutral is grey and uncertain a hatched blue,
# so the two differ in hue and in texture. Each bar also sits in its label's column.
PALETTE = {
    "condemning": "#D55E00",
    "threatening": "#CC79A7",
    "downplaying": "#E69F00",
    "open_to_dialogue": "#009E73",
    "reassuring": "#0072B2",
    "neutral": "#8C8C8C",
    "uncertain": "#56B4E9",
    "hostile": "#D55E00",
    "firm": "#E69F00",
    "conciliatory": "#009E73",
}
HATCHED = {"uncertain"}
OTHER_COLOUR = "#555555"


MONTHS = {
    name: number for number, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})\b")  # 23 May 2021, Sun, 23 May 2021 15:30:07 +0000
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b")  # May 23, 2021


def iso_date(date: str | None) -> str | None:
    """The date as YYYY-MM-DD (or YYYY-MM, YYYY when that is all it says): ISO dates as they are,
    and dates written out (RFC 2822 feeds, '17 Dec 2021', 'May 23, 2021'); None when there is none."""
    text = str(date or "").strip()
    iso = re.match(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?!\d)", text)
    if iso:
        return iso.group(0)
    for pattern, order in ((_DAY_MONTH_YEAR, (0, 1, 2)), (_MONTH_DAY_YEAR, (1, 0, 2))):
        found = pattern.search(text)
        if found:
            day, month, year = (found.group(i + 1) for i in order)
            if month[:3].lower() in MONTHS and 1 <= int(day) <= 31:
                return f"{year}-{MONTHS[month[:3].lower()]:02d}-{int(day):02d}"
    return None


def period_of(date: str | None, by: str) -> str:
    """'2021-03-24' (or 'Wed, 24 Mar 2021 10:00:00 +0000') -> '2021-03' (month) or '2021' (year);
    unknown dates stay 'unknown'."""
    date = iso_date(date)
    if not date:
        return UNKNOWN
    if by == "year":
        return date[:4]
    return date[:7] if len(date) >= 7 else UNKNOWN


def wilson_interval(count: int, total: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval of the share ``count / total`` (0-1; the whole range when total is 0)."""
    if total <= 0:
        return 0.0, 1.0
    share = count / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Cell:
    counts: Counter
    examples: list[dict]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def aggregate(rows: Iterable[dict], target: str, keys: tuple[str, ...], by: str = "year") -> dict[tuple, Cell]:
    """Counts of ``target`` labels per combination of ``keys`` ("side", "speaker", "period"),
    with each cell's statements, most confident first."""
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
        cell.examples.sort(key=lambda r: -(_probability(r, target) or 0.0))
    return dict(sorted(cells.items()))


def _key_value(row: dict, key: str, by: str) -> str:
    if key == "period":
        return period_of(row.get("date"), by)
    if key == "side":
        return row.get("speaker_side") or UNKNOWN
    if key == "speaker":
        return speaker_name(row) or UNKNOWN
    return str(row.get(key) or UNKNOWN)


def speaker_name(row: dict) -> str:
    """The speaker's canonical name (``speaker_resolved``) when known, else the name as written."""
    return str(row.get("speaker_resolved") or row.get("speaker") or "")


def _probability(row: dict, target: str) -> float | None:
    value = row.get(f"{target}_p_{row.get(target)}")
    if value in (None, ""):
        value = row.get(f"{target}_p")
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def is_example(row: dict) -> bool:
    """Whether a statement may stand as an example: a sentence, not a scare quote or a question."""
    return len(str(row.get("text") or "").split()) >= EXAMPLE_MIN_WORDS and row.get("kind") != "question"


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


def _examples(cell: Cell, target: str, per_cell: int = EXAMPLES_PER_CELL) -> list[dict]:
    """The most confident statement of each label present (most frequent label first), scare quotes left out."""
    chosen = []
    for label, _ in cell.counts.most_common():
        chosen.extend([e for e in cell.examples if e[target] == label and is_example(e)][:1])
        if len(chosen) >= per_cell:
            break
    return chosen


def chart_rows(predictions: list[dict], target: str, labels: list[str], by: str, min_n: int = MIN_N) -> list[dict]:
    """The numbers of one comparison chart, one row per side, period (``all`` first) and label:
    count, statements, share and its 95 % Wilson interval."""
    rows = []
    for period, cells in _cells_by_period(predictions, target, by).items():
        for side, cell in cells.items():
            for label in _labels_of(cell, labels):
                count, total = cell.counts.get(label, 0), cell.total
                low, high = wilson_interval(count, total)
                rows.append(
                    {
                        "target": target,
                        "period": period,
                        "side": side,
                        "label": label,
                        "count": count,
                        "statements": total,
                        "share": round(count / total, 4),
                        "ci95_low": round(low, 4),
                        "ci95_high": round(high, 4),
                        "fewer_than_min_n": total < min_n,
                    }
                )
    return rows


def _cells_by_period(predictions: list[dict], target: str, by: str) -> dict[str, dict[str, Cell]]:
    """``all`` (every period pooled), then each period in order (unknown last): side -> cell."""
    result: dict[str, dict[str, Cell]] = {
        ALL_PERIODS: {key[0]: cell for key, cell in aggregate(predictions, target, ("side",), by).items()}
    }
    by_period: dict[str, dict[str, Cell]] = defaultdict(dict)
    for (side, period), cell in aggregate(predictions, target, ("side", "period"), by).items():
        by_period[period][side] = cell
    for period in sorted(by_period, key=lambda p: (p == UNKNOWN, p)):
        result[period] = by_period[period]
    return result


def _labels_of(cell: Cell, labels: list[str]) -> list[str]:
    return labels + sorted(label for label in cell.counts if label not in labels)


def side_order(predictions: list[dict]) -> list[str]:
    """Sides by number of statements, most first; ``unknown`` last."""
    counts = Counter(_key_value(row, "side", "year") for row in predictions)
    return sorted(counts, key=lambda side: (side == UNKNOWN, -counts[side], side))


def write_report(
    out: str | Path,
    predictions: list[dict],
    labels: dict[str, list[str]],
    by: str,
    title: str,
    force: bool = False,
    provenance: dict | None = None,
    min_n: int = MIN_N,
    keep_formulas: bool = False,
) -> Path:
    """Write predictions.csv, aggregates.csv and report.html into ``out`` (atomically).

    CSV cells a spreadsheet would run as formulas get a leading ``'`` unless ``keep_formulas``."""
    with atomic_folder(out, force=force, marker="report.html") as tmp:
        (tmp / "predictions.csv").write_text(_csv(predictions, spreadsheet_safe=not keep_formulas), encoding="utf-8")
        aggregates = []
        for target, target_labels in labels.items():
            for keys in (("side", "period"), ("side", "speaker")):
                cells = aggregate(predictions, target, keys, by)
                aggregates.extend({"table": "+".join(keys), **row} for row in aggregate_rows(cells, target, keys, target_labels))
        (tmp / "aggregates.csv").write_text(_csv(aggregates, spreadsheet_safe=not keep_formulas), encoding="utf-8")
        page = render_html(predictions, labels, by, title, provenance=provenance, min_n=min_n)
        (tmp / "report.html").write_text(page, encoding="utf-8")
    return Path(out)


def _csv(rows: list[dict], spreadsheet_safe: bool = False) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    buffer = io.StringIO()
    writer = csv_dict_writer(buffer, columns)  # a field with a CR is quoted too
    writer.writeheader()
    for row in rows:
        values = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()}
        if spreadsheet_safe:
            values = {k: _not_a_formula(v) for k, v in values.items()}
        writer.writerow(values)
    return buffer.getvalue()


def _not_a_formula(value):
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    return neutralise_formula(value)


def _download(rows: list[dict], filename: str, text: str) -> str:
    """A link that saves ``rows`` as a CSV file: the data sit in the link itself (no script, no request)."""
    uri = "data:text/csv;charset=utf-8," + quote("\ufeff" + _csv(rows, spreadsheet_safe=True), safe="")
    return f'<a class="csv" download="{html.escape(filename)}" href="{html.escape(uri)}">{html.escape(text)}</a>'


# --- HTML -------------------------------------------------------------------------------

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1120px;padding:0 16px;color:#1a1a1a;
line-height:1.4;font-size:14px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;border-bottom:1px solid #ccc;padding-bottom:2px}
h3{font-size:15px;margin:16px 0 4px}.lede{font-size:15px;margin:4px 0 10px}.note{color:#444;margin:4px 0 8px;max-width:860px}
.callout{border-left:4px solid #0072B2;background:#f3f7fb;padding:8px 12px;margin:10px 0;max-width:900px}
.callout p{margin:2px 0}.figure svg{display:block;max-width:100%;height:auto}
.multiples{display:flex;flex-wrap:wrap;gap:10px 36px;align-items:flex-start}
.panel{break-inside:avoid;page-break-inside:avoid;margin:0 0 6px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0;font-size:13px}.legend span{white-space:nowrap}
.sw{display:inline-block;width:14px;height:11px;margin-right:4px;vertical-align:-1px;border:1.5px solid transparent}
.sw.hollow{background:#fff!important}.sw.hatched{background:repeating-linear-gradient(45deg,#56B4E9 0 2px,#fff 2px 4px)!important}
a.csv{font-size:12px;color:#0057a0}
table{border-collapse:collapse;font-size:13px;width:100%}td,th{border:1px solid #d8d8d8;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f2f2f2}thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}.low{color:#777;font-style:italic}
table.examples{table-layout:fixed}table.examples td{overflow-wrap:anywhere}.examples .statement{width:47%}.examples .ref{overflow-wrap:anywhere;color:#333;font-size:12px}
.examples abbr{text-decoration:underline dotted;cursor:help}small{color:#666}
dl.provenance{display:grid;grid-template-columns:150px 1fr;gap:4px 12px;margin:6px 0}dl.provenance dt{font-weight:600}
dl.provenance dd{margin:0;overflow-wrap:anywhere}dd p{margin:0 0 4px}code{font-size:12px;background:#f4f4f4;padding:1px 3px}
ul.inputs{margin:0;padding-left:18px}
@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none;padding:0;font-size:9.5pt}.multiples{display:block}
a.csv{display:none}h2,.figure .note,.figure .legend{break-after:avoid;page-break-after:avoid}table{font-size:8pt}.callout{background:none}}
"""


def render_html(
    predictions: list[dict],
    labels: dict[str, list[str]],
    by: str,
    title: str,
    provenance: dict | None = None,
    min_n: int = MIN_N,
) -> str:
    """A self-contained page: inline CSS and SVG, no script, no external resource."""
    sides = side_order([r for r in predictions if any(r.get(t) for t in labels)])
    targets = list(labels)
    first = "stance" if "stance" in labels else targets[0]
    classified = sum(1 for r in predictions if r.get(first))
    periods = sorted({period_of(r.get("date"), by) for r in predictions})
    dated = [p for p in periods if p != UNKNOWN]
    span = f"{dated[0]}-{dated[-1]}" if dated else "no dated statements"
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="lede">{classified:,} statements by {len(sides)} sides, {html.escape(span)}, classified by {", ".join(map(html.escape, targets))}; '
        f"periods by {html.escape(by)}.</p>",
        _accuracy_callout(provenance, targets),
        '<p class="note">Each bar is the share of a side\'s statements that the model gave one label, on one common 0-100 % scale: '
        "read across a column to compare sides. The figure beside each bar is its count of statements; the black whisker is the "
        f"95 % Wilson interval of the share. Bars resting on fewer than {min_n} statements are drawn hollow and their row says how "
        f"few (n=2): read them as anecdotes. Statements come from documents selected by the filters in the provenance panel below.</p>",
    ]
    for target in targets:
        parts.append(_figure(predictions, target, labels[target], sides, by, min_n, overview=True))
    for target in targets:
        parts.append(_figure(predictions, target, labels[target], sides, by, min_n, overview=False))
    parts.append(_speakers_section(predictions, labels, by, min_n))
    parts.append(_examples_section(predictions, labels, sides))
    parts.append(_provenance_section(provenance, predictions, min_n, by))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def _accuracy_callout(provenance: dict | None, targets: list[str]) -> str:
    from stance.card import caveat, headline_figure

    card = (provenance or {}).get("model_card")
    if card is None:
        return ""
    lines = []
    for target in targets:
        figure = headline_figure(card, target)
        text = f"{figure.text()} ({html.escape(figure.kind)})" if figure else "no accuracy figure recorded"
        lines.append(f"<p><b>{html.escape(target)}</b>: {text}. {html.escape(caveat(figure))}</p>")
    return (
        '<div class="callout"><p><b>These are model predictions, not hand labels.</b> Accuracy of the model that made them:</p>'
        + "".join(lines)
        + "</div>"
    )


def _legend(labels: list[str], min_n: int) -> str:
    items = [
        f'<span><i class="sw{_swatch_class(label)}" style="{_swatch_style(label)}"></i>{html.escape(label)}</span>' for label in labels
    ]
    items.append(f'<span><i class="sw hollow" style="border-color:#555"></i>fewer than {min_n} statements</span>')
    items.append("<span>├─┤ 95 % interval</span>")
    return f'<p class="legend">{"".join(items)}</p>'


def _swatch_class(label: str) -> str:
    return " hatched" if label in HATCHED else ""


def _swatch_style(label: str) -> str:
    colour = PALETTE.get(label, OTHER_COLOUR)
    return f"background:{colour};border-color:{colour}"


def _figure(predictions: list[dict], target: str, labels: list[str], sides: list[str], by: str, min_n: int, overview: bool) -> str:
    """One comparison view: all periods pooled (overview), or one small panel per period."""
    by_period = _cells_by_period(predictions, target, by)
    rows = chart_rows(predictions, target, labels, by, min_n)
    every = labels + sorted({r["label"] for r in rows} - set(labels))
    if overview:
        head = f'<h2 id="{html.escape(target)}-by-side">{html.escape(target.capitalize())} by side, all periods</h2>'
        body = _panel("All periods", by_period[ALL_PERIODS], sides, every, target, ALL_PERIODS, min_n, zoom=1.4)
        numbers = [r for r in rows if r["period"] == ALL_PERIODS]
        link = _download(numbers, f"{target}_by_side.csv", f"Download these numbers ({target} by side, CSV)")
        return f'<section class="figure">{head}{_legend(every, min_n)}<div class="panel">{body}</div><p>{link}</p></section>'
    periods = [p for p in by_period if p != ALL_PERIODS]
    head = f'<h2 id="{html.escape(target)}-by-period">{html.escape(target.capitalize())} by side and {html.escape(by)}</h2>'
    note = (
        f'<p class="note">The same chart for each {html.escape(by)} (sides in the same order in every panel); '
        "sides with no statements in a period are left out of its panel.</p>"
    )
    panels = "".join(
        f'<div class="panel">{_panel(period if period != UNKNOWN else "date unknown", by_period[period], sides, every, target, period, min_n)}</div>'
        for period in periods
    )
    numbers = [r for r in rows if r["period"] != ALL_PERIODS]
    link = _download(numbers, f"{target}_by_side_and_{by}.csv", f"Download these numbers ({target} by side and {by}, CSV)")
    return f'<section class="figure">{head}{note}{_legend(every, min_n)}<div class="multiples">{panels}</div><p>{link}</p></section>'


ITALIC = ' font-style="italic"'
LEFT, COLUMN, SCALE, ROW, TOP = 122, 102, 56, 18, 36


def _panel(
    title: str, cells: dict[str, Cell], sides: list[str], labels: list[str], target: str, period: str, min_n: int, zoom: float = 1.0
) -> str:
    """Rows are sides, columns labels; each bar is a share on the common 0-100 % scale with its count and interval.

    Sides are in the order given; those without statements here are left out. ``zoom`` lets the
    page draw the panel larger than its own size, up to the page's width."""
    sides = [side for side in sides if side in cells and cells[side].total]
    pattern = "hatch-" + re.sub(r"[^A-Za-z0-9_-]", "_", f"{target}-{period}")
    width = LEFT + COLUMN * len(labels) + 6
    height = TOP + ROW * len(sides) + 16
    shown = sum(cell.total for cell in cells.values())
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'style="width:{width * zoom:.0f}px" '
        f'font-family="system-ui,sans-serif" role="img" aria-label="{html.escape(f"{target} by side, {title}")}">',
        f'<defs><pattern id="{pattern}" patternUnits="userSpaceOnUse" width="4" height="4" patternTransform="rotate(45)">'
        '<rect width="4" height="4" fill="#fff"/><rect width="2" height="4" fill="#56B4E9"/></pattern></defs>',
        f'<text x="0" y="13" font-size="13" font-weight="600">{html.escape(title)}'
        f'<tspan font-weight="400" fill="#555" font-size="11"> · {shown:,} statement{"s" if shown != 1 else ""}</tspan></text>',
    ]
    bottom = TOP + ROW * len(sides)
    for j, label in enumerate(labels):
        x0 = LEFT + j * COLUMN
        fit = f' textLength="{COLUMN - 8}" lengthAdjust="spacingAndGlyphs"' if len(label) * 5.9 > COLUMN - 8 else ""
        out.append(f'<text class="column" x="{x0}" y="{TOP - 8}" font-size="10.5" fill="#222"{fit}>{html.escape(label)}</text>')
        for share, stroke in ((0, "#b8b8b8"), (0.5, "#e8e8e8"), (1, "#e8e8e8")):
            x = x0 + SCALE * share
            out.append(f'<line x1="{x}" x2="{x}" y1="{TOP - 4}" y2="{bottom}" stroke="{stroke}"/>')
        out.append(
            f'<text x="{x0}" y="{bottom + 11}" font-size="8" fill="#777" text-anchor="middle">0</text>'
            f'<text x="{x0 + SCALE / 2}" y="{bottom + 11}" font-size="8" fill="#777" text-anchor="middle">50</text>'
            f'<text x="{x0 + SCALE}" y="{bottom + 11}" font-size="8" fill="#777" text-anchor="middle">100%</text>'
        )
    for i, side in enumerate(sides):
        y = TOP + i * ROW
        cell = cells[side]
        total = cell.total
        low = total < min_n
        name = side if len(side) <= 14 else side[:13] + "…"
        out.append(
            f'<text class="side" x="0" y="{y + 12.5}" font-size="11.5">{html.escape(name)}<title>{html.escape(side)}</title></text>'
            f'<text class="n{" low-n" if low else ""}" x="{LEFT - 8}" y="{y + 12.5}" font-size="9.5" text-anchor="end" '
            f'fill="{"#a33" if low else "#555"}"{ITALIC if low else ""}>n={total:,}</text>'
        )
        for j, label in enumerate(labels):
            out.append(_bar(cell, label, side, title, target, period, LEFT + j * COLUMN, y, low, pattern, min_n))
    out.append("</svg>")
    return "".join(out)


def _bar(
    cell: Cell, label: str, side: str, title: str, target: str, period: str, x0: float, y: float, low: bool, pattern: str, min_n: int
) -> str:
    count, total = cell.counts.get(label, 0), cell.total
    share = count / total
    lo, hi = wilson_interval(count, total)
    colour = PALETTE.get(label, OTHER_COLOUR)
    fill = f"url(#{pattern})" if label in HATCHED else colour
    tip = f"{side}, {title}: {label} {count:,} of {total:,} statements, {share:.0%} (95 % interval {lo:.0%}-{hi:.0%})" + (
        f"; fewer than {min_n} statements" if low else ""
    )
    attributes = (
        f'class="bar{" hollow" if low else ""}" data-target="{html.escape(target)}" data-period="{html.escape(period)}" '
        f'data-side="{html.escape(side)}" data-label="{html.escape(label)}" data-count="{count}" data-n="{total}"'
    )
    mid = y + ROW / 2
    parts = [f"<g {attributes}><title>{html.escape(tip)}</title>"]
    if count:
        rect = f'x="{x0}" y="{y + 3.5}" width="{SCALE * share:.1f}" height="{ROW - 7}"'
        if low:
            parts.append(f'<rect {rect} fill="#fff" stroke="{colour}" stroke-width="1.5"/>')
        else:
            parts.append(f'<rect {rect} fill="{fill}"/>')
    a, b = x0 + SCALE * lo, x0 + SCALE * hi
    parts.append(
        f'<path d="M{a:.1f} {mid - 3}v6M{a:.1f} {mid}H{b:.1f}M{b:.1f} {mid - 3}v6" stroke="#222" stroke-width="1" fill="none"/>'
        f'<text class="count" x="{x0 + SCALE + 4}" y="{mid + 3.5}" font-size="9" fill="{"#888" if not count else "#222"}">{count:,}</text></g>'
    )
    return "".join(parts)


def _speakers_section(predictions: list[dict], labels: dict[str, list[str]], by: str, min_n: int) -> str:
    target = "stance" if "stance" in labels else next(iter(labels))
    target_labels = labels[target]
    cells = aggregate(predictions, target, ("side", "speaker"), by)
    ranked = sorted(((k, c) for k, c in cells.items() if k[1] != UNKNOWN), key=lambda item: (-item[1].total, item[0]))
    head = (
        "<thead><tr><th>speaker</th><th>side</th><th class=num>statements</th>"
        + "".join(f"<th class=num>{html.escape(label)}</th>" for label in target_labels)
        + "</tr></thead>"
    )
    body = []
    for (side, speaker), cell in ranked[:TOP_SPEAKERS]:
        low = cell.total < min_n
        shares = "".join(
            f'<td class=num title="{cell.counts.get(lab, 0)} of {cell.total}">{cell.counts.get(lab, 0) / cell.total:.0%} '
            f"<small>({cell.counts.get(lab, 0):,})</small></td>"
            for lab in target_labels
        )
        mark = f' class="low" title="fewer than {min_n} statements"' if low else ""
        body.append(f"<tr{mark}><td>{html.escape(speaker)}</td><td>{html.escape(side)}</td><td class=num>{cell.total:,}</td>{shares}</tr>")
    rows = [
        {
            "side": side,
            "speaker": speaker,
            "target": target,
            "statements": cell.total,
            **{f"n_{lab}": cell.counts.get(lab, 0) for lab in target_labels},
        }
        for (side, speaker), cell in ranked
    ]
    link = _download(rows, "speakers.csv", f"Download every speaker's counts ({len(rows):,} speakers, CSV)")
    return (
        f'<section><h2 id="speakers">Top speakers by {html.escape(target)}</h2>'
        f'<p class="note">The {min(TOP_SPEAKERS, len(ranked))} speakers with most statements, by canonical name (the resolved name, '
        f"else the name as written); share of their statements per label, with the count. Greyed rows rest on fewer than {min_n} "
        f"statements.</p><table>{head}<tbody>{''.join(body)}</tbody></table><p>{link}</p></section>"
    )


def _examples_section(predictions: list[dict], labels: dict[str, list[str]], sides: list[str]) -> str:
    target = "stance" if "stance" in labels else next(iter(labels))
    others = [t for t in labels if t != target]
    cells = aggregate(predictions, target, ("side",), "year")
    rows = []
    for side in sides:
        cell = cells.get((side,))
        if not cell:
            continue
        for example in _examples(cell, target, per_cell=len(cell.counts)):
            probability = _probability(example, target)
            label = f"{html.escape(example[target])}" + (f" <small>({probability:.2f})</small>" if probability is not None else "")
            extra = "".join(f"<br><small>{html.escape(t)}: {html.escape(str(example.get(t) or ''))}</small>" for t in others)
            rows.append(
                f"<tr><td>{html.escape(side)}</td><td>{label}{extra}</td><td class=statement>{html.escape(str(example.get('text') or ''))}</td>"
                f"<td>{html.escape(speaker_name(example) or 'unknown')}</td><td>{html.escape(iso_date(example.get('date')) or str(example.get('date') or ''))}</td>"
                f"<td class=ref>{_source_reference(example)}</td></tr>"
            )
    head = (
        '<colgroup><col style="width:10%"><col style="width:12%"><col class=statement><col style="width:11%"><col style="width:9%">'
        '<col style="width:15%"></colgroup><thead><tr><th>side</th><th>label</th><th>statement</th><th>speaker</th><th>date</th>'
        "<th>source</th></tr></thead>"
    )
    return (
        f'<section><h2 id="examples">Most confident examples per side</h2><p class="note">For each side, the statement the model '
        f"was surest of for each {html.escape(target)} label it gave that side (quotes of fewer than {EXAMPLE_MIN_WORDS} words, "
        "mostly scare quotes, and reporters' questions are never chosen). Hover a source for its full path, record and character "
        f'offsets; predictions.csv has every statement.</p><table class="examples">{head}<tbody>{"".join(rows)}</tbody></table></section>'
    )


def _source_reference(row: dict) -> str:
    """A short reference (file name and record) with the full one (path, record, offsets, id) on hover."""
    source = str(row.get("source") or "")
    record = str(row.get("record") or "")
    name = PurePath(source).name or source
    shown = record
    if record.startswith(("http://", "https://")):
        shown = record.split("/")[2].removeprefix("www.") + "/…"
    elif len(record) > 16:
        shown = record[:15] + "…"
    short = name + (f" #{shown}" if shown else "")
    if len(short) > 48:
        short = short[:47] + "…"
    full = (
        f"{source}"
        + (f", record {record}" if record else "")
        + f", characters {row.get('start', '')}-{row.get('end', '')}, id {row.get('id', '')}"
    )
    return f'<abbr title="{html.escape(full)}">{html.escape(short)}</abbr>'


def _resolved(path: str) -> PurePath:
    return Path(path).resolve() if path != "-" else PurePath("-")


def _provenance_section(provenance: dict | None, predictions: list[dict], min_n: int, by: str) -> str:
    from stance.card import accuracy_figures, caveat, headline_figure

    provenance = provenance or {}
    card = provenance.get("model_card") or {}
    items: list[tuple[str, str]] = []
    if provenance.get("model") or card:
        data = card.get("data") or {}
        model = f"<code>{html.escape(str(provenance.get('model', '')))}</code>"
        if card.get("created"):
            model += f", trained {html.escape(str(card['created'])[:10])}"
        if data.get("rows"):
            model += f" on {int(data['rows']):,} hand-labelled statements"
        if card.get("command"):
            model += f" (<code>{html.escape(str(card['command']))}</code>)"
        items.append(("Model", model))
        figures = []
        for target in card.get("targets") or {}:
            headline = headline_figure(card, target)
            others = [f for f in accuracy_figures(card) if f.target == target and f is not headline and f != headline]
            text = f"<b>{html.escape(target)}</b>: " + (
                f"{headline.text()}, {html.escape(headline.kind)} ({html.escape(headline.split)}). {html.escape(caveat(headline))}"
                if headline
                else html.escape(caveat(None))
            )
            if others:
                text += " <small>Also: " + "; ".join(f"{html.escape(f.kind)} {f.text()}" for f in others) + ".</small>"
            figures.append(f"<p>{text}</p>")
        items.append(("Accuracy", "".join(figures) or "not recorded"))
    if provenance.get("command"):
        items.append(("Command", f"<code>{html.escape(provenance['command'])}</code>"))
    filters = dict(provenance.get("filters") or {"periods by": by, "hollow below": f"{min_n} statements"})
    items.append(("Filters", "; ".join(f"{html.escape(str(k))}: {html.escape(str(v))}" for k, v in filters.items())))
    if provenance.get("inputs"):
        counts = Counter(str(row.get("source") or "") for row in predictions)
        resolved = {source: _resolved(source) for source in counts}
        listed = []
        for path in provenance["inputs"]:
            root = _resolved(path)
            n = sum(v for source, v in counts.items() if resolved[source] == root or root in resolved[source].parents)
            listed.append(f"<li><code>{html.escape(path)}</code> <small>({n:,} statements)</small></li>")
        items.append(("Input files", f'<ul class="inputs">{"".join(listed)}</ul>'))
    if provenance.get("generated"):
        items.append(("Made", html.escape(provenance["generated"])))
    if provenance.get("version"):
        items.append(("stance version", html.escape(provenance["version"])))
    body = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in items)
    return f'<section><h2 id="provenance">Provenance</h2><dl class="provenance">{body}</dl></section>'
