"""Choose the feature configuration by measured accuracy per second (never run as a test).

    python scripts/choose_features.py            # every candidate, 5-fold grouped CV
    python scripts/choose_features.py --quick    # 3 folds, fewer texts timed

For each candidate feature configuration this prints the cross-validated macro-F1
of stance and tone (the same grouped 5-fold split as `stance evaluate`), the
prediction throughput of its arrays model (stance + tone, one shared transform,
one core, CPU time) and its vocabulary size. The rule: keep the fastest candidate
that loses no more than 1 point of macro-F1 on either target against the first
configuration (word 1-2-grams, character 2-5-grams). It chose character 3-4-grams,
now the default (stance.features.DEFAULT_PARAMETERS).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.arrays import ArrayModel  # noqa: E402
from stance.evaluate import evaluate_target  # noqa: E402
from stance.features import DEFAULT_PARAMETERS  # noqa: E402
from stance.labels import load_labels  # noqa: E402
from stance.model import fit_target  # noqa: E402

REFERENCE = "word 1-2, char_wb 2-5"  # the first configuration, before this choice
CANDIDATES = {
    REFERENCE: {"char_ngram_range": (2, 5)},
    "char_wb 2-4": {"char_ngram_range": (2, 4)},
    "char_wb 3-5": {"char_ngram_range": (3, 5)},
    "char_wb 3-4": {"char_ngram_range": (3, 4)},
    "word 1-1, char_wb 2-5": {"word_ngram_range": (1, 1), "char_ngram_range": (2, 5)},
    "half vocabulary (10k + 20k)": {"char_ngram_range": (2, 5), "max_word_features": 10000, "max_char_features": 20000},
    "min_df 3": {"char_ngram_range": (2, 5), "min_df": 3},
}
TARGETS = ("stance", "tone")
MAX_LOSS = 0.01


def feature_sets(model: ArrayModel) -> list:
    """The model's distinct feature sets (targets share them)."""
    return list({id(f): f for t in model.targets_arrays.values() for f in t.feature_sets}.values())


def throughput(model: ArrayModel, texts: list[str], repeats: int = 3) -> float:
    """Statements per CPU-second, best of ``repeats`` (the word cache starts empty each time)."""
    best = 0.0
    for _ in range(repeats):
        for features in feature_sets(model):
            features.__dict__.pop("_word_cache", None)
        start = time.process_time()
        model.predict_all(texts)
        best = max(best, len(texts) / (time.process_time() - start))
    return best


def measure(frame, name: str, overrides: dict, folds: int, timed: list[str]) -> dict:
    scores = {t: evaluate_target(frame, t, "group", folds, 0, baselines=False, **overrides).model["macro_f1"] for t in TARGETS}
    model = ArrayModel.from_pipelines({t: fit_target(frame, t, 0, **overrides) for t in TARGETS})
    vocabulary = sum(len(f.vocabulary) for f in feature_sets(model))
    return {"name": name, **scores, "rate": throughput(model, timed), "vocabulary": vocabulary}


def main() -> None:
    quick = "--quick" in sys.argv
    frame = load_labels([ROOT / "labels"])
    texts = frame["text"].tolist()
    timed = (texts * 10)[: 5_000 if quick else 30_000]
    folds = 3 if quick else 5
    print(f"{len(frame):,} labelled statements, {folds}-fold grouped CV; throughput on {len(timed):,} statements, one core")
    print(f"other parameters as the default: {DEFAULT_PARAMETERS}")
    results = []
    for name, overrides in CANDIDATES.items():
        results.append(measure(frame, name, overrides, folds, timed))
        r = results[-1]
        print(
            f"  {name:32s} stance {r['stance']:.3f}  tone {r['tone']:.3f}  {r['rate']:8,.0f} statements/s  {r['vocabulary']:6,} features",
            flush=True,
        )
    reference = results[0]
    allowed = [r for r in results if all(reference[t] - r[t] <= MAX_LOSS for t in TARGETS)]
    chosen = max(allowed, key=lambda r: r["rate"])
    print(f"\nWithin {MAX_LOSS * 100:.0f} point of {REFERENCE} on both targets: {', '.join(r['name'] for r in allowed)}")
    print(f"fastest of those: {chosen['name']} ({chosen['rate']:,.0f} statements/s against {reference['rate']:,.0f})")


if __name__ == "__main__":
    main()
