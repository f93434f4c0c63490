"""The vectorized word n-gram counter gives exactly scikit-learn's ``word`` analyzer counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from reviewbait.text.word_ngrams import WordNgramCounter
from reviewbait.training.corpus import load_corpus

PATTERN = r"(?u)\b\w+\b|[$€£¥%→=]"
_WORDS = st.sampled_from(
    ["free", "review", "gift", "5", "stars", "$", "=", "→", "好评", "返现", "zebra", "qq", " ", "\n"]
)


def _vectorizer(ngram_range: tuple[int, int]) -> CountVectorizer:
    texts = [*load_corpus()["text"].tolist()[:600], "free review gift 5 stars $ = →", "好评 返现"]
    return CountVectorizer(
        analyzer="word", token_pattern=PATTERN, ngram_range=ngram_range, lowercase=False, min_df=2, dtype=np.float32
    ).fit(texts)


@pytest.fixture(scope="module", params=[(1, 2), (1, 1), (2, 2)])
def fitted(request: pytest.FixtureRequest) -> tuple[CountVectorizer, WordNgramCounter]:
    vectorizer = _vectorizer(request.param)
    counter = WordNgramCounter.from_vocabulary(vectorizer.vocabulary_, PATTERN, vectorizer.ngram_range)
    assert counter is not None
    return vectorizer, counter


def _same(vectorizer: CountVectorizer, counter: WordNgramCounter, texts: list[str]) -> None:
    expected = vectorizer.transform(texts)
    got = counter.transform(texts)
    assert got.shape == expected.shape and got.dtype == np.float32
    assert (got != expected).nnz == 0


def test_counts_equal_sklearn_on_real_texts(fitted: tuple[CountVectorizer, WordNgramCounter]) -> None:
    _same(*fitted, load_corpus()["text"].tolist()[600:1400])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_WORDS, max_size=12).map(" ".join), max_size=5))
def test_counts_equal_sklearn_on_random_texts(
    fitted: tuple[CountVectorizer, WordNgramCounter], texts: list[str]
) -> None:
    _same(*fitted, texts)


def test_edge_cases(fitted: tuple[CountVectorizer, WordNgramCounter]) -> None:
    _same(*fitted, ["", "   ", "free", "unknownword free", "free unknownword review"])
    assert fitted[1].transform([]).shape == (0, len(fitted[0].vocabulary_))


def test_ranges_it_cannot_count_fall_back() -> None:
    assert WordNgramCounter.from_vocabulary({"a b c": 0}, PATTERN, (1, 3)) is None
