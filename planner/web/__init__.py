"""``planner serve``: a read-only, live status page of an incident store.

:mod:`~planner.web.reading` reads the journal, :mod:`~planner.web.history` replays the
components' states, :mod:`~planner.web.pages` decides what each page may say,
:mod:`~planner.web.render` turns it into HTML and JSON, :mod:`~planner.web.feed` watches the store
and fans each change out to every browser, :mod:`~planner.web.app` is the Starlette application
and :mod:`~planner.web.server` runs it on uvicorn.
"""
