"""Response schemas of the HTTP API, for its OpenAPI description."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str


class ErrorContent(BaseModel):
    status: int
    code: str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """The one shape of every error response."""

    error: ErrorContent


Labels = dict[str, str]


class ReleaseEntry(BaseModel):
    id: str
    created_at: str | None = None
    title: Labels | None = None
    data_years: list[int] = Field(default_factory=list)
    previous: str | None = None
    tables: int


class TableEntry(BaseModel):
    id: str
    indicator: str
    title: Labels
    unit: str
    measure_kind: str
    dimensions: list[str]
    cells: int | None = None


class Cell(BaseModel):
    """One cell: a code per dimension, then the value and its flags."""

    model_config = {"extra": "allow"}
    OBS_VALUE: float | None = Field(description="null when the cell is suppressed")
    CONF_STATUS: str = Field(description="F free, C confidential (primary), N secondary")
    OBS_STATUS: str = Field(description="A normal, P provisional")


class CellPage(BaseModel):
    release: str
    table: str
    dimensions: list[str]
    filters: dict[str, list[str]]
    total: int
    offset: int
    limit: int
    next: str | None = None
    cells: list[Cell]


class Code(BaseModel):
    id: str
    parent: str | None = None
    names: Labels


class CodelistDocument(BaseModel):
    id: str
    names: Labels
    codes: list[Code]
