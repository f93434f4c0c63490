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
from reviewbait.card import render_card
from reviewbait.corpus import corpus_hash, load_corpus, load_split

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


def test_quality_floor_on_the_test_split(shipped: Detector) -> None:
    corpus = load_split(load_corpus())
    test = corpus[corpus["split"] == "test"]
    y = test["label"].to_numpy()
    p = shipped.probabilities(test["text"].tolist())
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
    assert set(manifest["versions"]) >= {"python", "scikit-learn", "numpy", "pandas"}
    assert np.isclose(manifest["thresholds"]["balanced"], Detector.load().threshold)
