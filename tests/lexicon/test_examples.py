"""Every language's examples, kept as data in ``lexicon/<language>.py``, run through the gate and the cue finder."""

from __future__ import annotations

import pytest

from reviewbait.lexicon import CUES, EXAMPLES, LANGUAGES
from reviewbait.text.cues import CUE_KINDS, find_cues
from reviewbait.text.gate import candidate_mask

CASES = [
    pytest.param(lang, kind, text, id=f"{lang}-{kind}-{i}")
    for lang, kinds in EXAMPLES.items()
    for kind, texts in kinds.items()
    for i, text in enumerate(texts)
]


@pytest.mark.parametrize(("lang", "kind", "text"), CASES)
def test_example_passes_the_gate_and_holds_its_cue(lang: str, kind: str, text: str) -> None:
    # every example names a review act, so the gate must let it through to the model
    assert candidate_mask([text]).tolist() == [True], text
    found = [(cue.kind, cue.language, cue.text) for cue in find_cues(text)]
    assert any(k == kind and language == lang for k, language, _ in found), found


def test_every_language_has_cues_and_examples() -> None:
    assert list(CUES) == ["common", "en", "es", "pt", "de", "fr", "it", "zh"]
    assert set(LANGUAGES) == set(CUES) - {"common"}
    for lang, kinds in CUES.items():
        assert set(kinds) <= set(CUE_KINDS), lang
        # at least an incentive and a review act per language, each with an example
        assert {"incentive", "review"} <= set(EXAMPLES[lang]), lang
        assert set(EXAMPLES[lang]) <= set(kinds), lang


def test_lexicon_modules_hold_no_logic() -> None:
    """Data only: no function or class is defined in a language module."""
    import inspect

    from reviewbait.lexicon import common, de, disguise, en, es, fr, gate_stems, head_blocks, it, pt, zh

    for module in (common, de, disguise, en, es, fr, gate_stems, head_blocks, it, pt, zh):
        defined = [
            name
            for name, value in vars(module).items()
            if (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == module.__name__
        ]
        assert defined == [], (module.__name__, defined)


def _top_level_bars(fragment: str) -> int:
    """How many ``|`` sit outside every group and class of a fragment."""
    depth, bars, i, in_class = 0, 0, 0, False
    while i < len(fragment):
        ch = fragment[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            bars += 1
        i += 1
    return bars


def test_no_fragment_is_a_bare_alternation() -> None:
    """``r"usdt|btc"`` would be filed under its first character and match "ubtc", not "btc":
    the cue finder factors fragments by their first character, so each must be one alternative."""
    from reviewbait.text.cues import find_cues

    bad = [
        (lang, kind, f) for lang, kinds in CUES.items() for kind, fs in kinds.items() for f in fs if _top_level_bars(f)
    ]
    assert bad == []
    assert [c.text for c in find_cues("paid in btc for a review") if c.kind == "incentive"] == ["paid", "btc"]
    assert _top_level_bars(r"a|b") == 1 and _top_level_bars(r"(?:a|b)[|]") == 0
