"""Grouped 5-fold cross-validation of the incentive head on the train split's positives.

Why: the head's accuracy on the test split is reported in the manifest, but choosing its
word lists or weights there would tune on the test. This script measures them on the train
split only: the shipped model's features of each positive (whole text), the incentive head
refitted per fold (folds grouped by near-duplicate), accuracy on the held-out fold. Run from
the repository root:

    .venv/bin/python benchmarks/incentive_head_cv.py [incentive_weight ...]
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from reviewbait.artifact import load_model
from reviewbait.text.cues import find_cues
from reviewbait.text.normalize import normalize
from reviewbait.training.corpus import load_corpus, load_split
from reviewbait.training.head_estimators import IncentiveHead


def train_positives() -> tuple[Any, Any, list[str]]:
    """The train split's positives, the shipped model's features of each (whole text) and
    their normalized texts: what the heads are cross-validated on (never the test split)."""
    model, _ = load_model()
    corpus = load_split(load_corpus())
    positives = corpus[(corpus["split"] == "train") & (corpus["label"] == 1)].reset_index(drop=True)
    normalized = [normalize(text) for text in positives["text"]]
    X = model.features.transform_normalized(normalized, [find_cues(n) for n in normalized])
    return positives, X, [n.text for n in normalized]


def main(argv: list[str]) -> None:
    weights = [float(a) for a in argv] or [1.0]
    started = time.perf_counter()
    positives, X, texts = train_positives()
    y = positives["incentive_type"].to_numpy(dtype=object)
    groups = positives["group"].to_numpy()
    for weight in weights:
        predicted = np.empty(len(y), dtype=object)
        for fit_rows, held_out in GroupKFold(5).split(X, y, groups):
            head = IncentiveHead(incentive_weight=weight).fit(
                X[fit_rows], y[fit_rows], texts=[texts[i] for i in fit_rows]
            )
            predicted[held_out] = head.predict(X[held_out], texts=[texts[i] for i in held_out])
        print(f"incentive_weight={weight}: out-of-fold accuracy {np.mean(predicted == y):.4f} on {len(y)} positives")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
