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
import importlib
import importlib.util
import json
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np

from stance.features import WORD_TOKEN_PATTERN
from stance.ngrams import (
    BREAK,
    Trie,
    char_trie,
    char_wb_sequence,
    char_wb_sequence_of_points,
    joined_with_breaks,
    word_sequence,
    word_sequence_of_ids,
    word_trie,
)
from stance.preprocess import LOWERED_NEGATOR_ENDINGS, LOWERED_NEGATORS, NEGATION_PREFIX, mark_negation_scopes, prepare_texts
from stance.quick import MAX_NGRAM, check_feature_settings, check_target_header  # noqa: F401 (MAX_NGRAM: the limit this reader enforces, by its old name)
from stance.tokens import WordTable, joined_points, letter_word_spans, points_of, span_hashes, word_token_spans

ARRAYS_JSON = "model_arrays.json"
ARRAYS_NPZ = "model_arrays.npz"
FORMAT = "stance-arrays/2"
READABLE_FORMATS = ("stance-arrays/1", FORMAT)  # /1 has no text preparation step
CHUNK = 250  # texts transformed at once: larger chunks are hardly faster and take more memory (83 MB at 250, 99 MB at 1000)
KERNEL_MIN_TEXTS = 50_000  # calls this large use the compiled kernel (when numba is installed): its start, about 1 CPU-s, pays off
KERNEL_CHUNK = 2000  # texts per kernel call: the tables it reads stay in cache over more texts
KERNEL_SETTING = "STANCE_KERNEL"  # environment variable: "numpy" never uses the compiled kernel
PIECE = 1 << 15  # TF-IDF triples multiplied by the coefficients at once
_WORD_TOKENS = r"\w+(?:['’-]+\w+)*"  # = WORD_TOKEN_PATTERN: from a run's first word character to its last
KNOWN_WORD_PATTERN = r"[^\W\d_][\w'’-]*"  # words, not numbers: what the known-word share counts
_WORD_OR_BREAK = re.compile(rf"{KNOWN_WORD_PATTERN}|{BREAK}")  # a word, or the end of a text


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

    def transform(self, texts: list[str], cache: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF of many texts as (row, column, value) triples, sorted by row then column,
        L2-normalised per row like scikit-learn (rows with no known n-gram have no triple).

        Feature sets that read the same ``texts`` may share ``cache`` (their code points)."""
        rows, columns = self._ngram_columns(texts, {} if cache is None else cache)
        width = max(len(self.vocabulary), 1)
        keys, counts = np.unique(rows * width + columns, return_counts=True)
        rows, columns = np.divmod(keys, width)
        values = counts.astype(np.float64)
        if self.sublinear_tf:
            values = np.log(values) + 1.0
        values *= self.idf[columns]
        if self.norm == "l2":
            norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
            values /= norms[rows]
        return rows, columns, values

    def _ngram_columns(self, texts: list[str], cache: dict) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every vocabulary n-gram in ``texts``, once per occurrence, found for the
        whole batch at once by a trie search of :meth:`_sequence`."""
        if not texts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        trie, sequence, rows, whole = self._sequence(texts, cache)
        positions, columns = trie.search(sequence, *self.ngram_range, whole)
        return rows[positions], columns

    def compiled_sums(self, texts: list[str], cache: dict, coef_by_feature: np.ndarray) -> np.ndarray:
        """:meth:`transform` of ``texts`` times ``coef_by_feature`` (features, classes), summed per text,
        by the compiled kernel (:mod:`stance.compiled`): (texts, classes), equal to the NumPy path."""
        if not texts:
            return np.zeros((0, coef_by_feature.shape[1]))
        trie, sequence, rows, whole = self._sequence(texts, cache)
        return compiled_kernel().block_sums(
            sequence,
            rows,
            whole,
            len(texts),
            self.ngram_range,
            trie.flat,
            self.idf,
            coef_by_feature,
            self.sublinear_tf,
            self.norm == "l2",
        )

    def _sequence(self, texts: list[str], cache: dict) -> tuple[Trie, np.ndarray, np.ndarray, np.ndarray | None]:
        """The vocabulary's trie and ``texts`` as its codes (:mod:`stance.ngrams`): the code sequence,
        the row of each position and the length of short words (``char_wb``, else None). Found from
        the code points of the joined texts (:mod:`stance.tokens`), or, where lowercasing changes a
        text's length (``İ``) or the word vocabulary cannot be hashed apart, with a regular expression."""
        high = self.ngram_range[1]
        key = ("points", self.lowercase)
        if key not in cache:
            cache[key] = joined_points(texts, self.lowercase)
        joined = cache[key]
        if self.analyzer == "word":
            ids, trie = self._trie
            if joined is not None and self._hashed_words is not None:
                points, text_starts = joined
                starts, ends = word_token_spans(points)
                rows = np.searchsorted(text_starts, starts, side="right") - 1
                sequence, rows = word_sequence_of_ids(self._hashed_words.ids(points, starts, ends), rows, len(texts), high)
            else:
                sequence, rows = word_sequence(
                    [text.lower() for text in texts] if self.lowercase else texts, self._tokens_or_break, ids, high
                )
            return trie, sequence, rows, None
        codes, trie = self._trie
        if joined is not None:
            return trie, *char_wb_sequence_of_points(*joined, codes, *self.ngram_range)
        return trie, *char_wb_sequence([text.lower() for text in texts] if self.lowercase else texts, codes, *self.ngram_range)

    @functools.cached_property
    def _trie(self) -> tuple:
        """The vocabulary as a trie over word ids or character codes, built on first use."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)  # by column (not kept: explanations only need it)
        return word_trie(terms) if self.analyzer == "word" else char_trie(terms, self.ngram_range[0])

    @functools.cached_property
    def _hashed_words(self) -> WordTable | None:
        """The words of the word vocabulary, hashed (a word's id, 1, 2, ..., is the trie's); None for
        another token pattern than stance's or words whose hashes coincide (then regexes find tokens)."""
        if self.token_pattern != WORD_TOKEN_PATTERN:
            return None
        table = WordTable([word for word in self._trie[0] if word != BREAK])
        return table if table.usable else None

    @functools.cached_property
    def _tokens_or_break(self) -> re.Pattern:
        # stance's token pattern finds the same tokens as this one, which needs no word-boundary tests (quicker).
        pattern = _WORD_TOKENS if self.token_pattern == WORD_TOKEN_PATTERN else self.token_pattern
        return re.compile(f"{pattern}|{BREAK}")

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
    prepare: dict = field(default_factory=dict)  # keyword arguments of stance.preprocess.prepare_texts

    def prepared(self, texts: list[str], cache: dict) -> list[str]:
        """``texts`` as this target's features read them; targets with equal settings share ``cache``."""
        return _prepared(self.prepare, texts, cache)

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
        (text,) = self.prepared([text], {})
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
        return _probabilities_in_chunks({"": self}, texts)[0][""]

    def coef_by_feature_set(self) -> list[np.ndarray]:
        """Each feature set's block of coefficients (a view: one row per class, one column per feature)."""
        ends = [*self.offsets[1:], self.coef.shape[1]]
        return [self.coef[:, start:end] for start, end in zip(self.offsets, ends, strict=True)]


def _prepared(prepare: dict, texts: list[str], cache: dict) -> list[str]:
    """``texts`` prepared with ``prepare`` (the keyword arguments of :func:`prepare_texts`); the
    texts without boilerplate are kept in ``cache`` too, for every setting and the known-word share."""
    key = ("prepared", json.dumps(prepare, sort_keys=True))
    if key not in cache:
        if not prepare:
            cache[key] = texts
        elif prepare.get("boilerplate", True) and prepare.get("negation", True):
            cache[key] = _negation_marked(_without_boilerplate(texts, cache), cache)
        elif prepare.get("boilerplate", True):
            cache[key] = _without_boilerplate(texts, cache)
        else:
            cache[key] = prepare_texts(texts, **prepare)
    return cache[key]


def _without_boilerplate(texts: list[str], cache: dict) -> list[str]:
    if "stripped" not in cache:
        cache["stripped"] = prepare_texts(texts, negation=False, boilerplate=True)
    return cache["stripped"]


@dataclass
class _Words:
    """The words of texts (:data:`KNOWN_WORD_PATTERN`), each lowercased, and the text each belongs to.

    Found with NumPy (:mod:`stance.tokens`: ``points`` and each word's ``starts`` and ``ends``)
    unless lowercasing a word alone could differ from lowercasing it in its text (a capital
    sigma, or ``İ``, which lowercases to two characters): then with a regular expression
    (``lowered``, the words as strings)."""

    rows: np.ndarray  # the text of each word
    count: int  # texts
    lowered: list[str] | None = None
    points: np.ndarray | None = None  # the lowercased texts joined by newlines
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None
    hashes: np.ndarray | None = None  # of the words, for every table they are looked up in

    @classmethod
    def of(cls, texts: list[str], cache: dict) -> _Words:
        """The words of ``texts`` (without boilerplate: both users read them so), found once per chunk."""
        if "words" not in cache:
            joined = "\n".join(texts)
            lowered = joined.lower()
            if "\u03a3" in joined or len(lowered) != len(joined):
                words = _WORD_OR_BREAK.findall(joined_with_breaks(texts))
                lowered_words = "\n".join(words).lower().split("\n")  # words hold no newline; lowering never makes one
                breaks = np.fromiter(map(BREAK.__eq__, lowered_words), dtype=bool, count=len(lowered_words))
                rows = (np.cumsum(breaks) - breaks)[~breaks]
                cache["words"] = cls(rows, len(texts), [word for word in lowered_words if word != BREAK])
            else:
                starts, ends = letter_word_spans(points_of(joined))
                lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
                rows = np.searchsorted(np.cumsum(lengths) - lengths, starts, side="right") - 1
                cache["words"] = cls(rows, len(texts), None, points_of(lowered), starts, ends)
        return cache["words"]

    def found_in(self, words: frozenset[str] | dict, table: WordTable) -> np.ndarray:
        """Whether each word (lowercased) is one of ``words``, which ``table`` holds too."""
        if self.lowered is not None:
            return np.fromiter(map(words.__contains__, self.lowered), dtype=bool, count=len(self.lowered))
        if self.hashes is None:
            self.hashes = span_hashes(self.points, self.starts, self.ends)
        return table.ids(self.points, self.starts, self.ends, self.hashes) > 0

    def negators(self) -> np.ndarray:
        """Whether each word lowercases to a negator's form (:data:`stance.preprocess.LOWERED_NEGATORS`)."""
        found = self.found_in(LOWERED_NEGATORS, _negator_table())
        if self.lowered is not None:
            return found | np.fromiter(map(str.endswith, self.lowered, repeat(LOWERED_NEGATOR_ENDINGS)), dtype=bool, count=len(found))
        ends = self.ends[self.ends - self.starts >= 3]
        last = np.column_stack([self.points[ends - 3], self.points[ends - 2], self.points[ends - 1]]) if len(ends) else np.empty((0, 3))
        ending = np.zeros(len(found), dtype=bool)
        ending[self.ends - self.starts >= 3] = (last[:, None, :] == _NEGATOR_ENDING_POINTS[None, :, :]).all(axis=2).any(axis=1)
        return found | ending


_NEGATOR_ENDING_POINTS = np.array([[ord(c) for c in ending] for ending in LOWERED_NEGATOR_ENDINGS])


@functools.cache
def _negator_table() -> WordTable:
    return WordTable(sorted(LOWERED_NEGATORS))


def _negation_marked(stripped: list[str], cache: dict) -> list[str]:
    """:func:`stance.preprocess.mark_negations` of texts without boilerplate, searching only the
    texts with a word that lowercases to a negator's form (the words are found once per chunk,
    for the known-word share too); the others cannot hold a negator and stay as they are."""
    words = _Words.of(stripped, cache)
    marked = list(stripped)
    for index in np.unique(words.rows[words.negators()]).tolist():
        marked[index] = mark_negation_scopes(stripped[index])
    return marked


@dataclass
class _Block:
    """One feature set of texts prepared one way, with the coefficients of every target that
    reads it side by side, so a chunk is transformed and multiplied once for all of them."""

    prepare: dict
    features: FeatureSet
    coef: np.ndarray  # (classes of every target, features)
    columns: dict[str, slice]  # each target's rows of ``coef``

    @functools.cached_property
    def coef_by_feature(self) -> np.ndarray:
        """``coef`` transposed, one row per feature: what the compiled kernel gathers."""
        return np.ascontiguousarray(self.coef.T)


def _blocks(targets: dict[str, TargetArrays]) -> list[_Block]:
    parts: dict[tuple, tuple[dict, FeatureSet, dict[str, np.ndarray]]] = {}
    for name, target in targets.items():
        for features, coef in zip(target.feature_sets, target.coef_by_feature_set(), strict=True):
            key = (json.dumps(target.prepare, sort_keys=True), id(features))
            parts.setdefault(key, (target.prepare, features, {}))[2][name] = coef
    blocks = []
    for prepare, features, coefs in parts.values():
        ends = np.cumsum([c.shape[0] for c in coefs.values()])
        columns = {name: slice(end - c.shape[0], end) for (name, c), end in zip(coefs.items(), ends.tolist(), strict=True)}
        blocks.append(_Block(prepare, features, np.ascontiguousarray(np.vstack(list(coefs.values()))), columns))
    return blocks


def _probabilities_in_chunks(
    targets: dict[str, TargetArrays],
    texts: list[str],
    blocks: list[_Block] | None = None,
    known: tuple[dict[str, int], WordTable] | None = None,
    kernel: bool | None = False,
) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Probabilities of ``texts`` for each target, in chunks of :data:`CHUNK` texts (which keeps
    the working arrays small); targets sharing a vectorizer transform each chunk once. With
    ``known`` (:meth:`ArrayModel._known_lookup` and its table), also each text's known-word share.
    ``kernel``: whether to use the compiled kernel when it can be had (:func:`compiled_kernel`);
    None: for calls of at least :data:`KERNEL_MIN_TEXTS` texts."""
    blocks = blocks if blocks is not None else _blocks(targets)
    use_kernel = (kernel or (kernel is None and len(texts) >= KERNEL_MIN_TEXTS)) and compiled_kernel() is not None
    decisions: dict[str, list[np.ndarray]] = {name: [] for name in targets}
    shares = []
    size = KERNEL_CHUNK if use_kernel else CHUNK
    for start in range(0, len(texts), size):
        chunk = texts[start : start + size]
        cache: dict = {}
        totals = {name: np.tile(target.intercept, (len(chunk), 1)) for name, target in targets.items()}
        for block in blocks:
            prepared = _prepared(block.prepare, chunk, cache)
            points = cache.setdefault(("points", json.dumps(block.prepare, sort_keys=True)), {})
            if use_kernel:
                sums = block.features.compiled_sums(prepared, points, block.coef_by_feature)
                for name, part in block.columns.items():
                    totals[name] += sums[:, part]
                continue
            rows, columns, values = block.features.transform(prepared, points)
            if len(rows):
                starts = np.flatnonzero(np.diff(rows, prepend=-1))
                sums = _row_sums(block.coef, columns, values, starts)
                for name, part in block.columns.items():
                    totals[name][rows[starts]] += sums[part].T
        for name, total in totals.items():
            decisions[name].append(total)
        if known is not None:
            shares.append(_known_word_share(_Words.of(_without_boilerplate(chunk, cache), cache), *known))
    probabilities = {
        name: _probabilities(np.concatenate(parts) if parts else np.empty((0, targets[name].coef.shape[0])))
        for name, parts in decisions.items()
    }
    return probabilities, (np.concatenate(shares) if shares else np.zeros(0)) if known is not None else None


@functools.cache
def compiled_kernel():
    """:mod:`stance.compiled`, or None: without numba, with ``STANCE_KERNEL=numpy``, or when numba
    cannot start (then a warning says so once, and NumPy does the work, with the same results)."""
    if os.environ.get(KERNEL_SETTING, "").strip().lower() == "numpy" or importlib.util.find_spec("numba") is None:
        return None
    try:
        compiled = importlib.import_module("stance.compiled")
    except Exception as exc:  # numba installed but unusable (for example no writable cache folder)
        warnings.warn(f"the compiled kernel is off ({exc}); set {KERNEL_SETTING}=numpy to silence this.", RuntimeWarning, stacklevel=2)
        return None
    return compiled


def _row_sums(coef: np.ndarray, columns: np.ndarray, values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each text (its triples from ``starts`` to the next start), the sum of value x coefficient
    of each class: in pieces of whole texts of about :data:`PIECE` triples, which keeps the
    gathered coefficients small (memory) and in cache (time)."""
    sums = np.empty((coef.shape[0], len(starts)))
    cuts = np.unique(np.append(np.searchsorted(starts, np.arange(0, len(columns), PIECE)), len(starts)))
    for first, last in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        low, high = starts[first], starts[last] if last < len(starts) else len(columns)
        weighted = coef.take(columns[low:high], axis=1)  # one contiguous row per class: summed segment by segment
        weighted *= values[low:high]
        sums[:, first:last] = np.add.reduceat(weighted, starts[first:last] - low, axis=1)
    return sums


def _known_word_share(words: _Words, known: dict[str, int], table: WordTable) -> np.ndarray:
    """The share of each text's words that are ``known`` (which ``table`` holds too), for all texts at once."""
    count = words.count
    counts = np.bincount(words.rows, minlength=count).astype(np.float64)
    hits = np.bincount(words.rows[words.found_in(known, table)], minlength=count)
    return np.divide(hits, counts, out=np.zeros(count), where=counts > 0)


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
        self.kernel: bool | None = None  # use the compiled kernel: always (True), never (False), for large calls (None)

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
        return _probabilities_in_chunks(self.targets_arrays, texts, self._blocks, kernel=self.kernel)[0]

    def predict_with_known_share(self, texts: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """:meth:`predict_all` and :meth:`known_word_share` in one pass (boilerplate is cut once)."""
        return _probabilities_in_chunks(self.targets_arrays, texts, self._blocks, (self._known_lookup, self._known_table), self.kernel)

    def known_word_share(self, texts: list[str]) -> np.ndarray:
        """The share of each text's words that the model has a word feature for (0 for no word).

        English statements score near 1; text in another language or no language scores
        near 0, so a label for it would be a guess."""
        shares = [
            _known_word_share(_Words.of(prepare_texts(texts[i : i + CHUNK], negation=False), {}), self._known_lookup, self._known_table)
            for i in range(0, len(texts), CHUNK)
        ]
        return np.concatenate(shares) if shares else np.zeros(0)

    @functools.cached_property
    def _blocks(self) -> list[_Block]:
        return _blocks(self.targets_arrays)

    @functools.cached_property
    def _known_table(self) -> WordTable:
        """:meth:`_known_lookup`'s words, hashed (a word is known where the table finds it)."""
        return WordTable(list(self._known_lookup))

    @functools.cached_property
    def _known_lookup(self) -> dict[str, int]:
        """1 for each single-word term of every word vocabulary, with negation marks taken off."""
        known = dict.fromkeys(
            (
                term.removeprefix(NEGATION_PREFIX)
                for target in self.targets_arrays.values()
                for features in target.feature_sets
                if features.analyzer == "word"
                for term in features.vocabulary
                if " " not in term
            ),
            1,
        )
        return known

    @classmethod
    def from_pipelines(cls, pipelines: dict) -> ArrayModel:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            export_arrays(pipelines, Path(folder))
            return cls.load(folder)

    @classmethod
    def load(cls, folder: str | Path) -> ArrayModel:
        """Read and check the arrays files: every setting must be one ``stance train``
        writes and every array must have the shape and finite values the settings
        imply, so a hostile file can neither run a pathological regular expression nor
        give silently wrong predictions (a ValueError names what is wrong)."""
        folder = Path(folder)
        spec = _read_spec(folder / ARRAYS_JSON)
        try:
            with np.load(folder / ARRAYS_NPZ, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise ValueError(f"{folder / ARRAYS_NPZ}: not a readable NumPy archive ({exc}).") from exc
        where = f"{folder.name}/{ARRAYS_JSON}"
        feature_sets = [_feature_set(f, arrays, k, where) for k, f in enumerate(_listed(spec, "feature_sets", where))]
        targets = spec.get("targets")
        if not isinstance(targets, dict) or not targets:
            raise ValueError(f"{where}: 'targets' must name at least one target.")
        return cls({name: _target_arrays(name, t, feature_sets, arrays, where) for name, t in targets.items()})


def _read_spec(path: Path) -> dict:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(f"{path}: not valid JSON ({type(exc).__name__}).") from exc
    if not isinstance(spec, dict) or spec.get("format") not in READABLE_FORMATS:
        found = spec.get("format") if isinstance(spec, dict) else None
        raise ValueError(f"{path}: unknown format {found!r}; expected {FORMAT}.")
    return spec


def _listed(spec: dict, key: str, where: str) -> list:
    value = spec.get(key)
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: {key!r} must be a non-empty list.")
    return value


def _array(arrays: dict, name: str, where: str, ndim: int, length: int | None = None) -> np.ndarray:
    """A finite float array of ``ndim`` dimensions (and ``length`` rows, if given)."""
    if name not in arrays:
        raise ValueError(f"{where}: the .npz file has no array {name!r}.")
    array = arrays[name]
    if array.ndim != ndim or not np.issubdtype(array.dtype, np.floating) or (length is not None and array.shape[0] != length):
        expected = f"{ndim}-D floats" + (f" of length {length}" if length is not None else "")
        raise ValueError(f"{where}: array {name!r} is {array.ndim}-D {array.dtype} of shape {array.shape}; expected {expected}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{where}: array {name!r} holds NaN or infinite values.")
    return array.astype(np.float64, copy=False)


def _feature_set(f: object, arrays: dict, k: int, where: str) -> FeatureSet:
    """Feature set ``k``, refusing any analyzer setting ``stance train`` does not write."""
    where = check_feature_settings(f, k, where)
    if f["analyzer"] == "word" and f.get("token_pattern") != WORD_TOKEN_PATTERN:
        raise ValueError(f"{where}: token_pattern {f.get('token_pattern')!r} is not the one stance trains with ({WORD_TOKEN_PATTERN!r}).")
    vocabulary = f.get("vocabulary")
    if not isinstance(vocabulary, list) or not all(isinstance(term, str) and term for term in vocabulary):
        raise ValueError(f"{where}: the vocabulary must be a list of non-empty strings.")
    columns = {term: i for i, term in enumerate(vocabulary)}
    if len(columns) != len(vocabulary):
        raise ValueError(f"{where}: the vocabulary lists a term twice.")
    idf = _array(arrays, f"idf_{k}", where, ndim=1, length=len(vocabulary))
    token_pattern = WORD_TOKEN_PATTERN if f["analyzer"] == "word" else ""  # char_wb n-grams use no pattern
    return FeatureSet(f["analyzer"], tuple(f["ngram_range"]), f["lowercase"], token_pattern, f["sublinear_tf"], f["norm"], columns, idf)


def _target_arrays(name: object, t: object, feature_sets: list[FeatureSet], arrays: dict, where: str) -> TargetArrays:
    """Target ``name``, its coefficients checked against its labels and vocabulary sizes."""
    where, labels, indices, prepare = check_target_header(name, t, len(feature_sets), where)
    sets = [feature_sets[k] for k in indices]
    width = sum(len(s.vocabulary) for s in sets)
    rows = 1 if len(labels) == 2 else len(labels)
    coef = _array(arrays, f"coef_{name}", where, ndim=2, length=rows)
    if coef.shape[1] != width:
        raise ValueError(f"{where}: the coefficients have {coef.shape[1]} columns but the vocabularies {width} terms.")
    intercept = _array(arrays, f"intercept_{name}", where, ndim=1, length=rows)
    offsets = [int(n) for n in np.cumsum([0] + [len(s.vocabulary) for s in sets[:-1]])]
    return TargetArrays(labels, sets, offsets, coef, intercept, prepare)


def export_arrays(pipelines: dict, folder: Path) -> None:
    """Write every target's fitted pipeline as ``model_arrays.json`` + ``model_arrays.npz``."""
    feature_specs: list[dict] = []
    arrays: dict[str, np.ndarray] = {}
    targets = {}
    for name, pipeline in pipelines.items():
        features, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
        # Models saved before the preparation step have the union as their feature step.
        union = features.named_steps["union"] if hasattr(features, "named_steps") else features
        prepare = dict(features.named_steps["prepare"].kw_args or {}) if hasattr(features, "named_steps") else {}
        indices = []
        for _, vectorizer in union.transformer_list:
            spec, idf = _vectorizer_spec(vectorizer)
            index = next((k for k, s in enumerate(feature_specs) if s == spec and np.array_equal(arrays[f"idf_{k}"], idf)), None)
            if index is None:
                index = len(feature_specs)
                feature_specs.append(spec)
                arrays[f"idf_{index}"] = idf
            indices.append(index)
        targets[name] = {"labels": [str(c) for c in classifier.classes_], "feature_sets": indices, "prepare": prepare}
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
