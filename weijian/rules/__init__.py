"""Rules as data: YAML files with effective dates and legal basis, looked up "as of" a date."""
