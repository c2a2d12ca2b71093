"""Interface text. Kazakh is the default language of the interface."""
from __future__ import annotations

KAZAKH = {
    "lang": "kk",
    "app_name": "Мұрағат",
    "tagline": "Қазақ тіліндегі құжаттар мұрағатынан іздеу",
    "search_placeholder": "Сөз не сөз тіркесін жазыңыз…",
    "search_button": "Іздеу",
    "results_total": "Табылған үзінділер: {total}",
    "page": "бет",
    "open_original": "Түпнұсқаны ашу",
    "no_results": "«{query}» бойынша ештеңе табылмады.",
    "no_results_hint": "Басқа сөзді немесе сөздің түбірін жазып көріңіз, не сөздер санын азайтыңыз.",
    "syntax_help": (
        "Сөздерді жай жазыңыз: сөздің барлық септелген түрлері табылады (құқық → құқығы, құқықтары). "
        "«=құқығы» — сөздің дәл осы түрі; \"тырнақшадағы сөз тіркесі\" — тұтас тіркес; "
        "-сөз — бұл сөзі бар үзінділерді алып тастау; сөз* — осылай басталатын сөздер; "
        "title:атауы — құжат атауынан іздеу."
    ),
    "document": "Құжат",
    "pages": "Беттер",
    "previous_page": "Алдыңғы бет",
    "next_page": "Келесі бет",
    "back_to_results": "Нәтижелерге оралу",
    "error": "Қате",
    "author": "Авторы",
    "no_text_on_page": "Бұл бетте мәтін жоқ (мәтін қабаты жоқ скан болуы мүмкін).",
    "previous_results": "Алдыңғы",
    "next_results": "Келесі",
}


def texts() -> dict[str, str]:
    return KAZAKH
