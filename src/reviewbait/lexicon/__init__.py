"""Language knowledge as data: the words every step looks for, one module per language.

No logic lives here (the fingerprint aside, which hashes what the logic built from this
data). To add a language: write ``lexicon/<code>.py`` with ``CUES`` (cue fragments per kind)
and ``EXAMPLES`` (sentences per kind that ``tests/lexicon/`` runs through the gate and the
cue finder), its gate stems in ``GATE_STEMS`` (``"review"``, ``"removal"``, ``"value"``),
optionally ``REMOVAL_BESIDE_REVIEW`` (removal words that count only near a review act, see
:data:`reviewbait.text.cues.REMOVAL_REACH`), and its head words in ``HEAD_WORDS`` (block →
name → alternation, for the blocks ``"subtypes"``, ``"audience"`` and ``"incentives"``),
then list it in :data:`LANGUAGES` and
:data:`MODULES`: one module per language. The gate and the heads append these to the shared
alternations of :mod:`~reviewbait.lexicon.gate_stems` and
:mod:`~reviewbait.lexicon.head_blocks`, which still hold the first seven languages' words
together (the gate's order is part of the fingerprint; the heads' alternations are sorted
when compiled, so where a head word is written does not change the pattern). Any change here
changes :func:`lexicon_fingerprint`, so a model trained before it asks to be retrained.

Cue fragments are regular expressions over casefolded, normalized text. Latin-script
fragments are wrapped in word boundaries; Chinese ones are not (no spaces in Chinese).
"""

from __future__ import annotations

from reviewbait.lexicon import common, de, en, es, fr, it, pt, zh
from reviewbait.lexicon.fingerprint import lexicon_fingerprint, lexicon_text

__all__ = ["CUES", "EXAMPLES", "LANGUAGES", "MODULES", "REMOVAL_BESIDE_REVIEW", "lexicon_fingerprint", "lexicon_text"]

LANGUAGES = ("en", "es", "de", "fr", "pt", "it", "zh")

# "common" first, then the languages in this order: a hit matched by two languages' fragments
# is attributed to the first (and the order is part of the fingerprint)
MODULES = {"common": common, "en": en, "es": es, "pt": pt, "de": de, "fr": fr, "it": it, "zh": zh}

# language → kind → fragments
CUES: dict[str, dict[str, tuple[str, ...]]] = {lang: module.CUES for lang, module in MODULES.items()}

# language → removal words that count only within reach of a review act (see text.cues)
REMOVAL_BESIDE_REVIEW: dict[str, tuple[str, ...]] = {
    lang: getattr(module, "REMOVAL_BESIDE_REVIEW", ()) for lang, module in MODULES.items()
}

# language → kind → example sentences, each holding a cue of that kind in that language
EXAMPLES: dict[str, dict[str, tuple[str, ...]]] = {lang: module.EXAMPLES for lang, module in MODULES.items()}
