"""Every example of docs/evaluate.md runs, in order, against the tiny model (never the network).

`evaluate`, `triage`, `score` and `explain` get `--model TINY` unless the example names a model;
`train` gets `--no-base`, so the loop runs in seconds (merging with the bundled corpus is tested
in tests/training/test_retrain.py). The labeling step is done by hand in real life: here the labeled
rows (`my_rows.csv`) are the made-up pattern of tests/rateloop_rows.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rateloop_rows import user_frame
from reviewbait.training.corpus import COLUMNS, load_corpus, load_split

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "evaluate.md"
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"
TEXT = DOC.read_text(encoding="utf-8")
BASH = re.findall(r"```bash\n(.*?)```", TEXT, flags=re.DOTALL)
PYTHON = re.findall(r"```python\n(.*?)```", TEXT, flags=re.DOTALL)

PRELUDE = """set -euo pipefail
reviewbait() {
    local named=0
    for arg in "$@"; do [ "$arg" = "--model" ] && named=1; done
    case "$1" in
        evaluate|triage|score|explain)
            if [ "$named" = 1 ]; then "$RB_PYTHON" -m reviewbait.cli "$@"; else "$RB_PYTHON" -m reviewbait.cli "$@" --model "$RB_MODEL"; fi ;;
        train) "$RB_PYTHON" -m reviewbait.cli "$@" --no-base ;;
        *) "$RB_PYTHON" -m reviewbait.cli "$@" ;;
    esac
}
python() { "$RB_PYTHON" "$@"; }
"""


def test_the_doc_shows_the_whole_loop() -> None:
    commands = " ".join(BASH)
    for command in ("reviewbait evaluate", "reviewbait triage", "reviewbait train --data", "--model models/mine/"):
        assert command in commands
    assert PYTHON and 'Detector.load("models/mine/")' in PYTHON[0]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(SAMPLE, tmp_path / "posts.csv")
    corpus = load_split(load_corpus())
    test = corpus[corpus["split"] == "test"].sample(frac=1.0, random_state=3).groupby(["label", "language"]).head(6)
    test[COLUMNS].to_csv(tmp_path / "labeled.csv", index=False)
    mine = user_frame().rename(columns={"id": "post_id", "text": "message"})
    mine[["post_id", "message", "label", "category", "sentiment_conditioned"]].to_csv(
        tmp_path / "my_rows.csv", index=False
    )
    return tmp_path


def test_every_example_runs(workdir: Path, tiny_model_dir: Path) -> None:
    env = {**os.environ, "RB_PYTHON": sys.executable, "RB_MODEL": str(tiny_model_dir)}
    for block in BASH:  # in order, in one directory: later blocks use earlier outputs
        result = subprocess.run(
            ["bash", "-c", PRELUDE + block], cwd=workdir, env=env, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, f"{block}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    for block in PYTHON:
        result = subprocess.run([sys.executable, "-c", block], cwd=workdir, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{block}\n--- stderr\n{result.stderr}"
        assert 0.5 < float(result.stdout.strip()) <= 1.0  # the new model catches the new pattern
    for name in ("report.html", "report.md", "report_mine.html"):
        assert (workdir / name).read_text(encoding="utf-8").count("data:image/png;base64,") == 2
    assert (workdir / "to_label.csv").read_text(encoding="utf-8").splitlines()[0].endswith("label,category")
    assert (workdir / "models" / "mine" / "MODEL_CARD.md").exists()
    assert (workdir / "posts.mine.csv").exists()
