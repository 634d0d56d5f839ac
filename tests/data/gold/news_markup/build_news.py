"""Build the gold set's news articles and their annotations from the marked-up sources here."""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
DOCS = HERE.parent / "docs" / "news"
ANNOTATIONS = HERE.parent / "annotations"
MARK = re.compile(r"\[\[(.*?)\]\]\{(\w+)\}", re.S)


def build(source: Path) -> int:
    count = 0
    for block in source.read_text(encoding="utf-8").split("=== ")[1:]:
        name, _, body = block.partition("\n")
        lines = body.split("\n")
        units: dict[str, dict] = {}
        while lines and lines[0].startswith("@"):
            key, _, spec = lines.pop(0)[1:].partition(" ")
            kind, speaker, resolved, side = (part.strip() for part in spec.split("|"))
            units[key] = {
                "fragments": [],
                "speaker": None if speaker == "-" else speaker,
                "speaker_resolved": None if resolved == "-" else resolved,
                "kind": kind,
                "speaker_side": None if side == "-" else side,
            }
        marked = "\n".join(lines).strip("\n") + "\n"
        order: list[str] = []
        for match in MARK.finditer(marked):
            units[match.group(2)]["fragments"].append(match.group(1))
            if match.group(2) not in order:
                order.append(match.group(2))
        assert set(order) == set(units), f"{name}: units without text: {set(units) - set(order)}"
        text = MARK.sub(lambda m: m.group(1), marked)
        DOCS.mkdir(parents=True, exist_ok=True)
        (DOCS / f"{name}.txt").write_text(text, encoding="utf-8")
        annotation = {"document": f"news/{name}.txt", "units": [units[k] for k in order]}
        (ANNOTATIONS / f"news_{name}.json").write_text(json.dumps(annotation, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    total = sum(build(path) for path in sorted(HERE.glob("*.md")) if path.name != "README.md")
    print(f"built {total} articles")
