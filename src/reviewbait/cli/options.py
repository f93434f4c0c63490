"""Command-line options shared by every command that loads a model (one definition, one help text)."""

from __future__ import annotations

from typing import Any

from reviewbait.errors import ReviewbaitError

__all__ = ["UsageError", "add_model_options", "load_detector"]


class UsageError(ReviewbaitError):
    """Bad input or usage: printed as one line, exit code 2."""


def add_model_options(parser: Any, *, threshold: bool = True) -> None:
    """``--model``, ``--threshold`` (unless ``threshold=False``) and ``--trusted-model``."""
    parser.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    if threshold:
        parser.add_argument(
            "--threshold",
            default="balanced",
            help="operating point: 'balanced' (best F1), 'precise' (precision >= 0.97) or a number in [0, 1]",
        )
    parser.add_argument(
        "--trusted-model",
        action="store_true",
        help="load a model without recorded checksums (no code runs: models are never unpickled)",
    )


def load_detector(args: Any) -> Any:
    """The :class:`~reviewbait.detector.Detector` those options name, loaded with Ctrl-C held
    (see :mod:`reviewbait.io.interrupts`), so an interrupt during the load stops cleanly.

    ``args`` is parsed options or anything with ``model``, ``trusted_model`` and, optionally,
    ``threshold`` ."""
    from reviewbait.detector import Detector
    from reviewbait.io.interrupts import signals_deferred

    with signals_deferred():
        return Detector.load(args.model, threshold=getattr(args, "threshold", "balanced"), trusted=args.trusted_model)
