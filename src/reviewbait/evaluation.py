"""Metrics of a scored, labeled set: overall, per language, per category, at a threshold."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, confusion_matrix, precision_recall_curve

__all__ = ["binary_metrics", "breakdown", "choose_thresholds"]


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, Any]:
    """Precision, recall, F1, flag rate and confusion matrix at ``threshold`` (flag: p >= t)."""
    y = np.asarray(y, dtype=int)
    flagged = np.asarray(p) >= threshold
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": int(y.size),
        "positives": int(y.sum()),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "flag_rate": round(float(flagged.mean()) if y.size else 0.0, 4),
        "confusion_matrix": confusion_matrix(y, flagged.astype(int), labels=[0, 1]).tolist(),
    }


def choose_thresholds(y: np.ndarray, p: np.ndarray, *, min_precision: float = 0.97) -> dict[str, float]:
    """``balanced``: the threshold of best F1; ``precise``: the most recall at precision >= min."""
    precision, recall, thresholds = precision_recall_curve(y, p)
    precision, recall = precision[:-1], recall[:-1]
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    balanced = float(thresholds[int(np.argmax(f1))])
    ok = np.flatnonzero(precision >= min_precision)
    precise = float(thresholds[ok[np.argmax(recall[ok])]]) if ok.size else float(thresholds[-1])
    return {"balanced": round(balanced, 6), "precise": round(max(precise, balanced), 6)}


def breakdown(frame: Any, p: np.ndarray, threshold: float) -> dict[str, Any]:
    """Overall metrics plus per-language and per-category ones for a labeled frame."""
    y = frame["label"].to_numpy(dtype=int)
    result: dict[str, Any] = {
        "pr_auc": round(float(average_precision_score(y, p)), 4) if 0 < y.sum() < y.size else None,
        **binary_metrics(y, p, threshold),
    }
    result["per_language"] = {
        str(lang): binary_metrics(y[mask], p[mask], threshold)
        for lang, mask in (
            (lang, (frame["language"] == lang).to_numpy()) for lang in sorted(frame["language"].unique())
        )
    }
    negatives = y == 0
    per_category: dict[str, Any] = {}
    for category in sorted(frame["category"].unique()):
        mask = (frame["category"] == category).to_numpy()
        if y[mask].sum() > 0:
            # a positive category: detection F1 against all negatives, and recall
            subset = mask | negatives
            per_category[str(category)] = binary_metrics(y[subset], p[subset], threshold)
            per_category[str(category)]["recall"] = binary_metrics(y[mask], p[mask], threshold)["recall"]
        else:
            per_category[str(category)] = {
                "n": int(mask.sum()),
                "false_positive_rate": round(float(np.mean(p[mask] >= threshold)), 4),
            }
    result["per_category"] = per_category
    return result
