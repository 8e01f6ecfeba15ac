"""Cycle detection and the suggested cut."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from planner.planfile.cycles import find_cycles, nodes_on_cycles


def test_acyclic_graph_has_no_cycles() -> None:
    assert find_cycles({"a": ["b"], "b": ["c"], "c": []}) == []


def test_one_cycle_rendered_from_smallest_id() -> None:
    cycles = find_cycles({"b": ["c"], "c": ["a"], "a": ["b"]})
    assert [c.render() for c in cycles] == ["a -> b -> c -> a"]


def test_cut_prefers_the_edge_in_most_cycles() -> None:
    # two cycles share the edge hub -> core
    edges = {"hub": ["core"], "core": ["x", "y"], "x": ["hub"], "y": ["hub"]}
    cycles = find_cycles(edges)
    assert len(cycles) == 2
    assert all(c.cut == ("hub", "core") for c in cycles)
    assert cycles[0].cut_breaks == 2


def test_cut_prefers_a_soft_candidate() -> None:
    cycles = find_cycles({"a": ["b"], "b": ["a"]}, soft_candidates=[("b", "a")])
    assert cycles[0].cut == ("b", "a")


def test_self_loops_are_not_cycles_here() -> None:
    assert find_cycles({"a": ["a"]}) == []


@given(
    st.dictionaries(
        st.sampled_from("abcdefgh"),
        st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=3),
        max_size=8,
    )
)
def test_agrees_with_networkx(edges: dict[str, list[str]]) -> None:
    graph = nx.DiGraph()
    for node, deps in edges.items():
        graph.add_node(node)
        graph.add_edges_from((node, d) for d in deps if d != node)
    clean = {n: [d for d in deps if d != n] for n, deps in edges.items()}
    acyclic = nx.is_directed_acyclic_graph(graph)
    assert (not nodes_on_cycles(clean)) == acyclic
    cycles = find_cycles(edges)
    assert (not cycles) == acyclic
    for cycle in cycles:
        path = cycle.path
        for i, node in enumerate(path):
            assert graph.has_edge(node, path[(i + 1) % len(path)])
        assert cycle.cut in {(path[i], path[(i + 1) % len(path)]) for i in range(len(path))}


@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 7), st.booleans()), max_size=3),
        min_size=1,
        max_size=8,
    )
)
def test_the_loader_finds_a_cycle_whatever_the_order_of_the_file(deps: list[list[tuple[int, bool]]]) -> None:
    # the referential check skips the cycle search when every hard dependency is defined above
    # its dependent; in any other order it must still find every cycle
    from models.plan import Plan
    from planner.planfile.references import check_references

    n = len(deps)
    services = []
    for i, entries in enumerate(deps):
        targets = {t % n: hard for t, hard in entries}
        depends = [{"service": f"s{t}", "kind": "hard" if hard else "soft"} for t, hard in targets.items()]
        services.append({"id": f"s{i}", "depends_on": depends})
    plan = Plan.model_validate({"version": 1, "name": "x", "services": services})
    graph = nx.DiGraph()
    graph.add_nodes_from(s["id"] for s in services)
    graph.add_edges_from(
        (s["id"], d["service"]) for s in services for d in s["depends_on"] if d["kind"] == "hard"
    )
    graph.remove_edges_from(nx.selfloop_edges(graph))
    cycles = [p for p in check_references(plan) if p.rule == "dependency-cycle" and "itself" not in p.message]
    assert (not cycles) == nx.is_directed_acyclic_graph(graph)
