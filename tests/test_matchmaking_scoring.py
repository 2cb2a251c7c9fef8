"""Matching: normalisation, hard filters, score components, explanations, evaluation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from marsad.matchmaking.domain import Firm, Profile, Weights, closeness, km
from marsad.matchmaking.engine import Matcher
from marsad.matchmaking.evaluate import evaluate
from marsad.matchmaking.explain import explain, shared_terms
from marsad.matchmaking.ranking import best_matches
from marsad.matchmaking.text import skeleton, words

DAY = date(2026, 3, 1)
FIRMS = {
    "B1": Firm("B1", "06", "C", "29", "GE", 20.0, 0.05, 0),
    "S1": Firm("S1", "06", "C", "25", "PE", 12.0, 0.10, 2),
    "S2": Firm("S2", "04", "C", "25", "TPE", 3.0, 0.60, 0),
    "S3": Firm("S3", "12", "G", "46", "MICRO", 1.0, None, 0),
    "S4": Firm("S4", "06", "G", "46", "PE", 12.0, 0.10, 2),
}


def request(**kw: object) -> Profile:
    base: dict[str, object] = {
        "id": "R1",
        "enterprise_id": "B1",
        "kind": "subcontracting_request",
        "title": "Usinage CNC",
        "description": "Recherche sous-traitant pour usinage de pièces mécaniques",
        "tags": ("usinage", "cnc"),
        "activity_codes": ("25",),
        "site_region": "06",
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2026, 12, 31),
    }
    return Profile(**{**base, **kw})  # type: ignore[arg-type]


def offer(id: str, enterprise: str, **kw: object) -> Profile:
    base: dict[str, object] = {
        "id": id,
        "enterprise_id": enterprise,
        "kind": "business_offer",
        "title": "Tournage fraisage",
        "description": "Nous proposons l'usinage de pièces sur commande numérique (تشغيل)",
        "tags": ("usinage",),
        "activity_codes": ("2562",),
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2026, 12, 31),
    }
    return Profile(**{**base, **kw})  # type: ignore[arg-type]


def ranked(profiles: list[Profile], weights: Weights | None = None) -> list[str]:
    matcher = Matcher(profiles, FIRMS, DAY, weights or Weights())
    block = next(matcher.blocks())
    order = sorted(range(len(block.cols)), key=lambda j: -block.score[0, j])
    return [matcher.offers[block.cols[j]].id for j in order if block.score[0, j] > -1]


def test_french_and_arabic_spellings_meet() -> None:
    assert words("L'usinage des Pièces") == ["usinage", "piece"]
    assert skeleton(words("تخزين")[0]) == skeleton("takhzin") == skeleton("takhzine")
    tadwir = [skeleton(w) for w in words("تدوير النفايات")]
    assert tadwir == [skeleton(w) for w in words("tadwir annifayat")]
    assert skeleton(words("حراسة")[0]) == skeleton("hirassa")
    assert words("") == []


def test_region_closeness_falls_with_distance() -> None:
    assert closeness(km("06", "06")) == 1.0
    assert closeness(km("06", "04")) > closeness(km("06", "07")) > closeness(km("06", "12"))
    assert km("06", "99") is None and closeness(None) == 0.3


def test_hard_filters_remove_pairs_before_any_score() -> None:
    profiles = [
        request(sizes_sought=("TPE", "PE", "ME"), excluded=("S2",)),
        offer("O1", "S1"),
        offer("O2", "S2"),  # excluded by the buyer
        offer("O3", "S3", regions_served=("12",)),  # does not serve Casablanca-Settat
        offer("O4", "S1", valid_until=date(2026, 2, 1)),  # expired
        offer("O5", "B1"),  # the buyer itself
        offer("O6", "S1", kind="technology_offer"),  # does not answer the request
    ]
    matcher = Matcher(profiles, FIRMS, DAY)
    assert [p.id for p in matcher.offers] == ["O1", "O2", "O3", "O5", "O6"]
    blocks = list(matcher.blocks())
    assert ranked(profiles) == ["O1"]
    assert matcher.removed["validity"] == 1
    assert matcher.removed["exclusion"] == 1 and matcher.removed["region"] == 1
    assert matcher.removed["same_enterprise"] == 1
    # the size sought filters too: a micro-enterprise is not among PE and ME
    small = [request(), offer("O3", "S3", regions_served=())]
    assert ranked(small) == ["O3"]
    assert ranked([request(sizes_sought=("PE",)), offer("O3", "S3")]) == []
    assert len(blocks) == 1


def test_offers_that_seek_large_clients_skip_small_buyers() -> None:
    profiles = [request(enterprise_id="S2"), offer("O1", "S1", sizes_sought=("GE",))]
    assert ranked(profiles) == []
    assert ranked([request(), offer("O1", "S1", sizes_sought=("GE",))]) == ["O1"]


def test_capability_outweighs_a_shared_sector_code() -> None:
    near = offer("O1", "S4", title="Usinage CNC", activity_codes=("46",))
    unrelated = offer(
        "O2",
        "S1",
        title="Nettoyage industriel",
        description="Entretien et hygiène des locaux",
        tags=("nettoyage",),
        activity_codes=("25",),
    )
    assert ranked([request(), near, unrelated]) == ["O1", "O2"]
    # ranked by sector code alone, the unrelated offer of division 25 comes first
    sector_only = Weights(capability=0, sector=1, distance=0, size=0, track_record=0)
    assert ranked([request(), near, unrelated], sector_only) == ["O2", "O1"]


def test_each_component_moves_the_score_its_way() -> None:
    def score(*offers: Profile, req: Profile | None = None) -> dict[str, float]:
        matcher = Matcher([req or request(), *offers], FIRMS, DAY)
        block = next(matcher.blocks())
        return {matcher.offers[c].id: float(block.score[0, j]) for j, c in enumerate(block.cols)}

    # distance: same text and codes, Casablanca against Rabat
    s = score(offer("O1", "S1"), offer("O2", "S2"))
    assert s["O1"] > s["O2"]
    # capacity: covering the need beats a fifth of it
    s = score(
        offer("O1", "S1", capacity_mad=2e6),
        offer("O2", "S1", capacity_mad=2e5),
        req=request(capacity_mad=1e6),
    )
    assert s["O1"] > s["O2"]
    # certification asked and held
    s = score(
        offer("O1", "S1", certifications=("ISO 9001",)),
        offer("O2", "S1"),
        req=request(certifications=("iso 9001",)),
    )
    assert s["O1"] > s["O2"]


def test_explanations_say_each_component_in_words() -> None:
    profiles = [
        request(capacity_mad=1e6, certifications=("ISO 9001",)),
        offer("O1", "S1", capacity_mad=2e6),
    ]
    matcher = Matcher(profiles, FIRMS, DAY)
    (match,) = best_matches(matcher, min_score=0.0)
    parts = explain(match.parts, match.request, match.offer, FIRMS, matcher.weights)
    said = {p["component"]: p["words"] for p in parts}
    assert list(said) == ["capability", "sector", "distance", "size", "track_record"]
    assert "usinage" in said["capability"] and "ISO 9001" in said["capability"]
    assert "absente" in said["capability"]
    assert "même division NMA 25" in said["sector"]
    assert "même région (Casablanca-Settat)" in said["distance"]
    assert "couvre un besoin de 1,0 M MAD" in said["size"]
    assert "12 ans" in said["track_record"] and "2 accord" in said["track_record"]
    assert sum(p["contribution"] for p in parts) == pytest.approx(match.score, abs=1e-3)
    assert "usinage" in shared_terms(match.request, match.offer)


def test_best_matches_keep_each_pair_once_above_the_floor() -> None:
    profiles = [request(), request(id="R2"), offer("O1", "S1"), offer("O2", "S2")]
    matches = best_matches(Matcher(profiles, FIRMS, DAY), per_request=2, per_offer=2)
    pairs = [(m.request.id, m.offer.id) for m in matches]
    assert len(pairs) == len(set(pairs)) == 4
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert best_matches(Matcher(profiles, FIRMS, DAY), min_score=0.99) == []


@pytest.fixture(scope="module")
def economy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from marsad.synth import generate

    out = tmp_path_factory.mktemp("economy")
    generate(out=out, scale=0.01, seed=2026, progress=False)
    return out / "truth"


def test_planted_pairs_come_with_noisy_profiles(economy: Path) -> None:
    profiles = pq.read_table(economy / "match_profiles.parquet").to_pandas()
    pairs = pq.read_table(economy / "match_pairs.parquet").to_pandas()
    keys = set(profiles["profile_key"])
    assert len(pairs) > 50 and set(pairs["request_key"]) <= keys and set(pairs["offer_key"]) <= keys
    kinds = set(profiles["kind"])
    assert {"business_offer", "subcontracting_request", "technology_offer"} <= kinds
    text = " ".join(profiles["description"])
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)  # Arabic script in some profiles
    assert "latent" not in profiles.columns and "concept" not in profiles.columns
    enterprises = set(pq.read_table(economy / "enterprises.parquet")["enterprise_id"].to_pylist())
    assert set(profiles["enterprise_id"]) <= enterprises


def test_the_matcher_beats_the_sector_baseline(economy: Path) -> None:
    result = evaluate(economy)
    for key in ("precision_at_5", "recall_at_10", "mrr"):
        assert 0.0 <= result["baseline"][key] <= 1.0
        assert result[key] > result["baseline"][key]
    assert result["queries"] > 20
