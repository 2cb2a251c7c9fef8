"""Frictionless Data Package: ``datapackage/datapackage.json`` and one CSV per table.

A tabular data package, one resource per table with its Table Schema: the dimension columns
(text codes, constrained to the codes of the table, together the primary key), OBS_VALUE
(a number, empty when suppressed), CONF_STATUS and OBS_STATUS.
"""

from __future__ import annotations

import re
from typing import Any

from marsad.publish.formats.common import (
    LICENSE,
    TIME,
    Release,
    Table,
    label,
    neutralise,
    write_csv,
    write_json,
)
from marsad.publish.formats.labels import FLAGS

COLUMNS = ("OBS_VALUE", "CONF_STATUS", "OBS_STATUS")


def package_name(release: Release) -> str:
    name = f"marsad-{release.id}" if release.id else f"marsad-{release.folder.name}"
    return re.sub(r"[^-a-z0-9._]+", "-", name.lower()).strip("-.") or "marsad"


def _flag_description(concept: str) -> str:
    return " ; ".join(f"{code} : {names['fr']}" for code, names in FLAGS[concept].items())


def _schema(release: Release, table: Table) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for dimension in table.dimensions:
        names = release.concept_names(dimension.id, dimension.codelist)
        field: dict[str, Any] = {
            "name": dimension.id,
            "title": label(names, "fr", dimension.id),
            "type": "string",
            "constraints": {
                "required": True,
                "enum": [neutralise(c) for c in dimension.codes],
            },
        }
        if dimension.codelist:
            field["description"] = (
                f"Code de la nomenclature {dimension.codelist} (sdmx/structure.xml) ; "
                "_T : total, _U : inconnu."
            )
        elif dimension.id == TIME:
            field["description"] = "Année de référence."
        fields.append(field)
    fields += [
        {
            "name": "OBS_VALUE",
            "title": "Valeur",
            "type": "number",
            "description": f"Unité : {table.unit_text('fr')}. Vide lorsque la valeur est "
            "supprimée (secret statistique).",
        },
        {
            "name": "CONF_STATUS",
            "title": release.concept_names("CONF_STATUS")["fr"],
            "type": "string",
            "description": _flag_description("CONF_STATUS"),
            "constraints": {"required": True, "enum": list(FLAGS["CONF_STATUS"])},
        },
        {
            "name": "OBS_STATUS",
            "title": release.concept_names("OBS_STATUS")["fr"],
            "type": "string",
            "description": _flag_description("OBS_STATUS"),
            "constraints": {"required": True, "enum": list(FLAGS["OBS_STATUS"])},
        },
    ]
    return {"fields": fields, "missingValues": [""], "primaryKey": table.dimension_ids}


def _resource(release: Release, table: Table) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": table.id,
        "path": f"{table.id}.csv",
        "profile": "tabular-data-resource",
        "title": release.table_label(table)["fr"],
        "description": table.text("definition")["fr"],
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
    }
    sources = table.sources()
    if sources:
        resource["sources"] = [{"title": s} for s in sources]
    resource["schema"] = _schema(release, table)
    return resource


def descriptor(release: Release) -> dict[str, Any]:
    document: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": package_name(release),
        "title": release.title()["fr"],
        "description": "Statistiques des entreprises protégées par le secret statistique : "
        "une cellule supprimée a une valeur vide et CONF_STATUS C (confidentielle) ou "
        "N (non diffusée, secret secondaire) ; OBS_STATUS P signale une valeur provisoire.",
        "licenses": [LICENSE],
    }
    if release.id:
        document["version"] = release.id
    document["resources"] = [_resource(release, t) for t in release.tables]
    return document


def write_datapackage(release: Release) -> list[str]:
    folder = release.folder / "datapackage"
    written: list[str] = []
    for table in release.tables:
        frame = table.frame
        header = [*table.dimension_ids, *COLUMNS]
        rows = zip(*(frame[c].tolist() for c in header), strict=True)
        write_csv(folder / f"{table.id}.csv", header, rows)
        written.append(f"datapackage/{table.id}.csv")
    write_json(folder / "datapackage.json", descriptor(release))
    return ["datapackage/datapackage.json", *written]
