"""Counts tables of the labeled corpus, for ``data/README.md`` (produced, never typed)."""

from __future__ import annotations

from typing import Any

__all__ = ["counts_markdown"]


def _table(frame: Any, index: str) -> list[str]:
    counts = frame.groupby([index, "split"]).size().unstack(fill_value=0)
    counts["total"] = counts.sum(axis=1)
    columns = [c for c in ("train", "test", "total") if c in counts.columns]
    lines = [f"| {index} | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for key, row in counts.sort_values("total", ascending=False).iterrows():
        lines.append(f"| {key} | " + " | ".join(str(int(row[c])) for c in columns) + " |")
    return lines


def counts_markdown(corpus: Any) -> str:
    """Markdown tables: rows by label, category, language, platform; lengths; splits."""
    frame = corpus.copy()
    frame["label"] = frame["label"].map({1: "1 (solicitation)", 0: "0"})
    words = frame["text"].str.split().str.len()
    chars = frame["text"].str.len()
    zh = frame["language"] == "zh"
    # Chinese has no spaces: count about 1.5 characters per word
    words = words.where(~zh, (chars / 1.5).round())
    frame["length"] = words.apply(
        lambda n: "3-15 words" if n <= 15 else "16-60" if n <= 60 else "61-249" if n < 250 else "250+"
    )
    frame["sentiment_conditioned"] = frame["sentiment_conditioned"].astype(str)
    parts = [
        f"Rows: {len(frame)} (train {int((frame['split'] == 'train').sum())}, test {int((frame['split'] == 'test').sum())}); "
        f"near-duplicate groups: {frame['group'].nunique()}.",
        "",
    ]
    for index in ("label", "category", "language", "platform", "length", "sentiment_conditioned", "incentive_type"):
        parts += _table(frame, index)
        parts.append("")
    return "\n".join(parts)
