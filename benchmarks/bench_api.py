"""Benchmark the HTTP API against a bare FastAPI endpoint on the same server, in one run.

Starts ``reviewbait serve`` (shipped model, ``REVIEWBAIT_BENCH=1`` mounts ``GET /bench/hello``:
the same app, middleware and server, without the model) on 127.0.0.1, then measures:

* single-text latency, p50 and p99, of ``POST /v1/check`` against ``GET /bench/hello``
  (one client, requests interleaved so both see the same machine state);
* the same request with an empty text (no scoring, but the library's fixed cost per call);
* batch-of-100 throughput in posts/s with several concurrent clients;
* the library alone on the same texts, in this process: ``Detector.check_many`` single-text
  latency and batch throughput, so the API's share of the time is visible in the same run.

Batch throughput is measured on two kinds of batches:

* ``stream``: the realistic stream of benchmarks/bench_core.py (the real SMS texts of
  ../shared/corpora/sms_spam plus ~2 % solicitations from the test split), what a moderation
  queue sends; about 5 % of it passes the gate and reaches the model;
* ``posts``: the real-looking posts of data/sample/posts_export.csv, written to be about
  reviews (a third pass the gate): the worst case, most texts reach the model.

Single-text latency uses the posts.

Usage: python benchmarks/bench_api.py [--workers 2] [--requests 2000] [--seconds 10] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_core import realistic_stream  # noqa: E402

SAMPLE = ROOT / "data" / "sample" / "posts_export.csv"


def load_texts() -> list[str]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return [row["message"] for row in csv.DictReader(handle) if row.get("message")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(port: int, workers: int, model: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REVIEWBAIT_BENCH": "1"}
    env.pop("REVIEWBAIT_API_KEY", None)
    command = [sys.executable, "-m", "reviewbait.cli", "serve", "--port", str(port), "--workers", str(workers)]
    command += ["--model", str(model)]
    # the access log goes to /dev/null: a real deployment pays for it, and so does this run
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"reviewbait serve exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("reviewbait serve did not become ready in 120 s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def latency(url: str, texts: list[str], n: int) -> dict[str, dict[str, float]]:
    """Interleaved: the bare endpoint, /v1/check on an empty text, and /v1/check on real posts."""
    timings: dict[str, list[float]] = {"hello": [], "check_empty": [], "check": []}
    with httpx.Client(base_url=url, timeout=30) as client:
        calls = {
            "hello": lambda i: client.get("/bench/hello"),
            "check_empty": lambda i: client.post("/v1/check", json={"text": ""}),
            "check": lambda i: client.post("/v1/check", json={"text": texts[i % len(texts)]}),
        }
        for i in range(200):  # warm up every path and the connection
            for call in calls.values():
                call(i)
        for i in range(n):
            for name, call in calls.items():
                start = time.perf_counter()
                response = call(i)
                timings[name].append(time.perf_counter() - start)
                response.raise_for_status()
    return {name: summary(values) for name, values in timings.items()}


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values, 50) * 1000,
        "p99_ms": percentile(values, 99) * 1000,
        "mean_ms": statistics.fmean(values) * 1000,
    }


def throughput(url: str, batches: list[list[str]], clients: int, seconds: float) -> dict[str, float]:
    posted = [0] * clients
    stop = time.monotonic() + seconds
    errors: list[str] = []

    def run(worker: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            i = worker
            while time.monotonic() < stop:
                batch = batches[i % len(batches)]
                response = client.post("/v1/check", json={"texts": batch})
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                    return
                posted[worker] += len(batch)
                i += clients

    with httpx.Client(base_url=url, timeout=60) as warm:
        for batch in batches[:4]:
            warm.post("/v1/check", json={"texts": batch}).raise_for_status()
    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(w,)) for w in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"batch requests failed: {errors[0]}")
    return {"posts_per_s": sum(posted) / elapsed, "posts": sum(posted), "seconds": elapsed}


def library(model: Path, texts: list[str], batches: list[list[str]], n: int, seconds: float) -> dict[str, Any]:
    """The same work in this process, without HTTP: single-text latency and batch throughput."""
    from reviewbait.detector import Detector

    detector = Detector.load(model)
    for text in texts[:50]:
        detector.check_many([text])
    single: list[float] = []
    for i in range(n):
        start = time.perf_counter()
        detector.check_many([texts[i % len(texts)]])
        single.append(time.perf_counter() - start)
    posts = 0
    started = time.perf_counter()
    i = 0
    while time.perf_counter() - started < seconds:
        posts += len(detector.check_many(batches[i % len(batches)]))
        i += 1
    return {"single": summary(single), "posts_per_s": posts / (time.perf_counter() - started)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default: 2)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for the batch run (default: 4)")
    parser.add_argument("--requests", type=int, default=2000, help="single-text requests (default: 2000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the batch run (default: 10)")
    parser.add_argument(
        "--model",
        type=Path,
        default=ROOT / "src" / "reviewbait" / "models",
        help="model directory (default: the bundled one)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    texts = load_texts()
    batches = [[texts[(b * 100 + k) % len(texts)] for k in range(100)] for b in range(len(texts))]
    stream = realistic_stream(repeat=1)
    stream_batches = [stream[b : b + 100] for b in range(0, len(stream) - 99, 100)]
    port = free_port()
    server = start_server(port, args.workers, args.model)
    url = f"http://127.0.0.1:{port}"
    try:
        lat = latency(url, texts, args.requests)
        stream_batch = throughput(url, stream_batches, args.clients, args.seconds)
        batch = throughput(url, batches, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lib = library(args.model, texts, batches, args.requests, min(args.seconds, 5.0))
    lib_stream = library(args.model, texts, stream_batches, 50, min(args.seconds, 5.0))

    manifest = json.loads((args.model / "manifest.json").read_text())
    budget = 3 * lat["hello"]["p99_ms"] + 5
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "model": {"version": manifest.get("model_version"), "sha256": manifest.get("sha256", "")[:16]},
        "server": {"workers": args.workers, "clients": args.clients},
        "latency_ms": lat,
        "library_single_text_ms": lib["single"],
        # what the API adds to the library's own time, beyond what any endpoint costs
        "api_overhead_p50_ms": lat["check"]["p50_ms"] - lat["hello"]["p50_ms"] - lib["single"]["p50_ms"],
        "p99_ratio_check_to_hello": lat["check"]["p99_ms"] / lat["hello"]["p99_ms"],
        "p99_budget_ms": budget,
        "p99_within_budget": lat["check"]["p99_ms"] <= budget,
        "batch100_stream": stream_batch,
        "library_check_many_stream_posts_per_s": lib_stream["posts_per_s"],
        "batch100_posts": batch,
        "library_check_many_posts_per_s": lib["posts_per_s"],
        "api_to_library_throughput_ratio": batch["posts_per_s"] / lib["posts_per_s"],
        "throughput_target_posts_per_s": 10_000,
        "throughput_meets_target_on_stream": stream_batch["posts_per_s"] >= 10_000,
        "throughput_meets_target_on_posts": batch["posts_per_s"] >= 10_000,
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"reviewbait API benchmark: {os.cpu_count()} CPUs, {args.workers} workers, "
        f"model {manifest.get('model_version')}, texts from {SAMPLE.relative_to(ROOT)}"
    )
    print(f"{'':34s}{'p50 ms':>9s}{'p99 ms':>9s}{'mean ms':>9s}")
    rows = [
        ("GET /bench/hello (bare)", lat["hello"]),
        ('POST /v1/check {"text": ""}', lat["check_empty"]),
        ("POST /v1/check (1 post)", lat["check"]),
        ("library check_many([post]), no HTTP", lib["single"]),
    ]
    for label, row in rows:
        print(f"{label:34s}{row['p50_ms']:9.2f}{row['p99_ms']:9.2f}{row['mean_ms']:9.2f}")
    print(
        f"p99 ratio check/hello: {results['p99_ratio_check_to_hello']:.1f}x; "
        f"target p99 <= 3 x hello p99 + 5 ms = {budget:.2f} ms: {'met' if results['p99_within_budget'] else 'NOT met'}"
    )
    print(f"API overhead at p50 (check - bare - library): {results['api_overhead_p50_ms']:.2f} ms")
    for name, run, in_process in (
        ("realistic stream (SMS + 2 % solicitations)", stream_batch, lib_stream),
        ("review-heavy posts (worst case)", batch, lib),
    ):
        print(
            f"batch of 100, {name}, {args.clients} clients: {run['posts_per_s']:,.0f} posts/s "
            f"({run['posts']:,} posts in {run['seconds']:.1f} s); target 10,000: "
            f"{'met' if run['posts_per_s'] >= 10_000 else 'NOT met'}; "
            f"library check_many in-process, one core: {in_process['posts_per_s']:,.0f} posts/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
