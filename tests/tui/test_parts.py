"""The recovery screen is made of parts that each hold their keys beside their handlers: every
key is handled by the part that declares it, and the command palette runs it there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.pilot import journal, make_app, recovery, settle, started


@pytest.mark.asyncio
async def test_every_key_is_handled_where_it_is_declared(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        owners = recovery(app).bindings()
        assert len({b.key for _, b in owners}) == len(owners), "a key is bound twice"
        for owner, binding in owners:
            name = binding.action.split("(")[0]
            assert callable(getattr(owner, f"action_{name}", None)), (type(owner).__name__, binding.key)


@pytest.mark.asyncio
async def test_the_palette_runs_an_action_in_the_part_that_owns_it(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Begin (b)"].callback()
        await settle(app, pilot)
        assert journal(app)[-1].kind == "task_begun"
        assert app.state.tasks["storage-cluster"].state == "restoring"
