"""Modules over 400 lines and functions over 60 lines in planner/ and models/ (the reshape's
limits); a function may exceed its limit when a comment on its ``def`` line says why
(``# long: ...`` on the ``def`` or its signature's lines)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE_LIMIT = 400
FUNCTION_LIMIT = 60


def oversized(root: Path = ROOT) -> list[str]:
    """Every module and function over its limit, as ``path:line: what``."""
    found = []
    for path in sorted([*root.glob("planner/**/*.py"), *root.glob("models/**/*.py")]):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        rel = path.relative_to(root)
        if len(lines) > MODULE_LIMIT:
            found.append(f"{rel}:1: module of {len(lines)} lines (limit {MODULE_LIMIT})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                signature = lines[node.lineno - 1 : node.body[0].lineno - 1]
                if length > FUNCTION_LIMIT and not any("# long:" in line for line in signature):
                    found.append(
                        f"{rel}:{node.lineno}: {node.name}() of {length} lines (limit {FUNCTION_LIMIT})"
                    )
    return found


if __name__ == "__main__":
    problems = oversized()
    print("\n".join(problems) or "every module and function within its limit")
    sys.exit(1 if problems else 0)
