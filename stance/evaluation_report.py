"""Write an evaluation as Markdown and HTML with confusion-matrix and learning-curve pictures.

The pictures are SVG files written beside the Markdown and inlined into the HTML,
so both open offline. Every text in a picture is given the room it needs (titles,
rotated column labels, line labels spread apart), and the tables carry full label
names: nothing is cut.
"""

from __future__ import annotations

import html
from pathlib import Path

from stance.files import atomic_folder

CHAR = 0.62  # average glyph width as a share of the font size (sans-serif), to size the pictures


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR


def confusion_svg(result, cell: int = 46) -> str:
    """Confusion matrix as a heat map: rows are true labels, columns predicted, shaded by row share."""
    labels, matrix = result.labels, result.model["confusion"]
    longest = max((_text_width(label, 10) for label in labels), default=0)
    left = int(longest + 16)
    top = int(34 + longest * 0.71 + 8)  # room for column labels rotated by 45 degrees
    size = cell * len(labels)
    title = f"{result.target}: true label (rows) by predicted label (columns)"
    width = int(max(left + size + longest * 0.71 + 12, _text_width(title, 13) + 20))
    height = top + size + 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">',
        f'<text x="4" y="16" font-size="13">{html.escape(title)}</text>',
    ]
    for j, label in enumerate(labels):
        x = left + j * cell + cell / 2
        parts.append(f'<text x="{x}" y="{top - 6}" font-size="10" transform="rotate(-45 {x} {top - 6})">{html.escape(label)}</text>')
    for i, (label, row) in enumerate(zip(labels, matrix, strict=True)):
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" font-size="10" text-anchor="end">{html.escape(label)}</text>')
        total = sum(row) or 1
        for j, count in enumerate(row):
            share = count / total
            shade = int(255 - 200 * share)
            color = f"rgb({shade},{shade},255)" if i != j else f"rgb({shade},255,{shade})"
            ink = "#fff" if share > 0.7 else "#000"
            parts.append(
                f'<rect x="{left + j * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{color}">'
                f"<title>{html.escape(f'true {label}, predicted {labels[j]}: {count} ({share:.0%} of the row)')}</title></rect>"
            )
            parts.append(
                f'<text x="{left + j * cell + cell / 2}" y="{y + cell / 2 + 4}" font-size="10" text-anchor="middle" fill="{ink}">{count}</text>'
            )
    parts.append(f'<text x="{left}" y="{top + size + 18}" font-size="10" fill="#555">shade: share of the true label\'s row</text>')
    parts.append("</svg>")
    return "".join(parts)


def learning_curve_svg(target: str, points: list[dict], width: int = 460, height: int = 280) -> str:
    """Macro-F1 (thick) and per-class F1 (thin, labelled at the right) against the number of training statements."""
    classes = list(points[0]["per_class_f1"])
    longest = max((_text_width(label, 9) for label in classes + ["macro-F1"]), default=0)
    left, bottom, top = 46, 46, 32
    right = int(longest + 22)
    width = max(width, left + 240 + right)
    xs = [p["train_rows"] for p in points]
    x_max = max(xs) or 1

    def x_of(n: float) -> float:
        return left + (width - left - right) * n / x_max

    def y_of(f1: float) -> float:
        return height - bottom - (height - bottom - top) * f1

    title = f"{target}: F1 by number of training statements"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">',
        f'<text x="4" y="16" font-size="13">{html.escape(title)}</text>',
    ]
    for f1 in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y_of(f1)}" y2="{y_of(f1)}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{y_of(f1) + 4}" font-size="10" text-anchor="end">{f1:.2f}</text>')
    last_x = -1e9
    for n in sorted(set(xs)):
        if x_of(n) - last_x >= _text_width(f"{n:,}", 10) + 6:  # skip a tick label that would overlap the previous one
            parts.append(f'<text x="{x_of(n):.1f}" y="{height - bottom + 16}" font-size="10" text-anchor="middle">{n:,}</text>')
            last_x = x_of(n)
        parts.append(f'<line x1="{x_of(n):.1f}" x2="{x_of(n):.1f}" y1="{height - bottom}" y2="{height - bottom + 4}" stroke="#999"/>')
    parts.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 10}" font-size="10" text-anchor="middle" fill="#555">training statements</text>'
    )
    ends = []
    for label in classes:
        line = " ".join(f"{x_of(p['train_rows']):.1f},{y_of(p['per_class_f1'][label]):.1f}" for p in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#aab" stroke-width="1"><title>{html.escape(label)}</title></polyline>')
        ends.append((y_of(points[-1]["per_class_f1"][label]), label, "#667", 9))
    line = " ".join(f"{x_of(p['train_rows']):.1f},{y_of(p['macro_f1']):.1f}" for p in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#c0392b" stroke-width="3"><title>macro-F1</title></polyline>')
    ends.append((y_of(points[-1]["macro_f1"]), "macro-F1", "#c0392b", 9))
    x_end = x_of(points[-1]["train_rows"])
    for (y_line, label, colour, size), y_text in zip(
        sorted(ends), _spread([y for y, *_ in sorted(ends)], 11, top, height - bottom), strict=True
    ):
        parts.append(f'<line x1="{x_end + 2:.1f}" x2="{x_end + 10:.1f}" y1="{y_line:.1f}" y2="{y_text:.1f}" stroke="#ccc"/>')
        parts.append(f'<text x="{x_end + 12:.1f}" y="{y_text + 3:.1f}" font-size="{size}" fill="{colour}">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _spread(positions: list[float], gap: float, low: float, high: float) -> list[float]:
    """Sorted label positions moved apart to at least ``gap``, kept within ``low``-``high`` where they fit."""
    placed: list[float] = []
    for y in positions:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    overflow = (placed[-1] - high) if placed else 0
    if overflow > 0:
        placed = [y - overflow for y in placed]
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    return [max(y, low - 8) for y in placed]


def _summary_lines(result) -> list[str]:
    model, lines = result.model, []
    interval = model.get("macro_f1_interval")
    low_high = f" (95 % interval {interval[0]:.3f}-{interval[1]:.3f})" if interval else ""
    lines.append(f"macro-F1 {model['macro_f1']:.3f}{low_high}; majority baseline {result.baseline['macro_f1']:.3f}")
    lines.append(f"accuracy {model['accuracy']:.3f}; majority baseline {result.baseline['accuracy']:.3f}")
    for name, metrics in (result.baselines or {}).items():
        if name != "majority":
            lines.append(f"baseline {name}: macro-F1 {metrics['macro_f1']:.3f}, accuracy {metrics['accuracy']:.3f}")
    if result.calibration:
        lines.append(
            f"calibration: Brier score {result.calibration['brier']:.3f}, expected calibration error {result.calibration['ece']:.3f}"
        )
    return lines


def _per_class_rows(result) -> list[list[str]]:
    return [
        [label, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"])]
        for label, m in ((label, result.model["per_class"][label]) for label in result.labels)
    ]


def _source_rows(result) -> list[list[str]]:
    rows = []
    for name, m in (result.by_source or {}).items():
        interval = m.get("macro_f1_interval")
        rows.append([name, str(m["rows"]), f"{m['macro_f1']:.3f}", f"{interval[0]:.3f}-{interval[1]:.3f}" if interval else ""])
    return rows


def _curve_rows(points: list[dict]) -> tuple[list[str], list[list[str]]]:
    labels = list(points[0]["per_class_f1"])
    head = ["data", "train rows", "macro-F1", *labels]
    rows = [
        [f"{p['fraction']:.0%}", str(p["train_rows"]), f"{p['macro_f1']:.3f}", *(f"{p['per_class_f1'][label]:.3f}" for label in labels)]
        for p in points
    ]
    return head, rows


def _html_table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    header = "".join(f"<th{' class=num' if i >= numeric_from else ''}>{html.escape(h)}</th>" for i, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(f"<td{' class=num' if i >= numeric_from else ''}>{html.escape(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _markdown_table(head: list[str], rows: list[list[str]]) -> list[str]:
    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

    return [line(head), "|" + "---|" * len(head), *(line(row) for row in rows), ""]


def write_evaluation_report(out: str | Path, results: list, curves: dict[str, list[dict]], force: bool = False) -> Path:
    """Write evaluation.md, evaluation.html and the SVG pictures into ``out``."""
    per_class_head = ["label", "precision", "recall", "F1", "support"]
    source_head = ["held-out source", "rows", "macro-F1", "95 % interval"]
    with atomic_folder(out, force=force) as tmp:
        markdown = ["# Evaluation", ""]
        body = ["<h1>Evaluation</h1>"]
        for result in results:
            confusion = confusion_svg(result)
            (tmp / f"confusion_{result.target}.svg").write_text(confusion, encoding="utf-8")
            summary = _summary_lines(result)
            confusion_head = ["true \\ predicted", *result.labels]
            confusion_rows = [[label, *map(str, row)] for label, row in zip(result.labels, result.model["confusion"], strict=True)]
            markdown += [f"## {result.target}", "", f"{result.n_rows} statements; {result.split_text}.", ""]
            markdown += [f"- {line}" for line in summary] + [""]
            markdown += _markdown_table(per_class_head, _per_class_rows(result))
            if result.by_source:
                markdown += _markdown_table(source_head, _source_rows(result))
            markdown += _markdown_table(confusion_head, confusion_rows)
            markdown += [f"![confusion matrix](confusion_{result.target}.svg)", ""]
            body += [
                f"<h2>{html.escape(result.target)}</h2>",
                f"<p>{result.n_rows} statements; {html.escape(result.split_text)}.</p>",
                "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in summary) + "</ul>",
                _html_table(per_class_head, _per_class_rows(result)),
            ]
            if result.by_source:
                body.append(_html_table(source_head, _source_rows(result)))
            body += [f"<h3>Confusion matrix: {html.escape(result.target)}</h3>", _html_table(confusion_head, confusion_rows), confusion]
            if result.target in curves:
                curve = learning_curve_svg(result.target, curves[result.target])
                (tmp / f"learning_curve_{result.target}.svg").write_text(curve, encoding="utf-8")
                head, rows = _curve_rows(curves[result.target])
                markdown += [f"### Learning curve: {result.target}", ""] + _markdown_table(head, rows)
                markdown += [f"![learning curve](learning_curve_{result.target}.svg)", ""]
                body += [f"<h3>Learning curve: {html.escape(result.target)}</h3>", _html_table(head, rows), curve]
        (tmp / "evaluation.md").write_text("\n".join(markdown), encoding="utf-8")
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Evaluation</title>'
            "<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;padding:0 1em}"
            "table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}"
            "th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}svg{display:block;max-width:100%;height:auto;margin:8px 0}"
            "</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
        )
        (tmp / "evaluation.html").write_text(page, encoding="utf-8")
    return Path(out)
