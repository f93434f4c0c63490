"""The readers (delimited, JSON Lines, Parquet), one entry point for them, and the text column."""

from __future__ import annotations

import csv
import json
import os
from collections import deque
from collections.abc import Iterator
from typing import Any

from reviewbait.errors import BatchError
from reviewbait.io.encodings import _decode_replacing, _Encoding
from reviewbait.io.formats import Format, _parse_delimiter
from reviewbait.io.interrupts import signals_deferred
from reviewbait.io.sources import DELIMITERS, MAX_CELL_CHARS, ReadOptions, _Chunk, _eol_of, _InputBase, _open_binary


class _DelimitedInput(_InputBase):
    """CSV/TSV records as raw bytes plus their parsed fields (never type-inferred)."""

    kind = "delimited"

    def __init__(self, path: str, *, gz: bool, default_delimiter: str | None, options: ReadOptions) -> None:
        super().__init__()
        self._path = path if path != "-" else "standard input"
        stream, self._counting, self.total = _open_binary(path)
        try:
            self._start(path, stream, gz, default_delimiter, options)
        except BaseException:
            self.close()
            raise

    def _start(self, path: str, stream: Any, gz: bool, default_delimiter: str | None, options: ReadOptions) -> None:
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

    def __init__(self, path: str, *, gz: bool, options: ReadOptions) -> None:
        super().__init__()
        self.fixed_columns = False  # once set, a key outside ``columns`` rejects the row
        stream, self._counting, self.total = _open_binary(path)
        try:
            self._start(path, stream, gz, options)
        except BaseException:
            self.close()
            raise

    def _start(self, path: str, stream: Any, gz: bool, options: ReadOptions) -> None:
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

    def __init__(self, path: str, *, options: ReadOptions) -> None:
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


def open_input(path: str, fmt: Format, options: ReadOptions) -> _InputBase:
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


def cell_text(value: Any) -> str | None:
    """A cell as text for CSV/Parquet output: strings unchanged, None as missing, the rest as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def chunk_values(source: _InputBase, chunk: _Chunk) -> list[list[Any]]:
    """Rows of cell values aligned with ``source.columns`` (strings from CSV, JSON values otherwise)."""
    if source.kind == "delimited":
        return chunk.records
    if source.kind == "jsonl":
        columns = source.columns
        return [[record.get(c) for c in columns] for record in chunk.records]
    columns_py = [chunk.batch.column(i).to_pylist() for i in range(chunk.batch.num_columns)]
    return [list(row) for row in zip(*columns_py, strict=True)] if columns_py else [[]] * chunk.batch.num_rows


def chunk_texts(source: _InputBase, chunk: _Chunk, index: int) -> list[Any]:
    if source.kind == "delimited":
        return [fields[index] for fields in chunk.records]
    if source.kind == "jsonl":
        name = source.columns[index]
        return [record.get(name) for record in chunk.records]
    return list(chunk.batch.column(index).to_pylist())


# --------------------------------------------------------------------------- text column


def _looks_like_text(values: list[Any]) -> bool:
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if not texts:
        return False
    mean_length = sum(map(len, texts)) / len(texts)
    with_spaces = sum(1 for t in texts if " " in t.strip()) / len(texts)
    return mean_length > 20 and with_spaces > 0.5


def choose_text_column(
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
        i for i in range(len(columns)) if columns[i] not in exclude and _looks_like_text(chunk_texts(source, chunk, i))
    ]
    if len(candidates) == 1:
        return candidates[0]
    found = "no column looks like free text" if not candidates else "several columns look like free text"
    raise BatchError(f"{found} in {where}; pass --text-column, one of: {listing}")
