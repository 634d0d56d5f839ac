"""The compiled kernel for bulk prediction (numba, ``pip install 'stance[fast]'``): the arrays
model's n-gram search, TF-IDF and coefficient sums in one pass over a batch.

Imported only when numba is installed (:func:`stance.arrays.compiled_kernel` decides).
The NumPy path in :mod:`stance.arrays` stays the default and the reference: the kernel
reads the same code sequences (:mod:`stance.ngrams`) and does the same arithmetic in
the same order (a text's columns ascending, the sublinear ``log`` from a table NumPy
computes, NumPy's pairwise summation), so its probabilities equal the NumPy path's
bit for bit; the tests compare the two.
"""

from __future__ import annotations

import numba
import numpy as np

from stance.ngrams import FlatTrie

_log_tf = np.log(np.arange(1, 2, dtype=np.float64)) + 1.0  # log_tf[c] = log(c) + 1, grown on demand
_jit = numba.njit(cache=True, nogil=True)


def log_tf(largest: int) -> np.ndarray:
    """``log(c) + 1`` for every count c up to ``largest`` (index c), computed by NumPy as the NumPy path does."""
    global _log_tf
    if len(_log_tf) <= largest:
        counts = np.arange(max(largest + 1, 2 * len(_log_tf)), dtype=np.float64)
        counts[0] = 1.0  # never read: a count is at least 1
        _log_tf = np.log(counts) + 1.0
    return _log_tf


def block_sums(
    sequence: np.ndarray,
    rows: np.ndarray,
    whole: np.ndarray | None,
    count: int,
    ngram_range: tuple[int, int],
    trie: FlatTrie,
    idf: np.ndarray,
    coef_by_feature: np.ndarray,
    sublinear_tf: bool,
    l2: bool,
) -> np.ndarray:
    """For each of ``count`` texts, the sum over its TF-IDF features of value x coefficient of each
    class: ``(count, classes)``, zero for a text with no known n-gram. ``sequence``, ``rows`` and
    ``whole`` are a batch's codes as :meth:`stance.ngrams.Trie.search` takes them;
    ``coef_by_feature`` is ``(features, classes)``, C-contiguous."""
    low, high = ngram_range
    high = min(high, len(trie.starts))
    return _block_sums(
        sequence,
        rows,
        np.zeros(0, dtype=np.int64) if whole is None else whole,
        count,
        low,
        high,
        trie.size,
        trie.dense_level,
        trie.starts,
        trie.ends,
        trie.dense,
        trie.keys,
        trie.columns,
        trie.column_starts,
        idf,
        log_tf(len(rows)),
        coef_by_feature,
        sublinear_tf,
        l2,
    )


@_jit
def _block_sums(
    sequence,
    rows,
    whole,
    count,
    low,
    high,
    size,
    dense_level,
    starts,
    ends,
    dense,
    keys,
    columns,
    column_starts,
    idf,
    log_tf,
    coef,
    sublinear,
    l2,
):
    features, classes = coef.shape
    sums = np.zeros((count, classes))
    counts = np.zeros(features, dtype=np.int64)  # of each column in the current text, cleared after it
    touched = np.empty(features, dtype=np.int64)  # the columns the current text has counted
    values = np.empty(features)
    weighted = np.empty((classes, features))
    spare = np.empty(features, dtype=np.int64)
    buckets = np.empty(257, dtype=np.int64)
    passes = radix_passes(features)
    found = 0
    current = -1
    positions = len(rows)
    for position in range(positions + 1):
        row = rows[position] if position < positions else -1
        if row != current and found:
            # The text's sums: its columns ascending, as the NumPy path's sorted triples.
            ordered = touched[:found]
            _radix_sort(ordered, spare[:found], buckets, passes)
            squares = 0.0
            for j in range(found):
                value = log_tf[counts[ordered[j]]] if sublinear else float(counts[ordered[j]])
                value *= idf[ordered[j]]
                values[j] = value
                squares += value * value
                counts[ordered[j]] = 0
            norm = np.sqrt(squares)
            for j in range(found):
                value = values[j] / norm if l2 else values[j]
                for c in range(classes):
                    weighted[c, j] = coef[ordered[j], c] * value
            for c in range(classes):  # as np.add.reduceat sums a segment: the first term, plus the rest's pairwise sum
                sums[current, c] = weighted[c, 0] if found == 1 else weighted[c, 0] + _pairwise_sum(weighted[c, 1:found])
            found = 0
        current = row
        if position == positions or sequence[position] == 0:
            continue
        node = 0
        for k in range(1, high + 1):
            code = sequence[position + k - 1]
            if code == 0:
                break
            key = node * size + code
            if dense_level[k - 1]:
                node = dense[starts[k - 1] + key]
            else:
                level = keys[starts[k - 1] : ends[k - 1]]
                index = np.searchsorted(level, key)
                node = index + 1 if index < len(level) and level[index] == key else 0
            if node == 0:
                break
            column = columns[column_starts[k - 1] + node]
            if column >= 0 and (k >= low or (len(whole) > 0 and whole[position] == k)):
                if counts[column] == 0:
                    touched[found] = column
                    found += 1
                counts[column] += 1
    return sums


@_jit
def radix_passes(size):
    """The passes of 8 bits :func:`_radix_sort` needs for numbers below ``size``."""
    passes = 1
    while (1 << (8 * passes)) < size:
        passes += 1
    return passes


@_jit
def _radix_sort(numbers, spare, buckets, passes):
    """Sort ``numbers`` (non-negative, below 256 ** ``passes``) in place, 8 bits a pass: for a text's
    few hundred columns much quicker than a comparison sort."""
    source, target = numbers, spare
    for shift in range(0, 8 * passes, 8):
        buckets[:] = 0
        for number in source:
            buckets[((number >> shift) & 255) + 1] += 1
        for b in range(1, 257):
            buckets[b] += buckets[b - 1]
        for number in source:
            digit = (number >> shift) & 255
            target[buckets[digit]] = number
            buckets[digit] += 1
        source, target = target, source
    if passes % 2:
        numbers[:] = source


@_jit
def _pairwise_sum(numbers):
    """NumPy's pairwise summation of float64 (``pairwise_sum`` in its ``loops_utils.h``), step for step,
    so the kernel's sums equal ``np.add.reduceat``'s to the last bit."""
    n = len(numbers)
    if n < 8:
        total = 0.0
        for number in numbers:
            total += number
        return total
    if n <= 128:
        r0, r1, r2, r3 = numbers[0], numbers[1], numbers[2], numbers[3]
        r4, r5, r6, r7 = numbers[4], numbers[5], numbers[6], numbers[7]
        i = 8
        while i < n - n % 8:
            r0 += numbers[i]
            r1 += numbers[i + 1]
            r2 += numbers[i + 2]
            r3 += numbers[i + 3]
            r4 += numbers[i + 4]
            r5 += numbers[i + 5]
            r6 += numbers[i + 6]
            r7 += numbers[i + 7]
            i += 8
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            total += numbers[i]
            i += 1
        return total
    half = n // 2
    half -= half % 8
    return _pairwise_sum(numbers[:half]) + _pairwise_sum(numbers[half:])
