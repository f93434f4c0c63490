"""Training side of the exported format: a fitted model to arrays + JSON, and back to scikit-learn.

:func:`export_model` reads the fitted scikit-learn objects of a
:class:`~reviewbait.model.SolicitationModel` and returns the arrays and the JSON that
:func:`reviewbait.exported.inference.model_from_arrays` scores with (see :mod:`reviewbait.exported.inference`
for why). :func:`npz_bytes` writes the arrays reproducibly (fixed zip timestamps, no pickle),
so the same fit gives the same bytes and the same SHA-256.

The fitted scikit-learn pipeline stays available: :func:`to_pipeline` rebuilds it (features →
calibrated classifier) from the exported files, without unpickling anything, for those who
want ``predict_proba``, ``get_feature_names_out`` or to fit something on its features.
Training keeps the pipeline it fitted in memory (``fit_model`` returns it).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from reviewbait.exported.inference import FORMAT_VERSION, ExportedModel, ExportError, decode_terms, encode_terms
from reviewbait.text.char_ngrams import CharNgramCounter
from reviewbait.text.word_ngrams import WordNgramCounter

__all__ = ["export_model", "npz_bytes", "read_npz", "to_pipeline"]


def _terms(vectorizer: Any) -> list[str]:
    vocabulary = vectorizer.vocabulary_
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    if [vocabulary[t] for t in terms] != list(range(len(terms))):
        raise ExportError("a vocabulary's column indices are not 0..n-1")
    return terms


def _vectorizer(arrays: dict[str, np.ndarray], prefix: str, vectorizer: Any, **extra: Any) -> dict[str, Any]:
    """A fitted TfidfVectorizer's vocabulary and idf as arrays; its parameters as JSON."""
    if vectorizer.binary or not vectorizer.use_idf or vectorizer.lowercase or vectorizer.strip_accents:
        raise ExportError(f"{prefix}: only TF-IDF without lowercasing, accents or binary counts can be exported")
    if vectorizer.norm not in ("l2", None):
        raise ExportError(f"{prefix}: norm {vectorizer.norm!r} cannot be exported (l2 or none)")
    terms = _terms(vectorizer)
    arrays[f"{prefix}.terms"] = encode_terms(terms)
    arrays[f"{prefix}.idf"] = np.asarray(vectorizer.idf_)
    return {
        "n_terms": len(terms),
        "analyzer": vectorizer.analyzer,
        "ngram_range": list(vectorizer.ngram_range),
        "sublinear_tf": bool(vectorizer.sublinear_tf),
        "norm": vectorizer.norm,
        **extra,
    }


def _linear(arrays: dict[str, np.ndarray], prefix: str, estimator: Any) -> dict[str, Any]:
    arrays[f"{prefix}.coef"] = np.asarray(estimator.coef_)  # the memory order is kept (np.save records it)
    arrays[f"{prefix}.intercept"] = np.atleast_1d(np.asarray(estimator.intercept_))
    return {"classes": np.asarray(estimator.classes_).tolist(), "estimator": type(estimator).__name__}


def _head(arrays: dict[str, np.ndarray], prefix: str, head: Any) -> dict[str, Any]:
    if head.cjk_vectorizer_.analyzer != "char" or tuple(head.cjk_vectorizer_.ngram_range) != (1, 2):
        raise ExportError(f"{prefix}: the CJK block must be character 1-2-grams")
    config = _linear(arrays, prefix, head.classifier_)
    config["cjk"] = _vectorizer(arrays, f"{prefix}.cjk", head.cjk_vectorizer_)
    config["weights"] = {
        "cjk": float(head.cjk_weight),
        "subtype": float(head.subtype_weight),
        "audience": float(getattr(head, "audience_weight", 0.0)),
        "incentive": None if getattr(head, "incentive_weight", None) is None else float(head.incentive_weight),
    }
    return config


def export_model(model: Any) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays and the JSON config of a fitted :class:`~reviewbait.model.SolicitationModel`.

    Raises :class:`~reviewbait.exported.inference.ExportError` for a model whose parts the exported
    format cannot reproduce exactly (e.g. vectorizer options the counters do not implement).
    """
    if isinstance(model, ExportedModel):
        raise ExportError("this model is already exported: its files are the export")
    features = model.features
    classifier = model.classifier
    arrays: dict[str, np.ndarray] = {}
    word = _vectorizer(arrays, "word", features.word_vectorizer_, token_pattern=features.word_vectorizer_.token_pattern)
    char = _vectorizer(arrays, "char", features.char_vectorizer_)
    if word["analyzer"] != "word" or char["analyzer"] != "char_wb":
        raise ExportError("the features must be word and char_wb TF-IDF blocks")
    # the counters' tables, so that loading does not rebuild them from the vocabularies
    vectorizer = features.word_vectorizer_
    if vectorizer.tokenizer is not None or vectorizer.stop_words is not None or vectorizer.preprocessor is not None:
        raise ExportError("word: a tokenizer, stop words or a preprocessor cannot be exported")
    word_counter = WordNgramCounter.from_vocabulary(
        vectorizer.vocabulary_, vectorizer.token_pattern, tuple(vectorizer.ngram_range)
    )
    char_counter = CharNgramCounter.from_vocabulary(
        features.char_vectorizer_.vocabulary_, tuple(features.char_vectorizer_.ngram_range)
    )
    if word_counter is None or char_counter is None or features.char_vectorizer_.preprocessor is not None:
        raise ExportError("the vocabularies cannot be counted exactly (n-gram ranges, alphabet or preprocessor)")
    tokens = sorted(word_counter.ids, key=word_counter.ids.__getitem__)
    arrays["word.tokens"] = encode_terms(tokens)
    arrays["word.keys"] = word_counter._index.keys.astype(np.int64)
    arrays["word.columns"] = word_counter.columns
    word["n_tokens"] = len(tokens)
    arrays["char.alphabet"] = np.frombuffer(char_counter.alphabet.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    arrays["char.keys"] = char_counter._index.keys
    arrays["char.columns"] = char_counter.columns
    char["bits"] = char_counter.bits
    estimator = classifier.estimator_
    if not hasattr(estimator, "coef_") or np.asarray(estimator.coef_).shape[0] != 1:
        raise ExportError(f"the classifier {type(estimator).__name__} is not a binary linear model")
    classes = _linear(arrays, "classifier", estimator)["classes"]
    calibrator = _linear(arrays, "calibrator", classifier.calibrator_)
    heads: dict[str, Any] = {"category": None, "incentive": None, "sentiment": None}
    if model.category_classifier is not None:
        heads["category"] = _head(arrays, "category", model.category_classifier)
    incentive = getattr(model, "incentive_classifier", None)
    if incentive is not None:
        heads["incentive"] = _head(arrays, "incentive", incentive)
    if model.sentiment_classifier is not None:
        heads["sentiment"] = _linear(arrays, "sentiment", model.sentiment_classifier)
    rule = getattr(model, "offer_rule", None)
    config = {
        "format_version": FORMAT_VERSION,
        "features": {"word": word, "char": char, "cue_weight": float(features.cue_weight)},
        "classifier": {
            "estimator": type(estimator).__name__,
            "classes": classes,
            "context_columns": int(getattr(classifier, "context_columns", 0)),
            "calibrator": calibrator,
        },
        "heads": heads,
        "offer_rule": None
        if rule is None
        else {
            "max_words": int(rule.max_words),
            "factor": float(rule.factor),
            "without_act": bool(rule.without_act),
            "per_unit": bool(getattr(rule, "per_unit", False)),
        },
        "thresholds": {str(k): float(v) for k, v in model.thresholds.items()},
        "literal_units": bool(getattr(model, "literal_units", False)),
    }
    return arrays, config


def npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """An ``.npz`` file (what ``np.load`` reads) with fixed timestamps: same arrays, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=6)
    return buffer.getvalue()


def read_npz(data: bytes) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` held in memory, refusing object arrays (they would be pickles)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def to_pipeline(model: ExportedModel | Any) -> Any:
    """The fitted scikit-learn pipeline (features → calibrated classifier) of an exported model.

    Built from the arrays, nothing unpickled; ``pipeline.predict_proba(texts)`` gives the
    probabilities of the whole texts (no gate, windows or offer rule: those are the
    detector's). Imports scikit-learn. The heads are not part of the pipeline.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    from reviewbait.classifier import PlattCalibratedClassifier
    from reviewbait.features import SolicitationFeatures

    if not isinstance(model, ExportedModel):
        return model.pipeline  # a model fitted in this process keeps its own
    source = model.exported_features
    exported = model.exported_classifier
    if source is None or exported is None:
        raise ExportError("the exported model has no features or classifier")
    config, arrays = model.export_config, model.export_arrays
    if config is None or arrays is None:
        raise ExportError("this exported model does not keep its arrays; load it with reviewbait.artifact.load_model")

    def vectorizer(prefix: str, settings: Mapping[str, Any], **params: Any) -> Any:
        terms = decode_terms(arrays[f"{prefix}.terms"], int(settings["n_terms"]))
        fitted = TfidfVectorizer(
            analyzer=settings["analyzer"],
            ngram_range=tuple(settings["ngram_range"]),
            sublinear_tf=settings["sublinear_tf"],
            norm=settings["norm"],
            lowercase=False,
            dtype=np.float32,
            **params,
        )
        fitted.vocabulary_ = {term: k for k, term in enumerate(terms)}
        fitted.fixed_vocabulary_ = False
        fitted.idf_ = arrays[f"{prefix}.idf"]
        return fitted

    word, char = config["features"]["word"], config["features"]["char"]
    features = SolicitationFeatures(
        word_ngram_range=tuple(word["ngram_range"]),
        char_ngram_range=tuple(char["ngram_range"]),
        cue_weight=config["features"]["cue_weight"],
    )
    features.word_vectorizer_ = vectorizer("word", word, token_pattern=word["token_pattern"])
    features.char_vectorizer_ = vectorizer("char", char)
    features.n_features_in_ = 1
    svc = LinearSVC()
    svc.coef_, svc.intercept_ = exported.coef, exported.intercept
    classes = np.asarray(config["classifier"]["classes"])
    svc.classes_ = classes
    calibrator = LogisticRegression()
    calibrator.coef_, calibrator.intercept_ = exported.calibrator_coef, exported.calibrator_intercept
    calibrator.classes_ = np.asarray(config["classifier"]["calibrator"]["classes"])
    classifier = PlattCalibratedClassifier(svc, context_columns=exported.context_columns)
    classifier.estimator_, classifier.calibrator_ = svc, calibrator
    classifier.classes_ = classes
    classifier.n_features_in_ = exported.coef.shape[1]
    classifier.fold_estimators_, classifier.fold_calibrators_ = [], []
    return Pipeline([("features", features), ("classifier", classifier)])


def convert_legacy(directory: str | Path) -> dict[str, Any]:
    """Convert a pickled model directory (``reviewbait.joblib``, 0.2 and earlier) to the exported files.

    This one step unpickles, so only for a file you made or trust: the pickle's SHA-256 must
    match its manifest. The manifest keeps everything it recorded (metrics, data hash, the
    versions that trained the model) and gains the new files' SHA-256; the pickle is left in
    place for you to delete.
    """
    import hashlib

    import joblib

    from reviewbait.artifact import LEGACY_ARTIFACT_NAME, ModelIntegrityError, read_manifest, runtime_versions
    from reviewbait.artifact import write_exported as write

    directory = Path(directory)
    legacy = directory / LEGACY_ARTIFACT_NAME
    data = legacy.read_bytes()
    manifest = read_manifest(directory)
    expected = manifest.get("sha256")
    if expected != hashlib.sha256(data).hexdigest():
        raise ModelIntegrityError(
            f"{legacy} does not match the sha256 its manifest records ({expected}); not unpickled"
        )
    model = joblib.load(io.BytesIO(data))
    arrays, config = export_model(model)
    manifest = {k: v for k, v in manifest.items() if k not in ("size_bytes", "sha256")}
    manifest["exported_with"] = runtime_versions()
    full = write(arrays, config, directory, manifest)
    return full


def main(argv: list[str] | None = None) -> int:
    """``python -m reviewbait.exported.export DIRECTORY``: convert a pickled model directory once."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m reviewbait.exported.export", description=convert_legacy.__doc__)
    parser.add_argument("directory", help="a model directory holding reviewbait.joblib and manifest.json")
    args = parser.parse_args(argv)
    full = convert_legacy(args.directory)
    print(f"wrote {full['artifact']} ({full['size_bytes'] / 1e6:.1f} MB) and {full['config']} in {args.directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
