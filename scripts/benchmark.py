"""Print speed figures for `stance` on this machine (never run as a test).

    python scripts/benchmark.py              # extraction, cold start, throughput, bulk against fastText, 200k-row bulk runs
    python scripts/benchmark.py --quick      # smaller inputs
    python scripts/benchmark.py --million    # also a 1,000,000-row bulk run (about 3 minutes)
    python scripts/benchmark.py --training   # also scripts/benchmark_training.py (100,000 statements)
    python scripts/benchmark.py --extract-only --extract-tree=/tmp/old-checkout   # extraction only, beside another checkout
    python scripts/benchmark.py --prediction-only   # everything but extraction

Extraction speed is measured on one core over the gold-set documents (news
articles, press releases, state-media stories, ministry statements), repeated
to about 5 MB, and separately over the briefing transcripts. The streamed `stance extract`
command is measured per CPU-second of its own process, with its peak memory, on about
100 MB of corpus JSON lines and 100 MB of news articles, beside a regex quote pairer.
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
    repeats = max(1, target_bytes // sum(len(t.encode("utf-8")) for t in texts))
    # Each copy ends with its own number, so no per-document cache (sentence and
    # cue indexes) can answer for an earlier copy: every document is new work.
    documents = [Document(text=f"{t}\n\n[{r}]\n", source=f"{r}.{i}") for r in range(repeats) for i, t in enumerate(texts)]
    size = sum(len(d.text.encode("utf-8")) for d in documents)
    list(statements_of(Document(text=texts[0], source="warm-up")))  # compile the regular expressions
    start = time.process_time()  # CPU seconds: the machine may be shared
    count = sum(1 for d in documents for _ in statements_of(d))
    seconds = time.process_time() - start
    return size / 1e6 / seconds, count, seconds


CORPUS_JSONL = ROOT.parent / "shared" / "corpora"
TEXT_FIELDS = ("text", "story_text", "answer", "content")


def corpus_records() -> list[str]:
    """JSON lines of the statement corpora (../shared/corpora, else the gold set's corpus samples)."""
    files = sorted(CORPUS_JSONL.glob("*/*.jsonl")) if CORPUS_JSONL.is_dir() else []
    files = [f for f in files if "index" not in f.name] or sorted((GOLD_DOCS / "corpora").glob("*.jsonl"))
    return [line for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_corpus_jsonl(target: Path, size: int, part_size: int = 10_000_000) -> None:
    """About ``size`` bytes of corpus records in JSON-lines files of ``part_size`` bytes in the
    folder ``target`` (revisions before streaming refuse one file over 80 MB), each copy's text
    ending with its copy number (so no per-document cache answers for an earlier copy)."""
    import json

    records = corpus_records()
    target.mkdir()
    written, copy, handle = 0, 0, None
    while written < size:
        for line in records:
            if written >= size:
                break
            if handle is None or handle.tell() >= part_size:
                if handle:
                    handle.close()
                handle = open(target / f"part{len(list(target.iterdir())):04d}.jsonl", "w", encoding="utf-8")
            record = json.loads(line)
            name = next((f for f in TEXT_FIELDS if record.get(f)), None)
            if name:
                record[name] = f"{record[name]}\n\n[{copy}]\n"
            line = json.dumps(record, ensure_ascii=False) + "\n"
            handle.write(line)
            written += len(line.encode("utf-8"))
        copy += 1
    handle.close()


def write_news_folder(target: Path, size: int) -> None:
    """About ``size`` bytes of news articles (the gold set's), one file per copy, each numbered."""
    articles = sorted(GOLD_DOCS.glob("*.txt")) + sorted((GOLD_DOCS / "news").glob("*.txt"))
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in articles]
    target.mkdir()
    written, copy = 0, 0
    while written < size:
        for stem, text in texts:
            data = f"{text}\n\n[{copy}]\n".encode()
            (target / f"{copy:05d}_{stem}.txt").write_bytes(data)
            written += len(data)
        copy += 1


def input_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def extract_command_speed(source: Path, output: Path, tree: Path = ROOT) -> tuple[float, float, int]:
    """`stance extract SOURCE --format jsonl -o OUTPUT` of the checkout ``tree``, as a new
    process: MB of input per CPU-second (user + system of that process alone), its peak
    resident memory in MB (sampled every 0.1 s) and the rows written."""
    command = [sys.executable, "-m", "stance", "extract", str(source), "--format", "jsonl", "-o", str(output), "--force"]
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    process = subprocess.Popen(command, cwd=tree, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.1)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"stance extract failed: {process.stderr.read().decode()}")
    process.stderr.close()
    with open(output, "rb") as handle:
        rows = sum(1 for _ in handle)
    return input_bytes(source) / 1e6 / (usage.ru_utime + usage.ru_stime), peak, rows


def regex_pairer(source: Path, output: Path) -> tuple[float, int]:
    """The reference: quote marks paired by one regular expression, nothing attributed; MB per CPU-second, rows."""
    import json
    import re

    start, rows = time.process_time(), 0
    pair = re.compile(r"“([^“”]{1,2000})”|\"([^\"\n]{1,2000})\"")
    with open(output, "w", encoding="utf-8") as sink:
        for path in sorted(source.rglob("*")) if source.is_dir() else [source]:
            data = path.read_text(encoding="utf-8")
            if path.suffix == ".jsonl":
                texts = [next((r[f] for f in TEXT_FIELDS if r.get(f)), "") for r in map(json.loads, data.splitlines())]
            else:
                texts = [data]
            for text in texts:
                for match in pair.finditer(text):
                    sink.write(json.dumps({"text": match.group(1) or match.group(2), "start": match.start(), "end": match.end()}) + "\n")
                    rows += 1
    return input_bytes(source) / 1e6 / (time.process_time() - start), rows


def streamed_extraction(size: int, trees: list[Path]) -> None:
    """`stance extract` on about ``size`` bytes of corpus JSON lines and of news articles, beside the regex pairer."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="stance-bench-") as folder:
        inputs = {"corpora JSONL": Path(folder) / "corpora", "news text": Path(folder) / "news"}
        write_corpus_jsonl(inputs["corpora JSONL"], size)
        write_news_folder(inputs["news text"], size)
        for name, source in inputs.items():
            mb = input_bytes(source) / 1e6
            pairer, pairs = regex_pairer(source, Path(folder) / "pairs.jsonl")
            print(f"extract, {name}, {mb:,.0f} MB: regex pairer (reference) {pairer:6.1f} MB/CPU-s ({pairs:,} pairs)")
            for tree in trees:
                rate, peak, rows = extract_command_speed(source, Path(folder) / "out.jsonl", tree)
                label = "`stance extract`" if tree == ROOT else f"`stance extract` of {tree}"
                print(
                    f"  {label}: {rate:6.2f} MB/CPU-s ({pairer / rate:.0f}x slower than the pairer), peak memory {peak:,.0f} MB, {rows:,} rows"
                )


def cold_starts(commands: dict[str, list[str]], runs: int = 7) -> dict[str, tuple[float, float]]:
    """Median wall time and median CPU time (user + system) of each command in a new process,
    the commands taking turns in every round so that a busy machine slows them alike.

    The package's bytecode is compiled first, as Python does on a first run: without
    it (PYTHONDONTWRITEBYTECODE set, as on some machines) every start compiles stance's
    sources again, about 0.04 s here.
    """
    import compileall
    import resource

    compileall.compile_dir(ROOT / "stance", quiet=1)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
            walls[name].append(wall)
            cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {name: (statistics.median(walls[name]), statistics.median(cpus[name])) for name in commands}


def print_cold_starts(runs: int) -> None:
    """Start-up of `stance --help` and `stance predict "one sentence"` (the shipped model) by its three
    paths, beside the interpreter alone and the NumPy and click imports, measured in the same run."""
    python, stance, sentence = sys.executable, [sys.executable, "-m", "stance"], "We condemn the launch."
    commands = {
        "python -c pass (the interpreter alone)": [python, "-c", "pass"],
        'python -c "import numpy"': [python, "-c", "import numpy"],
        'python -c "import click"': [python, "-c", "import click"],
        "stance --help": [*stance, "--help"],
        'stance predict "..." (lookup file, no click)': [*stance, "predict", sentence],
        'stance predict "..." -m models/default (click, lookup file)': [*stance, "predict", sentence, "-m", "models/default"],
        'stance predict "..." --format json (click, arrays, NumPy)': [*stance, "predict", sentence, "--format", "json"],
    }
    figures = cold_starts(commands, runs)
    bare = figures["python -c pass (the interpreter alone)"][1]
    print(f"cold start, median of {runs} interleaved runs: wall s, CPU s, CPU s more than `python -c pass`")
    for name, (wall, cpu) in figures.items():
        print(f"  {name:60s} {wall:5.3f}  {cpu:5.3f}  {cpu - bare:+.3f}")


def bulk_texts(n: int) -> list[str]:
    """``n`` statements: the labelled texts, each made distinct by its row number."""
    from stance.labels import load_labels

    texts = load_labels([ROOT / "labels"])["text"].tolist()
    return [f"{texts[i % len(texts)]} ({i})" for i in range(n)]


def host_reference() -> float:
    """Seconds for a fixed pure-Python workload (string splitting, a dict, a regex; best of 3).

    Shared virtual machines of the same size differ in speed from hour to hour; this
    figure, printed with every run, lets runs on different hosts be compared.
    """
    import re

    words = re.compile(r"[a-z]+")
    text = "The United States condemns the launch, said the spokesperson on Monday. " * 2000
    times = []
    for _ in range(3):
        start = time.perf_counter()
        counts: dict[str, int] = {}
        for _ in range(10):
            for word in words.findall(text.lower()):
                counts[word] = counts.get(word, 0) + 1
            text.split(".")
        times.append(time.perf_counter() - start)
    return min(times)


def prediction_throughput(texts: list[str]) -> tuple[float, float]:
    """Statements per second, stance and tone, on one core: the straightforward scikit-learn
    word + char pipeline of each target (one transform per target), and the arrays model
    (one shared transform, NumPy only)."""
    from stance.model import DEFAULT_MODEL_DIR, load_model, load_predictor

    pipelines, arrays = load_model(DEFAULT_MODEL_DIR), load_predictor(DEFAULT_MODEL_DIR)
    start = time.perf_counter()
    for target in pipelines.targets:
        pipelines.predict_proba(target, texts)
    middle = time.perf_counter()
    arrays.predict_all(texts)
    end = time.perf_counter()
    return len(texts) / (middle - start), len(texts) / (end - middle)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def write_bulk_csv(path: Path, n: int) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        block = bulk_texts(min(n, 100_000))
        writer.writerows((i, block[i % len(block)]) for i in range(n))


def bulk_prediction(n: int, jobs: int, kernel: bool = True) -> tuple[float, float, float]:
    """`stance predict --input` streaming an n-row CSV: statements per second (wall clock) and per
    CPU-second (the command and its workers, from the children's rusage), and the peak of the
    summed resident memory of the command and its worker processes (sampled every 0.1 s).
    ``kernel``: False runs it with STANCE_KERNEL=numpy (the compiled kernel is used otherwise,
    when numba is installed and the file is large enough)."""
    import resource
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "statements.csv"
        write_bulk_csv(source, n)
        command = [sys.executable, "-m", "stance", "predict", "--input", str(source), "--format", "csv"]
        command += ["-o", str(Path(folder) / "out.csv"), "--jobs", str(jobs), "-q"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        env = {**os.environ} if kernel else {**os.environ, "STANCE_KERNEL": "numpy"}
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if process.returncode:
            raise SystemExit(f"stance predict failed: {process.stderr.read().decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return n / seconds, n / cpu, peak


def fasttext_models(folder: Path) -> dict:
    """fastText supervised classifiers of stance and tone trained on the labelled statements, as a
    user would train them: one model per target, default settings with word bigrams."""
    import fasttext

    from stance.labels import load_labels

    frame = load_labels([ROOT / "labels"])
    models = {}
    for target in ("stance", "tone"):
        path = folder / f"{target}.txt"
        path.write_text("".join(f"__label__{y} {t.replace(chr(10), ' ')}\n" for t, y in zip(frame["text"], frame[target], strict=True)))
        models[target] = fasttext.train_supervised(str(path), wordNgrams=2, verbose=0, seed=0)
    return models


def best_rate(predict, texts: list[str], repeats: int) -> float:
    """Statements per CPU-second of ``predict(texts)``, best of ``repeats`` (the machine is shared)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        predict(texts)
        best = min(best, time.process_time() - start)
    return len(texts) / best


def bulk_against_fasttext(n: int, repeats: int) -> None:
    """Bulk prediction beside fastText, in statements per CPU-second on one core, measured in
    turns in this one process: fastText's ``predict`` on a list (its top label, and every label's
    probability as `stance` gives them), and the arrays model as `stance predict --input` calls it
    (stance and tone probabilities and the known-word share), before any file is read or written."""
    import tempfile

    from stance.arrays import compiled_kernel
    from stance.model import DEFAULT_MODEL_DIR, load_predictor

    try:
        import fasttext  # noqa: F401
    except ImportError:
        print("bulk prediction against fastText: fastText is not installed (pip install -e '.[benchmark]')")
        return
    texts = bulk_texts(n)
    with tempfile.TemporaryDirectory() as folder:
        models = fasttext_models(Path(folder))

        def fasttext_top(batch, k=1):
            lines = [t.replace("\n", " ") for t in batch]  # fastText refuses a newline inside a text
            for model in models.values():
                model.predict(lines, k=k)

        arrays = load_predictor(DEFAULT_MODEL_DIR).arrays
        compiled = load_predictor(DEFAULT_MODEL_DIR).arrays
        arrays.kernel, compiled.kernel = False, True
        arrays.predict_with_known_share(texts[:100])  # builds the lookup tables
        compiled.predict_with_known_share(texts[:100])  # and loads (or compiles) the kernel
        contenders = [
            ("fasttext", fasttext_top),
            ("fasttext_all", lambda batch: fasttext_top(batch, k=-1)),
            ("arrays", arrays.predict_with_known_share),
        ]
        if compiled_kernel() is not None:
            contenders.append(("compiled", compiled.predict_with_known_share))
        rates: dict[str, float] = {}
        for _ in range(repeats):  # in turns, so a change in the machine's load hits both
            for name, predict in contenders:
                rates[name] = max(rates.get(name, 0.0), best_rate(predict, texts, 1))
    reference = rates["fasttext"]
    print(f"bulk prediction, stance + tone, {n:,} statements, statements per CPU-second (one core, best of {repeats}):")
    print(f"  fastText supervised, top label (reference):     {reference:8,.0f}")
    print(f"  fastText supervised, every label's probability: {rates['fasttext_all']:8,.0f} ({rates['fasttext_all'] / reference:.2f}x)")
    print(f"  stance arrays model (probabilities + scope):    {rates['arrays']:8,.0f} ({rates['arrays'] / reference:.2f}x fastText)")
    if "compiled" in rates:
        print(
            f"  the same, compiled kernel (numba):              {rates['compiled']:8,.0f} ({rates['compiled'] / reference:.2f}x fastText)"
        )
    else:
        print("  the compiled kernel: numba is not installed (pip install -e '.[fast]')")
    for kernel in (False, True) if "compiled" in rates else (False,):
        _, cpu_rate, peak = bulk_prediction(n, 1, kernel)
        how = "compiled kernel" if kernel else "NumPy"
        print(
            f"  `stance predict --input` {n:,}-row CSV -> CSV, {how}: {cpu_rate:8,.0f} ({cpu_rate / reference:.2f}x fastText), "
            f"peak memory {peak:,.0f} MB"
        )


def bulk_phases(n: int) -> None:
    """Where `stance predict --input` spends its CPU time per row (one core, microseconds): reading the
    CSV, classifying the rows in batches (the arrays model's probabilities and known-word share, and
    the rows laid out with them), and writing them as CSV (much of it the shortest repr of the
    twelve probabilities of each row)."""
    import io
    import tempfile

    import stance.bulk as bulk
    from stance.model import DEFAULT_MODEL_DIR
    from stance.predict import classify_rows, prediction_columns, prediction_names

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "statements.csv"
        write_bulk_csv(source, n)
        bulk._init_worker(str(DEFAULT_MODEL_DIR), trust=False)
        model = bulk._worker_model
        model.arrays.predict_with_known_share(bulk_texts(100))  # builds the lookup tables
        start = time.process_time()
        rows = list(bulk.iter_rows(source, "text"))
        read = time.process_time()
        names = prediction_names(prediction_columns(model), ["id", "text"])
        classified = [row for batch in bulk.batches(iter(rows)) for row in classify_rows(model, batch, "text", 0.0, names)]
        laid_out = time.process_time()
        writer, out = None, io.StringIO()
        for first in range(0, len(classified), bulk.BATCH):
            writer = bulk.write_rows(out, classified[first : first + bulk.BATCH], "csv", writer, ["id", "text", *names.values()])
        written = time.process_time()
    per_row = {
        "read CSV": read - start,
        "classify (predict and lay out rows)": laid_out - read,
        "write CSV": written - laid_out,
    }
    print(f"`stance predict --input` by phase, {n:,} rows, CPU microseconds per row (one core):")
    for name, seconds in per_row.items():
        print(f"  {name:42s} {1e6 * seconds / n:6.1f}")


def print_extraction(quick: bool) -> None:
    articles = sorted(GOLD_DOCS.glob("*.txt"))
    transcripts = sorted(GOLD_DOCS.glob("*.md"))
    mb_s, count, seconds = extraction_speed(articles, 1_000_000 if quick else 5_000_000)
    print(f"extract, articles:    {mb_s:6.2f} MB/CPU-s ({count:,} statements in {seconds:.2f} CPU-s)")
    mb_s, count, seconds = extraction_speed(transcripts, 500_000 if quick else 2_000_000)
    print(f"extract, transcripts: {mb_s:6.2f} MB/CPU-s ({count:,} statements in {seconds:.2f} CPU-s)")
    trees = [ROOT] + [Path(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--extract-tree=")]
    streamed_extraction(20_000_000 if quick else 100_000_000, trees)


def main() -> None:
    quick = "--quick" in sys.argv
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"host reference: {host_reference():.3f} s for a fixed pure-Python workload (lower is faster)")
    if "--prediction-only" not in sys.argv:
        print_extraction(quick)
    if "--extract-only" in sys.argv:
        return
    print_cold_starts(3 if quick else 7)
    texts = bulk_texts(5_000 if quick else 30_000)
    baseline, arrays_rate = prediction_throughput(texts)
    print(f"predict stance + tone, {len(texts):,} statements, one core:")
    print(f"  scikit-learn word+char pipeline per target (baseline): {baseline:8,.0f} statements/s")
    print(f"  arrays model, one shared transform:                     {arrays_rate:8,.0f} statements/s ({arrays_rate / baseline:.1f}x)")
    bulk_against_fasttext(20_000 if quick else 100_000, 2 if quick else 3)
    bulk_phases(20_000 if quick else 100_000)
    sizes = [20_000 if quick else 200_000] + ([1_000_000] if "--million" in sys.argv else [])
    for n in sizes:
        for jobs in (1, 2) if n < 1_000_000 else (2,):
            rate, cpu_rate, peak = bulk_prediction(n, jobs, kernel=False)  # the default install's NumPy path
            print(
                f"`stance predict --input` {n:,}-row CSV, --jobs {jobs}, NumPy: {rate:8,.0f} statements/s "
                f"({rate / baseline:.1f}x the baseline; {cpu_rate:,.0f} per CPU-second), peak memory {peak:,.0f} MB (all processes)"
            )
    if "--training" in sys.argv:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "benchmark_training.py")], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
