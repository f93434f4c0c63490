"""A language's gate stems and head words live in its own lexicon module and reach the patterns."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from reviewbait import heads
from reviewbait.lexicon import MODULES, head_blocks
from reviewbait.text import gate

# an imaginary language, as a new lexicon/<code>.py would hold it
_NEW = SimpleNamespace(
    GATE_STEMS={"review": "arvostel", "value": "lahjakort"},
    HEAD_WORDS={"incentives": {"gift_card": "lahjakortti"}, "subtypes": {"giftcard": "lahjakort"}},
)


@pytest.mark.parametrize("language", sorted(MODULES))
def test_every_language_module_names_only_known_blocks_and_kinds(language: str) -> None:
    module = MODULES[language]
    assert set(getattr(module, "GATE_STEMS", {})) <= set(gate.GATE_STEM_KINDS)
    blocks = {"subtypes": head_blocks.SUBTYPES, "audience": head_blocks.AUDIENCE, "incentives": head_blocks.INCENTIVES}
    for block, entries in getattr(module, "HEAD_WORDS", {}).items():
        assert block in blocks
        assert set(entries) <= set(blocks[block])


def test_a_new_languages_head_words_are_appended_to_their_entry() -> None:
    merged = heads.with_language_words("incentives", head_blocks.INCENTIVES, {**MODULES, "fi": _NEW})
    pattern = re.compile(heads._fast_alternation(merged["gift_card"]))
    assert pattern.search("saat lahjakortti")
    assert not re.compile(heads._fast_alternation(head_blocks.INCENTIVES["gift_card"])).search("saat lahjakortti")
    assert merged["cash"] == head_blocks.INCENTIVES["cash"]


def test_a_head_word_under_an_unknown_name_is_an_error_naming_the_module() -> None:
    wrong = SimpleNamespace(HEAD_WORDS={"incentives": {"giftcard": "lahjakortti"}})
    with pytest.raises(KeyError, match=r"lexicon/fi\.py.*'giftcard'"):
        heads.with_language_words("incentives", head_blocks.INCENTIVES, {"fi": wrong})


def test_a_new_languages_gate_stems_are_appended_after_the_shared_ones() -> None:
    assert gate.stems("review", "revi|rating", {"fi": _NEW}) == "revi|rating|arvostel"
    assert gate.stems("removal", "delete", {"fi": _NEW}) == "delete"
    with pytest.raises(KeyError, match=r"lexicon/fi\.py"):
        gate.stems("review", "revi", {"fi": SimpleNamespace(GATE_STEMS={"reviews": "x"})})


def test_where_a_head_word_is_written_does_not_change_the_compiled_pattern() -> None:
    """Moving a word from the shared block into a language module keeps the pattern (and the fingerprint)."""
    shared = head_blocks.INCENTIVES["gift_card"]
    first, *rest = heads._top_level_alternatives(shared)
    moved = heads.with_language_words(
        "incentives",
        {**head_blocks.INCENTIVES, "gift_card": "|".join(rest)},
        {"xx": SimpleNamespace(HEAD_WORDS={"incentives": {"gift_card": first}})},
    )
    assert heads._fast_alternation(moved["gift_card"]) == heads._fast_alternation(shared)
