"""How good is the model on YOUR labeled posts, and at which threshold? (``reviewbait evaluate``)

Scores a labeled file with a detector and measures it: precision, recall, F1, PR-AUC, the
confusion matrix, per-category and per-language breakdowns, a threshold table and the worst
errors with their evidence. The result is a plain dict (``--json``) and a self-contained HTML
or Markdown report whose precision-recall curve and calibration plot are embedded as base64
PNG, so the report is one file that can be mailed or attached to a ticket.

matplotlib (the ``report`` extra) is imported only to draw the plots, with the Agg canvas and
never pyplot, so it works headless and leaves the caller's matplotlib state alone.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reviewbait.columns import ID_COLUMNS
from reviewbait.io.tables import TableError, describe_rows, read_table, require_columns
from reviewbait.training.corpus import map_retired_categories

if TYPE_CHECKING:
    import pandas as pd

    from reviewbait.detector import Detector

__all__ = [
    "Evaluation",
    "calibration_png",
    "evaluate_file",
    "evaluate_frame",
    "parse_labels",
    "pr_curve_png",
    "render_html",
    "render_markdown",
    "write_report",
]

LABEL_VALUES = {"1": 1, "0": 0, "1.0": 1, "0.0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))
REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
TEXT_PREVIEW = 300


@dataclass(frozen=True)
class Evaluation:
    """The measured result (JSON-ready) and the labels and scores it was computed from."""

    result: dict[str, Any]
    y: np.ndarray
    p: np.ndarray


def parse_labels(frame: pd.DataFrame, column: str, *, id_column: str | None = None) -> np.ndarray:
    """0/1 labels from a column of 0/1 (also ``true``/``false``, ``yes``/``no``); bad rows are named."""
    values = frame[column].astype(str).str.strip().str.lower()
    bad = ~values.isin(list(LABEL_VALUES))
    if bad.any():
        examples = sorted(set(frame.loc[bad, column].astype(str).tolist()))[:5]
        raise TableError(
            f"label column {column!r} must hold 0 or 1; {describe_rows(frame, bad, id_column=id_column)} "
            f"hold {examples}"
        )
    return values.map(LABEL_VALUES).to_numpy(dtype=int)


def _id_column(frame: pd.DataFrame, text_column: str) -> str | None:
    for name in ID_COLUMNS:
        if name in frame.columns and name != text_column:
            return name
    return None


def evaluate_frame(
    detector: Detector,
    frame: pd.DataFrame,
    *,
    text_column: str,
    label_column: str,
    category_column: str | None = None,
    language_column: str | None = None,
    threshold: str | float | None = None,
    worst: int = 10,
    source: str = "",
) -> Evaluation:
    """Score ``frame[text_column]`` and measure it against ``frame[label_column]``."""
    import pandas as pd

    from reviewbait.training.metrics import binary_metrics, breakdown, calibration_table, threshold_table

    require_columns(
        frame,
        {
            "--text-column": text_column,
            "--label-column": label_column,
            "--category-column": category_column,
            "--language-column": language_column,
        },
        source or "the input",
    )
    if len(frame) == 0:
        raise TableError(f"{source or 'the input'} has no rows to evaluate")
    notes: list[str] = []
    if category_column:
        categories, retired = map_retired_categories(frame[category_column], source or "the input")
        if retired:
            frame = frame.assign(**{category_column: categories})
            notes.append(retired)
    id_column = _id_column(frame, text_column)
    y = parse_labels(frame, label_column, id_column=id_column)
    texts = [v if isinstance(v, str) else "" for v in frame[text_column].tolist()]
    p = detector.probabilities(texts)
    cut = detector.resolve_threshold(threshold)
    groups = pd.DataFrame(
        {
            "label": y,
            "category": frame[category_column].astype(str).to_numpy() if category_column else "",
            "language": frame[language_column].astype(str).to_numpy() if language_column else "",
        }
    )
    measured = breakdown(groups, p, cut)
    tn, fp = measured["confusion_matrix"][0]
    fn, tp = measured["confusion_matrix"][1]
    operating = detector.operating_points
    grid = [*THRESHOLD_GRID, *operating.values(), cut]
    result: dict[str, Any] = {
        "source": source,
        "model": {
            "model_version": detector.manifest.get("model_version"),
            "sha256": detector.manifest.get("sha256"),
            "kind": detector.manifest.get("kind", "bundled"),
        },
        "columns": {
            "text": text_column,
            "label": label_column,
            "category": category_column,
            "language": language_column,
        },
        "threshold": cut,
        "threshold_name": next((name for name, value in operating.items() if value == cut), None),
        "operating_points": operating,
        "n": measured["n"],
        "positives": measured["positives"],
        "empty_texts": int(sum(1 for t in texts if not t.strip())),
        "pr_auc": measured["pr_auc"],
        "precision": measured["precision"],
        "recall": measured["recall"],
        "f1": measured["f1"],
        "flag_rate": measured["flag_rate"],
        "confusion_matrix": {"tn": tn, "fp": fp, "fn": fn, "tp": tp},
        "at_operating_points": {name: binary_metrics(y, p, value) for name, value in operating.items()},
        "threshold_table": threshold_table(y, p, grid),
        "calibration": calibration_table(y, p),
        "brier_score": round(float(np.mean((p - y) ** 2)), 4),
        "per_category": measured["per_category"] if category_column else None,
        "per_language": measured["per_language"] if language_column else None,
        "worst_errors": _worst_errors(detector, frame, texts, y, p, cut, worst, id_column, category_column),
        "notes": notes,
    }
    return Evaluation(result, y, p)


def _worst_errors(
    detector: Detector,
    frame: pd.DataFrame,
    texts: list[str],
    y: np.ndarray,
    p: np.ndarray,
    cut: float,
    worst: int,
    id_column: str | None,
    category_column: str | None,
) -> dict[str, list[dict[str, Any]]]:
    """Missed solicitations (lowest scores first) and false flags (highest first), with evidence."""
    flagged = (p >= cut) & (p > 0)
    missed = np.flatnonzero((y == 1) & ~flagged)
    false = np.flatnonzero((y == 0) & flagged)
    picks = {
        "false_negatives": missed[np.argsort(p[missed], kind="stable")][:worst],
        "false_positives": false[np.argsort(-p[false], kind="stable")][:worst],
    }
    chosen = np.concatenate(list(picks.values())).tolist()
    verdicts = dict(zip(chosen, detector.check_many([texts[i] for i in chosen], threshold=cut), strict=True))
    errors: dict[str, list[dict[str, Any]]] = {}
    for kind, positions in picks.items():
        errors[kind] = []
        for position in positions.tolist():
            text = " ".join(texts[position].split())
            evidence = verdicts[position].evidence_summary()
            if p[position] == 0.0:
                evidence = "no review act named (the gate scored it 0)"
            errors[kind].append(
                {
                    "row": position + 1,
                    "id": str(frame[id_column].iloc[position]) if id_column else None,
                    "probability": round(float(p[position]), 4),
                    "label": int(y[position]),
                    "category": str(frame[category_column].iloc[position]) if category_column else None,
                    "text": text if len(text) <= TEXT_PREVIEW else text[: TEXT_PREVIEW - 3] + "...",
                    "evidence": evidence or "no cue found",
                }
            )
    return errors


def evaluate_file(
    detector: Detector,
    path: str | Path,
    *,
    text_column: str,
    label_column: str,
    category_column: str | None = None,
    language_column: str | None = None,
    threshold: str | float | None = None,
    worst: int = 10,
) -> Evaluation:
    """Read a labeled file and evaluate it; ``category``/``language`` columns are used when present."""
    frame = read_table(path)
    if category_column is None and "category" in frame.columns:
        category_column = "category"
    if language_column is None and "language" in frame.columns:
        language_column = "language"
    return evaluate_frame(
        detector,
        frame,
        text_column=text_column,
        label_column=label_column,
        category_column=category_column,
        language_column=language_column,
        threshold=threshold,
        worst=worst,
        source=str(path),
    )


# --------------------------------------------------------------------------- plots


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        from reviewbait.errors import ExtraNotInstalledError

        raise ExtraNotInstalledError(
            "the report's plots need matplotlib: pip install 'reviewbait[report]' (or write --json only)"
        ) from None
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def pr_curve_png(y: np.ndarray, p: np.ndarray, marks: dict[str, float]) -> bytes:
    """The precision-recall curve, with the operating points marked."""
    from sklearn.metrics import precision_recall_curve

    from reviewbait.training.metrics import binary_metrics

    figure = _figure(6.0, 4.5)
    axes = figure.add_subplot()
    if 0 < y.sum() < y.size:
        precision, recall, _ = precision_recall_curve(y, p)
        axes.step(recall, precision, where="post", color="#1f77b4", label="model")
        axes.axhline(y.mean(), color="#999999", linestyle=":", label=f"no skill ({y.mean():.2f})")
        for (name, value), color in zip(marks.items(), ("#d62728", "#2ca02c", "#9467bd", "#ff7f0e"), strict=False):
            m = binary_metrics(y, p, value)
            axes.plot(m["recall"], m["precision"], "o", color=color, label=f"{name} (t={value:.3f})")
        axes.legend(loc="lower left", fontsize=8)
    else:
        axes.text(0.5, 0.5, "no curve: the file has only one label", ha="center", va="center")
    axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.05), title="Precision-recall")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    return _png(figure)


def calibration_png(y: np.ndarray, p: np.ndarray, bins: int = 10) -> bytes:
    """Reliability diagram (predicted vs observed rate per bin) above a histogram of the scores."""
    from reviewbait.training.metrics import calibration_table

    table = calibration_table(y, p, bins)
    figure = _figure(6.0, 5.5)
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    top.plot([0, 1], [0, 1], ":", color="#999999", label="perfectly calibrated")
    if table:
        sizes = np.array([row["n"] for row in table], dtype=float)
        top.plot(
            [row["mean_probability"] for row in table],
            [row["positive_rate"] for row in table],
            "-",
            color="#1f77b4",
            alpha=0.5,
        )
        top.scatter(
            [row["mean_probability"] for row in table],
            [row["positive_rate"] for row in table],
            s=20 + 180 * sizes / sizes.max(),
            color="#1f77b4",
            label="model (area ∝ rows)",
            zorder=3,
        )
    top.set(ylabel="observed share of solicitations", xlim=(0, 1), ylim=(-0.02, 1.02), title="Calibration")
    top.grid(alpha=0.3)
    top.legend(loc="upper left", fontsize=8)
    bottom.hist(
        [p[y == 0], p[y == 1]], bins=bins, range=(0, 1), stacked=True, color=["#aec7e8", "#d62728"], label=["0", "1"]
    )
    bottom.set(xlabel="predicted probability", ylabel="rows")
    bottom.legend(title="label", fontsize=7, title_fontsize=7)
    figure.tight_layout()
    return _png(figure)


def _images(evaluation: Evaluation) -> dict[str, str]:
    marks = dict(evaluation.result["operating_points"])
    if evaluation.result["threshold_name"] is None:
        marks["chosen"] = evaluation.result["threshold"]
    return {
        "pr_curve": base64.b64encode(pr_curve_png(evaluation.y, evaluation.p, marks)).decode("ascii"),
        "calibration": base64.b64encode(calibration_png(evaluation.y, evaluation.p)).decode("ascii"),
    }


# --------------------------------------------------------------------------- rendering


def _sections(result: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]], str]]:
    """The report's tables as (title, header, rows, note): shared by HTML and Markdown."""
    r = result
    cm = r["confusion_matrix"]
    name = f" (`{r['threshold_name']}`)" if r["threshold_name"] else ""
    sections = [
        (
            "Summary",
            ["metric", "value"],
            [
                ["rows", r["n"]],
                ["labeled solicitations", r["positives"]],
                ["threshold", f"{r['threshold']:.4g}{name}"],
                ["precision", r["precision"]],
                ["recall", r["recall"]],
                ["F1", r["f1"]],
                ["PR-AUC (average precision)", r["pr_auc"] if r["pr_auc"] is not None else "n/a (one label only)"],
                ["flag rate", r["flag_rate"]],
                ["Brier score", r["brier_score"]],
            ],
            "",
        ),
        (
            "Confusion matrix",
            ["", "flagged", "not flagged"],
            [["label 1 (solicitation)", cm["tp"], cm["fn"]], ["label 0", cm["fp"], cm["tn"]]],
            "",
        ),
        (
            "Thresholds",
            ["threshold", "precision", "recall", "F1", "flag rate", "flagged"],
            [
                [
                    _threshold_label(row["threshold"], r),
                    row["precision"],
                    row["recall"],
                    row["f1"],
                    row["flag_rate"],
                    row["flagged"],
                ]
                for row in r["threshold_table"]
            ],
            "A post is flagged when its probability is at or above the threshold. Pick the row whose "
            "precision and flag rate your moderators can live with, then pass it as `--threshold`.",
        ),
    ]
    if r["per_category"]:
        rows = []
        for category, v in r["per_category"].items():
            if "f1" in v:
                rows.append([category, v["positives"], v["recall"], v["f1"], ""])
            else:
                rows.append([category, v["n"], "", "", v["false_positive_rate"]])
        sections.append(
            (
                "Per category",
                ["category", "rows", "recall", "F1", "false-positive rate"],
                rows,
                "Categories with solicitations: recall, and F1 against all negatives. Other categories: "
                "the share wrongly flagged.",
            )
        )
    if r["per_language"]:
        sections.append(
            (
                "Per language",
                ["language", "rows", "solicitations", "precision", "recall", "F1", "flag rate"],
                [
                    [lang, v["n"], v["positives"], v["precision"], v["recall"], v["f1"], v["flag_rate"]]
                    for lang, v in r["per_language"].items()
                ],
                "",
            )
        )
    sections.append(
        (
            "Calibration",
            ["probability bin", "rows", "mean predicted", "observed share"],
            [
                [f"{row['low']:.1f}–{row['high']:.1f}", row["n"], row["mean_probability"], row["positive_rate"]]
                for row in r["calibration"]
            ],
            "",
        )
    )
    for kind, title in (("false_negatives", "Missed solicitations"), ("false_positives", "False flags")):
        errors = r["worst_errors"][kind]
        sections.append(
            (
                f"Worst errors: {title.lower()}",
                ["row", "id", "probability", "category", "text", "evidence"],
                [
                    [e["row"], e["id"] or "", e["probability"], e["category"] or "", e["text"], e["evidence"]]
                    for e in errors
                ],
                "None." if not errors else "",
            )
        )
    return sections


def _threshold_label(value: float, result: dict[str, Any]) -> str:
    names = [name for name, t in result["operating_points"].items() if t == value]
    if value == result["threshold"] and not names:
        names = ["chosen"]
    return f"{value:.4g}" + (f" ({', '.join(names)})" if names else "")


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(result: dict[str, Any], images: dict[str, str]) -> str:
    """The report as Markdown, the plots embedded as ``data:image/png;base64`` images."""
    lines = [
        f"# reviewbait evaluation: {result['source']}",
        "",
        _model_line(result),
        "",
        f"![Precision-recall curve](data:image/png;base64,{images['pr_curve']})",
        "",
        f"![Calibration plot](data:image/png;base64,{images['calibration']})",
    ]
    for title, header, rows, note in _sections(result):
        lines += ["", f"## {title}", ""]
        if rows:
            lines.append("| " + " | ".join(header) + " |")
            lines.append("| " + " | ".join("---" for _ in header) + " |")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
        if note:
            lines += ["", note]
    return "\n".join(lines) + "\n"


def _model_line(result: dict[str, Any]) -> str:
    model = result["model"]
    sha = (model.get("sha256") or "")[:16]
    return (
        f"Model {model.get('model_version') or '(unversioned)'} ({model.get('kind')}, sha256 {sha}...), "
        f"{result['n']} labeled rows, text column `{result['columns']['text']}`, "
        f"label column `{result['columns']['label']}`."
    )


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 14px; }
th { background: #f3f3f3; }
td.text { max-width: 480px; }
img { max-width: 100%; margin: 0 1em 1em 0; border: 1px solid #eee; }
.note { color: #555; font-size: 14px; }
"""


def render_html(result: dict[str, Any], images: dict[str, str]) -> str:
    """A self-contained HTML page: inline CSS, plots as ``data:image/png;base64`` URIs, no scripts."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>reviewbait evaluation: {esc(result['source'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>reviewbait evaluation: {esc(result['source'])}</h1>",
        f"<p>{esc(_model_line(result)).replace('`', '')}</p>",
        f'<img alt="Precision-recall curve" src="data:image/png;base64,{images["pr_curve"]}">',
        f'<img alt="Calibration plot" src="data:image/png;base64,{images["calibration"]}">',
    ]
    for title, header, rows, note in _sections(result):
        parts.append(f"<h2>{esc(title)}</h2>")
        if rows:
            parts.append("<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead><tbody>")
            for row in rows:
                cells = "".join(
                    f"<td{' class=text' if h == 'text' else ''}>{esc(str(c))}</td>"
                    for h, c in zip(header, row, strict=True)
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody></table>")
        if note:
            parts.append(f'<p class="note">{esc(note).replace("`", "")}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(evaluation: Evaluation, path: str | Path) -> Path:
    """Write the HTML (``.html``) or Markdown (``.md``) report with its embedded plots."""
    path = Path(path)
    fmt = REPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise TableError(f"cannot tell the report format of {path}: name it .html or .md")
    images = _images(evaluation)
    text = render_html(evaluation.result, images) if fmt == "html" else render_markdown(evaluation.result, images)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
