"""Real public text that no one here wrote: assumed negatives for training, and the panel.

``../shared/corpora/real/<name>/<name>.csv`` (columns ``id, text, language, platform, source,
split``) holds real posts, reviews, tweets, news and e-mail in the seven languages. Nearly
none of it is a solicitation, so its ``train`` rows are read at train time as *assumed
negatives* and its ``dev`` rows are only measured on. Nothing of it is copied into the
repository or the model: the manifest records which files were read, with their SHA-256.

Only rows that pass the gate are kept for training: the others are scored 0 without the
model, so they could teach it nothing it uses. The model's vocabulary is fitted on the
hand-written corpus alone (see :func:`reviewbait.training.train.fit_model`), so real text can only
move the weights of words the corpus has, never add "sounds like real text" as a feature.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reviewbait.text.gate import candidate_mask

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_CHARS",
    "MAX_ROWS_PER_CORPUS",
    "RealCorpus",
    "dev_flag_rates",
    "find_real_corpora",
    "load_real_negatives",
    "read_real_rows",
    "real_corpora_dir",
    "real_offer_metrics",
]

# Per corpus, at most this many gate-passing train rows, each cut to this many characters:
# keeps training under a few minutes and stops the e-mail corpora (long, many) from
# dominating what "real text" means to the model.
MAX_ROWS_PER_CORPUS = 1200
MAX_CHARS = 1500
ENV_VAR = "REVIEWBAIT_REAL_CORPORA"


@dataclass(frozen=True)
class RealCorpus:
    """One corpus file of the panel, and the licence its README table states."""

    name: str
    path: Path
    licence: str

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def real_corpora_dir() -> Path | None:
    """``$REVIEWBAIT_REAL_CORPORA``, else ``../shared/corpora/real`` beside the clone or the cwd."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env) if Path(env).is_dir() else None
    from reviewbait.training.corpus import clone_root

    root = clone_root()
    candidates = [root.parent / "shared" / "corpora" / "real"] if root is not None else []
    candidates.append(Path.cwd().resolve().parent / "shared" / "corpora" / "real")
    return next((c for c in candidates if c.is_dir()), None)


def _licences(readme: Path) -> dict[str, str]:
    """Corpus name → licence, from the README's table (``| [name](...) | … | licence | source |``)."""
    licences: dict[str, str] = {}
    if not readme.exists():
        return licences
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*\[([^\]]+)\]\([^)]*\)\s*\|(.*)\|\s*$", line)
        if match:
            cells = [c.strip() for c in match.group(2).split("|")]
            if len(cells) >= 7:
                licences[match.group(1)] = cells[5]
    return licences


def find_real_corpora(root: Path | None = None) -> list[RealCorpus]:
    """Every ``<name>/<name>.csv`` under ``root`` (default :func:`real_corpora_dir`), sorted by name."""
    root = root if root is not None else real_corpora_dir()
    if root is None:
        return []
    licences = _licences(root / "README.md")
    return [
        RealCorpus(path.parent.name, path, licences.get(path.parent.name, "unknown"))
        for path in sorted(root.glob("*/*.csv"))
        if path.stem == path.parent.name
    ]


def read_real_rows(corpus: RealCorpus, split: str) -> list[dict[str, str]]:
    """The rows of one split (``train`` or ``dev``), as dicts."""
    csv.field_size_limit(sys.maxsize)
    with corpus.path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row.get("split") == split and row.get("text", "").strip()]


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    space = text.rfind(" ", limit // 2, limit)
    return text[: space if space > 0 else limit]


def load_real_negatives(
    corpora: list[RealCorpus],
    *,
    seed: int,
    max_rows: int = MAX_ROWS_PER_CORPUS,
    max_chars: int = MAX_CHARS,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Gate-passing ``train`` rows as label-0 rows in the corpus's columns, and what was read.

    Sampling is deterministic: the rows with the lowest SHA-256 of ``seed:id`` are kept.
    """
    import pandas as pd

    frames = []
    used: list[dict[str, Any]] = []
    for corpus in corpora:
        rows = read_real_rows(corpus, "train")
        passing = candidate_mask([r["text"] for r in rows])
        kept = [r for r, ok in zip(rows, passing, strict=True) if ok]
        kept.sort(key=lambda r: hashlib.sha256(f"{seed}:{r['id']}".encode()).hexdigest())
        kept = kept[:max_rows]
        used.append(
            {
                "corpus": corpus.name,
                "file": f"../shared/corpora/real/{corpus.name}/{corpus.path.name}",
                "sha256": corpus.sha256(),
                "licence": corpus.licence,
                "train_rows": len(rows),
                "gate_passing": int(passing.sum()),
                "rows_used": len(kept),
            }
        )
        if kept:
            frames.append(
                pd.DataFrame(
                    {
                        "id": [f"real:{corpus.name}:{r['id']}" for r in kept],
                        "text": [_cut(r["text"], max_chars) for r in kept],
                        "label": 0,
                        "category": "other",
                        "language": [r.get("language", "") for r in kept],
                        "platform": [r.get("platform", "") for r in kept],
                        "sentiment_conditioned": 0,
                        "incentive_type": "",
                        "notes": "real text, assumed negative",
                        "source_file": corpus.name,
                    }
                )
            )
    columns = ["id", "text", "label", "category", "language", "platform", "sentiment_conditioned", "incentive_type"]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return frame, used


def dev_flag_rates(score: Any, thresholds: dict[str, float], corpora: list[RealCorpus]) -> dict[str, Any]:
    """Flagged share of every corpus's ``dev`` rows at each operating point, and overall.

    ``score`` maps a list of texts to probabilities (a model's or a detector's).
    """
    per_corpus: dict[str, Any] = {}
    total = 0
    flagged = dict.fromkeys(thresholds, 0)
    for corpus in corpora:
        texts = [r["text"] for r in read_real_rows(corpus, "dev")]
        if not texts:
            continue
        p = np.asarray(score(texts))
        counts = {name: int((p >= t).sum()) for name, t in thresholds.items()}
        per_corpus[corpus.name] = {
            "rows": len(texts),
            "licence": corpus.licence,
            **{name: round(k / len(texts), 5) for name, k in counts.items()},
        }
        total += len(texts)
        for name, k in counts.items():
            flagged[name] += k
    overall = {name: round(k / max(total, 1), 5) for name, k in flagged.items()}
    return {"rows": total, "overall": overall, "corpora": per_corpus}


def real_offer_metrics(score: Any, thresholds: dict[str, float], path: Path | None) -> dict[str, Any] | None:
    """Precision and recall on the measure-only real offers (``real_offers_dev.csv``), if present."""
    from reviewbait.training.metrics import binary_metrics

    if path is None or not path.exists():
        return None
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    y = np.array([int(r["label"]) for r in rows])
    p = np.asarray(score([r["text"] for r in rows]))
    result: dict[str, Any] = {"rows": len(rows), "offers": int(y.sum())}
    for name, t in thresholds.items():
        scores = binary_metrics(y, p, t)
        result[name] = {key: scores[key] for key in ("precision", "recall", "f1")}
    return result
