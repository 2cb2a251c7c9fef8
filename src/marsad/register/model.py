"""The probabilistic linkage model: Splink settings built from marsad's standardised units.

The same settings run on DuckDB (default) or Spark, since Splink generates the SQL for the
engine it is given.
"""

from __future__ import annotations

import json
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.exceptions import EMTrainingException

from marsad.errors import ConfigurationError
from marsad.settings import Settings

# Columns of ``units`` that the model reads.
MODEL_COLUMNS = (
    "unit_id",
    "system",
    "person",
    "name_std",
    "name_sorted",
    "name_skeleton",
    "name_stem",
    "name_tokens",
    "rare_token",
    "rare_skeleton",
    "legal_form",
    "ice9",
    "ice_any",
    "unit_key",
    "block_name",
    "block_sorted",
    "block_token_province",
    "block_token_division",
    "block_skeleton_province",
    "block_stem_region",
    "block_rest_province",
    "block_rare_skeleton_province",
    "commune_code",
    "province",
    "region_code",
    "division",
    "section",
)

# Columns whose exact levels weigh rare values more than frequent ones.
TF_COLUMNS = ("name_std", "name_sorted", "name_skeleton", "name_stem", "rare_skeleton")


# Candidate pairs: chosen for recall (each rule catches what the others miss).
# Keys computed with units (``units._add_blocking_keys``): NULL when shared by too many.
BLOCKING: tuple[tuple[str, ...], ...] = (
    ("block_name",),
    ("block_sorted",),
    ("block_token_province",),
    ("block_token_division",),
    ("block_skeleton_province",),
    ("block_stem_region",),
    ("block_rest_province",),
    ("block_rare_skeleton_province",),
    ("ice9",),
)


def fresh_blocking_rules() -> list[str]:
    """The same candidate pairs, restricted to pairs with at least one new or changed unit."""
    return [
        " AND ".join(f'l."{c}" = r."{c}"' for c in cols) + " AND (l.fresh OR r.fresh)"
        for cols in BLOCKING
    ]


def fresh_rules_in(dialect: str) -> list[Any]:
    """``fresh_blocking_rules`` for Splink on ``dialect`` (written in DuckDB's)."""
    return [
        CustomRule(rule, sql_dialect="duckdb").create_blocking_rule_dict(dialect)
        for rule in fresh_blocking_rules()
    ]


def model_in_dialect(saved: dict[str, Any], dialect: str, *, fresh: bool) -> dict[str, Any]:
    """A model trained on one engine, for Splink on another: marsad's comparisons written
    for ``dialect``, with the saved prior and m and u probabilities, level by level.

    Splink saves the comparisons as SQL of the engine that trained them; the levels are
    rebuilt rather than translated, and must be the ones this version of marsad defines.
    """
    target = settings(float(saved["probability_two_random_records_match"]))
    out = target.create_settings_dict(dialect)
    built, kept = out["comparisons"], saved.get("comparisons") or []
    same = len(built) == len(kept) and all(
        b["output_column_name"] == k["output_column_name"]
        and len(b["comparison_levels"]) == len(k["comparison_levels"])
        for b, k in zip(built, kept, strict=False)
    )
    if not same:
        raise ConfigurationError(
            "Le modèle de liaison enregistré ne correspond pas aux comparaisons de cette "
            "version de marsad : réentraînez-le (marsad register build --full)."
        )
    for comparison, trained in zip(built, kept, strict=True):
        for level, values in zip(
            comparison["comparison_levels"], trained["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if key in values:
                    level[key] = values[key]
    if fresh:
        out["blocking_rules_to_generate_predictions"] = fresh_rules_in(dialect)
    out.pop("sql_dialect", None)
    return out


def name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="name_std",
        comparison_levels=[
            cll.NullLevel("name_std"),
            cll.ExactMatchLevel("name_std", term_frequency_adjustments=True),
            cll.ExactMatchLevel("name_sorted", term_frequency_adjustments=True).configure(
                label_for_charts="same words in another order"
            ),
            cll.ExactMatchLevel("name_skeleton", term_frequency_adjustments=True).configure(
                label_for_charts="same consonants (spelling or vowel variants)"
            ),
            cll.ExactMatchLevel("name_stem", term_frequency_adjustments=True).configure(
                label_for_charts="same word beginnings (abbreviations, endings)"
            ),
            cll.JaroWinklerLevel("name_std", 0.95),
            cll.ExactMatchLevel("rare_skeleton", term_frequency_adjustments=True).configure(
                label_for_charts="same rarest word, however spelt"
            ),
            cll.JaroWinklerLevel("name_std", 0.88),
            cll.JaccardLevel("name_std", 0.7),
            cll.ElseLevel(),
        ],
        comparison_description="standardised name",
    )


def place_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            # a chamber knows its members' region only: the region still compares
            cll.NullLevel("region_code"),
            cll.ExactMatchLevel("commune_code"),
            cll.ExactMatchLevel("province"),
            cll.ExactMatchLevel("region_code"),
            cll.ElseLevel(),
        ],
        comparison_description="commune, province, region",
    )


def activity_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="activity",
        comparison_levels=[
            cll.NullLevel("division"),
            cll.ExactMatchLevel("division"),
            cll.ExactMatchLevel("section"),
            cll.ElseLevel(),
        ],
        comparison_description="NMA division and section",
    )


def ice_comparison() -> cl.CustomComparison:
    """The ICE as written on both sides. A valid ICE shared is near proof (and a different
    valid one forbids the link in the clusters); an ICE that fails its check but is one
    digit away from the other side's, in the enterprise part, is a clerk's typo of it."""
    near = (
        '("ice9_l" IS NULL OR "ice9_r" IS NULL) AND '
        'levenshtein(substr(CAST("ice_any_l" AS VARCHAR), 1, 9), '
        'substr(CAST("ice_any_r" AS VARCHAR), 1, 9)) <= 1'
    )
    return cl.CustomComparison(
        output_column_name="ice",
        comparison_levels=[
            cll.NullLevel("ice_any"),
            cll.ExactMatchLevel("ice9").configure(label_for_charts="same valid ICE"),
            cll.CustomLevel(near, base_dialect_str="duckdb").configure(
                label_for_charts="ICE one digit apart, one failing its check"
            ),
            cll.ElseLevel().configure(label_for_charts="different ICE"),
        ],
        comparison_description="ICE as written",
    )


def source_comparison() -> cl.CustomComparison:
    """Which registers the two units come from; the model learns how often each holds.

    One enterprise rarely holds two keys of one identifier system, while homonymous firms
    often sit in the same source; a register of persons (auto-entrepreneurs) and a register
    of enterprises describe different legal regimes, so a shared name there is weaker.
    """
    return cl.CustomComparison(
        output_column_name="source",
        comparison_levels=[
            cll.CustomLevel(
                '"system_l" = "system_r" AND levenshtein('
                'CAST("unit_key_l" AS VARCHAR), CAST("unit_key_r" AS VARCHAR)) <= 1',
                base_dialect_str="duckdb",
            ).configure(label_for_charts="same identifier system, numbers one digit apart"),
            cll.ExactMatchLevel("system").configure(label_for_charts="same identifier system"),
            cll.CustomLevel(  # written in DuckDB's SQL, translated by Splink for others
                '"person_l" <> "person_r"',
                label_for_charts="a person register and another",
                base_dialect_str="duckdb",
            ),
            cll.ElseLevel().configure(label_for_charts="two different enterprise registers"),
        ],
        comparison_description="source registers",
    )


def settings(probability_two_random_records_match: float = 1e-5) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unit_id",
        probability_two_random_records_match=probability_two_random_records_match,
        comparisons=[
            name_comparison(),
            place_comparison(),
            activity_comparison(),
            cl.ExactMatch("legal_form"),
            ice_comparison(),
            source_comparison(),
        ],
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols in BLOCKING],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


def train(linker: Any) -> None:
    """Unsupervised training: the prior from deterministic rules, u by random sampling, m by
    EM on two complementary blockings.
    """
    linker.training.estimate_probability_two_random_records_match(
        [block_on("ice9"), block_on("block_name", "commune_code")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    # Pairs sharing a valid ICE are nearly all true matches: they teach how names, places
    # and activities vary within one enterprise. Pairs with the same name in one commune
    # (matches and homonyms alike) teach the ICE, activity, form and source comparisons.
    for rule in (block_on("ice9"), block_on("block_name", "commune_code")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except EMTrainingException:
            # Too few pairs share this key (a small or identifier-poor register): the
            # parameters it would have estimated keep the values of the other session or
            # Splink's defaults.
            continue


def fixed_model(settings: Settings) -> dict[str, Any] | None:
    """The saved linkage model the settings name (``linkage_model``), if any."""
    if settings.linkage_model is None:
        return None
    try:
        model = json.loads(settings.linkage_model.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            f"Modèle de liaison illisible ({settings.linkage_model}) : {exc}"
        ) from None
    if not isinstance(model, dict) or "comparisons" not in model:
        raise ConfigurationError(
            f"{settings.linkage_model} n'est pas un modèle de liaison (model.json d'un registre)"
        )
    return model
