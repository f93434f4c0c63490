"""`reviewbait triage`: the rows closest to the threshold, every original column kept, ready to label."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reviewbait import cli
from reviewbait.detector import Detector
from reviewbait.training.triage import least_certain, triage_frame

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"


def _triage(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["triage", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def scored(tiny_detector: Detector, tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    path = tmp_path_factory.mktemp("triage") / "posts.scored.csv"
    tiny_detector.score_frame(frame, "message").to_csv(path, index=False)
    return path


def test_picks_the_rows_closest_to_the_threshold(
    scored: Path, tiny_model_dir: Path, tiny_detector: Detector, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "to_label.csv"
    code, stdout, stderr = _triage(capsys, str(scored), "-n", "20", "-o", str(out), "--model", str(tiny_model_dir))
    assert code == 0, stderr
    assert stdout == "" and "20 of 220 rows" in stderr
    original = pd.read_csv(scored, dtype=str, keep_default_na=False)
    picked = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(picked.columns) == [*original.columns, "label", "category"]
    assert (picked["label"] == "").all() and (picked["category"] == "").all()

    t = tiny_detector.operating_points["balanced"]
    p = original["reviewbait_probability"].astype(float).to_numpy()
    distance = np.abs(p - t)
    distance[p == 0] = np.inf  # the gate's zeros are certain
    expected = original.iloc[np.argsort(distance, kind="stable")[:20]]
    assert picked["post_id"].tolist() == expected["post_id"].tolist()
    # the values of the picked rows are unchanged, e.g. ids with leading zeros
    merged = picked.merge(original, on="post_id", suffixes=("", "_orig"))
    assert (merged["message"] == merged["message_orig"]).all()


def test_scores_an_unscored_file_with_text_column(
    tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "to_label.csv"
    code, _, stderr = _triage(
        capsys, str(SAMPLE), "--text-column", "message", "-n", "15", "-o", str(out), "--model", str(tiny_model_dir)
    )
    assert code == 0, stderr
    picked = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(picked) == 15
    assert list(picked.columns) == ["post_id", "created_at", "source", "author", "message", "likes",
                                    "reviewbait_probability", "label", "category"]  # fmt: skip
    assert picked["message"].str.strip().str.len().gt(0).all()
    assert picked["message"].map(lambda s: " ".join(s.split()).casefold()).is_unique


def test_writes_csv_to_stdout_by_default(scored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = _triage(capsys, str(scored), "-n", "3", "--threshold", "0.5")
    assert code == 0
    assert len(pd.read_csv(io.StringIO(stdout), dtype=str)) == 3


def test_unscored_file_without_text_column_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = _triage(capsys, str(SAMPLE), "-n", "5", "--threshold", "0.5")
    assert code == 2
    assert "no reviewbait_probability column" in stderr and "--text-column" in stderr


@pytest.mark.parametrize(("args", "message"), [(["-n", "0"], "-n must be at least 1"), (["--threshold", "x"], "x")])
def test_bad_arguments_are_exit_2(
    args: list[str], message: str, scored: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, stderr = _triage(capsys, str(scored), *args, "--model", str(tiny_model_dir))
    assert code == 2 and message in stderr


def test_least_certain_skips_the_gate_zeros_and_keeps_file_order_on_ties() -> None:
    p = np.array([0.0, 0.9, 0.25, 0.75, 0.5, 0.0, 0.375])
    assert least_certain(p, 0.5, 10).tolist() == [4, 6, 2, 3, 1]
    assert least_certain(p, 0.0, 2).tolist() == [2, 6]


def test_triage_frame_keeps_existing_label_columns() -> None:
    frame = pd.DataFrame(
        {"text": ["a", "b", "a"], "label": ["", "1", ""], "reviewbait_probability": ["0.5", "0.4", "0.5"]}
    )
    picked = triage_frame(frame, n=5, threshold=0.5, text_column="text")
    assert picked["text"].tolist() == ["a", "b"]  # the repeated text is picked once
    assert picked["label"].tolist() == ["", "1"] and (picked["category"] == "").all()
    with pytest.raises(ValueError, match="must hold numbers"):
        triage_frame(frame.assign(reviewbait_probability=["x", "1", "0"]), n=1, threshold=0.5)
