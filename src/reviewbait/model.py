"""The fitted model as one object, and how it scores texts.

Scoring is shared by training (to choose thresholds on out-of-fold scores exactly as they
will be produced in use) and by :class:`reviewbait.Detector`:

1. the gate (:mod:`reviewbait.text.gate`) drops texts that name no review act: probability 0;
2. each remaining text becomes *units*: the whole text and, when it is long, overlapping
   windows, so an offer buried in a long post is not diluted by the rest;
3. every unit is featurized and scored; a text's probability is its best unit's.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice, pairwise
from typing import Any

import numpy as np
import re2

from reviewbait.text.cues import ACT_KINDS, Cue, find_cues
from reviewbait.text.gate import candidate_mask
from reviewbait.text.normalize import NormalizedText, normalize
from reviewbait.text.superscan import superset_for_re2

__all__ = [
    "PAIRED_INCENTIVES",
    "OfferRule",
    "SolicitationModel",
    "TextDetails",
    "Units",
    "char_blocks",
    "coherent_heads",
    "make_units",
    "read_heads",
    "unit_cues",
]

WINDOW_CHARS = 360
WINDOW_STRIDE = 180


@dataclass(frozen=True, slots=True)
class Units:
    """The scoring units of a batch: ``owner[i]`` is the text that unit ``i`` comes from."""

    units: list[NormalizedText]
    owner: np.ndarray
    span: list[tuple[int, int]]  # normalized-text span of each unit within its text


# Text shown to users often sits inside code and markup: a string literal or an element's text.
# In a text that looks like code, each of them (at least three words) is a unit of its own, so
# that keys, braces and placeholders around it do not dilute it (models with ``literal_units``).
_CODE_LIKE = re.compile(r"[{}]|</|/>|\bmsg(?:id|str)\b|=\s*[\"']|[\"']\s*:\s*[\"']|\(\s*[\"']")
# every quoted string (a short one too, so that quotes pair as the code pairs them) and element text
_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|>([^<>]*)<')
_LITERAL_CHARS = (12, 600)
_MAX_LITERALS = 24


@lru_cache(maxsize=1)
def _code_like_superset() -> Any:
    """An RE2 program that matches wherever ``_CODE_LIKE`` does (:func:`superset_for_re2`):
    one linear pass says that most texts are prose, where Python's engine tried its
    alternation at every position (half the cost of making the units)."""
    return re2.compile(superset_for_re2(_CODE_LIKE.pattern))


def literal_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the string literals and element texts of ``text`` if it looks like code."""
    try:
        prose = _code_like_superset().search(text) is None
    except UnicodeEncodeError:  # lone surrogates: Python's engine alone
        prose = False
    if prose or _CODE_LIKE.search(text) is None:
        return []
    spans = []
    for match in _LITERAL.finditer(text):
        group = 1 if match.group(1) is not None else 2
        start, end = match.span(group)
        shortest, longest = _LITERAL_CHARS
        if shortest <= end - start <= longest and text.count(" ", start, end) >= 2 and end - start < 0.9 * len(text):
            spans.append((start, end))
            if len(spans) == _MAX_LITERALS:
                break
    return spans


def make_units(
    normalized: Sequence[NormalizedText], positions: Sequence[int] | None = None, *, literals: bool = False
) -> Units:
    """Whole texts plus overlapping windows of long ones (and, with ``literals``, the string
    literals and element texts of code: :func:`literal_spans`)."""
    units: list[NormalizedText] = []
    owner: list[int] = []
    spans: list[tuple[int, int]] = []
    if positions is None:
        positions = range(len(normalized))
    for position, norm in zip(positions, normalized, strict=True):
        n = len(norm.text)
        units.append(norm)
        owner.append(position)
        spans.append((0, n))
        if n > WINDOW_CHARS + WINDOW_STRIDE // 2:
            for start in range(0, n - WINDOW_STRIDE, WINDOW_STRIDE):
                end = min(start + WINDOW_CHARS, n)
                units.append(
                    NormalizedText(norm.text[start:end], norm.starts[start:end], norm.ends[start:end], norm.original)
                )
                owner.append(position)
                spans.append((start, end))
        if literals:
            for start, end in literal_spans(norm.text):
                units.append(
                    NormalizedText(norm.text[start:end], norm.starts[start:end], norm.ends[start:end], norm.original)
                )
                owner.append(position)
                spans.append((start, end))
    return Units(units, np.asarray(owner, dtype=np.int64), spans)


def unit_cues(units: Units, whole: Sequence[list[Cue]]) -> list[list[Cue]]:
    """The cues of every unit, taken from the cues of its whole text (found once per text).

    ``whole[k]`` holds the cues of the k-th text given to :func:`make_units` (in order). A
    window's cues are the text's cues that lie wholly inside it, with normalized offsets made
    relative to the window; original offsets are unchanged.
    """
    result: list[list[Cue]] = []
    k = -1
    previous_owner = None
    starts: list[int] = []
    ordered = True
    for owner, (lo, hi) in zip(units.owner.tolist(), units.span, strict=True):
        if owner != previous_owner:
            k += 1
            previous_owner = owner
            starts = [c.norm_start for c in whole[k]]
            ordered = all(a <= b for a, b in pairwise(starts))  # find_cues sorts them
            result.append(whole[k])  # the first unit of a text is the whole text
            continue
        # only the cues starting inside the window can lie inside it: with the cues sorted, a
        # bisection finds them, so the cost is linear in the text, not windows × cues
        inside = range(bisect_left(starts, lo), bisect_right(starts, hi)) if ordered else range(len(starts))
        result.append(
            [
                Cue(c.kind, c.language, c.start, c.end, c.text, c.norm_start - lo, c.norm_end - lo)
                for c in (whole[k][i] for i in inside)
                if c.norm_start >= lo and c.norm_end <= hi
            ]
        )
    return result


@dataclass(frozen=True)
class OfferRule:
    """A text that names nothing of value is not an offer when there is too little left to be one.

    A solicitation offers something (LABELING.md). In a long text the offer may be worded in
    ways the lexicon lacks, so the model decides. But a text with no incentive cue is held back
    when it is short (at most ``max_words`` words: "review", "Amazon review", "Thanks for the
    review!", "5 Sterne, schnelle Lieferung") or, with ``without_act``, when it names no review
    act either (a shop's name and "just leave the keys" are context, not an offer). Its
    probability is multiplied by ``factor``, which keeps the ranking and puts it below every
    operating point.

    With ``per_unit``, every unit a text is scored by (the whole text and each window of a long
    one) is held to the rule on its own cues: a long text's best window must itself name
    something of value (or be long and name a review act), so that a flag's evidence, which is
    the best unit's cues, holds the offer. Without it (models saved before it existed) the rule
    reads the whole text's cues only.
    """

    max_words: int
    factor: float
    without_act: bool = False
    per_unit: bool = False

    def applies(self, normalized: NormalizedText, cues: list[Cue]) -> bool:
        kinds = {cue.kind for cue in cues}
        if "incentive" in kinds:
            return False
        if self.without_act and kinds.isdisjoint(ACT_KINDS):
            return True
        # count no further than the limit: a long text need not be split into all its words
        return sum(1 for _ in islice(_WORDS.finditer(normalized.text), self.max_words + 1)) <= self.max_words

    def held_units(self, units: Units, cues: Sequence[list[Cue]]) -> np.ndarray:
        """Which units the rule holds back: each on its own cues (``per_unit``), or every unit of
        a text it applies to on the whole text's cues (a text's first unit is the whole text)."""
        if self.per_unit:
            return np.fromiter(
                (self.applies(unit, c) for unit, c in zip(units.units, cues, strict=True)), dtype=bool, count=len(cues)
            )
        first = np.ones(units.owner.size, dtype=bool)
        first[1:] = units.owner[1:] != units.owner[:-1]
        whole_held = np.array(
            [self.applies(units.units[i], cues[i]) for i in np.flatnonzero(first).tolist()], dtype=bool
        )
        return whole_held[np.cumsum(first) - 1] if whole_held.size else first


# Words for the rule's length: runs of letters or digits, and, in Chinese (no spaces), every
# one or two characters (a Chinese word is mostly one or two characters long).
_WORDS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{1,2}|[^\W_\u3400-\u9fff\uf900-\ufaff]+")


# Units are featurized in blocks of about this many characters: the n-gram counters hold several
# arrays of 8 bytes per character, so a 5,000-row chunk of long reviews peaked at 440 MB in one
# piece. Rows do not depend on each other, so the blocks give the same matrix, and smaller
# arrays are faster too (they stay in cache).
BLOCK_CHARS = 50_000


def char_blocks(texts: Sequence[str], max_chars: int) -> list[int]:
    """Bounds ``[0, ..., len(texts)]`` cutting ``texts`` into consecutive runs of about
    ``max_chars`` characters (a character per text counted for its separator): every run but
    the last reaches the limit, and each holds at least one text."""
    bounds = [0]
    size = 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= max_chars:
            bounds.append(i + 1)
            size = 0
    if bounds[-1] != len(texts):
        bounds.append(len(texts))
    return bounds


def _transform_in_blocks(features: Any, units: list[NormalizedText], cues: list[list[Cue]]) -> list[Any]:
    """``features.transform_normalized(units, cues)``, computed in blocks of ``BLOCK_CHARS``
    characters: the blocks' rows, consecutive units each."""
    bounds = char_blocks([unit.text for unit in units], BLOCK_CHARS)
    return [features.transform_normalized(units[a:b], cues[a:b]) for a, b in pairwise(bounds)]


def _featurize(features: Any, texts: Sequence[NormalizedText], units: Units, cues: list[list[Cue]]) -> list[Any]:
    """The units' feature rows, as blocks of consecutive units (stacking them into one matrix
    cost more than scoring them: the classifier scores each block's rows, and only the rows the
    heads read are gathered, :func:`_rows`). Features that count a text's words once for all its
    windows (``transform_spans``, the exported model) get blocks of whole texts with their
    windows; others get the units, in blocks (:func:`_transform_in_blocks`). The rows are the same."""
    if not hasattr(features, "transform_spans"):
        return _transform_in_blocks(features, units.units, cues)
    owner = units.owner
    text_of_unit = np.cumsum(np.concatenate([[0], owner[1:] != owner[:-1]])) if owner.size else owner
    first_unit = np.searchsorted(text_of_unit, np.arange(len(texts) + 1)).tolist()
    bounds = char_blocks([text.text for text in texts], BLOCK_CHARS)
    blocks = []
    for t0, t1 in pairwise(bounds):
        u0, u1 = first_unit[t0], first_unit[t1]
        spans = [(k - t0, a, b) for k, (a, b) in zip(text_of_unit[u0:u1].tolist(), units.span[u0:u1], strict=True)]
        blocks.append(features.transform_spans([t.text for t in texts[t0:t1]], spans, units.units[u0:u1], cues[u0:u1]))
    return blocks


def _rows(blocks: list[Any], rows: np.ndarray) -> Any:
    """Rows ``rows`` (ascending) of the blocks stacked, as one CSR matrix: ``vstack(blocks)[rows]``."""
    import scipy.sparse as sp

    if len(blocks) == 1:
        return blocks[0][rows]
    starts = np.cumsum([0] + [block.shape[0] for block in blocks])
    parts = []
    for block, lo, hi in zip(blocks, starts[:-1], starts[1:], strict=True):
        inside = rows[(rows >= lo) & (rows < hi)]
        if inside.size:
            parts.append(block[inside - lo])
    return sp.vstack(parts, format="csr", dtype=np.float32)


@dataclass(frozen=True, slots=True)
class TextDetails:
    """What produced one text's probability, for a text that passed the gate: the record the
    model hands the detector. The heads' outputs are set only for texts scored at least
    ``heads_from`` (a category is only reported for flagged texts)."""

    normalized: NormalizedText
    cues: list[Cue]  # of the whole text
    best_span: tuple[int, int]  # normalized span of the best unit
    category: str | None = None
    incentive: str | None = None
    sentiment: bool | None = None


@dataclass
class SolicitationModel:
    """Everything the detector needs, pickled as one artifact.

    ``pipeline`` is the fitted scikit-learn pipeline (features → calibrated classifier);
    the heads read the same features and are fitted on positive rows only. Scoring only asks
    for :attr:`features` and :attr:`classifier`: an exported model
    (:class:`reviewbait.exported.inference.ExportedModel`) provides them without scikit-learn.
    ``incentive_classifier`` is ``None`` when the training rows named fewer than two
    incentive types (and in models saved before it existed).
    """

    pipeline: Any  # sklearn.pipeline.Pipeline; None in an exported model
    category_classifier: Any
    sentiment_classifier: Any
    thresholds: dict[str, float] = field(default_factory=dict)
    incentive_classifier: Any = None
    offer_rule: OfferRule | None = None  # None in models saved before the rule
    literal_units: bool = False  # score code's string literals as units (False before it existed)

    @property
    def features(self) -> Any:
        return self.pipeline.named_steps["features"]

    @property
    def classifier(self) -> Any:
        return self.pipeline.named_steps["classifier"]

    def score(
        self, texts: Sequence[str], *, with_details: bool = False, heads_from: float = 0.0
    ) -> tuple[np.ndarray, dict[int, TextDetails]]:
        """Probabilities for ``texts`` (all str), and, on request, what produced each one
        (position → :class:`TextDetails`, for the texts that passed the gate). The heads run only
        for texts whose probability is at least ``heads_from`` (callers pass their threshold:
        a category is only reported for flagged texts, and the heads cost as much as scoring).
        """
        probabilities = np.zeros(len(texts), dtype=np.float64)
        candidates = np.flatnonzero(candidate_mask(list(texts))) if len(texts) else np.empty(0, dtype=np.int64)
        if candidates.size == 0:
            return probabilities, {}
        normalized = [normalize(texts[i]) for i in candidates.tolist()]
        cues = [find_cues(text) for text in normalized]
        units = make_units(normalized, candidates.tolist(), literals=self.literal_units)
        cues_of_units = unit_cues(units, cues)
        blocks = _featurize(self.features, normalized, units, cues_of_units)
        # rows do not depend on each other: each block's probabilities are those of the stack
        unit_p = np.concatenate([self.classifier.predict_proba(block)[:, 1] for block in blocks])
        if self.offer_rule is not None:
            unit_p = np.where(self.offer_rule.held_units(units, cues_of_units), unit_p * self.offer_rule.factor, unit_p)
        # best unit per text: sort by (owner, -p) and keep the first of each owner
        order = np.lexsort((-unit_p, units.owner))
        owners_sorted = units.owner[order]
        first = np.ones(order.size, dtype=bool)
        first[1:] = owners_sorted[1:] != owners_sorted[:-1]
        best_units = order[first]
        probabilities[units.owner[best_units]] = unit_p[best_units]
        if not with_details:
            return probabilities, {}
        # one best unit per candidate, in the candidates' (ascending) order
        records = {
            int(units.owner[unit]): TextDetails(normalized=n, cues=c, best_span=units.span[unit])
            for unit, n, c in zip(best_units.tolist(), normalized, cues, strict=True)
        }
        headed = best_units[unit_p[best_units] >= heads_from]
        if headed.size:
            best_X = _rows(blocks, headed)
            owners = [int(units.owner[u]) for u in headed]
            unit_texts = [units.units[u].text for u in headed]
            contexts = [records[position].normalized.text for position in owners]
            categories, incentives = read_heads(
                self.category_classifier, self.incentive_classifier, best_X, unit_texts, contexts
            )
            sentiment = self.sentiment_classifier.predict(best_X)
            for k, position in enumerate(owners):
                records[position] = replace(
                    records[position],
                    category=str(categories[k]),
                    incentive=None if incentives[k] is None else str(incentives[k]),
                    sentiment=bool(sentiment[k]),
                )
        return probabilities, records


# The guide's definitions pair two categories with one incentive each, both ways: every
# contest is a prize draw and every prize draw for a review is a contest; a review swap's
# reward is a review in return, and nothing else's is (data/README.md, "What is offered").
PAIRED_INCENTIVES = {"contest": "prize_draw", "review_swap": "reciprocal_review"}


def coherent_heads(
    category_scores: np.ndarray,
    category_classes: Sequence[str],
    incentive_scores: np.ndarray,
    incentive_classes: Sequence[str],
) -> tuple[np.ndarray, np.ndarray]:
    """The (category, incentive) pair with the highest summed head scores among the pairs the
    definitions allow (:data:`PAIRED_INCENTIVES`).

    Why: the two heads are fitted apart and disagreed on about 2 % of positives ("contest"
    with "cash", "direct_reward" with "prize_draw"); decoding them together raised the
    category head's out-of-fold accuracy from 0.937 to 0.945 (CHANGELOG).
    """
    categories = np.asarray(category_classes, dtype=object)
    incentives = np.asarray(incentive_classes, dtype=object)
    allowed = np.ones((len(categories), len(incentives)), dtype=bool)
    for category, incentive in PAIRED_INCENTIVES.items():
        allowed &= (categories == category)[:, None] == (incentives == incentive)[None, :]
    if not allowed.any():  # a user's labels with no allowed pair: keep each head's own answer
        return categories[category_scores.argmax(axis=1)], incentives[incentive_scores.argmax(axis=1)]
    joint = category_scores[:, :, None] + incentive_scores[:, None, :]
    joint = np.where(allowed[None, :, :], joint, -np.inf).reshape(len(joint), -1)
    best = joint.argmax(axis=1)
    return categories[best // len(incentives)], incentives[best % len(incentives)]


def read_heads(
    category_head: Any, incentive_head: Any, X: Any, texts: list[str], contexts: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Category and incentive of flagged units: decoded together when both heads give one
    score per class, else each head's own prediction (two-class heads, older models)."""
    if incentive_head is None:
        return category_head.predict(X, texts=texts, contexts=contexts), np.full(X.shape[0], None, dtype=object)
    if hasattr(category_head, "decision_function") and hasattr(incentive_head, "decision_function"):
        category_scores = category_head.decision_function(X, texts=texts, contexts=contexts)
        incentive_scores = incentive_head.decision_function(X, texts=texts, contexts=contexts)
        if category_scores.ndim == 2 and incentive_scores.ndim == 2:
            return coherent_heads(
                category_scores, list(category_head.classes_), incentive_scores, list(incentive_head.classes_)
            )
    return (
        category_head.predict(X, texts=texts, contexts=contexts),
        incentive_head.predict(X, texts=texts, contexts=contexts),
    )
