"""The journal on disk: one Backend interface over SQLite and PostgreSQL, the tables and their
migrations, the store, copying between stores and watching one for new events."""
