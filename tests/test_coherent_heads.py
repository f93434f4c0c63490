"""The category and incentive heads are decoded together, within the guide's pairings."""

from __future__ import annotations

import numpy as np

from reviewbait.model import PAIRED_INCENTIVES, coherent_heads

CATEGORIES = ["contest", "direct_reward", "review_swap"]
INCENTIVES = ["cash", "prize_draw", "reciprocal_review"]


def test_a_pair_the_definitions_forbid_gives_way_to_the_best_allowed_pair() -> None:
    # alone, the heads would say contest + cash; contest needs prize_draw, and
    # contest + prize_draw (2.0 + 0.5) beats direct_reward + cash (0.1 + 1.0)
    categories, incentives = coherent_heads(
        np.array([[2.0, 0.1, -1.0]]), CATEGORIES, np.array([[1.0, 0.5, -1.0]]), INCENTIVES
    )
    assert (categories[0], incentives[0]) == ("contest", "prize_draw")
    # and a strong cash score wins the other way: direct_reward + cash (0.1 + 3.0)
    categories, incentives = coherent_heads(
        np.array([[0.2, 0.1, -1.0]]), CATEGORIES, np.array([[3.0, 0.1, -1.0]]), INCENTIVES
    )
    assert (categories[0], incentives[0]) == ("direct_reward", "cash")


def test_an_allowed_pair_is_each_heads_own_argmax() -> None:
    rng = np.random.default_rng(0)
    category_scores, incentive_scores = rng.normal(size=(200, 3)), rng.normal(size=(200, 3))
    categories, incentives = coherent_heads(category_scores, CATEGORIES, incentive_scores, INCENTIVES)
    own_c = np.asarray(CATEGORIES, dtype=object)[category_scores.argmax(axis=1)]
    own_i = np.asarray(INCENTIVES, dtype=object)[incentive_scores.argmax(axis=1)]
    allowed = np.array(
        [all((c == k) == (i == v) for k, v in PAIRED_INCENTIVES.items()) for c, i in zip(own_c, own_i, strict=True)]
    )
    assert allowed.any() and (~allowed).any()
    assert list(categories[allowed]) == list(own_c[allowed])
    assert list(incentives[allowed]) == list(own_i[allowed])
    for c, i in zip(categories, incentives, strict=True):
        for category, incentive in PAIRED_INCENTIVES.items():
            assert (c == category) == (i == incentive)


def test_labels_with_no_allowed_pair_keep_each_heads_answer() -> None:
    categories, incentives = coherent_heads(np.array([[0.0, 1.0]]), ["contest", "x"], np.array([[1.0]]), ["cash"])
    assert (categories[0], incentives[0]) == ("x", "cash")
