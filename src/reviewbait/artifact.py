"""Saving and loading the model artifact: plain arrays and JSON, checked before use.

The model is two files (see :mod:`reviewbait.exported.inference`): ``reviewbait.npz`` (numeric arrays,
read with ``allow_pickle=False``) and ``reviewbait.json`` (parameters), beside
``manifest.json``. What each guard protects against:

* **No pickle.** Nothing is ever unpickled, whatever the file says and with or without
  ``trusted=True``: a file that is a pickle (or joblib) is refused with an error that says so,
  before anything reads it. So a model file cannot run code.
* **SHA-256** of both files, recorded in the manifest: catches corruption (a cut download, a
  bad disk, an edit by mistake). It is no defence against tampering: whoever can change the
  file can change the manifest too. The bytes checked are the bytes loaded.
* **Format version and lexicon fingerprint**: a model written by another reviewbait format, or
  trained with other cue, gate or head patterns (see :mod:`reviewbait.lexicon`), is refused;
  its features would not mean what they meant in training and its scores would be silently
  wrong.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import platform
import tempfile
import warnings
from pathlib import Path
from typing import Any

from reviewbait.errors import ReviewbaitError
from reviewbait.lexicon import lexicon_fingerprint

__all__ = [
    "ARTIFACT_NAME",
    "CONFIG_NAME",
    "LEGACY_ARTIFACT_NAME",
    "MANIFEST_NAME",
    "LexiconMismatchWarning",
    "ModelFormatError",
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

ARTIFACT_NAME = "reviewbait.npz"
CONFIG_NAME = "reviewbait.json"
LEGACY_ARTIFACT_NAME = "reviewbait.joblib"  # a pickle (reviewbait 0.2 and earlier): never loaded
MANIFEST_NAME = "manifest.json"


class ModelIntegrityError(ReviewbaitError, RuntimeError):
    """The artifact does not match its recorded checksum, or no checksum was recorded."""


class ModelFormatError(ModelIntegrityError):
    """The model file is not an exported model (for example a pickle): refused, never unpickled."""


class ModelVersionError(ReviewbaitError, RuntimeError):
    """The artifact was written in another format version, or trained with another lexicon."""


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
    import joblib
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
    """Export a fitted model (arrays + JSON) into ``directory`` with its manifest (and SHA-256s)."""
    from reviewbait.exported.export import export_model

    arrays, config = export_model(model)
    return write_exported(arrays, config, directory, {**manifest, "versions": runtime_versions()})


def write_exported(
    arrays: dict[str, Any], config: dict[str, Any], directory: str | Path, manifest: dict[str, Any]
) -> dict[str, Any]:
    """Write ``reviewbait.npz``, ``reviewbait.json`` and the manifest recording their SHA-256."""
    from reviewbait.exported.export import npz_bytes
    from reviewbait.exported.inference import FORMAT_VERSION

    directory = Path(directory)
    data = npz_bytes(arrays)
    config_data = (json.dumps(config, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    full = {
        **manifest,
        "artifact": ARTIFACT_NAME,
        "config": CONFIG_NAME,
        "format_version": FORMAT_VERSION,
        "lexicon_sha256": lexicon_fingerprint(),
        "sha256": _sha256(data),
        "config_sha256": _sha256(config_data),
        "size_bytes": len(data),
    }
    _atomic_write(directory / ARTIFACT_NAME, data)
    _atomic_write(directory / CONFIG_NAME, config_data)
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


def _refuse_non_archive(artifact: Path, data: bytes) -> None:
    """Refuse anything but a zip archive (an ``.npz``), naming what it looks like instead."""
    if data.startswith(b"PK\x03\x04"):
        return
    if data[:1] == b"\x80" or (data[:1] in (b"(", b"]", b"}") and data.rstrip().endswith(b".")):
        looks = "a Python pickle"
    elif data.startswith(b"\x1f\x8b") or data[:1] == b"x" or data.startswith((b"BZh", b"\xfd7zXZ")):
        looks = "a compressed file (joblib writes compressed pickles)"
    else:
        looks = "neither an .npz archive nor anything reviewbait writes"
    raise ModelFormatError(
        f"{artifact} is not an exported reviewbait model: it looks like {looks}. reviewbait never unpickles "
        "a model file, with or without trusted=True (unpickling can run code), so it was not loaded. "
        "Restore the file or run `reviewbait train`; to convert a pickled model you made yourself, run "
        "`python -m reviewbait.exported.export DIRECTORY`."
    )


def _check_sha(path: Path, data: bytes, expected: Any, *, trusted: bool) -> None:
    if expected is None and not trusted:
        raise ModelIntegrityError(
            f"{path} has no recorded SHA-256 (no {MANIFEST_NAME} beside it, or no entry for it), so a "
            "corrupted file could not be told from a good one. Pass trusted=True only if you made this file yourself."
        )
    actual = _sha256(data)
    if expected is not None and expected != actual:
        raise ModelIntegrityError(
            f"{path} does not match its manifest: expected sha256 {expected}, got {actual}. "
            "The file was changed or corrupted; restore it or run `reviewbait train`."
        )


def load_model(path: str | Path | None = None, *, trusted: bool = False) -> tuple[Any, dict[str, Any]]:
    """Load a model directory (or its ``reviewbait.npz``) after verifying it; returns (model, manifest).

    Never unpickles: only numeric arrays and JSON are read, so loading runs no code from the
    files. ``trusted=True`` only lets a model without recorded checksums (or with another
    lexicon, with a warning) load.
    """
    from reviewbait.exported.export import read_npz
    from reviewbait.exported.inference import FORMAT_VERSION, model_from_arrays

    path = Path(path) if path is not None else default_model_dir()
    directory, artifact = (path.parent, path) if path.is_file() else (path, path / ARTIFACT_NAME)
    if not artifact.exists():
        legacy = directory / LEGACY_ARTIFACT_NAME
        if legacy.exists():
            raise ModelFormatError(
                f"{directory} holds a pickled model ({LEGACY_ARTIFACT_NAME}, reviewbait 0.2 and earlier) and no "
                f"{ARTIFACT_NAME}. reviewbait no longer loads pickles (unpickling can run code). Convert it once with "
                f"`python -m reviewbait.exported.export {directory}` (this unpickles it: only for a file you made yourself) "
                "or run `reviewbait train`."
            )
        raise ModelNotFoundError(f"no model artifact at {artifact}; run `reviewbait train` or pass another path")
    manifest = read_manifest(directory)
    data = artifact.read_bytes()
    _refuse_non_archive(artifact, data)
    config_path = directory / CONFIG_NAME
    if not config_path.exists():
        raise ModelNotFoundError(f"no {CONFIG_NAME} beside {artifact}; restore it or run `reviewbait train`")
    config_data = config_path.read_bytes()
    _check_sha(artifact, data, manifest.get("sha256"), trusted=trusted)
    _check_sha(config_path, config_data, manifest.get("config_sha256"), trusted=trusted)
    try:
        config = json.loads(config_data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(
            f"{config_path} is not valid JSON ({exc}); restore it or run `reviewbait train`"
        ) from exc
    if not isinstance(config, dict):
        raise ModelIntegrityError(f"{config_path} does not hold a JSON object; restore it or run `reviewbait train`")
    version = config.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelVersionError(
            f"{artifact} is in model format {version!r}; this reviewbait reads format {FORMAT_VERSION}. "
            "Install the reviewbait that wrote it, or run `reviewbait train` (in a clone) to rebuild the model."
        )
    _check_lexicon(artifact, manifest, trusted=trusted)
    try:
        arrays = read_npz(data)
        model = model_from_arrays(arrays, config)
    except Exception as exc:  # a corrupted archive (zip, zlib, npy errors), object arrays, missing entries
        raise ModelIntegrityError(f"{artifact} could not be loaded ({type(exc).__name__}: {exc})") from exc
    return model, manifest
