"""The atlas's pictures, each small enough to read: at most :data:`MAX_BOXES` boxes (what does not
fit is listed on the page, and the picture says so), every box a link to its page.

- the index: one box per team (:func:`teams_dot`);
- a team: its services, and what they depend on outside the team as grey stubs, one per
  service or, when they are too many, one per team (:func:`team_view`);
- a service: it, its dependencies and its dependents (:func:`service_view`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from planner.export.dot import render_dot, render_teams
from planner.export.site.content import Atlas
from planner.export.view import Edge, EdgeKind, View, collapse
from planner.style import plural

MAX_BOXES = 60
"""Boxes a picture draws at most, stubs included."""
TEAM_LINKS = 30
"""Links between teams the index's picture draws at most (the heaviest; a table has them all)."""
STUBS = 12
"""Stub boxes a team's picture gives to what its services depend on outside the team."""


def teams_dot(atlas: Atlas) -> tuple[str, str]:
    """The index's picture (one box per team, the heaviest links between them) and its caption."""
    drawn = sorted(atlas.teams, key=lambda t: (-len(atlas.teams[t]), t))[: MAX_BOXES - 1]
    if len(drawn) < len(atlas.teams):  # the largest teams: a box each would be too many
        nodes = sorted(s for t in drawn for s in atlas.teams[t])
        kept = set(drawn)
        edges = [e for s in nodes for e in atlas.outgoing.get(s, ()) if atlas.team_of(e.target) in kept]
        view = _part(atlas, nodes, sorted(edges, key=lambda e: (e.source, e.target)))
        teams = len(atlas.teams)
        boxes = f"One box for each of the {len(drawn)} largest of the {teams} teams (the table has all)"
    else:
        view = _part(atlas, atlas.full.nodes, atlas.full.edges)
        boxes = f"One box per team ({len(atlas.teams)})"
    limit = max(TEAM_LINKS, len(drawn))
    pairs = len({frozenset(pair) for pair in collapse(view, "team", limit=None)[1]})
    links = f"the {limit} heaviest of the {pairs} links" if pairs > limit else f"the {pairs} links"
    caption = (
        f"{boxes} and {links} between them, each drawn once: restoration flows left to right. "
        "A box opens the team's page."
    )
    return render_teams(view, "team", limit=limit), caption


def _part(atlas: Atlas, nodes: list[str], edges: list[Edge], **kw: object) -> View:
    full = atlas.full
    view = View(
        full.planning,
        nodes,
        edges,
        {s: full.state[s] for s in nodes},
        full.errors & set(nodes),
        False,
        **kw,  # type: ignore[arg-type]
    )
    view.links = full.links
    view.titled = False  # the page's heading and the caption say what it is
    return view


def _important(atlas: Atlas, services: Iterable[str]) -> list[str]:
    """Most important first: critical first, then the most dependents, then by id."""
    rank = atlas.planning.graph.rank
    return sorted(services, key=lambda s: (rank[s], -len(atlas.outgoing.get(s, ())), s))


def team_view(atlas: Atlas, team: str) -> tuple[View, int]:
    """A team's picture, and how many of its services it leaves out."""
    own = atlas.teams[team]
    kept = set(_important(atlas, own)[: MAX_BOXES - STUBS - 1])
    edges = [e for s in sorted(kept) for e in atlas.incoming.get(s, ()) if e.source in kept]
    outside = sorted({e.source for s in kept for e in atlas.incoming.get(s, ()) if e.source not in kept})
    outside = [s for s in outside if atlas.team_of(s) != team]
    stubs: dict[str, str] = {}
    if len(outside) <= STUBS:
        for s in outside:
            stubs[s] = f"{s}\n{atlas.team_of(s)}"
        edges += [e for s in sorted(kept) for e in atlas.incoming.get(s, ()) if e.source in stubs]
    else:  # one stub per team, one arrow from it onto the team's frame, counting its dependencies
        per_team: dict[str, list[Edge]] = {}
        for s in _important(atlas, kept):
            for e in atlas.incoming.get(s, ()):
                if e.source not in kept and atlas.team_of(e.source) != team:
                    per_team.setdefault(atlas.team_of(e.source), []).append(e)
        for other in sorted(sorted(per_team, key=lambda t: (-len(per_team[t]), t))[:STUBS]):
            found = per_team[other]
            stubs[f"team:{other}"] = f"{other}\n(another team)"
            kind: EdgeKind = "hard" if any(e.kind != "soft" for e in found) else "soft"
            said = plural(len(found), "dependency", "dependencies")
            edges.append(Edge(f"team:{other}", found[0].target, kind, said))
    edges = [e for e in edges if e.source in kept or e.source in stubs]
    view = _part(atlas, sorted(kept), sorted(edges, key=lambda e: (e.source, e.target)), stubs=stubs)
    return view, len(own) - len(kept)


def service_view(atlas: Atlas, service: str) -> tuple[View, int]:
    """A service's picture: it, its dependencies, its dependents (the most important first), and
    how many dependents it leaves out."""
    deps = [e.source for e in atlas.incoming.get(service, ())]
    dependents = _important(atlas, {e.target for e in atlas.outgoing.get(service, ())})
    room = MAX_BOXES - 1 - len(deps)
    kept = {service, *deps, *dependents[: max(room, 0)]}
    if len(kept) > MAX_BOXES:  # more dependencies than boxes: the most important of them
        kept = {service, *_important(atlas, deps)[: MAX_BOXES - 1]}
    edges = [e for s in sorted(kept) for e in atlas.incoming.get(s, ()) if e.source in kept]
    view = _part(atlas, sorted(kept), edges, focus=service)
    hidden = len(deps) + len(dependents) + 1 - len(kept)
    return view, hidden


def picture_dot(view: View, hidden: int, what: str) -> str:
    """DOT text of a part of the plan, its title saying what it leaves out."""
    if hidden:
        view.note = f"{hidden} more {what} not drawn: the list below has them all"
    return render_dot(view, "team")


def every_picture(atlas: Atlas, services: Iterable[str] | None = None) -> Iterator[tuple[str, str]]:
    """Each page's picture as ``(page file, DOT text)``: the index's, every team's, and every
    service's (or those of ``services``)."""
    yield "index.html", teams_dot(atlas)[0]
    for team in sorted(atlas.teams):
        if atlas.teams[team]:
            view, hidden = team_view(atlas, team)
            yield atlas.files[f"team:{team}"], picture_dot(view, hidden, "services")
    for s in sorted(atlas.services) if services is None else services:
        view, hidden = service_view(atlas, s)
        yield atlas.files[s], picture_dot(view, hidden, "services")
