"""The heads: which kind of solicitation a flagged text is, and what it offers.

Why separate estimators: the six categories differ mostly in *what* is offered (a draw,
a refund, a code, a review back), which the detector's features carry only diluted, and in
Chinese, whose runs of characters the word tokenizer keeps whole. So the head reads the
detector's features of the text's best unit plus two small blocks of its own:

* CJK character 1-2-grams (``TfidfVectorizer`` over the Han characters only);
* counts of incentive sub-types (prize draw, purchase context, warranty, gift card, points,
  discount, free, pay, swap, removal, refund, app, food), multilingual, written from the
  labeling guide's definitions.

A ridge classifier (one-vs-rest, balanced class weights) beat LinearSVC, logistic
regression, naive Bayes and SGD in grouped cross-validation on the train split (see
CHANGELOG, 0.2.0). The unit texts are passed as ``texts=`` because the extra blocks need them.

The incentive head (:class:`IncentiveHead`) is the same estimator with one more block:
counts of the guide's ten incentive types (:data:`INCENTIVES`), so that a text whose words
name the incentive ("$10 gift card", "200 coins") gets that type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from reviewbait.lexicon import MODULES, head_blocks
from reviewbait.text.cues import factor_alternation
from reviewbait.text.superscan import Utf8Text, compile_search, superset_finditer, superset_for_re2

__all__ = [
    "AUDIENCE",
    "INCENTIVES",
    "SUBTYPES",
    "audience_counts",
    "head_texts",
    "incentive_counts",
    "subtype_counts",
    "with_language_words",
]

_NON_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split a regular expression at its top-level ``|`` (not inside groups or classes)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            end = pattern.index("]", i + 2)
            current.append(pattern[i : end + 1])
            i = end + 1
            continue
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _fast_alternation(pattern: str) -> str:
    r"""The same alternatives, arranged for Python's engine: ``\b`` hoisted out and the rest
    grouped by first character (see :func:`reviewbait.text.cues.factor_alternation`). An
    alternative that starts with ``\b`` stops the engine from dispatching on the first
    character, which made these patterns two to three times slower."""
    alternatives = _top_level_alternatives(pattern)
    bounded = tuple(a[2:] for a in alternatives if a.startswith("\\b"))
    other = tuple(a for a in alternatives if not a.startswith("\\b"))
    parts = [rf"\b(?:{factor_alternation(bounded)})"] if bounded else []
    if other:
        parts.append(factor_alternation(other))
    return "|".join(parts)


def with_language_words(block: str, entries: dict[str, str], modules: dict[str, Any] | None = None) -> dict[str, str]:
    """A head block's shared entries plus the words each language module adds to it.

    A language keeps its head words in its own ``lexicon/<code>.py`` as
    ``HEAD_WORDS[block][name]`` (an alternation); they are appended to the shared entry of that
    name. Compiled alternations are sorted (:func:`_fast_alternation`), so where a word is
    written does not change the pattern. A name the block does not have is an error.
    """
    merged = dict(entries)
    for language, module in (MODULES if modules is None else modules).items():
        for name, words in getattr(module, "HEAD_WORDS", {}).get(block, {}).items():
            if name not in merged:
                raise KeyError(
                    f"lexicon/{language}.py: HEAD_WORDS[{block!r}] names {name!r}, which is not one of {sorted(merged)}"
                )
            merged[name] = f"{merged[name]}|{words}"
    return merged


SUBTYPES = with_language_words("subtypes", head_blocks.SUBTYPES)
AUDIENCE = with_language_words("audience", head_blocks.AUDIENCE)
INCENTIVES = with_language_words("incentives", head_blocks.INCENTIVES)

_SUBTYPE_PATTERNS = [re.compile(_fast_alternation(pattern)) for pattern in SUBTYPES.values()]
_AUDIENCE_PATTERNS = [re.compile(_fast_alternation(pattern)) for pattern in AUDIENCE.values()]
_INCENTIVE_PATTERNS = [re.compile(_fast_alternation(pattern)) for pattern in INCENTIVES.values()]


def _cjk_only(text: str) -> str:
    return _NON_CJK.sub(" ", text)


# pattern -> the byte search of its RE2 superset, or None where there is none (a negated class)
_SUPERSETS: dict[re.Pattern[str], Callable[[bytes, int], int] | None] = {}


def _superset_search(pattern: re.Pattern[str]) -> Callable[[bytes, int], int] | None:
    if pattern in _SUPERSETS:
        return _SUPERSETS[pattern]
    search: Callable[[bytes, int], int] | None
    try:
        search = compile_search(superset_for_re2(pattern.pattern))
    except ValueError:  # a negated class: Python's engine alone
        search = None
    _SUPERSETS[pattern] = search  # a race compiles it twice, harmlessly
    return search


def _count(pattern: re.Pattern[str], text: str, utf8: Utf8Text | None) -> int:
    """``len(pattern.findall(text))``: Python's engine tries only where the pattern's RE2
    superset matches (:mod:`reviewbait.text.superscan`, the same matches), not at every
    position of every text with every pattern (the heads' counts were a twentieth of scoring
    the review stream, for its one per cent of flagged texts)."""
    search = None if utf8 is None else _superset_search(pattern)
    if search is None or utf8 is None:
        return len(pattern.findall(text))
    return sum(1 for _ in superset_finditer(pattern, search, utf8))


def _log_counts(patterns: list[re.Pattern[str]], texts: Sequence[str]) -> sp.csr_matrix:
    encoded = [Utf8Text.of(t) for t in texts]
    counts = np.array(
        [[_count(p, t, utf8) for p in patterns] for t, utf8 in zip(texts, encoded, strict=True)], dtype=np.float32
    )
    return sp.csr_matrix(np.log1p(counts.reshape(len(texts), len(patterns))))


def audience_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """``log1p`` of how often each :data:`AUDIENCE` signal occurs, one row per text."""
    return _log_counts(_AUDIENCE_PATTERNS, texts)


def subtype_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """``log1p`` of how often each incentive sub-type occurs, one row per text."""
    return _log_counts(_SUBTYPE_PATTERNS, texts)


def incentive_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """``log1p`` of how often each :data:`INCENTIVES` type is named, one row per text."""
    return _log_counts(_INCENTIVE_PATTERNS, texts)


def __getattr__(name: str) -> Any:
    # The estimators live in reviewbait.training.head_estimators, which imports scikit-learn: scoring
    # with an exported model reads this module's patterns without it. Old pickles and callers
    # still find them here.
    if name in ("CategoryHead", "IncentiveHead"):
        from reviewbait.training import head_estimators

        return getattr(head_estimators, name)
    raise AttributeError(f"module 'reviewbait.heads' has no attribute {name!r}")


def head_texts(X: Any, texts: Sequence[str] | None) -> list[str]:
    """The units' normalized texts a head reads beside ``X``, one per row (its word blocks)."""
    if texts is None:
        raise TypeError("a head needs the units' normalized texts: pass texts=[...]")
    texts = list(texts)
    if len(texts) != X.shape[0]:
        raise ValueError(f"texts has {len(texts)} items but X has {X.shape[0]} rows")
    return texts
