"""The heads: which kind of solicitation a flagged text is, and what it offers.

Why separate estimators: the six categories differ mostly in *what* is offered (a draw,
a refund, a code, a review back), which the detector's features carry only diluted, and in
Chinese, whose runs of characters the word tokenizer keeps whole. So the head reads the
detector's features of the text's best unit plus two small blocks of its own:

* CJK character 1-2-grams (``TfidfVectorizer`` over the Han characters only);
* counts of incentive sub-types (prize draw, purchase context, warranty, gift card, points,
  discount, free, pay, swap, removal, refund, app, food), multilingual, written from the
  labeling guide's definitions.

A ridge classifier (one-vs-rest, balanced class weights) beat LinearSVC, logistic
regression, naive Bayes and SGD in grouped cross-validation on the train split (see
CHANGELOG, 0.2.0). The unit texts are passed as ``texts=`` because the extra blocks need them.

The incentive head (:class:`IncentiveHead`) is the same estimator with one more block:
counts of the guide's ten incentive types (:data:`INCENTIVES`), so that a text whose words
name the incentive ("$10 gift card", "200 coins") gets that type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.utils.validation import check_is_fitted

from reviewbait.features import pack_vocabulary, unpack_vocabularies
from reviewbait.lexicon.head_blocks import AUDIENCE, INCENTIVES, SUBTYPES
from reviewbait.text.cues import factor_alternation

__all__ = [
    "AUDIENCE",
    "INCENTIVES",
    "SUBTYPES",
    "CategoryHead",
    "IncentiveHead",
    "audience_counts",
    "incentive_counts",
    "subtype_counts",
]

_NON_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split a regular expression at its top-level ``|`` (not inside groups or classes)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            end = pattern.index("]", i + 2)
            current.append(pattern[i : end + 1])
            i = end + 1
            continue
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _fast_alternation(pattern: str) -> str:
    r"""The same alternatives, arranged for Python's engine: ``\b`` hoisted out and the rest
    grouped by first character (see :func:`reviewbait.text.cues.factor_alternation`). An
    alternative that starts with ``\b`` stops the engine from dispatching on the first
    character, which made these patterns two to three times slower."""
    alternatives = _top_level_alternatives(pattern)
    bounded = tuple(a[2:] for a in alternatives if a.startswith("\\b"))
    other = tuple(a for a in alternatives if not a.startswith("\\b"))
    parts = [rf"\b(?:{factor_alternation(bounded)})"] if bounded else []
    if other:
        parts.append(factor_alternation(other))
    return "|".join(parts)


_SUBTYPE_PATTERNS = [re.compile(_fast_alternation(pattern)) for pattern in SUBTYPES.values()]
_AUDIENCE_PATTERNS = [re.compile(_fast_alternation(pattern)) for pattern in AUDIENCE.values()]
_INCENTIVE_PATTERNS = [re.compile(_fast_alternation(pattern)) for pattern in INCENTIVES.values()]


def _cjk_only(text: str) -> str:
    return _NON_CJK.sub(" ", text)


def _log_counts(patterns: list[re.Pattern[str]], texts: Sequence[str]) -> sp.csr_matrix:
    counts = np.array([[len(p.findall(t)) for p in patterns] for t in texts], dtype=np.float32)
    return sp.csr_matrix(np.log1p(counts.reshape(len(texts), len(patterns))))


def audience_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """``log1p`` of how often each :data:`AUDIENCE` signal occurs, one row per text."""
    return _log_counts(_AUDIENCE_PATTERNS, texts)


def subtype_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """``log1p`` of how often each incentive sub-type occurs, one row per text."""
    return _log_counts(_SUBTYPE_PATTERNS, texts)


def incentive_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """``log1p`` of how often each :data:`INCENTIVES` type is named, one row per text."""
    return _log_counts(_INCENTIVE_PATTERNS, texts)


class CategoryHead(ClassifierMixin, BaseEstimator):
    """Ridge classifier over the detector's features plus CJK characters, incentive sub-types
    and audience signals.

    ``fit(X, y, texts=...)`` and ``predict(X, texts=...)``: ``X`` holds the detector's feature
    rows of the units, ``texts`` their normalized texts (``NormalizedText.text``).
    ``contexts`` (optional, same length) are the normalized *whole* texts the units come from,
    read for the audience block; by default the units' own texts.
    """

    def __init__(
        self, alpha: float = 0.3, cjk_weight: float = 1.0, subtype_weight: float = 1.0, audience_weight: float = 1.0
    ) -> None:
        self.alpha = alpha
        self.cjk_weight = cjk_weight
        self.subtype_weight = subtype_weight
        self.audience_weight = audience_weight

    def fit(
        self, X: Any, y: Any, texts: Sequence[str] | None = None, contexts: Sequence[str] | None = None
    ) -> CategoryHead:
        texts = self._texts(X, texts)
        self.cjk_vectorizer_ = TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, 2),
            preprocessor=_cjk_only,
            min_df=1,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        ).fit(texts)
        self.classifier_ = RidgeClassifier(alpha=self.alpha, class_weight="balanced")
        self.classifier_.fit(self._augment(X, texts, contexts), np.asarray(y, dtype=object))
        # Stored column-major so that ``coef_.T`` is C-contiguous: scipy's sparse @ dense
        # otherwise copies the whole (features x classes) matrix on every call, 0.6 ms of a
        # single flagged check.
        self.classifier_.coef_ = np.asfortranarray(self.classifier_.coef_)
        self.classes_ = self.classifier_.classes_
        return self

    def decision_function(
        self, X: Any, texts: Sequence[str] | None = None, contexts: Sequence[str] | None = None
    ) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        scores: np.ndarray = self.classifier_.decision_function(self._augment(X, self._texts(X, texts), contexts))
        return scores

    def predict(self, X: Any, texts: Sequence[str] | None = None, contexts: Sequence[str] | None = None) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        predicted: np.ndarray = self.classifier_.predict(self._augment(X, self._texts(X, texts), contexts))
        return predicted

    def _augment(self, X: Any, texts: list[str], contexts: Sequence[str] | None) -> sp.csr_matrix:
        contexts = texts if contexts is None else self._texts(X, contexts)
        blocks = [
            sp.csr_matrix(X, dtype=np.float32),
            self.cjk_vectorizer_.transform(texts) * np.float32(self.cjk_weight),
            subtype_counts(texts) * np.float32(self.subtype_weight),
        ]
        if getattr(self, "audience_weight", 0.0):  # heads pickled before this block have none
            blocks.append(audience_counts(contexts) * np.float32(self.audience_weight))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the CJK vocabulary as one string, like the detector's (quick to load)."""
        state = dict(super().__getstate__())
        if "cjk_vectorizer_" in state:
            state["cjk_vectorizer_"] = pack_vocabulary(state["cjk_vectorizer_"])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        unpack_vocabularies(self, ("cjk_vectorizer_",))

    @staticmethod
    def _texts(X: Any, texts: Sequence[str] | None) -> list[str]:
        if texts is None:
            raise TypeError("a head needs the units' normalized texts: pass texts=[...]")
        texts = list(texts)
        if len(texts) != X.shape[0]:
            raise ValueError(f"texts has {len(texts)} items but X has {X.shape[0]} rows")
        return texts


class IncentiveHead(CategoryHead):
    """What a flagged text offers: one of the guide's ``incentive_type`` values.

    The category head's estimator and blocks plus :func:`incentive_counts` of the unit. The
    audience block is off: who is addressed does not say what is offered. In grouped 5-fold
    cross-validation on the train split's positives (best units), the incentive block raised
    accuracy from 0.839 to 0.859 (see CHANGELOG).
    """

    def __init__(
        self,
        alpha: float = 0.3,
        cjk_weight: float = 1.0,
        subtype_weight: float = 1.0,
        audience_weight: float = 0.0,
        incentive_weight: float = 1.0,
    ) -> None:
        super().__init__(alpha, cjk_weight, subtype_weight, audience_weight)
        self.incentive_weight = incentive_weight

    def _augment(self, X: Any, texts: list[str], contexts: Sequence[str] | None) -> sp.csr_matrix:
        blocks = [super()._augment(X, texts, contexts), incentive_counts(texts) * np.float32(self.incentive_weight)]
        return sp.hstack(blocks, format="csr", dtype=np.float32)
