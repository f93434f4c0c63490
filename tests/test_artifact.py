"""Loading verifies the checksums first, then loads the same bytes; versions must match; never unpickles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reviewbait.artifact import (
    ARTIFACT_NAME,
    CONFIG_NAME,
    LEGACY_ARTIFACT_NAME,
    MANIFEST_NAME,
    LexiconMismatchWarning,
    ModelFormatError,
    ModelIntegrityError,
    ModelVersionError,
    load_model,
)
from reviewbait.detector import Detector


@pytest.fixture
def model_copy(tiny_model_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(tiny_model_dir, target)
    return target


def edit_manifest(directory: Path, **changes: object) -> None:
    path = directory / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def test_a_verified_model_loads(model_copy: Path) -> None:
    model, manifest = load_model(model_copy)
    assert manifest["sha256"]
    assert model.thresholds["balanced"] > 0


def test_a_tampered_artifact_is_refused_naming_file_and_both_hashes(model_copy: Path) -> None:
    artifact = model_copy / ARTIFACT_NAME
    data = bytearray(artifact.read_bytes())
    data[-10] ^= 0xFF
    artifact.write_bytes(bytes(data))
    expected = json.loads((model_copy / MANIFEST_NAME).read_text())["sha256"]
    with pytest.raises(ModelIntegrityError) as error:
        Detector.load(model_copy)
    message = str(error.value)
    assert str(artifact) in message and expected in message and "got" in message


def test_without_a_recorded_hash_only_trusted_loads(model_copy: Path) -> None:
    (model_copy / MANIFEST_NAME).unlink()
    with pytest.raises(ModelIntegrityError, match="trusted=True"):
        Detector.load(model_copy)
    detector = Detector.load(model_copy, trusted=True)
    assert 0.0 <= detector.probabilities(["free gift for a review"])[0] <= 1.0


def test_another_format_version_is_an_error_that_says_to_retrain(model_copy: Path) -> None:
    import hashlib

    config = json.loads((model_copy / CONFIG_NAME).read_text())
    config["format_version"] = 99
    data = json.dumps(config).encode()
    (model_copy / CONFIG_NAME).write_bytes(data)
    edit_manifest(model_copy, config_sha256=hashlib.sha256(data).hexdigest())
    with pytest.raises(ModelVersionError, match=r"format 99.*reviewbait train"):
        Detector.load(model_copy)


def test_a_changed_config_is_refused_like_a_changed_artifact(model_copy: Path) -> None:
    config = model_copy / CONFIG_NAME
    config.write_text(config.read_text().replace('"factor": 0.1', '"factor": 0.9'))
    with pytest.raises(ModelIntegrityError, match=f"{CONFIG_NAME} does not match its manifest"):
        Detector.load(model_copy)


def test_garbage_with_a_matching_hash_is_a_clear_error(model_copy: Path) -> None:
    import hashlib

    garbage = b"PK\x03\x04 this is not a zip archive"
    (model_copy / ARTIFACT_NAME).write_bytes(garbage)
    edit_manifest(model_copy, sha256=hashlib.sha256(garbage).hexdigest())
    with pytest.raises(ModelIntegrityError, match="could not be loaded"):
        Detector.load(model_copy)


class _Payload:
    """Unpickling this runs ``os.system`` (a shell command writing a file): a hostile model."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return os.system, (f"echo pwned > {self.marker}",)


@pytest.mark.parametrize("trusted", [False, True])
@pytest.mark.parametrize("compress", [0, 3])
def test_a_pickle_with_a_payload_and_a_forged_hash_runs_no_code(
    model_copy: Path, tmp_path: Path, trusted: bool, compress: int
) -> None:
    import hashlib
    import io

    import joblib

    marker = tmp_path / "payload_ran"
    buffer = io.BytesIO()
    joblib.dump(_Payload(marker), buffer, compress=compress)
    data = buffer.getvalue()
    (model_copy / ARTIFACT_NAME).write_bytes(data)
    edit_manifest(model_copy, sha256=hashlib.sha256(data).hexdigest())  # the forger updates the manifest too
    with pytest.raises(ModelFormatError, match="never unpickles") as error:
        Detector.load(model_copy, trusted=trusted)
    assert str(model_copy / ARTIFACT_NAME) in str(error.value)
    assert not marker.exists(), "the pickle's payload ran"


def test_an_npz_holding_a_pickled_object_array_is_refused_unrun(model_copy: Path, tmp_path: Path) -> None:
    import hashlib
    import io

    import numpy as np

    marker = tmp_path / "payload_ran"
    arrays = dict(np.load(model_copy / ARTIFACT_NAME, allow_pickle=False))
    arrays["classifier.coef"] = np.array([_Payload(marker)], dtype=object)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    data = buffer.getvalue()
    (model_copy / ARTIFACT_NAME).write_bytes(data)
    edit_manifest(model_copy, sha256=hashlib.sha256(data).hexdigest())
    with pytest.raises(ModelIntegrityError, match="could not be loaded"):
        Detector.load(model_copy, trusted=True)
    assert not marker.exists()


def test_a_legacy_pickled_model_is_not_loaded_and_the_error_says_how_to_convert(model_copy: Path) -> None:
    (model_copy / ARTIFACT_NAME).unlink()
    (model_copy / LEGACY_ARTIFACT_NAME).write_bytes(b"\x80\x04 whatever")
    with pytest.raises(ModelFormatError, match=r"no longer loads pickles.*python -m reviewbait.exported.export"):
        Detector.load(model_copy, trusted=True)


def test_a_broken_manifest_is_a_clear_error(model_copy: Path) -> None:
    (model_copy / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(ModelIntegrityError, match="not valid JSON"):
        Detector.load(model_copy)


def test_a_missing_model_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        Detector.load(tmp_path)


def test_the_manifest_pins_the_reviewbait_version_and_the_lexicon(model_copy: Path) -> None:
    from reviewbait import __version__
    from reviewbait.lexicon import lexicon_fingerprint

    manifest = json.loads((model_copy / MANIFEST_NAME).read_text())
    assert manifest["versions"]["reviewbait"] == __version__
    assert manifest["lexicon_sha256"] == lexicon_fingerprint() and len(lexicon_fingerprint()) == 64


@pytest.mark.parametrize("recorded", ["0" * 64, None])
def test_another_lexicon_is_an_error_that_says_to_retrain(model_copy: Path, recorded: str | None) -> None:
    manifest = json.loads((model_copy / MANIFEST_NAME).read_text())
    if recorded is None:  # a model trained before the fingerprint was recorded
        del manifest["lexicon_sha256"]
    else:
        manifest["lexicon_sha256"] = recorded
    (model_copy / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ModelVersionError, match=r"another lexicon.*reviewbait train") as error:
        Detector.load(model_copy)
    assert str(model_copy / ARTIFACT_NAME) in str(error.value)
    with pytest.warns(LexiconMismatchWarning, match="reviewbait train"):
        detector = Detector.load(model_copy, trusted=True)
    assert 0.0 <= detector.probabilities(["free gift for a review"])[0] <= 1.0


def test_the_lexicon_fingerprint_covers_cue_gate_and_head_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewbait import heads
    from reviewbait.lexicon import lexicon_text
    from reviewbait.text import cues, gate

    text = lexicon_text()
    assert gate.GATE_PATTERN in json.loads(text)["gate"]
    assert json.loads(text)["heads_subtypes"].keys() == heads.SUBTYPES.keys()
    changed = {
        **cues.LEXICON,
        "en": {**cues.LEXICON["en"], "incentive": (*cues.LEXICON["en"]["incentive"], "glimmers")},
    }
    monkeypatch.setattr(cues, "LEXICON", changed)
    assert lexicon_text() != text
