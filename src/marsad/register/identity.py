"""Stable enterprise ids: a cluster keeps the id most of its units had; changes are recorded.

A first build names each cluster after a hash of its smallest unit id, so that the same
inputs always give the same ids. Later builds carry every id forward: each previous id
goes to the cluster holding most of its units (ties: the smallest unit id), and a cluster
takes, among the ids it received, the one most of its units had (ties: the smallest id).
Other ids it received are recorded as merged into it; an id whose units also sit in
other clusters is recorded as split, those other clusters getting new ids.

Works in SQL on tables ``clusters(unit_id, root)`` and ``previous_ids(unit_id,
enterprise_id)``, and leaves ``unit_ids(unit_id, enterprise_id)`` and
``identity_changes(kind, enterprise_id, other_id, units)``.
"""

from __future__ import annotations

from marsad.engines.base import Connection


def assign_ids(con: Connection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TABLE id_claims AS
        SELECT p.enterprise_id AS old_id, c.root, count(*) AS n, min(c.unit_id) AS first_unit
        FROM clusters c JOIN previous_ids p USING (unit_id)
        GROUP BY ALL
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE id_owner AS
        SELECT old_id, root FROM (
            SELECT old_id, root, row_number() OVER (
                PARTITION BY old_id ORDER BY n DESC, first_unit) AS k
            FROM id_claims
        ) WHERE k = 1
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE cluster_ids AS
        WITH kept AS (
            SELECT root, old_id AS kept_id FROM (
                SELECT c.root, c.old_id, row_number() OVER (
                    PARTITION BY c.root ORDER BY c.n DESC, c.old_id) AS k
                FROM id_claims c JOIN id_owner o ON o.old_id = c.old_id AND o.root = c.root
            ) WHERE k = 1
        ), roots AS (
            SELECT root, min(unit_id) AS first_unit, count(*) AS units FROM clusters GROUP BY root
        )
        SELECT r.root, r.units,
               coalesce(k.kept_id, 'E' || upper(substr(sha256(r.first_unit), 1, 10)))
                   AS enterprise_id,
               k.kept_id IS NULL AS is_new
        FROM roots r LEFT JOIN kept k USING (root)
        """
    )
    duplicates = con.execute(
        "SELECT count(*) - count(DISTINCT enterprise_id) FROM cluster_ids"
    ).fetchone()
    if duplicates and duplicates[0]:
        # A hash collision with another id: lengthen new ids until they are unique.
        con.execute(
            """CREATE OR REPLACE TABLE cluster_ids AS
               SELECT i.root, i.units,
                      CASE WHEN i.is_new THEN 'E' || upper(substr(sha256(f.first_unit), 1, 20))
                           ELSE i.enterprise_id END AS enterprise_id,
                      i.is_new
               FROM cluster_ids i
               JOIN (SELECT root, min(unit_id) AS first_unit FROM clusters GROUP BY root) f
                 USING (root)"""
        )
    con.execute(
        """CREATE OR REPLACE TABLE unit_ids AS
           SELECT c.unit_id, i.enterprise_id FROM clusters c JOIN cluster_ids i USING (root)"""
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE identity_changes AS
        SELECT 'new' AS kind, enterprise_id, CAST(NULL AS VARCHAR) AS other_id, units
        FROM cluster_ids WHERE is_new
        UNION ALL
        SELECT 'merge', i.enterprise_id, c.old_id, c.n
        FROM id_claims c JOIN id_owner o ON o.old_id = c.old_id AND o.root = c.root
        JOIN cluster_ids i ON i.root = c.root WHERE c.old_id <> i.enterprise_id
        UNION ALL
        SELECT 'split', i.enterprise_id, c.old_id, c.n
        FROM id_claims c JOIN id_owner o ON o.old_id = c.old_id AND o.root <> c.root
        JOIN cluster_ids i ON i.root = c.root
        """
    )
