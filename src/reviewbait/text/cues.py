"""Interpretable signals of review solicitation, per language, with evidence spans.

A solicitation joins an *incentive* to a *review act* through an *exchange*
(``../LABELING.md``). The cue finder looks for each part, plus the signals that sharpen or
argue against a flag: a sentiment condition ("5 stars", "好评"), removal or editing of a
review, off-platform contact, a reporting or news voice, and an incentive disclosure.
Patterns run on normalized text (see :mod:`reviewbait.text.normalize`) and every hit is mapped
back to the original text, so a moderator sees the words that were actually written.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass

import re2

from reviewbait.text.normalize import NormalizedText, normalize

__all__ = [
    "ACT_KINDS",
    "CUE_KINDS",
    "LANGUAGES",
    "Cue",
    "CueFinder",
    "cue_feature_names",
    "cue_features",
    "factor_alternation",
    "find_cues",
    "states_offer",
]

CUE_KINDS = (
    "incentive",
    "review",
    "platform",
    "exchange",
    "sentiment",
    "removal",
    "contact",
    "reporting",
    "disclosure",
)
LANGUAGES = ("en", "es", "de", "fr", "pt", "it", "zh")

_MONEY = (
    r"(?:us|c|a|r)?[$€£¥₹]\s?\d[\d.,]*k?",
    r"\d[\d.,]*\s?(?:[$€£¥₹]|usd|eur|euros?|dollars?|bucks|reais|pesos|gbp|chf|mxn|brl|rmb|元|块钱?)",
)

# Fragments are regular expressions over casefolded, normalized text. Latin-script
# fragments are wrapped in word boundaries; Chinese ones are not (no spaces in Chinese).
LEXICON: dict[str, dict[str, tuple[str, ...]]] = {
    "common": {
        "incentive": (
            # crypto payments
            r"usdt|usdc|btc|eth|crypto",
            # more currencies and wallets; PayPal written as pp
            r"[₱₩₺₽₦฿]\s?\d[\d.,]*",
            r"\d[\d.,]*\s?(?:php|inr|ngn|aud|cad)",
            r"rs\.? ?\d[\d.,]*",
            r"g ?cash",
            r"(?:su|x|via|por|on|by|in|sur|per|pelo|na) pp",
            *_MONEY,
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
    },
    "en": {
        "incentive": (
            # cover costs, subscriptions, swaps
            r"we(?:'ll| will)? cover",
            r"\d+ months? of (?:plus|pro|premium)",
            r"i do (?:urs|yours)",
            r"do the same",
            # reviews sold or bought; contest entries
            r"(?:selling|sell|buy|buying|purchase|order) (?:\w+ ){0,2}(?:reviews|ratings)",
            r"(?:reviews|ratings) for sale",
            r"\d+ entr(?:y|ies)",
            r"(?:an |one |extra |bonus )entr(?:y|ies)",
            r"in the (?:hat|draw)",
            r"fr after rev",
            # in-app rewards, swaps as people write them, shipping
            r"hints?",
            r"lives",
            r"gold(?: coins| bars| bricks)?",
            r"(?:you|u) review mine",
            r"review (?:mine|each other)",
            r"(?:you|u) do the same(?: back)?",
            r"l4l",
            r"free (?:shipping|delivery)",
            # recruiting reviewers or testers: the reward (product, refund, pay) is implied
            r"(?:testers?|reviewers?) (?:needed|wanted|required)",
            r"(?:product|amazon|us|uk) (?:testers?|reviewers?) (?:needed|wanted|required)",
            r"(?:looking for|seeking|recruiting|hiring|need) (?:\w+ ){0,2}(?:testers|reviewers|review writers)",
            r"review (?:writers?|jobs?|tasks?|gigs?)",
            r"chances? (?:to|of) win(?:ning)?",
            r"win(?:s|ning|ner|ners)?",
            r"won",
            r"prizes?",
            r"giveaways?",
            r"give ?away",
            r"sweepstakes?",
            r"raffles?",
            r"(?:prize |lucky )?draws?",
            r"free(?:bies?)?",
            r"gifts?",
            r"e-?gifts?",
            r"vouchers?",
            r"coupons?",
            r"(?:promo|discount|coupon) codes?",
            r"discounts?",
            r"\d+ ?% ?off",
            r"off your next",
            r"refund\w*",
            r"reimburse(?:d|ment|ments)?",
            r"money back",
            r"cash ?back",
            r"cash",
            r"paid",
            r"pay(?:s|ing|out|outs)?",
            r"payments?",
            r"commissions?",
            r"rewards?",
            r"points?",
            r"coins?",
            r"gems?",
            r"credits?",
            r"bonus(?:es)?",
            r"upgrades?",
            r"(?:extended )?warranty",
            r"complimentary",
            r"on the house",
            r"desserts?",
            r"drinks?",
            r"compensat(?:e|ed|ion)",
            r"perks?",
            r"unlock(?:s|ed)?",
            r"samples?",
            r"(?:i'?ll|i will|we'?ll) review (?:yours|your)",
            r"review (?:yours|back)",
            r"return the favou?r",
            r"review swaps?",
            r"swaps?",
            r"mutual",
            r"each other'?s?",
            r"bucks",
            r"salary",
            r"earn(?:ing|ings)?",
            r"per (?:review|rating|task)",
            r"on us",
            r"half[- ]price",
            r"half off",
            r"2[- ]for[- ]1",
            r"two[- ]for[- ]one",
            r"bogo",
            r"lifetime (?:access|pro|premium|licen[cs]e|deal)",
            r"pro (?:version|key|keys|plan|account|licen[cs]e|features?|tier)",
            r"(?:licen[cs]e|activation|product) keys?",
            r"stamps?",
            r"loyalty card",
            r"xp",
            r"extra lives",
            r"booster(?: packs?)?",
            r"ad[- ]free",
            r"(?:remove|no) ads",
            r"early access",
            r"store credit",
            r"donat(?:e|es|ion|ions)",
            r"scratch[- ]?(?:off|card)s?",
            r"lottery tickets?",
            r"tokens?",
            r"diamonds?",
            r"treat(?:s)? you",
            r"(?:review|rating|star)s? (?:trade|trades|exchange|exchanges|swap|swaps|for (?:review|rating|star)s?)",
            r"(?:trade|trading|exchange|exchanging|swap|swapping) (?:\w+ )?(?:reviews|ratings|stars)",
            r"(?:you|u) do mine",
            r"rate mine",
            r"(?:review|rate) (?:you|u) back",
            r"review 4 review",
            r"r4r",
            r"star for star",
            r"everyone reviews everyone",
        ),
        "review": (
            # a recruiting call names the act too (testing, reviewing, 刷单)
            r"(?:testers?|reviewers?) (?:needed|wanted|required)",
            r"(?:product|amazon|us|uk) (?:testers?|reviewers?) (?:needed|wanted|required)",
            r"(?:looking for|seeking|recruiting|hiring|need) (?:\w+ ){0,2}(?:testers|reviewers|review writers)",
            r"review (?:writers?|jobs?|tasks?|gigs?)",
            r"reviews?",
            r"reviewed",
            r"reviewing",
            r"reviewers?",
            # "rate" as a rating, not a tariff or ratio ("std txt rate", "exchange rate")
            r"(?<!txt )(?<!text )(?<!std )(?<!standard )(?<!national )(?<!exchange )(?<!interest )(?<!tax )"
            r"(?<!flat )(?<!hourly )(?<!daily )(?<!heart )(?<!success )(?<!conversion )(?<!birth )(?<!call )"
            r"rat(?:e|es|ed|ing|ings)",
            r"(?:five|four|one|two|three)[- ]?stars?",
            r"star ratings?",
            r"testimonials?",
            r"feedback",
            r"write[- ]?ups?",
            r"r4r",
            r"recommendations?",
        ),
        "exchange": (
            r"in exchange (?:for|of)",
            r"in return(?: for)?",
            r"for a chance",
            r"to (?:enter|win)",
            r"entr(?:y|ies)",
            r"enter(?:ed)?",
            r"when you",
            r"once you",
            r"once (?:the|your) review",
            r"after (?:you |your |the |a )?(?:\w+ )?(?:review|rating|feedback)",
            r"send (?:us|me) (?:a |the |your )?(?:screenshot|link|proof|profile)",
            r"proof",
            r"to claim",
            r"claim(?:ed)?",
            r"to receive",
            r"to get",
            r"(?:you|u)(?:'ll| will)? (?:get|receive|earn)",
            r"(?:we|i)(?:'ll| will| can) (?:send|refund|give|pay|reimburse|ship|mail|leave|review|do)",
            r"for (?:every|each|any) (?:\w+ )?(?:review|rating)",
            r"for (?:your|a|an|leaving|writing|posting|giving|the) (?:\w+ )?(?:review|rating|stars?)",
            r"for (?:leaving|writing|posting|giving)",
            r"if you",
            r"qualif(?:y|ies|ied)",
            r"in order to",
            r"upon",
            r"swap",
            r"exchange",
            r"review for review",
            r"sub for sub",
            r"just (?:leave|write|post)",
            r"all you (?:have|need) to do",
        ),
        "sentiment": (
            r"five[- ]?stars?",
            r"positive (?:review|rating|feedback)s?",
            r"good (?:review|rating|feedback)s?",
            r"great (?:review|rating)s?",
            r"glowing",
            r"happy with",
            r"satisfied",
            r"full stars?",
            r"top rating",
            r"highest rating",
            r"only if you (?:love|like)",
        ),
        "removal": (
            r"(?:delete|remove|take down|take off|edit|update|change|revise|retract|withdraw|amend|modify)(?:s|d|ing)?",
            r"change it to",
            r"bump (?:it )?up",
            r"(?:delete|remove|take down|edit|update|change|revise|retract|withdraw|amend|modify)(?:s|d|ing)?"
            r" (?:\w+ ){0,3}(?:review|rating|feedback|comment)s?",
            r"(?:one|two)[- ]?stars?",
            r"negative (?:review|rating|feedback)s?",
            r"bad (?:review|rating)s?",
            r"take (?:it|that|this) down",
            r"taken down",
            r"remove it",
            r"delete it",
        ),
        "contact": (
            r"dm",
            r"d\.m",
            r"pm",
            r"inbox",
            r"(?:message|msg|text|email|ping) me",
            r"hmu",
            r"contact (?:me|us)",
            r"dm me",
            r"reach out",
            r"link in bio",
        ),
        "reporting": (
            r"is (?:this|that|it) (?:legal|allowed|legit)",
            r"(?:they|he|she|the seller|the owner) (?:offered|said|wrote|messaged|texted|asked)",
            r"reported",
            r"report(?:ing|s)?",
            r"according to",
            r"said",
            r"says",
            r"regulators?",
            r"fined?",
            r"fines",
            r"lawsuits?",
            r"sued",
            r"polic(?:y|ies)",
            r"prohibit(?:s|ed)?",
            r"bann?ed",
            r"against (?:the )?(?:rules|tos|terms|policy)",
            r"violat(?:e|es|ed|ion|ing)",
            r"scam(?:s|mer|mers|my)?",
            r"beware",
            r"warning",
            r"offered me",
            r"asked me to",
            r"tried to",
            r"illegal",
            r"unlawful",
            r"stud(?:y|ies)",
            r"research(?:ers)?",
            r"article",
            r"news",
            r"journalists?",
            r"investigation",
            r"spokes(?:person|man|woman)",
            r"complain(?:t|ts|ed)?",
            r"psa",
            r"flagged",
            r"is this legit",
            r"anyone else",
            r"they offered",
            r"fake reviews?",
            r"incentivi[sz]ed",
            r"consumers?",
            r"rule",
        ),
        "disclosure": (
            r"(?:i )?received (?:this|it|the product)(?: \w+){0,3} (?:for free|free|at no cost|complimentary)",
            r"(?:in exchange|in return) for (?:my|an|this) (?:honest|unbiased)",
            r"honest (?:review|opinion)",
            r"unbiased (?:review|opinion)",
            r"vine",
            r"gifted",
            r"sponsored",
            r"not paid",
            r"my own opinions?",
            r"opinions are my own",
        ),
    },
    "es": {
        "incentive": (
            # payment apps
            r"bizum",
            # reviews sold or bought; contest entries
            r"(?:vendo|vendemos|compro|compramos|comprar) (?:\w+ ){0,2}(?:rese[nñ]as|valoraciones|opiniones)",
            r"participaci[oó]n(?:es)?",
            # swaps, refunds, unlocks, shipping
            r"mutuamente",
            r"devuelvo",
            r"desbloquea(?:r|s)?",
            r"sin gastos de env[ií]o",
            r"env[ií]o gratis",
            r"te lo mando gratis",
            # recruiting reviewers or testers: the reward (product, refund, pay) is implied
            r"(?:buscamos|busco|se buscan|necesito|necesitamos) (?:\w+ ){0,2}(?:testers|probadores|rese[nñ]adores|rese[nñ]istas)",
            r"(?:testers|probadores) (?:para amazon|se buscan)",
            r"sorteos?",
            r"sorteamos",
            r"gana(?:r|s|dor|dores)?",
            r"ganá",
            r"premios?",
            r"gratis",
            r"gratuit[oa]s?",
            r"regal(?:o|os|amos|a)",
            r"tarjetas? regalo",
            r"cup[oó]n(?:es)?",
            r"c[oó]digos? de descuento",
            r"descuentos?",
            r"\d+ ?% de descuento",
            r"reembols\w*",
            r"devol(?:vemos|ución|verte)",
            r"te devuelvo",
            r"dinero",
            r"pagos?",
            r"pagamos",
            r"te pago",
            r"comisi[oó]n(?:es)?",
            r"puntos",
            r"monedas",
            r"vales?",
            r"bonos?",
            r"recompensas?",
            r"postres?",
            r"bebidas?",
            r"muestras?",
            r"por nuestra cuenta",
            r"por (?:cuenta de )?la casa",
            r"invita(?:mos|ción)",
            r"te (?:lo |la )?invitamos",
            r"cortes[ií]a",
            r"de regalo",
            r"obsequi(?:o|os|amos)",
            r"(?:a )?mitad de precio",
            r"medio precio",
            r"2 ?x ?1",
            r"gemas",
            r"diamantes",
            r"vidas",
            r"garant[ií]a",
            r"sellos?",
            r"portes",
            r"saldo",
            r"acceso anticipado",
            r"ronda",
            r"rv ?x ?rv",
            r"rese[ñn]a (?:x|por) rese[ñn]a",
            r"intercambi\w* (?:de )?(?:rese[ñn]as|valoraciones|opiniones|estrellas)",
            r"me devuelves",
            r"mutu[oa]s?",
            r"cadena de (?:likes|rese[ñn]as)",
        ),
        "review": (
            # a recruiting call names the act too (testing, reviewing, 刷单)
            r"(?:buscamos|busco|se buscan|necesito|necesitamos) (?:\w+ ){0,2}(?:testers|probadores|rese[nñ]adores|rese[nñ]istas)",
            r"(?:testers|probadores) (?:para amazon|se buscan)",
            r"reseñas?",
            r"resenas?",
            r"opini[oó]n(?:es)?",
            r"valoraci[oó]n(?:es)?",
            r"valor(?:a|ar|anos|as|en)",
            r"calificaci[oó]n(?:es)?",
            r"califica(?:r|nos)?",
            r"estrell(?:it)?as?",
            r"comentarios?",
            r"puntuaci[oó]n",
            r"recomendaci[oó]n",
        ),
        "exchange": (
            r"a cambio de",
            r"por (?:dejar|escribir|publicar|tu|su|cada)",
            r"al dejar",
            r"(?:tras|después de|despues de|luego de) (?:la |tu |su |dejar |recibir )?(?:la )?(?:reseña|valoración|opinión|compra)",
            r"para participar",
            r"capturas?(?: de pantalla)?",
            r"pantallazo",
            r"env[ií]a(?:nos|me)?",
            r"m[aá]nda(?:nos|me)",
            r"te (?:devolvemos|reembolsamos|enviamos|regalamos|damos|pago)",
            r"recibir[aá]s",
            r"recibe",
            r"obt[eé]n",
            r"consigue",
            r"reseña por reseña",
            r"intercambio",
            r"mutuo",
        ),
        "sentiment": (
            r"(?:5|cinco) estrellas",
            r"reseñas? positivas?",
            r"opini[oó]n(?:es)? positivas?",
            r"buena (?:reseña|valoración|opinión|calificación)",
            r"valoraci[oó]n positiva",
        ),
        "removal": (
            r"borr(?:a|ar|as|ás)",
            r"quit(?:a|ar|as|ás)",
            r"elimin(?:a|ar|as)",
            r"cambi(?:a|ar|as|ás)",
            r"modific(?:a|ar)",
            r"edit(?:a|ar)",
            r"retir(?:a|ar)",
            r"sub(?:e|ir) (?:la|tu) (?:nota|valoración|calificación)",
            r"(?:eliminar|borrar|quitar|cambiar|modificar|editar|retirar)(?:la|lo)? (?:la |tu |su |esa )?(?:reseña|valoración|opinión|calificación|comentario)",
            r"reseñas? negativas?",
            r"(?:1|una) estrella",
            r"mala (?:reseña|valoración)",
        ),
        "contact": (r"md", r"mp", r"(?:por |al )privado", r"escr[ií]beme", r"wasap", r"inbox"),
        "reporting": (
            r"(?:es|esto es) legal",
            r"me (?:escribi[oó]|dijo|pidi[oó])",
            r"denunci",
            r"prohibid[oa]s?",
            r"denunci(?:a|ó|ar|é|aron)",
            r"seg[uú]n",
            r"multad?as?",
            r"sanci[oó]n",
            r"estafas?",
            r"ojo con",
            r"me ofreci(?:eron|ó)",
            r"ilegal",
            r"informe",
            r"profeco",
            r"noticias?",
            r"cuidado",
        ),
        "disclosure": (
            r"(?:me|nos) (?:lo |la )?(?:regalaron|enviaron|mandaron)",
            r"opini[oó]n (?:honesta|sincera)",
            r"reseña (?:honesta|sincera)",
            r"colaboraci[oó]n",
        ),
    },
    "pt": {
        "incentive": (
            # review swaps
            r"troc(?:o|amos|ar) (?:\w+ )?avalia[cç][aã]o",
            # reviews sold or bought
            r"(?:vendo|vendemos|compro|compramos|comprar) (?:\w+ ){0,2}(?:avalia[cç][oõ]es|coment[aá]rios)",
            # coins, shipping, refunds, swaps
            r"moedas?",
            r"frete gr[aá]tis",
            r"devolvo",
            r"mutuamente",
            # recruiting reviewers or testers: the reward (product, refund, pay) is implied
            r"(?:procuro|procuramos|precis(?:o|amos) de) (?:\w+ ){0,2}(?:testadores|avaliadores|testers)",
            r"(?:testadores|avaliadores) (?:para|procurados)",
            r"sorteios?",
            r"sorteamos",
            r"ganh(?:e|ar|ou|ador|adores|a)",
            r"pr[eêé]mios?",
            r"gr[aá]tis",
            r"gratuit[oa]s?",
            r"brindes?",
            r"presentes?",
            r"vale[- ]presente",
            r"cupo(?:m|ns)",
            r"cupão",
            r"descontos?",
            r"reembols\w*",
            r"devolvemos",
            r"dinheiro",
            r"pagamentos?",
            r"pagamos",
            r"comiss(?:ão|ões)",
            r"pontos",
            r"moedas",
            r"recompensas?",
            r"por nossa conta",
            r"por conta da casa",
            r"cortesia",
            r"de gra[çc]a",
            r"na faixa",
            r"metade do pre[çc]o",
            r"pela metade",
            r"diamantes",
            r"gemas",
            r"vidas",
            r"ba[uú]s",
            r"garantia",
            r"carimbos?",
            r"mimos?",
            r"vouchers?",
            r"vales?",
            r"oferecemos",
            r"sobremesas?",
            r"bebidas?",
            r"saldo",
            r"cr[eé]ditos?",
            r"b[oô]nus",
            r"a ?x ?a",
            r"trocar? (?:de )?(?:avalia\w*|qualifica\w*|resenhas?|estrelas)",
            r"devolvo",
            r"devolve",
            r"corrente de avalia\w*",
            r"m[uú]tu[oa]s?",
        ),
        "review": (
            # a recruiting call names the act too (testing, reviewing, 刷单)
            r"(?:procuro|procuramos|precis(?:o|amos) de) (?:\w+ ){0,2}(?:testadores|avaliadores|testers)",
            r"(?:testadores|avaliadores) (?:para|procurados)",
            r"avalia(?:ção|ções|r|cao)",
            r"avali(?:e|ou|em|a)",
            r"resenhas?",
            r"coment[aá]rios?",
            r"estrel(?:inh)?as?",
            r"qualifica(?:ção|ções|cao)",
            r"nota (?:5|máxima|10|alta)",
        ),
        "platform": (r"reclame aqui",),
        "exchange": (
            r"em troca de",
            r"por (?:avaliar|cada avaliação|sua avaliação|deixar)",
            r"(?:após|apos|depois d[aeo]) (?:a |sua )?(?:avaliação|compra)",
            r"prints?",
            r"para participar",
            r"mand(?:a|e) (?:o )?print",
            r"envie",
            r"voc[eê] recebe",
            r"receba",
            r"a cada",
            r"trocas?",
        ),
        "sentiment": (
            r"(?:5|cinco) estrelas",
            r"avalia(?:ção|ções) positivas?",
            r"nota máxima",
            r"nota 5",
            r"boa avaliação",
        ),
        "removal": (
            r"apag(?:a|ar|ue)",
            r"exclu(?:i|ir|a)",
            r"remov(?:e|er|a)",
            r"retir(?:e|a|ar)",
            r"tir(?:a|ar|e)",
            r"alter(?:a|ar|e)",
            r"mud(?:a|ar|e)",
            r"edit(?:a|ar|e)",
            r"(?:apagar|excluir|remover|alterar|mudar|editar|retirar|tirar)(?: a| sua| essa)? (?:avaliação|reclamação|comentário|nota)",
            r"avalia(?:ção|ções) negativas?",
            r"(?:1|uma) estrela",
        ),
        "contact": (r"pv", r"chama no (?:pv|direct|whats|zap)", r"direct", r"inbox", r"zap"),
        "reporting": (
            r"[eé] legal",
            r"me (?:mandou|escreveu|disse|pediu)",
            r"proibid[oa]s?",
            r"den[uú]ncias?",
            r"segundo",
            r"multas?",
            r"procon",
            r"golpes?",
            r"reportagem",
            r"cuidado",
            r"me ofereceram",
            r"ilegal",
            r"senacon",
            r"not[ií]cias?",
        ),
        "disclosure": (
            r"recebi (?:o produto |este produto |esse produto )?(?:de graça|gratuitamente|grátis)",
            r"opinião sincera",
            r"avaliação sincera",
            r"parceria",
            r"recebido",
        ),
    },
    "de": {
        "incentive": (
            # money back, swaps, vouchers in Swiss German
            r"geld (?:kommt )?(?:\w+ ){0,3}zur[uü]ck",
            r"du meins",
            r"gutsch(?:ii|ein|eine|eins|i)",
            # reviews sold or bought; review swaps
            r"(?:verkaufe|verkaufen|kaufe|kaufen) (?:\w+ ){0,2}(?:bewertungen|rezensionen)",
            r"(?:bewertungen|rezensionen) kaufen",
            r"(?:rezi|rezensions?|bewertungs?)-?tausch",
            # in-app rewards, shipping, swaps
            r"münzen",
            r"leben",
            r"versandkostenfrei",
            r"gegenseitig",
            # recruiting reviewers or testers: the reward (product, refund, pay) is implied
            r"(?:produkt)?tester(?:innen)? gesucht",
            r"(?:suche|suchen) (?:\w+ ){0,2}(?:produkt)?tester(?:innen)?",
            r"rezensent(?:en|innen) gesucht",
            r"gewinnspiele?",
            r"gewinn(?:e|en|t|er)?",
            r"verlos(?:ung|en|t)",
            r"preise?",
            r"gratis",
            r"kostenlos(?:e|en)?",
            r"umsonst",
            r"geschenke?",
            r"gutschein(?:e|en|code)?",
            r"(?:einkaufs|waren|geschenk|amazon|rabatt|wert)gutschein(?:e|en)?",
            r"rabatt(?:code)?",
            r"(?:sofort|extra|treue|sonder)rabatt",
            r"rückerstattung",
            r"(?:zurück)?erstatt(?:ung|en|et)",
            r"geld zurück",
            r"bezahl(?:ung|t|en)",
            r"provision",
            r"punkte",
            r"(?:bonus|treue|prämien|extra|sammel)punkte",
            r"münzen",
            r"prämien?",
            r"belohnung",
            r"vergütung",
            r"\d+ ?% rabatt",
            r"aufs haus",
            r"auf's haus",
            r"geht auf uns",
            r"gehen auf uns",
            r"spendier(?:en|t|e|n)",
            r"(?:zum )?halben preis",
            r"geschenkt",
            r"schenk(?:en|t|e)",
            r"garantie\w*",
            r"stempel",
            r"pro-version",
            r"freischalt\w*",
            r"freigeschaltet",
            r"diamanten",
            r"edelsteine",
            r"guthaben",
            r"gutschrift",
            r"bonus\w*",
            r"nachtisch",
            r"dessert",
            r"getränke?",
            r"proben?",
            r"versandkostenfrei",
            r"portofrei",
            r"gegenseitig\w*",
            r"bewertungstausch\w*",
            r"(?:rezi|bewertung|sterne?)[- ](?:für|gegen)[- ](?:rezi|bewertung|sterne?)",
            r"(?:rezi|sterne)tausch",
            r"tauschen (?:wir )?(?:bewertungen|rezis|sterne)",
            r"\d gegen \d",
        ),
        "review": (
            # a recruiting call names the act too (testing, reviewing, 刷单)
            r"(?:produkt)?tester(?:innen)? gesucht",
            r"(?:suche|suchen) (?:\w+ ){0,2}(?:produkt)?tester(?:innen)?",
            r"rezensent(?:en|innen) gesucht",
            r"bewertung(?:en)?",
            r"(?:produkt|händler|kunden|shop|sterne|online|google|amazon)bewertung(?:en)?",
            r"bewert(?:e|en|et)",
            r"rezension(?:en)?",
            r"(?:kunden|produkt|buch|amazon)rezension(?:en)?",
            r"rezis?",
            r"rezensier(?:en|t)",
            r"sternen?",
            r"erfahrungsbericht",
            r"kundenmeinung",
        ),
        "exchange": (
            r"im austausch",
            r"gegen (?:eine |ihre |deine )?(?:bewertung|rezension)",
            r"für (?:eine|ihre|deine|jede) (?:\w+ )?(?:bewertung|rezension)",
            r"nach (?:der |ihrer |deiner |erfolgter )?(?:bewertung|rezension)",
            r"um teilzunehmen",
            r"pro (?:bewertung|rezension)",
            r"erhalten sie",
            r"erhältst du",
            r"bekommst du",
            r"bekommen sie",
            r"wir erstatten",
            r"schicken sie uns",
            r"schick uns",
            r"tausch",
            r"gegenseitig",
        ),
        "sentiment": (
            r"(?:5|fünf)[- ]?sterne",
            r"positive (?:bewertung|rezension)(?:en)?",
            r"gute (?:bewertung|rezension)(?:en)?",
        ),
        "removal": (
            r"lösch(?:e|en|t|st)?",
            r"entfern(?:e|en|t|st)?",
            r"änder(?:e|n|t|st)?",
            r"raus(?:nehmen|nimmst)",
            r"zurückzieh(?:en|st)?",
            r"anpass(?:en|t)",
            r"(?:bewertung|rezension) (?:zu )?(?:löschen|entfernen|ändern|anpassen|zurückziehen|überarbeiten)",
            r"(?:löschen|entfernen|ändern) sie (?:bitte )?(?:ihre|die) (?:bewertung|rezension)",
            r"negative (?:bewertung|rezension)(?:en)?",
            r"(?:1|ein)[- ]stern",
        ),
        "contact": (r"pn", r"schreib(?:t)? mir", r"privatnachricht"),
        "reporting": (
            r"(?:ist das|ist sowas) (?:erlaubt|legal)",
            r"(?:hat mir|schrieb mir|schreibt mir)",
            r"unzulässig",
            r"laut",
            r"bericht(?:et|en)",
            r"abmahnung",
            r"verbraucherzentrale",
            r"bussgeld",
            r"urteil",
            r"betrug",
            r"vorsicht",
            r"warnung",
            r"gericht",
            r"unlauter",
            r"verboten",
            r"wettbewerbszentrale",
            r"gemeldet",
        ),
        "disclosure": (
            r"(?:kostenlos|gratis|unentgeltlich) (?:zur verfügung gestellt|erhalten|bekommen)",
            r"ehrliche (?:meinung|bewertung)",
            r"unabhängige (?:meinung|bewertung)",
            r"werbung",
            r"anzeige",
            r"produkttest",
        ),
    },
    "fr": {
        "incentive": (
            # refunds, swaps
            r"r[e€]mb\.?",
            r"contre une [eé]val\w*",
            # reviews sold or bought
            r"(?:vends|vendons|ach[eè]te|achetez|acheter) (?:\w+ ){0,2}(?:avis|notes)",
            # refunds, in-app rewards, shipping, swaps
            r"rembo",
            r"pi[eè]ces",
            r"vies",
            r"frais de port offerts",
            r"mutuellement",
            # recruiting reviewers or testers: the reward (product, refund, pay) is implied
            r"testeu(?:r|rs|se|ses) recherch[ée]e?s?",
            r"(?:cherche|recherch(?:e|ons)) (?:\w+ ){0,2}testeu(?:rs|ses)",
            r"jeu[- ]concours",
            r"concours",
            r"gagn(?:er|ez|e|ant|ants)",
            r"tirage au sort",
            r"lots?",
            r"cadeaux?",
            r"gratuit(?:e|s|es|ement)?",
            r"offert(?:e|s|es)?",
            r"bons? d'achat",
            r"cartes? cadeaux?",
            r"codes? promo",
            r"réductions?",
            r"remises?",
            r"rembours\w*",
            r"argent",
            r"commissions?",
            r"pièces",
            r"récompenses?",
            r"\d+ ?% de réduction",
            r"boissons?",
            r"offr(?:e|ons|ez|ir|irons)",
            r"de la maison",
            r"aux frais de la maison",
            r"(?:à )?moitié prix",
            r"garantie",
            r"tampons?",
            r"débloqu\w*",
            r"vies",
            r"gemmes",
            r"diamants",
            r"desserts?",
            r"échantillons?",
            r"avantages?",
            r"bonus",
            r"crédits?",
            r"(?:éval|note|avis|recommandation) contre (?:éval|note|avis|recommandation)",
            r"échange (?:d'avis|de notes|d'évals?|de commentaires)",
            r"échanger (?:des|nos) (?:avis|notes)",
            r"mutuel\w*",
            r"tu fais pareil",
            r"je (?:te|vous) rends",
        ),
        "review": (
            # a recruiting call names the act too (testing, reviewing, 刷单)
            r"testeu(?:r|rs|se|ses) recherch[ée]e?s?",
            r"(?:cherche|recherch(?:e|ons)) (?:\w+ ){0,2}testeu(?:rs|ses)",
            r"avis",
            r"commentaires?",
            r"not(?:e|er|ez)",
            r"évaluations?",
            r"évaluer",
            r"étoiles?",
            r"témoignages?",
        ),
        "exchange": (
            r"en échange (?:d'un|de|d')",
            r"contre (?:un|votre|ton) avis",
            r"après (?:votre |ton |l')?avis",
            r"captures? d'écran",
            r"pour participer",
            r"pour chaque avis",
            r"par avis",
            r"(?:vous |tu )?recevre(?:z|s)",
            r"recevez",
            r"on vous rembourse",
            r"nous vous rembourserons",
            r"envoyez(?:-nous)?",
            r"échange d'avis",
        ),
        "sentiment": (r"(?:5|cinq) étoiles", r"avis positifs?", r"bons? avis", r"avis favorables?"),
        "removal": (
            r"supprim(?:e|er|ez|es)",
            r"enl[eè]v(?:e|er|ez|es)",
            r"retir(?:e|er|ez|es)",
            r"modifi(?:e|er|ez|es)",
            r"chang(?:e|er|ez|es)",
            r"(?:supprimer|retirer|modifier|changer|enlever) (?:votre |ton |l'|cet |son )?(?:avis|commentaire|note)",
            r"avis négatifs?",
            r"mauvais avis",
            r"(?:1|une) étoile",
        ),
        "contact": (r"mp", r"en privé", r"écri(?:vez|s)[- ]moi", r"message privé"),
        "reporting": (
            r"(?:c'est|est-ce) légal",
            r"m'a (?:écrit|proposé|dit|demandé)",
            r"interdit",
            r"selon",
            r"dgccrf",
            r"amendes?",
            r"arnaques?",
            r"signalée?",
            r"attention",
            r"illégale?",
            r"interdite?",
            r"enquête",
            r"article",
            r"sanctionn(?:é|ée)",
        ),
        "disclosure": (
            r"(?:reçu|offert) gratuitement",
            r"produit offert",
            r"avis honnête",
            r"en toute honnêteté",
            r"partenariat",
            r"collaboration commerciale",
        ),
    },
    "it": {
        "incentive": (
            # bank transfer, ad-free, swaps
            r"bonifico",
            r"senza pubblicit[aà]",
            r"tu (?:fai lo stesso|la mia|il mio)",
            # reviews sold or bought
            r"(?:vendo|vendiamo|compro|compriamo|comprare) (?:\w+ ){0,2}(?:recensioni|valutazioni)",
            # in-app rewards, shipping, refunds, swaps
            r"gettoni",
            r"vite",
            r"monete",
            r"spese di spedizione",
            r"ti rid[oò]",
            r"mutuamente",
            r"cambio (?:di )?recensioni",
            r"sblocca(?:re)?",
            # recruiting reviewers or testers: the reward (product, refund, pay) is implied
            r"(?:cerc(?:o|hiamo)) (?:\w+ ){0,2}(?:tester|recensori)",
            r"tester cercasi",
            r"concors(?:o|i)",
            r"vinc(?:i|ere|ita|itore|itori)",
            r"premi(?:o)?",
            r"estrazione",
            r"omaggi(?:o)?",
            r"gratis",
            r"gratuit(?:o|a|i|e|amente)",
            r"regal(?:o|i)",
            r"buon(?:o|i)(?: sconto| regalo| amazon)?",
            r"codice sconto",
            r"sconti?",
            r"\d+ ?% di sconto",
            r"rimbors\w*",
            r"soldi",
            r"commissione",
            r"punti",
            r"monete",
            r"ricompensa",
            r"caffè",
            r"offr(?:e|iamo|o|ire|irti|iremo)",
            r"offert[oa]",
            r"della casa",
            r"regal(?:iamo|ato|ata|erai|eremo)",
            r"(?:a )?metà prezzo",
            r"garanzia",
            r"timbri",
            r"timbro",
            r"sbloc\w*",
            r"gemme",
            r"diamanti",
            r"skin",
            r"credito",
            r"coupon",
            r"dolce",
            r"dessert",
            r"aperitivo",
            r"bonus",
            r"sorpres(?:a|ina)",
            r"scambi\w* (?:di )?(?:recension\w*|rec|stelle|voti)",
            r"rece x rece",
            r"r ?x ?r",
            r"ricambi\w*",
            r"reciproc\w*",
            r"a vicenda",
            r"catena di recensioni",
        ),
        "review": (
            # a recruiting call names the act too (testing, reviewing, 刷单)
            r"(?:cerc(?:o|hiamo)) (?:\w+ ){0,2}(?:tester|recensori)",
            r"tester cercasi",
            r"recension(?:e|i)",
            r"recensire",
            r"recensi(?:sci|scila|scilo|te|rci|teci)",
            r"recensit(?:o|a)",
            r"valutazion(?:e|i)",
            r"stelle",
            r"voto",
            r"giudizio",
        ),
        "exchange": (
            r"in cambio (?:di|della)",
            r"dopo (?:la |aver lasciato la )?recensione",
            r"per partecipare",
            r"per ogni recensione",
            r"a recensione",
            r"riceverai",
            r"ricevi",
            r"ti rimborsiamo",
            r"invia(?:ci|mi)",
            r"scambio",
        ),
        "sentiment": (
            r"(?:5|cinque) stelle",
            r"recensione positiva",
            r"recensioni positive",
            r"buona recensione",
            r"voto (?:massimo|pieno)",
        ),
        "removal": (
            r"cancell(?:a|are|i)",
            r"rimuov(?:i|ere|a)",
            r"togli(?:ere|e)?",
            r"elimin(?:a|are|i)",
            r"modific(?:a|are|hi)",
            r"(?:via|togli) (?:la|quella) (?:recensione|stella|stellina)",
            r"(?:cancellare|rimuovere|modificare|togliere|eliminare|ritirare) (?:la |tua |sua |quella )?(?:recensione|valutazione)",
            r"recensione negativa",
            r"(?:1|una) stella",
        ),
        "contact": (r"scrivimi", r"in privato", r"pvt"),
        "reporting": (
            r"(?:è|e') legale",
            r"mi ha (?:scritto|proposto|detto|chiesto)",
            r"vietat[oaie]",
            r"secondo",
            r"agcm",
            r"antitrust",
            r"multat?a?",
            r"truffa",
            r"segnalat(?:o|a)",
            r"attenzione",
            r"sanzion(?:e|i|ata)",
            r"illegale",
            r"denuncia",
        ),
        "disclosure": (
            r"ricevuto (?:gratuitamente|in omaggio|gratis)",
            r"prodotto (?:fornito|ricevuto) gratuitamente",
            r"recensione onesta",
            r"opinione sincera",
            r"collaborazione",
        ),
    },
    "zh": {
        "incentive": (
            # refunds, draws, pay per review, paid posting, 'on me'
            r"退(?:全款|你|款|钱)",
            r"抽(?:iphone|ipad|airpods|奖|取)",
            r"(?:一|每)条\d+",
            r"代(?:发|刷|写)",
            r"日结",
            r"算我的",
            r"(?:评价|点评)号",
            # reviews sold or bought
            r"出售.{0,4}(?:好评|评价)",
            r"(?:买|购买).{0,2}(?:好评|评价)",
            r"\d+(?:\.\d+)?(?:元|块钱?|毛|rmb)",
            r"[一二两三四五六七八九十几百]+(?:元|块钱?)",
            # recruiting reviewers or testers: the reward (product, refund, pay) is implied
            r"招募(?:测评|试用|评价)",
            r"刷手",
            r"刷单",
            r"测评员",
            r"返现",
            r"返钱",
            r"返款",
            r"返还",
            r"红包",
            r"现金",
            r"抽奖",
            r"奖品",
            r"中奖",
            r"免费",
            r"赠品",
            r"送",
            r"礼品",
            r"礼物",
            r"优惠券",
            r"券",
            r"折扣",
            r"打折",
            r"退款",
            r"全额退",
            r"佣金",
            r"积分",
            r"金币",
            r"奖励",
            r"立减",
            r"有礼",
            r"福利",
            r"返",
            r"免单",
            r"半价",
            r"延保",
            r"保修",
            r"会员",
            r"钻石",
            r"体力",
            r"皮肤",
            r"扩容",
            r"包邮",
            r"优惠",
            r"盖章",
            r"代金",
            r"小礼",
            r"赠",
            r"奖",
            r"互评",
            r"互相",
            r"互助",
            r"互刷",
            r"互给",
        ),
        "review": (
            # a recruiting call names the act too (testing, reviewing, 刷单)
            r"招募(?:测评|试用|评价)",
            r"刷手",
            r"刷单",
            r"测评员",
            r"评价",
            r"好评",
            r"评论",
            r"点评",
            r"晒图",
            r"追评",
            # stars given, not a hotel class (五星级), the flag (五星红旗) or a celebrity (明星)
            r"五星(?!级|红旗)",
            r"[1-5一二三四]颗?星(?!级)",
            r"星星",
            r"打分",
            r"评分",
            r"口碑",
        ),
        "platform": (
            r"大众点评",
            r"淘宝",
            r"京东",
            r"美团",
            r"拼多多",
            r"天猫",
            r"小红书",
            r"应用商店",
        ),
        "exchange": (
            r"即可",
            r"就送",
            r"可领",
            r"领取",
            r"截图",
            r"互评",
            r"每条",
            r"每个",
            r"联系客服",
            r"凭",
            r"给好评",
            r"再返",
            r"换",
        ),
        "sentiment": (r"好评", r"五星(?!级|红旗)", r"5星", r"满分", r"全五星"),
        "removal": (
            r"差评删",
            r"删了",
            r"删掉",
            r"删除",
            r"改成",
            r"改一下",
            r"撤掉",
            r"删差评",
            r"删除评价",
            r"删评",
            r"修改评价",
            r"改评",
            r"差评",
            r"中评",
            r"撤销",
        ),
        "contact": (r"加微信", r"微信", r"vx", r"v信", r"私信", r"私聊", r"加群", r"qq", r"扫码"),
        "reporting": (
            r"原话",
            r"凭什么",
            r"离谱",
            r"合法吗",
            r"截图为证",
            r"冒充",
            r"从未",
            r"不要轻信",
            r"禁止",
            r"据",
            r"报道",
            r"市场监管",
            r"罚款",
            r"违法",
            r"举报",
            r"曝光",
            r"记者",
            r"消费者",
            r"投诉",
            r"警惕",
            r"骗局",
            r"提醒",
        ),
        "disclosure": (r"免费试用", r"商家赠送", r"真实评价", r"客观评价"),
    },
}


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue found in a text. ``start``/``end`` index the ORIGINAL text."""

    kind: str
    language: str
    start: int
    end: int
    text: str
    norm_start: int
    norm_end: int


def _expand_leading_group(fragment: str) -> list[str]:
    """``(?:sell|buy) reviews`` → ``sell reviews``, ``buy reviews``: the same matches, but each
    now starts with a literal, so :func:`factor_alternation` can file it under its first
    character instead of trying it at every position of every text (this kept cue finding
    from slowing down as the lexicon grew). Optional or nested leading groups stay as they are.
    """
    if not fragment.startswith("(?:"):
        return [fragment]
    close = fragment.find(")")
    inner, after = fragment[3:close], fragment[close + 1 :]
    if close < 0 or "(" in inner or (after and after[0] in "?*+{"):
        return [fragment]
    return [alternative + after for alternative in inner.split("|")]


def factor_alternation(fragments: tuple[str, ...]) -> str:
    """One alternation, grouped by literal first character: ``r(?:eview|efund)|f(?:ree)``.

    Python's regex engine tries alternatives one by one; grouping by first character lets
    it skip most of them after a single comparison, which makes cue finding several times
    faster without changing what matches (longest alternatives still come first). Ties are
    broken alphabetically, so the pattern text is the same in every run whatever
    ``PYTHONHASHSEED`` is (set order used to decide it, and the lexicon fingerprint with it).
    """
    by_first: dict[str, list[str]] = {}
    rest: list[str] = []
    expanded = {alternative for fragment in fragments for alternative in _expand_leading_group(fragment)}
    for fragment in sorted(expanded, key=lambda f: (-len(f), f)):
        first = fragment[0]
        literal = first.isalnum() and (len(fragment) == 1 or fragment[1] not in "?*+{")
        if literal:
            by_first.setdefault(first, []).append(fragment[1:])
        else:
            rest.append(fragment)
    parts = [
        re.escape(first) + (f"(?:{'|'.join(tails)})" if tails != [""] else "")
        for first, tails in sorted(by_first.items())
    ]
    return "|".join(parts + rest)


def _compile(kind: str) -> re.Pattern[str]:
    """One pattern per kind over every language, factored by first character.

    Languages share one alternation (a single branch per first character instead of one
    alternation per language): the language of a hit is looked up afterwards, on the hit only.
    """
    latin: list[str] = []
    chinese: list[str] = []
    for lang, kinds in LEXICON.items():
        (chinese if lang == "zh" else latin).extend(kinds.get(kind, ()))
    pattern = rf"(?<!\w)(?:{factor_alternation(tuple(latin))})(?!\w)"
    if chinese:
        pattern += f"|{factor_alternation(tuple(chinese))}"
    return re.compile(pattern)


def _compile_languages(kind: str) -> list[tuple[str, re.Pattern[str]]]:
    return [(lang, re.compile("|".join(kinds[kind]))) for lang, kinds in LEXICON.items() if kinds.get(kind)]


_LOOKAROUND = re.compile(r"\(\?<?[!=]")
# Python's classes are Unicode-wide, RE2's escapes ASCII-only: widen them (inside a class,
# without the brackets). Every replacement matches at least what the original matched.
_WIDER = {
    "\\w": "\\p{L}\\p{N}\\p{M}_",
    "\\d": "\\p{N}",
    "\\s": "\\s\\p{Z}\\x{85}\\x{1c}-\\x{1f}\\x{0b}",
}


def _superset_for_re2(pattern: str) -> str:
    """The pattern with every lookaround dropped and classes widened, for RE2.

    Dropping a lookaround only removes a condition, and widening a class only admits more,
    so the result matches every text the Python pattern matches (and maybe more). There is
    no negated class in the lexicon; one would make this unsound, so it is refused.
    """
    if "[^" in pattern:
        raise ValueError("negated classes cannot be widened safely")
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        lookaround = None if in_class else _LOOKAROUND.match(pattern, i)
        if lookaround:  # skip to the matching parenthesis
            depth, j = 1, lookaround.end()
            while depth:
                ch = pattern[j]
                if ch == "\\":
                    j += 2
                    continue
                depth += (ch == "(") - (ch == ")")
                j += 1
            i = j
            continue
        ch = pattern[i]
        if ch == "\\":
            escape = pattern[i : i + 2]
            wider = _WIDER.get(escape)
            out.append(escape if wider is None else (wider if in_class else f"[{wider}]"))
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class and pattern[i - 1] != "[":
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


_SWAP_LINKS = r"contre|gegen|for|x|×|✖|per|por|pour|pra|4|↔|<->|⇄|⇆|="
# a swap word between two words, spaces optional: "avis ↔ avis", "rec x rec", "rezi4rezi"
_SWAP_LINK = re.compile(rf"(?<=\w) ?(?:{_SWAP_LINKS}) ?(?=\w)")
# the one or two words that end where a swap word starts (group 1: both, group 2: the last)
_WORDS_BEFORE = re.compile(r"(?<!\w)((?:\w{1,24} )?(\w{1,24}))$")
_SWAP_WORDS = frozenset({"1", "2", "3", "4", "5", "rec", "rev", "rv", "recs", "revs", "rezi", "follow"})


class CueFinder:
    """Finds cues of every kind; compiled once, safe to share between threads.

    Python's engine scans a text once per kind, trying every alternative at every position;
    most texts hold cues of only two or three kinds. One RE2 set (all kinds, as supersets,
    one linear pass) first says which kinds can match at all, and only those are scanned.
    """

    def __init__(self) -> None:
        self.patterns = {kind: _compile(kind) for kind in CUE_KINDS}
        self._languages = {kind: _compile_languages(kind) for kind in CUE_KINDS}
        options = re2.Options()
        options.max_mem = 256 << 20
        self._kinds = list(self.patterns)
        self._prefilter = re2.Set.SearchSet(options)
        for pattern in self.patterns.values():
            self._prefilter.Add(_superset_for_re2(pattern.pattern))
        self._prefilter.Compile()

    def kinds_present(self, text: str) -> list[str]:
        """The kinds that may have a cue in ``text``, in ``CUE_KINDS`` order (a superset)."""
        try:
            hits = self._prefilter.Match(text)
        except UnicodeEncodeError:  # lone surrogates: no prefilter, scan every kind
            return self._kinds
        return [self._kinds[i] for i in sorted(hits)] if hits else []

    def _language(self, kind: str, hit: str) -> str:
        for lang, pattern in self._languages[kind]:
            if pattern.fullmatch(hit):
                return lang
        return "common"

    def find(self, normalized: NormalizedText) -> list[Cue]:
        cues: list[Cue] = []
        text = normalized.text
        original = normalized.original
        for kind in self.kinds_present(text):
            for m in self.patterns[kind].finditer(text):
                start, end = normalized.original_span(m.start(), m.end())
                language = self._language(kind, m.group())
                cues.append(Cue(kind, language, start, end, original[start:end], m.start(), m.end()))
        cues.extend(self._swaps(normalized))
        cues.sort(key=lambda c: (c.norm_start, c.norm_end))
        return cues

    def _swaps(self, normalized: NormalizedText) -> list[Cue]:
        """ "avis contre avis", "rec x rec", "5 for 5": a review in return, in any language.

        The same word (or two) on both sides of a swap word is an incentive when it is a
        review word or a star count; the lexicon cannot say "the same word". Only the words
        next to each swap word are compared, so this costs next to nothing where there is none.
        """
        text = normalized.text
        found = []
        for link in _SWAP_LINK.finditer(text):
            before = _WORDS_BEFORE.search(text, max(0, link.start() - 50), link.start())
            if before is None:
                continue
            for words in (before.group(2), before.group(1)):  # one word, then two
                if not words or not text.startswith(words, link.end()):
                    continue
                end = link.end() + len(words)
                if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                    continue
                if words in _SWAP_WORDS or self.patterns["review"].search(words):
                    start = link.start() - len(words)
                    o_start, o_end = normalized.original_span(start, end)
                    quote = normalized.original[o_start:o_end]
                    # a review in return is both the reward and the act it is given for
                    found.append(Cue("incentive", "common", o_start, o_end, quote, start, end))
                    found.append(Cue("review", "common", o_start, o_end, quote, start, end))
                    break
        return found


_FINDER: CueFinder | None = None


def _finder() -> CueFinder:
    global _FINDER
    if _FINDER is None:
        _FINDER = CueFinder()
    return _FINDER


def find_cues(text: str | NormalizedText) -> list[Cue]:
    """All cues in ``text``, sorted by position, with spans into the original text."""
    normalized = text if isinstance(text, NormalizedText) else normalize(text)
    return _finder().find(normalized)


_NEAR = 120  # characters: an incentive this close to a review act is probably tied to it
_PAIRS = (
    ("incentive", "review"),
    ("incentive", "platform"),
    ("review", "exchange"),
    ("incentive", "exchange"),
    ("sentiment", "incentive"),
    ("removal", "incentive"),
    ("contact", "incentive"),
    ("reporting", "review"),
    ("disclosure", "review"),
)


# Quoted speech: an offer inside quotation marks is usually reported, not made.
_QUOTED = re.compile(
    r"«[^»]{3,400}»|“[^”]{3,400}”|„[^“”]{3,400}[“”]|\"[^\"]{3,400}\"|「[^」]{2,200}」|『[^』]{2,200}』"
)


# What a solicitation must state (LABELING.md): something of value, and a review act it is
# given for. A platform name, a number or a link is context; on its own it is never the act.
ACT_KINDS = ("review", "sentiment", "removal")


def states_offer(cues: list[Cue]) -> bool:
    """Whether the cues hold an incentive and a review act (rating, stars, a review, its removal).

    Review swaps and coded recruiting ("testers needed, DM") count: a review in return and a
    recruiting call are incentive cues in the lexicon.
    """
    kinds = {cue.kind for cue in cues}
    return "incentive" in kinds and not kinds.isdisjoint(ACT_KINDS)


def cue_feature_names() -> list[str]:
    names = [f"count_{kind}" for kind in CUE_KINDS]
    names += [f"near_{a}_{b}" for a, b in _PAIRS]
    names += ["triple_near", "triple_anywhere", "log_length", "quoted_offer_share", "quoted_offer", "states_offer"]
    return names


def _near(a: list[int], b: list[int]) -> float:
    if not a or not b:
        return 0.0
    return 1.0 if min(abs(x - y) for x in a for y in b) <= _NEAR else 0.5


def cue_features(normalized: NormalizedText, cues: list[Cue]) -> list[float]:
    """Numeric features from the cues of one text, in the order of :func:`cue_feature_names`."""
    positions: dict[str, list[int]] = {kind: [] for kind in CUE_KINDS}
    for cue in cues:
        positions[cue.kind].append((cue.norm_start + cue.norm_end) // 2)
    row = [math.log1p(len(positions[kind])) for kind in CUE_KINDS]
    row += [_near(positions[a][:50], positions[b][:50]) for a, b in _PAIRS]
    inc, rev, exc = positions["incentive"][:50], positions["review"][:50], positions["exchange"][:50]
    triple_near = 0.0
    if inc and rev and exc:
        for r in rev:
            if any(abs(r - i) <= _NEAR for i in inc) and any(abs(r - e) <= _NEAR for e in exc):
                triple_near = 1.0
                break
    row += [triple_near, 1.0 if (inc and rev and exc) else 0.0, math.log1p(len(normalized.text)) / 10.0]
    row += _quoted_features(normalized.text, cues)
    row.append(1.0 if states_offer(cues) else 0.0)
    return row


def _quoted_features(text: str, cues: list[Cue]) -> list[float]:
    """Share of offer cues inside quotation marks, and whether one quote holds a whole offer.

    Linear in the number of cues and quotes: the quotes ``finditer`` yields never overlap, so
    they are sorted by start and by end, and a bisection finds the few that can hold a cue.
    """
    offer = [c for c in cues if c.kind in ("incentive", "review", "exchange")]
    if not offer or not any(q in text for q in '«“„"「『'):
        return [0.0, 0.0]
    spans = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    if not spans:
        return [0.0, 0.0]
    starts = [a for a, _ in spans]
    inside = 0
    kinds_in: dict[int, set[str]] = {}
    for c in offer:
        # the spans holding c: the last one starting at or before c, and (for an empty cue at
        # a boundary) those just before it that end at or after c's end
        k = bisect_right(starts, c.norm_start) - 1
        held = False
        while k >= 0 and spans[k][1] >= c.norm_end:
            if spans[k][0] <= c.norm_start:
                held = True
                kinds_in.setdefault(k, set()).add(c.kind)
            k -= 1
        inside += held
    whole_offer = 1.0 if any({"incentive", "review"} <= kinds for kinds in kinds_in.values()) else 0.0
    return [inside / len(offer), whole_offer]
