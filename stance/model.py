"""Build, fit, save and load the stance and tone classifiers.

One factory, :func:`build_pipeline`, makes the scikit-learn Pipeline (TF-IDF word
and character n-grams + logistic regression) used everywhere: training, cross-
validation, saving and prediction. A saved model is a folder holding
``model.joblib`` (one fitted pipeline per target) and ``model_card.json``
(labels, versions, data hash, parameters, metrics, date, and the SHA-256 of the
model file, checked before the file is unpickled).
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from stance import __version__
from stance.arrays import ARRAYS_JSON, ARRAYS_NPZ, ArrayModel, export_arrays
from stance.errors import ModelError
from stance.files import atomic_folder

if TYPE_CHECKING:
    import pandas as pd

MODEL_FILE = "model.joblib"
CARD_FILE = "model_card.json"
CARD_MARKDOWN = "MODEL_CARD.md"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "default"
DEFAULT_PARAMETERS = {
    "word_ngram_range": (1, 2),
    "char_ngram_range": (3, 4),  # chosen by accuracy per second: scripts/choose_features.py
    "min_df": 2,
    "max_word_features": 20000,
    "max_char_features": 40000,
    "sublinear_tf": True,
    "C": 10.0,
    "class_weight": "balanced",
}


@dataclass
class Model:
    """Fitted pipelines, one per target, and the card that describes them."""

    pipelines: dict
    card: dict

    @property
    def targets(self) -> list[str]:
        return list(self.pipelines)

    def labels(self, target: str) -> list[str]:
        return [str(c) for c in self.pipelines[target].classes_]

    def predict_proba(self, target: str, texts: list[str]) -> np.ndarray:
        return self.pipelines[target].predict_proba(texts)


@dataclass
class FastModel:
    """The arrays form of a saved model: predicts with NumPy alone, nothing unpickled."""

    arrays: ArrayModel
    card: dict

    @property
    def targets(self) -> list[str]:
        return self.arrays.targets

    def labels(self, target: str) -> list[str]:
        return self.arrays.labels(target)

    def predict_proba(self, target: str, texts: list[str]) -> np.ndarray:
        return self.arrays.predict_proba(target, texts)

    def predict_all(self, texts: list[str]) -> dict[str, np.ndarray]:
        return self.arrays.predict_all(texts)


def build_pipeline(seed: int = 0, classifier: str = "logistic", **overrides):
    """The one Pipeline: word + char TF-IDF features and a logistic regression.

    ``classifier="svm"`` swaps in a linear SVM on the same features (a baseline).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    params = {**DEFAULT_PARAMETERS, **overrides}
    words = TfidfVectorizer(
        analyzer="word",
        ngram_range=tuple(params["word_ngram_range"]),
        min_df=params["min_df"],
        max_features=params["max_word_features"],
        sublinear_tf=params["sublinear_tf"],
        lowercase=True,
        token_pattern=r"(?u)\b\w[\w'’-]*\b",
        dtype=np.float64,
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(params["char_ngram_range"]),
        min_df=params["min_df"],
        max_features=params["max_char_features"],
        sublinear_tf=params["sublinear_tf"],
        lowercase=True,
        dtype=np.float64,
    )
    if classifier == "svm":
        from sklearn.svm import LinearSVC

        model = LinearSVC(C=params["C"] / 10, class_weight=params["class_weight"], random_state=seed)
    else:
        model = LogisticRegression(C=params["C"], class_weight=params["class_weight"], max_iter=3000, random_state=seed)
    return Pipeline([("features", FeatureUnion([("words", words), ("chars", chars)])), ("classifier", model)])


def require_two_labels(frame: pd.DataFrame, target: str) -> None:
    labels = frame[target].unique()
    if len(labels) < 2:
        only = f"the label {labels[0]!r}" if len(labels) else "no label"
        raise ModelError(f"{target}: every row has {only}; training needs at least two labels. Add statements of other labels.")


def fit_target(frame: pd.DataFrame, target: str, seed: int = 0, **overrides):
    """Fit one pipeline on ``frame.text`` -> ``frame[target]`` (with one BLAS thread, like :func:`fit_targets`)."""
    from stance.features import one_thread

    require_two_labels(frame, target)
    pipeline = build_pipeline(seed, **overrides)
    with one_thread():
        pipeline.fit(frame["text"].tolist(), frame[target].tolist())
    return pipeline


def fit_targets(frame: pd.DataFrame, targets: list[str], seed: int = 0, parameters: dict[str, dict] | None = None, n_jobs: int = 1) -> dict:
    """One fitted pipeline per target, each equal to :func:`fit_target`'s.

    The texts are the same for every target, so targets whose feature settings are
    equal share one fit of the feature union (each pipeline gets its own copy); the
    classifiers are fitted on ``n_jobs`` worker processes.
    """
    import copy
    import tempfile

    from joblib import delayed

    from stance.features import feature_key, fit_classifier, fit_features, parallel

    parameters = parameters or {}
    for target in targets:
        require_two_labels(frame, target)
    keys = {target: feature_key(parameters.get(target, {})) for target in targets}
    settings = list(dict.fromkeys(keys.values()))
    first = {key: next(t for t in targets if keys[t] == key) for key in settings}
    texts = frame["text"].tolist()
    with tempfile.TemporaryDirectory(prefix="stance-train-") as tmp:
        folder = tmp if n_jobs > 1 else None
        features = parallel(min(n_jobs, len(settings)))(
            delayed(fit_features)(seed, parameters.get(first[key], {}), texts, None, folder, f"features{k}")
            for k, key in enumerate(settings)
        )
        by_key = {key: (union, matrix) for key, (union, matrix, _) in zip(settings, features, strict=True)}
        classifiers = parallel(n_jobs)(
            delayed(fit_classifier)(seed, parameters.get(target, {}), by_key[keys[target]][1], frame[target].tolist()) for target in targets
        )
    pipelines = {}
    for target, classifier in zip(targets, classifiers, strict=True):
        union = by_key[keys[target]][0]
        pipeline = build_pipeline(seed, **parameters.get(target, {}))
        pipeline.set_params(features=union if first[keys[target]] == target else copy.deepcopy(union), classifier=classifier)
        pipelines[target] = pipeline
    return pipelines


def data_hash(frame: pd.DataFrame, targets: list[str]) -> str:
    """SHA-256 of the training rows (text and labels, order-independent)."""
    digest = hashlib.sha256()
    columns = [frame["text"].tolist(), *(frame[target].tolist() for target in targets)]
    for line in sorted("\x1f".join(row) for row in zip(*columns, strict=True)):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict:
    import joblib
    import numpy
    import pandas as pd
    import sklearn

    return {
        "stance": __version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
        "joblib": joblib.__version__,
    }


def make_card(
    frame: pd.DataFrame,
    pipelines: dict,
    seed: int,
    sources: list[str],
    metrics: dict,
    parameters: dict,
    command: str,
    tuning: dict | None = None,
) -> dict:
    """The model card; ``tuning`` (the search space, the chosen parameters and every
    point's validation score per target) is recorded when the parameters were searched."""
    card = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "targets": {t: {"labels": [str(c) for c in p.classes_]} for t, p in pipelines.items()},
        "data": {"files": sources, "rows": int(len(frame)), "sha256": data_hash(frame, list(pipelines))},
        "seed": seed,
        "parameters": json.loads(json.dumps(parameters)),
        "versions": library_versions(),
        "metrics": metrics,
    }
    if tuning is not None:
        card["tuning"] = json.loads(json.dumps(tuning))
    return card


def save_model(folder: str | Path, model: Model, force: bool = True) -> Path:
    """Write the model and its card into ``folder`` in one atomic step."""
    import joblib

    folder = Path(folder)
    with atomic_folder(folder, force=force) as tmp:
        joblib.dump(model.pipelines, tmp / MODEL_FILE, compress=3)
        export_arrays(model.pipelines, tmp)
        card = {
            **model.card,
            "model_file": MODEL_FILE,
            "model_sha256": file_sha256(tmp / MODEL_FILE),
            "arrays_sha256": {name: file_sha256(tmp / name) for name in (ARRAYS_JSON, ARRAYS_NPZ)},
        }
        (tmp / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        (tmp / CARD_MARKDOWN).write_text(card_markdown(card), encoding="utf-8")
        model.card = card
    return folder


def read_card(folder: str | Path) -> dict:
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such model folder; train one with `stance train --out {folder}`.")
    path = folder / CARD_FILE
    if not path.is_file():
        raise ModelError(
            f"{folder}: no {CARD_FILE}; this folder is not a complete stance model (retrain it, or pass --trust to load it anyway)."
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: the model card is not valid JSON ({exc}); retrain the model.") from exc


def load_model(folder: str | Path, trust: bool = False) -> Model:
    """Load a model folder after checking the model file against its card.

    A joblib file can run code when loaded, so a file whose SHA-256 differs from
    the card's record (or that has no card) is refused unless ``trust`` is set.
    """
    import warnings

    import joblib

    folder = Path(folder)
    path = folder / MODEL_FILE
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such model folder; train one with `stance train --out {folder}`.")
    if not path.is_file():
        raise ModelError(f"{folder}: no {MODEL_FILE}; train a model with `stance train --out {folder}`.")
    try:
        card = read_card(folder)
    except ModelError:
        if not trust:
            raise
        card = {}
    if not trust and card.get("model_sha256") != file_sha256(path):
        raise ModelError(
            f"{path}: the file does not match the SHA-256 recorded in {CARD_FILE}, so it was changed after it was saved. "
            "Loading it could run arbitrary code; retrain it, or pass --trust if you know where it came from."
        )
    saved = card.get("versions", {}).get("scikit-learn")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pipelines = joblib.load(path)
        except Exception as exc:  # unpickling can fail in many library-specific ways
            raise ModelError(
                f"{path}: cannot load the model ({type(exc).__name__}: {exc}); retrain it with this version of stance."
            ) from exc
    current = library_versions()["scikit-learn"]
    if saved and saved != current:
        warnings.warn(
            f"model saved with scikit-learn {saved}, running {current}; predictions may differ slightly. Retrain to be sure.", stacklevel=2
        )
    return Model(pipelines=pipelines, card=card)


def load_predictor(folder: str | Path, trust: bool = False) -> Model | FastModel:
    """The quickest safe way to predict with a saved model.

    The arrays form (no unpickling, no scikit-learn import) is used when its
    files match the SHA-256 values in the card; otherwise the joblib pipelines
    are loaded with :func:`load_model`'s checks.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such model folder; train one with `stance train --out {folder}`.")
    card = read_card(folder) if (folder / CARD_FILE).is_file() or not trust else {}
    recorded = card.get("arrays_sha256", {})
    names = (ARRAYS_JSON, ARRAYS_NPZ)
    if recorded and all((folder / n).is_file() and recorded.get(n) == file_sha256(folder / n) for n in names):
        try:
            return FastModel(ArrayModel.load(folder), card)
        except (ValueError, KeyError, OSError) as exc:
            raise ModelError(f"{folder}: the model arrays cannot be read ({exc}); retrain the model.") from exc
    if recorded and not trust:
        raise ModelError(
            f"{folder}: {ARRAYS_JSON}/{ARRAYS_NPZ} do not match the SHA-256 recorded in {CARD_FILE}; "
            "retrain the model, or pass --trust to load the joblib file instead."
        )
    return load_model(folder, trust=trust)


def export_model(source: str | Path, destination: str | Path, force: bool = False) -> Path:
    """Copy a model's arrays and card, without the pickle, for sharing.

    The result loads with :func:`load_predictor` and never runs code; it cannot be
    used to retrain or as a scikit-learn object.
    """
    import shutil

    source = Path(source)
    model = load_predictor(source)
    if not isinstance(model, FastModel):
        raise ModelError(f"{source}: has no model arrays (saved by an older stance); retrain it, then export.")
    card = {**model.card, "model_file": None, "model_sha256": None, "exported_from": str(source)}
    with atomic_folder(destination, force=force) as tmp:
        for name in (ARRAYS_JSON, ARRAYS_NPZ):
            shutil.copyfile(source / name, tmp / name)
        (tmp / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        (tmp / CARD_MARKDOWN).write_text(card_markdown(card), encoding="utf-8")
    return Path(destination)


def card_markdown(card: dict) -> str:
    lines = [
        "# Model card",
        "",
        f"- created: {card['created']}",
        f"- trained by: `{card['command']}`",
        f"- training data: {card['data']['rows']} statements from {', '.join(card['data']['files'])} (sha256 {card['data']['sha256'][:16]}...)",
        f"- seed: {card['seed']}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in card["versions"].items()),
        "- parameters: " + ", ".join(f"{k}={v}" for k, v in card["parameters"].items()),
        "",
    ]
    for target, info in card["targets"].items():
        lines.append(f"## {target}")
        lines.append("")
        lines.append(f"Labels: {', '.join(info['labels'])}")
        metrics = card.get("metrics", {}).get(target)
        if metrics:
            lines.append("")
            lines.append(
                f"Cross-validated ({metrics.get('split', '')}): macro-F1 {metrics['macro_f1']:.3f}, accuracy {metrics['accuracy']:.3f}; "
                f"majority baseline macro-F1 {metrics['baseline_macro_f1']:.3f}."
            )
        tuning = card.get("tuning", {}).get("targets", {}).get(target)
        if tuning:
            chosen = ", ".join(f"{k}={v}" for k, v in tuning["chosen"].items())
            lines.append("")
            lines.append(
                f"Tuned on a validation part ({card['tuning']['validation_rows']} statements held out of the search): {chosen}, "
                f"validation macro-F1 {tuning['validation_macro_f1']:.3f} (best of {len(tuning['validation'])} grid points)."
            )
        lines.append("")
    return "\n".join(lines)
