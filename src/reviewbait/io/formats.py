"""The file formats reviewbait reads and writes, one table for every command, and the paths it derives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviewbait.errors import BatchError

FORMATS = ("csv", "tsv", "csv.gz", "tsv.gz", "jsonl", "jsonl.gz", "parquet")
# The one table of file name extensions, for every command, the page, Dask and read_table.
# To add a format: a row here, a reader in readers.py and a writer in writers.py.
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_EXTENSIONS.update({".parquet": "parquet", ".pq": "parquet"})


# --------------------------------------------------------------------------- formats and paths


@dataclass(frozen=True)
class Format:
    base: str  # csv, tsv, jsonl, parquet
    gz: bool = False

    @property
    def extension(self) -> str:
        return "." + self.base + (".gz" if self.gz else "")


def parse_format(name: str) -> Format:
    name = name.lower().lstrip(".")
    if name not in FORMATS:
        raise BatchError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}")
    base, _, gz = name.partition(".")
    return Format(base, gz == "gz")


def format_of(path: str) -> Format | None:
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
    return Format(base, gz)


def _split_known_extension(path: Path) -> tuple[str, str]:
    """``posts.csv.gz`` → (``posts``, ``.csv.gz``); ``notes`` → (``notes``, ``""``)."""
    name = path.name
    gz = name.lower().endswith(".gz")
    suffix = Path(name[:-3] if gz else name).suffix + (name[-3:] if gz else "")
    return (name[: -len(suffix)], suffix) if suffix and suffix != name else (name, "")


def default_output(input_path: str, output_format: Format | None = None) -> str:
    """``posts.csv`` → ``posts.scored.csv`` (``.scored`` before the extension); stdin → stdout."""
    if input_path == "-":
        return "-"
    path = Path(input_path)
    stem, suffix = _split_known_extension(path)
    if output_format is not None and format_of(input_path) != output_format:
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
