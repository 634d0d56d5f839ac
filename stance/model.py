"""Build, fit, save and load the stance and tone classifiers.

One factory, :func:`stance.features.build_pipeline`, makes the scikit-learn Pipeline
(text preparation, TF-IDF word and character n-grams, logistic regression) used everywhere: training, cross-
validation, saving and prediction. A saved model is a folder holding
``model.joblib`` (one fitted pipeline per target) and ``model_card.json``
(labels, versions, data hash, parameters, metrics, date, and the SHA-256 of the
model file, checked before the file is unpickled).
"""

from __future__ import annotations

import hashlib
import json
import platform
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from stance import __version__
from stance.arrays import ARRAYS_JSON, ARRAYS_NPZ, ArrayModel, export_arrays
from stance.card import INTENDED_USE, LIMITATIONS, card_sections, training_summary
from stance.errors import ModelError
from stance.features import build_pipeline, one_thread
from stance.files import atomic_folder, check_output, recover_leftovers
from stance.quick import write_lookup

if TYPE_CHECKING:
    import pandas as pd

MODEL_FILE = "model.joblib"
CARD_FILE = "model_card.json"
CARD_MARKDOWN = "MODEL_CARD.md"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "default"


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


def require_two_labels(frame: pd.DataFrame, target: str) -> None:
    labels = frame[target].unique()
    if len(labels) < 2:
        only = f"the label {labels[0]!r}" if len(labels) else "no label"
        raise ModelError(f"{target}: every row has {only}; training needs at least two labels. Add statements of other labels.")


def fit_target(frame: pd.DataFrame, target: str, seed: int = 0, **overrides):
    """Fit one pipeline on ``frame.text`` -> ``frame[target]`` (with one BLAS thread, like :func:`fit_targets`)."""
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
        "intended_use": INTENDED_USE,
        "limitations": list(LIMITATIONS),
        "training_data": training_summary(frame, list(pipelines)),
    }
    if tuning is not None:
        card["tuning"] = json.loads(json.dumps(tuning))
    return card


def save_model(folder: str | Path, model: Model, force: bool = True) -> Path:
    """Write the model and its card into ``folder`` in one atomic step."""
    import joblib

    folder = Path(folder)
    with atomic_folder(folder, force=force, marker=CARD_FILE) as tmp:
        joblib.dump(model.pipelines, tmp / MODEL_FILE, compress=3)
        export_arrays(model.pipelines, tmp)
        write_lookup(tmp)  # the same model for a quick start (stance.quick); not recorded in the card, it records the arrays
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
        card = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelError(f"{path}: the model card is not valid JSON ({type(exc).__name__}); retrain the model.") from exc
    if not isinstance(card, dict):
        raise ModelError(f"{path}: the model card is not a JSON object; retrain the model.")
    return card


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
    if not isinstance(pipelines, dict) or not pipelines or not all(hasattr(p, "predict_proba") for p in pipelines.values()):
        raise ModelError(f"{path}: does not hold stance's pipelines (one per target); retrain the model.")
    current = library_versions()["scikit-learn"]
    if saved and saved != current:
        warnings.warn(
            f"model saved with scikit-learn {saved}, running {current}; predictions may differ slightly. Retrain to be sure.", stacklevel=2
        )
    return Model(pipelines=pipelines, card=card)


class PickleWarning(UserWarning):
    """A model is being unpickled (asked for with --allow-pickle): said on standard error."""


def load_predictor(folder: str | Path, trust: bool = False, allow_pickle: bool = False) -> Model | FastModel:
    """The quickest safe way to predict with a saved model.

    The arrays form (no unpickling, no scikit-learn import) is always used when the
    folder has it: its files must match the SHA-256 values in the card (unless
    ``trust``) and pass :meth:`ArrayModel.load`'s checks. Only a folder without
    arrays falls back to the joblib pipelines, and only with ``allow_pickle``,
    because unpickling a file can run any code; a :class:`PickleWarning` says so.
    """
    folder = Path(folder)
    _require_folder(folder)
    card = read_card(folder) if (folder / CARD_FILE).is_file() or not trust else {}
    present = [name for name in (ARRAYS_JSON, ARRAYS_NPZ) if (folder / name).is_file()]
    if present:
        _check_arrays(folder, card, present, trust)
        try:
            return FastModel(ArrayModel.load(folder), card)
        except (ValueError, KeyError, OSError) as exc:
            raise ModelError(f"{folder}: the model arrays cannot be used ({exc}); retrain the model.") from exc
    if not allow_pickle:
        raise ModelError(
            f"{folder}: has no model arrays ({ARRAYS_JSON}, {ARRAYS_NPZ}), only {MODEL_FILE}, a pickle that can run any code "
            "when loaded. Retrain the model with this version of stance, or pass --allow-pickle if you made it or trust its source."
        )
    warnings.warn(
        f"unpickling {folder / MODEL_FILE} (--allow-pickle): a pickle can run any code on this computer; "
        "use it only for a model you made or trust.",
        PickleWarning,
        stacklevel=2,
    )
    return load_model(folder, trust=trust)


def _require_folder(folder: Path) -> None:
    """A model folder, put back first if a save was killed while swapping it."""
    if not folder.is_dir():
        recover_leftovers(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such model folder; train one with `stance train --out {folder}`.")


def _check_arrays(folder: Path, card: dict, present: list[str], trust: bool) -> None:
    """Both arrays files, matching the SHA-256 values the card records (unless ``trust``)."""
    missing = [name for name in (ARRAYS_JSON, ARRAYS_NPZ) if name not in present]
    if missing:
        raise ModelError(f"{folder}: {missing[0]} is missing, so the model is incomplete; retrain it.")
    if trust:
        return
    recorded = card.get("arrays_sha256")
    if not isinstance(recorded, dict):
        raise ModelError(
            f"{folder}: {CARD_FILE} records no SHA-256 for {ARRAYS_JSON}/{ARRAYS_NPZ}; retrain the model, or pass --trust to use them anyway."
        )
    if any(recorded.get(name) != file_sha256(folder / name) for name in present):
        raise ModelError(
            f"{folder}: {ARRAYS_JSON}/{ARRAYS_NPZ} do not match the SHA-256 recorded in {CARD_FILE}; "
            "retrain the model, or pass --trust to use them anyway."
        )


def export_model(source: str | Path, destination: str | Path, force: bool = False) -> Path:
    """Copy a model's arrays and card, without the pickle, for sharing.

    The result loads with :func:`load_predictor` and never runs code; it cannot be
    used to retrain or as a scikit-learn object.
    """
    import shutil

    source = Path(source)
    check_output(destination, force, inputs=[source], marker=CARD_FILE)
    model = load_predictor(source)  # the arrays only: exporting never unpickles
    card = {**model.card, "model_file": None, "model_sha256": None, "exported_from": str(source)}
    with atomic_folder(destination, force=force, marker=CARD_FILE) as tmp:
        for name in (ARRAYS_JSON, ARRAYS_NPZ):
            shutil.copyfile(source / name, tmp / name)
        write_lookup(tmp)
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
    lines += card_sections(card)  # intended use, accuracy, limitations, per-class figures, training data
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
                f"validation {card['tuning'].get('metric', 'macro-f1')} {tuning['validation_score']:.3f} "
                f"(best of {len(tuning['validation'])} grid points)."
            )
        lines.append("")
    return "\n".join(lines)
