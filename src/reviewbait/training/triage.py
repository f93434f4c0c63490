"""Which posts should a person label next? (``reviewbait triage``, active learning)

The posts the model is least sure about, those scored closest to the threshold, teach it the
most once labeled. The output keeps every original column and adds the probability and empty
``label`` and ``category`` columns to fill in, following the labeling guide.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reviewbait.io.tables import TableError, require_columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LABEL_COLUMNS", "least_certain", "triage_frame"]

LABEL_COLUMNS = ("label", "category")


def least_certain(p: np.ndarray, threshold: float, n: int) -> np.ndarray:
    """Positions of the ``n`` scores closest to ``threshold``, closest first (ties: file order).

    Scores of exactly 0 come from the gate (no review act named at all): the model was not
    asked, so they are never picked.
    """
    p = np.asarray(p, dtype=float)
    candidates = np.flatnonzero(p > 0.0)
    order = np.argsort(np.abs(p[candidates] - threshold), kind="stable")
    return candidates[order][: max(n, 0)]


def triage_frame(
    frame: pd.DataFrame,
    *,
    n: int,
    threshold: float,
    probability_column: str = "reviewbait_probability",
    text_column: str | None = None,
    detector: Any = None,
) -> pd.DataFrame:
    """The ``n`` least certain rows of ``frame``, ready to label.

    Scores come from ``probability_column`` when present; otherwise ``detector`` scores
    ``text_column``. Rows whose text repeats an earlier pick are skipped (label it once).
    """
    if probability_column in frame.columns:
        values = frame[probability_column].astype(str).str.strip()
        p = np.asarray(_floats(values, probability_column, frame), dtype=float)
    elif detector is not None and text_column is not None:
        require_columns(frame, {"--text-column": text_column}, "the input")
        p = detector.probabilities(frame[text_column].tolist(), errors="coerce")
        frame = frame.assign(**{probability_column: np.round(p, 6)})
    else:
        raise TableError(
            f"no {probability_column} column: score the file first (`reviewbait score`) or pass --text-column "
            "to score it here"
        )
    if text_column is not None:
        require_columns(frame, {"--text-column": text_column}, "the input")
    picked: list[int] = []
    seen: set[str] = set()
    repeats = 0
    for position in least_certain(p, threshold, len(frame)).tolist():
        if len(picked) >= n:
            break
        if text_column is not None:
            key = " ".join(str(frame[text_column].iloc[position]).split()).casefold()
            if key in seen:
                repeats += 1
                continue
            seen.add(key)
        picked.append(position)
    out = frame.iloc[picked].copy()
    # why fewer than n may come back: said by the command, kept here for callers
    out.attrs["triage"] = {"gated": int(np.count_nonzero(np.asarray(p) <= 0.0)), "repeats": repeats}
    for column in LABEL_COLUMNS:
        if column not in out.columns:
            out[column] = ""
    return out


def _floats(values: Any, column: str, frame: pd.DataFrame) -> list[float]:
    from reviewbait.io.tables import describe_rows

    numbers = []
    bad = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values.tolist()):
        try:
            numbers.append(float(value) if value != "" else 0.0)
        except ValueError:
            numbers.append(0.0)
            bad[i] = True
    if bad.any():
        raise TableError(f"column {column!r} must hold numbers; {describe_rows(frame, bad, id_column=None)} do not")
    return numbers


def _threshold(value: str, model: str | None) -> float:
    """A number, or an operating point read from the model's manifest (no unpickling needed)."""
    from reviewbait.detector import parse_threshold

    parsed = parse_threshold(value)
    if isinstance(parsed, float):
        return parsed
    from reviewbait.artifact import default_model_dir, read_manifest

    directory = Path(model) if model else default_model_dir()
    points = read_manifest(directory if directory.is_dir() else directory.parent).get("thresholds", {})
    return float(parse_threshold(value, points))
