"""Which sentences are check-worthy — and so need a citation — by transparent rules.

A sentence is check-worthy when it states something a fact-checker could verify against a
source (the guideline: tests/claims/data/checkworthy_sentences.md). Each cue is a rule with a
name, stored with the claim as "rule: what it matched" ("number: over 70", "attribution:
according to"):

- number: a quantity — a figure that is not a year, a date, a version, a section number, a
  clock time or part of a formula; a percentage or an amount; a count in words ("dozens");
- date: a specific date ("on 22 May", "in March 1995", "el 9 de marzo de 1999");
- attribution: someone is reported to have said something ("according to officials", "said",
  "Russia says that", "secondo quanto", "laut", "selon", "según");
- superlative: records and firsts of something ("the largest", "for the first time", "il più",
  "der erste", "la plus", "el único");
- causal: one thing caused another ("led to", "caused", "ha provocato", "führte zu");
- event: a completed action ("have provided", "was killed", "ha annunciato", "wurde gegründet",
  "a été publiée", "se publicó"); an action by a named agent ("funded by Innosuisse").

Cues are strong or weak. Strong ones (a quantity, a specific date, an attribution, a record, a
cause stated as an event, an action by a named agent) flag a sentence by themselves; weak ones
(a small count in words, "most of", "because", a completed action, "the first" without a
determiner, a relative date) flag it only when two different rules agree. A sentence with only
weak cues is not flagged when it also gives an opinion, a hedge, a plan (modal and future
verbs), a personal anecdote (first person singular) or a definition ("X is a …"): those say
what the writer thinks or intends, not what happened.

Never flagged, whatever they match: questions; fragments, headings, bylines, header fields and
table debris (under four words, or a known shape); instructions and requests ("please visit");
feelings ("we are thrilled", even when someone "said" it) without a number.

English, Italian, German, French and Spanish have rules of their own; other languages use the
union of all five, which still finds numbers and dates. Pure: text in, a CheckworthinessResult
out. `claims_flag_checkworthy()` stores results.
"""

import re
from dataclasses import dataclass, field

from claims.support import MARKER

RULES_LANGUAGES = ("en", "it", "de", "fr", "es")


def _alternatives(*phrases: str) -> str:
    # Longest first, so "more than" wins over "more"; spaces match any run of whitespace.
    return "|".join(sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len)[::-1])


def _phrases(text: str) -> tuple[str, ...]:
    """'a b; c d' -> ('a b', 'c d'); one word per item when there is no semicolon."""
    separator = ";" if ";" in text else None
    return tuple(phrase.strip() for phrase in text.split(separator) if phrase.strip())


# --- Numbers -----------------------------------------------------------------------------------

SMALL_NUMBER_WORDS = {
    "en": "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty sixty seventy eighty ninety twice double triple",
    "it": "due tre quattro cinque sei sette otto nove dieci undici dodici quindici venti trenta "
    "quaranta cinquanta doppio triplo",
    "de": "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf fünfzehn zwanzig dreißig "
    "vierzig fünfzig doppelt dreifach",
    "fr": "deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente "
    "quarante cinquante double triple",
    "es": "dos tres cuatro cinco seis siete ocho nueve diez once doce quince veinte treinta "
    "cuarenta cincuenta doble triple",
}
# Counts no one writes without meaning them: "dozens of soldiers", "migliaia di persone".
LARGE_NUMBER_WORDS = {
    "en": "hundred hundreds thousand thousands million millions billion billions dozen dozens "
    "droves",
    "it": "cento centinaio centinaia mille migliaio migliaia milione milioni miliardo miliardi "
    "dozzina dozzine decine",
    "de": "hundert hunderte tausend tausende million millionen milliarde milliarden dutzend "
    "dutzende",
    "fr": "cent centaines mille milliers million millions milliard milliards douzaine douzaines "
    "dizaines",
    "es": "cien cientos centenares mil miles millón millones docena docenas decenas",
}
MONTH_NAMES = (
    "january february march april may june july august september october november december "
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre januar jänner februar märz april mai juni juli august oktober dezember "
    "janvier février mars avril juin juillet août septembre octobre novembre décembre "
    "enero febrero abril mayo junio julio septiembre setiembre octubre noviembre diciembre"
)
MONTHS = "|".join(sorted(set(MONTH_NAMES.split()), key=len, reverse=True))
_DAY = r"\d{1,2}(?:st|nd|rd|th|er|º|\.)?"
_YEAR = r"(?:1[5-9]|20)\d{2}"
# Specific dates: "22 May 2023", "May 22nd", "March 1995", "el 9 de marzo de 1999", "le 1er
# mars 2001", "am 6. Januar 1994".
SPECIFIC_DATE = re.compile(
    rf"\b{_DAY}\s+(?:de\s+|of\s+)?(?:{MONTHS})\b(?:,?\s+(?:de\s+|del\s+)?{_YEAR}\b)?"
    rf"|\b(?:{MONTHS})\s+{_DAY}(?![\d.,])(?:,?\s+{_YEAR}\b)?"
    rf"|\b(?:{MONTHS})\s+(?:de\s+|del\s+|of\s+)?(?:{_YEAR}\b|(?:this|last)\s+year\b)"
    rf"|\b(?:in|since|from|by|until|nel|dal|del|im|seit|bis|en|depuis|desde|hasta|année|año)"
    rf"\s+(?:the\s+(?:year\s+)?|l'anno\s+|el\s+año\s+|jahr\s+)?{_YEAR}s?\b",
    re.IGNORECASE,
)
# Numbers that are dates without being specific: a bare year, "01/06/94", "2022-01-20".
OTHER_DATE = re.compile(
    rf"\b{_YEAR}s?\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b", re.IGNORECASE
)
RELATIVE_DATE = re.compile(
    r"\b(?:(?:on|last|this|next|earlier\s+this|later\s+that)\s+(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|week|month|year|spring|summer|autumn|winter|"
    rf"{MONTHS})|yesterday|earlier\s+today|last\s+year|ieri|gestern|letztes\s+jahr|hier|"
    r"l'an\s+dernier|ayer|el\s+año\s+pasado|l'anno\s+scorso)\b",
    re.IGNORECASE,
)
FIGURE = re.compile(
    r"(?<![\w.,/:+\-\u2212=])[$€£]?\d+(?:[.,]\d+)*"
    r"(?:\s?(?:%|percent|per\s+cento|per\s+cent|prozent|pour\s+cent|por\s+ciento))?"
)
UNITS = (
    "%|khz|mhz|ghz|hz|nm|mm|cm|km|m|kg|mg|g|gb|mb|tb|kb|kw|mw|ms|s|h|min|ohm|grad|degrees|"
    "€|euro|euros|dollars|rubles|pounds"
)
# "Section 1.5", "PEP 287", "version 2": a label, not a quantity.
LABEL_WORD = re.compile(
    r"(?:section|sezione|abschnitt|kapitel|chapter|capitolo|capítulo|chapitre|§|pep|rfc|"
    r"figure|fig\.|table|tabella|tabelle|step|version|versione|revision|release|level|episode|"
    r"no\.|nr\.|n\.|v)\s*$",
    re.IGNORECASE,
)
DEFINITE_BEFORE = re.compile(
    r"\b(?:the|these|those|both|all|i|le|gli|die|der|den|diese|les|ces|los|las|these)\s+$",
    re.IGNORECASE,
)
QUANTIFIERS = {
    "en": "most of; the majority; a majority; almost all; nearly all; none of; half of; "
    "a third of; a quarter of",
    "it": "la maggior parte; la maggioranza; quasi tutti; quasi tutte; metà dei; metà delle",
    "de": "die meisten; fast alle; die mehrheit; die hälfte",
    "fr": "la plupart; la majorité; presque tous; presque toutes; la moitié",
    "es": "la mayoría; la mayor parte; casi todos; casi todas; la mitad",
}
# "No casualties": a count of zero is a claim as much as "seven".
NO_VICTIMS = {
    "en": "no casualties; no deaths; no one was killed; nobody was killed; no injuries",
    "it": "nessuna vittima; nessun morto; nessun ferito",
    "de": "keine opfer; keine toten; keine verletzten",
    "fr": "aucune victime; aucun mort; aucun blessé",
    "es": "ninguna víctima; ningún muerto; sin víctimas",
}

# --- Attribution ---------------------------------------------------------------------------------

# Reporting words that say someone said something wherever they stand.
ATTRIBUTION = {
    "en": "according to; said; told; stated; has reported; have reported; reported; claimed; "
    "alleged; alleges; announced; denied; denies; accused; confirmed; insisted; warned; "
    "admitted; acknowledged; revealed; declared; noted; estimated; explained; "
    "in a statement; promised; pledged; vowed; contends; contended; argued; asserted; "
    "reportedly; allegedly; citing; quoting; quoted; recalls; recalled; stating; "
    "it has been shown; it has been demonstrated; it has been proposed; it has been reported; "
    "it was found; studies show; research shows; et al.",
    "it": "secondo quanto; secondo fonti; ha detto; hanno detto; ha dichiarato; hanno dichiarato; "
    "ha affermato; hanno affermato; ha annunciato; hanno annunciato; ha riferito; hanno riferito; "
    "ha confermato; ha negato; ha denunciato; ha accusato; ha spiegato; ha promesso; "
    "ha sostenuto; stando a; a detta di; si legge; avrebbe; avrebbero; ha ammesso; ha avvertito; "
    "è stato dimostrato; è stato dimostrato che; studi dimostrano; et al.",
    "de": "laut; zufolge; nach angaben; sagte; sagten; erklärte; erklärten; teilte; teilten; "
    "berichtete; berichteten; behauptete; behaupteten; bestätigte; bestätigten; dementierte; "
    "bestritt; bestritten; warf; kündigte; gab bekannt; angeblich; hieß es; versprach; betonte; "
    "forderte; räumte ein; warnte; wurde gezeigt; et al.",
    "fr": "selon; d'après; a déclaré; ont déclaré; a affirmé; ont affirmé; a annoncé; "
    "ont annoncé; a indiqué; a précisé; a confirmé; a démenti; a nié; a accusé; a expliqué; "
    "a rapporté; a dit; ont dit; aurait; auraient; disait; se rappelle; se souvient; a reconnu; "
    "il a été démontré; et al.",
    "es": "según; de acuerdo con; dijo; dijeron; declaró; declararon; afirmó; afirmaron; anunció; "
    "anunciaron; aseguró; confirmó; negó; denunció; acusó; explicó; informó; ha dicho; "
    "ha declarado; ha anunciado; habría; habrían; reconoció; recuerda; se ha demostrado; et al.",
}
# Reporting words that are also nouns or generic verbs ("public reports", "how to say it"):
# they count when a speaker stands before them or a statement follows ("Russia says that").
AMBIGUOUS_ATTRIBUTION = {
    "en": "say; says; states; reports; claims; claim; describes; estimates; notes; argues; "
    "warns; insists; explains; admits; confirms; announces; accuses",
    "it": "riferisce; riferiscono; sostiene; sostengono; dichiara; afferma; annuncia; spiega; "
    "dice; dicono",
    "de": "sagt; sagen; erklärt; berichtet; behauptet; bestätigt; betont; warnt",
    "fr": "dit; disent; déclare; affirme; annonce; explique; estime; indique; rapporte",
    "es": "dice; dicen; afirma; asegura; explica; declara; señala; sostiene",
}
SPEAKER_BEFORE = re.compile(
    r"(?:\b(?:he|she|they|it|who|one|which|er|sie|lui|lei|il|elle|ils|elles|él|ella|ellos)"
    r"|\b\w*[A-ZÀ-Ý][\w\u2019'.-]*|\b(?:officials?|analysts?|experts?|strategists?|sources?|police|"
    r"authorities|ministry|government|report|study|survey|spokes(?:man|woman|person)|"
    r"agency|media|researchers?|polizei|regierung|governo|fonti|gobierno|gouvernement))"
    r"(?:\s+\w+)?\s+$"
)
STATEMENT_AFTER = re.compile(r"\s*(?:that\b|dass\b|daß\b|che\b|que\b|qu'|[:“\"«„])", re.IGNORECASE)
# "…,” says one; said Katherine Maher": the speaker after the verb.
SPEAKER_AFTER = re.compile(r"\s+(?:one|he|she|they|(?-i:[A-Z])\w+|the\s+\w+)\b", re.IGNORECASE)
# "according to the rules" is no attribution; "according to analysts" is.
ACCORDING_TO = ("according to", "selon", "según", "d'après", "de acuerdo con", "stando a")
ACCORDING_TO_WHAT = re.compile(
    r"\s+(?!(?:\S+\s+){0,4}(?:rules?|conventions?|specifications?|standards?|schedule|plan|"
    r"needs|instructions|requirements|principles|terms|nature|règles|termes|reglas|términos)\b)"
    r"(?:(?:the|a|an|its|their|le|la|les|l'|el|los|las|un|une|una)\s*)?"
    r"(?:(?-i:[A-ZÀ-Ý])|officials|analysts|experts|sources|police|reports?|data|figures|estimates|"
    r"witnesses|researchers|authorities|media|statistics|statement|documents?|studies|study|"
    r"survey|ministry|responsables|analystes|experts|rapports?|données|chiffres|autorités|"
    r"médias|ministère|gouvernement|fuentes|expertos|analistas|policía|datos|cifras|"
    r"informes?|autoridades|medios|ministerio|gobierno)",
    re.IGNORECASE,
)
# Italian "avrebbe detto" reports; "avrebbe dovuto" is a modal.
NOT_REPORTED = re.compile(
    r"\s+(?:dovuto|potuto|voluto|bisogno|avuto|dû|pu|voulu|debido|podido|querido)\b", re.I
)

# --- Superlatives --------------------------------------------------------------------------------

SUPERLATIVE_WORDS = {
    "en": "most; least; first; only; largest; biggest; highest; lowest; greatest; worst; best; "
    "deadliest; longest; smallest; oldest; fastest; newest; strongest; weakest; richest; "
    "poorest; heaviest; earliest; last",
    "it": "più; meno; primo; prima; primi; prime; unico; unica; maggiore; peggiore; migliore; "
    "massimo; minimo; ultimo; ultima",
    "de": "erste; ersten; erster; einzige; einzigen; einziger; größte; größten; größter; höchste; "
    "höchsten; niedrigste; schlimmste; beste; besten; älteste; ältesten; letzte; meiste",
    "fr": "plus; moins; premier; première; premiers; seul; seule; meilleur; meilleure; pire; "
    "dernier; dernière",
    "es": "más; menos; primero; primera; primer; único; única; mayor; menor; mejor; peor; "
    "último; última",
}
# A superlative is a record only of something: "the first", "its largest", "il più".
SUPERLATIVE_DETERMINERS = {
    "en": "the|its|his|her|their|our",
    "it": "il|la|lo|i|gli|le|l'|suo|sua|loro",
    "de": "der|die|das|den|dem|des|zum|am|ihr|ihre|sein|seine",
    "fr": "le|la|les|l'|son|sa|leur",
    "es": "el|la|los|las|lo|su|sus",
}
SUPERLATIVE_DETERMINER = {
    language: re.compile(rf"(?<![\w'])(?:{words})\s+(?:\w+\s+)?$", re.IGNORECASE)
    for language, words in SUPERLATIVE_DETERMINERS.items()
}
SUPERLATIVE_DETERMINER["*"] = re.compile(
    rf"(?<![\w'])(?:{'|'.join(SUPERLATIVE_DETERMINERS.values())})\s+(?:\w+\s+)?$", re.IGNORECASE
)
RECORD_PHRASES = {
    "en": "for the first time; a record; record high; record low; ever; never before; "
    "unprecedented; no other; not the first",
    "it": "per la prima volta; record; senza precedenti; mai prima",
    "de": "zum ersten mal; erstmals; rekord; noch nie; beispiellos",
    "fr": "pour la première fois; record; sans précédent; jamais auparavant",
    "es": "por primera vez; récord; sin precedentes; nunca antes",
}
ORDINAL = re.compile(
    r"first|last|primo|prima|primi|prime|ultimo|ultima|erste|ersten|erster|letzte|premier|"
    r"première|premiers|dernier|dernière|primero|primera|primer|último|última",
    re.IGNORECASE,
)
# English "-est" words that are not superlatives.
NOT_SUPERLATIVE = frozenset(
    _phrases(
        "west interest rest test honest forest protest suggest arrest request contest digest "
        "harvest invest manifest modest quest guest chest nest pest vest zest crest latest "
        "earnest conquest priest breast behest unrest southwest northwest midwest lest"
    )
)
EST_WORD = re.compile(r"\b[a-z]{3,}est\b", re.IGNORECASE)

# --- Causes --------------------------------------------------------------------------------------

# A cause stated as something that happened: strong.
CAUSAL_EVENTS = {
    "en": "caused; led to; leads to; resulted in; results in; forced; forces; triggered; "
    "sparked; prompted; as a result of; in response to; consequence of; leading to",
    "it": "ha causato; hanno causato; ha provocato; hanno provocato; ha portato a; "
    "in seguito a; a seguito di; ha costretto",
    "de": "verursachte; verursachten; führte zu; führten zu; infolge; zwang; löste aus",
    "fr": "a causé; a provoqué; a entraîné; a conduit à; à la suite de; a forcé; a contraint",
    "es": "causó; provocó; condujo a; llevó a; obligó; a raíz de; como consecuencia de",
}
# A cause as reasoning ("because", "da"): weak, an argument as often as a fact.
CAUSAL_CONJUNCTIONS = {
    "en": "because; due to; owing to; as a result",
    "it": "perché; poiché; a causa di; a causa del; a causa della; a causa dei; a causa delle; "
    "a causa dello; a causa degli; dovuto a; dovuta a; per via di",
    "de": "weil; wegen; aufgrund",
    "fr": "parce que; à cause de; en raison de; grâce à",
    "es": "porque; debido a; a causa de; gracias a",
}

# --- Events --------------------------------------------------------------------------------------

IRREGULAR_PARTICIPLES = (
    "set|put|cut|hit|led|run|shot|won|lost|held|sent|built|made|taken|given|seen|known|shown|"
    "found|told|brought|caught|left|met|paid|sold|struck|spent|begun|done|gone|fought|said|"
    "sought|drawn|thrown|grown|written|driven|broken|chosen|stolen|become"
)
IRREGULAR_PAST = (
    "led|came|took|gave|made|sent|began|won|lost|met|fell|rose|grew|held|left|told|found|built|"
    "fought|struck|spent|paid|sold|brought|caught|sought|wrote|drew|broke|chose|became|ran|"
    "shot|hit|knew|saw"
)
# "è aumentato", "sono morti": verbs whose passato prossimo takes essere ("è sviluppata" is a
# present passive).
ITALIAN_ESSERE_VERBS = (
    "(?:aumentat|diminuit|calat|mort|nat|partit|arrivat|venut|diventat|cresciut|sces|salit|"
    "cadut|entrat|uscit|rimast|tornat|scompars|success|accadut|fallit)[oaie]"
)
# German strong verbs in the simple past: "stieg", "fiel", "starb".
GERMAN_STRONG_PAST = (
    "stieg|stiegen|fiel|fielen|kam|kamen|ging|gingen|gab|gaben|nahm|nahmen|starb|starben|"
    "begann|begannen|gewann|gewannen|verlor|verloren|traf|trafen|brach|brachen|fand|fanden|"
    "hielt|hielten|ließ|ließen|zog|zogen|wuchs|sank|sanken|floh|flohen|schrieb|schrieben"
)
FRENCH_PARTICIPLES = (
    "fait|faite|dit|écrit|écrite|pris|prise|mis|mise|permis|repris|compris|rejoint|joint|"
    "ouvert|offert|découvert|vendu|vendue|perdu|connu|reçu|vécu|eu|fini|choisi|réuni|établi|"
    "obtenu|tenu|maintenu|soutenu|produit|construit|détruit|traduit|conduit|quitté"
)
# "est décédé", "sont arrivés": verbs whose passé composé takes être ("est développée" is a
# present passive).
FRENCH_ETRE_VERBS = (
    "décédée?s?|morte?s?|née?s?|partie?s?|arrivée?s?|venue?s?|devenue?s?|entrée?s?|sortie?s?|"
    "tombée?s?|restée?s?|retournée?s?|apparue?s?|disparue?s?|parvenue?s?|revenue?s?"
)
# A completed action: a perfect or a passive past ("have provided", "was killed"), an English
# simple past after a name or a pronoun ("Russia alleged"); the same tenses in each language.
EVENT = {
    "en": r"\b(?:has|have|had|was|were)\s+"
    r"(?:(?:not|also|been|already|just|now|since|recently|previously|finally|\w+ly)\s+)*"
    r"(?!been\b)(?:\w{3,}(?:ed|en|wn|ght|ne|ld|lt|nt|ck|ok|ung|ade)|"
    + IRREGULAR_PARTICIPLES
    + r")\b"
    r"|(?:(?<=[a-z]\s)[A-Z]\w+(?:\s[A-Z]\w+)*|\b(?:[Tt]hey|[Hh]e|[Ss]he|[Ww]e))\s+"
    r"(?:\w+ly\s+)?(?:\w{3,}ed|" + IRREGULAR_PAST + r")\b"
    # "the harvest failed", "the Kremlin sought": a simple past after a noun.
    r"|\b(?:[Tt]he|[Ii]ts|[Tt]heir)\s+\w{3,}\s+(?:\w{3,}ed|" + IRREGULAR_PAST + r")\b"
    r"(?!\s+(?:by|in|on|to|for|with|from|as)\b)"
    # "Armed clashes characterised the incursion", "individuals shared messages": a simple past
    # after a plural noun, with its object (not "the attacks reported by", a participle).
    r"|\b[a-z]{3,}s\s+(?:\w+ly\s+)?\w{3,}(?:ed|ised|ized)\s+(?!(?:by|in|on|to|for|with|from|as|"
    r"at|of|that)\b)(?:the|a|an|its|their|his|her|\w+s)\b",
    "it": r"\b(?:è|sono|era|erano|fu|furono)\s+(?:\w+mente\s+)?(?:" + ITALIAN_ESSERE_VERBS + r")\b"
    r"|\b(?:(?:ha|hanno|aveva|avevano)\s+(?:\w+mente\s+)?"
    r"|(?:è|sono|era|erano|fu|furono)\s+(?:\w+mente\s+)?stat[oaie]\s+)"
    r"\w{3,}(?:ato|ata|ati|ate|uto|uta|uti|ute|ito|ita|iti|ite|esso|essa|otto|otta|aso|asa)\b",
    # German: an auxiliary and, a few words on, the participle ending the clause.
    "de": r"\b(?:" + GERMAN_STRONG_PAST + r")\b"
    r"|\b(?:hat|haben|hatte|hatten|wurde|wurden|ist|sind|war|waren)\b"
    r"(?:\s+[\w„“»«-]+){0,6}?\s+(?!gerecht|genug|gegen|genau|gleich|gern|gesamt|geeignet)"
    r"ge\w{2,}(?:t|en)(?=\s*(?:[.,;:]|$|und\b|oder\b|als\b))"
    # A subordinate clause puts the auxiliary last: "die entstanden sind", "das gegründet wurde".
    r"|\b(?:ge|be|ent|er|ver|zer)\w{3,}(?:t|en)\s+(?:sind|ist|hat|haben|hatte|hatten|wurde|"
    r"wurden|war|waren)(?=\s*(?:[.,;:]|$))",
    # French: the passé composé ("a annoncé", "ont été tués", "est décédé"), the passé simple.
    "fr": r"\b(?:a|ont|avait|avaient)\s+(?:\w+ment\s+)?(?:(?:été|depuis|déjà|aussi)\s+)?"
    r"(?:\w{2,}(?:é|ée|és|ées)|" + FRENCH_PARTICIPLES + r")\b"
    r"|\b(?:est|sont)\s+(?:\w+ment\s+)?(?:" + FRENCH_ETRE_VERBS + r")\b"
    r"|\b(?:fut|furent|était|étaient)\s+(?:\w+ment\s+)?\w{3,}(?:é|ée|és|ées)\b"
    r"|\b\w{3,}èrent\b",
    "es": r"\b(?:ha|han|había|habían)\s+(?:sido\s+)?\w{2,}(?:ado|ada|ados|adas|ido|ida|idos|"
    r"idas|cho|cha|to|ta)\b|\b(?:fue|fueron|se)\s+\w{3,}(?:ado|ada|ados|adas|ido|ida|idos|idas|"
    r"ó)\b|\b\w{3,}(?:ó|aron|ieron)\b",
}
# An action by a named agent: "funded by Innosuisse", "developed by Laurens van der Maaten".
NAMED_AGENT = re.compile(
    r"(?<!\bbe\s)(?<!\bbeing\s)\b\w{3,}(?:ed|en|wn|ato|ata|ati|ate|ito|ita|uto|uta|é|ée|és|"
    r"ées|ado|ada|ados|adas|ido|ida)\s+(?:by|da|dal|dalla|dai|dagli|par|por)\s+"
    r"(?:the\s+|la\s+|le\s+|l'|el\s+)?(?-i:[A-ZÀ-Ý])[\w\u2019'-]+"
    # German puts the participle last: "von Ian Murdock gegründet".
    r"|\b(?:von|vom)\s+(?:der\s+|dem\s+|den\s+)?(?-i:[A-ZÀ-Ý])\w+(?:\s+(?-i:[A-Z])\w+)+"
    r"\s+(?:\w+\s+)?ge\w{2,}(?:t|en)\b"
)

# A named actor or place: a capitalised word inside the sentence ("the Kremlin", "Innosuisse",
# "HUR"). German capitalises every noun, so there only acronyms and runs of capitalised words
# ("Free Software Foundation") are names.
CAPITALISED = re.compile(r"(?<![\w'\u2019-])(?-i:[A-ZÀ-Ý])[\w\u2019'-]*")
ACRONYM = re.compile(r"(?<![\w-])(?-i:[A-Z]{2,}\d*)(?![\w-])")
NOT_NAMES = frozenset(
    _phrases(
        "i i'm i've i'd we the a an it in on at for but and or if as this that these those he "
        "she they his her their our its there here however yet so also both then today "
        "yesterday il la le lo gli un una der die das ein eine je elle ils nous el los las yo "
        f"monday tuesday wednesday thursday friday saturday sunday {MONTH_NAMES}"
    )
)

# --- Comparisons and named examples ---------------------------------------------------------------

# "More chaotic than", "better disciplined", "even faster": a comparison is checkable when it is
# made of something named (weak: it counts with a named actor, see _actors).
COMPARISON = {
    "en": re.compile(
        r"\b(?:more|less|fewer|\w{3,}er)\s+(?:\w+\s+){0,3}?than\b|\b(?:better|worse|faster|"
        r"slower|larger|smaller|higher|lower|closer|stronger|weaker|cheaper|safer)\b",
        re.IGNORECASE,
    ),
    "it": re.compile(
        r"\b(?:più|meno)\s+\w+\s+(?:di|del|della|dei|delle|che)\b|\b(?:meglio|peggio)\b",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"\b(?:mehr|weniger|\w{3,}er)\s+(?:\w+\s+){0,2}?als\b|\b(?:besser|schlechter|"
        r"schneller|langsamer|größer|kleiner|höher|niedriger|stärker|schwächer)\b",
        re.IGNORECASE,
    ),
    "fr": re.compile(
        r"\b(?:plus|moins)\s+\w+\s+(?:que|qu')|\b(?:mieux|meilleure?s?|pire)\b", re.IGNORECASE
    ),
    "es": re.compile(r"\b(?:más|menos)\s+\w+\s+que\b|\b(?:mejor|peor)(?:es)?\b", re.IGNORECASE),
}
COMPARISON["*"] = re.compile("|".join(f"(?:{p.pattern})" for p in COMPARISON.values()), re.I)
# "Libraries such as Beautiful Soup, lxml and Cheerio": named things given as examples of what
# the sentence says, a statement about those things (strong).
NAMED_EXAMPLE = re.compile(
    r"\b(?:such\s+as|including|come\s+ad\s+esempio|wie\s+(?:etwa|zum\s+beispiel)|"
    r"tels?\s+que|telles\s+que|como\s+por\s+ejemplo)\s+(?-i:[A-ZÀ-Ý])[\w\u2019'-]+",
    re.IGNORECASE,
)

# --- What is not a claim -------------------------------------------------------------------------

# Opinion, hedges, plans and advice: with only weak cues, what the writer thinks or intends.
OPINION = {
    "en": "i think; we think; i believe; we believe; in my view; in my opinion; arguably; "
    "should; ought to; must; may; might; could; would; will; shall; likely; perhaps; probably; "
    "possibly; seems; seem; appear to; appears to; we hope; i hope; let us; let's; imagine; "
    "can be; is going to; are going to; need to; needs to; aims to; aim to; intended to",
    "it": "penso; credo; secondo me; a mio avviso; dovrebbe; dovrebbero; deve; devono; bisogna; "
    "potrebbe; potrebbero; può; possono; forse; probabilmente; è probabile; sembra; speriamo; "
    "spero; sarà; saranno; verrà; verranno",
    "de": "ich denke; ich glaube; wir glauben; meiner meinung nach; sollte; sollten; soll; "
    "sollen; muss; müssen; könnte; könnten; kann; können; würde; würden; wird; werden; "
    "vielleicht; wahrscheinlich; scheint; hoffen; hoffe",
    "fr": "je pense; nous pensons; je crois; à mon avis; devrait; devraient; doit; doivent; "
    "pourrait; pourraient; peut; peuvent; peut-être; probablement; semble; il faut; sera; "
    "seront; espère",
    "es": "creo; pienso; en mi opinión; debería; deberían; debe; deben; podría; podrían; puede; "
    "pueden; quizás; quizá; tal vez; probablemente; parece; hay que; será; serán; espero",
}
# The future tense by its endings, where it has its own: a plan or a prediction.
FUTURE = {
    "it": re.compile(r"\b\w{2,}(?:rà|ranno)\b", re.IGNORECASE),
    "fr": re.compile(r"\b(?:\w{3,}(?:eront|iront)|sera|seront|aura|auront|fera|feront)\b", re.I),
    "es": re.compile(r"\b\w{2,}(?:rá|rán)\b", re.IGNORECASE),
}
# The writer's own story: "I moved my blog", "ich habe mir gebaut".
FIRST_PERSON_SINGULAR = {
    "en": "i; my; me; mine; i'm; i've; i'd",
    "it": "io; mio; mia; miei; mie; ho",
    "de": "ich; mein; meine; meinen; meiner; mir; mich",
    "fr": "je; j'; mon; ma; mes; moi",
    "es": "yo; mi; mis; me",
}
# "Debian is a GNU/Linux distribution": a definition says what a thing is, not what happened.
DEFINITION = re.compile(
    r"^\W*(?:[\w\u2019'-]+\s+){1,6}?(?:is|are|è|sono|ist|sind|est|sont|es|son)\s+"
    r"(?:a|an|un|una|uno|un'|ein|eine|einer|une|des)\b",
    re.IGNORECASE,
)
# Feelings and thanks: an attributed "we are thrilled" is not a statement to check.
EMOTIVE = {
    "en": "thrilled; excited; delighted; proud; happy; grateful; welcome; welcomes; pleased; sad; "
    "saddened; thanks; thank you; miss; will be missed",
    "it": "felici; felice; orgogliosi; entusiasti; lieti; grati; grazie; mancherà",
    "de": "freuen; stolz; glücklich; dankbar; begeistert; danke; vermissen",
    "fr": "heureux; ravis; fiers; reconnaissants; merci; regretté; regrettée",
    "es": "felices; orgullosos; encantados; agradecidos; gracias; echaremos de menos",
}
INSTRUCTION = re.compile(
    r"^\W*(?:please|see|note\s+that|learn\s+more|check\s+out|visit|click|read\s+more|"
    r"subscribe|donate|contact|siehe|vedi|voir|consulte|véase|bitte|per\s+favore|"
    r"s'il\s+vous\s+plaît|por\s+favor)\b"
    r"|\b(?:please|bitte|per\s+favore|s'il\s+vous\s+plaît|por\s+favor)\s+(?:visit|see|"
    r"read|push|click|consider|besuchen|visita)\b",
    re.IGNORECASE,
)
BYLINE = re.compile(
    r"^\W*(?:written\s+by|by\s+[A-Z]|geschrieben\s+von|von\s+[A-Z]\w+\s*$|scritto\s+da|"
    r"escrito\s+por|écrit\s+par|revised\b)|\bBy\s+[A-Z][\w ]+\s+Read\s+more\b",
    re.IGNORECASE,
)
# "Title: … Version: … Authors: …": a header block, not prose.
HEADER_FIELD = re.compile(
    r"\b(?:title|version|author|authors|created|last-modified|status|type|date|"
    r"post-history|discussions-to|content-type)\s*:",
    re.IGNORECASE,
)
DEBRIS = re.compile(r"[│├┼┤└┴┘┌┬┐─]|\{\{<|\{\\displaystyle|^\W*[*=#@]{3,}")
WORD = re.compile(r"[^\W\d_]{2,}")
QUESTION_END = re.compile(r"\?[\s\u201d\"'\u2019)\u00bb]*$")


def _compile(table: dict[str, str], *, ambiguous_right: bool = False) -> dict[str, re.Pattern]:
    patterns = {}
    for language, text in table.items():
        patterns[language] = re.compile(
            rf"(?<![\w'\u2019])(?:{_alternatives(*_phrases(text))})(?!\w)", re.I
        )
    patterns["*"] = re.compile(
        "|".join(f"(?:{pattern.pattern})" for pattern in patterns.values()), re.I
    )
    return patterns


_SMALL_NUMBER_PATTERNS = _compile(SMALL_NUMBER_WORDS)
_LARGE_NUMBER_PATTERNS = _compile(LARGE_NUMBER_WORDS)
_QUANTIFIER_PATTERNS = _compile(QUANTIFIERS)
_NO_VICTIMS_PATTERNS = _compile(NO_VICTIMS)
_ATTRIBUTION_PATTERNS = _compile(ATTRIBUTION)
_AMBIGUOUS_ATTRIBUTION_PATTERNS = _compile(AMBIGUOUS_ATTRIBUTION)
_SUPERLATIVE_PATTERNS = _compile(SUPERLATIVE_WORDS)
_RECORD_PATTERNS = _compile(RECORD_PHRASES)
_CAUSAL_EVENT_PATTERNS = _compile(CAUSAL_EVENTS)
_CAUSAL_CONJUNCTION_PATTERNS = _compile(CAUSAL_CONJUNCTIONS)
_OPINION_PATTERNS = _compile(OPINION)
_FIRST_PERSON_PATTERNS = _compile(FIRST_PERSON_SINGULAR)
_EMOTIVE_PATTERNS = _compile(EMOTIVE)
_EVENT_PATTERNS = {language: re.compile(pattern) for language, pattern in EVENT.items()}
_EVENT_PATTERNS["*"] = re.compile("|".join(f"(?:{p})" for p in EVENT.values()))


@dataclass(frozen=True)
class Reason:
    # "number" | "date" | "attribution" | "superlative" | "causal" | "event" | "actor"
    rule: str
    matched: str
    # Strong cues flag a sentence alone; weak ones need a second rule (see the module doc).
    strong: bool = field(default=True, compare=False)

    def __str__(self) -> str:
        return f"{self.rule}: {self.matched}"


@dataclass
class CheckworthinessResult:
    checkworthy: bool
    reasons: list[Reason] = field(default_factory=list)
    # Why it was not flagged despite a cue: "question", "fragment", "opinion: may", …
    excluded_because: str = ""
    language: str = "en"

    @property
    def reason_texts(self) -> list[str]:
        return [str(reason) for reason in self.reasons]


# A quantity, a date or someone's words is a fact to source whatever else the sentence says.
HARD_RULES = frozenset({"number", "date", "attribution"})


def _pattern(patterns: dict[str, re.Pattern], language: str) -> re.Pattern:
    return patterns.get(language, patterns["*"])


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


# Words that start a sentence before a count: "Over 200 people", "Circa 30 persone".
APPROXIMATOR = re.compile(
    r"over|more|about|nearly|almost|around|some|only|just|up|under|fewer|less|roughly|"
    r"approximately|at|in|on|by|with|of|for|since|from|to|after|before|exactly|oltre|circa|"
    r"quasi|più|über|etwa|fast|rund|mehr|plus|environ|près|presque|más|casi|unos|unas|cerca|"
    r"con|mit|avec|nel|im|en|dans|seit",
    re.IGNORECASE,
)
MATH = re.compile(r"[=∑‖{}]|\\[a-z]+")


def _is_quantity(text: str, match: re.Match, value: str) -> bool:
    """Is this figure a quantity, rather than a label, a version, a time or a formula?"""
    before, after = text[: match.start()], text[match.end() :]
    if re.match(r"[.,]?\d|:\d|x\d|\s*[=}]", after) or re.search(r"[=_{^]\s*$", before):
        return False  # "2:21", "600x400", "x = 0", "p_{ij}"
    if value.count(".") >= 2 or LABEL_WORD.search(before):
        return False  # "4.4.5", "1.3.3.1", "Section 1.5"
    unit = re.match(rf"\s?(?:{UNITS})\b", after, re.IGNORECASE) or re.search(r"[%$€£]", value)
    if re.match(r"[^\W\d_]", after) and not unit:
        return False  # "5PCS", "1a", "DebConf15"
    if re.search(r"[^\W\d_]$", before):
        return False  # "V3.0", "mp3"
    if re.search(r"\(\s*$", before) and re.match(r"\s*\)", after):
        return False  # "June 2018 (16)": a count in an archive list
    # "Debian 2.1", "Firefox 78", "PEP 287": a number right after a name names a version.
    name = re.search(r"(?:^|[^.!?]\s)([A-Z][\w\u2019'-]*|\w*[A-Z]\w*)\s+$", before)
    if name and not unit and not re.match(r"\s*(?:[-\u2013]\s*)?\d", after):
        previous = before[: name.start(1)].strip()
        # The first word is capitalised anyway: "Over 200 people" counts, "Debian 2.1" names.
        if previous or not APPROXIMATOR.fullmatch(name.group(1)):
            return False
    if MATH.search(text) and re.search(r"(?:^|\s)[a-zA-Z]\s+$", before) and not unit:
        return False  # "x 1", "y N": a formula
    number = re.sub(r"[^\d]", "", value)
    return bool(unit) or int(number or 0) >= 2


def _numbers(text: str, language: str) -> list[Reason]:
    dates = [m.span() for m in SPECIFIC_DATE.finditer(text)] + [
        m.span() for m in OTHER_DATE.finditer(text)
    ]
    reasons: list[Reason] = []
    figures: list[tuple[int, int]] = []
    for match in FIGURE.finditer(text):
        if _inside(match.start(), dates) or not _is_quantity(text, match, match.group(0)):
            continue
        reasons.append(Reason("number", match.group(0).strip()))
        figures.append(match.span())
    # "Whose work can be shared with thousands of other users": a count in words inside a
    # possibility or a plan is a manner of speaking, not a figure to source.
    hedged = bool(_pattern(_OPINION_PATTERNS, language).search(text))
    for patterns, strong in (
        (_LARGE_NUMBER_PATTERNS, not hedged),
        (_SMALL_NUMBER_PATTERNS, False),
    ):
        for match in _pattern(patterns, language).finditer(text):
            if DEFINITE_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
                continue  # "the two groups": which ones, not how many
            if _inside(match.start(), figures) or re.match(r"[-\u2010]", text[match.end() :]):
                continue  # "two-dimensional"
            reasons.append(Reason("number", match.group(0), strong=strong))
    reasons += [
        Reason("number", match.group(0), strong=False)
        for match in _pattern(_QUANTIFIER_PATTERNS, language).finditer(text)
    ]
    reasons += [
        Reason("number", match.group(0).lower())
        for match in _pattern(_NO_VICTIMS_PATTERNS, language).finditer(text)
    ]
    return reasons


def _dates(text: str) -> list[Reason]:
    reasons = [Reason("date", match.group(0)) for match in SPECIFIC_DATE.finditer(text)]
    # "On May 22" is a date; "may" alone is a modal, so lower-case "may" before a day is too.
    reasons = [r for r in reasons if not re.fullmatch(r"may\s+\d{1,2}", r.matched)]
    return reasons + [
        Reason("date", match.group(0), strong=False) for match in RELATIVE_DATE.finditer(text)
    ]


def _attributions(text: str, language: str) -> list[Reason]:
    reasons = []
    for match in _pattern(_ATTRIBUTION_PATTERNS, language).finditer(text):
        word = match.group(0).lower()
        after = text[match.end() :]
        if re.sub(r"\s+", " ", word) in ACCORDING_TO and not ACCORDING_TO_WHAT.match(after):
            continue
        if word in ("avrebbe", "avrebbero", "aurait", "auraient", "habría", "habrían") and (
            NOT_REPORTED.match(after) or not re.match(r"\s+\w+", after)
        ):
            continue
        reasons.append(Reason("attribution", word))
    for match in _pattern(_AMBIGUOUS_ATTRIBUTION_PATTERNS, language).finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        if not STATEMENT_AFTER.match(after):
            if re.search(r"(?:\b(?:to|the|a|an|our|their|its|his|her|public)|,)\s*$", before, re.I):
                continue  # "how to say it", "public reports", "countries, states"
            if not (SPEAKER_BEFORE.search(before) or SPEAKER_AFTER.match(after)):
                continue
        reasons.append(Reason("attribution", match.group(0).lower()))
    # "described it as", "referred to its operation as": a party's words, reported.
    for match in re.finditer(
        r"\b(?:described|describes|referred\s+to|calls|called)\s+(?:\w+\s+){0,3}?as\b", text
    ):
        reasons.append(Reason("attribution", match.group(0)))
    return reasons


def _superlatives(text: str, language: str) -> list[Reason]:
    reasons = [
        Reason("superlative", match.group(0).lower())
        for match in _pattern(_RECORD_PATTERNS, language).finditer(text)
    ]
    words = list(_pattern(_SUPERLATIVE_PATTERNS, language).finditer(text))
    if language not in RULES_LANGUAGES[1:]:
        words += [
            m
            for m in EST_WORD.finditer(text)
            if m.group(0).lower() not in NOT_SUPERLATIVE
            and not _pattern(_SUPERLATIVE_PATTERNS, "en").fullmatch(m.group(0))
        ]
    for match in words:
        before = text[max(0, match.start() - 30) : match.start()]
        if re.search(r"\b(?:at|al|au|zu|a|por|lo)\s+$", before, re.I):
            continue  # "at least", "al meno", "zumindest", "por lo menos"
        if any(match.start() >= r0 and match.end() <= r1 for r0, r1 in _spans(reasons, text)):
            continue
        determined = bool(_pattern(SUPERLATIVE_DETERMINER, language).search(before))
        # "The first was to…", "le premier objectif": an ordinal counts off as often as it
        # records, so only the record phrases above make "first" strong.
        ordinal = bool(ORDINAL.fullmatch(match.group(0)))
        reasons.append(
            Reason("superlative", match.group(0).lower(), strong=determined and not ordinal)
        )
    return reasons


def _spans(reasons: list[Reason], text: str) -> list[tuple[int, int]]:
    spans = []
    for reason in reasons:
        start = text.lower().find(reason.matched)
        if start >= 0:
            spans.append((start, start + len(reason.matched)))
    return spans


def _causes(text: str, language: str) -> list[Reason]:
    return [
        Reason("causal", match.group(0).lower())
        for match in _pattern(_CAUSAL_EVENT_PATTERNS, language).finditer(text)
    ] + [
        Reason("causal", match.group(0).lower(), strong=False)
        for match in _pattern(_CAUSAL_CONJUNCTION_PATTERNS, language).finditer(text)
    ]


def _events(text: str, language: str) -> list[Reason]:
    reasons = [
        Reason("event", match.group(0), strong=False)
        for match in _pattern(_EVENT_PATTERNS, language).finditer(text)
    ]
    return reasons + [Reason("event", match.group(0)) for match in NAMED_AGENT.finditer(text)]


def _comparisons(text: str, language: str) -> list[Reason]:
    reasons = [
        Reason("comparison", match.group(0).lower(), strong=False)
        for match in _pattern(COMPARISON, language).finditer(text)
    ]
    return reasons + [Reason("example", match.group(0)) for match in NAMED_EXAMPLE.finditer(text)]


def _actors(text: str, language: str) -> list[Reason]:
    """The first named actor or place in the sentence, as a weak cue: a completed action by
    someone named ("the Kremlin sought") is an event to check, one by "many" is not."""
    for match in CAPITALISED.finditer(text):
        before = text[: match.start()]
        if not before.strip() or re.search(r"[.!?:;«»“”\"(\[•*—\u2013-]\s*$", before):
            continue  # capitalised because it starts the sentence or a clause
        name = match.group(0)
        if name.lower() in NOT_NAMES:
            continue
        if language == "de" and not ACRONYM.fullmatch(name):
            following = CAPITALISED.match(text, match.end() + 1)
            if not (following and text[match.end() : match.end() + 1] == " "):
                continue
            name = f"{name} {following.group(0)}"
        return [Reason("actor", name, strong=False)]
    return []


def _not_a_claim(sentence: str) -> str:
    """Why the sentence is no statement at all, or ''."""
    if QUESTION_END.search(sentence):
        return "question"
    if len(WORD.findall(sentence)) < 3 or DEBRIS.search(sentence):
        return "fragment"
    if BYLINE.search(sentence) or len(HEADER_FIELD.findall(sentence)) >= 2:
        return "byline"
    if INSTRUCTION.search(sentence):
        return "instruction"
    if sentence.rstrip().endswith(":"):
        return "introduces what follows"
    return ""


def checkworthiness(text: str, language: str = "en") -> CheckworthinessResult:
    """Is `text` (one sentence) a check-worthy statement, and which rules say so?"""
    language = (language or "en").lower()[:2]
    # "United States" is a place, not a statement; markers are not numbers.
    sentence = re.sub(r"\s+", " ", MARKER.sub(" ", text)).replace("United States", "US").strip()
    result = CheckworthinessResult(checkworthy=False, language=language)
    if not sentence:
        return result
    if excluded := _not_a_claim(sentence):
        result.excluded_because = excluded
        return result

    reasons = (
        _numbers(sentence, language)
        + _dates(sentence)
        + _attributions(sentence, language)
        + _superlatives(sentence, language)
        + _causes(sentence, language)
        + _events(sentence, language)
        + _comparisons(sentence, language)
    )
    if reasons:
        reasons += _actors(sentence, language)
    # One reason per rule and matched text, in the order found; strong wins over weak.
    unique: dict[tuple[str, str], Reason] = {}
    for reason in reasons:
        key = (reason.rule, reason.matched)
        if key not in unique or (reason.strong and not unique[key].strong):
            unique[key] = reason
    result.reasons = list(unique.values())
    if not result.reasons:
        return result
    if len(WORD.findall(sentence)) < 4 and not any(r.rule == "attribution" for r in reasons):
        result.excluded_because = "fragment"  # "iRobot Wand, 2 Stück"; "Police said 3 died." stays
        return result
    numbers = any(reason.rule == "number" and reason.strong for reason in result.reasons)
    emotive = _pattern(_EMOTIVE_PATTERNS, language).search(sentence)
    if emotive and not numbers:
        result.excluded_because = f"feeling: {emotive.group(0).lower()}"
        return result
    if any(reason.strong and reason.rule in HARD_RULES for reason in result.reasons):
        result.checkworthy = True
        return result
    # No figure, date or attribution: the writer must not be giving a view, a plan, an anecdote
    # or a definition, and with weak cues only, two rules must agree.
    # "May" the month is no hedge: dates are taken out before looking for opinion cues.
    undated = re.sub(r"(?<=\w\s)May\b", " ", SPECIFIC_DATE.sub(" ", sentence))
    for name, found in (
        ("opinion", _pattern(_OPINION_PATTERNS, language).search(undated)),
        ("plan", FUTURE[language].search(sentence) if language in FUTURE else None),
        ("personal", _pattern(_FIRST_PERSON_PATTERNS, language).search(sentence)),
        ("definition", DEFINITION.search(sentence)),
    ):
        if found:
            result.excluded_because = f"{name}: {found.group(0).strip().lower()}"
            return result
    if any(reason.strong for reason in result.reasons):
        result.checkworthy = True
        return result
    rules = {reason.rule for reason in result.reasons}
    if not rules & {"event", "comparison"}:
        rules.discard("actor")  # a name alone adds nothing to "most of" or "because"
    # A completed action, not a view, a plan or an anecdote (those were excluded above), is a
    # specific event to check: "these measures have already been lifted".
    if len(rules) < 2 and "event" not in rules:
        result.excluded_because = "one weak cue"
        return result
    result.checkworthy = True
    return result


def claims_flag_checkworthy(*, claims=None, article=None, batch_size: int = 1000) -> int:
    """Run the rules over `claims` (a queryset) or every claim of `article` and store the
    result and its reasons on each claim; returns how many claims were checked. Machine data,
    not an editor's: stored without a history row, and run again at will."""
    from articles.models import Article
    from claims.language import article_language
    from claims.models import Claim

    if (claims is None) == (article is None):
        raise TypeError("claims_flag_checkworthy needs claims or an article, not both")
    if article is not None:
        claims = Claim.objects.filter(article=article)
    languages: dict[int, str] = {}
    checked = 0
    rows = claims.order_by("pk").only("pk", "text", "article_id").iterator(chunk_size=batch_size)
    while batch := [claim for _, claim in zip(range(batch_size), rows, strict=False)]:
        unseen = {claim.article_id for claim in batch} - set(languages)
        # The language as the importer recorded it; the body only where it did not.
        for found in Article.objects.filter(pk__in=unseen).only("language", "title"):
            languages[found.pk] = found.language or ""
        for article_id in [pk for pk in unseen if not languages.get(pk)]:
            languages[article_id] = article_language(Article.objects.get(pk=article_id))
        for claim in batch:
            result = checkworthiness(claim.text, languages[claim.article_id])
            claim.checkworthy = result.checkworthy
            claim.checkworthy_reasons = result.reason_texts if result.checkworthy else []
        Claim.objects.bulk_update(batch, ["checkworthy", "checkworthy_reasons"])
        checked += len(batch)
    return checked
