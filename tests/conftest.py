"""Shared fixtures: a tiny model trained in the session (never the shipped one, never the network)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reviewbait.artifact import save_model
from reviewbait.detector import Detector
from reviewbait.training.corpus import load_corpus

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def tiny_fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """A small model fitted on a stratified sample of the corpus (the scikit-learn objects),
    and the directory it was exported to with its manifest."""
    from reviewbait.training.train import fit_model

    corpus = load_corpus()
    # shuffle, then the first 45 of each group (pandas 3's groupby.apply drops the group columns)
    sample = corpus.sample(frac=1.0, random_state=0).groupby(["label", "language"]).head(45)
    model, report = fit_model(
        sample, augment=False, cv_folds=2, feature_params={"max_word_features": 3000, "max_char_features": 6000}
    )
    directory = tmp_path_factory.mktemp("tiny_model")
    save_model(model, directory, {"thresholds": model.thresholds, "metrics": {"train_cv": report["cv"]}})
    return model, directory


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_fitted: tuple[Any, Path]) -> Path:
    """The tiny model's exported directory (what Detector.load reads)."""
    return tiny_fitted[1]


@pytest.fixture(scope="session")
def tiny_detector(tiny_model_dir: Path) -> Detector:
    return Detector.load(tiny_model_dir)
