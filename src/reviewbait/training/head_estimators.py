"""The heads' estimators (see :mod:`reviewbait.heads` for what they read and why).

Kept apart from the heads' patterns because they import scikit-learn: training fits them;
scoring runs their exported weights (:mod:`reviewbait.exported.inference`) without scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.utils.validation import check_is_fitted

from reviewbait.features import pack_vocabulary, unpack_vocabularies
from reviewbait.heads import _cjk_only, audience_counts, head_texts, incentive_counts, subtype_counts

__all__ = ["CategoryHead", "IncentiveHead"]


class CategoryHead(ClassifierMixin, BaseEstimator):
    """Ridge classifier over the detector's features plus CJK characters, incentive sub-types,
    audience signals and the counts of the guide's incentive types.

    The incentive block (``incentive_weight``; ``None`` leaves it out) tells a refund from a
    payment or a draw, which is much of what separates ``refund_recruit``, ``paid_review`` and
    ``contest``. It raised category accuracy in grouped 5-fold cross-validation on the train
    split's positives (``benchmarks/heads_coherence_cv.py``, figures in the CHANGELOG).

    ``fit(X, y, texts=...)`` and ``predict(X, texts=...)``: ``X`` holds the detector's feature
    rows of the units, ``texts`` their normalized texts (``NormalizedText.text``).
    ``contexts`` (optional, same length) are the normalized *whole* texts the units come from,
    read for the audience block; by default the units' own texts.
    """

    def __init__(
        self,
        alpha: float = 0.3,
        cjk_weight: float = 1.0,
        subtype_weight: float = 1.0,
        audience_weight: float = 1.0,
        incentive_weight: float | None = 1.0,
    ) -> None:
        self.alpha = alpha
        self.cjk_weight = cjk_weight
        self.subtype_weight = subtype_weight
        self.audience_weight = audience_weight
        self.incentive_weight = incentive_weight

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
        incentive_weight = getattr(self, "incentive_weight", None)  # category heads pickled before it: none
        if incentive_weight is not None:
            blocks.append(incentive_counts(texts) * np.float32(incentive_weight))
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

    _texts = staticmethod(head_texts)


class IncentiveHead(CategoryHead):
    """What a flagged text offers: one of the guide's ``incentive_type`` values.

    The category head's estimator and blocks, including :func:`incentive_counts` of the unit,
    so that a text whose words name the incentive ("$10 gift card", "200 coins") gets that
    type. The audience block is off: who is addressed does not say what is offered. In grouped
    5-fold cross-validation on the train split's positives (best units), the incentive block
    raised accuracy from 0.839 to 0.859 (see CHANGELOG).
    """

    def __init__(
        self,
        alpha: float = 0.3,
        cjk_weight: float = 1.0,
        subtype_weight: float = 1.0,
        audience_weight: float = 0.0,
        incentive_weight: float | None = 1.0,
    ) -> None:
        super().__init__(alpha, cjk_weight, subtype_weight, audience_weight, incentive_weight)
