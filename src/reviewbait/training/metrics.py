"""Metrics of a scored, labeled set: overall, per language, per category, at a threshold."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, confusion_matrix, precision_recall_curve

__all__ = ["binary_metrics", "breakdown", "calibration_table", "choose_thresholds", "threshold_table"]


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


def _curve(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and threshold of every cut (the curve's closing point dropped)."""
    precision, recall, thresholds = precision_recall_curve(y, p)
    return precision[:-1], recall[:-1], thresholds


def _best_f1_threshold(precision: np.ndarray, recall: np.ndarray, thresholds: np.ndarray) -> float:
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    return float(thresholds[int(np.argmax(f1))])


def choose_thresholds(
    y: np.ndarray, p: np.ndarray, *, min_precision: float = 0.97, bootstrap: int = 0, seed: int = 0
) -> dict[str, float]:
    """``balanced``: the threshold of best F1; ``precise``: the most recall at precision >= min.

    With ``bootstrap=B``, ``balanced`` is the median of the best-F1 thresholds of ``B``
    resamples of the rows (seeded): where F1 is nearly flat over a range of thresholds, its
    argmax jumps with small changes of the data, and the median of resampled argmaxes (a
    bagged estimate) moves far less.
    """
    y, p = np.asarray(y), np.asarray(p)
    precision, recall, thresholds = _curve(y, p)
    balanced = _best_f1_threshold(precision, recall, thresholds)
    if bootstrap:
        rng = np.random.default_rng(seed)
        picks = []
        for _ in range(bootstrap):
            rows = rng.integers(0, y.size, y.size)
            if 0 < y[rows].sum() < y.size:
                picks.append(_best_f1_threshold(*_curve(y[rows], p[rows])))
        balanced = float(np.median(picks)) if picks else balanced
    ok = np.flatnonzero(precision >= min_precision)
    precise = float(thresholds[ok[np.argmax(recall[ok])]]) if ok.size else float(thresholds[-1])
    return {"balanced": round(balanced, 6), "precise": round(max(precise, balanced), 6)}


def breakdown(
    frame: Any, p: np.ndarray, threshold: float, predicted_category: np.ndarray | None = None
) -> dict[str, Any]:
    """Overall metrics plus per-language and per-category ones for a labeled frame.

    For a positive category ``c``, ``recall`` is the share of its rows flagged, and ``f1``
    is end to end: a row counts as predicted ``c`` when it is flagged AND the category head
    says ``c`` (needs ``predicted_category``; without it, F1 of ``c``'s rows against all
    negatives). For a negative category, the share of its rows wrongly flagged.
    """
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
            if predicted_category is not None:
                actual = mask & (y == 1)
                predicted = (p >= threshold) & (np.asarray(predicted_category) == category)
                entry = binary_metrics(actual.astype(int), predicted.astype(float), 0.5)
            else:
                subset = mask | negatives
                entry = binary_metrics(y[subset], p[subset], threshold)
            recall = binary_metrics(y[mask], p[mask], threshold)["recall"]
            entry["detection_recall"] = recall
            # F1 within the category's own rows: precision is 1 there, so F1 = 2r / (1 + r)
            entry["slice_f1"] = round(2 * recall / (1 + recall), 4) if recall else 0.0
            per_category[str(category)] = entry
        else:
            per_category[str(category)] = {
                "n": int(mask.sum()),
                "false_positive_rate": round(float(np.mean(p[mask] >= threshold)), 4),
            }
    result["per_category"] = per_category
    return result


def threshold_table(y: np.ndarray, p: np.ndarray, thresholds: list[float]) -> list[dict[str, Any]]:
    """Precision, recall, F1 and flag rate at each threshold, sorted by threshold."""
    rows = []
    for threshold in sorted(set(thresholds)):
        metrics = binary_metrics(y, p, threshold)
        rows.append(
            {
                "threshold": round(float(threshold), 6),
                **{k: metrics[k] for k in ("precision", "recall", "f1", "flag_rate")},
                "flagged": int(np.sum(np.asarray(p) >= threshold)),
            }
        )
    return rows


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Reliability bins of equal width: mean predicted probability vs observed positive rate.

    The last bin includes 1.0; empty bins are left out.
    """
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    index = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        mask = index == b
        if not mask.any():
            continue
        rows.append(
            {
                "low": round(b / bins, 4),
                "high": round((b + 1) / bins, 4),
                "n": int(mask.sum()),
                "mean_probability": round(float(p[mask].mean()), 4),
                "positive_rate": round(float(y[mask].mean()), 4),
            }
        )
    return rows
