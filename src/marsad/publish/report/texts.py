"""The fixed wording of the annual report, in French (the reference), Arabic and English."""

from __future__ import annotations

from marsad.errors import InvalidInput

LANGS = ("fr", "ar", "en")

_TEXTS: dict[str, tuple[str, str, str]] = {
    "report_title": (
        "Rapport annuel de l'Observatoire des TPME",
        "التقرير السنوي لمرصد المقاولات الصغيرة جدا والصغرى والمتوسطة",
        "Annual report of the TPME Observatory",
    ),
    "subtitle": (
        "Les très petites, petites et moyennes entreprises au Maroc",
        "المقاولات الصغيرة جدا والصغرى والمتوسطة بالمغرب",
        "Very small, small and medium-sized enterprises in Morocco",
    ),
    "release": ("Publication", "الإصدار", "Release"),
    "published_on": ("Date de publication", "تاريخ النشر", "Release date"),
    "years_covered": ("Années couvertes", "السنوات المشمولة", "Years covered"),
    "contents": ("Sommaire", "المحتويات", "Contents"),
    "p_note": (
        "p : données provisoires, susceptibles d'être révisées.",
        "p: معطيات مؤقتة قابلة للمراجعة.",
        "p: provisional data, subject to revision.",
    ),
    "headline": ("Chiffres clés {year}", "أرقام رئيسية {year}", "Key figures {year}"),
    "regions": ("Les entreprises par région", "المقاولات حسب الجهة", "Enterprises by region"),
    "sectors": (
        "Les entreprises par secteur d'activité",
        "المقاولات حسب قطاع النشاط",
        "Enterprises by sector of activity",
    ),
    "sizes": (
        "Taille et forme des entreprises",
        "حجم المقاولات وشكلها",
        "Size and form of enterprises",
    ),
    "demography": (
        "Démographie des entreprises",
        "ديموغرافية المقاولات",
        "Business demography",
    ),
    "trends": ("Évolution sur la période", "التطور خلال الفترة", "Trends over the period"),
    "methods": (
        "Méthodes, sources et confidentialité",
        "المنهجية والمصادر والسرية",
        "Methods, sources and confidentiality",
    ),
    "change": (
        "{change} par rapport à {year}",
        "{change} مقارنة بسنة {year}",
        "{change} on {year}",
    ),
    "no_change": (
        "évolution non disponible",
        "التطور غير متوفر",
        "change not available",
    ),
    "not_available": ("non disponible", "غير متوفر", "not available"),
    "points": ("pt", "نقطة", "pt"),
    "missing_table": (
        "La table {table} ({title}) ne fait pas partie de cette publication : cette partie "
        "est omise.",
        "الجدول {table} ({title}) غير مدرج في هذا الإصدار: تم حذف هذا الجزء.",
        "The table {table} ({title}) is not part of this release: this part is skipped.",
    ),
    "by_size": (
        "Par classe de taille (chiffre d'affaires, OMTPME)",
        "حسب فئة الحجم (رقم المعاملات)",
        "By size class (turnover, OMTPME)",
    ),
    "by_legal_form": ("Par forme juridique", "حسب الشكل القانوني", "By legal form"),
    "by_category": ("Par catégorie d'entreprise", "حسب صنف المقاولة", "By enterprise category"),
    "by_gender": ("Selon le genre du dirigeant", "حسب جنس المسير", "By manager's gender"),
    "by_size_employees": (
        "Par classe d'effectif salarié",
        "حسب فئة عدد الأجراء",
        "By number of employees",
    ),
    "missing_section": (
        "Aucune des tables de cette partie ({tables}) ne fait partie de cette publication : "
        "la partie est omise.",
        "لا يوجد أي من جداول هذا الجزء ({tables}) في هذا الإصدار: تم حذف هذا الجزء.",
        "None of the tables of this part ({tables}) is in this release: the part is skipped.",
    ),
    "missing_columns": (
        "Non disponibles dans cette publication : {names}.",
        "غير متوفرة في هذا الإصدار: {names}.",
        "Not available in this release: {names}.",
    ),
    "in_year": ("{what}, {year}", "{what}، {year}", "{what}, {year}"),
    "share": ("Part (%)", "الحصة (٪)", "Share (%)"),
    "year": ("Année", "السنة", "Year"),
    "total": ("Total", "المجموع", "Total"),
    "unit": ("Unité : {unit}", "الوحدة: {unit}", "Unit: {unit}"),
    "legend_cn": (
        "C : valeur confidentielle ; N : valeur non diffusée (secret secondaire).",
        "C: قيمة سرية؛ N: قيمة غير منشورة (السر الثانوي).",
        "C: confidential value; N: value not published (secondary confidentiality).",
    ),
    "chart_suppressed": (
        "Les barres marquées C ou N correspondent à des valeurs couvertes par le secret "
        "statistique.",
        "الأعمدة المشار إليها بـ C أو N تقابل قيما يشملها السر الإحصائي.",
        "Bars marked C or N are values covered by statistical confidentiality.",
    ),
    "survival": ("Taux de survie par ancienneté", "معدل البقاء حسب الأقدمية", "Survival by age"),
    "transitions": (
        "Passages entre classes de taille",
        "الانتقال بين فئات الحجم",
        "Size-class transitions",
    ),
    "from_to": (
        "Classe l'année précédente (lignes) et l'année de référence (colonnes)",
        "الفئة في السنة السابقة (الصفوف) وفي سنة المرجع (الأعمدة)",
        "Class in the previous year (rows) and the reference year (columns)",
    ),
    "growth": (
        "Entreprises à forte croissance et gazelles",
        "المقاولات ذات النمو المرتفع والغزلان",
        "High-growth enterprises and gazelles",
    ),
    "flows": ("Créations et disparitions", "الإحداثات والاختفاءات", "Births and deaths"),
    "rates": (
        "Taux de création et de disparition",
        "معدلا الإحداث والاختفاء",
        "Birth and death rates",
    ),
    "sources": ("Sources", "المصادر", "Sources"),
    "definitions": ("Définitions", "التعاريف", "Definitions"),
    "confidentiality": ("Secret statistique", "السر الإحصائي", "Statistical confidentiality"),
    "conf_intro": (
        "Aucune valeur permettant d'identifier une entreprise n'est diffusée. Une cellule qui "
        "ne respecte pas les règles de diffusion est publiée sans sa valeur et marquée C ; "
        "d'autres cellules, marquées N, sont supprimées pour qu'elle ne puisse pas être "
        "recalculée par différence. Ce rapport n'affiche jamais de valeur pour ces cellules.",
        "لا تُنشر أي قيمة تسمح بالتعرف على مقاولة. تُنشر الخلية التي لا تحترم قواعد النشر دون "
        "قيمتها وتحمل العلامة C؛ وتُحذف خلايا أخرى تحمل العلامة N حتى لا يمكن إعادة حسابها "
        "بالفرق. لا يعرض هذا التقرير أي قيمة لهذه الخلايا.",
        "No value that could identify an enterprise is published. A cell that fails the "
        "disclosure rules is published without its value and marked C; other cells, marked N, "
        "are suppressed so that it cannot be derived by difference. This report never shows a "
        "value for these cells.",
    ),
    "conf_table": (
        "Cellules publiées et supprimées par table",
        "الخلايا المنشورة والمحذوفة حسب الجدول",
        "Published and suppressed cells by table",
    ),
    "cells": ("Cellules", "الخلايا", "Cells"),
    "audit": (
        "Audit de la publication : {exposed} cellule(s) exposée(s) ; {checked} cellules "
        "confidentielles vérifiées.",
        "تدقيق الإصدار: {exposed} خلية مكشوفة؛ تم التحقق من {checked} خلية سرية.",
        "Release audit: {exposed} exposed cell(s); {checked} confidential cells checked.",
    ),
    "audit_ok": (
        "Audit de la publication : aucune cellule confidentielle n'est exposée ; {checked} "
        "cellules confidentielles vérifiées.",
        "تدقيق الإصدار: لا توجد أي خلية سرية مكشوفة؛ تم التحقق من {checked} خلية سرية.",
        "Release audit: no confidential cell is exposed; {checked} confidential cells checked.",
    ),
    "audit_missing": (
        "Le manifeste de la publication ne contient pas de résultat d'audit.",
        "لا يتضمن بيان الإصدار نتيجة التدقيق.",
        "The release manifest holds no audit result.",
    ),
    "provisional": ("Données provisoires", "المعطيات المؤقتة", "Provisional data"),
    "provisional_text": (
        "Les années marquées p ({years}) sont provisoires : les déclarations tardives des "
        "partenaires les feront réviser dans une prochaine publication.",
        "السنوات المشار إليها بـ p ({years}) مؤقتة: ستتم مراجعتها في إصدار لاحق بفعل "
        "التصريحات المتأخرة للشركاء.",
        "Years marked p ({years}) are provisional: late partner declarations will revise them "
        "in a later release.",
    ),
    "no_provisional": (
        "Aucune année de cette publication n'est provisoire.",
        "لا توجد سنة مؤقتة في هذا الإصدار.",
        "No year of this release is provisional.",
    ),
    "tables_of_release": (
        "Tables de la publication",
        "جداول الإصدار",
        "Tables of the release",
    ),
    "colophon": (
        "Document produit à partir de la publication {release} ; toutes les valeurs "
        "proviennent des tables publiées.",
        "وثيقة منجزة انطلاقا من الإصدار {release}؛ جميع القيم مستمدة من الجداول المنشورة.",
        "Document produced from release {release}; every value comes from the published tables.",
    ),
    "no_year": (
        "La publication ne couvre aucune année : le rapport ne peut pas être produit.",
        "لا يغطي الإصدار أي سنة: لا يمكن إنجاز التقرير.",
        "The release covers no year: the report cannot be produced.",
    ),
}

SOURCES: dict[str, tuple[str, str, str]] = {
    "dgi.tax_declarations": (
        "Direction générale des impôts (DGI) : déclarations fiscales",
        "المديرية العامة للضرائب: التصريحات الجبائية",
        "Tax office (DGI): tax returns",
    ),
    "cnss.employment": (
        "Caisse nationale de sécurité sociale (CNSS) : déclarations de salariés",
        "الصندوق الوطني للضمان الاجتماعي: التصريحات بالأجراء",
        "Social security (CNSS): employee declarations",
    ),
    "ompic.balance_sheets": (
        "OMPIC : bilans déposés",
        "المكتب المغربي للملكية الصناعية والتجارية: الحصائل المودعة",
        "OMPIC: filed balance sheets",
    ),
    "ompic.registry": (
        "OMPIC : registre central du commerce",
        "المكتب المغربي للملكية الصناعية والتجارية: السجل التجاري المركزي",
        "OMPIC: central trade register",
    ),
    "rnae.auto_entrepreneurs": (
        "Registre national de l'auto-entrepreneur",
        "السجل الوطني للمقاول الذاتي",
        "National register of auto-entrepreneurs",
    ),
    "bam.credit": (
        "Bank Al-Maghrib : encours de crédit (agrégats)",
        "بنك المغرب: جاري القروض (معطيات مجمعة)",
        "Bank Al-Maghrib: credit outstanding (aggregates)",
    ),
}


def _words(line: str) -> list[str]:
    return line.split()


MONTHS: dict[str, list[str]] = {
    "fr": _words(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    ),
    "ar": _words("يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر"),
    "en": _words(
        "January February March April May June July August September October November December"
    ),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InvalidInput(f"Langue inconnue : {lang!r} (langues possibles : fr, ar, en).")
    return lang


def text(lang: str, key: str, **values: object) -> str:
    """The wording of ``key`` in ``lang``, with its ``{placeholders}`` filled."""
    wording = _TEXTS[key][LANGS.index(lang)]
    return wording.format(**values) if values else wording


def source_name(lang: str, source: str) -> str:
    names = SOURCES.get(source)
    return names[LANGS.index(lang)] if names else source
