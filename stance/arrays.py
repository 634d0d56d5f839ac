"""The fitted model as plain arrays: a portable format that loads without unpickling.

At save time every target's pipeline (TF-IDF word + character n-grams, logistic
regression) is written as JSON (vocabularies, n-gram settings, labels) and a
NumPy ``.npz`` file (idf weights, coefficients, intercepts) read with
``allow_pickle=False``. :class:`ArrayModel` predicts from them with NumPy alone,
reproducing scikit-learn's probabilities (tested to within 1e-9), so prediction
needs neither scikit-learn nor pandas, and a shared model file cannot run code.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ARRAYS_JSON = "model_arrays.json"
ARRAYS_NPZ = "model_arrays.npz"
FORMAT = "stance-arrays/1"
WORD_CACHE_SIZE = 200_000
CHUNK = 500


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

    def terms_by_column(self) -> list[str]:
        if not hasattr(self, "_terms"):
            self._terms = [""] * len(self.vocabulary)
            for term, column in self.vocabulary.items():
                self._terms[column] = term
        return self._terms

    def transform(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF of many texts as (row, column, value) triples, sorted by row then column,
        L2-normalised per row like scikit-learn (rows with no known n-gram have no triple)."""
        add_columns = self._add_word_ngram_columns if self.analyzer == "word" else self._add_char_ngram_columns
        found: list[int] = []
        lengths = np.empty(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            before = len(found)
            add_columns(found, text.lower() if self.lowercase else text)
            lengths[row] = len(found) - before
        width = max(len(self.vocabulary), 1)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        keys, counts = np.unique(rows * width + np.fromiter(found, dtype=np.int64, count=len(found)), return_counts=True)
        rows, columns = np.divmod(keys, width)
        values = counts.astype(np.float64)
        if self.sublinear_tf:
            values = np.log(values) + 1.0
        values *= self.idf[columns]
        if self.norm == "l2":
            norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
            values /= norms[rows]
        return rows, columns, values

    def _add_word_ngram_columns(self, found: list[int], text: str) -> None:
        """Append the column of each word n-gram of ``text`` in the vocabulary, as often as it
        occurs: scikit-learn's word analyzer (tokens by ``token_pattern``, n-grams joined by
        a space), looked up as tuples so no n-gram string is built."""
        keys = self._word_keys
        tokens = self._token_re.findall(text)
        low, high = self.ngram_range
        for n in range(low, min(high, len(tokens)) + 1):
            grams = tokens if n == 1 else zip(*[tokens[i:] for i in range(n)], strict=False)  # shifted copies: n-grams
            found.extend([c for c in map(keys.get, grams) if c is not None])

    def _add_char_ngram_columns(self, found: list[int], text: str) -> None:
        """Append the column of each ``char_wb`` n-gram of ``text`` in the vocabulary.

        These n-grams never cross a word, so each distinct word's columns are computed once
        and cached; the cache is emptied when it passes :data:`WORD_CACHE_SIZE` words,
        which bounds memory on any input.
        """
        cache = self._word_cache
        for word in text.split():
            columns = cache.get(word)
            if columns is None:
                if len(cache) >= WORD_CACHE_SIZE:
                    cache.clear()
                columns = cache[word] = tuple([c for c in map(self.vocabulary.get, self._char_ngrams(word)) if c is not None])
            found.extend(columns)

    def _char_ngrams(self, word: str) -> list[str]:
        """scikit-learn's ``char_wb`` n-grams of one word: padded with a space each side;
        a word no longer than n gives itself (padded) once, and no longer n-grams."""
        word = f" {word} "
        low, high = self.ngram_range
        grams = []
        for n in range(low, high + 1):
            if len(word) <= n:
                grams.append(word)
                break
            grams += [word[i : i + n] for i in range(len(word) - n + 1)]
        return grams

    @functools.cached_property
    def _word_cache(self) -> dict[str, tuple[int, ...]]:
        return {}

    @functools.cached_property
    def _token_re(self) -> re.Pattern:
        return re.compile(self.token_pattern)

    @functools.cached_property
    def _word_keys(self) -> dict:
        """The vocabulary keyed by token tuples (n >= 2) or tokens (n = 1); tokens never
        hold a space, so splitting a term on spaces gives its tokens back."""
        return {(term if " " not in term else tuple(term.split(" "))): column for term, column in self.vocabulary.items()}

    def transform_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and TF-IDF values of one text (L2-normalised like scikit-learn)."""
        _, columns, values = self.transform([text])
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
        return _probabilities_in_chunks({"": self}, texts)[""]

    def decisions(self, texts: list[str], transformed: dict) -> np.ndarray:
        """Decision values, one row per text. ``transformed`` caches each feature set's
        TF-IDF triples (by ``id``), so targets sharing a vectorizer transform the texts once."""
        total = np.tile(self.intercept, (len(texts), 1))
        for features, coef in zip(self.feature_sets, self._coef_by_feature_set, strict=True):
            key = id(features)
            if key not in transformed:
                transformed[key] = features.transform(texts)
            rows, columns, values = transformed[key]
            if len(rows):
                starts = np.flatnonzero(np.diff(rows, prepend=-1))
                total[rows[starts]] += np.add.reduceat(coef.take(columns, axis=0) * values[:, None], starts, axis=0)
        return total

    @functools.cached_property
    def _coef_by_feature_set(self) -> list[np.ndarray]:
        """Each feature set's block of coefficients, one contiguous row per feature."""
        ends = [*self.offsets[1:], self.coef.shape[1]]
        return [np.ascontiguousarray(self.coef[:, start:end].T) for start, end in zip(self.offsets, ends, strict=True)]


def _probabilities_in_chunks(targets: dict[str, TargetArrays], texts: list[str]) -> dict[str, np.ndarray]:
    """Probabilities of ``texts`` for each target, in chunks of :data:`CHUNK` texts (which
    keeps the working arrays small); targets sharing a vectorizer transform each chunk once."""
    decisions: dict[str, list[np.ndarray]] = {name: [] for name in targets}
    for start in range(0, len(texts), CHUNK):
        chunk = texts[start : start + CHUNK]
        transformed: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for name, target in targets.items():
            decisions[name].append(target.decisions(chunk, transformed))
    return {
        name: _probabilities(np.concatenate(parts) if parts else np.empty((0, targets[name].coef.shape[0])))
        for name, parts in decisions.items()
    }


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
        """Probabilities for every target, transforming the texts once per shared vectorizer."""
        return _probabilities_in_chunks(self.targets_arrays, texts)

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
