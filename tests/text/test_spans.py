"""Counting a text's words once for all its windows gives exactly the windows' own counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from reviewbait.model import make_units
from reviewbait.text.char_ngrams import CharNgramCounter
from reviewbait.text.normalize import normalize
from reviewbait.text.spans import concatenated_ranges, unit_pieces
from reviewbait.text.word_ngrams import PIECEWISE_PATTERNS, WordNgramCounter
from reviewbait.training.corpus import load_corpus

# words the vocabularies know, ones they do not, symbols, and every kind of white space
_WORDS = ["free", "review", "gift", "5", "stars", "$", "=", "→", "好评", "返现", "zebra", "é", "x\x00y", "a_b"]
_PARTS = st.sampled_from([*_WORDS, " ", " ", " ", "  ", "\t", "\n", "\xa0", "\u3000"])
_TEXTS = st.lists(st.lists(_PARTS, max_size=14).map("".join), min_size=1, max_size=4)


@st.composite
def _texts_and_spans(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, int, int]]]:
    texts = draw(_TEXTS)
    spans = []
    for k, text in enumerate(texts):
        spans.append((k, 0, len(text)))
        for _ in range(draw(st.integers(0, 3))):
            a = draw(st.integers(0, len(text)))
            spans.append((k, a, draw(st.integers(a, len(text)))))
    return texts, spans


def _fit_texts() -> list[str]:
    return [*load_corpus()["text"].tolist()[:600], "free review gift 5 stars $ = →", "好评 返现 é"]


@pytest.fixture(scope="module")
def char_counter() -> CharNgramCounter:
    vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False, min_df=2)
    vectorizer.fit(_fit_texts())
    counter = CharNgramCounter.from_vocabulary(vectorizer.vocabulary_, vectorizer.ngram_range)
    assert counter is not None
    return counter


@pytest.fixture(scope="module", params=[(pattern, (1, 2)) for pattern in sorted(PIECEWISE_PATTERNS)] + [(None, (2, 2))])
def word_counter(request: pytest.FixtureRequest) -> WordNgramCounter:
    pattern, ngram_range = request.param
    pattern = pattern or r"(?u)\b\w+\b|[$€£¥%→=]"
    vectorizer = CountVectorizer(analyzer="word", token_pattern=pattern, ngram_range=ngram_range, lowercase=False)
    vectorizer.fit(_fit_texts())
    counter = WordNgramCounter.from_vocabulary(vectorizer.vocabulary_, pattern, ngram_range)
    assert counter is not None and counter.piecewise
    return counter


def _unit_texts(texts: list[str], spans: list[tuple[int, int, int]]) -> list[str]:
    return [texts[k][a:b] for k, a, b in spans]


@settings(max_examples=200, deadline=None)
@given(_texts_and_spans())
def test_a_units_pieces_are_the_words_of_its_text(case: tuple[list[str], list[tuple[int, int, int]]]) -> None:
    texts, spans = case
    pieces = unit_pieces(texts, spans)
    words: list[list[str]] = [[] for _ in spans]
    for unit, lo, hi in zip(pieces.unit.tolist(), pieces.lo.tolist(), pieces.hi.tolist(), strict=True):
        words[unit].extend(pieces.distinct[d] for d in pieces.occurrence[lo:hi].tolist())
    assert words == [text.split() for text in _unit_texts(texts, spans)]
    assert len(pieces.occurrence) <= sum(len(t.split()) for t in texts) + 2 * len(spans)  # each window cuts two at most
    assert len(set(pieces.distinct)) == len(pieces.distinct)


def _assert_counts_by_piece_equal_the_units_counts(
    counter: CharNgramCounter | WordNgramCounter, case: tuple[list[str], list[tuple[int, int, int]]]
) -> None:
    texts, spans = case
    got = counter.transform_pieces(unit_pieces(texts, spans))
    expected = counter.transform(_unit_texts(texts, spans))
    assert got.dtype == np.float32 and got.has_sorted_indices
    assert (got != expected).nnz == 0
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)


@settings(max_examples=150, deadline=None)
@given(_texts_and_spans())
def test_char_counts_by_piece_equal_the_units_counts(
    char_counter: CharNgramCounter, case: tuple[list[str], list[tuple[int, int, int]]]
) -> None:
    _assert_counts_by_piece_equal_the_units_counts(char_counter, case)


@settings(max_examples=100, deadline=None)
@given(_texts_and_spans())
def test_word_counts_by_piece_equal_the_units_counts(
    word_counter: WordNgramCounter, case: tuple[list[str], list[tuple[int, int, int]]]
) -> None:
    _assert_counts_by_piece_equal_the_units_counts(word_counter, case)


def test_windows_of_real_long_texts(char_counter: CharNgramCounter) -> None:
    """The model's own windows (cut mid-word) of the corpus' longest texts."""
    texts = sorted(load_corpus()["text"].tolist(), key=len)[-40:]
    normalized = [normalize(t) for t in texts]
    units = make_units(normalized)
    owner = units.owner.tolist()
    spans = [(k, a, b) for k, (a, b) in zip(owner, units.span, strict=True)]
    assert len(spans) > len(texts)  # they were long enough to have windows
    pieces = unit_pieces([n.text for n in normalized], spans)
    unit_texts = [u.text for u in units.units]
    assert (char_counter.transform_pieces(pieces) != char_counter.transform(unit_texts)).nnz == 0


def test_a_pattern_that_is_not_piecewise_is_refused() -> None:
    counter = WordNgramCounter.from_vocabulary({"ab": 0, "ab cd": 1}, r"\S+", (1, 2))
    assert counter is not None and not counter.piecewise
    with pytest.raises(ValueError, match="piece by piece"):
        counter.transform_pieces(unit_pieces(["ab cd"], [(0, 0, 5)]))


def test_concatenated_ranges() -> None:
    starts, stops = np.array([3, 0, 5, 7]), np.array([5, 0, 8, 7])
    assert concatenated_ranges(starts, stops).tolist() == [3, 4, 5, 6, 7]
    assert concatenated_ranges(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).size == 0
