"""Training is seeded and reproducible; thresholds are chosen as documented; variants are marked."""

from __future__ import annotations

import io

import joblib
import numpy as np
import pandas as pd
import pytest

from reviewbait.training.augment import augment_frame, obfuscate
from reviewbait.training.corpus import load_corpus
from reviewbait.training.metrics import choose_thresholds
from reviewbait.training.train import fit_model

PROBES = ["Leave 5 stars, get a refund via PayPal", "Thanks for the lovely stay!", "好评返现", "r3v1ew = fr33 g1ft"]


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    corpus = load_corpus()
    return corpus.sample(frac=1.0, random_state=1).groupby(["label", "language"]).head(20)


def test_same_data_and_seed_give_the_same_model(sample: pd.DataFrame) -> None:
    params = {"max_word_features": 2000, "max_char_features": 4000}
    first, _ = fit_model(sample, cv_folds=2, feature_params=params)
    second, _ = fit_model(sample, cv_folds=2, feature_params=params)
    assert first.thresholds == second.thresholds
    assert np.array_equal(first.score(PROBES)[0], second.score(PROBES)[0])
    dumps = []
    for model in (first, second):
        buffer = io.BytesIO()
        joblib.dump(model, buffer)
        dumps.append(buffer.getvalue())
    assert dumps[0] == dumps[1]


def test_report_holds_out_of_fold_scores_of_hand_written_rows_only(sample: pd.DataFrame) -> None:
    _, report = fit_model(sample, cv_folds=2, feature_params={"max_word_features": 2000, "max_char_features": 4000})
    assert len(report["out_of_fold"]) == report["train_rows"] == len(sample)
    assert report["augmented_rows"] > 0
    assert set(report["cv"]) >= {"balanced", "precise", "folds"}


def test_thresholds_balanced_is_best_f1_and_precise_meets_its_target() -> None:
    y = np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 1])
    p = np.linspace(0.05, 0.95, 10)
    points = choose_thresholds(y, p, min_precision=0.99)
    assert points["balanced"] == pytest.approx(p[4])  # from here on: recall 1, one false flag
    assert points["precise"] == pytest.approx(p[6])  # the lowest cut with no false flag
    assert points["precise"] >= points["balanced"]


def test_bagged_balanced_threshold_moves_less_than_the_argmax_between_samples() -> None:
    # Overlapping classes: F1 is nearly flat around its best threshold, so the argmax of each of
    # ten 90 % subsamples lands far from the others; the median over resamples does not.
    rng = np.random.default_rng(7)
    y = (rng.random(3000) < 0.45).astype(int)
    p = 1 / (1 + np.exp(-(2.0 * (2 * y - 1) + rng.normal(0, 1.6, y.size))))
    plain, bagged = [], []
    for k in range(10):
        rows = np.random.default_rng(100 + k).choice(y.size, int(0.9 * y.size), replace=False)
        plain.append(choose_thresholds(y[rows], p[rows])["balanced"])
        bagged.append(choose_thresholds(y[rows], p[rows], bootstrap=100, seed=1)["balanced"])
    assert np.std(bagged) < np.std(plain)
    assert choose_thresholds(y, p, bootstrap=50, seed=3) == choose_thresholds(y, p, bootstrap=50, seed=3)


def test_augmented_rows_are_marked_and_disguised() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "text": ["Leave a review for a free gift", "Free refund"], "label": [1, 0]})
    variants = augment_frame(frame, fraction=1.0, seed=3)
    assert variants["augmented"].all()
    assert variants["id"].str.endswith("~aug").all()
    assert (variants["text"].to_numpy() != frame.loc[variants.index, "text"].to_numpy()).all()
    rng = np.random.default_rng(0)
    disguised = {obfuscate("Leave a review for a free gift card", rng) for _ in range(20)}
    assert len(disguised) > 5  # many different disguises, not one fixed rewrite


def test_incentive_metrics_count_flagged_positives_only() -> None:
    from reviewbait.training.train import incentive_metrics

    test = pd.DataFrame(
        {
            "label": [1, 1, 1, 1, 0],
            "incentive_type": ["cash", "cash", "refund", "points", "discount"],
        }
    )
    flagged = np.array([True, True, True, False, True])
    predicted = np.array(["cash", "refund", "refund", "points", "discount"], dtype=object)
    m = incentive_metrics(test, flagged, predicted)
    assert m["n"] == 3 and m["accuracy"] == round(2 / 3, 4)
    assert m["per_value"] == {
        "cash": {"n": 2, "accuracy": 0.5, "precision": 1.0, "f1": round(2 / 3, 4)},
        "refund": {"n": 1, "accuracy": 1.0, "precision": 0.5, "f1": round(2 / 3, 4)},
    }
