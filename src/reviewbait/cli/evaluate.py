"""``reviewbait evaluate``: measure the model on your own labeled posts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from reviewbait.cli.options import add_model_options, load_detector
from reviewbait.io.tables import TableError
from reviewbait.training.evaluate import REPORT_FORMATS, evaluate_file, write_report


def run(args: Any) -> int:
    """Measure the model on your own labeled posts: metrics, thresholds, worst errors, plots.

    Prints precision, recall, F1 and PR-AUC; -o writes a self-contained HTML or Markdown report
    (precision-recall curve, calibration plot, confusion matrix, per-category and per-language
    breakdowns, a threshold table, the worst errors with their evidence); --json writes it all
    for machines. Columns named category and language are used when present.

    Example: reviewbait evaluate labeled.csv --text-column text --label-column label -o report.html
    """
    if args.output is not None and Path(args.output).suffix.lower() not in REPORT_FORMATS:
        raise TableError(f"cannot tell the report format of {args.output}: name it .html or .md")
    if args.worst < 0:
        raise TableError(f"--worst must be 0 or more, got {args.worst}")
    detector = load_detector(args)
    evaluation = evaluate_file(
        detector,
        args.input,
        text_column=args.text_column,
        label_column=args.label_column,
        category_column=args.category_column,
        language_column=args.language_column,
        worst=args.worst,
    )
    r = evaluation.result
    for note in r["notes"]:
        print(f"warning: {note}", file=sys.stderr)
    cm = r["confusion_matrix"]
    print(
        f"{r['source']}: {r['n']} rows, {r['positives']} solicitations; threshold {r['threshold']:.4g}"
        + (f" ({r['threshold_name']})" if r["threshold_name"] else ""),
        file=sys.stderr,
    )
    print(
        f"  precision={r['precision']} recall={r['recall']} F1={r['f1']} PR-AUC={r['pr_auc']} "
        f"flag rate={r['flag_rate']}  (tp={cm['tp']} fp={cm['fp']} fn={cm['fn']} tn={cm['tn']})",
        file=sys.stderr,
    )
    if args.json is not None:  # first: the numbers need no plotting library
        text = json.dumps(r, indent=2, ensure_ascii=False) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            Path(args.json).write_text(text, encoding="utf-8")
            print(f"wrote {args.json}", file=sys.stderr)
    if args.output is not None:
        print(f"wrote {write_report(evaluation, args.output)}", file=sys.stderr)
    return 0


def setup(parser: Any) -> None:
    parser.add_argument("input", metavar="LABELED_FILE", help="labeled posts: .csv, .tsv, .jsonl or .parquet")
    parser.add_argument("--text-column", required=True, help="column holding the text")
    parser.add_argument("--label-column", required=True, help="column holding the label: 1 solicitation, 0 not")
    parser.add_argument("--category-column", help="column for the per-category breakdown (default: 'category' if any)")
    parser.add_argument("--language-column", help="column for the per-language breakdown (default: 'language' if any)")
    parser.add_argument("-o", "--output", help="write the report here: .html or .md, plots embedded")
    parser.add_argument("--json", metavar="FILE", help="write every number as JSON to FILE (- for stdout)")
    parser.add_argument("--worst", type=int, default=10, help="how many errors of each kind to show (default: 10)")
    add_model_options(parser)
