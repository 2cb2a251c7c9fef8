"""Delivery ingestion: a partner's file checked against its convention, staged as Parquet.

received = loaded + quarantined, always; a refused file loads nothing; the same file sent
twice changes nothing; a corrected re-delivery supersedes the earlier one.
"""

from marsad.ingest.folder import FolderSummary, find_deliveries, ingest_folder
from marsad.ingest.issues import FILE_RULES, ROW_RULES, DeliveryRefused, Issue
from marsad.ingest.ledger import DeliveryRecord, Ledger
from marsad.ingest.pipeline import Deliverer, safe_file_name
from marsad.ingest.report import DeliveryReport

__all__ = [
    "FILE_RULES",
    "ROW_RULES",
    "Deliverer",
    "DeliveryRecord",
    "DeliveryRefused",
    "DeliveryReport",
    "FolderSummary",
    "Issue",
    "Ledger",
    "find_deliveries",
    "ingest_folder",
    "safe_file_name",
]
