"""Shared SSYK prefixes, as scoring counts them digit by digit."""

from __future__ import annotations

import numpy as np

from placements.matching.features import code_digits
from placements.matching.scoring import shared_prefix


def _by_cube(digits: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The count as a cumulative product over the (rows, m, 4) cube of digit comparisons."""
    same = (digits[:, None, :] == codes[None, :, :]) & (digits[:, None, :] >= 0)
    return np.cumprod(same, axis=2).sum(axis=2)


def test_the_leading_digits_in_common_are_counted_and_stop_at_the_first_difference() -> None:
    rows = code_digits(["5321", "53", "5", "", "5421", "1321"])
    codes = code_digits(["5321", "53", ""])
    assert shared_prefix(rows, codes).tolist() == [
        [4, 2, 0],
        [2, 2, 0],  # a shorter code shares its digits; a missing digit matches nothing
        [1, 1, 0],
        [0, 0, 0],
        [1, 1, 0],  # 5421: the same first digit, then apart (the later 2, 1 do not count)
        [0, 0, 0],
    ]


def test_the_count_is_the_cumulative_product_of_the_digit_comparisons() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        digits = rng.integers(-1, 3, size=(int(rng.integers(0, 40)), 4)).astype(np.int8)
        codes = rng.integers(-1, 3, size=(int(rng.integers(0, 12)), 4)).astype(np.int8)
        assert np.array_equal(shared_prefix(digits, codes), _by_cube(digits, codes))
