"""The engine: the recovery graph and what is computed from it (scenario, impact, waves, schedule,
RTO analysis, workarounds), gathered by ``planning``. Pure functions of a plan; no I/O."""
