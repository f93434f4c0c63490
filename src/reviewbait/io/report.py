"""`reviewbait report`: counts by category and the top flagged rows of a scored file, streamed."""

from __future__ import annotations

import contextlib
import heapq
from collections import Counter
from dataclasses import dataclass
from typing import IO, Any

from reviewbait.columns import OPTIONAL_COLUMNS, SCORE_COLUMNS
from reviewbait.errors import BatchError
from reviewbait.io.formats import Format, format_of, parse_format
from reviewbait.io.readers import _ParquetInput, cell_text, choose_text_column, chunk_values, open_input
from reviewbait.io.sources import ReadOptions

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
            if all(prefix + name in columns for name in SCORE_COLUMNS if name not in OPTIONAL_COLUMNS):
                return prefix
    raise BatchError(
        "this file has no score columns (reviewbait_probability, ...); score it first with `reviewbait score`"
    )


def report_file(options: ReportOptions, out: IO[str]) -> dict[str, Any]:
    """Counts by category and the top flagged rows by probability, streamed: any size of file."""
    in_fmt = parse_format(options.format) if options.format else (format_of(options.input) or Format("csv"))
    source = open_input(options.input, in_fmt, ReadOptions(chunk_size=5000))
    try:
        prefix = _find_prefix(source.columns, options.prefix)
        index = {
            name: source.columns.index(prefix + name)
            for name in SCORE_COLUMNS
            if name not in OPTIONAL_COLUMNS or prefix + name in source.columns
        }
        text_index: int | None = None
        id_index = 0 if source.columns and source.columns[0] not in {prefix + n for n in SCORE_COLUMNS} else None
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
                added = frozenset(prefix + name for name in SCORE_COLUMNS)
                if options.text_column is not None:
                    text_index = choose_text_column(source, chunk, options.text_column, options.input)
                else:
                    with contextlib.suppress(BatchError):
                        text_index = choose_text_column(source, chunk, None, options.input, added)
            values = chunk_values(source, chunk)
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
                    "id": cell_text(row[id_index]) if id_index is not None else None,
                    "text": cell_text(row[text_index]) if text_index is not None else None,
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
