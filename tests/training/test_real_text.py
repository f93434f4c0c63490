"""A flag needs an offer: ordinary posts stay unflagged, real text is read and recorded honestly."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewbait import Detector
from reviewbait.artifact import load_model
from reviewbait.model import OfferRule
from reviewbait.text.cues import LEXICON, find_cues, states_offer
from reviewbait.text.gate import candidate_mask
from reviewbait.text.normalize import normalize
from reviewbait.training.real_text import find_real_corpora, load_real_negatives

# Texts the released 0.2 model scored above `balanced` (issue: "Real text"), each ordinary.
ORDINARY_FROM_THE_ISSUE = [
    "I'm heading to walmart, just leave the keys on the counter and I'll text you later",
    "Selling my old bike on Amazon, link in bio 4412-8890",
    "Super Produkt, 5 Sterne, schnelle Lieferung von Amazon",
    "东西不错，必须给好评，下次还来",
    "穿着很舒服，京东送货快，好评",
    "Download MoneyTap from Play Store and enter my code 7781 to earn Rs 100 instantly",
    "review",
    "Amazon review",
    "Thanks for the review!",
    "code review tomorrow at 10",
    "r e v i e w r e v i e w r e v i e w",
]

# The same patterns in every language: a genuine review naming a platform or giving stars, a
# referral or earn-money message with no review act, a listing or errand naming a shop, thanks
# for a review, a review in another sense.
ORDINARY_BY_LANGUAGE = {
    "en": [
        "Five stars, arrived early from Amazon, my kids love it",
        "Use my referral code KAT55 on Cash App and we both get $5",
        "Picking up the parcel at the Walmart counter, text me when you're home",
        "Thanks so much for the lovely review, see you next summer!",
        "Please review the attached contract before Friday's call",
    ],
    "es": [
        "Cinco estrellas, llegó rápido por Amazon y funciona perfecto",
        "Descarga la app con mi código 4471 y gana 50 pesos al registrarte",
        "Voy al Walmart, deja las llaves en la mesa y luego te escribo",
        "¡Gracias por tu reseña, Marta! Nos alegra que te gustara la paella",
    ],
    "pt": [
        "Produto ótimo, 5 estrelas, chegou antes do prazo pelo Mercado Livre",
        "Baixa o app e usa meu código 8812 pra ganhar R$ 20 de bônus no cadastro",
        "Obrigado pela avaliação, volte sempre!",
        "Vendo bicicleta usada, anúncio no Mercado Livre, chama no zap 11 98765-4321",
    ],
    "de": [
        "Tolles Teil, 5 Sterne, Lieferung über Amazon war super schnell",
        "Mit meinem Code ANNA10 bekommst du 10 € Startguthaben bei der Bank-App",
        "Danke für die nette Bewertung, bis bald im Laden!",
    ],
    "fr": [
        "Cinq étoiles, livré en deux jours par Amazon, rien à redire",
        "Inscris-toi avec mon code parrain LUC20 et gagne 20 € de bonus",
        "Merci pour ton avis, ça nous fait très plaisir !",
    ],
    "it": [
        "Cinque stelle, arrivato in un giorno con Amazon, consigliato",
        "Scarica l'app con il mio codice GIO5 e ricevi 5 euro di bonus",
        "Grazie per la bella recensione, vi aspettiamo presto!",
    ],
    "zh": [
        "宝贝收到了，五星好评，天猫发货真快",
        "用我的邀请码8899注册就送10元红包",
        "谢谢亲的好评，欢迎下次光临",
        "入住的是五星级酒店，早餐很丰富",
    ],
}

# Offers that name no incentive word ordinary text would use, yet state one: the named exceptions.
OFFERS_WITHOUT_A_PRICE = [
    "I'll review yours if you review mine, drop your link",
    "US testers needed for Amazon, DM for details",
    "Produkttester gesucht, Rezension auf Amazon, PN",
    "招募测评 刷单 加微信",
]


@pytest.fixture(scope="module")
def shipped() -> Detector:
    return Detector.load()


@pytest.mark.parametrize("text", ORDINARY_FROM_THE_ISSUE)
def test_issue_texts_are_not_flagged(shipped: Detector, text: str) -> None:
    assert not shipped.check(text).is_solicitation


@pytest.mark.parametrize(
    ("language", "text"), [(lang, t) for lang, texts in ORDINARY_BY_LANGUAGE.items() for t in texts]
)
def test_ordinary_posts_are_not_flagged_in_any_language(shipped: Detector, language: str, text: str) -> None:
    assert not shipped.check(text).is_solicitation, language


def test_a_short_flag_always_names_what_is_offered(shipped: Detector) -> None:
    """The named exception: only a text longer than the rule's limit may be flagged with no
    incentive in its evidence (an offer worded in ways the lexicon lacks)."""
    rule = OfferRule(**shipped.manifest["offer_rule"])
    texts = ORDINARY_FROM_THE_ISSUE + [t for ts in ORDINARY_BY_LANGUAGE.values() for t in ts]
    texts += ["Leave us a 5-star review on Google and get a free dessert", "好评返现5元，截图发客服", "R4R anyone? DM"]
    for text, verdict in zip(texts, shipped.check_many(texts), strict=True):
        if verdict.is_solicitation and len(text.split()) <= rule.max_words:
            assert any(e.kind == "incentive" for e in verdict.evidence), verdict


def test_the_offer_rule_holds_back_short_texts_without_an_incentive_only() -> None:
    rule = OfferRule(max_words=5, factor=0.1)

    def applies(text: str) -> bool:
        return rule.applies(normalize(text), find_cues(text))

    assert applies("Amazon review")
    assert applies("r e v i e w r e v i e w")
    assert not applies("Amazon review = free gift")
    assert not applies("please leave an Amazon review about the blender you bought last week")
    # Chinese has no spaces: one or two characters make a word
    assert applies("东西不错，必须给好评")
    assert not applies("这家店的东西一直都很不错，必须给好评，物流也很快，下次还会再来买")


def test_the_offer_rule_lowers_the_probability_and_keeps_the_ranking(tiny_model_dir: Path) -> None:
    from dataclasses import replace

    model, _ = load_model(tiny_model_dir)
    texts = ["Amazon review", "great review", "Amazon review = free gift"]
    before, _ = replace(model, offer_rule=None).score(texts)
    after, _ = replace(model, offer_rule=OfferRule(max_words=5, factor=0.1)).score(texts)
    assert after[0] == pytest.approx(before[0] * 0.1) and after[1] == pytest.approx(before[1] * 0.1)
    assert after[2] == before[2]


def test_the_offer_rule_per_unit_holds_back_a_window_that_names_nothing_of_value(tiny_model_dir: Path) -> None:
    """A long ordinary text with one offer in its middle: with ``per_unit`` every window
    without an incentive (and a review act) of its own is held back, the window with it is not."""
    from dataclasses import replace

    from reviewbait.model import WINDOW_CHARS, make_units, unit_cues

    model, _ = load_model(tiny_model_dir)
    filler = "the weather was nice and we walked along the river for hours " * 12
    text = filler + " leave a review and win a free gift card today " + filler
    normalized = normalize(text)
    units = make_units([normalized])
    cues = unit_cues(units, [find_cues(normalized)])
    assert len(units.units) > 3 and len(text) > 3 * WINDOW_CHARS
    whole_text_rule = OfferRule(max_words=5, factor=0.1, without_act=True)
    per_unit_rule = replace(whole_text_rule, per_unit=True)
    held = [per_unit_rule.applies(unit, c) for unit, c in zip(units.units, cues, strict=True)]
    assert not held[0]  # the whole text names an incentive
    assert any(held) and not all(held[1:])  # windows without the incentive are held back, others not
    assert not whole_text_rule.applies(normalized, cues[0])

    def best_unit_probabilities(rule: OfferRule) -> float:
        return float(replace(model, offer_rule=rule).score([text])[0][0])

    # the probability is the best unit's: per unit it can only be lower, never higher
    assert best_unit_probabilities(per_unit_rule) <= best_unit_probabilities(whole_text_rule)


@pytest.mark.parametrize(
    "text",
    [
        "We offer no discount for reviews, ever.",
        "Reviews are voluntary: we never give free products for them.",
        "Ich biete dafür bewusst nichts an, keine Proben, keine Rabatte",
        "Rezensionen gern, aber ohne Gutschein.",
        "Sin descuentos por reseñas, solo queremos tu opinión.",
        "Aucun bonus à la clé, on préfère la sincérité",
        "Lasciaci 5 stelle! Non vinci niente, ma ci fai felici",
        "Nessun premio per le recensioni, solo la tua opinione",
        "Avalie a gente: sem brinde, sem desconto, só sinceridade",
        "本店承诺：不以任何优惠换好评",
        "写评价没有任何奖励，实话实说就好",
    ],
)
def test_an_incentive_the_text_denies_is_not_an_incentive(text: str) -> None:
    assert not [c.text for c in find_cues(text) if c.kind == "incentive"]


@pytest.mark.parametrize(
    ("text", "incentive"),
    [
        ("No purchase necessary to win a $50 gift card for your review", "gift card"),
        ("Don't miss your free gift: review us on Google", "gift"),
        ("Post your review link within 3 days of delivery or no refund", "refund"),
        ("no review = no refund, 5 stars only", "refund"),
        ("Cada opinião conta como uma participação no sorteio trimestral", "sorteio"),
        ("Avalia a gente no Google e ganha um pão de queijo", "ganha"),
        ("Wer die App bewertet, bekommt eine Woche ohne Werbung freigeschaltet", "freigeschaltet"),
        ("有没有愿意互相写书评的？你写我的，我写你的", "互相"),
        ("不满意全额退款，好评送礼品", "礼品"),
    ],
)
def test_a_negation_that_does_not_deny_the_incentive_keeps_it(text: str, incentive: str) -> None:
    found = [c.text.lower() for c in find_cues(text) if c.kind == "incentive"]
    assert incentive.lower() in found, found


@pytest.mark.parametrize(
    "text",
    [
        "Thanks so much, this helps us a lot!",
        "Ficaríamos muito gratos por uma avaliação no Booking.",
        "Vale a pena, chegou rápido e bem embalado",
        "La comida bien, pero las bebidas tardaron mucho",
        "Als kleiner Podcast leben wir von euch",
        "Die Preise sind fair und die Lieferung war schnell",
        "Reviews are like gold to a small salon",
        "It still runs on Windows XP and my credit card was charged twice",
        "We won the game on Sunday and they won't stop talking about it",
        "Che bella sorpresa, il pacco è arrivato in anticipo",
        "Buen servicio, el camarero tuvo la cortesía de avisarnos",
    ],
)
def test_ordinary_words_that_look_like_rewards_are_not_incentives(text: str) -> None:
    assert not [c.text for c in find_cues(text) if c.kind == "incentive"]


@pytest.mark.parametrize("text", OFFERS_WITHOUT_A_PRICE)
def test_swaps_and_coded_recruiting_state_an_offer(text: str) -> None:
    assert states_offer(find_cues(text))


@pytest.mark.parametrize(
    "text",
    [
        "Selling my old bike on Amazon, link in bio 4412-8890",
        "I'm heading to walmart, just leave the keys on the counter",
        "Thanks for the review!",
        "Great phone, 5 stars",
        "Use code 7781 to earn Rs 100",
    ],
)
def test_context_alone_states_no_offer(text: str) -> None:
    assert not states_offer(find_cues(text))


def test_platform_names_are_context_not_the_review_act() -> None:
    kinds = {c.text.lower(): c.kind for c in find_cues("Bought it on Amazon, found it on Google Maps, 淘宝也有")}
    assert kinds["amazon"] == "platform"
    assert kinds["淘宝"] == "platform"


def test_spanish_unaccented_review_word_passes_the_gate(shipped: Detector) -> None:
    text = "deja tu resena y te regalamos un cafe"
    assert candidate_mask([text])[0]
    assert shipped.probabilities([text])[0] > 0


def _review_fragments() -> list[tuple[str, str]]:
    return [(lang, fragment) for lang, kinds in LEXICON.items() for fragment in kinds.get("review", ())]


@pytest.mark.parametrize(("language", "fragment"), _review_fragments())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_review_word_of_the_lexicon_passes_the_gate(language: str, fragment: str, data: st.DataObject) -> None:
    word = data.draw(st.from_regex(re.compile(fragment), fullmatch=True))
    assert candidate_mask([f"ok {word} ok"])[0], (language, fragment, word)


def _write_corpus(root: Path, name: str, rows: list[tuple[str, str, str]]) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "language", "platform", "source", "split"])
        for row_id, text, split in rows:
            writer.writerow([row_id, text, "en", "reddit", "test", split])


def test_real_negatives_keep_gate_passing_train_rows_and_record_their_files(tmp_path: Path) -> None:
    _write_corpus(
        tmp_path,
        "tiny_en",
        [
            ("a", "Great hotel, five stars, would book again", "train"),
            ("b", "see you at lunch", "train"),  # no review act: the gate drops it
            ("c", "the review of the budget is due", "dev"),  # dev rows are never read for training
            ("d", "I left a review on Google for the bakery", "train"),
        ],
    )
    (tmp_path / "README.md").write_text(
        "| corpus | l | p | rows | dev | size | licence | source |\n"
        "| [tiny_en](tiny_en/README.md) | en | reddit | 4 | 1 | 1 KB | CC0 | x |\n",
        encoding="utf-8",
    )
    corpora = find_real_corpora(tmp_path)
    frame, used = load_real_negatives(corpora, seed=1)
    assert sorted(frame["text"]) == [
        "Great hotel, five stars, would book again",
        "I left a review on Google for the bakery",
    ]
    assert set(frame["label"]) == {0}
    path = tmp_path / "tiny_en" / "tiny_en.csv"
    assert used == [
        {
            "corpus": "tiny_en",
            "file": "../shared/corpora/real/tiny_en/tiny_en.csv",
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "licence": "CC0",
            "train_rows": 3,
            "gate_passing": 2,
            "rows_used": 2,
        }
    ]
    again, _ = load_real_negatives(corpora, seed=1, max_rows=1)
    assert len(again) == 1 and again["text"].iloc[0] in set(frame["text"])


def test_no_real_corpora_means_an_empty_list(tmp_path: Path) -> None:
    assert find_real_corpora(tmp_path / "absent") == []
