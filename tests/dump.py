"""Write a plan back to YAML or JSON, the inverse of the loader."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import yaml
import yaml_rs

from models.plan import Plan


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as plain data, without keys that hold their default value.

    Dependencies without a check or kind are written in the short form (just the id).
    """
    data = plan.model_dump(mode="json", exclude_defaults=True)
    for service in data.get("services", []):
        deps = service.get("depends_on")
        if deps:
            service["depends_on"] = [d["service"] if set(d) == {"service"} else d for d in deps]
    return data


@lru_cache(maxsize=65536)
def _plain_is_safe(text: str) -> bool:
    """True when a YAML 1.2 reader (the loader's) reads ``text`` written plain back as text."""
    if not text or "\n" in text or text != text.strip():
        return False
    try:
        loaded = yaml_rs.loads(f"k: {text}\n")
        return isinstance(loaded, dict) and loaded.get("k") == text
    except Exception:  # noqa: BLE001 - anything it cannot read plain must be quoted
        return False


class _Dumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1; quote every string a YAML 1.2 reader would take for a number or date."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = None if _plain_is_safe(text) else '"'
    if "\n" in text and text.strip() == text:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(plan: Plan) -> str:
    """YAML text that loads back to an equal plan.

    Examples
    --------
    >>> from models import Plan
    >>> print(dump_yaml(Plan(version=1, name="x")), end="")
    version: 1
    name: x
    """
    return dump_data(plan_data(plan))


def dump_data(data: Any) -> str:
    """YAML text of plain data, readable by the loader's YAML 1.2 parser exactly as given."""
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def dump_json(plan: Plan) -> str:
    """JSON text that loads back to an equal plan."""
    return json.dumps(plan_data(plan), indent=2, ensure_ascii=False) + "\n"
