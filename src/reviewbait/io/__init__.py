"""Files in and out: one format table, one reader entry point, writers, the worker pool, Dask.

:func:`reviewbait.io.score.score_file` streams a file through the model and
:func:`reviewbait.io.report.report_file` reads a scored one back; both read through
:func:`reviewbait.io.readers.open_input` and know formats only from
:mod:`reviewbait.io.formats`. To add a file format: a row in ``formats``, a reader in
``readers`` and a writer in ``writers``.
"""
