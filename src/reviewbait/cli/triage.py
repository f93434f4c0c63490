"""``reviewbait triage``: the posts the model is least sure about, as a CSV to label."""

from __future__ import annotations

import sys
from typing import Any

from reviewbait.cli.options import add_model_options, load_detector
from reviewbait.io.tables import TableError, read_table, write_table
from reviewbait.training.triage import LABEL_COLUMNS, _threshold, triage_frame


def run(args: Any) -> int:
    """Pick the posts the model is least sure about (closest to the threshold), as a CSV to label.

    Reads a file scored by `reviewbait score` (its reviewbait_probability column), or scores it
    here when that column is missing and --text-column is given. The output keeps every
    original column and adds reviewbait_probability (if new) and empty label and category
    columns; fill them in (see the labeling guide) and train with `reviewbait train --data`.

    Example: reviewbait triage posts.scored.csv -n 200 -o to_label.csv
    """
    if args.n < 1:
        raise TableError(f"-n must be at least 1, got {args.n}")
    frame = read_table(args.input)
    probability_column = f"{args.prefix}probability"
    detector = None
    if probability_column not in frame.columns and args.text_column is not None:
        detector = load_detector(args)
        threshold = detector.threshold
    else:
        threshold = _threshold(args.threshold, args.model)
    picked = triage_frame(
        frame,
        n=args.n,
        threshold=threshold,
        probability_column=probability_column,
        text_column=args.text_column,
        detector=detector,
    )
    write_table(picked, args.output, sys.stdout)
    where = args.output if args.output not in (None, "-") else "standard output"
    print(
        f"{len(picked)} of {len(frame)} rows closest to threshold {threshold:.4g} written to {where}; "
        f"fill in {' and '.join(LABEL_COLUMNS)}",
        file=sys.stderr,
    )
    if len(picked) < args.n:
        why = picked.attrs.get("triage", {})
        reasons = []
        if why.get("gated"):
            reasons.append(f"{why['gated']} scored 0 (they name no review act: the gate ruled them out)")
        if why.get("repeats"):
            reasons.append(f"{why['repeats']} repeat the text of a row already picked")
        print(
            f"only {len(picked)} of the {args.n} asked for: no other row is left to pick"
            + (f"; of the rest, {' and '.join(reasons)}" if reasons else ""),
            file=sys.stderr,
        )
    return 0


def setup(parser: Any) -> None:
    parser.add_argument(
        "input", metavar="SCORED_FILE", help="a file written by `reviewbait score` (or any, with --text-column)"
    )
    parser.add_argument("-n", type=int, default=200, help="how many rows to pick (default: 200)")
    parser.add_argument("-o", "--output", help="CSV to write (default: standard output)")
    parser.add_argument(
        "--text-column", help="column holding the text: scores the file when it has no scores, skips repeats"
    )
    parser.add_argument("--prefix", default="reviewbait_", help="prefix of the score columns (default: reviewbait_)")
    add_model_options(parser)
