"""``score_files``: files in, scored parts out, on a Dask cluster (behind ``reviewbait score --engine dask``).

See :mod:`reviewbait.io.dask` for the partition scoring it maps over the inputs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

try:
    import dask.dataframe as dd
    import fsspec
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("reviewbait.dask needs the optional Dask dependencies: pip install 'reviewbait[dask]'") from exc


from reviewbait.io.dask import DaskInputError, _cached_detector, _model_key, score
from reviewbait.io.formats import format_of
from reviewbait.io.pool import _worker_count

__all__ = ["DaskRun", "read_inputs", "score_files"]

INPUT_FORMATS = ("csv", "parquet")
_GLOB_CHARS = frozenset("*?[")


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class _Input:
    path: str  # as the user should read it in a message: local path or full URL
    columns: tuple[str, ...]
    types: tuple[str, ...]  # Parquet column types; empty for CSV (every cell is read as text)


def _format_of(path: str) -> str | None:
    """csv or parquet, read from the one format table (:mod:`reviewbait.io.formats`); compressed only as .csv.gz."""
    fmt = format_of(path)
    if fmt is None or fmt.base not in INPUT_FORMATS or (fmt.gz and not path.lower().endswith(".csv.gz")):
        return None
    return fmt.base


def _expand_inputs(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], storage_options: dict[str, Any] | None
) -> tuple[Any, list[str]]:
    """Files named by a glob, a directory or a list (local or any fsspec URL), in sorted order."""
    items = [os.fspath(inputs)] if isinstance(inputs, str | os.PathLike) else [os.fspath(p) for p in inputs]
    if not items:
        raise DaskInputError("no input files given")
    fs, _, _ = fsspec.core.get_fs_token_paths(items[0], storage_options=storage_options or {})
    files: list[str] = []
    for item in items:
        if _GLOB_CHARS & set(item):
            matched = sorted(p for p, info in fs.glob(item, detail=True).items() if info.get("type") != "directory")
            if not matched:
                raise DaskInputError(f"no files match {item!r}")
            files.extend(matched)
        elif fs.isdir(item):
            found = sorted(p for p in fs.find(item) if _format_of(p) and not Path(p).name.startswith((".", "_")))
            if not found:
                raise DaskInputError(f"no .csv or .parquet files in the directory {item!r}")
            files.extend(found)
        elif fs.exists(item):
            files.append(fsspec.core.strip_protocol(item))
        else:
            raise DaskInputError(f"input file not found: {item}")
    return fs, [_display(fs, p) for p in files]


def _display(fs: Any, path: str) -> str:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return path if protocol in ("file", "local") else fs.unstrip_protocol(path)


def _read_header(fs: Any, path: str, fmt: str, sep: str, encoding: str) -> _Input:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        with fs.open(path, "rb") as handle:
            schema = pq.ParquetFile(handle).schema_arrow
        fields = [f for f in schema if not f.name.startswith("__index_level_")]
        # string and large_string (what pandas 3 writes) hold the same values: not a conflict
        return _Input(path, tuple(f.name for f in fields), tuple(str(f.type).replace("large_", "") for f in fields))
    with fs.open(path, "rb", compression="infer") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
        header = next(csv.reader(text, delimiter=sep), None)
    if not header:
        raise DaskInputError(f"{path}: the file is empty (no header line)")
    return _Input(path, tuple(header), ())


def _check_inputs(found: list[_Input], text_column: str, union_columns: bool) -> list[str]:
    """The output's columns; an error naming each file that cannot be scored with the others."""
    missing_text = [f for f in found if text_column not in f.columns]
    if missing_text:
        lines = [f"  {f.path}: columns {', '.join(f.columns)}" for f in missing_text[:10]]
        more = f"\n  ... and {len(missing_text) - 10} more files" if len(missing_text) > 10 else ""
        raise DaskInputError(
            f"text column {text_column!r} not found in {len(missing_text)} of {len(found)} files:\n"
            + "\n".join(lines)
            + more
        )
    for f in found:
        duplicates = sorted({c for c in f.columns if f.columns.count(c) > 1})
        if duplicates:
            raise DaskInputError(f"{f.path}: duplicate column names {duplicates}")
    reference = found[0]
    columns = list(reference.columns)
    differences = []
    for f in found[1:]:
        missing = [c for c in reference.columns if c not in f.columns]
        extra = [c for c in f.columns if c not in reference.columns]
        if missing or extra:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"extra {', '.join(extra)}"] if extra else []
            )
            differences.append(f"  {f.path}: {'; '.join(parts)}")
            columns.extend(c for c in extra if c not in columns)
    if differences and not union_columns:
        more = f"\n  ... and {len(differences) - 10} more files" if len(differences) > 10 else ""
        raise DaskInputError(
            f"the input files have different columns (compared with {reference.path}):\n"
            + "\n".join(differences[:10])
            + more
            + "\npass union_columns=True (--union-columns) to score them together, with the columns "
            "a file lacks left empty"
        )
    types: dict[str, tuple[str, str]] = {}
    for f in found:
        for name, kind in zip(f.columns, f.types, strict=False):
            first = types.setdefault(name, (kind, f.path))
            if first[0] != kind:
                raise DaskInputError(f"column {name!r} is {first[0]} in {first[1]} but {kind} in {f.path}")
    return columns


def _nullable(dtype: Any) -> Any:
    """A dtype that can hold the missing cells of a column some files lack (int64 → Int64)."""
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return pd.Series([], dtype=dtype).convert_dtypes().dtype
    return dtype


def _align(frame: pd.DataFrame, columns: list[str], dtypes: dict[str, Any]) -> pd.DataFrame:
    """The partition with the output's columns, in the output's order; absent ones empty."""
    out = frame.reindex(columns=columns)
    for name, dtype in dtypes.items():
        if out[name].dtype != dtype:
            out[name] = out[name].astype(dtype)
    return out


def _runs(found: list[_Input]) -> Iterator[list[_Input]]:
    """Consecutive files with the same header, in order: one reader each (Dask applies the
    first file's header to every file of a read_csv call, so headers must agree exactly)."""
    run: list[_Input] = []
    for f in found:
        if run and f.columns != run[0].columns:
            yield run
            run = []
        run.append(f)
    if run:
        yield run


def read_inputs(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    text_column: str,
    union_columns: bool = False,
    input_format: str | None = None,
    blocksize: str | int | None = None,
    sep: str = ",",
    encoding: str = "utf-8",
    encoding_errors: str = "replace",
    storage_options: dict[str, Any] | None = None,
) -> tuple[dd.DataFrame, list[str]]:
    """The files as one Dask DataFrame (CSV cells as text, values unchanged), and the files.

    Every file's header is read first, so a file without the text column, or with columns
    the others lack, is reported by name before any work starts.
    """
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise DaskInputError(f"the dask engine reads {' or '.join(INPUT_FORMATS)}, not {input_format!r}")
    fs, files = _expand_inputs(inputs, storage_options)
    formats = {input_format or _format_of(p) or "csv" for p in files}
    if len(formats) > 1:
        raise DaskInputError(f"the inputs mix formats {sorted(formats)}; score each format separately")
    fmt = formats.pop()
    with ThreadPoolExecutor(max_workers=min(16, len(files))) as pool:  # headers of many objects in a bucket
        found = list(pool.map(lambda p: _read_header(fs, p, fmt, sep, encoding), files))
    columns = _check_inputs(found, text_column, union_columns)

    options = storage_options or {}
    parts = []
    for run in _runs(found):
        paths = [f.path for f in run]
        if fmt == "parquet":
            part = dd.read_parquet(paths, storage_options=options)
        else:
            compressed = any(p.lower().endswith(".gz") for p in paths)
            part = dd.read_csv(
                paths,
                dtype=str,
                keep_default_na=False,
                sep=sep,
                encoding=encoding,
                encoding_errors=encoding_errors,
                blocksize=None if compressed else blocksize,
                compression="infer",
                storage_options=options,
            )
        parts.append(part)
    dtypes: dict[str, Any] = {}
    for part in parts:
        for name, dtype in part.dtypes.items():
            dtypes.setdefault(name, _nullable(dtype) if union_columns else dtype)
    aligned = []
    for part in parts:
        if list(part.columns) == columns and all(part.dtypes[c] == dtypes[c] for c in columns):
            aligned.append(part)
            continue
        meta = pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in columns})
        aligned.append(part.map_partitions(_align, columns, dtypes, meta=meta, token="reviewbait-align"))
    ddf = aligned[0] if len(aligned) == 1 else dd.concat(aligned)
    return ddf, files


# --------------------------------------------------------------------------- outputs


class _PartName:
    """``part-00007.parquet``: zero-padded, so the parts sort in partition (input) order.

    ``to_parquet`` wants the whole file name; ``to_csv`` only what replaces the ``*``."""

    def __init__(self, pattern: str, width: int) -> None:
        self.pattern = pattern
        self.width = width

    def __call__(self, index: int) -> str:
        return self.pattern.replace("*", f"{index:0{self.width}d}")


def _parse_output(output: str, output_format: str | None) -> tuple[str, str, str]:
    """(directory, file name pattern with one ``*``, format) from a pattern or a directory."""
    name = output.rstrip("/").rsplit("/", 1)[-1]
    if "*" in name:
        directory = output.rstrip("/")[: -len(name)].rstrip("/") or "."
        fmt = output_format or _format_of(name.replace("*", "0"))
        if fmt is None:
            raise DaskInputError(f"cannot tell the output format of {output!r}; end it in .parquet or .csv")
        if name.count("*") != 1:
            raise DaskInputError(f"the output pattern {output!r} must hold exactly one '*'")
        if name.startswith("*."):
            name = "part-" + name
    else:
        if _format_of(name) and not output.endswith("/"):
            raise DaskInputError(
                f"the dask engine writes one file per partition: give a pattern such as "
                f"'{output.rstrip('/')[: -len(name)]}scored/*{name[name.index('.') :]}' or a directory, not {output!r}"
            )
        directory = output.rstrip("/") or "/"
        fmt = output_format or "parquet"
        name = f"part-*.{fmt}"
    if fmt not in INPUT_FORMATS:
        raise DaskInputError(f"the dask engine writes {' or '.join(INPUT_FORMATS)}, not {fmt!r}")
    return directory, name, fmt


def _prepare_output(directory: str, pattern: str, overwrite: bool, storage_options: dict[str, Any] | None) -> Any:
    fs, _, _ = fsspec.core.get_fs_token_paths(directory, storage_options=storage_options or {})
    existing = fs.glob(f"{directory.rstrip('/')}/{pattern}") if fs.exists(directory) else []
    if existing and not overwrite:
        raise DaskInputError(
            f"{directory} already holds {len(existing)} output parts ({pattern}); pass overwrite=True (--overwrite)"
        )
    for path in existing:  # a smaller rerun must not leave parts of an older run behind
        fs.rm(path)
    fs.makedirs(directory, exist_ok=True)
    return fs


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class DaskRun:
    """What ``score_files`` did."""

    inputs: list[str]
    output: str
    output_format: str
    partitions: int
    workers: int
    seconds: float
    dashboard: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def render(self) -> str:
        return (
            f"scored {len(self.inputs)} file(s) in {self.partitions} partition(s) on {self.workers} worker(s) "
            f"in {self.seconds:.1f} s; wrote {self.output}"
        )


@contextlib.contextmanager
def _client(scheduler: Any, n_workers: int | None) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is not None:
        if n_workers is not None:
            raise DaskInputError("n_workers (--jobs) sizes the local cluster; a remote cluster sizes itself")
        try:
            client = Client(scheduler)
        except (OSError, TimeoutError) as exc:
            raise DaskInputError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    # one single-threaded process per core: scoring is CPU-bound Python that holds the GIL
    with (
        LocalCluster(
            n_workers=n_workers or _worker_count(None), threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def score_files(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    text_column: str,
    threshold: str | float = "balanced",
    model: str | os.PathLike[str] | None = None,
    trusted: bool = False,
    prefix: str = "reviewbait_",
    scheduler: Any = None,
    n_workers: int | None = None,
    union_columns: bool = False,
    input_format: str | None = None,
    output_format: str | None = None,
    only_flagged: bool = False,
    blocksize: str | int | None = None,
    sep: str = ",",
    encoding: str = "utf-8",
    encoding_errors: str = "replace",
    overwrite: bool = False,
    storage_options: dict[str, Any] | None = None,
    retries: int = 2,
    progress: bool | None = None,
) -> DaskRun:
    """Score CSV or Parquet files on a Dask cluster into partitioned Parquet or CSV.

    ``inputs``: a glob (``exports/2026-*.csv``), a directory or a list, local or any fsspec
    URL (``s3://bucket/exports/*.parquet``). ``output``: a pattern (``scored/*.parquet``,
    ``scored/*.csv``) or a directory (Parquet unless ``output_format``). ``scheduler``: an
    address (``tcp://host:8786``) or a ``distributed.Client``; without it a ``LocalCluster``
    of ``n_workers`` processes (default: one per core) runs for the call.

    ``blocksize=None`` makes one partition per file, which is safe with line breaks inside
    quoted cells; a size such as ``"64MB"`` splits big files, only correct when no cell
    holds a line break. ``retries`` re-runs a partition whose task raised (a flaky bucket);
    a partition on a worker that died is rescheduled by Dask in any case.
    """
    started = time.perf_counter()
    directory, pattern, fmt = _parse_output(os.fspath(output), output_format)
    ddf, files = read_inputs(
        inputs,
        text_column=text_column,
        union_columns=union_columns,
        input_format=input_format,
        blocksize=blocksize,
        sep=sep,
        encoding=encoding,
        encoding_errors=encoding_errors,
        storage_options=storage_options,
    )
    if scheduler is None:  # the model is here too: a bad path, checksum or threshold fails before the cluster starts
        _cached_detector(_model_key(model), trusted).resolve_threshold(threshold)
    scored = score(ddf, text_column, threshold=threshold, model=model, trusted=trusted, prefix=prefix)
    if only_flagged:
        scored = scored[scored[f"{prefix}flag"] == 1]
    _prepare_output(directory, pattern, overwrite, storage_options)
    width = max(5, len(str(scored.npartitions - 1)))
    if fmt == "parquet":
        writes = scored.to_parquet(
            directory,
            name_function=_PartName(pattern, width),
            write_index=False,
            write_metadata_file=False,
            storage_options=storage_options,
            compute=False,
        )
    else:
        writes = scored.to_csv(
            f"{directory}/{pattern}",
            name_function=_PartName("*", width),
            compression="gzip" if pattern.endswith(".gz") else None,
            index=False,
            storage_options=storage_options,
            compute=False,
        )
    from distributed import KilledWorker

    show = sys.stderr.isatty() if progress is None else progress
    with _client(scheduler, n_workers) as client:
        futures = client.compute(writes, retries=retries)
        if show:
            from distributed import progress as progress_bar

            dashboard = client.dashboard_link if _has_dashboard(client) else None
            if dashboard:
                print(f"dashboard: {dashboard}", file=sys.stderr)
            with contextlib.redirect_stdout(sys.stderr):  # the bar writes to stdout
                progress_bar(futures)
        try:
            client.gather(futures)
        except KilledWorker as exc:
            raise RuntimeError(
                f"{exc}: a partition took down several workers, most often by running out of memory; "
                "split the input into smaller files or give the workers more memory"
            ) from exc
        workers = len(client.scheduler_info().get("workers", {}))
        dashboard = client.dashboard_link if _has_dashboard(client) else None
    return DaskRun(
        inputs=files,
        output=f"{directory}/{pattern}",
        output_format=fmt,
        partitions=scored.npartitions,
        workers=workers,
        seconds=round(time.perf_counter() - started, 3),
        dashboard=dashboard,
    )


def _has_dashboard(client: Any) -> bool:
    try:
        return "dashboard" in client.scheduler_info().get("services", {})
    except Exception:  # pragma: no cover - an old scheduler
        return False
