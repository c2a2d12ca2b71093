#!/usr/bin/env python3
"""Kazakh verb paradigms (and the declension of homograph nouns), generated from a grammar's rules.

The rules are written from Wiktionary's "Appendix:Kazakh suffixes" and "Appendix:Kazakh verbs"
(CC BY-SA 4.0; see SOURCES.md). This file imports nothing from the project: it must not share a
rule with the stemmer it measures.

    .venv/bin/python bench/stemmer_verbs/paradigms.py            # writes verbs.tsv from lemmas.tsv
    .venv/bin/python ../shared/tools/eval_stemmer.py --gold bench/stemmer_verbs/verbs.tsv

verbs.tsv has eval_stemmer.py's columns (form, lemma, upos, feats). A form that two lemmas give
(`алма`: the noun "apple" and "don't take") is kept under the noun only, as a reader of the bare
word expects.
"""
from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
BACK, FRONT = set("аоұы"), set("әеөүі")
VOWELS = set("аәеоөұүыі")
# п қ к at the end of a native verb (or noun) stem voice between vowels: тап → табады, шық → шығу.
VOICING = {"п": "б", "қ": "ғ", "к": "г"}
# Positional verbs conjugate without a tense suffix in the present continuous (отырмын).
POSITIONAL = {"отыр": "отыр", "тұр": "тұр", "жүр": "жүр", "жат": "жатыр"}


def sound(word: str) -> str:
    """The class of a word's last sound that picks a suffix's first consonant: V vowel,
    R р й у, L л, N м н ң, Z з ж, T voiceless."""
    last = word[-1]
    if last in VOWELS or last in "июя":
        return "V"
    if last in "рйу":
        return "R"
    if last == "л":
        return "L"
    if last in "мнң":
        return "N"
    if last in "зж":
        return "Z"
    return "T"


def choose(word: str, table: dict[str, str]) -> str:
    """The allomorph of `table` (sound classes -> consonant) that a word selects."""
    cls = sound(word)
    return next(consonant for classes, consonant in table.items() if cls in classes)


# First consonants, by the class of the preceding sound (Wiktionary's suffix tables).
NEGATION = {"VRL": "м", "NZ": "б", "T": "п"}           # -ма -ба -па, also -мақ -бақ -пақ
PREDICATIVE_M = {"VRLN": "м", "Z": "б", "T": "п"}      # -мын -бын -пын, -мыз -быз -пыз
VOICED = {"VRLNZ": "д", "T": "т"}                      # -ды -ты, -да -та; -ған -қан, -ға -қа
PLURAL = {"VR": "л", "LNZ": "д", "T": "т"}
GENITIVE = {"VN": "н", "RLZ": "д", "T": "т"}
ACCUSATIVE = {"V": "н", "RLNZ": "д", "T": "т"}
ABLATIVE = {"VRLZ": "д", "N": "н", "T": "т"}


def harmony(stem: str) -> str:
    """'b' or 'f' from the stem's last vowel."""
    for ch in reversed(stem):
        if ch in BACK:
            return "b"
        if ch in FRONT:
            return "f"
    raise ValueError(f"no harmonic vowel in {stem!r}")


def pick(h: str, back: str, front: str) -> str:
    return back if h == "b" else front


def attach(stem: str, suffix: str) -> str:
    """Join a suffix, with the sound changes at the seam: voicing of п/қ/к before a vowel,
    й + а → я (қой + а → қоя), ы/і + й → и (оқы + йды → оқиды), ы/і + у → у (оқы + у → оқу),
    й + у → ю (қой + у → қою)."""
    first = suffix[:1]
    if stem[-1] in VOICING and (first in VOWELS or first == "у"):
        stem = stem[:-1] + VOICING[stem[-1]]
    if stem[-1] in "ыі" and first == "й":
        return stem[:-1] + "и" + suffix[1:]
    if stem[-1] in "ыі" and first == "у":
        return stem[:-1] + suffix
    if stem[-1] == "й" and first in "ау":
        return stem[:-1] + ("я" if first == "а" else "ю") + suffix[1:]
    return stem + suffix


def predicative(word: str, h: str) -> dict[str, str]:
    """Type I (pronominal) person endings: барамын, барғанмыз, бармаспын."""
    m = choose(word, PREDICATIVE_M)
    return {
        "1sg": word + m + pick(h, "ын", "ін"), "2sg": word + pick(h, "сың", "сің"),
        "2sg.pol": word + pick(h, "сыз", "сіз"), "3": word, "1pl": word + m + pick(h, "ыз", "із"),
        "2pl": word + pick(h, "сыңдар", "сіңдер"), "2pl.pol": word + pick(h, "сыздар", "сіздер"),
    }


def possessive_person(word: str, h: str) -> dict[str, str]:
    """Type II (possessive) person endings of the past and the conditional: бардым, барсақ."""
    return {
        "1sg": word + "м", "2sg": word + "ң", "2sg.pol": word + pick(h, "ңыз", "ңіз"), "3": word,
        "1pl": word + pick(h, "қ", "к"), "2pl": word + pick(h, "ңдар", "ңдер"),
        "2pl.pol": word + pick(h, "ңыздар", "ңіздер"),
    }


def finite(stem: str, negative: bool) -> dict[str, str]:
    """Every form of one polarity: feature string -> form. A negative stem (бар + ма) is
    vowel-final and conjugates as one."""
    h = harmony(stem)
    polarity = "Neg" if negative else "Pos"
    base = stem
    if negative:
        base = stem + choose(stem, NEGATION) + pick(h, "а", "е")
    vowel_final = base[-1] in VOWELS
    forms: dict[str, str] = {}

    def put(feats: str, form: str) -> None:
        forms[f"Polarity={polarity}|{feats}"] = form

    # Present-future (aorist of the grammars' "ауыспалы осы шақ"): -а/-е/-й + type I, 3rd -ды/-ді.
    present = attach(base, "й") if vowel_final else attach(base, pick(h, "а", "е"))
    for person, form in predicative(present, h).items():
        put(f"Tense=Pres|Person={person}", form if person != "3" else form + pick(h, "ды", "ді"))
    # Past: -ды/-ді/-ты/-ті + type II.
    past = base + choose(base, VOICED) + pick(h, "ы", "і")
    for person, form in possessive_person(past, h).items():
        put(f"Tense=Past|Person={person}", form)
    # Perfect (past participle) -ған/-ген/-қан/-кен + type I.
    perfect = base + (pick(h, "ған", "ген") if choose(base, VOICED) == "д" else pick(h, "қан", "кен"))
    for person, form in predicative(perfect, h).items():
        put(f"Aspect=Perf|Person={person}", form)
    # Habitual participle -атын/-етін/-йтын/-йтін + type I.
    habitual = attach(base, pick(h, "йтын", "йтін")) if vowel_final else attach(base, pick(h, "атын", "етін"))
    for person, form in predicative(habitual, h).items():
        put(f"VerbForm=Part|Aspect=Hab|Person={person}", form)
    # Future: positive -ар/-ер/-р, negative -мас/-мес (the negative's own suffix), + type I.
    if negative:
        future = base + "с"
    else:
        future = attach(base, "р") if vowel_final else attach(base, pick(h, "ар", "ер"))
    for person, form in predicative(future, h).items():
        put(f"Tense=Fut|Person={person}", form)
    # Conditional -са/-се + type II.
    for person, form in possessive_person(base + pick(h, "са", "се"), h).items():
        put(f"Mood=Cnd|Person={person}", form)
    # Imperative: 2sg bare, polite and plural with -(ы)ңыз/-(ы)ңдар, 3rd -сын/-сін.
    link = "" if vowel_final else pick(h, "ы", "і")
    put("Mood=Imp|Person=2sg", base)
    put("Mood=Imp|Person=2sg.pol", attach(base, link + pick(h, "ңыз", "ңіз")))
    put("Mood=Imp|Person=2pl", attach(base, link + pick(h, "ңдар", "ңдер")))
    put("Mood=Imp|Person=2pl.pol", attach(base, link + pick(h, "ңыздар", "ңіздер")))
    put("Mood=Imp|Person=3", base + pick(h, "сын", "сін"))
    # Optative (1st person imperative): -айын/-ейін/-йын/-йін, -айық/-ейік/-йық/-йік.
    opt = "й" if vowel_final else pick(h, "ай", "ей")
    put("Mood=Opt|Person=1sg", attach(base, opt + pick(h, "ын", "ін")))
    put("Mood=Opt|Person=1pl", attach(base, opt + pick(h, "ық", "ік")))
    # Non-finite: verbal noun -у, perfect converb -ып/-іп/-п (negative: the -май converb).
    put("VerbForm=Vnoun", attach(base, "у"))
    put("VerbForm=Conv", base + "й" if negative else attach(base, "п" if vowel_final else pick(h, "ып", "іп")))
    if not negative:
        put("Evident=Nfh|Person=3", attach(stem, pick(h, "ыпты", "іпті") if not vowel_final else pick(h, "пты", "пті")))
        # Intention -мақ/-мек (+ type I) and -мақшы/-мекші (+ type I).
        intention = stem + choose(stem, NEGATION) + pick(h, "ақ", "ек")
        for person, form in predicative(intention, h).items():
            put(f"Mood=Int|Person={person}", form)
        for person, form in predicative(intention + pick(h, "шы", "ші"), h).items():
            put(f"Mood=Int|Aspect=Prosp|Person={person}", form)
        if stem in POSITIONAL:
            for person, form in predicative(POSITIONAL[stem], h).items():
                put(f"Tense=Pres|Aspect=Prog|Person={person}", form)
    return forms


def conjugate(stem: str) -> dict[str, str]:
    """The whole paradigm of a verb stem, both polarities: feature string -> form."""
    return {**finite(stem, negative=False), **finite(stem, negative=True)}


def decline(noun: str) -> dict[str, str]:
    """A noun's plural, cases and 3rd person possessive (with its pronominal-н cases)."""
    h = harmony(noun)
    vowel_final = noun[-1] in VOWELS
    forms = {
        "Case=Nom": noun,
        "Number=Plur": noun + choose(noun, PLURAL) + pick(h, "ар", "ер"),
        "Case=Gen": noun + choose(noun, GENITIVE) + pick(h, "ың", "ің"),
        "Case=Dat": noun + (pick(h, "ға", "ге") if choose(noun, VOICED) == "д" else pick(h, "қа", "ке")),
        "Case=Acc": noun + choose(noun, ACCUSATIVE) + pick(h, "ы", "і"),
        "Case=Loc": noun + choose(noun, VOICED) + pick(h, "а", "е"),
        "Case=Abl": noun + choose(noun, ABLATIVE) + pick(h, "ан", "ен"),
    }
    poss = noun + pick(h, "сы", "сі") if vowel_final else attach(noun, pick(h, "ы", "і"))
    forms["Person[psor]=3"] = poss
    forms["Person[psor]=3|Case=Loc"] = poss + pick(h, "нда", "нде")
    forms["Person[psor]=3|Case=Acc"] = poss + "н"
    return forms


def read_lemmas(path: Path = HERE / "lemmas.tsv") -> list[tuple[str, str]]:
    """(lemma, upos) rows of lemmas.tsv."""
    with path.open(encoding="utf-8") as f:
        return [(row["lemma"], row["upos"]) for row in csv.DictReader(
            (line for line in f if not line.startswith("#")), delimiter="\t")]


def rows(lemmas: list[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    """(form, lemma, upos, feats) for every lemma; a form of a noun is not also a verb's."""
    nouns: dict[str, tuple[str, str, str, str]] = {}
    verbs: dict[str, tuple[str, str, str, str]] = {}
    for lemma, upos in lemmas:
        if upos == "NOUN":
            for feats, form in decline(lemma).items():
                nouns.setdefault(form, (form, lemma, upos, feats))
        else:
            for feats, form in conjugate(lemma).items():
                verbs.setdefault(form, (form, lemma, upos, feats))
    return list(nouns.values()) + [row for form, row in verbs.items() if form not in nouns]


def main() -> None:
    out = HERE / "verbs.tsv"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
        writer.writerow(("form", "lemma", "upos", "feats"))
        writer.writerows(rows(read_lemmas()))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
