"""Find a vocabulary's n-grams in many texts at once, with NumPy instead of a loop per n-gram.

A batch of texts becomes one sequence of small integer codes: characters for
scikit-learn's ``char_wb`` analyzer, word ids for its ``word`` analyzer. Code 0 is
"dead": it separates words (``char_wb`` n-grams never cross one) and texts, and it
stands for every character or word that no vocabulary term holds, since an n-gram
containing one cannot be in the vocabulary. The vocabulary is a trie over the same
codes, stored as one lookup table per n-gram length, so the n-grams of every
length and every position are found in ``high`` vectorised steps: the trie node
of the n-gram starting at each position, one character (or word) longer each step.

The sequences reproduce scikit-learn exactly (``TfidfVectorizer._char_wb_ngrams``
and ``_word_ngrams``): a word padded with one space each side, a padded word no
longer than n giving itself once and no longer n-grams, word n-grams joined
inside one text only. Nothing here imports scikit-learn.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np

BREAK = "\x00"  # ends each text in a joined batch
DENSE_LIMIT = 1 << 21  # a trie level is a direct table up to this many entries, else a sorted search
_LAST_SPACE = 0x3000  # no character above U+3000 is whitespace (str.isspace); tests check it
_SPACES = np.array([chr(c).isspace() for c in range(_LAST_SPACE + 1)])


def code_points(texts: list[str]) -> np.ndarray:
    """The code points of ``texts`` joined by newlines, one uint32 each (lone surrogates too)."""
    return np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def is_space(points: np.ndarray) -> np.ndarray:
    """Whether each code point is whitespace as ``str.split()`` sees it."""
    return _SPACES[np.minimum(points, _LAST_SPACE)] & (points <= _LAST_SPACE)


class CharCodes:
    """Characters -> codes 1..len(alphabet) for the characters that vocabulary terms hold, 0 otherwise."""

    def __init__(self, alphabet: str):
        points = np.array(sorted({ord(c) for c in alphabet}), dtype=np.int64)
        self.size = len(points) + 1
        self._table = np.zeros(int(points.max(initial=0)) + 2, dtype=np.int64)  # the last entry stays 0
        self._table[points] = np.arange(1, len(points) + 1)

    def __call__(self, points: np.ndarray) -> np.ndarray:
        return self._table[np.minimum(points, len(self._table) - 1)]

    def of(self, text: str) -> np.ndarray:
        return self(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))


def char_trie(terms: list[str], low: int = 1) -> tuple[CharCodes, Trie]:
    """The character codes and the trie of ``char_wb`` vocabulary ``terms`` (term i -> column i)."""
    codes = CharCodes("".join(terms))
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    return codes, Trie(codes.of("".join(terms)), lengths, np.arange(len(terms)), codes.size, low)


def word_trie(terms: list[str]) -> tuple[dict[str, int], Trie]:
    """Word ids (1, 2, ...; -1 for :data:`BREAK`) and the trie of ``word`` vocabulary ``terms``
    (term i -> column i): a term's tokens are its words split at spaces, as scikit-learn joins them."""
    split = [term.split(" ") for term in terms]
    ids: dict[str, int] = {}
    for words in split:
        for word in words:
            ids.setdefault(word, len(ids) + 1)
    flat = list(chain.from_iterable(split))
    codes = np.fromiter(map(ids.__getitem__, flat), dtype=np.int64, count=len(flat))
    lengths = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
    trie = Trie(codes, lengths, np.arange(len(terms)), len(ids) + 1)
    ids[BREAK] = -1  # never a token: NUL is no word character
    return ids, trie


class Trie:
    """Terms (sequences of codes 1 to size - 1) and their columns, searched at every position of a sequence at once.

    Level k maps (node of a k-1 code prefix, next code) to the node of the k code
    prefix (nodes numbered from 1 per level, 0 = no term starts so), and
    ``columns[k][node]`` is the column of the term of k codes ending at that node (-1 if none).
    """

    def __init__(self, codes: np.ndarray, lengths: np.ndarray, columns: np.ndarray, size: int, low: int = 1):
        """``codes``: the terms' codes one after the other, ``lengths`` codes each; ``columns``: their columns.

        When ``size ** low`` is small enough, the nodes of the first ``low`` levels are
        also kept in one table indexed by the ``low`` codes as one number (``prefixes``), so
        a search starts ``low`` codes in with one lookup instead of ``low``."""
        self.size = size
        padded = np.zeros((len(lengths), int(lengths.max(initial=0))), dtype=np.int64)
        padded[np.arange(padded.shape[1]) < lengths[:, None]] = codes
        self.levels: list[tuple[np.ndarray | None, np.ndarray | None]] = []  # (sorted keys, None) or (None, dense table)
        self.columns: list[np.ndarray] = []
        parents = np.zeros(len(lengths), dtype=np.int64)
        width = 1  # number of nodes (plus the dead node) one level up
        numbers = np.zeros(1, dtype=np.int64)  # each node's codes as one number in base ``size``
        self.prefixes: tuple[int, np.ndarray] | None = None
        for k in range(1, padded.shape[1] + 1):
            longer = lengths >= k
            keys = parents[longer] * size + padded[longer, k - 1]
            unique, nodes = np.unique(keys, return_inverse=True)
            numbers = np.concatenate(([0], numbers[unique // size] * size + unique % size))
            if 1 < k == low and size**k <= DENSE_LIMIT:
                table = np.zeros(size**k, dtype=np.int32)
                table[numbers[1:]] = np.arange(1, len(unique) + 1)
                self.prefixes = (k, table)
            if width * size <= DENSE_LIMIT:  # int32 is enough: every key and node is below DENSE_LIMIT
                dense = np.zeros(width * size, dtype=np.int32)
                dense[unique] = np.arange(1, len(unique) + 1)
                self.levels.append((None, dense))
            else:
                self.levels.append((unique, None))
            level_columns = np.full(len(unique) + 1, -1, dtype=np.int64)
            ending = lengths[longer] == k
            level_columns[nodes[ending] + 1] = columns[longer][ending]
            self.columns.append(level_columns)
            parents[longer] = nodes + 1
            width = len(unique) + 1

    @functools.cached_property
    def flat(self) -> FlatTrie:
        """The levels in flat arrays, as :mod:`stance.compiled` reads them."""
        return FlatTrie.of(self)

    def child(self, k: int, parents: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """The level-k nodes below ``parents`` (level k-1) along ``codes``; 0 where the trie has none."""
        keys, dense = self.levels[k - 1]
        wanted = parents.astype(np.int64, copy=False) * self.size + codes
        if dense is not None:
            return dense[wanted]
        found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[found] == wanted, found + 1, 0)

    def search(self, sequence: np.ndarray, low: int, high: int, whole: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(start position, column) of every term of ``low`` to ``high`` codes in ``sequence``, and of
        every shorter term starting where ``whole`` (same length as ``sequence``) holds its length.

        ``sequence`` must end with at least ``high`` dead codes, so no n-gram runs past its end."""
        high = min(high, len(self.levels))
        first = 1
        if self.prefixes is not None and whole is None and high >= self.prefixes[0]:
            first, table = self.prefixes
            count = len(sequence) - first + 1
            number = sequence[:count]
            for shift in range(1, first):
                number = number * self.size + sequence[shift : shift + count]
            nodes = table[number]
            positions = np.flatnonzero(nodes)
            nodes = nodes[positions]
        else:
            positions = np.flatnonzero(sequence)
            nodes = self.child(1, np.zeros_like(positions), sequence[positions]) if high else positions[:0]
        found_positions, found_columns = [], []
        for k in range(first, high + 1):
            if k > first:
                nodes = self.child(k, nodes, sequence[positions + (k - 1)])
            alive = nodes > 0
            positions, nodes = positions[alive], nodes[alive]
            if not len(positions):
                break
            columns = self.columns[k - 1][nodes]
            known = columns >= 0
            if k < low:
                if whole is None:
                    continue
                known &= whole[positions] == k
            found_positions.append(positions[known])
            found_columns.append(columns[known])
        if not found_positions:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.concatenate(found_positions), np.concatenate(found_columns)


@dataclass(frozen=True)
class FlatTrie:
    """A :class:`Trie`'s levels one after the other in flat arrays: level k (from 0) is a dense
    table (``dense[starts[k]:ends[k]]``, ``dense_level[k]`` true) or sorted keys
    (``keys[starts[k]:ends[k]]``), and its columns are ``columns[column_starts[k]:]``, by node."""

    size: int
    dense_level: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    dense: np.ndarray
    keys: np.ndarray
    columns: np.ndarray
    column_starts: np.ndarray

    @classmethod
    def of(cls, trie: Trie) -> FlatTrie:
        dense_parts, key_parts, starts, ends = [], [], [], []
        dense_used = keys_used = 0
        for keys, dense in trie.levels:
            if dense is not None:
                dense_parts.append(dense)
                starts.append(dense_used)
                dense_used += len(dense)
                ends.append(dense_used)
            else:
                key_parts.append(keys)
                starts.append(keys_used)
                keys_used += len(keys)
                ends.append(keys_used)
        column_lengths = np.array([len(c) for c in trie.columns], dtype=np.int64)
        return cls(
            trie.size,
            np.array([dense is not None for _, dense in trie.levels], dtype=np.bool_),
            np.array(starts, dtype=np.int64),
            np.array(ends, dtype=np.int64),
            np.concatenate(dense_parts) if dense_parts else np.zeros(0, dtype=np.int32),
            np.concatenate(key_parts) if key_parts else np.zeros(0, dtype=np.int64),
            np.concatenate(trie.columns) if trie.columns else np.zeros(0, dtype=np.int64),
            np.cumsum(column_lengths) - column_lengths,
        )


def char_wb_sequence(texts: list[str], codes: CharCodes, low: int, high: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``texts`` (already lowercased, if the analyzer lowercases) as scikit-learn's ``char_wb``
    analyzer reads them: every whitespace-separated word as `` word `` followed by a dead code.

    Returns the code sequence (ending with ``high`` dead codes), the row of ``texts`` each
    position belongs to, and the padded length of each word shorter than ``low`` at its
    first position (None when there is no such word), which scikit-learn counts whole.
    """
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    return char_wb_sequence_of_points(code_points(texts), np.cumsum(lengths) - lengths, codes, low, high)


def char_wb_sequence_of_points(
    points: np.ndarray, text_starts: np.ndarray, codes: CharCodes, low: int, high: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """:func:`char_wb_sequence` of texts given as the code points of their newline-joined form
    and the position where each starts."""
    letters = ~is_space(points)
    before = np.concatenate(([False], letters[:-1]))
    after = np.concatenate((letters[1:], [False]))
    starts = np.flatnonzero(letters & ~before)
    lengths = np.flatnonzero(letters & ~after) + 1 - starts
    slots = lengths + 3  # space, the word, space, dead
    offsets = np.cumsum(slots) - slots
    space = codes.of(" ")[0]
    sequence = np.zeros(int(slots.sum()) + high, dtype=np.int64)
    sequence[offsets] = space
    sequence[offsets + lengths + 1] = space
    inside = np.flatnonzero(letters)
    sequence[inside + np.repeat(offsets + 1 - starts, lengths)] = codes(points[inside])
    rows = np.repeat(np.searchsorted(text_starts, starts, side="right") - 1, slots)
    whole = None
    short = lengths + 2 < low
    if short.any():
        whole = np.zeros(len(sequence), dtype=np.int64)
        whole[offsets[short]] = lengths[short] + 2
    return sequence, rows, whole


def joined_with_breaks(texts: list[str]) -> str:
    """``texts`` joined into one string, each followed by :data:`BREAK`; a NUL inside a text
    becomes U+0001, which no token pattern here tells apart from it (neither is a word
    character), so a pattern ``...|\x00`` finds each text's tokens and one break after them."""
    joined = BREAK.join(texts) + BREAK
    if joined.count(BREAK) != len(texts):
        joined = BREAK.join(text.replace(BREAK, "\x01") for text in texts) + BREAK
    return joined


def word_sequence_of_ids(ids: np.ndarray, rows: np.ndarray, count: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`word_sequence` from the word id and text (row) of each token of ``count`` texts, in order."""
    per_text = np.bincount(rows, minlength=count)
    sequence = np.zeros(len(ids) + count + high, dtype=np.int64)
    sequence[np.arange(len(ids)) + rows] = ids  # a dead code after each text
    return sequence, np.repeat(np.arange(count), per_text + 1)


def word_sequence(texts: list[str], tokens_or_break: re.Pattern, ids: dict[str, int], high: int) -> tuple[np.ndarray, np.ndarray]:
    """The tokens of ``texts`` as word ids (0 for a word no term holds), a dead code after each
    text, ``high`` dead codes at the end; and the row of ``texts`` each position belongs to.

    ``tokens_or_break`` is the token pattern ``|\x00``, ``ids`` maps :data:`BREAK` to -1."""
    tokens = tokens_or_break.findall(joined_with_breaks(texts))
    codes = np.fromiter(map(ids.get, tokens, repeat(0)), dtype=np.int64, count=len(tokens))
    breaks = codes < 0
    rows = np.cumsum(breaks) - breaks  # a break belongs to the text it ends
    codes[breaks] = 0
    return np.concatenate((codes, np.zeros(high, dtype=np.int64))), rows
