"""The shipped model: verified hash, card and manifest agree, and a quality floor.

Floors, not exact labels: a retrain may move single predictions, and must not be met by
editing these tests. The targets themselves are in the README and the model card.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from reviewbait import Detector
from reviewbait.artifact import ARTIFACT_NAME, default_model_dir
from reviewbait.model import PAIRED_INCENTIVES
from reviewbait.training.card import render_card
from reviewbait.training.corpus import corpus_hash, load_corpus, load_split
from reviewbait.training.metrics import binary_metrics

# Written for these tests: a reconstruction of the seed case, and a news report about it.
HUAWEI_CONTEST = (
    "Calling all members of our Mate 10 Pro product group! Before the phone launches in the US, "
    "post your review of the Mate 10 Pro on Best Buy's website and you're automatically entered "
    "for a chance to win a free Huawei phone. Drop the link to your review in this group to enter."
)
HUAWEI_NEWS = (
    "Huawei ran a contest in a closed Facebook group that asked members to review the Mate 10 Pro "
    "on Best Buy's website before it went on sale, for a chance to win a free phone, according to a "
    "report. Best Buy later said it would stop selling Huawei's phones; the retailer did not comment."
)


@pytest.fixture(scope="module")
def shipped() -> Detector:
    return Detector.load()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((default_model_dir() / "manifest.json").read_text())


def test_artifact_is_verified_and_small(shipped: Detector, manifest: dict) -> None:
    size = (default_model_dir() / ARTIFACT_NAME).stat().st_size
    assert size == manifest["size_bytes"] and size <= 25_000_000
    assert shipped.manifest["sha256"] == manifest["sha256"]


def test_card_is_rendered_from_the_manifest(manifest: dict) -> None:
    card = (default_model_dir() / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card == render_card(manifest)


def test_model_was_trained_on_the_committed_data(manifest: dict) -> None:
    assert manifest["data_sha256"] == corpus_hash(), "data/ changed since training: run `make train`"


def test_seed_case_contest_is_flagged_and_the_news_report_is_not(shipped: Detector) -> None:
    contest, news = shipped.check_many([HUAWEI_CONTEST, HUAWEI_NEWS])
    assert contest.is_solicitation and contest.category == "contest"
    assert not news.is_solicitation
    assert contest.probability > news.probability + 0.3
    assert {"incentive", "review"} <= {e.kind for e in contest.evidence}


@pytest.fixture(scope="module")
def test_split_scores(shipped: Detector) -> tuple[np.ndarray, np.ndarray]:
    """Labels and the shipped model's probabilities on the test split."""
    corpus = load_split(load_corpus())
    test = corpus[corpus["split"] == "test"]
    return test["label"].to_numpy(), shipped.probabilities(test["text"].tolist())


def test_quality_floor_on_the_test_split(shipped: Detector, test_split_scores: tuple[np.ndarray, np.ndarray]) -> None:
    y, p = test_split_scores
    assert average_precision_score(y, p) >= 0.95
    flagged = p >= shipped.threshold
    precision = (flagged & (y == 1)).sum() / flagged.sum()
    recall = (flagged & (y == 1)).sum() / (y == 1).sum()
    assert 2 * precision * recall / (precision + recall) >= 0.90
    precise = p >= shipped.resolve_threshold("precise")
    assert (precise & (y == 1)).sum() / precise.sum() >= 0.95


def test_manifest_records_what_the_card_promises(manifest: dict) -> None:
    for key in ("sha256", "data_sha256", "seed", "thresholds", "metrics", "command", "versions"):
        assert key in manifest
    assert set(manifest["versions"]) >= {"reviewbait", "python", "scikit-learn", "numpy", "pandas"}
    assert np.isclose(manifest["thresholds"]["balanced"], Detector.load().threshold)


def test_this_machine_scores_the_test_split_as_the_manifest_records(
    manifest: dict, test_split_scores: tuple[np.ndarray, np.ndarray]
) -> None:
    """Reproducibility on any CPU, without retraining: the shipped model re-scored here gives
    the F1 recorded at training time within 0.005 at each operating point (about four of the
    1,681 rows). Another BLAS moves probabilities in their last bits, not by that much."""
    y, p = test_split_scores
    for name, recorded in manifest["metrics"]["test"].items():
        measured = binary_metrics(y, p, manifest["thresholds"][name])
        assert measured["n"] == recorded["n"]
        assert abs(measured["f1"] - recorded["f1"]) <= 0.005, (name, measured["f1"], recorded["f1"])
        assert abs(average_precision_score(y, p) - recorded["pr_auc"]) <= 0.005


def test_the_manifest_pins_the_lexicon_and_the_reviewbait_version(manifest: dict) -> None:
    from reviewbait import __version__
    from reviewbait.lexicon import lexicon_fingerprint

    assert manifest["lexicon_sha256"] == lexicon_fingerprint(), "cue, gate or head patterns changed: run `make train`"
    assert manifest["versions"]["reviewbait"] == __version__


# Clear offers whose evidence names what is offered: the incentive head must agree with it.
# (written for these tests; one or more per language)
NAMED_INCENTIVES = [
    ("Leave us a 5-star review on Google and get a $10 gift card!", "gift card", "gift_card"),
    ("Review the blender on Amazon and we send you a full refund via PayPal.", "refund", "refund"),
    ("Rate us 5 stars on the Play Store and get 200 coins!", "coins", "points"),
    ("Review us on Google for a chance to win an iPad!", "chance to win", "prize_draw"),
    ("Etsy sellers: I'll review yours if you review mine, review swap anyone?", "review swap", "reciprocal_review"),
    ("We pay $5 per review on Amazon. DM me for details.", "$5", "cash"),
    ("Déjanos una reseña en Google y llévate un 20% de descuento en tu próxima compra.", "descuento", "discount"),
    ("Bewerte uns mit 5 Sternen bei Amazon und wir erstatten dir den vollen Kaufpreis.", "erstatten", "refund"),
    ("Laissez un avis sur Google et participez au tirage au sort d'un iPhone !", "tirage au sort", "prize_draw"),
    ("Avalie o app com 5 estrelas na Play Store e ganhe 500 moedas!", "moedas", "points"),
    ("Lascia una recensione su Amazon e ricevi una gift card da 10 €!", "gift card", "gift_card"),
    ("给五星好评截图参与抽奖，iPad等你拿", "抽奖", "prize_draw"),
]


@pytest.mark.parametrize(("text", "named", "incentive"), NAMED_INCENTIVES)
def test_incentive_head_agrees_with_the_evidence_that_names_the_incentive(
    shipped: Detector, text: str, named: str, incentive: str
) -> None:
    verdict = shipped.check(text)
    assert verdict.is_solicitation
    quoted = [e.text.lower() for e in verdict.evidence if e.kind == "incentive"]
    assert any(named.lower() in q or q in named.lower() for q in quoted), quoted  # the evidence names it
    assert verdict.incentive_type == incentive


def test_incentive_accuracy_floor_on_flagged_test_positives(shipped: Detector, manifest: dict) -> None:
    corpus = load_split(load_corpus())
    test = corpus[(corpus["split"] == "test") & (corpus["label"] == 1)]
    verdicts = shipped.check_many(test["text"].tolist())
    flagged = [
        (v.incentive_type, t) for v, t in zip(verdicts, test["incentive_type"], strict=True) if v.is_solicitation
    ]
    assert len(flagged) >= 0.85 * len(test)
    assert np.mean([a == b for a, b in flagged]) >= 0.80
    assert set(manifest["metrics"]["incentive"]["per_value"]) <= set(test["incentive_type"])


def test_the_shipped_model_never_reports_a_forbidden_pair(shipped: Detector) -> None:
    corpus = load_split(load_corpus())
    test = corpus[(corpus["split"] == "test") & (corpus["label"] == 1)]
    verdicts = [v for v in shipped.check_many(test["text"].tolist()) if v.is_solicitation]
    assert len(verdicts) >= 0.85 * len(test)
    for verdict in verdicts:
        for category, incentive in PAIRED_INCENTIVES.items():
            assert (verdict.category == category) == (verdict.incentive_type == incentive), verdict
