"""Compose's ``extends``: a service starts from another one's settings, named in the same project
or in another file (``extends: {service: NAME, file: FILE}``), whose own ``extends`` are followed
there, relative to that file, as ``docker compose`` resolves them.

A chain of any depth is walked without recursion, each service resolved once; a loop (also one
across files, which docker compose refuses) is one error naming the services in it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.errors import PlannerError
from planner.importers.compose_file import ComposeService, load_file, service_lines
from planner.importers.interpolate import interpolate_document
from planner.suggest import did_you_mean

Key = tuple[str, str]
"""(file, service): the file is empty for a service of the project (its files merged)."""
Merge = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class _Entry:
    config: dict[str, Any]
    where: str
    """``file:line`` of the service, for messages."""
    folder: Path
    """What a ``file:`` of its ``extends`` is relative to."""


class Extends:
    """The project's services with their ``extends`` applied, resolved on demand."""

    def __init__(
        self, services: Mapping[str, ComposeService], folder: Path, env: Mapping[str, str], merge: Merge
    ) -> None:
        self.services = services
        self.folder = folder
        self.env = env
        self.merge = merge
        self.files: dict[str, tuple[dict[str, Any], dict[str, int]]] = {}
        self.shown: dict[str, str] = {}
        """Each file's path as first named, for messages."""
        self.resolved: dict[Key, dict[str, Any]] = {}

    def resolve(self, name: str) -> dict[str, Any]:
        """The settings of the project's service ``name``, with what it extends merged under them.

        Raises
        ------
        PlannerError
            For an ``extends`` naming no service, or a loop.
        """
        start: Key = ("", name)
        chain: list[Key] = []
        on_chain: set[Key] = set()
        key = start
        while key not in self.resolved:
            if key in on_chain:
                raise self._loop(chain, key)
            chain.append(key)
            on_chain.add(key)
            entry = self._entry(key)
            ext = entry.config.get("extends")
            if not ext:
                break
            key = self._target(key, entry, ext)
        base = self.resolved.get(key)
        for each in reversed(chain):
            config = self._entry(each).config
            if config.get("extends"):
                merged = self.merge(base or {}, {k: v for k, v in config.items() if k != "extends"})
                config = merged if isinstance(merged, dict) else config
            self.resolved[each] = config
            base = config
        return self.resolved[start]

    def _entry(self, key: Key) -> _Entry:
        file, name = key
        if not file:
            svc = self.services[name]
            return _Entry(svc.config, f"{svc.file}:{svc.line}", self.folder)
        services, lines = self.files[file]
        shown = self.shown[file]
        return _Entry(services[name] or {}, f"{shown}:{lines.get(name, 1)}", Path(shown).parent)

    def _file(self, path: Path) -> str:
        """Read another file once: its services, interpolated, and the line of each, under the
        file's real path (the key: ``./x/../a.yaml`` is ``a.yaml``, so a loop is seen)."""
        try:
            real = str(path.resolve())
        except (OSError, RuntimeError):  # a symlink loop: load_file says what is wrong
            real = os.path.abspath(path)
        if real not in self.files:
            data, node = load_file(path)
            data = interpolate_document(data, self.env, str(path))
            lines = {n: line for n, (line, _) in service_lines(node, self.env, str(path)).items()}
            self.files[real] = (dict(data.get("services") or {}), lines)
            self.shown[real] = str(path)
        return real

    def _target(self, key: Key, entry: _Entry, ext: Any) -> Key:
        """The service ``ext`` names, checked to exist."""
        target, file = (ext, None) if isinstance(ext, str) else (ext.get("service"), ext.get("file"))
        if file is not None:
            if not isinstance(file, str) or not file.strip():
                raise PlannerError(f"{entry.where}: 'extends' file must be a path, not {file!r}")
            real = self._file(entry.folder / file)
            services = self.files[real][0]
            if target not in services:
                raise PlannerError(
                    f"{entry.where}: extends names no service '{target}' in {file}"
                    + did_you_mean(str(target), set(services))
                )
            return (real, str(target))
        if key[0]:
            if target not in self.files[key[0]][0]:
                raise PlannerError(
                    f"{entry.where}: extends names no service '{target}' in {self.shown[key[0]]}"
                )
            return (key[0], str(target))
        if target not in self.services:
            hint = did_you_mean(str(target), set(self.services))
            raise PlannerError(f"{entry.where}: extends names no service '{target}'{hint}")
        return ("", str(target))

    def _loop(self, chain: list[Key], again: Key) -> PlannerError:
        loop = [*chain[chain.index(again) :], again]
        shown = " -> ".join(name + (f" ({self.shown[file]})" if file else "") for file, name in loop)
        return PlannerError(f"{self._entry(again).where}: 'extends' loops through {again[1]}: {shown}")
