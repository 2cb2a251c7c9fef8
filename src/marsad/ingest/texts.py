"""The words of deliveries, in French (the reference), Arabic and English: states, holds,
a data steward's decisions and their effects, the partner scorecard and rule names."""

from __future__ import annotations

from marsad.errors import InvalidInput
from marsad.ingest.issues import FILE_RULES, HOLD_RULES, ROW_RULES

LANGS = ("fr", "ar", "en")

_TEXTS: dict[str, tuple[str, str, str]] = {
    # states of a delivery
    "state_current": ("en vigueur", "سارية", "current"),
    "state_pending": ("en attente", "قيد الانتظار", "pending"),
    "state_superseded": ("remplacée", "مستبدلة", "superseded"),
    "state_withdrawn": ("retirée", "مسحوبة", "withdrawn"),
    "state_refused": ("refusée", "مرفوضة", "refused"),
    "state_loaded": ("chargée", "محمّلة", "loaded"),
    "state_duplicate": ("déjà reçue", "سبق استلامها", "already received"),
    # why a delivery waits
    "hold_nothing_loaded": (
        "aucune ligne chargée : la livraison ne devient pas celle en vigueur tant qu'un "
        "gestionnaire de données ne l'a pas confirmée",
        "لم يُحمَّل أي سطر: لا تصبح هذه التسليمة سارية ما لم يؤكدها مسؤول المعطيات",
        "no row loaded: the delivery does not become current until a data steward confirms it",
    ),
    "hold_row_drop": (
        "{loaded} lignes chargées contre {replaced_loaded} dans la livraison en vigueur "
        "{replaces} ({change_percent} %, la convention tolère -{max_row_drop_percent} %) : "
        "elle attend la confirmation d'un gestionnaire de données",
        "{loaded} سطرا محمّلا مقابل {replaced_loaded} في التسليمة السارية {replaces} "
        "({change_percent} %، والاتفاقية تسمح بـ -{max_row_drop_percent} %): "
        "تنتظر تأكيد مسؤول المعطيات",
        "{loaded} rows loaded against {replaced_loaded} in the current delivery {replaces} "
        "({change_percent} %, the convention allows -{max_row_drop_percent} %): it waits for "
        "a data steward to confirm it",
    ),
    "hold_next": (
        "`marsad deliveries confirm {id}` la met en vigueur, "
        "`marsad deliveries withdraw {id}` la retire",
        "الأمر `marsad deliveries confirm {id}` يجعلها سارية، "
        "والأمر `marsad deliveries withdraw {id}` يسحبها",
        "`marsad deliveries confirm {id}` makes it current, "
        "`marsad deliveries withdraw {id}` withdraws it",
    ),
    # the same file sent again
    "duplicate_current": (
        "ce fichier a déjà été livré pour cette période (livraison {id}) : rien n'a changé",
        "سبق تسليم هذا الملف لهذه الفترة (التسليمة {id}): لم يتغير شيء",
        "this file was already delivered for this period (delivery {id}): nothing changed",
    ),
    "duplicate_pending": (
        "ce fichier attend déjà la décision d'un gestionnaire de données (livraison {id}) : "
        "rien n'a changé ; `marsad deliveries confirm {id}` la met en vigueur",
        "هذا الملف ينتظر بالفعل قرار مسؤول المعطيات (التسليمة {id}): لم يتغير شيء؛ "
        "الأمر `marsad deliveries confirm {id}` يجعلها سارية",
        "this file already waits for a data steward's decision (delivery {id}): nothing "
        "changed; `marsad deliveries confirm {id}` makes it current",
    ),
    "duplicate_superseded": (
        "ce fichier a déjà été livré (livraison {id}) puis remplacé par la livraison "
        "{other} : rien n'a changé ; un gestionnaire de données la remet en vigueur avec "
        "`marsad deliveries restore {id}`",
        "سبق تسليم هذا الملف (التسليمة {id}) ثم استُبدل بالتسليمة {other}: لم يتغير شيء؛ "
        "يعيدها مسؤول المعطيات سارية بالأمر `marsad deliveries restore {id}`",
        "this file was delivered before (delivery {id}) and replaced by delivery {other}: "
        "nothing changed; a data steward makes it current again with "
        "`marsad deliveries restore {id}`",
    ),
    "duplicate_withdrawn": (
        "ce fichier a été retiré par un gestionnaire de données (livraison {id}) : rien "
        "n'a changé ; `marsad deliveries restore {id}` la remet en vigueur",
        "سحب مسؤول المعطيات هذا الملف (التسليمة {id}): لم يتغير شيء؛ "
        "الأمر `marsad deliveries restore {id}` يعيدها سارية",
        "this file was withdrawn by a data steward (delivery {id}): nothing changed; "
        "`marsad deliveries restore {id}` makes it current again",
    ),
    # decisions and their effects
    "decision_confirm": (
        "Livraison {id} confirmée : elle est en vigueur",
        "تم تأكيد التسليمة {id}: أصبحت سارية",
        "Delivery {id} confirmed: it is current",
    ),
    "decision_withdraw": (
        "Livraison {id} retirée",
        "تم سحب التسليمة {id}",
        "Delivery {id} withdrawn",
    ),
    "decision_restore": (
        "Livraison {id} remise en vigueur",
        "أعيدت التسليمة {id} سارية",
        "Delivery {id} is current again",
    ),
    "no_longer_current": (
        "la livraison {id} n'est plus en vigueur",
        "لم تعد التسليمة {id} سارية",
        "delivery {id} is no longer current",
    ),
    "effect_none": (
        "rien ne change pour le registre ni pour les publications",
        "لا يتغير شيء بالنسبة للسجل ولا للإصدارات",
        "nothing changes for the register or the releases",
    ),
    "effect_no_current": (
        "{partner}.{dataset} n'a plus de livraison en vigueur pour {period} : ses lignes "
        "sortiront du registre",
        "لم تعد لـ {partner}.{dataset} تسليمة سارية لسنة {period}: ستخرج أسطرها من السجل",
        "{partner}.{dataset} has no current delivery for {period} any more: its rows will "
        "leave the register",
    ),
    "effect_register": (
        "le registre doit être reconstruit (`marsad register build`) pour en tenir compte",
        "يجب إعادة بناء السجل (`marsad register build`) لأخذ ذلك بعين الاعتبار",
        "the register must be rebuilt (`marsad register build`) to take it into account",
    ),
    "effect_release": (
        "la prochaine publication (`marsad release`) révisera les chiffres tirés de "
        "{partner}.{dataset} pour {period}",
        "سيراجع الإصدار المقبل (`marsad release`) الأرقام المستمدة من {partner}.{dataset} "
        "لسنة {period}",
        "the next release (`marsad release`) will revise the figures drawn from "
        "{partner}.{dataset} for {period}",
    ),
    "unknown_delivery": (
        "Aucune livraison {id}.",
        "لا توجد تسليمة {id}.",
        "No delivery {id}.",
    ),
    "cannot_confirm": (
        "La livraison {id} est {state} : seule une livraison en attente se confirme.",
        "التسليمة {id} {state}: لا تؤكَّد إلا تسليمة قيد الانتظار.",
        "Delivery {id} is {state}: only a pending delivery can be confirmed.",
    ),
    "cannot_withdraw": (
        "La livraison {id} est {state} : seule une livraison en attente ou en vigueur se retire.",
        "التسليمة {id} {state}: لا تُسحب إلا تسليمة قيد الانتظار أو سارية.",
        "Delivery {id} is {state}: only a pending or current delivery can be withdrawn.",
    ),
    "cannot_restore": (
        "La livraison {id} est {state} : seule une livraison remplacée ou retirée se remet "
        "en vigueur (une livraison en attente se confirme).",
        "التسليمة {id} {state}: لا تعاد سارية إلا تسليمة مستبدلة أو مسحوبة "
        "(التسليمة قيد الانتظار تؤكَّد).",
        "Delivery {id} is {state}: only a superseded or withdrawn delivery can be restored "
        "(a pending one is confirmed).",
    ),
    "not_staged": (
        "Les lignes de la livraison {id} ne sont plus dans le dossier de préparation.",
        "لم تعد أسطر التسليمة {id} موجودة في مجلد التحضير.",
        "The rows of delivery {id} are no longer in the staging folder.",
    ),
    # the delivery report
    "received": ("reçues", "مستلمة", "received"),
    "loaded": ("chargées", "محمّلة", "loaded"),
    "quarantined": ("quarantaine", "في الحجر", "quarantined"),
    "flagged": ("signalées", "مؤشَّر عليها", "flagged"),
    "period": ("période", "الفترة", "period"),
    "delivery": ("livraison", "التسليمة", "delivery"),
    "state": ("statut", "الحالة", "state"),
    "received_at": ("reçue le", "تاريخ الاستلام", "received at"),
    "supersedes": ("remplace la livraison {id}", "تحل محل التسليمة {id}", "supersedes {id}"),
    "note": ("note", "ملاحظة", "note"),
    "refused": ("refusé", "مرفوض", "refused"),
    "pending_because": ("en attente", "قيد الانتظار", "pending"),
    "issues_by_rule": ("Problèmes par règle", "المشاكل حسب القاعدة", "Issues by rule"),
    "severity": ("gravité", "الخطورة", "severity"),
    "rule": ("règle", "القاعدة", "rule"),
    "column": ("colonne", "العمود", "column"),
    "rows": ("lignes", "الأسطر", "rows"),
    "detail": ("Détail", "التفاصيل", "Detail"),
    "row": ("ligne", "السطر", "row"),
    "value": ("valeur", "القيمة", "value"),
    "more": (
        "… {n} autres (--json pour tout)",
        "… {n} أخرى (--json للكل)",
        "… {n} more (--json for all)",
    ),
    "error": ("erreur", "خطأ", "error"),
    "warning": ("avertissement", "تنبيه", "warning"),
    # the scorecard
    "scorecard_title": (
        "Fiche de retour de {name} ({partner}) au {as_of}",
        "بطاقة تقييم {name} ({partner}) بتاريخ {as_of}",
        "Scorecard of {name} ({partner}) on {as_of}",
    ),
    "calendar": (
        "attendue avant la fin du mois {due_month} de l'année de la période + {years_after}",
        "متوقعة قبل نهاية الشهر {due_month} من سنة الفترة + {years_after}",
        "due by the end of month {due_month} of the period's year + {years_after}",
    ),
    "no_calendar": (
        "la convention ne fixe pas de calendrier",
        "لا تحدد الاتفاقية أي جدول زمني",
        "the convention sets no calendar",
    ),
    "due": ("attendue le", "موعد التسليم", "due"),
    "first_received": ("première réception", "أول استلام", "first received"),
    "timeliness": ("ponctualité", "الالتزام بالموعد", "timeliness"),
    "on_time": ("à temps", "في الموعد", "on time"),
    "late": ("en retard de {days} j", "متأخرة بـ {days} يوما", "{days} days late"),
    "missing": ("manquante", "ناقصة", "missing"),
    "files": ("fichiers", "الملفات", "files"),
    "change": ("évolution", "التطور", "change"),
    "quarantined_share": ("% quarantaine", "% في الحجر", "% quarantined"),
    "failing_share": ("% {field} : {rule}", "% {field}: {rule}", "% {field}: {rule}"),
    "quarantine_by_rule": (
        "Lignes en quarantaine par règle (livraisons en vigueur)",
        "الأسطر في الحجر حسب القاعدة (التسليمات السارية)",
        "Rows quarantined by rule (current deliveries)",
    ),
    "refusals_by_rule": (
        "Fichiers refusés par règle",
        "الملفات المرفوضة حسب القاعدة",
        "Files refused by rule",
    ),
    "share": ("part", "النسبة", "share"),
    "only_here": (
        "Entreprises connues seulement par ce partenaire : {only} sur {with_partner} "
        "({share} %) dans le registre {build}, qui en compte {total}",
        "مقاولات لا يعرفها السجل إلا عبر هذا الشريك: {only} من أصل {with_partner} "
        "({share} %) في السجل {build} الذي يضم {total}",
        "Enterprises known only through this partner: {only} of {with_partner} ({share} %) "
        "in register build {build}, which holds {total}",
    ),
    "no_register": (
        "Aucun registre n'a encore été construit (`marsad register build`) : les entreprises "
        "connues seulement par ce partenaire ne peuvent pas être comptées.",
        "لم يُبنَ أي سجل بعد (`marsad register build`): لا يمكن عدّ المقاولات التي لا تُعرف "
        "إلا عبر هذا الشريك.",
        "No register has been built yet (`marsad register build`): the enterprises known "
        "only through this partner cannot be counted.",
    ),
    "unknown_partner": (
        "Aucune convention pour le partenaire {partner} ; partenaires : {known}.",
        "لا توجد اتفاقية للشريك {partner}؛ الشركاء: {known}.",
        "No convention for partner {partner}; partners: {known}.",
    ),
    "unknown_lang": (
        "Langue inconnue {code} : fr, ar ou en.",
        "لغة غير معروفة {code}: fr أو ar أو en.",
        "Unknown language {code}: fr, ar or en.",
    ),
}

# Names of the rules (file refusals, row rules, holds) in French and Arabic; English is
# the message of the rule itself (marsad.ingest.issues).
RULE_NAMES: dict[str, tuple[str, str]] = {
    "unknown_dataset": (
        "aucune convention ne couvre ce jeu de données",
        "لا تغطي أي اتفاقية هذه المعطيات",
    ),
    "convention_expired": ("la convention n'est pas en vigueur", "الاتفاقية غير سارية"),
    "invalid_period": ("période non couverte", "فترة غير مشمولة"),
    "empty_file": ("fichier vide", "ملف فارغ"),
    "compressed_file": ("fichier compressé", "ملف مضغوط"),
    "format_not_accepted": ("format non accepté", "صيغة غير مقبولة"),
    "encoding": ("encodage non accepté", "ترميز غير مقبول"),
    "not_text": ("le fichier n'est pas du texte", "الملف ليس نصا"),
    "delimiter": ("aucun séparateur dans l'en-tête", "لا يوجد فاصل في الترويسة"),
    "empty_column_name": ("colonne sans nom", "عمود بلا اسم"),
    "duplicate_column": ("colonne en double dans l'en-tête", "عمود مكرر في الترويسة"),
    "undeclared_column": ("colonne non déclarée", "عمود غير مصرح به"),
    "missing_column": ("colonne obligatoire absente", "عمود إلزامي مفقود"),
    "no_matching_sheet": (
        "aucune feuille avec l'en-tête attendu",
        "لا توجد ورقة بالترويسة المنتظرة",
    ),
    "unsupported_type": ("type de colonne illisible", "نوع عمود غير مقروء"),
    "unreadable": ("fichier illisible", "ملف غير مقروء"),
    "too_large": ("fichier trop volumineux", "ملف كبير جدا"),
    "field_count": ("nombre de champs incorrect", "عدد حقول غير صحيح"),
    "missing_value": ("valeur obligatoire vide", "قيمة إلزامية فارغة"),
    "not_an_integer": ("pas un nombre entier", "ليس عددا صحيحا"),
    "not_an_amount": ("pas un montant", "ليس مبلغا"),
    "not_a_date": ("pas une date", "ليس تاريخا"),
    "out_of_range": ("hors des bornes", "خارج الحدود"),
    "too_long": ("trop long", "طويل جدا"),
    "control_character": ("caractères de contrôle", "أحرف تحكم"),
    "pattern": ("forme non conforme", "شكل غير مطابق"),
    "not_in_list": ("valeur hors liste", "قيمة خارج القائمة"),
    "period_mismatch": (
        "période différente de celle de la livraison",
        "فترة مختلفة عن فترة التسليمة",
    ),
    "duplicate_key": ("clé en double avec d'autres valeurs", "مفتاح مكرر بقيم أخرى"),
    "exact_duplicate": (
        "copie exacte d'une ligne (chargée une fois)",
        "نسخة مطابقة لسطر (محمّل مرة واحدة)",
    ),
    "date_order": ("dates dans le désordre", "تواريخ غير مرتبة"),
    "ice_invalid": ("ICE invalide", "ICE غير صالح"),
    "commune_unknown": ("commune inconnue", "جماعة غير معروفة"),
    "activity_code_unknown": ("code d'activité inconnu", "رمز نشاط غير معروف"),
    "nothing_loaded": ("aucune ligne chargée", "لم يُحمَّل أي سطر"),
    "row_drop": ("forte baisse du nombre de lignes", "انخفاض كبير في عدد الأسطر"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InvalidInput(text("unknown_lang", "fr", code=lang))
    return lang


def text(key: str, lang: str = "fr", **values: object) -> str:
    """The wording of ``key`` in ``lang`` with ``values`` filled in."""
    return _TEXTS[key][LANGS.index(lang)].format(**values)


def rule_name(rule: str, lang: str = "fr") -> str:
    """The name of a rule in words; English names come from the rule's own message."""
    if lang == "en":
        return {**FILE_RULES, **ROW_RULES, **HOLD_RULES}.get(rule, rule)
    names = RULE_NAMES.get(rule)
    return names[LANGS.index(lang)] if names else rule
