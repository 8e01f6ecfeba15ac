"""An audit that samples nothing does not load numpy: importing it reserved ~120 MB of address
space (its thread pools) in every audit, enough to tip a 2,000,000-edge audit over a 2 GB limit."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EXAMPLES

PROBE = (
    "import sys; from planner.cli import main; "
    "main(['audit', sys.argv[1], '--fail-on', 'never']); "
    "print('numpy' in sys.modules)"
)


def test_an_audit_without_a_scenario_does_not_import_numpy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(EXAMPLES / "enterprise.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "False"
