"""recovery-planner: dependency-graph recovery planning for IT incident response.

The engine (loading, graph, planning, audit, tracking, exports) lives in this package beside the
interfaces (``planner.cli``, ``planner.tui``); only the interfaces may import textual or rich.
"""

__version__ = "0.2.0"
