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
