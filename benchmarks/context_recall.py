"""Offers with ordinary text around them: how much recall does context cost?

Real offers rarely stand alone: they sit in a product page, a forum post or an e-mail. The
corpus's rows mostly do stand alone. This script sets every test-split row (both labels)
between one or two sentences of real text of its language, and compares, per language and
operating point, the recall of the offers and the flag rate of the look-alikes as written and
in context.

The context comes from the ``dev`` rows of ../shared/corpora/real that the gate drops (they
name no review act, so they add no offer): read at run time, measured on, never trained on or
copied. Rows of a language with no such text (none today) are left out. Seeded: the same
model gives the same figures.

    .venv/bin/python benchmarks/context_recall.py [--model DIR] [--seed N]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

import numpy as np

from reviewbait import Detector
from reviewbait.text.gate import candidate_mask
from reviewbait.training.corpus import load_corpus, load_split
from reviewbait.training.real_text import find_real_corpora, read_real_rows

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PIECE_CHARS = 240
_SEPARATORS = (" ", "\n", "\n\n", " - ")


def context_pool() -> dict[str, list[str]]:
    """Language → real ``dev`` texts the gate drops, whitespace collapsed, at least 20 characters."""
    pool: dict[str, list[str]] = {}
    for corpus in find_real_corpora():
        rows = read_real_rows(corpus, "dev")
        passing = candidate_mask([row["text"] for row in rows])
        for row, gate in zip(rows, passing, strict=True):
            text = " ".join(row["text"].split())
            if not gate and len(text) >= 20:
                pool.setdefault(row.get("language", ""), []).append(text)
    return pool


def _piece(text: str, rng: np.random.Generator) -> str:
    """One or two consecutive sentences of ``text``, at most ``_PIECE_CHARS`` characters."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()] or [text]
    first = int(rng.integers(0, len(sentences)))
    joiner = "" if _CJK.search(sentences[first]) else " "
    piece = joiner.join(sentences[first : first + int(rng.integers(1, 3))])
    if len(piece) > _PIECE_CHARS:
        space = piece.rfind(" ", _PIECE_CHARS // 2, _PIECE_CHARS)
        piece = piece[: space if space > 0 else _PIECE_CHARS]
    return piece


def in_context(text: str, context: Sequence[str], rng: np.random.Generator, *, chinese: bool) -> str:
    """``text`` with real sentences before it (40 %), after it (40 %) or on both sides (20 %)."""
    separator = "" if chinese else str(rng.choice(_SEPARATORS))
    before = _piece(context[int(rng.integers(0, len(context)))], rng)
    where = rng.random()
    if where < 0.4:
        return before + separator + text
    if where < 0.8:
        return text + separator + before
    after = _piece(context[int(rng.integers(0, len(context)))], rng)
    return before + separator + text + separator + after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pool = context_pool()
    if not pool:
        sys.exit("no ../shared/corpora/real found (set REVIEWBAIT_REAL_CORPORA): nothing to set the rows into")
    corpus = load_split(load_corpus())
    test = corpus[(corpus["split"] == "test") & corpus["language"].isin(list(pool))].reset_index(drop=True)
    rng = np.random.default_rng(args.seed)
    placed = [
        in_context(text, pool[language], rng, chinese=language == "zh")
        for text, language in zip(test["text"], test["language"], strict=True)
    ]
    detector = Detector.load(args.model) if args.model else Detector.load()
    written = detector.probabilities(test["text"].tolist())
    context = detector.probabilities(placed)
    label = test["label"].to_numpy(dtype=int) == 1
    print(
        f"{len(test)} test rows ({int(label.sum())} offers); context from {sum(map(len, pool.values()))} real dev texts"
    )
    print(
        f"{'language':<9}{'point':<10}{'offers':>7}{'recall written':>16}{'in context':>12}{'look-alikes flagged':>21}{'in context':>12}"
    )
    for language in ["all", *sorted(test["language"].unique())]:
        rows = np.ones(len(test), dtype=bool) if language == "all" else (test["language"] == language).to_numpy()
        for point, threshold in detector.operating_points.items():
            offers, others = rows & label, rows & ~label
            print(
                f"{language:<9}{point:<10}{int(offers.sum()):>7}"
                f"{np.mean(written[offers] >= threshold):>16.3f}{np.mean(context[offers] >= threshold):>12.3f}"
                f"{np.mean(written[others] >= threshold):>21.3f}{np.mean(context[others] >= threshold):>12.3f}"
            )


if __name__ == "__main__":
    main()
