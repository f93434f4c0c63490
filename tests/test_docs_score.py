"""Every shell example of docs/cli_score.md runs, against the tiny model (never the network)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "cli_score.md"
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"
BLOCKS = re.findall(r"```bash\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)

# `reviewbait score` and `explain` get `--model TINY` appended; everything else runs as written.
PRELUDE = """set -euo pipefail
reviewbait() {
    case "$1" in
        score|explain) "$RB_PYTHON" -m reviewbait.cli "$@" --model "$RB_MODEL" ;;
        *) "$RB_PYTHON" -m reviewbait.cli "$@" ;;
    esac
}
"""


def test_the_doc_has_examples() -> None:
    assert len(BLOCKS) >= 5
    assert all("reviewbait" in block for block in BLOCKS)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(SAMPLE, tmp_path / "posts.csv")
    return tmp_path


def test_every_bash_block_runs(workdir: Path, tiny_model_dir: Path) -> None:
    env = {**os.environ, "RB_PYTHON": sys.executable, "RB_MODEL": str(tiny_model_dir)}
    for block in BLOCKS:  # in order, in one directory: later blocks may use earlier outputs
        result = subprocess.run(
            ["bash", "-c", PRELUDE + block], cwd=workdir, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{block}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert (workdir / "posts.scored.csv").read_bytes().count(b"\n") == SAMPLE.read_bytes().count(b"\n")
    assert (workdir / "summary.json").exists() and (workdir / "posts.parquet").exists()
    rejected = (workdir / "messy.scored.rejected.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in rejected] == ["line_number", "3", "4"]
    assert (workdir / "messy.scored.csv").read_text(encoding="utf-8").count("\n") == 3  # header + rows 1 and 4
