"""Undo what evaders do to text, keeping a map from every output character back to the input.

Solicitations are written to slip past keyword filters: ``r3v1ew``, ``R**fund``,
``r e v i e w``, Cyrillic look-alikes, zero-width joiners, ``5⭐ = 🎁``. The model and the
cue finder read the *normalized* text, while moderators must see evidence in the *original*
text, so every step here records, for each output character, the span of input characters it
came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["NormalizedText", "normalize", "normalize_text"]

from reviewbait.lexicon.disguise import EMOJI_WORDS as _EMOJI_WORDS
from reviewbait.lexicon.disguise import HOMOGLYPHS as _HOMOGLYPHS
from reviewbait.lexicon.disguise import INVISIBLE as _INVISIBLE
from reviewbait.lexicon.disguise import KEYWORDS
from reviewbait.lexicon.disguise import LEET as _LEET
from reviewbait.lexicon.han import TRADITIONAL_TO_SIMPLIFIED as _SIMPLIFIED
from reviewbait.text.superscan import Utf8Text, compile_search, superset_finditer, superset_for_re2

_HOMOGLYPH_TABLE = str.maketrans(_HOMOGLYPHS)
# one of the look-alikes: a character class is searched in C, a set is hashed character by character
_HOMOGLYPH_CHAR = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_HOMOGLYPHS)) + "]")
# At the edge of a word only these are read as letters: "fr33", "$ave"; never "mate10", "b4", "wow!".
_EDGE_LEET = frozenset("3@$€")

_SEPARATORS = " .-_*·|/~•"
_SPACED_LETTERS = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-_*·|/~•]){2,}[^\W\d_](?![^\W\d_])")
_REPEATS = re.compile(r"(\S)\1{2,}")
_SPACES = re.compile(r"\s{2,}")
# a token with a letter next to a leetspeak substitute: the only ones worth decoding. The
# lookbehind only lets a match start where a token starts (a match always did: this just stops
# the engine from retrying, and backtracking, at every position inside every token).
_TOKEN = re.compile(r"(?<![\w@$!|€+])[\w@$!|€+]*(?:[^\W\d_][0-9@$!|€+]|[0-9@$!|€+][^\W\d_])[\w@$!|€+]*")
_MASKED = re.compile(r"[^\W\d_]+(?:[*#•_]+[^\W\d_]*)+")
_WORD = re.compile(r"\w+")


def _rejoin_pattern(words: Iterable[str]) -> re.Pattern[str]:
    sep = r"[.\-_*·|/~•]{0,2}"
    alternatives = sorted({w for w in words if len(w) >= 5}, key=lambda w: (-len(w), w))  # same in every run
    body = "|".join(sep.join(re.escape(ch) for ch in w) for w in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


_REJOIN = _rejoin_pattern(KEYWORDS)
# cheap triggers: skip a pass when its pattern cannot match
_SPLIT_INSIDE_WORD = re.compile(r"[^\W\d_][.\-_*·|/~•]{1,2}[^\W\d_]")
_MASK_INSIDE_WORD = re.compile(r"[^\W\d_][*#•_]")
_MASK_CHARS = "*#•_"  # one of them is in every masked word: a quick test before the pattern


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalized text plus, per character, the span of the original text it came from.

    ``starts`` and ``ends`` are tuples, or ``range`` objects where the normalized text maps
    one to one onto a stretch of the original (most texts): no list of a million numbers
    to build for a long review, and a window's slice of them costs nothing.
    """

    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    original: str

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalized text to the original text."""
        if not self.text or end <= start:
            return (0, 0)
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return (self.starts[start], self.ends[end - 1])


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """NFKC + casefold of one character; whitespace and control characters become a space."""
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Co", "Cn") or ch.isspace():
        return " "
    emoji_word = _EMOJI_WORDS.get(ch)
    if emoji_word is not None:
        return f" {emoji_word} "
    folded = unicodedata.normalize("NFKC", ch).casefold()
    # a traditional Chinese character reads as its simplified form (評 as 评): the lexicon is simplified
    return _SIMPLIFIED.get(folded, folded)


_ASCII_CONTROL = {i: " " for i in range(32)} | {127: " "}
_MARKS = ("Mn", "Me")


@lru_cache(maxsize=65536)
def _fold_or_none(ch: str) -> str | None:
    """The folded form of ``ch``, "" for invisible characters, None for combining marks."""
    if ch in _INVISIBLE:
        return ""
    if unicodedata.category(ch) in _MARKS:
        return None
    return _fold_char(ch)


# What the fast path of _fold knows of every character it has seen: its folded form (for
# str.translate), and whether it is a combining mark or folds to other than one character.
# Entries are only ever added (threads may share them), up to a bound a hostile text cannot
# push memory past; beyond it, texts build their own table.
_FOLDS: dict[int, str] = {}
_MARK_CHARS: set[str] = set()
_UNEVEN_CHARS: set[str] = set()  # fold to "" or to several characters
_KNOWN_CHARS: set[str] = set()
_KNOWN_LIMIT = 200_000


def _learn(chars: set[str]) -> None:
    for ch in chars:
        out = _fold_or_none(ch)
        if out is None:
            _MARK_CHARS.add(ch)
        else:
            _FOLDS[ord(ch)] = out
            if len(out) != 1:
                _UNEVEN_CHARS.add(ch)
    _KNOWN_CHARS.update(chars)  # last: a character is known once everything about it is set


def _fold(text: str) -> State:
    """First pass: per-character folding with the original span of each output character.

    Fast path: one ``str.translate``; the spans are ranges when every character folds to
    exactly one, and otherwise come from an ``np.repeat`` of positions by output lengths (read
    with a second ``translate``); combining marks need the slow path, which composes them
    with the character before.
    """
    if text.isascii():
        folded = text.translate(_ASCII_CONTROL).lower()
        n = len(folded)
        return folded, range(n), range(1, n + 1)
    chars = set(text)
    new = chars - _KNOWN_CHARS
    if new and len(_KNOWN_CHARS) + len(new) <= _KNOWN_LIMIT:
        _learn(new)
        new = set()
    if new:  # the shared table is full: this text's own
        return _fold_with_table(text, chars)
    if not _MARK_CHARS.isdisjoint(chars):
        return _fold_slow(text)
    folded = text.translate(_FOLDS)
    if _UNEVEN_CHARS.isdisjoint(chars):
        n = len(folded)
        return folded, range(n), range(1, n + 1)
    return folded, *_spans_by_length(text, {ord(ch): _FOLDS[ord(ch)] for ch in chars})


def _fold_with_table(text: str, chars: set[str]) -> State:
    table: dict[int, str] = {}
    for ch in chars:
        out = _fold_or_none(ch)
        if out is None:
            return _fold_slow(text)
        table[ord(ch)] = out
    folded = text.translate(table)
    if all(len(v) == 1 for v in table.values()):
        n = len(folded)
        return folded, range(n), range(1, n + 1)
    return folded, *_spans_by_length(text, table)


def _spans_by_length(text: str, table: dict[int, str]) -> tuple[list[int], list[int]]:
    """Original spans of the folded characters: each character's output length, read as a
    character for all of them at once, repeats its position."""
    widths = text.translate({k: chr(len(v)) for k, v in table.items()}).encode("utf-32-le")
    lengths = np.frombuffer(widths, dtype=np.uint32)
    starts = np.repeat(np.arange(len(text), dtype=np.int64), lengths)
    return starts.tolist(), (starts + 1).tolist()


def _fold_slow(text: str) -> State:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        out = _fold_or_none(ch)
        if out is None:
            if chars:
                composed = unicodedata.normalize("NFC", chars[-1] + ch)
                if len(composed) == 1:
                    chars[-1] = composed
                    ends[-1] = i + 1
            continue  # a stray combining mark (strike-through, keycap) carries no letter
        for c in out:
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
    return "".join(chars), starts, ends


Piece = tuple[str, int, int]  # replacement text, and the [from, to) span of the current string
Rewriter = Callable[[re.Match[str]], list[Piece] | None]
State = tuple[str, Sequence[int], Sequence[int]]  # text, and each character's original span


def _rewrite(state: State, matches: Iterator[re.Match[str]], fn: Rewriter) -> State:
    """Apply ``fn`` to every match (of a pattern in ``state``'s text), carrying original spans along."""
    text, starts, ends = state
    out_t: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    pos = 0
    changed = False
    for m in matches:
        pieces = fn(m)
        if pieces is None:
            continue
        changed = True
        out_t.append(text[pos : m.start()])
        out_s.extend(starts[pos : m.start()])
        out_e.extend(ends[pos : m.start()])
        for piece, a, b in pieces:
            out_t.append(piece)
            out_s.extend([starts[a]] * len(piece))
            out_e.extend([ends[b - 1]] * len(piece))
        pos = m.end()
    if not changed:
        return state
    out_t.append(text[pos:])
    out_s.extend(starts[pos:])
    out_e.extend(ends[pos:])
    return "".join(out_t), out_s, out_e


# RE2 supersets of the passes' patterns (see :mod:`reviewbait.text.superscan`): Python's engine
# then tries only where they match. ``[^\W\d_]`` (a letter) is held by ``_LETTER``: Python's
# letters are categories L*, and its other alphanumerics that are not decimal digits are Nl,
# No (tested over every code point).
_LETTER = r"[\p{L}\p{Nl}\p{No}]"
_SUPERSETS: dict[re.Pattern[str], str] = {
    _TOKEN: rf"[\p{{L}}\p{{N}}\p{{M}}_@$!|€+]*(?:{_LETTER}[0-9@$!|€+]|[0-9@$!|€+]{_LETTER})",
    _SPACED_LETTERS: rf"(?:{_LETTER}[ .\-_*·|/~•]){{2,}}{_LETTER}",
    _SPLIT_INSIDE_WORD: rf"{_LETTER}[.\-_*·|/~•]{{1,2}}{_LETTER}",
    _REJOIN: superset_for_re2(_REJOIN.pattern),
    _SPACES: superset_for_re2(_SPACES.pattern),
    # a character three times: every ASCII one spelled out (RE2 has no back references), any
    # three non-ASCII characters in a row for the rest (Chinese text still goes to Python's engine)
    _REPEATS: "|".join(f"\\x{code:02x}{{3}}" for code in range(128)) + r"|[^\x00-\x7f]{3}",
}
_PYTHON_ONLY_TEXTS = 50  # texts normalized before the RE2 programs are compiled (a cold start's single check)


class _Scanner:
    """The matches of the passes' patterns in the current text, tried only where the RE2
    supersets match; the text is encoded for RE2 once per version of it."""

    _programs: dict[re.Pattern[str], Callable[[bytes, int], int]] | None = None
    _texts = 0

    def __init__(self) -> None:
        programs = _Scanner._programs
        if programs is None:
            _Scanner._texts += 1
            if _Scanner._texts > _PYTHON_ONLY_TEXTS:
                programs = {p: compile_search(s) for p, s in _SUPERSETS.items()}
                _Scanner._programs = programs  # a race compiles them twice, harmlessly
        self.programs = programs
        self.text: str | None = None
        self.utf8: Utf8Text | None = None

    def _encoded(self, text: str) -> Utf8Text | None:
        if self.text is not text:
            self.text = text
            self.utf8 = Utf8Text.of(text)
        return self.utf8

    def finditer(self, pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
        utf8 = None if self.programs is None else self._encoded(text)
        if utf8 is None or self.programs is None:
            return pattern.finditer(text)
        return superset_finditer(pattern, self.programs[pattern], utf8)

    def may_match(self, pattern: re.Pattern[str], text: str) -> bool:
        """False only where ``pattern`` cannot match ``text`` (its superset does not)."""
        utf8 = None if self.programs is None else self._encoded(text)
        if utf8 is None or self.programs is None:
            return True
        return self.programs[pattern](utf8.data, 0) >= 0


def _homoglyphs(m: re.Match[str]) -> list[Piece] | None:
    token = m.group()
    if not any(ch in _HOMOGLYPHS for ch in token):
        return None
    has_latin = any("a" <= ch <= "z" for ch in token)
    all_confusable = all(ch in _HOMOGLYPHS or not ch.isalpha() for ch in token)
    if not (has_latin or all_confusable):
        return None  # a real Russian or Greek word, not a disguise
    return [(ch.translate(_HOMOGLYPH_TABLE), m.start() + i, m.start() + i + 1) for i, ch in enumerate(token)]


def _letters_only(m: re.Match[str]) -> list[Piece] | None:
    if not any(ch in _SEPARATORS for ch in m.group()):
        return None
    return [(ch, m.start() + i, m.start() + i + 1) for i, ch in enumerate(m.group()) if ch not in _SEPARATORS]


def _squeeze_repeats(m: re.Match[str]) -> list[Piece]:
    return [(m.group(1), m.start(), m.start() + 1), (m.group(1), m.start() + 1, m.end())]


def _squeeze_spaces(m: re.Match[str]) -> list[Piece]:
    return [(" ", m.start(), m.end())]


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


@lru_cache(maxsize=4096)
def _unmask(token: str) -> str | None:
    """Fill a masked word ("r**fund", "rev#ew") with the keyword it must be, if any."""
    letters = "".join(ch for ch in token if ch.isalpha())
    if len(letters) < 3:
        return None
    best = None
    for word in KEYWORDS:
        if word[0] != letters[0] or abs(len(word) - len(token)) > 1:
            continue
        if token[-1].isalpha() and word[-1] != token[-1]:
            continue
        if _is_subsequence(letters, word) and (best is None or len(word) > len(best)):
            best = word
    return best


def _masked(m: re.Match[str]) -> list[Piece] | None:
    word = _unmask(m.group())
    if word is None:
        return None
    return [(word, m.start(), m.end())]


_FOR_SWAP = re.compile(r"([^\W\d_]+)4\1", re.IGNORECASE)


def _leet(m: re.Match[str]) -> list[Piece] | None:
    token = m.group()
    if not any(ch in _LEET for ch in token) or not any(ch.isalpha() for ch in token):
        return None
    if any(ch.isalpha() and ord(ch) > 0x24F for ch in token):
        return None  # not Latin script: a digit beside a Chinese character is a number ("给8块")
    if _FOR_SWAP.fullmatch(token):
        return None  # "r4r", "l4l", "rezi4rezi": 4 is "for" in a swap, not a leet "a"
    n = len(token)
    alpha = [ch.isalpha() for ch in token]
    first = alpha.index(True)
    last = n - 1 - alpha[::-1].index(True)
    out = list(token)
    changed = False
    for i, ch in enumerate(token):
        if ch not in _LEET:
            continue
        interior = first < i < last
        # edge runs: only when they touch a letter and consist of unambiguous substitutes
        if not interior:
            run = token[last + 1 :] if i > last else token[:first]
            if not run or len(run) > 3 or not all(c in _EDGE_LEET for c in run):
                continue
        out[i] = _LEET[ch]
        changed = True
    if not changed:
        return None
    return [(c, m.start() + i, m.start() + i + 1) for i, c in enumerate(out)]


def normalize(text: str) -> NormalizedText:
    """Normalize ``text`` for matching, with a map back to the original characters.

    Steps: NFKC + casefold, traditional Chinese characters read as simplified ones, invisible
    characters dropped, emoji read as words, homoglyphs mapped to Latin, masked keywords filled
    in, leetspeak inside words decoded, spaced or dotted letters and split keywords joined, runs
    of 3+ equal characters cut to 2, white space collapsed. Numbers such as "5 stars" or "$10"
    are left as they are.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() expects str, got {type(text).__name__}")
    state = _fold(text)
    scan = _Scanner()
    if not text.isascii() and _HOMOGLYPH_CHAR.search(state[0]) is not None:
        state = _rewrite(state, _WORD.finditer(state[0]), _homoglyphs)
    if any(ch in state[0] for ch in _MASK_CHARS) and _MASK_INSIDE_WORD.search(state[0]):
        state = _rewrite(state, _MASKED.finditer(state[0]), _masked)
    state = _rewrite(state, scan.finditer(_TOKEN, state[0]), _leet)
    state = _rewrite(state, scan.finditer(_SPACED_LETTERS, state[0]), _letters_only)
    if scan.may_match(_SPLIT_INSIDE_WORD, state[0]) and _SPLIT_INSIDE_WORD.search(state[0]):
        state = _rewrite(state, scan.finditer(_REJOIN, state[0]), _letters_only)
    if scan.may_match(_REPEATS, state[0]):
        state = _rewrite(state, _REPEATS.finditer(state[0]), _squeeze_repeats)
    state = _rewrite(state, scan.finditer(_SPACES, state[0]), _squeeze_spaces)
    folded, starts, ends = state
    lo, hi = 0, len(folded)
    while lo < hi and folded[lo] == " ":
        lo += 1
    while hi > lo and folded[hi - 1] == " ":
        hi -= 1
    return NormalizedText(folded[lo:hi], _frozen(starts[lo:hi]), _frozen(ends[lo:hi]), text)


def _frozen(positions: Sequence[int]) -> Sequence[int]:
    return positions if isinstance(positions, range | tuple) else tuple(positions)


def normalize_text(text: str) -> str:
    """Only the normalized string (what the vectorizers read)."""
    return normalize(text).text
