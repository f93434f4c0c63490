"""The vectorized char n-gram counter gives exactly scikit-learn's ``char_wb`` counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from reviewbait.text.char_ngrams import CharNgramCounter
from reviewbait.training.corpus import load_corpus

# letters the vocabulary knows, letters it does not, and every kind of white space
_ALPHABET = st.sampled_from([*list("abcdeé5 $⭐好評\t\n\xa0\u2003xyzQ\x00"), "\u3000"])


@pytest.fixture(scope="module")
def fitted() -> tuple[CountVectorizer, CharNgramCounter]:
    texts = [*load_corpus()["text"].tolist()[:800], "a b", "5⭐ 好評 é"]
    vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False, min_df=2, dtype=np.float32)
    vectorizer.fit(texts)
    counter = CharNgramCounter.from_vocabulary(vectorizer.vocabulary_, vectorizer.ngram_range)
    assert counter is not None
    return vectorizer, counter


def _same(vectorizer: CountVectorizer, counter: CharNgramCounter, texts: list[str]) -> None:
    expected = vectorizer.transform(texts)
    got = counter.transform(texts)
    assert got.shape == expected.shape
    assert got.dtype == np.float32
    assert (got != expected).nnz == 0


def test_counts_equal_sklearn_on_real_texts(fitted: tuple[CountVectorizer, CharNgramCounter]) -> None:
    _same(*fitted, load_corpus()["text"].tolist()[800:1600])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(_ALPHABET, max_size=40), max_size=6))
def test_counts_equal_sklearn_on_random_texts(
    fitted: tuple[CountVectorizer, CharNgramCounter], texts: list[str]
) -> None:
    _same(*fitted, texts)


def test_edge_cases(fitted: tuple[CountVectorizer, CharNgramCounter]) -> None:
    _same(*fitted, ["", "   ", "a", "\ud800 lone surrogate", "x\x00y", "tab\tand\nnew  line"])
    assert fitted[1].transform([]).shape == (0, len(fitted[0].vocabulary_))


def test_vocabularies_that_cannot_be_packed_fall_back() -> None:
    # 8,200 distinct characters need 14 bits a character: five do not fit a 63-bit key, four do
    many = {chr(0x4E00 + i) + chr(0x4E00 + i + 1): i for i in range(8200)}
    assert CharNgramCounter.from_vocabulary(many, (2, 5)) is None
    assert CharNgramCounter.from_vocabulary(many, (2, 4)) is not None
