"""KeyIndex finds exactly the positions a dict of the keys gives, hits, misses and collisions."""

from __future__ import annotations

import numpy as np
import pytest

from reviewbait.text.hashindex import KeyIndex


def test_lookups_equal_a_dict() -> None:
    rng = np.random.default_rng(7)
    keys = np.unique(rng.integers(0, 2**62, 5000, dtype=np.uint64))
    rng.shuffle(keys)
    index = KeyIndex(keys)
    assert index.max_probe >= 2  # some keys sit past their home slot: lookups must probe on
    where = {int(k): i for i, k in enumerate(keys)}
    candidates = np.concatenate([keys, rng.integers(0, 2**62, 20000, dtype=np.uint64)])
    found = index.get_indexer(candidates)
    assert found.tolist() == [where.get(int(c), -1) for c in candidates]
    assert index.get_indexer(np.zeros(0, dtype=np.uint64)).size == 0


def test_bad_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="distinct"):
        KeyIndex(np.array([3, 3], dtype=np.uint64))
    with pytest.raises(ValueError, match="non-negative"):
        KeyIndex(np.array([-1, 2], dtype=np.int64))
