"""Credit data exchange: the 双公示 export (:mod:`.export`), the import of partner departments' and other regions'
records through the registry's strict importer (:mod:`.imports`, :mod:`.api`), and the cross-region check
(:mod:`.crossregion`)."""
