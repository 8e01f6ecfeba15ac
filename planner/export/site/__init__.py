"""The recovery atlas: ``planner export PLAN --format site -o DIR`` writes a static site that reads
at 15, 150 or 2,000 services, from ``file://`` or any web server, with no network: an index (the
summary, the readiness verdict, a picture of the teams), a page per team, per service and per
scenario, and the audit grouped by rule. Every picture is small enough to read and every box in
it links to its page; a search box finds a service or team by name."""

from planner.export.site.content import Atlas, build_atlas
from planner.export.site.render import Written, write_site

__all__ = ["Atlas", "Written", "build_atlas", "write_site"]
