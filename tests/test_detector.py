"""The Python API with a tiny model trained in the session: types, bad input, evidence."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from reviewbait import Detector, Evidence, Verdict
from reviewbait.detector import SCORE_COLUMNS
from reviewbait.training.corpus import INCENTIVE_TYPES, POSITIVE_CATEGORIES

OFFER = "Leave a 5 star review on Amazon and we refund your order in full via PayPal, DM me"
PLAIN = "The meeting is moved to Thursday at 3pm, bring the slides"


def test_one_return_type_per_method(tiny_detector: Detector) -> None:
    verdict = tiny_detector.check(OFFER)
    assert isinstance(verdict, Verdict)
    many = tiny_detector.check_many([OFFER])
    assert isinstance(many, list) and len(many) == 1 and isinstance(many[0], Verdict)
    probabilities = tiny_detector.probabilities([OFFER, PLAIN])
    assert isinstance(probabilities, np.ndarray) and probabilities.dtype == np.float64
    assert probabilities.shape == (2,)


def test_batch_and_single_agree(tiny_detector: Detector) -> None:
    texts = [OFFER, PLAIN, "好评返现5元", "r3v1ew = fr33 g1ft"]
    batch = tiny_detector.probabilities(texts)
    single = [tiny_detector.check(t).probability for t in texts]
    assert np.allclose(batch, single)
    assert np.allclose(batch, [v.probability for v in tiny_detector.check_many(texts)])


def test_evidence_slices_the_original_text(tiny_detector: Detector) -> None:
    text = "Leave a r3v1ew on Amazon → get a FR33 g1ft c@rd!"
    verdict = tiny_detector.check(text)
    assert verdict.evidence
    for ev in verdict.evidence:
        assert isinstance(ev, Evidence)
        assert text[ev.start : ev.end] == ev.text
    kinds = {ev.kind for ev in verdict.evidence}
    assert {"incentive", "review"} <= kinds
    assert "r3v1ew" in {ev.text for ev in verdict.evidence}


def test_offer_scores_above_plain_text(tiny_detector: Detector) -> None:
    offer, plain = tiny_detector.probabilities([OFFER, PLAIN])
    assert offer > plain


def test_text_without_any_review_act_scores_zero(tiny_detector: Detector) -> None:
    verdict = tiny_detector.check(PLAIN)
    assert verdict.probability == 0.0 and not verdict.is_solicitation and verdict.evidence == ()


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_scores_zero_without_evidence(tiny_detector: Detector, text: str) -> None:
    verdict = tiny_detector.check(text)
    assert verdict.probability == 0.0 and verdict.evidence == () and verdict.category is None


def test_non_text_is_a_type_error_naming_the_index(tiny_detector: Detector) -> None:
    with pytest.raises(TypeError, match="index 0"):
        tiny_detector.check(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="index 2"):
        tiny_detector.probabilities(["a", "b", 3, "d"])
    with pytest.raises(TypeError, match="index 1"):
        tiny_detector.check_many(["a", float("nan")])
    with pytest.raises(TypeError, match="single str"):
        tiny_detector.probabilities("not a list")


def test_coerce_scores_the_rest(tiny_detector: Detector) -> None:
    texts = [OFFER, None, 42, float("nan"), OFFER]
    p = tiny_detector.probabilities(texts, errors="coerce")
    assert p[1] == p[2] == p[3] == 0.0
    assert p[0] == p[4] > 0.0
    with pytest.raises(ValueError, match="errors must be"):
        tiny_detector.probabilities([OFFER], errors="ignore")  # type: ignore[arg-type]


def test_hostile_text_does_not_crash_and_megabyte_text_keeps_offsets(tiny_detector: Detector) -> None:
    for text in ["a\ud800b", "\x00\x01\x02 review \x7f", "Ⓡⓔⓥⓘⓔⓦ рeview 好评 ⭐⭐⭐⭐⭐ مراجعة"]:
        assert 0.0 <= tiny_detector.check(text).probability <= 1.0
    text = "nothing much here today. " * 42000 + OFFER + " more filler. " * 1000
    verdict = tiny_detector.check(text)
    assert len(text) > 1_000_000
    for ev in verdict.evidence:
        assert text[ev.start : ev.end] == ev.text
        assert ev.start > 1_000_000  # evidence comes from the window holding the offer


def test_operating_points_by_name_or_number(tiny_detector: Detector) -> None:
    points = tiny_detector.operating_points
    assert set(points) == {"balanced", "precise"} and points["precise"] >= points["balanced"]
    assert tiny_detector.resolve_threshold("precise") == points["precise"]
    assert tiny_detector.resolve_threshold(0.3) == 0.3
    assert tiny_detector.resolve_threshold("0.25") == 0.25
    for bad in ("lenient", 1.5, -0.1, True):
        with pytest.raises(ValueError):
            tiny_detector.resolve_threshold(bad)  # type: ignore[arg-type]
    low = tiny_detector.check(OFFER, threshold=0.0)
    high = tiny_detector.check(OFFER, threshold=1.0)
    assert low.is_solicitation and not high.is_solicitation
    assert low.probability == high.probability


def test_score_frame_keeps_every_column_and_row(tiny_detector: Detector) -> None:
    frame = pd.DataFrame(
        {"id": ["007", "NA", ""], "message": [OFFER, None, PLAIN], "likes": [3, 4, 5]}, index=[10, 11, 12]
    )
    scored = tiny_detector.score_frame(frame, text_column="message")
    assert list(scored.columns[:3]) == ["id", "message", "likes"]
    assert scored["id"].tolist() == ["007", "NA", ""] and scored.index.tolist() == [10, 11, 12]
    assert scored.loc[11, "reviewbait_probability"] == 0.0
    assert set(scored["reviewbait_flag"].unique()) <= {0, 1}
    assert frame.shape == (3, 3)  # the input is not modified
    with pytest.raises(KeyError, match="available columns: id, message, likes"):
        tiny_detector.score_frame(frame, text_column="body")
    with pytest.raises(ValueError, match="prefix"):
        tiny_detector.score_frame(scored, text_column="message")
    renamed = tiny_detector.score_frame(scored, text_column="message", prefix="rb2_")
    assert "rb2_probability" in renamed.columns


def test_flagged_verdicts_carry_a_category_and_an_incentive(tiny_detector: Detector) -> None:
    verdict = tiny_detector.check(OFFER, threshold=0.0)
    assert verdict.category in POSITIVE_CATEGORIES
    assert verdict.incentive_type in INCENTIVE_TYPES and verdict.incentive_type
    assert "incentive:" in verdict.evidence_summary()
    unflagged = tiny_detector.check(OFFER, threshold=1.0)
    assert unflagged.category is None and unflagged.incentive_type is None


def test_score_frame_incentive_column_matches_the_verdicts(tiny_detector: Detector) -> None:
    texts = [OFFER, PLAIN, "好评返现", "Laissez un avis 5 étoiles, carte cadeau offerte"]
    scored = tiny_detector.score_frame(pd.DataFrame({"message": texts}), text_column="message", threshold=0.0)
    verdicts = tiny_detector.check_many(texts, threshold=0.0)
    assert scored["reviewbait_incentive"].tolist() == [v.incentive_type or "" for v in verdicts]
    assert list(scored.columns[1:]) == [f"reviewbait_{name}" for name in SCORE_COLUMNS]


def test_thread_safe_results_equal_sequential(tiny_detector: Detector) -> None:
    texts = [OFFER, PLAIN, "好评返现", "Laissez un avis 5 étoiles, carte cadeau offerte"] * 25
    expected = tiny_detector.probabilities(texts)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: tiny_detector.check(t).probability, texts))
    assert np.allclose(results, expected)
    assert not any(math.isnan(x) for x in results)


def test_score_columns_in_slices_equals_one_pass(tiny_detector: Detector, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch is scored in slices of about SLICE_CHARS characters to bound memory; the
    columns are the same as in one pass, row for row."""
    import reviewbait.detector as detector_module

    texts = [
        "Leave a 5 star review and get a free gift card!",
        "",
        None,
        "Great phone, fast delivery. 5 stars from me.",
        "Review us on Google and we refund your order " * 30,
        "Post a review of our app and win an iPad in the monthly draw",
    ] * 4
    whole = tiny_detector.score_columns(texts, threshold=0.0)
    monkeypatch.setattr(detector_module, "SLICE_CHARS", 60)
    assert len(detector_module.char_blocks([t or "" for t in texts], 60)) > 10
    sliced = tiny_detector.score_columns(texts, threshold=0.0)
    assert list(sliced) == list(whole)
    for column in whole:
        assert list(sliced[column]) == list(whole[column]), column


@pytest.mark.parametrize("sizes", [[], [0], [5], [5, 5, 5], [100, 1, 1, 100], [0, 0, 0]])
def test_char_blocks_cover_every_text_once_in_order(sizes: list[int]) -> None:
    from itertools import pairwise

    from reviewbait.model import char_blocks

    texts = ["x" * n for n in sizes]
    bounds = char_blocks(texts, 10)
    assert bounds[0] == 0 and bounds[-1] == len(texts)
    assert all(lo < hi for lo, hi in pairwise(bounds))
    for lo, hi in list(pairwise(bounds))[:-1]:
        assert sum(n + 1 for n in sizes[lo:hi]) >= 10
