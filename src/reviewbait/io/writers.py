"""The writers: a temporary file renamed when complete, the original bytes of each CSV record kept."""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import json
import os
import sys
import tempfile
from typing import IO, Any

from reviewbait.io.formats import Format
from reviewbait.io.interrupts import signals_deferred
from reviewbait.io.readers import _ParquetInput, cell_text, chunk_values
from reviewbait.io.sources import _Chunk, _eol_of, _InputBase

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
        values = chunk_values(source, chunk)
        text = source.kind != "delimited"
        probability, flag, category = scored["probability"], scored["flag"], scored["category"]
        incentive, sentiment, evidence = scored["incentive"], scored["sentiment_conditioned"], scored["evidence"]
        rows = []
        for i in keep:
            row = [cell_text(v) for v in values[i]] if text else list(values[i])
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
        values = None if splice else chunk_values(source, chunk)
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
            values = chunk_values(source, chunk)
            rows = [values[i] for i in keep]
            base = [pa.array([cell_text(row[c]) for row in rows], type=pa.string()) for c in range(len(source.columns))]
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


def _make_writer(sink: _Sink, source: _InputBase, out_fmt: Format, names: list[str]) -> _Writer:
    if out_fmt.base == "parquet":
        return _ParquetWriter(sink, source, names)
    if out_fmt.base == "jsonl":
        return _JsonlWriter(sink, source.columns, names)
    tab_out = out_fmt.base == "tsv"
    if source.kind == "delimited" and tab_out == (source.delimiter == "\t"):
        # same family: keep the input's own delimiter (a ';' CSV stays a ';' CSV) and its bytes
        return _SpliceWriter(sink, source, names)
    return _DelimitedWriter(sink, "\t" if tab_out else ",", source.columns, names)


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
