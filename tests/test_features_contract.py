"""The scikit-learn contract of the feature transformer and of the calibrated classifier.

``check_estimator`` skips estimators that do not take 2-D arrays, so the contract of a text
transformer is written out here.
"""

from __future__ import annotations

import io

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from reviewbait.classifier import PlattCalibratedClassifier
from reviewbait.features import SolicitationFeatures
from reviewbait.heads import CategoryHead

TEXTS = [
    "Leave a 5 star review and get a free gift card",
    "Great blender, would buy again",
    "r3v1ew for refund, DM me",
    "Enter our giveaway: like and share",
    "好评返现5元",
    "Laissez un avis et gagnez un cadeau",
    "Meeting moved to 3pm",
    "Review swap anyone? I review yours, you review mine",
] * 3


def small() -> SolicitationFeatures:
    return SolicitationFeatures(min_df=1, max_word_features=500, max_char_features=800)


def test_init_only_stores_parameters_and_clone_round_trips() -> None:
    est = SolicitationFeatures(cue_weight=2.5, min_df=3)
    assert est.get_params()["cue_weight"] == 2.5
    cloned = clone(est)
    assert cloned.get_params() == est.get_params()
    assert not hasattr(cloned, "word_vectorizer_")
    cloned.set_params(cue_weight=0.5)
    assert cloned.cue_weight == 0.5 and est.cue_weight == 2.5


def test_fit_returns_self_and_learned_attributes_end_with_underscore() -> None:
    est = small()
    assert est.fit(TEXTS) is est
    assert hasattr(est, "word_vectorizer_") and hasattr(est, "char_vectorizer_")


def test_transform_before_fit_raises_not_fitted() -> None:
    with pytest.raises(NotFittedError):
        small().transform(TEXTS)


def test_feature_names_match_output_width() -> None:
    est = small().fit(TEXTS)
    X = est.transform(TEXTS)
    names = est.get_feature_names_out()
    assert X.shape == (len(TEXTS), len(names))
    assert any(n.startswith("cue__") for n in names)
    assert len(set(names)) == len(names)


def test_identical_output_after_joblib_round_trip() -> None:
    est = small().fit(TEXTS)
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    again = joblib.load(buffer)
    assert (est.transform(TEXTS) != again.transform(TEXTS)).nnz == 0


def test_pickling_packs_vocabularies_and_leaves_the_live_object_alone() -> None:
    est = small().fit(TEXTS)
    word, char = est.word_vectorizer_, est.char_vectorizer_
    vocabulary = dict(word.vocabulary_)
    state = est.__getstate__()
    assert "vocabulary_" not in state["word_vectorizer_"].__dict__  # packed into one string
    assert isinstance(state["char_vectorizer_"].__dict__["_packed_vocabulary"], str)
    assert est.word_vectorizer_ is word and est.char_vectorizer_ is char  # not the live object
    assert word.vocabulary_ == vocabulary
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    again = joblib.load(buffer)
    assert again.word_vectorizer_.vocabulary_ == vocabulary
    assert "_packed_vocabulary" not in again.word_vectorizer_.__dict__


def test_vocabularies_that_cannot_be_packed_are_kept_as_they_are() -> None:
    from reviewbait.features import pack_vocabulary, unpack_vocabulary

    class Holder:
        def __init__(self, vocabulary: dict[str, int]) -> None:
            self.vocabulary_ = vocabulary

    for vocabulary in ({"a\x00b": 0, "c": 1}, {"a": 1, "b": 2}, {}):
        holder = Holder(vocabulary)
        assert pack_vocabulary(holder) is holder
    packed = pack_vocabulary(Holder({"b c": 1, "a": 0, "é 好": 2}))
    unpack_vocabulary(packed)
    assert packed.vocabulary_ == {"a": 0, "b c": 1, "é 好": 2}


def test_rejects_a_single_string_and_non_text_items() -> None:
    est = small().fit(TEXTS)
    with pytest.raises(TypeError, match="single str"):
        est.transform("just one text")
    with pytest.raises(TypeError, match="index 1"):
        est.transform(["fine", None])


def test_calibrated_classifier_contract() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + 0.3 * rng.normal(size=200) > 0).astype(int)
    clf = PlattCalibratedClassifier(cv=4)
    assert clf.fit(X, y) is clf
    proba = clf.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1.0)
    order = np.argsort(clf.decision_function(X))
    assert np.all(np.diff(proba[order, 1]) >= -1e-12)  # monotone in the decision value
    assert (clf.predict(X) == y).mean() > 0.85
    assert len(clf.fold_estimators_) == 4
    assert clf.drop_folds().fold_estimators_ == []
    with pytest.raises(NotFittedError):
        PlattCalibratedClassifier().predict_proba(X)


def test_stacked_calibrator_reads_the_context_columns() -> None:
    """The same decision value gives a lower probability when the context column says the
    label's second condition is missing (here: positive needs column 0 high *and* the flag)."""
    rng = np.random.default_rng(1)
    n = 600
    signal = rng.normal(size=n)
    flag = rng.integers(0, 2, size=n).astype(float)
    X = np.column_stack([signal, rng.normal(size=n), flag])
    y = ((signal > 0) & (flag == 1)).astype(int)
    plain = PlattCalibratedClassifier(cv=4).fit(X, y)
    stacked = PlattCalibratedClassifier(cv=4, context_columns=1, calibrator_C=1.0).fit(X, y)
    assert (stacked.predict(X) == y).mean() >= (plain.predict(X) == y).mean() - 0.01
    decision = np.array([0.5, 0.5])  # a typical positive's decision value
    with_flag, without_flag = stacked.calibrate(decision, np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]))
    assert without_flag < with_flag - 0.2
    assert len(stacked.fold_calibrators_) == 4
    assert stacked.calibrator_.coef_.shape == (1, 3)  # decision, flag, decision x flag
    sparse = sp.csr_matrix(X)  # as the features are: their products do not depend on the batch
    batch = stacked.predict_proba(sparse)[:, 1]
    alone = np.array([stacked.predict_proba(sparse[i : i + 1])[0, 1] for i in range(50)])
    assert np.array_equal(batch[:50], alone)  # bit for bit, whatever is scored beside it
    inputs = np.column_stack([stacked.decision_function(X), flag, stacked.decision_function(X) * flag])
    assert np.allclose(batch, stacked.calibrator_.predict_proba(inputs)[:, 1], rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="pass X"):
        stacked.calibrate(np.array([1.0]))
    assert stacked.drop_folds().fold_calibrators_ == []


def test_calibrated_classifier_needs_splits_that_cover_every_row() -> None:
    X = np.arange(20, dtype=float).reshape(-1, 1)
    y = np.array([0, 1] * 10)
    with pytest.raises(ValueError, match="every row"):
        PlattCalibratedClassifier(cv=[(np.arange(10), np.arange(10, 15))]).fit(X, y)


def test_fast_blocks_are_the_vectorizers_own_tfidf() -> None:
    """The vectorized counters feed the same TF-IDF as ``TfidfVectorizer.transform``."""
    est = small().fit(TEXTS)
    texts = [*TEXTS, "unseen words only: zebra quartz", ""]
    fast = est._char_tfidf(texts)
    slow = est.char_vectorizer_.transform(texts)
    assert fast.shape == slow.shape and fast.dtype == slow.dtype
    assert np.abs((fast - slow).toarray()).max() <= 1e-6
    assert fast.nnz == slow.nnz > 0
    fast_words, slow_words = est._word_tfidf(texts), est.word_vectorizer_.transform(texts)
    assert fast_words.shape == slow_words.shape and fast_words.nnz == slow_words.nnz > 0
    assert np.abs((fast_words - slow_words).toarray()).max() <= 1e-6
    refit = est.fit(["one two three", "one two four"])  # a refit must not reuse the old counter
    assert refit._char_tfidf(["one two"]).shape[1] == len(refit.char_vectorizer_.vocabulary_)
    assert refit._word_tfidf(["one two"]).shape[1] == len(refit.word_vectorizer_.vocabulary_)


# One offer of each kind, for the heads' contracts (category and incentive labels follow them).
HEAD_TEXTS = [
    "review us on google and enter the prize draw, winners picked friday",
    "thank you for your purchase! leave a review and get a $10 gift card",
    "i'll review your book if you review mine, r4r",
    "好评返现5元，加微信",
]


def test_category_head_contract() -> None:
    from reviewbait.heads import INCENTIVES, SUBTYPES, CategoryHead, subtype_counts

    texts = HEAD_TEXTS * 3
    y = ["contest", "direct_reward", "review_swap", "refund_recruit"] * 3
    features = small().fit(texts)
    X = features.transform(texts)
    head = CategoryHead(alpha=1.0)
    assert clone(head).get_params() == {
        "alpha": 1.0,
        "cjk_weight": 1.0,
        "subtype_weight": 1.0,
        "audience_weight": 1.0,
        "incentive_weight": 1.0,
    }
    with pytest.raises(NotFittedError):
        head.predict(X, texts=texts)
    assert head.fit(X, y, texts=texts) is head
    assert list(head.predict(X, texts=texts)) == y
    assert head.decision_function(X, texts=texts).shape == (len(texts), 4)
    assert head.classifier_.coef_.T.flags.c_contiguous  # else sparse @ dense copies it per call
    without = CategoryHead(alpha=1.0, incentive_weight=None).fit(X, y, texts=texts)
    extra = head.classifier_.coef_.shape[1] - without.classifier_.coef_.shape[1]
    assert extra == len(INCENTIVES)  # the block of the guide's incentive types
    buffer = io.BytesIO()
    joblib.dump(head, buffer)
    buffer.seek(0)
    again = joblib.load(buffer)
    assert again.cjk_vectorizer_.vocabulary_ == head.cjk_vectorizer_.vocabulary_
    assert np.array_equal(again.decision_function(X, texts=texts), head.decision_function(X, texts=texts))
    with pytest.raises(TypeError, match="texts"):
        head.predict(X)
    with pytest.raises(ValueError, match="rows"):
        head.predict(X, texts=texts[:-1])
    counts = subtype_counts(["win a prize in our draw", "plain words"]).toarray()
    assert counts.shape == (2, len(SUBTYPES))
    assert counts[0, list(SUBTYPES).index("prize")] > 0 and counts[1].sum() == 0


def test_incentive_head_contract() -> None:
    """Same contract as the category head, one more parameter and block; audience off by default."""
    from reviewbait.heads import INCENTIVES, IncentiveHead, incentive_counts

    texts = HEAD_TEXTS * 3
    y = ["prize_draw", "gift_card", "reciprocal_review", "refund"] * 3
    features = small().fit(texts)
    X = features.transform(texts)
    head = IncentiveHead()
    assert clone(head).get_params() == {
        "alpha": 0.3,
        "cjk_weight": 1.0,
        "subtype_weight": 1.0,
        "audience_weight": 0.0,
        "incentive_weight": 1.0,
    }
    with pytest.raises(NotFittedError):
        head.predict(X, texts=texts)
    assert list(head.fit(X, y, texts=texts).predict(X, texts=texts)) == y
    assert head.decision_function(X, texts=texts).shape == (len(texts), 4)
    again = joblib.load(io.BytesIO(_dumped(head)))
    assert np.array_equal(again.decision_function(X, texts=texts), head.decision_function(X, texts=texts))
    counts = incentive_counts(["200 coins and a $10 gift card", "plain words"]).toarray()
    assert counts.shape == (2, len(INCENTIVES))
    assert counts[0, list(INCENTIVES).index("points")] > 0 and counts[0, list(INCENTIVES).index("gift_card")] > 0
    assert counts[1].sum() == 0


def _dumped(estimator: object) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    return buffer.getvalue()


def test_audience_block_reads_the_whole_text_when_given() -> None:
    """The audience signals come from ``contexts`` (whole texts), the rest from the unit texts."""
    from reviewbait.heads import AUDIENCE, audience_counts

    counts = audience_counts(
        [
            "hi linda,\nyour order #48213 has arrived",
            "everyone who reviews us gets a free coffee, show the barista",
            "ok",
        ]
    ).toarray()
    one, open_ = list(AUDIENCE).index("one_reader"), list(AUDIENCE).index("open_audience")
    assert counts[0, one] > 0 and counts[0, open_] == 0
    assert counts[1, open_] > 0 and counts[1, one] == 0
    assert counts[2].sum() == 0

    texts = ["leave a review and get a gift card", "leave a review and get a gift card"] * 4
    y = ["refund_recruit", "direct_reward"] * 4
    contexts = [
        "dear anna,\nthank you for your order #55120. leave a review and get a gift card",
        "everyone! leave a review and get a gift card, show the cashier",
    ] * 4
    features = small().fit(contexts)
    X = features.transform(texts)
    head = CategoryHead(alpha=0.1).fit(X, y, texts=texts, contexts=contexts)
    assert list(head.predict(X, texts=texts, contexts=contexts)) == y  # units alike, contexts differ
    with pytest.raises(ValueError, match="rows"):
        head.predict(X, texts=texts, contexts=contexts[:-1])


@pytest.mark.parametrize("block", ["SUBTYPES", "AUDIENCE"])
def test_rearranged_patterns_count_what_the_plain_patterns_count(block: str) -> None:
    """The patterns rearranged for speed count exactly what the patterns as written count."""
    import re

    from reviewbait import heads
    from reviewbait.text.normalize import normalize_text
    from reviewbait.training.corpus import load_corpus

    patterns = getattr(heads, block)
    count = heads.subtype_counts if block == "SUBTYPES" else heads.audience_counts
    texts = [normalize_text(t) for t in load_corpus()["text"].tolist()[::7]]
    plain = [re.compile(p) for p in patterns.values()]
    expected = np.log1p(np.array([[len(p.findall(t)) for p in plain] for t in texts], dtype=np.float32))
    assert expected.sum() > 0
    assert np.array_equal(count(texts).toarray(), expected)


def test_incentive_block_has_one_entry_per_guide_value() -> None:
    from reviewbait.heads import INCENTIVES
    from reviewbait.training.corpus import INCENTIVE_TYPES

    assert list(INCENTIVES) == [t for t in INCENTIVE_TYPES if t]
