"""The JSON Schema of the plan file, for editors and other tools."""

from __future__ import annotations

from typing import Any

from models.plan import Plan

SCHEMA_ID = "https://recovery-planner.dev/schema/plan-v1.json"


def plan_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the plan format, with every field described.

    Examples
    --------
    >>> schema = plan_schema()
    >>> schema["properties"]["version"]["const"]
    1
    """
    schema = Plan.model_json_schema(mode="validation")
    depends_on = schema["$defs"]["Service"]["properties"]["depends_on"]
    short_form = dict(schema["$defs"]["Dependency"]["properties"]["service"])
    short_form["description"] = "Short form: the id of a service this one hard-depends on, no check."
    depends_on["items"] = {"anyOf": [short_form, {"$ref": "#/$defs/Dependency"}]}
    return {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "recovery-planner plan",
    }
