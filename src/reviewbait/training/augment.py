"""Machine-made obfuscated variants of hand-written rows, for training only.

Evaders disguise the words a filter looks for. Training on disguised copies of the
hand-written rows (of both labels, so that a disguise alone is not read as guilt) teaches
the n-gram model what the normalizer cannot fully undo. Variants are marked
(``augmented = True``) and are never used for evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from reviewbait.lexicon.disguise import AUGMENT_CYRILLIC, AUGMENT_EMOJI, AUGMENT_LEET, AUGMENT_TARGETS

__all__ = ["augment_frame", "obfuscate"]

_TARGETS = re.compile(AUGMENT_TARGETS)
_LEET = AUGMENT_LEET
_CYRILLIC = AUGMENT_CYRILLIC
_EMOJI = AUGMENT_EMOJI


def _leet(word: str, rng: np.random.Generator) -> str:
    return "".join(_LEET.get(ch.lower(), ch) if rng.random() < 0.6 else ch for ch in word)


def _spaced(word: str, rng: np.random.Generator) -> str:
    return str(rng.choice([" ", ".", "-", "*"])).join(word)


def _masked(word: str, rng: np.random.Generator) -> str:
    if len(word) < 4:
        return word
    k = int(rng.integers(1, len(word) - 1))
    return word[:k] + "*" + word[k + 1 :]


def _zero_width(word: str, rng: np.random.Generator) -> str:
    k = int(rng.integers(1, max(2, len(word))))
    return word[:k] + "\u200b" + word[k:]


def _homoglyph(word: str, rng: np.random.Generator) -> str:
    return "".join(_CYRILLIC.get(ch, ch) if rng.random() < 0.5 else ch for ch in word)


def _fullwidth(word: str, rng: np.random.Generator) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in word)


def _emoji(word: str, rng: np.random.Generator) -> str:
    return _EMOJI.get(word.lower(), word)


_WORD_TRICKS: tuple[Callable[[str, np.random.Generator], str], ...] = (
    _leet,
    _spaced,
    _masked,
    _zero_width,
    _homoglyph,
    _fullwidth,
    _emoji,
)


def obfuscate(text: str, rng: np.random.Generator) -> str:
    """One disguised copy of ``text``: key words leeted, spaced, masked... and maybe recased."""
    trick = _WORD_TRICKS[int(rng.integers(len(_WORD_TRICKS)))]

    def replace(m: re.Match[str]) -> str:
        return trick(m.group(), rng) if rng.random() < 0.8 else m.group()

    out = _TARGETS.sub(replace, text)
    casing = rng.random()
    if casing < 0.15:
        out = out.upper()
    elif casing < 0.25:
        out = out.lower()
    return out


def augment_frame(frame: Any, *, fraction: float = 0.35, seed: int = 0) -> Any:
    """Disguised copies of a random ``fraction`` of ``frame`` rows, marked ``augmented``.

    Copies keep every column of their source row (label, category, group...) with ``id``
    suffixed ``~aug``; rows where no key word was found are still recased.
    """
    rng = np.random.default_rng(seed)
    chosen = frame[rng.random(len(frame)) < fraction].copy()
    chosen["text"] = [obfuscate(t, rng) for t in chosen["text"]]
    chosen = chosen[chosen["text"].to_numpy() != frame.loc[chosen.index, "text"].to_numpy()]
    chosen["id"] = chosen["id"].astype(str) + "~aug"
    chosen["augmented"] = True
    return chosen
