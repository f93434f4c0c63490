"""A linear classifier calibrated on grouped out-of-fold scores (Platt scaling).

scikit-learn's ``CalibratedClassifierCV`` re-fits the estimator once per calibration fold
and cannot keep its folds from splitting near-duplicate groups unless given the splits.
This estimator takes the splits (grouped by near-duplicate, from the training code), fits
one model per fold to get honest out-of-fold scores, fits a sigmoid on them, and refits the
estimator on everything: ``k + 1`` fits. The per-fold models are kept (``fold_estimators_``)
so training can score *other* units of the held-out rows (windows) exactly as in use; call
:meth:`drop_folds` before saving.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

__all__ = ["PlattCalibratedClassifier"]


class PlattCalibratedClassifier(ClassifierMixin, BaseEstimator):
    """Binary classifier: ``estimator``'s decision function mapped through a fitted sigmoid.

    Parameters
    ----------
    estimator : a binary classifier with ``decision_function`` (default ``LinearSVC()``).
    cv : number of stratified folds, or an iterable of ``(train, test)`` index arrays that
        partition the rows (e.g. grouped by near-duplicate).
    """

    def __init__(self, estimator: Any = None, cv: int | Iterable[tuple[np.ndarray, np.ndarray]] = 5) -> None:
        self.estimator = estimator
        self.cv = cv

    def fit(self, X: Any, y: Any) -> PlattCalibratedClassifier:
        from sklearn.model_selection import StratifiedKFold

        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if self.classes_.size != 2:
            raise ValueError(f"PlattCalibratedClassifier needs two classes, got {self.classes_.tolist()}")
        base = self.estimator if self.estimator is not None else LinearSVC()
        if isinstance(self.cv, int):
            splits = list(StratifiedKFold(self.cv).split(np.zeros(len(y)), y))
        else:
            splits = [(np.asarray(a), np.asarray(b)) for a, b in self.cv]
        out_of_fold = np.full(len(y), np.nan)
        self.fold_estimators_: list[tuple[np.ndarray, Any]] = []
        for train_index, test_index in splits:
            fold = clone(base).fit(X[train_index], y[train_index])
            out_of_fold[test_index] = fold.decision_function(X[test_index])
            self.fold_estimators_.append((test_index, fold))
        if np.isnan(out_of_fold).any():
            raise ValueError("cv splits must cover every row exactly once as a test row")
        self.calibrator_ = LogisticRegression(C=1e4).fit(out_of_fold.reshape(-1, 1), y == self.classes_[1])
        self.estimator_ = clone(base).fit(X, y)
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        check_is_fitted(self, ["estimator_", "calibrator_"])
        return np.asarray(self.estimator_.decision_function(X), dtype=np.float64)

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        """Probability of the positive class for raw decision values."""
        check_is_fitted(self, ["calibrator_"])
        return self.calibrator_.predict_proba(np.asarray(decision, dtype=np.float64).reshape(-1, 1))[:, 1]

    def predict_proba(self, X: Any) -> np.ndarray:
        positive = self.calibrate(self.decision_function(X))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def drop_folds(self) -> PlattCalibratedClassifier:
        """Forget the per-fold models (they are only needed during training)."""
        self.fold_estimators_ = []
        return self
