"""`reviewbait score` and `reviewbait report` on the command line: exit codes, messages, signals, --jobs."""

from __future__ import annotations

import io
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

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"
SOLICITATION = "Leave us a 5 star review on Amazon and get a free gift card! DM me your screenshot"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _stream_csv(path: Path, rows: int) -> Path:
    texts = [
        SOLICITATION,
        "Anyone know a good plumber? The sink has been dripping for a week, thanks",
        'Selling my old bike, "barely used", pick up only',
        "",
        "Free gift card for every 5⭐ review, comment below\nand I'll DM you",
    ]
    lines = ["id,channel,message"]
    for i in range(rows):
        text = texts[i % len(texts)].replace('"', '""')
        lines.append(f'{i:06d},sms,"{text} #{i}"' if text else f"{i:06d},sms,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_score_sample_then_report(tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scored.csv"
    summary_json = tmp_path / "summary.json"
    code, stdout, stderr = _run(
        capsys, "score", str(SAMPLE), "--text-column", "message", "-o", str(out),
        "--model", str(tiny_model_dir), "--jobs", "1", "--summary-json", str(summary_json),
    )  # fmt: skip
    assert code == 0, stderr
    assert stdout == ""
    summary = json.loads(summary_json.read_text())
    assert summary["rows_read"] == summary["rows_written"] == 220
    assert summary["rows_rejected"] == summary["rows_filtered"] == 0
    assert summary["text_column"] == "message"
    assert sum(summary["flagged_by_category"].values()) == summary["rows_flagged"]
    lines = {" ".join(line.split()[:2]): line.split()[2] for line in stderr.splitlines()[1:] if len(line.split()) > 2}
    assert (lines["rows read"], lines["rows written"], lines["rows rejected"]) == ("220", "220", "0")
    flagged_line = next(line for line in stderr.splitlines() if line.split()[:1] == ["flagged"])
    assert flagged_line.split()[1] == str(summary["rows_flagged"])
    # 220 rows are one chunk: the time is start-up, and the summary says so rather than a rate
    assert "seconds" in stderr and "too short a run for a rate" in stderr and "rows/s" not in stderr
    original = SAMPLE.read_bytes().splitlines(keepends=True)
    scored = out.read_bytes()
    assert scored.startswith(original[0].rstrip(b"\r\n") + b",reviewbait_probability,")
    assert b"\n007845," in scored  # the leading zeros survive

    code, stdout, stderr = _run(capsys, "report", str(out), "-n", "3")
    assert code == 0, stderr
    assert stdout.startswith(f"{out}: 220 rows, {summary['rows_flagged']} flagged")
    for category, count in summary["flagged_by_category"].items():
        assert any(line.split() == [category, str(count)] for line in stdout.splitlines())
    if summary["rows_flagged"]:
        top = min(3, summary["rows_flagged"])
        assert f"Top {top} flagged rows by probability:" in stdout
        assert stdout.count("evidence: ") <= top
        assert "post_id=" in stdout and "text: " in stdout


def test_report_refuses_an_unscored_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = _run(capsys, "report", str(SAMPLE))
    assert code == 2
    assert "no score columns" in stderr and "reviewbait score" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text-column", "body"], "text column 'body' not found"),
        (["--threshold", "loose"], "unknown operating point 'loose'"),
        (["--threshold", "1.5"], "threshold must be"),
        (["--chunk-size", "0"], "--chunk-size must be at least 1"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--delimiter", ";;"], "--delimiter must be one character"),
    ],
)
def test_bad_usage_exits_2_with_one_line(
    tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, stderr = _run(
        capsys, "score", str(SAMPLE), "-o", str(tmp_path / "o.csv"), "--model", str(tiny_model_dir), *args
    )
    assert code == 2
    assert message in stderr
    assert stderr.startswith("reviewbait: error: ") and stderr.count("\n") == 1
    assert not (tmp_path / "o.csv").exists()


def test_bad_inputs_exit_2(tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = ["--model", str(tiny_model_dir)]
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_bytes(b"id,message\n")
    (tmp_path / "bad.csv").write_bytes(b"id,message\n1,ok\n2,a,b\n")
    (tmp_path / "dir.csv").mkdir()
    cases = [
        (["score", str(tmp_path / "nope.csv")], "does not exist"),
        (["score", str(tmp_path / "dir.csv")], "is a directory"),
        (["score", str(tmp_path / "empty.csv")], "is empty"),
        (["score", str(tmp_path / "header.csv"), "--text-column", "body"], "text column 'body' not found"),
        (["score", str(tmp_path / "bad.csv"), "--text-column", "message"], "line 3 of"),
        (["score", str(SAMPLE), "-o", str(SAMPLE), "--overwrite"], "would overwrite the input"),
        (["score", str(SAMPLE), "--format", "parquet"], "not a readable Parquet file"),
    ]
    for args, message in cases:
        code, _, stderr = _run(capsys, *args, *model)
        assert (code, message in stderr) == (2, True), (args, stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "dir.csv", "empty.csv", "header.csv"]


def test_existing_output_needs_overwrite(tmp_path: Path, tiny_model_dir: Path, capsys) -> None:
    out = tmp_path / "o.csv"
    out.write_text("precious")
    args = ["score", str(SAMPLE), "--text-column", "message", "-o", str(out), "--model", str(tiny_model_dir)]
    code, _, stderr = _run(capsys, *args, "--quiet")
    assert code == 2 and "--overwrite" in stderr
    assert out.read_text() == "precious"
    code, _, stderr = _run(capsys, *args, "--quiet", "--overwrite")
    assert (code, stderr) == (0, "")
    assert out.read_bytes().count(b"\n") == SAMPLE.read_bytes().count(b"\n")


def test_stdin_to_stdout(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'id,message\n007,"' + SOLICITATION.encode() + b'"\nNA,\n'
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    code = cli.main(["score", "-", "--text-column", "message", "--model", str(tiny_model_dir), "--jobs", "1"])
    assert code == 0
    written = stdout.buffer.getvalue()  # type: ignore[attr-defined]
    lines = written.split(b"\n")
    assert lines[1].startswith(b'007,"' + SOLICITATION.encode() + b'",')
    assert lines[2] == b"NA,,0.000000,0,,,0,"
    assert "standard input -> standard output" in stderr.getvalue()


def test_jobs_2_keeps_input_order(tmp_path: Path, tiny_model_dir: Path, capsys) -> None:
    source = _stream_csv(tmp_path / "in.csv", 600)
    common = ["score", str(source), "--text-column", "message", "--model", str(tiny_model_dir), "--chunk-size", "40"]
    assert _run(capsys, *common, "-o", str(tmp_path / "one.csv"), "--jobs", "1", "--quiet")[0] == 0
    code, _, stderr = _run(
        capsys, *common, "-o", str(tmp_path / "two.csv"), "--jobs", "2", "--summary-json", str(tmp_path / "s.json")
    )
    assert code == 0, stderr
    one, two = (tmp_path / "one.csv").read_bytes(), (tmp_path / "two.csv").read_bytes()
    assert one == two
    ids = [line.split(b",")[0] for line in two.splitlines()[1:] if line[:1].isdigit()]
    assert ids == [f"{i:06d}".encode() for i in range(600)]
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["rows_read"] == summary["rows_written"] == 600
    assert summary["empty_text"] == 120  # every fifth row has an empty message
    assert summary["threshold"] is not None


ENTRY_POINTS = {
    "module": [sys.executable, "-m", "reviewbait.cli"],
    "script": [str(Path(sys.executable).with_name("reviewbait"))],
}


def _start_and_wait_for_part(
    tmp_path: Path, tiny_model_dir: Path, entry: str = "module", jobs: int = 1
) -> tuple[subprocess.Popen[bytes], Path]:
    """A run that reads stdin forever after its first rows, so it can be interrupted mid-file."""
    out = tmp_path / "out.csv"
    process = subprocess.Popen(
        [*ENTRY_POINTS[entry], "score", "-", "-o", str(out), "--text-column", "message",
         "--model", str(tiny_model_dir), "--jobs", str(jobs), "--chunk-size", "1"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdin is not None
    process.stdin.write(b"id,message\n1,hello there\n2,another row\n3,third row\n")
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(p.name.endswith(".part") for p in tmp_path.iterdir()):
            return process, out
        time.sleep(0.05)
    process.kill()
    process.communicate()
    pytest.fail("the run never started writing")


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize(
    ("sig", "returncode", "message"),
    [(signal.SIGINT, -signal.SIGINT, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_signal_leaves_no_output(
    tmp_path: Path, tiny_model_dir: Path, sig: int, returncode: int, message: str, entry: str
) -> None:
    """Stopped mid-run, at any moment (model loading included): one line, no output. Ctrl-C
    ends the process by SIGINT, so that a shell loop around it stops; SIGTERM exits 143."""
    process, out = _start_and_wait_for_part(tmp_path, tiny_model_dir, entry)
    time.sleep(0.2)
    os.kill(process.pid, sig)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == returncode, stderr.decode()
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("delay", [0.0, 1.5])
def test_ctrl_c_with_a_worker_pool_is_one_line(tmp_path: Path, tiny_model_dir: Path, delay: float) -> None:
    """While the pool starts or while it scores: no traceback from a half-started worker and
    no leaked-semaphore warning, because the interpreter still shuts down in order."""
    process, _ = _start_and_wait_for_part(tmp_path, tiny_model_dir, jobs=2)
    assert process.stdin is not None
    process.stdin.write(b"".join(b"%d,row %d\n" % (i, i) for i in range(4, 40)))
    process.stdin.flush()
    time.sleep(delay)
    os.kill(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGINT, stderr.decode()
    assert stderr.decode().strip() == "reviewbait: interrupted"
    assert list(tmp_path.iterdir()) == []


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["score", "--help"])
    text = capsys.readouterr().out
    for option in ("--text-column", "--only-flagged", "--on-bad-lines", "--jobs", "--summary-json", "Example:"):
        assert option in text


@pytest.mark.parametrize("extension", ["jsonl", "parquet"])
def test_report_reads_other_formats(
    tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str], extension: str
) -> None:
    source = _stream_csv(tmp_path / "in.csv", 30)
    out = tmp_path / f"scored.{extension}"
    args = ["score", str(source), "--text-column", "message", "-o", str(out), "--model", str(tiny_model_dir)]
    assert _run(capsys, *args, "--quiet", "--summary-json", str(tmp_path / "s.json"))[0] == 0
    flagged = json.loads((tmp_path / "s.json").read_text())["rows_flagged"]
    code, stdout, _ = _run(capsys, "report", str(out), "-n", "2")
    assert code == 0
    assert stdout.splitlines()[0] == f"{out}: 30 rows, {flagged} flagged ({flagged / 30:.1%})"
    unit = "row" if extension == "parquet" else "line"
    if flagged:
        assert "id=" in stdout and f"({unit} " in stdout


def test_report_shows_the_incentive_and_reads_files_scored_before_it(
    tmp_path: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scored.csv"
    args = ["score", str(SAMPLE), "--text-column", "message", "-o", str(out), "--model", str(tiny_model_dir)]
    assert _run(capsys, *args, "--quiet", "--threshold", "0.05")[0] == 0
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    flagged = scored[scored["reviewbait_flag"] == "1"]
    assert len(flagged) and (flagged["reviewbait_incentive"] != "").all()
    assert (scored.loc[scored["reviewbait_flag"] == "0", "reviewbait_incentive"] == "").all()
    code, stdout, _ = _run(capsys, "report", str(out), "-n", "1")
    assert code == 0 and any(f"({value})" in stdout for value in set(flagged["reviewbait_incentive"]))
    older = tmp_path / "older.csv"
    scored.drop(columns=["reviewbait_incentive"]).to_csv(older, index=False)
    code, stdout, stderr = _run(capsys, "report", str(older), "-n", "1")
    assert code == 0, stderr
    assert stdout.startswith(f"{older}: 220 rows, {len(flagged)} flagged")


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_killed_worker_stops_the_run_with_a_message(tmp_path: Path, tiny_model_dir: Path) -> None:
    """kill -9 of a worker (or the out-of-memory killer): the run stops, it does not wait forever."""
    psutil = pytest.importorskip("psutil")
    process, out = _start_and_wait_for_part(tmp_path, tiny_model_dir, jobs=2)
    assert process.stdin is not None and process.stderr is not None
    try:
        workers: list = []
        deadline = time.monotonic() + 60
        while not workers and time.monotonic() < deadline:
            # forkserver (a child) → workers (its children); the resource tracker has none
            workers = [w for child in psutil.Process(process.pid).children() for w in child.children()]
            time.sleep(0.05)
        assert workers, "no worker process found"
        # a row that keeps a worker busy for seconds, so the kill loses a chunk in flight
        used = {w.pid: sum(w.cpu_times()[:2]) for w in workers}
        process.stdin.write(b"4," + b"review for a gift card " * 5_000 + b"\n5,row 5\n")  # (read one ahead)
        process.stdin.flush()
        busy = None
        wait = time.monotonic() + 10
        while busy is None and time.monotonic() < wait:
            busy = next((w for w in workers if sum(w.cpu_times()[:2]) - used[w.pid] > 0.3), None)
            time.sleep(0.02)
        victim = busy or workers[0]
        victim.kill()
        victim.wait(timeout=30)
        started = time.monotonic()
        try:
            process.stdin.write(b"".join(b"%d,row %d\n" % (i, i) for i in range(6, 40)))
            process.stdin.close()
        except BrokenPipeError:
            pass  # the run stopped before reading it
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the run hung after its worker was killed")
        print(f"stopped {time.monotonic() - started:.2f} s after the worker died (busy: {busy is not None})")
        stderr = process.stderr.read().decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert process.returncode == 1, stderr
    assert "a worker process died" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
