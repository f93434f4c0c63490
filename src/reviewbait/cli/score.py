"""``reviewbait score``: stream a file through the model, here or on a Dask cluster."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from reviewbait.cli.options import add_model_options
from reviewbait.errors import BatchError
from reviewbait.io.formats import FORMATS
from reviewbait.io.pool import WorkerDied
from reviewbait.io.score import ScoreOptions, Terminated, score_file


def _command_error_line(message: str) -> None:
    print(f"reviewbait: {message}", file=sys.stderr)


def run(args: Any) -> int:
    """Score every row of a file and write it back with score columns appended (streamed, any size).

    Every input column and row is kept, in order, values unchanged; added:
    reviewbait_probability, reviewbait_flag, reviewbait_category, reviewbait_incentive,
    reviewbait_sentiment_conditioned and reviewbait_evidence.
    Formats by extension (or --format): .csv .tsv .csv.gz .jsonl .parquet; - is stdin/stdout.

    Example: reviewbait score posts.csv --text-column message -o posts.scored.csv
    With --engine dask: reviewbait score 'exports/*.csv' -o 'scored/*.parquet' --text-column message --engine dask
    """
    if args.engine == "dask":
        return run_dask(args)
    if args.scheduler or args.union_columns:
        raise BatchError("--scheduler and --union-columns need --engine dask")
    options = ScoreOptions(
        input=args.input,
        output=args.output,
        text_column=args.text_column,
        format=args.format,
        output_format=args.output_format,
        delimiter=args.delimiter,
        encoding=args.encoding,
        strict=args.strict,
        threshold=args.threshold,
        model=args.model,
        trusted_model=args.trusted_model,
        prefix=args.prefix,
        only_flagged=args.only_flagged,
        limit=args.limit,
        chunk_size=args.chunk_size,
        jobs=args.jobs,
        on_bad_lines=args.on_bad_lines,
        overwrite=args.overwrite,
        quiet=args.quiet,
    )
    try:
        summary = score_file(options)
    except Terminated:
        _command_error_line("terminated; no output written")
        return 143
    except WorkerDied as exc:
        _command_error_line(f"error: {exc}")
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise BatchError(str(exc)) from None
        _command_error_line(f"error: {exc.strerror or exc} while writing; no output written")
        return 1
    if not options.quiet:
        print(summary.render(), file=sys.stderr)
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(summary.to_dict(), indent=2) + "\n", encoding="utf-8")
    return 0


def setup(parser: Any) -> None:
    parser.add_argument(
        "input", help="file to score, or - for standard input (with --engine dask: a quoted glob or a directory)"
    )
    parser.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: this machine, streamed (default); dask: a Dask cluster, a glob or directory in, "
        "partitioned Parquet/CSV out (pip install 'reviewbait[dask]')",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a running cluster's scheduler, e.g. tcp://host:8786 (default: a local cluster)",
    )
    parser.add_argument(
        "--union-columns",
        action="store_true",
        help="with --engine dask: score files with different columns together, absent columns left empty",
    )
    parser.add_argument("-o", "--output", help="output file, or - for standard output (default: INPUT.scored.EXT)")
    parser.add_argument("--text-column", help="column holding the text (default: the one column that looks like text)")
    parser.add_argument("--format", choices=FORMATS, help="input format (default: from the extension, else csv)")
    parser.add_argument("--output-format", choices=FORMATS, help="output format (default: from -o, else the input's)")
    parser.add_argument("--delimiter", help="field delimiter of a CSV input (default: sniffed from the header)")
    parser.add_argument("--encoding", help="input encoding (default: from the BOM, else utf-8)")
    parser.add_argument("--strict", action="store_true", help="stop at undecodable bytes instead of replacing them")
    parser.add_argument("--prefix", default="reviewbait_", help="prefix of the added columns (default: reviewbait_)")
    parser.add_argument("--only-flagged", action="store_true", help="write only the flagged rows")
    parser.add_argument("--limit", type=int, help="stop after this many rows")
    parser.add_argument("--chunk-size", type=int, default=5000, help="rows per chunk (default: 5000)")
    parser.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    parser.add_argument(
        "--on-bad-lines",
        choices=("error", "skip"),
        default="error",
        help="a malformed line stops the run (error, default) or goes to OUTPUT.rejected.csv (skip)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    parser.add_argument("--quiet", action="store_true", help="no progress and no summary")
    parser.add_argument("--summary-json", metavar="FILE", help="also write the summary as JSON to FILE")
    add_model_options(parser)


def run_dask(args: argparse.Namespace) -> int:
    """``reviewbait score ... --engine dask``: the options of ``reviewbait score`` that apply
    (``args`` as :func:`setup` defines them).

    Example: reviewbait score 'exports/2026-*.csv' -o 'scored/*.parquet' --text-column message --engine dask
    """
    try:
        from reviewbait.dask import DaskInputError, score_files
    except ImportError as exc:  # the dask extra is not installed
        raise BatchError(str(exc)) from None

    if not args.output:
        raise DaskInputError("--engine dask needs -o/--output: a pattern such as 'scored/*.parquet' or a directory")
    if not args.text_column:
        raise DaskInputError("--engine dask needs --text-column")
    if args.limit is not None:
        raise DaskInputError("--limit is not supported with --engine dask")
    if args.on_bad_lines != "error":
        raise DaskInputError("--on-bad-lines skip is not supported with --engine dask; a malformed line stops the run")
    if args.input == "-" or args.output == "-":
        raise DaskInputError("--engine dask reads and writes files, not standard input or output")
    run = score_files(
        args.input,
        args.output,
        text_column=args.text_column,
        threshold=args.threshold,
        model=args.model,
        trusted=args.trusted_model,
        prefix=args.prefix,
        scheduler=args.scheduler,
        n_workers=args.jobs,
        union_columns=args.union_columns,
        input_format={"csv.gz": "csv"}.get(args.format or "", args.format),
        output_format=args.output_format,
        only_flagged=args.only_flagged,
        sep=args.delimiter or ",",
        encoding=args.encoding or "utf-8",
        encoding_errors="strict" if args.strict else "replace",
        overwrite=args.overwrite,
        progress=False if args.quiet else None,
    )
    if not args.quiet:
        print(run.render(), file=sys.stderr)
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(run.to_dict(), indent=2) + "\n", encoding="utf-8")
    return 0
