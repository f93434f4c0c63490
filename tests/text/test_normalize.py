"""Each de-obfuscation trick, and the offset map back to the original text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewbait.text.normalize import normalize, normalize_text


def spans_of(text: str, word: str) -> list[str]:
    """The original substrings that normalize to ``word``."""
    n = normalize(text)
    out = []
    for m in re.finditer(re.escape(word), n.text):
        a, b = n.original_span(m.start(), m.end())
        out.append(text[a:b])
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("r3v1ew", "review"),
        ("fr33 g1ft c@rd", "free gift card"),
        ("rev!ew", "review"),
        ("R**fund", "refund"),
        ("r e v i e w", "review"),
        ("r.e.v.i.e.w", "review"),
        ("re-fund", "refund"),
        ("REVIEW", "review"),
        ("Ｆｒｅｅ", "free"),  # fullwidth
        ("𝐫𝐞𝐯𝐢𝐞𝐰", "review"),  # mathematical bold
        ("rеvіеw", "review"),  # Cyrillic е and і
        ("ρeview", "peview"),  # Greek rho looks like p, and is read as p
        ("re\u200bview", "review"),  # zero-width space
        ("re\u00adview", "review"),  # soft hyphen
        ("ʟᴇᴀᴠᴇ ᴀ ʀᴇᴠɪᴇᴡ", "leave a review"),  # small capitals
        ("freeeeee", "free"),
        ("5⭐ = 🎁", "5 star = gift"),
        ("📝 → 💸", "review → money"),
        ("Straße", "strasse"),
        ("r\u0336e\u0336v\u0336i\u0336e\u0336w\u0336", "review"),  # strike-through combining marks
    ],
)
def test_trick_is_undone(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize("text", ["5 stars", "$10", "10%", "24/7", "iphone13", "mate10", "b4", "5stars", "wow!!"])
def test_real_numbers_and_words_survive(text: str) -> None:
    assert normalize_text(text) == text.lower()


def test_real_russian_word_is_not_latinized() -> None:
    assert normalize_text("отзыв") == "отзыв"


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("Get a FR33 g1ft c@rd", "free", "FR33"),
        ("R**fund after review", "refund", "R**fund"),
        ("leave a r e v i e w!", "review", "r e v i e w"),
        ("📝 then 💸", "money", "💸"),
        ("a re\u200bview", "review", "re\u200bview"),
        ("Ｆｒｅｅ stuff", "free", "Ｆｒｅｅ"),
    ],
)
def test_offsets_point_at_the_original_words(text: str, word: str, original: str) -> None:
    assert spans_of(text, word) == [original]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_offsets_are_valid_for_any_text(text: str) -> None:
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for start, end in zip(n.starts, n.ends, strict=True):
        assert 0 <= start < end <= len(text)
    assert list(n.starts) == sorted(n.starts)
    if n.text:
        a, b = n.original_span(0, len(n.text))
        assert 0 <= a <= b <= len(text)


def test_hostile_characters_do_not_crash() -> None:
    text = "a\ud800b\x00c\x07 \u202eevil\u202c 🏳️‍🌈 \U0010ffff"
    n = normalize(text)
    assert "\x00" not in n.text
    assert all(0 <= s < len(text) for s in n.starts)


def test_megabyte_text_keeps_valid_offsets() -> None:
    text = ("ordinary words here, nothing to see. " * 28000) + "Leave a r3v1ew for a FR33 gift"
    assert len(text) > 1_000_000
    n = normalize(text)
    match = n.text.rindex("review")
    a, b = n.original_span(match, match + len("review"))
    assert text[a:b] == "r3v1ew"


def test_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="expects str"):
        normalize(None)  # type: ignore[arg-type]


def test_the_shared_fold_table_folds_as_a_texts_own_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Marks, characters folding to none or several, emoji, lone surrogates, CJK and Cyrillic."""
    from reviewbait.text import normalize as normalize_module
    from reviewbait.training.corpus import load_corpus

    texts = load_corpus().sample(n=800, random_state=9)["text"].tolist()
    texts += ["Straße ﬁne ⭐⭐ 好评", "e\u0301te\u0301", "a\u200bb\ud800c", "Ｒｅｖｉｅｗ ℌ", "отзыв 5★", "x\u20dd"]
    shared = [normalize_module._fold(t) for t in texts]
    monkeypatch.setattr(normalize_module, "_KNOWN_LIMIT", 0)  # every text builds its own table
    for name in ("_FOLDS", "_MARK_CHARS", "_UNEVEN_CHARS", "_KNOWN_CHARS"):
        monkeypatch.setattr(normalize_module, name, type(getattr(normalize_module, name))())
    own = [normalize_module._fold(t) for t in texts]
    assert [(f, list(s), list(e)) for f, s, e in shared] == [(f, list(s), list(e)) for f, s, e in own]
