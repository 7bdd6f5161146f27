"""Words two sentences share, for showing editors why the app thinks they match.

Deliberately simple and explainable: content words (not stop words), matched when equal or when
one is a short extension of the other ("militia" / "militias", "killed" / "kill"). Scores are
computed in PostgreSQL (claims.similarity) or by claims.support; this module only explains.
"""

import re
import unicodedata


def words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The most frequent function words of the languages the importer meets most; they carry no
# content, so sharing them says nothing.
STOP_WORDS = {
    "en": words_of(
        "ours either should same what must we been yours if into too it how unless me so ones "
        "most why not that very him does which this will might also neither he a nor hers may "
        "though had i an they where the its but without after whether some for do because mine "
        "then their more being upon until just however among who during when you under since was "
        "there although other have can any am your those own in of could with each both has be "
        "even us theirs few were would them t it's before ever her our or whose and here onto as "
        "she between is than against his at did by about all through whom while shall such only "
        "these my s from no still within yet to on are one over"
    ),
    "it": words_of(
        "poco gli nelle fra questi tra negli stato quella noi chi tutto è se dagli erano lei dal "
        "tutti del loro delle molto alle quelle su alla sulle al con suoi nei a la ne i avere voi "
        "od dalla hanno tutte quelli nello allo ha aveva stata dello già state vi sui avevano "
        "anche e che sulla questa dai nella stati ogni più di da o suo in le dove queste sul "
        "dallo lo ma sua quello si ancora degli come sue essa cui dei quando dalle perché un lui "
        "sullo ed agli una il della nel sono esso questo non essere per sugli uno col ai ci era"
    ),
    "de": words_of(
        "über kann vor gewesen hat wurde ohne um es die können durch sich so einer ihre unter "
        "welcher bei unser alle sollen haben allen an nur jede den ihren müssen dieser waren dass "
        "mit er auch ihr nicht seine sie der wird diese ein hatte vom muss soll wie hatten wir "
        "des man am in von sind wurden auf kein eines schon das im mehr dem sehr sein ich jene "
        "nach zur eine seit noch oder dann als dieses jedes allem zu keine ist du aus für werden "
        "jener aber einem daß wenn einen und war gegen welche zum jeder"
    ),
}
ALL_STOP_WORDS = set().union(*STOP_WORDS.values())

# Words news reports use for one another, so that a paraphrase still matches ("civilians" for
# "non-military individuals"). Kept short and general on purpose: each group is a word an editor
# would accept as the same in a fact-check. Matching is by the same prefix rule as other words.
SYNONYM_GROUPS = [
    "civilians civilian non-military noncombatants residents locals civili zivilisten",
    "killed dead died deaths death killing uccisi morti getötet tote",
    "attack assault raid incursion offensive strike attacco incursione angriff",
    "claimed alleged asserted said stated affermato sostenuto behauptet",
    "evidence proof proven prova prove beweis beweise",
    "injured wounded hurt feriti verletzt",
    "soldiers troops fighters servicemen soldati truppe soldaten kämpfer",
    "government administration governo regierung",
    "militia militias paramilitary paramilitaries milizia miliz",
    "said says told stated reported",
    "denied denies rejected refuted negato bestritten",
    "linked connected tied connection link ties collegati verbunden",
    "army military armed forces esercito armee",
    "started began launched iniziato begonnen",
    "increase rise rose grew growth increased aumento anstieg",
    "decrease fell dropped decline declined calo rückgang",
    "formed established founded created set fondato gegründet",
    "invasion incursion invaded invasione einmarsch",
]
_SYNONYMS: dict[str, frozenset[str]] = {}
for _group in SYNONYM_GROUPS:
    for _word in _group.split():
        _SYNONYMS[_word] = _SYNONYMS.get(_word, frozenset()) | frozenset(_group.split())


def synonyms(folded_word: str) -> frozenset[str]:
    return _SYNONYMS.get(folded_word, frozenset())


TOKEN = re.compile(
    "\\d+(?:[.,]\\d+)*(?:st|nd|rd|th)?|[^\\W\\d_]+(?:[-'\u2019][^\\W\\d_]+)*", re.UNICODE
)
# Two different words are "the same word" when they share this many leading letters...
SHARED_PREFIX = 6
# ...or one is the other plus at most this many letters ("militia" + "s").
SUFFIX_SLACK = 3
SHORTEST_STEM = 4


def fold(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokens(text: str) -> list[str]:
    """The words and numbers of `text` as written, in order."""
    return TOKEN.findall(text)


def stop_words(language: str) -> set[str]:
    return STOP_WORDS.get(language, ALL_STOP_WORDS)


def content_words(text: str, language: str = "en") -> list[str]:
    stops = stop_words(language)
    return [token for token in tokens(text) if fold(token) not in stops]


def words_match(first: str, second: str, *, use_synonyms: bool = False) -> bool:
    """`first` and `second` are folded words."""
    if first == second:
        return True
    if use_synonyms and second in synonyms(first):
        return True
    if first[0].isdigit() or second[0].isdigit():
        return False
    shorter, longer = sorted((first, second), key=len)
    if len(shorter) >= SHORTEST_STEM and longer.startswith(shorter):
        return len(longer) - len(shorter) <= SUFFIX_SLACK
    prefix = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        prefix += 1
    return prefix >= SHARED_PREFIX


def shared_words(text: str, other: str, language: str = "en") -> list[str]:
    """The content words of `other` (as written, first occurrence, in order) that `text` has."""
    wanted = [fold(word) for word in content_words(text, language)]
    shared: list[str] = []
    seen: set[str] = set()
    for word in content_words(other, language):
        folded = fold(word)
        if folded in seen:
            continue
        if any(words_match(folded, candidate) for candidate in wanted):
            shared.append(word)
            seen.add(folded)
    return shared
