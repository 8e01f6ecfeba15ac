"""Incident tracking: the crash-safe journal store (more to come: guards, fold, updates)."""
