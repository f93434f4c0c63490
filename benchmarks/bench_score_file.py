"""Benchmark `reviewbait score` against the floor: reading and writing the same CSV with pandas/pyarrow.

Builds a realistic CSV at run time in a temporary directory (never in the repository): real
SMS texts (../shared/corpora/sms_spam/sms_spam.csv) joined to about 25 words, about 2 % rows
from the labeled corpus's test split (solicitations), and three extra columns (an id with
leading zeros, a timestamp, a channel). Then, for 1,000,000 and 100,000 rows, it reports the
floor (pandas and pyarrow read + write, strings only), the time of `reviewbait score`, their
ratio, rows/s and the peak RSS of the scoring process tree (main process, largest worker, sum).

With ``--stream reviews`` the rows are the review-heavy stream of ``bench_reviews.py`` (real
``dev`` reviews, tweets and Weibo posts, ~1 % solicitations), repeated with row ids: the
stream of review platforms, where most texts reach the model.

CPU s is what the scoring process tree spent (it moves less with other load than the time).

Targets (issue 3): ratio <= 4 on 2 cores, peak RSS <= 500 MB, RSS(1M) within 10 % of RSS(100k);
issue 16: the same ratio and PSS <= 500 MB on the review-heavy stream.

    python benchmarks/bench_score_file.py [--rows 1000000 100000] [--jobs N] [--model DIR] [--stream reviews]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SMS = ROOT.parent / "shared" / "corpora" / "sms_spam" / "sms_spam.csv"
CHANNELS = ("sms", "facebook_group", "marketplace_msg", "app_review", "telegram", "forum")


def _sms_texts() -> list[str]:
    if not SMS.exists():
        sys.exit(f"missing {SMS}: the SMS corpus is read from ../shared, never copied into the repository")
    with SMS.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle) if row["text"].strip()]


def _solicitations() -> list[str]:
    from reviewbait.training.corpus import CorpusError, load_corpus, load_split

    corpus = load_corpus()
    try:
        split = load_split(corpus)
    except CorpusError as exc:  # the split is being rewritten: fall back to every positive row
        print(f"note: {exc}; using all positive rows of the corpus", file=sys.stderr)
        return corpus.loc[corpus["label"] == 1, "text"].tolist()
    return split.loc[(split["split"] == "test") & (split["label"] == 1), "text"].tolist()


def build_csv(path: Path, rows: int, seed: int = 0) -> None:
    """A stream of ~25-word posts: SMS texts joined together, 2 % solicitations from the test split."""
    rng = random.Random(seed)
    sms = _sms_texts()
    positives = _solicitations()
    start = 1_767_225_600  # 2026-01-01
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["post_id", "created_at", "channel", "message"])
        for i in range(rows):
            if rng.random() < 0.02:
                text = rng.choice(positives)
            else:
                words: list[str] = []
                target = rng.randint(18, 32)
                while len(words) < target:
                    words.extend(rng.choice(sms).split())
                text = " ".join(words[:target])
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * 7))
            writer.writerow([f"{i:08d}", stamp, rng.choice(CHANNELS), text])


def build_reviews_csv(path: Path, rows: int, seed: int = 0) -> None:
    """The review-heavy stream (real dev reviews + ~1 % solicitations), repeated to ``rows`` rows."""
    from bench_reviews import review_stream

    rng = random.Random(seed)
    texts = review_stream()
    start = 1_767_225_600  # 2026-01-01
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["post_id", "created_at", "channel", "message"])
        for i in range(rows):
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * 7))
            writer.writerow([f"{i:08d}", stamp, rng.choice(CHANNELS), texts[i % len(texts)]])


def _floor_pandas(source: Path, target: Path) -> float:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame.to_csv(target, index=False)
    return time.perf_counter() - started


def _floor_pyarrow(source: Path, target: Path) -> float:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    started = time.perf_counter()
    names = source.open(encoding="utf-8").readline().rstrip("\n").split(",")
    table = pacsv.read_csv(
        source,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )
    pacsv.write_csv(table, target)
    return time.perf_counter() - started


def _streaming_only(source: Path, target: Path) -> float:
    """reviewbait's read/parse/write layer alone (scoring replaced by zeros, one process): its own overhead."""
    import numpy as np

    from reviewbait import batch
    from reviewbait.io import pool

    def zeros(self: object, texts: list[object]) -> dict[str, object]:
        n = len(texts)
        return {
            "probability": np.zeros(n),
            "flag": np.zeros(n, dtype=np.int8),
            "category": [""] * n,
            "incentive": [""] * n,
            "sentiment_conditioned": np.zeros(n, dtype=np.int8),
            "evidence": [""] * n,
        }

    original = pool._Scorer._local
    pool._Scorer._local = zeros  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        options = batch.ScoreOptions(
            input=str(source), output=str(target), text_column="message", jobs=1, quiet=True, overwrite=True
        )
        batch.score_file(options)
        return time.perf_counter() - started
    finally:
        pool._Scorer._local = original  # type: ignore[method-assign]


def _run_measured(command: list[str]) -> tuple[float, dict[str, float]]:
    """Wall time, peak RSS and PSS (MB) and CPU seconds of a process tree, polled every 50 ms.

    CPU seconds (user + system, each process's last reading) say what the run cost whatever
    else the machine ran: on 2 shared cores the wall time moves with other processes' load.
    """
    peaks = {"main": 0.0, "worker": 0.0, "total": 0.0, "pss": 0.0}
    cpu: dict[int, float] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(process.pid)
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            try:
                processes = [root, *root.children(recursive=True)]
                rss = []
                pss = 0
                for process_ in processes:
                    with contextlib.suppress(psutil.Error):
                        times = process_.cpu_times()
                        cpu[process_.pid] = times.user + times.system
                        rss.append(process_.memory_info().rss)
                        pss += process_.memory_full_info().pss  # shared pages split between processes
            except psutil.Error:
                break
            if not rss:
                break
            peaks["main"] = max(peaks["main"], rss[0] / 2**20)
            peaks["worker"] = max(peaks["worker"], max(rss[1:], default=0) / 2**20)
            peaks["total"] = max(peaks["total"], sum(rss) / 2**20)
            peaks["pss"] = max(peaks["pss"], pss / 2**20)
            time.sleep(0.05)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    thread.join()
    if process.returncode != 0:
        sys.exit(f"reviewbait score failed ({process.returncode}): {err.decode(errors='replace')}")
    peaks["cpu_main"] = cpu.get(process.pid, 0.0)
    peaks["cpu_total"] = sum(cpu.values())
    return elapsed, peaks


def bench(
    rows: int, directory: Path, big: Path, max_rows: int, jobs: int | None, model: str | None
) -> dict[str, float]:
    source = directory / f"posts_{rows}.csv"
    if rows == max_rows:
        source = big
    else:
        # the first rows, cut with a CSV parser: a text may hold line breaks
        with big.open(encoding="utf-8", newline="") as full, source.open("w", encoding="utf-8", newline="") as part:
            writer = csv.writer(part, lineterminator="\n")
            for i, row in enumerate(csv.reader(full)):
                if i > rows:
                    break
                writer.writerow(row)
    size_mb = source.stat().st_size / 2**20
    floor_pandas = _floor_pandas(source, directory / "floor_pandas.csv")
    floor_pyarrow = _floor_pyarrow(source, directory / "floor_pyarrow.csv")
    streaming = _streaming_only(source, directory / "streaming_only.csv")
    command = [sys.executable, "-m", "reviewbait.cli", "score", str(source), "--text-column", "message"]
    command += ["-o", str(directory / "scored.csv"), "--overwrite", "--quiet"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    if model is not None:
        command += ["--model", model]
    seconds, peaks = _run_measured(command)
    floor = min(floor_pandas, floor_pyarrow)
    return {
        "rows": rows,
        "size_mb": size_mb,
        "floor_pandas": floor_pandas,
        "floor_pyarrow": floor_pyarrow,
        "floor": floor,
        "score": seconds,
        "streaming": streaming,
        "ratio": seconds / floor,
        "ratio_pandas": seconds / floor_pandas,
        "rows_per_s": rows / seconds,
        **{f"rss_{k}": v for k, v in peaks.items() if not k.startswith("cpu")},
        "cpu_main": peaks["cpu_main"],
        "cpu_total": peaks["cpu_total"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 100_000])
    parser.add_argument("--jobs", type=int, default=None, help="passed to reviewbait score (default: all cores)")
    parser.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    parser.add_argument("--stream", choices=("sms", "reviews"), default="sms", help="which rows to build")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"cores: {cores}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="reviewbait-bench-") as tmp:
        directory = Path(tmp)
        big = directory / "posts_full.csv"
        started = time.perf_counter()
        (build_reviews_csv if args.stream == "reviews" else build_csv)(big, max(args.rows))
        print(
            f"built {max(args.rows):,} {args.stream} rows ({big.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
        results = [bench(rows, directory, big, max(args.rows), args.jobs, args.model) for rows in args.rows]
    header = (
        f"{'rows':>10} {'MB':>6} {'pandas s':>9} {'pyarrow s':>9} {'score s':>8} {'ratio':>6} {'vs pandas':>9} "
        f"{'rows/s':>9} {'stream s':>8} {'RSS main':>9} {'worker':>7} {'total':>7} {'PSS sum':>8} "
        f"{'CPU s':>7} {'main':>6}"
    )
    print(header)
    for r in results:
        print(
            f"{r['rows']:>10,} {r['size_mb']:>6.0f} {r['floor_pandas']:>9.2f} {r['floor_pyarrow']:>9.2f} "
            f"{r['score']:>8.2f} {r['ratio']:>6.2f} {r['ratio_pandas']:>9.2f} {r['rows_per_s']:>9,.0f} {r['streaming']:>8.2f} "
            f"{r['rss_main']:>9.0f} {r['rss_worker']:>7.0f} {r['rss_total']:>7.0f} {r['rss_pss']:>8.0f} "
            f"{r['cpu_total']:>7.1f} {r['cpu_main']:>6.1f}"
        )
    print("ratio = score time / floor, the faster of pandas and pyarrow read + write (strings, no type inference)")
    print("stream s = reviewbait's own read/parse/write with scoring replaced by zeros, one process")
    print(
        "RSS: peak of the main process, of the largest child, of the whole tree (sum); PSS sum counts shared pages once"
    )
    print("CPU s: CPU seconds of the scoring process tree (user + system), main: of the main process alone")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {cores} cores (other processes slow the run)")
    if len(results) >= 2:
        big_r, small_r = results[0], results[-1]
        for key in ("rss_main", "rss_worker", "rss_total", "rss_pss"):
            change = big_r[key] / small_r[key] - 1 if small_r[key] else float("nan")
            print(f"{key}: {big_r['rows']:,} rows vs {small_r['rows']:,} rows: {change:+.1%}")


if __name__ == "__main__":
    main()
