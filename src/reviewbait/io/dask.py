"""Scoring on Dask: exports too big for one machine, with the columns of ``reviewbait score``.

``score`` maps ``Detector.score_frame`` over the partitions of a Dask DataFrame. Tasks carry
only the model's path; each worker process loads the model once, on its first partition, and
keeps it in a module-level cache, so the model is never pickled into the task graph.

``score_files`` (in :mod:`reviewbait.io.dask_files`) is the file-to-files form behind
``reviewbait score --engine dask``: it checks the header of every input file before anything
runs (a missing text column or a file with other columns is an error naming the file), scores
on a local cluster or on the scheduler it is given, and writes one output part per partition,
named by partition number, so a partition that is retried after a worker died overwrites its
own part and every row is written exactly once.

Needs the ``dask`` extra: ``pip install "reviewbait[dask]"``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

try:
    import dask.dataframe as dd
    import fsspec  # noqa: F401 - the extra's other half; dask_files uses it
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("reviewbait.dask needs the optional Dask dependencies: pip install 'reviewbait[dask]'") from exc


from reviewbait.detector import Detector, parse_threshold
from reviewbait.errors import BatchError, ColumnNotFoundError, InputError

__all__ = ["ADDED_DTYPES", "DaskInputError", "score"]

# The dtypes ``Detector.score_frame`` gives the added columns of a non-empty frame (a list of
# str becomes pandas' default string dtype). An empty partition would otherwise come back
# with float64 text columns, so every partition is cast to these, matching ``meta``.
_TEXT_DTYPE = pd.Series(["x"]).dtype
ADDED_DTYPES: dict[str, Any] = {
    "probability": np.dtype("float64"),
    "flag": np.dtype("int8"),
    "category": _TEXT_DTYPE,
    "incentive": _TEXT_DTYPE,
    "sentiment_conditioned": np.dtype("int8"),
    "evidence": _TEXT_DTYPE,
}
_TOKEN = "reviewbait-score"


class DaskInputError(BatchError):
    """Bad input files or options, found before any work is sent to the cluster (exit code 2)."""


# --------------------------------------------------------------------------- per-process model cache

_LOCK = threading.Lock()
_DETECTORS: dict[tuple[str | None, bool], Detector] = {}


def _cached_detector(model: str | None, trusted: bool) -> Detector:
    """The detector for ``model`` in this process, loaded (and checksum-verified) on first use."""
    key = (model, trusted)
    detector = _DETECTORS.get(key)
    if detector is None:
        with _LOCK:  # several threads of one worker must not each load the model
            detector = _DETECTORS.get(key)
            if detector is None:
                detector = Detector.load(model, trusted=trusted)
                _DETECTORS[key] = detector
    return detector


def _loaded_models() -> list[tuple[str | None, bool]]:
    """Which models this process has loaded (tests call it on every worker with ``client.run``)."""
    return list(_DETECTORS)


def _score_partition(
    frame: pd.DataFrame,
    text_column: str,
    model: str | None,
    trusted: bool,
    threshold: str | float,
    prefix: str,
) -> pd.DataFrame:
    scored = _cached_detector(model, trusted).score_frame(frame, text_column, threshold=threshold, prefix=prefix)
    for key, dtype in ADDED_DTYPES.items():
        name = f"{prefix}{key}"
        if scored[name].dtype != dtype:
            scored[name] = scored[name].astype(dtype)
    return scored


def _model_key(model: str | os.PathLike[str] | None) -> str | None:
    """An absolute path when the model exists here, else the path as given (valid on the workers)."""
    if model is None:
        return None
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else str(model)


def score(
    ddf: dd.DataFrame,
    text_column: str,
    *,
    threshold: str | float = "balanced",
    model: str | os.PathLike[str] | None = None,
    trusted: bool = False,
    prefix: str = "reviewbait_",
) -> dd.DataFrame:
    """``ddf`` with the five score columns of ``reviewbait score`` appended, lazily.

    Every original column and row is kept, partition by partition. ``model`` is a model
    directory readable on every worker (default: the model bundled with the installed
    reviewbait); ``threshold`` is an operating point name or a number in [0, 1].

    >>> scored = score(dd.read_csv("posts-*.csv", dtype=str, keep_default_na=False), "message")
    >>> scored[scored.reviewbait_flag == 1].to_parquet("flagged/")  # doctest: +SKIP
    """
    if text_column not in ddf.columns:
        columns = ", ".join(map(str, ddf.columns))
        raise ColumnNotFoundError(f"text column {text_column!r} not found; available columns: {columns}")
    clash = [f"{prefix}{key}" for key in ADDED_DTYPES if f"{prefix}{key}" in ddf.columns]
    if clash:
        raise InputError(f"columns {clash} already exist in the input; choose another prefix")
    parse_threshold(threshold)  # numbers checked here; names are resolved by the workers' model
    meta = ddf._meta.copy()
    for key, dtype in ADDED_DTYPES.items():
        meta[f"{prefix}{key}"] = pd.Series(index=meta.index, dtype=dtype)
    return ddf.map_partitions(
        _score_partition,
        text_column,
        _model_key(model),
        trusted,
        threshold,
        prefix,
        meta=meta,
        token=_TOKEN,
    )
