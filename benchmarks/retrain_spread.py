"""How far can the retraining tests' counts move? (issue 11: one more negative flagged on another CPU)

Run: .venv/bin/python benchmarks/retrain_spread.py [--seeds N] [--samples N]

Repeats the scenario of tests/training/test_retrain.py with several training seeds and base samples:
a tiny base model (as in tests/conftest.py) and a model retrained on the Rateloop rows plus a
small base sample (test_retrained_model_catches_held_out_paraphrases), and the same rows
without a base (test_cli_train_no_base_writes_a_usable_model). A BLAS or CPU difference moves
single decision values a little; another seed or sample moves them much more, so what holds
for every run here holds with margin on any machine. Prints one line per run and the range of
every count the tests assert on; the tests assert only what holds for all of them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

REFUND_OFFER = "Leave a 5 star review on Amazon and get a full refund via PayPal"  # margin over the threshold
FAST = {"augment": False, "cv_folds": 2, "feature_params": {"max_word_features": 3000, "max_char_features": 6000}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="training seeds per base sample (default 3)")
    parser.add_argument("--samples", type=int, default=3, help="base samples (default 3)")
    args = parser.parse_args()

    from rateloop_rows import HELD_OUT_NEGATIVES, HELD_OUT_POSITIVES, user_frame
    from reviewbait.detector import Detector
    from reviewbait.training.corpus import load_corpus
    from reviewbait.training.retrain import train_user_model
    from reviewbait.training.train import SEED, fit_model

    corpus = load_corpus()
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        user_csv = Path(tmp) / "mine.csv"
        user_frame().to_csv(user_csv, index=False)

        def caught(detector: Detector, texts: list[str]) -> tuple[int, np.ndarray]:
            p = detector.probabilities(texts)
            return int(np.sum(p >= detector.threshold)), p

        for sample in range(args.samples):
            for k in range(args.seeds):
                seed = SEED + k
                started = time.perf_counter()
                # the tiny base model of tests/conftest.py (sample 0 and the default seed in the tests)
                tiny_sample = corpus.sample(frac=1.0, random_state=sample).groupby(["label", "language"]).head(45)
                tiny, _ = fit_model(tiny_sample, seed=seed, **FAST)
                tiny_detector = Detector(tiny)
                # the retrained model (base sample 1 and the default seed in the tests)
                base = corpus.sample(frac=1.0, random_state=sample + 1).groupby(["label", "language"]).head(30)
                out = Path(tmp) / f"mine-{sample}-{seed}"
                train_user_model([user_csv], out, base=base, seed=seed, measure_sms=False, **FAST)
                mine = Detector.load(out)
                # the CLI's --no-base model (default fit: augmented, 5 folds at most)
                alone_out = Path(tmp) / f"alone-{sample}-{seed}"
                train_user_model([user_csv], alone_out, base=False, seed=seed, measure_sms=False)
                alone = Detector.load(alone_out)

                tiny_pos, p_tiny = caught(tiny_detector, HELD_OUT_POSITIVES)
                mine_pos, p_pos = caught(mine, HELD_OUT_POSITIVES)
                mine_neg, p_neg = caught(mine, HELD_OUT_NEGATIVES)
                alone_pos, p_alone = caught(alone, HELD_OUT_POSITIVES)
                row = {
                    "base_sample": sample,
                    "seed": seed,
                    "tiny_pos": tiny_pos,
                    "tiny_threshold": round(tiny_detector.threshold, 3),
                    "tiny_pos_mean": round(float(p_tiny.mean()), 3),
                    "mine_pos": mine_pos,
                    "mine_neg": mine_neg,
                    "mine_threshold": round(mine.threshold, 3),
                    "mine_pos_min": round(float(p_pos.min()), 3),
                    "mine_pos_mean": round(float(p_pos.mean()), 3),
                    "mine_neg_max": round(float(p_neg.max()), 3),
                    "separation": round(float(p_pos.min() - p_neg.max()), 3),
                    "refund_offer": round(float(mine.probabilities([REFUND_OFFER])[0] - mine.threshold), 3),
                    "alone_pos": alone_pos,
                    "alone_pos_mean": round(float(p_alone.mean()), 3),
                    "seconds": round(time.perf_counter() - started, 1),
                }
                rows.append(row)
                print(row, flush=True)
    print(f"\n{len(rows)} runs; held-out positives: {len(HELD_OUT_POSITIVES)}, negatives: {len(HELD_OUT_NEGATIVES)}")
    for key in [k for k in rows[0] if k not in ("base_sample", "seed", "seconds")]:
        values = [r[key] for r in rows]
        print(f"  {key:15s} min {min(values)}  max {max(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
