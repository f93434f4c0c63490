"""Vectorized counting of character n-grams, exactly as scikit-learn's ``char_wb`` analyzer.

Why: counting ``char_wb`` n-grams was the largest single cost of scoring (a Python loop
that slices every n-gram of every word and looks each one up in a dict). Here the n-grams
of a whole batch are turned into exact 64-bit keys with NumPy and matched against the
fitted vocabulary with one exact hash lookup (:class:`reviewbait.text.hashindex.KeyIndex`); the keys are
exact, so there are no collisions.

Exactness: every character of the vocabulary gets a small code (1..2**bits-1); an n-gram of
up to ``max_n`` characters packs into one integer (``bits * max_n <= 63``). A character that
is in no vocabulary entry gets code 0, and so does the separator between padded words, so
any window holding one can be dropped: it cannot be in the vocabulary. scikit-learn's
``char_wb`` takes, for each whitespace-separated word padded with one space on each side,
every substring of length n in the n-gram range with n no longer than the padded word;
these are exactly the windows that contain no code 0 here. Tests compare the counts with
``CountVectorizer(analyzer="char_wb")`` on random and real texts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from reviewbait.text.hashindex import KeyIndex, count_matrix
from reviewbait.text.spans import UnitPieces

__all__ = ["CharNgramCounter"]

_SEPARATOR = "\x00"  # between padded words and between texts; always code 0


class CharNgramCounter:
    """Counts the ``char_wb`` n-grams of a fixed vocabulary in batches of texts.

    ``CharNgramCounter.from_vocabulary(vectorizer.vocabulary_, vectorizer.ngram_range)``
    returns ``None`` when the vocabulary cannot be packed exactly (too many distinct
    characters for the n-gram length); the caller then keeps scikit-learn's own counting.
    """

    def __init__(self, alphabet: str, bits: int, keys: np.ndarray, columns: np.ndarray, ngram_range: tuple[int, int]):
        self.alphabet = alphabet
        self.bits = bits
        self._index = KeyIndex(keys)  # packed n-gram keys; a hash lookup, 3-4x faster than searchsorted
        self.columns = columns  # column index of each key
        self._columns = columns.astype(np.int32) if columns.size < 2**31 else columns  # what counting gathers
        self.min_n, self.max_n = ngram_range
        self.n_features = int(columns.size)
        codes = np.zeros(0x110000, dtype=np.uint16)
        codes[np.frombuffer(alphabet.encode("utf-32-le"), dtype=np.uint32)] = np.arange(
            1, len(alphabet) + 1, dtype=np.uint16
        )
        self._codes = codes

    @classmethod
    def from_vocabulary(cls, vocabulary: Mapping[str, int], ngram_range: tuple[int, int]) -> CharNgramCounter | None:
        min_n, max_n = ngram_range
        terms = list(vocabulary)
        lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
        if min_n < 1 or (lengths.size and (lengths.min() < 1 or lengths.max() > max_n)):
            return None
        points = np.frombuffer("".join(terms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        alphabet_points = np.unique(points)  # sorted code points: the order of sorted(characters)
        bits = max(1, int(alphabet_points.size).bit_length())
        if bits * max_n > 63 or (alphabet_points.size and alphabet_points[0] == ord(_SEPARATOR)):
            return None
        alphabet = alphabet_points.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
        # every term's characters as codes 1..len(alphabet), packed left-aligned into one key
        codes = (np.searchsorted(alphabet_points, points) + 1).astype(np.uint64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if lengths.size else lengths
        keys = np.zeros(len(terms), dtype=np.uint64)
        for position in range(max_n):
            present = lengths > position
            shift = np.uint64(bits * (max_n - 1 - position))
            keys[present] |= codes[starts[present] + position] << shift
        columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms))
        return cls(alphabet, bits, keys, columns, ngram_range)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Count matrix (``len(texts)`` × vocabulary size, float32), as CountVectorizer would give."""
        # a NUL inside a word has code 0 as well, which drops its windows, as it should: no
        # vocabulary entry contains one
        pieces = []
        for text in texts:
            words = text.split()
            pieces.append(" " + " \x00 ".join(words) + " " if words else "")
        return self._count(pieces)

    def transform_pieces(self, units: UnitPieces) -> sp.csr_matrix:
        """The count matrix of the units described by ``units`` (one row per unit), as
        :meth:`transform` of the units' texts gives it: each distinct piece (a word, or the
        part of one a window cut) is counted once, and a unit's row is the sum of its pieces' rows.

        The pieces' n-grams are not counted into a matrix of their own first: each length's
        hits come out piece by piece, so the hits of (length, piece) are one run, gathered
        straight into the units' rows; one count matrix, of the units, sums them.
        """
        n_distinct = len(units.distinct)
        docs, columns = self._hits(units.distinct, padded=False)
        # (length, piece) runs in order: each length's pieces ascend, and the lengths follow each other
        kind = np.int32 if (len(docs) + 1) * n_distinct < 2**31 else np.int64  # searched without a cast
        runs = (
            np.concatenate([doc.astype(kind, copy=False) + level * n_distinct for level, doc in enumerate(docs)])
            if docs
            else np.zeros(0, dtype=kind)
        )
        first = np.searchsorted(runs, np.arange(len(docs) * n_distinct + 1, dtype=kind))
        entries, rows = units.unit_rows(first, levels=len(docs))
        all_columns = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
        return count_matrix(rows, all_columns[entries], (units.n_units, self.n_features))

    def _count(self, pieces: list[str]) -> sp.csr_matrix:
        """Counts of the padded words in ``pieces`` (each `` w `` or several joined by NUL), one row each."""
        n_docs = len(pieces)
        if n_docs == 0:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        docs, columns = self._hits(pieces)
        if docs:
            rows = np.concatenate(docs)
            cols = np.concatenate(columns)
        else:
            rows = cols = np.zeros(0, dtype=np.int64)
        return count_matrix(rows, cols, (n_docs, self.n_features))

    def _hits(self, pieces: list[str], padded: bool = True) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The vocabulary n-grams of ``pieces``: per length ``min_n..max_n``, the piece of each
        hit (ascending) and its column. Pieces not ``padded`` are words, each read as `` w ``."""
        found_docs: list[np.ndarray] = []
        found_columns: list[np.ndarray] = []
        n_docs = len(pieces)
        if n_docs == 0:
            return found_docs, found_columns
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=n_docs) + (1 if padded else 3)
        if padded:
            joined = _SEPARATOR.join(pieces) + _SEPARATOR
        else:  # " w1 \0 w2 \0": each word padded, a separator after each
            joined = " " + f" {_SEPARATOR} ".join(pieces) + f" {_SEPARATOR}"
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = self._codes[points].astype(np.uint64)
        doc = np.repeat(np.arange(n_docs, dtype=np.int32 if n_docs < 2**31 else np.int64), lengths)

        bits = self.bits
        key = np.zeros(codes.size, dtype=np.uint64)
        valid = np.ones(codes.size, dtype=bool)
        for n in range(1, self.max_n + 1):
            # windows of length n start at 0 .. size-n; extend the length n-1 windows by one char
            tail = codes[n - 1 :]
            size = tail.size
            key = key[:size] | (tail << np.uint64(bits * (self.max_n - n)))
            valid = valid[:size] & (tail != 0)
            if n < self.min_n:
                continue
            starts = np.flatnonzero(valid)
            candidates = key[starts]
            slot = self._index.get_indexer(candidates)
            hit = slot >= 0
            found_docs.append(doc[starts[hit]])
            found_columns.append(self._columns[slot[hit]])
        return found_docs, found_columns
