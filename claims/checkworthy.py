"""Which sentences are check-worthy — and so need a citation — by transparent rules.

A sentence is check-worthy when it states something a fact-checker could verify against a
source. Four kinds of cue make it so, each a rule with a name that is stored with the claim
("number: over 70", "attribution: according to"):

- number: quantities, percentages, money, counts in words ("two civilians", "dozens");
- attribution: someone is reported to have said or claimed something ("according to",
  "said", "Russia has reported", "secondo", "laut");
- superlative: firsts, records and -est words ("the largest", "for the first time");
- causal: one thing caused or led to another ("because", "led to", "a causa di", "wegen");
- event: a completed action with an actor ("have provided", "was killed", "Russia alleged",
  "ha annunciato", "wurde gegründet").

Questions are never flagged; nor are sentences that only give an opinion, a hedged guess or the
writer's framing (an opinion or hedge cue with no number and no attribution), nor feelings
("we are thrilled", even when someone "said" it). English, Italian
and German have rules of their own; other languages use the union of the three, which still
finds numbers, and is marked as such.

Pure: text in, a CheckworthinessResult out. `claims_flag_checkworthy()` stores results.
"""

import re
from dataclasses import dataclass, field

from claims.support import MARKER
from claims.wording import words_of

RULES_LANGUAGES = ("en", "it", "de")


def _alternatives(*phrases: str) -> str:
    # Longest first, so "more than" wins over "more".
    return "|".join(sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len)[::-1])


NUMBER_WORDS = {
    "en": (
        "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
        "fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions "
        "billion billions dozen dozens quarter twice double triple"
    ),
    "it": (
        "due tre quattro cinque sei sette otto nove dieci undici dodici quindici venti trenta "
        "quaranta cinquanta cento centinaia mille migliaia milione milioni miliardo miliardi "
        "dozzina dozzine decine doppio triplo"
    ),
    "de": (
        "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf fünfzehn zwanzig dreißig "
        "vierzig fünfzig hundert hunderte tausend tausende million millionen milliarde "
        "milliarden dutzend dutzende doppelt dreifach"
    ),
}
# Numbers that are not quantities: a year, a day of the month, a reference marker.
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|"
    "dicembre|januar|februar|märz|mai|juni|juli|oktober|dezember|jan|feb|mar|apr|jun|jul|aug|"
    "sep|sept|oct|nov|dec"
)
DATE_NUMBER = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:\s+\d{{4}})?"
    rf"|\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    r"|\b(?:1[5-9]|20)\d{2}s?\b",
    re.IGNORECASE,
)
DIGITS = re.compile(
    r"(?<![\w.])[$€£]?\d+(?:[.,]\d+)*(?:\s?(?:%|percent|per\s+cento|per\s+cent|prozent))?"
)

ATTRIBUTION = {
    "en": _alternatives(
        "according to",
        "said",
        "says",
        "say",
        "told",
        "stated",
        "states",
        "reported",
        "reports",
        "has reported",
        "claimed",
        "claims",
        "claim",
        "announced",
        "alleged",
        "alleges",
        "denied",
        "denies",
        "accused",
        "confirmed",
        "confirms",
        "insisted",
        "insists",
        "noted",
        "estimated",
        "estimates",
        "warned",
        "admitted",
        "acknowledged",
        "revealed",
        "declared",
        "described",
        "describes",
        "cited",
        "citing",
        "quoted",
        "in a statement",
        "promised",
        "pledged",
        "vowed",
        "contends",
        "argued",
        "argues",
        "referred to",
        "recognized as",
        "recognised as",
        "reportedly",
        "allegedly",
    ),
    "it": _alternatives(
        "secondo quanto",
        "secondo fonti",
        "ha detto",
        "hanno detto",
        "ha dichiarato",
        "hanno dichiarato",
        "ha affermato",
        "hanno affermato",
        "ha annunciato",
        "hanno annunciato",
        "ha riferito",
        "riferisce",
        "riferiscono",
        "sostiene",
        "sostengono",
        "ha confermato",
        "ha negato",
        "ha denunciato",
        "ha accusato",
        "dichiara",
        "afferma",
        "annuncia",
        "stando a",
        "a detta di",
        "avrebbe",
        "avrebbero",
        "si legge",
        "ha spiegato",
        "ha promesso",
        "ha sostenuto",
        "spiega",
    ),
    "de": _alternatives(
        "laut",
        "zufolge",
        "nach angaben",
        "sagte",
        "sagten",
        "sagt",
        "erklärte",
        "erklärten",
        "erklärt",
        "teilte mit",
        "teilte",
        "berichtete",
        "berichteten",
        "berichtet",
        "behauptet",
        "behauptete",
        "bestätigte",
        "bestätigt",
        "dementierte",
        "bestritt",
        "warf vor",
        "kündigte an",
        "gab bekannt",
        "angeblich",
        "soll",
        "sollen",
        "hieß es",
        "versprach",
        "betonte",
        "forderte",
    ),
}
SUPERLATIVE_WORDS = {
    "en": _alternatives(
        "most",
        "least",
        "first",
        "only",
        "record",
        "ever",
        "never before",
        "unprecedented",
        "largest",
        "biggest",
        "highest",
        "lowest",
        "greatest",
        "worst",
        "best",
        "deadliest",
        "longest",
        "smallest",
        "oldest",
        "fastest",
        "newest",
        "strongest",
        "weakest",
        "richest",
        "poorest",
        "heaviest",
    ),
    "it": _alternatives(
        "il più",
        "la più",
        "i più",
        "le più",
        "il meno",
        "la meno",
        "il maggiore",
        "la maggiore",
        "il peggiore",
        "il migliore",
        "il primo",
        "la prima",
        "per la prima volta",
        "record",
        "senza precedenti",
        "massimo",
        "minimo",
        "unico",
        "unica",
    ),
    "de": _alternatives(
        "am meisten",
        "am größten",
        "größte",
        "größten",
        "höchste",
        "höchsten",
        "niedrigste",
        "erste",
        "ersten",
        "zum ersten mal",
        "einzige",
        "einzigen",
        "rekord",
        "noch nie",
        "beispiellos",
        "meisten",
        "schlimmste",
        "beste",
        "besten",
        "älteste",
        "größter",
    ),
}
# English "-est" words that are not superlatives.
NOT_SUPERLATIVE = words_of(
    "west interest rest test honest forest protest suggest arrest request contest digest "
    "harvest invest manifest modest quest guest chest nest pest vest zest crest latest earnest "
    "conquest priest breast behest unrest southwest northwest midwest lest"
)
CAUSAL = {
    "en": _alternatives(
        "because",
        "due to",
        "caused",
        "causes",
        "causing",
        "led to",
        "leads to",
        "as a result",
        "resulted in",
        "results in",
        "result of",
        "consequence of",
        "owing to",
        "forced",
        "triggered",
        "sparked",
        "prompted",
    ),
    "it": _alternatives(
        "perché",
        "poiché",
        "a causa di",
        "a causa del",
        "a causa della",
        "a causa dei",
        "a causa delle",
        "dovuto a",
        "dovuta a",
        "ha causato",
        "hanno causato",
        "ha provocato",
        "ha portato a",
        "di conseguenza",
        "per via di",
        "in seguito a",
    ),
    "de": _alternatives(
        "weil",
        "wegen",
        "aufgrund",
        "verursacht",
        "verursachte",
        "führte zu",
        "führt zu",
        "infolge",
    ),
}
# Opinion, hedged guesses, advice and the writer's framing: not a checkable statement by
# themselves.
OPINION = {
    "en": _alternatives(
        "i think",
        "we think",
        "i believe",
        "we believe",
        "in my view",
        "in my opinion",
        "arguably",
        "should",
        "ought to",
        "must",
        "may",
        "might",
        "could",
        "would",
        "likely",
        "perhaps",
        "probably",
        "possibly",
        "seems",
        "appear to",
        "we hope",
        "let us",
        "let's",
        "imagine",
    ),
    "it": _alternatives(
        "penso",
        "credo",
        "secondo me",
        "a mio avviso",
        "dovrebbe",
        "dovrebbero",
        "bisogna",
        "potrebbe",
        "potrebbero",
        "forse",
        "probabilmente",
        "è probabile",
        "sembra",
        "speriamo",
    ),
    "de": _alternatives(
        "ich denke",
        "ich glaube",
        "wir glauben",
        "meiner meinung nach",
        "sollte",
        "sollten",
        "müssen",
        "könnte",
        "könnten",
        "würde",
        "würden",
        "vielleicht",
        "wahrscheinlich",
        "scheint",
        "hoffen",
    ),
}


# A claim about how many, even without a figure: "most", "almost all", "no casualties".
QUANTIFIERS = {
    "en": _alternatives(
        "most of",
        "the majority",
        "a majority",
        "almost all",
        "nearly all",
        "none of",
        "no one",
        "nobody",
        "no casualties",
        "no deaths",
        "percent",
        "half of",
    ),
    "it": _alternatives(
        "la maggior parte",
        "la maggioranza",
        "quasi tutti",
        "quasi tutte",
        "nessuna vittima",
        "nessun morto",
        "per cento",
        "metà dei",
        "metà delle",
    ),
    "de": _alternatives(
        "die meisten",
        "fast alle",
        "die mehrheit",
        "keine opfer",
        "keine toten",
        "prozent",
        "die hälfte",
    ),
}
IRREGULAR_PARTICIPLES = (
    "set|put|cut|hit|led|run|shot|won|lost|held|sent|built|made|taken|given|seen|known|shown|"
    "found|told|brought|caught|left|met|paid|sold|struck|spent|begun|done|gone|fought|said"
)
IRREGULAR_PAST = (
    "led|came|took|gave|made|sent|began|won|lost|met|fell|rose|grew|held|left|told|found|built|"
    "fought|struck|spent|paid|sold|brought|caught"
)
# A completed event with an actor: a perfect or passive past ("have provided", "was killed",
# "ha annunciato", "wurde gegründet"), or an English simple past after a name.
EVENT = {
    "en": r"\b(?:has|have|had|was|were)\s+"
    r"(?:(?:not|also|been|already|just|now|since|recently|previously|finally|\w+ly)\s+)*"
    r"(?!been\b)(?:\w{3,}(?:ed|en|wn|ght|ne|ld|lt|nt|ck|ok|ung|ade)|"
    + IRREGULAR_PARTICIPLES
    + r")\b"
    r"|(?:(?<=[a-z]\s)[A-Z]\w+(?:\s[A-Z]\w+)*|\b(?:they|he|she|we))\s+(?:\w+ly\s+)?"
    r"(?:\w{3,}ed|" + IRREGULAR_PAST + r")\b",
    "it": r"\b(?:(?:ha|hanno|aveva|avevano)\s+(?:\w+mente\s+)?"
    r"|(?:è|sono|era|erano|fu|furono)\s+(?:\w+mente\s+)?stat[oaie]\s+)"
    r"\w{3,}(?:ato|ata|ati|ate|uto|uta|uti|ute|ito|ita|iti|ite|esso|essa|otto|otta|aso|asa)\b",
    "de": r"\b(?:hat|haben|hatte|hatten|wurde|wurden|ist|sind|war|waren)\b"
    r"[^.;]*?\bge\w{3,}(?:t|en)\b",
}
# Feelings and thanks: an attributed "we are thrilled" is not a statement to check.
EMOTIVE = {
    "en": _alternatives(
        "thrilled",
        "excited",
        "delighted",
        "proud",
        "happy",
        "grateful",
        "welcome",
        "welcomes",
        "pleased",
        "sad",
        "saddened",
    ),
    "it": _alternatives("felici", "felice", "orgogliosi", "entusiasti", "lieti", "grati"),
    "de": _alternatives("freuen", "stolz", "glücklich", "dankbar", "begeistert"),
}


def _compile(table: dict[str, str], *, word_bounded: bool = True) -> dict[str, re.Pattern]:
    patterns = {}
    for language, alternatives in table.items():
        body = f"(?:{alternatives})"
        patterns[language] = re.compile(rf"(?<!\w){body}(?!\w)" if word_bounded else body, re.I)
    patterns["*"] = re.compile(
        "|".join(f"(?:{pattern.pattern})" for pattern in patterns.values()), re.I
    )
    return patterns


_NUMBER_WORD_PATTERNS = _compile(
    {language: "|".join(words.split()) for language, words in NUMBER_WORDS.items()}
)
_ATTRIBUTION_PATTERNS = _compile(ATTRIBUTION)
_SUPERLATIVE_PATTERNS = _compile(SUPERLATIVE_WORDS)
_CAUSAL_PATTERNS = _compile(CAUSAL)
_OPINION_PATTERNS = _compile(OPINION)
_QUANTIFIER_PATTERNS = _compile(QUANTIFIERS)
_EMOTIVE_PATTERNS = _compile(EMOTIVE)
_EVENT_PATTERNS = {language: re.compile(pattern) for language, pattern in EVENT.items()}
_EVENT_PATTERNS["*"] = re.compile("|".join(f"(?:{p})" for p in EVENT.values()))
# "the two groups": a number that names which ones, not a count to check.
DEFINITE_NUMBER = re.compile(
    r"\b(?:the|these|those|both|i|le|gli|die|der|den|diese)\s+$", re.IGNORECASE
)
EST_WORD = re.compile(r"\b[a-z]{3,}est\b", re.I)
QUOTE_MARKS = re.compile(r"[“”\"«»„]")


@dataclass(frozen=True)
class Reason:
    rule: str  # "number" | "attribution" | "superlative" | "causal"
    matched: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.matched}"


@dataclass
class CheckworthinessResult:
    checkworthy: bool
    reasons: list[Reason] = field(default_factory=list)
    # Why it was not flagged despite a cue: "question", "opinion".
    excluded_because: str = ""
    language: str = "en"

    @property
    def reason_texts(self) -> list[str]:
        return [str(reason) for reason in self.reasons]


def _pattern(patterns: dict[str, re.Pattern], language: str) -> re.Pattern:
    return patterns.get(language, patterns["*"])


def _numbers(text: str, language: str) -> list[str]:
    dates = [match.span() for match in DATE_NUMBER.finditer(text)]
    found = []
    figures = []
    for match in DIGITS.finditer(text):
        if any(start <= match.start() < end for start, end in dates):
            continue
        found.append(match.group(0))
        figures.append(match.span())
    for match in _pattern(_NUMBER_WORD_PATTERNS, language).finditer(text):
        if DEFINITE_NUMBER.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        if any(start <= match.start() < end for start, end in figures):
            continue
        found.append(match.group(0))
    found += [
        match.group(0)
        for match in _pattern(_QUANTIFIER_PATTERNS, language).finditer(text)
        if not any(start <= match.start() < end for start, end in figures)
    ]
    return found


def checkworthiness(text: str, language: str = "en") -> CheckworthinessResult:
    """Is `text` (one sentence) a check-worthy statement, and which rules say so?"""
    language = (language or "en").lower()[:2]
    # "United States" is a place, not a statement; markers are not numbers.
    sentence = MARKER.sub(" ", text).replace("United States", "US").strip()
    result = CheckworthinessResult(checkworthy=False, language=language)
    if not sentence:
        return result
    if sentence.rstrip(" \u201d\"'\u2019)\u00bb").endswith("?"):
        result.excluded_because = "question"
        return result

    reasons = [Reason("number", value) for value in _numbers(sentence, language)]
    reasons += [
        Reason("attribution", match.group(0).lower())
        for match in _pattern(_ATTRIBUTION_PATTERNS, language).finditer(sentence)
    ]
    reasons += [
        Reason("superlative", match.group(0).lower())
        for match in _pattern(_SUPERLATIVE_PATTERNS, language).finditer(sentence)
    ]
    if language in ("en", "*") or language not in RULES_LANGUAGES:
        reasons += [
            Reason("superlative", match.group(0).lower())
            for match in EST_WORD.finditer(sentence)
            if match.group(0).lower() not in NOT_SUPERLATIVE
            and not _pattern(_SUPERLATIVE_PATTERNS, "en").fullmatch(match.group(0))
        ]
    reasons += [
        Reason("causal", match.group(0).lower())
        for match in _pattern(_CAUSAL_PATTERNS, language).finditer(sentence)
    ]
    reasons += [
        Reason("event", match.group(0))
        for match in _pattern(_EVENT_PATTERNS, language).finditer(sentence)
    ]
    # One reason per rule and matched text, in the order found.
    result.reasons = list(dict.fromkeys(reasons))
    if not result.reasons:
        return result
    emotive = _pattern(_EMOTIVE_PATTERNS, language).search(sentence)
    if emotive and not any(reason.rule == "number" for reason in result.reasons):
        result.excluded_because = f"feeling: {emotive.group(0).lower()}"
        return result
    strong = any(reason.rule in ("number", "attribution") for reason in result.reasons)
    # "May" the month is no hedge: dates are taken out before looking for opinion cues.
    undated = re.sub(r"(?<=\w\s)May\b", " ", DATE_NUMBER.sub(" ", sentence))
    opinion = _pattern(_OPINION_PATTERNS, language).search(undated)
    if opinion and not strong:
        result.excluded_because = f"opinion: {opinion.group(0).lower()}"
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
