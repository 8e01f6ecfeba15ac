"""Importers: start a plan from what teams already have (Docker Compose; Backstage to come)."""
