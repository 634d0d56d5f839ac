"""Classify a few statements without NumPy: the model as one binary lookup file.

``stance predict "one sentence"`` used to spend nearly all its time importing NumPy
and parsing the vocabularies of ``model_arrays.json``, not classifying. The lookup
file ``model_lookup.bin``, written beside the arrays files whenever a model is saved
or exported (:func:`write_lookup`), holds the same model in a form that is read with
one file read and a checksum: per feature set a hash table of its terms and their
idf weights, per target the coefficients of each term (float64, as trained) and the
intercepts. Only a small JSON header is parsed; nothing in the file can run code.

:class:`QuickModel` computes the TF-IDF and logistic-regression probabilities of
:class:`stance.arrays.ArrayModel` in plain Python floats (equal to scikit-learn
within 1e-9, tested), so a handful of statements takes milliseconds. Many statements
go through the arrays model, which is faster per statement once NumPy is loaded.

The file is tied to the model card: it records the SHA-256 and size of the arrays
files it was made from, and is used only while the card records the same SHA-256
values and the arrays files have those sizes; otherwise (an older model folder, a
retrained one) :func:`load_quick_model` returns None and the arrays are used.

Layout (little-endian): the preamble ``STANCELK``, the header length and the CRC-32
of everything after the preamble (``<8sII``); the JSON header (:data:`FORMAT`,
feature sets, targets, the arrays files' SHA-256 and sizes), padded to 8 bytes; then
for each feature set: the term offsets (uint32, terms + 1), the idf (float64), the
hash table (uint32 slots: a term's column, or :data:`EMPTY`; slot = CRC-32 of the
term's UTF-8 bytes, then linear probing) and the terms' UTF-8 bytes in column order;
then for each target: its coefficients column by column (float64, columns x rows:
the rows of a column side by side) and its intercepts (float64). Every part starts on
an 8-byte boundary. The sizes follow from the header, and the file must have exactly
that size.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
import sys
import zlib
from array import array

from stance.boilerplate import strip_boilerplate
from stance.predict import MIN_KNOWN_WORD_SHARE, UNCERTAIN
from stance.preprocess import NEGATION_PREFIX, prepare_texts

LOOKUP_FILE = "model_lookup.bin"
FORMAT = "stance-lookup/1"
MAGIC = b"STANCELK"
PREAMBLE = struct.Struct("<8sII")  # magic, header length, CRC-32 of the rest of the file
EMPTY = 0xFFFFFFFF  # a free hash table slot
MAX_FILE_BYTES = 1 << 30
MAX_HEADER_BYTES = 1 << 20
MAX_NGRAM = 10  # the longest n-gram a model file may ask for
QUICK_MAX_TEXTS = 50  # more statements than this go through the arrays model
# The same files, patterns and folder as stance.arrays / stance.model (which import NumPy);
# tests/test_quick.py checks that they agree.
ARRAYS_FILES = ("model_arrays.json", "model_arrays.npz")
CARD_FILE = "model_card.json"
DEFAULT_MODEL_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", "default")
WORD_TOKEN_PATTERN = r"(?u)\b\w[\w'’-]*\b"
_WORD = re.compile(r"[^\W\d_][\w'’-]*")  # words, not numbers (known_word_share)
_TARGET_NAME = re.compile(r"[^\W\d][\w-]{0,63}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_LITTLE_ENDIAN = sys.byteorder == "little"


class Terms:
    """A read-only term -> column table: the terms' UTF-8 bytes in column order, their
    offsets, and an open-addressing hash table (slot = CRC-32 of the bytes, linear probing)."""

    def __init__(self, offsets, blob: bytes, slots, where: str):
        self.offsets, self.blob, self.slots, self.where = offsets, blob, slots, where
        self.count = len(offsets) - 1
        self.mask = len(slots) - 1

    def column(self, term: str) -> int:
        """The column of ``term``, or -1 when it is not a term of the table."""
        key = term.encode("utf-8", "surrogatepass")
        offsets, blob, slots, mask = self.offsets, self.blob, self.slots, self.mask
        slot = zlib.crc32(key) & mask
        for _ in range(mask + 1):
            column = slots[slot]
            if column == EMPTY:
                return -1
            if column >= self.count:
                raise ValueError(f"{self.where}: a hash table slot names column {column} of {self.count}; the file is damaged.")
            if blob[offsets[column] : offsets[column + 1]] == key:
                return column
            slot = (slot + 1) & mask
        return -1


class FeatureSet:
    """One TF-IDF vectorizer (word or ``char_wb`` n-grams) over a :class:`Terms` table."""

    def __init__(self, settings: dict, terms: Terms, idf):
        self.analyzer = settings["analyzer"]
        self.low, self.high = settings["ngram_range"]
        self.lowercase, self.sublinear_tf, self.norm = settings["lowercase"], settings["sublinear_tf"], settings["norm"]
        self.terms, self.idf = terms, idf
        self._token_re = re.compile(WORD_TOKEN_PATTERN) if self.analyzer == "word" else None

    def tfidf(self, text: str) -> list[tuple[int, float]]:
        """(column, value) of each known n-gram of ``text``, by column, L2-normalised like scikit-learn."""
        text = text.lower() if self.lowercase else text
        counts: dict[int, int] = {}
        column_of = self.terms.column
        for gram in self.word_ngrams(text) if self.analyzer == "word" else self.char_ngrams(text):
            column = column_of(gram)
            if column >= 0:
                counts[column] = counts.get(column, 0) + 1
        idf = self.idf
        values = [(c, ((math.log(n) + 1.0) if self.sublinear_tf else float(n)) * idf[c]) for c, n in sorted(counts.items())]
        if self.norm == "l2" and values:
            norm = math.sqrt(sum(v * v for _, v in values))
            values = [(c, v / norm) for c, v in values]
        return values

    def word_ngrams(self, text: str) -> list[str]:
        """scikit-learn's word analyzer: tokens by the token pattern, n-grams joined by a space."""
        tokens = self._token_re.findall(text)
        grams = []
        for n in range(self.low, min(self.high, len(tokens)) + 1):
            grams += tokens if n == 1 else [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return grams

    def char_ngrams(self, text: str) -> list[str]:
        """scikit-learn's ``char_wb`` n-grams: each word padded with a space each side; a word
        no longer than n gives itself (padded) once, and no longer n-grams."""
        grams = []
        for word in text.split():
            word = f" {word} "
            for n in range(self.low, self.high + 1):
                if len(word) <= n:
                    grams.append(word)
                    break
                grams += [word[i : i + n] for i in range(len(word) - n + 1)]
        return grams


class Target:
    """One target's labels, feature sets and coefficients (column by column)."""

    def __init__(self, name: str, labels: list[str], feature_sets: list[FeatureSet], coef, intercept, prepare: dict, where: str):
        self.name, self.labels, self.feature_sets, self.prepare = name, labels, feature_sets, prepare
        self.coef, self.intercept, self.where = coef, list(intercept), where
        self.rows = len(self.intercept)
        self.starts = []  # first column of each feature set in the stacked coefficients
        start = 0
        for features in feature_sets:
            self.starts.append(start)
            start += features.terms.count

    def probabilities(self, text: str, cache: dict) -> list[float]:
        """Label probabilities of ``text``. ``cache`` keeps prepared texts and TF-IDF
        values, so targets with the same preparation and feature sets compute them once."""
        key = ("prepared", tuple(sorted(self.prepare.items())), text)
        if key not in cache:
            cache[key] = prepare_texts([text], **self.prepare)[0] if self.prepare else text
        prepared = cache[key]
        rows, coef = self.rows, self.coef
        total = list(self.intercept)
        for features, start in zip(self.feature_sets, self.starts, strict=True):
            tfidf_key = (id(features), prepared)
            if tfidf_key not in cache:
                cache[tfidf_key] = features.tfidf(prepared)
            part = [0.0] * rows
            for column, value in cache[tfidf_key]:
                base = (start + column) * rows
                for k in range(rows):
                    part[k] += value * coef[base + k]
            total = [t + p for t, p in zip(total, part, strict=True)]
        if not all(math.isfinite(t) for t in total):
            raise ValueError(f"{self.where}: target {self.name} has NaN or infinite coefficients; the file is damaged.")
        return _probabilities(total)


def _probabilities(decision: list[float]) -> list[float]:
    """Logistic regression's predict_proba: sigmoid for two classes, softmax for more."""
    if len(decision) == 1:
        try:
            positive = 1.0 / (1.0 + math.exp(-decision[0]))
        except OverflowError:  # exp(-d) beyond the float range: NumPy gives inf, so 0
            positive = 0.0
        return [1.0 - positive, positive]
    top = max(decision)
    exp = [math.exp(d - top) for d in decision]
    total = sum(exp)
    return [e / total for e in exp]


class QuickModel:
    """A model read from ``model_lookup.bin``: predicts a few texts like :class:`stance.arrays.ArrayModel`."""

    def __init__(self, targets: dict[str, Target], header: dict):
        self.targets_lookup = targets
        self.header = header
        self.card: dict = {}
        self._word_terms = list({id(f): f.terms for t in targets.values() for f in t.feature_sets if f.analyzer == "word"}.values())

    @property
    def targets(self) -> list[str]:
        return list(self.targets_lookup)

    def labels(self, target: str) -> list[str]:
        return self.targets_lookup[target].labels

    def predict_all(self, texts: list[str]) -> dict[str, list[list[float]]]:
        """Probabilities of each text for every target (lists of label probabilities)."""
        cache: dict = {}
        return {name: [target.probabilities(text, cache) for text in texts] for name, target in self.targets_lookup.items()}

    def known_word_share(self, text: str) -> float:
        """As :meth:`stance.arrays.ArrayModel.known_word_share`: the share of the text's words
        that are a single-word term of a word vocabulary, with or without the negation mark."""
        words = [w.lower() for w in _WORD.findall(strip_boilerplate(text))]
        if not words:
            return 0.0
        return sum(self._known(word) for word in words) / len(words)

    def _known(self, word: str) -> bool:
        # The known words are the single-word terms with one "neg_" taken off: "x" is known
        # through the term "neg_x", or through "x" itself unless that starts with "neg_".
        marked = NEGATION_PREFIX + word
        plain = not word.startswith(NEGATION_PREFIX)
        return any(terms.column(marked) >= 0 or (plain and terms.column(word) >= 0) for terms in self._word_terms)

    @classmethod
    def load(cls, path: str) -> QuickModel:
        """Read and check a lookup file; a ValueError names the file and what is wrong."""
        try:
            size = os.path.getsize(path)
            if size > MAX_FILE_BYTES:
                raise ValueError(f"{path}: {size:,} bytes is too large for a lookup file; remove it (it is only a speed-up).")
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise ValueError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
        return cls.from_bytes(data, path)

    @classmethod
    def from_bytes(cls, data: bytes, where: str) -> QuickModel:
        header, body = _checked_header(data, where)
        layout = _Layout(body, where)
        feature_sets = [_feature_set(f, k, layout, where) for k, f in enumerate(header["feature_sets"])]
        targets = {name: _target(name, t, feature_sets, layout, where) for name, t in header["targets"].items()}
        layout.expect_end()
        return cls(targets, header)


def _checked_header(data: bytes, where: str) -> tuple[dict, memoryview]:
    """The JSON header (checked) and the body after it (8-byte aligned), after checking
    the preamble, the header's size and the CRC-32 of the file."""
    if len(data) < PREAMBLE.size:
        raise ValueError(f"{where}: {len(data)} bytes is too short for a lookup file; the file is damaged.")
    magic, header_length, crc = PREAMBLE.unpack_from(data)
    if magic != MAGIC:
        raise ValueError(f"{where}: not a stance lookup file (it does not start with {MAGIC.decode()}).")
    if header_length > MAX_HEADER_BYTES or PREAMBLE.size + header_length > len(data):
        raise ValueError(f"{where}: the header length {header_length:,} does not fit the file of {len(data):,} bytes; the file is damaged.")
    if zlib.crc32(memoryview(data)[PREAMBLE.size :]) != crc:
        raise ValueError(
            f"{where}: the checksum does not match, so the file is damaged or truncated; delete it (it only speeds up predicting a few "
            "statements) or write the model folder again with `stance export`."
        )
    try:
        header = json.loads(data[PREAMBLE.size : PREAMBLE.size + header_length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValueError(f"{where}: the header is not valid JSON ({type(exc).__name__}).") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise ValueError(f"{where}: unknown format {found!r}; expected {FORMAT}.")
    if not isinstance(header.get("feature_sets"), list) or not header["feature_sets"]:
        raise ValueError(f"{where}: 'feature_sets' must be a non-empty list.")
    if not isinstance(header.get("targets"), dict) or not header["targets"]:
        raise ValueError(f"{where}: 'targets' must name at least one target.")
    start = _aligned(PREAMBLE.size + header_length)
    return header, memoryview(data)[start:]


def _aligned(offset: int) -> int:
    return (offset + 7) // 8 * 8


class _Layout:
    """The body's parts, taken one after the other, each on an 8-byte boundary."""

    def __init__(self, body: memoryview, where: str):
        self.body, self.where, self.offset = body, where, 0

    def take(self, nbytes: int, what: str) -> memoryview:
        end = self.offset + nbytes
        if end > len(self.body):
            raise ValueError(f"{self.where}: the file ends inside {what}; it is damaged or truncated.")
        part = self.body[self.offset : end]
        self.offset = _aligned(end)
        return part

    def numbers(self, typecode: str, count: int, what: str):
        """``count`` little-endian numbers: a zero-copy view, or a byte-swapped copy on a big-endian machine."""
        size = array(typecode).itemsize
        part = self.take(size * count, what)
        if _LITTLE_ENDIAN:
            return part.cast(typecode)
        numbers = array(typecode, part.tobytes())
        numbers.byteswap()
        return numbers

    def expect_end(self) -> None:
        if _aligned(len(self.body)) != self.offset:
            raise ValueError(f"{self.where}: {len(self.body) - self.offset:,} bytes more than the header describes; the file is damaged.")


def _count(value: object, what: str, where: str, low: int = 0) -> int:
    if type(value) is not int or not low <= value < EMPTY:
        raise ValueError(f"{where}: {what} must be a whole number from {low} (got {value!r}).")
    return value


def check_feature_settings(f: object, k: int, where: str) -> str:
    """Feature set ``k``'s analyzer settings, as the arrays JSON and the lookup file's header both
    give them, checked against what ``stance train`` writes; returns ``where`` naming the feature
    set. Shared with :mod:`stance.arrays` (this module has no NumPy)."""
    where = f"{where}: feature set {k}"
    if not isinstance(f, dict) or f.get("analyzer") not in ("word", "char_wb"):
        raise ValueError(f"{where}: the analyzer must be 'word' or 'char_wb'.")
    ngrams = f.get("ngram_range")
    if not (
        isinstance(ngrams, list) and len(ngrams) == 2 and all(type(n) is int for n in ngrams) and 1 <= ngrams[0] <= ngrams[1] <= MAX_NGRAM
    ):
        raise ValueError(f"{where}: ngram_range {ngrams!r} must be two whole numbers 1 <= low <= high <= {MAX_NGRAM}.")
    if not all(isinstance(f.get(key), bool) for key in ("lowercase", "sublinear_tf")) or f.get("norm") not in ("l2", None):
        raise ValueError(f"{where}: lowercase and sublinear_tf must be true/false and norm 'l2' or null.")
    return where


def _feature_set(f: object, k: int, layout: _Layout, where: str) -> FeatureSet:
    """Feature set ``k``, refusing any setting ``stance train`` does not write."""
    where = check_feature_settings(f, k, where)
    count = _count(f.get("terms"), "'terms'", where, low=1)
    term_bytes = _count(f.get("term_bytes"), "'term_bytes'", where)
    slots = _count(f.get("slots"), "'slots'", where, low=1)
    if slots & (slots - 1) or slots <= count:
        raise ValueError(f"{where}: 'slots' ({slots}) must be a power of two above the number of terms ({count}).")
    offsets = layout.numbers("I", count + 1, f"feature set {k}'s term offsets")
    if offsets[0] != 0 or offsets[count] != term_bytes:
        raise ValueError(f"{where}: the term offsets do not span the {term_bytes:,} bytes of terms; the file is damaged.")
    idf = layout.numbers("d", count, f"feature set {k}'s idf")
    table = layout.numbers("I", slots, f"feature set {k}'s hash table")
    blob = layout.take(term_bytes, f"feature set {k}'s terms").tobytes()
    return FeatureSet(f, Terms(offsets, blob, table, where), idf)


def check_target_header(name: object, t: object, feature_set_count: int, where: str) -> tuple[str, list, list, dict]:
    """A target's name, labels, feature-set indices and text preparation, as the arrays JSON
    and the lookup file's header both give them, checked: ``(where, labels, indices, prepare)``,
    ``where`` now naming the target. Shared with :mod:`stance.arrays` (this module has no NumPy)."""
    if not isinstance(name, str) or not _TARGET_NAME.fullmatch(name):
        raise ValueError(f"{where}: target name {name!r} must be a word (letters, digits, _ or -).")
    where = f"{where}: target {name}"
    labels, indices = (t.get("labels"), t.get("feature_sets")) if isinstance(t, dict) else (None, None)
    if not isinstance(labels, list) or len(labels) < 2 or len(set(labels)) != len(labels):
        raise ValueError(f"{where}: 'labels' must list at least two different labels.")
    if not all(isinstance(label, str) and label and not _CONTROL.search(label) for label in labels):
        raise ValueError(f"{where}: every label must be a non-empty string without control characters.")
    if not isinstance(indices, list) or not indices or not all(type(k) is int and 0 <= k < feature_set_count for k in indices):
        raise ValueError(f"{where}: 'feature_sets' must list feature sets 0 to {feature_set_count - 1}.")
    prepare = t.get("prepare", {})
    if (
        not isinstance(prepare, dict)
        or set(prepare) - {"negation", "boilerplate"}
        or not all(isinstance(v, bool) for v in prepare.values())
    ):
        raise ValueError(f"{where}: unknown text preparation settings {prepare!r}; expected true/false for 'negation' and 'boilerplate'.")
    return where, labels, indices, prepare


def _target(name: object, t: object, feature_sets: list[FeatureSet], layout: _Layout, where: str) -> Target:
    """Target ``name``: labels, feature sets, text preparation and its coefficients."""
    where, labels, indices, prepare = check_target_header(name, t, len(feature_sets), where)
    sets = [feature_sets[k] for k in indices]
    rows = 1 if len(labels) == 2 else len(labels)
    width = sum(s.terms.count for s in sets)
    coef = layout.numbers("d", width * rows, f"target {name}'s coefficients")
    intercept = layout.numbers("d", rows, f"target {name}'s intercepts")
    return Target(name, labels, sets, coef, intercept, prepare, where)


def load_quick_model(folder: str | os.PathLike) -> QuickModel | None:
    """The lookup model of a model folder, or None when it has none that matches its card.

    None when the folder has no lookup file, no readable card, or arrays files other than
    the ones the lookup file was made from (their SHA-256 in the card, their sizes on disk):
    the arrays model (:func:`stance.model.load_predictor`) is then the one to use, and it
    gives the errors a user should see. A damaged lookup file raises a ValueError.
    """
    folder = os.fspath(folder)
    path = os.path.join(folder, LOOKUP_FILE)
    if not os.path.isfile(path):
        return None
    try:
        with open(os.path.join(folder, CARD_FILE), encoding="utf-8") as handle:
            card = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    recorded = card.get("arrays_sha256") if isinstance(card, dict) else None
    model = QuickModel.load(path)
    made_from = model.header.get("arrays")
    if not isinstance(recorded, dict) or not isinstance(made_from, dict):
        return None
    for name in ARRAYS_FILES:
        source = made_from.get(name)
        if (
            not isinstance(source, dict)
            or recorded.get(name) != source.get("sha256")
            or _size(os.path.join(folder, name)) != source.get("size")
        ):
            return None
    model.card = card
    return model


def _size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def quick_rows(
    model: QuickModel, texts: list[str], min_confidence: float = 0.0, min_known_share: float = MIN_KNOWN_WORD_SHARE
) -> list[dict]:
    """:func:`stance.predict.predict_rows` (without explanations) from a :class:`QuickModel`:
    the same dicts, keys in the same order, probabilities within 1e-9."""
    texts = [str(t) for t in texts]
    usable = [i for i, t in enumerate(texts) if t.strip()]
    rows: list[dict] = [{} for _ in texts]
    probabilities = model.predict_all([texts[i] for i in usable]) if usable else {}
    in_scope = [model.known_word_share(texts[i]) >= min_known_share if min_known_share > 0 else True for i in usable]
    for target in model.targets:
        labels = model.labels(target)
        columns = [f"{target}_p_{label}" for label in labels]
        for row in rows:
            row[target] = ""
            row[f"{target}_p"] = None
            row.update(dict.fromkeys(columns))
        for i, p, scope in zip(usable, probabilities.get(target, []), in_scope, strict=True):
            best = max(range(len(p)), key=p.__getitem__)  # the first of equal maxima, as argmax gives
            rows[i][target] = labels[best] if p[best] >= min_confidence and scope else UNCERTAIN
            rows[i][f"{target}_p"] = p[best]
            rows[i].update(zip(columns, p, strict=True))
    return rows


def write_lookup(folder: str | os.PathLike) -> str:
    """Write ``model_lookup.bin`` for the arrays files of ``folder`` (read and checked by
    :meth:`stance.arrays.ArrayModel.load`), atomically; returns its path."""
    from stance.arrays import ArrayModel
    from stance.files import atomic_path
    from stance.model import file_sha256

    folder = os.fspath(folder)
    model = ArrayModel.load(folder)
    arrays = {
        name: {"sha256": file_sha256(os.path.join(folder, name)), "size": os.path.getsize(os.path.join(folder, name))}
        for name in ARRAYS_FILES
    }
    data = lookup_bytes(model, arrays)
    path = os.path.join(folder, LOOKUP_FILE)
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
    return path


def lookup_bytes(model, arrays: dict) -> bytes:
    """The lookup file of an :class:`stance.arrays.ArrayModel` made from the arrays files ``arrays`` describes."""
    sets = list({id(f): f for target in model.targets_arrays.values() for f in target.feature_sets}.values())
    parts: list[bytes] = []
    feature_specs = []
    for features in sets:
        terms = [term.encode("utf-8", "surrogatepass") for term in features.terms_by_column()]
        blob = b"".join(terms)
        offsets = array("I", [0])
        for term in terms:
            offsets.append(offsets[-1] + len(term))
        slots = _hash_table(terms)
        parts += [_little(offsets), features.idf.astype("<f8").tobytes(), _little(slots), blob]
        low, high = features.ngram_range
        feature_specs.append(
            {
                "analyzer": features.analyzer,
                "ngram_range": [int(low), int(high)],
                "lowercase": bool(features.lowercase),
                "sublinear_tf": bool(features.sublinear_tf),
                "norm": features.norm,
                "terms": len(terms),
                "term_bytes": len(blob),
                "slots": len(slots),
            }
        )
    targets = {}
    for name, target in model.targets_arrays.items():
        targets[name] = {
            "labels": list(target.labels),
            "feature_sets": [sets.index(f) for f in target.feature_sets],
            "prepare": dict(target.prepare),
        }
        parts += [target.coef.T.astype("<f8").tobytes(), target.intercept.astype("<f8").tobytes()]  # column by column
    spec = {"format": FORMAT, "arrays": arrays, "feature_sets": feature_specs, "targets": targets}
    header = json.dumps(spec, ensure_ascii=False).encode("utf-8")
    rest = _padded(header) + b"".join(_padded(part) for part in parts)
    return PREAMBLE.pack(MAGIC, len(header), zlib.crc32(rest)) + rest


def _hash_table(terms: list[bytes]) -> array:
    """Open addressing with linear probing; at least a third of the slots stay free."""
    size = 8
    while size < len(terms) * 3 // 2 + 1:
        size *= 2
    slots = array("I", [EMPTY]) * size
    for column, term in enumerate(terms):
        slot = zlib.crc32(term) & (size - 1)
        while slots[slot] != EMPTY:
            if terms[slots[slot]] == term:
                raise ValueError(f"the vocabulary lists the term {term!r} twice")
            slot = (slot + 1) & (size - 1)
        slots[slot] = column
    return slots


def _little(numbers: array) -> bytes:
    if not _LITTLE_ENDIAN:
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return numbers.tobytes()


def _padded(part: bytes) -> bytes:
    return part + b"\0" * (_aligned(len(part)) - len(part))
