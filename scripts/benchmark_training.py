"""Print training speed and memory figures for `stance train` (never run as a test).

    python scripts/benchmark_training.py                      # N=100,000, the full 24-point grid (about an hour on 2 cores)
    python scripts/benchmark_training.py --grid small         # 4 grid points instead of 24 (about 25 minutes)
    python scripts/benchmark_training.py --n 20000 --repeat 3 --runs tune,plain
    python scripts/benchmark_training.py --jobs-sweep 1000,3000,11304 --repeat 3   # --jobs 1 against 2

The labelled corpus under labels/ is replicated to N statements with small seeded
perturbations (a word dropped or repeated, two adjacent words swapped, a word's case
or trailing punctuation changed; labels and near-duplicate group kept) and written
to a temporary label CSV. Then, side by side, each in its own subprocess:

  tune   `stance train TMP --tune --jobs J --folds 0` against the bare scikit-learn
         equivalent: one Pipeline.fit per grid point and target on the same
         train/validation split (joblib, n_jobs=J), then one Pipeline.fit per target on
         all rows with the chosen parameters (n_jobs=J). The chosen parameters and the
         validation tables are compared too: they must be identical.
  plain  `stance train TMP --jobs J --folds 0` against one Pipeline.fit per target,
         with n_jobs=J and one after the other.
  folds  `stance train TMP --jobs J` (the default --folds 5: cross-validation for the
         card) against the bare equivalent: 5 grouped folds per target plus the final
         fits, n_jobs=J.

`--runs` picks groups (default all three); `--repeat R` runs each R times and prints medians.

`--jobs-sweep N1,N2,...` instead measures `stance train TMP` (the defaults: 5-fold
cross-validation for the card, then the final fits) with `--jobs 1` and `--jobs 2`,
interleaved, R times per size, and prints the smallest wall time, the smallest CPU
time (user + system of the process and its workers, from GNU time) and the peak
memory of each: the figures behind `--jobs auto` (stance.cli.PARALLEL_MIN_ROWS).

With `--grid small` the stance run searches the small grid too (the train command is
run with stance.tune.GRID replaced; nothing else changes). The bare runs get one BLAS
thread (as stance uses), so they are not slowed by oversubscription: the ratios are
conservative. Peak memory: the largest sum over the process tree (main process and
joblib workers) sampled every 0.2 s from /proc, as RSS and as PSS (shared pages such
as the memory-mapped feature matrices counted once), and the largest single process
from GNU time (`/usr/bin/time -v`; without it, getrusage of the children).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = ("stance", "tone")
SMALL_GRID = [{"C": [3.0, 30.0], "char_ngram_range": [(3, 4), (2, 5)], "min_df": [2], "class_weight": ["balanced"]}]
GNU_TIME = "/usr/bin/time"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# --- data -----------------------------------------------------------------------


def perturb(text: str, rng: random.Random) -> str:
    """One or two small edits: drop or repeat a word, swap two adjacent words, change a
    word's case or its trailing punctuation."""
    words = text.split()
    for _ in range(rng.randint(1, 2)):
        if len(words) < 3:
            break
        i = rng.randrange(len(words))
        edit = rng.randrange(5)
        if edit == 0:
            del words[i]
        elif edit == 1:
            words.insert(i, words[i])
        elif edit == 2 and i + 1 < len(words):
            words[i], words[i + 1] = words[i + 1], words[i]
        elif edit == 3:
            words[i] = words[i].upper() if rng.random() < 0.5 else words[i].lower()
        else:
            words[i] = words[i].rstrip(".,;:!?") + rng.choice(["", ",", ".", ";", "!"])
    return " ".join(words)


def write_corpus(n: int, path: Path, seed: int = 0) -> int:
    """N statements: the labelled corpus once as is, then perturbed copies. Returns the
    number of original statements."""
    from stance.labels import load_labels

    rows = load_labels([ROOT / "labels"])[["id", "text", *TARGETS, "group"]].to_dict(orient="records")
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", *TARGETS, "group"])
        for i in range(n):
            row = rows[i % len(rows)]
            text = row["text"] if i < len(rows) else perturb(row["text"], rng)
            writer.writerow([f"{row['id']}_{i // len(rows)}", text, *(row[t] for t in TARGETS), row["group"]])
    return len(rows)


# --- measuring a subprocess -----------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree_memory(root: int) -> tuple[int, int]:
    """Summed RSS and PSS (kB) of ``root`` and all its descendants."""
    tree, pids, rss, pss = _children(), [root], 0, 0
    while pids:
        pid = pids.pop()
        pids.extend(tree.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def measure(command: list[str], env: dict | None = None) -> dict:
    """Wall seconds, peak tree RSS/PSS (MB, sampled) and the largest process's peak RSS (MB)."""
    gnu = os.path.exists(GNU_TIME)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = [GNU_TIME, "-v", "-o", report.name, *command] if gnu else command
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        process = subprocess.Popen(
            full, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                rss, pss = _tree_memory(process.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = process.communicate()
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        if process.returncode:
            sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr[-3000:]}")
        largest, cpu = None, None
        if gnu:
            for line in report.read().splitlines():
                if "Maximum resident set size" in line:
                    largest = int(line.rsplit(":", 1)[1]) / 1024
                elif "User time" in line or "System time" in line:
                    cpu = (cpu or 0.0) + float(line.rsplit(":", 1)[1])
        else:
            after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            largest = after / 1024 if after > before else None  # only a new maximum is visible
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rss": peak[0] / 1024,
        "pss": peak[1] / 1024,
        "largest": largest,
        "stdout": stdout,
        "stderr": stderr,
    }


# --- the runs -------------------------------------------------------------------

STANCE_WITH_GRID = (
    "import json, sys; import stance.tune as t; grid = json.loads(sys.argv[1]); "
    "t.GRID[:] = [{k: [tuple(v) if isinstance(v, list) else v for v in vs] for k, vs in part.items()} for part in grid]; "
    "from stance.cli import cli; cli(sys.argv[2:], prog_name='stance')"
)


def stance_command(args: list[str], grid: dict | None) -> list[str]:
    if grid is None:
        return [sys.executable, "-m", "stance", *args]
    return [sys.executable, "-c", STANCE_WITH_GRID, json.dumps(grid), *args]


def bare_command(mode: str, labels: Path, jobs: int, grid: str, out: Path) -> list[str]:
    return [sys.executable, __file__, "--bare", mode, "--labels", str(labels), "--jobs", str(jobs), "--grid", grid, "--bare-out", str(out)]


def run_bare(mode: str, labels: Path, jobs: int, grid: dict, out: Path) -> None:
    """The plain scikit-learn equivalent of a stance run (executed in a subprocess)."""
    import numpy as np
    import pandas as pd
    from joblib import Parallel, delayed
    from sklearn.metrics import f1_score

    from stance.evaluate import folds
    from stance.features import build_pipeline
    from stance.tune import combinations, validation_split

    frame = pd.read_csv(labels, dtype=str, keep_default_na=False)
    texts = np.array(frame["text"].tolist(), dtype=object)
    ys = {t: np.array(frame[t].tolist(), dtype=object) for t in TARGETS}

    def score(target, params, train, test):
        y = ys[target]
        predicted = build_pipeline(0, **params).fit(texts[train].tolist(), y[train].tolist()).predict(texts[test].tolist())
        return f1_score(y[test].tolist(), predicted.tolist(), labels=sorted(set(y)), average="macro", zero_division=0)

    def final(target, params):
        return build_pipeline(0, **params).fit(texts.tolist(), ys[target].tolist())

    chosen, tables = {t: {} for t in TARGETS}, {}
    if mode == "tune":
        train, validation = validation_split(frame, 0)
        points = combinations(grid)
        tasks = [(t, i) for t in TARGETS for i in range(len(points))]
        scores = Parallel(n_jobs=jobs)(delayed(score)(t, points[i], train, validation) for t, i in tasks)
        for t in TARGETS:
            table = [s for (target, _), s in zip(tasks, scores, strict=True) if target == t]
            chosen[t] = points[max(range(len(points)), key=lambda i, table=table: (table[i], -i))]
            tables[t] = table
    if mode == "folds":
        tasks = [(t, train, test) for t in TARGETS for train, test in folds(frame, t, "group", 5, 0)]
        Parallel(n_jobs=jobs)(delayed(score)(t, {}, train, test) for t, train, test in tasks)
    if jobs == 1:
        [final(t, chosen[t]) for t in TARGETS]
    else:
        Parallel(n_jobs=jobs)(delayed(final)(t, chosen[t]) for t in TARGETS)
    out.write_text(json.dumps({"chosen": chosen, "tables": tables}), encoding="utf-8")


def median_row(name: str, runs: list[dict]) -> dict:
    def med(key):
        values = [r[key] for r in runs if r[key] is not None]
        return statistics.median(values) if values else None

    return {
        "name": name,
        "runs": len(runs),
        **{k: med(k) for k in ("seconds", "rss", "pss", "largest")},
        "all": [r["seconds"] for r in runs],
    }


def print_table(rows: list[dict]) -> None:
    print(f"{'run':<66}{'wall s':>9}{'tree RSS MB':>13}{'tree PSS MB':>13}{'largest MB':>12}   wall times")
    for r in rows:
        largest = f"{r['largest']:>12.0f}" if r["largest"] else f"{'-':>12}"
        times = ", ".join(f"{s:.0f}" for s in r["all"])
        print(f"{r['name']:<66}{r['seconds']:>9.1f}{r['rss']:>13.0f}{r['pss']:>13.0f}{largest}   {times}")


def ratio_line(label: str, stance_row: dict, bare_row: dict) -> str:
    return (
        f"{label:<44} time {stance_row['seconds'] / bare_row['seconds']:.2f}x   "
        f"peak PSS {stance_row['pss'] / bare_row['pss']:.2f}x   peak RSS {stance_row['rss'] / bare_row['rss']:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="statements to train on (default 100,000)")
    parser.add_argument("--grid", choices=("default", "small"), default="default", help="default: stance.tune.GRID (24 points); small: 4")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="run each measurement this many times; medians are printed")
    parser.add_argument(
        "--runs",
        default="tune,plain,folds",
        type=_run_groups,
        help="comma-separated groups to measure: tune, plain (--folds 0), folds (the default --folds 5); default all",
    )
    parser.add_argument("--jobs-sweep", help="comma-separated corpus sizes: measure `stance train` with --jobs 1 and 2 at each")
    parser.add_argument("--bare", choices=("tune", "fit", "folds"), help=argparse.SUPPRESS)
    parser.add_argument("--labels", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bare-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    from stance.tune import GRID

    grid = GRID if args.grid == "default" else SMALL_GRID
    if args.bare:
        run_bare(args.bare, args.labels, args.jobs, grid, args.bare_out)
        return

    if args.jobs_sweep:
        jobs_sweep([int(n) for n in args.jobs_sweep.split(",")], args.repeat)
        return
    stance_grid = None if args.grid == "default" else SMALL_GRID
    tool = "GNU time" if os.path.exists(GNU_TIME) else "getrusage (GNU time not found: apt-get install time)"
    print(f"stance training benchmark: N={args.n:,} statements, grid {args.grid} ({len(_points(grid))} points), jobs {args.jobs},")
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, largest-process memory from {tool}, repeat {args.repeat}")
    folder = Path(tempfile.mkdtemp(prefix="stance-bench-train-"))
    try:
        labels = folder / "labels.csv"
        originals = write_corpus(args.n, labels)
        print(
            f"corpus: {originals} labelled statements replicated with perturbations to {args.n:,} rows ({labels.stat().st_size / 1e6:.0f} MB)"
        )
        print()
        jobs = str(args.jobs)
        stance = {
            "tune": ["--tune", "--folds", "0", "--out", str(folder / "tuned")],
            "plain": ["--folds", "0", "--out", str(folder / "plain")],
            "folds": ["--out", str(folder / "folds")],
        }
        names = {
            "tune": ("stance train --tune --folds 0", f"bare: grid Pipeline.fit per point and target + final (n_jobs={jobs})"),
            "plain": ("stance train --folds 0", f"bare: Pipeline.fit x 2 targets (n_jobs={jobs})"),
            "plain1": (None, "bare: Pipeline.fit x 2 targets (one after the other)"),
            "folds": ("stance train (default --folds 5)", f"bare: 5 folds x 2 targets + final fits (n_jobs={jobs})"),
        }
        runs = {}
        for group in args.runs.split(","):
            grid_used = stance_grid if group == "tune" else None
            command = stance_command(["train", str(labels), "--jobs", jobs, *stance[group], "--force"], grid_used)
            runs[names[group][0]] = lambda command=command: measure(command)
            bare_mode = "fit" if group == "plain" else group
            runs[names[group][1]] = lambda m=bare_mode, g=group: measure(
                bare_command(m, labels, args.jobs, args.grid, folder / f"bare_{g}.json"), ONE_THREAD
            )
            if group == "plain":
                runs[names["plain1"][1]] = lambda: measure(bare_command("fit", labels, 1, args.grid, folder / "bare_fit1.json"), ONE_THREAD)
        results: dict[str, list[dict]] = {name: [] for name in runs}
        for r in range(args.repeat):
            for name, run in runs.items():
                results[name].append(run())
                print(f"  [{r + 1}/{args.repeat}] {name}: {results[name][-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
        rows = {name: median_row(name, values) for name, values in results.items()}
        print_table(list(rows.values()))
        print()
        print("overhead, stance / bare (target: at most 1.5x):")
        labels_of = {
            "tune": "tune (search + final fits)",
            "plain": f"train --folds 0 vs bare n_jobs={jobs}",
            "plain1": "train --folds 0 vs bare one after other",
            "folds": "train with 5 folds",
        }
        for group in args.runs.split(","):
            print(ratio_line(f"  {labels_of[group]}", rows[names[group][0]], rows[names[group][1]]))
            if group == "plain":
                print(ratio_line(f"  {labels_of['plain1']}", rows[names["plain"][0]], rows[names["plain1"][1]]))
        if "tune" in args.runs.split(","):
            print()
            print(same_choice(folder / "tuned", folder / "bare_tune.json"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def jobs_sweep(sizes: list[int], repeat: int) -> None:
    """`stance train` (defaults) with --jobs 1 and --jobs 2 at each size, interleaved; minima of R runs."""
    tool = "GNU time" if os.path.exists(GNU_TIME) else "no GNU time: CPU not measured (apt-get install time)"
    print(f"stance train --jobs 1 against --jobs 2 (default --folds 5); {os.cpu_count()} cores; best of {repeat}; CPU from {tool}")
    print(f"{'rows':>8}{'jobs':>6}{'wall s':>9}{'CPU s':>9}{'tree RSS MB':>13}{'largest MB':>12}   wall times")
    folder = Path(tempfile.mkdtemp(prefix="stance-bench-jobs-"))
    try:
        for n in sizes:
            labels = folder / f"labels{n}.csv"
            write_corpus(n, labels)
            runs: dict[int, list[dict]] = {1: [], 2: []}
            for _ in range(repeat):
                for jobs in (1, 2):
                    command = stance_command(["train", str(labels), "--jobs", str(jobs), "--out", str(folder / "model"), "--force"], None)
                    runs[jobs].append(measure(command))
            for jobs, values in runs.items():
                cpu = [v["cpu"] for v in values if v["cpu"] is not None]
                largest = [v["largest"] for v in values if v["largest"] is not None]
                print(
                    f"{n:>8,}{jobs:>6}{min(v['seconds'] for v in values):>9.1f}{(min(cpu) if cpu else float('nan')):>9.1f}"
                    f"{max(v['rss'] for v in values):>13.0f}{(max(largest) if largest else float('nan')):>12.0f}   "
                    + ", ".join(f"{v['seconds']:.1f}" for v in values)
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_groups(value: str) -> str:
    groups = [g.strip() for g in value.split(",") if g.strip()]
    unknown = set(groups) - {"tune", "plain", "folds"}
    if unknown or not groups:
        raise argparse.ArgumentTypeError(f"choose from tune, plain, folds (got {value!r})")
    return ",".join(groups)


def _points(grid: dict) -> list[dict]:
    from stance.tune import combinations

    return combinations(grid)


def same_choice(model: Path, bare: Path) -> str:
    """Whether stance's search chose what the bare per-point Pipeline.fit search chose, with equal scores."""
    card = json.loads((model / "model_card.json").read_text(encoding="utf-8"))
    reference = json.loads(bare.read_text(encoding="utf-8"))
    lines = []
    for target, info in card["tuning"]["targets"].items():
        scores = [row["validation_score"] for row in info["validation"]]
        same = json.loads(json.dumps(reference["chosen"][target])) == info["chosen"]
        equal = scores == reference["tables"][target]
        chosen = ", ".join(f"{k}={v}" for k, v in info["chosen"].items())
        lines.append(
            f"{target}: chose {chosen} (validation {card['tuning']['metric']} {info['validation_score']:.3f}); "
            f"same choice as the bare search: {'yes' if same else 'NO'}; every grid point's score identical: {'yes' if equal else 'NO'}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
