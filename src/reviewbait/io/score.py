"""Streaming files in and out: read a chunk, score it, write it, never lose or change a row.

CSV to CSV keeps the original bytes of every record: each record is read as raw bytes, the
csv module parses it only to find the text cell and check the field count, and the output
record is ``raw record + delimiter + added fields + original line ending``. So "007", "NA"
and "" survive, quoting and line endings are unchanged, and a bad line is reported with its
exact line number. Other formats (TSV, gzip, JSON Lines, Parquet) go through the standard
library and pyarrow, chunk by chunk, so memory stays flat whatever the size of the file.

Chunks are scored in a pool of worker processes (each loads the model once) and written
in input order; the output goes to a temporary file beside the target that is renamed only
when everything was written, so an interrupted run never leaves a half file behind.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from reviewbait.columns import SCORE_COLUMNS
from reviewbait.errors import BatchError
from reviewbait.io.formats import Format, _rejected_path, default_output, format_of, parse_format
from reviewbait.io.interrupts import signals_deferred
from reviewbait.io.pool import _Scorer, _worker_count
from reviewbait.io.readers import _JsonlInput, choose_text_column, chunk_texts, open_input
from reviewbait.io.sources import ReadOptions, _Chunk
from reviewbait.io.writers import _make_writer, _RejectedWriter, _Sink


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C so the temporary output is removed."""


# --------------------------------------------------------------------------- options, summary


@dataclass
class ScoreOptions:
    """Everything ``reviewbait score`` can be told; the defaults are the command's."""

    input: str
    output: str | None = None
    text_column: str | None = None
    format: str | None = None
    output_format: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    strict: bool = False
    threshold: str | float = "balanced"
    model: str | None = None
    trusted_model: bool = False
    prefix: str = "reviewbait_"
    only_flagged: bool = False
    limit: int | None = None
    chunk_size: int = 5000
    jobs: int | None = None
    on_bad_lines: str = "error"
    overwrite: bool = False
    quiet: bool = False
    progress: bool | None = None  # None: only when stderr is a terminal

    def read_options(self) -> ReadOptions:
        """What the readers need of these options."""
        return ReadOptions(self.delimiter, self.encoding, self.strict, self.chunk_size, self.limit)


@dataclass
class Summary:
    """What happened to every row: ``rows_read == rows_written + rows_rejected + rows_filtered``."""

    input: str
    output: str
    text_column: str = ""
    threshold: float = math.nan
    rows_read: int = 0
    rows_written: int = 0
    rows_rejected: int = 0
    rows_filtered: int = 0
    rows_flagged: int = 0
    flagged_by_category: dict[str, int] = field(default_factory=dict)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rejected_file: str | None = None
    empty_text: int = 0
    blank_lines: int = 0
    replaced_bytes: int = 0
    first_replaced_line: int | None = None
    seconds: float = 0.0
    startup_seconds: float = 0.0  # loading the model and scoring the first chunk
    startup_rows: int = 0  # the rows of that first chunk

    @property
    def rows_per_second(self) -> float:
        """Throughput after start-up (0 when the run is too short to say): on a small file the
        model's load is most of the time, and rows / seconds would be a start-up figure."""
        seconds = self.seconds - self.startup_seconds
        rows = self.rows_read - self.startup_rows
        return rows / seconds if seconds >= 1.0 and rows > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        data["rows_per_second"] = round(self.rows_per_second, 1)
        if math.isnan(self.threshold):
            data["threshold"] = None
        return data

    def render(self) -> str:
        """The summary a person reads at the end of a run."""
        share = f" ({self.rows_flagged / self.rows_read:.1%})" if self.rows_read else ""
        column = f"text column {self.text_column!r}" if self.text_column else "no rows"
        lines = [
            f"reviewbait: scored {self.input} -> {self.output} ({column}, threshold {self.threshold:.3f})",
            f"  rows read      {self.rows_read:>10,}",
            f"  rows written   {self.rows_written:>10,}"
            + (f"  ({self.rows_filtered:,} unflagged rows left out by --only-flagged)" if self.rows_filtered else ""),
            f"  rows rejected  {self.rows_rejected:>10,}"
            + (f"  -> {self.rejected_file}" if self.rejected_file else ""),
        ]
        for reason, count in sorted(self.rejected_by_reason.items(), key=lambda kv: -kv[1]):
            lines.append(f"    {reason:<28} {count:>8,}")
        lines.append(f"  flagged        {self.rows_flagged:>10,}{share}")
        for category, count in sorted(self.flagged_by_category.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"    {category or '(none)':<28} {count:>8,}")
        lines.append(f"  empty text     {self.empty_text:>10,}  (scored 0)")
        if self.blank_lines:
            lines.append(f"  blank lines    {self.blank_lines:>10,}  (not rows; left out)")
        if self.replaced_bytes:
            lines.append(
                f"  replaced bytes {self.replaced_bytes:>10,}  (undecodable, first on line {self.first_replaced_line}; "
                "see --encoding, --strict)"
            )
        if self.rows_per_second:
            rate = f"{self.rows_per_second:,.0f} rows/s" + (
                f" after {self.startup_seconds:.2f} s of start-up" if self.startup_seconds else ""
            )
        else:
            rate = f"{self.startup_seconds:.2f} s of it start-up; too short a run for a rate"
        lines.append(f"  seconds        {self.seconds:>10.2f}  ({rate})")
        return "\n".join(lines)


# --------------------------------------------------------------------------- progress


class _Progress:
    """One line on stderr, redrawn at most four times a second: rows, rows/s and ETA from bytes read."""

    def __init__(self, stream: IO[str], total: int | None, enabled: bool) -> None:
        self._stream = stream
        self._total = total
        self.enabled = enabled
        self._start = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def update(self, rows: int, position: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.25:
            return
        self._last = now
        elapsed = max(now - self._start, 1e-9)
        line = f"reviewbait: {rows:,} rows  {rows / elapsed:,.0f} rows/s"
        if self._total and position:
            fraction = min(position / self._total, 1.0)
            remaining = elapsed * (1 - fraction) / max(fraction, 1e-9)
            line += f"  {fraction:.0%}  ETA {int(remaining) // 60}:{int(remaining) % 60:02d}"
        self._stream.write("\r" + line + "\033[K")
        self._stream.flush()
        self._drawn = True

    def clear(self) -> None:
        if self._drawn:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._drawn = False


# --------------------------------------------------------------------------- the run


def _check_paths(options: ScoreOptions, output: str, rejected: str | None) -> None:
    if options.input != "-" and output != "-":
        same = os.path.abspath(options.input) == os.path.abspath(output)
        with contextlib.suppress(OSError):
            same = same or os.path.samefile(options.input, output)
        if same:
            raise BatchError(f"the output would overwrite the input {options.input}; pass another -o")
    if output != "-":
        if os.path.isdir(output):
            raise BatchError(f"output {output} is a directory; pass a file name")
        if os.path.exists(output) and not options.overwrite:
            raise BatchError(f"{output} already exists; pass --overwrite to replace it")
        parent = os.path.dirname(os.path.abspath(output))
        if not os.path.isdir(parent):
            raise BatchError(f"the directory of the output {output} does not exist")
    if rejected is not None and os.path.exists(rejected) and not options.overwrite:
        raise BatchError(f"{rejected} (rejected lines) already exists; pass --overwrite to replace it")


def _validate(options: ScoreOptions) -> None:
    if options.chunk_size < 1:
        raise BatchError(f"--chunk-size must be at least 1, got {options.chunk_size}")
    if options.limit is not None and options.limit < 1:
        raise BatchError(f"--limit must be at least 1, got {options.limit}")
    if options.on_bad_lines not in ("error", "skip"):
        raise BatchError(f"--on-bad-lines must be 'error' or 'skip', got {options.on_bad_lines!r}")
    if not options.prefix:
        raise BatchError("--prefix must not be empty")


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While scoring, SIGTERM unwinds like Ctrl-C, so the temporary output is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def score_file(
    options: ScoreOptions,
    *,
    stderr: IO[str] | None = None,
    detector: Any = None,
    on_progress: Callable[[int, int, int | None], None] | None = None,
) -> Summary:
    """Score ``options.input`` into ``options.output`` and return what happened to every row.

    Raises :class:`BatchError` on bad input or usage, before anything is written under the
    output name. On any failure or interruption the temporary output is removed.
    ``detector``: an already loaded model, used in this thread instead of loading one (the
    server's page); ``on_progress(rows_read, position, total)`` is called after every chunk
    (``position`` and ``total`` in bytes, or rows for Parquet; ``total`` None when unknown).
    """
    stderr = stderr if stderr is not None else sys.stderr
    started = time.monotonic()
    _validate(options)
    in_fmt = parse_format(options.format) if options.format else (format_of(options.input) or Format("csv"))
    out_fmt_given = parse_format(options.output_format) if options.output_format else None
    output = options.output or default_output(options.input, out_fmt_given)
    out_fmt = out_fmt_given or format_of(output) or in_fmt
    if out_fmt.base == "parquet" and out_fmt.gz:
        raise BatchError("Parquet output is compressed already; use .parquet, not .parquet.gz")
    rejected_path = _rejected_path(output, options.input) if options.on_bad_lines == "skip" else None
    _check_paths(options, output, rejected_path)
    jobs = _worker_count(options.jobs)

    try:
        source = open_input(options.input, in_fmt, options.read_options())
    except (OSError, EOFError, zlib.error) as exc:
        raise BatchError(f"cannot read {options.input}: {exc}") from None
    where = options.input if options.input != "-" else "standard input"
    summary = Summary(input=where, output=output if output != "-" else "standard output")
    limit = options.limit if options.limit is not None else math.inf
    size = options.chunk_size

    def next_chunk() -> _Chunk | None:
        want = int(min(size, limit - summary.rows_read - pending_rows[0]))
        if want <= 0:
            return None
        try:
            chunk = source.read_chunk(want)
        except (OSError, EOFError, zlib.error) as exc:
            raise BatchError(f"cannot read {where}: {exc}") from None
        if chunk is not None:
            pending_rows[0] += chunk.rows_read
        return chunk

    pending_rows = [0]
    sink: _Sink | None = None
    rejected_sink: _Sink | None = None
    rejected_writer: Any = None
    try:
        scorer = _Scorer(options.model, options.threshold, options.trusted_model, jobs, detector)
    except ValueError as exc:  # a threshold the given model does not know
        source.close()
        raise BatchError(str(exc)) from None
    show_progress = options.progress if options.progress is not None else (stderr.isatty() and not options.quiet)
    progress = _Progress(stderr, source.total, bool(show_progress))
    ok = False
    try:
        with _sigterm_raises():
            first = next_chunk()
            if first is None:
                first = _Chunk()
            if first.rows_read or options.text_column is not None:
                text_index = choose_text_column(source, first, options.text_column, where)
                summary.text_column = source.columns[text_index]
            else:
                text_index = -1  # a header and no rows (a quiet day): an empty scored file, not an error
            names = [options.prefix + name for name in SCORE_COLUMNS]
            clash = [n for n in names if n in source.columns]
            if clash:
                raise BatchError(
                    f"{where} already has column(s) {', '.join(map(repr, clash))}; "
                    "pass --prefix (e.g. --prefix rb_) to name the added columns differently"
                )
            if out_fmt.base in ("jsonl", "parquet") and len(set(source.columns)) != len(source.columns):
                duplicates = sorted({c for c in source.columns if source.columns.count(c) > 1})
                raise BatchError(f"{where} repeats column name(s) {duplicates}; write CSV or rename them")
            if isinstance(source, _JsonlInput) and out_fmt.base != "jsonl":
                source.fixed_columns = True
            second = next_chunk()
            # a Ctrl-C between creating the temporary file and naming it here would leave the
            # file behind (the `finally` below aborts only a named sink): held for those lines
            with signals_deferred():
                sink = _Sink(output, gz=out_fmt.gz)
            writer = _make_writer(sink, source, out_fmt, names)

            def chunks() -> Iterator[tuple[_Chunk, list[Any]]]:
                chunk: _Chunk | None = first
                queued = second
                while chunk is not None:
                    texts = chunk_texts(source, chunk, text_index) if chunk.rows_read else []
                    chunk.empty_text = sum(1 for t in texts if not (isinstance(t, str) and t.strip()))
                    yield chunk, texts
                    chunk, queued = queued, (next_chunk() if queued is not None else None)

            for chunk, scored in scorer.run(chunks(), single=second is None):
                if not summary.startup_seconds:
                    summary.startup_seconds = time.monotonic() - started
                    summary.startup_rows = chunk.rows_read
                if chunk.rejected:
                    if options.on_bad_lines == "error":
                        line, reason, detail, _ = chunk.rejected[0]
                        raise BatchError(
                            f"line {line} of {where}: {reason} ({detail}). Fix the line, or pass "
                            "--on-bad-lines skip to write bad lines to a .rejected.csv file and score the rest"
                        )
                    if rejected_writer is None:
                        assert rejected_path is not None
                        with signals_deferred():
                            rejected_sink = _Sink(rejected_path)
                        rejected_writer = _RejectedWriter(rejected_sink)
                    rejected_writer.write(chunk.rejected, source.encoding.codec)
                    for _, reason, _, _ in chunk.rejected:
                        summary.rejected_by_reason[reason] = summary.rejected_by_reason.get(reason, 0) + 1
                    summary.rows_rejected += len(chunk.rejected)
                flag = scored["flag"]
                nrows = len(flag)
                keep = [int(i) for i in flag.nonzero()[0]] if options.only_flagged else list(range(nrows))
                writer.write(source, chunk, scored, keep)
                _count(summary, chunk, scored, keep)
                pending_rows[0] -= chunk.rows_read
                progress.update(summary.rows_read, source.position)
                if on_progress is not None:
                    on_progress(summary.rows_read, source.position, source.total)
            writer.close()
            summary.threshold = scorer.threshold
            summary.replaced_bytes = source.replaced.count
            summary.first_replaced_line = source.replaced.first_line
            if rejected_sink is not None:
                rejected_sink.commit()
                summary.rejected_file = rejected_path
            sink.commit()
            ok = True
    except BrokenPipeError:
        # the reader of stdout went away (`| head`): not an error, and nothing more to say
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise
    finally:
        progress.clear()
        scorer.close(ok=ok)
        source.close()
        if not ok:
            if sink is not None:
                sink.abort()
            if rejected_sink is not None:
                rejected_sink.abort()
    summary.seconds = time.monotonic() - started
    if summary.rows_read != summary.rows_written + summary.rows_rejected + summary.rows_filtered:
        raise RuntimeError(f"internal error: rows do not add up ({summary.to_dict()}); please report it")
    return summary


def _count(summary: Summary, chunk: _Chunk, scored: dict[str, Any], keep: list[int]) -> None:
    flag = scored["flag"]
    nrows = len(flag)
    summary.rows_read += chunk.rows_read
    summary.blank_lines += chunk.blank_lines
    summary.rows_written += len(keep)
    summary.rows_filtered += nrows - len(keep)
    flagged = flag.nonzero()[0].tolist()
    summary.rows_flagged += len(flagged)
    categories = Counter(scored["category"][i] for i in flagged)
    for category, count in categories.items():
        summary.flagged_by_category[category] = summary.flagged_by_category.get(category, 0) + count
    summary.empty_text += chunk.empty_text
