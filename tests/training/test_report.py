"""`reviewbait evaluate`: its numbers match sklearn.metrics computed here, its report embeds its plots."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
)

from reviewbait import cli
from reviewbait.detector import Detector
from reviewbait.training.corpus import load_corpus
from reviewbait.training.evaluate import evaluate_file, parse_labels, render_markdown
from reviewbait.training.metrics import calibration_table, threshold_table

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def labeled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's labeled export: other column names than the corpus, 8 rows per label and language."""
    corpus = load_corpus().sample(frac=1.0, random_state=7).groupby(["label", "language"]).head(8)
    frame = pd.DataFrame(
        {
            "post_id": corpus["id"].to_numpy(),
            "body": corpus["text"].to_numpy(),
            "is_bait": corpus["label"].astype(str).to_numpy(),
            "kind": corpus["category"].to_numpy(),
            "lang": corpus["language"].to_numpy(),
        }
    )
    path = tmp_path_factory.mktemp("labeled") / "labeled.csv"
    frame.to_csv(path, index=False)
    return path


def _evaluate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["evaluate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_evaluate_reads_the_retired_insert_card_category_with_one_warning(
    labeled: Path, tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pd.read_csv(labeled, dtype=str, keep_default_na=False)
    old = frame["kind"] == "direct_reward"
    frame.loc[old, "kind"] = "insert_card"
    path = tmp_path / "old.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "result.json"
    code, _, stderr = _evaluate(
        capsys, str(path), "--text-column", "body", "--label-column", "is_bait", "--category-column", "kind",
        "--model", str(tiny_model_dir), "--json", str(out),
    )  # fmt: skip
    assert code == 0, stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and f"{int(old.sum())} rows of insert_card as direct_reward" in warnings[0]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "insert_card" not in result["per_category"]
    assert result["per_category"]["direct_reward"]["positives"] == int(old.sum())


def _expected(y: np.ndarray, p: np.ndarray, t: float) -> dict[str, float]:
    flagged = ((p >= t) & (p > 0)).astype(int)
    return {
        "precision": precision_score(y, flagged, zero_division=1.0),
        "recall": recall_score(y, flagged, zero_division=1.0),
        "f1": f1_score(y, flagged, zero_division=0.0),
        "flag_rate": flagged.mean(),
    }


def test_evaluate_reproduces_sklearn_metrics(
    labeled: Path, tiny_model_dir: Path, tiny_detector: Detector, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.json"
    code, _, stderr = _evaluate(
        capsys, str(labeled), "--text-column", "body", "--label-column", "is_bait", "--category-column", "kind",
        "--language-column", "lang", "--model", str(tiny_model_dir), "--json", str(out),
    )  # fmt: skip
    assert code == 0, stderr
    assert "precision=" in stderr and "PR-AUC=" in stderr
    result = json.loads(out.read_text(encoding="utf-8"))

    frame = pd.read_csv(labeled, dtype=str, keep_default_na=False)
    y = frame["is_bait"].astype(int).to_numpy()
    p = tiny_detector.probabilities(frame["body"].tolist())
    t = tiny_detector.operating_points["balanced"]
    assert result["threshold"] == t and result["threshold_name"] == "balanced"
    assert result["n"] == len(frame) and result["positives"] == int(y.sum())
    for name, value in _expected(y, p, t).items():
        assert result[name] == pytest.approx(value, abs=1e-4), name
    assert result["pr_auc"] == pytest.approx(average_precision_score(y, p), abs=1e-4)
    (tn, fp), (fn, tp) = confusion_matrix(y, (p >= t).astype(int), labels=[0, 1]).tolist()
    assert result["confusion_matrix"] == {"tn": tn, "fp": fp, "fn": fn, "tp": tp}

    assert set(result["per_language"]) == set(frame["lang"])
    for lang, measured in result["per_language"].items():
        mask = (frame["lang"] == lang).to_numpy()
        for name, value in _expected(y[mask], p[mask], t).items():
            assert measured[name] == pytest.approx(value, abs=1e-4), (lang, name)
    for category, measured in result["per_category"].items():
        mask = (frame["kind"] == category).to_numpy()
        if y[mask].any():
            assert measured["recall"] == pytest.approx(recall_score(y[mask], p[mask] >= t), abs=1e-4)
        else:
            assert measured["false_positive_rate"] == pytest.approx(np.mean(p[mask] >= t), abs=1e-4)

    table = {row["threshold"]: row for row in result["threshold_table"]}
    assert {0.05, 0.5, 0.95, *tiny_detector.operating_points.values()} <= set(table)
    for threshold, row in table.items():
        expected = _expected(y, p, threshold)
        assert row["precision"] == pytest.approx(expected["precision"], abs=1e-4)
        assert row["recall"] == pytest.approx(expected["recall"], abs=1e-4)
        assert row["flag_rate"] == pytest.approx(expected["flag_rate"], abs=1e-4)
    assert result["brier_score"] == pytest.approx(np.mean((p - y) ** 2), abs=1e-4)


def test_worst_errors_are_errors_in_order_with_evidence(labeled: Path, tiny_detector: Detector) -> None:
    evaluation = evaluate_file(tiny_detector, labeled, text_column="body", label_column="is_bait", worst=5)
    result, t = evaluation.result, evaluation.result["threshold"]
    missed, false = result["worst_errors"]["false_negatives"], result["worst_errors"]["false_positives"]
    assert missed or false
    assert all(e["label"] == 1 and e["probability"] < t for e in missed)
    assert all(e["label"] == 0 and e["probability"] >= t for e in false)
    assert [e["probability"] for e in missed] == sorted(e["probability"] for e in missed)
    assert [e["probability"] for e in false] == sorted((e["probability"] for e in false), reverse=True)
    assert all(e["id"] and e["evidence"] for e in missed + false)  # post_id is found as the id column
    assert result["per_category"] is None and result["per_language"] is None  # no such columns named or found


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_report_file_embeds_its_plots(
    name: str, labeled: Path, tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / name
    code, _, stderr = _evaluate(
        capsys, str(labeled), "--text-column", "body", "--label-column", "is_bait", "--category-column", "kind",
        "--language-column", "lang", "--model", str(tiny_model_dir), "-o", str(out), "--threshold", "precise",
    )  # fmt: skip
    assert code == 0, stderr
    text = out.read_text(encoding="utf-8")
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)
    assert len(images) == 2
    assert all(base64.b64decode(image).startswith(PNG) for image in images)
    for heading in ("Confusion matrix", "Thresholds", "Per category", "Per language", "Calibration", "Worst errors"):
        assert heading in text
    assert "(precise)" in text
    if name.endswith(".html"):
        assert text.startswith("<!DOCTYPE html>") and "<script" not in text and "http" not in text


def test_html_escapes_the_posts(tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "xss.csv"
    pd.DataFrame(
        {
            "text": ["<script>alert(1)</script> 5 stars on Amazon = free gift card, DM me", "nice weather", "a review"],
            "label": ["0", "1", "0"],
        }
    ).to_csv(path, index=False)
    out = tmp_path / "r.html"
    code, _, stderr = _evaluate(
        capsys, str(path), "--text-column", "text", "--label-column", "label", "--model", str(tiny_model_dir),
        "-o", str(out), "--threshold", "0.01",
    )  # fmt: skip
    assert code == 0, stderr
    assert "<script>" not in out.read_text(encoding="utf-8")


def test_json_to_stdout(labeled: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = _evaluate(
        capsys, str(labeled), "--text-column", "body", "--label-column", "is_bait", "--model", str(tiny_model_dir),
        "--json", "-", "--threshold", "0.5",
    )  # fmt: skip
    assert code == 0
    result = json.loads(stdout)
    assert result["threshold"] == 0.5 and result["threshold_name"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text-column", "message", "--label-column", "is_bait"], "--text-column 'message' is not a column"),
        (["--text-column", "body", "--label-column", "label"], "--label-column 'label' is not a column"),
        (["--text-column", "body", "--label-column", "is_bait", "--language-column", "x"], "'x' is not a column"),
        (["--text-column", "body", "--label-column", "is_bait", "-o", "report.pdf"], "name it .html or .md"),
        (["--text-column", "body", "--label-column", "is_bait", "--threshold", "2"], "threshold"),
    ],
)
def test_bad_usage_is_exit_2(
    args: list[str], message: str, labeled: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, stderr = _evaluate(capsys, str(labeled), *args, "--model", str(tiny_model_dir))
    assert code == 2
    assert message in stderr


def test_bad_labels_are_named_by_row(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "label": ["1", "0", "maybe", ""]})
    with pytest.raises(ValueError, match=r"2 rows: row 3 \(id c\), row 4 \(id d\).*'maybe'"):
        parse_labels(frame, "label", id_column="id")
    assert parse_labels(pd.DataFrame({"l": ["1", "0", "True", "no", " 1 "]}), "l").tolist() == [1, 0, 1, 0, 1]


def test_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = _evaluate(capsys, str(tmp_path / "nope.csv"), "--text-column", "t", "--label-column", "l")
    assert code == 2 and "nope.csv" in stderr


def test_threshold_and_calibration_tables() -> None:
    y = np.array([0, 0, 1, 1, 1])
    p = np.array([0.1, 0.6, 0.4, 0.8, 1.0])
    rows = threshold_table(y, p, [0.5, 0.3])
    assert [r["threshold"] for r in rows] == [0.3, 0.5]
    assert rows[1] == {
        "threshold": 0.5,
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
        "flag_rate": 0.6,
        "flagged": 3,
    }
    bins = calibration_table(y, p, bins=2)
    assert bins == [
        {"low": 0.0, "high": 0.5, "n": 2, "mean_probability": 0.25, "positive_rate": 0.5},
        {"low": 0.5, "high": 1.0, "n": 3, "mean_probability": 0.8, "positive_rate": 0.6667},
    ]


def test_markdown_escapes_table_pipes(labeled: Path, tiny_detector: Detector) -> None:
    evaluation = evaluate_file(tiny_detector, labeled, text_column="body", label_column="is_bait")
    result = dict(evaluation.result)
    result["worst_errors"] = {
        "false_negatives": [
            {"row": 1, "id": "x", "probability": 0.1, "label": 1, "category": None, "text": "a | b", "evidence": "e"}
        ],
        "false_positives": [],
    }
    text = render_markdown(result, {"pr_curve": "AAAA", "calibration": "AAAA"})
    assert "a \\| b" in text


@pytest.mark.parametrize("labels", [[1, 1], [0, 0]])
def test_a_file_with_one_label_still_gets_a_report(
    labels: list[int], tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.jsonl"
    texts = ["Leave 5 stars on Amazon and get a free gift card", "nice weather today"]
    path.write_text("".join(json.dumps({"t": t, "y": y}) + "\n" for t, y in zip(texts, labels, strict=True)))
    out, result = tmp_path / "one.html", tmp_path / "one.json"
    code, _, stderr = _evaluate(
        capsys, str(path), "--text-column", "t", "--label-column", "y", "--model", str(tiny_model_dir),
        "-o", str(out), "--json", str(result),
    )  # fmt: skip
    assert code == 0, stderr
    assert json.loads(result.read_text())["pr_auc"] is None
    assert out.read_text(encoding="utf-8").count("data:image/png;base64,") == 2
