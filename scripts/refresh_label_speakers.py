"""Refresh the ``speaker`` and ``speaker_side`` columns of label files from the current extractor.

    python scripts/refresh_label_speakers.py                 # every label file under labels/
    python scripts/refresh_label_speakers.py labels/china_fm.csv --shared ../shared --dry-run

A label row whose ``source_ref`` points into the shared folder
(``<path under shared>#<record>@<start>-<end>[;<start>-<end>...]``) is matched to the statement
the extractor gives today at those offsets in that record (the one that overlaps the labelled
span most; records that share an id are told apart by their text). Its ``speaker`` (as written)
and ``speaker_side`` are rewritten; every other column, and rows that point elsewhere or match
no statement, stay as they are. Each file is written to a temporary file and renamed over the
original, so an interruption leaves it intact. Prints how many rows changed.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.extract import ExtractOptions, canonical_speakers, extract_statements  # noqa: E402
from stance.labels import label_files  # noqa: E402
from stance.sources import read_documents  # noqa: E402


def parse_source_ref(ref: str) -> tuple[str, str, list[tuple[int, int]]] | None:
    """'corpora/x.jsonl#rec@10-20;30-40' -> ('corpora/x.jsonl', 'rec', [(10, 20), (30, 40)]); None if it is no such reference."""
    path, sep, rest = ref.partition("#")
    record, at, spans = rest.rpartition("@")
    if not sep or not at or not path:
        return None
    try:
        pieces = [tuple(int(n) for n in piece.split("-", 1)) for piece in spans.split(";") if piece]
    except ValueError:
        return None
    return (path, record, pieces) if pieces and all(len(p) == 2 for p in pieces) else None


class Extraction:
    """The statements and document texts of each shared file, extracted once and indexed by record."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self._files: dict[tuple[str, str], tuple[dict, dict]] = {}

    def of(self, path: str, mode: str = "auto") -> tuple[dict, dict]:
        if (path, mode) not in self._files:
            texts: dict[str, list[str]] = defaultdict(list)
            found = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for document in read_documents([str(self.shared / path)]):
                    texts[document.record].append(document.text)
                    found.extend((len(texts[document.record]) - 1, s) for s in extract_statements([document], ExtractOptions(mode=mode)))
            statements: dict[str, list] = defaultdict(list)
            canonical = canonical_speakers(s for _, s in found)
            for (copy, _), statement in zip(found, canonical, strict=True):
                statements[statement.record].append((copy, statement))
            self._files[(path, mode)] = (texts, statements)
        return self._files[(path, mode)]


def _overlap(spans: list[tuple[int, int]], fragments) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in spans for s2, e2 in fragments)


def match_statement(extraction: Extraction, ref: str, text: str):
    """The statement the extractor gives today for a label row, or None."""
    parsed = parse_source_ref(ref)
    if parsed is None or not (extraction.shared / parsed[0]).exists():
        return None
    path, record, spans = parsed
    # As `stance extract` reads the file; a statement labelled from a document read sentence by
    # sentence (a story with one quotation, a statement with none) is looked up that way too.
    for mode in ("auto", "sentences"):
        texts, statements = extraction.of(path, mode)
        copies = texts.get(record, [])
        # Records sharing an id (one press conference's Q&A pairs): the copy whose text holds the label.
        wanted = {k for k, t in enumerate(copies) if " ".join(t[s:e] for s, e in spans).strip() == text.strip()} or set(range(len(copies)))
        candidates = [(_overlap(spans, s.fragments), s) for copy, s in statements.get(record, []) if copy in wanted]
        best = max(candidates, key=lambda c: c[0], default=(0, None))
        if best[0] > 0:
            return best[1]
    return None


def refresh_file(path: Path, extraction: Extraction, dry_run: bool = False) -> tuple[int, int, int]:
    """Rewrite one label file; returns (rows, rows changed, rows pointing into shared that matched no statement)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        rows = list(reader)
    if not {"source_ref", "speaker", "speaker_side"} <= set(fields):
        return len(rows), 0, 0
    changed = unmatched = 0
    for row in rows:
        parsed = parse_source_ref(row.get("source_ref") or "")
        if parsed is None or not (extraction.shared / parsed[0]).exists():
            continue
        statement = match_statement(extraction, row["source_ref"], row.get("text", ""))
        if statement is None:
            unmatched += 1
            continue
        speaker, side = statement.speaker or "", statement.speaker_side or ""
        if (row["speaker"], row["speaker_side"]) != (speaker, side):
            row["speaker"], row["speaker_side"] = speaker, side
            changed += 1
    if changed and not dry_run:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return len(rows), changed, unmatched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "labels")], help="Label files or folders [default: labels/].")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"), help="The shared folder source_ref paths are under.")
    parser.add_argument("--dry-run", action="store_true", help="Count the changes without writing.")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    if not shared.is_dir():
        print(f"{shared}: no such folder; give the shared folder with --shared.", file=sys.stderr)
        return 1
    extraction = Extraction(shared)
    total = 0
    for path in label_files(args.paths):
        rows, changed, unmatched = refresh_file(path, extraction, args.dry_run)
        total += changed
        print(
            f"{path}: {changed} of {rows} rows changed" + (f", {unmatched} matched no statement (left as they were)" if unmatched else "")
        )
    print(f"{total} rows changed{' (dry run: nothing written)' if args.dry_run else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
