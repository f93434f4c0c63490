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

import codecs
import contextlib
import csv
import gc
import gzip
import heapq
import io
import json
import math
import os
import signal
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from reviewbait.errors import ReviewbaitError
from reviewbait.interrupts import signals_deferred
from reviewbait.options import add_model_options, load_detector

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

ADDED_COLUMNS = ("probability", "flag", "category", "incentive", "sentiment_conditioned", "evidence")
# Files scored before the incentive column existed lack these; `reviewbait report` still reads them.
_OPTIONAL_ADDED = frozenset({"incentive"})
FORMATS = ("csv", "tsv", "csv.gz", "tsv.gz", "jsonl", "jsonl.gz", "parquet")
DELIMITERS = (",", ";", "\t", "|")
BLOCK_BYTES = 1 << 20
# The largest cell a CSV/TSV input may hold, in characters (the csv module's default is 128 Ki).
# A record is held in memory while it is read, so a cell is capped: past the cap, a quote that
# never closes would otherwise swallow the rest of the file.
MAX_CELL_CHARS = 32 * 1024 * 1024
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_EXTENSIONS.update({".parquet": "parquet", ".pq": "parquet"})
_UTF8_BOM = codecs.BOM_UTF8


class BatchError(ReviewbaitError, ValueError):
    """Bad input or usage, with a message that says what to do (exit code 2 on the command line)."""


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


# --------------------------------------------------------------------------- formats and paths


@dataclass(frozen=True)
class _Format:
    base: str  # csv, tsv, jsonl, parquet
    gz: bool = False

    @property
    def extension(self) -> str:
        return "." + self.base + (".gz" if self.gz else "")


def _parse_format(name: str) -> _Format:
    name = name.lower().lstrip(".")
    if name not in FORMATS:
        raise BatchError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}")
    base, _, gz = name.partition(".")
    return _Format(base, gz == "gz")


def _format_of(path: str) -> _Format | None:
    """The format a file name implies, or None (``-``, no or unknown extension)."""
    if path == "-":
        return None
    name = Path(path).name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    base = _EXTENSIONS.get(Path(name).suffix)
    if base is None or (gz and base == "parquet"):
        return None
    return _Format(base, gz)


def _split_known_extension(path: Path) -> tuple[str, str]:
    """``posts.csv.gz`` → (``posts``, ``.csv.gz``); ``notes`` → (``notes``, ``""``)."""
    name = path.name
    gz = name.lower().endswith(".gz")
    suffix = Path(name[:-3] if gz else name).suffix + (name[-3:] if gz else "")
    return (name[: -len(suffix)], suffix) if suffix and suffix != name else (name, "")


def default_output(input_path: str, output_format: _Format | None = None) -> str:
    """``posts.csv`` → ``posts.scored.csv`` (``.scored`` before the extension); stdin → stdout."""
    if input_path == "-":
        return "-"
    path = Path(input_path)
    stem, suffix = _split_known_extension(path)
    if output_format is not None and _format_of(input_path) != output_format:
        suffix = output_format.extension
    return str(path.with_name(f"{stem}.scored{suffix}"))


def _rejected_path(output: str, input_path: str) -> str:
    """``out.csv`` → ``out.rejected.csv`` beside the output (or the input when writing to stdout)."""
    base = output if output != "-" else (input_path if input_path != "-" else "stdin.csv")
    stem, _ = _split_known_extension(Path(base))
    return str(Path(base).with_name(f"{stem}.rejected.csv"))


def _parse_delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(value.lower(), value)
    if len(value) != 1 or value in '"\r\n':
        raise BatchError(f"--delimiter must be one character (or 'tab'), got {value!r}")
    return value


# --------------------------------------------------------------------------- encodings


def _is_byte_safe(encoding: str) -> bool:
    """True when every byte below 0x80 is always that ASCII character (UTF-8, Latin-1, cp1252...).

    Then quotes, delimiters and line breaks can be found in the raw bytes and the records
    copied unchanged; other encodings (UTF-16) are transcoded to UTF-8 and back.
    """
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig", "ascii"):
        return True
    try:
        ascii_ok = bytes(range(128)).decode(encoding) == "".join(map(chr, range(128)))
    except UnicodeDecodeError:
        return False
    return ascii_ok and len(bytes(range(256)).decode(encoding, errors="replace")) == 256


@dataclass
class _Encoding:
    codec: str  # what the work bytes are decoded with
    bom: bytes  # written back at the start of a byte-preserved output
    transcode: str | None  # original codec when the input was transcoded to UTF-8


def _utf16_by_bom(head: bytes) -> _Encoding | None:
    """UTF-16 with its byte order kept: a big-endian file is written back big-endian."""
    if head.startswith(codecs.BOM_UTF16_LE) and not head.startswith(codecs.BOM_UTF32_LE):
        return _Encoding("utf-8", codecs.BOM_UTF16_LE, "utf-16-le")
    if head.startswith(codecs.BOM_UTF16_BE):
        return _Encoding("utf-8", codecs.BOM_UTF16_BE, "utf-16-be")
    return None


def _resolve_encoding(given: str | None, head: bytes) -> _Encoding:
    if given is None:
        if head.startswith(_UTF8_BOM):
            return _Encoding("utf-8", _UTF8_BOM, None)
        return _utf16_by_bom(head) or _Encoding("utf-8", b"", None)
    try:
        name = codecs.lookup(given).name
    except LookupError:
        raise BatchError(f"unknown encoding {given!r} (--encoding); try utf-8, cp1252, latin-1 or utf-16") from None
    if name in ("utf-8", "utf-8-sig"):
        return _Encoding("utf-8", _UTF8_BOM if head.startswith(_UTF8_BOM) else b"", None)
    if name == "utf-16":
        return _utf16_by_bom(head) or _Encoding("utf-8", b"", name)
    if _is_byte_safe(name):
        return _Encoding(name, b"", None)
    return _Encoding("utf-8", b"", name)


class _Replacements:
    """Counts undecodable bytes and remembers the first line that had some."""

    def __init__(self) -> None:
        self.count = 0
        self.first_line: int | None = None

    def add(self, count: int, line: int) -> None:
        self.count += count
        if self.first_line is None:
            self.first_line = line


def _strict_error(line: int, encoding: str, exc: UnicodeDecodeError) -> BatchError:
    bad = exc.object[exc.start : exc.end]
    return BatchError(
        f"line {line}: bytes {bad.hex(' ')} are not valid {encoding}; pass the file's encoding "
        "(e.g. --encoding cp1252 or --encoding latin-1), or drop --strict to replace undecodable bytes"
    )


def _decode_replacing(raw: bytes, encoding: str, line: int, strict: bool, replaced: _Replacements) -> str:
    """Decode ``raw``, replacing undecodable bytes with U+FFFD and counting them."""
    parts: list[str] = []
    position = 0
    while True:
        try:
            parts.append(raw[position:].decode(encoding))
            break
        except UnicodeDecodeError as exc:
            if strict:
                raise _strict_error(line + raw[: position + exc.start].count(b"\n"), encoding, exc) from None
            parts.append(raw[position : position + exc.start].decode(encoding) + "\ufffd")
            replaced.add(exc.end - exc.start, line + raw[: position + exc.start].count(b"\n"))
            position += exc.end
    return "".join(parts)


# --------------------------------------------------------------------------- binary input


class _CountingReader:
    """Counts the bytes read from the underlying (possibly compressed) file: progress and ETA."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        # read1: whatever is available, so a pipe is scored as it flows instead of in 1 MiB steps
        self._read = getattr(raw, "read1", raw.read)
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self._read(size)
        self.position += len(data)
        return data

    def close(self) -> None:
        self._raw.close()


class _Prefixed:
    """A stream with a few already-read bytes put back in front."""

    def __init__(self, head: bytes, stream: Any) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            if size < 0:
                return head + self._stream.read()
            return head if len(head) >= size else head + self._stream.read(size - len(head))
        return self._stream.read(size)


class _Transcoder:
    """UTF-8 bytes from a stream in another encoding (UTF-16...), counting replaced bytes."""

    def __init__(self, stream: Any, encoding: str, strict: bool, replaced: _Replacements) -> None:
        self._stream = stream
        self._encoding = encoding
        self._strict = strict
        self._replaced = replaced
        self._lines = 0
        handler = f"reviewbait-replace-{id(self)}"
        codecs.register_error(handler, self._on_error)
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict" if strict else handler)

    def _line_of(self, exc: UnicodeDecodeError) -> int:
        prefix = exc.object[: exc.start]
        return self._lines + 1 + bytes(prefix).decode(self._encoding, errors="replace").count("\n")

    def _on_error(self, exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        self._replaced.add(exc.end - exc.start, self._line_of(exc))
        return "\ufffd", exc.end

    def read(self, size: int = -1) -> bytes:
        while True:
            data = self._stream.read(size)
            try:
                text = self._decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                raise _strict_error(self._line_of(exc), self._encoding, exc) from None
            if text or not data:
                self._lines += text.count("\n")
                return text.encode("utf-8", errors="surrogatepass")


@dataclass
class _Chunk:
    """A chunk of rows as read: the texts to score, and what the writers need."""

    texts: list[Any] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # line (or row) number of each row
    raws: list[bytes] = field(default_factory=list)  # delimited / jsonl: record bytes without line ending
    eols: list[bytes] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)  # delimited: list[str] fields; jsonl: dict
    batch: Any = None  # parquet: a pyarrow RecordBatch
    rejected: list[tuple[int, str, str, bytes]] = field(default_factory=list)  # line, reason, detail, raw
    rows_read: int = 0
    blank_lines: int = 0
    empty_text: int = 0


def _eol_of(raw: bytes) -> tuple[bytes, bytes]:
    last = raw[-1:]
    if last == b"\n":
        if raw[-2:-1] == b"\r":
            return raw[:-2], b"\r\n"
        return raw[:-1], b"\n"
    if last == b"\r":
        return raw[:-1], b"\r"
    return raw, b""


class _LineSource:
    """Physical lines (with their endings, like ``open(newline="")``) from a binary stream."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        pending = b""
        while True:
            data = self._stream.read(BLOCK_BYTES)
            if not data:
                break
            lines = (pending + data).splitlines(keepends=True)
            pending = lines.pop() if not lines[-1].endswith(b"\n") else b""
            yield from lines
        if pending:
            yield from pending.splitlines(keepends=True)


class _InputBase:
    kind = "base"
    columns: list[str]
    encoding: _Encoding
    delimiter: str | None = None
    header_raw: bytes = b""
    header_eol: bytes = b""
    total: int | None = None  # bytes (or rows) to read, for the ETA

    def __init__(self) -> None:
        self.replaced = _Replacements()

    @property
    def position(self) -> int:
        raise NotImplementedError

    def read_chunk(self, size: int) -> _Chunk | None:
        raise NotImplementedError

    def _open_lines(self, path: str, stream: Any, gz: bool, options: ScoreOptions) -> None:
        """Decompress, detect the encoding (dropping a BOM), transcode to UTF-8 when needed,
        and set ``self._source``: the physical lines of the data."""
        if gz:
            stream = gzip.GzipFile(fileobj=stream, mode="rb")
        try:
            head = stream.read(4)
        except (OSError, EOFError) as exc:
            raise BatchError(f"cannot read {path}: {exc}") from None
        if options.encoding is None:
            _refuse_misnamed(path, head, gz)
        self.encoding = _resolve_encoding(options.encoding, head)
        if self.encoding.bom and head.startswith(self.encoding.bom):
            head = head[len(self.encoding.bom) :]
        stream = _Prefixed(head, stream)
        if self.encoding.transcode:
            stream = _Transcoder(stream, self.encoding.transcode, options.strict, self.replaced)
        self._strict = options.strict
        self._source = iter(_LineSource(stream))

    def close(self) -> None:
        """Close the byte stream of a text input; inputs without one override this."""
        counting = getattr(self, "_counting", None)
        if counting is not None:
            counting.close()


def _refuse_misnamed(path: str, head: bytes, gz: bool) -> None:
    """Name what a file really is when its first bytes say it is not text in the expected form;
    otherwise the header would be garbage and the error a puzzling "column not found"."""
    where = path if path != "-" else "standard input"
    if head.startswith(b"\x1f\x8b"):
        hint = (
            "it is compressed twice; decompress it once" if gz else "name it .gz or pass --format csv.gz (or jsonl.gz)"
        )
        raise BatchError(f"{where} is gzip-compressed: {hint}")
    if head.startswith(b"PAR1"):
        raise BatchError(f"{where} is a Parquet file: name it .parquet or pass --format parquet")
    if head.startswith(b"PK\x03\x04"):
        raise BatchError(f"{where} is a zip archive (or an Excel workbook): extract or export it as CSV first")
    if len(head) >= 4 and not head.startswith((_UTF8_BOM, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if head[1] == 0 and head[3] == 0 and head[0] and head[2]:
            raise BatchError(f"{where} looks like UTF-16 without a byte order mark: pass --encoding utf-16-le")
        if head[0] == 0 and head[2] == 0 and head[1] and head[3]:
            raise BatchError(f"{where} looks like UTF-16 without a byte order mark: pass --encoding utf-16-be")


def _open_binary(path: str) -> tuple[Any, _CountingReader, int | None]:
    if path == "-":
        counting = _CountingReader(sys.stdin.buffer)
        return counting, counting, None
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the input object
    except IsADirectoryError:
        raise BatchError(f"{path} is a directory; pass a file") from None
    except PermissionError:
        raise BatchError(f"cannot read {path}: permission denied") from None
    except FileNotFoundError:
        raise BatchError(f"{path} does not exist") from None
    counting = _CountingReader(raw)
    return counting, counting, os.fstat(raw.fileno()).st_size


class _DelimitedInput(_InputBase):
    """CSV/TSV records as raw bytes plus their parsed fields (never type-inferred)."""

    kind = "delimited"

    def __init__(self, path: str, *, gz: bool, default_delimiter: str | None, options: ScoreOptions) -> None:
        super().__init__()
        self._path = path if path != "-" else "standard input"
        stream, self._counting, self.total = _open_binary(path)
        try:
            self._start(path, stream, gz, default_delimiter, options)
        except BaseException:
            self.close()
            raise

    def _start(self, path: str, stream: Any, gz: bool, default_delimiter: str | None, options: ScoreOptions) -> None:
        self._open_lines(path, stream, gz, options)
        self._codec = self.encoding.codec
        self._requeue: deque[bytes] = deque()
        self._buf: list[bytes] = []
        self._lines_read = 0
        self._eof = False
        first = next(self._source, None)
        if first is None or not first.strip(b"\r\n"):
            raise BatchError(f"{path} is empty: expected a header line with the column names")
        header_text = self._decode(first, 1)
        self.delimiter = _parse_delimiter(options.delimiter) or default_delimiter or _sniff_delimiter(header_text)
        self._requeue.append(first)
        self._reader = self._new_reader()
        try:
            self.columns = next(self._reader)
        except csv.Error as exc:
            raise BatchError(f"line 1 (the header) of {path} is not valid CSV: {exc}") from None
        self.header_raw, self.header_eol = _eol_of(b"".join(self._buf))
        self._buf.clear()

    @property
    def position(self) -> int:
        return self._counting.position

    def _new_reader(self) -> Iterator[list[str]]:
        # strict: a closing quote followed by anything but the delimiter or a line end is an
        # error (RFC 4180), where the lenient default would glue the rest on and read on
        if csv.field_size_limit() < MAX_CELL_CHARS:
            csv.field_size_limit(MAX_CELL_CHARS)
        return csv.reader(self._lines(), delimiter=self.delimiter or ",", quotechar='"', doublequote=True, strict=True)

    def _decode(self, line: bytes, number: int) -> str:
        try:
            return line.decode(self._codec)
        except UnicodeDecodeError:
            return _decode_replacing(line, self._codec, number, self._strict, self.replaced)

    def _lines(self) -> Iterator[str]:
        """Decoded lines for the csv reader; their raw bytes go to ``self._buf``."""
        buf = self._buf
        codec = self._codec
        requeue = self._requeue
        for line in self._source:
            while requeue:
                again = requeue.popleft()
                self._lines_read += 1
                buf.append(again)
                yield self._decode(again, self._lines_read)
            self._lines_read += 1
            buf.append(line)
            try:
                text = line.decode(codec)
            except UnicodeDecodeError:
                text = _decode_replacing(line, codec, self._lines_read, self._strict, self.replaced)
            yield text
        while requeue:
            again = requeue.popleft()
            self._lines_read += 1
            buf.append(again)
            yield self._decode(again, self._lines_read)
        self._eof = True

    def _explain(self, exc: csv.Error, start: int, last: int) -> tuple[str, str]:
        """Reason and detail for a record the csv module refused, naming the line where it went wrong."""
        message = str(exc)
        if "field larger than field limit" in message:
            # where the record ends is unknown, so its lines cannot be parsed again: stop
            raise BatchError(
                f"line {start} of {self._path}: a cell runs past line {last} and over {MAX_CELL_CHARS:,} "
                "characters, the most reviewbait reads in one cell; an unclosed quote on line "
                f"{start}? Fix the quote, or split the cell"
            )
        if "unexpected end of data" in message:
            return "unbalanced quotes", f"a quoted field opened on line {start} is never closed"
        if "expected after" in message:
            d = self.delimiter or ","
            where = f"on line {last}" if last == start else f"on line {last}, closing the field opened on line {start},"
            return (
                "stray quote",
                f"a quote {where} is followed by text, not {d!r} or a line end (RFC 4180); "
                'inside a quoted field write a quote as ""',
            )
        return "malformed CSV", f"{message} on line {last}"

    def _reject(self, chunk: _Chunk, start: int, lines: list[bytes], reason: str, detail: str) -> None:
        """Reject the record's first line; its other lines are parsed again (a stray quote costs one line)."""
        chunk.rejected.append((start, reason, detail, lines[0]))
        chunk.rows_read += 1
        if len(lines) > 1:
            self._requeue.extendleft(reversed(lines[1:]))
            self._lines_read -= len(lines) - 1
            self._eof = False

    def read_chunk(self, size: int) -> _Chunk | None:
        chunk = _Chunk()
        ncols = len(self.columns)
        buf = self._buf
        reader = self._reader
        raws, eols, records, lines = chunk.raws, chunk.eols, chunk.records, chunk.lines
        while chunk.rows_read < size:
            start = self._lines_read + 1
            try:
                fields = next(reader)
            except StopIteration:
                buf.clear()
                if self._requeue:  # lines of a bad last record, to parse again
                    reader = self._reader = self._new_reader()
                    continue
                break
            except csv.Error as exc:
                bad = buf[:]
                buf.clear()
                self._reject(chunk, start, bad, *self._explain(exc, start, start + len(bad) - 1))
                continue
            raw = buf[0] if len(buf) == 1 else b"".join(buf)
            nlines = len(buf)
            if not fields:
                chunk.blank_lines += nlines
                buf.clear()
                continue
            if len(fields) != ncols:
                bad = buf[:]
                buf.clear()
                detail = f"expected {ncols} fields, saw {len(fields)}"
                if nlines > 1:
                    detail += f" (a quoted field runs over lines {start}-{start + nlines - 1}: an unclosed quote?)"
                self._reject(chunk, start, bad, "wrong number of fields", detail)
                continue
            buf.clear()
            body, eol = _eol_of(raw)
            raws.append(body)
            eols.append(eol)
            records.append(fields)
            lines.append(start)
            chunk.rows_read += 1
        if chunk.rows_read == 0 and not chunk.blank_lines:
            return None
        return chunk


def _sniff_delimiter(header: str) -> str:
    """The candidate that splits the header line into the most fields; ``,`` on a tie."""
    best, best_count = ",", 1
    for candidate in DELIMITERS:
        try:
            count = len(next(csv.reader([header], delimiter=candidate)))
        except (csv.Error, StopIteration):
            continue
        if count > best_count:
            best, best_count = candidate, count
    return best


class _JsonlInput(_InputBase):
    """JSON Lines: one object per line; the columns are the keys of the first chunk, in order."""

    kind = "jsonl"

    def __init__(self, path: str, *, gz: bool, options: ScoreOptions) -> None:
        super().__init__()
        self.fixed_columns = False  # once set, a key outside ``columns`` rejects the row
        stream, self._counting, self.total = _open_binary(path)
        try:
            self._start(path, stream, gz, options)
        except BaseException:
            self.close()
            raise

    def _start(self, path: str, stream: Any, gz: bool, options: ScoreOptions) -> None:
        self._open_lines(path, stream, gz, options)
        self._line = 0
        self._path = path
        self._pushed: _Chunk | None = None
        first = self.read_chunk(min(options.chunk_size, options.limit or options.chunk_size))
        if first is None:
            raise BatchError(f"{path} is empty: expected JSON Lines (one object per line)")
        keys: dict[str, None] = {}
        for record in first.records:
            keys.update(dict.fromkeys(record))
        self.columns = list(keys)
        self._known = set(keys)
        self._pushed = first

    @property
    def position(self) -> int:
        return self._counting.position

    def read_chunk(self, size: int) -> _Chunk | None:
        if self._pushed is not None:
            chunk, self._pushed = self._pushed, None
            return chunk
        chunk = _Chunk()
        for line in self._source:
            self._line += 1
            body, eol = _eol_of(line)
            if not body.strip():
                chunk.blank_lines += 1
                continue
            chunk.rows_read += 1
            text = _decode_replacing(body, self.encoding.codec, self._line, self._strict, self.replaced)
            try:
                record = json.loads(text, object_pairs_hook=_unique_keys)
            except json.JSONDecodeError as exc:
                chunk.rejected.append((self._line, "invalid JSON", str(exc), body))
            except _DuplicateKey as exc:
                chunk.rejected.append(
                    (self._line, "duplicate key", f"{exc.args[0]!r} appears twice in one object", body)
                )
            except (RecursionError, ValueError) as exc:  # nesting too deep, a number too long
                chunk.rejected.append((self._line, "invalid JSON", f"{type(exc).__name__}: {exc}", body))
            else:
                unknown = None
                if self.fixed_columns and isinstance(record, dict):
                    unknown = next((k for k in record if k not in self._known), None)
                if unknown is not None:
                    detail = f"key {unknown!r} is not in the first chunk's columns; write JSON Lines to keep it"
                    chunk.rejected.append((self._line, "unexpected key", detail, body))
                elif isinstance(record, dict):
                    chunk.raws.append(body)
                    chunk.eols.append(eol)
                    chunk.records.append(record)
                    chunk.lines.append(self._line)
                else:
                    chunk.rejected.append((self._line, "not a JSON object", type(record).__name__, body))
            if chunk.rows_read >= size:
                break
        if chunk.rows_read == 0 and not chunk.blank_lines:
            return None
        return chunk


class _DuplicateKey(Exception):
    """A JSON object repeats a key: caught by the JSON Lines reader, which rejects the line."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's keys, refusing a repeat: json.loads would keep the last value and drop the other."""
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return record


class _ParquetInput(_InputBase):
    """Parquet, batch by batch; progress counts rows."""

    kind = "parquet"

    def __init__(self, path: str, *, options: ScoreOptions) -> None:
        super().__init__()
        with signals_deferred():
            import pyarrow.parquet as pq

        if path == "-":
            raise BatchError("Parquet cannot be read from standard input; pass a file path")
        _open_binary(path)[0].close()  # the same clear errors as the other formats
        if os.path.getsize(path) == 0:
            raise BatchError(f"{path} is empty")
        try:
            self._file = pq.ParquetFile(path)
        except Exception as exc:
            raise BatchError(f"{path} is not a readable Parquet file: {exc}") from None
        self.encoding = _Encoding("utf-8", b"", None)
        self.schema = self._file.schema_arrow
        self.columns = list(self.schema.names)
        self.total = self._file.metadata.num_rows
        self._rows = 0
        self._batches: Iterator[Any] | None = None
        self._size = options.chunk_size

    @property
    def position(self) -> int:
        return self._rows

    def read_chunk(self, size: int) -> _Chunk | None:
        if self._batches is None:
            self._batches = iter(self._file.iter_batches(batch_size=max(size, 1)))
        batch = next(self._batches, None)
        while batch is not None and batch.num_rows == 0:
            batch = next(self._batches, None)
        if batch is None:
            return None
        if batch.num_rows > size:
            batch = batch.slice(0, size)  # only with --limit: the rest is never read
        chunk = _Chunk(batch=batch, rows_read=batch.num_rows)
        chunk.lines = list(range(self._rows + 1, self._rows + batch.num_rows + 1))
        self._rows += batch.num_rows
        return chunk


def _open_input(path: str, fmt: _Format, options: ScoreOptions) -> _InputBase:
    if path != "-":
        if not os.path.exists(path):
            raise BatchError(f"{path} does not exist")
        if os.path.isdir(path):
            raise BatchError(f"{path} is a directory; pass a file")
    if fmt.base == "parquet":
        return _ParquetInput(path, options=options)
    if fmt.base == "jsonl":
        return _JsonlInput(path, gz=fmt.gz, options=options)
    return _DelimitedInput(path, gz=fmt.gz, default_delimiter="\t" if fmt.base == "tsv" else None, options=options)


def _cell_text(value: Any) -> str | None:
    """A cell as text for CSV/Parquet output: strings unchanged, None as missing, the rest as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _chunk_values(source: _InputBase, chunk: _Chunk) -> list[list[Any]]:
    """Rows of cell values aligned with ``source.columns`` (strings from CSV, JSON values otherwise)."""
    if source.kind == "delimited":
        return chunk.records
    if source.kind == "jsonl":
        columns = source.columns
        return [[record.get(c) for c in columns] for record in chunk.records]
    columns_py = [chunk.batch.column(i).to_pylist() for i in range(chunk.batch.num_columns)]
    return [list(row) for row in zip(*columns_py, strict=True)] if columns_py else [[]] * chunk.batch.num_rows


def _chunk_texts(source: _InputBase, chunk: _Chunk, index: int) -> list[Any]:
    if source.kind == "delimited":
        return [fields[index] for fields in chunk.records]
    if source.kind == "jsonl":
        name = source.columns[index]
        return [record.get(name) for record in chunk.records]
    return list(chunk.batch.column(index).to_pylist())


# --------------------------------------------------------------------------- output


class _Sink:
    """Binary output: a temporary file beside the target, renamed over it by ``commit``; or stdout."""

    def __init__(self, target: str, *, gz: bool = False) -> None:
        self.target = target
        self._tmp: str | None = None
        if target == "-":
            self._file: IO[bytes] = sys.stdout.buffer
        else:
            directory = os.path.dirname(os.path.abspath(target))
            fd, self._tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".part")
            self._file = os.fdopen(fd, "wb")
        self._gz: gzip.GzipFile | None = None
        if gz:
            self._gz = gzip.GzipFile(filename=os.path.basename(target), mode="wb", fileobj=self._file, compresslevel=6)
        self.stream: IO[bytes] = self._gz if self._gz is not None else self._file  # type: ignore[assignment]

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def commit(self) -> None:
        if self._gz is not None:
            self._gz.close()
        if self._tmp is None:
            self._file.flush()
            return
        self._file.close()
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(self._tmp, 0o666 & ~mask)
        os.replace(self._tmp, self.target)
        self._tmp = None

    def abort(self) -> None:
        if self._tmp is None:
            with contextlib.suppress(Exception):
                self.stream.flush()
            return
        with contextlib.suppress(Exception):
            self._file.close()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)
        self._tmp = None


class _TranscodingSink:
    """Writes UTF-8 work bytes to a sink in the input's original encoding (UTF-16...)."""

    def __init__(self, sink: _Sink, encoding: str) -> None:
        self._sink = sink
        self._encoder = codecs.getincrementalencoder(encoding)()

    def write(self, data: bytes) -> None:
        self._sink.write(self._encoder.encode(data.decode("utf-8", errors="surrogatepass")))


def _quote(value: str, delimiter: str) -> str:
    if value and (delimiter in value or '"' in value or "\n" in value or "\r" in value):
        return '"' + value.replace('"', '""') + '"'
    return value


class _Writer:
    def write(self, source: _InputBase, chunk: _Chunk, scored: dict[str, Any], keep: list[int]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _SpliceWriter(_Writer):
    """Delimited → same delimited: ``raw + delimiter + added fields + original line ending``."""

    def __init__(self, sink: _Sink, source: _InputBase, names: list[str]) -> None:
        self._out: Any = sink
        encoding = source.encoding
        if encoding.transcode:
            self._out = _TranscodingSink(sink, encoding.transcode)
        self._codec = encoding.codec
        self._d = source.delimiter or ","
        sink.write(encoding.bom)
        header = self._d + self._d.join(_quote(n, self._d) for n in names)
        self._out.write(source.header_raw + header.encode(self._codec, errors="replace") + (source.header_eol or b"\n"))

    def write(self, source: _InputBase, chunk: _Chunk, scored: dict[str, Any], keep: list[int]) -> None:
        d = self._d
        codec = self._codec
        probability = scored["probability"]
        flag = scored["flag"]
        category = scored["category"]
        incentive = scored["incentive"]
        sentiment = scored["sentiment_conditioned"]
        evidence = scored["evidence"]
        raws, eols = chunk.raws, chunk.eols
        out: list[bytes] = []
        append = out.append
        for i in keep:
            append(raws[i])
            if flag[i]:
                suffix = (
                    f"{d}{probability[i]:.6f}{d}1{d}{_quote(category[i], d)}{d}{_quote(incentive[i], d)}"
                    f"{d}{sentiment[i]}{d}{_quote(evidence[i], d)}"
                )
                append(suffix.encode(codec, errors="replace"))
            else:
                append(f"{d}{probability[i]:.6f}{d}0{d}{d}{d}0{d}".encode())
            append(eols[i])
        if out:
            self._out.write(b"".join(out))


class _DelimitedWriter(_Writer):
    """Any input → CSV/TSV in UTF-8 (values as text; missing values empty)."""

    def __init__(self, sink: _Sink, delimiter: str, columns: list[str], names: list[str]) -> None:
        self._sink = sink
        self._delimiter = delimiter
        self._emit([[*columns, *names]])

    def _emit(self, rows: list[list[Any]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self._delimiter, lineterminator="\n").writerows(rows)
        self._sink.write(buffer.getvalue().encode("utf-8", errors="surrogatepass"))

    def write(self, source: _InputBase, chunk: _Chunk, scored: dict[str, Any], keep: list[int]) -> None:
        values = _chunk_values(source, chunk)
        text = source.kind != "delimited"
        probability, flag, category = scored["probability"], scored["flag"], scored["category"]
        incentive, sentiment, evidence = scored["incentive"], scored["sentiment_conditioned"], scored["evidence"]
        rows = []
        for i in keep:
            row = [_cell_text(v) for v in values[i]] if text else list(values[i])
            row += [f"{probability[i]:.6f}", int(flag[i]), category[i], incentive[i], int(sentiment[i]), evidence[i]]
            rows.append(row)
        if rows:
            self._emit(rows)


class _JsonlWriter(_Writer):
    """JSON Lines: a JSONL input keeps its original bytes; other inputs become objects."""

    def __init__(self, sink: _Sink, columns: list[str], names: list[str]) -> None:
        self._sink = sink
        self._columns = columns
        self._names = names

    def write(self, source: _InputBase, chunk: _Chunk, scored: dict[str, Any], keep: list[int]) -> None:
        probability, flag, category = scored["probability"], scored["flag"], scored["category"]
        incentive, sentiment, evidence = scored["incentive"], scored["sentiment_conditioned"], scored["evidence"]
        names = self._names
        out: list[bytes] = []
        splice = source.kind == "jsonl" and not source.encoding.transcode
        values = None if splice else _chunk_values(source, chunk)
        for i in keep:
            added = {
                names[0]: float(probability[i]),
                names[1]: int(flag[i]),
                names[2]: category[i],
                names[3]: incentive[i],
                names[4]: int(sentiment[i]),
                names[5]: evidence[i],
            }
            if splice:
                body = chunk.raws[i].rstrip()
                tail = json.dumps(added, ensure_ascii=False)[1:]
                inner = body[:-1].rstrip()
                joiner = b"" if inner.endswith(b"{") else b", "
                out.append(inner + joiner + tail.encode(source.encoding.codec, errors="replace") + b"\n")
            else:
                assert values is not None
                record = dict(zip(self._columns, values[i], strict=True))
                record.update(added)
                out.append(json.dumps(record, ensure_ascii=False, default=str).encode("utf-8") + b"\n")
        if out:
            self._sink.write(b"".join(out))


class _ParquetWriter(_Writer):
    """Parquet, one row group per chunk: a Parquet input keeps its types; other inputs become strings."""

    def __init__(self, sink: _Sink, source: _InputBase, names: list[str]) -> None:
        with signals_deferred():
            import pyarrow as pa
            import pyarrow.parquet as pq

        self._pa = pa
        added = [
            pa.field(names[0], pa.float64()),
            pa.field(names[1], pa.int8()),
            pa.field(names[2], pa.string()),
            pa.field(names[3], pa.string()),
            pa.field(names[4], pa.int8()),
            pa.field(names[5], pa.string()),
        ]
        if isinstance(source, _ParquetInput):
            base = list(source.schema)
        else:
            base = [pa.field(c, pa.string()) for c in source.columns]
        self._schema = pa.schema(base + added)
        self._nbase = len(base)
        self._writer = pq.ParquetWriter(sink.stream, self._schema)

    def write(self, source: _InputBase, chunk: _Chunk, scored: dict[str, Any], keep: list[int]) -> None:
        pa = self._pa
        if not keep:
            return
        indices = pa.array(keep, type=pa.int64())
        if chunk.batch is not None:
            base = chunk.batch.take(indices).columns
        else:
            values = _chunk_values(source, chunk)
            rows = [values[i] for i in keep]
            base = [
                pa.array([_cell_text(row[c]) for row in rows], type=pa.string()) for c in range(len(source.columns))
            ]
        take = keep
        added = [
            pa.array(scored["probability"][take], type=pa.float64()),
            pa.array(scored["flag"][take], type=pa.int8()),
            pa.array([scored["category"][i] for i in take], type=pa.string()),
            pa.array([scored["incentive"][i] for i in take], type=pa.string()),
            pa.array(scored["sentiment_conditioned"][take], type=pa.int8()),
            pa.array([scored["evidence"][i] for i in take], type=pa.string()),
        ]
        self._writer.write_table(pa.Table.from_arrays([*base, *added], schema=self._schema))

    def close(self) -> None:
        self._writer.close()


def _make_writer(sink: _Sink, source: _InputBase, out_fmt: _Format, names: list[str]) -> _Writer:
    if out_fmt.base == "parquet":
        return _ParquetWriter(sink, source, names)
    if out_fmt.base == "jsonl":
        return _JsonlWriter(sink, source.columns, names)
    tab_out = out_fmt.base == "tsv"
    if source.kind == "delimited" and tab_out == (source.delimiter == "\t"):
        # same family: keep the input's own delimiter (a ';' CSV stays a ';' CSV) and its bytes
        return _SpliceWriter(sink, source, names)
    return _DelimitedWriter(sink, "\t" if tab_out else ",", source.columns, names)


# --------------------------------------------------------------------------- scoring: in-process or a pool

_WORKER: dict[str, Any] = {}
# The model the forkserver should load before forking workers (JSON: model, threshold, trusted).
PRELOAD_ENV = "REVIEWBAIT_FORKSERVER_MODEL"


def _model_spec(model: str | None, threshold: str | float, trusted: bool) -> str:
    return json.dumps([model, threshold, trusted])


def preload_in_forkserver() -> None:
    """Load and warm the model in the forkserver, so that every worker forked from it shares
    the model's pages (less memory) and starts scoring at once. Runs on import of
    :mod:`reviewbait.forkserver_preload`; any failure is left to the worker initializer, which
    loads the model itself and reports the error with the first chunk."""
    spec = os.environ.get(PRELOAD_ENV)
    if not spec:
        return
    try:
        from reviewbait.detector import Detector

        model, threshold, trusted = json.loads(spec)
        detector = Detector.load(model, threshold=threshold, trusted=trusted)
        detector.score_columns(["Leave a 5-star review and get a free gift card!"])  # builds the lazy parts
        _WORKER["preloaded"] = (spec, detector)
    except Exception:  # reported by the worker initializer instead
        _WORKER.pop("preloaded", None)
    # Everything loaded so far lives as long as the server: moved out of the collector's
    # reach, a worker's garbage collections no longer write to the model's object headers,
    # so its pages stay shared with the server instead of being copied into every worker
    # as a long run goes on (what the Python docs recommend for fork without exec).
    gc.freeze()


def _init_worker(model: str | None, threshold: str | float, trusted: bool) -> None:
    """Pool initializer: load the model once per worker; a failure is raised with the first chunk."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    spec, detector = _WORKER.get("preloaded", (None, None))
    if spec == _model_spec(model, threshold, trusted):
        _WORKER["detector"] = detector  # inherited from the forkserver: verified there
        return
    try:
        from reviewbait.detector import Detector

        _WORKER["detector"] = Detector.load(model, threshold=threshold, trusted=trusted)
    except BaseException as exc:
        _WORKER["error"] = exc


def _score_in_worker(texts: list[Any]) -> tuple[float, dict[str, Any]]:
    if "error" in _WORKER:
        raise _WORKER["error"]
    detector = _WORKER["detector"]
    return detector.threshold, detector.score_columns(texts)


def _worker_count(jobs: int | None) -> int:
    if jobs is not None:
        if jobs < 1:
            raise BatchError(f"--jobs must be at least 1, got {jobs}")
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Scorer:
    """Scores chunks in order: in this process, or in a pool with a bounded number in flight."""

    def __init__(self, options: ScoreOptions, jobs: int, detector: Any = None) -> None:
        self._options = options
        self._jobs = jobs
        self._pool: Any = None
        self._detector: Any = detector
        self._given = detector is not None  # a loaded model (the server's): scored here, at options.threshold
        self.threshold = detector.resolve_threshold(options.threshold) if detector is not None else math.nan

    def _local(self, texts: list[Any]) -> dict[str, Any]:
        if self._given:
            return dict(self._detector.score_columns(texts, threshold=self.threshold))
        if self._detector is None:
            self._detector = load_detector(self._options)  # the same fields as the CLI options
            self.threshold = self._detector.threshold
        return dict(self._detector.score_columns(texts))

    def run(self, chunks: Iterator[tuple[_Chunk, list[Any]]], *, single: bool) -> Iterator[tuple[_Chunk, dict]]:
        # ``single``: the whole input fit in the first chunk (--chunk-size rows, 5,000 by default).
        # It is scored here: starting workers (a forkserver, a model load each) would cost more
        # than scoring it, so a 2-row file starts no pool.
        if self._jobs == 1 or single or self._given:
            for chunk, texts in chunks:
                yield chunk, self._local(texts)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context: Any
        options = self._options
        initargs = (options.model, options.threshold, options.trusted_model)
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            # workers fork from a server that imported reviewbait and loaded the model once:
            # quicker start, shared pages. The server reads the model to load from the
            # environment it starts with (only the first pool of a process starts it).
            context.set_forkserver_preload(["reviewbait.forkserver_preload"])
        else:
            context = multiprocessing.get_context("spawn")
        previous = os.environ.get(PRELOAD_ENV)
        os.environ[PRELOAD_ENV] = _model_spec(*initargs)
        try:
            with signals_deferred():  # a pool stopped half-started leaves its children failing
                # an executor, not multiprocessing.Pool: a worker killed (kill -9, the
                # out-of-memory killer) breaks it and fails every pending chunk at once,
                # where a Pool replaces the worker and waits for the lost chunk forever
                self._pool = ProcessPoolExecutor(
                    self._jobs, mp_context=context, initializer=_init_worker, initargs=initargs
                )
                self._pool.submit(int).result()  # start the workers (and the forkserver) now
        finally:
            if previous is None:
                os.environ.pop(PRELOAD_ENV, None)
            else:
                os.environ[PRELOAD_ENV] = previous
        inflight: deque[tuple[_Chunk, Any]] = deque()
        limit = 2 * self._jobs
        for chunk, texts in chunks:
            inflight.append((chunk, self._submit(texts)))
            while len(inflight) >= limit or (inflight and inflight[0][1].done()):
                yield self._collect(*inflight.popleft())
        while inflight:
            yield self._collect(*inflight.popleft())

    def _submit(self, texts: list[Any]) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._pool.submit(_score_in_worker, texts)
        except BrokenProcessPool:
            raise WorkerDied(_WORKER_DIED) from None

    def _collect(self, chunk: _Chunk, result: Any) -> tuple[_Chunk, dict[str, Any]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            threshold, scored = result.result()
        except BrokenProcessPool:
            raise WorkerDied(_WORKER_DIED) from None
        self.threshold = threshold
        return chunk, scored

    def close(self, *, ok: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not ok:
            # stop the workers now: a chunk in progress is not waited for
            terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
            if terminate is not None:
                terminate()
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        pool.shutdown(wait=True, cancel_futures=not ok)


_WORKER_DIED = (
    "a worker process died while scoring (killed by a signal, or by the system when memory ran out); "
    "no output written. Run again, with fewer --jobs or a smaller --chunk-size if memory is short"
)


class WorkerDied(ReviewbaitError, RuntimeError):
    """A worker process ended without answering: the run stops instead of waiting forever."""


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


# --------------------------------------------------------------------------- text column


def _looks_like_text(values: list[Any]) -> bool:
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if not texts:
        return False
    mean_length = sum(map(len, texts)) / len(texts)
    with_spaces = sum(1 for t in texts if " " in t.strip()) / len(texts)
    return mean_length > 20 and with_spaces > 0.5


def _choose_text_column(
    source: _InputBase, chunk: _Chunk, given: str | None, where: str, exclude: frozenset[str] = frozenset()
) -> int:
    columns = source.columns
    listing = ", ".join(repr(c) for c in columns)
    if given is not None:
        if given not in columns:
            raise BatchError(f"text column {given!r} not found in {where}; available columns: {listing}")
        if columns.count(given) > 1:
            raise BatchError(f"column {given!r} appears {columns.count(given)} times in the header of {where}")
        return columns.index(given)
    candidates = [
        i for i in range(len(columns)) if columns[i] not in exclude and _looks_like_text(_chunk_texts(source, chunk, i))
    ]
    if len(candidates) == 1:
        return candidates[0]
    found = "no column looks like free text" if not candidates else "several columns look like free text"
    raise BatchError(f"{found} in {where}; pass --text-column, one of: {listing}")


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
    in_fmt = _parse_format(options.format) if options.format else (_format_of(options.input) or _Format("csv"))
    out_fmt_given = _parse_format(options.output_format) if options.output_format else None
    output = options.output or default_output(options.input, out_fmt_given)
    out_fmt = out_fmt_given or _format_of(output) or in_fmt
    if out_fmt.base == "parquet" and out_fmt.gz:
        raise BatchError("Parquet output is compressed already; use .parquet, not .parquet.gz")
    rejected_path = _rejected_path(output, options.input) if options.on_bad_lines == "skip" else None
    _check_paths(options, output, rejected_path)
    jobs = _worker_count(options.jobs)

    try:
        source = _open_input(options.input, in_fmt, options)
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
        scorer = _Scorer(options, jobs, detector)
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
                text_index = _choose_text_column(source, first, options.text_column, where)
                summary.text_column = source.columns[text_index]
            else:
                text_index = -1  # a header and no rows (a quiet day): an empty scored file, not an error
            names = [options.prefix + name for name in ADDED_COLUMNS]
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
            sink = _Sink(output, gz=out_fmt.gz)
            writer = _make_writer(sink, source, out_fmt, names)

            def chunks() -> Iterator[tuple[_Chunk, list[Any]]]:
                chunk: _Chunk | None = first
                queued = second
                while chunk is not None:
                    texts = _chunk_texts(source, chunk, text_index) if chunk.rows_read else []
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


class _RejectedWriter:
    """``line_number, reason, raw`` for every rejected line (the raw line as text, line ending removed)."""

    def __init__(self, sink: _Sink) -> None:
        self._sink = sink
        self._emit([["line_number", "reason", "raw"]])

    def _emit(self, rows: list[list[Any]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        self._sink.write(buffer.getvalue().encode("utf-8", errors="surrogatepass"))

    def write(self, rejected: list[tuple[int, str, str, bytes]], codec: str) -> None:
        self._emit(
            [
                [line, f"{reason}: {detail}", _eol_of(raw)[0].decode(codec, errors="replace")]
                for line, reason, detail, raw in rejected
            ]
        )


# --------------------------------------------------------------------------- report


@dataclass
class ReportOptions:
    input: str
    top: int = 10
    format: str | None = None
    prefix: str | None = None
    text_column: str | None = None


def _find_prefix(columns: list[str], given: str | None) -> str:
    if given is not None:
        if f"{given}probability" not in columns:
            raise BatchError(f"no column {given}probability; columns: {', '.join(map(repr, columns))}")
        return given
    for column in columns:
        if column.endswith("probability"):
            prefix = column[: -len("probability")]
            if all(prefix + name in columns for name in ADDED_COLUMNS if name not in _OPTIONAL_ADDED):
                return prefix
    raise BatchError(
        "this file has no score columns (reviewbait_probability, ...); score it first with `reviewbait score`"
    )


def report_file(options: ReportOptions, out: IO[str]) -> dict[str, Any]:
    """Counts by category and the top flagged rows by probability, streamed: any size of file."""
    in_fmt = _parse_format(options.format) if options.format else (_format_of(options.input) or _Format("csv"))
    score_options = ScoreOptions(input=options.input, chunk_size=5000)
    source = _open_input(options.input, in_fmt, score_options)
    try:
        prefix = _find_prefix(source.columns, options.prefix)
        index = {
            name: source.columns.index(prefix + name)
            for name in ADDED_COLUMNS
            if name not in _OPTIONAL_ADDED or prefix + name in source.columns
        }
        text_index: int | None = None
        id_index = 0 if source.columns and source.columns[0] not in {prefix + n for n in ADDED_COLUMNS} else None
        rows = flagged = 0
        categories: Counter[str] = Counter()
        top: list[tuple[float, int, dict[str, Any]]] = []
        first = True
        while True:
            chunk = source.read_chunk(5000)
            if chunk is None:
                break
            if chunk.rejected:
                line, reason, detail, _ = chunk.rejected[0]
                raise BatchError(f"line {line} of {options.input}: {reason} ({detail})")
            if first:
                first = False
                added = frozenset(prefix + name for name in ADDED_COLUMNS)
                if options.text_column is not None:
                    text_index = _choose_text_column(source, chunk, options.text_column, options.input)
                else:
                    with contextlib.suppress(BatchError):
                        text_index = _choose_text_column(source, chunk, None, options.input, added)
            values = _chunk_values(source, chunk)
            for row_number, row in zip(chunk.lines, values, strict=True):
                rows += 1
                if str(row[index["flag"]]) not in ("1", "1.0", "True", "true"):
                    continue
                flagged += 1
                categories[str(row[index["category"]] or "")] += 1
                probability = float(row[index["probability"]])
                item = {
                    "line": row_number,
                    "probability": probability,
                    "category": row[index["category"]] or "",
                    "incentive": (row[index["incentive"]] or "") if "incentive" in index else "",
                    "sentiment_conditioned": str(row[index["sentiment_conditioned"]]) in ("1", "True", "true"),
                    "evidence": row[index["evidence"]] or "",
                    "id": _cell_text(row[id_index]) if id_index is not None else None,
                    "text": _cell_text(row[text_index]) if text_index is not None else None,
                }
                entry = (probability, -row_number, item)
                if len(top) < options.top:
                    heapq.heappush(top, entry)
                elif options.top and entry[:2] > top[0][:2]:
                    heapq.heapreplace(top, entry)
    finally:
        source.close()
    best = [item for _, _, item in sorted(top, key=lambda e: e[:2], reverse=True)]
    id_name = source.columns[id_index] if id_index is not None else None
    unit = "row" if isinstance(source, _ParquetInput) else "line"
    _render_report(out, options.input, rows, flagged, categories, best, id_name, unit)
    return {"rows": rows, "flagged": flagged, "by_category": dict(categories), "top": best}


def _render_report(
    out: IO[str],
    name: str,
    rows: int,
    flagged: int,
    categories: Counter[str],
    best: list[dict[str, Any]],
    id_name: str | None,
    unit: str,
) -> None:
    share = f" ({flagged / rows:.1%})" if rows else ""
    print(f"{name}: {rows:,} rows, {flagged:,} flagged{share}", file=out)
    if categories:
        print("", file=out)
        print(f"  {'category':<24} {'rows':>8}", file=out)
        for category, count in categories.most_common():
            print(f"  {category or '(none)':<24} {count:>8,}", file=out)
    if best:
        print("", file=out)
        print(f"Top {len(best)} flagged rows by probability:", file=out)
        for rank, item in enumerate(best, 1):
            who = f"{id_name}={item['id']}  " if id_name is not None and item["id"] is not None else ""
            sentiment = "  sentiment-conditioned" if item["sentiment_conditioned"] else ""
            offered = f" ({item['incentive']})" if item["incentive"] else ""
            print(
                f"{rank:>3}. {item['probability']:.3f}  {item['category'] or '-'}{offered}{sentiment}  "
                f"{who}({unit} {item['line']})",
                file=out,
            )
            if item["text"]:
                text = " ".join(str(item["text"]).split())
                print(f"     text: {text if len(text) <= 160 else text[:157] + '...'}", file=out)
            if item["evidence"]:
                print(f"     evidence: {item['evidence']}", file=out)


# --------------------------------------------------------------------------- command line glue


def _command_error_line(message: str) -> None:
    print(f"reviewbait: {message}", file=sys.stderr)


def cmd_score(args: Any) -> int:
    """Score every row of a file and write it back with score columns appended (streamed, any size).

    Every input column and row is kept, in order, values unchanged; added:
    reviewbait_probability, reviewbait_flag, reviewbait_category, reviewbait_incentive,
    reviewbait_sentiment_conditioned and reviewbait_evidence.
    Formats by extension (or --format): .csv .tsv .csv.gz .jsonl .parquet; - is stdin/stdout.

    Example: reviewbait score posts.csv --text-column message -o posts.scored.csv
    With --engine dask: reviewbait score 'exports/*.csv' -o 'scored/*.parquet' --text-column message --engine dask
    """
    if args.engine == "dask":
        try:
            from reviewbait.dask import run_cli
        except ImportError as exc:
            raise BatchError(str(exc)) from None
        return run_cli(args)
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


def setup_score(parser: Any) -> None:
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


def cmd_report(args: Any) -> int:
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


def setup_report(parser: Any) -> None:
    parser.add_argument("input", help="a file written by `reviewbait score`")
    parser.add_argument("-n", "--top", type=int, default=10, help="how many flagged rows to show (default: 10)")
    parser.add_argument("--format", choices=FORMATS, help="format (default: from the extension)")
    parser.add_argument("--prefix", help="prefix of the score columns (default: found from the header)")
    parser.add_argument("--text-column", help="column to show as the text (default: the one that looks like text)")
