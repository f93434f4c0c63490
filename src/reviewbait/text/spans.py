"""Scoring units as runs of whitespace-separated words, so overlapping windows share their counts.

Why: a long text is scored whole and in windows that overlap by half (:func:`reviewbait.model.make_units`),
so every character was split into words, tokenized and looked up in the vocabularies about
2.4 times. Both n-gram analyzers read a text one whitespace-separated word at a time: the
character n-grams (``char_wb``) never cross a word, and the word tokens (a maximal run of word
characters, or one symbol) never hold white space. So a unit's counts are those of its words,
and a window, cut out of a text, is: the end of the word the cut falls in, the text's words
that lie wholly inside it, and the start of the word the other cut falls in (``text[a:b]
.split()`` gives exactly these pieces). Every word of a text is counted once; a window only
adds the (at most two) pieces it cuts.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["UnitPieces", "concatenated_ranges", "unit_pieces"]

_NON_SPACE = re.compile(r"\S+")  # re's \s and str.split() both split on str.isspace() characters


@dataclass(frozen=True, slots=True)
class UnitPieces:
    """The words of a batch's units.

    The batch's pieces are every word of every text (in order), then the pieces of words cut
    by a window's edges; ``occurrence[i]`` says which of the ``distinct`` strings piece ``i``
    is (a word is counted once however often it occurs: "the", "und", "好评"). Unit
    ``unit[r]`` is made of pieces ``lo[r]:hi[r]`` over its ranges ``r`` (in order, at most
    three per unit).
    """

    distinct: list[str]
    occurrence: np.ndarray
    unit: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n_units: int

    def unit_rows(self, first: np.ndarray, levels: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the units, given each distinct piece's rows ``first[d]:first[d + 1]`` of
        some array: the positions of those rows, unit after unit and piece after piece, and
        the unit each one belongs to.

        With ``levels``, each piece has that many runs of rows, level after level:
        ``first[level * len(distinct) + d]:first[level * len(distinct) + d + 1]`` (the rows
        come level by level, each level unit after unit)."""
        pieces = concatenated_ranges(self.lo, self.hi)
        owners = np.repeat(self.unit, self.hi - self.lo)
        which = self.occurrence[pieces]
        if levels != 1:
            which = (which + len(self.distinct) * np.arange(levels, dtype=np.int64)[:, None]).ravel()
            owners = np.tile(owners, levels)
        if first.size and first[-1] < 2**31:  # 32-bit positions: half the memory to move
            first = first.astype(np.int32)
            owners = owners.astype(np.int32)
        starts, stops = first[which], first[which + 1]
        return concatenated_ranges(starts, stops), np.repeat(owners, stops - starts)


def _word_starts(text: str, words: list[str]) -> list[int]:
    """Where each word of ``text.split()`` starts."""
    if sum(map(len, words)) + len(words) - 1 == len(text):  # one white space between words, none around
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words)) + 1
        return [0, *np.cumsum(lengths[:-1]).tolist()]
    return [m.start() for m in _NON_SPACE.finditer(text)]


def unit_pieces(texts: Sequence[str], spans: Sequence[tuple[int, int, int]]) -> UnitPieces:
    """The pieces of unit ``u``, ``texts[k][a:b]`` for ``spans[u] == (k, a, b)``: the words of
    ``texts[k][a:b].split()``, as ranges of one list of pieces."""
    pieces: list[str] = []
    words_of: list[list[str]] = []
    first: list[int] = []
    for text in texts:
        words = text.split()
        first.append(len(pieces))
        words_of.append(words)
        pieces.extend(words)
    starts_of: dict[int, list[int]] = {}
    cut: list[str] = []  # pieces of cut words, appended after the texts' words
    n_words = len(pieces)
    units: list[int] = []
    los: list[int] = []
    his: list[int] = []

    def add(unit: int, lo: int, hi: int) -> None:
        units.append(unit)
        los.append(lo)
        his.append(hi)

    for unit, (k, a, b) in enumerate(spans):
        text, words, base = texts[k], words_of[k], first[k]
        if a <= 0 and b >= len(text):
            add(unit, base, base + len(words))
            continue
        if a >= b:
            continue  # an empty unit has no words
        starts = starts_of.get(k)
        if starts is None:
            starts = starts_of[k] = _word_starts(text, words)
        i = bisect_right(starts, a) - 1  # the word starting at or before a, if any
        if i < 0 or starts[i] + len(words[i]) <= a:
            i += 1  # a falls in white space (or before the first word): the next word is whole
        j = bisect_left(starts, b)  # the words before j start before b
        if i < j and starts[i] < a:  # a cuts word i
            add(unit, n_words + len(cut), n_words + len(cut) + 1)
            cut.append(text[a : min(starts[i] + len(words[i]), b)])
            i += 1
        last_cut = i < j and starts[j - 1] + len(words[j - 1]) > b
        if i < j - last_cut:
            add(unit, base + i, base + j - last_cut)
        if last_cut:  # b cuts word j - 1
            add(unit, n_words + len(cut), n_words + len(cut) + 1)
            cut.append(text[starts[j - 1] : b])
    pieces.extend(cut)
    position: dict[str, int] = {}  # each distinct piece's number, in order of first occurrence
    occurrence = [position.setdefault(piece, len(position)) for piece in pieces]
    return UnitPieces(
        list(position),
        np.asarray(occurrence, dtype=np.int64),
        np.asarray(units, dtype=np.int64),
        np.asarray(los, dtype=np.int64),
        np.asarray(his, dtype=np.int64),
        len(spans),
    )


def concatenated_ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """``np.concatenate([np.arange(a, b) for a, b in zip(starts, stops)])``, without the loop."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # 32-bit starts give 32-bit positions when they fit (half the memory to move), else 64-bit
    kind = np.int32 if starts.dtype == np.int32 and total < 2**31 else np.int64
    offsets = np.cumsum(lengths, dtype=kind) - lengths  # where each range begins in the result
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=kind)
