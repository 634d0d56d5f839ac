"""Check that `stance extract` of this working tree writes exactly what a baseline revision writes.

    python scripts/check_extract_identity.py                    # baseline 67bf52a, every case
    python scripts/check_extract_identity.py --baseline main    # any git revision
    python scripts/check_extract_identity.py --quick            # corpora samples only (no full corpora run)

The baseline revision is checked out into a temporary git worktree (removed afterwards), and
both trees run `python -m stance extract` as separate processes on the same inputs: the
hard cases (tests/data/hard_cases.json, one file per case), the seed articles, the gold-set
documents, standard input, and ../shared/corpora (samples of every corpus in every format and
mode; the whole corpora, about 90 MB, in JSON lines and CSV unless --quick). For each case the
output file, standard output, standard error and exit code must be identical byte for byte;
the first differing row is printed. Exit code 1 if any case differs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
SEEDS = ROOT.parent / "shared" / "seeds"
# The corpora's statement files (an index of documents without text, a headline archive and
# the xlsx speaker list are not statements).
CORPUS_FILES = (
    "Amice13__resistinua/ukraine_officials_video_addresses_en_2022.jsonl",
    "PeiYiZhuo__zelenskyy-putin/kremlin_zelenskyy_press_releases_2021-2022.jsonl",
    "RIstiaque__Country-Counting-from-Press-Briefings/obama_wh_turns_foreign_policy.jsonl",
    "brian14708__wh-briefings/wh_turns_foreign_policy.jsonl",
    "brian14708__wh-briefings/wh_statements_foreign_policy.jsonl",
    "cwang23__china_fm/fmprc_en_regular_press_conferences_2018-2020.jsonl",
    "hsnczl__Enhanced-LDA-Modelling/putin_remarks_on_ukraine_2022-2025.jsonl",
    "markschaver__State-Department-PR/statedept_press_releases_2021-05_2022-08.jsonl",
    "pclk__MFA-PressData/mfa_statements.json",
    "stiles__north-korea-news/kcna_statements_external.jsonl",
)
CORPUS_FOLDERS = (
    "brian14708__wh-briefings/raw_md_mentioning_north_korea",
    "SarahFranzen__Emotions_in_the_United_Nations_General_Debates/TXT",
)
FORMATS = ("jsonl", "csv", "tsv", "json", "table")
MODES = ("auto", "quotes", "sentences", "transcript")
SAMPLE_RECORDS = 40  # records of each JSONL corpus in the samples
SAMPLE_FILES = 8  # files of each corpus folder in the samples


@dataclass
class Case:
    name: str
    inputs: list[str]
    options: list[str] = field(default_factory=list)
    stdin: Path | None = None


@dataclass
class Outcome:
    returncode: int
    stdout: bytes
    stderr: bytes
    output: bytes | None
    cpu_seconds: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="67bf52a", help="git revision to compare with (default: 67bf52a)")
    parser.add_argument("--quick", action="store_true", help="skip the whole-corpora runs")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="extract-identity-") as folder:
        work = Path(folder)
        baseline = work / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(baseline), args.baseline], cwd=ROOT, check=True, capture_output=True)
        try:
            cases = build_cases(work / "inputs", full=not args.quick)
            return compare_all(cases, baseline, work / "outputs", args.jobs)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, capture_output=True)


def build_cases(inputs: Path, full: bool) -> list[Case]:
    """Every input set crossed with the formats, modes and options of `stance extract`."""
    inputs.mkdir(parents=True)
    small = [str(p) for p in small_inputs(inputs)]
    samples = [str(p) for p in corpus_samples(inputs / "samples")]
    stdin_file = ROOT / "tests" / "data" / "gold" / "docs" / "seed_000_51621d7fbfd1bcab.txt"
    cases = [Case(f"small --format {fmt}", small, ["--format", fmt]) for fmt in FORMATS]
    cases += [Case(f"small --mode {mode}", small, ["--mode", mode, "--format", "jsonl"]) for mode in MODES[1:]]
    options = (["--no-questions"], ["--all-quotes"], ["--min-words", "1"], ["--include-unattributed"], ["--wide"])
    cases += [Case(f"small {' '.join(o)}", small, [*o, "--format", "csv"]) for o in options]
    cases.append(Case("small --speaker/--side", small, ["--speaker", "Prime Minister Kishida", "--side", "Japan", "--format", "jsonl"]))
    cases.append(Case("small --side", small, ["--side", "US", "--format", "jsonl"]))
    cases.append(Case("stdin", ["-"], ["--format", "jsonl"], stdin=stdin_file))
    cases.append(Case("stdin and files", [small[0], "-", small[-1]], ["--format", "csv"], stdin=stdin_file))
    if samples:
        cases += [Case(f"corpus samples --format {fmt}", samples, ["--format", fmt]) for fmt in ("jsonl", "csv", "table")]
        cases += [Case(f"corpus samples --mode {mode}", samples, ["--mode", mode, "--format", "jsonl"]) for mode in MODES[1:]]
        cases += [Case(f"corpus samples {' '.join(o)}", samples, [*o, "--format", "jsonl"]) for o in options[:2]]
        cases.append(
            Case(
                "corpus samples --text-field text",
                [s for s in samples if "wh_turns" in s],
                ["--text-field", "text", "--speaker-field", "speaker", "--format", "jsonl"],
            )
        )
    if full and CORPORA.is_dir():
        whole = [str(CORPORA / f) for f in CORPUS_FILES + CORPUS_FOLDERS if (CORPORA / f).exists()]
        cases += [Case(f"whole corpora --format {fmt}", whole, ["--format", fmt]) for fmt in ("jsonl", "csv")]
    return cases


def small_inputs(folder: Path) -> list[Path]:
    """The hard cases (one text file each), the seed articles and the gold-set documents."""
    hard = folder / "hard_cases"
    hard.mkdir()
    for case in json.loads((ROOT / "tests" / "data" / "hard_cases.json").read_text(encoding="utf-8"))["cases"]:
        (hard / f"{case['id']}.txt").write_text(case["text"], encoding="utf-8")
    found = [hard, ROOT / "tests" / "data" / "gold" / "docs", ROOT / "tests" / "data" / "seeds"]
    found += [ROOT / "tests" / "data" / name for name in ("china_fm.jsonl", "kcna.jsonl", "wh_turns.jsonl")]
    return found + ([SEEDS] if SEEDS.is_dir() else [])


def corpus_samples(folder: Path) -> list[Path]:
    """The first records of every JSON-lines corpus and the first files of every corpus folder."""
    if not CORPORA.is_dir():
        return []
    folder.mkdir()
    samples = []
    for name in CORPUS_FILES:
        source = CORPORA / name
        if not source.exists():
            continue
        target = folder / source.name
        if source.suffix == ".json":  # one JSON list: its first records, as a list again
            records = json.loads(source.read_text(encoding="utf-8"))[:SAMPLE_RECORDS]
            target.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        else:
            with open(source, "rb") as handle:
                target.write_bytes(b"".join(line for _, line in zip(range(SAMPLE_RECORDS), handle, strict=False)))
        samples.append(target)
    for name in CORPUS_FOLDERS:
        source = CORPORA / name
        if source.is_dir():
            target = folder / source.name
            files = sorted(p for p in source.rglob("*") if p.is_file())[:SAMPLE_FILES]
            for path in files:
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
            samples.append(target)
    return samples


def run(tree: Path, case: Case, output_folder: Path) -> Outcome:
    """`python -m stance extract` of ``tree`` on the case; output to a file unless a table."""
    output_folder.mkdir(parents=True, exist_ok=True)
    target = output_folder / "out"
    command = [sys.executable, "-m", "stance", "extract", *case.inputs, *case.options]
    if "table" not in case.options:
        command += ["-o", str(target)]
    environment = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    stdout_path, stderr_path = output_folder / "stdout", output_folder / "stderr"
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        stdin = open(case.stdin, "rb") if case.stdin else subprocess.DEVNULL
        try:
            process = subprocess.Popen(command, cwd=tree, env=environment, stdin=stdin, stdout=stdout, stderr=stderr)
            _, status, usage = os.wait4(process.pid, 0)  # this child's own CPU time, whatever else runs
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if case.stdin:
                stdin.close()
    output = target.read_bytes() if target.exists() else None
    errors = stderr_path.read_bytes().replace(str(target).encode(), b"OUT")  # "Wrote 12 rows to OUT"
    return Outcome(process.returncode, stdout_path.read_bytes(), errors, output, usage.ru_utime + usage.ru_stime)


def compare_all(cases: list[Case], baseline: Path, outputs: Path, jobs: int) -> int:
    failures = 0
    totals = [0.0, 0.0]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for number, case in enumerate(cases):
            start = time.perf_counter()
            old = pool.submit(run, baseline, case, outputs / f"{number}.baseline")
            new = pool.submit(run, ROOT, case, outputs / f"{number}.current")
            old, new = old.result(), new.result()
            totals[0] += old.cpu_seconds
            totals[1] += new.cpu_seconds
            difference = first_difference(old, new)
            status = "same" if difference is None else "DIFFERENT"
            size = len(old.output or old.stdout)
            print(
                f"{status:9} {case.name:45} {size / 1e6:8.2f} MB out  "
                f"CPU {old.cpu_seconds:6.1f} s -> {new.cpu_seconds:6.1f} s  ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
            if difference:
                failures += 1
                print(difference, flush=True)
            if old.returncode:
                print(f"          (both exit {old.returncode}: {old.stderr.decode(errors='replace').strip()[:200]})")
            shutil.rmtree(outputs / f"{number}.baseline", ignore_errors=True)
            shutil.rmtree(outputs / f"{number}.current", ignore_errors=True)
    print(f"{len(cases) - failures} of {len(cases)} cases identical; CPU seconds baseline {totals[0]:.1f}, current {totals[1]:.1f}")
    return 1 if failures else 0


def first_difference(old: Outcome, new: Outcome) -> str | None:
    """None if the runs agree byte for byte, else where they first differ."""
    if old.returncode != new.returncode:
        return f"  exit code {old.returncode} (baseline) != {new.returncode} (current)\n  {new.stderr.decode(errors='replace')[:500]}"
    for what, a, b in (("output file", old.output, new.output), ("stdout", old.stdout, new.stdout), ("stderr", old.stderr, new.stderr)):
        if a != b:
            return f"  {what} differs:\n{first_differing_line(a or b'', b or b'')}"
    return None


def first_differing_line(a: bytes, b: bytes) -> str:
    old_lines, new_lines = a.split(b"\n"), b.split(b"\n")
    for number, (x, y) in enumerate(zip(old_lines, new_lines, strict=False), 1):
        if x != y:
            return f"  line {number}\n  baseline: {x[:400]!r}\n  current:  {y[:400]!r}"
    return f"  baseline has {len(old_lines)} lines, current {len(new_lines)}"


if __name__ == "__main__":
    sys.exit(main())
