"""Scanning each cue kind from where its RE2 superset first matches finds exactly the same cues."""

from __future__ import annotations

from reviewbait.text.cues import CueFinder
from reviewbait.text.normalize import normalize
from reviewbait.training.corpus import load_corpus

# lookbehinds at the start position, lone surrogates, a cue at the very end
EDGES = [
    "xreview then a review for a free gift",
    "5 stars free refund",
    "bonus: free\ud800 gift for a 5 star review",
    "write a review",
    "好评返现",
]


def test_starting_each_scan_at_the_supersets_first_match_changes_no_cue() -> None:
    texts = EDGES + load_corpus().sample(n=1500, random_state=3)["text"].tolist()
    started = CueFinder()
    started._prefilter = started._build_prefilter()
    assert started._firsts is not None
    from_zero = CueFinder()
    from_zero._prefilter = from_zero._build_prefilter()
    from_zero._firsts = None
    skipped = 0
    for text in texts:
        normalized = normalize(text)
        assert started.find(normalized) == from_zero.find(normalized), text
        skipped += sum(started._first_position(k, normalized.text) for k in started.kinds_present(normalized.text))
    assert skipped > 0  # the start positions did skip text, so the comparison means something
