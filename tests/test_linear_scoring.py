"""The linear-time cue loops give exactly what the plain (quadratic) computations give.

Issue 14: a text dense with offer words and quotes made two loops rescan every cue (quoted
features, and the cues of every window). They now bisect over sorted offsets; these tests
compare them with the plain definitions on random inputs. Speed is in benchmarks/bench_scaling.py.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewbait.model import make_units, unit_cues
from reviewbait.text.cues import _QUOTED, Cue, _quoted_features, find_cues
from reviewbait.text.normalize import normalize

PIECES = [
    '"', "“", "”", "«", "»", "„", "「", "」", " ", "review", " for a ", "gift card", "5 stars", "in exchange",
    "free", "refund", "leave a ", "rating", "x", "\n", "....", "$10", "DM me", "paypal",
]  # fmt: skip
KINDS = ["incentive", "review", "exchange", "sentiment", "contact"]


def _plain_quoted_features(text: str, cues: list[Cue]) -> list[float]:
    """The definition, as it was written before: every cue against every quote."""
    offer = [c for c in cues if c.kind in ("incentive", "review", "exchange")]
    if not offer or not any(q in text for q in '«“„"「『'):
        return [0.0, 0.0]
    spans = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    if not spans:
        return [0.0, 0.0]
    inside = [any(a <= c.norm_start and c.norm_end <= b for a, b in spans) for c in offer]
    whole_offer = 0.0
    for a, b in spans:
        kinds = {c.kind for c in offer if a <= c.norm_start and c.norm_end <= b}
        if {"incentive", "review"} <= kinds:
            whole_offer = 1.0
            break
    return [sum(inside) / len(offer), whole_offer]


def _plain_unit_cues(units, whole: list[list[Cue]]) -> list[list[Cue]]:
    result: list[list[Cue]] = []
    k = -1
    previous = None
    for owner, (lo, hi) in zip(units.owner.tolist(), units.span, strict=True):
        if owner != previous:
            k += 1
            previous = owner
            result.append(whole[k])
            continue
        result.append(
            [
                Cue(c.kind, c.language, c.start, c.end, c.text, c.norm_start - lo, c.norm_end - lo)
                for c in whole[k]
                if c.norm_start >= lo and c.norm_end <= hi
            ]
        )
    return result


_TEXT = st.lists(st.sampled_from(PIECES), max_size=400).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT)
def test_quoted_features_equal_the_plain_definition_on_found_cues(text: str) -> None:
    normalized = normalize(text)
    cues = find_cues(normalized)
    assert _quoted_features(normalized.text, cues) == _plain_quoted_features(normalized.text, cues)


@st.composite
def _text_and_cues(draw: st.DrawFn) -> tuple[str, list[Cue]]:
    """Any cues at all, empty ones and ones on a quote's edge included, in any order."""
    text = draw(_TEXT)
    n = len(text)
    cues = []
    for _ in range(draw(st.integers(0, 40))):
        start = draw(st.integers(0, n))
        end = draw(st.integers(start, min(n, start + 30)))
        cues.append(Cue(draw(st.sampled_from(KINDS)), "en", start, end, text[start:end], start, end))
    return text, cues


@settings(max_examples=300, deadline=None)
@given(case=_text_and_cues())
def test_quoted_features_equal_the_plain_definition_on_any_cues(case: tuple[str, list[Cue]]) -> None:
    text, cues = case
    assert _quoted_features(text, cues) == _plain_quoted_features(text, cues)


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(PIECES), max_size=600).map("".join), min_size=1, max_size=4))
def test_window_cues_equal_the_plain_filter(texts: list[str]) -> None:
    normalized = [normalize(t) for t in texts]
    whole = [find_cues(n) for n in normalized]
    units = make_units(normalized)
    assert unit_cues(units, whole) == _plain_unit_cues(units, whole)


@settings(max_examples=100, deadline=None)
@given(case=_text_and_cues(), shuffle=st.randoms(use_true_random=False))
def test_window_cues_equal_the_plain_filter_for_unsorted_cues(case: tuple[str, list[Cue]], shuffle) -> None:
    text, cues = case
    text = text * 3
    shuffle.shuffle(cues)
    units = make_units([normalize(text)])
    assert unit_cues(units, [cues]) == _plain_unit_cues(units, [cues])
    cues.sort(key=lambda c: (c.norm_start, c.norm_end))
    assert unit_cues(units, [cues]) == _plain_unit_cues(units, [cues])


def test_a_dense_megabyte_text_has_the_same_features_both_ways() -> None:
    """The size of the issue's case (1 MB of quoted offers): same quoted features, same window cues."""
    text = '"review for a gift card" ' * 40_000
    normalized = normalize(text)
    cues = find_cues(normalized)
    assert len(cues) >= 80_000  # a review and a gift card in every repeat
    assert _quoted_features(normalized.text, cues) == [1.0, 1.0]
    units = make_units([normalized])
    windows = unit_cues(units, [cues])
    assert len(windows) == len(units.units) > 5000
    # the plain filter on a sample of windows (all of them would take minutes)
    for index in range(1, len(windows), 997):
        lo, hi = units.span[index]
        plain = [c for c in cues if c.norm_start >= lo and c.norm_end <= hi]
        assert [(c.kind, c.norm_start + lo, c.norm_end + lo) for c in windows[index]] == [
            (c.kind, c.norm_start, c.norm_end) for c in plain
        ]
