"""Bilingual (French/English, a little Spanish/German/Portuguese) text templates for the world.

Texts are composed from many templates, slot fillers, openers, closers, emojis, casing changes and
typos so that no single phrase identifies an intent. Composition is a Python loop, so texts are
drawn from per-(voice, intent, language) pools whose size is capped: a 10-million-interaction world
needs under a million texts but only a few tens of thousands of distinct compositions.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import numpy as np

BRAND_NAME = "Rivage"
BRAND_HANDLE = "rivage.paris"

# Codes shared with the generator (stored as small integers in the interaction arrays).
INTENTS = ("purchase", "job", "cocreation", "support", "critique", "praise", "generic", "spam")
PURCHASE, JOB, COCREATION, SUPPORT, CRITIQUE, PRAISE, GENERIC, SPAM = range(len(INTENTS))
# Intents that call for an answer from the brand when addressed to it.
NEEDS_ANSWER = (PURCHASE, JOB, COCREATION, SUPPORT, CRITIQUE)

# Languages of accounts, plus "und" for texts in no language (emoji only); the last is never an account's.
LANGS = ("fr", "en", "es", "de", "pt", "und")
FR, EN, ES, DE, PT, UND = range(len(LANGS))


def truth_language(code: int) -> str:
    return LANGS[code] if code in (FR, EN) else "other"


# Who is speaking, which decides the register of the text.
VOICES = ("member", "pod", "fan", "friend", "defender", "detractor", "brand_reply", "brand_pod", "spam", "mention",
          "agree", "helper")
(MEMBER, POD, FAN, FRIEND, DEFENDER, DETRACTOR, BRAND_REPLY, BRAND_POD, SPAMMER, MENTION,
 AGREE, HELPER) = range(len(VOICES))


# --- planted themes (weak signals) ------------------------------------------------------------

@dataclass(frozen=True)
class Theme:
    """A complaint worded around fixed keywords: `rising` ones appear only at the end of the window
    (new authors naming a new defect), the `steady` decoy is named at a constant rate all along.

    Every line of a language contains that language's first keyword; keywords are written as the
    conversation step normalises text (lower case, no accents). No line of a theme contains another
    theme's keyword.
    """

    name: str
    kind: str                     # rising | steady
    keywords: dict[int, tuple[str, ...]]
    lines: dict[int, list[str]]


THEMES = (
    Theme("glue_smell", "rising", {FR: ("colle", "odeur"), EN: ("glue", "smell")}, {
        FR: ["forte odeur de colle sur la nouvelle paire", "elles sentent la colle à plein nez, c'est normal ?",
             "odeur de colle chimique qui part pas même après 3 jours", "ça pue la colle, j'ose pas les porter",
             "reçues hier, odeur de colle super forte", "y a que moi qui trouve que ça sent fort la colle ?",
             "l'odeur de colle me donne mal à la tête", "toute la boîte sent la colle"],
        EN: ["strong glue smell on the new pair", "they smell of glue, is that normal?",
             "chemical glue smell that won't go away", "the glue smell is giving me a headache",
             "got them yesterday and the glue smell is insane", "anyone else getting a glue smell from the new batch?",
             "whole box reeks of glue"],
    }),
    Theme("dye_on_socks", "rising", {FR: ("chaussettes", "deteint"), EN: ("socks", "dye")}, {
        FR: ["la couleur déteint sur mes chaussettes blanches", "mes chaussettes sont toutes bleues après une journée",
             "elles déteignent sur les chaussettes, c'est normal ?", "chaussettes fichues, la teinture a déteint",
             "attention ça déteint sur les chaussettes claires"],
        EN: ["the dye comes off on my socks", "my white socks turned blue after one day",
             "colour bleeds onto my socks, is that normal?", "ruined two pairs of socks, the dye runs",
             "careful, the dye stains light socks"],
    }),
    Theme("sole_coming_off", "steady", {FR: ("semelle", "decollee"), EN: ("sole",)}, {
        FR: ["semelle décollée après {weeks} semaines", "ma semelle se décolle déjà", "encore une semelle décollée…",
             "la semelle s'est décollée au bout d'un mois", "semelle qui se décolle, c'est normal ?",
             "semelle décollée sur le pied gauche"],
        EN: ["sole came off after {weeks} weeks", "the sole is peeling off already", "another pair with the sole coming off",
             "my left sole is separating from the shoe", "sole came loose after a month, is that normal?"],
    }),
)
# Each theme speaks with its own voice, so that its texts draw from its own lines.
THEME_VOICE = len(VOICES)

# --- slot fillers -----------------------------------------------------------------------------

_SLOTS: dict[int, dict[str, list[str]]] = {
    FR: {
        "prod": ["Court Low", "Runner 02", "Canal", "Canal sable", "Court Low blanche", "Rivage 01", "montante",
                 "Quai", "Court Low crème", "Runner"],
        "size": ["42", "38", "40", "44", "37", "39", "41", "43", "45", "36", "46", "40.5"],
        "color": ["sable", "noire", "blanche", "vert sapin", "bordeaux", "beige", "bleu nuit", "crème"],
        "city": ["Lyon", "Bordeaux", "Lille", "Nantes", "Marseille", "Toulouse", "Rennes", "Strasbourg", "Nice"],
        "country": ["Belgique", "Suisse", "Canada", "Maroc", "la Réunion", "Luxembourg", "Martinique"],
        "collab": ["un artiste de rue", "une marque de café", "Le Slip Français", "un club de foot amateur",
                   "une illustratrice", "un skateshop"],
        "job": ["vendeur", "vendeuse", "community manager", "graphiste", "chargé de SAV", "logisticien",
                "styliste", "chef de projet e-commerce"],
        "field": ["marketing", "design", "communication", "e-commerce", "logistique", "photo", "com digitale"],
        "name": ["Julie", "Thomas", "Léa", "Karim", "Inès", "Hugo", "Camille", "Sofiane", "Manon", "Lucas"],
        "place": ["Annecy", "Biarritz", "Marseille", "la plage", "chez Léa", "Étretat", "la coloc", "Lisbonne"],
        "days": ["3", "4", "5", "10", "deux", "trois", "15"],
        "weeks": ["2", "3", "4", "deux", "trois"],
        "order": ["#48213", "n°5521", "#30917", "RV-2291", "du 12", "de la semaine dernière"],
    },
    EN: {
        "prod": ["Court Low", "Runner 02", "Canal", "sand pair", "white ones", "Rivage 01", "high tops",
                 "Quai", "cream Court Low", "new drop", "Canals", "Runners"],
        "size": ["9", "10", "8.5", "11", "7", "42", "44", "38", "UK 8", "US 10", "9.5", "12"],
        "color": ["sand", "black", "white", "forest green", "burgundy", "beige", "navy", "cream"],
        "city": ["London", "Manchester", "Dublin", "NYC", "Toronto", "Brussels", "Berlin", "Amsterdam"],
        "country": ["the UK", "Ireland", "the US", "Canada", "Germany", "Australia", "Sweden"],
        "collab": ["a street artist", "a coffee brand", "a local skate shop", "an illustrator", "a running club"],
        "job": ["sales associate", "community manager", "graphic designer", "customer care", "warehouse",
                "product designer", "ecommerce lead"],
        "field": ["marketing", "design", "comms", "ecommerce", "supply chain", "photography"],
        "name": ["Emma", "Jack", "Olivia", "Noah", "Mia", "Liam", "Ava", "Ethan", "Grace", "Sam"],
        "place": ["Brighton", "the lake", "Lisbon", "the cabin", "Emma's", "the coast", "Cornwall", "Porto"],
        "days": ["3", "4", "5", "10", "two", "three", "15"],
        "weeks": ["2", "3", "4", "two", "three"],
        "order": ["#48213", "no. 5521", "#30917", "RV-2291", "from last week", "from the 12th"],
    },
}
for _lang in (ES, DE, PT):
    _SLOTS[_lang] = _SLOTS[EN]

_LINKS = ["bit.ly/3xYz9k", "tinyurl.com/free-gift", "cryp70-gains.io", "linktr.ee/promo_best", "t.me/signalsvip"]
_SPAM_HANDLES = ["promo.boost.page", "global_features", "ig.growth.hub", "shoutout.kings", "crypto.mentor.fx"]

# --- cores per (language, intent) -------------------------------------------------------------

_CORE: dict[int, dict[int, list[str]]] = {
    FR: {
        PURCHASE: [
            "c combien", "c'est combien la {prod} ?", "prix de la {prod} svp", "vous livrez en {country} ?",
            "dispo en {size} ?", "elle taille comment la {prod}", "la {prod} est encore dispo en {size}",
            "on peut la trouver en boutique à {city} ?", "où est-ce qu'on peut les acheter", "vous avez un point de vente à {city}",
            "les frais de port c'est combien pour la {country}", "je prends direct si y'a du {size}", "restock quand ??",
            "elle revient quand la {color}", "je la veux en {color} comment on commande", "y a un code promo ?",
            "la livraison prend combien de temps", "possible de payer en 3 fois ?", "vous faites des cartes cadeaux",
            "il reste des {size} en {color} ?", "quel prix pour la paire {color}", "ça vaut combien",
            "je chausse du {size}, je prends quelle taille ?", "elles sont où en vente ?", "lien pour commander svp",
            "toujours en stock ?", "c'est combien avec la livraison", "vous envoyez à l'étranger",
        ],
        JOB: [
            "vous recrutez ?", "je vous ai envoyé mon CV par mail", "je cherche un stage en {field}, vous prenez des stagiaires",
            "je souhaiterais postuler pour le poste de {job}", "vous cherchez du monde pour la boutique de {city} ?",
            "une alternance en {field} c'est possible chez vous", "je suis {job} freelance, je peux vous envoyer mon portfolio",
            "candidature spontanée pour un poste de {job}", "à qui je peux envoyer une candidature",
            "y a des offres d'emploi en ce moment ?", "stage de fin d'études en {field} dispo chez vous ?",
            "je postule où pour bosser avec vous", "j'ai vu l'annonce {job}, elle est toujours ouverte ?",
            "job d'été en boutique possible ?", "mon CV est parti hier pour le poste {job}, vous l'avez reçu",
        ],
        COCREATION: [
            "vous devriez faire une version {color}", "idée : une collab avec {collab}", "je serais trop chaud pour tester le prochain modèle",
            "si vous cherchez des testeurs je suis là", "faites un modèle montant svp", "j'aimerais participer au prochain atelier",
            "proposition : des lacets {color} en option", "un vote pour le prochain coloris ce serait top",
            "pourquoi pas une édition limitée pour {city}", "je peux vous proposer des designs ?", "dispo pour un test produit quand vous voulez",
            "une semelle plus épaisse pour l'hiver ce serait parfait", "vous faites des ateliers perso ? j'adorerais customiser ma paire",
            "ce serait ouf de pouvoir choisir les couleurs soi-même", "je veux bien donner mon avis sur les prototypes",
        ],
        SUPPORT: [
            "comment on nettoie les {prod} ?", "j'ai reçu la mauvaise taille, comment je fais l'échange",
            "mon suivi colis ne bouge plus depuis {days} jours", "on peut les passer en machine", "comment je retourne une paire",
            "j'ai pas reçu le mail de confirmation", "vous avez un guide des tailles", "je peux modifier l'adresse de livraison ?",
            "ma commande {order} est partie ?", "le code promo marche pas sur le site", "comment on fait pour changer de taille",
            "c'est normal que le cuir marque un peu ?", "je peux annuler ma commande {order}", "le paiement a été refusé, je fais comment",
            "les lacets de rechange vous les vendez ?", "elles sont imperméables ou pas",
        ],
        CRITIQUE: [
            "{weeks} semaines que j'attends ma commande, inadmissible", "semelle décollée après un mois… déçu",
            "SAV injoignable", "franchement la qualité a baissé", "trop cher pour ce que c'est", "j'ai jamais reçu mon remboursement",
            "personne ne répond aux mails", "taille beaucoup trop petit, pas du tout conforme", "pas terrible la nouvelle collection",
            "commande {order} toujours pas livrée et aucune réponse", "couleur rien à voir avec la photo", "j'ai eu des ampoules direct",
            "colis arrivé abîmé et on me répond pas", "pas top du tout le service client", "la {prod} s'est déchirée au bout de {weeks} semaines",
            "plus jamais je commande chez vous", "remboursement promis il y a {weeks} semaines, toujours rien",
            "déçue, les coutures lâchent déjà", "vous supprimez les commentaires négatifs ou quoi",
        ],
        PRAISE: [
            "trop belles", "je les porte tous les jours, super confort", "pas déçu du tout", "meilleure paire que j'ai eue",
            "livraison rapide et paire nickel", "la couleur est encore plus belle en vrai", "franchement rien à redire",
            "bravo pour le design", "j'en suis à ma troisième paire", "reçues hier, je les adore", "fabrication française au top",
            "on voit la qualité direct", "elles vont avec tout", "coup de cœur pour la {color}", "le confort est dingue",
            "jamais eu de problème avec vous", "ma copine les a aussi, validé", "super marque, on vous soutient",
            "ça fait plaisir de voir une petite marque comme ça", "mes pieds vous disent merci",
        ],
        GENERIC: [
            "top", "trop beau", "magnifique", "waouh", "trop bien", "incroyable", "sublime", "j'adore", "canon", "stylé",
            "ouiii", "yes", "excellent", "grave bien", "trop stylé", "bg", "parfait",
        ],
        SPAM: [
            "gagne un iphone ici {link}", "abonne-toi je m'abonne en retour", "DM pour collab rémunérée 💰",
            "je gagne 500€ par jour avec la crypto, demande-moi comment", "promo sur @{handle} envoie ta photo",
        ],
    },
    EN: {
        PURCHASE: [
            "how much", "how much is the {prod}?", "price?", "do u ship to {country}", "is this available in size {size}",
            "where can i buy these", "any stores in {city}", "when's the restock", "need these in {color} asap, link?",
            "do they run true to size", "how long does delivery take to {country}", "is there a discount code",
            "can i still order the {prod}", "do you have size {size} left", "what's the price on the {color} pair",
            "are these still in stock", "shipping cost to {country}?", "can i pay in installments", "do you sell gift cards",
            "i'm a {size}, which size should i get", "link to buy pls", "where to cop", "how much with shipping",
        ],
        JOB: [
            "are you hiring?", "I just sent my CV for the {job} role", "any internships in {field}?",
            "would love to work with you guys, who do I send my resume to", "I'm a freelance {job}, open to collabs",
            "is the {job} position still open", "do you take interns for the summer", "where can i apply",
            "sent my application yesterday, did you get it", "looking for a {field} internship, anything available?",
            "any jobs at the {city} store", "open application for {job}, can i email someone",
        ],
        COCREATION: [
            "you should drop a {color} version", "would love to beta test the next model", "idea: collab with {collab}",
            "let us vote on the next colorway!", "pls make a high top version", "happy to give feedback on prototypes",
            "a limited edition for {city} would be sick", "can i pitch you some designs?", "count me in for product testing",
            "a thicker sole for winter would be perfect", "custom workshops would be amazing",
            "being able to pick my own colors would be a dream", "sign me up if you need testers",
        ],
        SUPPORT: [
            "how do I clean the {prod}", "got the wrong size, how do exchanges work", "tracking hasn't updated in {days} days",
            "can I put them in the washing machine", "where do i find the return form", "never got a confirmation email",
            "do you have a size guide", "can i change my delivery address?", "has order {order} shipped",
            "promo code isn't working on the site", "is it normal the leather creases a bit", "can i cancel order {order}",
            "payment got declined, what do i do", "do you sell replacement laces", "are they waterproof or not",
        ],
        CRITIQUE: [
            "{weeks} weeks and still no package, unacceptable", "sole came off after a month, disappointed",
            "customer service never answers", "quality went downhill", "way overpriced for what it is",
            "still waiting on my refund", "sizing is way off", "not great tbh", "order {order} never arrived and no reply",
            "color looks nothing like the photo", "gave me blisters straight away", "box arrived damaged and nobody answers",
            "not worth it", "never ordering again", "the stitching is already coming apart", "do you delete bad comments or what",
            "the {prod} ripped after {weeks} weeks",
        ],
        PRAISE: [
            "obsessed with these", "wear them every day, so comfy", "not bad at all", "best pair i've owned",
            "fast delivery and perfect fit", "even prettier irl", "can't fault them", "great job on the design",
            "on my third pair already", "got them yesterday and love them", "you can feel the quality", "they go with everything",
            "the {color} is stunning", "so comfortable it's crazy", "never had a problem with you guys",
            "my gf has them too, approved", "love supporting small brands like this", "can't complain at all",
        ],
        GENERIC: [
            "great post", "love this", "nice", "amazing", "so good", "wow", "cool", "beautiful", "perfect", "yes",
            "awesome", "stunning", "fire", "vibes", "clean",
        ],
        SPAM: [
            "Make $500/day with crypto, DM me", "follow for follow?", "check my bio for free giveaway",
            "Promote it on @{handle}", "Earn passive income → {link}", "send pic to @{handle} to be featured",
            "f4f l4l", "want more followers? visit {link}",
        ],
    },
    ES: {
        PURCHASE: ["cuánto cuestan?", "hacen envíos a España?", "hay talla {size}?", "dónde las puedo comprar"],
        SUPPORT: ["mi pedido no llega, qué hago", "cómo se lavan?"],
        CRITIQUE: ["el pedido tarda demasiado", "muy caras para la calidad"],
        PRAISE: ["me encantan", "muy cómodas, gracias", "preciosas"],
        GENERIC: ["qué bonito", "genial", "increíble"],
    },
    DE: {
        PURCHASE: ["was kosten die?", "liefert ihr nach Deutschland?", "gibt es Größe {size}?"],
        SUPPORT: ["wie kann ich umtauschen?", "meine Bestellung ist noch nicht da"],
        CRITIQUE: ["viel zu teuer", "Lieferung dauert ewig"],
        PRAISE: ["super bequem", "sehr schön, danke"],
        GENERIC: ["toll", "schön", "wow"],
    },
    PT: {
        PURCHASE: ["quanto custa?", "enviam para Portugal?", "tem tamanho {size}?"],
        SUPPORT: ["como faço a troca?", "a encomenda ainda não chegou"],
        CRITIQUE: ["muito caro", "a entrega demora muito"],
        PRAISE: ["adoro", "muito confortáveis"],
        GENERIC: ["lindo", "top", "incrível"],
    },
}

# Fragments placed before a core to make the text less template-like (the core keeps the intent).
_CONTEXT: dict[int, dict[int, list[str]]] = {
    FR: {
        PURCHASE: ["trop belles", "je craque", "elles sont folles", "vu chez une pote", "ma sœur les veut"],
        SUPPORT: ["petite question", "j'ai commandé la semaine dernière", "aide svp", "question bête mais"],
        CRITIQUE: ["j'adore la marque mais", "franchement", "sans vouloir être méchant", "désolé mais", "bon"],
        COCREATION: ["j'adore ce que vous faites", "petite idée", "suggestion", "vous lisez les commentaires ?"],
        JOB: ["j'adore votre univers", "bonjour à toute l'équipe", "question sérieuse"],
        PRAISE: ["honnêtement", "après 6 mois", "je confirme", "bon"],
    },
    EN: {
        PURCHASE: ["these are fire", "saw them on a friend", "need these", "my sister wants them"],
        SUPPORT: ["quick question", "ordered last week", "help pls", "dumb question but"],
        CRITIQUE: ["i love the brand but", "honestly", "not trying to be rude but", "sorry but", "ok so"],
        COCREATION: ["love what you do", "small idea", "suggestion", "do you read comments?"],
        JOB: ["love your brand", "hi team", "serious question"],
        PRAISE: ["honestly", "after 6 months", "can confirm", "ok"],
    },
}

_OPENERS = {
    FR: ["Bonjour", "Salut", "hello", "wsh", "Coucou", "Bjr", "Hey", "yo", "Bonsoir", "slt"],
    EN: ["Hi", "hey", "hello", "yo", "Hi there", "hiya", "Hey guys"],
}
_CLOSERS = {
    FR: ["svp", "stp", "merci", "merci d'avance", "😅", "!!", "..", "mrc", "bisous"],
    EN: ["plz", "thanks", "thx", "x", "!!", "...", "ty", "cheers"],
}
_EMOJI = {
    PURCHASE: ["😍", "🙏", "👟", "🤩", "😭"], JOB: ["🙏", "😊", "✨"], COCREATION: ["💡", "🙌", "😁", "✨"],
    SUPPORT: ["🙏", "😕", "🤔"], CRITIQUE: ["😡", "😤", "🙄", "👎", "😒"], PRAISE: ["😍", "❤️", "🔥", "👌", "🥰", "✨"],
    GENERIC: ["🔥", "😍", "👏", "🙌", "✨", "💯", "❤️"], SPAM: ["💰", "🚀", "🔥", "💸", "🎁"],
}
_EMOJI_ONLY = ["🔥🔥", "👏👏", "😍😍😍", "🙌", "❤️❤️", "🔥", "💯", "😍"]
_POD_LINES = {
    FR: ["Trop beau 😍", "top top", "magnifique !!", "j'adore ✨", "superbe 🔥", "trop stylé", "waouh 😍", "bravo 👏"],
    EN: ["great post 🔥", "love this!!", "so good 🙌", "amazing ✨", "nice one 👏", "stunning 😍", "great shot", "yesss 🔥"],
}
# Fans under a creator's post: interchangeable cheers and emoji-only (generic), or praise that says
# what is liked (praise). Each text is drawn for its intent, so that the label can be read from the text.
_FAN_LINES = {
    GENERIC: {
        FR: ["la reine 👑", "premièèère", "ouiii", "je t'aime trop", "la best", "💕 ma préférée", "encore 🔥", "toujours là ❤️"],
        EN: ["queen 👑", "first!!", "omg ❤️", "icon", "love you so much", "mother", "yesss", "here every time ❤️"],
    },
    PRAISE: {
        FR: ["tu es magnifique", "la meilleure 🔥", "trop belle", "vivement la prochaine vidéo", "cette tenue te va trop bien",
             "tes vidéos me font toujours du bien", "j'adore ton style", "la photo est sublime"],
        EN: ["you're the best", "obsessed with this look", "literally perfect", "this outfit is everything",
             "your videos always make my day", "love your style so much", "stunning photo", "best content on here"],
    },
}
# Friends under a friend's post. The generator plants them as praise: every line says something
# warm about the person, the photo or the moment (banter alone would be no praise); slots as before.
_FRIEND_LINES = {
    FR: ["haha la tête de {name} 😂 trop belle photo, on remet ça quand ?", "c'était trop bien samedi, merci pour l'accueil !",
         "cette lumière 😍 c'est à {place} ?", "trop belle photo à {place} !", "la recette du gâteau stp 🙏 il était incroyable",
         "souvenirs souvenirs… c'était génial", "tu es rayonnante à {place} !", "{name} est trop mignonne sur la photo 😂",
         "trop contente pour toi pour le nouveau taf !!", "trop fière de toi ❤️", "t'as changé de coupe ? ça te va trop bien",
         "vous êtes trop beaux tous les deux"],
    EN: ["haha {name}'s face 😂 love this pic, when are we doing this again?", "saturday was so much fun, thanks for having us!",
         "the light in this 😍 is that {place}?", "you look amazing in {place}!", "recipe for the cake please 🙏 it was amazing",
         "miss this already, best summer ever", "{place} suits you, gorgeous pic", "{name} looks so cute in this one lol",
         "so happy for you about the new job!!", "so proud of you ❤️", "new haircut? suits you so well",
         "you two look so good together"],
}
_DEFENDER_LINES = {
    FR: ["Moi j'ai jamais eu de souci, le SAV m'a répondu en 1h", "Bizarre, j'ai commandé 3 fois et toujours reçu en 48h",
         "faut leur écrire par mail, ils sont super réactifs", "perso mes {prod} tiennent depuis 2 ans nickel",
         "ça arrive à toutes les marques, eux au moins ils remboursent", "j'ai eu le même souci, ils m'ont renvoyé une paire direct",
         "envoie-leur ton numéro de commande en DM, ils gèrent", "honnêtement c'est une des rares marques qui répond",
         "la taille est indiquée sur le guide, prends une pointure au-dessus", "t'as vérifié tes spams ? le mail de suivi y était chez moi"],
    EN: ["Never had an issue, support replied within an hour", "Weird, ordered 3 times and always got it in 2 days",
         "email their support, they're really quick", "mine have lasted 2 years no problem",
         "happens with every brand, at least they refund", "had the same thing, they sent a new pair right away",
         "DM them your order number, they sort it out", "honestly one of the few brands that actually answers",
         "check the size guide, go one size up", "check your spam folder, my tracking email was there"],
}
_DETRACTOR_LINES = {
    FR: ["pareil pour moi, jamais reçu 😡", "ils répondent jamais de toute façon", "tellement d'accord, qualité en chute libre",
         "même galère ici, arnaque", "+1 service client inexistant"],
    EN: ["same here, never got mine 😡", "they never answer anyway", "so true, quality fell off a cliff",
         "same problem, total scam", "+1 customer service doesn't exist"],
}
# Members answering each other: agreeing/tagging a friend, or helping with a question (without asking anything).
_AGREE_LINES = {
    FR: ["+1", "trop d'accord", "pareil !!", "@{tag} regarde 😍", "@{tag} on se les prend ?", "tellement", "validé",
         "grave", "je confirme", "même avis", "mdr exactement"],
    EN: ["+1", "so true", "same!!", "@{tag} look 😍", "@{tag} we need these", "facts", "agreed", "this", "same here",
         "lol exactly"],
}
_HELPER_LINES = {
    FR: ["je les ai en {size}, elles taillent normal 👍", "sur leur site direct, livré en 2 jours", "prends ta taille habituelle",
         "moi je les ai reçues en 48h nickel", "y a un guide des tailles sur le site", "à la main ça part bien",
         "leur SAV répond vite en DM", "code de bienvenue si tu t'inscris à la newsletter", "dispo chez un revendeur à {city}"],
    EN: ["got mine in {size}, true to size 👍", "on their site, arrived in 2 days", "go with your usual size",
         "mine came in 48h, all good", "there's a size guide on the site", "hand wash works fine",
         "their support answers fast in DMs", "you get a welcome code with the newsletter", "a shop in {city} stocks them"],
}
_MENTION_PREFIX = {FR: ["merci @{brand}", "@{brand}", "trop contente de mes @{brand}", "regardez mes nouvelles @{brand}"],
                   EN: ["thanks @{brand}", "@{brand}", "new kicks from @{brand}", "look at my @{brand}"]}
_BRAND_REPLY = {
    FR: {
        PURCHASE: ["Bonjour {name} ! Elle est dispo en {size} sur notre site 😊", "Hello ! On vous envoie le lien en DM 🙏",
                   "Merci ! Livraison en 48h en France, 5 jours pour la {country}", "Bonjour, restock prévu la semaine prochaine !"],
        JOB: ["Bonjour, vous pouvez envoyer votre candidature à jobs@rivage.example", "Merci pour votre intérêt ! Nos offres sont sur notre site",
              "Bien reçu, l'équipe RH revient vers vous très vite"],
        COCREATION: ["Super idée, on note ! 💡", "Merci {name}, on vous écrit en DM pour le prochain test produit",
                     "On adore, transmis à l'équipe design ✨"],
        SUPPORT: ["Bonjour, pouvez-vous nous envoyer votre numéro de commande en DM ?", "Hello, oui ! Tout est expliqué ici : rivage.example/aide",
                  "Bonjour {name}, on regarde ça tout de suite"],
        CRITIQUE: ["Désolés pour ce retard {name}, pouvez-vous nous écrire en DM avec votre numéro de commande ?",
                   "Bonjour, nous sommes navrés, le SAV vous recontacte aujourd'hui", "Merci pour votre retour, on regarde ça de près"],
        PRAISE: ["Merci beaucoup ❤️", "Merci {name} 😍", "Ça nous fait super plaisir 🙏"],
        GENERIC: ["Merci ! 🙏", "❤️", "Merci à vous"],
    },
    EN: {
        PURCHASE: ["Hi {name}! It's available in size {size} on our site 😊", "Hey! Sending you the link by DM 🙏",
                   "Thanks! Shipping to {country} takes about 5 days", "Restock is planned for next week!"],
        JOB: ["Hi, please send your application to jobs@rivage.example", "Thanks for your interest! Open roles are on our website",
              "Got it, our HR team will get back to you soon"],
        COCREATION: ["Love the idea, noted! 💡", "Thanks {name}, we'll DM you about the next product test", "Passed on to the design team ✨"],
        SUPPORT: ["Hi, could you DM us your order number?", "Hey, yes! Everything is explained here: rivage.example/help",
                  "Hi {name}, we're looking into it right now"],
        CRITIQUE: ["So sorry for the delay {name}, could you DM us your order number?", "Hi, we're sorry, our support team will contact you today",
                   "Thanks for the feedback, we're looking into it"],
        PRAISE: ["Thank you so much ❤️", "Thanks {name} 😍", "This makes our day 🙏"],
        GENERIC: ["Thanks! 🙏", "❤️", "Thank you"],
    },
}

# --- captions, bios, names ---------------------------------------------------------------------

CAPTION_KINDS = ("brand", "campaign", "creator", "star")
BRAND_CAPTION, CAMPAIGN_CAPTION, CREATOR_CAPTION, STAR_CAPTION = range(len(CAPTION_KINDS))
_CAPTIONS = {
    "brand": {
        FR: ["Nouvelle couleur {color} dispo dès maintenant 🌊", "Dans les coulisses de l'atelier", "Vos paires préférées, vos photos ❤️",
             "La {prod}, fabriquée au Portugal, pensée à Paris", "Quel coloris pour cet été ?", "Restock de la {prod} en {size} !",
             "On vous présente l'équipe SAV 👋", "Conseil du jour : comment entretenir votre paire", "Pop-up store à {city} ce week-end"],
        EN: ["New {color} colorway out now 🌊", "Behind the scenes at the workshop", "Your favourite pairs, your photos ❤️",
             "The {prod}, made in Portugal, designed in Paris", "Which colour for this summer?", "Restock of the {prod} is live!",
             "Meet our customer care team 👋", "Tip of the day: caring for your pair", "Pop-up store in {city} this weekend"],
    },
    "campaign": {
        FR: ["#DropÉté : la collection arrive ☀️", "J-2 avant le drop de l'été", "Le drop d'été est en ligne 🔥 #DropÉté",
             "Dernières paires du #DropÉté"],
        EN: ["#SummerDrop: the collection is coming ☀️", "2 days until the summer drop", "The summer drop is live 🔥 #SummerDrop",
             "Last pairs of the #SummerDrop"],
    },
    "creator": {
        FR: ["Week-end à {place} ☀️", "Nouveau post, dites-moi ce que vous en pensez", "Petit-déj du dimanche", "Retour sur ma semaine",
             "Ma tenue du jour", "Coucher de soleil à {place}", "Nouveau projet en cours 👀", "Running du matin 🏃"],
        EN: ["Weekend in {place} ☀️", "New post, let me know what you think", "Sunday brunch", "Week recap", "Outfit of the day",
             "Sunset at {place}", "New project in the works 👀", "Morning run 🏃"],
    },
    "star": {
        FR: ["Nouvelle vidéo en ligne !!", "Merci pour les 100k ❤️", "Get ready with me", "Mon avis honnête sur les tendances",
             "Q&A ce soir en live"],
        EN: ["New video is up!!", "Thank you for 100k ❤️", "Get ready with me", "My honest take on the trends", "Q&A live tonight"],
    },
}
_BIOS = {
    "real": {
        FR: ["Lyon | café & vélo", "photographe 📷 Paris", "maman de 2 👧👦", "runneuse 🏃‍♀️", "étudiante en design", "Nantes ✈️ voyages",
             "amateur de sneakers", "prof de sport", "🎧 musique & concerts", "boulanger à {city}", "dev le jour, DJ la nuit"],
        EN: ["London | coffee & bikes", "photographer 📷", "mum of 2", "runner 🏃", "design student", "travel addict ✈️",
             "sneakerhead", "PE teacher", "🎧 music & gigs", "baker in {city}", "dev by day, DJ by night"],
    },
    "fake": {FR: ["💰", "DM pour promo", "follow back", "🔥 f4f 🔥", "gains crypto 📈"],
             EN: ["💰", "DM for promo", "follow back", "🔥 f4f 🔥", "crypto gains 📈"]},
    "mass": {FR: ["je follow back 💯", "abonne-toi je te suis", "musique 🎧", "vie & voyages"],
             EN: ["I follow back 💯", "follow me I follow you", "music lover 🎧", "life & travel"]},
}
FIRST_NAMES = {
    FR: ["julie", "thomas", "lea", "karim", "ines", "hugo", "camille", "sofiane", "manon", "lucas", "chloe", "mehdi", "emma",
         "nathan", "sarah", "yanis", "louise", "antoine", "clara", "bastien", "margaux", "romain", "zoe", "adrien", "lina",
         "maxime", "anais", "theo", "pauline", "rayan", "justine", "quentin", "elodie", "kevin", "oceane", "nicolas", "amandine",
         "florian", "salome", "jeremy", "noemie", "alexis", "mathilde", "samir", "laura", "victor", "aurelie", "malik"],
    EN: ["emma", "jack", "olivia", "noah", "mia", "liam", "ava", "ethan", "grace", "sam", "chloe", "james", "sophie", "oliver",
         "isla", "harry", "amelia", "leo", "ruby", "george", "lily", "oscar", "ella", "charlie", "freya", "alfie", "poppy",
         "henry", "evie", "archie", "daisy", "max", "megan", "ryan", "hannah", "tyler", "jess", "dylan", "kate", "ben"],
}
LAST_NAMES = ["martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau", "simon",
              "laurent", "lefebvre", "michel", "garcia", "david", "bertrand", "roux", "vincent", "fournier", "morel", "girard",
              "andre", "mercier", "dupont", "lambert", "bonnet", "francois", "martinez", "smith", "jones", "taylor", "brown",
              "williams", "wilson", "johnson", "davies", "robinson", "wright", "thompson", "evans", "walker", "white", "roberts",
              "green", "hall", "wood", "jackson", "clarke", "benali", "haddad", "nguyen", "diallo", "traore", "costa", "silva"]
HANDLE_WORDS = ["paris", "lyon", "photo", "art", "run", "style", "daily", "off", "life", "bzh", "studio", "vibes", "travel",
                "music", "sport", "coffee", "green", "moon", "sun", "city", "north", "blue", "wild", "urban", "atelier"]


def _fill(rng: random.Random, template: str, lang: int) -> str:
    if "{" not in template:
        return template
    slots = _SLOTS.get(lang, _SLOTS[EN])

    def pick(m: re.Match[str]) -> str:
        key = m.group(1)
        if key == "link":
            return rng.choice(_LINKS)
        if key == "handle":
            return rng.choice(_SPAM_HANDLES)
        if key == "brand":
            return BRAND_HANDLE
        if key == "tag":  # a friend's handle
            return rng.choice(slots["name"]).lower()
        return rng.choice(slots[key])

    return re.sub(r"\{(\w+)\}", pick, template)


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:-1])
    op = rng.random()
    if op < 0.4 and i + 1 < len(text) and text[i + 1].isalpha():  # swap neighbours
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if op < 0.75:  # dropped letter
        return text[:i] + text[i + 1:]
    return text[:i] + text[i] + text[i:]  # doubled letter


def _casing(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.45:
        return text.lower()
    if r < 0.52:
        return text[:1].upper() + text[1:]
    if r < 0.55 and len(text) < 40:
        return text.upper()
    return text


class TextBank:
    """Composes texts; deterministic for the seed it is given."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    # -- one text ------------------------------------------------------------------------------

    def compose(self, voice: int, intent: int, lang: int) -> tuple[str, int]:
        """One text and the language it is actually written in (a missing template falls back to English)."""
        r = self._rng
        fr_en = lang if lang in (FR, EN) else EN
        if voice in (POD, BRAND_POD) and intent == GENERIC:  # pod praise goes on to the ordinary wording
            return (r.choice(_EMOJI_ONLY), UND) if r.random() < 0.3 else (r.choice(_POD_LINES[fr_en]), fr_en)
        if voice == FAN:  # emoji-only cheers are generic, as a pod's; praise says what it likes
            lines = _FAN_LINES[PRAISE if intent == PRAISE else GENERIC][fr_en]
            if r.random() < 0.25:
                return (r.choice(lines), fr_en) if intent == PRAISE else (r.choice(_EMOJI_ONLY), UND)
            return r.choice(lines), fr_en
        if voice == FRIEND:
            return self._noisy(_fill(r, r.choice(_FRIEND_LINES[fr_en]), fr_en), fr_en, PRAISE, light=True), fr_en
        if voice in (AGREE, HELPER):
            lines = (_AGREE_LINES if voice == AGREE else _HELPER_LINES)[fr_en]
            return self._noisy(_fill(r, r.choice(lines), fr_en), fr_en, intent, light=True), fr_en
        if voice == DEFENDER:
            return self._noisy(_fill(r, r.choice(_DEFENDER_LINES[fr_en]), fr_en), fr_en, PRAISE, light=True), fr_en
        if voice == DETRACTOR:
            return self._noisy(r.choice(_DETRACTOR_LINES[fr_en]), fr_en, CRITIQUE, light=True), fr_en
        if voice >= THEME_VOICE:  # planted themes keep their keywords intact: no typo
            line = _fill(r, r.choice(THEMES[voice - THEME_VOICE].lines[fr_en]), fr_en)
            if r.random() < 0.3:
                line = f"{r.choice(_CONTEXT[fr_en][CRITIQUE])}{r.choice([', ', ' ', ' … '])}{line}"
            if r.random() < 0.3:
                line = f"{line} {r.choice(_EMOJI[CRITIQUE])}"
            return (line.lower() if r.random() < 0.4 else line), fr_en
        if voice == BRAND_REPLY:
            table = _BRAND_REPLY[fr_en]
            return _fill(r, r.choice(table.get(intent, table[GENERIC])), fr_en), fr_en
        if voice == SPAMMER:  # spam bots write in whatever language reaches most people
            lang = EN if r.random() < 0.6 else FR
        cores = _CORE.get(lang, {}).get(intent)
        if not cores:
            lang = fr_en
            cores = _CORE[lang][intent]
        if intent == GENERIC and r.random() < 0.35:
            return r.choice(_EMOJI_ONLY), UND
        text = _fill(r, r.choice(cores), lang)
        if lang in (FR, EN):
            ctx = _CONTEXT[lang].get(intent)
            if ctx and r.random() < 0.25:
                text = f"{r.choice(ctx)}{r.choice([', ', ' ', ' … ', '! '])}{text}"
            if intent in (PURCHASE, SUPPORT, JOB, COCREATION) and r.random() < 0.3:
                text = f"{r.choice(_OPENERS[lang])}{r.choice([' ', ', ', ' ! '])}{text}"
            if voice == MENTION:
                prefixes = _MENTION_PREFIX[lang] if intent == PRAISE else ["@{brand}"]
                text = f"{_fill(r, r.choice(prefixes), lang)} {text}"
        return self._noisy(text, lang, intent), lang

    def _noisy(self, text: str, lang: int, intent: int, light: bool = False) -> str:
        r = self._rng
        if r.random() < (0.05 if light else 0.35):
            text = text.replace(" ?", "").replace("?", "")
        if not light and lang in _CLOSERS and r.random() < 0.25:
            text = f"{text} {r.choice(_CLOSERS[lang])}"
        if r.random() < (0.05 if light else 0.14):
            text = _typo(r, text)
        if not light:
            text = _casing(r, text)
        if r.random() < {PRAISE: 0.45, GENERIC: 0.6, SPAM: 0.7}.get(intent, 0.2):
            text = f"{text} {r.choice(_EMOJI[intent]) * r.choice([1, 1, 1, 2, 3])}"
        return text

    # -- many texts ----------------------------------------------------------------------------

    def sample(self, voice: np.ndarray, intent: np.ndarray, lang: np.ndarray, rng: np.random.Generator,
               cap: int = 2000) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Texts for arrays of (voice, intent, language) codes: (pool, index into pool, actual language).

        Each distinct (voice, intent, language) draws from a pool of at most `cap` compositions.
        """
        n = len(voice)
        index = np.empty(n, dtype=np.int32)
        actual = np.empty(n, dtype=np.int8)
        pool: list[str] = []
        pool_lang: list[int] = []
        key = (voice.astype(np.int64) * 64 + intent.astype(np.int64)) * 8 + lang.astype(np.int64)
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1]))) if n else np.empty(0, int)
        bounds = np.append(starts, n)
        for g, k in enumerate(ordered[starts].tolist()):
            members = order[bounds[g]:bounds[g + 1]]
            v, it, lg = k // 512, (k // 8) % 64, k % 8
            size = min(len(members), cap)
            start = len(pool)
            for _ in range(size):
                text, used = self.compose(int(v), int(it), int(lg))
                pool.append(text)
                pool_lang.append(used)
            pick = rng.permutation(len(members)) % size if size == len(members) else rng.integers(0, size, len(members))
            index[members] = start + pick
        if n:
            actual[:] = np.asarray(pool_lang, dtype=np.int8)[index]
        return pool, index, actual

    def phrases(self, family: str, kind: str, lang: np.ndarray, rng: np.random.Generator,
                cap: int = 2000) -> tuple[list[str], np.ndarray]:
        """Captions (family 'caption') or bios (family 'bio') for an array of language codes."""
        table = (_CAPTIONS if family == "caption" else _BIOS)[kind]
        fr_en = np.where(lang == FR, FR, EN)
        pool: list[str] = []
        index = np.empty(len(lang), dtype=np.int32)
        for code in (FR, EN):
            members = np.flatnonzero(fr_en == code)
            if not len(members):
                continue
            size = min(len(members), cap)
            start = len(pool)
            pool.extend(_fill(self._rng, self._rng.choice(table[code]), code) for _ in range(size))
            index[members] = start + rng.integers(0, size, len(members))
        return pool, index
