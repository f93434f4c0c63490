"""Scoring files, as documented: ``from reviewbait.batch import score_file, ScoreOptions``.

A face only: the code lives in the :mod:`reviewbait.io` wing (formats, readers, writers, the
worker pool, the run and the report).
"""

from __future__ import annotations

from reviewbait.columns import SCORE_COLUMNS as ADDED_COLUMNS
from reviewbait.errors import BatchError
from reviewbait.io.formats import FORMATS, default_output
from reviewbait.io.report import ReportOptions, report_file
from reviewbait.io.score import ScoreOptions, Summary, score_file

__all__ = [
    "ADDED_COLUMNS",
    "FORMATS",
    "BatchError",
    "ReportOptions",
    "ScoreOptions",
    "Summary",
    "default_output",
    "report_file",
    "score_file",
]
