"""reviewbait.dask on a real multi-process LocalCluster: same rows and values as local scoring,
a worker killed mid-run, and the input errors found before any work starts."""

from __future__ import annotations

import argparse
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed: pip install 'reviewbait[dask]'")
distributed = pytest.importorskip(
    "distributed", reason="the dask extra is not installed: pip install 'reviewbait[dask]'"
)

from reviewbait import dask as rdask  # noqa: E402
from reviewbait.cli.score import run_dask  # noqa: E402
from reviewbait.detector import Detector  # noqa: E402
from reviewbait.io import dask as io_dask  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"
ADDED = [f"reviewbait_{key}" for key in rdask.ADDED_DTYPES]


def _sample() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    # values a type-guessing reader would change: they must come back as written
    frame.loc[0, "likes"] = "007"
    frame.loc[1, "likes"] = "NA"
    frame.loc[2, "author"] = ""
    return frame


def _write_parts(frame: pd.DataFrame, directory: Path, parts: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    size = -(-len(frame) // parts)
    for i in range(parts):
        path = directory / f"exports-2026-{i + 1:02d}.csv"
        frame.iloc[i * size : (i + 1) * size].to_csv(path, index=False)
        paths.append(path)
    return paths


def _read_output(directory: Path, fmt: str) -> pd.DataFrame:
    parts = sorted(directory.glob(f"*.{fmt}"))
    assert parts, f"no output parts in {directory}"
    if fmt == "parquet":
        return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    frame = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in parts], ignore_index=True)
    for name, dtype in rdask.ADDED_DTYPES.items():
        frame[f"reviewbait_{name}"] = frame[f"reviewbait_{name}"].astype(dtype)
    return frame


def _assert_same_scores(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Row for row: every row once, in input order, every value equal."""
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    assert got["post_id"].tolist() == expected["post_id"].tolist()
    for column in expected.columns:
        assert got[column].tolist() == expected[column].tolist(), column


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("exports")
    _write_parts(_sample(), directory, 3)
    return directory


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _expected(tiny_detector: Detector, directory: Path) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(directory.glob("*.csv"))]
    return tiny_detector.score_frame(pd.concat(frames, ignore_index=True), "message")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_cluster_output_equals_local_scoring(
    client: Any, exports: Path, tiny_model_dir: Path, tiny_detector: Detector, tmp_path: Path, fmt: str
) -> None:
    run = rdask.score_files(
        str(exports / "exports-2026-*.csv"),
        str(tmp_path / "scored" / f"*.{fmt}"),
        text_column="message",
        model=tiny_model_dir,
        scheduler=client,
        progress=False,
    )
    assert run.partitions == 3 and len(run.inputs) == 3 and run.output_format == fmt
    assert sorted(p.name for p in (tmp_path / "scored").iterdir()) == [f"part-0000{i}.{fmt}" for i in range(3)]
    expected = _expected(tiny_detector, exports)
    assert expected["reviewbait_flag"].sum() > 0, "the sample must hold flagged rows for this test to mean anything"
    _assert_same_scores(_read_output(tmp_path / "scored", fmt), expected)
    # the model was loaded by the workers themselves, once per process, from its path
    key = (str(tiny_model_dir.resolve()), False)
    loaded = list(client.run(io_dask._loaded_models).values())
    assert key in [m for models in loaded for m in models] and all(models in ([], [key]) for models in loaded)


def test_the_model_is_not_shipped_with_the_tasks(tiny_model_dir: Path) -> None:
    import cloudpickle

    scored = rdask.score(dd.from_pandas(_sample(), npartitions=3), "message", model=tiny_model_dir)
    graph = cloudpickle.dumps(dict(scored.__dask_graph__()))
    model_bytes = sum(p.stat().st_size for p in tiny_model_dir.iterdir())
    assert len(graph) < model_bytes / 5, (len(graph), model_bytes)


def test_parquet_inputs(
    client: Any, exports: Path, tiny_model_dir: Path, tiny_detector: Detector, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    for path in sorted(exports.glob("*.csv")):
        pd.read_csv(path, dtype=str, keep_default_na=False).to_parquet(tmp_path / "in" / f"{path.stem}.parquet")
    run = rdask.score_files(
        str(tmp_path / "in"),
        str(tmp_path / "out" / "*.csv"),
        text_column="message",
        model=tiny_model_dir,
        scheduler=client,
        progress=False,
    )
    assert run.partitions == 3
    _assert_same_scores(_read_output(tmp_path / "out", "csv"), _expected(tiny_detector, exports))


def test_parquet_columns_of_different_types_are_an_error(tmp_path: Path) -> None:
    pd.DataFrame({"message": ["a"], "likes": [1]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"message": ["b"], "likes": ["1"]}).to_parquet(tmp_path / "b.parquet")
    with pytest.raises(rdask.DaskInputError, match=r"'likes' is int64 in .*a\.parquet but string in .*b\.parquet"):
        rdask.score_files(str(tmp_path / "*.parquet"), str(tmp_path / "out"), text_column="message")


def test_score_declares_the_dtypes_score_frame_produces(tiny_model_dir: Path, tiny_detector: Detector) -> None:
    frame = _sample()
    local = tiny_detector.score_frame(frame, "message")
    assert {name: local[name].dtype for name in ADDED} == {f"reviewbait_{k}": v for k, v in rdask.ADDED_DTYPES.items()}
    ddf = dd.from_pandas(frame, npartitions=3)
    ddf = ddf[ddf["post_id"] != frame["post_id"].iloc[0]]  # leaves a row out of one partition
    empty = ddf[ddf["post_id"] == "no such id"]  # every partition empty: dtypes must still hold
    scored = rdask.score(ddf, "message", model=tiny_model_dir)
    for lazy in (scored, rdask.score(empty, "message", model=tiny_model_dir)):
        computed = lazy.compute(scheduler="sync")
        assert list(lazy.columns) == list(computed.columns)
        assert [lazy.dtypes[c] for c in ADDED] == [computed.dtypes[c] for c in ADDED]
    expected = local[local["post_id"] != frame["post_id"].iloc[0]]
    pd.testing.assert_frame_equal(
        scored.compute(scheduler="sync").reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )


def test_score_checks_its_arguments_before_running(tiny_model_dir: Path) -> None:
    ddf = dd.from_pandas(_sample(), npartitions=2)
    with pytest.raises(KeyError, match="'body' not found"):
        rdask.score(ddf, "body", model=tiny_model_dir)
    with pytest.raises(ValueError, match="threshold"):
        rdask.score(ddf, "message", threshold=1.5, model=tiny_model_dir)
    # scoring a scored frame again with the same prefix would overwrite the scores
    with pytest.raises(ValueError, match="choose another prefix"):
        rdask.score(rdask.score(ddf, "message", model=tiny_model_dir), "message", model=tiny_model_dir)


class _KillFirstTask(distributed.WorkerPlugin):
    """Worker plugin: the first task to start executing on any worker kills its process (SIGKILL,
    as the kernel's OOM killer would); a marker file makes it happen once in the whole run."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing":
            return
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_run_loses_no_row_and_duplicates_none(
    exports: Path, tiny_model_dir: Path, tiny_detector: Detector, tmp_path: Path
) -> None:
    source = tmp_path / "many"
    _write_parts(_sample(), source, 6)
    marker = tmp_path / "killed"
    with (
        distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):
        pids_before = set(client.run(os.getpid).values())
        client.register_plugin(_KillFirstTask(str(marker)), name="kill-first-task")
        rdask.score_files(
            str(source),
            str(tmp_path / "scored"),
            text_column="message",
            model=tiny_model_dir,
            scheduler=client,
            progress=False,
        )
        client.wait_for_workers(2, timeout=60)
        pids_after = set(client.run(os.getpid).values())
    assert marker.exists(), "no worker was killed: the test did not test anything"
    assert pids_before - pids_after, "the killed worker process should have been replaced"
    _assert_same_scores(_read_output(tmp_path / "scored", "parquet"), _expected(tiny_detector, source))


def _copy_with(exports: Path, directory: Path, change: str) -> Path:
    directory.mkdir()
    for i, path in enumerate(sorted(exports.glob("*.csv"))):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if i == 1 and change == "rename":
            frame = frame.rename(columns={"message": "body"})
        if i == 1 and change == "extra":
            frame.insert(2, "lang", "en")
        if i == 2 and change in ("extra", "reorder"):
            frame = frame[list(reversed(frame.columns))]
        # a byte-order mark, as spreadsheet exports write, on the file whose header Dask reads
        frame.to_csv(directory / path.name, index=False, encoding="utf-8-sig" if change == "reorder" else "utf-8")
    return directory


def test_a_file_without_the_text_column_is_named(exports: Path, tmp_path: Path) -> None:
    inputs = _copy_with(exports, tmp_path / "in", "rename")
    with pytest.raises(rdask.DaskInputError, match=r"not found in 1 of 3 files:\n  .*exports-2026-02\.csv"):
        rdask.score_files(str(inputs / "*.csv"), str(tmp_path / "out"), text_column="message")
    assert not (tmp_path / "out").exists()  # nothing started, nothing written


def test_files_with_other_columns_need_union_columns(
    client: Any, exports: Path, tiny_model_dir: Path, tiny_detector: Detector, tmp_path: Path
) -> None:
    inputs = _copy_with(exports, tmp_path / "in", "extra")
    with pytest.raises(rdask.DaskInputError, match=r"different columns.*\n  .*exports-2026-02\.csv: extra lang"):
        rdask.score_files(str(inputs), str(tmp_path / "out"), text_column="message")
    args = _dask_args(
        str(inputs),
        "-o",
        str(tmp_path / "out" / "*.csv"),
        "--text-column",
        "message",
        "--model",
        str(tiny_model_dir),
        "--union-columns",
        "--quiet",
    )
    args.scheduler = client  # a running cluster (the command line takes its address)
    assert run_dask(args) == 0
    got = _read_output(tmp_path / "out", "csv")
    expected = _expected(tiny_detector, exports)
    assert got["lang"].tolist()[: len(got) // 3] == [""] * (len(got) // 3)  # absent: left empty
    assert set(got["lang"]) == {"", "en"}
    _assert_same_scores(got.drop(columns="lang"), expected)


def test_files_with_the_same_columns_in_another_order_are_aligned(
    client: Any, exports: Path, tiny_model_dir: Path, tiny_detector: Detector, tmp_path: Path
) -> None:
    inputs = _copy_with(exports, tmp_path / "in", "reorder")
    rdask.score_files(
        str(inputs / "*.csv"),
        str(tmp_path / "out" / "*.parquet"),
        text_column="message",
        model=tiny_model_dir,
        scheduler=client,
        progress=False,
    )
    _assert_same_scores(_read_output(tmp_path / "out", "parquet"), _expected(tiny_detector, exports))


def test_an_existing_output_needs_overwrite(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-00000.parquet").write_bytes(b"old")
    with pytest.raises(rdask.DaskInputError, match="overwrite"):
        rdask.score_files(str(exports / "*.csv"), str(out), text_column="message")


def _dask_args(*argv: str) -> argparse.Namespace:
    """``reviewbait score ARGV --engine dask`` as the command line parses it."""
    from reviewbait.cli import build_parser

    return build_parser().parse_args(["score", *argv, "--engine", "dask"])


def test_run_dask_rejects_what_the_dask_engine_cannot_do(tmp_path: Path) -> None:
    base = ["in/*.csv", "--text-column", "message"]
    out = ["-o", str(tmp_path / "out")]
    with pytest.raises(rdask.DaskInputError, match="--limit"):
        run_dask(_dask_args(*base, *out, "--limit", "10"))
    with pytest.raises(rdask.DaskInputError, match="--text-column"):
        run_dask(_dask_args("in/*.csv", *out))
    with pytest.raises(rdask.DaskInputError, match="-o/--output"):
        run_dask(_dask_args(*base))
    with pytest.raises(rdask.DaskInputError, match=r"one file per partition: give a pattern such as 'scored/\*\.csv'"):
        run_dask(_dask_args(*base, "-o", "scored.csv"))


def test_the_core_install_does_not_need_dask() -> None:
    import subprocess
    import sys

    blocked = "import sys; sys.modules['dask'] = sys.modules['distributed'] = None; "
    core = subprocess.run(
        [sys.executable, "-c", blocked + "import reviewbait, reviewbait.detector, reviewbait.batch"],
        capture_output=True,
        text=True,
    )
    assert core.returncode == 0, core.stderr
    extra = subprocess.run([sys.executable, "-c", blocked + "import reviewbait.dask"], capture_output=True, text=True)
    assert extra.returncode != 0 and "pip install 'reviewbait[dask]'" in extra.stderr


def test_added_columns_are_the_detectors_in_its_order() -> None:
    from reviewbait.batch import ADDED_COLUMNS
    from reviewbait.detector import SCORE_COLUMNS

    assert tuple(rdask.ADDED_DTYPES) == SCORE_COLUMNS == ADDED_COLUMNS
