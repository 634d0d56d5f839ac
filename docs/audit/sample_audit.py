"""Draw the random audit sample: 150 statements per shared corpus, as `stance extract` gives them.

    python docs/audit/sample_audit.py ../shared/corpora docs/audit
    python docs/audit/sample_audit.py ../shared/corpora docs/audit --only pclk__MFA-PressData,stiles__north-korea-news

writes ``<corpus>.csv`` with the statement, who the extractor says spoke and for which side,
and the text around it; the ``speaker_ok``, ``side_ok`` and ``note`` columns are left empty for
the reader, who fills them by reading each row. ``summarize`` prints the share judged right.

``--only`` redraws just the named corpora and keeps the reader's verdicts of every row whose
statement is unchanged (same id, text, kind, speaker, resolved speaker and side): only the
new or changed rows are left empty, to be read again.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from stance.extract import canonical_speakers, extract_statements  # noqa: E402
from stance.sources import read_documents  # noqa: E402

CORPORA = {
    "brian14708__wh-briefings": ["wh_turns_foreign_policy.jsonl", "wh_statements_foreign_policy.jsonl", "raw_md_mentioning_north_korea"],
    "markschaver__State-Department-PR": ["statedept_press_releases_2021-05_2022-08.jsonl"],
    "cwang23__china_fm": ["fmprc_en_regular_press_conferences_2018-2020.jsonl"],
    "RIstiaque__Country-Counting-from-Press-Briefings": ["obama_wh_turns_foreign_policy.jsonl"],
    "stiles__north-korea-news": ["kcna_statements_external.jsonl", "kcna_headlines_archive_2024-11-11.json"],
    "SarahFranzen__Emotions_in_the_United_Nations_General_Debates": ["TXT"],
    "pclk__MFA-PressData": ["mfa_statements.json"],
    "hsnczl__Enhanced-LDA-Modelling": ["putin_remarks_on_ukraine_2022-2025.jsonl"],
    "PeiYiZhuo__zelenskyy-putin": ["kremlin_zelenskyy_press_releases_2021-2022.jsonl"],
    "Amice13__resistinua": ["ukraine_officials_video_addresses_en_2022.jsonl"],
}
COLUMNS = ["row", "id", "source", "record", "start", "end", "kind", "speaker", "speaker_resolved", "speaker_side", "cue", "text", "context"]
VERDICTS = ["speaker_ok", "side_ok", "note"]
SAMPLE = 150
SEED = 18


def sample_corpus(shared: Path, name: str) -> list[dict]:
    """``SAMPLE`` statements drawn at random (fixed seed) from one corpus's extraction, with context."""
    paths = [str(shared / name / part) for part in CORPORA[name]]
    documents = {}
    statements = []
    for document in read_documents(paths):
        documents[(document.source, document.record)] = document.text
        statements.extend(extract_statements([document]))
    statements = canonical_speakers(statements)
    rows = []
    # A random draw that does not depend on the order or number of the other statements: the
    # statements whose ids hash lowest with the seed (so a rerun after a fix draws the same rows).
    drawn = sorted(statements, key=lambda s: hashlib.sha1(f"{SEED}:{s.id}".encode()).hexdigest())[:SAMPLE]
    for number, statement in enumerate(drawn, 1):
        text = documents[(statement.source, statement.record)]
        before = " ".join(text[max(0, statement.start - 300) : statement.start].split())
        after = " ".join(text[statement.end : statement.end + 150].split())
        row = {k: v for k, v in statement.as_row().items() if k in COLUMNS}
        row.update(row=number, context=f"…{before} ⟦STATEMENT⟧ {after}…", source=str(Path(statement.source).relative_to(shared.parent)))
        rows.append(row)
    return rows


def write(rows: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS + VERDICTS)
        writer.writeheader()
        writer.writerows({**{k: row.get(k, "") for k in COLUMNS}, **{v: row.get(v, "") for v in VERDICTS}} for row in rows)


KEPT_IF_SAME = ("id", "text", "kind", "speaker", "speaker_resolved", "speaker_side")


def keep_verdicts(rows: list[dict], path: Path) -> int:
    """Copy the verdicts of ``path``'s rows onto the same, unchanged statements in ``rows``;
    return how many rows are left to read."""
    old = {}
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            old = {r["id"]: r for r in csv.DictReader(handle)}
    unread = 0
    for row in rows:
        before = old.get(row["id"])
        if before and all(str(row.get(k) or "") == (before.get(k) or "") for k in KEPT_IF_SAME) and before.get("speaker_ok"):
            row.update({v: before[v] for v in VERDICTS})
        else:
            unread += 1
    return unread


def summarize(folder: Path) -> None:
    """Per corpus: rows read, speaker right, side right, both right."""
    for path in sorted(folder.glob("*.csv")):
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        read = [r for r in rows if r["speaker_ok"]]
        both = sum(r["speaker_ok"] == "yes" and r["side_ok"] == "yes" for r in read)
        speaker = sum(r["speaker_ok"] == "yes" for r in read)
        side = sum(r["side_ok"] == "yes" for r in read)
        share = both / len(read) if read else 0.0
        print(f"{path.stem:62s} read {len(read):3d}  speaker {speaker:3d}  side {side:3d}  both {both:3d} ({share:.1%})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["summarize"]:
        summarize(Path(sys.argv[2]))
    else:
        shared, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
        only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
        unknown = sorted(set(only or []) - set(CORPORA))
        if unknown:
            sys.exit(f"--only: unknown corpus {', '.join(unknown)}; choose from {', '.join(CORPORA)}")
        for corpus in only or CORPORA:
            rows = sample_corpus(shared, corpus)
            unread = keep_verdicts(rows, out / f"{corpus}.csv") if only else len(rows)
            target = out / f"{corpus}.csv"
            temporary = target.with_suffix(".csv.tmp")
            write(rows, temporary)
            temporary.replace(target)
            print(f"{corpus}: {unread} rows to read", file=sys.stderr)
