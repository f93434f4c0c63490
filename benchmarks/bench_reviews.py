"""Review-heavy benchmark: the stream review platforms, marketplaces and app stores send.

Run: .venv/bin/python benchmarks/bench_reviews.py   (part of `make bench`)

The stream is built at run time (never copied into the repository) from the ``dev`` rows of
the review-like corpora of ../shared/corpora/real (product, hotel, restaurant, book and app
reviews in seven languages, tweets and Weibo posts), plus ~1 % hand-written solicitations
from the test split of the corpus, interleaved deterministically. On one core, one run
reports:

- ``Detector.probabilities`` posts/s;
- a plain scikit-learn pipeline (TF-IDF word 1-2 + char_wb 2-5, logistic regression) trained
  on the train split of ``data/`` in the same run, its ``predict_proba`` posts/s;
- a compiled-regex keyword scan of the same texts (a Python loop of ``pattern.search``);
- the share of texts that pass the gate (and so reach the model);
- cold start: a fresh process that imports reviewbait, loads the model and checks one text,
  against a fresh process that only imports scikit-learn; and whether scikit-learn, pandas and
  scipy were imported by the first.

Machines here are shared and noisy: compare the ratios of one run, not absolute numbers.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import zlib
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_core import KEYWORDS, best_rate, fresh_process_seconds  # noqa: E402  (the same measures as the SMS stream)

REAL = ROOT.parent / "shared" / "corpora" / "real"
# review sites, marketplaces, app stores, and the short social posts they sit beside
REVIEW_CORPORA = (
    "absita2018_booking_it",
    "b2w_reviews_10k_pt",
    "chnsenticorp_htl_zh",
    "covid19_weibo_zh",
    "french_book_reviews_fr",
    "germeval2017_db_feedback_de",
    "germeval2018_tweets_de",
    "playstore_app_reviews_pt",
    "restmex2022_tripadvisor_es",
    "semeval_absa_reviews_en",
    "utopia_coffee_reviews_de",
    "xlmt_umsab_tweets",
    "youtoxic_youtube_en",
)
POSITIVE_SHARE = 0.01
COLD_CHECK = "from reviewbait import Detector; Detector.load().check('Leave a 5 star review for a free gift card')"


def review_stream() -> list[str]:
    """The review-heavy stream: real ``dev`` review texts plus ~1 % test-split solicitations."""
    from reviewbait.training.corpus import load_corpus, load_split
    from reviewbait.training.real_text import find_real_corpora, read_real_rows

    corpora = {c.name: c for c in find_real_corpora(REAL)} if REAL.is_dir() else {}
    missing = [name for name in REVIEW_CORPORA if name not in corpora]
    if missing:
        sys.exit(f"missing {', '.join(missing)} under {REAL}: the benchmark reads them at run time")
    texts = [row["text"] for name in REVIEW_CORPORA for row in read_real_rows(corpora[name], "dev")]
    corpus = load_split(load_corpus())
    positives = corpus[(corpus["split"] == "test") & (corpus["label"] == 1)]["text"].tolist()
    positives.sort(key=lambda t: zlib.crc32(t.encode("utf-8", "surrogatepass")))
    stream = texts + positives[: max(1, round(len(texts) * POSITIVE_SHARE))]
    # interleave deterministically so the solicitations are spread through the stream
    stream.sort(key=lambda t: zlib.crc32(t.encode("utf-8", "surrogatepass")) % 997)
    return stream


def plain_pipeline():  # type: ignore[no-untyped-def]
    """TF-IDF (word 1-2 + char_wb 2-5) + logistic regression on the train split of data/."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    from reviewbait.training.corpus import load_corpus, load_split

    corpus = load_split(load_corpus())
    train = corpus[corpus["split"] == "train"]
    union = FeatureUnion(
        [
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
        ]
    )
    pipeline = make_pipeline(union, LogisticRegression(max_iter=2000))
    return pipeline.fit(train["text"].tolist(), train["label"].to_numpy(dtype=int))


def cold_start() -> dict[str, object]:
    """Median wall time of fresh processes, alternated so that load on the machine hits both."""
    sklearn_times, reviewbait_times = [], []
    for _ in range(5):
        sklearn_times.append(fresh_process_seconds("import sklearn", rounds=1))
        reviewbait_times.append(fresh_process_seconds(COLD_CHECK, rounds=1))
    sklearn_s, reviewbait_s = statistics.median(sklearn_times), statistics.median(reviewbait_times)
    probe = (
        COLD_CHECK
        + "; import sys; print(sorted(m for m in ('sklearn', 'pandas', 'scipy', 'joblib') if m in sys.modules))"
    )
    imported = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, cwd=ROOT)
    return {
        "cold_start_import_sklearn_s": round(sklearn_s, 3),
        "cold_start_reviewbait_load_and_check_s": round(reviewbait_s, 3),
        "cold_start_ratio_to_import_sklearn": round(reviewbait_s / sklearn_s, 3),
        "cold_start_heavy_modules_imported": imported.stdout.strip().splitlines()[-1],
    }


def main() -> None:
    from reviewbait import Detector
    from reviewbait.text.gate import candidate_mask

    stream = review_stream()
    detector = Detector.load()
    detector.probabilities(stream[:200])  # warm caches
    plain = plain_pipeline()
    plain.predict_proba(stream[:200])

    regex_rate = best_rate(lambda texts: [bool(KEYWORDS.search(t)) for t in texts], stream)
    model_rate = best_rate(detector.probabilities, stream)
    plain_rate = best_rate(plain.predict_proba, stream)
    results: dict[str, object] = {
        "stream": "review-heavy (real dev reviews/tweets + ~1% test-split solicitations)",
        "stream_texts": len(stream),
        "mean_chars": round(sum(map(len, stream)) / len(stream), 1),
        "gate_pass_share": round(float(candidate_mask(stream).mean()), 4),
        "probabilities_texts_per_s": round(model_rate),
        "plain_tfidf_logreg_texts_per_s": round(plain_rate),
        "probabilities_to_plain_ratio": round(model_rate / plain_rate, 2),
        "regex_scan_texts_per_s": round(regex_rate),
        "probabilities_to_regex_ratio": round(model_rate / regex_rate, 4),
    }
    if "--no-cold" not in sys.argv:
        results.update(cold_start())
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
