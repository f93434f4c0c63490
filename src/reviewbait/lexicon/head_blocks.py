"""The heads' own blocks: incentive sub-types, audience signals and incentive types, in every language.

Data only; :mod:`reviewbait.heads` counts them. Each entry is one alternation across
languages, in the order the shipped model's lexicon fingerprint records, so the first seven
languages of an entry stay together here. A language added later writes its head words in
its own module (``HEAD_WORDS``), which :func:`reviewbait.heads.with_language_words` appends.
"""

from __future__ import annotations

# Incentive sub-types, on normalized (case-folded) text; counted per unit as log1p(count).
SUBTYPES: dict[str, str] = {
    "prize": (
        r"\bwin\b|\bwinners?\b|\bdraw\b|raffle|sweepstake|giveaway|\bprizes?\b|lottery|\btickets?\b"
        r"|\bentr(?:y|ies)\b|entered|spin the wheel|chance to|sorteo|sorteamos|\brifa|sorteio|concorrer"
        r"|pr[eê]mio|\bganhar|verlosung|gewinnspiel|gewinn|verlos|tirage|concours|gagner|gagnant|loterie"
        r"|estrazion|concorso|vincere|vinci|lotteria|抽奖|抽取|中奖|奖品|转盘|抽"
        r"|\bdraw(?:ing|n|s)\b|\brandom|losen wir|\bein los\b|ausgelost|\bpapeletas?\b|\bconcurso|passatempo"
        r"|\broleta|habilite-se|ruota della fortuna|fortunat[ie]\b|tir[ée]e?s? au sort|au hasard"
    ),
    "purchase": (
        r"your order|your purchase|thank you for (?:your )?(?:order|purchase|buying|choosing|shopping)"
        r"|thanks for (?:your )?(?:order|purchase|buying)|in the box|your package|parcel|delivered|arrived"
        r"|tu pedido|tu compra|gracias por (?:tu|su) compra|seu pedido|sua compra|bestellung|einkauf|\bpaket"
        r"|commande|\bachat|colis|\bordine|acquisto|pacco|下单|收货|收到货|购买|订单|包裹|卡片|谢谢|感谢"
    ),
    "warranty": r"warranty|garant[ií]a|garantia|garantie|garanzia|保修",
    "giftcard": r"gift ?card|e-?gift|amazon card|tarjeta regalo|cart[aã]o[- ]presente|gutschein|carte[- ]cadeau|buono|礼品卡|购物卡",
    "points": r"\bpoints?\b|\bcoins?\b|\bgems?\b|\bxp\b|puntos|pontos|punkte|m[üu]nzen|\bpunti\b|monete|积分|金币|钻石",
    "discount": r"% ?off|discount|coupon|\bcode\b|descuento|cup[oó]n|desconto|cupom|rabatt|r[ée]duction|remise|code promo|sconto|折|优惠|券",
    "free": r"\bfree\b|gratis|gratuit|kostenlos|omaggio|regal|送|免费",
    "pay": (
        r"per review|each review|\bpaid\b|\bpay\b|\$ ?\d+|\d+ ?(?:\$|€|usd|eur)|commission|\bjob\b|hiring"
        r"|comisi[oó]n|comiss[aã]o|provision|\bbezahl|pay[ée]|pagat|pagamos|佣金|日结|兼职|招|元|块"
    ),
    "swap": (
        r"\bswap|exchange|review for review|\br4r\b|mutual|each other|\bl4l\b|互|intercambi|\btroca|tausch"
        r"|gegenseitig|[ée]change|scambi|reciproc"
    ),
    "removal": (
        r"\bremove|\bdelete|\bedit\b|\bchange\b|take down|update (?:your|the) review|borrar|eliminar|quitar"
        r"|apagar|retirar|l[öo]schen|[äa]ndern|entfernen|supprimer|retirer|modifier|rimuover|togliere|删|改"
    ),
    "refund": r"refund|paypal|reimburs|\btesters?\b|us only|\bdm\b|reembols|erstatt|rembours|rimbors|返款|本金|试客|返现|返",
    # recruiting reviewers for product sent or refunded: places, panels, clubs, ambassadors
    "recruit": (
        r"\b(?:spots?|slots?|places?|seats?|first \d+|limited to|selected|panel|club|ambassadors?|program(?:me)?"
        r"|plazas|cupos|seleccionad[oa]s|embajador\w*|muestras|vagas|selecionad[oa]s|embaixador\w*|amostras"
        r"|pl[äa]tze|ausgew[äa]hlt|botschafter\w*|probier\w*|testpaket|places limit[ée]es|s[ée]lectionn[ée]s|ambassadeu?r\w*|chroniqueu?r\w*"
        r"|posti|selezionat[ie]|ambasciator\w*|campioni)\b|名额|前\d+名|招募|体验官|试用"
    ),
    "app": r"app store|play store|google play|in-app|premium|\bpro\b|vip|应用商店|会员",
    "food": r"dessert|drink|coffee|beer|pint|meal|postre|bebida|caf[eé]|cerveza|sobremesa|nachtisch|getr[äa]nk|boisson|dolce|bevanda|甜品",
}


# Who an offer is addressed to. Written when the guide still told `insert_card` (a message
# about *their* order) from `direct_reward` (an open offer); kept because it also separates a
# business's own customers (direct_reward, suppression) from recruits and swap groups. "one_reader": a greeting to one named person, their order,
# stay or appointment, an order number. "open_audience": everyone, our regulars, valid until,
# show the staff, in-app prompt buttons, hashtags. Counted on the whole text, since a long
# e-mail's greeting often lies outside the window that scored highest.
AUDIENCE: dict[str, str] = {
    "one_reader": (
        # a greeting to one named person at the start of a line: "hi linda," "cher monsieur dupont,"
        r"(?:^|\n)\s*(?:subject:[^\n]*\n\s*)?(?:hi|hello|hey|dear|olá|ola|oi|hola|estimad[oa]|querid[oa]|bonjour|bonsoir|cher|chère|ciao|caro|cara|gentile|egregi[oa]|hallo|liebe[r]?|sehr geehrte[r]?|guten tag|grüezi|servus|moin)"
        r"\s+(?!all\b|everyone|everybody|tutti|todos|todas|à tous|a tutti|ihr\b|zusammen|friends|folks|fam\b|team|amici|amigos|pessoal|gente|clienti|clientes|clients|kunden)[\w.'-]+(?: [\w.'-]+){0,2}\s*[,!:\n]"
        r"|您好|你好|亲爱的|尊敬的"
        # the transaction they already had
        r"|your (?:order|purchase|parcel|package|delivery|stay|booking|reservation|appointment|visit|class|lesson|session|service|repair|install\w*|treatment|tour|ride|trip|room|car|new\b)"
        r"|order (?:no\.?|number|#)|invoice (?:no\.?|#)|#\s?[a-z]{0,4}-?\d{3,}|n[º°o]\.? ?(?:de )?(?:pedido|commande|ordine)|\bpedido\b|commande n|bestell(?:nummer|ung)|ordine n"
        r"|thank(?:s| you) for (?:your order|your purchase|buying|shopping|choosing|staying|visiting|coming|trusting|booking|joining|your visit|your stay)"
        r"|tu (?:pedido|compra|reserva|estancia|cita|visita)|su (?:pedido|compra|reserva|estancia|cita)|gracias por (?:tu|su) (?:compra|pedido|visita|estancia|confianza)"
        r"|seu pedido|sua compra|sua estadia|sua reserva|obrigad[oa] por (?:comprar|escolher|ter|sua|seu|vir)"
        r"|votre (?:commande|achat|colis|séjour|réservation|rendez-vous|visite|cours)|merci (?:pour votre (?:commande|achat|séjour|visite)|d'avoir)"
        r"|il tuo ordine|la tua (?:prenotazione|visita)|il tuo (?:acquisto|soggiorno)|grazie per (?:aver|il tuo|la tua)"
        r"|ihre? (?:bestellung|einkauf|aufenthalt|termin|buchung)|deine? (?:bestellung|einkauf|aufenthalt|termin|buchung)|danke (?:für (?:ihren|deinen|ihre|deine) (?:einkauf|bestellung|aufenthalt|besuch)|dass)"
        r"|您的订单|你的订单|您购买的|您入住|入住|签收|收到货|已送达|已发货|本次"
    ),
    "open_audience": (
        r"\b(?:everyone|everybody|anyone|whoever|all (?:our )?(?:customers|guests|clients|users|players|members|subscribers)|our (?:customers|guests|regulars|community|followers|users|players)"
        r"|y'all|folks|fam\b|todos|todas|quien(?:es)?\b|cualquier|clientes|quem\b|toda a gente|galera|pessoal|tout le monde|tous nos|quiconque|à tous|chiunque|tutti|chi\b|alle\b|wer\b|jede[rn]?\b|ihr\b|euch|kunden)"
        r"|\bvalid (?:until|till|thru)|\bthis (?:week|month|weekend)|\buntil the end of|\bhasta el|\bválido|\bvalable|\bvalido|\bgültig|\bbis zum|#[^\W\d_]\w*"
        r"|show (?:the|your|us|this|it to)|at the (?:counter|bar|till|register|front desk)|bar ?staff|barista|waiter|cashier|server"
        r"|\[(?:rate|later|not now|sure|maybe later)[^\]]*\]|enjoying|loving the app|in-app"
        r"|家人们|宝子们|宝宝们|姐妹们|所有|凡是|各位|大家|到店|前台|收银"
    ),
    # Reviewers who are not customers: a business's own staff or their families, recruits paid per
    # review, reviews bought in bulk (paid_review, where a customer's reward is direct_reward).
    "insiders": (
        r"\b(?:staff|employees?|colleagues?|coworkers?|co-workers?|workers|team members|our team|hr\b|payroll|paycheck|salary"
        r"|glassdoor|kununu|indeed|per review|each review|a review\b.{0,20}\bpaid|in bulk|bulk"
        r"|empleados|compañeros|plantilla|nómina|por reseña|por cada reseña|funcion[aá]rios|colegas|sal[aá]rio|por avalia[çc][ãa]o"
        r"|mitarbeiter\w*|kolleg\w*|belegschaft|gehalt|lohn|pro bewertung|je bewertung|collaborat(?:eur|rice)s?|salari[ée]s|coll[èe]gues|salaire|par avis"
        r"|dipendenti|colleghi|stipendio|busta paga|per recensione|per ogni recensione)"
        r"|员工|同事|家属|工资|每条|一条\d|代刷|刷单|批量"
    ),
}


# What is offered, one entry per value of the guide's `incentive_type`, on normalized text;
# counted per unit as log1p(count). Written from the guide's list of incentives.
INCENTIVES: dict[str, str] = {
    "prize_draw": (
        r"chances? (?:to|of) win|\bwin\b|\bwinners?\b|\bdraw\b|raffle|sweepstake|giveaway|\bprizes?\b|lottery"
        r"|in the hat|entered|\bentr(?:y|ies)\b|spin the wheel|lucky|sorteo|sorteamos|sortea|\brifa"
        r"|participas? (?:por|en)|ganador|sorteio|concorr|pr[eê]mio|ganhador|verlos|gewinn|ziehung|tirage|concours"
        r"|gagnant|\bgagner|estrazion|concorso|vinc|sorteggi|抽奖|抽取|中奖|奖品|转盘|抽|幸运|tire au sort|\burne\b|tombola"
        r"|lotteria|loter[ií]a|verlosung|gewinnspiel|estraiamo|estrazione|\bchance\b|彩票|开奖|抽签"
        # a draw as people write it: drawn at random, a ticket in a hat, a wheel, a lucky one
        r"|\bdraw(?:ing|n|s)\b|\brandom|losen wir|\bein los\b|ausgelost|\bpapeletas?\b|\bconcurso|passatempo"
        r"|\broleta|habilite-se|ruota della fortuna|fortunat[ie]\b|tir[ée]e?s? au sort|au hasard"
    ),
    "free_product": (
        r"\bfree\b|complimentary|on the house|on us\b|\bsamples?\b|gratis|gr[aá]tis|de gra[çc]a|brinde|regal"
        r"|obsequi|kostenlos|umsonst|geschenkt|gratuit|offert|omaggio|送|免费|赠|白拿|0元|regalamos|regalo|cortes[ií]a"
        r"|sin coste|sin costo|sem custo|sans frais|schenken|offriamo|offrons|offerts?|免单|白送|赠送|送你|送一"
    ),
    "refund": (
        r"refund|reimburs|money back|\bback (?:on|via|to)|\brebate|store credit|cash ?back|full price|de volta"
        r"|reembols|devoluci[oó]n|devolu[cç][aã]o|erstatt|zur[üu]ck|rembours|rimbors|rimborso|返款|返现|返还|退款|本金|全返|返"
        r"|pay (?:you|u) back|paid back|get (?:it|your money|\S+) back|devolvemos|devolvo|devuelvo|regresamos"
        r"|restitu|rid[oò] tutto|redonne|rendons|remboursons|rückzahl|rückerstatt|返全款|返本|退还|退回|caution fee|deposit"
    ),
    "cash": (
        r"[$€£¥₹] ?\d|\d ?(?:[$€£¥₹]|usd|eur|dollars?|bucks|reais|pesos)|per review|each review|\bpaid\b|\bpay\b"
        r"|\bcash\b|money|commission|\bearn|dinero|dinheiro|\bpix\b|\bgeld\b|argent|soldi|pagamo|pagher|bezahl|佣金"
        r"|现金|红包|日结|元|块|paypal|venmo|zelle|bizum|lydia|mb ?way|mercado ?pago|nequi|payid|cash ?app|transfer"
        r"|überweis|virement|bonifico|transferencia|transfer[eê]ncia|deposit(?:amos|o)|pagamos|pagamento|\bpago\b"
        r"|pagar|payons|r[ée]mun[ée]r|verg[üu]tung|honorar|compenso|retribu|\bfee\b"
        r"|pro (?:bewertung|rezension|rezi)|par avis|a recensione|por rese[ñn]a|por avalia|稿费|酬劳|报酬|补偿|转账|支付宝|每条"
        r"|每篇|一篇"
    ),
    "gift_card": (
        r"gift ?cards?|e-?gift|giftcard|voucher|visa card|amazon card|itunes|tarjeta regalo|cheque regalo"
        r"|vale[- ]presente|cart[aã]o[- ]presente|gutschein|bon d'achat|bon cadeau|carte[- ]cadeau|\bbon de|buono"
        r"|礼品卡|购物卡|京东卡|e卡|话费|卡|store credit|credit (?:to|on) your account|account credit|wallet|guthaben|\bsaldo"
        r"|cr[ée]dito|cr[ée]dit\b|gift certificate|buono regalo|geschenkkarte|tarjeta de regalo|储值|余额"
    ),
    "discount": (
        r"% ?off|\d ?%|discount|coupon|promo|\bcode\b|off your next|half price|\bhalf off|2[- ]for[- ]1|\bsave\b"
        r"|descuento|cup[oó]n|mitad de precio|desconto|cupom|metade|rabatt|sparen|weniger|r[ée]duction|remise"
        r"|moiti[ée]|sconto|met[aà] prezzo|折|优惠|券|立减|减|\boff\b|\bwaive|free shipping|ships? free"
        r"|sin gastos de env[ií]o|env[ií]o gratis|frete gr[aá]tis|livraison offerte|frais de port"
        r"|spedizione gratuita|versandkostenfrei|kostenloser versand|nachlass|erm[äa][ßs]ig|rebaja|enl[eè]ve"
        r"|r[ée]duc|ribasso|togliamo|包邮|减免|免运费|便宜|打折|代金券|满减"
        # delivery or a fee waived, a price cut off the next bill
        r"|free delivery|delivery free|frais de (?:livraison|port) offerts|portes gr[aá]tis|spedi(?:amo|remo) gratis"
        r"|配送费|半价|d[ée]dui|abzug|scaliamo|\-\d+ ?(?:€|\$|£)"
    ),
    "points": (
        r"\bpoints?\b|\bcoins?\b|\bgems?\b|\btokens?\b|\bstamps?\b|\bcredits?\b|\bxp\b|\blives\b|bonus|loyalty"
        r"|diamonds?|puntos|monedas|gemas|pontos|moedas|punkte|m[üu]nzen|\bpunti\b|monete|gettoni|pi[eè]ces|积分|金币"
        r"|钻石|代币|元宝|stempel|treuepunkte|bonuspunkte|punti fedelt|points? fid[ée]lit|puntos de fidelidad"
        r"|pontos de fidelidade|\bskins?\b|booster|\bkeys?\b|\bhints?\b|\bvidas\b|\bvite\b|\bindices?\b"
        r"|\bpistas?\b|\bdicas?\b|outfit|in-?game|im spiel|no jogo|en el juego|nel gioco|dans le jeu|皮肤|道具|币"
    ),
    "upgrade": (
        r"upgrade|warranty|premium|\bpro\b|\bvip\b|extra months?|months? free|free months?|extended|ad-free"
        r"|late check-?out|garant[ií]a|garantia|garantie|garanzia|mejora|surclass|延保|保修|升级|会员|延长|\bextend"
        r"|extension|verl[äa]nger|prolong|estend|ampl[ií]|abonnement|abbonamento|suscripci[oó]n|assinatura"
        r"|mensalidade|membership|mitgliedschaft|subscription|\btrial\b|essai gratuit|unlock|sblocc|desbloque"
        r"|d[ée]bloqu|freischalt|lifetime|de por vida|[àa] vie\b|a vita|lebenslang|gew[äa]hrleistung|解锁|永久|延期"
        # ad-free time, a later check-out, a better room, more cover or weeks on a plan
        r"|ohne werbung|werbefrei|sin anuncios|sem an[úu]ncios|sans pub|senza pubblicit|无广告|去广告|免广告"
        r"|d[ée]part tardif|salida tard[íi]a|sa[íi]da tardia|高级版|专业版|\bextra weeks?|\bweeks? free|free weeks?"
        r"|\bcover\b|copertura|cobertura|habitaci[oó]n superior|quarto superior|chambre sup[ée]rieure|camera superiore|\bsuite\b"
    ),
    "reciprocal_review": (
        r"\bswap|exchange|review for review|\br4r\b|each other|mutual|\byours\b|return the favou?r|\bback\b"
        r"|\bl4l\b|intercambi|\bcambio|\btroca|\baxa\b|\bxa\b|tausch|gegenseitig|[ée]change|scambi|reciproc"
        r"|\br ?x ?r\b|互评|互刷|互"
    ),
    "other": (
        r"donat|charity|\bdonamos|spende|\bdon\b|doniamo|doamos|捐|\btrees?\b|urlaubstag|day off|\bpto\b"
        r"|vacation day|jour de cong|giorno di ferie|d[ií]a libre|\bfolga|shout-?out"
    ),
}
