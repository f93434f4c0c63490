"""reviewbait: detect posts that offer something of value in exchange for reviews or ratings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewbait.detector import Detector, Evidence, Verdict

from reviewbait.errors import ReviewbaitError

__version__ = "0.2.0"

__all__ = ["Detector", "Evidence", "ReviewbaitError", "Verdict", "__version__"]


def __getattr__(name: str) -> Any:
    # imported on first use, not with the package: the command line starts (and answers
    # Ctrl-C) before numpy and scikit-learn are loaded
    if name in ("Detector", "Evidence", "Verdict"):
        from reviewbait import detector

        return getattr(detector, name)
    raise AttributeError(f"module 'reviewbait' has no attribute {name!r}")
