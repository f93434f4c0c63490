"""Reading a file as raw records: counted bytes, decoded lines, chunks, the base of every reader."""

from __future__ import annotations

import codecs
import gzip
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from reviewbait.errors import BatchError
from reviewbait.io.encodings import _UTF8_BOM, _Encoding, _Replacements, _resolve_encoding, _strict_error

DELIMITERS = (",", ";", "\t", "|")
BLOCK_BYTES = 1 << 20
# The largest cell a CSV/TSV input may hold, in characters (the csv module's default is 128 Ki).
# A record is held in memory while it is read, so a cell is capped: past the cap, a quote that
# never closes would otherwise swallow the rest of the file.
MAX_CELL_CHARS = 32 * 1024 * 1024


@dataclass(frozen=True)
class ReadOptions:
    """How to read an input: what readers need to know, and nothing of a command's options."""

    delimiter: str | None = None
    encoding: str | None = None
    strict: bool = False
    chunk_size: int = 5000
    limit: int | None = None


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

    def _open_lines(self, path: str, stream: Any, gz: bool, options: ReadOptions) -> None:
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
