"""HTTP faces of marsad: the JSON API, the data explorer and the back office (FastAPI)."""

from marsad.web.app import create_app
from marsad.web.errors import error_body

__all__ = ["create_app", "error_body"]
