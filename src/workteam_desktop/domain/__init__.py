"""Pure domain rules, catalogues and value types. No Qt, no SQLAlchemy."""
