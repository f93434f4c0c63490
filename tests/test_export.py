"""The exported model (arrays + JSON, NumPy only) scores exactly as the fitted scikit-learn model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reviewbait.artifact import ARTIFACT_NAME, CONFIG_NAME, load_model
from reviewbait.exported.export import export_model, npz_bytes, read_npz, to_pipeline
from reviewbait.exported.inference import ExportedModel
from reviewbait.training.corpus import load_corpus


@pytest.fixture(scope="module")
def texts() -> list[str]:
    corpus = load_corpus().sample(frac=1.0, random_state=1)
    short = corpus["text"].tolist()[:400]
    # long texts, so that windows are scored and a window can be the best unit
    long = [" ".join(short[i : i + 6]) for i in range(0, 120, 6)]
    return short + long + ["", "   ", "5 estrellas = reembolso", "好评返现5元，加微信"]


def test_the_exported_model_gives_the_fitted_models_probabilities_and_heads(
    tiny_fitted: tuple[Any, Path], texts: list[str]
) -> None:
    fitted, directory = tiny_fitted
    exported, _ = load_model(directory)
    assert isinstance(exported, ExportedModel) and exported.pipeline is None
    assert fitted.incentive_classifier is not None and exported.incentive_classifier is not None
    p_fit, d_fit = fitted.score(texts, with_details=True, heads_from=0.0)
    p_exp, d_exp = exported.score(texts, with_details=True, heads_from=0.0)
    assert np.abs(p_fit - p_exp).max() <= 1e-9
    headed = {i: record for i, record in d_fit.items() if record.category is not None}
    assert (p_exp > 0).sum() > 50 and len(headed) > 50  # the comparison covers flagged texts
    assert len({r.category for r in headed.values()}) > 2 and len({r.incentive for r in headed.values()}) > 2
    assert d_exp.keys() == d_fit.keys()
    for i, record in d_fit.items():
        for key in ("category", "incentive", "sentiment", "best_span", "cues"):
            assert getattr(d_exp[i], key) == getattr(record, key), (i, key)


def test_the_exported_features_are_the_fitted_features(tiny_fitted: tuple[Any, Path], texts: list[str]) -> None:
    from reviewbait.text.normalize import normalize

    fitted, directory = tiny_fitted
    exported, _ = load_model(directory)
    normalized = [normalize(t) for t in texts]
    a = fitted.features.transform_normalized(normalized)
    b = exported.features.transform_normalized(normalized)
    assert a.shape == b.shape and a.dtype == b.dtype == np.float32
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


def test_the_exported_features_count_a_texts_windows_by_its_words(
    tiny_fitted: tuple[Any, Path], texts: list[str]
) -> None:
    """Scoring counts each word of a text once for all its windows: the same rows, bit for bit."""
    from reviewbait.model import make_units, unit_cues
    from reviewbait.text.cues import find_cues
    from reviewbait.text.normalize import normalize

    exported, _ = load_model(tiny_fitted[1])
    normalized = [normalize(t) for t in texts]
    units = make_units(normalized)
    assert len(units.units) > len(texts) + 20  # many windows
    cues = unit_cues(units, [find_cues(n) for n in normalized])
    spans = [(k, a, b) for k, (a, b) in zip(units.owner.tolist(), units.span, strict=True)]
    a = exported.features.transform_normalized(units.units, cues)
    b = exported.features.transform_spans([n.text for n in normalized], spans, units.units, cues)
    assert a.shape == b.shape and a.dtype == b.dtype == np.float32
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


def test_the_fitted_pipeline_is_rebuilt_from_the_arrays(tiny_fitted: tuple[Any, Path], texts: list[str]) -> None:
    fitted, directory = tiny_fitted
    exported, _ = load_model(directory)
    rebuilt = to_pipeline(exported)
    assert np.abs(rebuilt.predict_proba(texts) - fitted.pipeline.predict_proba(texts)).max() <= 1e-9
    names = rebuilt.named_steps["features"].get_feature_names_out()
    assert list(names) == list(fitted.features.get_feature_names_out())


def test_the_export_is_plain_numbers_and_json_and_reproducible(tiny_fitted: tuple[Any, Path]) -> None:
    fitted, directory = tiny_fitted
    arrays, config = export_model(fitted)
    assert all(value.dtype.kind in "fiub" for value in arrays.values())
    assert json.loads(json.dumps(config)) == config
    assert npz_bytes(arrays) == npz_bytes(arrays) == (directory / ARTIFACT_NAME).read_bytes()
    assert json.loads((directory / CONFIG_NAME).read_text()) == config
    again = read_npz(npz_bytes(arrays))
    assert again.keys() == arrays.keys() and all(np.array_equal(again[k], arrays[k]) for k in arrays)
    assert again["category.coef"].flags.f_contiguous == arrays["category.coef"].flags.f_contiguous


def test_loading_and_checking_imports_neither_scikit_learn_nor_pandas() -> None:
    code = (
        "import sys\n"
        "from reviewbait import Detector\n"
        "verdict = Detector.load().check('Leave a 5 star review for a free gift card')\n"
        "assert verdict.is_solicitation\n"
        "print(sorted(m for m in ('sklearn', 'joblib', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("incentive_weight", [None, 1.0])
@pytest.mark.parametrize("labels", [["direct_reward", "review_swap"], ["direct_reward"], ["a", "b", "c"]])
def test_a_head_with_one_two_or_more_classes_predicts_as_fitted(
    tiny_fitted: tuple[Any, Path], labels: list[str], incentive_weight: float | None
) -> None:
    """A binary ridge has a 1-D coef_ (and one class a constant one): the export follows sklearn,
    with the incentive block or without it (category heads fitted before it had none)."""
    from reviewbait.exported.inference import model_from_arrays
    from reviewbait.text.normalize import normalize
    from reviewbait.training.head_estimators import CategoryHead

    fitted, _ = tiny_fitted
    texts = load_corpus().sample(n=60, random_state=5)["text"].tolist()
    normalized = [normalize(t) for t in texts]
    X = fitted.features.transform_normalized(normalized)
    unit_texts = [n.text for n in normalized]
    y = [labels[i % len(labels)] for i in range(len(texts))]
    head = CategoryHead(incentive_weight=incentive_weight).fit(X, y, texts=unit_texts)
    model = type(fitted)(fitted.pipeline, head, fitted.sentiment_classifier, fitted.thresholds, None, fitted.offer_rule)
    exported = model_from_arrays(*export_model(model))
    assert exported.category_classifier.incentive_weight == incentive_weight
    assert list(exported.category_classifier.predict(X, texts=unit_texts)) == list(head.predict(X, texts=unit_texts))
    assert np.allclose(
        exported.category_classifier.decision_function(X, texts=unit_texts),
        head.decision_function(X, texts=unit_texts),
        atol=1e-6,
    )


def test_a_pickled_model_is_converted_once_after_its_hash_is_checked(
    tiny_fitted: tuple[Any, Path], tmp_path: Path, texts: list[str]
) -> None:
    import hashlib
    import io

    import joblib

    from reviewbait.artifact import LEGACY_ARTIFACT_NAME, MANIFEST_NAME, ModelIntegrityError
    from reviewbait.exported.export import main

    fitted, directory = tiny_fitted
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer, compress=3)
    data = buffer.getvalue()
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / LEGACY_ARTIFACT_NAME).write_bytes(data)
    manifest = json.loads((directory / MANIFEST_NAME).read_text())
    manifest["sha256"] = "0" * 64  # not this file's: refused before unpickling
    (legacy / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ModelIntegrityError, match="not unpickled"):
        main([str(legacy)])
    manifest["sha256"] = hashlib.sha256(data).hexdigest()
    (legacy / MANIFEST_NAME).write_text(json.dumps(manifest))
    assert main([str(legacy)]) == 0
    converted, written = load_model(legacy)
    assert written["metrics"] == manifest["metrics"] and "exported_with" in written
    assert np.abs(converted.score(texts)[0] - fitted.score(texts)[0]).max() <= 1e-9
