"""The columns scoring adds to a table, defined once: ``score_frame``, ``reviewbait score``, Dask, the page.

Each is written after a prefix (``reviewbait_`` unless told otherwise). To add a column, add
it here and produce it in :meth:`reviewbait.detector.Detector.score_columns`; the writers,
the report and the page read this tuple.
"""

from __future__ import annotations

__all__ = ["ID_COLUMNS", "OPTIONAL_COLUMNS", "SCORE_COLUMNS"]

SCORE_COLUMNS = ("probability", "flag", "category", "incentive", "sentiment_conditioned", "evidence")
# Files scored before the incentive column existed lack these; `reviewbait report` still reads them.
OPTIONAL_COLUMNS = frozenset({"incentive"})
# Where a file keeps its row ids, first match wins (evaluate and the page read them).
ID_COLUMNS = ("id", "post_id", "ID", "Id")
