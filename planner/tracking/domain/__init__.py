"""The incident's rules: rows and views, events folded into them, typed actions and their guards,
corrections, the outline of tasks and an incident's first rows. Imports nothing else of tracking."""
