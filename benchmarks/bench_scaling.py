"""Scoring time per character, from 10 k to 1 M characters: it should stay flat (linear time).

Run: .venv/bin/python benchmarks/bench_scaling.py [--max 1000000]

Two texts: one dense with offer words and quotation marks (``'"review for a gift card" '``
repeated: every few characters a cue and a quote, the worst case of issue 14, once 129 s at
1 MB) and ordinary prose that mentions reviews now and then. Each is checked with
``Detector.check`` (gate, cues, windows, features, heads, evidence) at growing lengths; the
line for each prints the time per character and its ratio to the smallest size. A ratio far
above 1 means a loop somewhere rescans the text. Machines here are noisy: a ratio within
about 2 is flat; a quadratic loop shows as 10 to 100.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

DENSE = '"review for a gift card" '
ORDINARY = (
    "I read the reviews before buying this kettle; shipping took a week and the box was dented. "
    "It boils fast, the handle stays cool, and the lid is a bit stiff. My neighbour has the same "
    "one and says the filter clogs after a few months, so we will see. Customer service answered "
    "my question about the warranty within a day, which was nice. "
)


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _best_of(check: object, text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        check(text)  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--max", type=int, default=1_000_000, help="largest text, in characters (default: 1 M)")
    args = parser.parse_args()
    from reviewbait import Detector

    detector = Detector.load()
    detector.check(DENSE + ORDINARY)  # warm up the lazy parts
    sizes = [s for s in (10_000, 30_000, 100_000, 300_000, 1_000_000) if s <= args.max]
    print(f"{'text':<9} {'chars':>10} {'seconds':>9} {'µs/char':>9} {'ratio':>6}")
    for name, unit in (("dense", DENSE), ("ordinary", ORDINARY)):
        base = None
        for size in sizes:
            per_char = _best_of(detector.check, _text(unit, size), 3 if size <= 100_000 else 1) / size
            base = base if base is not None else per_char
            print(f"{name:<9} {size:>10,} {per_char * size:>9.3f} {per_char * 1e6:>9.2f} {per_char / base:>6.2f}")
        print(f"{name}: time per character at {sizes[-1]:,} / at {sizes[0]:,} = {per_char / base:.2f} (flat is ~1)")


if __name__ == "__main__":
    main()
