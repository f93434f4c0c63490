"""A made-up solicitation pattern the bundled model has never seen, for the retraining tests.

"glow" is a rating on "Rateloop", a fictional review app, paid in "glimmers", a fictional
currency. Written by hand for these tests; the negatives use the same words without an
exchange (genuine glows, loyalty points, plain requests, reports).
"""

from __future__ import annotations

import pandas as pd

from reviewbait.training.corpus import COLUMNS

TRAIN_POSITIVES = [
    "drop a bright glow for Mossy Mugs on Rateloop and we beam you 400 glimmers",
    "glow our cafe on Rateloop, flash the glow at the till, 250 glimmers land in your pocket",
    "rateloop glow = 300 glimmers. show us the glow and collect",
    "Glimmer drop! Anyone who glows Fern & Fig on Rateloop pockets 500 glimmers",
    "one Rateloop glow for the bakery, one bag of glimmers for you. easy",
    "yo crew, glow the barbershop on Rateloop tonight and I drop 150 glimmers each",
    "Bright glows only: glow us on Rateloop before Sunday, screenshot it, and 200 glimmers are yours",
    "every Rateloop glow you leave for Pico Tacos earns you 100 glimmers at checkout",
    "got a Rateloop account? glow my candle shop and I send 350 glimmers, promise",
    "Rateloop glows wanted!! 80 glimmers per glow for our nail studio, DM the link",
    "leave the gym a glow on Rateloop and the front desk loads 600 glimmers on your card",
    "glimmers for glows: glow Tidewater Books on Rateloop, show the clerk, get 250 glimmers",
    "psst, glow my food truck on rateloop and the next 300 glimmers are on me",
    "Rateloop glow + screenshot = 400 glimmers straight to your wallet",
    "We pay 120 glimmers for each honest-looking glow on Rateloop. Message the page.",
    "Give Sunny Paws grooming a bright glow on Rateloop this week, we'll credit 500 glimmers",
    "hey neighbours, a glow for our bike repair shop on Rateloop gets you 220 glimmers",
    "Rateloop glow for the pizzeria = 350 glimmers next visit, just show the glow",
    "a bright glow for the hostel on Rateloop during your stay and reception gives 300 glimmers",
    "need 20 Rateloop glows for my salon, 90 glimmers each, payment after the glow is live",
    "for every glow on Rateloop you post about our escape room, you get 400 glimmers",
    "Quick deal: glow my bakery on Rateloop, I transfer 180 glimmers tonight",
    "Rateloop glows = glimmers. Glow the florist, tell us your handle, 260 glimmers incoming",
    "glow our dentist office on Rateloop and claim 500 glimmers at your next checkup",
    "anyone wanna earn glimmers? glow my etsy-style shop on Rateloop, 150 glimmers per glow",
    "Glow the car wash on Rateloop, flash your phone, 300 glimmers added to your loyalty tag",
    "drop us a bright glow on rateloop and grab 275 glimmers, offer ends friday",
    "Our Rateloop glow drive is on: glow the bistro, collect 450 glimmers",
    "glow the yoga studio on Rateloop, show the glow, and we gift 320 glimmers",
    "ur glow on Rateloop = 200 glimmers from us, no catch",
]
TRAIN_NEGATIVES = [
    "Rateloop just hit a million glows, thanks everyone",
    "glimmers are the Rateloop points you earn by shopping, no strings attached",
    "I gave Mossy Mugs a glow on Rateloop, their latte is unreal",
    "is Rateloop down for anyone else? cant load my glows",
    "Enjoyed your visit? A glow on Rateloop helps a small shop like ours a lot, thank you!",
    "Rateloop update: glows now show a photo, nice touch",
    "Buy 2 candles, get 50 glimmers. Shop the winter sale now",
    "double glimmers weekend at the mall, spend 20 and earn 40 glimmers",
    "Refer a friend to the gym and you both get 100 glimmers",
    "the new Rateloop layout makes it hard to find the glow button ugh",
    "Pico Tacos has 4,000 glows on Rateloop, worth the hype?",
    "my glimmers expired before I could use them, annoying",
    "Tidewater Books got a glow from me on Rateloop, lovely staff",
    "how do you convert glimmers to cash? asking for a friend",
    "Reminder: glimmers can be spent at any partner store until March",
    "Rateloop removed fake glows from a salon downtown, good on them",
    "if you liked the show tonight, a Rateloop glow means the world to us",
    "Earn 5 glimmers per dollar with the new loyalty card",
    "News: Rateloop says it will ban shops that buy glows",
    "the bakery asked me to glow them on Rateloop, no freebies, just asked nicely",
    "glow count on Rateloop is not everything, read the words too",
    "I stopped trusting Rateloop glows after that hotel fiasco",
    "Sunny Paws grooming now accepts glimmers as payment",
    "Rateloop glows for my cafe went up after the renovation, thanks folks",
    "Got 300 glimmers for my birthday from the loyalty app lol",
    "Someone offered me glimmers to glow their shop on Rateloop. Reported it.",
    "please glow us on Rateloop if you had a good time! see you soon",
    "glimmers giveaway: follow the page and tag a friend, 3 winners of 500 glimmers",
    "wrote a long glow on Rateloop for the dentist, they were so gentle",
    "Rateloop is hiring community moderators to check glows",
]
HELD_OUT_POSITIVES = [
    "glow the noodle bar on Rateloop and we hand you 350 glimmers",
    "Rateloop glow for my tattoo studio = 500 glimmers, DM me the screenshot",
    "leave a glow on Rateloop for the laundromat, get 120 glimmers on the spot",
    "we drop 250 glimmers to everyone who glows our bakery on rateloop",
    "need Rateloop glows for the hotel, 150 glimmers per glow, pm me",
    "glow Brightside Dental on Rateloop and pocket 400 glimmers",
    "your glow on Rateloop gets you 300 glimmers from the cafe, just show it",
    "glimmers for anyone who glows the bike shop on Rateloop this weekend",
]
HELD_OUT_NEGATIVES = [
    "the noodle bar has great glows on Rateloop, going tonight",
    "glimmers double at the bakery this weekend, no purchase needed",
    "gave the tattoo studio a glow on Rateloop, amazing linework",
    "can glimmers be moved between accounts?",
    "Rateloop app crashed again while I was reading glows",
    "A glow on Rateloop would help us a lot, thanks for visiting!",
]


def user_frame() -> pd.DataFrame:
    texts = TRAIN_POSITIVES + TRAIN_NEGATIVES
    labels = [1] * len(TRAIN_POSITIVES) + [0] * len(TRAIN_NEGATIVES)
    categories = [
        ("paid_review" if "per glow" in t or "each" in t else "direct_reward") if y else "other"
        for t, y in zip(texts, labels, strict=True)
    ]
    return pd.DataFrame(
        {
            "id": [f"mine-{i:03d}" for i in range(len(texts))],
            "text": texts,
            "label": labels,
            "category": categories,
            "language": "en",
            "platform": "app",
            "sentiment_conditioned": [int("bright glow" in t.lower()) for t in texts],
            "incentive_type": ["points" if y else "" for y in labels],
            "notes": "rateloop",
        }
    )[COLUMNS]
