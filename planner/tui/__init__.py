"""The terminal UI (Textual): `planner track`."""
