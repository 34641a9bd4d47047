"""complaint_tables."""

from bpp.storage.metadata import metadata  # noqa: F401
