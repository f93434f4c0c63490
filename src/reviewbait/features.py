"""The scikit-learn transformer that turns raw texts into model features.

One transformer owns the whole text side: de-obfuscation, word and character n-grams of
the normalized text, and the interpretable cue features. Keeping it in one estimator means
the fitted pipeline is a single object that clones, pickles and explains itself
(``get_feature_names_out``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as normalize_rows
from sklearn.utils.validation import check_is_fitted

from reviewbait.exported.inference import unit_features
from reviewbait.text.char_ngrams import CharNgramCounter
from reviewbait.text.cues import Cue, cue_feature_names, find_cues
from reviewbait.text.normalize import NormalizedText, normalize
from reviewbait.text.word_ngrams import WordNgramCounter

__all__ = ["SolicitationFeatures", "as_text_list"]


def as_text_list(X: Any) -> list[str]:
    """Accept a list, tuple, 1-D array, pandas Series or single-column frame of strings."""
    if isinstance(X, str):
        raise TypeError("expected a sequence of texts, got a single str; wrap it in a list")
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] != 1:
            raise ValueError(f"expected one column of texts, got {X.shape[1]} columns")
        X = X.iloc[:, 0] if hasattr(X, "iloc") else np.asarray(X)[:, 0]
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text at index {i} is {type(text).__name__}, not str")
    return texts


def _plain(vectorizer: TfidfVectorizer) -> bool:
    """No preprocessing that the vectorized counters do not reproduce."""
    return vectorizer.preprocessor is None and vectorizer.strip_accents is None and not vectorizer.lowercase


def _weigh(vectorizer: TfidfVectorizer, counts: sp.csr_matrix) -> sp.csr_matrix:
    """Counts to TF-IDF as ``TfidfTransformer.transform`` does: sublinear tf, idf, l2 rows."""
    if vectorizer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += np.float32(1.0)
    counts.data *= vectorizer.idf_[counts.indices]
    weighted: sp.csr_matrix = normalize_rows(counts, norm=vectorizer.norm, copy=False)
    return weighted


_TERM_SEPARATOR = "\x00"  # normalized text never contains NUL (control characters are dropped)


def pack_vocabulary(vectorizer: Any) -> Any:
    """A shallow copy whose ``vocabulary_`` is pickled as one string, terms in column order.

    joblib unpickles with Python's pure-Python unpickler, one object at a time: the two
    vocabularies (90,000 terms) took most of the 0.6 s that loading the model cost. One
    string loads at once and :func:`unpack_vocabulary` rebuilds the same dict in ~10 ms.
    Left as is when a term contains the separator or the indices are not ``0..n-1``.
    """
    vocabulary = vectorizer.__dict__.get("vocabulary_")
    if not isinstance(vocabulary, dict) or not vocabulary:
        return vectorizer
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    if vocabulary[terms[0]] != 0 or vocabulary[terms[-1]] != len(terms) - 1:
        return vectorizer
    if any(_TERM_SEPARATOR in term for term in terms):
        return vectorizer
    packed = copy.copy(vectorizer)
    del packed.__dict__["vocabulary_"]
    packed.__dict__["_packed_vocabulary"] = _TERM_SEPARATOR.join(terms)
    return packed


def unpack_vocabulary(vectorizer: Any) -> None:
    """Undo :func:`pack_vocabulary` in place after unpickling."""
    packed = vectorizer.__dict__.pop("_packed_vocabulary", None)
    if packed is not None:
        vectorizer.vocabulary_ = {term: k for k, term in enumerate(packed.split(_TERM_SEPARATOR))}


def unpack_vocabularies(owner: Any, names: Sequence[str]) -> None:
    """After unpickling ``owner``: undo :func:`pack_vocabulary` on its vectorizers ``names``."""
    for name in names:
        if name in owner.__dict__:
            unpack_vocabulary(owner.__dict__[name])


class SolicitationFeatures(TransformerMixin, BaseEstimator):
    """Word + character TF-IDF of de-obfuscated text, plus weighted cue features.

    Parameters
    ----------
    word_ngram_range, char_ngram_range : n-gram ranges of the two TF-IDF blocks.
    max_word_features, max_char_features : vocabulary caps (keep the artifact small).
    min_df : minimum document frequency for both vocabularies.
    cue_weight : scale of the cue block relative to the unit-norm TF-IDF blocks.
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        max_word_features: int | None = 30000,
        max_char_features: int | None = 60000,
        min_df: int = 2,
        cue_weight: float = 1.0,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.min_df = min_df
        self.cue_weight = cue_weight

    def fit(self, X: Iterable[str], y: Any = None) -> SolicitationFeatures:
        return self.fit_normalized(self._normalize(X))

    def fit_normalized(self, normalized: Sequence[NormalizedText]) -> SolicitationFeatures:
        """Fit on texts that were already normalized (training normalizes once for everything)."""
        texts = [n.text for n in normalized]
        self.__dict__.pop("_char_counter", None)
        self.__dict__.pop("_word_counter", None)
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer="word",
            ngram_range=self.word_ngram_range,
            token_pattern=r"(?u)\b\w+\b|[$€£¥%→=]",
            min_df=self.min_df,
            max_features=self.max_word_features,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        ).fit(texts)
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.char_ngram_range,
            min_df=self.min_df,
            max_features=self.max_char_features,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        ).fit(texts)
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, ["word_vectorizer_", "char_vectorizer_"])
        return self.transform_normalized(self._normalize(X))

    def transform_normalized(
        self, normalized: Sequence[NormalizedText], cues: Sequence[list[Cue]] | None = None
    ) -> sp.csr_matrix:
        """Transform texts that were already normalized (the detector reuses them for evidence).

        ``cues`` (one list per text, offsets into that text) saves finding them again when
        the caller already has them, as the model does for the windows of a long text.
        """
        check_is_fitted(self, ["word_vectorizer_", "char_vectorizer_"])
        texts = [n.text for n in normalized]
        if cues is None:
            cues = [find_cues(n) for n in normalized]
        return unit_features(self._word_tfidf(texts), self._char_tfidf(texts), normalized, cues, self.cue_weight)

    def _char_tfidf(self, texts: list[str]) -> sp.csr_matrix:
        """The character TF-IDF block, counted by :class:`CharNgramCounter` (same numbers, faster)."""
        vectorizer = self.char_vectorizer_
        counter = self.__dict__.get("_char_counter", False)
        if counter is False:  # built once per fitted object; never pickled
            counter = CharNgramCounter.from_vocabulary(vectorizer.vocabulary_, vectorizer.ngram_range)
            self.__dict__["_char_counter"] = counter
        if counter is None or vectorizer.analyzer != "char_wb" or not _plain(vectorizer):
            return vectorizer.transform(texts)
        return _weigh(vectorizer, counter.transform(texts))

    def _word_tfidf(self, texts: list[str]) -> sp.csr_matrix:
        """The word TF-IDF block, counted by :class:`WordNgramCounter` (same numbers, faster)."""
        vectorizer = self.word_vectorizer_
        counter = self.__dict__.get("_word_counter", False)
        if counter is False:  # built once per fitted object; never pickled
            counter = WordNgramCounter.from_vocabulary(
                vectorizer.vocabulary_, vectorizer.token_pattern, vectorizer.ngram_range
            )
            self.__dict__["_word_counter"] = counter
        plain = vectorizer.tokenizer is None and vectorizer.stop_words is None and _plain(vectorizer)
        if counter is None or vectorizer.analyzer != "word" or not plain:
            return vectorizer.transform(texts)
        return _weigh(vectorizer, counter.transform(texts))

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the vectorizers' volatile parts, so the same fit gives the same bytes.

        ``stop_words_`` (terms cut by min_df/max_features) is a large set whose pickled order
        depends on the hash seed, and ``_stop_words_id`` is an ``id()`` cache; scikit-learn
        documents the first as safe to drop, and rebuilds the second when needed. The
        vocabularies are packed into strings so that loading is quick (:func:`pack_vocabulary`).
        """
        state = dict(super().__getstate__())  # a copy: on Python 3.11 it is the live __dict__
        state.pop("_char_counter", None)
        state.pop("_word_counter", None)
        for name in ("word_vectorizer_", "char_vectorizer_"):
            if name in state:
                vectorizer = copy.copy(state[name])
                for volatile in ("stop_words_", "_stop_words_id"):
                    vectorizer.__dict__.pop(volatile, None)
                state[name] = pack_vocabulary(vectorizer)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        unpack_vocabularies(self, ("word_vectorizer_", "char_vectorizer_"))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, ["word_vectorizer_", "char_vectorizer_"])
        word = [f"word__{n}" for n in self.word_vectorizer_.get_feature_names_out()]
        char = [f"char__{n}" for n in self.char_vectorizer_.get_feature_names_out()]
        cue = [f"cue__{n}" for n in cue_feature_names()]
        return np.asarray(word + char + cue, dtype=object)

    @staticmethod
    def _normalize(X: Any) -> list[NormalizedText]:
        return [normalize(t) for t in as_text_list(X)]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
