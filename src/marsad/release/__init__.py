"""Releases: immutable vintages of the protected statistics (see docs/release-layout.md)."""

from marsad.release.build import ReleaseSummary, make_release
from marsad.release.store import ReleaseStore

__all__ = ["ReleaseStore", "ReleaseSummary", "make_release"]
