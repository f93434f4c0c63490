"""The README's examples run, its numbers are the manifest's, and every command is documented."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewbait.artifact import default_model_dir
from reviewbait.cli import COMMANDS
from reviewbait.training.card import README_END, README_START, render_readme_metrics

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_python_examples_run_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    examples = blocks("python")
    assert len(examples) >= 4
    namespace: dict[str, object] = {}
    for example in examples:
        exec(compile(example, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "True" in out  # the seed case is flagged
    assert "index 1" in out  # the bad-input example shows its error


def test_shell_examples_run(tmp_path: Path) -> None:
    (tmp_path / "data" / "sample").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "sample" / "posts_export.csv", tmp_path / "data" / "sample")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for block in blocks("bash"):
        result = subprocess.run(
            ["bash", "-c", "set -euo pipefail\n" + block], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, f"{block}\n{result.stdout}\n{result.stderr}"
    assert (tmp_path / "scored.csv").exists()


def test_metrics_table_is_the_manifests() -> None:
    manifest = json.loads((default_model_dir() / "manifest.json").read_text())
    block = README.split(README_START, 1)[1].split(README_END, 1)[0].strip()
    assert block == render_readme_metrics(manifest).strip(), "run `make train` (it rewrites the README table)"


def test_every_command_is_documented() -> None:
    for name in COMMANDS:
        assert f"`reviewbait {name}`" in README, name


def test_the_two_commands_are_given() -> None:
    assert "make demo" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_datasheet_counts_are_the_corpus_counts() -> None:
    from reviewbait.training.corpus import load_corpus, load_split
    from reviewbait.training.datasheet import counts_markdown

    datasheet = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    block = datasheet.split("<!-- counts:start -->", 1)[1].split("<!-- counts:end -->", 1)[0].strip()
    assert block == counts_markdown(load_split(load_corpus())).strip()
