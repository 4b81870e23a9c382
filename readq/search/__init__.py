"""Full-text search over the library: a Whoosh index derived from the store."""
