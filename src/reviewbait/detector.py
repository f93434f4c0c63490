"""The public face: load a verified model once, then score texts, one or many.

``Detector`` holds no mutable state after construction, so one instance can serve many
threads. It is not a scikit-learn estimator and does not reuse their method names. Scoring
runs the exported model with NumPy (scikit-learn is not imported); the fitted scikit-learn
pipeline stays reachable as ``detector.pipeline``, rebuilt from the same arrays on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from reviewbait.artifact import load_model
from reviewbait.columns import SCORE_COLUMNS
from reviewbait.errors import ColumnNotFoundError, InputError
from reviewbait.model import char_blocks
from reviewbait.text.cues import CUE_KINDS, Cue

if TYPE_CHECKING:
    import pandas as pd

    from reviewbait.model import SolicitationModel

__all__ = ["EVIDENCE_KINDS", "SCORE_COLUMNS", "Detector", "Evidence", "Verdict", "parse_threshold"]

# Evidence shown to a moderator: every cue kind, in the lexicon's order; the reporting and
# disclosure cues argue against a flag and are shown too, so a reviewer sees why a post was
# let through.
EVIDENCE_KINDS = CUE_KINDS
MAX_EVIDENCE = 16
# score_columns scores a batch in slices of about this many characters (see there)
SLICE_CHARS = 200_000
Errors = Literal["raise", "coerce"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A cue in the text: ``text == original[start:end]``."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Verdict:
    """The detector's answer for one text."""

    probability: float
    is_solicitation: bool
    category: str | None
    sentiment_conditioned: bool
    evidence: tuple[Evidence, ...]
    threshold: float
    incentive_type: str | None = None  # what is offered (flagged texts only)

    def evidence_summary(self, max_per_kind: int = 2) -> str:
        """Short readable evidence: ``incentive: "free phone"; review: "review", "Best Buy"``."""
        return summarize_evidence(self.evidence, max_per_kind)


def parse_threshold(threshold: Any, points: Mapping[str, float] | None = None) -> str | float:
    """The one parser of thresholds: a number in [0, 1] (or its text) as a float, or an operating
    point name, resolved among ``points`` when they are given and returned as it is when not
    (for a caller that has no model yet). Anything else is an :class:`InputError`."""
    if isinstance(threshold, str):
        if points is not None and threshold in points:
            return float(points[threshold])
        try:
            threshold = float(threshold)
        except ValueError:
            if points is None:
                return threshold
            names = ", ".join(sorted(points))
            raise InputError(f"unknown operating point {threshold!r}; use one of {names} or a number") from None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0.0 <= threshold <= 1.0:
        raise InputError(f"threshold must be an operating point name or a number in [0, 1], got {threshold!r}")
    return float(threshold)


def summarize_evidence(evidence: Iterable[Evidence], max_per_kind: int = 2) -> str:
    """One line per verdict for files and logs: the quoted words of each kind, in kind order."""
    evidence = tuple(evidence)
    parts = []
    for kind in EVIDENCE_KINDS:
        seen: list[str] = []
        for ev in evidence:
            quote = ev.text.replace("\n", " ").strip()
            if ev.kind == kind and quote and quote.lower() not in (s.lower() for s in seen):
                seen.append(quote if len(quote) <= 60 else quote[:57] + "...")
        if seen:
            parts.append(f"{kind}: " + ", ".join(f'"{q}"' for q in seen[:max_per_kind]))
    return "; ".join(parts)


def _clean_texts(texts: Any, errors: Errors) -> tuple[list[str], np.ndarray]:
    """Texts as str, and a mask of the items that were not text (scored 0 under coerce)."""
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got a single str; use check() for one text")
    if errors not in ("raise", "coerce"):
        raise InputError(f"errors must be 'raise' or 'coerce', got {errors!r}")
    items = list(texts)
    cleaned: list[str] = []
    invalid = np.zeros(len(items), dtype=bool)
    for index, item in enumerate(items):
        if isinstance(item, str):
            cleaned.append(item)
            continue
        if errors == "raise":
            raise TypeError(
                f"text at index {index} is {type(item).__name__}, not str; "
                "fix the input or pass errors='coerce' to score it as empty"
            )
        cleaned.append("")
        invalid[index] = True
    return cleaned, invalid


class Detector:
    """Scores texts for review solicitation with a verified model.

    >>> detector = Detector.load()
    >>> detector.check("5 stars = $10 gift card, DM me your review screenshot").is_solicitation
    True
    """

    def __init__(
        self,
        model: SolicitationModel,
        *,
        threshold: str | float = "balanced",
        manifest: dict[str, Any] | None = None,
    ) -> None:
        self._model = model
        self.manifest: dict[str, Any] = manifest or {}
        self.threshold = self.resolve_threshold(threshold)

    @classmethod
    def load(
        cls, path: str | Path | None = None, *, threshold: str | float = "balanced", trusted: bool = False
    ) -> Detector:
        """Load the bundled model (or the one at ``path``) after checking its SHA-256.

        ``threshold`` is an operating point name (``"balanced"``, ``"precise"``) or a number in
        [0, 1]. Loading never unpickles anything (a pickle is refused), so a model file cannot
        run code. ``trusted=True`` lets a model without recorded checksums load; only use it
        for files you made yourself (the checksum is what tells a corrupted file).
        """
        model, manifest = load_model(path, trusted=trusted)
        return cls(model, threshold=threshold, manifest=manifest)

    @cached_property
    def pipeline(self) -> Any:
        """The fitted scikit-learn pipeline (features → calibrated classifier); imports scikit-learn.

        Rebuilt once, on first use, from the exported arrays (:func:`reviewbait.exported.export.to_pipeline`), nothing
        unpickled. Its ``predict_proba`` scores whole texts, without the gate or windows.
        """
        from reviewbait.exported.export import to_pipeline

        return to_pipeline(self._model)

    @property
    def operating_points(self) -> dict[str, float]:
        return dict(self._model.thresholds)

    def resolve_threshold(self, threshold: str | float | None) -> float:
        """A threshold from a name or a number; ``None`` means this detector's own."""
        if threshold is None:
            return self.threshold
        return float(parse_threshold(threshold, self._model.thresholds))

    def probabilities(self, texts: Iterable[Any], *, errors: Errors = "raise") -> np.ndarray:
        """Calibrated probabilities, one per text, as a float64 array: the fastest path."""
        cleaned, _ = _clean_texts(texts, errors)
        probabilities, _ = self._model.score(cleaned)
        return probabilities

    def check(self, text: str, *, threshold: str | float | None = None) -> Verdict:
        """Verdict for one text, with evidence; raises ``TypeError`` if it is not a str."""
        if not isinstance(text, str):
            raise TypeError(f"text at index 0 is {type(text).__name__}, not str")
        return self.check_many([text], threshold=threshold)[0]

    def check_many(
        self, texts: Iterable[Any], *, threshold: str | float | None = None, errors: Errors = "raise"
    ) -> list[Verdict]:
        """Verdicts for many texts, in order: always a list."""
        cleaned, _ = _clean_texts(texts, errors)
        cut = self.resolve_threshold(threshold)
        probabilities, details = self._model.score(cleaned, with_details=True, heads_from=cut)
        verdicts = []
        for position, probability in enumerate(probabilities.tolist()):
            flagged = probability >= cut and probability > 0.0
            record = details.get(position)
            evidence: tuple[Evidence, ...] = ()
            if record is not None:
                evidence = _evidence(record.cues, record.best_span)
            heads = record if flagged and record is not None else None
            verdicts.append(
                Verdict(
                    probability=probability,
                    is_solicitation=flagged,
                    category=heads.category if heads else None,
                    incentive_type=heads.incentive if heads else None,
                    sentiment_conditioned=bool(heads.sentiment) if heads else False,
                    evidence=evidence,
                    threshold=cut,
                )
            )
        return verdicts

    def score_frame(
        self,
        frame: pd.DataFrame,
        text_column: str,
        *,
        threshold: str | float | None = None,
        prefix: str = "reviewbait_",
        evidence: bool = True,
    ) -> pd.DataFrame:
        """A copy of ``frame`` with score columns appended; every original column is kept.

        Added: ``{prefix}probability``, ``{prefix}flag`` (0/1), ``{prefix}category``,
        ``{prefix}incentive`` (what is offered), ``{prefix}sentiment_conditioned`` (0/1) and
        ``{prefix}evidence`` (short text).
        Missing or non-text cells score 0. A pure function of the frame, so Dask's
        ``map_partitions`` can call it.
        """
        if text_column not in frame.columns:
            columns = ", ".join(map(str, frame.columns))
            raise ColumnNotFoundError(f"text column {text_column!r} not found; available columns: {columns}")
        repeats = list(frame.columns).count(text_column)
        if repeats > 1:
            raise InputError(
                f"text column {text_column!r} appears {repeats} times in the frame; rename the copies "
                "(e.g. frame.columns = [...]) so the text is one column"
            )
        names = {k: f"{prefix}{k}" for k in SCORE_COLUMNS}
        clash = [n for n in names.values() if n in frame.columns]
        if clash:
            raise InputError(f"columns {clash} already exist in the input; choose another prefix")
        scored = self.score_columns(frame[text_column].tolist(), threshold=threshold, evidence=evidence)
        out = frame.copy()
        for key, values in scored.items():
            out[names[key]] = values
        return out

    def score_columns(
        self, values: Iterable[Any], *, threshold: str | float | None = None, evidence: bool = True
    ) -> dict[str, Any]:
        """The added columns for a batch of cells: the shared core of files, frames and Dask.

        Cells that are not text (None, NaN, numbers) score 0. Category, incentive, sentiment and
        the evidence summary are filled for flagged rows only (empty string / 0 otherwise); the
        evidence of flagged rows is computed on that small subset, keeping the batch path fast.
        Returns ``probability`` (float64 array), ``flag`` and ``sentiment_conditioned`` (int8
        arrays), ``category``, ``incentive`` and ``evidence`` (lists of str), in
        :data:`SCORE_COLUMNS` order.
        """
        texts = [v if isinstance(v, str) else "" for v in values]
        cut = self.resolve_threshold(threshold)
        probability = np.zeros(len(texts), dtype=np.float64)
        category = [""] * len(texts)
        incentive = [""] * len(texts)
        sentiment = np.zeros(len(texts), dtype=np.int8)
        summary = [""] * len(texts)
        # in slices of about SLICE_CHARS characters: a text's scores do not depend on its
        # neighbours, and a file chunk of long reviews would otherwise hold every text's
        # features and details at once (the peak memory of each worker)
        for lo, hi in pairwise(char_blocks(texts, SLICE_CHARS)):
            part, details = self._model.score(texts[lo:hi], with_details=True, heads_from=cut)
            probability[lo:hi] = part
            for i in np.flatnonzero((part >= cut) & (part > 0)).tolist():
                record = details[i]
                category[lo + i] = record.category or ""
                incentive[lo + i] = record.incentive or ""
                sentiment[lo + i] = int(bool(record.sentiment))
                if evidence:
                    summary[lo + i] = summarize_evidence(_evidence(record.cues, record.best_span))
        flag = ((probability >= cut) & (probability > 0)).astype(np.int8)
        return {
            "probability": np.round(probability, 6),
            "flag": flag,
            "category": category,
            "incentive": incentive,
            "sentiment_conditioned": sentiment,
            "evidence": summary,
        }


def _evidence(cues: list[Cue], best_span: tuple[int, int]) -> tuple[Evidence, ...]:
    """Cues inside the best-scoring unit of the text, as spans of the original text."""
    lo, hi = best_span
    found = [c for c in cues if c.norm_start >= lo and c.norm_end <= hi]
    rank = {kind: i for i, kind in enumerate(EVIDENCE_KINDS)}
    found.sort(key=lambda c: (rank.get(c.kind, 99), c.norm_start))
    evidence: list[Evidence] = []
    seen: set[tuple[str, int, int]] = set()
    for cue in found:
        key = (cue.kind, cue.start, cue.end)
        if key in seen or cue.end <= cue.start:
            continue
        seen.add(key)
        evidence.append(Evidence(cue.kind, cue.text, cue.start, cue.end))
        if len(evidence) >= MAX_EVIDENCE:
            break
    evidence.sort(key=lambda e: (e.start, rank.get(e.kind, 99)))
    return tuple(evidence)
