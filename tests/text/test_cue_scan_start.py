"""Trying each cue kind only where its RE2 superset matches finds exactly the same cues."""

from __future__ import annotations

import re

import re2

from reviewbait.text.cues import CueFinder
from reviewbait.text.normalize import normalize
from reviewbait.text.superscan import Utf8Text, byte_search, superset_finditer
from reviewbait.training.corpus import load_corpus

# lookbehinds at a candidate, lone surrogates, a cue at the very end, non-ASCII before a hit
EDGES = [
    "xreview then a review for a free gift",
    "5 stars free refund",
    "bonus: free\ud800 gift for a 5 star review",
    "write a review",
    "好评返现",
    "très bien, avis contre avis, ½ prix, 5€ offerts pour un avis",
    "rec x rec, rezi4rezi, ★★★★★ für 10 € gutschein",
]


def test_trying_only_the_supersets_matches_changes_no_cue() -> None:
    texts = EDGES + load_corpus().sample(n=1500, random_state=3)["text"].tolist()
    filtered = CueFinder()
    filtered.prepare()
    assert filtered._supersets is not None
    everywhere = CueFinder()
    everywhere._build_supersets = lambda: None  # type: ignore[method-assign]  # Python's engine at every position
    for text in texts:
        normalized = normalize(text)
        assert filtered.find(normalized) == everywhere.find(normalized), text


def test_superset_finditer_is_finditer() -> None:
    """Failed candidates, overlapping candidates, multi-byte characters and empty matches."""
    cases = [
        (r"(?<!\w)ab(?!\w)", r"ab"),  # candidates inside words fail
        (r"(?<!\w)(?:aab|ab)", r"a?ab"),  # a failed candidate overlaps the next match
        (r"é+x|ü", r"é+x|ü"),
        (r"(?<=b)a*", r"a*"),  # empty matches: Python's rules take over
    ]
    texts = ["", "ab", "xab ab aab ab", "ééx üab ab", "baaab ba b", "好ab ab好 éab"]
    for pattern, superset in cases:
        python = re.compile(pattern)
        search = byte_search(re2.compile(superset))
        for text in texts:
            expected = [(m.start(), m.end()) for m in python.finditer(text)]
            found = [(m.start(), m.end()) for m in superset_finditer(python, search, Utf8Text(text))]
            assert found == expected, (pattern, text)


def test_byte_search_gives_byte_offsets() -> None:
    search = byte_search(re2.compile("ab"))
    data = "éé ab".encode()
    assert search(data, 0) == data.index(b"ab")
    assert search(data, data.index(b"ab") + 1) == -1


def test_byte_search_without_the_programs_own_match_uses_search() -> None:
    """A google-re2 without the private ``_regexp`` falls back to the public ``search``."""

    class PublicOnly:
        def __init__(self, pattern: str) -> None:
            self.search = re2.compile(pattern).search

    data = "好评 ab ab".encode()
    direct, public = byte_search(re2.compile("ab")), byte_search(PublicOnly("ab"))
    assert [public(data, at) for at in range(len(data) + 1)] == [direct(data, at) for at in range(len(data) + 1)]
    assert public(data, 0) == data.index(b"ab")
