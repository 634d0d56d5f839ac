"""Write an evaluation as Markdown and HTML with confusion-matrix and learning-curve pictures.

The pictures are SVG files written beside the Markdown and inlined into the HTML,
so both open offline.
"""

from __future__ import annotations

import html
from pathlib import Path

from stance.evaluate import TargetEvaluation, format_evaluation, format_learning_curve
from stance.files import atomic_folder


def confusion_svg(result: TargetEvaluation, cell: int = 46) -> str:
    """Confusion matrix as a heat map: rows are true labels, columns predicted, shaded by row share."""
    labels, matrix = result.labels, result.model["confusion"]
    left, top = 130, 110
    size = cell * len(labels)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + size + 20}" height="{top + size + 40}" font-family="sans-serif">']
    parts.append(f'<text x="{left}" y="16" font-size="13">{html.escape(result.target)}: true (rows) by predicted (columns)</text>')
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
            parts.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{color}"/>')
            parts.append(
                f'<text x="{left + j * cell + cell / 2}" y="{y + cell / 2 + 4}" font-size="10" text-anchor="middle">{count}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def learning_curve_svg(target: str, points: list[dict], width: int = 420, height: int = 260) -> str:
    """Macro-F1 (and per-class F1, thin lines) against the number of training statements."""
    left, bottom, right, top = 50, 40, 20, 30
    xs = [p["train_rows"] for p in points]
    x_max = max(xs) or 1

    def x_of(n: float) -> float:
        return left + (width - left - right) * n / x_max

    def y_of(f1: float) -> float:
        return height - bottom - (height - bottom - top) * f1

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">']
    parts.append(f'<text x="{left}" y="16" font-size="13">{html.escape(target)}: F1 by training statements</text>')
    for f1 in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y_of(f1)}" y2="{y_of(f1)}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{y_of(f1) + 4}" font-size="10" text-anchor="end">{f1:.2f}</text>')
    for n in xs:
        parts.append(f'<text x="{x_of(n)}" y="{height - bottom + 16}" font-size="10" text-anchor="middle">{n}</text>')
    for label in points[0]["per_class_f1"]:
        line = " ".join(f"{x_of(p['train_rows']):.1f},{y_of(p['per_class_f1'][label]):.1f}" for p in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#aab" stroke-width="1"><title>{html.escape(label)}</title></polyline>')
        last = points[-1]
        parts.append(
            f'<text x="{x_of(last["train_rows"]) + 3}" y="{y_of(last["per_class_f1"][label]) + 3}" font-size="8" fill="#778">{html.escape(label[:12])}</text>'
        )
    line = " ".join(f"{x_of(p['train_rows']):.1f},{y_of(p['macro_f1']):.1f}" for p in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#c0392b" stroke-width="3"><title>macro-F1</title></polyline>')
    parts.append("</svg>")
    return "".join(parts)


def write_evaluation_report(out: str | Path, results: list[TargetEvaluation], curves: dict[str, list[dict]], force: bool = False) -> Path:
    """Write evaluation.md, evaluation.html and the SVG pictures into ``out``."""
    with atomic_folder(out, force=force) as tmp:
        markdown = ["# Evaluation", ""]
        body = ["<h1>Evaluation</h1>"]
        for result in results:
            confusion = confusion_svg(result)
            (tmp / f"confusion_{result.target}.svg").write_text(confusion, encoding="utf-8")
            text = format_evaluation(result)
            markdown += [f"## {result.target}", "", "```", text, "```", "", f"![confusion matrix](confusion_{result.target}.svg)", ""]
            body += [f"<h2>{html.escape(result.target)}</h2>", f"<pre>{html.escape(text)}</pre>", confusion]
            if result.target in curves:
                curve = learning_curve_svg(result.target, curves[result.target])
                (tmp / f"learning_curve_{result.target}.svg").write_text(curve, encoding="utf-8")
                table = format_learning_curve(result.target, curves[result.target])
                markdown += ["```", table, "```", "", f"![learning curve](learning_curve_{result.target}.svg)", ""]
                body += [f"<pre>{html.escape(table)}</pre>", curve]
        (tmp / "evaluation.md").write_text("\n".join(markdown), encoding="utf-8")
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Evaluation</title>'
            "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px}pre{background:#f6f6f6;padding:8px}</style>"
            "</head><body>\n" + "\n".join(body) + "\n</body></html>\n"
        )
        (tmp / "evaluation.html").write_text(page, encoding="utf-8")
    return Path(out)
