"""Saving and loading the model artifact: checksum first, then load those same bytes.

A joblib file is a pickle, and unpickling runs code. So a model is loaded only after the
SHA-256 of its bytes matches the one recorded in its manifest (or when the caller says
``trusted=True``), and the bytes that were checked are the bytes that are loaded, never a
second read of the file. A scikit-learn version other than the one that trained the model
is refused: pickles are not portable across versions and can fail silently. So is a model
trained with another lexicon (see :mod:`reviewbait.lexicon`): its scores would be silently
wrong. The manifest also records the reviewbait version that trained it.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import json
import os
import platform
import tempfile
import warnings
from pathlib import Path
from typing import Any

import joblib

from reviewbait.errors import ReviewbaitError
from reviewbait.lexicon import lexicon_fingerprint

__all__ = [
    "ARTIFACT_NAME",
    "MANIFEST_NAME",
    "LexiconMismatchWarning",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "ModelVersionError",
    "bundled_model_dir",
    "default_model_dir",
    "load_model",
    "read_manifest",
    "runtime_versions",
    "save_model",
]

ARTIFACT_NAME = "reviewbait.joblib"
MANIFEST_NAME = "manifest.json"


class ModelIntegrityError(ReviewbaitError, RuntimeError):
    """The artifact does not match its recorded checksum, or no checksum was recorded."""


class ModelVersionError(ReviewbaitError, RuntimeError):
    """The artifact was trained with another scikit-learn version, or another lexicon."""


class LexiconMismatchWarning(UserWarning):
    """A model trained with another lexicon was loaded anyway, because the caller said ``trusted=True``."""


class ModelNotFoundError(ReviewbaitError, FileNotFoundError):
    """No model artifact where one was looked for."""


def bundled_model_dir() -> Path:
    """The model shipped inside the package (``reviewbait/models``), found as package data.

    The same in a clone (``src/reviewbait/models``) and in an installed wheel, so scoring needs
    no path outside the installed package.
    """
    resource = importlib.resources.files("reviewbait") / "models"
    if not isinstance(resource, Path):  # e.g. imported from a zip file
        raise ModelNotFoundError(
            f"the bundled model is inside {resource} and cannot be read as a file; install reviewbait "
            "as a regular package (pip install), or pass a model directory"
        )
    return resource


def default_model_dir() -> Path:
    """``REVIEWBAIT_MODEL_DIR`` if set, else the bundled model."""
    env = os.environ.get("REVIEWBAIT_MODEL_DIR")
    return Path(env) if env else bundled_model_dir()


def runtime_versions() -> dict[str, str]:
    import numpy
    import pandas
    import sklearn

    from reviewbait import __version__

    return {
        "reviewbait": __version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "joblib": joblib.__version__,
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_model(model: Any, directory: str | Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write the artifact and its manifest (with the artifact's SHA-256) into ``directory``."""
    directory = Path(directory)
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=("gzip", 6))
    data = buffer.getvalue()
    full = {
        **manifest,
        "artifact": ARTIFACT_NAME,
        "lexicon_sha256": lexicon_fingerprint(),
        "sha256": _sha256(data),
        "size_bytes": len(data),
        "versions": runtime_versions(),
    }
    _atomic_write(directory / ARTIFACT_NAME, data)
    _atomic_write(directory / MANIFEST_NAME, (json.dumps(full, indent=2, sort_keys=True) + "\n").encode())
    return full


def read_manifest(directory: str | Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as exc:
        raise ModelIntegrityError(f"{path} is not valid JSON ({exc}); restore it or run `reviewbait train`") from exc
    if not isinstance(manifest, dict):
        raise ModelIntegrityError(f"{path} does not hold a JSON object; restore it or run `reviewbait train`")
    return manifest


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _check_lexicon(artifact: Path, manifest: dict[str, Any], *, trusted: bool) -> None:
    """Refuse a model trained with other cue, gate or head patterns (a warning if ``trusted``).

    Its features would not mean what they meant in training, and nothing else would fail:
    the scores would just be wrong. A model loaded ``trusted`` without any manifest has
    nothing recorded to compare and is not checked.
    """
    if not manifest and trusted:
        return
    from reviewbait import __version__

    recorded = manifest.get("lexicon_sha256")
    current = lexicon_fingerprint()
    if recorded == current:
        return
    message = (
        f"{artifact} was trained with another lexicon (cue, gate and head patterns): its manifest records "
        f"lexicon_sha256 {recorded or 'none (trained before reviewbait recorded it)'}, reviewbait {__version__} "
        f"has {current}. Its scores would be wrong: run `reviewbait train` (in a clone) to rebuild the model"
        + (" (loaded anyway: trusted=True)" if trusted else ", or load it with trusted=True at your own risk")
        + "."
    )
    if trusted:
        warnings.warn(message, LexiconMismatchWarning, stacklevel=4)
        return
    raise ModelVersionError(message)


def load_model(path: str | Path | None = None, *, trusted: bool = False) -> tuple[Any, dict[str, Any]]:
    """Load a model directory (or artifact file) after verifying it; returns (model, manifest)."""
    import sklearn

    path = Path(path) if path is not None else default_model_dir()
    directory, artifact = (path.parent, path) if path.is_file() else (path, path / ARTIFACT_NAME)
    if not artifact.exists():
        raise ModelNotFoundError(f"no model artifact at {artifact}; run `reviewbait train` or pass another path")
    manifest = read_manifest(directory)
    data = artifact.read_bytes()
    actual = _sha256(data)
    expected = manifest.get("sha256")
    if expected is None and not trusted:
        raise ModelIntegrityError(
            f"{artifact} has no recorded SHA-256 (no {MANIFEST_NAME} beside it); loading it would run "
            "untrusted code. Pass trusted=True only if you made this file yourself."
        )
    if expected is not None and expected != actual:
        raise ModelIntegrityError(
            f"{artifact} does not match its manifest: expected sha256 {expected}, got {actual}. "
            "The file was changed or corrupted; restore it or run `reviewbait train`."
        )
    recorded = manifest.get("versions", {}).get("scikit-learn")
    if recorded is not None and _minor(recorded) != _minor(sklearn.__version__):
        raise ModelVersionError(
            f"{artifact} was trained with scikit-learn {recorded}, this is {sklearn.__version__}. "
            "Install the recorded version or run `reviewbait train` (in a clone) to rebuild the model."
        )
    _check_lexicon(artifact, manifest, trusted=trusted)
    try:
        model = joblib.load(io.BytesIO(data))
    except Exception as exc:  # a corrupted pickle can raise almost anything
        raise ModelIntegrityError(f"{artifact} could not be loaded ({type(exc).__name__}: {exc})") from exc
    return model, manifest
