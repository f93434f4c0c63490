"""Vectorized counting of word 1- and 2-grams, exactly as scikit-learn's ``word`` analyzer.

Why: after character n-grams (see :mod:`reviewbait.text.char_ngrams`), building and looking up
every bigram string in Python was the next largest cost of scoring. Here each batch is
tokenized with the vectorizer's own token pattern, every token is mapped to an integer id
(one dict lookup, no string building), and unigrams and bigrams become integer keys matched
against the fitted vocabulary with one hash lookup (:class:`reviewbait.text.hashindex.KeyIndex`).

Exactness: a vocabulary entry is one token or two tokens joined by a space (tokens never hold
a space), so its tokens get ids 1..T and the entry an integer key; a token outside every
entry gets id 0 and any n-gram holding it is dropped, since it cannot be in the vocabulary.
Tests compare the counts with ``CountVectorizer(analyzer="word")``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import repeat

import numpy as np
import scipy.sparse as sp

from reviewbait.text.hashindex import KeyIndex, count_matrix
from reviewbait.text.spans import UnitPieces

__all__ = ["PIECEWISE_PATTERNS", "WordNgramCounter"]

# Token patterns whose tokens are maximal runs of word characters (of some least length) or
# single symbols: a text's tokens are those of its whitespace-separated words, in order.
# Each maps to that least length: a word of only word characters (``str.isalnum()``, the
# engine's own test of ``\w`` but for "_") is one token when it is that long, else none.
PIECEWISE_PATTERNS = {r"(?u)\b\w+\b|[$€£¥%→=]": 1, r"(?u)\b\w\w+\b": 2}


class WordNgramCounter:
    """Counts the word 1-2-grams of a fixed vocabulary in batches of texts.

    ``WordNgramCounter.from_vocabulary(v.vocabulary_, v.token_pattern, v.ngram_range)`` returns
    ``None`` for n-gram ranges other than (1, 1), (1, 2) and (2, 2); the caller then keeps
    scikit-learn's own counting.
    """

    def __init__(
        self, tokens: list[str], keys: np.ndarray, columns: np.ndarray, pattern: str, ngram_range: tuple[int, int]
    ):
        self.ids = {token: i + 1 for i, token in enumerate(tokens)}
        self._index = KeyIndex(keys)  # n-gram keys; a hash lookup
        self.columns = columns
        self._columns = columns.astype(np.int32) if columns.size < 2**31 else columns  # what counting gathers
        self.base = len(tokens) + 1
        self.min_n, self.max_n = ngram_range
        self.n_features = int(columns.size)
        self.token_pattern = pattern
        self._findall = re.compile(pattern).findall
        self.piecewise = pattern in PIECEWISE_PATTERNS
        self._shortest_word = PIECEWISE_PATTERNS.get(pattern, 0)
        self._marked_ids = {**self.ids, "\x00": -1}

    @classmethod
    def from_vocabulary(
        cls, vocabulary: Mapping[str, int], token_pattern: str, ngram_range: tuple[int, int]
    ) -> WordNgramCounter | None:
        if ngram_range not in ((1, 1), (1, 2), (2, 2)):
            return None
        parts = {term: term.split(" ") for term in vocabulary}
        if any(len(p) > 2 or "" in p for p in parts.values()):
            return None
        tokens = sorted({token for p in parts.values() for token in p})
        ids = {token: i + 1 for i, token in enumerate(tokens)}
        base = len(tokens) + 1
        keys = np.fromiter(
            (ids[p[0]] if len(p) == 1 else base * ids[p[0]] + ids[p[1]] + base * base for p in parts.values()),
            dtype=np.int64,
            count=len(parts),
        )
        columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))
        return cls(tokens, keys, columns, token_pattern, ngram_range)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Count matrix (``len(texts)`` × vocabulary size, float32), as CountVectorizer would give."""
        n_docs = len(texts)
        per_doc = [self._findall(text) for text in texts]
        lengths = np.fromiter((len(t) for t in per_doc), dtype=np.int64, count=n_docs)
        flat = [token for tokens in per_doc for token in tokens]
        # map() calls dict.get in C: no Python frame per token, as a generator would have
        ids = np.fromiter(map(self.ids.get, flat, repeat(0)), dtype=np.int64, count=len(flat))
        return self._count(ids, np.repeat(np.arange(n_docs, dtype=np.int64), lengths), n_docs)

    def transform_pieces(self, units: UnitPieces) -> sp.csr_matrix:
        """The count matrix of the units described by ``units`` (one row per unit), as
        :meth:`transform` of the units' texts gives it, tokenizing each piece once.

        Only for a token pattern in ``PIECEWISE_PATTERNS`` (``piecewise``): its tokens hold no
        white space and a token at the edge of a piece is one at the edge of the text, so a
        unit's tokens are its pieces' tokens in order (bigrams do span pieces, as in the text).
        """
        if not self.piecewise:
            raise ValueError(f"token pattern {self.token_pattern!r} cannot be counted piece by piece")
        pieces = units.distinct
        # each piece's tokens, then a NUL that marks its end; most pieces are plain words,
        # their own one token, and only the others are scanned by the pattern
        tokens: list[str] = []
        add, extend, findall, shortest = tokens.append, tokens.extend, self._findall, self._shortest_word
        for piece in pieces:
            if piece.isalnum():
                if len(piece) >= shortest:
                    add(piece)
            else:
                extend(findall(piece))
            add("\x00")
        if tokens:
            tokens.pop()  # no mark after the last piece
        marked = np.fromiter(map(self._marked_ids.get, tokens, repeat(0)), dtype=np.int64, count=len(tokens))
        mark = marked < 0
        piece_of_token = np.cumsum(mark)[~mark]  # the marks before a token: the piece it is in
        ids = marked[~mark]
        first_token = np.searchsorted(piece_of_token, np.arange(len(pieces) + 1, dtype=np.int64))
        tokens_in_order, doc = units.unit_rows(first_token)
        return self._count(ids[tokens_in_order], doc, units.n_units)

    def _count(self, ids: np.ndarray, doc: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """Counts of the unigrams and bigrams of token ids ``ids`` (0: in no vocabulary entry),
        the tokens of document ``doc[i]`` consecutive and in order."""
        found_docs: list[np.ndarray] = []
        candidates: list[np.ndarray] = []
        if self.min_n == 1:
            known = ids > 0
            found_docs.append(doc[known])
            candidates.append(ids[known])
        if self.max_n == 2 and ids.size > 1:
            same_doc = doc[1:] == doc[:-1]
            known = same_doc & (ids[:-1] > 0) & (ids[1:] > 0)
            found_docs.append(doc[1:][known])
            candidates.append(self.base * ids[:-1][known] + ids[1:][known] + self.base * self.base)
        rows = np.concatenate(found_docs) if found_docs else np.zeros(0, dtype=np.int64)
        wanted = np.concatenate(candidates) if candidates else np.zeros(0, dtype=np.int64)
        slot = self._index.get_indexer(wanted)
        hit = slot >= 0
        counts = count_matrix(rows[hit], self._columns[slot[hit]], (n_docs, self.n_features))
        return counts
