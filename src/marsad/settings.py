"""Settings, built by a factory (never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where marsad keeps its data and which configuration it uses.

    Every value can come from the environment with the ``MARSAD_`` prefix
    (``MARSAD_HOME``, ``MARSAD_CONVENTIONS_DIR``, ...).
    """

    model_config = SettingsConfigDict(env_prefix="MARSAD_", extra="ignore")

    home: Path = Field(default=Path("marsad-data"), description="data directory")
    conventions_dir: Path | None = Field(
        default=None, description="folder of convention YAML files; default: the shipped ones"
    )
    workers: int = Field(default=2, ge=1, le=64, description="parallel files during ingestion")
    max_delivery_bytes: int = Field(
        default=4 * 1024**3, ge=1, description="largest delivery file accepted, in bytes"
    )
    max_text_length: int = Field(
        default=1000, ge=16, description="longest text value accepted in a delivery"
    )

    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb", description="SQL engine of the register build and the statistics"
    )
    spark_master: str = Field(
        default="local[*]", description="Spark master URL (local[*], spark://host:7077, yarn)"
    )
    spark_app_name: str = Field(default="marsad", min_length=1, description="Spark app name")
    spark_driver_memory: str = Field(
        default="2g", pattern=r"^\d+[kmgt]?$", description="memory of the Spark driver"
    )
    spark_shuffle_partitions: int = Field(
        default=4, ge=1, le=100_000, description="Spark SQL shuffle partitions (small locally)"
    )
    spark_conf: dict[str, str] = Field(
        default_factory=dict,
        description="further Spark settings, passed as they are (JSON in MARSAD_SPARK_CONF)",
    )
    linkage_model: Path | None = Field(
        default=None,
        description="a saved linkage model (model.json of a build) to score with, untrained",
    )

    memory_limit: str = Field(
        default="4GB",
        pattern=r"^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$",
        description="memory DuckDB may use before it spills to disk (register, statistics)",
    )
    max_block_size: int = Field(
        default=100,
        ge=2,
        description="a blocking key shared by more units than this is not used to pair them",
    )
    link_threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="calibrated match probability from which units are linked "
        "(default: chosen by the objective, see min_link_precision)",
    )
    review_threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="calibrated match probability from which a pair is reviewed "
        "(default: the review_capacity most probable pairs below the link threshold)",
    )
    min_link_precision: float = Field(
        default=0.995,
        gt=0.5,
        lt=1,
        description="the expected precision of the links that the chosen threshold must keep",
    )
    review_capacity: int = Field(
        default=5000,
        ge=1,
        description="pairs the review band holds at most: the most probable below the threshold",
    )
    prediction_floor: float = Field(
        default=0.01,
        gt=0,
        lt=0.5,
        description="raw match probability below which the model's pairs are not kept",
    )

    release_years: int = Field(
        default=5, ge=1, le=50, description="the latest observed years a release covers"
    )

    api_rate_per_minute: int = Field(
        default=1200, ge=0, description="API requests per minute per client (0: no limit)"
    )
    max_upload_bytes: int = Field(
        default=256 * 1024**2, ge=1, description="largest delivery accepted over HTTP, in bytes"
    )

    max_body_bytes: int = Field(
        default=1024**2,
        ge=1024,
        description="largest request body accepted outside delivery uploads, in bytes",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses or networks of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (JSON in MARSAD_TRUSTED_PROXIES); none by default",
    )
    sign_in_max_failures: int = Field(
        default=10, ge=1, le=1000, description="failed sign-ins before an account or address waits"
    )
    sign_in_window_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="the window of the failures, and the wait"
    )
    token_days: int = Field(
        default=90, ge=1, le=3650, description="days an API token of a user stays valid"
    )

    database_url: str | None = Field(
        default=None,
        description="operational database (programmes, users); default: SQLite in the home",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} n'est ni une adresse ni un réseau IP") from None
        return value

    @property
    def operational_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'operational.db').resolve()}"

    @property
    def staging_dir(self) -> Path:
        return self.home / "staging"

    @property
    def ledger_path(self) -> Path:
        return self.staging_dir / "ledger.json"


def get_settings(home: Path | str | None = None, **overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides winning."""
    values: dict[str, object] = {k: v for k, v in overrides.items() if v is not None}
    if home is not None:
        values["home"] = Path(home)
    return Settings(**values)  # type: ignore[arg-type]
