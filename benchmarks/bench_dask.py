"""Benchmark `reviewbait.dask.score_files` on a local cluster of 1 and of 2 worker processes, in one run.

Writes CSV files at run time in a temporary directory (never in the repository): the rows of
data/sample/posts_export.csv repeated, with unique ids. Then, for each cluster size, it starts a
``distributed.LocalCluster`` (one single-threaded process per worker), loads the shipped model
on every worker, and times ``score_files`` over the same files into partitioned Parquet
(warm: what a long run sees per row). Cluster start and model load are reported apart (cold).
For reference it also times ``Detector.score_frame`` on the same rows in this one process.

    python benchmarks/bench_dask.py [--files 4] [--rows-per-file 20000] [--workers 1 2] [--rounds 2] [--model DIR] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"


def build_files(directory: Path, files: int, rows_per_file: int) -> list[Path]:
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    repeats = -(-rows_per_file // len(sample))
    paths = []
    for i in range(files):
        frame = pd.concat([sample] * repeats, ignore_index=True).iloc[:rows_per_file].copy()
        frame["post_id"] = [f"f{i:03d}-{n:08d}" for n in range(len(frame))]
        path = directory / f"export-{i:03d}.csv"
        frame.to_csv(path, index=False)
        paths.append(path)
    return paths


def start_cluster(workers: int, model: str | None, stack: contextlib.ExitStack) -> tuple[Any, float]:
    """A local cluster with the model loaded on every worker, and how long that took."""
    from distributed import Client, LocalCluster

    from reviewbait import dask as rdask

    started = time.perf_counter()
    cluster = stack.enter_context(
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    )
    client = stack.enter_context(Client(cluster))
    client.run(rdask._cached_detector, rdask._model_key(model), False)  # each worker loads the model once
    return client, time.perf_counter() - started


def time_cluster(client: Any, pattern: str, out: Path, model: str | None) -> tuple[float, int]:
    from reviewbait import dask as rdask

    t0 = time.perf_counter()
    run = rdask.score_files(
        pattern, str(out), text_column="message", model=model, scheduler=client, overwrite=True, progress=False
    )
    return time.perf_counter() - t0, run.partitions


def time_local(paths: list[Path], model: str | None) -> float:
    from reviewbait.detector import Detector

    detector = Detector.load(model)
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths]
    t0 = time.perf_counter()
    for frame in frames:
        detector.score_frame(frame, "message")
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--rows-per-file", type=int, default=20000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=2, help="timed runs of each configuration, interleaved")
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    times: dict[str, list[float]] = {"in-process": []}
    cold: dict[str, float] = {}
    partitions = 0
    with tempfile.TemporaryDirectory(prefix="reviewbait-bench-dask-") as tmp, contextlib.ExitStack() as stack:
        directory = Path(tmp)
        (directory / "in").mkdir()
        paths = build_files(directory / "in", args.files, args.rows_per_file)
        rows = args.files * args.rows_per_file
        clients = {}
        for workers in args.workers:
            clients[str(workers)], cold[str(workers)] = start_cluster(workers, args.model, stack)
            times[str(workers)] = []
        # rounds interleave the configurations, so a burst of other work on the machine hits all
        for _ in range(args.rounds):
            times["in-process"].append(time_local(paths, args.model))
            for name, client in clients.items():
                seconds, partitions = time_cluster(
                    client, str(directory / "in" / "*.csv"), directory / name, args.model
                )
                times[name].append(seconds)

    results = []
    for name, values in times.items():
        best = min(values)
        results.append(
            {
                "workers": name,
                "best_seconds": round(best, 2),
                "all_seconds": [round(v, 2) for v in values],
                "rows_per_second": round(rows / best),
                **({"cluster_start_and_model_load_seconds": round(cold[name], 2)} if name in cold else {}),
            }
        )
    base = next((r for r in results if r["workers"] == "1"), None)
    for r in results:
        if base and r["workers"] != "in-process":
            r["speedup_vs_1_worker"] = round(r["rows_per_second"] / base["rows_per_second"], 2)
    report = {
        "rows": rows,
        "files": args.files,
        "partitions": partitions,
        "rounds": args.rounds,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        # other work on the machine skews the 1-vs-2 comparison: shown so a reader can tell
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "results": results,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{rows} rows in {args.files} CSV files, {report['cores']} cores, Python {report['python']}, "
        f"load average {report['load_average_1min_at_end']} at the end"
    )
    print(f"{'workers':>11} {'best s':>7} {'rows/s':>8} {'speedup':>8} {'start+load s':>13}  all runs (s)")
    for r in results:
        print(
            f"{r['workers']:>11} {r['best_seconds']:>7} {r['rows_per_second']:>8} "
            f"{r.get('speedup_vs_1_worker', ''):>8} {r.get('cluster_start_and_model_load_seconds', ''):>13}  "
            f"{r['all_seconds']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
