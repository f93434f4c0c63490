"""Are cue spans the same whatever PYTHONHASHSEED is? (issue 11: alternation order came from set order)

Run: .venv/bin/python benchmarks/cue_spans_hashseed.py [SEED ...]   (default seeds: 0 1 2 3)

Each seed runs a fresh interpreter that compiles the cue, gate and head patterns and finds
the cues of every corpus row; it prints a digest of the compiled pattern text and one of
every (row id, kind, language, start, end). The digests must be equal for all seeds.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys


def _digests() -> dict[str, str | int]:
    from reviewbait.text.cues import _finder, find_cues
    from reviewbait.training.corpus import load_corpus

    corpus = load_corpus()
    patterns = hashlib.sha256()
    for kind, pattern in _finder().patterns.items():
        patterns.update(f"{kind}\x00{pattern.pattern}\x00".encode())
    spans = hashlib.sha256()
    for row_id, text in zip(corpus["id"], corpus["text"], strict=True):
        for cue in find_cues(text):
            spans.update(f"{row_id}\x00{cue.kind}\x00{cue.language}\x00{cue.start}\x00{cue.end}\x00".encode())
    return {"rows": len(corpus), "cue_patterns": patterns.hexdigest(), "cue_spans": spans.hexdigest()}


def main(seeds: list[str]) -> int:
    results = {}
    for seed in seeds:
        out = subprocess.run(
            [sys.executable, __file__, "--child"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results[seed] = json.loads(out)
        print(f"PYTHONHASHSEED={seed}: {results[seed]}")
    same = all(r == results[seeds[0]] for r in results.values())
    print("identical for every seed" if same else "DIFFERENT between seeds")
    return 0 if same else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        print(json.dumps(_digests()))
    else:
        sys.exit(main(sys.argv[1:] or ["0", "1", "2", "3"]))
