"""Evaluation pictures and pages: every text has room, label names are never cut."""

import re
from html.parser import HTMLParser

from stance.evaluate import TargetEvaluation
from stance.evaluation_report import CHAR, confusion_svg, learning_curve_svg, write_evaluation_report

LABELS = ["condemning", "downplaying", "neutral", "open_to_dialogue", "reassuring", "threatening"]


def _result() -> TargetEvaluation:
    confusion = [[9 if i == j else i + j for j in range(len(LABELS))] for i in range(len(LABELS))]
    per_class = {label: {"precision": 0.6, "recall": 0.5, "f1": 0.55, "support": 20} for label in LABELS}
    model = {"confusion": confusion, "per_class": per_class, "macro_f1": 0.55, "macro_f1_interval": [0.5, 0.6], "accuracy": 0.6}
    baseline = {"macro_f1": 0.1, "accuracy": 0.3}
    by_source = {"stiles__north-korea-news": {"rows": 40, "macro_f1": 0.4, "macro_f1_interval": [0.3, 0.5]}}
    return TargetEvaluation(
        "stance", "source", 2, LABELS, model, baseline, 120, {"majority": baseline}, {"brier": 0.5, "ece": 0.05}, by_source
    )


# per-class F1 close together at the end: their labels would overlap if not spread apart
POINTS = [
    {"fraction": f, "train_rows": int(1000 * f), "macro_f1": 0.3 + 0.2 * f, "per_class_f1": {label: 0.3 + 0.2 * f + 0.002 * i for i, label in enumerate(LABELS)}}
    for f in (0.25, 0.5, 0.75, 1.0)
]  # fmt: skip


class Texts(HTMLParser):
    """(attributes, text) of every <text> element of an SVG, and every table header cell."""

    def __init__(self, markup: str):
        super().__init__()
        self.texts, self.headers, self._open = [], [], None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag in ("text", "th"):
            self._open = (tag, dict(attrs), [])

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            kind, attrs, data = self._open
            (self.texts if kind == "text" else self.headers).append((attrs, "".join(data)))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[2].append(data)


def _width(svg: str) -> float:
    return float(re.search(r'width="([\d.]+)"', svg).group(1))


def test_confusion_matrix_has_room_for_its_title_and_labels():
    svg = confusion_svg(_result())
    width, texts = _width(svg), Texts(svg).texts
    title = next(text for attrs, text in texts if attrs.get("font-size") == "13")
    assert title == "stance: true label (rows) by predicted label (columns)"
    assert 4 + len(title) * 13 * CHAR <= width
    rotated = [(attrs, text) for attrs, text in texts if "rotate" in attrs.get("transform", "")]
    assert [text for _, text in rotated] == LABELS  # full names, none cut
    for attrs, text in rotated:  # a label rotated by 45 degrees reaches len * cos(45) to the right
        assert float(attrs["x"]) + len(text) * 10 * CHAR * 0.71 <= width


def test_learning_curve_labels_are_whole_and_apart():
    svg = learning_curve_svg("stance", POINTS)
    width, texts = _width(svg), Texts(svg).texts
    ends = [(float(attrs["y"]), text) for attrs, text in texts if text in LABELS + ["macro-F1"]]
    assert sorted(text for _, text in ends) == sorted(LABELS + ["macro-F1"])
    ys = sorted(y for y, _ in ends)
    assert all(b - a >= 10.9 for a, b in zip(ys, ys[1:], strict=False))
    for attrs, text in texts:  # nothing runs past the right edge
        if text in LABELS:
            assert float(attrs["x"]) + len(text) * 9 * CHAR <= width
    crowded = learning_curve_svg("stance", [{**p, "train_rows": 1000 + i} for i, p in enumerate(POINTS)])
    ticks = [text for attrs, text in Texts(crowded).texts if attrs.get("text-anchor") == "middle" and text[:1].isdigit()]
    assert ticks == ["1,000"]  # tick labels that would overlap are left out


def test_evaluation_page_and_markdown_name_every_label_in_full(tmp_path):
    out = write_evaluation_report(tmp_path / "evaluation", [_result()], {"stance": POINTS})
    page = (out / "evaluation.html").read_text(encoding="utf-8")
    headers = [text for _, text in Texts(page).headers]
    assert headers.count("open_to_dialogue") == 2 and headers.count("condemning") == 2  # confusion and learning-curve tables
    assert "stiles__north-korea-news" in page and "<pre>" not in page
    markdown = (out / "evaluation.md").read_text(encoding="utf-8")
    assert "| true \\ predicted | condemning | downplaying | neutral | open_to_dialogue | reassuring | threatening |" in markdown
    assert "macro-F1 0.550 (95 % interval 0.500-0.600)" in markdown
