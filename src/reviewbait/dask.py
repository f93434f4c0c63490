"""Scoring on Dask, as documented: ``from reviewbait.dask import score, score_files``.

A face only: the code is :mod:`reviewbait.io.dask` (partitions) and
:mod:`reviewbait.io.dask_files` (files in, scored parts out). Needs the ``dask`` extra.
"""

from __future__ import annotations

from reviewbait.io.dask import ADDED_DTYPES, DaskInputError, score
from reviewbait.io.dask_files import DaskRun, read_inputs, score_files

__all__ = ["ADDED_DTYPES", "DaskInputError", "DaskRun", "read_inputs", "score", "score_files"]
