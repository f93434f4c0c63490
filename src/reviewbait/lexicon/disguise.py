"""How evaders disguise words: invisible characters, look-alike letters, emoji and leetspeak.

Data only, read by :mod:`reviewbait.text.normalize` (which undoes the disguises), by
:mod:`reviewbait.text.gate` (which matches key words in disguise) and by
:mod:`reviewbait.training.augment` (which puts disguises on to train against them).
"""

from __future__ import annotations

# Characters that render as nothing (or nearly) and are used to split keywords.
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06"
    "\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f\ufeff\uffa0"
)

# Cyrillic and Greek letters that look like Latin ones (after casefolding).
HOMOGLYPHS = {
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ԁ": "d",
    "һ": "h",
    "ԛ": "q",
    "ԝ": "w",
    "ɡ": "g",
    "ʀ": "r",
    "ᴠ": "v",
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ꜰ": "f",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ǫ": "q",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴡ": "w",
    "ʏ": "y",
    "ᴢ": "z",
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "γ": "y",
    "ϲ": "c",
    "ɑ": "a",
}

# Emoji and symbols that stand for words in solicitations ("5⭐ = 🎁", "📝 → 💸").
EMOJI_WORDS = {
    **dict.fromkeys("⭐🌟★☆✩✪✫✬✭✮✯✰🌠", "star"),
    **dict.fromkeys("🎁🎀", "gift"),
    **dict.fromkeys("💸💵💰💴💶💷💲🤑🪙", "money"),
    "📝": "review",
    "✍": "write",
    "🆓": "free",
    "🧧": "money",  # red envelope (hongbao): cash
    "💳": "card",
    "🎫": "voucher",
    "🎟": "voucher",
    "🏆": "prize",
    "🔁": "swap",
    "🔄": "swap",
    "🧾": "receipt",
    "📸": "screenshot",
    "📷": "screenshot",
}

# Leetspeak substitutes for letters.
LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
    "€": "e",
    "+": "t",
}

# Words that evaders split or mask most; used to rejoin "re-fund" and to fill "R**fund".
KEYWORDS = (
    "review",
    "reviews",
    "refund",
    "refunds",
    "rating",
    "ratings",
    "reward",
    "rewards",
    "paypal",
    "voucher",
    "coupon",
    "discount",
    "amazon",
    "feedback",
    "stars",
    "giftcard",
    "cashback",
    "reimbursement",
    "reimburse",
    "testimonial",
    "trustpilot",
    "google",
    "free",
    "gift",
    "cash",
    "money",
    "reseña",
    "reseñas",
    "reembolso",
    "valoración",
    "avaliação",
    "avaliacao",
    "bewertung",
    "rezension",
    "rückerstattung",
    "gutschein",
    "remboursement",
    "rembourse",
    "recensione",
    "recensioni",
    "rimborso",
    "gratis",
    "commission",
    "giveaway",
    "prize",
)

# Training only (augment): the words disguised, and the disguises put on them.
AUGMENT_TARGETS = (
    r"(?i)\b(?:reviews?|refunds?|free|gifts?|cards?|ratings?|rate|stars?|paypal|cash|money|prize|win|"
    r"coupon|discount|reseñas?|reembolso|gratis|avaliação|bewertung|rezension|erstattung|gutschein|"
    r"remboursée?|avis|cadeau|recensione|rimborso|sconto|premio)\b"
)
AUGMENT_LEET = {"e": "3", "i": "1", "o": "0", "a": "@", "s": "$", "t": "7"}
AUGMENT_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
AUGMENT_EMOJI = {"star": "⭐", "stars": "⭐⭐⭐⭐⭐", "gift": "🎁", "money": "💸", "cash": "💵", "review": "📝"}
