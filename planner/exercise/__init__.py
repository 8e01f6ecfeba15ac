"""Game days (docs/guide/exercises.md): choosing what to exercise (:mod:`~planner.exercise.choose`),
injecting surprises on the drill's clock (:mod:`~planner.exercise.injections`,
:mod:`~planner.exercise.timeline`), scoring the team against the plan
(:mod:`~planner.exercise.score`, :mod:`~planner.exercise.score_text`) and writing the exercise back
into the plan (:mod:`~planner.exercise.record`). Headless: the CLI and the recovery screen use it."""
