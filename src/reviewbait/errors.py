"""One base for the errors reviewbait raises on purpose, and where to report the others.

Every error the library raises to say "this input, file or model cannot be used, and here is
what to do" derives from :class:`ReviewbaitError` (and keeps the built-in base it had, so an
existing ``except ValueError`` still catches it). The command line reports these as bad
input (exit 2); any other exception is a bug in reviewbait and is reported as one.
"""

from __future__ import annotations

__all__ = ["ISSUES_URL", "BatchError", "ColumnNotFoundError", "ExtraNotInstalledError", "InputError", "ReviewbaitError"]

# Where bugs go: the issue tracker of the repository the package was built from. The project
# has no public address yet; this names the place without inventing a URL.
ISSUES_URL = "the reviewbait repository's issue tracker"


class ReviewbaitError(Exception):
    """A problem reviewbait detected and explained: bad input, a bad model file, a missing corpus."""


class InputError(ReviewbaitError, ValueError):
    """An argument or setting reviewbait cannot use; the message names it and what to give instead."""


class ColumnNotFoundError(ReviewbaitError, KeyError):
    """The column to read texts from is not in the table; the message lists the columns there are."""


class ExtraNotInstalledError(ReviewbaitError, RuntimeError):
    """A feature needs an optional extra that is not installed; the message names the pip command."""


class BatchError(ReviewbaitError, ValueError):
    """Bad input or usage of a file command, with a message that says what to do (exit code 2 on the command line)."""
