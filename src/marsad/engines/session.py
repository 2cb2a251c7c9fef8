"""The Spark session, built from the settings (never at import)."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING

from marsad.errors import ConfigurationError
from marsad.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INSTALL_HINT = "installez l'extra Spark : pip install 'marsad[spark]'"


def spark_available() -> str | None:
    """None when Spark can run here; otherwise why not, in French."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return f"PySpark n'est pas installé ({INSTALL_HINT})"
    if shutil.which("java") is None:
        return "Java (17 ou plus) est introuvable : Spark en a besoin"
    return None


def spark_conf(settings: Settings) -> dict[str, str]:
    """Spark's configuration: marsad's defaults, then the settings' passthrough."""
    conf = {
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        # DuckDB's semantics: an index past the end of a list is NULL, not an error
        "spark.sql.ansi.enabled": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.showConsoleProgress": "false",
        "spark.local.dir": str((settings.home / "tmp" / "spark-local").resolve()),
    }
    if settings.spark_master.startswith("local"):
        conf["spark.ui.enabled"] = "false"
    try:
        from splink.backends.spark import similarity_jar_location

        conf["spark.jars"] = similarity_jar_location()  # Splink's string similarity UDFs
    except ImportError:
        pass
    conf.update(settings.spark_conf)
    return conf


def spark_session(settings: Settings) -> SparkSession:
    """The process's Spark session (created on first use with the settings' master URL)."""
    missing = spark_available()
    if missing:
        raise ConfigurationError(f"Moteur Spark indisponible : {missing}.")
    from pyspark.sql import SparkSession

    if settings.spark_master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers import marsad too
    builder = SparkSession.builder.master(settings.spark_master).appName(settings.spark_app_name)
    for key, value in spark_conf(settings).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:
        raise ConfigurationError(
            f"Spark ne démarre pas ({settings.spark_master}) : "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session
