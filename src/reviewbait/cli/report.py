"""``reviewbait report``: counts and the top flagged rows of a scored file."""

from __future__ import annotations

import sys
from typing import Any

from reviewbait.io.formats import FORMATS
from reviewbait.io.report import ReportOptions, report_file


def run(args: Any) -> int:
    """Print counts by category and the top flagged rows of a scored file, with their evidence.

    Example: reviewbait report posts.scored.csv -n 5
    """
    report_file(
        ReportOptions(
            input=args.input, top=args.top, format=args.format, prefix=args.prefix, text_column=args.text_column
        ),
        sys.stdout,
    )
    return 0


def setup(parser: Any) -> None:
    parser.add_argument("input", help="a file written by `reviewbait score`")
    parser.add_argument("-n", "--top", type=int, default=10, help="how many flagged rows to show (default: 10)")
    parser.add_argument("--format", choices=FORMATS, help="format (default: from the extension)")
    parser.add_argument("--prefix", help="prefix of the score columns (default: found from the header)")
    parser.add_argument("--text-column", help="column to show as the text (default: the one that looks like text)")
