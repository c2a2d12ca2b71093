"""Pure Kazakh language rules: alphabet, look-alike letters, suffixes and stemming.

This module imports nothing from whoosh so that `ingest` (hyphen repair) may use it and
so that the stem function keeps a fixed import path for whoosh's pickled schema.

The stemmer reads a word from the right: it looks up every ending of the word in a table
of valid inflection chains (plural, possessive, case, predicative endings for nominals;
voice, negation, tense/aspect/mood, participles, converbs and person endings for verbs,
participles and verbal nouns going on with nominal endings), keeps the splits whose stem
fits the chain (vowel harmony, the stem's last sound) and prefers a stem found in the
lexicon (`index/data/kazakh_stems.tsv`, from apertium-kaz) with a matching part of speech.
"""
from __future__ import annotations

import re

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

KAZAKH_LOWER = "абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяә"
KAZAKH_UPPER = KAZAKH_LOWER.upper()
# The letters in the alphabet's order (ә after а, not after я as by code point): for sorting titles.
ALPHABET_ORDER = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_IN_ALPHABET_ORDER = str.maketrans({letter: chr(0xE000 + index) for index, letter in enumerate(ALPHABET_ORDER)})
BACK_VOWELS = frozenset("аоұы")
# Letters only Kazakh writes: a word holding one is Kazakh, whatever its sentence.
KAZAKH_ONLY_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
FRONT_VOWELS = frozenset("әеөүі")
VOWELS = frozenset("аоұыәеөүіиэюяёу")

# Latin letters that PDFs put where a Cyrillic one belongs (mostly `i` for `і`).
LOOKALIKES = str.maketrans({
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
    "h": "һ", "k": "к", "m": "м", "t": "т", "b": "в", "ə": "ә", "ı": "і",
    "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "X": "Х", "Y": "У", "I": "І",
    "H": "Н", "K": "К", "M": "М", "T": "Т", "B": "В", "Ə": "Ә",
})
# The look-alikes of letters Russian has too: all a Russian word may be folded to (its Latin
# `i` is no Kazakh `і`).
SHARED_LOOKALIKES = {code: letter for code, letter in LOOKALIKES.items() if letter.lower() not in "әғқңөұүһі"}
_CYRILLIC = frozenset(KAZAKH_LOWER + KAZAKH_UPPER)


def is_cyrillic(ch: str) -> bool:
    """True for any letter of the Kazakh Cyrillic alphabet, either case."""
    return ch in _CYRILLIC


# Distinct words whose stems are remembered (about 100 bytes each).
STEM_CACHE_SIZE = 200_000
_HAS_LOOKALIKE = re.compile("[" + "".join(ch for ch in map(chr, LOOKALIKES)) + "]")


def fold_lookalikes(word: str, kazakh: bool = True) -> str:
    """Replace Latin look-alikes by Cyrillic letters in a word that is mostly Cyrillic.

    A word with no Cyrillic letter (a Latin name, `G-Global`) is left alone. Not `kazakh`
    (a Russian word): only to letters Russian has too.
    """
    if not _HAS_LOOKALIKE.search(word):
        return word
    cyrillic = sum(1 for ch in word if ch in _CYRILLIC)
    if cyrillic == 0 or cyrillic < sum(1 for ch in word if ch.isascii() and ch.isalpha()):
        return word
    return word.translate(LOOKALIKES if kazakh else SHARED_LOOKALIKES)


# --- Sounds -------------------------------------------------------------------------------
# A suffix's first consonant depends on the class of the sound before it:
#   V vowel, G glide (у и й), R р, L л, N nasal (м н ң), Z voiced fricative (з ж),
#   T voiceless or devoiced (п т к қ с ш ... and б в г д ғ at the end of a syllable).
_SOUND_CLASS = {**{ch: "V" for ch in "аәеёоөұүыіэюя"}, **{ch: "G" for ch in "уий"},
                "р": "R", "л": "L", "м": "N", "н": "N", "ң": "N", "з": "Z", "ж": "Z"}
ANY = "VGRLNZT"
CONS = "GRLNZT"
VOICED = "VGRLNZ"       # -ға, -да, -ған, past -ды
SONOROUS = "VGRLN"      # -мен, -мын, -ма
HARMONY_BACK = frozenset("аоұыя")
HARMONY_FRONT = frozenset("әеөүіэ")
# Letters that spell a back or a front vowel (и: ый or ій, у: ұу or үу, ю: йұу or йүу). As the
# vowel of a loan's last syllable they leave the row open: тарихы but бригадирлер, ресурстар.
AMBIGUOUS_VOWELS = frozenset("иую")
# A soft sign after a loan's last vowel, or a final cluster ending in к/г (front consonants), lets a
# back loan take front suffixes: медальді, модульдік, банктер, холдингі (but хак + ім is no хакім).
FRONT_CONSONANTS = frozenset("кг")
# Stem-final voiced consonants come from voiceless ones before a vowel (құқығы → құқық).
DEVOICE = {"ғ": "қ", "г": "к", "б": "п"}


def _sound(ch: str) -> str:
    """Class of a sound for choosing a suffix's first consonant."""
    return _SOUND_CLASS.get(ch, "T")


def _stem_sound(stem: str) -> str:
    """Class of a stem's last sound; a final soft sign is silent (модельдер, ансамбльдің)."""
    return _sound(stem[-2] if stem.endswith("ь") and len(stem) > 1 else stem[-1])


def _harmony(stem: str) -> str | None:
    """'b' or 'f' from the stem's last decisive vowel; None when it has none (и, у only)."""
    for ch in reversed(stem):
        if ch in HARMONY_BACK:
            return "b"
        if ch in HARMONY_FRONT:
            return "f"
    return None


# --- Suffix tables, by grammatical category ----------------------------------------------------
# An allomorph is (back form, front form, classes of the sound it may follow).
# A form with no vowel is the same in both rows; -мен/-бен/-пен have only a front form.

PLURAL = (("лар", "лер", "VGR"), ("дар", "дер", "LNZ"), ("тар", "тер", "T"))

POSSESSIVE_3 = (("сы", "сі", "V"), ("ы", "і", CONS))
POSSESSIVE_1SG_2SG = (("м", "м", "V"), ("ым", "ім", CONS), ("ң", "ң", "V"), ("ың", "ің", CONS))
POSSESSIVE_12 = (
    ("ңыз", "ңіз", "V"), ("ыңыз", "іңіз", CONS),                # 2sg polite
    ("мыз", "міз", "V"), ("ымыз", "іміз", CONS),                # 1pl
    ("ңдар", "ңдер", "V"), ("ыңдар", "іңдер", CONS),            # 2pl
    ("ңыздар", "ңіздер", "V"), ("ыңыздар", "іңіздер", CONS),    # 2pl polite
)

# -ға/-ге does not follow -м/-ң: the dative of менің үйім is үйіме.
CASES_AFTER_POSSESSIVE_1SG_2SG = ("genitive", "accusative", "locative", "ablative",
                                  "instrumental", "dative_p12")
GENITIVE = (("ның", "нің", "VN"), ("дың", "дің", "GRLZ"), ("тың", "тің", "T"))
DATIVE = (("ға", "ге", VOICED), ("қа", "ке", "T"))
ACCUSATIVE = (("ны", "ні", "V"), ("ды", "ді", CONS[:-1]), ("ты", "ті", "T"))
LOCATIVE = (("да", "де", VOICED), ("та", "те", "T"))
ABLATIVE = (("дан", "ден", "VGRLZ"), ("нан", "нен", "N"), ("тан", "тен", "T"))
INSTRUMENTAL = (("мен", "мен", SONOROUS), ("бен", "бен", "Z"), ("пен", "пен", "T"),
                ("менен", "менен", SONOROUS), ("бенен", "бенен", "Z"), ("пенен", "пенен", "T"))
# After the 3rd person possessive the cases take a pronominal н (үйіне, үйінде, үйін).
CASES_AFTER_POSSESSIVE_3 = (("ның", "нің", ANY), ("н", "н", ANY), ("на", "не", ANY),
                            ("нда", "нде", ANY), ("нан", "нен", ANY), ("мен", "мен", ANY))
# After 1st/2nd person singular possessives the dative is a bare vowel (атама, үйіңе).
DATIVE_AFTER_POSSESSIVE_12 = (("а", "е", "N"),)
COMPARATIVE = (("рақ", "рек", "V"), ("ырақ", "ірек", CONS))      # жақынырақ, үлкенірек
ATTRIBUTIVE = (("ғы", "гі", VOICED), ("қы", "кі", "T"))          # жылғы, үйдегі
SIMILATIVE = (("дай", "дей", VOICED), ("тай", "тей", "T"))       # таудай
SIMILATIVE_AFTER_POSSESSIVE_3 = (("ндай", "ндей", ANY),)       # өзіндей
PREDICATIVE = (                                                # мұғаліммін, қазақпыз
    ("мын", "мін", SONOROUS), ("бын", "бін", "Z"), ("пын", "пін", "T"),
    ("мыз", "міз", SONOROUS), ("быз", "біз", "Z"), ("пыз", "піз", "T"),
    ("сың", "сің", ANY), ("сыңдар", "сіңдер", ANY), ("сыздар", "сіздер", ANY),
)

VOICE = (                                                      # collapsed to the root
    ("л", "л", "V"), ("ыл", "іл", "GRNZT"),                     # passive: жасал, қосыл
    ("н", "н", "V"), ("ын", "ін", CONS),                        # reflexive, passive after л
    ("с", "с", "V"), ("ыс", "іс", CONS),                        # reciprocal
)
NEGATION = (("ма", "ме", "VGRL"), ("ба", "бе", "NZ"), ("па", "пе", "T"))
PAST = (("ды", "ді", VOICED), ("ты", "ті", "T"))
# Also the -а/-й converb; и spells ы/і + й (оқы + й + ды → оқиды).
PRESENT = (("а", "е", CONS), ("й", "й", "V"), ("и", "и", CONS))
PRESENT_3 = (("ды", "ді", ANY),)                               # келеді, ойлайды
# Person endings of the tenses built on the present, a participle, -ар/-мас or -мақ: барамын,
# келетінсіз, барғанмын, бармаспын, бармақпыз. Unlike the nominal predicative, they take the
# polite -сыз (a noun's -сыз makes an adjective: заңсыз).
PERSON = (
    ("мын", "мін", SONOROUS), ("бын", "бін", "Z"), ("пын", "пін", "T"),
    ("мыз", "міз", SONOROUS), ("быз", "біз", "Z"), ("пыз", "піз", "T"),
    ("сың", "сің", ANY), ("сыз", "сіз", ANY), ("сыңдар", "сіңдер", ANY), ("сыздар", "сіздер", ANY),
)
PERSON_AFTER_PAST = (                                          # келдім, бардық, келсеңіз
    ("м", "м", ANY), ("ң", "ң", ANY), ("ңыз", "ңіз", ANY), ("қ", "к", ANY),
    ("ңдар", "ңдер", ANY), ("ңыздар", "ңіздер", ANY),
)
PERFECT_CONVERB = (("ып", "іп", CONS), ("п", "п", "V"))
EVIDENTIAL = (("ты", "ті", ANY),)                              # келіпті
PAST_PARTICIPLE = (("ған", "ген", VOICED), ("қан", "кен", "T"))
HABITUAL_PARTICIPLE = (("атын", "етін", CONS), ("йтын", "йтін", "V"), ("итын", "итін", CONS))
AORIST = (("ар", "ер", CONS), ("р", "р", "V"))
AORIST_NEGATIVE = (("с", "с", "V"),)                           # бармас, келмес
INTENTION = (("мақ", "мек", "VGRL"), ("бақ", "бек", "NZ"), ("пақ", "пек", "T"))
INTENTION_PREDICATE = (("шы", "ші", ANY),)                     # бармақшы
VERBAL_NOUN = (("у", "у", ANY), ("ю", "ю", ANY))                # келу, оқу (оқы + у), сүю (сүй + у)
AGENT = (("шы", "ші", ANY),)                                   # айтушы (after -у)
ABSTRACT = (("дық", "дік", "N"),)                              # келгендік(тен)
CONDITIONAL = (("са", "се", ANY),)
IMPERATIVE = (("сын", "сін", ANY),)                            # барсын, келмесін
# The 1st person imperative (барайын, оқиық) is rarer still, and дейін is no де + йін.
OPTATIVE = (
    ("айын", "ейін", CONS), ("йын", "йін", "V"), ("иын", "иін", CONS),
    ("айық", "ейік", CONS), ("йық", "йік", "V"), ("иық", "иік", CONS),
)
# The 2nd person imperative, polite or plural (келіңіз, барыңдар, келмеңіздер): as common as
# a possessive, and the same endings.
IMPERATIVE_2 = (
    ("ңыз", "ңіз", "V"), ("ыңыз", "іңіз", CONS), ("ңдар", "ңдер", "V"), ("ыңдар", "іңдер", CONS),
    ("ңыздар", "ңіздер", "V"), ("ыңыздар", "іңіздер", CONS),
)
DESIDERATIVE = (("ғы", "гі", VOICED), ("қы", "кі", "T"))         # айтқым келеді
TEMPORAL_CONVERB = (("ғалы", "гелі", VOICED), ("қалы", "келі", "T"),
                    ("ғанша", "генше", VOICED), ("қанша", "кенше", "T"))

# Morphotactics: which slot may follow which, from the stem outwards. "" ends a chain.
_NOMINAL_AFTER_NONFINITE = ("plural", "poss3", "poss12", "poss1sg2sg", "case", "similative", "")
SLOTS: dict[str, tuple[tuple, tuple[str, ...]]] = {
    "plural": (PLURAL, ("poss3", "poss12", "poss1sg2sg", "case", "similative", "predicative",
                        "")),
    "poss1sg2sg": (POSSESSIVE_1SG_2SG, CASES_AFTER_POSSESSIVE_1SG_2SG + ("similative", "")),
    "poss3": (POSSESSIVE_3, ("case_p3", "similative_p3", "")),
    "poss12": (POSSESSIVE_12, ("case", "dative_p12", "similative", "")),
    "genitive": (GENITIVE, ("",)),
    "dative": (DATIVE, ("",)),
    "accusative": (ACCUSATIVE, ("",)),
    "locative": (LOCATIVE, ("attributive", "predicative", "")),
    "ablative": (ABLATIVE, ("",)),
    "instrumental": (INSTRUMENTAL, ("",)),
    "case_p3": (CASES_AFTER_POSSESSIVE_3, ("attributive", "")),
    "dative_p12": (DATIVE_AFTER_POSSESSIVE_12, ("",)),
    "attributive": (ATTRIBUTIVE, ("plural", "poss3", "case", "")),
    "similative": (SIMILATIVE, ("",)),
    "comparative": (COMPARATIVE, ("plural", "poss3", "case", "")),
    "similative_p3": (SIMILATIVE_AFTER_POSSESSIVE_3, ("",)),
    "predicative": (PREDICATIVE, ("",)),
    "voice": (VOICE, ("passive", "negation") + ("past", "present", "perfect", "participle",
                                                "habitual", "aorist", "intention", "verbal_noun",
                                                "conditional", "imperative", "imperative_2",
                                                "optative", "temporal", "desiderative")),
    "passive": (VOICE[:2], ("negation", "past", "present", "perfect", "participle", "habitual",
                            "aorist", "intention", "verbal_noun", "conditional", "imperative",
                            "imperative_2", "optative", "temporal", "desiderative")),
    "negation": (NEGATION, ("past", "present", "participle", "habitual", "aorist_negative",
                            "verbal_noun", "conditional", "imperative", "imperative_2",
                            "optative", "")),
    "past": (PAST, ("person_past", "")),
    "present": (PRESENT, ("present_3", "person", "")),
    "present_3": (PRESENT_3, ("",)),
    "person": (PERSON, ("",)),
    "person_past": (PERSON_AFTER_PAST, ("",)),
    "perfect": (PERFECT_CONVERB, ("evidential", "")),
    "evidential": (EVIDENTIAL, ("",)),
    "participle": (PAST_PARTICIPLE, ("person", "abstract") + _NOMINAL_AFTER_NONFINITE),
    "habitual": (HABITUAL_PARTICIPLE, ("person",) + _NOMINAL_AFTER_NONFINITE),
    "aorist": (AORIST, ("person", "")),
    "aorist_negative": (AORIST_NEGATIVE, ("person", "")),
    "intention": (INTENTION, ("intention_predicate", "person", "")),
    "intention_predicate": (INTENTION_PREDICATE, ("person", "")),
    "verbal_noun": (VERBAL_NOUN, ("agent", "plural", "poss3", "poss12", "poss1sg2sg", "case", "")),
    "agent": (AGENT, ("plural", "poss3", "poss12", "poss1sg2sg", "case", "")),
    "abstract": (ABSTRACT, ("poss3", "case", "")),
    "conditional": (CONDITIONAL, ("person_past", "")),
    "imperative": (IMPERATIVE, ("",)),
    "optative": (OPTATIVE, ("",)),
    "imperative_2": (IMPERATIVE_2, ("",)),
    "temporal": (TEMPORAL_CONVERB, ("",)),
    "desiderative": (DESIDERATIVE, ("poss3", "poss12", "poss1sg2sg")),
}
# "case" in a list of following slots stands for all six cases.
_CASE_SLOTS = ("genitive", "dative", "accusative", "locative", "ablative", "instrumental")
NOMINAL_START = ("plural", "poss3", "poss12", "poss1sg2sg", "case", "attributive",
                 "similative", "predicative", "comparative")
VERBAL_START = ("voice", "negation", "past", "present", "perfect", "participle", "habitual",
                "aorist", "intention", "verbal_noun", "conditional", "imperative", "imperative_2",
                "optative", "temporal", "desiderative")
VOICE_SLOTS = frozenset({"voice", "passive"})

# How readily a reading is believed: stripping a letter earns 1, each suffix costs its slot's
# price. Frequent inflections are cheap; rare ones (and endings that many plain words end in)
# are dear, so that жер is not read as же + р or бөлме as бөл + ме.
COMMON, RARE, DUBIOUS = 0.5, 1.5, 2.0
SLOT_COST = {
    **{slot: COMMON for slot in ("plural", "poss3", "poss12", "case_p3", "past", "present",
                                 "participle", "habitual", "verbal_noun", "abstract",
                                 "conditional", "person_past", "imperative_2")
        + _CASE_SLOTS},
    **{slot: RARE for slot in ("poss1sg2sg", "dative_p12", "similative", "similative_p3",
                               "predicative", "intention", "attributive",
                               "intention_predicate", "temporal", "desiderative",
                               "evidential", "comparative", "aorist")},
    "imperative": DUBIOUS, "optative": 2.5,
    # An agent noun in the lexicon (жазушы, оқушы) is a lemma of its own.
    "agent": 3.0,
    # The negation with a suffix after it (бармады, алмаңыз), but not so cheap that бөлмесі is
    # read as "let him not divide" or көрмесін as "let him not see".
    "negation": 1.0, "aorist_negative": 1.0,
    "person": COMMON, "voice": 0.0, "passive": 0.0, "perfect": 0.25, "present_3": 0.0,
}
# A chain that is nothing but one of these is also the end of many plain words (қала, бөлме):
# its extra price. The negation and the -ар future are cheap only with a tense or person after
# them (бармады, барармын).
WEAK_ALONE = {"negation": 2.0, "present": 1.5, "aorist": 0.5}
# Two-letter stems are cheap to find inside longer words: a nominal one must earn its place.
SHORT_STEM = 2
SHORT_STEM_COST = {False: 2.5, True: 0.5}
# Putting back a dropped vowel (орны → орын) is a guess that must be paid for.
VOWEL_RESTORE_COST = 1.0
MAX_CHAIN_MORPHEMES = 5

# --- Guards against over-stripping ------------------------------------------------------------
MIN_STEM = 2             # a lexicon stem may be this short (ел, ат, бер)
MIN_GUESSED_STEM = 3     # a stem not in the lexicon must be at least this long
# Stem endings no native root has, left when an ending that starts with ы/і (the possessive -ы/-і,
# -ым, -ың...) takes the vowel of a derivational suffix: a consonant + ш is the agentive or ordinal
# -шы/-ші (мұрағатшы, әнші, бесінші; ағашы is ағаш + ы), й/р + л the -лы/-лі of "having"
# (деңгейлі, мәжбүрлі). A guessed stem may not end so before such an ending; loans are still cut
# before other endings (траншпен), and the lexicon's own such stems (марш; жанш, өрш) found.
_DERIVATION_END = re.compile(r"[бвгғджзйклмнңпрстфхцчшщ]ш|[йр]л")
# Whole words whose ending looks like a suffix; kept even without the lexicon.
EXCEPTIONS = frozenset({
    "халық", "барлық", "егемен", "сауда", "адам", "бала", "қала", "дала", "ана", "ата",
    "алма", "бірақ", "тамыр", "жалпы", "басқа", "бірге", "кейін", "бұрын", "қазір",
    "әрі", "және", "немесе", "үшін", "туралы", "арқылы", "бойынша", "сияқты",
})
# Closed-class words with irregular stems, written out from the grammar of pronouns and of
# the defective verb е- (еді, екен): form -> stem.
IRREGULAR = {
    **{form: "мен" for form in ("менің", "маған", "мені", "менде", "менен", "менімен")},
    **{form: "сен" for form in ("сенің", "саған", "сені", "сенде", "сенен", "сенімен")},
    **{form: "ол" for form in ("оның", "оған", "оны", "онда", "одан", "онымен", "онан",
                               "онысы")},
    **{form: "бұл" for form in ("бұның", "мұның", "бұған", "мұған", "бұны", "мұны", "бұнда",
                                "мұнда", "бұдан", "мұдан", "бұнымен", "мұнымен", "мұнан",
                                "бұнан")},
    **{form: "сол" for form in ("соның", "соған", "соны", "сонда", "содан", "сонымен", "сонан")},
    **{form: "осы" for form in ("осында",)},
    **{form: "е" for form in ("еді", "едім", "едің", "едік", "едіңіз", "едіңдер")},
    # The question particle and the particle да/та after their assimilation and harmony.
    **{form: "ма" for form in ("ме", "ба", "бе", "па", "пе")},
    **{form: "да" for form in ("де", "та", "те")},
    "қана": "ғана", "боп": "бол", "тауып": "тап",
    # The present continuous of the positional verbs: the root (жатыр for жат) and the person
    # endings, no tense suffix (отырсың, тұрмыз, жатырсыз).
    **{root + (back if _harmony(root) == "b" else front): lemma
       for root, lemma in (("отыр", "отыр"), ("тұр", "тұр"), ("жүр", "жүр"), ("жатыр", "жат"))
       for back, front, after in PERSON if "R" in after},
}
# Stems of closed-class words, added to the lexicon: stem -> (tag, lemma). Plural pronouns
# and the present continuous of жат/тұр/отыр/жүр (жатыр) keep on inflecting.
CLOSED_CLASS = {
    **{word: ("PRON", word) for word in ("мен", "сен", "ол", "біз", "сіз", "сендер", "сіздер",
                                         "бұл", "сол", "осы", "мына", "ана", "өз", "кім", "не",
                                         "бәрі")},
    "олар": ("PRON", "ол"), "бұлар": ("PRON", "бұл"), "солар": ("PRON", "сол"),
    "осылар": ("PRON", "осы"), "екен": ("N", "е"), "е": ("V", "е"), "жатыр": ("V", "жат"),
}
_NOMINAL_TAGS = frozenset({"N", "A", "NP", "NUM", "PRON", "DET", "ADV", "POST", "VN", "ABBR"})
_LEXICON_PATH = Path(__file__).with_name("data") / "kazakh_stems.tsv"


class _Chain(NamedTuple):
    """One reading of a word ending: what it attaches to and how the stem must sound."""
    verbal: bool
    adjectival: bool         # starts with the comparative, which only adjectives take
    harmony: str | None     # 'b', 'f' or None (no vowel that decides)
    after: str               # sound classes the stem may end in
    voice: int               # length of the voice suffixes next to the stem
    cost: float              # sum of the suffixes' prices (SLOT_COST)


def _allomorphs(table: tuple, harmony: str) -> list[tuple[str, str]]:
    """(form, preceding sound classes) of a suffix table in one harmony row."""
    return [(back if harmony == "b" else front, after) for back, front, after in table]


def _extend(chain: str, slot: str, harmony: str, depth: int, voice: int, first: str,
            cost: float, out: list[tuple[str, str, int, float]]) -> None:
    """Grow chains left to right through the slot graph, recording each complete one."""
    table, following = SLOTS[slot]
    for form, after in _allomorphs(table, harmony):
        if chain:
            if _sound(chain[-1]) not in after:
                continue
            start = first
        else:
            start = after
        grown = chain + form
        grown_voice = voice + len(form) if slot in VOICE_SLOTS else voice
        grown_cost = cost + SLOT_COST[slot]
        for nxt in following:
            if nxt == "":
                alone = WEAK_ALONE.get(slot, 0.0) if depth == 0 else 0.0
                out.append((grown, start, grown_voice, grown_cost + alone))
            elif depth + 1 < MAX_CHAIN_MORPHEMES:
                for target in (_CASE_SLOTS if nxt == "case" else (nxt,)):
                    _extend(grown, target, harmony, depth + 1, grown_voice, start, grown_cost,
                            out)


def _chain_harmony(chain: str) -> str | None:
    """Harmony a chain demands of its stem, ignoring the harmony-free -мен/-бен/-пен."""
    for ending in ("менен", "бенен", "пенен", "мен", "бен", "пен"):
        if chain.endswith(ending):
            chain = chain[: -len(ending)]
            break
    return _harmony(chain)


@lru_cache(maxsize=1)
def _longest_chain() -> int:
    """Length of the longest chain, so that shorter endings alone are looked up."""
    return max(map(len, _chains()))


@lru_cache(maxsize=1)
def _chains() -> dict[str, tuple[_Chain, ...]]:
    """Every valid inflection chain, keyed by its spelling; built once, on first use."""
    found: dict[str, set[_Chain]] = {}
    for verbal, starts in ((False, NOMINAL_START), (True, VERBAL_START)):
        for harmony in ("b", "f"):
            for slot in starts:
                out: list[tuple[str, str, int, float]] = []
                for target in (_CASE_SLOTS if slot == "case" else (slot,)):
                    _extend("", target, harmony, 0, 0, "", 0.0, out)
                for text, after, voice, cost in out:
                    found.setdefault(text, set()).add(_Chain(
                        verbal, slot == "comparative", _chain_harmony(text), after, voice, cost))
    # й + а is written я: қой + а + ды → қояды, қой + атын → қоятын (the stem gets its й back).
    for text, readings in list(found.items()):
        if text.startswith("а"):
            verbal = {chain._replace(after="V") for chain in readings if chain.verbal}
            if verbal:
                found.setdefault("я" + text[1:], set()).update(verbal)
    return {text: tuple(readings) for text, readings in found.items()}


def _devoice(stem: str) -> str:
    """Undo the voicing of a stem-final consonant before a vowel (кітаб → кітап)."""
    last = stem[-1:]
    return stem[:-1] + DEVOICE[last] if last in DEVOICE else stem


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, tuple[str, frozenset[str]]]:
    """Stem -> (lemma, part-of-speech tags), read once from the data file next to this module."""
    tags: dict[str, set[str]] = {}
    lemma_of: dict[str, str] = {}
    with _LEXICON_PATH.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            key = _devoice(parts[0])
            tags.setdefault(key, set()).add(parts[1])
            if len(parts) > 2:
                lemma_of[key] = _devoice(parts[2])
            else:
                lemma_of.setdefault(key, key)
    for word, (tag, lemma) in CLOSED_CLASS.items():
        tags.setdefault(word, set()).add(tag)
        lemma_of[word] = lemma
    return {key: (lemma_of[key], frozenset(t)) for key, t in tags.items()}


def _lexicon_stem(stem: str, chain: _Chain, lexicon: dict) -> str | None:
    """The lexicon lemma this candidate stem stands for under a chain, if any."""
    entry = lexicon.get(stem)
    if entry is not None and _fits_tags(entry[1], chain):
        return entry[0]
    return None


def _fits_tags(tags: frozenset[str], chain: _Chain) -> bool:
    """A verbal chain needs a verb, a comparative an adjective, a nominal chain a nominal."""
    if chain.verbal:
        return "V" in tags
    return "A" in tags if chain.adjectival else not tags.isdisjoint(_NOMINAL_TAGS)


def _restorations(stem: str, chain_text: str, chain: _Chain) -> list[tuple[str, float]]:
    """Spellings the stem may have had before the suffix changed it, with their price."""
    first = chain_text[:1]
    if chain.verbal and first == "и":
        return [(stem + "ы", 0.0), (stem + "і", 0.0)]          # оқиды → оқы
    if chain.verbal and first in "юя":
        return [(stem + "й", 0.0)]                            # сүю → сүй, қояды → қой
    out = []
    if chain.verbal and first == "у":
        out = [(stem + "ы", 0.0), (stem + "і", 0.0)]            # оқу → оқы
    out.append((_devoice(stem), 0.0))
    if first in VOWELS and len(stem) >= 3 and stem[-1] not in VOWELS \
            and stem[-2] not in VOWELS:
        vowel = "ы" if _harmony(stem) == "b" else "і"
        # орны → орын, қорқады → қорық
        out.append((_devoice(stem[:-1] + vowel + stem[-1]), VOWEL_RESTORE_COST))
    return out


def _harmony_fits(stem: str, chain: _Chain) -> bool:
    """The suffix vowels must agree with the stem's last vowel.

    A stem that mixes back and front vowels is a loan (кітап, Назарбаев) whose suffixes do
    not follow its last vowel reliably, so it takes either row.
    """
    if chain.harmony is None:
        return True
    stem_harmony = _harmony(stem)
    if stem_harmony is None or stem_harmony == chain.harmony:
        return True
    return _is_mixed(stem) or _last_syllable_admits(stem, chain.harmony)


def _last_syllable_admits(stem: str, harmony: str) -> bool:
    """True when a loan's last syllable lets it take this row against its last decisive vowel.

    Its vowel is и, у or ю after a consonant (архив, бригадир → бригадирлер; ресурс →
    ресурстар), or a soft sign or a cluster ending in к/г follows it (медаль → медальді, банк →
    банктер).
    """
    last = max(i for i, ch in enumerate(stem) if ch in VOWELS)
    if stem[last] in AMBIGUOUS_VOWELS and last > 0 and stem[last - 1] not in VOWELS:
        return True
    coda = stem[last + 1:]
    return harmony == "f" and ("ь" in coda or len(coda) > 1 and coda[-1] in FRONT_CONSONANTS)


def _is_mixed(stem: str) -> bool:
    """True when a stem has both back and front vowels."""
    letters = set(stem)
    return not letters.isdisjoint(HARMONY_BACK) and not letters.isdisjoint(HARMONY_FRONT)


def _candidates(word: str):
    """Yield (stem, chain text, chain) for every split the phonology allows."""
    chains = _chains()
    for cut in range(max(MIN_STEM, len(word) - _longest_chain()), len(word)):
        text = word[cut:]
        readings = chains.get(text)
        if not readings:
            continue
        stem = word[:cut]
        sound = _stem_sound(stem)
        for chain in readings:
            if sound in chain.after and _harmony_fits(stem, chain):
                yield stem, text, chain


def _score(word: str, stem: str, chain: _Chain) -> float:
    """Letters of inflection stripped, less the price of the suffixes that strip them."""
    stripped = len(word) - len(stem) - chain.voice
    short = SHORT_STEM_COST[chain.verbal] if len(stem) + chain.voice <= SHORT_STEM else 0.0
    return stripped - chain.cost - short


def _voice_is_verbal(word: str, stem: str, chain: _Chain, lexicon: dict) -> bool:
    """Fold a voice suffix only when stem + voice is not a known non-verb (орыс is not ор + ыс)."""
    if not chain.voice:
        return True
    entry = lexicon.get(word[: len(stem) + chain.voice])
    return entry is None or "V" in entry[1]


def _is_plain_word(word: str) -> bool:
    """Only Cyrillic words with a vowel are stemmed; numbers and codes stay as they are."""
    return not VOWELS.isdisjoint(word) and _CYRILLIC.issuperset(word)


def _stem_hyphenated(word: str) -> str:
    """БҰҰ-ның → бұұ, 91-бабы → 91-бап, іс-қимылдың → іс-қимыл."""
    head, _, tail = word.rpartition("-")
    if not tail or not head:
        return word
    if tail in _chains():
        return head
    return f"{head}-{_stem_word(tail)}"


def _eats_derivation(stem: str, chain_text: str) -> bool:
    """True when cutting a chain off there would leave a derivational suffix without its vowel."""
    return chain_text[0] in "ыі" and _DERIVATION_END.fullmatch(stem[-2:]) is not None


def _stem_word(word: str) -> str:
    """Stem one hyphen-free word."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word in EXCEPTIONS or not _is_plain_word(word):
        return word
    lexicon = _lexicon()
    whole = lexicon.get(_devoice(word))
    # Rank: the reading's score, then voice suffixes folded into the root, then the longer stem.
    best: tuple[float, int, int] | None = (0.0, 0, len(word)) if whole else None
    result = whole[0] if whole else None
    guess: str | None = None
    for stem, text, chain in _candidates(word):
        if not _voice_is_verbal(word, stem, chain, lexicon):
            continue
        for spelling, price in _restorations(stem, text, chain):
            lemma = _lexicon_stem(spelling, chain, lexicon)
            if lemma is None:
                continue
            rank = (_score(word, stem, chain) - price, chain.voice, len(stem))
            if best is None or rank > best:
                best, result = rank, lemma
            break
        if guess is None and len(stem) >= MIN_GUESSED_STEM and not chain.verbal \
                and not chain.adjectival and not _eats_derivation(stem, text) \
                and any(ch in VOWELS for ch in stem):
            guess = _devoice(stem)
    if result is not None:
        return result
    return guess if guess is not None else word


@lru_cache(maxsize=1)
def _known_stems() -> frozenset[str]:
    """Every stem and lemma of the lexicon, for is_known_word."""
    lexicon = _lexicon()
    return frozenset(lexicon) | frozenset(lemma for lemma, _tags in lexicon.values())


def word_starts_of(term: str) -> frozenset[str]:
    """What the words that may give `term` start with once normalised: the first two letters of a longer
    term (its word differs from it only at the end: a devoiced or restored last letter, endings gone),
    the first letter of a term of one or two letters (ағып → ақ), and the first letters of its
    irregular forms (мұнда → бұл). Of a hyphenated term, its first part's."""
    head = term.split("-", 1)[0] or term
    return _irregular_first_letters().get(term, frozenset()) | {head[:2] if len(head) >= 3 else head[:1]}


@lru_cache(maxsize=1)
def _irregular_first_letters() -> dict[str, frozenset[str]]:
    letters: dict[str, set[str]] = {}
    for form, lemma in IRREGULAR.items():
        letters.setdefault(lemma, set()).add(form[0])
    return {lemma: frozenset(found) for lemma, found in letters.items()}


def has_kazakh_letter(word: str) -> bool:
    return not KAZAKH_ONLY_LETTERS.isdisjoint(word)


def is_known_word(word: str) -> bool:
    """True when a lowercased word reduces to a stem the lexicon knows (a plausible Kazakh word)."""
    return stem(word) in _known_stems()


def is_suffix_chain(text: str) -> bool:
    """True when a lowercased piece is only inflectional endings (-тардың, -ларды, -ның)."""
    return text in _chains()


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem(word: str) -> str:
    """Reduce a lowercased, NFC, look-alike-folded Kazakh word to its stem so that its
    inflected forms meet in one index term (cached: a text repeats its words)."""
    if "-" in word:
        return _stem_hyphenated(word)
    return _stem_word(word)


_LEADING_MARKS = re.compile(r"^[\W_]+")


def sort_key(text: str) -> str:
    """A key that orders texts as a Kazakh dictionary does, case aside: а ә б в г ғ … (Latin and digits first),
    by their first letter or digit: a title in quotes («Егемен Қазақстан», "Ақиқат") sorts under its word."""
    return _LEADING_MARKS.sub("", text).casefold().translate(_IN_ALPHABET_ORDER)
