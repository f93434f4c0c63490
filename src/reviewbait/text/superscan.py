"""Python's regex matches, tried only where an RE2 superset of the pattern can match.

Why: Python's engine tries a large alternation at every position of a text; the cue lexicon
has alternatives that start with a class (``\\d``, ``[₱₩₺₽₦฿]``, an optional group), so it
cannot skip ahead by first character, and scanning long reviews for cues was a quarter of
scoring. RE2 (linear-time automata) finds where a *superset* of the pattern matches (the
pattern with its lookarounds dropped and its classes widened, see
:func:`superset_for_re2`), and Python's engine then only tries those
positions.

Exactness: Python's ``finditer`` tries a match at each position from the start, yields the
first that succeeds and goes on from its end. A position where the pattern matches is one
where the superset matches, so RE2's leftmost superset match from a position is never past
Python's next match: trying Python's ``match`` there, and one character further on a
failure, yields the same matches in the same order. Lookbehinds still see the text before
the position (``pattern.match(text, pos)`` does not cut the text). After an empty match
the rest is left to Python's own ``finditer``, whose rules for empty matches then apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import re2

__all__ = ["Utf8Text", "byte_search", "compile_search", "superset_finditer", "superset_for_re2"]

_LOOKAROUND = re.compile(r"\(\?<?[!=]")
# Python's classes are Unicode-wide, RE2's escapes ASCII-only: widen them (inside a class,
# without the brackets). Every replacement matches at least what the original matched. A word
# character is any non-ASCII one: Unicode's letters, numbers and marks are hundreds of byte
# ranges, whose automaton states cost each process more to build (0.5 s to compile the cue
# kinds' supersets, 0.4 s more of the first 2,600 review texts) than the few extra candidates
# cost Python's engine (the cue search's steady rate is the same). Digits stay narrow: Chinese
# text is all "non-ASCII digits", and its candidates would cost a third more.
_WIDER = {
    "\\w": "0-9A-Za-z_\\x{80}-\\x{10ffff}",
    "\\d": "\\p{N}",
    "\\s": "\\s\\p{Z}\\x{85}\\x{1c}-\\x{1f}\\x{0b}",
}


def superset_for_re2(pattern: str) -> str:
    """The pattern with every lookaround and word boundary dropped and classes widened, for RE2.

    Dropping a lookaround or a ``\\b`` only removes a condition (RE2's ``\\b`` is ASCII's, which
    would miss Python's next to a non-ASCII letter), and widening a class only admits more,
    so the result matches every text the Python pattern matches (and maybe more). There is
    no negated class in the lexicon; one would make this unsound, so it is refused.
    """
    if "[^" in pattern:
        raise ValueError("negated classes cannot be widened safely")
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        lookaround = None if in_class else _LOOKAROUND.match(pattern, i)
        if lookaround:  # skip to the matching parenthesis
            depth, j = 1, lookaround.end()
            while depth:
                ch = pattern[j]
                if ch == "\\":
                    j += 2
                    continue
                depth += (ch == "(") - (ch == ")")
                j += 1
            i = j
            continue
        ch = pattern[i]
        if ch == "\\":
            escape = pattern[i : i + 2]
            if not in_class and escape in ("\\b", "\\B"):  # a boundary: a condition, dropped
                i += 2
                continue
            wider = _WIDER.get(escape)
            out.append(escape if wider is None else (wider if in_class else f"[{wider}]"))
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class and pattern[i - 1] != "[":
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def byte_search(program: Any) -> Callable[[bytes, int], int]:
    """``program``'s leftmost match start in UTF-8 bytes from a byte offset, or -1.

    The public ``search`` builds a generator and a match object per call, which cost more
    than the search itself when it is called at every candidate; the compiled program's own
    ``Match`` is called directly when this version of ``google-re2`` has it (checked on a
    probe against ``search``), else ``search`` is used.
    """
    regexp = getattr(program, "_regexp", None)
    anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)

    def public(data: bytes, at: int) -> int:
        hit = program.search(data, at)
        return -1 if hit is None else int(hit.start())

    if regexp is None or anchor is None:
        return public

    def direct(data: bytes, at: int) -> int:
        return int(regexp.Match(anchor, data, at, len(data))[0][0])

    try:
        probe = b"\xc3\xa9 xx review swap 5 stars \xe5\xa5\xbd\xe8\xaf\x84"
        if all(direct(probe, at) == public(probe, at) for at in range(len(probe) + 1)):
            return direct
    except Exception:  # a changed private API: keep the public one
        pass
    return public


def compile_search(pattern: str, *, max_mem: int = 64 << 20) -> Callable[[bytes, int], int]:
    """:func:`byte_search` of ``pattern`` (RE2 syntax) compiled with a memory budget of
    ``max_mem`` bytes: the lexicon's alternations are large, and RE2's default budget (8 MB)
    makes it fall back from its DFA on them."""
    options = re2.Options()
    options.max_mem = max_mem
    return byte_search(re2.compile(pattern, options))


class Utf8Text:
    """A text and its UTF-8 bytes (what RE2 reads).

    Raises ``UnicodeEncodeError`` for a text with lone surrogates (no UTF-8 exists): the
    caller then scans with Python alone (:meth:`of` returns None instead).
    """

    __slots__ = ("ascii", "data", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8")
        self.ascii = len(self.data) == len(text)  # then byte and character offsets are the same

    @classmethod
    def of(cls, text: str) -> Utf8Text | None:
        """The text encoded, or None when it has lone surrogates (Python's engine alone)."""
        try:
            return cls(text)
        except UnicodeEncodeError:
            return None


def superset_finditer(
    pattern: re.Pattern[str], search: Callable[[bytes, int], int], text: Utf8Text
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text.text)``, found by trying ``pattern`` only where
    a superset of it matches: ``search`` is :func:`byte_search` of a compiled ``re2`` program
    that matches wherever ``pattern`` does.

    Offsets are carried along in characters and in bytes (converting only the stretch between
    two positions): the text is encoded once, and no offset is converted from its start.
    """
    string, data, ascii = text.text, text.data, text.ascii
    match = pattern.match
    size = len(string)
    position = at = 0  # the same place, in characters and in bytes
    while position <= size:
        hit_at = search(data, at)
        if hit_at < 0:
            return
        start = hit_at if ascii else position + len(data[at:hit_at].decode("utf-8"))
        found = match(string, start)
        if found is None:
            if start >= size:
                return
            position = start + 1
            at = position if ascii else hit_at + len(string[start].encode("utf-8"))
            continue
        end = found.end()
        if end == start:  # an empty match: Python's rules for what follows it
            yield from pattern.finditer(string, start)
            return
        yield found
        position = end
        at = end if ascii else hit_at + len(string[start:end].encode("utf-8"))
