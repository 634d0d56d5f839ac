"""Tables for people: what ``--format table`` prints.

Kept apart from :mod:`stance.cli` and free of click, so that ``python -m stance predict``
can print a table without importing the command line (see :mod:`stance.__main__`).
"""

from __future__ import annotations

from stance.escaping import printable


def format_table(records: list[dict], columns: list[str], width: int | None = 60) -> str:
    """Aligned columns, numbers on the right; cells longer than ``width`` are cut with an ellipsis."""
    if not records:
        return "(no rows)\n"
    cells = [[format_cell(r[c], width) for c in columns] for r in records]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    numeric = [all(isinstance(r[c], (int, float)) or r[c] is None for r in records) for c in columns]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    return "\n".join([line([format_cell(c, None) for c in columns])] + [line(row) for row in cells]) + "\n"


def format_cell(value, width: int | None) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    text = printable(" ".join(str(value).split()), line_breaks=False)  # no ESC sequence or bare CR reaches the terminal
    return text if width is None or len(text) <= width else text[: width - 1] + "…"
