"""marsad: the information system of an observatory of TPME and of the agencies that support them.

The public facade re-exports the few objects most users need; everything else lives in the
step folders that follow the data flow (conventions -> ingest -> register -> stats -> release).
"""

from marsad.errors import MarsadError
from marsad.settings import Settings, get_settings

__all__ = ["MarsadError", "Settings", "get_settings"]
__version__ = "0.1.0"
