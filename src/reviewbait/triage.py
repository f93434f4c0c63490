"""Which posts should a person label next? (``reviewbait triage``, active learning)

The posts the model is least sure about, those scored closest to the threshold, teach it the
most once labeled. The output keeps every original column and adds the probability and empty
``label`` and ``category`` columns to fill in, following the labeling guide.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reviewbait.options import add_model_options, load_detector
from reviewbait.tables import TableError, read_table, require_columns, write_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LABEL_COLUMNS", "cmd_triage", "least_certain", "setup_triage", "triage_frame"]

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
    from reviewbait.tables import describe_rows

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
    try:
        number = float(value)
    except ValueError:
        from reviewbait.artifact import default_model_dir, read_manifest

        directory = Path(model) if model else default_model_dir()
        points = read_manifest(directory if directory.is_dir() else directory.parent).get("thresholds", {})
        if value not in points:
            names = ", ".join(sorted(points)) or "none recorded"
            raise TableError(f"unknown operating point {value!r} for the model at {directory} ({names})") from None
        return float(points[value])
    if not 0.0 <= number <= 1.0:
        raise TableError(f"--threshold must be an operating point name or a number in [0, 1], got {value}")
    return number


def cmd_triage(args: Any) -> int:
    """Pick the posts the model is least sure about (closest to the threshold), as a CSV to label.

    Reads a file scored by `reviewbait score` (its reviewbait_probability column), or scores it
    here when that column is missing and --text-column is given. The output keeps every
    original column and adds reviewbait_probability (if new) and empty label and category
    columns; fill them in (see the labeling guide) and train with `reviewbait train --data`.

    Example: reviewbait triage posts.scored.csv -n 200 -o to_label.csv
    """
    if args.n < 1:
        raise TableError(f"-n must be at least 1, got {args.n}")
    frame = read_table(args.input)
    probability_column = f"{args.prefix}probability"
    detector = None
    if probability_column not in frame.columns and args.text_column is not None:
        detector = load_detector(args)
        threshold = detector.threshold
    else:
        threshold = _threshold(args.threshold, args.model)
    picked = triage_frame(
        frame,
        n=args.n,
        threshold=threshold,
        probability_column=probability_column,
        text_column=args.text_column,
        detector=detector,
    )
    write_table(picked, args.output, sys.stdout)
    where = args.output if args.output not in (None, "-") else "standard output"
    print(
        f"{len(picked)} of {len(frame)} rows closest to threshold {threshold:.4g} written to {where}; "
        f"fill in {' and '.join(LABEL_COLUMNS)}",
        file=sys.stderr,
    )
    if len(picked) < args.n:
        why = picked.attrs.get("triage", {})
        reasons = []
        if why.get("gated"):
            reasons.append(f"{why['gated']} scored 0 (they name no review act: the gate ruled them out)")
        if why.get("repeats"):
            reasons.append(f"{why['repeats']} repeat the text of a row already picked")
        print(
            f"only {len(picked)} of the {args.n} asked for: no other row is left to pick"
            + (f"; of the rest, {' and '.join(reasons)}" if reasons else ""),
            file=sys.stderr,
        )
    return 0


def setup_triage(parser: Any) -> None:
    parser.add_argument(
        "input", metavar="SCORED_FILE", help="a file written by `reviewbait score` (or any, with --text-column)"
    )
    parser.add_argument("-n", type=int, default=200, help="how many rows to pick (default: 200)")
    parser.add_argument("-o", "--output", help="CSV to write (default: standard output)")
    parser.add_argument(
        "--text-column", help="column holding the text: scores the file when it has no scores, skips repeats"
    )
    parser.add_argument("--prefix", default="reviewbait_", help="prefix of the score columns (default: reviewbait_)")
    add_model_options(parser)
