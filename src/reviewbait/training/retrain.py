"""Teach the model your cases: ``reviewbait train --data FILE [--data FILE ...] [--no-base]``.

Your labeled rows are checked against the labeling guide (every problem is reported with the
file, row and id), merged with the bundled corpus's train split unless ``--no-base``, and fitted
with the same pipeline as the shipped model (:func:`reviewbait.training.train.fit_model`). The output
directory holds the artifact, its manifest and a model card, so ``Detector.load(directory)``
and ``--model directory`` use it like the bundled one.

A user model has no held-out test split: its card reports the cross-validated metrics of the
fit (grouped by near duplicates). Measure it on posts it never saw with ``reviewbait evaluate``.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reviewbait.io.tables import describe_rows, read_table
from reviewbait.training.corpus import (
    COLUMNS,
    NEGATIVE_CATEGORIES,
    POSITIVE_CATEGORIES,
    CorpusError,
    map_retired_categories,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "MergedRows",
    "UserDataError",
    "load_user_rows",
    "merge_with_base",
    "train_user_model",
]

REQUIRED_COLUMNS = ("text", "label", "category")
# filled in when absent: ids from file and row, language "und" (undetermined), no sentiment condition
OPTIONAL_COLUMNS = {
    "id": None,
    "language": "und",
    "sentiment_conditioned": "0",
    "platform": "",
    "incentive_type": "",
    "notes": "",
}
MIN_GROUPS_PER_LABEL = 4
DEFAULT_USER_OUTPUT = "models/mine"  # relative to the working directory


class UserDataError(CorpusError):
    """User rows that cannot be trained on; the message names every problem, file and row."""


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _check_file(frame: pd.DataFrame, name: str) -> list[str]:
    """Problems of one file, each naming its rows (row 1 = first row after the header)."""
    problems: list[str] = []

    def bad(mask: Any, what: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            problems.append(f"{name}: {what}: {describe_rows(frame, mask)}")

    label = frame["label"].astype(str).str.strip()
    category = frame["category"].astype(str).str.strip()
    known = set(POSITIVE_CATEGORIES) | set(NEGATIVE_CATEGORIES)
    bad(~label.isin(["0", "1"]), "label is not 0 or 1")
    bad(frame["text"].astype(str).str.strip() == "", "empty text")
    bad(~category.isin(known), f"unknown category (use one of {', '.join(sorted(known))})")
    bad((label == "1") & category.isin(NEGATIVE_CATEGORIES), "label 1 with a negative category")
    bad((label == "0") & category.isin(POSITIVE_CATEGORIES), "label 0 with a positive category")
    sentiment = frame["sentiment_conditioned"].astype(str).str.strip()
    bad(~sentiment.isin(["0", "1", ""]), "sentiment_conditioned is not 0 or 1")
    bad((label == "0") & (sentiment == "1"), "sentiment_conditioned 1 on a row labeled 0")
    language = frame["language"].astype(str).str.strip()
    bad(~(language.str.fullmatch(r"[a-z]{2}") | language.isin(["", "und"])), "language is not an ISO 639-1 code")
    bad(frame["id"].duplicated(keep=False).to_numpy() & (frame["id"] != "").to_numpy(), "duplicate id")
    return problems


def load_user_rows(
    paths: list[str | Path], *, text_column: str = "text", id_column: str = "id"
) -> tuple[pd.DataFrame, list[str]]:
    """Read, check and concatenate the user's labeled files; returns the rows and notes to show.

    Raises :class:`UserDataError` listing every problem of every file. Exact duplicate texts
    (ignoring case and spacing) with the same label are kept once and reported; with
    conflicting labels they are an error.
    """
    import pandas as pd

    if not paths:
        raise UserDataError("no --data file given")
    frames, problems, notes = [], [], []
    for path in paths:
        name = str(path)
        frame = read_table(path)
        frame = frame.rename(columns={text_column: "text", id_column: "id"})
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            problems.append(
                f"{name}: missing columns {missing} (found {list(frame.columns)}); a labeled file needs "
                f"{list(REQUIRED_COLUMNS)} and may have {[c for c in COLUMNS if c not in REQUIRED_COLUMNS]} "
                "(see the labeling guide); --text-column and --id-column map other names"
            )
            continue
        if len(frame) == 0:
            problems.append(f"{name}: no rows")
            continue
        for column, default in OPTIONAL_COLUMNS.items():
            if column not in frame.columns:
                frame[column] = (
                    [f"{Path(path).stem}:{i + 1}" for i in range(len(frame))] if default is None else default
                )
        frame["category"], retired = map_retired_categories(frame["category"], name)
        if retired:
            notes.append(retired)
        problems += _check_file(frame, name)
        frame = frame[[*COLUMNS]].copy()
        frame["language"] = frame["language"].str.strip().replace("", "und")
        frame["sentiment_conditioned"] = frame["sentiment_conditioned"].str.strip().replace("", "0")
        frame["source_file"] = name
        frame["source_row"] = np.arange(1, len(frame) + 1)
        frames.append(frame)
    if problems:
        raise UserDataError("the labeled rows break the labeling guide:\n- " + "\n- ".join(problems))
    rows = pd.concat(frames, ignore_index=True)
    ids = rows["id"].duplicated(keep=False)
    if ids.any():
        where = [f"{f} row {r} (id {i})" for f, r, i in rows.loc[ids, ["source_file", "source_row", "id"]].to_numpy()]
        raise UserDataError(f"the same id appears in more than one row: {', '.join(where[:6])}")
    rows["label"] = rows["label"].astype(int)
    rows["sentiment_conditioned"] = rows["sentiment_conditioned"].astype(int)
    key = rows["text"].map(_key)
    conflicts = key.map(rows.groupby(key)["label"].nunique()) > 1
    if conflicts.any():
        where = [
            f"{f} row {r} (id {i})" for f, r, i in rows.loc[conflicts, ["source_file", "source_row", "id"]].to_numpy()
        ]
        raise UserDataError(f"the same text has both labels 0 and 1: {', '.join(where[:6])}; keep one label")
    repeated = key.duplicated(keep="first")
    if repeated.any():
        where = [
            f"{f} row {r} (id {i})" for f, r, i in rows.loc[repeated, ["source_file", "source_row", "id"]].to_numpy()
        ]
        notes.append(
            f"{int(repeated.sum())} duplicate texts kept once: {', '.join(where[:6])}"
            + (", ..." if len(where) > 6 else "")
        )
        rows = rows[~repeated.to_numpy()].reset_index(drop=True)
    return rows, notes


@dataclass
class MergedRows:
    """The rows to fit on, with counts for the manifest and notes for the person training."""

    frame: pd.DataFrame
    user_rows: int
    base_rows: int
    notes: list[str] = field(default_factory=list)


def merge_with_base(user: pd.DataFrame, base: pd.DataFrame | None) -> MergedRows:
    """User rows plus base rows; a base row with the same text as a user row gives way to it."""
    import pandas as pd

    if base is None or len(base) == 0:
        return MergedRows(user.reset_index(drop=True), len(user), 0)
    notes = []
    user_keys = user["text"].map(_key)
    base_keys = base["text"].map(_key)
    overlap = base_keys.isin(set(user_keys))
    if overlap.any():
        labels = dict(zip(user_keys, user["label"], strict=True))
        relabeled = int(
            sum(labels[k] != lab for k, lab in zip(base_keys[overlap], base.loc[overlap, "label"], strict=True))
        )
        notes.append(
            f"{int(overlap.sum())} of your rows repeat a text of the bundled corpus; yours are used"
            + (f" ({relabeled} with a different label)" if relabeled else "")
        )
    kept = base.loc[~overlap.to_numpy(), list(COLUMNS)]
    frame = pd.concat([user[list(COLUMNS)], kept], ignore_index=True)
    return MergedRows(frame, len(user), len(kept), notes)


def _bundled_train_split() -> pd.DataFrame:
    from reviewbait.training.corpus import load_corpus, load_split

    corpus = load_split(load_corpus())
    return corpus[corpus["split"] == "train"].reset_index(drop=True)


def _folds(frame: pd.DataFrame, requested: int) -> int:
    """As many folds as the number of distinct (non-near-duplicate) examples of each label allows."""
    fewest = int(frame.groupby("label")["group"].nunique().reindex([0, 1], fill_value=0).min())
    if fewest < MIN_GROUPS_PER_LABEL:
        raise UserDataError(
            f"too few distinct examples to train: each label needs at least {MIN_GROUPS_PER_LABEL} rows that are "
            f"not near duplicates of each other, the rarer label has {fewest}. Add more varied rows, or drop "
            "--no-base to train together with the bundled corpus."
        )
    positives = frame[frame["label"] == 1]
    if positives["category"].nunique() < 2 or positives["sentiment_conditioned"].nunique() < 2:
        raise UserDataError(
            "the solicitations (label 1) need at least two categories and both sentiment_conditioned values "
            "(0 and 1), to fit the category and sentiment heads; add such rows, or drop --no-base to train "
            "together with the bundled corpus"
        )
    return max(2, min(requested, fewest // 2))


def _files_sha256(paths: list[str | Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).name.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def train_user_model(
    paths: list[str | Path],
    output: str | Path,
    *,
    base: bool | pd.DataFrame = True,
    seed: int | None = None,
    augment: bool = True,
    cv_folds: int = 5,
    feature_params: dict[str, Any] | None = None,
    text_column: str = "text",
    id_column: str = "id",
    measure_sms: bool = True,
    command: str = "reviewbait train --data ...",
    log: Any = None,
) -> dict[str, Any]:
    """Fit on the user's rows (plus the bundled train split, or the ``base`` frame given) and save.

    Returns the manifest written beside the artifact; ``manifest["notes"]`` lists the
    duplicates and overlaps that were resolved.
    """
    from reviewbait.training.corpus import corpus_hash, near_duplicate_groups
    from reviewbait.training.train import SEED, build_manifest, fit_model, save_with_card, sms_false_positive_rates

    started = time.perf_counter()
    seed = SEED if seed is None else seed
    user, notes = load_user_rows(paths, text_column=text_column, id_column=id_column)
    if base is True:
        base_frame: pd.DataFrame | None = _bundled_train_split()
        base_name = "bundled corpus, train split"
    elif base is False:
        base_frame, base_name = None, None
    else:
        base_frame, base_name = base, "a base frame given by the caller"
    merged = merge_with_base(user, base_frame)
    notes += merged.notes
    frame = merged.frame
    frame["group"] = near_duplicate_groups(frame["text"].tolist())
    folds = _folds(frame, cv_folds)
    if log is not None:
        print(
            f"training on {merged.user_rows} of your rows + {merged.base_rows} base rows ({folds}-fold grouped CV)...",
            file=log,
        )
    with warnings.catch_warnings():
        # a language with fewer rows than folds is common in small user files and harmless here
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        # No offer rule: it reads the lexicon's incentive words, and a model trained on your rows
        # must be able to learn yours ("350 glimmers"), which the lexicon does not know.
        model, report = fit_model(
            frame, seed=seed, augment=augment, cv_folds=folds, feature_params=feature_params, offer_rule=None
        )
    data_hash = hashlib.sha256((_files_sha256(paths) + (corpus_hash() if base is True else "")).encode()).hexdigest()
    data = {
        "user_files": [Path(p).name for p in paths],
        "user_rows": merged.user_rows,
        "base": base_name,
        "base_rows": merged.base_rows,
        "train_rows": report["train_rows"],
        "augmented_train_rows": report["augmented_rows"],
        "positives": int(frame["label"].sum()),
    }
    metrics = {
        "train_cv": report["cv"],
        "sms_spam_collection": sms_false_positive_rates(model, model.thresholds) if measure_sms else None,
    }
    manifest = build_manifest(
        model,
        kind="user",
        seed=seed,
        data_sha256=data_hash,
        data=data,
        extra={"notes": notes},
        scores=f"grouped {folds}-fold out-of-fold scores of the training rows",
        metrics=metrics,
        command=command,
        started=started,
    )
    return save_with_card(model, Path(output), manifest)
