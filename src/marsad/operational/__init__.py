"""The operational database: programmes, applications, people, the access log.

SQLAlchemy 2 models on one declarative base, Alembic migrations shipped with the
package; SQLite in the data directory by default, PostgreSQL in production
(``MARSAD_DATABASE_URL=postgresql+psycopg://...``).
"""

from marsad.operational.db import Base, Database, migrate

__all__ = ["Base", "Database", "migrate"]
