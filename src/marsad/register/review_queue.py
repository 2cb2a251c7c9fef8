"""The review queue: the model's uncertain pairs, those whose decision changes most first.

A pair is queued when its calibrated probability lies in the review band (from the
operating point's floor up to its threshold), its two units are in different enterprises
and no reviewer has decided it. A decision settles every queued pair between the same two
enterprises and, when "same", moves the rows of the smaller one: the queue puts first the
pairs that settle most pairs, then those that move most rows, then the most uncertain.
"""

from __future__ import annotations

from marsad.engines.base import Connection
from marsad.register.operating_point import OperatingPoint


def review_queue(con: Connection, point: OperatingPoint) -> None:
    """Table ``review_queue`` from ``model_pairs``, ``clusters``, ``reviews`` and
    ``source_rows``, with each pair's rank."""
    con.execute(
        f"""CREATE OR REPLACE TABLE review_queue AS
            WITH queued AS (
                SELECT p.unit_a, p.unit_b, p.calibrated AS probability,
                       p.probability AS raw_probability, p.match_weight,
                       least(a.root, b.root) AS root_a, greatest(a.root, b.root) AS root_b
                FROM model_pairs p
                JOIN clusters a ON a.unit_id = p.unit_a
                JOIN clusters b ON b.unit_id = p.unit_b
                WHERE p.calibrated >= {point.review_floor!r}
                  AND p.calibrated < {point.threshold!r} AND a.root <> b.root
                  AND NOT EXISTS (SELECT 1 FROM reviews r  -- stored in order
                      WHERE r.unit_a = least(p.unit_a, p.unit_b)
                        AND r.unit_b = greatest(p.unit_a, p.unit_b))
            ), sizes AS (
                SELECT c.root, count(*) AS n_rows
                FROM source_rows s JOIN clusters c USING (unit_id)
                WHERE c.root IN (SELECT root_a FROM queued UNION SELECT root_b FROM queued)
                GROUP BY c.root
            ), scored AS (
                SELECT q.*, count(*) OVER (PARTITION BY q.root_a, q.root_b) AS pairs_settled,
                       least(coalesce(sa.n_rows, 0), coalesce(sb.n_rows, 0)) AS rows_moved
                FROM queued q
                LEFT JOIN sizes sa ON sa.root = q.root_a
                LEFT JOIN sizes sb ON sb.root = q.root_b
            )
            SELECT unit_a, unit_b, probability, raw_probability, match_weight, pairs_settled,
                   rows_moved,
                   row_number() OVER (ORDER BY pairs_settled DESC, rows_moved DESC,
                                      abs(probability - 0.5), unit_a, unit_b) AS rank
            FROM scored"""
    )
