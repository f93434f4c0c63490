"""How a model does on new hand-written rows before they are trained on: a new-genre check.

Why: a new round of the corpus is, once, text the model has never seen in a genre it was not
built for. Scoring it before it joins the corpus shows how far the model generalizes (round 9,
offers inside code, was caught at 62 %; round 10, extracted pages, at 91 % with 18 of 192
negatives flagged). After the rows are in the corpus, ``ablate_new_genre.py --held-out <prefix>``
refits without them instead. Run from the repository root:

    .venv/bin/python benchmarks/new_rows_check.py "data/rows/r10_*.csv" [--model DIR]

The files need the corpus columns (``text``, ``label``, ``language``, ``category``).
"""

from __future__ import annotations

import argparse
import glob

import pandas as pd

from reviewbait import Detector
from reviewbait.training.metrics import binary_metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pattern", help="glob of the new row files")
    parser.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    args = parser.parse_args()
    paths = sorted(glob.glob(args.pattern))
    if not paths:
        raise SystemExit(f"no file matches {args.pattern!r}: give a glob of CSV files with the corpus columns")
    rows = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths], ignore_index=True)
    detector = Detector.load(args.model) if args.model else Detector.load()
    y = rows["label"].astype(int).to_numpy()
    p = detector.probabilities(rows["text"].tolist())
    print(f"{len(rows)} rows from {len(paths)} files: {int(y.sum())} offers, {int((y == 0).sum())} others")
    for name in ("balanced", "precise"):
        scores = binary_metrics(y, p, detector.resolve_threshold(name))
        print(
            f"{name:>8}: recall {scores['recall']:.3f}  precision {scores['precision']:.3f}"
            f"  (others flagged: {scores['confusion_matrix'][0][1]})"
        )
    flagged = p >= detector.resolve_threshold("balanced")
    for column in ("language", "category"):
        print(f"at balanced, by {column}:")
        for value, group in rows.groupby(column):
            index = group.index.to_numpy()
            offers = y[index] == 1
            recall = f"recall {flagged[index][offers].mean():.2f} of {int(offers.sum())}" if offers.any() else ""
            others = (
                f"others flagged {int(flagged[index][~offers].sum())} of {int((~offers).sum())}"
                if (~offers).any()
                else ""
            )
            print(f"  {value:<20} {recall:<22} {others}")


if __name__ == "__main__":
    main()
