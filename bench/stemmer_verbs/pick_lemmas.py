#!/usr/bin/env python3
"""Pick the verbs of the paradigm set: apertium-kaz verb stems, the most used ones of each stem type.

Candidates are the `V` stems of index/data/kazakh_stems.tsv (apertium-kaz, GPL-3.0). Each is
ranked by how often its least used one of three forms that few other words share (present
and past 3rd person, perfect converb: барады, барды, барып) occurs in
../shared/corpus/kk_corpus.txt, leaving out the documents that come from the UD treebank or from apertium-kaz's tagged texts
(the UD sample is the other measurement). The top verbs of each stem type (back/front vowel x
the last sound: а/е, ы/і, й, у, р, л, nasal, з/ж, voiceless, voicing п/қ/к) are kept, and the
four positional verbs (отыр, тұр, жүр, жат: their present continuous отырмын) always; a verb that is
another candidate plus a voice suffix (жасал, көрін) is dropped so that the set has no two
lemmas a stemmer is meant to join. The homograph nouns are chosen by hand (NOUNS, see
SOURCES.md). Writes lemmas.tsv:

    .venv/bin/python bench/stemmer_verbs/pick_lemmas.py [--per-type 5]
"""
from __future__ import annotations

import argparse
import collections
import re
import unicodedata

from paradigms import HERE, POSITIONAL, VOICING, conjugate, harmony, sound

ROOT = HERE.parent.parent
LEXICON = ROOT / "index" / "data" / "kazakh_stems.tsv"
CORPUS = ROOT.parent / "shared" / "corpus"
EXCLUDED_SOURCES = {"ud_kazakh_ktb", "apertium_kaz_texts"}
VOICE_ENDINGS = ("ыл", "іл", "л", "ын", "ін", "н", "ыс", "іс", "с", "т", "дыр", "дір", "тыр", "тір",
                 "ғыз", "гіз", "қыз", "кіз")
RANKED = ("Tense=Pres|Person=3", "Tense=Past|Person=3", "VerbForm=Conv")
# Nouns that are also spelt like a form or a derivative of a picked verb: the set checks that
# they are not joined to it (a verb's negative imperative алма is the noun "apple" as well).
NOUNS = ("алма", "көрме", "бөлме", "баспа", "жазба", "қойма", "шығарма", "сызба", "тартпа",
         "отырыс", "тұрыс", "барыс", "білім", "келін", "тұрмыс", "өнім", "бармақ",
         "оқушы", "тұрақ", "айтыс", "келісім")


def corpus_counts() -> collections.Counter:
    """Lowercased word counts of the corpus documents that are not from the excluded sources."""
    sources = [line.split("\t")[1] for line in (CORPUS / "kk_corpus_manifest.tsv").read_text(
        encoding="utf-8").splitlines()[1:]]
    documents = (CORPUS / "kk_corpus.txt").read_text(encoding="utf-8").split("\n\n")
    counts: collections.Counter = collections.Counter()
    for source, document in zip(sources, documents):
        if source not in EXCLUDED_SOURCES:
            counts.update(re.findall(r"\w+", unicodedata.normalize("NFC", document).lower()))
    return counts


def stem_type(stem: str) -> str:
    """Harmony and last-sound class; п/қ/к (voiced before a vowel), ы/і (оқи-), й and у
    (қоя-, жуа-) are types of their own."""
    last = stem[-1]
    special = {**dict.fromkeys(VOICING, "P"), "ы": "Y", "і": "Y", "й": "J", "у": "U"}
    return harmony(stem) + special.get(last, sound(stem))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-type", type=int, default=4)
    args = ap.parse_args()
    verbs = sorted({line.split("\t")[0] for line in LEXICON.read_text(encoding="utf-8").splitlines()
                    if line.split("\t")[1:2] == ["V"] and len(line.split("\t")) == 2})
    verbs = [v for v in verbs if len(v) >= 2 and re.fullmatch(r"[а-яәғқңөұүһі]+", v)
             and re.search("[аоұыәеөүі]", v) and v not in ("же", "де")]
    verb_set = set(verbs)
    counts = corpus_counts()
    frequency = {v: min(counts[conjugate(v)[f"Polarity=Pos|{feats}"]] for feats in RANKED) for v in verbs}
    by_type: dict[str, list[str]] = collections.defaultdict(list)
    for verb in sorted(verbs, key=lambda v: (-frequency[v], v)):
        if any(verb.endswith(e) and verb[: -len(e)] in verb_set for e in VOICE_ENDINGS):
            continue
        if verb in POSITIONAL or frequency[verb] and len(by_type[stem_type(verb)]) < args.per_type:
            by_type[stem_type(verb)].append(verb)
    with (HERE / "lemmas.tsv").open("w", encoding="utf-8") as f:
        f.write("# written by pick_lemmas.py; verbs from apertium-kaz (GPL-3.0), see SOURCES.md\n")
        f.write("lemma\tupos\tstem_type\tcorpus_forms\n")
        for kind in sorted(by_type):
            for verb in by_type[kind]:
                f.write(f"{verb}\tVERB\t{kind}\t{frequency[verb]}\n")
        for noun in NOUNS:
            f.write(f"{noun}\tNOUN\t{stem_type(noun)}\t\n")
    print(f"{sum(map(len, by_type.values()))} verbs in {len(by_type)} stem types, {len(NOUNS)} nouns")


if __name__ == "__main__":
    main()
