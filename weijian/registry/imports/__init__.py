"""Spreadsheet import of the registries: read, validate every row, upsert by natural key, report rejects."""
