"""Fragments no single language owns: currencies, wallets, platforms, symbols, hashtags.

Data only, composed by :mod:`reviewbait.lexicon`; the logic is in :mod:`reviewbait.text.cues`.
See the package docstring for how fragments are written and how to add a language.
"""

from __future__ import annotations

# Amounts of money in any language: a currency sign or name next to a number.
MONEY = (
    r"(?:us|c|a|r)?[$€£¥₹]\s?\d[\d.,]*k?",
    r"\d[\d.,]*\s?(?:[$€£¥₹]|usd|eur|euros?|dollars?|bucks|reais|pesos|gbp|chf|mxn|brl|rmb|元|块钱?)",
)

# Review swaps ("avis contre avis", "rec x rec", "5 for 5"): the words that link the two sides
# in every language, and the short review words that count as "a review in return".
SWAP_LINKS = r"contre|gegen|for|x|×|✖|per|por|pour|pra|4|↔|<->|⇄|⇆|="
SWAP_WORDS = frozenset({"1", "2", "3", "4", "5", "rec", "rev", "rv", "recs", "revs", "rezi", "follow", "av", "r"})

# Words that deny what follows, per language of the incentive they deny: "no reward", "keine
# Gegenleistung", "sin descuento", "pas de cadeau", "senza premi", "sem brinde", "不以任何优惠换好评".
# An incentive cue that one of them denies (text.cues) is not an incentive: "we offer no
# discount for reviews" offers nothing. Per language, because the same word differs: "no" is
# "not" in English, Spanish and Italian and "in the" in Portuguese ("no sorteio", "no Pix").
# German "nicht" is left out: it follows the verb ("wir zahlen nicht") and opens rhetorical
# questions ("sollen wir uns nicht gegenseitig ..."). ``common`` is for incentives every
# language shares (amounts, percentages): only negators that mean nothing else anywhere.
NEGATORS = {
    "en": r"not|never|without|nothing|none|don't|dont|doesn't|doesnt|didn't|won't|isn't|aren't|cannot|can't",
    "de": r"kein\w*|ohne|niemals|nichts",
    "es": r"sin|ning[uú]n|ninguna|ninguno|nunca|nada",
    "fr": r"pas|sans|aucun|aucune|jamais|rien",
    "it": r"non|senza|nessun|nessuna|nessuno|niente|nulla",
    "pt": r"n[aã]o|sem|nenhum|nenhuma|nunca|nada",
    "common": r"not|never|without|kein\w*|ohne|sin|sans|aucun|aucune|senza|nessun|nessuna|n[aã]o|sem|nenhum|nenhuma",
}
# Short negators that are other words too ("no" is "in the" in Portuguese; "mai" is May):
# at most one word may stand between one of these and the incentive ("no cash reward").
NEGATORS_SHORT = {"en": r"no|nor|zero", "es": r"no|ni", "fr": r"ni", "it": r"mai|n[eé]", "pt": r"nem"}
# The word right after a negator that leaves what follows it standing: "no purchase necessary
# to win", "don't miss your free gift", "no matter your rating, a gift card", "ohne Werbung"
# (ad-free is itself a reward), "nada más recibir el pago" (as soon as it is paid).
NEGATION_EXCEPTIONS = (
    r"matter|purchase|strings|catch|questions?|need|only|just|later|minimum|limit|hassle|problem|worries|risk"
    r"|miss|forget|wait|hesitate|obligation|cost|charge|fees?|extra|ads?|more"
    r"|compra|necesidad|costo|coste|cargo|compromiso|obligaci[oó]n|pierdas|pierdan|olvides|olvide|anuncios|m[aá]s|solo|s[oó]lo"
    r"|frais|manquez|manque|oubliez|ratez|publicit[eé]s?|seulement|plus"
    r"|perdere|perdete|dimenticare|dimenticate|obbligo|impegno|spese|pubblicit[aà]|solo|pi[uù]"
    r"|perca|percam|esque[cç]a|custo|compromisso|obriga[cç][aã]o|an[uú]ncios|publicidade|apenas|mais"
    r"|vergiss|verpflichtung|kosten|werbung|nur|mehr"
)
# A denial right after "or", "=" or an arrow is a condition ("review within 3 days or no
# refund", "no review = no refund"): the incentive is offered, not denied.
CONDITION_WORDS = r"or|ou|o|oder|sinon|sennò|altrimenti|otherwise|else|=|→|->"
# Chinese negators (no spaces): at most four characters may stand between one and the incentive.
NEGATORS_ZH = r"(?<!有)没有|不以|不搞|不提供|不送|不返|不给|绝不|决不|并不|从不|拒绝|无任何|不会"

CUES: dict[str, tuple[str, ...]] = {
    "incentive": (
        # crypto payments
        r"usdt",
        r"usdc",
        r"btc",
        r"crypto",
        # more currencies and wallets; PayPal written as pp
        r"[₱₩₺₽₦฿]\s?\d[\d.,]*k?",
        r"\d[\d.,]*\s?(?:php|inr|ngn|aud|cad)",
        r"rs\.? ?\d[\d.,]*",
        r"g ?cash",
        r"(?:su|x|via|por|on|by|in|sur|per|pelo|na) pp",
        *MONEY,
        r"\${2,}",
        r"[-+]?\d+(?:[.,]\d+)? ?%",
        r"paypal",
        r"venmo",
        r"cash ?app",
        r"zelle",
        r"pix",
        r"gift ?cards?",
        r"money",
        # the same word in every supported language
        r"premium",
        r"vip",
        r"cashback",
        r"skins?",
    ),
    "review": (
        r"star(?: star){2,}",
        r"\d(?:[.,]\d)? ?stars?",
        r"[1-5] ?\*",
        r"\d-stars?",
    ),
    # Where a review is posted: context for a review act, never the act itself
    "platform": (
        r"amazon",
        r"best ?buy",
        r"google(?: maps| reviews?| business| play)?",
        r"yelp",
        r"trip ?advisor",
        r"trust ?pilot",
        r"app ?store",
        r"play ?store",
        r"etsy",
        r"walmart",
        r"ebay",
        r"booking(?:\.com)?",
        r"airbnb",
        r"temu",
        r"aliexpress",
        r"shopee",
        r"mercado ?li(?:bre|vre)",
        r"trusted ?shops",
        r"g2",
        r"capterra",
        r"fiverr",
    ),
    "exchange": (r"→", r"=>", r"->", r"=", r"r4r", r"screenshots?", r"ss"),
    "sentiment": (r"5 ?\*", r"5 ?stars?", r"star star star star star", r"5/5", r"10/10"),
    "removal": (r"(?:1|2) ?stars?", r"1 ?\*"),
    "contact": (r"whats ?app", r"telegram", r"t\.me/\S+", r"wechat", r"signal", r"discord", r"\+?\d[\d -]{8,}\d"),
    "reporting": (r"ftc", r"cma", r"16 cfr", r"dmcc"),
    "disclosure": (r"#ad", r"#gifted", r"#sponsored", r"#publi", r"#werbung", r"#anzeige"),
}

# kind → sentences with a cue of that kind in this language (tests/lexicon/ runs each one)
EXAMPLES: dict[str, tuple[str, ...]] = {
    "incentive": ("Leave a review and get paid via PayPal", "5 stars on the app = $10 back"),
    "review": ("Rate us 5 stars please", "Give us a 4 * rating"),
    "platform": ("Post your review on Trustpilot", "Review us on Google Maps"),
    "contact": ("For the refund after your review, message me on WhatsApp",),
    "disclosure": ("Got this for free, here is my honest review #gifted",),
    "exchange": ("Review swap, r4r anyone? 5 stars each",),
    "reporting": ("The FTC fined the seller for buying fake reviews",),
}
