"""Grouped 5-fold cross-validation of the category and incentive heads, decoded apart or together,
with and without the category head's incentive block.

Why: :func:`reviewbait.model.coherent_heads` decodes the two heads together within the guide's
pairings (contest ⇔ prize_draw, review_swap ⇔ reciprocal_review). Whether that helps is
measured here on the train split's positives only (never the test split): the shipped model's
features of each positive (whole text), both heads refitted per fold (folds grouped by
near-duplicate), accuracy and per-category F1 on the held-out folds. Run from the repository
root:

    .venv/bin/python benchmarks/heads_coherence_cv.py
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from incentive_head_cv import train_positives
from reviewbait.model import PAIRED_INCENTIVES, coherent_heads
from reviewbait.training.head_estimators import CategoryHead, IncentiveHead


def main() -> None:
    started = time.perf_counter()
    positives, X, texts = train_positives()
    categories = positives["category"].to_numpy(dtype=object)
    incentives = positives["incentive_type"].to_numpy(dtype=object)
    for block in (None, 1.0):
        print(f"category head incentive_weight={block}")
        apart = (np.empty(len(texts), dtype=object), np.empty(len(texts), dtype=object))
        together = (np.empty(len(texts), dtype=object), np.empty(len(texts), dtype=object))
        for fit, held in GroupKFold(5).split(X, categories, positives["group"].to_numpy()):
            fit_texts, held_texts = [texts[i] for i in fit], [texts[i] for i in held]
            category_head = CategoryHead(incentive_weight=block).fit(
                X[fit], categories[fit], texts=fit_texts, contexts=fit_texts
            )
            incentive_head = IncentiveHead().fit(X[fit], incentives[fit], texts=fit_texts, contexts=fit_texts)
            category_scores = category_head.decision_function(X[held], texts=held_texts, contexts=held_texts)
            incentive_scores = incentive_head.decision_function(X[held], texts=held_texts, contexts=held_texts)
            apart[0][held] = category_head.classes_[category_scores.argmax(axis=1)]
            apart[1][held] = incentive_head.classes_[incentive_scores.argmax(axis=1)]
            together[0][held], together[1][held] = coherent_heads(
                category_scores, list(category_head.classes_), incentive_scores, list(incentive_head.classes_)
            )
        for name, (category, incentive) in (("apart", apart), ("together", together)):
            forbidden = sum(
                any((c == k) != (i == v) for k, v in PAIRED_INCENTIVES.items())
                for c, i in zip(category, incentive, strict=True)
            )
            print(
                f"  {name:<9} category accuracy {np.mean(category == categories):.4f}, "
                f"incentive accuracy {np.mean(incentive == incentives):.4f}, pairs the guide forbids {forbidden}"
            )
            labels = sorted(set(categories))
            scores = f1_score(categories, category, labels=labels, average=None)
            print("            category F1: " + ", ".join(f"{c} {s:.3f}" for c, s in zip(labels, scores, strict=True)))
    print(f"({len(texts)} train positives, {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
