"""`reviewbait explain`: the verdict for one text, its evidence marked, then the numbers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from reviewbait.cli.options import add_model_options, load_detector

if TYPE_CHECKING:
    from reviewbait.detector import Verdict

__all__ = ["highlight", "render_verdict", "run", "setup"]

_COLORS = {
    "incentive": "\033[1;33m",
    "review": "\033[1;36m",
    "platform": "\033[36m",
    "exchange": "\033[1;35m",
    "sentiment": "\033[1;32m",
    "removal": "\033[1;31m",
    "contact": "\033[1;34m",
    "reporting": "\033[2m",
    "disclosure": "\033[2m",
}
_RESET = "\033[0m"


def highlight(text: str, verdict: Verdict, *, color: bool = False) -> str:
    """``text`` with each evidence span marked: colour on a terminal, else ``[span]{kind}``."""
    spans = sorted(verdict.evidence, key=lambda e: (e.start, -e.end))
    out: list[str] = []
    pos = 0
    for ev in spans:
        if ev.start < pos:  # overlaps a span already marked
            continue
        out.append(text[pos : ev.start])
        if color:
            out.append(f"{_COLORS.get(ev.kind, '')}{text[ev.start : ev.end]}{_RESET}")
        else:
            out.append(f"[{text[ev.start : ev.end]}]{{{ev.kind}}}")
        pos = ev.end
    out.append(text[pos:])
    return "".join(out)


def render_verdict(text: str, verdict: Verdict, *, color: bool = False) -> str:
    label = "SOLICITATION" if verdict.is_solicitation else "not flagged"
    lines = [
        f"{label}  probability={verdict.probability:.3f}  threshold={verdict.threshold:.3f}",
    ]
    if verdict.is_solicitation:
        lines.append(
            f"category={verdict.category}  incentive_type={verdict.incentive_type}  "
            f"sentiment_conditioned={verdict.sentiment_conditioned}"
        )
    lines.append("")
    lines.append(highlight(text, verdict, color=color))
    if verdict.evidence:
        lines.append("")
        lines.append("evidence: " + verdict.evidence_summary(max_per_kind=4))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the verdict for one text with its evidence highlighted.

    Example: reviewbait explain "Leave 5 stars and get a free phone case!"
    """

    detector = load_detector(args)
    text = args.text if args.text != "-" else sys.stdin.read()
    verdict = detector.check(text)
    if args.json:
        print(json.dumps(_verdict_dict(verdict), ensure_ascii=False, indent=2))
    else:
        print(render_verdict(text, verdict, color=sys.stdout.isatty() and not args.no_color))
    return 0


def _verdict_dict(verdict: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(verdict)


def setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", help="the text to explain, or - to read it from standard input")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON")
    p.add_argument("--no-color", action="store_true", help="mark evidence with [brackets] instead of colour")
    add_model_options(p)
