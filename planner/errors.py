"""The project's exceptions, under one base class, each carrying what a user needs to act."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from planner.style import visible

YamlPath = tuple[str | int, ...]
ProblemKind = Literal["structural", "referential"]


def format_path(path: YamlPath) -> str:
    """Write a YAML path the way people read it.

    Examples
    --------
    >>> format_path(("services", 3, "depends_on", 0))
    'services[3].depends_on[0]'
    >>> format_path(())
    '(top level)'
    """
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file, located where it can be."""

    message: str
    """What is wrong and what to do, in the user's words."""
    path: YamlPath = ()
    """Where in the document, e.g. ``("services", 3, "owner")``."""
    kind: ProblemKind = "structural"
    """Structural problems make the file unusable; referential ones make the graph unusable."""
    rule: str | None = None
    """Audit rule id for referential problems (``unknown-reference``, ``dependency-cycle``)."""
    file: str = "<plan>"
    """File name as the user gave it."""
    line: int | None = None
    """1-based line, when known."""
    column: int | None = None
    """1-based column, when known."""
    service: str | None = None
    """Service concerned, when there is one."""
    dependency: str | None = None
    """Dependency concerned, when there is one."""
    data: dict[str, object] = field(default_factory=dict, compare=False)
    """Extra facts for machines (cycle paths, suggested edge to cut)."""
    at_key: bool = False
    """True when the problem is the key itself (unknown, missing), so it is located at the key
    rather than at its value."""

    @property
    def location(self) -> str:
        """``file:line:col``, as much as is known."""
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        """One line, whatever the plan held: a key or a value with a newline in it is written
        out (``\\x0a``), so that it cannot start a message of its own."""
        where = f" ({format_path(self.path)})" if self.path else ""
        return visible(f"{self.location}: {self.message}{where}")


class PlannerError(Exception):
    """Base of every error the CLI turns into a one-line message and an exit code (2: bad input)."""

    exit_code: int = 2
    """What the command exits with."""
    label: str = "error"
    """The word before the message on stderr."""


class PlanError(PlannerError):
    """A plan that cannot be used: every problem found, none hidden behind the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        files = {p.file for p in self.problems}
        where = f" in {next(iter(files))}" if len(files) == 1 else ""  # a plan, a Compose file, a catalog
        head = f"{count} problem{'s' if count != 1 else ''}{where}"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))


class UsageError(PlannerError):
    """A command given arguments that cannot work (unknown scenario, unknown service...)."""
