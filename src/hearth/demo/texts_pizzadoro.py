"""Pizzadoro, a pizza delivery chain: ordinary chatter, then a viral video scandal.

The scandal topics are used only by the surge that starts at the world's ``scandal_at``.
Abusive texts are labelled with the kind of abuse (insult, threat, identity_attack) so the
moderation and toxicity enrichment can be checked against them. The threats are written without
swear words on purpose: a detector that only looks for vulgarity must miss them.
"""

from __future__ import annotations

from hearth.demo.template import Topic

VOCAB = {
    "fr": {
        "pizza": (
            "la Regina",
            "la 4 fromages",
            "la Calzone",
            "la Diavola",
            "la Margherita",
            "la Végétarienne",
            "la Savoyarde",
            "la Doro (truffe)",
            "la Hawaïenne",
            "la Chorizo",
        ),
        "store": (
            "Pizzadoro Bellecour",
            "Pizzadoro Part-Dieu",
            "Pizzadoro Nation",
            "Pizzadoro Vieux-Port",
            "Pizzadoro Capitole",
            "Pizzadoro Grand-Place",
        ),
        "event": ("le match", "la série", "le film", "l'apéro", "la soirée jeux", "les révisions"),
        "friend": ("les potes", "la coloc", "les collègues", "la famille", "les enfants"),
    },
    "en": {
        "pizza": (
            "Regina",
            "Four Cheese",
            "Calzone",
            "Diavola",
            "Margherita",
            "Veggie",
            "Truffle Doro",
            "Hawaiian",
            "Pepperoni",
        ),
        "store": (
            "the Bellecour branch",
            "the Nation branch",
            "the Old Port branch",
            "the Grand-Place branch",
            "the King's Cross branch",
        ),
        "event": ("the match", "movie night", "the game", "the series finale", "game night"),
        "friend": ("the flatmates", "the team", "the family", "the kids", "my mates"),
    },
}

HASHTAGS = ("#pizzadoro", "#pizza", "#pizzanight")
SCANDAL_HASHTAGS = ("#pizzadorogate", "#pizzadorogate", "#pizzadorogate", "#boycottpizzadoro")
DOMAIN = "pizzadoro.fr"
HANDLE = "@pizzadoro"
NAME = "Pizzadoro"

TOPICS = (
    Topic(
        "order",
        "order",
        "positive",
        0.22,
        fr=(
            "Ce soir c'est {pizza} de chez {brand} devant {event} 🍕",
            "{Commande passée|Commandé} chez {at_brand}, {pizza} + {pizza2}, {hâte|j'ai trop faim}",
            "Flemme de cuisiner → {brand} {🍕|😋|}",
            "{Soirée|Dîner} {pizza} avec {friend}, {classique|comme d'hab} {#pizzadoro|}",
            "{brand} livré en {small_num}0 min chrono, {nickel|parfait}",
        ),
        en=(
            "{Pizza|Pizzadoro} night: {pizza} from {brand} for {event} 🍕",
            "Ordered a {pizza} and a {pizza2} from {at_brand}, {starving|can't wait}",
            "Too lazy to cook → {brand} {🍕|😋|}",
            "{brand} delivered in {small_num}0 minutes, {nice|perfect}",
        ),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
        hashtags=("#pizzadoro", "#pizzanight"),
    ),
    Topic(
        "praise",
        "praise",
        "positive",
        0.16,
        fr=(
            "{Franchement|Sérieux} {pizza} de {brand} c'est {la meilleure|trop bon|une dinguerie}",
            "La pâte {brand} {est parfaite|a changé, encore meilleure}, {bravo|respect} 👏",
            "Merci au livreur de {store} qui a bravé la pluie {🙏|❤️|}",
            "{brand} > toutes les autres chaînes, {je dis ça je dis rien|débat clos}",
        ),
        en=(
            "{Honestly|Ngl} the {pizza} from {brand} is {the best|so good|unreal}",
            "{brand} crust is {perfect|even better lately} 👏",
            "Shout-out to the {brand} driver who came through the storm {🙏|❤️|}",
        ),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
    ),
    Topic(
        "late_delivery",
        "complaint",
        "negative",
        0.14,
        fr=(
            (
                "{small_num} h {plus tard|d'attente}… toujours pas de pizza. {at_brand} {vous êtes "
                "où ?|sérieux ?}"
            ),
            (
                "Commande {brand} annoncée 30 min, livrée en {late_min} min. {Froide "
                "évidemment|Pizza tiède}"
            ),
            "{at_brand} le livreur est parti avec ma commande {apparemment|on dirait} 🙄",
            "Plus jamais {brand} un vendredi soir, {late_min} minutes pour {pizza}",
            "{at_brand} commande {order_no} jamais arrivée, rappelez-moi au {phone}",
        ),
        en=(
            "{late_min} minutes and still no pizza {at_brand}. {Where is it?|Seriously?}",
            "{brand} said 30 min, took {late_min}. Cold, obviously",
            "{at_brand} order {order_no} never came, call me on {phone} or email {me_email}",
            "Never ordering {brand} on a Friday again, {late_min} minutes for a {pizza}",
        ),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
        hashtags=("#pizzadoro",),
    ),
    Topic(
        "wrong_order",
        "complaint",
        "negative",
        0.07,
        fr=(
            "J'ai commandé {pizza} et j'ai reçu {pizza2}. {Merci {brand}|Bravo} 🙃",
            "Pizza {brûlée|pas cuite|écrasée dans le carton} ce soir chez {store}, déçu",
            "Il manquait la boisson et le dessert, {at_brand} {ça arrive trop souvent|encore}",
        ),
        en=(
            "Ordered {pizza}, got {pizza2}. Thanks {brand} 🙃",
            "{Burnt|Raw|Squashed} pizza from {store} tonight, disappointed",
        ),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
    ),
    Topic(
        "question",
        "question",
        "neutral",
        0.09,
        fr=(
            "{at_brand} vous avez des pizzas sans gluten ?",
            "Le code promo {promo_code} marche encore ? {at_brand}",
            "{brand} {Nation|Bellecour} est ouvert le dimanche midi ?",
            "C'est quoi la meilleure pizza chez {brand} ? {Je teste ce soir|Première commande}",
            "Vous livrez jusqu'à quelle heure à {city_fr} ?",
        ),
        en=(
            "{at_brand} do you do gluten-free?",
            "Does the {promo_code} code still work?",
            "What's the best pizza at {brand}? First order tonight",
            "How late do you deliver in {city_en}?",
        ),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "promo",
        "share",
        "positive",
        0.05,
        fr=(
            "-{small_num}0% chez {brand} avec le code {promo_code} {jusqu'à dimanche|ce soir} 🍕",
            "Mardi = 2 pizzas achetées la 3e offerte chez {brand}, {bon plan|à savoir}",
        ),
        en=("{small_num}0% off at {brand} with code {promo_code} {until Sunday|tonight} 🍕",),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "pineapple",
        "other",
        "neutral",
        0.05,
        fr=(
            "{brand} qui met de l'ananas sur la Hawaïenne, {débat|on en parle ?} 🍍",
            "Team ananas ou pas ? {Chez {brand} elle est bonne|C'est non}",
        ),
        en=("Pineapple on pizza: {brand}'s Hawaiian {slaps|is a crime} 🍍",),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "news",
        "news",
        "neutral",
        0.03,
        fr=(
            (
                "La chaîne {brand} ouvre {small_num} nouveaux restaurants en "
                "{Occitanie|Bretagne|Île-de-France}. "
                "{url_article}"
            ),
            "{brand} lance une pizza {à la truffe|végane} pour {l'automne|l'hiver}. {url_article}",
        ),
        en=("Pizza chain {brand} opens {small_num} new restaurants. {url_article}",),
        titles_fr=("{brand} poursuit son expansion", "{brand} lance une nouvelle pizza"),
        titles_en=("{brand} expands",),
        platforms=("rss",),
    ),
    Topic(
        "complaint_email",
        "complaint",
        "negative",
        0.06,
        fr=(
            (
                "Bonjour,\nma commande {order_no} de ce soir est arrivée avec {late_min} minutes "
                "de retard "
                "et froide. Je demande un remboursement.\n{me}\n{phone}"
            ),
            (
                "Bonjour, j'ai été débité deux fois pour la commande {order_no}. Merci de me "
                "recontacter "
                "au {phone} ou à {me_email}.\nCordialement, {me}"
            ),
        ),
        en=(
            (
                "Hello,\norder {order_no} arrived {late_min} minutes late and cold. I'd like a "
                "refund.\n"
                "{me}\n{phone}"
            ),
        ),
        titles_fr=("Réclamation commande {order_no}", "Double débit"),
        titles_en=("Complaint order {order_no}",),
        platforms=("email",),
    ),
    Topic(
        "spam",
        "spam",
        "neutral",
        0.03,
        fr=(
            "🍕 Pizzas {brand} GRATUITES pendant 1 an !!! Répondez au sondage 👉 {url_spam}",
            "Carte cadeau {brand} de 100€ offerte, cliquez vite {url_spam}",
        ),
        en=("FREE {brand} pizza for a year!!! Take the survey 👉 {url_spam}",),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
    ),
)

SCANDAL_TOPICS = (
    Topic(
        "scandal_outrage",
        "complaint",
        "negative",
        0.28,
        fr=(
            (
                "{Vous avez vu|Avez-vous vu|C'est quoi} cette vidéo {chez|de} {brand} ?? "
                "{Écœurant|Dégueulasse|"
                "Inadmissible|Hallucinant} {🤮|😡|}"
            ),
            (
                "{Plus jamais|Jamais plus} je commande chez {brand} après {cette vidéo|ce que "
                "j'ai vu}. "
                "{Jamais|Terminé|C'est fini}"
            ),
            (
                "La vidéo des employés {brand} qui {crachent dans la pâte|jouent avec les "
                "ingrédients|"
                "mettent le fromage par terre} {me donne la nausée|est immonde}"
            ),
            "{at_brand} des explications sur la vidéo ?? On attend {!|!!|}",
            (
                "Et dire que j'ai commandé {chez eux|{pizza}} {hier|la semaine dernière} 🤢 la "
                "vidéo est "
                "{horrible|atroce}"
            ),
            "{brand} : {silence radio|aucune réaction} depuis la vidéo. {La honte|Lamentable}",
            (
                "{Je suis|Complètement} {dégoûté|choqué} par la vidéo {brand}, {comment c'est "
                "possible|"
                "quelle hygiène} ?"
            ),
            "La vidéo tourne partout, {brand} {est fini|va couler|va devoir s'expliquer}",
        ),
        en=(
            (
                "{Have you seen|Did you see} this {brand} video?? {Disgusting|Vile|Unbelievable} "
                "{🤮|😡|}"
            ),
            "Never ordering from {brand} again after {that video|what I just saw}",
            (
                "The {brand} video of staff {messing with the food|dropping cheese on the "
                "floor|spitting "
                "in the dough} {made me sick|is revolting}"
            ),
            "{at_brand} explain the video. Now.",
            "I literally ate {brand} {yesterday|last week} 🤢 that video is {horrible|gross}",
            "{brand} still silent about the video. {Shameful|Pathetic}",
        ),
        hashtags=("#pizzadorogate", "#boycottpizzadoro"),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
    ),
    Topic(
        "scandal_video",
        "share",
        "negative",
        0.16,
        fr=(
            (
                "La vidéo qui fait le buzz : {les employés|deux employés} de {brand} {store_city} "
                "{url_video}"
            ),
            "⚠️ Vidéo filmée en cuisine chez {brand} {url_video} {Partagez|RT} #pizzadorogate",
            "{Regardez|Matez} ça avant de commander chez {brand} {url_video}",
            "{small_num}00 000 vues en une heure pour la vidéo {brand} {url_video}",
        ),
        en=(
            "The viral {brand} kitchen video {url_video} #pizzadorogate",
            "Watch this before you order {brand} again {url_video}",
            "{small_num}00k views in an hour: the {brand} video {url_video}",
        ),
        hashtags=("#pizzadorogate",),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "scandal_insult",
        "complaint",
        "negative",
        0.10,
        abuse="insult",
        fr=(
            (
                "{Bande de porcs|Bande de connards|Espèces d'ordures} chez {brand}, {vous nous "
                "dégoûtez|"
                "allez vous faire voir}"
            ),
            (
                "{at_brand} vos employés sont des {gros dégueulasses|enfoirés|crevards}, "
                "{virez-les|honte à vous}"
            ),
            "{brand} = {une bande de cons|des porcs}. {Point.|Fin du débat.}",
            "Franchement les mecs de la vidéo {brand} {sont des connards finis|c'est des enflures}",
        ),
        en=(
            (
                "{Disgusting pigs|Bunch of assholes|Absolute scumbags} at {brand}, {you make me "
                "sick|go to hell}"
            ),
            "{at_brand} your staff are {filthy bastards|total assholes}, fire them",
            "The idiots in that {brand} video are {disgusting pigs|scumbags}",
        ),
        hashtags=("#pizzadorogate",),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
    ),
    Topic(
        "scandal_threat",
        "complaint",
        "negative",
        0.03,
        abuse="threat",
        fr=(
            (
                "On sait où se trouve votre restaurant de {city_fr}. On va venir vous rendre "
                "visite "
                "ce soir."
            ),
            "Les deux de la vidéo {brand} devraient faire très attention en rentrant chez eux.",
            "J'ai trouvé l'adresse d'un des employés de la vidéo. Il ne dormira plus tranquille.",
            (
                "{at_brand} attendez-vous à ce qu'on vienne régler ça à la fermeture, vous et vos "
                "cuisiniers."
            ),
        ),
        en=(
            "We know where your {city_en} branch is. Expect a visit tonight.",
            "The two in the {brand} video should watch their backs walking home.",
            "Found where one of those employees lives. He won't sleep easy anymore.",
        ),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "scandal_identity",
        "complaint",
        "negative",
        0.01,
        abuse="identity_attack",
        fr=(
            "Évidemment, encore des étrangers en cuisine chez {brand}. Renvoyez-les tous chez eux.",
            "Ces gens-là n'ont aucune hygiène, c'est culturel. Voilà ce qui arrive chez {brand}.",
        ),
        en=(
            "Of course {brand} hires foreigners who don't know hygiene. Send them all back.",
            "People like that are dirty by nature, no surprise at {brand}.",
        ),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "scandal_news",
        "news",
        "negative",
        0.05,
        fr=(
            (
                "Une vidéo montrant deux employés d'un restaurant {brand} maltraitant la "
                "nourriture "
                "circule massivement sur les réseaux sociaux. La chaîne n'a pas encore réagi. "
                "{url_article}"
            ),
            (
                "Scandale {brand} : la vidéo tournée en cuisine a été vue plus d'un million de "
                "fois. "
                "{Les internautes appellent au boycott.|La DDPP annonce un contrôle.} {url_article}"
            ),
            (
                "« #pizzadorogate » : ce que l'on sait de la vidéo qui embarrasse {brand}. "
                "{url_article}"
            ),
        ),
        en=(
            (
                "A video showing two {brand} employees mistreating food is spreading fast "
                "online; the "
                "chain has not commented. {url_article}"
            ),
            "{brand} under fire after kitchen video viewed over a million times. {url_article}",
        ),
        titles_fr=(
            "Vidéo choc dans une cuisine {brand}",
            "Scandale {brand} : la vidéo qui choque",
            "#pizzadorogate : ce que l'on sait",
            "{brand} dans la tourmente après une vidéo",
        ),
        titles_en=("{brand} kitchen video sparks outrage", "What we know about #pizzadorogate"),
        platforms=("rss",),
    ),
    Topic(
        "scandal_boycott",
        "complaint",
        "negative",
        0.10,
        fr=(
            (
                "BOYCOTT {brand} ! Après la vidéo, on ne met plus un centime chez eux. Partagez "
                "au maximum "
                "#boycottpizzadoro #pizzadorogate"
            ),
            (
                "Si vous aussi vous avez été dégoûtés par la vidéo {brand}, partagez ce message. "
                "Ne "
                "commandez plus chez eux tant qu'ils n'ont pas répondu. #pizzadorogate"
            ),
        ),
        en=(
            (
                "BOYCOTT {brand}! After that video not one more cent from us. Share everywhere "
                "#boycottpizzadoro #pizzadorogate"
            ),
            (
                "If the {brand} video disgusted you too, share this. Don't order until they "
                "answer. "
                "#pizzadorogate"
            ),
        ),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "scandal_defense",
        "other",
        "neutral",
        0.05,
        fr=(
            (
                "Attendons les explications de {brand} avant de {lyncher|tout brûler}, {la vidéo "
                "date "
                "peut-être de plusieurs années|deux idiots ne font pas toute une chaîne}"
            ),
            (
                "Le livreur de {brand} de mon quartier est adorable, {il n'y est pour rien|pensez "
                "aux salariés}"
            ),
            (
                "{Ça arrive partout|Ça se passe dans toutes les cuisines}, {brand} s'est juste "
                "fait "
                "prendre"
            ),
        ),
        en=(
            (
                "Let's wait for {brand}'s side before {the pile-on|burning it all down}, "
                "{the video may be old|two idiots aren't the whole chain}"
            ),
            "Think of the {brand} staff who did nothing wrong",
        ),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "scandal_joke",
        "other",
        "negative",
        0.05,
        fr=(
            "Bon ben ce soir ce sera pâtes 🍝 #pizzadorogate",
            "{pizza} de {brand} avec supplément {semelle|sol de cuisine} 😂",
            "Moi qui pensais que le goût spécial c'était la sauce maison 💀",
        ),
        en=(
            "Guess it's pasta tonight 🍝 #pizzadorogate",
            "{brand} {pizza} with extra floor topping 😂",
        ),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "scandal_question",
        "question",
        "neutral",
        0.04,
        fr=(
            "C'est quel restaurant {brand} dans la vidéo ? {Quelqu'un sait ?|C'est à {city_fr} ?}",
            "La vidéo {brand} c'est {vrai|un fake} ou pas ?",
        ),
        en=(
            "Which {brand} is the video from? {Anyone know?|Is it {city_en}?}",
            "Is the {brand} video real or fake?",
        ),
        platforms=("mastodon", "bluesky", "reddit"),
    ),
    Topic(
        "scandal_email",
        "complaint",
        "negative",
        0.04,
        fr=(
            (
                "Bonjour,\nsuite à la vidéo, je demande le remboursement de ma commande "
                "{order_no} et la "
                "suppression de mon compte. Contact : {me_email}\n{me}"
            ),
            (
                "Bonjour,\nj'ai mangé chez vous ({store}) samedi et je suis malade depuis. Après "
                "cette "
                "vidéo, j'exige des explications. Appelez-moi au {phone}.\n{me}"
            ),
        ),
        en=(
            (
                "Hello,\nafter the video I want a refund for order {order_no} and my account "
                "deleted. "
                "{me}, {me_email}"
            ),
        ),
        titles_fr=("Vidéo : demande de remboursement", "Explications exigées"),
        titles_en=("Video: refund request",),
        platforms=("email",),
    ),
)

REPLY_TOPICS = (
    Topic(
        "answer",
        "answer",
        "neutral",
        1.0,
        fr=(
            "{parent_handle} {Oui|Oui oui}, {sur la carte|c'est marqué sur le site} {😉|}",
            "{parent_handle} {Jusqu'à 23h|Jusqu'à minuit le week-end} normalement",
            "{parent_handle} Prends {pizza}, {tu me remercieras|valeur sûre}",
        ),
        en=(
            "{parent_handle} Yes, it's on the menu {😉|}",
            "{parent_handle} Get the {pizza}, trust me",
        ),
    ),
    Topic(
        "agree",
        "praise",
        "positive",
        1.0,
        fr=(
            "{Miam|Trop bon|J'ai faim maintenant} {😋|🍕|}",
            "{parent_handle} {Team {pizza}|Valeur sûre}",
        ),
        en=("{Yum|Now I'm hungry} {😋|🍕|}", "{parent_handle} {Great choice|Solid pick}"),
    ),
    Topic(
        "same_problem",
        "complaint",
        "negative",
        1.0,
        fr=(
            (
                "{Pareil|Même chose} {ce soir|la semaine dernière} {parent_handle}, {ça devient "
                "n'importe quoi|nul}"
            ),
            "{parent_handle} {Idem|Pareil}, {late_min} minutes pour moi",
        ),
        en=("{Same|Same here} {parent_handle}, {late_min} minutes for me",),
    ),
    Topic(
        "chitchat",
        "other",
        "neutral",
        1.0,
        fr=("{Ah|Ok} {bon à savoir|je note}", "{parent_handle} {mdr|lol} {😂|}"),
        en=("{Good to know|Noted}", "{parent_handle} {lol|haha} {😂|}"),
    ),
    Topic(
        "scandal_agree",
        "complaint",
        "negative",
        1.0,
        fr=(
            "{Tellement|Complètement} d'accord {parent_handle}, {écœurant|honteux}",
            "{Jamais plus|Plus jamais} {brand} {!|!!|}",
            "{parent_handle} {+1000|Exactement} #pizzadorogate",
            "{J'ai vu la vidéo|La vidéo est dispo partout}, {c'est pire que ce qu'on dit|à vomir}",
        ),
        en=(
            "{Totally agree|Exactly} {parent_handle}, {disgusting|shameful}",
            "Never again {brand}",
            "{parent_handle} {+1|This} #pizzadorogate",
        ),
    ),
    Topic(
        "scandal_reply_insult",
        "complaint",
        "negative",
        1.0,
        abuse="insult",
        fr=(
            "{parent_handle} {t'es con ou quoi|ferme-la espèce d'abruti}, t'as vu la vidéo ?",
            "Des {porcs|connards}, {tous|voilà tout}",
        ),
        en=(
            "{parent_handle} {shut up you idiot|are you dumb}, did you even watch the video?",
            "{Pigs|Assholes}, all of them",
        ),
    ),
    Topic(
        "scandal_reply_defense",
        "other",
        "neutral",
        1.0,
        fr=(
            (
                "{parent_handle} {Calmez-vous|On se calme}, {attendons l'enquête|on ne sait rien "
                "encore}"
            ),
            "{parent_handle} Les salariés n'y sont pour rien",
        ),
        en=(
            (
                "{parent_handle} {Calm down|Easy}, {let's wait for the facts|we don't know "
                "anything "
                "yet}"
            ),
        ),
    ),
)

REPLY_MAP = {
    "order": {"agree": 0.7, "chitchat": 0.3},
    "praise": {"agree": 0.8, "chitchat": 0.2},
    "late_delivery": {"same_problem": 0.7, "chitchat": 0.3},
    "wrong_order": {"same_problem": 0.7, "chitchat": 0.3},
    "question": {"answer": 0.8, "chitchat": 0.2},
    "promo": {"chitchat": 1.0},
    "pineapple": {"chitchat": 1.0},
    "spam": {"chitchat": 1.0},
    "scandal_outrage": {
        "scandal_agree": 0.7,
        "scandal_reply_insult": 0.15,
        "scandal_reply_defense": 0.15,
    },
    "scandal_video": {
        "scandal_agree": 0.8,
        "scandal_reply_insult": 0.1,
        "scandal_reply_defense": 0.1,
    },
    "scandal_insult": {"scandal_agree": 0.5, "scandal_reply_defense": 0.5},
    "scandal_threat": {"scandal_reply_defense": 1.0},
    "scandal_identity": {"scandal_reply_defense": 1.0},
    "scandal_boycott": {"scandal_agree": 0.9, "scandal_reply_defense": 0.1},
    "scandal_defense": {"scandal_reply_insult": 0.4, "scandal_agree": 0.6},
    "scandal_joke": {"chitchat": 0.6, "scandal_agree": 0.4},
    "scandal_question": {"scandal_agree": 0.6, "chitchat": 0.4},
}

KIND_SHARES = {"original": 0.72, "reply": 0.18, "repost": 0.07, "neardup": 0.03}
SCANDAL_KIND_SHARES = {"original": 0.45, "reply": 0.2, "repost": 0.22, "neardup": 0.13}

PLATFORMS = {
    "mastodon": 0.2,
    "bluesky": 0.25,
    "reddit": 0.12,
    "discourse": 0.0,
    "rss": 0.02,
    "email": 0.16,
    "webhook": 0.25,
}
SCANDAL_PLATFORMS = {
    "mastodon": 0.3,
    "bluesky": 0.36,
    "reddit": 0.2,
    "discourse": 0.0,
    "rss": 0.06,
    "email": 0.05,
    "webhook": 0.03,
}

# People talk about pizza at lunch and dinner, hardly at night; Fridays and Saturdays peak.
HOURLY = (
    0.3,
    0.2,
    0.1,
    0.05,
    0.05,
    0.05,
    0.1,
    0.2,
    0.35,
    0.5,
    0.7,
    1.6,
    2.3,
    1.5,
    0.7,
    0.5,
    0.6,
    0.9,
    1.6,
    2.5,
    2.8,
    1.9,
    1.0,
    0.6,
)
WEEKLY = (0.85, 0.85, 0.9, 0.95, 1.25, 1.4, 1.1)
