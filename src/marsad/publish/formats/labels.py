"""The fixed labels of the open formats, in French, Arabic and English: flags, concepts, units."""

from __future__ import annotations

LANGS = ("fr", "ar", "en")

Labels = dict[str, str]

# The meaning of the flags, in the three languages.
FLAGS: dict[str, dict[str, Labels]] = {
    "CONF_STATUS": {
        "F": {
            "fr": "Libre : valeur diffusée",
            "ar": "حرة: قيمة منشورة",
            "en": "Free: value published",
        },
        "C": {
            "fr": "Confidentielle : valeur supprimée (secret statistique primaire)",
            "ar": "سرية: قيمة محذوفة (السر الإحصائي الأولي)",
            "en": "Confidential: value suppressed (primary confidentiality)",
        },
        "N": {
            "fr": "Non diffusée : valeur supprimée pour protéger une cellule confidentielle "
            "(secret secondaire)",
            "ar": "غير منشورة: قيمة محذوفة لحماية خلية سرية (السر الثانوي)",
            "en": "Not for publication: value suppressed to protect a confidential cell "
            "(secondary confidentiality)",
        },
    },
    "OBS_STATUS": {
        "A": {"fr": "Valeur normale", "ar": "قيمة عادية", "en": "Normal value"},
        "P": {"fr": "Valeur provisoire", "ar": "قيمة مؤقتة", "en": "Provisional value"},
    },
}

# Names of the concepts that are not named by a codelist.
CONCEPTS: dict[str, Labels] = {
    "TIME_PERIOD": {"fr": "Année", "ar": "السنة", "en": "Year"},
    "OBS_VALUE": {"fr": "Valeur", "ar": "القيمة", "en": "Observation value"},
    "CONF_STATUS": {
        "fr": "Statut de confidentialité",
        "ar": "وضعية السرية",
        "en": "Confidentiality status",
    },
    "OBS_STATUS": {
        "fr": "Statut de l'observation",
        "ar": "وضعية الملاحظة",
        "en": "Observation status",
    },
    "UNIT_MULT": {"fr": "Multiplicateur d'unité", "ar": "مضاعف الوحدة", "en": "Unit multiplier"},
    "SIZE_FROM": {
        "fr": "Classe de taille l'année précédente",
        "ar": "فئة الحجم في السنة السابقة",
        "en": "Size class in the previous year",
    },
    "SIZE_TO": {
        "fr": "Classe de taille l'année de référence",
        "ar": "فئة الحجم في سنة المرجع",
        "en": "Size class in the reference year",
    },
}

UNITS: dict[str, Labels] = {
    "enterprises": {"fr": "entreprises", "ar": "مقاولات", "en": "enterprises"},
    "persons": {"fr": "personnes", "ar": "أشخاص", "en": "persons"},
    "MAD": {"fr": "dirhams (MAD)", "ar": "درهم (MAD)", "en": "dirhams (MAD)"},
    "percent": {"fr": "pourcentage (%)", "ar": "نسبة مئوية (%)", "en": "percent (%)"},
}
MULTIPLIERS: dict[int, Labels] = {
    3: {"fr": "milliers", "ar": "آلاف", "en": "thousands"},
    6: {"fr": "millions", "ar": "ملايين", "en": "millions"},
    9: {"fr": "milliards", "ar": "ملايير", "en": "billions"},
}
