"""The fitted model as plain arrays: a portable format that loads without unpickling.

At save time every target's pipeline (TF-IDF word + character n-grams, logistic
regression) is written as JSON (vocabularies, n-gram settings, labels) and a
NumPy ``.npz`` file (idf weights, coefficients, intercepts) read with
``allow_pickle=False``. :class:`ArrayModel` predicts from them with NumPy alone,
reproducing scikit-learn's probabilities (tested to within 1e-9), so prediction
needs neither scikit-learn nor pandas, and a shared model file cannot run code.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ARRAYS_JSON = "model_arrays.json"
ARRAYS_NPZ = "model_arrays.npz"
FORMAT = "stance-arrays/1"
_WHITE_SPACES = re.compile(r"\s\s+")


@dataclass
class FeatureSet:
    """One TF-IDF vectorizer: analyzer settings, vocabulary (term -> column) and idf."""

    analyzer: str
    ngram_range: tuple[int, int]
    lowercase: bool
    token_pattern: str
    sublinear_tf: bool
    norm: str | None
    vocabulary: dict[str, int]
    idf: np.ndarray

    def terms(self, text: str) -> list[str]:
        """The n-grams scikit-learn's analyzer makes of ``text`` (same order, same rules)."""
        if self.lowercase:
            text = text.lower()
        low, high = self.ngram_range
        if self.analyzer == "word":
            tokens = re.findall(self.token_pattern, text)
            grams = list(tokens) if low == 1 else []
            for n in range(max(low, 2), min(high, len(tokens)) + 1):
                grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
            return grams
        if self.analyzer == "char_wb":
            grams = []
            for word in _WHITE_SPACES.sub(" ", text).split():
                word = f" {word} "
                for n in range(low, high + 1):
                    offset = 0
                    grams.append(word[offset : offset + n])
                    while offset + n < len(word):
                        offset += 1
                        grams.append(word[offset : offset + n])
                    if offset == 0:
                        break
            return grams
        raise ValueError(f"unsupported analyzer {self.analyzer!r}")

    def terms_by_column(self) -> list[str]:
        if not hasattr(self, "_terms"):
            self._terms = [""] * len(self.vocabulary)
            for term, column in self.vocabulary.items():
                self._terms[column] = term
        return self._terms

    def transform_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF values of one text (L2-normalised like scikit-learn)."""
        counts = Counter(self.vocabulary[g] for g in self.terms(text) if g in self.vocabulary)
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0)
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear_tf:
            values = np.log(values) + 1.0
        values = values * self.idf[columns]
        if self.norm == "l2":
            length = math.sqrt(float(np.dot(values, values)))
            if length > 0:
                values = values / length
        return columns, values


@dataclass
class TargetArrays:
    labels: list[str]
    feature_sets: list[FeatureSet]
    offsets: list[int]  # first column of each feature set in the stacked matrix
    coef: np.ndarray  # (n_classes or 1, n_features)
    intercept: np.ndarray

    def explain(self, text: str, chosen: int, runner_up: int, top: int = 8) -> list[tuple[str, float]]:
        """The n-grams that moved ``text`` toward label ``chosen`` and away from
        ``runner_up``, with their weights: value x (coef[chosen] - coef[runner_up]).

        For a linear model this is exact: the weights plus the intercept gap sum to
        the log-odds between the two labels.
        """
        if self.coef.shape[0] == 1:  # two classes: one coefficient row for class 1
            difference = self.coef[0] if chosen == 1 else -self.coef[0]
        else:
            difference = self.coef[chosen] - self.coef[runner_up]
        contributions: dict[str, float] = {}
        for features, offset in zip(self.feature_sets, self.offsets, strict=True):
            columns, values = features.transform_one(text)
            terms = features.terms_by_column()
            for column, value in zip(columns, values, strict=True):
                weight = float(value * difference[column + offset])
                label = f"{terms[column]!r}" if features.analyzer == "char_wb" else terms[column]
                contributions[label] = contributions.get(label, 0.0) + weight
        ranked = sorted(contributions.items(), key=lambda item: -item[1])
        return [(term, weight) for term, weight in ranked[:top] if weight > 0]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return _probabilities(np.array([self.decision({}, text) for text in texts]).reshape(len(texts), -1))

    def decision(self, transformed: dict[int, tuple[np.ndarray, np.ndarray]], text: str) -> np.ndarray:
        """Decision values for one text; ``transformed`` caches each feature set's vector
        (by ``id``), so targets sharing a vectorizer transform the text once."""
        total = self.intercept.copy()
        for features, offset in zip(self.feature_sets, self.offsets, strict=True):
            key = id(features)
            if key not in transformed:
                transformed[key] = features.transform_one(text)
            columns, values = transformed[key]
            if len(columns):
                total += self.coef[:, columns + offset] @ values
        return total


def _probabilities(decision: np.ndarray) -> np.ndarray:
    """Logistic regression's predict_proba: sigmoid for two classes, softmax for more."""
    if decision.shape[1] == 1:
        positive = 1.0 / (1.0 + np.exp(-decision[:, 0]))
        return np.column_stack([1.0 - positive, positive])
    shifted = decision - decision.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class ArrayModel:
    """A model read from the arrays files; predicts like the scikit-learn pipelines."""

    def __init__(self, targets: dict[str, TargetArrays]):
        self.targets_arrays = targets

    @property
    def targets(self) -> list[str]:
        return list(self.targets_arrays)

    def labels(self, target: str) -> list[str]:
        return self.targets_arrays[target].labels

    def predict_proba(self, target: str, texts: list[str]) -> np.ndarray:
        return self.targets_arrays[target].predict_proba(texts)

    def explain(self, target: str, text: str, chosen: int, runner_up: int, top: int = 8) -> list[tuple[str, float]]:
        return self.targets_arrays[target].explain(text, chosen, runner_up, top)

    def predict_all(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Probabilities for every target, transforming each text once per shared vectorizer."""
        decisions = {name: np.empty((len(texts), t.coef.shape[0])) for name, t in self.targets_arrays.items()}
        for row, text in enumerate(texts):
            transformed: dict[int, tuple[np.ndarray, np.ndarray]] = {}
            for name, target in self.targets_arrays.items():
                decisions[name][row] = target.decision(transformed, text)
        return {name: _probabilities(decision) for name, decision in decisions.items()}

    @classmethod
    def from_pipelines(cls, pipelines: dict) -> ArrayModel:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            export_arrays(pipelines, Path(folder))
            return cls.load(folder)

    @classmethod
    def load(cls, folder: str | Path) -> ArrayModel:
        folder = Path(folder)
        spec = json.loads((folder / ARRAYS_JSON).read_text(encoding="utf-8"))
        if spec.get("format") != FORMAT:
            raise ValueError(f"{folder / ARRAYS_JSON}: unknown format {spec.get('format')!r}; expected {FORMAT}.")
        with np.load(folder / ARRAYS_NPZ, allow_pickle=False) as arrays:
            feature_sets = [
                FeatureSet(
                    analyzer=f["analyzer"],
                    ngram_range=tuple(f["ngram_range"]),
                    lowercase=f["lowercase"],
                    token_pattern=f["token_pattern"],
                    sublinear_tf=f["sublinear_tf"],
                    norm=f["norm"],
                    vocabulary={term: i for i, term in enumerate(f["vocabulary"])},
                    idf=arrays[f"idf_{k}"],
                )
                for k, f in enumerate(spec["feature_sets"])
            ]
            targets = {}
            for name, t in spec["targets"].items():
                sets = [feature_sets[k] for k in t["feature_sets"]]
                offsets = list(np.cumsum([0] + [len(s.vocabulary) for s in sets[:-1]]))
                targets[name] = TargetArrays(t["labels"], sets, offsets, arrays[f"coef_{name}"], arrays[f"intercept_{name}"])
        return cls(targets)


def export_arrays(pipelines: dict, folder: Path) -> None:
    """Write every target's fitted pipeline as ``model_arrays.json`` + ``model_arrays.npz``."""
    feature_specs: list[dict] = []
    arrays: dict[str, np.ndarray] = {}
    targets = {}
    for name, pipeline in pipelines.items():
        union, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
        indices = []
        for _, vectorizer in union.transformer_list:
            spec, idf = _vectorizer_spec(vectorizer)
            index = next((k for k, s in enumerate(feature_specs) if s == spec and np.array_equal(arrays[f"idf_{k}"], idf)), None)
            if index is None:
                index = len(feature_specs)
                feature_specs.append(spec)
                arrays[f"idf_{index}"] = idf
            indices.append(index)
        targets[name] = {"labels": [str(c) for c in classifier.classes_], "feature_sets": indices}
        arrays[f"coef_{name}"] = np.asarray(classifier.coef_, dtype=np.float64)
        arrays[f"intercept_{name}"] = np.asarray(classifier.intercept_, dtype=np.float64)
    spec = {"format": FORMAT, "feature_sets": feature_specs, "targets": targets}
    (folder / ARRAYS_JSON).write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    with open(folder / ARRAYS_NPZ, "wb") as handle:
        np.savez_compressed(handle, **arrays)


def _vectorizer_spec(vectorizer) -> tuple[dict, np.ndarray]:
    supported = vectorizer.analyzer in ("word", "char_wb") and vectorizer.preprocessor is None and vectorizer.tokenizer is None
    if not supported or vectorizer.stop_words is not None or vectorizer.strip_accents is not None or not vectorizer.use_idf:
        raise ValueError("only TF-IDF word/char_wb vectorizers without custom preprocessing can be exported as arrays")
    vocabulary = [None] * len(vectorizer.vocabulary_)
    for term, index in vectorizer.vocabulary_.items():
        vocabulary[index] = term
    spec = {
        "analyzer": vectorizer.analyzer,
        "ngram_range": list(vectorizer.ngram_range),
        "lowercase": vectorizer.lowercase,
        "token_pattern": vectorizer.token_pattern,
        "sublinear_tf": vectorizer.sublinear_tf,
        "norm": vectorizer.norm,
        "vocabulary": vocabulary,
    }
    return spec, np.asarray(vectorizer.idf_, dtype=np.float64)
