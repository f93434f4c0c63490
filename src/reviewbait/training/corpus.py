"""The labeled corpus: columns of the labeling guide, validation, near-duplicate groups, split.

The corpus lives in ``data/rows/*.csv`` (hand-written, one file per writing batch). The
train/test split is fixed in ``data/split.csv`` and is *grouped*: rows that are near
duplicates of each other (cosine similarity of character n-grams of the normalized text at
or above ``NEAR_DUPLICATE_THRESHOLD``) always fall on the same side, so a score on the test
split is never flattered by a paraphrase seen in training.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from reviewbait.errors import ReviewbaitError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
    "INCENTIVE_TYPES",
    "NEGATIVE_CATEGORIES",
    "PLATFORMS",
    "POSITIVE_CATEGORIES",
    "RETIRED_CATEGORIES",
    "CorpusError",
    "NeedsCloneError",
    "clone_root",
    "corpus_hash",
    "data_dir",
    "extend_split",
    "load_corpus",
    "load_split",
    "make_split",
    "near_duplicate_groups",
    "validate_corpus",
]

COLUMNS = [
    "id",
    "text",
    "label",
    "category",
    "language",
    "platform",
    "sentiment_conditioned",
    "incentive_type",
    "notes",
]
POSITIVE_CATEGORIES = (
    "contest",
    "refund_recruit",
    "direct_reward",
    "review_swap",
    "paid_review",
    "suppression",
)
NEGATIVE_CATEGORIES = (
    "giveaway_no_review",
    "review_request",
    "survey_incentive",
    "referral",
    "promo",
    "prize_spam",
    "genuine_review",
    "disclosure",
    "news_or_report",
    "other",
)
# Categories the labeling guide retired, and the one each became ("Changes to this guide").
# 2026-12-06: `insert_card` named a medium, not a kind of offer; the medium stays in `platform`.
RETIRED_CATEGORIES = {"insert_card": "direct_reward"}
_RETIRED_HINTS = {"insert_card": "the medium, a card in the box or a follow-up e-mail, goes in platform"}
PLATFORMS = (
    "facebook",
    "instagram",
    "x",
    "reddit",
    "telegram",
    "whatsapp",
    "wechat",
    "email",
    "sms",
    "insert_card",
    "website",
    "app",
    "forum",
    "news",
    "review_site",
    "marketplace",
)
INCENTIVE_TYPES = (
    "prize_draw",
    "free_product",
    "refund",
    "cash",
    "gift_card",
    "discount",
    "points",
    "upgrade",
    "reciprocal_review",
    "other",
    "",
)
NEAR_DUPLICATE_THRESHOLD = 0.6
SPLIT_SEED = 20261125
TEST_FOLDS = 5  # one fold of five: 20 % test


class CorpusError(ReviewbaitError, ValueError):
    """A labeled file breaks the labeling guide; the message lists every problem found."""


class NeedsCloneError(CorpusError):
    """The command needs the labeled corpus, which is in a clone of the repository, not in the package."""


def clone_root() -> Path | None:
    """The repository root when reviewbait is imported from a clone's ``src/``, else None.

    The labeled corpus (``data/``) is not package data: an installed wheel ships the model
    only, and training on the corpus is done in a clone.
    """
    package = Path(__file__).resolve().parents[1]  # src/reviewbait (this module is in training/)
    root = package.parents[1]
    if package.parent.name == "src" and (root / "pyproject.toml").is_file() and (root / "data").is_dir():
        return root
    return None


def data_dir() -> Path:
    """The clone's ``data/``; raises :class:`NeedsCloneError` in an installed package."""
    root = clone_root()
    if root is None:
        raise NeedsCloneError(
            "this needs the labeled corpus (data/), which is in a clone of the reviewbait repository, not in "
            "the installed package; clone it and run the command there. To train on your own rows from an "
            "installed package: reviewbait train --data FILE"
        )
    return root / "data"


def load_corpus(paths: list[Path] | None = None, *, validate: bool = True) -> pd.DataFrame:
    """All labeled rows, as strings except ``label`` and ``sentiment_conditioned`` (int)."""
    import pandas as pd

    if paths is None:
        paths = sorted((data_dir() / "rows").glob("*.csv"))
    if not paths:
        raise CorpusError(f"no labeled files found under {data_dir() / 'rows'}")
    frames = []
    for path in paths:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frame["source_file"] = Path(path).name
        frames.append(frame)
    corpus = pd.concat(frames, ignore_index=True)
    if validate:
        validate_corpus(corpus)
    corpus["label"] = corpus["label"].astype(int)
    corpus["sentiment_conditioned"] = corpus["sentiment_conditioned"].astype(int)
    return corpus


def validate_corpus(corpus: pd.DataFrame) -> None:
    """Raise :class:`CorpusError` naming every row that breaks the labeling guide."""
    missing = [c for c in COLUMNS if c not in corpus.columns]
    if missing:
        raise CorpusError(f"missing columns {missing}; a labeled file needs {COLUMNS}")
    problems: list[str] = []

    def bad(mask: pd.Series, what: str) -> None:
        ids = corpus.loc[mask, "id"].astype(str).tolist()
        if ids:
            problems.append(f"{what}: {len(ids)} rows, e.g. {ids[:5]}")

    label = corpus["label"].astype(str)
    bad(~label.isin(["0", "1"]), "label is not 0 or 1")
    bad(corpus["text"].astype(str).str.strip() == "", "empty text")
    bad(corpus["id"].duplicated(keep=False), "duplicate id")
    bad(corpus["text"].duplicated(keep=False), "duplicate text")
    positive = label == "1"
    retired = corpus["category"].isin(RETIRED_CATEGORIES)
    for old, new in RETIRED_CATEGORIES.items():
        bad(
            corpus["category"] == old,
            f"category {old} is retired by the labeling guide: use {new} ({_RETIRED_HINTS[old]})",
        )
    bad(
        positive & ~retired & ~corpus["category"].isin(POSITIVE_CATEGORIES),
        "label 1 with a category that is not positive",
    )
    bad(~positive & ~corpus["category"].isin(NEGATIVE_CATEGORIES), "label 0 with a category that is not negative")
    bad(~corpus["platform"].isin(PLATFORMS), "unknown platform")
    bad(~corpus["incentive_type"].isin(INCENTIVE_TYPES), "unknown incentive_type")
    sentiment = corpus["sentiment_conditioned"].astype(str)
    bad(~sentiment.isin(["0", "1"]), "sentiment_conditioned is not 0 or 1")
    bad(~positive & (sentiment == "1"), "sentiment_conditioned 1 on a negative row")
    bad(~corpus["language"].astype(str).str.fullmatch(r"[a-z]{2}"), "language is not an ISO 639-1 code")
    if problems:
        raise CorpusError("the labeled corpus breaks the labeling guide:\n- " + "\n- ".join(problems))


def map_retired_categories(categories: pd.Series, source: str) -> tuple[pd.Series, str | None]:
    """Read user labels written before a category was retired as the category that replaced it.

    Returns the mapped column and one line to show the user (``None`` when nothing changed).
    The bundled corpus is never mapped: :func:`validate_corpus` rejects retired categories.
    """
    stripped = categories.astype(str).str.strip()
    retired = stripped.isin(RETIRED_CATEGORIES)
    if not retired.any():
        return categories, None
    counts = stripped[retired].value_counts()
    what = ", ".join(f"{n} rows of {old} as {RETIRED_CATEGORIES[str(old)]}" for old, n in counts.items())
    mapped = categories.where(~retired, stripped.map(RETIRED_CATEGORIES))
    return mapped, f"{source}: read {what} (the labeling guide retired {', '.join(map(str, counts.index))})"


def near_duplicate_groups(texts: list[str], threshold: float = NEAR_DUPLICATE_THRESHOLD) -> np.ndarray:
    """Group ids such that texts with char-n-gram cosine >= ``threshold`` share a group."""
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer

    from reviewbait.text.normalize import normalize_text

    normalized = [normalize_text(t) for t in texts]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=1).fit_transform(normalized)
    similarity = (matrix @ matrix.T).tocsr()
    similarity.data = (similarity.data >= threshold).astype(np.int8)
    similarity.eliminate_zeros()
    _, labels = connected_components(similarity, directed=False)
    return np.asarray(labels)


def make_split(corpus: pd.DataFrame) -> pd.DataFrame:
    """Deterministic grouped, stratified split: ``id, group, split`` (``train`` or ``test``)."""
    import pandas as pd
    from sklearn.model_selection import StratifiedGroupKFold

    groups = near_duplicate_groups(corpus["text"].tolist())
    strata = corpus["category"].astype(str) + "|" + corpus["language"].astype(str)
    folds = StratifiedGroupKFold(n_splits=TEST_FOLDS, shuffle=True, random_state=SPLIT_SEED)
    _, test_index = next(folds.split(corpus, strata, groups))
    split = np.full(len(corpus), "train", dtype=object)
    split[test_index] = "test"
    return pd.DataFrame({"id": corpus["id"].to_numpy(), "group": groups, "split": split})


NEW_ROW_TEST_SHARE = 0.25  # new groups go to test with this probability (stable by id hash)


def extend_split(corpus: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Assign rows added since ``previous`` was written, without moving any existing row.

    Groups are recomputed over the whole corpus. A new row in a group with existing rows
    takes their side; a group of new rows only goes to test with probability
    ``NEW_ROW_TEST_SHARE`` (a stable hash of its smallest id), so the test split keeps
    growing with the corpus. A group whose existing rows sit on both sides cannot be kept
    whole: that is an error naming the rows, to be resolved by rewording or removing them.
    """
    import pandas as pd

    groups = near_duplicate_groups(corpus["text"].tolist())
    sides = corpus[["id"]].merge(previous[["id", "split"]], on="id", how="left", validate="one_to_one")["split"]
    frame = pd.DataFrame({"id": corpus["id"].to_numpy(), "group": groups, "split": sides.to_numpy()})
    known = frame.dropna(subset=["split"])
    sides_per_group = known.groupby("group")["split"].nunique()
    straddling = sides_per_group[sides_per_group > 1].index
    if len(straddling):
        ids = frame.loc[frame["group"].isin(straddling), "id"].tolist()[:10]
        raise CorpusError(
            f"{len(straddling)} near-duplicate groups now join train and test rows (e.g. {ids}); "
            "reword or remove the new rows that bridge them"
        )
    side_of_group = known.groupby("group")["split"].first()
    for group, members in frame[frame["split"].isna()].groupby("group"):
        if group in side_of_group.index:
            side = side_of_group[group]
        else:
            first_id = str(corpus.loc[members.index, "id"].min())
            draw = int.from_bytes(hashlib.sha256(first_id.encode()).digest()[:8], "big") / 2**64
            side = "test" if draw < NEW_ROW_TEST_SHARE else "train"
        frame.loc[members.index, "split"] = side
    return frame


def load_split(corpus: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """The corpus with ``group`` and ``split`` columns from the committed split file."""
    import pandas as pd

    path = path or data_dir() / "split.csv"
    split = pd.read_csv(path, dtype={"id": str, "split": str, "group": int})
    merged = corpus.merge(split, on="id", how="left", validate="one_to_one")
    unassigned = merged["split"].isna()
    if unassigned.any():
        ids = merged.loc[unassigned, "id"].tolist()[:5]
        raise CorpusError(
            f"{int(unassigned.sum())} rows have no split (e.g. {ids}); run `reviewbait corpus --write-split`"
        )
    return merged


def corpus_hash(paths: list[Path] | None = None, split_path: Path | None = None) -> str:
    """SHA-256 over the labeled files (sorted by name) and the split file."""
    if paths is None:
        paths = sorted((data_dir() / "rows").glob("*.csv"))
    digest = hashlib.sha256()
    for path in [*sorted(paths, key=lambda p: Path(p).name), split_path or data_dir() / "split.csv"]:
        path = Path(path)
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
