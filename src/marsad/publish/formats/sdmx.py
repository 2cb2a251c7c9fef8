"""SDMX: an SDMX-ML 2.1 structure message for the release and SDMX-CSV 2.0 data per table.

``sdmx/structure.xml`` holds the codelists (names in French, Arabic and English), one
concept scheme, and per table a data structure definition ``DSD_<ID>`` and a dataflow
``DF_<ID>``, all maintained by the agency ``MARSAD`` at version 1.0. ``sdmx/<table>.csv``
holds the observations of the dataflow, the flags as attributes; a suppressed cell has an
empty OBS_VALUE.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from marsad.publish.formats.common import (
    AGENCY,
    TIME,
    VERSION,
    Release,
    Table,
    csv_string,
)
from marsad.publish.formats.labels import FLAGS, LANGS, Labels

MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
STR = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NSMAP = {"mes": MES, "str": STR, "com": COM}
SCHEME = "CS_MARSAD"
ATTRIBUTE_CODELISTS = {"CONF_STATUS": "CL_CONF_STATUS", "OBS_STATUS": "CL_OBS_STATUS"}
MEASURE = "OBS_VALUE"


def dsd_id(table_id: str) -> str:
    return f"DSD_{table_id.upper()}"


def dataflow_id(table_id: str) -> str:
    return f"DF_{table_id.upper()}"


def _sub(parent: Any, namespace: str, tag: str, **attrib: str) -> Any:
    return etree.SubElement(parent, f"{{{namespace}}}{tag}", attrib)


def _names(parent: Any, names: Labels, default: str, tag: str = "Name") -> None:
    written = False
    for lang in LANGS:
        text = (names.get(lang) or "").strip()
        if text:
            _sub(parent, COM, tag, **{XML_LANG: lang}).text = text
            written = True
    if not written and tag == "Name":
        _sub(parent, COM, tag, **{XML_LANG: "fr"}).text = default


def _ref(parent: Any, **attrib: str) -> None:
    etree.SubElement(parent, "Ref", attrib)  # references are unqualified in SDMX-ML 2.1


def _concept_ref(parent: Any, concept: str) -> None:
    identity = _sub(parent, STR, "ConceptIdentity")
    _ref(
        identity,
        id=concept,
        maintainableParentID=SCHEME,
        maintainableParentVersion=VERSION,
        agencyID=AGENCY,
        package="conceptscheme",
        **{"class": "Concept"},
    )


def _enumeration(parent: Any, codelist: str) -> None:
    representation = _sub(parent, STR, "LocalRepresentation")
    enumeration = _sub(representation, STR, "Enumeration")
    _ref(
        enumeration,
        id=codelist,
        version=VERSION,
        agencyID=AGENCY,
        package="codelist",
        **{"class": "Codelist"},
    )


def _text_format(parent: Any, text_type: str) -> None:
    representation = _sub(parent, STR, "LocalRepresentation")
    _sub(representation, STR, "TextFormat", textType=text_type)


def _maintainable(
    parent: Any, tag: str, item_id: str, names: Labels, description: Labels | None = None
) -> Any:
    element = _sub(parent, STR, tag, id=item_id, agencyID=AGENCY, version=VERSION, isFinal="true")
    _names(element, names, item_id)
    if description:
        _names(element, description, item_id, tag="Description")
    return element


def _codelists(structures: Any, release: Release) -> None:
    codelists = _sub(structures, STR, "Codelists")
    flag_codelists = {
        cl_id: (release.concept_names(concept), FLAGS[concept])
        for concept, cl_id in ATTRIBUTE_CODELISTS.items()
    }
    for cl_id in sorted({*release.codelists, *flag_codelists}):
        if cl_id in flag_codelists:
            names, codes = flag_codelists[cl_id]
            element = _maintainable(codelists, "Codelist", cl_id, names)
            for code_id, code_names in codes.items():
                _names(_sub(element, STR, "Code", id=code_id), code_names, code_id)
            continue
        codelist = release.codelists[cl_id]
        element = _maintainable(codelists, "Codelist", cl_id, codelist.names)
        ids = {c.id for c in codelist.codes}
        for code in codelist.codes:
            item = _sub(element, STR, "Code", id=code.id)
            _names(item, code.names, code.id)
            if code.parent is not None and code.parent in ids and code.parent != code.id:
                _ref(_sub(item, STR, "Parent"), id=code.parent)


def _concepts(structures: Any, release: Release) -> None:
    codelist_of: dict[str, str | None] = {}
    for table in release.tables:
        for dimension in table.dimensions:
            codelist_of.setdefault(dimension.id, dimension.codelist)
    ordered = sorted(d for d in codelist_of if d != TIME)
    ordered += [TIME, MEASURE, "CONF_STATUS", "OBS_STATUS", "UNIT_MULT"]
    concepts = _sub(structures, STR, "Concepts")
    scheme = _maintainable(
        concepts,
        "ConceptScheme",
        SCHEME,
        {"fr": "Concepts de l'observatoire", "ar": "مفاهيم المرصد", "en": "Observatory concepts"},
    )
    for concept in ordered:
        names = release.concept_names(concept, codelist_of.get(concept))
        _names(_sub(scheme, STR, "Concept", id=concept), names, concept)


def _data_structure(parent: Any, release: Release, table: Table) -> None:
    names, definition = release.table_label(table), table.text("definition")
    element = _maintainable(parent, "DataStructure", dsd_id(table.id), names, definition)
    components = _sub(element, STR, "DataStructureComponents")
    dimensions = _sub(components, STR, "DimensionList", id="DimensionDescriptor")
    ordinary = [d for d in table.dimensions if d.id != TIME]
    for position, dimension in enumerate(ordinary, start=1):
        item = _sub(dimensions, STR, "Dimension", id=dimension.id, position=str(position))
        _concept_ref(item, dimension.id)
        if dimension.codelist and dimension.codelist in release.codelists:
            _enumeration(item, dimension.codelist)
        else:
            _text_format(item, "String")
    if len(ordinary) < len(table.dimensions):
        item = _sub(dimensions, STR, "TimeDimension", id=TIME, position=str(len(ordinary) + 1))
        _concept_ref(item, TIME)
        _text_format(item, "ObservationalTimePeriod")
    attributes = _sub(components, STR, "AttributeList", id="AttributeDescriptor")
    for concept, codelist in ATTRIBUTE_CODELISTS.items():
        item = _sub(attributes, STR, "Attribute", id=concept, assignmentStatus="Mandatory")
        _concept_ref(item, concept)
        _enumeration(item, codelist)
        relationship = _sub(item, STR, "AttributeRelationship")
        _ref(_sub(relationship, STR, "PrimaryMeasure"), id=MEASURE)
    item = _sub(attributes, STR, "Attribute", id="UNIT_MULT", assignmentStatus="Mandatory")
    _concept_ref(item, "UNIT_MULT")
    _text_format(item, "Integer")
    _sub(_sub(item, STR, "AttributeRelationship"), STR, "None")
    measures = _sub(components, STR, "MeasureList", id="MeasureDescriptor")
    measure = _sub(measures, STR, "PrimaryMeasure", id=MEASURE)
    _concept_ref(measure, MEASURE)
    _text_format(measure, "Double")


def _dataflow(parent: Any, release: Release, table: Table) -> None:
    names, definition = release.table_label(table), table.text("definition")
    element = _maintainable(parent, "Dataflow", dataflow_id(table.id), names, definition)
    _ref(
        _sub(element, STR, "Structure"),
        id=dsd_id(table.id),
        version=VERSION,
        agencyID=AGENCY,
        package="datastructure",
        **{"class": "DataStructure"},
    )


def structure_message(release: Release) -> bytes:
    root = etree.Element(f"{{{MES}}}Structure", nsmap=NSMAP)
    header = _sub(root, MES, "Header")
    _sub(header, MES, "ID").text = (
        f"{AGENCY}_{release.id.replace('.', '_')}" if release.id else f"{AGENCY}_STRUCTURE"
    )
    _sub(header, MES, "Test").text = "false"
    # Prepared is mandatory: the release date keeps the message identical when rewritten.
    _sub(header, MES, "Prepared").text = f"{release.date or '1970-01-01'}T00:00:00"
    _sub(header, MES, "Sender", id=AGENCY)
    structures = _sub(root, MES, "Structures")
    if release.tables:
        dataflows = _sub(structures, STR, "Dataflows")
        for table in release.tables:
            _dataflow(dataflows, release, table)
    _codelists(structures, release)
    _concepts(structures, release)
    if release.tables:
        dsds = _sub(structures, STR, "DataStructures")
        for table in release.tables:
            _data_structure(dsds, release, table)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _csv(path: Path, table: Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sdmx_csv(table), "utf-8", newline="")


def sdmx_csv(table: Table) -> str:
    """The SDMX-CSV 2.0 text of a table (or of a selection of its cells)."""
    structure_id = f"{AGENCY}:{dataflow_id(table.id)}({VERSION})"
    dims = table.dimension_ids
    header = ["STRUCTURE", "STRUCTURE_ID", "ACTION", *dims]
    header += [MEASURE, "CONF_STATUS", "OBS_STATUS", "UNIT_MULT"]
    frame = table.frame
    columns = [frame[c].tolist() for c in [*dims, MEASURE, "CONF_STATUS", "OBS_STATUS"]]
    prefix = ["dataflow", structure_id, "I"]
    rows = ([*prefix, *cells, table.unit_mult] for cells in zip(*columns, strict=True))
    return csv_string(header, rows)


def write_sdmx(release: Release) -> list[str]:
    folder = release.folder / "sdmx"
    folder.mkdir(parents=True, exist_ok=True)
    message = structure_message(release)
    etree.fromstring(message)  # well-formed, or raise before anything is published
    (folder / "structure.xml").write_bytes(message)
    written = ["sdmx/structure.xml"]
    for table in release.tables:
        _csv(folder / f"{table.id}.csv", table)
        written.append(f"sdmx/{table.id}.csv")
    return written
