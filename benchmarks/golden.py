"""Golden outputs: proof that a restructuring left behaviour unchanged.

Records, with the installed code, everything a move or split could silently change, then
checks another version of the code against the recording:

* the lexicon: cue alternatives per kind and language, every compiled pattern
  (:func:`reviewbait.lexicon.lexicon_text`) and the fingerprint a model's manifest records;
* on every corpus row (``data/rows``): the cue spans, the heads' count blocks and the
  verdicts (category, incentive, sentiment, evidence) with every text's heads run;
* ``Detector.probabilities`` on the corpus, bit for bit;
* the bytes ``reviewbait score data/sample/posts_export.csv`` writes;
* the command line's help texts, its report of that file and one explanation; the OpenAPI schema.

Usage (the same venv for both; PYTHONPATH picks the code)::

    git worktree add /tmp/golden-base <commit>
    PYTHONPATH=/tmp/golden-base/src python benchmarks/golden.py --record /tmp/golden
    python benchmarks/golden.py --check /tmp/golden
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"


def _module(*names: str) -> Any:
    """The first of ``names`` that imports: the same module before and after a move."""
    for name in names:
        try:
            return import_module(name)
        except ModuleNotFoundError:
            continue
    raise ModuleNotFoundError(names[0])


def _cue_alternatives() -> dict[str, dict[str, list[str]]]:
    """kind → language → fragments, in lexicon order (from ``lexicon/`` or the old ``cues.LEXICON``)."""
    lexicon = import_module("reviewbait.lexicon")
    cues = _module("reviewbait.text.cues", "reviewbait.cues")
    table = getattr(lexicon, "CUES", None)
    if table is None:
        table = cues.LEXICON
    return {
        kind: {lang: list(kinds[kind]) for lang, kinds in table.items() if kind in kinds} for kind in cues.CUE_KINDS
    }


def _texts() -> list[str]:
    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        for path in sorted((ROOT / "data" / "rows").glob("*.csv"))
    ]
    return pd.concat(frames, ignore_index=True)["text"].tolist()


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _record(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    lexicon = import_module("reviewbait.lexicon")
    cues = _module("reviewbait.text.cues", "reviewbait.cues")
    heads = import_module("reviewbait.heads")
    from reviewbait.detector import Detector

    print("recording with", import_module("reviewbait").__file__, file=sys.stderr)
    (out / "alternatives.json").write_text(json.dumps(_cue_alternatives(), ensure_ascii=False, indent=1))
    (out / "lexicon_text.json").write_text(lexicon.lexicon_text())
    (out / "fingerprint.txt").write_text(lexicon.lexicon_fingerprint())

    texts = _texts()
    spans = [[(c.kind, c.language, c.start, c.end, c.norm_start, c.norm_end) for c in cues.find_cues(t)] for t in texts]
    (out / "cue_spans.json").write_text(json.dumps(spans, ensure_ascii=False))
    blocks = {}
    for name in ("subtype_counts", "audience_counts", "incentive_counts"):
        matrix = getattr(heads, name)(texts)
        blocks[name] = hashlib.sha256(np.ascontiguousarray(matrix.toarray()).tobytes()).hexdigest()
    detector = Detector.load()
    probabilities = detector.probabilities(texts)
    np.save(out / "probabilities.npy", probabilities)
    verdicts = detector.check_many(texts, threshold=0.0)  # every gated text gets its heads run
    heads_out = [
        [
            v.is_solicitation,
            v.category,
            v.incentive_type,
            v.sentiment_conditioned,
            [(e.kind, e.text, e.start, e.end) for e in v.evidence],
        ]
        for v in verdicts
    ]
    (out / "heads.json").write_text(json.dumps({"blocks": blocks, "verdicts": heads_out}, ensure_ascii=False))

    scored = out / "scored.csv"
    env = dict(os.environ)
    subprocess.run(
        [sys.executable, "-m", "reviewbait", "score", str(SAMPLE), "-o", str(scored), "--overwrite"],
        check=True,
        env=env,
        cwd=ROOT,
    )
    # the command line's face: every command's help, a report of the scored sample, one explanation
    cli: dict[str, str] = {}
    runs = [[], *([name] for name in COMMANDS)]
    for argv in runs:
        cli[" ".join(["--help", *argv])] = _run([*argv, "--help"])
    cli["report"] = _run(["report", str(scored)]).replace(str(scored), "SCORED")
    cli["explain"] = _run(["explain", "--no-color", "Leave 5 stars and get a free phone case, DM me"])
    (out / "cli.json").write_text(json.dumps(cli, ensure_ascii=False, indent=1))
    from reviewbait.api import Settings, create_app  # the api extra

    openapi = create_app(Settings()).openapi()  # the HTTP API's schema (no model needed)
    (out / "openapi.json").write_text(json.dumps(openapi, ensure_ascii=False, sort_keys=True, indent=1))
    print(f"recorded {len(texts)} rows in {out}", file=sys.stderr)


COMMANDS = ("train", "corpus", "explain", "serve", "score", "report", "evaluate", "triage")


def _run(argv: list[str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "reviewbait", *argv], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return done.stdout


def _check(expected: Path) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        actual = Path(tmp)
        _record(actual)
        failures = []
        names = (
            "alternatives.json",
            "lexicon_text.json",
            "fingerprint.txt",
            "cue_spans.json",
            "heads.json",
            "cli.json",
        )
        for name in names:
            if (expected / name).read_bytes() != (actual / name).read_bytes():
                failures.append(name)
        if np.load(expected / "probabilities.npy").tobytes() != np.load(actual / "probabilities.npy").tobytes():
            failures.append("probabilities.npy")
        if (expected / "scored.csv").read_bytes() != (actual / "scored.csv").read_bytes():
            failures.append("scored.csv")
        checked = sorted(p.name for p in expected.iterdir())
    for name in checked:
        print(f"{'FAIL' if name in failures else 'ok  '} {name}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--record", type=Path, metavar="DIR", help="write the golden outputs of this code to DIR")
    group.add_argument("--check", type=Path, metavar="DIR", help="compare this code's outputs with those in DIR")
    args = parser.parse_args()
    if args.record:
        _record(args.record)
        return 0
    return _check(args.check)


if __name__ == "__main__":
    raise SystemExit(main())
