"""Small labeled files in and out, as pandas frames of strings (values never type-converted).

``reviewbait score`` streams files of any size; the files read here (labeled sets, labeling
batches) are small enough to hold in memory, so pandas reads them whole. Every cell is read as
a string, so ``007`` and ``NA`` survive a round trip.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewbait.errors import ReviewbaitError
from reviewbait.io.formats import format_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TableError", "describe_rows", "read_table", "require_columns", "write_table"]


class TableError(ReviewbaitError, ValueError):
    """A file that cannot be read as a table, or a column that is not there."""


def _format(path: Path) -> str:
    """The base format (csv, tsv, jsonl, parquet) from the one format table; CSV when the name says none."""
    fmt = format_of(str(path))
    return fmt.base if fmt is not None else "csv"


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV, TSV, JSON Lines or Parquet file (``.gz`` allowed for text formats), all cells as str."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    fmt = _format(path)
    if fmt in ("csv", "tsv"):
        _check_csv(path, "\t" if fmt == "tsv" else ",")
    try:
        if fmt in ("csv", "tsv"):
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, sep="\t" if fmt == "tsv" else ",", encoding="utf-8-sig"
            )
        elif fmt == "jsonl":
            frame = pd.read_json(path, lines=True, dtype=False)
            frame = frame.astype(object).where(frame.notna(), "").astype(str)
        else:
            frame = pd.read_parquet(path)
            frame = frame.astype(object).where(frame.notna(), "").astype(str)
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise TableError(f"cannot read {path} as {fmt}: {exc}") from exc
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _check_csv(path: Path, delimiter: str) -> None:
    """Refuse what is not CSV before pandas reads it: pandas, like the csv module's lenient
    default, glues text after a closing quote onto the cell and reads on, so one stray quote
    merges the rows that follow into one cell, silently. Streamed; the cell cap is score's."""
    import csv
    import gzip

    from reviewbait.io.sources import MAX_CELL_CHARS

    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            for _ in reader:
                pass
        except (UnicodeDecodeError, OSError, EOFError) as exc:
            raise TableError(f"cannot read {path} as {'csv' if delimiter == ',' else 'tsv'}: {exc}") from None
        except csv.Error as exc:
            raise TableError(
                f"line {reader.line_num} of {path} is not valid CSV ({exc}): a stray or unclosed quote? "
                'Inside a quoted cell write a quote as ""'
            ) from None


def write_table(frame: pd.DataFrame, path: str | Path | None, out: Any = None) -> None:
    """Write ``frame`` as CSV (or TSV / JSON Lines / Parquet by extension); ``None`` or ``-`` is ``out``."""
    if path is None or str(path) == "-":
        frame.to_csv(out, index=False, lineterminator="\n")
        return
    path = Path(path)
    fmt = _format(path)
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_csv(path, index=False, sep="\t" if fmt == "tsv" else ",", lineterminator="\n", encoding="utf-8")


def require_columns(frame: pd.DataFrame, columns: dict[str, str | None], source: str) -> None:
    """Raise :class:`TableError` naming the option and the available columns for a missing one."""
    for option, column in columns.items():
        if column is not None and column not in frame.columns:
            available = ", ".join(map(repr, frame.columns))
            raise TableError(f"{option} {column!r} is not a column of {source}; columns: {available}")


def describe_rows(frame: pd.DataFrame, mask: Any, *, id_column: str | None = "id", limit: int = 5) -> str:
    """``"3 rows: row 2 (id a-1), row 7 (id a-9), ..."``: rows numbered from 1, as in a spreadsheet."""
    import numpy as np

    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    shown = []
    for position in positions[:limit].tolist():
        label = f"row {position + 1}"
        if id_column is not None and id_column in frame.columns:
            label += f" (id {frame[id_column].iloc[position]})"
        shown.append(label)
    more = ", ..." if positions.size > limit else ""
    return f"{positions.size} row{'s' if positions.size != 1 else ''}: " + ", ".join(shown) + more
