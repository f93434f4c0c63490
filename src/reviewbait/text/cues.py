"""Interpretable signals of review solicitation, per language, with evidence spans.

A solicitation joins an *incentive* to a *review act* through an *exchange*
(``../LABELING.md``). The cue finder looks for each part, plus the signals that sharpen or
argue against a flag: a sentiment condition ("5 stars", "好评"), removal or editing of a
review, off-platform contact, a reporting or news voice, and an incentive disclosure.
Patterns run on normalized text (see :mod:`reviewbait.text.normalize`) and every hit is mapped
back to the original text, so a moderator sees the words that were actually written.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reviewbait.lexicon import CUES, LANGUAGES, REMOVAL_BESIDE_REVIEW
from reviewbait.lexicon.common import (
    CONDITION_WORDS,
    NEGATION_EXCEPTIONS,
    NEGATORS,
    NEGATORS_SHORT,
    NEGATORS_ZH,
    SWAP_LINKS,
    SWAP_WORDS,
)
from reviewbait.text.normalize import NormalizedText, normalize
from reviewbait.text.superscan import Utf8Text, compile_search, superset_finditer, superset_for_re2

__all__ = [
    "ACT_KINDS",
    "CUE_KINDS",
    "LANGUAGES",
    "REMOVAL_REACH",
    "Cue",
    "CueFinder",
    "cue_feature_names",
    "cue_features",
    "factor_alternation",
    "find_cues",
    "prepare_cue_search",
    "states_offer",
]

CUE_KINDS = (
    "incentive",
    "review",
    "platform",
    "exchange",
    "sentiment",
    "removal",
    "contact",
    "reporting",
    "disclosure",
)

# language → kind → fragments, composed from lexicon/<language>.py (a name tests can patch)
LEXICON: dict[str, dict[str, tuple[str, ...]]] = CUES


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue found in a text. ``start``/``end`` index the ORIGINAL text."""

    kind: str
    language: str
    start: int
    end: int
    text: str
    norm_start: int
    norm_end: int


def _expand_leading_group(fragment: str) -> list[str]:
    """``(?:sell|buy) reviews`` → ``sell reviews``, ``buy reviews``: the same matches, but each
    now starts with a literal, so :func:`factor_alternation` can file it under its first
    character instead of trying it at every position of every text (this kept cue finding
    from slowing down as the lexicon grew). Optional or nested leading groups stay as they are.
    """
    if not fragment.startswith("(?:"):
        return [fragment]
    close = fragment.find(")")
    inner, after = fragment[3:close], fragment[close + 1 :]
    if close < 0 or "(" in inner or (after and after[0] in "?*+{"):
        return [fragment]
    return [alternative + after for alternative in inner.split("|")]


def factor_alternation(fragments: tuple[str, ...]) -> str:
    """One alternation, grouped by literal first character: ``r(?:eview|efund)|f(?:ree)``.

    Python's regex engine tries alternatives one by one; grouping by first character lets
    it skip most of them after a single comparison, which makes cue finding several times
    faster without changing what matches (longest alternatives still come first). Ties are
    broken alphabetically, so the pattern text is the same in every run whatever
    ``PYTHONHASHSEED`` is (set order used to decide it, and the lexicon fingerprint with it).
    """
    by_first: dict[str, list[str]] = {}
    rest: list[str] = []
    expanded = {alternative for fragment in fragments for alternative in _expand_leading_group(fragment)}
    for fragment in sorted(expanded, key=lambda f: (-len(f), f)):
        first = fragment[0]
        literal = first.isalnum() and (len(fragment) == 1 or fragment[1] not in "?*+{")
        if literal:
            by_first.setdefault(first, []).append(fragment[1:])
        else:
            rest.append(fragment)
    parts = [
        re.escape(first) + (f"(?:{'|'.join(tails)})" if tails != [""] else "")
        for first, tails in sorted(by_first.items())
    ]
    return "|".join(parts + rest)


def _compile_fragments(by_language: Mapping[str, Sequence[str]]) -> re.Pattern[str]:
    """One pattern over every language's fragments, factored by first character.

    Languages share one alternation (a single branch per first character instead of one
    alternation per language): the language of a hit is looked up afterwards, on the hit only.
    """
    latin = tuple(f for lang, fragments in by_language.items() if lang != "zh" for f in fragments)
    chinese = tuple(by_language.get("zh", ()))
    pattern = rf"(?<!\w)(?:{factor_alternation(latin)})(?!\w)"
    if chinese:
        pattern += f"|{factor_alternation(chinese)}"
    return re.compile(pattern)


def _language_patterns(by_language: Mapping[str, Sequence[str]]) -> list[tuple[str, re.Pattern[str]]]:
    """Each language's own fragments as one pattern, in lexicon order (to attribute a hit)."""
    return [(lang, re.compile("|".join(fragments))) for lang, fragments in by_language.items() if fragments]


def _first_language(patterns: list[tuple[str, re.Pattern[str]]], hit: str) -> str:
    return next((lang for lang, pattern in patterns if pattern.fullmatch(hit)), "common")


def _compile(kind: str) -> re.Pattern[str]:
    """One pattern per kind over every language (:func:`_compile_fragments`)."""
    return _compile_fragments({lang: kinds.get(kind, ()) for lang, kinds in LEXICON.items()})


def _compile_languages(kind: str) -> list[tuple[str, re.Pattern[str]]]:
    return _language_patterns({lang: kinds.get(kind, ()) for lang, kinds in LEXICON.items()})


# A removal word that means something else in everyday text (lexicon ``REMOVAL_BESIDE_REVIEW``:
# "überarbeiten", "passer à 5", 改好评) counts only when a review act (a review, a rating,
# stars, 好评) is at most this many characters away: "wegen deiner Google-Bewertung ... wenn
# du sie nochmal überarbeitest" is a removal, "die Auflage wurde überarbeitet" is not.
REMOVAL_REACH = 80
_REACH_KINDS = ("review", "sentiment")


_BESIDE_REVIEW = _compile_fragments(REMOVAL_BESIDE_REVIEW)
_BESIDE_REVIEW_LANGUAGES = _language_patterns(REMOVAL_BESIDE_REVIEW)


# a swap word between two words, spaces optional: "avis ↔ avis", "rec x rec", "rezi4rezi"
_SWAP_LINK = re.compile(rf"(?<=\w) ?(?:{SWAP_LINKS}) ?(?=\w)")
# the one or two words that end where a swap word starts (group 1: both, group 2: the last),
# searched within the 50 characters before it; :func:`_words_before` finds the same
_WORDS_BEFORE = re.compile(r"(?<!\w)((?:\w{1,24} )?(\w{1,24}))$")
_WORDS_REACH = 50


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # Python's \w: the engine's own test


def _words_before(text: str, end: int) -> tuple[str, str] | None:
    """Groups 1 and 2 of ``_WORDS_BEFORE.search(text, end - 50, end)`` where ``text[end - 1]``
    is a word character, without trying the pattern at each of the 50 positions: the last word
    is the whole run of word characters that ends at ``end`` (at most 24 long, inside the
    reach); the word before it joins it when one space parts them and it is whole too."""
    lo = max(0, end - _WORDS_REACH)
    start = end
    while start > lo and _is_word(text[start - 1]):
        start -= 1
    if start == end or end - start > 24 or (start > 0 and _is_word(text[start - 1])):
        return None  # no word, one too long, or one that runs on before the reach
    last = text[start:end]
    if start - 1 > lo and text[start - 1] == " ":
        first = start - 1
        while first > lo and _is_word(text[first - 1]):
            first -= 1
        if 1 <= start - 1 - first <= 24 and not (first > 0 and _is_word(text[first - 1])):
            return text[first:end], last
    return last, last


class CueFinder:
    """Finds cues of every kind; compiled once, safe to share between threads.

    Python's engine scans a text once per kind, trying every alternative at every position.
    Here it only tries the positions where the kind's RE2 superset matches
    (:mod:`reviewbait.text.superscan`: the same matches, a third of the time), and a kind
    absent from a text costs one linear RE2 pass. An RE2 set of every kind used to say first
    which kinds could match at all: on review text nearly every kind could (7.2 of 9), and the
    set's automaton, the union of all kinds, cost each worker more to build (its states are
    made as texts are read) than the passes it saved.
    """

    def __init__(self) -> None:
        self.patterns = {kind: _compile(kind) for kind in CUE_KINDS}
        self._languages = {kind: _compile_languages(kind) for kind in CUE_KINDS}
        self._kinds = list(self.patterns)
        # per kind (and for swap links): the byte search of its RE2 superset, once built
        self._supersets: dict[str, Callable[[bytes, int], int]] | None = None
        self._unfiltered = 0
        self._swap_link: Callable[[bytes, int], int] | None = None
        self._beside_review: Callable[[bytes, int], int] | None = None

    def _build_supersets(self) -> None:
        # where a kind's superset matches: no cue of the kind starts anywhere else (the swap
        # links first: a set ``_supersets`` says that both are there)
        self._swap_link = compile_search(superset_for_re2(_SWAP_LINK.pattern), max_mem=_SUPERSET_MEMORY)
        self._beside_review = compile_search(superset_for_re2(_BESIDE_REVIEW.pattern), max_mem=_SUPERSET_MEMORY)
        self._supersets = {
            kind: compile_search(superset_for_re2(pattern.pattern), max_mem=_SUPERSET_MEMORY)
            for kind, pattern in self.patterns.items()
        }

    def prepare(self) -> None:
        """Compile the RE2 supersets now, not after the first texts: a process that forks
        workers (the forkserver of ``reviewbait score``) builds them once, and the workers share
        their pages instead of each compiling its own."""
        if self._supersets is None:
            self._build_supersets()

    def _searches(self) -> dict[str, Callable[[bytes, int], int]] | None:
        """The supersets' searches, or None while Python's engine scans alone: compiling them
        costs a cold start's worth, so the first texts (one check, a small file) are scanned
        without them, which finds the same cues."""
        if self._supersets is None:
            self._unfiltered += 1
            if self._unfiltered > _UNFILTERED_TEXTS:
                self._build_supersets()  # a race builds them twice, harmlessly
        return self._supersets

    def _language(self, kind: str, hit: str) -> str:
        return _first_language(self._languages[kind], hit)

    def _all_languages(self, kind: str, hit: str) -> list[str]:
        """Every language whose fragments of ``kind`` match ``hit`` ("bonus": en, de, fr, it, pt),
        in the order :meth:`_language` tries them, so the first is its answer."""
        languages = [lang for lang, pattern in self._languages[kind] if pattern.fullmatch(hit)]
        return languages or ["common"]

    def find(self, normalized: NormalizedText) -> list[Cue]:
        cues: list[Cue] = []
        text = normalized.text
        original = normalized.original
        supersets = self._searches()
        utf8 = None if supersets is None else Utf8Text.of(text)  # None: Python scans it all
        for kind in self._kinds:
            pattern = self.patterns[kind]
            # Python's engine tries only where the kind's RE2 superset matches (the same matches)
            if supersets is None or utf8 is None:
                matches = pattern.finditer(text)
            else:
                matches = superset_finditer(pattern, supersets[kind], utf8)
            for m in matches:
                if kind == "incentive":
                    languages = self._all_languages(kind, m.group())
                    if denied(text, m.start(), languages):
                        continue
                    language = languages[0]
                else:
                    language = self._language(kind, m.group())
                start, end = normalized.original_span(m.start(), m.end())
                cues.append(Cue(kind, language, start, end, original[start:end], m.start(), m.end()))
        acts = sorted(c.norm_start for c in cues if c.kind in _REACH_KINDS)
        if acts:
            cues.extend(self._removals_beside_review(normalized, acts, cues, utf8))
        cues.extend(self._swaps(normalized, utf8))
        cues.sort(key=lambda c: (c.norm_start, c.norm_end))
        return cues

    def _removals_beside_review(
        self, normalized: NormalizedText, acts: list[int], cues: list[Cue], utf8: Utf8Text | None
    ) -> list[Cue]:
        """Removal cues from the words that count only within :data:`REMOVAL_REACH` of a review
        act (``acts``: the acts' normalized starts, sorted), where no removal cue already is."""
        text = normalized.text
        if self._supersets is None or utf8 is None or self._beside_review is None:
            matches = _BESIDE_REVIEW.finditer(text)
        else:
            matches = superset_finditer(_BESIDE_REVIEW, self._beside_review, utf8)
        taken = [(c.norm_start, c.norm_end) for c in cues if c.kind == "removal"]
        found: list[Cue] = []
        for m in matches:
            k = bisect_right(acts, m.end() + REMOVAL_REACH) - 1
            if k < 0 or acts[k] < m.start() - REMOVAL_REACH:
                continue  # no review act within reach on either side
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            language = _first_language(_BESIDE_REVIEW_LANGUAGES, m.group())
            start, end = normalized.original_span(m.start(), m.end())
            found.append(Cue("removal", language, start, end, normalized.original[start:end], m.start(), m.end()))
        return found

    def _swaps(self, normalized: NormalizedText, utf8: Utf8Text | None = None) -> list[Cue]:
        """ "avis contre avis", "rec x rec", "5 for 5": a review in return, in any language.

        The same word (or two) on both sides of a swap word is an incentive when it is a
        review word or a star count; the lexicon cannot say "the same word". Only the words
        next to each swap word are compared, so this costs next to nothing where there is none.
        """
        text = normalized.text
        found = []
        search = self._swap_link
        links = (
            _SWAP_LINK.finditer(text) if utf8 is None or search is None else superset_finditer(_SWAP_LINK, search, utf8)
        )
        for link in links:
            before = _words_before(text, link.start())
            if before is None:
                continue
            for words in (before[1], before[0]):  # one word, then two
                if not words or not text.startswith(words, link.end()):
                    continue
                end = link.end() + len(words)
                if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                    continue
                if words in SWAP_WORDS or self.patterns["review"].search(words):
                    start = link.start() - len(words)
                    o_start, o_end = normalized.original_span(start, end)
                    quote = normalized.original[o_start:o_end]
                    # a review in return is both the reward and the act it is given for
                    found.append(Cue("incentive", "common", o_start, o_end, quote, start, end))
                    found.append(Cue("review", "common", o_start, o_end, quote, start, end))
                    break
        return found


# The clause an incentive sits in, up to it: a denial does not reach across punctuation.
_CLAUSE_BREAK = re.compile(r"[.!?;:,()\n\u3002\uff01\uff1f\uff1b\uff0c\u3001\uff08\uff09]")
_WORD_AFTER_NEGATOR = rf"\s+(?!(?:{NEGATION_EXCEPTIONS})(?![\w']))[\w'-]+"
_DENIED = {
    language: re.compile(
        rf"(?<![\w'])(?:(?:{negators})(?:{_WORD_AFTER_NEGATOR}(?:\s+[\w'-]+){{0,2}})?"
        + (rf"|(?:{NEGATORS_SHORT[language]})(?:{_WORD_AFTER_NEGATOR})?" if language in NEGATORS_SHORT else "")
        + r")\s*$"
    )
    for language, negators in NEGATORS.items()
}
_DENIED["zh"] = re.compile(rf"(?:{NEGATORS_ZH})[^\s\W]{{0,4}}$")
_CONDITION = re.compile(rf"(?:^|\s)(?:{CONDITION_WORDS})\s*$")
_DENIAL_REACH = 60  # characters before an incentive searched for a negator


def denied(text: str, start: int, languages: Sequence[str]) -> bool:
    """Whether the incentive at ``text[start:]`` is denied within its clause ("no reward",
    "keine Gegenleistung", "sin ningún descuento", "没有任何奖励"): at most three words (four
    Chinese characters) after a negator of the incentive's language, with no punctuation
    between, and not as a condition ("or no refund"). ``languages``: those whose lexicon has
    the incentive."""
    before = text[max(0, start - _DENIAL_REACH) : start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    clause = before[breaks[-1] :] if breaks else before
    for language in languages:
        negation = _DENIED.get(language, _DENIED["common"]).search(clause)
        if negation is not None and _CONDITION.search(clause, 0, negation.start()) is None:
            return True
    return False


_SUPERSET_MEMORY = 256 << 20  # RE2's budget for the cue kinds' supersets (the largest alternations)
_UNFILTERED_TEXTS = 200  # texts scanned by Python's engine alone before the RE2 supersets are compiled
_FINDER: CueFinder | None = None


def _finder() -> CueFinder:
    global _FINDER
    if _FINDER is None:
        _FINDER = CueFinder()
    return _FINDER


def prepare_cue_search() -> None:
    """Build the cue search's lazy parts now (see :meth:`CueFinder.prepare`)."""
    _finder().prepare()


def find_cues(text: str | NormalizedText) -> list[Cue]:
    """All cues in ``text``, sorted by position, with spans into the original text."""
    normalized = text if isinstance(text, NormalizedText) else normalize(text)
    return _finder().find(normalized)


_NEAR = 120  # characters: an incentive this close to a review act is probably tied to it
_PAIRS = (
    ("incentive", "review"),
    ("incentive", "platform"),
    ("review", "exchange"),
    ("incentive", "exchange"),
    ("sentiment", "incentive"),
    ("removal", "incentive"),
    ("contact", "incentive"),
    ("reporting", "review"),
    ("disclosure", "review"),
)


# Quoted speech: an offer inside quotation marks is usually reported, not made.
_QUOTED = re.compile(
    r"«[^»]{3,400}»|“[^”]{3,400}”|„[^“”]{3,400}[“”]|\"[^\"]{3,400}\"|「[^」]{2,200}」|『[^』]{2,200}』"
)


# What a solicitation must state (LABELING.md): something of value, and a review act it is
# given for. A platform name, a number or a link is context; on its own it is never the act.
ACT_KINDS = ("review", "sentiment", "removal")


def states_offer(cues: list[Cue]) -> bool:
    """Whether the cues hold an incentive and a review act (rating, stars, a review, its removal).

    Review swaps and coded recruiting ("testers needed, DM") count: a review in return and a
    recruiting call are incentive cues in the lexicon.
    """
    kinds = {cue.kind for cue in cues}
    return "incentive" in kinds and not kinds.isdisjoint(ACT_KINDS)


def cue_feature_names() -> list[str]:
    names = [f"count_{kind}" for kind in CUE_KINDS]
    names += [f"near_{a}_{b}" for a, b in _PAIRS]
    names += ["triple_near", "triple_anywhere", "log_length", "quoted_offer_share", "quoted_offer", "states_offer"]
    return names


# the features before log_length of a unit without cues: counts, nearness and triples, all 0
_NO_CUES = (0.0,) * (len(CUE_KINDS) + len(_PAIRS) + 2)


def _near(a: list[int], b: list[int]) -> float:
    if not a or not b:
        return 0.0
    return 1.0 if min(abs(x - y) for x in a for y in b) <= _NEAR else 0.5


def cue_features(normalized: NormalizedText, cues: list[Cue]) -> list[float]:
    """Numeric features from the cues of one text, in the order of :func:`cue_feature_names`."""
    if not cues:  # most units (windows of long reviews): every feature but the length is 0
        return [*_NO_CUES, math.log1p(len(normalized.text)) / 10.0, 0.0, 0.0, 0.0]
    positions: dict[str, list[int]] = {kind: [] for kind in CUE_KINDS}
    for cue in cues:
        positions[cue.kind].append((cue.norm_start + cue.norm_end) // 2)
    row = [math.log1p(len(positions[kind])) for kind in CUE_KINDS]
    row += [_near(positions[a][:50], positions[b][:50]) for a, b in _PAIRS]
    inc, rev, exc = positions["incentive"][:50], positions["review"][:50], positions["exchange"][:50]
    triple_near = 0.0
    if inc and rev and exc:
        for r in rev:
            if any(abs(r - i) <= _NEAR for i in inc) and any(abs(r - e) <= _NEAR for e in exc):
                triple_near = 1.0
                break
    row += [triple_near, 1.0 if (inc and rev and exc) else 0.0, math.log1p(len(normalized.text)) / 10.0]
    row += _quoted_features(normalized.text, cues)
    row.append(1.0 if states_offer(cues) else 0.0)
    return row


def _quoted_features(text: str, cues: list[Cue]) -> list[float]:
    """Share of offer cues inside quotation marks, and whether one quote holds a whole offer.

    Linear in the number of cues and quotes: the quotes ``finditer`` yields never overlap, so
    they are sorted by start and by end, and a bisection finds the few that can hold a cue.
    """
    offer = [c for c in cues if c.kind in ("incentive", "review", "exchange")]
    if not offer or not any(q in text for q in '«“„"「『'):
        return [0.0, 0.0]
    spans = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    if not spans:
        return [0.0, 0.0]
    starts = [a for a, _ in spans]
    inside = 0
    kinds_in: dict[int, set[str]] = {}
    for c in offer:
        # the spans holding c: the last one starting at or before c, and (for an empty cue at
        # a boundary) those just before it that end at or after c's end
        k = bisect_right(starts, c.norm_start) - 1
        held = False
        while k >= 0 and spans[k][1] >= c.norm_end:
            if spans[k][0] <= c.norm_start:
                held = True
                kinds_in.setdefault(k, set()).add(c.kind)
            k -= 1
        inside += held
    whole_offer = 1.0 if any({"incentive", "review"} <= kinds for kinds in kinds_in.values()) else 0.0
    return [inside / len(offer), whole_offer]
