"""Traditional Chinese reads as simplified: the same cues, with evidence in the original text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewbait.lexicon import han, head_blocks, zh
from reviewbait.text import gate
from reviewbait.text.cues import find_cues
from reviewbait.text.gate import candidate_mask
from reviewbait.text.normalize import normalize

PAIRS = [
    # (traditional, simplified): the same offer as Taiwan or Hong Kong and the mainland write it
    ("刪除差評，我們全額退款給你", "删除差评，我们全额退款给你"),
    ("好評返現五元，評價截圖發給客服", "好评返现五元，评价截图发给客服"),
    ("只要評論調整到四顆星以上，我們退還一半餐費", "只要评论调整到四颗星以上，我们退还一半餐费"),
]


def test_the_table_maps_one_character_to_one() -> None:
    table = han.TRADITIONAL_TO_SIMPLIFIED
    assert len(table) > 2000
    assert all(len(k) == 1 and len(v) == 1 for k, v in table.items())
    assert table["評"] == "评" and table["刪"] == "删" and table["錢"] == "钱"


def test_no_lexicon_word_holds_a_character_that_normalization_rewrites() -> None:
    """A traditional character in a pattern could never match normalized text."""
    sources = [Path(module.__file__).read_text(encoding="utf-8") for module in (zh, head_blocks)]
    rewritten = {ch for text in sources for ch in text if ch in han.TRADITIONAL_TO_SIMPLIFIED}
    assert not rewritten, sorted(rewritten)


@pytest.mark.parametrize(("traditional", "simplified"), PAIRS)
def test_traditional_normalizes_to_simplified_with_offsets_kept(traditional: str, simplified: str) -> None:
    normalized = normalize(traditional)
    assert normalized.text == normalize(simplified).text
    assert len(normalized.text) == len(traditional)
    for i in range(len(normalized.text)):
        assert normalized.original_span(i, i + 1) == (i, i + 1)


@pytest.mark.parametrize(("traditional", "simplified"), PAIRS)
def test_traditional_text_has_the_cues_of_its_simplified_twin(traditional: str, simplified: str) -> None:
    found = [(c.kind, c.start, c.end) for c in find_cues(normalize(traditional))]
    assert found
    assert found == [(c.kind, c.start, c.end) for c in find_cues(normalize(simplified))]
    for cue in find_cues(normalize(traditional)):
        assert cue.text == traditional[cue.start : cue.end]  # evidence quotes the original


def test_simplified_text_is_left_as_it_is() -> None:
    text = "亲 给个五星好评返现10元哦 晒图送运费险"
    assert normalize(text).text == text.lower()


@pytest.mark.parametrize("text", ["美團好評返現", "刪咗佢我退錢畀你", "請人喺OpenRice寫食評，每篇$80"])
def test_the_gate_passes_traditional_review_words(text: str) -> None:
    assert candidate_mask([text])[0]


def test_the_gate_stems_name_traditional_platforms() -> None:
    for word in ("淘寶", "京東", "美團", "天貓", "小紅書"):
        assert re.search(gate.REVIEW_PATTERN, word), word


def test_gate_stems_take_every_traditional_form_of_their_chinese_characters() -> None:
    forms = {"评": "评評", "发": "发發髮"}
    assert gate.with_traditional("好评|发|review", forms) == "好[评評]|[发發髮]|review"
    assert "[删刪]" in gate.with_traditional("删")
