"""Cue extraction per language, with spans into the original text."""

from __future__ import annotations

import pytest

from reviewbait.text.cues import CUE_KINDS, LANGUAGES, LEXICON, cue_feature_names, cue_features, find_cues
from reviewbait.text.normalize import normalize

# One written example per language: (text, {kind: an expected original substring})
EXAMPLES = {
    "en": (
        "Leave a 5-star review on Amazon and get a $10 gift card, DM me",
        {"review": "review", "incentive": "gift card"},
    ),
    "es": (
        "Deja tu reseña de 5 estrellas y te devolvemos el dinero por PayPal",
        {"review": "reseña", "incentive": "dinero"},
    ),
    "de": (
        "Nach der Bewertung gibt es die volle Rückerstattung, 5 Sterne bitte",
        {"review": "Bewertung", "incentive": "Rückerstattung"},
    ),
    "fr": (
        "Laissez un avis 5 étoiles et recevez un bon d'achat de 10 €",
        {"review": "avis", "incentive": "bon d'achat"},
    ),
    "pt": ("Avaliação 5 estrelas com foto = reembolso total no Pix", {"review": "Avaliação", "incentive": "reembolso"}),
    "it": (
        "Lascia una recensione a 5 stelle e ricevi un buono sconto",
        {"review": "recensione", "incentive": "buono sconto"},
    ),
    "zh": ("五星好评晒图返现5元，截图发客服", {"review": "好评", "incentive": "返现"}),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_finds_review_and_incentive(language: str) -> None:
    text, expected = EXAMPLES[language]
    cues = find_cues(text)
    for kind, original in expected.items():
        found = [c.text for c in cues if c.kind == kind]
        assert original in found, (kind, found)
    assert any(c.language == language for c in cues)


# Incentives that name no money: the house's treat, an unlock, a review in return (the guide
# lists "a review in return" as an incentive). (text, the incentive as written, its language)
UNPRICED_INCENTIVES = [
    ("Review us on Google, next scoop's on us 🍦", "on us", "en"),
    ("Rate mine, I rate yours ⭐ indie iOS game", "Rate mine", "en"),
    ("Reseña en Google y la porción de churros va por la casa", "por la casa", "es"),
    ("rv x rv en mercadolibre? comenten link", "rv x rv", "es"),
    ("Avaliou no Google? A sobremesa é por nossa conta", "por nossa conta", "pt"),
    ("Troca de avaliação no Enjoei, bora?", "Troca de avaliação", "pt"),
    ("Ein Stück Kuchen aufs Haus für jede Bewertung bei Google", "aufs Haus", "de"),
    ("Bewertungstausch fürs App-Store-Ranking, meldet euch", "Bewertungstausch", "de"),
    ("Un avis Google et on vous offre le lavage intérieur", "offre", "fr"),
    ("éval contre éval sur Vinted ? je commence", "éval contre éval", "fr"),
    ("Lascia una recensione su Google e ti regaliamo il dolce", "regaliamo", "it"),
    ("Gruppo scambio recensioni Amazon KDP, autori italiani", "scambio recensioni", "it"),
    ("在懂车帝写条五星点评，下次保养工时费免单", "免单", "zh"),
    ("京东图书互评，作者群，私信进", "互评", "zh"),
    ("带图好评 加V领🧧6", "🧧", "zh"),
]


@pytest.mark.parametrize(("text", "incentive", "language"), UNPRICED_INCENTIVES)
def test_unpriced_incentives_are_found(text: str, incentive: str, language: str) -> None:
    found = [(c.text, c.language) for c in find_cues(normalize(text)) if c.kind == "incentive"]
    assert any(t == incentive for t, _ in found), found
    assert any(lang in (language, "common") for _, lang in found), found


# The review act as people write it: other persons of the verbs, the voseo, diminutives,
# traders' shorthand and a review named by its step (the gate already passes all of them).
# (text, the act as written, its language)
REVIEW_ACTS = [
    ("fr after rev, pp only", "after rev", "en"),
    ("Take the 1-star off and the repair is free", "1-star", "common"),
    ("Califícanos en Falabella y te mandamos un bono", "Califícanos", "es"),
    ("Valorá tu experiencia en Google y participás del sorteo", "Valorá", "es"),
    ("Wenn du mich auf Kleinanzeigen bewertest, kriegst du 20 € zurück", "bewertest", "de"),
    ("Kaufen, Sternchen, Kohle zurück", "Sternchen", "de"),
    ("Chi recensisce la vacanza su Google partecipa all'estrazione", "recensisce", "it"),
    ("5 stelline su Treatwell e la semipermanente è scontata", "stelline", "it"),
    ("os clientes que avaliarem a padaria no Google", "avaliarem", "pt"),
    ("produtos grátis em troca da sua opinião", "opinião", "pt"),
    ("找试客：猫粮，拍后评，返本+5", "后评", "zh"),
    ("收微信读书书评，一条2元", "书评", "zh"),
]


@pytest.mark.parametrize(("text", "act", "language"), REVIEW_ACTS)
def test_review_acts_in_their_other_forms_are_found(text: str, act: str, language: str) -> None:
    found = [(c.text, c.language) for c in find_cues(normalize(text)) if c.kind == "review"]
    assert (act, language) in found, found


# Asking for a review to be removed, changed, raised or never posted, as people write it:
# other verb forms and the review named beside the verb (text, its language).
REMOVALS = [
    ("We'd send you a voucher for revising your rating", "en"),
    ("happy to refund the fee once the review's gone", "en"),
    ("Bump your rating up and the next wash is on us", "en"),
    ("Sobald Sie Ihre Bewertung aktualisiert haben, schicken wir den Gutschein", "de"),
    ("Mach die 2 Sterne weg, dann gibt's 10 € zurück", "de"),
    ("Si retiras la reseña te devolvemos el envío", "es"),
    ("Si nos subes a 5 estrellas el próximo corte es gratis", "es"),
    ("Un bon de 20 € si vous acceptez de revoir votre note", "fr"),
    ("Avis supprimé = remboursement. Ça vous va ?", "fr"),
    ("Geste commercial de 30 € contre retrait de votre avis Google", "fr"),
    ("Se rimuove la recensione le rimborsiamo la spedizione", "it"),
    ("Se alza la valutazione a 5 stelle le offriamo la cena", "it"),
    ("Devolvemos o frete se aceitar rever a sua avaliação", "pt"),
    ("Estorno de 30% mediante a exclusão da avaliação publicada", "pt"),
    ("您看能不能把评价撤一下，我们补您30元", "zh"),
    ("如您愿意重新评分，下次入住免费升级", "zh"),
    # words that are removals only beside a review act (lexicon REMOVAL_BESIDE_REVIEW)
    ("we gift 3 months free if your review gets edited to 5 stars", "en"),
    ("Take the 1-star off and the repair is free", "en"),
    ("£150 off the invoice if you pull that review off", "en"),
    ("Your refund is conditional on the removal of your Trustpilot review", "en"),
    ("Wegen deiner Bewertung: zwei Stunden gratis, wenn du sie nochmal überarbeitest", "de"),
    ("Erstattung, sofern Ihre Bewertung gelöscht wird", "de"),
    ("Un bon de 20 € si vous modifiez votre avis", "fr"),
    ("Le reembolsamos la noche si tiene a bien revisar la puntuación que nos dejó", "es"),
    ("Ho visto la sua recensione da 5/10: se la alza le mandiamo un voucher", "it"),
    ("Per la recensione, riusciresti a toglierla? Il prossimo taglio è gratis", "it"),
    ("Estorno de 50% desde que marque a reclamação como resolvida e avalie com nota 10", "pt"),
    ("给您补偿30元，麻烦把评分改高一点", "zh"),
    ("若您愿意更新此条点评，下次入住免费升级", "zh"),
]


@pytest.mark.parametrize(("text", "language"), REMOVALS)
def test_removal_in_its_other_forms_is_found(text: str, language: str) -> None:
    found = [c.language for c in find_cues(normalize(text)) if c.kind == "removal"]
    assert language in found, found


@pytest.mark.parametrize(
    "text",
    [
        "修改密码后请重新登录",
        "撤回了一条消息",
        "改下地址",
        "el profesor subió la nota del examen",
        "Wir müssen die App aktualisieren",
        "nimm den Müll raus",
        "on passe à 5 heures demain",
        "portami a 5 minuti da qui",
        "preciso melhorar minha nota em matemática",
        "Retrait gratuit en magasin sous 2 h",
        "suppression de votre compte client",
        "remoção de manchas grátis",
        # the words that count only beside a review act, with none near
        "I edited the video and took the trash down",
        "Die Auflage wurde komplett überarbeitet",
        "Il faut revoir la copie avant lundi",
        "Tenemos que revisar la caldera",
        "L'app si è aggiornata, ora la alza di volume da sola",
        "Corrigimos o endereço de entrega",
        "请更新您的收货地址",
        # beside a review, but not a removal
        "J'ai changé d'avis : ce produit mérite 5 étoiles",
        "Take ten dollars off if you leave a review",
        "好评！别发货太慢就行",
    ],
)
def test_look_alikes_of_the_new_removal_words_are_not_removals(text: str) -> None:
    """The generic verbs of the new forms count only beside a review, a rating or stars."""
    assert not [c for c in find_cues(normalize(text)) if c.kind == "removal"]


@pytest.mark.parametrize("text", ["la valuta estera è scesa", "el valor del dólar subió", "rev up the engine"])
def test_look_alikes_of_the_new_review_words_are_not_acts(text: str) -> None:
    assert not [c for c in find_cues(normalize(text)) if c.kind == "review"]


@pytest.mark.parametrize(
    "text", ["Umtausch innerhalb von 30 Tagen", "troca de óleo no sábado", "échange possible en magasin"]
)
def test_exchanging_goods_is_not_a_review_swap(text: str) -> None:
    assert not [c for c in find_cues(normalize(text)) if c.kind == "incentive"]


def test_every_language_has_every_main_kind() -> None:
    for language in LANGUAGES:
        for kind in ("incentive", "review", "exchange", "sentiment", "removal", "reporting"):
            assert LEXICON[language].get(kind), (language, kind)


@pytest.mark.parametrize("language", LANGUAGES)
def test_cue_spans_slice_the_original(language: str) -> None:
    text, _ = EXAMPLES[language]
    for cue in find_cues(text):
        assert text[cue.start : cue.end] == cue.text
        assert cue.kind in CUE_KINDS


def test_disguised_words_are_found_in_their_disguise() -> None:
    text = "FR33 g1ft for your r3v1ew!"
    found = {(c.kind, c.text) for c in find_cues(text)}
    assert ("incentive", "FR33") in found
    assert ("review", "r3v1ew") in found


def test_sentiment_removal_contact_and_reporting() -> None:
    assert {"sentiment"} <= {c.kind for c in find_cues("only 5 stars please")}
    assert "removal" in {c.kind for c in find_cues("we refund you if you delete the review")}
    assert "contact" in {c.kind for c in find_cues("interested? message me on WhatsApp")}
    assert "reporting" in {c.kind for c in find_cues("According to the FTC, the seller was fined")}


def test_tariff_rate_is_not_a_rating() -> None:
    kinds = [c.kind for c in find_cues("std txt rate applies")]
    assert "review" not in kinds


def test_features_have_their_names_and_see_quoted_offers() -> None:
    names = cue_feature_names()
    made = "Si tu enlèves ton avis négatif je te rembourse 15 €"
    quoted = "Le vendeur m'a écrit « si tu enlèves ton avis négatif je te rembourse 15 € ». C'est légal ?"
    for text in (made, quoted):
        n = normalize(text)
        assert len(cue_features(n, find_cues(n))) == len(names)
    feature = dict(zip(names, cue_features(normalize(quoted), find_cues(quoted)), strict=True))
    assert feature["quoted_offer"] == 1.0
    assert feature["count_reporting"] > 0
    plain = dict(zip(names, cue_features(normalize(made), find_cues(made)), strict=True))
    assert plain["quoted_offer"] == 0.0


def test_window_cues_come_from_the_whole_text() -> None:
    """A window's cues are its text's cues inside it, re-based; away from the edges they are
    exactly what finding cues in the window alone gives."""
    from reviewbait.model import make_units, unit_cues

    filler = "We had a lovely week at the lake and the kids swam every day. " * 6
    text = filler + "Leave us a 5-star review on Google and get a free dessert, DM us! " + filler
    normalized = normalize(text)
    units = make_units([normalized])
    assert len(units.units) > 2
    whole = find_cues(normalized)
    per_unit = unit_cues(units, [whole])
    assert per_unit[0] == whole
    found_in_some_window = False
    for unit, (lo, hi), cues in zip(units.units[1:], units.span[1:], per_unit[1:], strict=True):
        for cue in cues:
            assert unit.text[cue.norm_start : cue.norm_end] == normalized.text[cue.norm_start + lo : cue.norm_end + lo]
            assert text[cue.start : cue.end] == cue.text
        inner = {(c.kind, c.norm_start) for c in cues if c.norm_start >= 20 and c.norm_end <= hi - lo - 20}
        alone = {(c.kind, c.norm_start) for c in find_cues(unit) if c.norm_start >= 20 and c.norm_end <= hi - lo - 20}
        assert inner == alone
        found_in_some_window |= any(c.kind == "incentive" for c in cues)
    assert found_in_some_window


def test_cues_are_those_of_every_kinds_pattern() -> None:
    """The cue finder (RE2 supersets, denials, swaps) finds exactly what scanning every kind's
    pattern with Python's engine finds."""
    import numpy as np

    from reviewbait.text.cues import _BESIDE_REVIEW, REMOVAL_REACH, _finder, denied
    from reviewbait.training.augment import obfuscate
    from reviewbait.training.corpus import load_corpus

    finder = _finder()
    texts = load_corpus()["text"].tolist()
    rng = np.random.default_rng(3)
    texts += [obfuscate(t, rng) for t in texts[::3]] + ["bad \ud800 review for a free gift", ""]
    for text in texts:
        normalized = normalize(text)
        every = {
            (k, m.span())
            for k, p in finder.patterns.items()
            for m in p.finditer(normalized.text)
            if k != "incentive" or not denied(normalized.text, m.start(), finder._all_languages(k, m.group()))
        }
        every |= {(c.kind, (c.norm_start, c.norm_end)) for c in finder._swaps(normalized)}
        # removal words that count only within reach of a review act, none overlapping a removal
        acts = [a for k, (a, _) in every if k in ("review", "sentiment")]
        removals = [span for k, span in every if k == "removal"]
        every |= {
            ("removal", m.span())
            for m in _BESIDE_REVIEW.finditer(normalized.text)
            if any(m.start() - REMOVAL_REACH <= a <= m.end() + REMOVAL_REACH for a in acts)
            and not any(a < m.end() and m.start() < b for a, b in removals)
        }
        assert {(c.kind, (c.norm_start, c.norm_end)) for c in find_cues(normalized)} == every


def test_alternatives_of_equal_length_are_in_alphabetical_order_longest_first() -> None:
    from reviewbait.text.cues import factor_alternation

    assert factor_alternation(("rebate", "refund", "re", "bonus", "bon")) == "b(?:onus|on)|r(?:ebate|efund|e)"


def test_the_compiled_lexicon_is_the_same_whatever_the_hash_seed() -> None:
    """Alternation order used to follow set order, so the pattern text changed with PYTHONHASHSEED."""
    import os
    import subprocess
    import sys

    script = "from reviewbait.lexicon import lexicon_text; import sys; sys.stdout.write(lexicon_text())"
    texts = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(texts) == 1


def test_the_words_before_a_swap_word_are_those_of_the_pattern() -> None:
    """_words_before gives _WORDS_BEFORE.search's groups at every position after a word character."""
    import random

    from reviewbait.text.cues import _WORDS_BEFORE, _is_word, _words_before

    rng = random.Random(3)
    parts = [*"ab_1é好 .\n\u0301Ⅻ\u00a0", " ", " x ", "rec", "5"]
    for _ in range(3000):
        # runs of one letter up to 40 long: words longer than 24, and words crossing the reach
        text = "".join(rng.choice(parts) if rng.random() < 0.6 else "w" * rng.randint(1, 40) for _ in range(12))
        for end in range(1, len(text) + 1):
            if _is_word(text[end - 1]):
                match = _WORDS_BEFORE.search(text, max(0, end - 50), end)
                assert _words_before(text, end) == (None if match is None else match.group(1, 2)), (text, end)
