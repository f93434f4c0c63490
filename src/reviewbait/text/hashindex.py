"""Exact lookups of integer keys, and sparse count matrices, with NumPy alone.

Why: the n-gram counters (:mod:`reviewbait.text.char_ngrams`, :mod:`reviewbait.text.word_ngrams`) turn
every n-gram of a batch into an exact integer key and look each one up in the fitted
vocabulary. A pandas index did the lookup, but importing pandas (and with it pyarrow) costs
more than the rest of a cold start and about 100 MB of memory in every worker. A NumPy
open-addressing table gives the same answers; pandas' C hash table is about twice as fast,
but the lookups are a few per cent of scoring.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["KeyIndex", "count_matrix"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: multiply, keep the top bits
_EMPTY = np.uint64(2**64 - 1)  # marks a free slot


class KeyIndex:
    """Position of each of a fixed set of distinct integer keys in ``[0, 2**64 - 1)``.

    An open-addressing table (linear probing) at most a quarter full, so nearly every lookup,
    hit or miss, is settled by its first probe; all probes are vectorized over the batch.
    """

    def __init__(self, keys: np.ndarray) -> None:
        keys = np.asarray(keys)
        if keys.dtype.kind == "i" and keys.size and keys.min() < 0:
            raise ValueError("KeyIndex keys must be non-negative")
        keys = keys.astype(np.uint64)
        self.keys = keys
        if np.unique(keys).size != keys.size:
            raise ValueError("KeyIndex keys must be distinct")
        if keys.size and keys.max() == _EMPTY:
            raise ValueError("KeyIndex keys must be below 2**64 - 1")
        self.bits = max(4, int(4 * max(keys.size, 1) - 1).bit_length())
        self._shift = np.uint64(64 - self.bits)
        size = 1 << self.bits
        self._keys = np.full(size, _EMPTY, dtype=np.uint64)
        self._positions = np.full(size, -1, dtype=np.int64)
        home = self._home(keys)
        pending = np.arange(keys.size, dtype=np.int64)
        offset = np.zeros(keys.size, dtype=np.int64)
        self.max_probe = 0
        while pending.size:
            slot = (home[pending] + offset[pending]) & (size - 1)
            free = self._positions[slot] < 0
            # of the keys that reach the same free slot, the first takes it
            _, first = np.unique(slot[free], return_index=True)
            taken = np.flatnonzero(free)[first]
            self._keys[slot[taken]] = keys[pending[taken]]
            self._positions[slot[taken]] = pending[taken]
            self.max_probe = max(self.max_probe, int(offset[pending[taken]].max(initial=0)))
            placed = np.zeros(pending.size, dtype=bool)
            placed[taken] = True
            pending = pending[~placed]
            offset[pending] += 1
        # what a lookup gathers: 32-bit positions, half the memory to read at random
        self._found = self._positions.astype(np.int32) if keys.size < 2**31 else self._positions

    def _home(self, keys: np.ndarray) -> np.ndarray:
        home = keys * _GOLDEN
        home >>= self._shift
        return home.view(np.int64)  # below 2**bits: the same numbers

    def get_indexer(self, candidates: np.ndarray) -> np.ndarray:
        """The position of each candidate among the keys, or -1 (as ``pandas.Index.get_indexer``;
        32-bit integers below 2**31 keys)."""
        candidates = np.asarray(candidates)
        if candidates.dtype != np.uint64:
            candidates = candidates.astype(np.uint64)
        slot = self._home(candidates)
        stored = self._keys[slot]
        # the first probe settles every candidate whose slot holds it or is empty
        held = stored == candidates
        result = np.where(held, self._found[slot], -1).astype(self._found.dtype, copy=False)
        going = np.flatnonzero(~held & (stored != _EMPTY))
        slot = slot[going]
        mask = (1 << self.bits) - 1
        for _ in range(self.max_probe):
            if not going.size:
                break
            slot = (slot + 1) & mask
            stored = self._keys[slot]
            found = stored == candidates[going]
            result[going[found]] = self._found[slot[found]]
            keep = ~found & (stored != _EMPTY)
            going, slot = going[keep], slot[keep]
        return result


def count_matrix(
    rows: np.ndarray, columns: np.ndarray, shape: tuple[int, int], values: np.ndarray | None = None
) -> sp.csr_matrix:
    """How often each (row, column) pair occurs, as a float32 CSR matrix with sorted indices,
    as CountVectorizer returns it (the order of a row's entries decides how its norm is summed).
    With ``values`` (float32 counts, whole numbers), each pair counts that many times: sums of
    whole numbers below 2**24 are exact in float32 in any order.

    Built column-major first, then converted: sorting each column's rows (they arrive nearly
    in order, the counters emit them row by row) and the linear conversion to rows, which
    yields every row's columns in order, take a third of the time of sorting each row's
    columns (random) directly. The matrix is the same.
    """
    weights = np.ones(rows.size, dtype=np.float32) if values is None else values
    by_column = sp.csc_matrix((weights, (rows, columns)), shape=shape, dtype=np.float32)  # duplicates summed
    counts = by_column.tocsr()
    counts.sum_duplicates()  # no-ops (checked in linear time): the conversion gives canonical rows
    counts.sort_indices()
    return counts
