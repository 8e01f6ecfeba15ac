"""Exports for documentation: Graphviz DOT (and SVG/PNG/PDF through ``dot``), Mermaid flowchart
and Gantt, and the Markdown recovery runbook. Each ``render_*`` returns text; the CLI writes it."""
