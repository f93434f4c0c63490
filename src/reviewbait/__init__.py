"""reviewbait: detect posts that offer something of value in exchange for reviews or ratings."""

from reviewbait.detector import Detector, Evidence, Verdict
from reviewbait.errors import ReviewbaitError

__version__ = "0.2.0"

__all__ = ["Detector", "Evidence", "ReviewbaitError", "Verdict", "__version__"]
