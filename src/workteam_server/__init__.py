"""workteam-server: the sync server of workteam (FastAPI, SQLite or PostgreSQL)."""
