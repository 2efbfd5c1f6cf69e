"""The shape DESIGN.md fixes: index/ stays free of the UI toolkit."""

import ast
from pathlib import Path

INDEX = Path(__file__).resolve().parent.parent / "index"


def test_index_never_imports_textual_or_rich() -> None:
    offenders = []
    for module in INDEX.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{module.name}: {n}" for n in names if n.split(".")[0] in {"textual", "rich"}
            ]
    assert offenders == []
