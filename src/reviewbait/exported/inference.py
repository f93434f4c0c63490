"""The exported model: plain arrays and JSON, scored with NumPy (and scipy.sparse) alone.

Why: loading a pickle runs whatever code the file names, and unpickling a linear model cost
every process an import of scikit-learn. Training still fits with scikit-learn; then
:func:`reviewbait.exported.export.export_model` writes what scoring needs (vocabularies, IDF weights,
the linear SVM's and the calibrator's coefficients, the heads' weights, the offer rule and
the thresholds) as ``reviewbait.npz`` (numeric arrays only, read with
``allow_pickle=False``) and ``reviewbait.json`` (parameters). Nothing in either file can run
code; a hostile file can at worst be refused or give wrong scores.

Every step repeats what the fitted scikit-learn objects do, operation for operation and in
the same order, so the exported model gives the same probabilities, categories and
incentives (tests compare them on a model fitted in the test, within 1e-9).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from reviewbait.errors import ReviewbaitError
from reviewbait.heads import _cjk_only, audience_counts, head_texts, incentive_counts, subtype_counts
from reviewbait.model import OfferRule, SolicitationModel
from reviewbait.text.char_ngrams import CharNgramCounter
from reviewbait.text.cues import Cue, cue_feature_names, cue_features, find_cues
from reviewbait.text.hashindex import count_matrix
from reviewbait.text.normalize import NormalizedText
from reviewbait.text.spans import unit_pieces
from reviewbait.text.word_ngrams import WordNgramCounter

__all__ = [
    "FORMAT_VERSION",
    "ExportError",
    "ExportedClassifier",
    "ExportedFeatures",
    "ExportedHead",
    "ExportedModel",
    "Tfidf",
    "decode_terms",
    "encode_terms",
    "model_from_arrays",
]

FORMAT_VERSION = 1
_TERM_SEPARATOR = "\x00"  # no vocabulary term holds a NUL (normalized text has none)


class ExportError(ReviewbaitError, ValueError):
    """The model cannot be written as, or read from, plain arrays and JSON."""


def encode_terms(terms: Sequence[str]) -> np.ndarray:
    """Terms in column order as one UTF-8 byte array (one array loads at once; no pickle)."""
    if any(_TERM_SEPARATOR in term for term in terms):
        raise ExportError("a vocabulary term holds a NUL character; it cannot be exported")
    return np.frombuffer(_TERM_SEPARATOR.join(terms).encode("utf-8", "surrogatepass"), dtype=np.uint8)


def decode_terms(data: np.ndarray, count: int) -> list[str]:
    """The inverse of :func:`encode_terms`; ``count`` is checked, so a cut file is refused."""
    terms = data.astype(np.uint8, copy=False).tobytes().decode("utf-8", "surrogatepass").split(_TERM_SEPARATOR)
    if count == 0 and terms == [""]:
        terms = []
    if len(terms) != count:
        raise ExportError(f"expected {count} vocabulary terms, found {len(terms)}")
    return terms


def l2_normalize_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length in place, bit for bit as ``sklearn.preprocessing.normalize``.

    scikit-learn sums each row's float32 squares in double precision, in index order, then
    divides in double and stores float32. A CSR product with a vector of ones sums the same
    terms in the same order (scipy's row loop), so the norms are the same numbers.
    """
    data = matrix.data
    squares = sp.csr_matrix(((data * data).astype(np.float64), matrix.indices, matrix.indptr), shape=matrix.shape)
    sums = squares @ np.ones(matrix.shape[1], dtype=np.float64)
    norms = np.sqrt(sums)
    norms[sums == 0.0] = 1.0  # empty rows are left as they are
    per_entry = np.repeat(norms, np.diff(matrix.indptr))
    matrix.data = (data.astype(np.float64) / per_entry).astype(data.dtype)
    return matrix


def unit_features(
    word_block: sp.csr_matrix,
    char_block: sp.csr_matrix,
    normalized: Sequence[NormalizedText],
    cues: Sequence[list[Cue]],
    cue_weight: float,
) -> sp.csr_matrix:
    """The detector's feature rows: the word and character TF-IDF blocks, then the weighted cues.

    One definition for the fitted transformer (:mod:`reviewbait.features`) and the exported
    model, which must give the same matrix bit for bit.
    """
    cue_block = np.array([cue_features(n, c) for n, c in zip(normalized, cues, strict=True)], dtype=np.float32).reshape(
        len(normalized), len(cue_feature_names())
    )
    return sp.hstack(
        [word_block, char_block, sp.csr_matrix(cue_block * np.float32(cue_weight))],
        format="csr",
        dtype=np.float32,
    )


@dataclass(frozen=True)
class Tfidf:
    """The weighing half of a fitted ``TfidfVectorizer``: sublinear tf, idf, row norm."""

    idf: np.ndarray
    sublinear_tf: bool
    norm: str | None

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Counts to TF-IDF as ``TfidfTransformer.transform`` does."""
        if self.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        counts.data *= self.idf[counts.indices]
        if self.norm == "l2":
            return l2_normalize_rows(counts)
        return counts


class ExportedFeatures:
    """:class:`reviewbait.features.SolicitationFeatures` as arrays: word and char TF-IDF + cues."""

    def __init__(
        self,
        word_counter: WordNgramCounter,
        word_tfidf: Tfidf,
        char_counter: CharNgramCounter,
        char_tfidf: Tfidf,
        cue_weight: float,
    ) -> None:
        self.word_counter = word_counter
        self.word_tfidf = word_tfidf
        self.char_counter = char_counter
        self.char_tfidf = char_tfidf
        self.cue_weight = cue_weight
        self.n_features = word_counter.n_features + char_counter.n_features + len(cue_feature_names())

    def transform_normalized(
        self, normalized: Sequence[NormalizedText], cues: Sequence[list[Cue]] | None = None
    ) -> sp.csr_matrix:
        """The same matrix as ``SolicitationFeatures.transform_normalized``."""
        texts = [n.text for n in normalized]
        if cues is None:
            cues = [find_cues(n) for n in normalized]
        return self._weighed(self.word_counter.transform(texts), self.char_counter.transform(texts), normalized, cues)

    def transform_spans(
        self,
        texts: Sequence[str],
        spans: Sequence[tuple[int, int, int]],
        units: Sequence[NormalizedText],
        cues: Sequence[list[Cue]],
    ) -> sp.csr_matrix:
        """The same matrix as :meth:`transform_normalized` of ``units``, where ``units[u]`` is
        ``texts[k][a:b]`` for ``spans[u] == (k, a, b)``: the n-grams of the words that windows of
        a text share are counted once (:mod:`reviewbait.text.spans`)."""
        if not self.word_counter.piecewise:
            return self.transform_normalized(units, cues)
        pieces = unit_pieces(texts, spans)
        return self._weighed(
            self.word_counter.transform_pieces(pieces), self.char_counter.transform_pieces(pieces), units, cues
        )

    def _weighed(
        self,
        word_counts: sp.csr_matrix,
        char_counts: sp.csr_matrix,
        units: Sequence[NormalizedText],
        cues: Sequence[list[Cue]],
    ) -> sp.csr_matrix:
        """The units' rows from their n-gram counts, however counted: TF-IDF, then cue features."""
        return unit_features(
            self.word_tfidf.weigh(word_counts), self.char_tfidf.weigh(char_counts), units, cues, self.cue_weight
        )


def _logistic(value: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-value))
    except OverflowError:  # exp(-value) beyond float range: 1 / (1 + inf)
        return 0.0


def _expit(x: np.ndarray) -> np.ndarray:
    """``scipy.special.expit`` without importing scipy.special (a tenth of a cold start).

    scipy computes ``1 / (1 + exp(-x))`` with the C library's ``exp``, as ``math.exp`` does;
    NumPy's own vectorized ``exp`` can differ in the last bit. A loop over the units is cheap.
    """
    return np.fromiter(map(_logistic, np.asarray(x, dtype=np.float64).tolist()), dtype=np.float64, count=np.size(x))


class ExportedClassifier:
    """:class:`reviewbait.classifier.PlattCalibratedClassifier` as arrays: a linear SVM's
    decision value through the (stacked) logistic calibrator."""

    def __init__(
        self,
        coef: np.ndarray,
        intercept: np.ndarray,
        calibrator_coef: np.ndarray,
        calibrator_intercept: np.ndarray,
        context_columns: int,
    ) -> None:
        self.coef = coef
        self.intercept = intercept
        self.calibrator_coef = calibrator_coef
        self.calibrator_intercept = calibrator_intercept
        self.context_columns = context_columns

    def decision_function(self, X: Any) -> np.ndarray:
        # LinearSVC.decision_function: safe_sparse_dot(X, coef_.T) + intercept_, raveled
        scores = X @ self.coef.T + self.intercept
        return np.asarray(scores, dtype=np.float64).reshape(-1)

    def calibrate(self, decision: np.ndarray, X: Any = None) -> np.ndarray:
        decision = np.asarray(decision, dtype=np.float64).reshape(-1, 1)
        k = self.context_columns
        if k:
            context = X[:, X.shape[1] - k :]
            context = np.asarray(context.toarray() if hasattr(context, "toarray") else context, dtype=np.float64)
            inputs = np.hstack([decision, context, decision * context])
        else:
            inputs = decision
        # row sums, as PlattCalibratedClassifier.calibrate (independent of the batch's shape)
        logit = (inputs * self.calibrator_coef[0]).sum(axis=1) + self.calibrator_intercept[0]
        return _expit(logit)

    def predict_proba(self, X: Any) -> np.ndarray:
        positive = self.calibrate(self.decision_function(X), X)
        return np.column_stack([1.0 - positive, positive])


class LinearHead:
    """A fitted linear classifier's ``predict`` (LinearSVC, RidgeClassifier) as arrays."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray) -> None:
        self.coef = coef
        self.intercept = intercept
        self.classes = classes

    @property
    def classes_(self) -> np.ndarray:
        return self.classes

    def decision_function(self, X: Any) -> np.ndarray:
        # LinearClassifierMixin: one score per row for two classes (a binary ridge's coef_ is
        # 1-D; a (n, 1) result is raveled), else one score per class
        scores = np.asarray(X @ self.coef.T + self.intercept)
        if scores.ndim > 1 and scores.shape[1] == 1:
            scores = scores.reshape(-1)
        return scores

    def predict(self, X: Any) -> np.ndarray:
        # two classes: the second where > 0; several: the argmax
        scores = self.decision_function(X)
        indices = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return np.asarray(self.classes[indices])


_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char analyzers


class ExportedHead:
    """:class:`reviewbait.training.head_estimators.CategoryHead` (or ``IncentiveHead``) as arrays."""

    def __init__(
        self,
        cjk_vocabulary: Mapping[str, int],
        cjk_tfidf: Tfidf,
        linear: LinearHead,
        weights: Mapping[str, float],
    ) -> None:
        self.cjk_vocabulary = dict(cjk_vocabulary)
        self.cjk_tfidf = cjk_tfidf
        self.linear = linear
        self.cjk_weight = float(weights["cjk"])
        self.subtype_weight = float(weights["subtype"])
        self.audience_weight = float(weights.get("audience", 0.0))
        self.incentive_weight: float | None = None if weights.get("incentive") is None else float(weights["incentive"])

    def _cjk_counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """CJK character 1-2-gram counts, as ``TfidfVectorizer(analyzer="char", ngram_range=(1, 2),
        preprocessor=_cjk_only)`` counts them (flagged texts only: a plain loop is enough)."""
        vocabulary = self.cjk_vocabulary
        rows: list[int] = []
        columns: list[int] = []
        for row, text in enumerate(texts):
            doc = _WHITE_SPACES.sub(" ", _cjk_only(text))
            grams = list(doc) + [doc[i : i + 2] for i in range(len(doc) - 1)]
            for gram in grams:
                column = vocabulary.get(gram)
                if column is not None:
                    rows.append(row)
                    columns.append(column)
        return count_matrix(
            np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64), (len(texts), len(vocabulary))
        )

    def _augment(self, X: Any, texts: list[str], contexts: Sequence[str] | None) -> sp.csr_matrix:
        contexts = texts if contexts is None else list(contexts)
        blocks = [
            sp.csr_matrix(X, dtype=np.float32),
            self.cjk_tfidf.weigh(self._cjk_counts(texts)) * np.float32(self.cjk_weight),
            subtype_counts(texts) * np.float32(self.subtype_weight),
        ]
        if self.audience_weight:
            blocks.append(audience_counts(contexts) * np.float32(self.audience_weight))
        augmented = sp.hstack(blocks, format="csr", dtype=np.float32)
        if self.incentive_weight is not None:
            extra = incentive_counts(texts) * np.float32(self.incentive_weight)
            augmented = sp.hstack([augmented, extra], format="csr", dtype=np.float32)
        return augmented

    @property
    def classes_(self) -> np.ndarray:
        return self.linear.classes

    def decision_function(
        self, X: Any, texts: Sequence[str] | None = None, contexts: Sequence[str] | None = None
    ) -> np.ndarray:
        return self.linear.decision_function(self._augment(X, head_texts(X, texts), contexts))

    def predict(self, X: Any, texts: Sequence[str] | None = None, contexts: Sequence[str] | None = None) -> np.ndarray:
        return self.linear.predict(self._augment(X, head_texts(X, texts), contexts))


@dataclass
class ExportedModel(SolicitationModel):
    """A :class:`~reviewbait.model.SolicitationModel` read from exported arrays: the same
    scoring code, with NumPy stand-ins for the scikit-learn objects (``pipeline`` is None)."""

    exported_features: ExportedFeatures | None = None
    exported_classifier: ExportedClassifier | None = None
    # what it was read from, for reviewbait.exported.export.to_pipeline
    export_arrays: Mapping[str, np.ndarray] | None = field(default=None, repr=False)
    export_config: Mapping[str, Any] | None = field(default=None, repr=False)

    @property
    def features(self) -> Any:
        return self.exported_features

    @property
    def classifier(self) -> Any:
        return self.exported_classifier


def _array(arrays: Mapping[str, np.ndarray], name: str, dtype_kind: str = "fiu") -> np.ndarray:
    if name not in arrays:
        raise ExportError(f"the model's arrays lack {name!r}")
    value = arrays[name]
    if value.dtype.kind not in dtype_kind:
        raise ExportError(f"array {name!r} has dtype {value.dtype}, expected a number type")
    return value


def _tfidf(arrays: Mapping[str, np.ndarray], prefix: str, config: Mapping[str, Any], size: int) -> Tfidf:
    idf = _array(arrays, f"{prefix}.idf", "f")
    if idf.shape != (size,):
        raise ExportError(f"{prefix}.idf has shape {idf.shape}, expected ({size},)")
    norm = config.get("norm")
    if norm not in ("l2", None):
        raise ExportError(f"{prefix}: norm {norm!r} is not supported (l2 or none)")
    return Tfidf(idf, bool(config["sublinear_tf"]), norm)


def _vocabulary(arrays: Mapping[str, np.ndarray], prefix: str, config: Mapping[str, Any]) -> dict[str, int]:
    terms = decode_terms(_array(arrays, f"{prefix}.terms", "u"), int(config["n_terms"]))
    return {term: k for k, term in enumerate(terms)}


def _head(arrays: Mapping[str, np.ndarray], prefix: str, config: Mapping[str, Any]) -> ExportedHead:
    vocabulary = _vocabulary(arrays, f"{prefix}.cjk", config["cjk"])
    classes = np.asarray(config["classes"], dtype=object)
    linear = LinearHead(_array(arrays, f"{prefix}.coef", "f"), _array(arrays, f"{prefix}.intercept", "f"), classes)
    return ExportedHead(
        vocabulary, _tfidf(arrays, f"{prefix}.cjk", config["cjk"], len(vocabulary)), linear, config["weights"]
    )


def model_from_arrays(arrays: Mapping[str, np.ndarray], config: Mapping[str, Any]) -> ExportedModel:
    """Build the scoring model from the arrays (``reviewbait.npz``) and JSON (``reviewbait.json``)."""
    try:
        return _model_from_arrays(arrays, config)
    except ExportError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ExportError(f"the exported model is incomplete or malformed ({type(exc).__name__}: {exc})") from exc


def _model_from_arrays(arrays: Mapping[str, np.ndarray], config: Mapping[str, Any]) -> ExportedModel:
    version = config.get("format_version")
    if version != FORMAT_VERSION:
        raise ExportError(
            f"model format version {version!r}; this reviewbait reads version {FORMAT_VERSION}: "
            "install the reviewbait that wrote it, or run `reviewbait train` to rebuild the model"
        )
    features_config = config["features"]
    word, char = features_config["word"], features_config["char"]
    word_columns = _array(arrays, "word.columns", "i")
    word_counter = WordNgramCounter(
        decode_terms(_array(arrays, "word.tokens", "u"), int(word["n_tokens"])),
        _array(arrays, "word.keys", "i"),
        word_columns,
        str(word["token_pattern"]),
        (int(word["ngram_range"][0]), int(word["ngram_range"][1])),
    )
    alphabet = _array(arrays, "char.alphabet", "u").astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    char_columns = _array(arrays, "char.columns", "i")
    char_counter = CharNgramCounter(
        alphabet,
        int(char["bits"]),
        _array(arrays, "char.keys", "u"),
        char_columns,
        (int(char["ngram_range"][0]), int(char["ngram_range"][1])),
    )
    n_word, n_char = int(word["n_terms"]), int(char["n_terms"])
    for name, columns, n in (("word", word_columns, n_word), ("char", char_columns, n_char)):
        if columns.size != n or (n and (columns.min() < 0 or columns.max() >= n)):
            raise ExportError(f"{name}.columns does not index the {n} vocabulary terms")
    features = ExportedFeatures(
        word_counter,
        _tfidf(arrays, "word", word, n_word),
        char_counter,
        _tfidf(arrays, "char", char, n_char),
        float(features_config["cue_weight"]),
    )
    classifier_config = config["classifier"]
    classifier = ExportedClassifier(
        _array(arrays, "classifier.coef", "f"),
        _array(arrays, "classifier.intercept", "f"),
        _array(arrays, "calibrator.coef", "f"),
        _array(arrays, "calibrator.intercept", "f"),
        int(classifier_config["context_columns"]),
    )
    if classifier.coef.shape != (1, features.n_features):
        raise ExportError(f"classifier.coef has shape {classifier.coef.shape}, expected (1, {features.n_features})")
    heads = config["heads"]
    category = _head(arrays, "category", heads["category"]) if heads.get("category") else None
    incentive = _head(arrays, "incentive", heads["incentive"]) if heads.get("incentive") else None
    sentiment = None
    if heads.get("sentiment"):
        sentiment = LinearHead(
            _array(arrays, "sentiment.coef", "f"),
            _array(arrays, "sentiment.intercept", "f"),
            np.asarray(heads["sentiment"]["classes"]),
        )
    rule = config.get("offer_rule")
    return ExportedModel(
        pipeline=None,
        category_classifier=category,
        sentiment_classifier=sentiment,
        thresholds={str(k): float(v) for k, v in config["thresholds"].items()},
        incentive_classifier=incentive,
        offer_rule=OfferRule(
            int(rule["max_words"]),
            float(rule["factor"]),
            bool(rule["without_act"]),
            bool(rule.get("per_unit", False)),  # absent in models exported before it existed
        )
        if rule
        else None,
        literal_units=bool(config.get("literal_units", False)),  # absent in models exported before it
        exported_features=features,
        exported_classifier=classifier,
        export_arrays=arrays,
        export_config=config,
    )
