"""Which training settings generalize to a genre the model has not seen? An out-of-distribution check.

Why: out-of-fold scores on the corpus cannot show how a setting fares on offers written unlike
any training row; real offers are measure-only. A new round of hand-written rows can, once,
before it is trained on: this script fits each variant on the train split *without* the rows
whose id starts with ``--held-out`` (default ``r8-``, round 8), and with the real ``train``
rows of ``benchmarks/ablate_real_text.py`` (a quarter held out, never fitted), then reports:
out-of-fold F1 on the hand-written rows, the held-out real rows flagged, and recall and
precision at ``balanced`` on the held-out round (train and test rows alike). Run from the
repository root:

    .venv/bin/python benchmarks/ablate_new_genre.py [--held-out r8-] [--no-literal-units] [C,real_weight,cue_weight ...]

(The figures in the CHANGELOG were measured with the code and lexicon of commit ff0ccb3, before
the lexicon took words from round 8's train rows.)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import reviewbait.training.train as training
from ablate_real_text import held_out
from reviewbait.training.corpus import load_corpus, load_split
from reviewbait.training.real_text import find_real_corpora, load_real_negatives


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", default="r8-", help="id prefix of the rows held out as the new genre")
    parser.add_argument("variants", nargs="*", default=["1,0.5,1"], help="C,real_weight,cue_weight")
    parser.add_argument(
        "--no-literal-units", action="store_true", help="do not score code's string literals as units of their own"
    )
    args = parser.parse_args()
    training.LITERAL_UNITS = not args.no_literal_units
    corpus = load_split(load_corpus())
    new = corpus["id"].str.startswith(args.held_out)
    train = corpus[(corpus["split"] == "train") & ~new]
    genre = corpus[new]
    y = genre["label"].to_numpy(dtype=int)
    real, _ = load_real_negatives(find_real_corpora(), seed=training.SEED)
    mask = real["id"].map(held_out).to_numpy(dtype=bool)
    real_fit, real_check = real[~mask], real[mask]
    print(f"{len(train)} train rows, {len(genre)} held-out rows ({y.sum()} offers), {len(real_fit)} real rows fitted")
    for variant in args.variants:
        c, weight, cue_weight = (float(v) for v in variant.split(","))
        training.C = c
        started = time.perf_counter()
        model, report = training.fit_model(
            train,
            negatives=real_fit if weight > 0 else None,
            negative_weight=weight,
            feature_params={"cue_weight": cue_weight},
        )
        real_p, _ = model.score(real_check["text"].tolist())
        p, _ = model.score(genre["text"].tolist())
        flagged = p >= model.thresholds["balanced"]
        hits = int((flagged & (y == 1)).sum())
        print(
            f"C {c} real weight {weight} cue weight {cue_weight}: "
            f"OOF F1 {report['cv']['balanced']['f1']:.4f} | held-out real flagged "
            f"{np.mean(real_p >= model.thresholds['balanced']):.2%} | new genre recall {hits / max(y.sum(), 1):.3f} "
            f"precision {hits / max(flagged.sum(), 1):.3f} | {time.perf_counter() - started:.0f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
