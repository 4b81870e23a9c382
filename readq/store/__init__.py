"""SQLite storage: schema, migrations and queries (the library's source of truth)."""
