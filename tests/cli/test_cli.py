"""The command line as a whole: `python -m reviewbait`, and commands that need a clone say so."""

from __future__ import annotations

import subprocess
import sys

import pytest

import reviewbait
from reviewbait import cli
from reviewbait.training import corpus


def test_python_dash_m_runs_the_command_line(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reviewbait", "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.strip() == f"reviewbait {reviewbait.__version__}"


@pytest.mark.parametrize("args", [["train"], ["corpus"], ["corpus", "--write-split"]])
def test_commands_that_need_the_corpus_say_so_without_a_clone(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(corpus, "clone_root", lambda: None)  # as when installed from a wheel
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2
    assert "clone of the reviewbait repository" in err and "reviewbait train --data FILE" in err
    assert len(err.strip().splitlines()) == 1


def test_in_a_clone_the_corpus_and_the_bundled_model_are_found() -> None:
    from reviewbait.artifact import bundled_model_dir

    root = corpus.clone_root()
    assert root is not None and corpus.data_dir() == root / "data"
    assert bundled_model_dir() == root / "src" / "reviewbait" / "models"
