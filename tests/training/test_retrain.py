"""`reviewbait train --data`: user rows are checked, merged, fitted; the new model learns their pattern."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rateloop_rows import HELD_OUT_NEGATIVES, HELD_OUT_POSITIVES, user_frame
from reviewbait import cli
from reviewbait.detector import Detector
from reviewbait.training.card import render_card
from reviewbait.training.corpus import COLUMNS, load_corpus
from reviewbait.training.retrain import UserDataError, load_user_rows, merge_with_base, train_user_model

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src" / "reviewbait" / "models"
FAST = {"augment": False, "cv_folds": 2, "feature_params": {"max_word_features": 3000, "max_char_features": 6000}}


@pytest.fixture
def user_csv(tmp_path: Path) -> Path:
    path = tmp_path / "mine.csv"
    user_frame().to_csv(path, index=False)
    return path


def _caught(detector: Detector, texts: list[str]) -> int:
    return int(np.sum(detector.probabilities(texts) >= detector.threshold))


def test_retrained_model_catches_held_out_paraphrases(user_csv: Path, tiny_detector: Detector, tmp_path: Path) -> None:
    # a small base (30 rows per label and language) stands in for the bundled train split; with
    # 15, the `balanced` threshold chosen on 2 folds of ~270 rows moved by 0.1 with the sample
    base = load_corpus().sample(frac=1.0, random_state=1).groupby(["label", "language"]).head(30)
    manifest = train_user_model([user_csv], tmp_path / "mine", base=base, measure_sms=False, **FAST)
    mine = Detector.load(tmp_path / "mine")

    # Margins measured by benchmarks/retrain_spread.py over 3 seeds x 3 base samples (see
    # CHANGELOG, issue 11): a count at the threshold moves when the threshold, chosen on 2 folds
    # of ~480 rows, moves (0.30 to 0.45 here; another CPU flagged 2 negatives where these runs
    # flagged 0 or 1), so the held-out negatives are checked by rank, not by count.
    p_tiny = tiny_detector.probabilities(HELD_OUT_POSITIVES)
    p_pos, p_neg = mine.probabilities(HELD_OUT_POSITIVES), mine.probabilities(HELD_OUT_NEGATIVES)
    assert p_tiny.mean() <= 0.35  # the base model misses the new pattern (measured 0.12 to 0.19)...
    assert p_pos.mean() - p_tiny.mean() >= 0.4  # ...the retrained one learns it (measured 0.63 to 0.68)
    assert _caught(mine, HELD_OUT_POSITIVES) >= 6  # measured 8 of 8 in every run
    # without flagging the vocabulary alone: positives outrank the held-out negatives. Measured
    # with no pair inverted in 9 runs (gap 0.13 to 0.40); once corpus round 10 changed which rows
    # the base sample draws, 1 of the 48 pairs was (0.38 against 0.42): a share, not a strict gap.
    assert (p_pos[:, None] > p_neg[None, :]).mean() >= 0.95
    assert mine.check("Leave a 5 star review on Amazon and get a full refund via PayPal").is_solicitation  # +0.52
    assert manifest["kind"] == "user"
    assert manifest["data"]["user_rows"] == 60 and manifest["data"]["base_rows"] == len(base)
    assert manifest["data"]["train_rows"] == 60 + len(base)


def test_cli_train_no_base_writes_a_usable_model(
    user_csv: Path, tiny_detector: Detector, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "models" / "mine"
    code = cli.main(["train", "--data", str(user_csv), "--no-base", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "cross-validated" in captured.out and f"--model {out}" in captured.out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data"]["base_rows"] == 0 and manifest["data"]["user_files"] == ["mine.csv"]
    assert "--no-base" in manifest["command"]
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card == render_card(manifest)
    assert "trained on your data" in card and manifest["sha256"] in card and "reviewbait evaluate" in card
    mine = Detector.load(out)
    # measured over 3 seeds: 8 of 8 caught, mean probability 0.79 to 0.80 against the tiny model's 0.12 to 0.19
    assert _caught(mine, HELD_OUT_POSITIVES) >= 6
    gain = mine.probabilities(HELD_OUT_POSITIVES).mean() - tiny_detector.probabilities(HELD_OUT_POSITIVES).mean()
    assert gain >= 0.4

    posts = tmp_path / "posts.csv"
    pd.DataFrame({"message": HELD_OUT_POSITIVES + HELD_OUT_NEGATIVES}).to_csv(posts, index=False)
    scored = tmp_path / "posts.scored.csv"
    code = cli.main(["score", str(posts), "--text-column", "message", "--model", str(out), "-o", str(scored),
                     "--quiet", "--jobs", "1"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    flags = pd.read_csv(scored)["reviewbait_flag"].tolist()
    assert sum(flags[: len(HELD_OUT_POSITIVES)]) >= 6


def test_the_shipped_card_still_renders_from_its_manifest() -> None:
    manifest = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    assert render_card(manifest) == (SHIPPED / "MODEL_CARD.md").read_text(encoding="utf-8")


def _first(frame: pd.DataFrame, column: str, *values: str) -> pd.DataFrame:
    """A copy of ``frame`` whose first rows hold ``values`` in ``column``."""
    out = frame.astype({column: str}).copy()
    out.iloc[: len(values), out.columns.get_loc(column)] = list(values)
    return out


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["label"]), r"bad.csv: missing columns \['label'\]"),
        (lambda f: f.drop(columns=["text", "category"]), r"missing columns \['text', 'category'\]"),
        (lambda f: _first(f, "label", "2"), r"label is not 0 or 1: 1 row: row 1 \(id mine-000\)"),
        (lambda f: _first(f, "label", "yes", "x"), r"label is not 0 or 1: 2 rows: row 1 \(id mine-000\), row 2"),
        (lambda f: _first(f, "category", "bribe"), r"unknown category .*: 1 row: row 1 \(id mine-000\)"),
        (lambda f: _first(f, "text", "  "), r"empty text: 1 row: row 1 \(id mine-000\)"),
        (lambda f: _first(f, "category", "promo"), r"label 1 with a negative category: 1 row: row 1"),
        (lambda f: _first(f, "id", "mine-001"), r"duplicate id: 2 rows: row 1 \(id mine-001\), row 2 \(id mine-001\)"),
        (lambda f: f.assign(sentiment_conditioned=f["label"].astype(str).str.replace("0", "1")), r"sentiment_conditioned 1 on a row labeled 0: 30 rows"),
        (lambda f: _first(f, "language", "english"), r"language is not an ISO 639-1 code: 1 row"),
        (lambda f: f.iloc[:0], r"bad.csv: no rows"),
    ],
)  # fmt: skip
def test_each_bad_input_is_named(change: Callable[[pd.DataFrame], pd.DataFrame], message: str, tmp_path: Path) -> None:
    path = _write(tmp_path, change(user_frame()))
    with pytest.raises(UserDataError, match=message):
        load_user_rows([path])


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = user_frame()
    first = _write(tmp_path, _first(frame, "label", "7"), "first.csv")
    second = _write(tmp_path, frame.drop(columns=["category"]), "second.csv")
    code = cli.main(["train", "--data", str(first), "--data", str(second), "--no-base", "-o", str(tmp_path / "m")])
    err = capsys.readouterr().err
    assert code == 2
    assert "first.csv: label is not 0 or 1" in err and "second.csv: missing columns ['category']" in err
    assert not (tmp_path / "m").exists()


def test_duplicates_are_reported_and_kept_once(tmp_path: Path) -> None:
    frame = user_frame()
    again = frame.iloc[[0, 40]].assign(id=["copy-1", "copy-2"])
    again["text"] = again["text"].str.upper() + "  "  # same text, other case and spacing
    rows, notes = load_user_rows([_write(tmp_path, frame, "a.csv"), _write(tmp_path, again, "b.csv")])
    assert len(rows) == len(frame)
    assert len(notes) == 1 and notes[0].startswith("2 duplicate texts kept once: ")
    assert "b.csv row 1 (id copy-1)" in notes[0] and "b.csv row 2 (id copy-2)" in notes[0]


def test_conflicting_duplicates_and_ids_across_files_are_errors(tmp_path: Path) -> None:
    frame = user_frame()
    flipped = frame.iloc[[0]].assign(id=["other-1"], label=[0], category=["other"], sentiment_conditioned=[0])
    with pytest.raises(
        UserDataError, match=r"both labels 0 and 1: \S*a.csv row 1 \(id mine-000\), \S*b.csv row 1 \(id other-1\)"
    ):
        load_user_rows([_write(tmp_path, frame, "a.csv"), _write(tmp_path, flipped, "b.csv")])
    same_id = frame.iloc[[1]].assign(text=["something else entirely"])
    with pytest.raises(
        UserDataError, match=r"same id appears in more than one row: \S*a.csv row 2 \(id mine-001\), \S*c.csv row 1"
    ):
        load_user_rows([_write(tmp_path, frame, "a.csv"), _write(tmp_path, same_id, "c.csv")])


def test_optional_columns_and_column_mapping(tmp_path: Path) -> None:
    frame = user_frame()[["id", "text", "label", "category"]].rename(columns={"id": "post_id", "text": "message"})
    rows, _ = load_user_rows([_write(tmp_path, frame)], text_column="message", id_column="post_id")
    assert list(rows.columns[: len(COLUMNS)]) == COLUMNS
    assert set(rows["language"]) == {"und"} and set(rows["sentiment_conditioned"]) == {0}
    bare = user_frame()[["text", "label", "category"]]
    rows, _ = load_user_rows([_write(tmp_path, bare)])
    assert rows["id"].iloc[0] == "bad:1"


def test_the_retired_insert_card_category_is_read_as_direct_reward(tmp_path: Path) -> None:
    frame = user_frame()
    old = frame["category"] == "direct_reward"
    assert old.any()
    frame.loc[old, "category"] = "insert_card"
    rows, notes = load_user_rows([_write(tmp_path, frame, "old.csv")])
    assert "insert_card" not in set(rows["category"])
    assert (rows["category"] == "direct_reward").sum() == old.sum()
    retired = [n for n in notes if "insert_card" in n]
    assert len(retired) == 1 and f"read {int(old.sum())} rows of insert_card as direct_reward" in retired[0]


def test_user_rows_replace_the_same_text_in_the_base() -> None:
    user = user_frame()
    base = pd.concat([user.iloc[[0]].assign(id=["base-1"], label=[0], category=["other"]), user.iloc[[35]]])
    base = pd.concat([base, load_corpus().head(3)[COLUMNS]], ignore_index=True)
    merged = merge_with_base(user, base)
    assert merged.user_rows == 60 and merged.base_rows == 3
    assert (
        "2 of your rows repeat a text of the bundled corpus; yours are used (1 with a different label)" in merged.notes
    )


def test_too_little_or_too_uniform_data_is_refused(tmp_path: Path) -> None:
    small = user_frame().iloc[[0, 1, 2, 30, 31, 32]]
    with pytest.raises(UserDataError, match="too few distinct examples"):
        train_user_model([_write(tmp_path, small)], tmp_path / "m", base=False, measure_sms=False, **FAST)
    uniform = user_frame().assign(sentiment_conditioned=0)
    with pytest.raises(UserDataError, match="both sentiment_conditioned values"):
        train_user_model([_write(tmp_path, uniform)], tmp_path / "m", base=False, measure_sms=False, **FAST)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--no-base"], "--no-base needs --data"),
        (["--data", "{csv}", "-o", str(SHIPPED)], "bundled model's directory"),
        (["--data", "{missing}"], "no such file"),
    ],
)
def test_train_usage_errors(
    args: list[str], message: str, user_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.format(csv=user_csv, missing=tmp_path / "missing.csv") for a in args]
    code = cli.main(["train", *args, *(["-o", str(tmp_path / "m")] if "-o" not in args else [])])
    assert code == 2
    assert message in capsys.readouterr().err
