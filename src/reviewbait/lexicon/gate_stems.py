"""The gate's stems: words that name a review act, a removal or something of value, in every language.

Data only; the logic (one RE2 program over a batch) is in :mod:`reviewbait.text.gate`. The
stems of all languages are one alternation each, in the order the shipped model's lexicon
fingerprint records (reordering them changes the fingerprint, and the model then asks to be
retrained), so the first seven languages' stems are kept together here. A language added
later writes its stems in its own module (``GATE_STEMS``), which
:func:`reviewbait.text.gate.stems` appends after these.
"""

from __future__ import annotations

REVIEW_STEMS = (
    r"revi|reveiw|rewiew|rev[ií]ew|r[e3]v\w?w|\br[e3]vs?\b|rvw|ratin|\brate|stars?\b|⭐|★|☆|🌟|✰|📝|✍"
    r"|feedback|testimon|tester|testeu|probador|testador|avaliador|rese[nñ]ador|r4r|\br ?4 ?r\b|\brv\b|\bav\b|\breco\b|\b5s\b"
    r"|amazon|amz|yelp|google|g-?maps|tripadvisor|trustpilot|app ?store|play ?store|etsy|best ?buy"
    r"|walmart|ebay|booking|airbnb|temu|aliexpress|shopee|mercado|fiverr|capterra|\bg2\b|goodreads"
    r"|ifood|holidaycheck|pagesjaunes|depop|vinted|steam|product hunt|web store|glassdoor|zillow"
    r"|[1-5] ?\*|\*{3,}|write[- ]?ups?|recommendation|recomendaci"
    r"|reseñ|\bresen|opini|valor|califica|estrella|puntua"
    r"|avali|resenha|estrel|coment|comment|\bnota\b|reclame|qualifi"
    r"|bewert|rezens|rezi|stern|erfahrungsb|kundenmeinung"
    r"|\bavis\b|évalu|éval|\beval|étoile|etoile|\bn[o0]t(?:e|es|er|ez|age)\b|témoign|critique|recommandation"
    r"|\bc[o0]mm(?:'|\b|ent)|\bcom'|senscritique|allocin|booknode|\bmalt\b|kundenst|\bcrítica|calific|\bstella\b|change it to \d"
    r"|\br[e3]ce\b|stellin|estrellit|vivino|thefork|zomato|falabella|\b5 ?(?:for|4) ?5\b|互测|互评"
    r"|recensi|valut|stelle|voto\b|giudizi"
    r"|calif[ií]c|califiqu|valór|\bopin[aáe]|votaci|votateci|votatemi"
    r"|评|星|晒|打分|口碑|淘宝|京东|美团|拼多多|天猫|小红书|闲鱼|刷单|刷手|招募"
    # the German comment ("Kommi") and "rvs" for reviews (traditional Chinese forms of the
    # Chinese stems are added by text.gate.with_traditional)
    r"|kommentar|\bkommi\b|\brvs\b"
)

# Key words evaders disguise, matched letter by letter with substitutes and separators.
DISGUISED_REVIEW = (
    "review",
    "revs",
    "rating",
    "feedback",
    "opini",
    "reseña",
    "avalia",
    "bewertung",
    "rezension",
    "recens",
    "avis",
    "google",
    "rezi",
    "tester",
    "remove",
    "commentaire",
)

# A suppression offer may name no review word at all ("refund u now if u delete"): such
# texts pass when they name a removal AND something of value.
REMOVAL_STEMS = (
    r"delet|remov|rem0v|take (?:it|that|this) (?:down|off)|supprim|togli|retir|borr[aáeé]|quit[aáeé]|lösch"
    r"|entfern|删|撤"
    # round 20: a post taken down, made to disappear or wiped, as people write it
    r"|taken down|take (?:\S+ ){1,3}down|disappear|dispara[iî]|desaparec|verschwind|sparisc|sparir|effac|apag"
    r"|weg ?mach|mach\w* (?:\S+ ){0,4}weg\b|runter ?nehm|runter ?nimm|raus ?nehm|raus ?nimm"
)
VALUE_STEMS = (
    r"refund|re-?fund|money|cash|free|fr33|gift|voucher|coupon|credit|pay|\$|€|£|¥|₹|back|give|rends|ridò"
    r"|soldi|dinero|dinheiro|geld|argent|reembols|rembours|rimbors|erstatt|gratis|gratuit|退|返|钱|元"
    # round 20: presents, discounts, deposits, "on the house" and payment apps
    r"|cadeau|offert|regal|omaggi|geschenk|免费|discount|descuent|\bdto\b|desconto|rabatt|remise|sconto"
    r"|deposit|kaution|fianza|cauç|cauzione|押金|on the house|de la casa|da casa|de mi cuenta|aufs haus"
    r"|no charge|sin cargo|sem cobrar|kostenlos|umsonst|paypal|\bpix\b|bizum|venmo|zelle|satispay|twint"
)
