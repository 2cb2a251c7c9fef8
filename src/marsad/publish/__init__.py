"""Publishing: the open formats (SDMX, JSON-stat, Data Package, spreadsheet) of a release."""
