"""Tokens of a batch of texts found with NumPy from their code points, equal to the regular expressions.

The arrays predictor reads two token patterns, both made of runs of word characters
(Unicode ``\\w``, as :mod:`re` has it) and the joiners ``' ’ -``:

* scikit-learn's word tokens (``\\w+(?:['’-]+\\w+)*``, what ``(?u)\\b\\w[\\w'’-]*\\b`` finds):
  in each run, from its first word character to its last;
* the words of the known-word share (``[^\\W\\d_][\\w'’-]*``): in each run, from its first
  letter (a word character that is no decimal digit and no ``_``) to the run's end.

So one pass of array operations over a batch's code points finds every token of every
text, without a regular expression running through each text. Tokens are then looked
up in a vocabulary by a hash of their code points, and every hit is checked character
by character, so a collision can never pass one word for another.

Each code point's class is asked of :mod:`re` itself the first time it is seen and
kept in a table, so the classes are the regular expressions' by construction.
"""

from __future__ import annotations

import re
import sys

import numpy as np

_SEEN, _WORD, _DIGIT, _JOINER = 1, 2, 4, 8
_UNDERSCORE = ord("_")
_classes = np.zeros(sys.maxunicode + 1, dtype=np.uint8)  # 0: not classified yet
_WORD_CHARACTER, _DECIMAL_DIGIT = re.compile(r"\w"), re.compile(r"\d")
_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd: invertible modulo 2**64
_INVERSE = np.uint64(pow(int(_BASE), -1, 1 << 64))
_powers: list[np.ndarray] = [np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64)]  # BASE**i and BASE**-i, grown on demand


def character_classes(points: np.ndarray) -> np.ndarray:
    """The class bits of each code point (word character, decimal digit, joiner)."""
    found = _classes[points]
    if not found.all():
        for point in np.unique(points[found == 0]).tolist():
            _classes[point] = _classify(chr(point))
        found = _classes[points]
    return found


def _classify(character: str) -> int:
    return (
        _SEEN
        | (_WORD if _WORD_CHARACTER.match(character) else 0)
        | (_DIGIT if _DECIMAL_DIGIT.match(character) else 0)
        | (_JOINER if character in "'’-" else 0)
    )


def points_of(text: str) -> np.ndarray:
    """The code points of ``text``, one uint32 each (lone surrogates too)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _breaks_up_to(classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The number of characters up to and including each position that end a run of word
    characters and joiners (all the others), and where those characters are (then the end)."""
    outside = (classes & (_WORD | _JOINER)) == 0
    return np.cumsum(outside), np.append(np.flatnonzero(outside), len(classes))


def word_token_spans(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every match of ``\\w+(?:['’-]+\\w+)*`` in ``points``, in order."""
    classes = character_classes(points)
    words = np.flatnonzero(classes & _WORD)
    if not len(words):
        return words, words
    run_of = _breaks_up_to(classes)[0][words]  # equal for the word characters of one run
    first = np.flatnonzero(np.diff(run_of, prepend=-1))
    last = np.append(first[1:], len(words)) - 1
    return words[first], words[last] + 1


def letter_word_spans(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every match of ``[^\\W\\d_][\\w'’-]*`` in ``points``, in order."""
    classes = character_classes(points)
    letters = np.flatnonzero(((classes & (_WORD | _DIGIT)) == _WORD) & (points != _UNDERSCORE))
    if not len(letters):
        return letters, letters
    breaks, outside = _breaks_up_to(classes)
    run_of = breaks[letters]  # also the index of the character ending the run in ``outside``
    first = np.flatnonzero(np.diff(run_of, prepend=-1))
    return letters[first], outside[run_of[first]]


def _power_tables(length: int) -> tuple[np.ndarray, np.ndarray]:
    if len(_powers[0]) < length:
        size = max(length, 2 * len(_powers[0]))
        for k, base in enumerate((_BASE, _INVERSE)):
            factors = np.full(size, base, dtype=np.uint64)
            factors[0] = 1
            _powers[k] = np.cumprod(factors, dtype=np.uint64)  # wraps modulo 2**64, as intended
    return _powers[0], _powers[1]


def span_hashes(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A hash of the code points of each span (sum of point * BASE**offset, modulo 2**64)."""
    powers, inverses = _power_tables(len(points) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(points) + 1, dtype=np.uint64)
        np.cumsum(points.astype(np.uint64) * powers[: len(points)], out=prefix[1:])
        return (prefix[ends] - prefix[starts]) * inverses[starts]


def _within(lengths: np.ndarray) -> np.ndarray:
    """0, 1, ..., length - 1 for each length, one after the other."""
    total = int(lengths.sum())
    return np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)


class WordTable:
    """Words -> 1, 2, ... (their order in ``words``), found for many spans of code points at once."""

    def __init__(self, words: list[str]):
        self.points = points_of("".join(words)).astype(np.uint32)
        self.lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        self.offsets = np.cumsum(self.lengths) - self.lengths
        hashes = span_hashes(self.points, self.offsets, self.offsets + self.lengths)
        self.order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[self.order]
        self.usable = len(np.unique(self.hashes)) == len(words)  # no two words share a hash
        # Buckets by the top bits of the hash (about four per word): the sorted hashes of bucket b
        # are hashes[buckets[b]:buckets[b + 1]], mostly none or one, so a lookup seldom compares twice.
        self.shift = np.uint64(64 - max(1, int(len(words)).bit_length() + 2))
        slots = np.arange((1 << (64 - int(self.shift))) + 1, dtype=np.uint64)
        self.buckets = np.searchsorted(self.hashes, slots << self.shift).astype(np.int64)
        self.buckets[-1] = len(self.hashes)

    def _sorted_index(self, wanted: np.ndarray) -> np.ndarray:
        """The index in ``hashes`` of each wanted hash (-1 where none is equal)."""
        slots = (wanted >> self.shift).astype(np.int64)
        first, end = self.buckets[slots], self.buckets[slots + 1]
        found = np.full(len(wanted), -1, dtype=np.int64)
        pending = np.flatnonzero(first < end)
        candidates = first[pending]
        while len(pending):
            equal = self.hashes[candidates] == wanted[pending]
            found[pending[equal]] = candidates[equal]
            more = ~equal & (candidates + 1 < end[pending])
            pending, candidates = pending[more], candidates[more] + 1
        return found

    def ids(self, points: np.ndarray, starts: np.ndarray, ends: np.ndarray, hashes: np.ndarray | None = None) -> np.ndarray:
        """The id of the word each span of ``points`` spells (0 for none); ``usable`` must be true.
        ``hashes``: :func:`span_hashes` of the spans, when already known."""
        if not len(self.hashes) or not len(starts):
            return np.zeros(len(starts), dtype=np.int64)
        wanted = span_hashes(points, starts, ends) if hashes is None else hashes
        found = self._sorted_index(wanted)
        words = self.order[np.maximum(found, 0)]
        hit = np.flatnonzero((found >= 0) & (self.lengths[words] == ends - starts))
        lengths = self.lengths[words[hit]]
        within = _within(lengths)
        differ = points[np.repeat(starts[hit], lengths) + within] != self.points[np.repeat(self.offsets[words[hit]], lengths) + within]
        if differ.any():  # a hash collision: not this word
            hit = np.setdiff1d(hit, hit[np.repeat(np.arange(len(hit)), lengths)[differ]])
        ids = np.zeros(len(starts), dtype=np.int64)
        ids[hit] = words[hit] + 1
        return ids


def joined_points(texts: list[str], lowercase: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """``texts`` joined by newlines (lowercased if asked) as code points, and where each text starts;
    None when lowercasing changes the length of a text (``İ``), so positions would shift."""
    joined = "\n".join(texts)
    lowered = joined.lower() if lowercase else joined
    if len(lowered) != len(joined):
        return None
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    return points_of(lowered), np.cumsum(lengths) - lengths
