"""A fingerprint of the lexicon a model was trained with: every cue, gate and head pattern.

The model's features are counts and positions of these patterns, so a model trained with
one lexicon and run with another scores texts on features that no longer mean what they
meant in training, silently. The manifest records :func:`lexicon_fingerprint` at training
time; :func:`reviewbait.artifact.load_model` refuses a model whose fingerprint differs from
the installed code's (it says to retrain). The text hashed is built in a fixed order, so the
fingerprint is the same in every run and on every machine for the same code.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

__all__ = ["lexicon_fingerprint", "lexicon_text"]


def lexicon_text() -> str:
    """Every pattern the features depend on, as one deterministic text (JSON, sorted keys)."""
    from reviewbait import heads, model
    from reviewbait.text import cues, gate, normalize

    parts = {
        "cues": {kind: cues._compile(kind).pattern for kind in cues.CUE_KINDS},
        "cues_by_language": {
            kind: {lang: pattern.pattern for lang, pattern in cues._compile_languages(kind)} for kind in cues.CUE_KINDS
        },
        "cue_features": cues.cue_feature_names(),
        "cue_quoted": cues._QUOTED.pattern,
        "cue_near_chars": cues._NEAR,
        "cue_removal_beside_review": [cues._BESIDE_REVIEW.pattern, cues.REMOVAL_REACH, list(cues._REACH_KINDS)],
        "cue_denied": {lang: p.pattern for lang, p in sorted(cues._DENIED.items())},
        "cue_denied_context": [cues._CONDITION.pattern, cues._CLAUSE_BREAK.pattern, cues._DENIAL_REACH],
        "gate": gate.GATE_PATTERN,
        "heads_subtypes": {name: p.pattern for name, p in zip(heads.SUBTYPES, heads._SUBTYPE_PATTERNS, strict=True)},
        "heads_audience": {name: p.pattern for name, p in zip(heads.AUDIENCE, heads._AUDIENCE_PATTERNS, strict=True)},
        "heads_incentives": {
            name: p.pattern for name, p in zip(heads.INCENTIVES, heads._INCENTIVE_PATTERNS, strict=True)
        },
        "units_literals": [model._CODE_LIKE.pattern, model._LITERAL.pattern, model._LITERAL_CHARS, model._MAX_LITERALS],
        "normalize_rejoin": normalize._REJOIN.pattern,
        "normalize_tables": {
            "emoji": normalize._EMOJI_WORDS,
            "homoglyphs": normalize._HOMOGLYPHS,
            "leet": normalize._LEET,
            "invisible": sorted(normalize._INVISIBLE),
            "traditional_to_simplified": sorted(normalize._SIMPLIFIED.items()),
        },
    }
    return json.dumps(parts, ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=1)
def lexicon_fingerprint() -> str:
    """SHA-256 of :func:`lexicon_text`: what a model's manifest records as ``lexicon_sha256``."""
    return hashlib.sha256(lexicon_text().encode("utf-8")).hexdigest()
