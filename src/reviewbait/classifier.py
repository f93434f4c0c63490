"""A linear classifier calibrated on grouped out-of-fold scores (Platt scaling, stacked).

scikit-learn's ``CalibratedClassifierCV`` re-fits the estimator once per calibration fold
and cannot keep its folds from splitting near-duplicate groups unless given the splits.
This estimator takes the splits (grouped by near-duplicate, from the training code), fits
one model per fold to get honest out-of-fold scores, fits a sigmoid on them, and refits the
estimator on everything: ``k + 1`` fits. The per-fold models are kept (``fold_estimators_``)
so training can score *other* units of the held-out rows (windows) exactly as in use; call
:meth:`drop_folds` before saving.

With ``context_columns=k``, the calibrator also reads the last ``k`` columns of ``X`` (the cue
features) and their products with the decision value: a logistic regression stacked on the
linear model, so how far a score is trusted can depend on which cues stand behind it (an
offer inside quotation marks, an incentive far from the review act). Its per-fold copies
keep the out-of-fold probabilities honest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy.special import expit
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
    context_columns : how many trailing columns of ``X`` the calibrator reads besides the
        decision value (0: plain Platt scaling).
    calibrator_C : inverse regularization of the calibrator (Platt scaling uses 1e4).
    """

    def __init__(
        self,
        estimator: Any = None,
        cv: int | Iterable[tuple[np.ndarray, np.ndarray]] = 5,
        context_columns: int = 0,
        calibrator_C: float = 1e4,
    ) -> None:
        self.estimator = estimator
        self.cv = cv
        self.context_columns = context_columns
        self.calibrator_C = calibrator_C

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> PlattCalibratedClassifier:
        from sklearn.model_selection import StratifiedKFold

        y = np.asarray(y)
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
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
            fold = clone(base).fit(X[train_index], y[train_index], sample_weight=weight[train_index])
            out_of_fold[test_index] = fold.decision_function(X[test_index])
            self.fold_estimators_.append((test_index, fold))
        if np.isnan(out_of_fold).any():
            raise ValueError("cv splits must cover every row exactly once as a test row")
        inputs = self._calibrator_inputs(X, out_of_fold)
        positive = y == self.classes_[1]
        self.calibrator_ = self._new_calibrator().fit(inputs, positive, sample_weight=weight)
        # per fold, a calibrator that never saw the fold's rows: for honest out-of-fold probabilities
        self.fold_calibrators_ = [
            self._new_calibrator().fit(inputs[train_index], positive[train_index], sample_weight=weight[train_index])
            for train_index, _ in splits
        ]
        self.estimator_ = clone(base).fit(X, y, sample_weight=weight)
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        check_is_fitted(self, ["estimator_", "calibrator_"])
        return np.asarray(self.estimator_.decision_function(X), dtype=np.float64)

    def calibrate(self, decision: np.ndarray, X: Any = None) -> np.ndarray:
        """Probability of the positive class for raw decision values (and their rows of ``X``
        when the calibrator reads context columns)."""
        check_is_fitted(self, ["calibrator_"])
        inputs = self._calibrator_inputs(X, np.asarray(decision, dtype=np.float64))
        # Row by row, not ``predict_proba``: BLAS sums a matrix product in an order that depends
        # on the batch's shape, so a text's probability would change in its last bits with
        # the texts scored beside it. A row sum along contiguous rows does not.
        logit = (inputs * self.calibrator_.coef_[0]).sum(axis=1) + self.calibrator_.intercept_[0]
        return np.asarray(expit(logit), dtype=np.float64)

    def predict_proba(self, X: Any) -> np.ndarray:
        positive = self.calibrate(self.decision_function(X), X)
        return np.column_stack([1.0 - positive, positive])

    def _new_calibrator(self) -> LogisticRegression:
        return LogisticRegression(C=self.calibrator_C, max_iter=5000)

    def _calibrator_inputs(self, X: Any, decision: np.ndarray) -> np.ndarray:
        """``[d]``, or ``[d, c, d * c]`` with ``c`` the last ``context_columns`` columns of ``X``."""
        decision = decision.reshape(-1, 1)
        k = getattr(self, "context_columns", 0)  # models pickled before stacking have none
        if not k:
            return decision
        if X is None:
            raise ValueError("this calibrator reads context columns of X: pass X")
        context = X[:, X.shape[1] - k :]
        context = np.asarray(context.toarray() if hasattr(context, "toarray") else context, dtype=np.float64)
        return np.hstack([decision, context, decision * context])

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def drop_folds(self) -> PlattCalibratedClassifier:
        """Forget the per-fold models (they are only needed during training)."""
        self.fold_estimators_ = []
        self.fold_calibrators_ = []
        return self
