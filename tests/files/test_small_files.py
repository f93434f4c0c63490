"""A file that fits in one chunk is scored in this process: no worker pool to start (issue 16)."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest

from reviewbait.batch import ScoreOptions, score_file


class PoolStarted(Exception):
    pass


def _no_pool(*args: object, **kwargs: object) -> None:
    raise PoolStarted


def _two_rows(tmp_path: Path) -> Path:
    path = tmp_path / "two.csv"
    path.write_text("id,text\n1,hello there\n2,Leave 5 stars and get a free gift card\n", encoding="utf-8")
    return path


def _options(tmp_path: Path, model: Path, **kwargs: object) -> ScoreOptions:
    """Two rows scored with two jobs asked for: whether a pool starts is the test's question."""
    return ScoreOptions(
        input=str(_two_rows(tmp_path)),
        output=str(tmp_path / "out.csv"),
        text_column="text",
        model=str(model),
        jobs=2,
        quiet=True,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_two_row_file_starts_no_worker_pool(
    tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _no_pool)
    summary = score_file(_options(tmp_path, tiny_model_dir))
    assert summary.rows_written == 2
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 3


def test_a_file_of_more_than_one_chunk_uses_the_pool(
    tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _no_pool)
    with pytest.raises(PoolStarted):
        score_file(_options(tmp_path, tiny_model_dir, chunk_size=1))
    assert not (tmp_path / "out.csv").exists()
