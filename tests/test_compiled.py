"""The compiled kernel (numba, optional) gives the NumPy path's probabilities bit for bit.

These tests need numba (``pip install -e '.[fast]'``; the test extras install it) and skip
without it; what happens without numba is tested in test_arrays.py.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

pytest.importorskip("numba", reason="the compiled kernel needs numba: pip install -e '.[fast]'")

import stance.bulk as bulk  # noqa: E402
import stance.ngrams  # noqa: E402
from stance.arrays import compiled_kernel  # noqa: E402
from stance.compiled import _pairwise_sum, _radix_sort, radix_passes  # noqa: E402
from stance.labels import load_labels  # noqa: E402
from stance.model import DEFAULT_MODEL_DIR, load_predictor  # noqa: E402

from .test_arrays import HOSTILE, LABELS, TRICKY  # noqa: E402

TEXTS = load_labels([LABELS])["text"].tolist()[:600] + TRICKY + HOSTILE + [a + " " + b for a in TRICKY[:8] for b in TRICKY[8:16]]


def numpy_and_kernel(arrays, texts: list[str]):
    """``arrays.predict_with_known_share(texts)`` on the NumPy path, then through the kernel."""
    arrays.kernel = False
    expected = arrays.predict_with_known_share(texts)
    arrays.kernel = True
    return expected, arrays.predict_with_known_share(texts)


def assert_bit_for_bit(expected, got) -> None:
    (expected_probabilities, expected_share), (probabilities, share) = expected, got
    assert probabilities.keys() == expected_probabilities.keys()
    for target, values in expected_probabilities.items():
        assert probabilities[target].tobytes() == values.tobytes(), target
    assert share.tobytes() == expected_share.tobytes()


def test_the_kernel_is_there():
    assert compiled_kernel() is not None


@pytest.mark.parametrize("which", ["shipped", "trained"])
def test_kernel_equals_numpy_bit_for_bit(which, trained_model_dir):
    arrays = load_predictor(DEFAULT_MODEL_DIR if which == "shipped" else trained_model_dir).arrays
    assert_bit_for_bit(*numpy_and_kernel(arrays, TEXTS))


def test_kernel_reads_sorted_levels_like_dense_ones(trained_model_dir, monkeypatch):
    monkeypatch.setattr(stance.ngrams, "DENSE_LIMIT", 1)  # every level of every trie a sorted search
    arrays = load_predictor(trained_model_dir).arrays
    expected, got = numpy_and_kernel(arrays, TEXTS)
    tries = [block.features._trie[1] for block in arrays._blocks]
    assert all(dense is None for trie in tries for _, dense in trie.levels)
    assert_bit_for_bit(expected, got)


def test_kernel_gives_no_text_nothing():
    arrays = load_predictor(DEFAULT_MODEL_DIR).arrays
    assert_bit_for_bit(*numpy_and_kernel(arrays, []))


@pytest.mark.parametrize("length", [*range(1, 20), 127, 128, 129, 130, 255, 256, 257, 1000, 4099])
def test_pairwise_sum_is_numpys_reduceat(length):
    numbers = np.random.default_rng(length).normal(size=length) * 10.0 ** np.random.default_rng(1).integers(-9, 9, size=length)
    expected = np.add.reduceat(numbers[None, :], [0], axis=1)[0, 0]
    assert (numbers[0] if length == 1 else numbers[0] + _pairwise_sum(numbers[1:])) == expected


@pytest.mark.parametrize("largest", [1, 255, 256, 65535, 70000, 1 << 24])
def test_radix_sort_sorts(largest):
    numbers = np.random.default_rng(largest).integers(0, largest, size=500)
    ordered = numbers.copy()
    _radix_sort(ordered, np.empty_like(ordered), np.empty(257, dtype=np.int64), radix_passes(largest))
    assert ordered.tolist() == sorted(numbers.tolist())


def test_a_large_input_file_goes_through_the_kernel_with_the_same_output(tmp_path, monkeypatch):
    source = tmp_path / "statements.csv"
    source.write_text(
        "id,text\n" + "".join(f'{i},"{text.replace(chr(34), chr(39))}"\n' for i, text in enumerate(TEXTS[:300])), encoding="utf-8"
    )

    def classified() -> str:
        out = io.StringIO()
        bulk.classify_file(source, str(DEFAULT_MODEL_DIR), "text", out, "csv")
        return out.getvalue()

    monkeypatch.setattr(bulk, "KERNEL_MIN_BYTES", 10**12)
    expected = classified()
    assert not bulk._worker_model.arrays.kernel
    monkeypatch.setattr(bulk, "KERNEL_MIN_BYTES", 0)
    assert classified() == expected
    assert bulk._worker_model.arrays.kernel
