"""The RE2 supersets hold Python's patterns, so trying Python's engine only where they match
changes no normalization (the cue kinds are tested in test_cue_scan_start.py)."""

from __future__ import annotations

import re
import sys

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewbait.text import normalize as normalize_module
from reviewbait.text.normalize import _SUPERSETS, normalize
from reviewbait.text.superscan import _WIDER, Utf8Text, byte_search, superset_finditer, superset_for_re2
from reviewbait.training.corpus import load_corpus

_EVERY_CHARACTER = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


@pytest.mark.parametrize(
    ("python_class", "re2_class"),
    [
        (r"[^\W\d_]", normalize_module._LETTER),
        (r"\w", "[" + _WIDER[r"\w"] + "]"),
        (r"\d", "[" + _WIDER[r"\d"] + "]"),
        (r"\s", "[" + _WIDER[r"\s"] + "]"),
    ],
)
def test_each_re2_class_holds_every_character_of_pythons(python_class: str, re2_class: str) -> None:
    """Over every code point, with this Python's and this RE2's Unicode tables."""
    members = "".join(re.findall(python_class, _EVERY_CHARACTER))
    assert len(members) > 20
    assert re2.fullmatch(f"{re2_class}+", members) is not None


# the passes' triggers: digits and symbols beside letters, separators, repeats, white space
_WORDS = ["r3v1ew", "fr33", "c@rd", "5", "stars", "$10", "r e v i e w", "r.e.v", "re-fund", "a_b", "x", "é", "好评"]
_OTHERS = [" ", "  ", ".", "-", "·", "|", "•", "!!!", "\u00b2", "\u2167", "ⅷ", "٣", "\u0301", "Ⅻ", "ｒｅｖ", "mate10"]
_PARTS = st.sampled_from([*_WORDS, *_OTHERS])


def _normalized(texts: list[str], with_re2: bool) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    scanner = normalize_module._Scanner
    saved = scanner._programs, scanner._texts
    try:
        scanner._programs = None
        scanner._texts = -(10**9) if not with_re2 else normalize_module._PYTHON_ONLY_TEXTS
        out = [normalize(t) for t in texts]
        assert (scanner._programs is not None) == with_re2
    finally:
        scanner._programs, scanner._texts = saved
    return [(n.text, tuple(n.starts), tuple(n.ends)) for n in out]


def test_normalization_is_the_same_with_and_without_re2_on_the_corpus() -> None:
    texts = load_corpus().sample(n=1500, random_state=5)["text"].tolist()
    assert _normalized(texts, with_re2=True) == _normalized(texts, with_re2=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_PARTS, max_size=16).map("".join), min_size=1, max_size=5))
def test_normalization_is_the_same_with_and_without_re2(texts: list[str]) -> None:
    assert _normalized(texts, with_re2=True) == _normalized(texts, with_re2=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PARTS, max_size=20).map("".join))
def test_each_pass_finds_the_same_matches(text: str) -> None:
    utf8 = Utf8Text(text)
    for pattern, superset in _SUPERSETS.items():
        search = byte_search(re2.compile(superset))
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in superset_finditer(pattern, search, utf8)] == expected, pattern.pattern


def test_a_word_boundary_is_dropped_where_re2_would_read_it_as_asciis() -> None:
    """RE2's \\b is ASCII's: kept, it would miss Python's boundary beside a non-ASCII letter."""
    python = re.compile(r"\bété\b|\bpaid\b")
    assert superset_for_re2(python.pattern) == "été|paid"
    search = byte_search(re2.compile(superset_for_re2(python.pattern)))
    for text in ["été", "l'été.", "unpaid, paid!", "étés été", "paidété été"]:
        expected = [m.span() for m in python.finditer(text)]
        assert [m.span() for m in superset_finditer(python, search, Utf8Text(text))] == expected, text


def test_a_text_with_lone_surrogates_has_no_utf8_and_others_do() -> None:
    """``Utf8Text.of``: None where no UTF-8 exists, so that callers fall back to Python's engine."""
    assert Utf8Text.of("review \ud800 me") is None
    encoded = Utf8Text.of("avis é")
    assert encoded is not None and encoded.data == "avis é".encode() and not encoded.ascii
