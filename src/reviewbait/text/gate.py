"""A cheap pre-filter: which texts could possibly be solicitations?

By definition a solicitation names a review act (a review, a rating, stars, a review
platform...). Most of a real stream (chat, promos, prize spam) names none, so the full model
only needs to see the rest. Incentives are too open-ended ("next pint's on us", "2x XP") to
gate on without losing recall, so the gate asks only for the review side.

It runs one RE2 program (``google-re2``: linear-time automata, compiled once per process)
over the whole batch as one buffer, on NFKC-normalized, lower-cased text: under 1 µs a text
on large and small batches alike. Arrow's RE2 kernels were tried first: as fast on large
batches, but they recompile the pattern on every call (about 7 ms), which dominated small
batches and single-text API calls. Key words are also matched in disguise (``r3v1ew``,
``r e v i e w``, ``R**fund``, Cyrillic look-alikes, zero-width characters). The stems are
deliberately broad: the gate may let through many texts, but it must not drop a
solicitation (tested on every positive row of the corpus and on obfuscated variants).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np
import re2

from reviewbait.lexicon import MODULES, gate_stems
from reviewbait.lexicon.disguise import HOMOGLYPHS as _HOMOGLYPHS
from reviewbait.lexicon.disguise import INVISIBLE as _INVISIBLE
from reviewbait.lexicon.disguise import LEET as _LEET
from reviewbait.lexicon.gate_stems import DISGUISED_REVIEW as _DISGUISED_REVIEW
from reviewbait.lexicon.han import TRADITIONAL_TO_SIMPLIFIED

__all__ = ["GATE_PATTERN", "REVIEW_PATTERN", "candidate_mask"]

GATE_STEM_KINDS = ("review", "removal", "value")


def stems(kind: str, shared: str, modules: dict[str, Any] | None = None) -> str:
    """The shared stems of ``kind`` plus each language module's ``GATE_STEMS[kind]``.

    A language keeps its gate stems in its own ``lexicon/<code>.py``; they are appended after
    the shared ones (whose order the lexicon fingerprint records). An unknown kind is an error.
    """
    parts = [shared]
    for language, module in (MODULES if modules is None else modules).items():
        extra = getattr(module, "GATE_STEMS", {})
        unknown = set(extra) - set(GATE_STEM_KINDS)
        if unknown:
            raise KeyError(f"lexicon/{language}.py: GATE_STEMS has {sorted(unknown)}; kinds are {GATE_STEM_KINDS}")
        if extra.get(kind):
            parts.append(extra[kind])
    return "|".join(parts)


def _traditional_forms() -> dict[str, str]:
    """Simplified character → itself and its traditional forms, sorted ("评" → "评評")."""
    forms: dict[str, set[str]] = {}
    for traditional, simplified in TRADITIONAL_TO_SIMPLIFIED.items():
        forms.setdefault(simplified, {simplified}).add(traditional)
    return {simplified: "".join(sorted(chars)) for simplified, chars in forms.items()}


def with_traditional(stems: str, forms: dict[str, str] | None = None) -> str:
    """``stems`` with each simplified Chinese character also matching its traditional forms
    (评 → [评評]). The gate reads text before normalization, which maps traditional characters
    to simplified ones; the stems hold CJK characters only as literals outside classes."""
    forms = _traditional_forms() if forms is None else forms
    return "".join(f"[{forms[ch]}]" if ch in forms else ch for ch in stems)


_REVIEW_STEMS = with_traditional(stems("review", gate_stems.REVIEW_STEMS))
_REMOVAL_STEMS = with_traditional(stems("removal", gate_stems.REMOVAL_STEMS))
_VALUE_STEMS = with_traditional(stems("value", gate_stems.VALUE_STEMS))

_SEPARATORS = "\\s.\\-_*·|/~•'" + "".join(sorted(_INVISIBLE))


def _letter_class(letter: str) -> str:
    options = {letter}
    options.update(k for k, v in _LEET.items() if v == letter)
    options.update(k for k, v in _HOMOGLYPHS.items() if v == letter)
    options.update("*#•")  # a masked letter
    return "[" + "".join(sorted(ch if ch not in "\\]^-[" else "\\" + ch for ch in options)) + "]"


def _disguised(word: str) -> str:
    gap = f"[{_SEPARATORS}]{{0,2}}"
    return gap.join(_letter_class(ch) for ch in word)


REVIEW_PATTERN = _REVIEW_STEMS + "|" + "|".join(_disguised(w) for w in _DISGUISED_REVIEW)

# One program for the whole rule: a review act, or a removal and a value in either order
# (RE2 has no lookahead; the gap between the two stays linear-time). A batch is scanned as
# one UTF-8 buffer with texts separated by NUL, which no part of the pattern can match or
# cross, so one search per *passing* text replaces one call per text.
_SEPARATOR = b"\x00"
GATE_PATTERN = (
    f"{REVIEW_PATTERN}|(?:{_REMOVAL_STEMS})[^\\x00]*(?:{_VALUE_STEMS})|(?:{_VALUE_STEMS})[^\\x00]*(?:{_REMOVAL_STEMS})"
)


@lru_cache(maxsize=1)
def _program() -> Any:
    """The compiled RE2 program: built once per process, shared by threads (RE2 is thread-safe)."""
    options = re2.Options()
    options.max_mem = 64 << 20  # the review alternation is large; RE2's default DFA budget is 8 MB
    return re2.compile(GATE_PATTERN.encode("utf-8"), options)


def _fold(text: str) -> bytes:
    """NFKC (skipped where it changes nothing: ASCII, or text that says it is NFKC) and lower
    case, as UTF-8.

    A NUL becomes a space so that it cannot act as a separator; lone surrogates cannot be
    UTF-8 and become "?", for the gate only.
    """
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):  # a quick check first
        text = unicodedata.normalize("NFKC", text)
    folded = text.lower()
    return folded.replace("\x00", " ").encode("utf-8", "replace")


def candidate_mask(texts: Any) -> np.ndarray:
    """Boolean mask of the texts that may be solicitations: the only ones the model scores.

    A text passes when it names a review act (maybe disguised), or a removal together with
    something of value.
    """
    encoded = [_fold(t) for t in texts]
    mask = np.zeros(len(encoded), dtype=bool)
    if not encoded:
        return mask
    ends = np.cumsum(np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=len(encoded)))
    buffer = _SEPARATOR.join(encoded)
    search = _program().search
    position = 0
    while (match := search(buffer, position)) is not None:
        index = int(np.searchsorted(ends, match.start(), side="right"))
        mask[index] = True
        position = int(ends[index])  # go on with the next text
    return mask
