"""Succession links: the auto-entrepreneur who becomes a company.

A person who leaves the auto-entrepreneur status often creates a company (a trader under
their own name, a single-member SARL) to carry on the same activity. The two are two
enterprises of the register (two legal units, each with its own identifiers): the link
between them is a *succession*, recorded beside the enterprises, never a merge, so that
the clustering of units into enterprises is untouched.

The rules are data (``data/successions.yaml``): which enterprises may precede and follow,
the window around the deregistration date, and the points each piece of evidence gives:
the person's name in the company's name (every word, for a name that no other person of
the province carries or for a common one, or one rare word), the place (the same commune
or another of the province), the activity (NMA division, section) and the
delay. A candidate pair becomes a link when its points reach the threshold and it is the
best candidate of both enterprises, with no tie: two equally good candidates are left
unlinked (and counted), since nothing says which is the right one.

``successions.parquet`` (one line per link): predecessor_id, successor_id, score,
name_evidence (full | full_common | partial), place_evidence (commune | province),
activity_evidence (division | section | unknown | other), days (creation minus
deregistration), deregistration_date, creation_date, successor_category,
successor_legal_form.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from marsad.errors import ConfigurationError
from marsad.ingest.rules import lit


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Side(_Strict):
    categories: tuple[str, ...] = Field(min_length=1)
    legal_forms: tuple[str, ...] = ()  # empty: any


class Window(_Strict):
    days_before: int = Field(ge=0, le=3650)
    days_after: int = Field(ge=0, le=3650)
    near_days: int = Field(ge=0, le=3650)

    @model_validator(mode="after")
    def _near_inside(self) -> Window:
        if self.near_days > self.days_after:
            raise ValueError("near_days must not exceed days_after")
        return self


class NameRules(_Strict):
    min_token_length: int = Field(ge=1, le=20)
    max_token_share: float = Field(gt=0, le=1)


class Weights(_Strict):
    name: dict[str, float]
    place: dict[str, float]
    activity: dict[str, float]
    timing: dict[str, float]

    @model_validator(mode="after")
    def _levels(self) -> Weights:
        wanted = {
            "name": {"full", "full_common", "partial"},
            "place": {"commune", "province"},
            "activity": {"division", "section", "unknown", "other"},
            "timing": {"near", "far"},
        }
        for part, levels in wanted.items():
            got = set(getattr(self, part))
            if got != levels:
                raise ValueError(f"weights.{part}: expected the levels {sorted(levels)}")
        return self


class SuccessionRules(_Strict):
    predecessor: Side
    successor: Side
    window: Window
    names: NameRules
    weights: Weights
    threshold: float = Field(gt=0)


def parse_rules(data: object) -> SuccessionRules:
    try:
        return SuccessionRules.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'rules'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"succession rules: {problems}") from exc


@cache
def load_rules() -> SuccessionRules:
    path = resources.files("marsad.register").joinpath("data", "successions.yaml")
    return parse_rules(yaml.safe_load(path.read_text("utf-8")))


def _in(column: str, values: tuple[str, ...]) -> str:
    if not values:
        return "true"
    return f"{column} IN ({', '.join(lit(v) for v in values)})"


def _case(column: str, weights: dict[str, float]) -> str:
    whens = " ".join(f"WHEN {lit(k)} THEN {float(v)!r}" for k, v in weights.items())
    return f"CASE {column} {whens} ELSE 0.0 END"


def candidates_sql(build_dir: Path, rules: SuccessionRules) -> str:
    """Scored candidate pairs, before the best-candidate rule: every company of the
    person's province created inside the window whose name holds the rarest word of the
    person's name (a full name holds it; a partial match is on it)."""
    ent = f"read_parquet({lit(str(build_dir / 'enterprises.parquet'))})"
    units = f"read_parquet({lit(str(build_dir / 'units.parquet'))})"
    w, n = rules.window, rules.names
    words = "list_distinct(list_filter(string_split({0}, ' '), x -> x <> ''))"
    return f"""
    WITH pred AS (
        SELECT enterprise_id, dissolution_date AS left_on, commune_code, province,
               region_code, division, section
        FROM {ent}
        WHERE {_in("category", rules.predecessor.categories)}
          AND {_in("legal_form", rules.predecessor.legal_forms)}
          AND dissolution_date IS NOT NULL AND province IS NOT NULL
    ), succ AS (
        SELECT enterprise_id, creation_date, category, legal_form, commune_code, province,
               region_code, division, section
        FROM {ent}
        WHERE {_in("category", rules.successor.categories)}
          AND {_in("legal_form", rules.successor.legal_forms)}
          AND creation_date IS NOT NULL AND province IS NOT NULL
    ), person_names AS (  -- every spelling of every person's name, with its province
        SELECT DISTINCT u.enterprise_id, u.name_std, e.province,
               {words.format("u.name_std")} AS words
        FROM {units} u JOIN {ent} e USING (enterprise_id)
        WHERE u.person AND coalesce(u.name_std, '') <> ''
    ), rarity AS (  -- share of the register's persons whose name holds a word
        SELECT token, count(DISTINCT enterprise_id)
                      / (SELECT count(DISTINCT enterprise_id) FROM person_names) AS share
        FROM person_names, unnest(words) AS t(token) GROUP BY token
    ), homonyms AS (  -- persons and traders of a province per name (word order aside)
        SELECT province, array_to_string(list_sort(words), ' ') AS name_key,
               count(DISTINCT enterprise_id) AS persons
        FROM (SELECT enterprise_id, province, words FROM person_names
              UNION ALL
              SELECT DISTINCT u.enterprise_id, e.province, {words.format("u.name_std")}
              FROM {units} u JOIN {ent} e USING (enterprise_id)
              WHERE e.legal_form = 'PP' AND NOT u.person AND coalesce(u.name_std, '') <> '')
        GROUP BY ALL
    ), rarest AS (  -- each spelling of each predecessor's name and its rarest word
        SELECT p.enterprise_id, p.name_std, p.words, d.province, d.left_on,
               arg_min(r.token, r.share) AS rare_token, min(r.share) AS rare_share
        FROM person_names p JOIN pred d USING (enterprise_id)
        JOIN (SELECT DISTINCT enterprise_id, name_std, unnest(words) AS token
              FROM person_names) w USING (enterprise_id, name_std)
        JOIN rarity r ON r.token = w.token
        GROUP BY ALL
    ), pnames AS (
        SELECT r.*, h.persons AS homonyms FROM rarest r
        LEFT JOIN homonyms h ON h.province = r.province
             AND h.name_key = array_to_string(list_sort(r.words), ' ')
    ), snames AS (  -- each spelling of each successor's name, one line per word
        SELECT DISTINCT u.enterprise_id, s.province, s.creation_date, s.legal_form,
               {words.format("u.name_std")} AS words, t.token
        FROM {units} u JOIN succ s USING (enterprise_id),
             unnest({words.format("u.name_std")}) AS t(token)
        WHERE NOT u.person
    ), spellings AS (
        SELECT p.enterprise_id AS pred_id, s.enterprise_id AS succ_id,
               array_length(list_intersect(p.words, s.words)) = array_length(p.words) AS every_word,
               -- nobody else of the province carries the name: the predecessor and, for
               -- a trader of that very name, the candidate itself apart
               coalesce(p.homonyms, 1) - 1 - CASE WHEN s.legal_form = 'PP'
                   AND array_length(list_intersect(p.words, s.words)) = array_length(s.words)
                   THEN 1 ELSE 0 END
                   <= 0 AS unique_name,
               length(p.rare_token) >= {n.min_token_length}
                   AND p.rare_share <= {n.max_token_share!r}
                   AND s.legal_form IS DISTINCT FROM 'PP' AS rare_word
        FROM pnames p
        JOIN snames s ON s.token = p.rare_token AND s.province = p.province
             AND s.creation_date BETWEEN p.left_on - INTERVAL {w.days_before} DAY
                                     AND p.left_on + INTERVAL {w.days_after} DAY
    ), named AS (
        SELECT pred_id, succ_id,
               CASE WHEN bool_or(every_word AND unique_name) THEN 'full'
                    WHEN bool_or(every_word) THEN 'full_common'
                    WHEN bool_or(rare_word) THEN 'partial' END AS name_evidence
        FROM spellings GROUP BY pred_id, succ_id
    ), evidence AS (
        SELECT n.pred_id, n.succ_id, n.name_evidence,
               CASE WHEN p.commune_code = s.commune_code THEN 'commune'
                    ELSE 'province' END AS place_evidence,
               CASE WHEN p.division IS NULL OR s.division IS NULL THEN 'unknown'
                    WHEN p.division = s.division THEN 'division'
                    WHEN p.section = s.section THEN 'section' ELSE 'other' END
                   AS activity_evidence,
               CAST(s.creation_date - p.left_on AS BIGINT) AS days,
               p.left_on AS deregistration_date, s.creation_date,
               s.category AS successor_category, s.legal_form AS successor_legal_form
        FROM named n
        JOIN pred p ON p.enterprise_id = n.pred_id
        JOIN succ s ON s.enterprise_id = n.succ_id
        WHERE n.name_evidence IS NOT NULL
    )
    SELECT pred_id AS predecessor_id, succ_id AS successor_id,
           {_case("name_evidence", rules.weights.name)}
           + {_case("place_evidence", rules.weights.place)}
           + {_case("activity_evidence", rules.weights.activity)}
           + CASE WHEN days <= {w.near_days} THEN {float(rules.weights.timing["near"])!r}
                  ELSE {float(rules.weights.timing["far"])!r} END AS score,
           name_evidence, place_evidence, activity_evidence, days, deregistration_date,
           creation_date, successor_category, successor_legal_form
    FROM evidence
    """


def write_successions(build_dir: Path, rules: SuccessionRules | None = None) -> dict[str, int]:
    """Write ``successions.parquet`` into the build folder (after ``enterprises.parquet``
    and ``units.parquet``); returns the links made and the candidates left for a tie.

    The rules run on an embedded DuckDB over the build's Parquet files whatever the
    engine of the build: they use DuckDB's list functions."""
    rules = rules or load_rules()
    con = duckdb.connect()
    try:
        return _link(con, build_dir, rules)
    finally:
        con.close()


def _link(
    con: duckdb.DuckDBPyConnection, build_dir: Path, rules: SuccessionRules
) -> dict[str, int]:
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE sc_candidates AS SELECT * FROM "
        f"({candidates_sql(build_dir, rules)}) WHERE score >= {float(rules.threshold)!r}"
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE sc_ranked AS
           SELECT *,
               score = max(score) OVER (PARTITION BY predecessor_id) AS best_of_pred,
               score = max(score) OVER (PARTITION BY successor_id) AS best_of_succ,
               count(*) OVER (PARTITION BY predecessor_id, score) AS pred_ties,
               count(*) OVER (PARTITION BY successor_id, score) AS succ_ties
           FROM sc_candidates"""
    )
    out = build_dir / "successions.parquet"
    con.execute(
        f"""COPY (SELECT * EXCLUDE (best_of_pred, best_of_succ, pred_ties, succ_ties)
                  FROM sc_ranked
                  WHERE best_of_pred AND best_of_succ AND pred_ties = 1 AND succ_ties = 1
                  ORDER BY predecessor_id, successor_id)
            TO {lit(str(out))} (FORMAT parquet)"""
    )
    linked = con.execute(f"SELECT count(*) FROM read_parquet({lit(str(out))})").fetchone()
    tied = con.execute(
        """SELECT count(DISTINCT predecessor_id) FROM sc_ranked
           WHERE best_of_pred AND (pred_ties > 1 OR (best_of_succ AND succ_ties > 1))"""
    ).fetchone()
    con.execute("DROP TABLE IF EXISTS sc_ranked")
    con.execute("DROP TABLE IF EXISTS sc_candidates")
    return {
        "successions": int(linked[0]) if linked else 0,
        "successions_tied": int(tied[0]) if tied else 0,
    }


def successions_of(build_dir: Path, enterprise_id: str) -> dict[str, list[dict[str, object]]]:
    """The predecessors and successors of one enterprise, with their evidence."""
    path = build_dir / "successions.parquet"
    if not path.is_file():
        return {"predecessors": [], "successors": []}
    rel = duckdb.sql(
        f"""SELECT * FROM read_parquet({lit(str(path))})
            WHERE predecessor_id = $e OR successor_id = $e
            ORDER BY predecessor_id, successor_id""",
        params={"e": enterprise_id},
    )
    rows = [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]
    return {
        "predecessors": [r for r in rows if r["successor_id"] == enterprise_id],
        "successors": [r for r in rows if r["predecessor_id"] == enterprise_id],
    }
