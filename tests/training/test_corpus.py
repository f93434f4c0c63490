"""The hand-written corpus follows the labeling guide, and the split never leaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reviewbait.training.corpus import (
    NEAR_DUPLICATE_THRESHOLD,
    NEGATIVE_CATEGORIES,
    POSITIVE_CATEGORIES,
    CorpusError,
    load_corpus,
    load_split,
    validate_corpus,
)


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return load_split(load_corpus())


def test_size_balance_and_coverage(corpus: pd.DataFrame) -> None:
    assert len(corpus) >= 3000
    assert corpus["label"].mean() >= 0.35
    counts = corpus["category"].value_counts()
    for category in POSITIVE_CATEGORIES + NEGATIVE_CATEGORIES:
        assert counts.get(category, 0) >= 120, category
    languages = corpus["language"].value_counts()
    assert languages.idxmax() == "en"
    for language in ("es", "de", "fr", "pt", "it", "zh"):
        assert languages.get(language, 0) >= 150, language
    assert corpus["platform"].nunique() >= 15
    words = corpus["text"].str.split().str.len()
    assert words.min() <= 3 and (words >= 250).sum() >= 30


def test_split_is_about_a_fifth_and_groups_never_straddle(corpus: pd.DataFrame) -> None:
    assert 0.18 <= (corpus["split"] == "test").mean() <= 0.25
    sides = corpus.groupby("group")["split"].nunique()
    assert (sides == 1).all()


def test_no_test_row_is_a_near_duplicate_of_a_train_row(corpus: pd.DataFrame) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from reviewbait.text.normalize import normalize_text

    texts = [normalize_text(t) for t in corpus["text"]]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(texts)
    test = (corpus["split"] == "test").to_numpy()
    similarity = (matrix[test] @ matrix[~test].T).max(axis=1).toarray().ravel()
    assert similarity.max() < NEAR_DUPLICATE_THRESHOLD


def test_validation_names_every_problem() -> None:
    bad = pd.DataFrame(
        {
            "id": ["a", "a", "c"],
            "text": ["x", " ", "z"],
            "label": ["1", "0", "2"],
            "category": ["promo", "contest", "contest"],
            "language": ["en", "english", "en"],
            "platform": ["facebook", "myspace", "x"],
            "sentiment_conditioned": ["0", "1", "0"],
            "incentive_type": ["", "", "cash"],
            "notes": ["", "", ""],
        }
    )
    with pytest.raises(CorpusError) as error:
        validate_corpus(bad)
    message = str(error.value)
    for problem in (
        "label is not 0 or 1",
        "empty text",
        "duplicate id",
        "unknown platform",
        "ISO 639-1",
        "label 1 with a category",
        "sentiment_conditioned 1 on a negative row",
    ):
        assert problem in message
    with pytest.raises(CorpusError, match="missing columns"):
        validate_corpus(bad.drop(columns=["platform"]))


def test_retired_insert_card_category_is_rejected_with_what_to_use(corpus: pd.DataFrame) -> None:
    assert "insert_card" not in set(corpus["category"])
    assert "insert_card" in set(corpus["platform"])  # the medium is kept where it belongs
    old = corpus.head(3).astype({"label": str, "sentiment_conditioned": str})
    old.loc[old.index[0], ["label", "category", "sentiment_conditioned"]] = ["1", "insert_card", "0"]
    with pytest.raises(CorpusError) as error:
        validate_corpus(old)
    message = str(error.value)
    assert "category insert_card is retired" in message and "use direct_reward" in message and "platform" in message
    assert "label 1 with a category that is not positive" not in message  # one problem, said once


def test_user_labels_with_the_retired_category_are_mapped_with_one_line() -> None:
    from reviewbait.training.corpus import map_retired_categories

    categories = pd.Series(["insert_card", "contest", " insert_card", "promo"])
    mapped, note = map_retired_categories(categories, "old.csv")
    assert mapped.tolist() == ["direct_reward", "contest", "direct_reward", "promo"]
    assert (
        note is not None
        and "\n" not in note
        and note.startswith("old.csv: read 2 rows of insert_card as direct_reward")
    )
    same, none = map_retired_categories(pd.Series(["contest"]), "new.csv")
    assert none is None and same.tolist() == ["contest"]


def test_machine_variants_are_never_in_the_data_files(corpus: pd.DataFrame) -> None:
    assert not corpus["id"].str.contains("~aug").any()
    assert np.all(corpus["text"].str.strip() != "")


def _frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"id": [r[0] for r in rows], "text": [r[1] for r in rows]})


A = "leave a review on google and get a free coffee next time"
B = "we refund your order in full after your amazon review is live"


def test_extend_split_keeps_every_row_and_follows_near_duplicates() -> None:
    from reviewbait.training.corpus import extend_split

    previous = pd.DataFrame({"id": ["a", "b"], "group": [0, 1], "split": ["train", "test"]})
    others = [(f"new{i:02d}", f"completely unrelated note number {i} about {w}") for i, w in enumerate("abcdefghij")]
    corpus = _frame([("a", A), ("b", B), ("a2", A + "!!"), ("b2", B + " :)"), *others])
    extended = extend_split(corpus, previous).set_index("id")
    assert extended.loc[["a", "a2"], "split"].tolist() == ["train", "train"]
    assert extended.loc[["b", "b2"], "split"].tolist() == ["test", "test"]
    assert extended["split"].isin(["train", "test"]).all()
    assert (extended.groupby("group")["split"].nunique() == 1).all()
    again = extend_split(corpus, previous).set_index("id")
    assert again["split"].equals(extended["split"])  # stable, not random per run


def test_extend_split_refuses_a_row_that_bridges_train_and_test() -> None:
    from reviewbait.training.corpus import extend_split

    previous = pd.DataFrame({"id": ["a", "b"], "group": [0, 1], "split": ["train", "test"]})
    with pytest.raises(CorpusError, match="join train and test"):
        extend_split(_frame([("a", A), ("b", B), ("bridge", A + " " + B)]), previous)
