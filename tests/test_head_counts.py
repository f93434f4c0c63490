"""The heads' pattern counts, found through RE2 supersets, are Python's ``findall`` counts."""

from __future__ import annotations

from reviewbait import heads
from reviewbait.text.normalize import normalize
from reviewbait.text.superscan import Utf8Text
from reviewbait.training.corpus import load_corpus

EDGES = ["", "x", "été paid", "l'été: un bon d'achat", "bonus\ud800 free gift", "r4r l4l", "好评返现 5元"]


def test_counts_equal_findall_on_the_corpus() -> None:
    texts = EDGES + [normalize(t).text for t in load_corpus().sample(n=1500, random_state=5)["text"].tolist()]
    patterns = heads._SUBTYPE_PATTERNS + heads._AUDIENCE_PATTERNS + heads._INCENTIVE_PATTERNS
    for text in texts:
        utf8 = Utf8Text.of(text)
        assert [heads._count(p, text, utf8) for p in patterns] == [len(p.findall(text)) for p in patterns], text
    # most patterns have a superset (the audience's negated classes have none)
    assert sum(heads._superset_search(p) is not None for p in patterns) > len(patterns) // 2
