"""The smaller failures of issue 14, each as it was reported: closing pipes, Ctrl-C while the
program starts, a repeated text column, what train records, evaluate without matplotlib, a
triage that picks fewer rows than asked, and a summary rate that is not a start-up figure."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from reviewbait import cli
from reviewbait.batch import Summary
from reviewbait.detector import Detector
from reviewbait.training import retrain

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"
SCRIPT = str(Path(sys.executable).with_name("reviewbait"))


def _closed_pipe() -> int:
    """The write end of a pipe whose reader is gone, like `| head` after its lines."""
    read, write = os.pipe()
    os.close(read)
    return write


@pytest.mark.skipif(os.name != "posix", reason="POSIX pipes")
@pytest.mark.parametrize("command", ["report", "explain"])
def test_a_closed_pipe_is_not_an_error(
    command: str, tiny_detector: Detector, tiny_model_dir: Path, tmp_path: Path
) -> None:
    scored = tmp_path / "scored.csv"
    tiny_detector.score_frame(pd.read_csv(SAMPLE, dtype=str, keep_default_na=False), "message").to_csv(
        scored, index=False
    )
    args = {
        "report": ["report", str(scored), "-n", "50"],
        "explain": ["explain", "Leave a 5 star review and get a gift card! " * 50, "--model", str(tiny_model_dir)],
    }[command]
    write = _closed_pipe()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reviewbait.cli", *args], stdout=write, stderr=subprocess.PIPE, timeout=120
        )
    finally:
        os.close(write)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode() == ""


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("delay", [0.15, 0.4])
def test_ctrl_c_while_the_program_starts_is_one_line(tmp_path: Path, tiny_model_dir: Path, delay: float) -> None:
    """Within the first half second the command line is still importing numpy and scikit-learn."""
    process = subprocess.Popen(
        [SCRIPT, "score", str(SAMPLE), "--text-column", "message", "-o", str(tmp_path / "out.csv"),
         "--model", str(tiny_model_dir), "--jobs", "1"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert stderr.decode().strip() == "reviewbait: interrupted"
    assert process.returncode == -signal.SIGINT
    assert list(tmp_path.iterdir()) == []


def test_score_frame_refuses_a_repeated_text_column(tiny_detector: Detector) -> None:
    frame = pd.DataFrame([["a", "Leave a review for a gift card"]], columns=["message", "message"])
    with pytest.raises(ValueError, match="'message' appears 2 times"):
        tiny_detector.score_frame(frame, "message")
    other = pd.DataFrame([["x", "x", "Leave a review for a gift card"]], columns=["id", "id", "message"])
    assert list(tiny_detector.score_frame(other, "message").columns[:3]) == ["id", "id", "message"]


def test_train_records_the_options_that_rebuild_the_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    recorded: dict[str, object] = {}

    class Stop(BaseException):  # not an Exception: the command line reports those as bugs
        pass

    def fake_train(*args: object, **kwargs: object) -> None:
        recorded.update(kwargs)
        raise Stop

    monkeypatch.setattr(retrain, "train_user_model", fake_train)
    with pytest.raises(Stop):
        cli.main(["train", "--data", "my rows.csv", "--text-column", "body", "--id-column", "post_id", "--seed", "7",
                  "-o", str(tmp_path / "mine")])  # fmt: skip
    command = str(recorded["command"])
    assert "--data 'my rows.csv'" in command and "--text-column body" in command
    assert "--id-column post_id" in command and "--seed 7" in command
    assert recorded["text_column"] == "body"


def test_evaluate_writes_its_json_without_matplotlib(
    tiny_detector: Detector, tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    labeled = tmp_path / "labeled.csv"
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(40)
    frame["label"] = (tiny_detector.probabilities(frame["message"].tolist()) > 0.5).astype(int).astype(str)
    frame.to_csv(labeled, index=False)
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as when it is not installed
    args = ["evaluate", str(labeled), "--text-column", "message", "--label-column", "label",
            "--model", str(tiny_model_dir), "--json", str(tmp_path / "r.json"), "-o", str(tmp_path / "r.html")]  # fmt: skip
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2
    assert "need matplotlib" in err
    assert json.loads((tmp_path / "r.json").read_text())["n"] == 40


def test_triage_says_why_it_picked_fewer_rows(
    tiny_detector: Detector, tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scored = tmp_path / "scored.csv"
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    tiny_detector.score_frame(frame, "message").to_csv(scored, index=False)
    zeros = int((tiny_detector.probabilities(frame["message"].tolist()) == 0).sum())
    code = cli.main(["triage", str(scored), "-n", "500", "-o", str(tmp_path / "t.csv"), "--model", str(tiny_model_dir)])
    err = capsys.readouterr().err
    assert code == 0
    picked = len(pd.read_csv(tmp_path / "t.csv"))
    assert picked == len(frame) - zeros < 500
    assert f"only {picked} of the 500 asked for" in err
    assert f"{zeros} scored 0" in err


def test_the_summary_rate_leaves_start_up_out() -> None:
    small = Summary(input="a", output="b", rows_read=220, rows_written=220, seconds=2.3, threshold=0.5)
    small.startup_seconds, small.startup_rows = 2.2, 220
    assert small.rows_per_second == 0.0
    assert "too short a run for a rate" in small.render() and "rows/s" not in small.render()
    large = Summary(input="a", output="b", rows_read=105_000, rows_written=105_000, seconds=12.0, threshold=0.5)
    large.startup_seconds, large.startup_rows = 2.0, 5000
    assert large.rows_per_second == 10_000.0
    assert "10,000 rows/s after 2.00 s of start-up" in large.render()


def test_tables_refuse_a_stray_quote_with_its_line(tmp_path: Path) -> None:
    """triage, evaluate and train read files through pandas, which merges rows after a stray quote."""
    from reviewbait.io.tables import TableError, read_table

    path = tmp_path / "rows.csv"
    path.write_text('id,text\n1,"Loved it,3\n2,plain\n3,"a review for a gift card"\n4,x\n', encoding="utf-8")
    with pytest.raises(TableError, match=r"line 4 of .*not valid CSV"):
        read_table(path)
    path.write_text('id,text\n1,"a ""quoted"" word, fine"\n2,"two\nlines"\n', encoding="utf-8")
    assert read_table(path)["text"].tolist() == ['a "quoted" word, fine', "two\nlines"]
