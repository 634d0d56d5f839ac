"""Print speed figures for `stance` on this machine (never run as a test).

    python scripts/benchmark.py            # extraction, prediction cold start and throughput
    python scripts/benchmark.py --quick    # smaller inputs

Extraction speed is measured on one core over the gold-set documents (news
articles, press releases, state-media stories, ministry statements), repeated
to about 5 MB, and separately over the briefing transcripts.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.extract import statements_of  # noqa: E402
from stance.sources import Document  # noqa: E402

GOLD_DOCS = ROOT / "tests" / "data" / "gold" / "docs"


def extraction_speed(paths: list[Path], target_bytes: int) -> tuple[float, int, float]:
    texts = [p.read_text(encoding="utf-8") for p in paths]
    size = sum(len(t.encode("utf-8")) for t in texts)
    repeats = max(1, target_bytes // size)
    documents = [Document(text=t, source=f"{i}") for i, t in enumerate(texts)] * repeats
    list(statements_of(documents[0]))  # warm the regular-expression caches
    start = time.perf_counter()
    count = sum(1 for d in documents for _ in statements_of(d))
    seconds = time.perf_counter() - start
    return size * repeats / 1e6 / seconds, count, seconds


def cold_start(args: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "stance", *args], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def prediction_throughput(n: int) -> tuple[float, float]:
    """Statements per second, stance and tone: the scikit-learn pipelines (one transform per
    target) and the arrays model (one shared transform), both on one core."""
    from stance.labels import load_labels
    from stance.model import DEFAULT_MODEL_DIR, load_model, load_predictor

    texts = load_labels([ROOT / "labels"])["text"].tolist()
    texts = (texts * (n // len(texts) + 1))[:n]
    pipelines, arrays = load_model(DEFAULT_MODEL_DIR), load_predictor(DEFAULT_MODEL_DIR)
    start = time.perf_counter()
    for target in pipelines.targets:
        pipelines.predict_proba(target, texts)
    middle = time.perf_counter()
    arrays.predict_all(texts)
    end = time.perf_counter()
    return n / (middle - start), n / (end - middle)


def bulk_prediction(n: int, jobs: int) -> tuple[float, float | None]:
    """Statements/s and peak memory (MB, of the predict process, from GNU time) of
    `stance predict --input` on n rows."""
    import csv
    import shutil
    import tempfile

    from stance.labels import load_labels

    texts = load_labels([ROOT / "labels"])["text"].tolist()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "statements.csv"
        with open(source, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows((i, f"{texts[i % len(texts)]} ({i})") for i in range(n))
        command = [sys.executable, "-m", "stance", "predict", "--input", str(source), "--format", "csv"]
        command += ["-o", str(Path(folder) / "out.csv"), "--jobs", str(jobs), "-q"]
        timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
        if timer:
            command = [timer, "-f", "peak_kb=%M", *command]
        start = time.perf_counter()
        done = subprocess.run(command, check=True, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    peaks = [int(line.split("=")[1]) for line in done.stderr.splitlines() if line.startswith("peak_kb=")]
    return n / seconds, (peaks[0] / 1024 if peaks else None)


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    articles = sorted(GOLD_DOCS.glob("*.txt"))
    transcripts = sorted(GOLD_DOCS.glob("*.md"))
    mb_s, count, seconds = extraction_speed(articles, 1_000_000 if quick else 5_000_000)
    print(f"extract, articles:    {mb_s:6.2f} MB/s on one core ({count:,} statements in {seconds:.2f} s)")
    mb_s, count, seconds = extraction_speed(transcripts, 500_000 if quick else 2_000_000)
    print(f"extract, transcripts: {mb_s:6.2f} MB/s on one core ({count:,} statements in {seconds:.2f} s)")
    print(f"`stance --help` cold start:          {cold_start(['--help'], 3 if quick else 7):.2f} s median")
    print(f'`stance predict "..."` cold start:   {cold_start(["predict", "We condemn the launch."], 3 if quick else 7):.2f} s median')
    sklearn_rate, arrays_rate = prediction_throughput(5_000 if quick else 30_000)
    print(f"predict throughput (stance + tone), scikit-learn pipelines: {sklearn_rate:,.0f} statements/s")
    print(f"predict throughput (stance + tone), arrays, shared transform: {arrays_rate:,.0f} statements/s")
    n = 20_000 if quick else 200_000
    for jobs in (1, 2):
        rate, peak = bulk_prediction(n, jobs)
        memory = f"peak memory {peak:,.0f} MB (largest process)" if peak else "peak memory not measured (no GNU time)"
        print(f"`stance predict --input` {n:,} rows, --jobs {jobs}: {rate:,.0f} statements/s, {memory}")


if __name__ == "__main__":
    main()
