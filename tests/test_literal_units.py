"""Text shown to users inside code and markup is scored as a unit of its own (model.literal_spans)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reviewbait import Detector
from reviewbait.artifact import load_model
from reviewbait.model import literal_spans, make_units, unit_cues
from reviewbait.text.cues import find_cues
from reviewbait.text.normalize import normalize

CODE = {
    "strings.xml": '<resources>\n  <string name="reward_title">Rate us five stars and get %1$d coins</string>\n</resources>',
    "json": '{\n  "dialog": {\n    "body": "Write a review of your order and we send you a 10% code",\n    "cta": "Write a review"\n  }\n}',
    "js": 'button.addEventListener("click", () => {\n  alert("Leave us a Google review for a free coffee");\n});',
    "po": 'msgid "review_reward"\nmsgstr "Deja tu reseña y llévate un postre de regalo"',
}


@pytest.mark.parametrize("name", sorted(CODE))
def test_the_shown_text_of_code_is_a_literal_span(name: str) -> None:
    text = normalize(CODE[name]).text
    shown = [text[a:b] for a, b in literal_spans(text)]
    assert any(("review" in s or "rate us" in s or "reseña" in s) and len(s.split()) >= 3 for s in shown), shown
    assert all(not s.startswith(("{", "<")) for s in shown)


@pytest.mark.parametrize(
    "text",
    [
        'He told me: "leave a review and you get a free gift", which is against the rules',
        "Great blender, 5 stars, arrived fast",
        'The "best" pizza in town, honestly',
    ],
)
def test_prose_with_quotes_has_no_literal_spans(text: str) -> None:
    assert literal_spans(normalize(text).text) == []


def test_literal_units_are_spans_of_their_text_with_their_cues() -> None:
    normalized = normalize(CODE["json"] + "\n" + CODE["js"])
    plain = make_units([normalized])
    units = make_units([normalized], literals=True)
    assert len(units.units) > len(plain.units)
    cues = find_cues(normalized)
    for unit, (lo, hi), unit_cue_list in zip(units.units, units.span, unit_cues(units, [cues]), strict=True):
        assert unit.text == normalized.text[lo:hi]
        assert [(c.kind, c.norm_start + lo) for c in unit_cue_list] == [
            (c.kind, c.norm_start) for c in cues if c.norm_start >= lo and c.norm_end <= hi
        ]


def test_a_model_with_literal_units_scores_code_at_least_as_high(tiny_model_dir: Path) -> None:
    """The probability is the best unit's: more units can only raise it, and prose is unchanged."""
    model, _ = load_model(tiny_model_dir)
    assert model.literal_units  # fit_model's default
    texts = [*CODE.values(), "Great blender, 5 stars, arrived fast", "Leave a review and get a free gift"]
    with_literals, _ = model.score(texts)
    without, _ = replace(model, literal_units=False).score(texts)
    assert (with_literals >= without - 1e-12).all()
    assert with_literals[-2:].tolist() == without[-2:].tolist()


def test_the_shipped_model_scores_literals_and_says_so() -> None:
    shipped = Detector.load()
    assert shipped.manifest["literal_units"] is True
    verdict = shipped.check(CODE["js"])
    lo, hi = min((e.start, e.end) for e in verdict.evidence) if verdict.evidence else (0, 0)
    assert verdict.evidence and CODE["js"].index('"Leave') < lo < hi <= CODE["js"].index('");')
