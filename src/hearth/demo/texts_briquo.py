"""Briquo, a French toy-brick maker with an enthusiastic community of builders (FR and EN).

Topics are what people post on their own; reply topics are what they answer to a post of a
given topic. Slots are filled by ``hearth.demo.texts``; a slot used once in a text keeps its
value for the whole text ("le 4021 ... la notice du 4021").
"""

from __future__ import annotations

from hearth.demo.template import Topic

SETS = (
    # French names are all masculine so that "le {set_name}" / "du {set_name}" read right.
    ("4021", "Phare breton", "Breton Lighthouse"),
    ("3110", "Grand Hall de la gare", "Central Station"),
    ("7750", "Château des Brumes", "Misty Castle"),
    ("2204", "Camion de pompiers", "Fire Truck"),
    ("9001", "Vaisseau orbital Vega", "Vega Orbital Station"),
    ("5120", "Fournil du coin", "Corner Bakery"),
    ("6603", "Bateau pirate Marée Noire", "Black Tide Pirate Ship"),
    ("1408", "Lanceur spatial junior", "Junior Rocket"),
    ("8342", "Moulin à vent", "Windmill"),
    ("4470", "Dragon des neiges", "Snow Dragon"),
    ("3333", "Viaduc de Millau 1:500", "Millau Viaduct 1:500"),
    ("2718", "Food-truck", "Food Truck"),
    ("6120", "Chalet du Vercors", "Mountain Chalet"),
    ("9450", "Robot mécano", "Mech Robot"),
    ("1209", "Poste de police", "Police Station"),
    ("7072", "Train à vapeur", "Steam Train"),
)

VOCAB = {
    "fr": {
        "piece": (
            "brique 2x4 rouge",
            "plaque 1x2 grise",
            "tuile 2x2 bleue",
            "roue 24 mm",
            "charnière noire",
            "minifig du gardien",
            "pièce transparente orange",
            "axe technic de 6",
            "brique ronde 1x1 jaune",
            "plaque 6x8 verte",
            "fenêtre 1x2x3",
            "porte de la boulangerie",
            "voile imprimée",
        ),
        "kid": (
            "mon fils",
            "ma fille",
            "mon neveu",
            "ma nièce",
            "mon petit",
            "ma grande",
            "les enfants",
            "mon filleul",
        ),
        "theme": (
            "château fort",
            "vaisseau spatial",
            "ville médiévale",
            "station de ski",
            "gare de montagne",
            "port breton",
            "jungle",
            "base lunaire",
            "marché de Noël",
            "cathédrale",
            "circuit de F1",
            "village de pêcheurs",
        ),
        "idea": (
            "une série sur les monuments de Paris",
            "un set Mont-Saint-Michel",
            "une gamme de bâtiments modulaires français",
            "un TGV motorisé",
            "des sets sur les métiers d'art",
            "un Airbus A380",
            "un set fête foraine",
            "une abbaye avec cloître",
            "une station Vélib'",
            "un musée d'histoire naturelle",
        ),
        # With their preposition: "il en reste {store} ?"
        "store": (
            "à la boutique Briquo de Lyon",
            "au magasin de Lille",
            "à la Fnac",
            "sur la boutique en ligne",
            "au stand du salon de Nantes",
            "au magasin de Bordeaux",
            "chez mon marchand de jouets",
        ),
        "friend": ("mon pote", "ma sœur", "un collègue", "mon mari", "ma femme", "mon frère"),
    },
    "en": {
        "piece": (
            "red 2x4 brick",
            "grey 1x2 plate",
            "blue 2x2 tile",
            "24 mm wheel",
            "black hinge",
            "keeper minifig",
            "trans-orange piece",
            "6-long technic axle",
            "yellow 1x1 round brick",
            "green 6x8 plate",
            "1x2x3 window",
            "printed sail",
        ),
        "kid": (
            "my son",
            "my daughter",
            "my nephew",
            "my niece",
            "my kid",
            "the kids",
            "my godson",
            "my little one",
        ),
        "theme": (
            "castle",
            "spaceship",
            "medieval town",
            "ski resort",
            "mountain station",
            "harbour",
            "jungle temple",
            "moon base",
            "Christmas market",
            "cathedral",
            "F1 track",
            "fishing village",
        ),
        "idea": (
            "a Paris landmarks series",
            "a Mont-Saint-Michel set",
            "French modular buildings",
            "a motorised high-speed train",
            "an A380 airliner",
            "a funfair set",
            "an abbey with a cloister",
            "a natural history museum",
            "a lighthouse keeper's cottage",
        ),
        "store": (
            "the Lyon Briquo store",
            "the online shop",
            "the Lille store",
            "the convention booth",
            "my local toy shop",
        ),
        "friend": ("my mate", "my sister", "a colleague", "my husband", "my wife", "my brother"),
    },
}

HASHTAGS = ("#briquo", "#briquofans", "#MOC", "#AFOL", "#briques", "#bricks", "#briquolove")
DOMAIN = "briquo.fr"
HANDLE = "@briquo"
NAME = "Briquo"

TOPICS = (
    Topic(
        "instructions",
        "question",
        "neutral",
        0.09,
        fr=(
            (
                "{Bonjour|Salut|Hello|Coucou|} {at_brand} où trouver la notice du set {set_num} ? "
                "{Je l'ai perdue|Le chien l'a mangée|Elle est déchirée|Mon fils l'a coloriée} "
                "{😅|🙈|}"
            ),
            (
                "Quelqu'un aurait la notice PDF du {set_num} {({set_name})|} ? {Merci "
                "d'avance|Merci "
                "!|svp}"
            ),
            (
                "{Question|Petite question} : la notice du {set_name} est dispo en ligne ? "
                "{Je trouve rien sur {url_shop}|Introuvable sur le site}"
            ),
            (
                "Étape {small_num} de la notice du {set_num}, je comprends pas où va la {piece}. "
                "{Une idée ?|Help !|Au secours 😭|Quelqu'un a eu le même souci ?}"
            ),
            (
                "{Bonsoir|Salut} la commu, la notice papier du {set_name} saute de l'étape "
                "{small_num} "
                "à {big_num}, c'est normal ??"
            ),
            (
                "Les notices Briquo ne sont plus dans les boîtes ? Il faut {vraiment|} passer par "
                "l'appli ?"
            ),
        ),
        en=(
            (
                "Where can I find the instructions for set {set_num}? {Lost mine|The dog ate them|"
                "Mine got torn} {😅|🙈|}"
            ),
            "Anyone got a PDF of the {set_name} ({set_num}) instructions? {Thanks in advance|pls}",
            (
                "Step {small_num} of the {set_num} manual: where does the {piece} go?? "
                "{Help|Confused|"
                "I'm lost}"
            ),
            (
                "{Hey|Hi} {at_brand}, are the {set_name} instructions online somewhere? Can't "
                "find them "
                "on {url_shop}"
            ),
            "Do Briquo sets still come with paper instructions or is it app only now?",
        ),
        titles_fr=(
            "Notice du {set_num} introuvable",
            "[Aide] notice {set_name}",
            "Étape {small_num} du {set_num} ?",
        ),
        titles_en=(
            "Instructions for {set_num}?",
            "[Help] {set_name} manual",
            "Step {small_num} of {set_num}",
        ),
        platforms=("mastodon", "bluesky", "reddit", "discourse", "webhook"),
    ),
    Topic(
        "availability",
        "question",
        "neutral",
        0.07,
        fr=(
            "Le {set_name} est en rupture partout, il revient quand ? {at_brand}",
            "{Vous savez|Qqn sait} si le {set_num} sera réédité ? Je l'ai raté l'an dernier 😢",
            (
                "Il reste des {set_name} {store} ? {J'y passe samedi|Je veux pas faire le "
                "déplacement pour rien}"
            ),
            "C'est quand la sortie des sets de {Noël|printemps|la rentrée} ? {Hâte !|}",
            "Le {set_num} est à {price} {store}, c'est le prix normal ou une promo ?",
        ),
        en=(
            "Is the {set_name} sold out everywhere? When is it back {at_brand}?",
            "Will the {set_num} ever be re-released? Missed it last year 😢",
            "Anyone seen the {set_name} in stock near {city_en}?",
            "When do the {Christmas|spring|autumn} sets drop?",
            "{set_num} is {price} at {store}, is that the normal price?",
        ),
        titles_fr=("Rupture du {set_num}", "Réédition du {set_name} ?"),
        titles_en=("{set_num} out of stock", "{set_name} re-release?"),
        platforms=("mastodon", "bluesky", "reddit", "discourse"),
    ),
    Topic(
        "compatibility",
        "question",
        "neutral",
        0.05,
        fr=(
            (
                "Les briques {brand} sont compatibles avec les autres marques ? {Pour mélanger "
                "avec "
                "ma vieille caisse|}"
            ),
            "Le {set_name} c'est faisable pour {kid} de {age} ans ou c'est trop dur ?",
            "Vous connaissez la référence de la {piece} ? Je veux en commander {big_num}",
            "On peut motoriser le {set_name} ? Il y a un kit moteur {brand} ?",
            "C'est quoi la différence entre le {set_num} et l'ancienne version ?",
        ),
        en=(
            "Are {brand} bricks compatible with other brands? {Want to mix them with my old tub|}",
            "Is the {set_name} OK for a {age} year old or too hard?",
            "What's the part number for the {piece}? Need about {big_num} of them",
            "Can you motorise the {set_name}? Is there a {brand} motor kit?",
        ),
        titles_fr=("Compatibilité des briques", "{set_name} pour {age} ans ?"),
        titles_en=("Brick compatibility?", "{set_name} for a {age} year old?"),
        platforms=("mastodon", "bluesky", "reddit", "discourse"),
    ),
    Topic(
        "praise_set",
        "praise",
        "positive",
        0.16,
        fr=(
            (
                "{Fini|Terminé|Enfin fini} le {set_name} ! {Trop beau|Magnifique|Une tuerie|Quel "
                "plaisir} "
                "{#briquo|} {{url_photo}|}"
            ),
            (
                "{Franchement|Sérieux|Honnêtement} le {set_num} est le meilleur set {brand} "
                "{ever|depuis des années}. "
                "{Les finitions|La notice|Le design|Les couleurs} {au top|trop bien|parfait}"
            ),
            (
                "{set_small_hours} heures de montage pour le {set_name}, {zéro regret|que du "
                "bonheur|je recommande}"
            ),
            (
                "Je viens de finir le {set_name} avec {kid}, {on a adoré|quel moment|il veut "
                "déjà le suivant} "
                "{merci {at_brand}|}"
            ),
            (
                "La qualité des briques {brand} {s'améliore vraiment|est top|est bluffante}, "
                "aucun jeu, "
                "couleurs nickel"
            ),
            "Le {set_name} trône sur mon bureau, {mes collègues sont jaloux|il fait sensation} 😎",
            "{Ouah|Waouh|Wow} le nouveau {set_name} est {trop|super|vraiment} {beau|réussi|génial}",
        ),
        en=(
            (
                "{Finished|Just finished|Done with} the {set_name}! {So good|Gorgeous|What a "
                "build} "
                "{{url_photo}|}"
            ),
            (
                "{Honestly|Ngl|Tbh} the {set_num} is the best {brand} set {ever|in years}. "
                "{The colours|The build|The manual} {are spot on|is great|rocks}"
            ),
            "{set_small_hours} hours building the {set_name} and {loved every minute|no regrets}",
            "Built the {set_name} with {kid} this weekend, {so much fun|they loved it} ❤️",
            "{brand} brick quality is {really|so} good now, clutch power is perfect",
            "The new {set_name} is {so|really} {cool|awesome|good} {😍|🔥|}",
        ),
        titles_fr=("{set_name} terminé !", "Mon avis sur le {set_num}"),
        titles_en=("Finished the {set_name}!", "{set_num} review: love it"),
        platforms=("mastodon", "bluesky", "reddit", "discourse", "webhook", "email"),
        hashtags=("#briquo", "#briquolove"),
    ),
    Topic(
        "moc",
        "share",
        "positive",
        0.14,
        fr=(
            "Mon dernier MOC : un {theme} en {big_num} pièces {brand} {url_photo} #MOC #briquo",
            (
                "{Voici|Je vous présente} ma création : {theme} façon {brand}, {big_num} briques, "
                "{small_num} mois de boulot {url_photo}"
            ),
            "MOC du week-end : {theme} {url_photo} {Vos avis ?|Qu'en pensez-vous ?|}",
            "J'ai fusionné le {set_num} et le {set_num2} pour faire un {theme} 😁 {url_photo}",
            "Premier MOC {un peu|} sérieux, soyez indulgents : {theme} {url_photo}",
            "Expo du club ce week-end, mon {theme} sera là ! {big_num} pièces {#AFOL|}",
        ),
        en=(
            "My latest MOC: a {theme} in {big_num} {brand} pieces {url_photo} #MOC",
            (
                "{Here's|Presenting} my {theme} MOC, {big_num} bricks, {small_num} months of work "
                "{url_photo}"
            ),
            "Weekend MOC: {theme} {url_photo} {thoughts?|feedback welcome|}",
            "Merged the {set_num} and {set_num2} into a {theme} {url_photo}",
            "First serious MOC, be kind: {theme} {url_photo} #AFOL",
        ),
        titles_fr=("[MOC] {theme}", "Ma création : {theme}"),
        titles_en=("[MOC] {theme}", "My {theme} MOC"),
        platforms=("mastodon", "bluesky", "reddit", "discourse"),
        hashtags=("#MOC", "#AFOL", "#briquo"),
    ),
    Topic(
        "set_idea",
        "suggestion",
        "positive",
        0.09,
        fr=(
            (
                "{Idée|Suggestion} pour {at_brand} : {idea} ! {Je l'achète direct|Qui est chaud ?|"
                "Ça ferait un carton}"
            ),
            "Pourquoi {brand} ne fait pas {idea} ? {Ce serait trop bien|On attend que ça}",
            "Rêve de fan : {idea} chez {brand}. {Qui vote ?|Partagez si vous êtes d'accord}",
            "Vous prendriez {idea} à {price} ? Moi oui",
        ),
        en=(
            "Idea for {at_brand}: {idea}! {Would buy instantly|Who's in?}",
            "Why doesn't {brand} make {idea}? {Would be amazing|Take my money}",
            "Dream set: {idea}. {Who'd buy it?|Share if you agree}",
        ),
        titles_fr=("Idée de set : {idea}",),
        titles_en=("Set idea: {idea}",),
        platforms=("mastodon", "bluesky", "reddit", "discourse"),
    ),
    Topic(
        "missing_piece",
        "complaint",
        "negative",
        0.06,
        fr=(
            (
                "Il manque {une pièce|deux pièces|la {piece}} dans mon {set_num} {😡|😤|🙄|}. "
                "{C'est la deuxième fois|Ça commence à bien faire|Déçu}"
            ),
            (
                "{at_brand} sachet {small_num} incomplet dans le {set_name}, il manque la {piece}. "
                "On fait comment ?"
            ),
            (
                "Bloqué à l'étape {big_num} du {set_num}, pas de {piece} dans la boîte. "
                "{Super|Génial} "
                "pour un cadeau de Noël…"
            ),
            (
                "Pièce manquante dans le {set_name}, j'ai rempli le formulaire il y a {days} "
                "jours, "
                "toujours rien"
            ),
            # People do post their number or address in public when support is slow.
            (
                "{at_brand} toujours pas de réponse du SAV pour ma {piece}, rappelez-moi au "
                "{phone} "
                "svp"
            ),
            "{at_brand} je vous ai écrit {deux|trois} fois, mon mail c'est {me_email}, on m'aide ?",
        ),
        en=(
            (
                "Missing {a piece|two pieces|the {piece}} in my {set_num} {😡|🙄|}. "
                "{Second time|Not great}"
            ),
            "{at_brand} bag {small_num} of the {set_name} is missing the {piece}. What now?",
            (
                "Stuck at step {big_num} of {set_num}, no {piece} in the box. Great for a birthday "
                "present…"
            ),
        ),
        titles_fr=("Pièce manquante {set_num}",),
        titles_en=("Missing piece in {set_num}",),
        platforms=("mastodon", "bluesky", "reddit", "discourse", "webhook"),
        hashtags=("#briquo", "#SAV"),
    ),
    Topic(
        "missing_piece_email",
        "complaint",
        "negative",
        0.05,
        fr=(
            (
                "Bonjour,\n\nJ'ai acheté le set {set_num} ({set_name}) {store_ref} et il manque "
                "la {piece} "
                "(sachet {small_num}). Pouvez-vous me l'envoyer ?\n\nMon adresse e-mail : "
                "{me_email}\n"
                "{Tél|Téléphone|Portable} : {phone}\n\nCordialement,\n{me}"
            ),
            (
                "Bonjour, commande {order_no} : la boîte du {set_name} est arrivée sans la "
                "notice et avec "
                "{small_num} pièces en moins. {Merci de me rappeler au {phone}|Vous pouvez me "
                "joindre au "
                "{phone}}. {me}"
            ),
            (
                "Madame, Monsieur,\nmon {kid} a reçu le {set_name} pour son anniversaire mais la "
                "{piece} "
                "est cassée. Je souhaiterais un remplacement.\n{me}\n{phone}"
            ),
            (
                "Bonjour,\nje vous écris pour la {deuxième|troisième} fois au sujet d'une pièce "
                "manquante "
                "dans le {set_num}. Merci de me répondre à {me_email}.\n{me}"
            ),
        ),
        en=(
            (
                "Hello,\n\nI bought set {set_num} ({set_name}) and the {piece} is missing (bag "
                "{small_num}). "
                "Could you send a replacement?\n\nEmail: {me_email}\nPhone: {phone}\n\nBest,\n{me}"
            ),
            (
                "Hi, order {order_no}: the {set_name} arrived with {small_num} pieces missing. "
                "Please call "
                "me on {phone}. {me}"
            ),
            (
                "Dear Briquo team,\nmy {kid} got the {set_name} but the {piece} is broken. I'd "
                "like a "
                "replacement.\nThanks,\n{me}"
            ),
        ),
        titles_fr=(
            "Pièce manquante set {set_num}",
            "Réclamation commande {order_no}",
            "Demande de pièce de rechange",
        ),
        titles_en=(
            "Missing piece set {set_num}",
            "Complaint order {order_no}",
            "Replacement part request",
        ),
        platforms=("email",),
    ),
    Topic(
        "delivery",
        "complaint",
        "negative",
        0.05,
        fr=(
            "Commande passée il y a {days} jours sur {url_shop}, toujours pas livrée. {at_brand} ?",
            (
                "Colis {brand} arrivé {écrasé|ouvert|trempé}, la boîte du {set_name} est "
                "{fichue|en "
                "miettes} 😤"
            ),
            (
                "Livraison annoncée {mardi|hier|la semaine dernière}, le suivi n'a pas bougé "
                "depuis. "
                "{Sympa|Top} 🙄"
            ),
            "{at_brand} mon colis {order_no} est marqué livré mais j'ai rien reçu",
            "{at_brand} commande {order_no} perdue, joignable au {phone} si besoin",
        ),
        en=(
            "Ordered {days} days ago on {url_shop}, still nothing. {at_brand}?",
            "{brand} parcel arrived {crushed|soaked|opened}, the {set_name} box is ruined 😤",
            "Tracking hasn't moved in {days} days {at_brand}, order {order_no}",
        ),
        titles_fr=("Livraison en retard",),
        titles_en=("Late delivery",),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
        hashtags=("#SAV",),
    ),
    Topic(
        "delivery_email",
        "complaint",
        "negative",
        0.03,
        fr=(
            (
                "Bonjour,\nma commande {order_no} n'est toujours pas arrivée ({days} jours). "
                "C'est un "
                "cadeau, c'est urgent. Joignable au {phone}.\n{me}"
            ),
            (
                "Bonjour, le colis de la commande {order_no} est arrivé abîmé. Photos jointes. "
                "Mon e-mail : {me_email}. Merci, {me}"
            ),
        ),
        en=(
            (
                "Hello,\nmy order {order_no} still hasn't arrived after {days} days. It's a "
                "gift. You can "
                "reach me at {phone}.\n{me}"
            ),
        ),
        titles_fr=("Commande {order_no} non reçue", "Colis abîmé"),
        titles_en=("Order {order_no} not received",),
        platforms=("email",),
    ),
    Topic(
        "price",
        "complaint",
        "negative",
        0.04,
        fr=(
            "{price} le {set_name}… {brand} abuse {un peu|grave|franchement} sur les prix",
            (
                "Les prix {brand} ont pris {small_num}0% en {deux ans|un an}, ça devient un loisir "
                "de riches"
            ),
            "J'adore {brand} mais {price} pour {big_num} pièces, {non|faut pas pousser}",
        ),
        en=(
            "{price} for the {set_name}… {brand} prices are getting silly",
            "Love {brand} but {price} for {big_num} pieces? {No thanks|Come on}",
        ),
        platforms=("mastodon", "bluesky", "reddit", "discourse"),
    ),
    Topic(
        "gift",
        "praise",
        "positive",
        0.07,
        fr=(
            (
                "{kid} a eu le {set_name} pour son anniversaire, {il|elle} n'a pas décroché de la "
                "journée 😍"
            ),
            "Meilleur cadeau de Noël : le {set_num}. {Merci {brand}|Des heures de calme} 😂",
            (
                "On a monté le {set_name} en famille ce {dimanche|week-end}, {trop chouette|super "
                "moment}"
            ),
        ),
        en=(
            "{kid} got the {set_name} for their birthday and hasn't stopped building 😍",
            "Best Christmas present: the {set_num}. Hours of peace and quiet 😂",
            "Family build of the {set_name} this weekend, {lovely|great} time",
        ),
        platforms=("mastodon", "bluesky", "reddit", "webhook"),
    ),
    Topic(
        "event",
        "share",
        "positive",
        0.04,
        fr=(
            (
                "Salon {brand} à {city_fr} le {weekend_day} : {small_num}0 exposants, on y sera ! "
                "#AFOL"
            ),
            (
                "Expo du club {brand} de {city_fr} ce week-end, entrée libre, venez nombreux "
                "{url_event}"
            ),
            "Concours de MOC {brand} : thème « {theme} », résultats le {small_num} {url_event}",
        ),
        en=(
            "{brand} fan expo in {city_en} this {weekend_day}, {small_num}0 exhibitors! #AFOL",
            "{brand} MOC contest: theme '{theme}', results on the {small_num}th {url_event}",
        ),
        titles_fr=("Expo {brand} à {city_fr}",),
        titles_en=("{brand} expo in {city_en}",),
        platforms=("mastodon", "bluesky", "discourse", "reddit"),
    ),
    Topic(
        "review",
        "news",
        "positive",
        0.03,
        fr=(
            (
                "Test du {set_name} ({set_num}) : {brand} signe {un de ses plus beaux sets|un set "
                "solide}, malgré un prix de {price}. Notre avis complet. {url_article}"
            ),
            "{brand} dévoile ses sets de {printemps|l'automne|Noël}, dont {idea}. {url_article}",
            "Le fabricant français {brand} ouvre une boutique à {city_fr}. {url_article}",
        ),
        en=(
            (
                "Review: {brand} {set_name} ({set_num}) is {one of the best sets of the year|a "
                "solid "
                "build} despite the {price} price tag. {url_article}"
            ),
            "French brick maker {brand} reveals its new line-up, including {idea}. {url_article}",
        ),
        titles_fr=(
            "Test : {brand} {set_name}",
            "{brand} dévoile ses nouveautés",
            "{brand} ouvre une boutique à {city_fr}",
        ),
        titles_en=("Review: {brand} {set_name}", "{brand} reveals new sets"),
        platforms=("rss",),
    ),
    Topic(
        "spam",
        "spam",
        "neutral",
        0.03,
        fr=(
            "🔥 Briques compatibles {brand} à -80% !!! Livraison gratuite 👉 {url_spam}",
            "Gagnez un set {brand} {set_num} GRATUIT, cliquez ici {url_spam} 🎁🎁",
            (
                "Revendez vos sets {brand} au meilleur prix, paiement immédiat {url_spam} contact "
                "{spam_email}"
            ),
        ),
        en=(
            "🔥 {brand}-compatible bricks 80% OFF!!! Free shipping 👉 {url_spam}",
            "WIN a FREE {brand} {set_num} set, click here {url_spam} 🎁",
            "Earn $500/day from home, DM me or {url_spam}",
        ),
        platforms=("mastodon", "bluesky", "reddit", "discourse", "webhook"),
    ),
)

REPLY_TOPICS = (
    Topic(
        "answer",
        "answer",
        "neutral",
        1.0,
        fr=(
            "{parent_handle} {Toutes les notices sont|La notice est} sur {url_notice} {😉|}",
            (
                "{parent_handle} {Essaie|Écris} au service client, ils envoient les pièces "
                "{gratuitement|vite}"
            ),
            (
                "{parent_handle} C'est la {piece}, ref {big_num}{small_num}, {on la trouve sur le "
                "site|dispo en boutique}"
            ),
            (
                "{Oui|Ouais}, {il ressort en {septembre|mars}|ils l'ont annoncé au salon} "
                "{parent_handle}"
            ),
            "{parent_handle} Pour {kid} de {age} ans ça passe {sans souci|avec un peu d'aide}",
        ),
        en=(
            "{parent_handle} {All instructions are|It's} on {url_notice} {😉|}",
            "{parent_handle} {Contact|Email} customer service, they send parts for free",
            "{parent_handle} That's the {piece}, part {big_num}{small_num}",
            "{parent_handle} Yes, {it's back in {September|March}|they announced it at the expo}",
        ),
    ),
    Topic(
        "compliment",
        "praise",
        "positive",
        1.0,
        fr=(
            "{Magnifique|Superbe|Incroyable|Bravo|Trop fort} {!|!!|} {😍|👏|🔥|}",
            "{parent_handle} {Wow|Ouah} le niveau de détail {😮|}",
            "{parent_handle} Tu as mis combien de temps ? {C'est dingue|Respect}",
            "{Génial|Trop beau}, tu le montres à l'expo ?",
        ),
        en=(
            "{Amazing|Stunning|Incredible|Wow} {!|!!|} {😍|👏|🔥|}",
            "{parent_handle} The detail on this {😮|}",
            "{parent_handle} How long did that take? {Insane|Respect}",
        ),
    ),
    Topic(
        "same_problem",
        "complaint",
        "negative",
        1.0,
        fr=(
            (
                "{Pareil|Même problème|Idem} {pour moi|chez moi} {parent_handle}, {c'est "
                "pénible|ras "
                "le bol}"
            ),
            (
                "{parent_handle} Ça m'est arrivé aussi, {le SAV a mis {days} jours|toujours pas de "
                "réponse}"
            ),
        ),
        en=(
            "{Same|Same here|Same problem} {parent_handle}, {annoying|so frustrating}",
            "{parent_handle} Happened to me too, {support took {days} days|still no answer}",
        ),
    ),
    Topic(
        "agree_idea",
        "suggestion",
        "positive",
        1.0,
        fr=(
            "+1 {je l'achète direct|je signe|}",
            "{Oh oui|Grave}, {parent_handle} a raison",
            "{Je vote pour|Carrément} ! {🙌|}",
        ),
        en=(
            "+1 {would buy|take my money|}",
            "{Yes|Absolutely} {parent_handle}",
            "I'd buy two {🙌|}",
        ),
    ),
    Topic(
        "chitchat",
        "other",
        "neutral",
        1.0,
        fr=(
            "{Ah|Tiens} {c'est vrai ça|je savais pas}",
            "{parent_handle} {lol|mdr} {😂|}",
            "Quelqu'un a testé ?",
            "{Intéressant|À suivre}",
        ),
        en=(
            "{Huh|Oh} {didn't know that|good point}",
            "{parent_handle} {lol|haha} {😂|}",
            "Anyone tried it?",
        ),
    ),
)

# What people answer to a post of a given topic (reply topic names with weights).
REPLY_MAP = {
    "instructions": {"answer": 0.8, "chitchat": 0.2},
    "availability": {"answer": 0.6, "chitchat": 0.4},
    "compatibility": {"answer": 0.8, "chitchat": 0.2},
    "praise_set": {"compliment": 0.6, "chitchat": 0.4},
    "moc": {"compliment": 0.85, "chitchat": 0.15},
    "set_idea": {"agree_idea": 0.7, "chitchat": 0.3},
    "missing_piece": {"same_problem": 0.5, "answer": 0.4, "chitchat": 0.1},
    "delivery": {"same_problem": 0.6, "chitchat": 0.4},
    "price": {"same_problem": 0.5, "chitchat": 0.5},
    "gift": {"compliment": 0.5, "chitchat": 0.5},
    "event": {"chitchat": 0.6, "compliment": 0.4},
    "spam": {"chitchat": 1.0},
}

# Shares of each kind of item: originals, replies, reposts and near-duplicate copies.
KIND_SHARES = {"original": 0.72, "reply": 0.2, "repost": 0.06, "neardup": 0.02}

PLATFORMS = {
    "mastodon": 0.22,
    "bluesky": 0.22,
    "reddit": 0.16,
    "discourse": 0.18,
    "rss": 0.03,
    "email": 0.10,
    "webhook": 0.09,
}

# Local hour of day (Europe/Paris) and weekday activity: builders post in the evening and at
# weekends, barely at night. Normalised by the world to a weekly mean of 1.
HOURLY = (
    0.25,
    0.15,
    0.1,
    0.08,
    0.08,
    0.12,
    0.3,
    0.55,
    0.8,
    0.95,
    1.0,
    1.05,
    1.1,
    1.05,
    1.05,
    1.1,
    1.2,
    1.3,
    1.4,
    1.55,
    1.7,
    1.65,
    1.2,
    0.6,
)
WEEKLY = (0.9, 0.88, 0.95, 0.95, 1.0, 1.25, 1.3)
