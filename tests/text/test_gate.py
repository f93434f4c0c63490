"""The pre-filter must not drop solicitations, disguised or not, and must drop most chat."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reviewbait.text.gate import candidate_mask
from reviewbait.training.augment import obfuscate
from reviewbait.training.corpus import load_corpus

SMS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "sms_spam" / "sms_spam.csv"


@pytest.fixture(scope="module")
def positives() -> list[str]:
    corpus = load_corpus()
    return corpus.loc[corpus["label"] == 1, "text"].tolist()


def test_gate_keeps_nearly_every_hand_written_solicitation(positives: list[str]) -> None:
    mask = candidate_mask(positives)
    assert mask.mean() >= 0.995, [t for t, m in zip(positives, mask, strict=True) if not m][:5]


def test_gate_keeps_disguised_solicitations(positives: list[str]) -> None:
    rng = np.random.default_rng(7)
    disguised = [obfuscate(t, rng) for t in positives]
    assert candidate_mask(disguised).mean() >= 0.99


@pytest.mark.parametrize(
    "text",
    ["r3v1ew = fr33 g1ft", "R**VIEW us, get R**FUND", "r e v i e w → 💸", "rеvіеw (Cyrillic)", "5⭐ = 🎁", "好评返现"],
)
def test_gate_sees_through_disguises(text: str) -> None:
    assert candidate_mask([text])[0]


def test_small_and_large_batches_agree(positives: list[str]) -> None:
    texts = [*positives[:40], "see you at 5", "lunch?", "the meeting moved"]
    small = np.concatenate([candidate_mask([t]) for t in texts])
    assert (small == candidate_mask(texts * 2)[: len(texts)]).all()
    assert small[:40].all() and not small[-3:].any()


def test_gate_runs_on_text_folded_like_the_arrow_kernels_it_replaced() -> None:
    """NFKC + lower case before matching: fullwidth and ligature forms of a stem still pass."""
    assert candidate_mask(["ＲＥＶＩＥＷ us for a ＦＲＥＥ gift"])[0]
    assert candidate_mask(["ﬁve STARS on Yelp"])[0]


def test_removal_with_value_passes_without_a_review_word() -> None:
    texts = ["refund u now if u delete 🙏", "take it down and i'll give you 2 free sessions"]
    assert candidate_mask(texts).all()
    assert not candidate_mask(["please delete my account"])[0]


def test_lone_surrogates_and_empty_input() -> None:
    assert candidate_mask([]).shape == (0,)
    assert candidate_mask(["bad \ud800 review", "\udfff"]).tolist() == [True, False]


@pytest.mark.skipif(not SMS.exists(), reason="../shared/corpora/sms_spam is not present")
def test_gate_drops_almost_all_real_chat() -> None:
    sms = pd.read_csv(SMS, dtype={"text": str}, keep_default_na=False)
    ham = sms.loc[sms["is_spam"] == 0, "text"].tolist()
    assert candidate_mask(ham).mean() <= 0.03


def test_a_match_never_spans_two_texts_of_a_batch() -> None:
    """The batch is scanned as one buffer: neither half of a pattern may come from a neighbour."""
    texts = ["please delete my account", "and send the money back", "r e", "v i e w", "nothing here"]
    assert not candidate_mask(texts).any()
    assert candidate_mask(["please delete it and send the money back"])[0]
    with_nul = ["ok\x00", "lunch at 5?", "leave a review\x00 please"]
    assert candidate_mask(with_nul).tolist() == [False, False, True]
