"""Core benchmark: throughput, cold start and memory, each against a baseline of the same run.

Run: .venv/bin/python benchmarks/bench_core.py   (or `make bench`)

- Throughput of ``Detector.probabilities`` on one core over a realistic stream: the real SMS
  texts of ../shared/corpora/sms_spam (read at run time, never copied) plus ~2 % solicitations
  from the test split of the corpus, against a plain compiled-regex keyword scan of the same
  texts (a Python loop of ``pattern.search``).
- Cold start: a fresh process that imports reviewbait, loads the verified model and checks one
  text, against a fresh process that only imports scikit-learn.
- Peak memory (max RSS) of a process that loads the model and scores the stream.
Machines here are noisy: compare the ratios, not the absolute numbers.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
SMS = ROOT.parent / "shared" / "corpora" / "sms_spam" / "sms_spam.csv"
KEYWORDS = re.compile(
    r"review|rating|refund|free|gift ?card|prize|win|coupon|discount|cash|paypal|5 stars?|reseña|bewertung|avis|"
    r"recensione|avaliação|好评|返现",
    re.IGNORECASE,
)


def realistic_stream(repeat: int = 4) -> list[str]:
    import pandas as pd

    from reviewbait.training.corpus import load_corpus, load_split

    if not SMS.exists():
        sys.exit(f"missing {SMS}: the benchmark needs the SMS Spam Collection in ../shared/corpora")
    sms = pd.read_csv(SMS, dtype={"text": str}, keep_default_na=False)["text"].tolist()
    corpus = load_split(load_corpus())
    solicitations = corpus[(corpus["split"] == "test") & (corpus["label"] == 1)]["text"].tolist()
    n_solicit = max(1, round(len(sms) * 0.02))
    stream = sms + solicitations[:n_solicit]
    # interleave deterministically so solicitations are spread through the stream
    stream.sort(key=lambda t: zlib.crc32(t.encode("utf-8", "surrogatepass")) % 997)
    return stream * repeat


def best_rate(func, texts: list[str], rounds: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func(texts)
        times.append(time.perf_counter() - start)
    return len(texts) / min(times)


def fresh_process_seconds(code: str, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float:
    code = (
        "import resource, pandas as pd\n"
        "from reviewbait import Detector\n"
        f"texts = pd.read_csv({str(SMS)!r}, dtype={{'text': str}}, keep_default_na=False)['text'].tolist() * 4\n"
        "Detector.load().probabilities(texts)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    from reviewbait import Detector
    from reviewbait.artifact import ARTIFACT_NAME, default_model_dir
    from reviewbait.text.gate import candidate_mask

    detector = Detector.load()
    stream = realistic_stream()
    detector.probabilities(stream[:200])  # warm caches

    regex_rate = best_rate(lambda texts: [bool(KEYWORDS.search(t)) for t in texts], stream)
    model_rate = best_rate(detector.probabilities, stream)
    gate_share = float(candidate_mask(stream).mean())

    sklearn_cold = fresh_process_seconds("import sklearn")
    reviewbait_cold = fresh_process_seconds(
        "from reviewbait import Detector; Detector.load().check('Leave a 5 star review for a free gift card')"
    )
    artifact_mb = (default_model_dir() / ARTIFACT_NAME).stat().st_size / 1e6
    results = {
        "stream_texts": len(stream),
        "gate_pass_share": round(gate_share, 4),
        "regex_scan_texts_per_s": round(regex_rate),
        "probabilities_texts_per_s": round(model_rate),
        "probabilities_to_regex_ratio": round(model_rate / regex_rate, 4),
        "cold_start_import_sklearn_s": round(sklearn_cold, 3),
        "cold_start_reviewbait_load_and_check_s": round(reviewbait_cold, 3),
        "cold_start_extra_s": round(reviewbait_cold - sklearn_cold, 3),
        "peak_rss_mb_load_and_score": round(peak_rss_mb(), 1),
        "artifact_mb": round(artifact_mb, 2),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
